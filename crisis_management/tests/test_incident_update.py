# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CrisisCommon


@tagged("post_install", "-at_install")
class TestIncidentUpdate(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.incident = cls._create_incident()
        cls.incident.action_activate()
        cls.purpose_info = cls.env.ref("crisis_management.consent_purpose_crisis_info")

    def _update(self, body="<p>Update text</p>", user=None, **values):
        Update = self.env["crisis.incident.update"]
        if user:
            Update = Update.with_user(user)
        return Update.create(dict(values, incident_id=self.incident.id, body=body))

    def _subscriber(self, email, lang="de"):
        return self.env["crisis.page.subscription"]._confirm(
            self.incident, {"e": email, "l": lang}, "192.0.2.7"
        )

    def _log_bodies(self):
        return self.incident.log_ids.mapped("body")

    def test_team_writes_and_publishes_from_the_incident_form(self):
        with Form(self.incident.with_user(self.user_manager)) as form:
            with form.update_ids.new() as line:
                line.name_de = "Lage am Abend"
                line.body_de = "<p>Die Feuerwehr ist vor Ort.</p>"
                line.name_en = "Evening situation"
                line.body_en = "<p>The fire brigade is on site.</p>"
        update = self.incident.update_ids
        self.assertEqual(len(update), 1)
        self.assertEqual(update.with_context(lang="de_DE").name, "Lage am Abend")
        self.assertEqual(update.with_context(lang="en_US").name, "Evening situation")
        self.assertFalse(update.is_published)
        self.assertEqual(update.author_id, self.user_manager)
        update.with_user(self.user_manager).action_publish()
        self.assertTrue(update.is_published)
        self.assertTrue(update.date_published)
        self.assertIn(
            "Update published on the public page: Evening situation", self._log_bodies()
        )
        entry = self.incident.log_ids.filtered(lambda e: "Evening situation" in e.body)
        self.assertEqual(entry.kind, "communication")
        self.assertEqual(entry.author_id, self.user_manager)
        update.with_user(self.user_manager).action_unpublish()
        self.assertFalse(update.is_published)
        self.assertIn(
            "Update taken off the public page: Evening situation", self._log_bodies()
        )
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_bilingual_body(self):
        update = self._update(body="<p>English text</p>")
        update.update_field_translations("body", {"de_DE": "<p>Deutscher Text</p>"})
        self.assertIn("English text", update.with_context(lang="en_US").body)
        self.assertIn("Deutscher Text", update.with_context(lang="de_DE").body)

    def test_publishing_sets_time_and_correction_is_logged(self):
        update = self._update(date=datetime(2020, 1, 1))
        with freeze_time("2026-05-04 10:00:00"):
            update.action_publish()
        self.assertEqual(update.date, datetime(2026, 5, 4, 10, 0))
        self.assertEqual(self.incident.page_date_updated, datetime(2026, 5, 4, 10, 0))
        update.body = "<p>Corrected figures</p>"
        self.assertTrue(
            any(
                body.startswith("Published update corrected")
                for body in self._log_bodies()
            )
        )

    def test_published_update_cannot_be_deleted(self):
        update = self._update()
        update.action_publish()
        with self.assertRaises(UserError):
            update.unlink()
        update.action_unpublish()
        update.unlink()
        self.assertFalse(update.exists())

    def test_hotline_staff_read_but_cannot_write_updates(self):
        update = self._update()
        self.assertEqual(update.with_user(self.user_crisis).body, update.body)
        with self.assertRaises(AccessError):
            self._update(user=self.user_crisis)
        with self.assertRaises(AccessError):
            update.with_user(self.user_crisis).action_publish()
        with self.assertRaises(AccessError):
            self._update(user=self.user_employee)

    def test_confidential_incident_updates_hidden_from_outsiders(self):
        self.incident.is_confidential = True
        update = self._update()
        Update = self.env["crisis.incident.update"]
        self.assertFalse(
            Update.with_user(self.user_manager2).search([("id", "=", update.id)])
        )
        self.assertTrue(
            Update.with_user(self.user_manager).search([("id", "=", update.id)])
        )
        self.assertTrue(
            Update.with_user(self.user_admin).search([("id", "=", update.id)])
        )

    def _new_mails(self, before):
        return self.env["mail.mail"].sudo().search([("id", "not in", before.ids)])

    def test_publishing_queues_one_communication_for_the_subscribers(self):
        self.incident.action_publish_page()
        german = self._subscriber("greta@example.com", "de")
        english = self._subscriber("eric@example.com", "en")
        withdrawn = self._subscriber("wanda@example.com", "de")
        withdrawn.consent_ids.action_withdraw()
        cancelled = self._subscriber("carl@example.com", "de")
        cancelled._withdraw()
        update = self._update(body="<p>Water is safe again</p>", name="Water")
        update.write({"body_de": "<p>Wasser wieder sicher</p>", "name_de": "Wasser"})
        before = self.env["mail.mail"].sudo().search([])
        update.with_user(self.user_manager).action_publish()
        comm = update.communication_ids
        self.assertEqual(len(comm), 1)
        self.assertEqual(comm.state, "queued")
        self.assertEqual(comm.kind, "notice")
        self.assertEqual(comm.purpose_id, self.purpose_info)
        self.assertEqual(comm._channels(), ["email"])
        self.assertEqual(comm.user_id, self.user_manager)
        self.assertTrue(update.date_notified)
        # Unsubscribed people are not addressed at all; a subscriber whose
        # consent was withdrawn is skipped, with the reason on the line.
        self.assertEqual(
            comm.audience_partner_ids,
            german.partner_id | english.partner_id | withdrawn.partner_id,
        )
        lines = {line.partner_id: line for line in comm.recipient_ids}
        self.assertEqual(lines[german.partner_id].state, "queued")
        self.assertEqual(lines[german.partner_id].lang, "de_DE")
        self.assertEqual(lines[english.partner_id].lang, "en_US")
        self.assertEqual(lines[withdrawn.partner_id].state, "skipped_consent")
        self.assertIn("No consent", lines[withdrawn.partner_id].skip_reason)
        # The cron job sends, not the publish button.
        self.assertFalse(self._new_mails(before))
        self._run_cron()
        mails = self._new_mails(before)
        self.assertEqual(len(mails), 2)
        to_greta = mails.filtered(lambda m: "greta@" in m.email_to)
        to_eric = mails.filtered(lambda m: "eric@" in m.email_to)
        self.assertIn("Wasser", to_greta.subject)
        self.assertNotIn("Water", to_greta.subject)
        self.assertIn("Wasser wieder sicher", to_greta.body_html)
        self.assertNotIn("Water is safe again", to_greta.body_html)
        self.assertEqual(to_eric.subject, "Update: Water")
        self.assertIn("Water is safe again", to_eric.body_html)
        for mail, subscription in ((to_greta, german), (to_eric, english)):
            url = subscription._unsubscribe_url()
            self.assertIn(url, mail.body_html)
            self.assertEqual(
                ast.literal_eval(mail.headers),
                {
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        self.assertEqual(comm.state, "done")
        self.assertEqual((comm.sent_count, comm.skipped_count), (2, 1))
        self.assertTrue(
            any(
                "published update of the public page" in body and "2 sent" in body
                for body in self._log_bodies()
            )
        )
        # Publishing again after a correction does not mail everyone twice.
        update.action_unpublish()
        update.action_publish()
        self.assertEqual(update.communication_ids, comm)
        self._run_cron()
        self.assertEqual(self._new_mails(before), mails)
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_no_communication_while_page_is_not_published(self):
        self._subscriber("quiet@example.com")
        before = self.env["mail.mail"].sudo().search([])
        update = self._update()
        update.action_publish()
        self.assertFalse(update.communication_ids)
        self._run_cron()
        self.assertFalse(self._new_mails(before))

    def test_no_communication_without_subscribers(self):
        self.incident.action_publish_page()
        update = self._update()
        update.action_publish()
        self.assertTrue(update.is_published)
        self.assertFalse(update.communication_ids)
        self.assertFalse(update.date_notified)

    def test_update_taken_off_the_page_before_sending_is_not_sent(self):
        self.incident.action_publish_page()
        self._subscriber("greta@example.com")
        before = self.env["mail.mail"].sudo().search([])
        update = self._update(body="<p>Premature</p>")
        update.action_publish()
        comm = update.communication_ids
        update.action_unpublish()
        self._run_cron()
        self.assertFalse(self._new_mails(before))
        self.assertEqual(comm.state, "failed")
        self.assertIn("taken off the public page", comm.recipient_ids.error)
        # Published again: a new communication delivers it after all.
        update.action_publish()
        self.assertEqual(len(update.communication_ids), 2)
        self._run_cron()
        self.assertEqual(len(self._new_mails(before)), 1)

    def test_text_is_frozen_when_publishing(self):
        self.incident.action_publish_page()
        self._subscriber("greta@example.com", "en")
        before = self.env["mail.mail"].sudo().search([])
        update = self._update(body="<p>Original EN-1</p>", name="Original")
        update.action_publish()
        update.write({"body": "<p>Corrected EN-2</p>", "name": "Corrected"})
        self._run_cron()
        mail = self._new_mails(before)
        self.assertIn("Original EN-1", mail.body_html)
        self.assertNotIn("Corrected EN-2", mail.body_html)
        self.assertEqual(mail.subject, "Update: Original")

    def test_communication_needs_exactly_one_published_text(self):
        self.incident.action_publish_page()
        subscription = self._subscriber("greta@example.com")
        draft = self._update(body="<p>Not yet</p>")
        Communication = self.env["crisis.communication"].with_user(self.user_manager)
        values = {
            "incident_id": self.incident.id,
            "audience_partner_ids": [(6, 0, subscription.partner_id.ids)],
        }
        with self.assertRaises(ValidationError):
            Communication.create(dict(values, name="Nothing"))
        message = self.env["crisis.message"].create(
            {"name": "Kernbotschaft", "body": "<p>Text</p>"}
        )
        with self.assertRaises(ValidationError):
            Communication.create(
                dict(values, message_id=message.id, update_id=draft.id)
            )
        other = self._create_incident(name="Anderer Vorfall")
        elsewhere = self.env["crisis.incident.update"].create(
            {"incident_id": other.id, "body": "<p>Elsewhere</p>"}
        )
        with self.assertRaisesRegex(ValidationError, "another incident"):
            Communication.create(dict(values, update_id=elsewhere.id))
        # An unpublished update is not approved: it cannot be sent.
        comm = Communication.create(dict(values, update_id=draft.id))
        with self.assertRaisesRegex(UserError, "not published"):
            comm.action_send()
        self.assertEqual(comm.state, "draft")
        self.assertFalse(comm.recipient_ids)

    def test_unsubscribe_link_only_for_page_subscribers(self):
        """Crisis information to a page subscriber carries the page's
        unsubscribe link, whatever its text; people mailed on a consent from
        elsewhere get their own withdrawal link instead (issue 25), never
        the page's."""
        self.incident.action_publish_page()
        subscription = self._subscriber("greta@example.com", "en")
        stakeholder = self.env["res.partner"].create(
            {"name": "Nachbar Süd", "email": "sued@example.com", "lang": "en_US"}
        )
        self.env["crisis.consent"].create(
            {
                "partner_id": stakeholder.id,
                "purpose_id": self.purpose_info.id,
                "channel": "email",
                "source": "Telefonat",
            }
        )
        update = self._update(body="<p>For everybody</p>")
        update.action_publish()
        self._run_cron()
        before = self.env["mail.mail"].sudo().search([])
        comm = self.env["crisis.communication"].create(
            {
                "incident_id": self.incident.id,
                "update_id": update.id,
                "audience_partner_ids": [
                    (6, 0, (subscription.partner_id | stakeholder).ids)
                ],
            }
        )
        comm.action_send()
        self._run_cron()
        mails = self._new_mails(before)
        self.assertEqual(len(mails), 2)
        to_subscriber = mails.filtered(lambda m: "greta@" in m.email_to)
        to_stakeholder = mails.filtered(lambda m: "sued@" in m.email_to)
        self.assertIn(subscription._unsubscribe_url(), to_subscriber.body_html)
        self.assertIn("List-Unsubscribe", to_subscriber.headers)
        self.assertIn("For everybody", to_stakeholder.body_html)
        self.assertNotIn("/crisis/subscription/unsubscribe/", to_stakeholder.body_html)
        headers = ast.literal_eval(to_stakeholder.headers)
        self.assertIn("/crisis/consent/withdraw/", headers["List-Unsubscribe"])
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn("/crisis/consent/withdraw/", to_stakeholder.body_html)

    def test_confirm_links_existing_partner_and_keeps_history(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Nachbar Nord",
                "email": "Nachbar.Nord@Example.com",
                "lang": "en_US",
            }
        )
        subscription = self._subscriber("nachbar.nord@example.com")
        self.assertEqual(subscription.partner_id, partner)
        self.assertEqual(
            partner.lang, "en_US", "an existing contact keeps its language"
        )
        consent = subscription.consent_ids
        self.assertEqual(consent.channel, "email")
        subscription._withdraw()
        self.assertEqual(consent.state, "withdrawn")
        # Subscribing again gives a new consent; the withdrawn one stays.
        again = self._subscriber("nachbar.nord@example.com")
        self.assertEqual(again, subscription)
        self.assertEqual(again.state, "confirmed")
        self.assertEqual(len(partner.crisis_consent_ids), 2)
        self.assertEqual(
            sorted(partner.crisis_consent_ids.mapped("state")), ["given", "withdrawn"]
        )

    def test_unsubscribe_withdraws_other_email_consents_for_crisis_info(self):
        subscription = self._subscriber("doppelt@example.com")
        other = self.env["crisis.consent"].create(
            {
                "partner_id": subscription.partner_id.id,
                "purpose_id": self.purpose_info.id,
                "channel": "email",
                "source": "Telefonat",
            }
        )
        subscription._withdraw()
        self.assertEqual(other.state, "withdrawn")
        self.assertFalse(
            subscription.partner_id.crisis_can_contact("crisis_info", "email")
        )

    def test_throttle_window(self):
        Attempt = self.env["crisis.page.attempt"]
        self.env["ir.config_parameter"].set_param(
            "crisis_management.page_throttle_email", 2
        )
        with freeze_time("2026-05-04 10:00:00"):
            keys = {"email": "x@example.com"}
            self.assertTrue(Attempt._throttle("subscribe", keys))
            self.assertTrue(Attempt._throttle("subscribe", keys))
            self.assertFalse(Attempt._throttle("subscribe", keys))
            self.assertTrue(Attempt._throttle("other", keys), "separate per action")
        self.assertNotIn("x@example.com", Attempt.search([]).mapped("key"))
        with freeze_time("2026-05-04 11:00:01"):
            self.assertTrue(Attempt._throttle("subscribe", keys))
        with freeze_time(datetime(2026, 5, 4, 11) + timedelta(days=2)):
            Attempt._gc_attempts()
            self.assertFalse(Attempt.search([]))

    def test_qr_code_helper(self):
        self.incident.action_publish_page()
        png = self.incident._page_qr_png()
        self.assertTrue(png.startswith(b"\x89PNG"))
        self.assertTrue(
            self.incident._page_qr_data_uri().startswith("data:image/png;base64,")
        )

    def test_team_sees_and_unsubscribes_subscribers(self):
        self.incident.action_publish_page()
        subscription = self._subscriber("per.telefon@example.com")
        incident = self.incident.with_user(self.user_manager)
        self.assertEqual(incident.page_subscriber_count, 1)
        action = incident.action_view_page_subscriptions()
        found = self.env["crisis.page.subscription"].with_user(self.user_manager)
        self.assertEqual(found.search(action["domain"]), subscription)
        # After a request by phone the team unsubscribes the person.
        found.browse(subscription.id).action_unsubscribe()
        self.assertEqual(subscription.state, "cancelled")
        self.assertEqual(subscription.consent_ids.state, "withdrawn")
        self.assertEqual(incident.page_subscriber_count, 0)
        # Hotline staff see no subscriber data.
        with self.assertRaises(AccessError):
            self.env["crisis.page.subscription"].with_user(self.user_crisis).search([])
        open_page = incident.action_open_page()
        self.assertEqual(open_page["url"], self.incident.page_url)
