# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MailCommon

from .common import CrisisInquiryCommon

NOW = datetime(2025, 3, 14, 8, 0, 0)

INBOUND_MAIL = """Return-Path: <{return_path}>
To: {to}
cc: {cc}
Received: by mail1.example.com (Postfix, from userid 10002)
    id 5DF9ABFB2A; Fri, 14 Mar 2025 09:00:00 +0100 (CET)
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit
Date: Fri, 14 Mar 2025 09:00:00 +0100
Message-ID: {msg_id}
{extra}
Guten Tag, ist die Luft in der Lindenstraße nach dem Brand gefährlich?
Sollen wir die Fenster geschlossen halten?

Mit freundlichen Grüßen
"""


class TestInquirySla(CrisisInquiryCommon):
    def test_sla_data_defaults(self):
        self.assertEqual(self.type_press.sla_minutes, 60)
        self.assertEqual(self.type_authority.sla_minutes, 30)
        self.assertEqual(self.type_neighbor.sla_minutes, 240)
        for stype in self.env["crisis.stakeholder.type"].search([]):
            self.assertGreater(stype.sla_minutes, 0, stype.code)

    @freeze_time(NOW)
    def test_due_date_from_stakeholder_type(self):
        neighbor = self._inquiry(partner_id=self.neighbor.id)
        self.assertEqual(neighbor.stakeholder_type_id, self.type_neighbor)
        self.assertEqual(neighbor.date_received, NOW)
        self.assertEqual(neighbor.date_due, NOW + timedelta(hours=4))
        # A journalist inherits the press type of the newspaper.
        press = self._inquiry(partner_id=self.journalist.id)
        self.assertEqual(press.stakeholder_type_id, self.type_press)
        self.assertEqual(press.date_due, NOW + timedelta(hours=1))

    @freeze_time(NOW)
    def test_fastest_sla_wins(self):
        inquiry = self._inquiry(partner_id=self.mayor.id)
        self.assertEqual(inquiry.stakeholder_type_id, self.type_authority)
        self.assertEqual(inquiry.date_due, NOW + timedelta(minutes=30))

    @freeze_time(NOW)
    def test_default_sla_without_type(self):
        unknown = self._inquiry(caller_name="Anonymer Anrufer")
        self.assertFalse(unknown.stakeholder_type_id)
        self.assertEqual(unknown.date_due, NOW + timedelta(minutes=120))
        self.company.crisis_inquiry_sla_minutes = 45
        self.assertEqual(
            self._inquiry(caller_name="Noch einer").date_due,
            NOW + timedelta(minutes=45),
        )
        # A type without a response time of its own uses the company's.
        self.type_customer.sla_minutes = 0
        customer = self._inquiry(
            caller_name="Kunde", stakeholder_type_id=self.type_customer.id
        )
        self.assertEqual(customer.date_due, NOW + timedelta(minutes=45))
        # The hotline can say who an unknown caller is: a journalist.
        caller = self._inquiry(caller_name="Freie Journalistin")
        caller.stakeholder_type_id = self.type_press
        self.assertEqual(caller.date_due, NOW + timedelta(minutes=60))

    @mute_logger("odoo.sql_db")
    def test_negative_sla_refused(self):
        with self.assertRaises(pg_errors.CheckViolation), self.cr.savepoint():
            self.type_press.sla_minutes = -5
            self.type_press.flush_recordset()

    def test_overdue(self):
        with freeze_time(NOW):
            press = self._inquiry(partner_id=self.journalist.id)
            neighbor = self._inquiry(partner_id=self.neighbor.id)
        Inquiry = self.env["crisis.inquiry"]
        domain = [("incident_id", "=", self.incident.id), ("is_overdue", "=", True)]
        with freeze_time(NOW + timedelta(minutes=59)):
            self.assertFalse(press.is_overdue)
            self.assertFalse(Inquiry.search(domain))
        with freeze_time(NOW + timedelta(minutes=61)):
            press.invalidate_recordset(["is_overdue"])
            self.assertTrue(press.is_overdue)
            self.assertFalse(neighbor.is_overdue)
            self.assertEqual(Inquiry.search(domain), press)
            self.assertEqual(
                Inquiry.search(
                    [("incident_id", "=", self.incident.id), ("is_overdue", "=", False)]
                ),
                neighbor,
            )
            press.answer = "Wir melden uns um 11 Uhr auf der Pressekonferenz."
            press.action_answer()
            press.invalidate_recordset(["is_overdue"])
            self.assertFalse(press.is_overdue)
            self.assertTrue(press.answered_late)
            self.assertEqual(press.response_minutes, 61)
            self.assertFalse(Inquiry.search(domain))


