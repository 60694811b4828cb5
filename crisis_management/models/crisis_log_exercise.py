# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisLog(models.Model):
    _inherit = "crisis.log"

    # Not part of the hashed entry: whether the incident is an exercise is
    # fixed at its creation and written in its first log entry.
    incident_is_exercise = fields.Boolean(
        related="incident_id.is_exercise", string="Exercise"
    )
