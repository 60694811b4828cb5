# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, _lt, api, fields, models
from odoo.tools import html2plaintext

from ..tools import reader_tz, require_group
from ..tools.fields import incident_fields, workflow_state

TASK_STATES = [
    ("todo", "To Do"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# Changed only by the actions and the follow-up job.
WORKFLOW_FIELDS = {
    "state",
    "date_done",
    "followup_state",
    "date_reminded",
    "date_escalated",
    "playbook_step_id",
    "call_partner_id",
    "call_user_id",
    "call_activity_id",
}
# Which states each action may start from.
TASK_TRANSITIONS = {
    "in_progress": ("todo",),
    "done": ("todo", "in_progress"),
    "cancelled": ("todo", "in_progress"),
    "todo": ("done", "cancelled"),
}
OPEN_TASK_STATES = ("todo", "in_progress")
# What a hotline user (crisis user, not on the crisis team) may write on
# their own tasks: the state goes through the actions; name, deadline,
# assignee and priority are the crisis team's to set.
HOTLINE_TASK_FIELDS = {"description", "color", "sequence", "message_main_attachment_id"}
DEFAULT_ESCALATION_HOURS = 2.0
# Overdue tasks followed up per run of the job; Odoo runs it again while
# some are left (ir.cron progress).
FOLLOWUP_BATCH = 200


class CrisisTask(models.Model):
    """A task of the crisis team. It shows among the assignee's activities,
    where sales staff look every day, and is followed up automatically
    (Wiedervorlage) when its deadline passes."""

    _name = "crisis.task"
    _description = "Crisis Task"
    _inherit = ["mail.thread", "mail.activity.mixin", "crisis.workflow.mixin"]
    _order = "priority desc, date_deadline, sequence, id"
    _check_company_auto = True

    _workflow_fields = frozenset(WORKFLOW_FIELDS)
    _workflow_transitions = TASK_TRANSITIONS

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    # In every language: tasks from a playbook carry its steps' translations.
    name = fields.Char(required=True, tracking=True, translate=True)
    description = fields.Html()
    incident_id, company_id = incident_fields()
    incident_lead_id = fields.Many2one(
        related="incident_id.lead_id", string="Crisis Lead"
    )
    is_confidential = fields.Boolean(related="incident_id.is_confidential")
    user_id = fields.Many2one(
        "res.users",
        string="Assignee",
        tracking=True,
        index=True,
        check_company=True,
        default=lambda self: self.env.user,
    )
    date_deadline = fields.Datetime(string="Deadline", tracking=True, index=True)
    # A personal call to a key customer (crisis.incident.action_mark_affected)
    call_partner_id = fields.Many2one(
        "res.partner",
        string="Customer to Call",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    call_user_id = fields.Many2one(
        "res.users", string="Calling Salesperson", readonly=True, copy=False
    )
    call_activity_id = fields.Many2one("mail.activity", readonly=True, copy=False)
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Important"), ("2", "Urgent")], default="0"
    )
    sequence = fields.Integer(default=10)
    state = workflow_state(TASK_STATES, "todo", tracking=True)
    date_done = fields.Datetime(readonly=True, copy=False)
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue"
    )
    playbook_step_id = fields.Many2one(
        "crisis.playbook.step",
        readonly=True,
        ondelete="set null",
        copy=False,
    )
    stakeholder_type_ids = fields.Many2many(
        "crisis.stakeholder.type",
        "crisis_task_stakeholder_type_rel",
        "task_id",
        "type_id",
        string="Stakeholders to Inform",
    )
    color = fields.Integer()
    # Automatic follow-up (Wiedervorlage): one reminder, then one escalation
    # per lateness. Changing the deadline starts over.
    followup_state = fields.Selection(
        [
            ("none", "On Time"),
            ("reminded", "Reminder Sent"),
            ("escalated", "Escalated"),
        ],
        string="Follow-up",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    date_reminded = fields.Datetime(string="Reminded On", readonly=True, copy=False)
    date_escalated = fields.Datetime(string="Escalated On", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("date_deadline", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for task in self:
            task.is_overdue = bool(
                task.date_deadline
                and task.date_deadline < now
                and task.state in OPEN_TASK_STATES
            )

    def _search_is_overdue(self, operator, value):
        domain = [
            ("date_deadline", "<", fields.Datetime.now()),
            ("state", "in", OPEN_TASK_STATES),
        ]
        if (operator == "=") == bool(value):
            return domain
        return ["!", "&"] + domain

    @api.constrains("user_id", "incident_id")
    def _check_confidential_assignee(self):
        """A task of a confidential incident goes only to someone who may see
        the incident: its lead, a member of its team or a crisis admin."""
        for task in self.sudo():
            task.incident_id._check_work_for(task.user_id)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        tasks._schedule_assignee_activity()
        tasks.incident_id._notify_situation_changed()
        return tasks

    def write(self, vals):
        if not self.env.su:
            self._check_hotline_fields(vals)
        self.env["crisis.incident"]._notify_situations_of(self, vals)
        result = super().write(vals)
        if "date_deadline" in vals and "followup_state" not in vals:
            # A new deadline is a new promise: follow it up from scratch.
            self.sudo().write(
                {
                    "followup_state": "none",
                    "date_reminded": False,
                    "date_escalated": False,
                }
            )
        if "user_id" in vals or "date_deadline" in vals:
            self._close_activities(self._assignee_activity_type(), unlink=True)
            self._schedule_assignee_activity()
        if vals.get("state") in ("done", "cancelled"):
            self._close_activities(
                self._assignee_activity_type(),
                _("Task completed.")
                if vals["state"] == "done"
                else _("Task cancelled."),
            )
        return result

    def unlink(self):
        self.incident_id._notify_situation_changed()
        return super().unlink()

    def _check_hotline_fields(self, vals):
        """Hotline users work on their own tasks through the actions: they
        may add notes, but what the task is, when it is due, who does it and
        how urgent it is stay with the crisis team."""
        # (unknown names are the ORM's to refuse)
        refused = (set(vals) & set(self._fields)) - HOTLINE_TASK_FIELDS
        if not refused:
            return
        env = self._workflow_env()
        labels = ", ".join(
            sorted(
                self._fields[name]._description_string(env) or name for name in refused
            )
        )
        require_group(
            env,
            "crisis_management.group_crisis_manager",
            env._(
                "Only the crisis team may change %(fields)s of a crisis task. Use "
                "the buttons to start, finish or cancel your task, or ask the "
                "crisis lead for a new deadline.",
                fields=labels,
            ),
        )

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------

    def action_start(self):
        self._workflow_apply("in_progress")
        return True

    def action_done(self):
        self._workflow_apply("done", {"date_done": fields.Datetime.now()})
        self._close_and_log(
            _("Task completed."), _lt("Task completed: %(task)s (by %(user)s).")
        )
        return True

    def action_cancel(self):
        self._workflow_apply("cancelled")
        self._close_and_log(
            _("Task cancelled."), _lt("Task cancelled: %(task)s (by %(user)s).")
        )
        return True

    def _close_and_log(self, feedback, message):
        """Close each task's follow-up activities with ``feedback`` and log
        ``message`` (an ``_lt`` with ``%(task)s`` and ``%(user)s``, read in
        each reader's language) on its incident."""
        for task in self:
            task._close_activities(self._followup_activity_type(), feedback)
            task.incident_id._log(
                "task", message, {"task": task.name, "user": self.env.user.name}
            )

    def action_reopen(self):
        self._workflow_apply(
            "todo",
            {
                "date_done": False,
                "followup_state": "none",
                "date_reminded": False,
                "date_escalated": False,
            },
        )
        return True

    # ------------------------------------------------------------------
    # Activities: the assignee's task, the follow-up (Wiedervorlage)
    # ------------------------------------------------------------------
    @api.model
    def _activity_type(self, xmlid):
        return self.env.ref(xmlid, raise_if_not_found=False) or self.env.ref(
            "mail.mail_activity_data_todo"
        )

    @api.model
    def _assignee_activity_type(self):
        return self._activity_type("crisis_management.mail_activity_type_crisis_task")

    @api.model
    def _followup_activity_type(self):
        return self._activity_type(
            "crisis_management.mail_activity_type_crisis_followup"
        )

    def _schedule_assignee_activity(self):
        """One activity per open task for its assignee, due on the task's
        deadline (today when it has none)."""
        activity_type = self._assignee_activity_type()
        for task in self.sudo():
            user = task.user_id
            if not user or user.share or task.state not in OPEN_TASK_STATES:
                continue
            if task.activity_ids.filtered(
                lambda a, u=user: a.activity_type_id == activity_type and a.user_id == u
            ):
                continue
            deadline = task.date_deadline or fields.Datetime.now()
            tz = reader_tz(self.env, user.tz, company=task.company_id)
            local = fields.Datetime.context_timestamp(
                task.with_context(tz=tz), deadline
            )
            task.with_context(lang=user.lang).activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=local.date(),
                summary=task.name,
                user_id=user.id,
            )

    def _close_activities(self, activity_type, feedback=None, unlink=False):
        """Mark the tasks' activities of ``activity_type`` done with
        ``feedback``, or drop them (``unlink``: reassigned or rescheduled)."""
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        if activities and unlink:
            activities.unlink()
        elif activities:
            activities.action_feedback(feedback=feedback)

    # ------------------------------------------------------------------
    # Automatic follow-up (Wiedervorlage)
    # ------------------------------------------------------------------
    @api.model
    def _cron_task_followup(self, batch_size=FOLLOWUP_BATCH):
        """Remind the assignee of each overdue task once, then, after the
        company's grace period, escalate it once to the incident lead.

        At most ``batch_size`` tasks per run; the progress is reported to
        ``ir.cron``, which runs the job again while tasks are left."""
        now = fields.Datetime.now()
        base = [
            ("state", "in", OPEN_TASK_STATES),
            ("date_deadline", "!=", False),
            ("incident_id.state", "in", ("active", "contained", "resolved")),
        ]
        to_remind = self.search(
            base + [("date_deadline", "<", now), ("followup_state", "=", "none")]
        )
        to_remind[:batch_size]._followup_remind()
        done = min(len(to_remind), batch_size)
        remaining = len(to_remind) - done
        # One grace period per company: escalate what is late beyond it.
        for company in self.search(
            base + [("followup_state", "=", "reminded")]
        ).company_id:
            grace = company.crisis_task_escalation_hours
            to_escalate = self.search(
                base
                + [
                    ("company_id", "=", company.id),
                    ("followup_state", "=", "reminded"),
                    ("date_deadline", "<", now - timedelta(hours=grace)),
                ]
            )
            batch = to_escalate[: batch_size - done]
            batch._followup_escalate()
            done += len(batch)
            remaining += len(to_escalate) - len(batch)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True

    def _followup_schedule(self, activity_type, user, summary, note):
        """A follow-up activity for ``user``, due today."""
        self.ensure_one()
        self.activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=fields.Date.context_today(self),
            summary=summary,
            note=note,
            user_id=user.id,
        )

    def _followup_remind(self):
        activity_type = self._followup_activity_type()
        now = fields.Datetime.now()
        for task in self:
            task = task.with_context(lang=task.incident_id._team_lang())
            assignee = task.user_id or task.incident_id.lead_id
            task._followup_schedule(
                activity_type,
                assignee,
                _("Overdue crisis task: %(task)s", task=task.name),
                _(
                    "This task was due on %(deadline)s. Please finish it or agree "
                    "a new deadline with the crisis lead.",
                    deadline=task._format_deadline(),
                ),
            )
            task.write({"followup_state": "reminded", "date_reminded": now})
            task.incident_id._log(
                "task",
                _lt(
                    "Follow-up: task “%(task)s” is overdue (due %(deadline)s); "
                    "reminder sent to %(user)s."
                ),
                {
                    "task": task.name,
                    "deadline": task.incident_id._log_time(task.date_deadline),
                    "user": assignee.name,
                },
            )

    def _followup_escalate(self):
        activity_type = self._followup_activity_type()
        now = fields.Datetime.now()
        for task in self:
            task = task.with_context(lang=task.incident_id._team_lang())
            incident = task.incident_id
            lead = incident.lead_id
            assignee = task.user_id
            if lead:
                task._followup_schedule(
                    activity_type,
                    lead,
                    _("Escalation: %(task)s", task=task.name),
                    _(
                        "%(user)s has not finished this task although it was due on "
                        "%(deadline)s and a reminder was sent.",
                        user=assignee.name or _("Nobody"),
                        deadline=task._format_deadline(),
                    ),
                )
            incident.message_post(
                body=_(
                    "Escalation: the crisis task “%(task)s” assigned to %(user)s is "
                    "still open although it was due on %(deadline)s.",
                    task=task.name,
                    user=assignee.name or _("Nobody"),
                    deadline=task._format_deadline(),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                partner_ids=lead.partner_id.ids,
            )
            task.write({"followup_state": "escalated", "date_escalated": now})
            nobody = _lt("nobody")
            incident._log(
                "task",
                _lt(
                    "Escalation: task “%(task)s” of %(user)s is still overdue "
                    "(due %(deadline)s); escalated to %(lead)s."
                ),
                {
                    "task": task.name,
                    "user": assignee.name or nobody,
                    "deadline": incident._log_time(task.date_deadline),
                    "lead": lead.name or nobody,
                },
            )

    def _format_deadline(self):
        self.ensure_one()
        tz = reader_tz(
            self.env,
            self.incident_id.lead_id.tz,
            self.user_id.tz,
            self.env.user.tz,
            company=self.company_id,
        )
        return fields.Datetime.context_timestamp(
            self.with_context(tz=tz), self.date_deadline
        ).strftime("%Y-%m-%d %H:%M")

    # ------------------------------------------------------------------
    # Personal calls to key customers
    # ------------------------------------------------------------------
    def _call_done(self, user, feedback):
        """The salesperson marked the call activity done: log the call and
        close the task (sudo: the salesperson may have no crisis rights)."""
        for task in self.sudo().filtered(lambda t: t.state in OPEN_TASK_STATES):
            task.incident_id._log(
                "communication",
                _lt("Personal call to %(customer)s done by %(user)s: %(feedback)s"),
                {
                    "customer": task.call_partner_id.name,
                    "user": user.name,
                    "feedback": html2plaintext(feedback or "") or "-",
                },
            )
            task.action_done()
