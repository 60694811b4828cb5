# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

from .crisis_incident_member import ROLES


class CrisisPlaybook(models.Model):
    """What the crisis team does first for one type of incident.

    Activating an incident turns the steps of its type's playbook into
    crisis tasks, assigned by team role, with deadlines counted from the
    moment of activation.
    """

    _name = "crisis.playbook"
    _description = "Crisis Playbook"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    incident_type_id = fields.Many2one(
        "crisis.incident.type",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    step_ids = fields.One2many(
        "crisis.playbook.step", "playbook_id", string="Steps", copy=True
    )
    step_count = fields.Integer(compute="_compute_step_count")

    @api.depends("step_ids")
    def _compute_step_count(self):
        counts = dict(
            self.env["crisis.playbook.step"]._read_group(
                [("playbook_id", "in", self.ids)], ["playbook_id"], ["__count"]
            )
        )
        for playbook in self:
            playbook.step_count = counts.get(playbook, 0)

    def _prepare_task_values(self, incident):
        """Values of the crisis tasks this playbook creates for ``incident``."""
        self.ensure_one()
        start = incident.date_activated or fields.Datetime.now()
        users_by_role = incident._users_by_role()
        # The names in English here; _translate_tasks adds the other languages.
        steps = self.with_context(lang="en_US").step_ids
        return [
            {
                "incident_id": incident.id,
                "playbook_step_id": step.id,
                "name": step.name,
                "description": step.description,
                "user_id": (users_by_role.get(step.role) or incident.lead_id).id,
                "date_deadline": start + timedelta(hours=step.deadline_offset),
                "priority": step.priority,
                "stakeholder_type_ids": [
                    fields.Command.set(step.stakeholder_type_ids.ids)
                ],
                "sequence": step.sequence,
            }
            for step in steps
        ]

    @api.model
    def _translate_tasks(self, tasks):
        """Give tasks made from playbook steps their steps' names in every
        installed language: each member reads the task in their own."""
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for task in tasks.filtered("playbook_step_id"):
            step = task.playbook_step_id
            task.update_field_translations(
                "name", {lang: step.with_context(lang=lang).name for lang in langs}
            )


class CrisisPlaybookStep(models.Model):
    _name = "crisis.playbook.step"
    _description = "Crisis Playbook Step"
    _order = "playbook_id, sequence, id"

    playbook_id = fields.Many2one(
        "crisis.playbook", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Html(translate=True)
    deadline_offset = fields.Float(
        string="Deadline after Activation",
        default=1.0,
        help="Hours and minutes after the incident is activated by which the "
        "task must be done.",
    )
    role = fields.Selection(
        ROLES,
        string="Team Role",
        required=True,
        default="lead",
        help="The task goes to the team member with this role; without such a "
        "member it goes to the crisis lead.",
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Important"), ("2", "Urgent")], default="0"
    )
    stakeholder_type_ids = fields.Many2many(
        "crisis.stakeholder.type",
        "crisis_playbook_step_stakeholder_type_rel",
        "step_id",
        "type_id",
        string="Stakeholders to Inform",
    )

    _sql_constraints = [
        (
            "deadline_offset_positive",
            "CHECK(deadline_offset >= 0)",
            "A playbook step cannot be due before the incident is activated.",
        ),
    ]
