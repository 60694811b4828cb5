# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CrisisCommon

DEADLINE = datetime(2026, 3, 2, 8, 0)


@tagged("post_install", "-at_install")
class TestTaskFollowup(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.incident = cls._create_incident(severity="minor", incident_type_id=False)
        cls.incident.member_ids = [
            (0, 0, {"user_id": cls.user_crisis.id, "role": "hotline"})
        ]
        with freeze_time("2026-03-02 06:50:00"):
            cls.incident.action_activate()
        cls.task = cls.env["crisis.task"].create(
            {
                "name": "Nachbarn informieren",
                "incident_id": cls.incident.id,
                "user_id": cls.user_crisis.id,
                "date_deadline": DEADLINE,
            }
        )
        cls.followup_type = cls.env.ref(
            "crisis_management.mail_activity_type_crisis_followup"
        )

    def _cron(self, when):
        with freeze_time(when):
            self.env["crisis.task"]._cron_task_followup()

    def _activities(self, user=None):
        activities = self.task.activity_ids.filtered(
            lambda a: a.activity_type_id == self.followup_type
        )
        return activities.filtered(lambda a: a.user_id == user) if user else activities

    def _logs(self, word):
        return self.incident.log_ids.filtered(
            lambda e: e.kind == "task" and word in e.body and self.task.name in e.body
        )

    def _escalation_messages(self):
        return self.incident.message_ids.filtered(
            lambda m: "Escalation" in (m.body or "") and self.task.name in m.body
        )

    def test_reminder_once_then_escalation_once(self):
        self._cron("2026-03-02 07:59:00")
        self.assertFalse(self._activities())
        self.assertEqual(self.task.followup_state, "none")

        # Overdue: one reminder for the assignee, logged once.
        self._cron("2026-03-02 08:01:00")
        self.assertEqual(len(self._activities(self.user_crisis)), 1)
        self.assertEqual(self.task.followup_state, "reminded")
        self.assertEqual(len(self._logs("reminder sent")), 1)
        self._cron("2026-03-02 08:30:00")
        self._cron("2026-03-02 09:59:00")
        self.assertEqual(len(self._activities()), 1)
        self.assertEqual(len(self._logs("reminder sent")), 1)
        self.assertFalse(self._escalation_messages())

        # Beyond the default grace of two hours: escalation to the lead.
        self._cron("2026-03-02 10:01:00")
        self.assertEqual(self.task.followup_state, "escalated")
        self.assertEqual(len(self._activities(self.user_manager)), 1)
        self.assertEqual(len(self._escalation_messages()), 1)
        self.assertIn(
            self.user_manager.partner_id, self._escalation_messages().partner_ids
        )
        self.assertEqual(len(self._logs("escalated to")), 1)
        # The deadline reads in each reader's language and local time, not
        # as "2026-03-02 08:00" (UTC-less digits) in every language.
        entry = self._logs("escalated to")
        incident = self.incident.sudo()
        for lang in ("de_DE", "en_US"):
            when = incident._page_format_date(self.task.date_deadline, lang, short=True)
            self.assertIn(when, entry.with_context(lang=lang).body_display)
        self.assertIn("8:00 AM UTC", when)

        # Running the job again changes nothing.
        self._cron("2026-03-02 10:02:00")
        self._cron("2026-03-03 10:00:00")
        self.assertEqual(len(self._activities()), 2)
        self.assertEqual(len(self._escalation_messages()), 1)
        self.assertEqual(len(self._logs("reminder sent")), 1)
        self.assertEqual(len(self._logs("escalated to")), 1)
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_first_run_after_grace_reminds_and_escalates_once(self):
        self._cron("2026-03-02 11:00:00")
        self._cron("2026-03-02 11:05:00")
        self.assertEqual(len(self._activities(self.user_crisis)), 1)
        self.assertEqual(len(self._activities(self.user_manager)), 1)
        self.assertEqual(len(self._logs("reminder sent")), 1)
        self.assertEqual(len(self._logs("escalated to")), 1)

    def test_grace_is_configurable_per_company(self):
        self.company.crisis_task_escalation_hours = 0.5
        self._cron("2026-03-02 08:01:00")
        self._cron("2026-03-02 08:29:00")
        self.assertEqual(self.task.followup_state, "reminded")
        self._cron("2026-03-02 08:31:00")
        self.assertEqual(self.task.followup_state, "escalated")

    def test_new_deadline_starts_the_followup_again(self):
        self._cron("2026-03-02 08:01:00")
        self.assertEqual(self.task.followup_state, "reminded")
        with freeze_time("2026-03-02 08:10:00"):
            self.task.date_deadline = datetime(2026, 3, 2, 12, 0)
        self.assertEqual(self.task.followup_state, "none")
        self._cron("2026-03-02 10:30:00")
        self.assertEqual(self.task.followup_state, "none")
        self._cron("2026-03-02 12:01:00")
        self.assertEqual(self.task.followup_state, "reminded")
        self.assertEqual(len(self._logs("reminder sent")), 2)

    def test_finished_tasks_are_not_followed_up(self):
        self._cron("2026-03-02 08:01:00")
        with freeze_time("2026-03-02 08:20:00"):
            self.task.with_user(self.user_crisis).action_done()
        self.assertFalse(self._activities(), "the reminder is marked done")
        self._cron("2026-03-02 12:00:00")
        self.assertFalse(self._escalation_messages())
        self.assertEqual(self.task.followup_state, "reminded")
        self.assertFalse(self.task.is_overdue)

    def test_closed_incident_tasks_are_not_followed_up(self):
        self.incident.action_resolve()
        self.incident.action_close()
        self._cron("2026-03-02 12:00:00")
        self.assertFalse(self._activities())

    def test_transitions(self):
        task = self.task.with_user(self.user_crisis)
        task.action_start()
        self.assertEqual(task.state, "in_progress")
        with freeze_time("2026-03-02 07:30:00"):
            task.action_done()
        self.assertEqual(task.state, "done")
        self.assertEqual(str(task.date_done), "2026-03-02 07:30:00")
        done_log = self.incident.log_ids.filtered(
            lambda e: (
                e.kind == "task" and "Task completed: Nachbarn informieren" in e.body
            )
        )
        self.assertEqual(len(done_log), 1)
        self.assertIn(self.user_crisis.name, done_log.body)
        for action in ("action_start", "action_done", "action_cancel"):
            with self.assertRaises(UserError) as caught:
                getattr(task, action)()
            self.assertIn("cannot go from Done", str(caught.exception))
        # The refusal names the kind of record and the record.
        self.assertEqual(
            str(caught.exception),
            "Crisis Task “Nachbarn informieren” cannot go from Done to Cancelled.",
        )
        task.action_reopen()
        self.assertEqual(task.state, "todo")
        self.assertFalse(task.date_done)
        task.action_cancel()
        self.assertEqual(task.state, "cancelled")
        cancel_log = self.incident.log_ids.filtered(
            lambda e: "Task cancelled: Nachbarn informieren" in e.body
        )
        self.assertEqual(len(cancel_log), 1)
        self.assertIn(self.user_crisis.name, cancel_log.body)
        with self.assertRaises(UserError):
            task.action_done()
        with self.assertRaises(UserError):
            task.action_start()
        with self.assertRaises(UserError):
            self.task.copy().action_reopen()
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_overdue_flag_and_search(self):
        with freeze_time("2026-03-02 08:01:00"):
            self.task.invalidate_recordset(["is_overdue"])
            self.assertTrue(self.task.is_overdue)
            self.assertIn(
                self.task, self.env["crisis.task"].search([("is_overdue", "=", True)])
            )
            self.assertNotIn(
                self.task, self.env["crisis.task"].search([("is_overdue", "=", False)])
            )
            self.assertEqual(self.incident.task_overdue_count, 1)


@tagged("post_install", "-at_install")
class TestTaskSecurity(CrisisCommon):
    def _task(self, incident, user, name="Aufgabe"):
        return self.env["crisis.task"].create(
            {"name": name, "incident_id": incident.id, "user_id": user.id}
        )

    def test_users_work_on_their_own_tasks_only(self):
        incident = self._create_incident()
        own = self._task(incident, self.user_crisis, "Eigene Aufgabe")
        other = self._task(incident, self.user_manager2, "Fremde Aufgabe")
        # Hotline staff see the team's tasks...
        tasks = self.env["crisis.task"].with_user(self.user_crisis)
        self.assertEqual(tasks.search([("incident_id", "=", incident.id)]), own | other)
        # ...but work only on their own.
        own.with_user(self.user_crisis).write({"description": "<p>erledigt</p>"})
        own.with_user(self.user_crisis).action_start()
        with self.assertRaises(AccessError):
            other.with_user(self.user_crisis).write({"name": "Übernommen"})
        with self.assertRaises(AccessError):
            other.with_user(self.user_crisis).action_done()
        self.assertEqual(other.state, "todo")
        with self.assertRaises(AccessError):
            tasks.create({"name": "Neu", "incident_id": incident.id})
        # The crisis team works on everybody's tasks.
        other.with_user(self.user_manager).action_done()
        self.assertEqual(other.state, "done")

    def test_confidential_incident_tasks_stay_in_the_team(self):
        incident = self._create_incident(is_confidential=True)
        task = self._task(incident, self.user_manager, "Geheime Aufgabe")
        for user in (self.user_crisis, self.user_manager2):
            self.assertFalse(
                self.env["crisis.task"]
                .with_user(user)
                .search([("incident_id", "=", incident.id)])
            )
            with self.assertRaises(AccessError):
                task.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                task.with_user(user).write({"name": "x"})
            self.assertFalse(
                self.env["crisis.workload"]
                .with_user(self.user_manager2)
                .search([("incident_id", "=", incident.id)])
            )
        self.assertTrue(task.with_user(self.user_manager).read(["name"]))
        self.assertTrue(task.with_user(self.user_admin).read(["name"]))
        incident.member_ids = [
            (0, 0, {"user_id": self.user_crisis.id, "role": "hotline"})
        ]
        self.assertTrue(task.with_user(self.user_crisis).read(["name"]))

    def test_tasks_of_another_company_are_invisible(self):
        other_company = self.env["res.company"].create({"name": "Schwesterfirma GmbH"})
        incident = self._create_incident(company_id=other_company.id, lead_id=False)
        # (Nobody of this company can be given it: assignees are of the
        # task's company.)
        with self.assertRaises(UserError) as caught:
            self._task(incident, self.user_manager)
        self.assertIn("Incompatible companies", str(caught.exception))
        task = self._task(incident, self.env["res.users"])
        self.assertFalse(
            self.env["crisis.task"]
            .with_user(self.user_manager)
            .search([("id", "=", task.id)])
        )
        self.assertFalse(
            self.env["crisis.task"]
            .with_user(self.user_admin)
            .search([("id", "=", task.id)])
        )


@tagged("post_install", "-at_install")
class TestWorkload(CrisisCommon):
    def test_overdue_work_per_person(self):
        incident = self._create_incident(severity="minor")
        Task = self.env["crisis.task"]
        past = datetime(2020, 1, 1, 8, 0)
        late_1 = Task.create(
            {
                "name": "Rückruf Presse",
                "incident_id": incident.id,
                "user_id": self.user_crisis.id,
                "date_deadline": past,
            }
        )
        Task.create(
            {
                "name": "Rückruf Nachbarn",
                "incident_id": incident.id,
                "user_id": self.user_crisis.id,
                "date_deadline": past,
            }
        )
        Task.create(
            {
                "name": "Später",
                "incident_id": incident.id,
                "user_id": self.user_manager2.id,
                "date_deadline": datetime(2099, 1, 1),
            }
        )
        done = Task.create(
            {
                "name": "Erledigt",
                "incident_id": incident.id,
                "user_id": self.user_manager2.id,
                "date_deadline": past,
            }
        )
        done.action_done()
        self.env.flush_all()
        Workload = self.env["crisis.workload"].with_user(self.user_manager)
        groups = dict(
            Workload._read_group(
                [("incident_id", "=", incident.id), ("is_overdue", "=", True)],
                ["user_id"],
                ["item_count:sum"],
            )
        )
        self.assertEqual(groups, {self.user_crisis: 2})
        row = Workload.search([("res_id", "=", late_1.id), ("kind", "=", "task")])
        self.assertGreater(row.hours_late, 24)
        action = row.action_open_document()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("crisis.task", late_1.id)
        )
        with self.assertRaises(AccessError):
            self.env["crisis.workload"].with_user(self.user_crisis).search([])


@tagged("post_install", "-at_install")
class TestTaskForm(CrisisCommon):
    def test_crisis_team_plans_a_task_in_the_form(self):
        incident = self._create_incident(severity="minor")
        with Form(self.env["crisis.task"].with_user(self.user_manager)) as form:
            form.name = "Anwohnerbrief entwerfen"
            form.incident_id = incident
            form.user_id = self.user_crisis
            form.date_deadline = datetime(2026, 3, 2, 12, 0)
        task = form.record
        self.assertEqual(task.state, "todo")
        self.assertEqual(task.company_id, incident.company_id)
        self.assertIn(task, incident.task_ids)
        # The assignee finds it under "My Tasks".
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_task_action"
        )
        self.assertIn("search_default_my_tasks", action["context"])
        mine = (
            self.env["crisis.task"]
            .with_user(self.user_crisis)
            .search([("user_id", "=", self.user_crisis.id)])
        )
        self.assertIn(task, mine)
