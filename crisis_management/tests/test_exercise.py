# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from lxml import html

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import CrisisAudienceCommon, CrisisCommon, decoded_text


class ExerciseCase(CrisisAudienceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.observer = new_test_user(
            cls.env,
            login="exercise_observer",
            name="Olaf Beobachter",
            email="olaf.beobachter@example.com",
            groups="crisis_management.group_crisis_manager",
        )
        cls.observer.partner_id.write({"mobile": "+4915199990001", "lang": "de_DE"})
        cls.exercise = cls._create_incident(
            name="Übung: Brand in Halle 3",
            is_exercise=True,
            exercise_observer_ids=[Command.set(cls.observer.ids)],
        )
        cls.exercise.action_activate()
        cls.message = cls._approved_message(incident_id=cls.exercise.id)

    def _exercise_communication(self, **values):
        vals = {
            "incident_id": self.exercise.id,
            "audience_tag_ids": [Command.set(self.tag.ids)],
        }
        vals.update(values)
        return self._communication(self.message, **vals)


@tagged("post_install", "-at_install")
class TestExercise(ExerciseCase):
    def test_broadcast_reaches_only_observers_marked(self):
        """E-mail and SMS of an exercise broadcast leave Odoo only towards
        the observer, marked as exercise and naming the would-be recipient."""
        comm = self._exercise_communication(channel_sms=True)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            comm.action_send()
            self._run_cron()
            self.env["mail.mail"].sudo().process_email_queue()
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(comm.state, "done")
        # Three partners had a basis and an address for e-mail.
        self.assertEqual(len(self.emails), 3)
        recipients = {addr for sent in self.emails for addr in sent["smtp_to_list"]}
        self.assertEqual(recipients, {"olaf.beobachter@example.com"})
        subjects = {}
        for sent in self.emails:
            subject, text = decoded_text(sent["message"])
            subjects[subject] = text
        doris = next(s for s in subjects if "Doris Deutsch" in s)
        self.assertTrue(doris.startswith("[ÜBUNG] für Doris Deutsch:"), doris)
        self.assertIn("Brand unter Kontrolle", doris)
        self.assertIn("doris@example.com", subjects[doris])
        edward = next(s for s in subjects if "Edward English" in s)
        self.assertTrue(edward.startswith("[EXERCISE] for Edward English:"), edward)
        for sent in self.emails:
            self.assertNotIn("doris@example.com", sent["smtp_to_list"])
            self.assertNotIn("edward@example.com", sent["smtp_to_list"])
        # SMS: two partners consented, both go to the observer's number.
        numbers = {sms["number"] for sms in self._sms}
        self.assertEqual(numbers, {"+4915199990001"})
        self.assertEqual(len(self._sms), 2)
        bodies = sorted(sms["body"] for sms in self._sms)
        self.assertTrue(
            any(b.startswith("[ÜBUNG] für Doris Deutsch (+49") for b in bodies),
            bodies,
        )
        self.assertTrue(
            any(b.startswith("[EXERCISE] for Edward English (+49") for b in bodies),
            bodies,
        )

    def test_chatter_notification_of_exercise_goes_to_observers(self):
        """Any other path (here a chatter message to a follower) is
        redirected as well."""
        outsider = self._partner("Xaver Außen", "xaver@example.com")
        with self.mock_mail_gateway():
            self.exercise.message_post(
                body="Lage unverändert",
                subject="Lagemeldung",
                partner_ids=outsider.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.env["mail.mail"].sudo().process_email_queue()
        recipients = {addr for sent in self.emails for addr in sent["smtp_to_list"]}
        self.assertEqual(recipients, {"olaf.beobachter@example.com"})
        subject, text = decoded_text(self.emails[0]["message"])
        self.assertIn("Xaver", subject)
        self.assertIn("xaver@example.com", text)

    def test_real_incident_is_not_redirected(self):
        comm = self._communication(
            self._approved_message(),
            audience_partner_ids=[Command.set(self.de_neighbor.ids)],
        )
        with self.mock_mail_gateway():
            comm.action_send()
            self._run_cron()
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(self._smtp_recipients(), ["doris@example.com"])
        subject, _text = decoded_text(self.emails[0]["message"])
        self.assertNotIn("ÜBUNG", subject)

    def test_exercise_flag_fixed_at_creation(self):
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.exercise.write({"is_exercise": False})
        real = self._create_incident(name="Echt")
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            real.with_user(self.user_manager).write({"is_exercise": True})
        with self.assertRaisesRegex(ValidationError, "at least one observer"):
            self._create_incident(name="Ohne Beobachter", is_exercise=True)

    def test_log_and_replay_mark_the_exercise(self):
        first = self.exercise.log_ids.sorted("sequence")[0]
        self.assertIn("EXERCISE", first.body)
        self.assertTrue(first.incident_is_exercise)
        self.assertTrue(self.exercise.verify_log()["ok"])
        replay = str(self.exercise.exercise_replay)
        self.assertIn("T+0:00", replay)
        self.assertIn("EXERCISE activated", replay)

    def test_page_subscription_mail_goes_to_observers(self):
        mail = self.env["crisis.page.subscription"]._send_confirmation(
            self.exercise, "outsider@example.com", "", "de"
        )
        self.assertEqual(
            mail.email_to, '"Olaf Beobachter" <olaf.beobachter@example.com>'
        )
        self.assertIn("outsider@example.com", mail.body_html)
        self.assertTrue(mail.subject.startswith("[ÜBUNG]"), mail.subject)

    def test_replay_action(self):
        action = self.exercise.with_user(self.user_manager).action_open_replay()
        self.assertEqual(action["res_id"], self.exercise.id)
        self.assertEqual(
            action["views"][0][0],
            self.env.ref("crisis_management.crisis_incident_view_form_replay").id,
        )

    def test_letters_print_with_exercise_mark(self):
        comm = self._exercise_communication(channel_email=False, channel_letter=True)
        comm.action_send()
        lines = comm.recipient_ids.filtered(lambda r: r.state == "queued")
        html = self.env["ir.qweb"]._render(
            "crisis_management.report_crisis_letter",
            {"docs": lines, "doc_ids": lines.ids, "doc_model": lines._name},
        )
        self.assertIn("EXERCISE", str(html))
        self.assertIn("crisis-letter-exercise", str(html))


@tagged("post_install", "-at_install")
class TestExercisePage(HttpCase, CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exercise = cls._create_incident(
            name="Übung Seite",
            is_exercise=True,
            exercise_observer_ids=[Command.set(cls.user_manager2.ids)],
        )
        cls.exercise.action_activate()
        cls.exercise.action_publish_page()
        cls.path = f"/crisis/{cls.exercise.page_token}"

    def test_page_refused_to_anonymous_and_outsiders(self):
        for path in (self.path, f"{self.path}/feed.atom", f"{self.path}/qr.png"):
            response = self.url_open(path)
            self.assertEqual(response.status_code, 404, path)
        portal = new_test_user(self.env, login="portal_ex", groups="base.group_portal")
        self.authenticate(portal.login, portal.login)
        self.assertEqual(self.url_open(self.path).status_code, 404)
        self.authenticate(self.user_employee.login, self.user_employee.login)
        self.assertEqual(self.url_open(self.path).status_code, 404)

    def test_page_shown_to_team_marked(self):
        self.authenticate(self.user_manager2.login, self.user_manager2.login)
        response = self.url_open(self.path)
        self.assertEqual(response.status_code, 200)
        self.assertIn("EXERCISE", response.text)


@tagged("post_install", "-at_install")
class TestExerciseCrisisMode(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company of its own: the demo company is already in crisis mode.
        cls.company = cls.env["res.company"].create({"name": "Übungsfest GmbH"})
        users = cls.user_manager | cls.user_manager2 | cls.user_employee
        users.write(
            {
                "company_ids": [Command.link(cls.company.id)],
                "company_id": cls.company.id,
            }
        )
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )

    def test_company_stays_out_of_crisis_mode(self):
        exercise = self._create_incident(
            name="Übung",
            is_exercise=True,
            exercise_observer_ids=[Command.set(self.user_manager2.ids)],
        )
        exercise.action_activate()
        self.assertEqual(exercise.state, "active")
        self.assertFalse(self.company.crisis_mode)
        self.assertFalse(self.company.crisis_incident_id)
        self.assertTrue(exercise.task_ids, "the playbook still runs")
        Company = self.env["res.company"].with_context(
            allowed_company_ids=self.company.ids
        )
        status = Company.with_user(self.user_manager2).get_crisis_mode_status()
        self.assertFalse(status["active"])
        exercises = Company.with_user(self.user_manager2).get_crisis_exercise_status()
        self.assertEqual([e["incident_id"] for e in exercises], exercise.ids)
        # A plain employee sees no exercise indicator.
        self.assertEqual(
            Company.with_user(self.user_employee).get_crisis_exercise_status(), []
        )
        # A real incident still switches crisis mode on, and the running
        # exercise never keeps it on nor takes its place.
        real = self._create_incident(name="Echter Brand")
        real.action_activate()
        self.assertTrue(self.company.crisis_mode)
        self.assertEqual(self.company.crisis_incident_id, real)
        real.action_resolve()
        real.action_close()
        self.assertFalse(self.company.crisis_mode)
        self.assertFalse(self.company.crisis_incident_id)


@tagged("post_install", "-at_install")
class TestExerciseDemoReplay(TransactionCase):
    """The demo exercise replays as the timeline it was played on, not with
    every entry at T+0:00, and its crisis log still verifies."""

    def test_demo_exercise_replay_shows_its_timeline(self):
        exercise = self.env.ref("crisis_management.crisis_incident_exercise_demo")
        lead = self.env.ref("crisis_management.user_krisenstab_demo")
        exercise = exercise.with_user(lead).with_context(lang="de_DE")
        self.assertTrue(exercise.verify_log()["ok"])

        replay = html.fragment_fromstring(
            str(exercise.exercise_replay), create_parent="div"
        )
        rows = [
            (
                li.xpath("./span")[0].text_content().strip(),
                li.xpath("./div/div")[-1].text_content().strip(),
            )
            for li in replay.xpath("//li")
        ]
        self.assertEqual(len(rows), len(exercise.log_ids))
        offsets = [offset for offset, _body in rows]
        self.assertEqual(
            list(dict.fromkeys(offsets)),
            [
                "T+0:00",
                "T+0:03",
                "T+0:07",
                "T+0:18",
                "T+0:52",
                "T+1:10",
                "T+1:45",
                "T+2:00",
            ],
        )

        def minutes(offset):
            hours, mins = offset.removeprefix("T+").split(":")
            return int(hours) * 60 + int(mins)

        self.assertEqual(
            [minutes(o) for o in offsets], sorted(minutes(o) for o in offsets)
        )
        self.assertIn(("T+0:07", "Übungseinlage 1"), [(o, b[:15]) for o, b in rows])
        self.assertIn(("T+0:52", "Übungseinlage 2"), [(o, b[:15]) for o, b in rows])
        # The exercise took place a month ago, from its start to its closing.
        self.assertEqual(
            exercise.log_ids.sorted("sequence")[0].date, exercise.date_start
        )
        self.assertEqual(
            exercise.date_activated - exercise.date_start, timedelta(minutes=3)
        )
        self.assertEqual(exercise.date_closed - exercise.date_start, timedelta(hours=2))
        self.assertLess(
            exercise.date_closed, fields.Datetime.now() - timedelta(days=28)
        )
        # The clock stopped with the demo: what is written now is dated now.
        entry = exercise.sudo()._log("note", "Nachbesprechung")
        self.assertGreater(entry.date, fields.Datetime.now() - timedelta(minutes=5))
        self.assertTrue(exercise.verify_log()["ok"])
