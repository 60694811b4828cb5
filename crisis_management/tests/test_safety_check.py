# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import CrisisSafetyCheckCommon


@tagged("post_install", "-at_install")
class TestSafetyCheck(CrisisSafetyCheckCommon):
    def test_employees_get_personal_links_without_consent(self):
        comm = self._safety_check()
        self.assertEqual(comm.sent_count, 6, "vital interest: 3 employees x 2 channels")
        tokens = comm.recipient_ids.sudo().mapped("response_token")
        self.assertEqual(len(set(tokens)), 6)
        self.assertTrue(all(len(token) >= 22 for token in tokens), "at least 128 bits")
        mail = self.env["mail.mail"].search(
            [("crisis_recipient_id", "=", self._line(comm, self.jonas).id)]
        )
        self.assertIn(self._line(comm, self.jonas)._safety_url(), mail.body_html)
        self.assertIn("Sind Sie in Sicherheit", mail.body_html)
        sms = self.env["sms.sms"].search(
            [("crisis_recipient_id", "=", self._line(comm, self.tom, "sms").id)]
        )
        self.assertIn(self._line(comm, self.tom, "sms")._safety_url(), sms.body)
        self.assertIn("Are you safe", sms.body)

    def test_safety_check_is_crisis_information(self):
        with self.assertRaises(ValidationError):
            self._communication(
                self.message, kind="safety_check", purpose_id=self.purpose_marketing.id
            )

    def test_incident_shows_who_has_not_answered_and_who_needs_help(self):
        comm = self._safety_check()
        self._line(comm, self.tom)._record_safety_answer("safe")
        with freeze_time(datetime.now() + timedelta(minutes=1)):
            self._line(comm, self.aylin, "sms")._record_safety_answer("help")
        self.incident.invalidate_recordset()
        self.assertEqual(self.incident.safety_unanswered_partner_ids, self.jonas)
        self.assertEqual(self.incident.safety_help_partner_ids, self.aylin)
        self.assertEqual(self.incident.safety_safe_count, 1)
        self.assertEqual(comm.unanswered_count, 1)
        self.assertEqual(comm.help_count, 1)
        self.assertIn("NEEDS HELP", self.incident.log_ids[0].body)
        # Changing one's mind: the latest answer counts.
        with freeze_time(datetime.now() + timedelta(minutes=2)):
            self._line(comm, self.aylin, "email")._record_safety_answer("safe")
        self.incident.invalidate_recordset()
        self.assertFalse(self.incident.safety_help_partner_ids)

    def test_followup_reminder_then_task(self):
        start = datetime(2026, 3, 2, 8, 0)
        with freeze_time(start):
            comm = self._safety_check()
            self._line(comm, self.tom, "sms")._record_safety_answer("safe")
            self.env["crisis.communication"]._cron_safety_followup()
            self.assertFalse(
                comm.recipient_ids.filtered(lambda r: r.followup_stage != "0")
            )
        with freeze_time(start + timedelta(minutes=31)):
            self.env["crisis.communication"]._cron_safety_followup()
            reminded = comm.recipient_ids.filtered(lambda r: r.followup_stage == "1")
            self.assertEqual(reminded.partner_id, self.jonas | self.aylin)
            mails = self.env["mail.mail"].search(
                [("crisis_recipient_id", "in", reminded.ids)]
            )
            self.assertEqual(
                len(mails), 4, "the first e-mail and the reminder, for two people"
            )
            self.assertEqual(
                len(
                    mails.filtered(
                        lambda m: (
                            "Sind Sie" in m.subject
                            and m.subject != "Sind Sie in Sicherheit?"
                        )
                    )
                ),
                2,
            )
            self.assertEqual(
                len(
                    self.env["sms.sms"].search(
                        [("crisis_recipient_id", "in", reminded.ids)]
                    )
                ),
                4,
                "the first SMS and the reminder, for two people",
            )
            self.assertFalse(
                self.env["crisis.task"].search([("incident_id", "=", self.incident.id)])
            )
            # Aylin answers after the reminder.
            self._line(comm, self.aylin)._record_safety_answer("safe")
        with freeze_time(start + timedelta(minutes=62)):
            self.env["crisis.communication"]._cron_safety_followup()
            tasks = self.env["crisis.task"].search(
                [("incident_id", "=", self.incident.id)]
            )
            self.assertEqual(len(tasks), 1, "one task, for Jonas only")
            self.assertIn("Jonas Berger", tasks.name)
            self.assertEqual(tasks.user_id, self.user_manager2)
            self.assertIn("+49 151 20000001", str(tasks.description))
            # Running again changes nothing.
            self.env["crisis.communication"]._cron_safety_followup()
            self.assertEqual(
                len(
                    self.env["crisis.task"].search(
                        [("incident_id", "=", self.incident.id)]
                    )
                ),
                1,
            )

    def test_demo_missing_employees_appear_unanswered(self):
        incident = self.env.ref(
            "crisis_management.crisis_incident_fire_demo", raise_if_not_found=False
        )
        if not incident:
            self.skipTest("demo data not loaded")
        names = incident.safety_unanswered_partner_ids.mapped("name")
        self.assertEqual(sorted(names), ["Ayşe Demir", "Jonas Becker"])
        self.assertEqual(
            incident.safety_help_partner_ids.mapped("name"), ["Murat Yılmaz"]
        )


