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
        string="Crisis Incident",
        readonly=True,
        copy=False,
        help="The incident that put the company into crisis mode.",
    )
    crisis_inquiry_sla_minutes = fields.Integer(
        string="Default Response Time (minutes)",
        default=120,
        help="How quickly an inquiry must be answered when the stakeholder type "
        "of the caller has no response time of its own, or is unknown.",
    )
