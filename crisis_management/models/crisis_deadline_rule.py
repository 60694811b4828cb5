# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisDeadlineRule(models.Model):
    """A legal deadline that starts when the company becomes aware of an
    incident (GDPR Art. 33/34, NIS2 Art. 23, product safety)."""

    _name = "crisis.deadline.rule"
    _description = "Crisis Deadline Rule"
    _order = "sequence, hours, id"

    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    hours = fields.Integer(
        required=True,
        help="Hours from the moment of awareness until the deadline.",
    )
    remind_hours = fields.Integer(
        string="Remind Before (hours)",
        default=12,
        help="The crisis lead is reminded this many hours before the deadline.",
    )
    authority = fields.Text(
        translate=True, help="Who must be notified, and how (address, portal)."
    )
    description = fields.Text(translate=True, help="What the law requires.")

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of a deadline rule must be unique."),
        (
            "hours_positive",
            "CHECK(hours > 0)",
            "A deadline needs a positive number of hours.",
        ),
    ]
