# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools import count_by

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
    # The first hour: words out in minutes, deadlines kept
    holding_message_ids = fields.One2many(
        "crisis.message",
        "incident_type_id",
        string="Holding Statements",
        domain=[("incident_id", "=", False)],
        help="Texts approved before any crisis (four eyes). Activating an "
        "incident of this type copies them into the incident, approved, with "
        "{incident}, {time}, {hotline} and {page_url} filled in.",
    )
    dark_site = fields.Boolean(
        help="Activating an incident of this type publishes its public page at "
        "once, with the first holding statement as its first update.",
    )
    update_interval_minutes = fields.Integer(
        string="Update Every (minutes)",
        default=0,
        help="The public page gets a new update at least this often; the "
        "spokesperson is reminded when it is due. 0: no cadence.",
    )
    update_interval_critical_minutes = fields.Integer(
        string="Update Every, Critical (minutes)",
        default=0,
        help="Shorter cadence for critical incidents. 0: the same as above.",
    )
    deadline_rule_ids = fields.Many2many(
        "crisis.deadline.rule",
        string="Legal Deadlines",
        help="Deadlines that start when the company becomes aware of an "
        "incident of this type.",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of an incident type must be unique."),
        (
            "update_interval_positive",
            "CHECK(update_interval_minutes >= 0 AND update_interval_critical_minutes >= 0)",
            "An update interval cannot be negative.",
        ),
    ]

    @api.depends("playbook_ids")
    def _compute_playbook_count(self):
        counts = count_by(self, "crisis.playbook", "incident_type_id")
        for incident_type in self:
            incident_type.playbook_count = counts.get(incident_type, 0)

    def _update_interval(self, severity):
        """Minutes between two public updates for an incident of
        ``severity`` (0: no cadence)."""
        self.ensure_one()
        if severity == "critical" and self.update_interval_critical_minutes > 0:
            return self.update_interval_critical_minutes
        return max(self.update_interval_minutes, 0)

    def _get_playbook(self):
        """The active playbook applied to incidents of this type."""
        self.ensure_one()
        return self.env["crisis.playbook"].search(
            [("incident_type_id", "=", self.id)], limit=1
        )
