# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisIncidentType(models.Model):
    _name = "crisis.incident.type"
    _description = "Incident Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    default_severity = fields.Selection(
        [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")],
        default="major",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of an incident type must be unique."),
    ]