class TestInquiryWorkflow(CrisisInquiryCommon):
    def test_answer_is_logged(self):
        with freeze_time(NOW):
            inquiry = self._inquiry(
                partner_id=self.neighbor.id, question="Ist die Luft gefährlich?"
            )
            self.assertEqual(inquiry.state, "new")
            self.assertEqual(inquiry.name, "Ist die Luft gefährlich?")
            inquiry.action_start()
            self.assertEqual(inquiry.state, "in_progress")
        with freeze_time(NOW + timedelta(minutes=20)):
            inquiry.answer = "Nach Messungen der Feuerwehr besteht keine Gefahr."
            inquiry.action_answer()
        self.assertEqual(inquiry.state, "answered")
        self.assertEqual(inquiry.date_answered, NOW + timedelta(minutes=20))
        self.assertEqual(inquiry.response_minutes, 20)
        self.assertFalse(inquiry.answered_late)
        entry = self.incident.log_ids.filtered(lambda e: e.kind == "inquiry")
        self.assertEqual(len(entry), 1)
        self.assertIn("Helga Nachbarin", entry.body)
        self.assertIn("Neighbour", entry.body)
        self.assertIn("keine Gefahr", entry.body)
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_refusals(self):
        inquiry = self._inquiry(caller_name="Anrufer")
        with self.assertRaisesRegex(UserError, "write down the answer"):
            inquiry.action_answer()
        self.assertEqual(inquiry.state, "new")
        self.assertFalse(self.incident.log_ids.filtered(lambda e: e.kind == "inquiry"))
        inquiry.answer = "Wir rufen zurück."
        inquiry.action_answer()
        with self.assertRaisesRegex(UserError, "already Answered"):
            inquiry.action_answer()
        with self.assertRaises(UserError):
            inquiry.action_start()
        inquiry.action_close()
        with self.assertRaises(UserError):
            inquiry.action_close()
        inquiry.action_reopen()
        self.assertEqual((inquiry.state, inquiry.date_answered), ("in_progress", False))

    def test_hotline_form_for_sales_staff(self):
        """Sales staff take a call on the company's crisis incident and go on
        to the next call."""
        self.incident.with_user(self.user_manager).action_activate()
        self.assertEqual(self.company.crisis_incident_id, self.incident)
        Inquiry = self.env["crisis.inquiry"].with_user(self.user_crisis)
        form = Form(Inquiry, view="crisis_management.crisis_inquiry_view_form_hotline")
        self.assertEqual(form.incident_id, self.incident)
        self.assertEqual(form.channel, "phone")
        form.partner_id = self.neighbor
        self.assertEqual(form.caller_phone, "+49 711 123456")
        self.assertEqual(form.stakeholder_type_id, self.type_neighbor)
        form.question = "Müssen wir die Fenster schließen?\nMein Kind hat Asthma."
        form.answer = "Ja, bitte halten Sie die Fenster bis 14 Uhr geschlossen."
        inquiry = form.save()
        self.assertEqual(inquiry.name, "Müssen wir die Fenster schließen?")
        self.assertEqual(inquiry.user_id, self.user_crisis)
        # One the system records (an import, a scheduled job) waits for a
        # person: the wall's "overdue per person" did list "OdooBot".
        system = self.env["crisis.inquiry"].create(
            {"incident_id": self.incident.id, "question": "Importiert"}
        )
        self.assertTrue(self.env.user._is_superuser())
        self.assertFalse(system.user_id)
        action = inquiry.action_hotline_answer()
        self.assertEqual(action["res_model"], "crisis.inquiry")
        self.assertFalse(action.get("res_id"))
        self.assertEqual(inquiry.state, "answered")
        self.assertIn(
            "Fenster",
            self.incident.log_ids.filtered(lambda e: e.kind == "inquiry").body,
        )
        # An unknown caller who wants a call back.
        form = Form(Inquiry, view="crisis_management.crisis_inquiry_view_form_hotline")
        form.caller_name = "Herr Unbekannt"
        form.caller_phone = "0171 555555"
        form.question = "Wann wird wieder geliefert?"
        callback = form.save()
        callback.action_hotline_follow_up()
        self.assertEqual(callback.state, "in_progress")

    def test_default_incident_without_crisis_mode(self):
        """Without crisis mode the hotline picks the latest open incident."""
        Inquiry = self.env["crisis.inquiry"]
        self.assertFalse(self.company.crisis_mode)
        self.assertFalse(Inquiry._default_incident_id())
        minor = self._create_incident(name="Serverausfall", severity="minor")
        minor.action_activate()
        self.assertFalse(self.company.crisis_mode)
        self.assertEqual(Inquiry._default_incident_id(), minor.id)
        form = Form(
            Inquiry.with_user(self.user_crisis),
            view="crisis_management.crisis_inquiry_view_form_hotline",
        )
        self.assertEqual(form.incident_id, minor)

    def test_access_rights(self):
        inquiry = self._inquiry(caller_name="Anrufer")
        with self.assertRaises(AccessError):
            self.env["crisis.inquiry"].with_user(self.user_employee).create(
                {"incident_id": self.incident.id, "caller_name": "x"}
            )
        with self.assertRaises(AccessError):
            inquiry.with_user(self.user_employee).read(["name"])
        inquiry.with_user(self.user_crisis).write({"answer": "Kein Kommentar"})
        with self.assertRaises(AccessError):
            inquiry.with_user(self.user_crisis).unlink()
        inquiry.with_user(self.user_manager).unlink()

    def test_confidential_incident_inquiries_hidden_outside_team(self):
        secret = self._create_incident(name="Datenleck", is_confidential=True)
        inquiry = self._inquiry(incident_id=secret.id, caller_name="Hacker")
        Inquiry = self.env["crisis.inquiry"]
        for user in (self.user_crisis, self.user_manager2):
            self.assertFalse(Inquiry.with_user(user).search([("id", "=", inquiry.id)]))
            with self.assertRaises(AccessError):
                inquiry.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                Inquiry.with_user(user).create(
                    {"incident_id": secret.id, "caller_name": "x"}
                )
        self.assertTrue(inquiry.with_user(self.user_manager).read(["name"]))
        self.assertTrue(inquiry.with_user(self.user_admin).read(["name"]))

    def test_other_company_inquiries_hidden(self):
        other_company = self.env["res.company"].create({"name": "Tochter GmbH"})
        other = self._create_incident(
            name="Brand bei der Tochter", company_id=other_company.id, lead_id=False
        )
        inquiry = self._inquiry(incident_id=other.id, caller_name="Anrufer")
        self.assertEqual(inquiry.company_id, other_company)
        self.assertFalse(
            self.env["crisis.inquiry"]
            .with_user(self.user_crisis)
            .search([("id", "=", inquiry.id)])
        )


