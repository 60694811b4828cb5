# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What leaves the house: legal details, withdrawal links, one-click
unsubscribe, SMS sender, salutations (issue 25, DOMAIN.md "Sendable")."""

import email
import email.policy
import re
import socketserver
import threading
from unittest.mock import patch

from odoo import modules
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from ..tools import salutation
from .common import CrisisMessageCommon

WITHDRAW_RE = re.compile(r"(/crisis/consent/withdraw/[A-Za-z0-9_.-]+)")


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: every message is kept."""

    def _reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self._reply("220 localhost test SMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.strip().split(b" ")[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self._reply("250-localhost")
                self._reply("250 8BITMIME")
            elif verb == b"DATA":
                self._reply("354 go ahead")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.messages.append(b"".join(data))
                self._reply("250 queued")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 OK")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.messages = []


@tagged("post_install", "-at_install")
class TestSendableMail(CrisisMessageCommon, HttpCase):
    """A real broadcast, sent through a real SMTP connection to a server of
    the test, then withdrawn with the mail's own one-click link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "email": "krisenstab@example.com",
                "street": "Industriestraße 14",
                "zip": "44137",
                "city": "Dortmund",
                "vat": "DE123456789",
                "company_registry": "HRB 4711",
                "crisis_register_court": "Amtsgericht Dortmund",
                "crisis_managing_directors": "Erika Muster",
                "crisis_imprint_url": "https://example.com/impressum",
                "crisis_privacy_url": "https://example.com/datenschutz",
            }
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "Sendable"})
        tagged_ = {"category_id": [(6, 0, cls.tag.ids)]}
        cls.doris = cls._partner(
            "Dr. Doris Deutsch",
            "doris@example.com",
            types=[cls.type_neighbor],
            title=cls.env.ref("base.res_partner_title_madam").id,
            **tagged_,
        )
        cls.edward = cls._partner(
            "Edward English", "edward@example.com", lang="en_US", **tagged_
        )
        cls.lena = cls._partner("Lena Gesetz", "lena@example.com", **tagged_)
        cls._consent(cls.doris)
        cls._consent(cls.edward, basis="legitimate_interest")
        cls._consent(cls.lena, basis="legal_obligation")
        cls.message = cls._approved_message()
        cls.smtp = _SMTPServer()
        thread = threading.Thread(target=cls.smtp.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.smtp.server_close)
        cls.addClassCleanup(cls.smtp.shutdown)
        cls.env["ir.mail_server"].create(
            {
                "name": "Test SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.smtp.server_address[1],
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )

    def _broadcast(self):
        """Send the message to the tagged audience and hand the mails to the
        SMTP server of the test (Odoo connects to no server in tests)."""
        self.smtp.messages.clear()
        comm = self._communication(
            self.message, audience_tag_ids=[(6, 0, self.tag.ids)]
        )
        # (the second broadcast of the test repeats the first on purpose)
        comm.action_send(confirm_repeat=True)
        self._run_cron()
        with patch.object(modules.module, "current_test", None):
            self.env["mail.mail"].sudo().search(
                [("crisis_recipient_id.communication_id", "=", comm.id)]
            ).send()
        received = {}
        for raw in self.smtp.messages:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            body = msg.get_body(("html",)).get_content()
            received[msg["To"].addresses[0].addr_spec] = (msg, body)
        return comm, received

    def _line(self, comm, partner):
        return comm.recipient_ids.filtered(lambda r: r.partner_id == partner)

    def test_broadcast_mail_has_footer_withdrawal_and_one_click(self):
        comm, received = self._broadcast()
        self.assertEqual(
            set(received),
            {"doris@example.com", "edward@example.com", "lena@example.com"},
        )
        # Doris (consent, German): greeting, text, signature, the withdrawal
        # sentence with her link, the legal details, both RFC 8058 headers.
        msg, body = received["doris@example.com"]
        self.assertIn("Sehr geehrte Frau Dr. Deutsch,", body)
        self.assertIn("Der Brand ist unter Kontrolle", body)
        self.assertIn("Mit freundlichen Grüßen", body)
        self.assertIn("Amtsgericht Dortmund HRB 4711", body)
        self.assertIn("Erika Muster", body)
        self.assertIn("DE123456789", body)
        self.assertIn("Industriestraße 14, 44137 Dortmund", body)
        self.assertIn("Einwilligung", body)
        link = WITHDRAW_RE.search(body).group(1)
        header = msg["List-Unsubscribe"]
        self.assertTrue(header.startswith("<http"), header)
        self.assertIn(link, header)
        self.assertEqual(msg["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        # Edward (legitimate interest, English): may object, same headers.
        msg, body = received["edward@example.com"]
        self.assertIn("Dear Edward English,", body)
        self.assertIn("Kind regards", body)
        self.assertIn("legitimate interest", body)
        self.assertTrue(WITHDRAW_RE.search(body))
        self.assertEqual(msg["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        # Lena (legal obligation): told why, nothing to withdraw, no headers.
        msg, body = received["lena@example.com"]
        self.assertIn("Guten Tag Lena Gesetz,", body)
        self.assertIn("gesetzlich", body)
        self.assertFalse(WITHDRAW_RE.search(body))
        self.assertIsNone(msg["List-Unsubscribe"])
        self.assertIsNone(msg["List-Unsubscribe-Post"])

        # A GET (a mail scanner following the link) changes nothing.
        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("crisis_withdraw_form", page.text)
        self.assertIn("https://example.com/impressum", page.text)
        consent = self.doris.crisis_consent_ids
        self.assertEqual(consent.state, "given")
        # A forged or garbled link: 404, nothing withdrawn.
        with mute_logger("odoo.http"):
            forged = self.url_open(
                link[:-4] + "AAAA", data={"List-Unsubscribe": "One-Click"}
            )
        self.assertEqual(forged.status_code, 404)
        self.assertEqual(consent.state, "given")
        # The mail client's one-click POST (no login, no CSRF token).
        response = self.url_open(link, data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(consent.withdrawal_source, "one-click unsubscribe")
        self.assertTrue(consent.date_withdrawn)
        self.assertIn(
            "one-click unsubscribe",
            " ".join(consent.message_ids.mapped("body")),
            "the withdrawal is logged on the consent",
        )
        # The next broadcast skips her, saying why; the others still get it.
        comm2, received = self._broadcast()
        self.assertEqual(set(received), {"edward@example.com", "lena@example.com"})
        line = self._line(comm2, self.doris)
        self.assertEqual(line.state, "skipped_consent")
        self.assertIn("one-click unsubscribe", line.skip_reason)

    def test_withdraw_form_needs_csrf_and_objection_is_recorded(self):
        comm, received = self._broadcast()
        body = received["edward@example.com"][1]
        link = WITHDRAW_RE.search(body).group(1)
        consent = self.edward.crisis_consent_ids
        with mute_logger("odoo.http"):
            refused = self.url_open(link, data={"lang": "en"})
        self.assertEqual(refused.status_code, 400)
        self.env.invalidate_all()
        self.assertEqual(consent.state, "given")
        page = self.url_open(link)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        done = self.url_open(link, data={"csrf_token": token, "lang": "en"})
        self.assertEqual(done.status_code, 200)
        self.assertIn("cp-notice", done.text)
        self.env.invalidate_all()
        self.assertEqual(consent.state, "withdrawn")
        # Bad input on the route: 400, never a server error.
        self.assertEqual(self.url_open(link + "%00").status_code, 400)

    def test_sms_starts_with_sender_and_page_shows_legal_details(self):
        self.company.crisis_sms_sender = "MMetallbau"
        self._consent(self.doris, "sms")
        self.doris.mobile = "+49 151 10000009"
        comm = self._communication(
            self.message,
            channel_email=False,
            channel_sms=True,
            audience_partner_ids=[(6, 0, self.doris.ids)],
        )
        comm.action_send()
        self._run_cron()
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", self.doris.id)])
        self.assertTrue(sms.body.startswith("MMetallbau: "), sms.body)
        # The public page: legal details, imprint and privacy links, Art. 13.
        self.incident.sudo().action_publish_page()
        page = self.url_open(self.incident.page_url + "?lang=de")
        self.assertIn("Amtsgericht Dortmund HRB 4711", page.text)
        self.assertIn('href="https://example.com/impressum"', page.text)
        self.assertIn('href="https://example.com/datenschutz"', page.text)
        self.assertIn(">Impressum</a>", page.text)
        self.assertIn(">Datenschutzhinweise</a>", page.text)
        self.assertIn('id="cp_privacy_info"', page.text)
        self.assertNotIn('name="mobile"', page.text)


@tagged("post_install", "-at_install")
class TestSalutation(TransactionCase):
    def _person(self, name, title=None, **values):
        vals = {"name": name}
        if title:
            vals["title"] = self.env.ref(f"base.res_partner_title_{title}").id
        vals.update(values)
        return self.env["res.partner"].create(vals)

    def test_one_rule_per_language(self):
        cases = [
            # (name, title, German, English)
            ("Anna Fischer", "madam", "Sehr geehrte Frau Fischer,", "Dear Ms Fischer,"),
            (
                "Dr. Anna Fischer",
                "madam",
                "Sehr geehrte Frau Dr. Fischer,",
                "Dear Dr Fischer,",
            ),
            ("Klaus Weber", "mister", "Sehr geehrter Herr Weber,", "Dear Mr Weber,"),
            (
                "Prof. Dr. Klaus Weber",
                "mister",
                "Sehr geehrter Herr Prof. Dr. Weber,",
                "Dear Professor Weber,",
            ),
            (
                "Klaus Weber",
                "prof",
                "Guten Tag Prof. Klaus Weber,",
                "Dear Professor Weber,",
            ),
            (
                "Alex Schmitt",
                "doctor",
                "Guten Tag Dr. Alex Schmitt,",
                "Dear Dr Schmitt,",
            ),
            # No title (divers, unknown): the whole name, no guessing.
            ("Alex Schmitt", None, "Guten Tag Alex Schmitt,", "Dear Alex Schmitt,"),
            (
                "Hans von der Heide",
                "mister",
                "Sehr geehrter Herr von der Heide,",
                "Dear Mr von der Heide,",
            ),
        ]
        for name, title, german, english in cases:
            with self.subTest(name=name, title=title):
                partner = self._person(name, title)
                self.assertEqual(salutation(partner, "de_DE"), german)
                self.assertEqual(salutation(partner, "en_US"), english)
        # A gender-neutral title of the database (divers) is not guessed.
        mx = self.env["res.partner.title"].create({"name": "Mx", "shortcut": "Mx"})
        partner = self._person("Alex Schmitt")
        partner.title = mx
        self.assertEqual(salutation(partner, "de_DE"), "Guten Tag Alex Schmitt,")
        self.assertEqual(salutation(partner, "en_US"), "Dear Alex Schmitt,")
        company = self._person("Müller Metallbau GmbH", is_company=True)
        self.assertEqual(salutation(company, "de_DE"), "Sehr geehrte Damen und Herren,")
        self.assertEqual(salutation(company, "en_US"), "Dear Sir or Madam,")
