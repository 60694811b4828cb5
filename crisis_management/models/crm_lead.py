# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    crisis_affected = fields.Boolean(
        string="Affected by the Crisis",
        compute="_compute_crisis_affected",
        search="_search_crisis_affected",
        help="The customer of this opportunity (or their company) was addressed "
        "by a communication of an open incident, sent or skipped, or asked "
        "about one.",
    )
    # The customer's, read as the current user (compute_sudo=False; related
    # fields read in sudo otherwise): confidential incidents stay hidden from
    # those outside their team.
    crisis_banner = fields.Html(related="partner_id.crisis_banner", compute_sudo=False)
    crisis_inquiry_count = fields.Integer(
        related="partner_id.crisis_inquiry_count", compute_sudo=False
    )
    crisis_recipient_count = fields.Integer(
        related="partner_id.crisis_recipient_count", compute_sudo=False
    )

    @api.depends_context("uid")
    @api.depends("partner_id.commercial_partner_id")
    def _compute_crisis_affected(self):
        for lead in self:
            lead.crisis_affected = lead.partner_id.crisis_affected

    def _search_crisis_affected(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on affected customers."))
        # Through the contact's own search: a salesperson without crisis
        # rights finds their own customers marked affected.
        if (operator == "=") == value:
            return [("partner_id.crisis_affected", "=", True)]
        return [
            "|",
            ("partner_id", "=", False),
            ("partner_id.crisis_affected", "=", False),
        ]

    def action_crisis_inquiries(self):
        self.ensure_one()
        self.check_access("read")
        return self.partner_id.action_crisis_inquiries()

    def action_crisis_recipients(self):
        self.ensure_one()
        self.check_access("read")
        return self.partner_id.action_crisis_recipients()
