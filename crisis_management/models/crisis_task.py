# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CrisisTask(models.Model):
    _name = "crisis.task"
    _description = "Crisis Task"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, date_deadline, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    description = fields.Html()
    incident_id = fields.Many2one(
        "crisis.incident", required=True, ondelete="cascade", index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="incident_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Assignee", tracking=True, index=True,
        default=lambda self: self.env.user,
    )
    date_deadline = fields.Datetime(string="Deadline", tracking=True, index=True)
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Important"), ("2", "Urgent")], default="0"
    )
    state = fields.Selection(
        [
            ("todo", "To Do"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="todo",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    date_done = fields.Datetime(readonly=True, copy=False)
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue"
    )

    @api.depends("date_deadline", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for task in self:
            task.is_overdue = bool(
                task.date_deadline
                and task.date_deadline < now
                and task.state in ("todo", "in_progress")
            )

    def _search_is_overdue(self, operator, value):
        domain = [
            ("date_deadline", "<", fields.Datetime.now()),
            ("state", "in", ("todo", "in_progress")),
        ]
        if (operator == "=") == bool(value):
            return domain
        return ["!", "&"] + domain
