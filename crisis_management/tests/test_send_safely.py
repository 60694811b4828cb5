# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sending safely: a test to oneself, the hold before sending (cancel with
nothing sent), the question before a repeat, the reach before sending."""

from datetime import timedelta

from freezegun import freeze_time
from psycopg2.errors import CheckViolation

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from .common import CrisisAudienceCommon, CrisisMessageCommon


@tagged("post_install", "-at_install")
class TestSendSafely(CrisisAudienceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crisis_send_delay_seconds = 20
        cls.user_manager.write(
            {"email": "max.krisenstab@example.com", "mobile": "+49 151 99999999"}
        )

    def _crisis_mails(self):
        return (
            self.env["mail.mail"].sudo().search([("crisis_recipient_id", "!=", False)])
        )

    # ------------------------------------------------------------------
    # A test to oneself
    # ------------------------------------------------------------------
    def test_send_test_reaches_me_only_marked_test(self):
        comm = self._audience(channel_sms=True)
        self.user_manager.lang = "de_DE"
        Mail = self.env["mail.mail"].sudo()
        before = Mail.search([]).ids
        action = comm.with_user(self.user_manager).action_send_test()
        self.assertEqual(action["tag"], "display_notification")
        mails = Mail.search([("id", "not in", before)])
        self.assertEqual(len(mails), 1)
        self.assertIn("max.krisenstab@example.com", mails.email_to)
        self.assertEqual(mails.subject, "[TEST] Brand unter Kontrolle")
        self.assertIn("Der Brand ist unter Kontrolle", mails.body_html)
        self.assertIn("Niemand sonst hat ihn erhalten", mails.body_html)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("partner_id", "=", self.user_manager.partner_id.id)])
        )
        self.assertEqual(len(sms), 1)
        sender = self.incident.company_id._crisis_sms_sender_name()
        self.assertTrue(
            sms.body.startswith(f"{sender}: [TEST] Brand unter Kontrolle"), sms.body
        )
        self.assertEqual(sms.number, self.user_manager.partner_id.phone_sanitized)
        # Nothing else: no recipient, no other mail or SMS, still a draft.
        self.assertEqual(comm.state, "draft")
        self.assertFalse(comm.recipient_ids)
        self.assertFalse(self._crisis_mails())
        self.assertFalse(
            self.env["sms.sms"]
            .sudo()
            .search([("partner_id", "in", self.tag.partner_ids.ids)])
        )

    def test_send_test_refusals(self):
        comm = self._audience()
        with self.assertRaises(AccessError):
            comm.with_user(self.user_crisis).action_send_test()
        self.user_manager.partner_id.email = False
        with self.assertRaisesRegex(UserError, "cannot reach you"):
            comm.with_user(self.user_manager).action_send_test()
        self.user_manager.partner_id.email = "max.krisenstab@example.com"
        comm.action_send()
        with self.assertRaisesRegex(UserError, "only for drafts"):
            comm.with_user(self.user_manager).action_send_test()

    # ------------------------------------------------------------------
    # The hold before sending
    # ------------------------------------------------------------------
    def test_held_then_released_by_the_cron(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            comm = self._audience()
            comm.action_send()
        self.assertEqual(comm.state, "scheduled")
        self.assertEqual(comm.date_release, now + timedelta(seconds=20))
        # The reach is known at once.
        self.assertEqual(self._line(comm, self.de_neighbor).state, "queued")
        self.assertEqual(self._line(comm, self.no_consent).state, "skipped_consent")
        self.assertEqual(comm.recipient_count, 6)
        with freeze_time(now + timedelta(seconds=19)):
            self._run_cron()
        self.assertEqual(comm.state, "scheduled")
        self.assertFalse(self._crisis_mails())
        with freeze_time(now + timedelta(seconds=21)):
            self._run_cron()
        self.assertEqual(comm.state, "done")
        self.assertEqual(self._line(comm, self.de_neighbor).state, "sent")
        self.assertEqual(
            sorted(self._crisis_mails().mapped("email_to")),
            sorted(
                self._line(comm, p).address
                for p in (self.de_neighbor, self.en_neighbor, self.fr_customer)
            ),
        )

    def test_no_hold_goes_straight_to_queued(self):
        self.company.crisis_send_delay_seconds = 0
        comm = self._audience()
        comm.action_send()
        self.assertEqual(comm.state, "queued")
        self.assertTrue(comm.date_queued)

    def test_cancel_before_release_sends_nothing(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            comm = self._audience(channel_sms=True)
            comm.action_send()
            with self.assertRaises(AccessError):
                comm.with_user(self.user_crisis).action_cancel()
            comm.action_cancel()
        self.assertEqual(comm.state, "cancelled")
        self.assertFalse(comm.recipient_ids.filtered(lambda r: r.state == "queued"))
        self.assertEqual(self._line(comm, self.de_neighbor).state, "cancelled")
        with freeze_time(now + timedelta(minutes=5)):
            self._run_cron()
        self.assertEqual(comm.state, "cancelled")
        self.assertFalse(self._crisis_mails())
        self.assertFalse(
            self.env["sms.sms"]
            .sudo()
            .search([("crisis_recipient_id", "in", comm.recipient_ids.ids)])
        )
        self.assertIn(
            "nothing was sent",
            self.incident.log_ids.filtered(lambda e: e.kind == "communication")[:1].body
            or "",
        )
        with self.assertRaisesRegex(UserError, "no longer be cancelled"):
            comm.action_cancel()

    def test_cancel_refused_once_released(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            comm = self._audience()
            comm.action_send()
        with freeze_time(now + timedelta(seconds=30)):
            self._run_cron()
        self.assertEqual(comm.state, "done")
        with self.assertRaisesRegex(UserError, "no longer be cancelled"):
            comm.action_cancel()
        self.company.crisis_send_delay_seconds = 0
        queued = self._audience(channel_email=False, channel_sms=True)
        queued.action_send()
        with self.assertRaisesRegex(UserError, "no longer be cancelled"):
            queued.action_cancel()

    def test_workflow_fields_refused_over_rpc(self):
        comm = self._audience()
        for vals in (
            {"state": "queued"},
            {"date_release": fields.Datetime.now()},
            {"state": "cancelled"},
        ):
            with self.assertRaises(AccessError):
                comm.write(vals)
        comm.action_send()
        with self.assertRaises(AccessError):
            comm.write({"date_release": fields.Datetime.now()})
        with self.assertRaises(AccessError):
            comm.write({"state": "queued"})

    def test_negative_hold_refused(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(CheckViolation),
            self.cr.savepoint(),
        ):
            self.company.crisis_send_delay_seconds = -5
            self.company.flush_recordset()

    # ------------------------------------------------------------------
    # A repeat within the hour
    # ------------------------------------------------------------------
    def test_repeat_within_the_hour_asks(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            first = self._audience()
            first.action_send()
            again = self._audience()
            with self.assertRaisesRegex(UserError, "less than an hour ago"):
                again.action_send()
            self.assertEqual(again.state, "draft")
            self.assertFalse(again.recipient_ids)
            # The send dialog asks; without the tick it is refused too.
            wizard = Form(
                self.env["crisis.communication.send"]
                .with_user(self.user_manager)
                .with_context(default_communication_id=again.id)
            ).save()
            self.assertIn("less than an hour ago", wizard.repeat_warning)
            with self.assertRaisesRegex(UserError, "less than an hour ago"):
                wizard.action_send()
            wizard.confirm_repeat = True
            wizard.action_send()
            self.assertEqual(again.state, "scheduled")
            # A smaller audience, all of whom got it: asked as well.
            part = self._communication(
                self.message, audience_partner_ids=[(6, 0, self.de_neighbor.ids)]
            )
            with self.assertRaisesRegex(UserError, "less than an hour ago"):
                part.action_send()
            # Someone new in the audience, or another channel: not a repeat.
            newcomer = self._partner("Nina Neu", "nina@example.com")
            self._consent(newcomer)
            wider = self._communication(
                self.message,
                audience_partner_ids=[(6, 0, (self.de_neighbor | newcomer).ids)],
            )
            wider.action_send()
            letters = self._audience(channel_email=False, channel_letter=True)
            letters.action_send()
        with freeze_time(now + timedelta(minutes=61)):
            later = self._audience()
            later.action_send()
            self.assertEqual(later.state, "scheduled")

    # ------------------------------------------------------------------
    # The reach, before sending
    # ------------------------------------------------------------------
    def test_send_dialog_shows_reach_and_who_is_skipped(self):
        comm = self._audience(channel_sms=True)
        with self.assertRaises(AccessError):
            comm.with_user(self.user_crisis).action_prepare_send()
        action = comm.with_user(self.user_manager).action_prepare_send()
        self.assertEqual(action["res_model"], "crisis.communication.send")
        wizard = Form(
            self.env["crisis.communication.send"]
            .with_user(self.user_manager)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard.hold_seconds, 20)
        # E-mail: Doris, Edward, François; SMS: Doris, Edward.
        self.assertEqual(wizard.reach_count, 5)
        self.assertEqual(wizard.skipped_count, 7)
        self.assertFalse(wizard.repeat_warning)
        html = str(wizard.reach_html)
        self.assertIn("Nora Ohnezustimmung", html)
        self.assertIn("No consent or other legal basis", html)
        self.assertIn("Olga Ohnemail", html)
        self.assertIn("No valid e-mail address", html)
        self.assertIn("blacklist", html)
        # Nothing is sent by looking.
        self.assertEqual(comm.state, "draft")
        self.assertFalse(comm.recipient_ids)
        wizard.save().action_send()
        self.assertEqual(comm.state, "scheduled")
        self.assertEqual(comm.sent_count + comm.queued_count, 5)

    def test_send_dialog_in_german(self):
        comm = self._audience()
        self.user_manager.lang = "de_DE"
        wizard = Form(
            self.env["crisis.communication.send"]
            .with_user(self.user_manager)
            .with_context(default_communication_id=comm.id, lang="de_DE")
        )
        html = str(wizard.reach_html)
        self.assertIn("Erhalten die Nachricht", html)
        self.assertIn("Wer übersprungen wird und warum", html)

    def test_form_shows_hold_and_cancel(self):
        comm = self._audience()
        comm.action_send()
        form = Form(comm.with_user(self.user_manager))
        self.assertEqual(form.state, "scheduled")
        self.assertTrue(form.date_release)
        # A scheduled broadcast is fixed: its audience cannot be edited.
        with self.assertRaises(AssertionError):
            form.channel_sms = True
        comm.with_user(self.user_manager).action_cancel()
        self.assertEqual(Form(comm).state, "cancelled")


@tagged("post_install", "-at_install")
class TestSendSafelyTour(CrisisMessageCommon, HttpCase):
    def test_send_dialog_hold_and_cancel_in_the_web_client(self):
        self.company.crisis_send_delay_seconds = 600
        self.company.email = "krisenstab@example.com"
        self.user_manager.write({"lang": "en_US", "email": "max.tour@example.com"})
        reached = self._partner("Tour Rita", "rita@example.com", lang="en_US")
        self._consent(reached)
        skipped = self._partner("Tour Nora", "nora.tour@example.com", lang="en_US")
        comm = self._communication(
            self._approved_message(),
            audience_partner_ids=[(6, 0, (reached | skipped).ids)],
        )
        self.start_tour(
            f"/odoo/action-crisis_management.crisis_communication_action/{comm.id}",
            "crisis_management_send_safely_tour",
            login="crisis_manager",
        )
        self.assertEqual(comm.state, "cancelled")
        test_mail = self.env["mail.mail"].search(
            [("email_to", "ilike", "max.tour@example.com")]
        )
        self.assertEqual(test_mail.subject, "[TEST] Fire under control")
        self.assertEqual(
            comm.recipient_ids.filtered(lambda r: r.partner_id == reached).state,
            "cancelled",
        )
        self.assertFalse(
            self.env["mail.mail"].search(
                [("crisis_recipient_id", "in", comm.recipient_ids.ids)]
            )
        )
