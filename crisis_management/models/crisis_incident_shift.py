# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who is on duty in which role, from when to when; a shift ends with a
handover note to the next person on that role."""

from markupsafe import Markup

from odoo import _, _lt, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.fields import workflow_state
from .crisis_roster_line import ROSTER_ROLES

SHIFT_ROLES = [*ROSTER_ROLES, ("deputy", "Deputy Lead"), ("member", "Member")]


class CrisisIncidentShift(models.Model):
    _name = "crisis.incident.shift"
    _description = "Crisis Team Shift"
    _inherit = ["crisis.workflow.mixin"]
    _order = "incident_id, date_start, id"
    _check_company_auto = True

    _workflow_fields = frozenset({"state", "date_ended", "handover_note"})
    _workflow_transitions = {"ended": ("planned",)}

    incident_id = fields.Many2one(
        "crisis.incident", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="incident_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="On Duty",
        required=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    role = fields.Selection(SHIFT_ROLES, required=True)
    date_start = fields.Datetime(
        string="From", required=True, default=fields.Datetime.now
    )
    date_end = fields.Datetime(string="Until", required=True)
    state = workflow_state([("planned", "On Duty"), ("ended", "Ended")], "planned")
    date_ended = fields.Datetime(string="Ended On", readonly=True)
    handover_note = fields.Text(readonly=True)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for shift in self:
            if shift.date_end <= shift.date_start:
                raise ValidationError(_("A shift ends after it begins."))

    @api.constrains("user_id", "incident_id")
    def _check_user_on_duty(self):
        """On duty is an internal user; on a confidential incident, one of
        its team (the handover note goes to them)."""
        for shift in self.sudo():
            user, incident = shift.user_id, shift.incident_id
            if user.share:
                raise ValidationError(
                    self._workflow_env()._(
                        "Only internal users can be on duty: “%(user)s” is not one.",
                        user=user.name,
                    )
                )
            incident._check_work_for(user)

    def _next_shift(self):
        """The next shift on the same role of the incident, not this one."""
        self.ensure_one()
        return self.sudo().search(
            [
                ("incident_id", "=", self.incident_id.id),
                ("role", "=", self.role),
                ("state", "=", "planned"),
                ("id", "!=", self.id),
                ("date_end", ">", self.date_start),
            ],
            order="date_start, id",
            limit=1,
        )

    def action_end(self, handover_note=None):
        """End the shift with its handover note: logged, and handed to the
        next person on that role (an activity)."""
        self.ensure_one()
        note = handover_note.strip() if isinstance(handover_note, str) else ""
        if not note:
            raise UserError(_("Please write a handover note for whoever takes over."))
        shift = self._workflow_apply(
            "ended", {"date_ended": fields.Datetime.now(), "handover_note": note}
        )
        role = dict(self._fields["role"]._description_selection(self.env))[self.role]
        next_shift = self._next_shift()
        incident = shift.incident_id
        if (
            next_shift
            and incident.is_confidential
            and not incident._sees_confidential(next_shift.user_id)
        ):
            # Taken off the team since the shift was planned: the note stays
            # in the log, for the team.
            next_shift = next_shift.browse()
        incident._log(
            "note",
            _lt("Shift of %(user)s (%(role)s) ended. Handover%(to)s: %(note)s"),
            {
                "user": shift.user_id.name,
                "role": {"field": "crisis.incident.shift.role", "value": self.role},
                "to": (_lt(" to %(user)s"), {"user": next_shift.user_id.name})
                if next_shift
                else "",
                "note": note,
            },
        )
        if next_shift:
            incident.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=next_shift.user_id.id,
                summary=_(
                    "Handover from %(user)s (%(role)s)",
                    user=shift.user_id.name,
                    role=role,
                ),
                note=Markup("<p>%s</p>") % note,
            )
            next_shift.user_id._bus_send(
                "simple_notification",
                {
                    "type": "info",
                    "sticky": True,
                    "title": _("Handover from %s", shift.user_id.name),
                    "message": note,
                },
            )
        return True

    def action_open_end_wizard(self):
        """Ending a shift asks for the handover note."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("End Shift"),
            "res_model": "crisis.incident.shift.end",
            "view_mode": "form",
            "target": "new",
            "context": {"default_shift_id": self.id},
        }
