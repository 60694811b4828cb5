# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The alarm of the crisis team: who was called, who answered, who was
replaced by a deputy."""

import logging
from datetime import timedelta

from odoo import _, _lt, api, fields, models

from ..tools.fields import workflow_state

_logger = logging.getLogger(__name__)

ALARM_STATES = [("running", "Running"), ("done", "Done"), ("cancelled", "Cancelled")]


class CrisisAlarm(models.Model):
    _name = "crisis.alarm"
    _description = "Crisis Team Alarm"
    _inherit = ["crisis.workflow.mixin"]
    _order = "date_start desc, id desc"

    _workflow_fields = frozenset({"state", "date_start", "user_id", "incident_id"})
    _workflow_transitions = {"done": ("running",), "cancelled": ("running",)}
    _workflow_copy = "refuse"

    incident_id = fields.Many2one(
        "crisis.incident", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="incident_id.company_id", store=True)
    is_exercise = fields.Boolean(related="incident_id.is_exercise")
    state = workflow_state(ALARM_STATES, "running")
    date_start = fields.Datetime(
        string="Alarmed On", default=fields.Datetime.now, readonly=True
    )
    user_id = fields.Many2one(
        "res.users", string="Alarmed By", default=lambda self: self.env.user
    )
    line_ids = fields.One2many("crisis.alarm.line", "alarm_id", string="People")

    @api.depends("incident_id", "date_start")
    def _compute_display_name(self):
        for alarm in self:
            alarm.display_name = _(
                "Alarm of %(date)s",
                date=fields.Datetime.to_string(alarm.date_start) or "",
            )

    def action_cancel(self):
        """Stop the alarm: nobody further is called."""
        self._workflow_apply("cancelled")
        for alarm in self:
            alarm.incident_id._log(
                "note",
                _lt("Alarm of the crisis team cancelled by %(user)s."),
                {"user": self.env.user.name},
            )
            alarm.incident_id._notify_situation_changed()
        return True

    # ------------------------------------------------------------------
    # Escalation (cron job crisis_management.ir_cron_crisis_alarm)
    # ------------------------------------------------------------------
    @api.model
    def _cron_escalate(self):
        """Call the next deputy for everyone who has not answered within the
        escalation time of the incident's type; end the alarms of closed
        incidents."""
        alarms = self.sudo().search([("state", "=", "running")])
        closed = alarms.filtered(lambda a: a.incident_id.state == "closed")
        if closed:
            closed.write({"state": "done"})
        now = fields.Datetime.now()
        for alarm in alarms - closed:
            # The log is written for the whole team: in the lead's language.
            alarm = alarm.with_context(lang=alarm.incident_id._team_lang())
            minutes = alarm.incident_id._alarm_escalation_minutes()
            limit = now - timedelta(minutes=minutes)
            overdue = alarm.line_ids.filtered(
                lambda line, limit=limit: (
                    line.state == "notified"
                    and line.date_notified
                    and line.date_notified <= limit
                )
            )
            for line in overdue:
                line._escalate(
                    (
                        _lt(
                            "%(user)s (%(role)s) has not answered the alarm within "
                            "%(minutes)s minutes."
                        ),
                        {
                            "user": line.user_id.name,
                            "role": line._role_value(),
                            "minutes": minutes,
                        },
                    )
                )
