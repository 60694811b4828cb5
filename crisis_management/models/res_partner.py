# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    crisis_stakeholder_type_ids = fields.Many2many(
        "crisis.stakeholder.type",
        "crisis_stakeholder_type_res_partner_rel",
        "partner_id",
        "type_id",
        string="Stakeholder Types",
    )
    crisis_influence = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        string="Influence",
        help="How strongly this stakeholder shapes public opinion in a crisis.",
    )
    crisis_consent_ids = fields.One2many(
        "crisis.consent", "partner_id", string="Consents"
    )

    def crisis_can_contact(self, purpose_code, channel):
        """Whether this partner may be contacted for ``purpose_code`` on
        ``channel``: the one rule every sending path obeys."""
        self.ensure_one()
        consent = self.env["crisis.consent"].sudo().search_count(
            [
                ("partner_id", "=", self.id),
                ("purpose_id.code", "=", purpose_code),
                ("channel", "=", channel),
                ("state", "=", "given"),
            ],
            limit=1,
        )
        return bool(consent)
