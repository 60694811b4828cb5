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
