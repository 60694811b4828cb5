# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crisis_mode = fields.Boolean(
        readonly=True,
        copy=False,
        help="Set while a major or critical incident of this company is active.",
    )
    crisis_incident_id = fields.Many2one(
        "crisis.incident",
        readonly=True,
        copy=False,
        help="The incident that put the company into crisis mode.",
    )
