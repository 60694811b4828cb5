# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Crisis tasks among the assignee's activities, where sales staff look
every day."""

from odoo import _, api, fields, models

OPEN_STATES = ("todo", "in_progress")


class CrisisTask(models.Model):
    _inherit = "crisis.task"

    @api.model_create_multi
    def create(self, vals_list):
        tasks = super().create(vals_list)
        tasks._schedule_assignee_activity()
        return tasks

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals or "date_deadline" in vals:
            self._close_assignee_activity(_("Reassigned or rescheduled."), unlink=True)
            self._schedule_assignee_activity()
        if vals.get("state") in ("done", "cancelled"):
            done = vals["state"] == "done"
            self._close_assignee_activity(
                _("Task completed.") if done else _("Task cancelled.")
            )
        return result

    @api.model
    def _assignee_activity_type(self):
        return self.env.ref(
            "crisis_management.mail_activity_type_crisis_task",
            raise_if_not_found=False,
        ) or self.env.ref("mail.mail_activity_data_todo")

    def _schedule_assignee_activity(self):
        """One activity per open task for its assignee, due on the task's
        deadline (today when it has none)."""
        activity_type = self._assignee_activity_type()
        for task in self.sudo():
            user = task.user_id
            if not user or user.share or task.state not in OPEN_STATES:
                continue
            if task.activity_ids.filtered(
                lambda a, u=user: a.activity_type_id == activity_type and a.user_id == u
            ):
                continue
            deadline = task.date_deadline or fields.Datetime.now()
            local = fields.Datetime.context_timestamp(
                task.with_context(tz=user.tz or "UTC"), deadline
            )
            task.with_context(lang=user.lang).activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=local.date(),
                summary=task.name,
                user_id=user.id,
            )

    def _close_assignee_activity(self, feedback, unlink=False):
        activity_type = self._assignee_activity_type()
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        if not activities:
            return
        if unlink:
            activities.unlink()
        else:
            activities.action_feedback(feedback=feedback)
