# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .crisis_alarm import DEFAULT_ESCALATION_MINUTES


class CrisisIncidentType(models.Model):
    _inherit = "crisis.incident.type"  # pylint: disable=consider-merging-classes-inherited

    alarm_escalation_minutes = fields.Integer(
        string="Alarm Escalation (Minutes)",
        default=DEFAULT_ESCALATION_MINUTES,
        help="Whoever has not answered the alarm after these minutes is "
        "replaced by the next deputy of their role.",
    )
