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
    crisis_banner = fields.Html(compute="_compute_crisis_affected", sanitize=False)
    # Computed as the current user (not related fields, which read in sudo):
    # confidential incidents stay hidden from those outside their team.
    crisis_inquiry_count = fields.Integer(
        compute="_compute_crisis_affected", string="Crisis Inquiries"
    )
    crisis_recipient_count = fields.Integer(
        compute="_compute_crisis_affected", string="Crisis Messages"
    )

    @api.depends_context("uid", "lang")
    @api.depends("partner_id.commercial_partner_id")
    def _compute_crisis_affected(self):
        for lead in self:
            partner = lead.partner_id
            lead.crisis_affected = partner.crisis_affected if partner else False
            lead.crisis_banner = partner.crisis_banner if partner else False
            lead.crisis_inquiry_count = partner.crisis_inquiry_count
            lead.crisis_recipient_count = partner.crisis_recipient_count

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
