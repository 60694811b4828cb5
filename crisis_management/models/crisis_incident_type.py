# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# Whoever has not answered an alarm after these minutes is replaced by the
# next deputy, unless the incident type says otherwise.
DEFAULT_ALARM_ESCALATION_MINUTES = 10


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
    playbook_ids = fields.One2many(
        "crisis.playbook", "incident_type_id", string="Playbooks"
    )
    playbook_count = fields.Integer(compute="_compute_playbook_count")
    alarm_escalation_minutes = fields.Integer(
        string="Alarm Escalation (Minutes)",
        default=DEFAULT_ALARM_ESCALATION_MINUTES,
        help="Whoever has not answered the alarm after these minutes is "
        "replaced by the next deputy of their role.",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of an incident type must be unique."),
    ]

    @api.depends("playbook_ids")
    def _compute_playbook_count(self):
        counts = dict(
            self.env["crisis.playbook"]._read_group(
                [("incident_type_id", "in", self.ids)],
                ["incident_type_id"],
                ["__count"],
            )
        )
        for incident_type in self:
            incident_type.playbook_count = counts.get(incident_type, 0)

    def _get_playbook(self):
        """The active playbook applied to incidents of this type."""
        self.ensure_one()
        return self.env["crisis.playbook"].search(
            [("incident_type_id", "=", self.id)], limit=1
        )
