# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisStakeholderType(models.Model):
    _name = "crisis.stakeholder.type"
    _description = "Stakeholder Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable technical code used by imports, scripts and playbooks.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of a stakeholder type must be unique."),
    ]
