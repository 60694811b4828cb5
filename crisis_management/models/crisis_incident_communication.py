# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CrisisIncident(models.Model):
    """Content, communications and the safety check on the incident."""

    _inherit = "crisis.incident"  # pylint: disable=consider-merging-classes-inherited

    communication_ids = fields.One2many(
        "crisis.communication", "incident_id", string="Communications"
    )
    crisis_message_ids = fields.One2many(
        "crisis.message", "incident_id", string="Content"
    )
    communication_count = fields.Integer(compute="_compute_communication_count")
    safety_recipient_ids = fields.One2many(
        "crisis.communication.recipient",
        "incident_id",
        string="Safety Check Answers",
        domain=[("kind", "=", "safety_check"), ("state", "=", "sent")],
    )
    safety_unanswered_partner_ids = fields.Many2many(
        "res.partner", compute="_compute_safety_status", string="No Answer Yet"
    )
    safety_help_partner_ids = fields.Many2many(
        "res.partner", compute="_compute_safety_status", string="Need Help"
    )
    safety_safe_count = fields.Integer(compute="_compute_safety_status", string="Safe")
    safety_unanswered_count = fields.Integer(
        compute="_compute_safety_status", string="Not Answered"
    )
    safety_help_count = fields.Integer(
        compute="_compute_safety_status", string="Needing Help"
    )

    def _compute_communication_count(self):
        counts = dict(
            self.env["crisis.communication"]._read_group(
                [("incident_id", "in", self.ids)], ["incident_id"], ["__count"]
            )
        )
        for incident in self:
            incident.communication_count = counts.get(incident, 0)

    @api.depends(
        "safety_recipient_ids.safety_answer", "safety_recipient_ids.date_answered"
    )
    def _compute_safety_status(self):
        Recipient = self.env["crisis.communication.recipient"]
        for incident in self:
            # Per person: their latest answer, on any channel, to any check.
            status = Recipient._safety_status_by_partner(incident.safety_recipient_ids)
            unanswered = sorted(pid for pid, answer in status.items() if not answer)
            needs_help = sorted(
                pid for pid, answer in status.items() if answer == "help"
            )
            incident.safety_unanswered_partner_ids = [(6, 0, unanswered)]
            incident.safety_help_partner_ids = [(6, 0, needs_help)]
            incident.safety_safe_count = sum(1 for a in status.values() if a == "safe")
            incident.safety_unanswered_count = len(unanswered)
            incident.safety_help_count = len(needs_help)
