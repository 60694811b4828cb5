# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models


class CrisisCommunication(models.Model):
    """The safety check: who answered, and the follow-up of those who did
    not (a reminder, then a task for the person responsible)."""

    _inherit = "crisis.communication"  # pylint: disable=consider-merging-classes-inherited

    followup_delay = fields.Float(
        string="Follow Up After (Hours)",
        default=lambda self: float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crisis_management.safety_followup_hours", 1.0)
        ),
        help="People who have not answered the safety check after this time get "
        "a reminder; after the same time again a task is created for the person "
        "responsible.",
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up By",
        help="Who gets the task to reach people who did not answer. "
        "Empty: the crisis lead.",
    )
    answered_count = fields.Integer(compute="_compute_safety_counts", string="Answered")
    safe_count = fields.Integer(compute="_compute_safety_counts", string="Safe")
    help_count = fields.Integer(compute="_compute_safety_counts", string="Need Help")
    unanswered_count = fields.Integer(
        compute="_compute_safety_counts", string="No Answer Yet"
    )

    _sql_constraints = [
        (
            "followup_delay_positive",
            "CHECK(followup_delay > 0)",
            "The follow-up time must be longer than zero hours.",
        ),
    ]

    @api.depends("recipient_ids.safety_answer", "recipient_ids.state")
    def _compute_safety_counts(self):
        Recipient = self.env["crisis.communication.recipient"]
        for comm in self:
            status = Recipient._safety_status_by_partner(comm.recipient_ids)
            answers = [answer for answer in status.values()]
            comm.answered_count = sum(1 for a in answers if a)
            comm.safe_count = sum(1 for a in answers if a == "safe")
            comm.help_count = sum(1 for a in answers if a == "help")
            comm.unanswered_count = sum(1 for a in answers if not a)

    @api.model
    def _cron_safety_followup(self):
        """Remind people who did not answer a safety check in time, then give
        a task to the person responsible to reach them personally."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        comms = self.search(
            [("kind", "=", "safety_check"), ("state", "in", ("sending", "done"))]
        )
        for done, comm in enumerate(comms, start=1):
            comm._safety_followup()
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(comms) - done)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    def _safety_followup(self):
        self.ensure_one()
        Recipient = self.env["crisis.communication.recipient"].sudo()
        now = fields.Datetime.now()
        delay = timedelta(hours=self.followup_delay)
        lines = Recipient.search(
            [("communication_id", "=", self.id), ("state", "=", "sent")]
        )
        status = Recipient._safety_status_by_partner(lines)
        unanswered = lines.filtered(lambda line: not status.get(line.partner_id.id))
        to_remind = unanswered.filtered(
            lambda line: (
                line.followup_stage == "0"
                and line.date_sent
                and line.date_sent + delay <= now
            )
        )
        if to_remind:
            to_remind._send_now(reminder=True)
            to_remind.write({"followup_stage": "1", "date_followup": now})
        to_escalate = unanswered.filtered(
            lambda line: (
                line.followup_stage == "1"
                and line.date_followup
                and line.date_followup + delay <= now
            )
        )
        if not to_escalate:
            return
        user = self.followup_user_id or self.incident_id.lead_id
        Task = self.env["crisis.task"].sudo()
        for partner, partner_lines in to_escalate.grouped("partner_id").items():
            numbers = ", ".join(n for n in (partner.mobile, partner.phone) if n) or _(
                "no phone number known"
            )
            task = Task.create(
                {
                    "incident_id": self.incident_id.id,
                    "name": _(
                        "Reach %(partner)s: no answer to the safety check",
                        partner=partner.display_name,
                    ),
                    "description": Markup("<p>%s</p>")
                    % _(
                        "%(partner)s did not answer the safety check “%(name)s”, "
                        "not even after a reminder. Reach them personally "
                        "(%(numbers)s) and record the answer.",
                        partner=partner.display_name,
                        name=self.name,
                        numbers=numbers,
                    ),
                    "user_id": user.id,
                    "priority": "2",
                    "date_deadline": now + delay,
                }
            )
            partner_lines.write({"followup_stage": "2", "task_id": task.id})