@tagged("post_install", "-at_install")
class TestSafetyCheckRoutes(HttpCase, CrisisSafetyCheckCommon):
    def setUp(self):
        super().setUp()
        self.comm = self._safety_check()
        self.line = self._line(self.comm, self.jonas)
        self.url = f"/crisis/safety/{self.line.response_token}"

    def test_get_shows_question_without_login_and_changes_nothing(self):
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Brand in Halle 2. Sind Sie in Sicherheit?", response.text)
        self.assertIn('name="answer" value="safe"', response.text)
        self.line.invalidate_recordset()
        self.assertFalse(self.line.safety_answer)
        self.assertFalse(self.line.date_answered)
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")

    def test_post_records_answer_without_login(self):
        response = self.url_open(self.url, data={"answer": "safe"})
        self.assertEqual(response.status_code, 200)
        self.line.invalidate_recordset()
        self.assertEqual(self.line.safety_answer, "safe")
        self.assertTrue(self.line.date_answered)
        # Only this person's line changed.
        others = self.comm.recipient_ids.sudo() - self.line
        self.assertFalse(any(others.mapped("safety_answer")))
        response = self.url_open(self.url, data={"answer": "help"})
        self.line.invalidate_recordset()
        self.assertEqual(self.line.safety_answer, "help")
        self.incident.invalidate_recordset()
        self.assertIn(self.jonas, self.incident.safety_help_partner_ids)

    def test_wrong_tokens_answer_404(self):
        for token in (
            "x" * 24,
            self.line.response_token[:-1] + "A",
            "short",
            self.line.response_token + "x",
        ):
            if token == self.line.response_token:
                continue
            response = self.url_open(f"/crisis/safety/{token}", data={"answer": "safe"})
            self.assertEqual(response.status_code, 404, token)
            response = self.url_open(f"/crisis/safety/{token}")
            self.assertEqual(response.status_code, 404, token)
        self.line.invalidate_recordset()
        self.assertFalse(self.line.safety_answer)

    def test_token_of_a_notice_or_a_skipped_line_is_refused(self):
        notice = self._communication(
            self.message, audience_partner_ids=[(6, 0, self.jonas.ids)]
        )
        self._consent(self.jonas, "email")
        notice.action_send()
        self._run_cron()
        notice_line = notice.recipient_ids.sudo()
        self.assertEqual(notice_line.state, "sent")
        response = self.url_open(
            f"/crisis/safety/{notice_line.response_token}", data={"answer": "safe"}
        )
        self.assertEqual(response.status_code, 404)
        nobody = self._partner("Kein Kontakt", False, False, types=[self.type_employee])
        check = self._safety_check(
            audience_tag_ids=[(6, 0, [])], audience_partner_ids=[(6, 0, nobody.ids)]
        )
        skipped = check.recipient_ids.sudo()[0]
        self.assertEqual(skipped.state, "skipped_address")
        response = self.url_open(f"/crisis/safety/{skipped.response_token}")
        self.assertEqual(response.status_code, 404)

    def test_malformed_answer_is_refused(self):
        response = self.url_open(self.url, data={"answer": "maybe"})
        self.assertEqual(response.status_code, 400)
        self.line.invalidate_recordset()
        self.assertFalse(self.line.safety_answer)