@tagged("post_install", "-at_install")
class TestInquiryMailGateway(CrisisInquiryCommon, MailCommon):
    """E-mails to an incident's address become inquiries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.incident.alias_name = "brand-halle-2"
        cls.alias_email = f"brand-halle-2@{cls.alias_domain}"
        # Inquiries by e-mail are taken while the incident is open.
        cls.incident.action_activate()
        # Our mail server's authserv-id: only its Authentication-Results count.
        cls.env["ir.config_parameter"].set_param(
            "crisis_management.mail_authserv_id", "mx.example.com"
        )

    AUTH_PASS = (
        "Authentication-Results: mx.example.com; spf=pass; dkim=pass; "
        "dmarc=pass header.from=lindenstrasse.example.com"
    )

    def test_incident_has_an_alias(self):
        self.assertEqual(self.incident.alias_email, self.alias_email)
        self.assertEqual(self.incident.alias_id.alias_model_id.model, "crisis.inquiry")
        self.assertEqual(
            self.incident.alias_id.alias_defaults,
            f"{{'incident_id': {self.incident.id}}}",
        )
        # A new incident gets an address from its reference.
        other = self._create_incident(name="Rückruf")
        expected = other.reference.lower().replace("/", "-")
        self.assertEqual(other.alias_name, expected)

    @freeze_time(NOW)
    def test_mail_from_known_partner_creates_inquiry(self):
        inquiry = self.format_and_process(
            INBOUND_MAIL,
            self.neighbor.email,
            self.alias_email,
            subject="Frage zur Luftqualität",
            target_model="crisis.inquiry",
            extra=self.AUTH_PASS,
        )
        self.assertEqual(len(inquiry), 1)
        self.assertEqual(inquiry.incident_id, self.incident)
        self.assertEqual(inquiry.partner_id, self.neighbor)
        self.assertEqual(inquiry.channel, "email")
        self.assertEqual(inquiry.state, "new")
        self.assertEqual(inquiry.stakeholder_type_id, self.type_neighbor)
        self.assertEqual(inquiry.date_due, NOW + timedelta(hours=4))
        self.assertIn("Lindenstraße", inquiry.question)
        self.assertFalse(inquiry.user_id)
        self.assertIn(self.neighbor, inquiry.message_partner_ids)
        email = inquiry.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(email.author_id, self.neighbor)

    def test_forged_pass_below_our_fail_links_nobody(self):
        """Our MTA adds its verdict on top; a ``dmarc=pass`` naming our server
        further down came with the message and is not believed."""
        inquiry = self.format_and_process(
            INBOUND_MAIL,
            self.neighbor.email,
            self.alias_email,
            subject="Gefälschter Absender",
            target_model="crisis.inquiry",
            extra=(
                "Authentication-Results: mx.example.com; spf=fail; dkim=none; "
                "dmarc=fail header.from=lindenstrasse.example.com\n" + self.AUTH_PASS
            ),
        )
        self.assertEqual(len(inquiry), 1)
        self.assertFalse(inquiry.partner_id)

    def test_mail_from_unknown_sender(self):
        inquiry = self.format_and_process(
            INBOUND_MAIL,
            '"Karl Anwohner" <karl@example.org>',
            self.alias_email,
            subject="Rauch über dem Werk",
            target_model="crisis.inquiry",
        )
        self.assertEqual(inquiry.incident_id, self.incident)
        self.assertFalse(inquiry.partner_id)
        self.assertEqual(inquiry.caller_name, "Karl Anwohner")
        self.assertEqual(inquiry.email_from, '"Karl Anwohner" <karl@example.org>')
        self.assertEqual(inquiry.channel, "email")
        suggested = inquiry._message_get_suggested_recipients()
        self.assertTrue(
            any("karl@example.org" in (r.get("email") or "") for r in suggested)
        )


@tagged("post_install", "-at_install")
class TestInquiryMailRefusals(CrisisInquiryCommon, MailCommon):
    """What the incident address must not accept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.incident.alias_name = "brand-halle-2"
        cls.alias_email = f"brand-halle-2@{cls.alias_domain}"
        cls.env["ir.config_parameter"].set_param(
            "crisis_management.mail_authserv_id", "mx.example.com"
        )

    def _send(self, subject, email_from=None, extra=""):
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            self.format_and_process(
                INBOUND_MAIL,
                email_from or self.neighbor.email,
                self.alias_email,
                subject=subject,
                target_model="crisis.inquiry",
                extra=extra,
            )
        return self.env["crisis.inquiry"].search([("name", "=", subject)])

    def test_draft_closed_and_confidential_incidents_take_no_mail(self):
        self.assertFalse(self._send("An den Entwurf"))
        self.incident.action_activate()
        self.incident.sudo().write({"is_confidential": True})
        self.assertFalse(self._send("An den vertraulichen Vorfall"))
        self.incident.sudo().write({"is_confidential": False})
        self.assertTrue(self._send("Jetzt offen"))
        self.incident.action_resolve()
        self.incident.action_close()
        self.assertFalse(self._send("Nach dem Abschluss"))

    @freeze_time(NOW)
    def test_forged_sender_is_not_linked_to_the_contact(self):
        self.incident.action_activate()
        # No header of our server (or one a sender wrote itself).
        forged = self._send(
            "Gefälscht",
            extra="Authentication-Results: evil.example.org; dmarc=pass",
        )
        self.assertEqual(len(forged), 1)
        self.assertFalse(forged.partner_id)
        self.assertFalse(forged.stakeholder_type_id)
        # The company's default response time, not the neighbours' one.
        self.assertEqual(forged.date_due, NOW + timedelta(minutes=120))
        self.assertEqual(forged.email_from, self.neighbor.email)
        failed = self._send(
            "DMARC fail",
            extra="Authentication-Results: mx.example.com; dmarc=fail",
        )
        self.assertFalse(failed.partner_id)

    def test_one_sender_cannot_flood_the_hotline(self):
        self.incident.action_activate()
        self.env["ir.config_parameter"].set_param(
            "crisis_management.inquiry_mail_limit_per_hour", 3
        )
        for number in range(3):
            self.assertTrue(self._send(f"Frage {number}"))
        self.assertFalse(self._send("Frage 4"))
        self.assertTrue(self._send("Andere Person", email_from="karl@example.org"))
