# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import AccessError

from ..models.crisis_incident import SEVERITIES


class CrisisIncidentReport(models.TransientModel):
    """A crisis user (hotline, sales) reports what they heard of: a draft
    incident that only the crisis team can activate."""

    _name = "crisis.incident.report"
    _description = "Report a Crisis Incident"

    name = fields.Char(string="What Happened", required=True)
    incident_type_id = fields.Many2one("crisis.incident.type")
    severity = fields.Selection(SEVERITIES, required=True, default="major")
    description = fields.Text(
        string="Details", help="What you know: who told you, when, what is affected."
    )
    partner_id = fields.Many2one(
        "res.partner", string="Heard From", help="The contact who told you."
    )

    def action_report(self):
        self.ensure_one()
        self.check_access("create")
        if not self.env.user.has_group("crisis_management.group_crisis_user"):
            raise AccessError(_("Only crisis users can report an incident."))
        situation = Markup("<p>%s</p>") % (self.description or "")
        if self.partner_id:
            situation += Markup("<p>%s</p>") % _(
                "Heard from %(partner)s.", partner=self.partner_id.display_name
            )
        # Crisis users may not create incidents themselves: the report is
        # created for them, always as a draft without a lead.
        incident = (
            self.env["crisis.incident"]
            .sudo()
            .create(
                {
                    "name": self.name,
                    "incident_type_id": self.incident_type_id.id,
                    "severity": self.severity,
                    "situation": situation,
                    "company_id": self.env.company.id,
                    "lead_id": False,
                    "reported_by_id": self.env.uid,
                    "reported_partner_id": self.partner_id.id,
                }
            )
        )
        incident._log(
            "fact",
            _(
                "Incident reported by %(user)s: %(name)s",
                user=self.env.user.name,
                name=self.name,
            ),
        )
        incident._notify_crisis_team_of_report()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crisis.incident",
            "res_id": incident.id,
            "view_mode": "form",
            "target": "current",
        }
