# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
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
                line.name = "Lage am Abend"
                line.body = "<p>Die Feuerwehr ist vor Ort.</p>"
        update = self.incident.update_ids
        self.assertEqual(len(update), 1)
        self.assertFalse(update.is_published)
        self.assertEqual(update.author_id, self.user_manager)
        update.with_user(self.user_manager).action_publish()
        self.assertTrue(update.is_published)
        self.assertTrue(update.date_published)
        self.assertIn(
            "Update published on the public page: Lage am Abend", self._log_bodies()
        )
        entry = self.incident.log_ids.filtered(lambda e: "Lage am Abend" in e.body)
        self.assertEqual(entry.kind, "communication")
        self.assertEqual(entry.author_id, self.user_manager)
        update.with_user(self.user_manager).action_unpublish()
        self.assertFalse(update.is_published)
        self.assertIn(
            "Update taken off the public page: Lage am Abend", self._log_bodies()
        )
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_bilingual_body(self):
        update = self._update(body="<p>English text</p>")
        update.update_field_translations(
            "body", {"de_DE": {"English text": "Deutscher Text"}}
        )
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

    def test_subscribers_notified_only_with_consent_in_their_language(self):
        self.incident.action_publish_page()
        german = self._subscriber("greta@example.com", "de")
        english = self._subscriber("eric@example.com", "en")
        withdrawn = self._subscriber("wanda@example.com", "de")
        withdrawn.consent_ids.write({"state": "withdrawn"})
        update = self._update(body="<p>Water is safe again</p>", name="Water")
        update.update_field_translations(
            "body", {"de_DE": {"Water is safe again": "Wasser wieder sicher"}}
        )
        Mail = self.env["mail.mail"]
        before = Mail.search([])
        update.action_publish()
        mails = Mail.search([]) - before
        self.assertEqual(len(mails), 2)
        by_address = {mail.email_to: mail for mail in mails}
        to_greta = next(m for a, m in by_address.items() if "greta@" in a)
        to_eric = next(m for a, m in by_address.items() if "eric@" in a)
        self.assertIn("Wasser wieder sicher", to_greta.body_html)
        self.assertIn("Water is safe again", to_eric.body_html)
        self.assertIn("/crisis/subscription/unsubscribe/", to_greta.body_html)
        self.assertTrue(update.date_notified)
        # Publishing again after a correction does not mail everyone twice.
        update.action_unpublish()
        update.action_publish()
        self.assertFalse(Mail.search([]) - before - mails)
        self.assertEqual(german.state, "confirmed")
        self.assertEqual(english.lang, "en")

    def test_no_mail_while_page_is_not_published(self):
        self._subscriber("quiet@example.com")
        Mail = self.env["mail.mail"]
        before = Mail.search([])
        self._update().action_publish()
        self.assertFalse(Mail.search([]) - before)

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
