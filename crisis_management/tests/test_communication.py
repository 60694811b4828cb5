# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import email
import itertools
import json
import smtplib
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import CrisisAudienceCommon, CrisisMessageCommon, decoded_text

CRON_LOGGER = "odoo.addons.crisis_management.models.crisis_communication"


@tagged("post_install", "-at_install")
class TestCommunication(CrisisAudienceCommon):
    def test_unapproved_content_cannot_be_sent(self):
        draft = self._message()
        comm = self._communication(
            draft, audience_partner_ids=[(6, 0, self.de_neighbor.ids)]
        )
        with self.assertRaisesRegex(UserError, "not approved"):
            comm.action_send()
        draft.action_submit()
        with self.assertRaisesRegex(UserError, "not approved"):
            comm.action_send()
        draft.with_user(self.user_manager2).action_approve()
        draft.with_user(self.user_manager2).action_withdraw()
        with self.assertRaisesRegex(UserError, "not approved"):
            comm.action_send()
        self.assertEqual(comm.state, "draft")
        self.assertFalse(comm.recipient_ids)
        self.assertFalse(
            self.env["mail.mail"].search([("crisis_recipient_id", "!=", False)])
        )

    def test_refusals(self):
        comm = self._audience(channel_email=False)
        with self.assertRaisesRegex(UserError, "at least one channel"):
            comm.action_send()
        comm = self._communication(self.message)
        with self.assertRaisesRegex(UserError, "Nobody is addressed"):
            comm.action_send()
        comm = self._audience()
        with self.assertRaises(AccessError):
            comm.with_user(self.user_crisis).action_send()
        comm.action_send()
        with self.assertRaisesRegex(UserError, "already been sent"):
            comm.action_send()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            comm.unlink()
        self.assertTrue(comm.exists())
        draft = self._communication(self.message)
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_recipient_lines_state_why_anyone_is_skipped(self):
        comm = self._audience(channel_sms=True)
        comm.action_send()
        self.assertEqual(comm.state, "queued")
        # One line per partner and channel: six partners, two channels.
        self.assertEqual(len(comm.recipient_ids), 12)
        self.assertEqual(self._line(comm, self.de_neighbor).state, "queued")
        self.assertEqual(self._line(comm, self.de_neighbor, "sms").state, "queued")
        self.assertEqual(self._line(comm, self.fr_customer).state, "queued")
        self.assertEqual(
            self._line(comm, self.fr_customer, "sms").state, "skipped_consent"
        )
        line = self._line(comm, self.no_consent)
        self.assertEqual(line.state, "skipped_consent")
        self.assertIn("No consent", line.skip_reason)
        line = self._line(comm, self.blacklisted)
        self.assertEqual(line.state, "skipped_consent")
        self.assertIn("blacklist", line.skip_reason)
        line = self._line(comm, self.no_email)
        self.assertEqual(line.state, "skipped_address")
        self.assertIn("No valid e-mail address", line.skip_reason)
        # Languages: own language, else the company's.
        self.assertEqual(self._line(comm, self.de_neighbor).lang, "de_DE")
        self.assertEqual(self._line(comm, self.en_neighbor).lang, "en_US")
        self.assertEqual(self._line(comm, self.fr_customer).lang, "de_DE")

    def test_each_recipient_receives_own_language_at_smtp_edge(self):
        comm = self._audience()
        with self.mock_mail_gateway():
            comm.action_send()
            self._run_cron()
            self.env["mail.mail"].sudo().process_email_queue()
        self.assertEqual(
            self._smtp_recipients(),
            ["doris@example.com", "edward@example.com", "francois@example.com"],
        )
        by_address = {sent["smtp_to_list"][0]: sent for sent in self.emails}
        subject, text = decoded_text(by_address["doris@example.com"]["message"])
        self.assertEqual(subject, "Brand unter Kontrolle")
        self.assertIn("Der Brand ist unter Kontrolle", text)
        self.assertNotIn("The fire", text)
        subject, text = decoded_text(by_address["edward@example.com"]["message"])
        self.assertEqual(subject, "Fire under control")
        self.assertIn("The fire is under control", text)
        self.assertNotIn("Der Brand", text)
        # French is neither German nor English: the company's language (German).
        subject, text = decoded_text(by_address["francois@example.com"]["message"])
        self.assertEqual(subject, "Brand unter Kontrolle")

    def test_sms_reaches_gateway_in_each_language(self):
        comm = self._audience(channel_email=False, channel_sms=True)
        with self.mockSMSGateway():
            comm.action_send()
            self._run_cron()
            self.env["sms.sms"].sudo()._process_queue()
        by_number = {sms["number"]: sms["body"] for sms in self._sms}
        de_number = self.de_neighbor.phone_sanitized
        en_number = self.en_neighbor.phone_sanitized
        self.assertEqual(set(by_number), {de_number, en_number})
        self.assertIn("Brand unter Kontrolle", by_number[de_number])
        self.assertIn("Fire under control", by_number[en_number])
        self.assertEqual(comm.sent_count, 2)

    def test_interrupted_at_smtp_edge_and_resumed_sends_each_once(self):
        """The SMTP connection drops in the middle of a batch; the next run
        delivers the rest: every eligible recipient gets exactly one e-mail."""
        extra = self.env["res.partner"]
        for i in range(4):
            partner = self._partner(
                f"Nachbar {i}",
                f"nachbar{i}@example.com",
                types=[self.type_neighbor],
                category_id=[(6, 0, self.tag.ids)],
            )
            self._consent(partner, "email")
            extra |= partner
        comm = self._audience()
        eligible = sorted(
            ["doris@example.com", "edward@example.com", "francois@example.com"]
            + [f"nachbar{i}@example.com" for i in range(4)]
        )
        with self.mock_mail_gateway():
            comm.action_send()
            self._run_cron(batch_size=4)
            self.assertEqual(comm.state, "done")
            session = self.testing_smtp_session
            original = session.send_message
            calls = []

            def flaky_send(message, smtp_from, smtp_to_list):
                calls.append(smtp_to_list)
                if len(calls) == 3:
                    raise smtplib.SMTPServerDisconnected(
                        "Connection unexpectedly closed"
                    )
                return original(message, smtp_from, smtp_to_list)

            with (
                patch.object(session, "send_message", side_effect=flaky_send),
                mute_logger("odoo.addons.mail.models.mail_mail"),
            ):
                self.assertFalse(self._process_mail_queue_like_the_cron())
            self.assertEqual(len(self.emails), 2, "two delivered before the drop")
            # Resume: our cron finds nothing left to queue, the queue the rest.
            self._run_cron(batch_size=4)
            self.assertTrue(self._process_mail_queue_like_the_cron())
        self.assertEqual(self._smtp_recipients(), eligible)
        self.assertEqual(len(self._new_mails), 7, "one mail.mail per recipient")
        self.assertEqual(comm.sent_count, 7)
        self.assertEqual(comm.failed_count, 0)

    def test_batch_interrupted_before_commit_is_redone_once(self):
        """An exception in the middle of a batch (here: the PDF engine of the
        letters) rolls the whole batch back: no e-mail or SMS of it exists and
        its lines are still queued; the next run sends each exactly once."""
        comm = self._audience(channel_sms=True, channel_letter=True)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            comm.action_send()
            Report = type(self.env["ir.actions.report"])
            with (
                patch.object(
                    Report, "_render_qweb_pdf", side_effect=OSError("wkhtmltopdf died")
                ),
                self.assertLogs(CRON_LOGGER, level="WARNING") as logs,
            ):
                self._run_cron()
            self.assertIn("stays queued", logs.output[0])
            self.assertEqual(comm.state, "sending")
            self.assertEqual(comm.queued_count, 7)
            self.assertFalse(self._new_mails.exists())
            self.assertFalse(
                self.env["sms.sms"].search([("crisis_recipient_id", "!=", False)])
            )
            # Resume.
            self._run_cron()
            self._run_cron()
            self.env["mail.mail"].sudo().process_email_queue()
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(comm.state, "done")
        self.assertEqual(
            self._smtp_recipients(),
            ["doris@example.com", "edward@example.com", "francois@example.com"],
        )
        self.assertEqual(
            sorted(s["number"] for s in self._sms),
            sorted(
                [self.de_neighbor.phone_sanitized, self.en_neighbor.phone_sanitized]
            ),
        )
        letters = comm.recipient_ids.filtered(
            lambda r: r.channel == "letter" and r.state == "sent"
        )
        self.assertEqual(letters.partner_id, self.de_neighbor | self.en_neighbor)
        self.assertEqual(len(comm.letter_attachment_ids), 1)

    def test_progress_and_crisis_log(self):
        comm = self._audience()
        comm.action_send()
        self.assertEqual(comm.progress, 50.0, "three of six skipped at once")
        self._run_cron(batch_size=2)
        self.assertEqual(comm.state, "done")
        self.assertEqual(comm.recipient_count, 6)
        self.assertEqual(comm.sent_count, 3)
        self.assertEqual(comm.skipped_count, 3)
        self.assertEqual(comm.failed_count, 0)
        self.assertEqual(comm.progress, 100.0)
        entry = self.incident.log_ids.filtered(
            lambda log: comm.name in log.body and log.kind == "communication"
        )
        self.assertEqual(entry.kind, "communication")
        self.assertIn("3 sent, 3 skipped, 0 failed of 6", entry.body)
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_failed_delivery_is_shown_on_the_line(self):
        comm = self._audience()
        with self.mock_mail_gateway():
            comm.action_send()
            self._run_cron()
            session = self.testing_smtp_session
            original = session.send_message

            def refuse_edward(message, smtp_from, smtp_to_list):
                if smtp_to_list == ["edward@example.com"]:
                    raise smtplib.SMTPRecipientsRefused(
                        {"edward@example.com": (550, b"No such user")}
                    )
                return original(message, smtp_from, smtp_to_list)

            with (
                patch.object(session, "send_message", side_effect=refuse_edward),
                mute_logger("odoo.addons.mail.models.mail_mail"),
            ):
                self.env["mail.mail"].sudo().process_email_queue()
        line = self._line(comm, self.en_neighbor)
        self.assertEqual(line.state, "failed")
        self.assertTrue(line.error)
        self.assertEqual(comm.failed_count, 1)
        self.assertEqual(comm.sent_count, 2)

    def test_withdrawn_content_stops_the_rest(self):
        comm = self._audience()
        comm.action_send()
        self.message.with_user(self.user_manager2).action_withdraw()
        self._run_cron()
        self.assertEqual(comm.state, "failed")
        self.assertEqual(comm.failed_count, 3)
        self.assertIn("withdrawn", self._line(comm, self.de_neighbor).error)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("crisis_recipient_id", "in", comm.recipient_ids.ids)]
            )
        )

    def test_text_is_frozen_when_sending_starts(self):
        comm = self._audience(
            audience_tag_ids=[(5, 0, 0)],
            audience_partner_ids=[(6, 0, self.de_neighbor.ids)],
        )
        with self.mock_mail_gateway():
            comm.action_send()
            self.message.with_context(lang="de_DE").write(
                {"body": "<p>Ungeprüfter Text</p>"}
            )
            self.assertEqual(self.message.state, "review")
            self._run_cron()
            self.env["mail.mail"].sudo().process_email_queue()
        _subject, text = decoded_text(self.emails[0]["message"])
        self.assertIn("Der Brand ist unter Kontrolle", text)
        self.assertNotIn("Ungeprüfter", text)

    def test_letters_one_document_per_batch(self):
        self.incident.action_publish_page()
        comm = self._audience(channel_email=False, channel_letter=True)
        comm.action_send()
        self._run_cron(batch_size=1)
        self.assertEqual(comm.sent_count, 2)
        attachments = comm.letter_attachment_ids
        self.assertEqual(len(attachments), 2)
        line = self._line(comm, self.de_neighbor, "letter")
        document = base64.b64decode(line.letter_attachment_id.datas).decode()
        self.assertIn("Doris Deutsch", document)
        self.assertIn("Hafenstraße 1", document)
        self.assertIn("Der Brand ist unter Kontrolle", document)
        self.assertIn("data:image/png;base64,", document, "QR code of the public page")
        self.assertIn(self.incident.page_url, document)
        other = base64.b64decode(
            self._line(comm, self.en_neighbor, "letter").letter_attachment_id.datas
        ).decode()
        self.assertIn("The fire is under control", other)


PURPOSES = ["crisis_info", "press_distribution", "marketing"]
CHANNELS = ["email", "sms", "letter"]
BASES = [
    "consent",
    "contract",
    "legal_obligation",
    "vital_interest",
    "legitimate_interest",
]
TYPES = ["employee", "neighbor", "customer", "press"]

partner_strategy = st.fixed_dictionaries(
    {
        "email": st.booleans(),
        "mobile": st.booleans(),
        "address": st.booleans(),
        "types": st.sets(st.sampled_from(TYPES), max_size=2),
        "email_blacklisted": st.booleans(),
        "phone_blacklisted": st.booleans(),
        "ops": st.lists(
            st.one_of(
                st.tuples(
                    st.just("give"),
                    st.sampled_from(PURPOSES),
                    st.sampled_from(CHANNELS),
                    st.sampled_from(BASES),
                ),
                st.tuples(st.just("withdraw"), st.integers(0, 4)),
            ),
            max_size=6,
        ),
    }
)
audience_strategy = st.fixed_dictionaries(
    {
        "partners": st.lists(partner_strategy, min_size=1, max_size=5),
        "kind": st.sampled_from(["notice", "safety_check"]),
        "purpose": st.sampled_from(PURPOSES),
        "channels": st.sets(st.sampled_from(CHANNELS), min_size=1),
    }
)


@tagged("post_install", "-at_install")
class TestNoMessageWithoutBasis(CrisisMessageCommon):
    """Property: over generated audiences with random consents, withdrawals,
    blacklists and legal bases, a broadcast hands a message to the mail
    queue, the SMS queue or the letter printer for exactly the partners and
    channels with a valid basis and an address, and never for anybody else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.message = cls._approved_message()
        cls.types = {code: cls._stakeholder_type(code).id for code in TYPES}
        cls.purposes = {
            code: cls.env["crisis.consent.purpose"].search([("code", "=", code)]).id
            for code in PURPOSES
        }
        cls.counter = itertools.count()

    @staticmethod
    def _expected(spec, consents, purpose, kind, channel):
        """The rule, written independently of the implementation."""
        if channel == "email" and (not spec["email"] or spec["email_blacklisted"]):
            return False
        if channel == "sms" and (not spec["mobile"] or spec["phone_blacklisted"]):
            return False
        if channel == "letter" and not spec["address"]:
            return False
        safety = kind == "safety_check"
        if (
            safety
            and purpose == "crisis_info"
            and {"employee", "neighbor"} & spec["types"]
        ):
            return True
        for c_purpose, c_channel, basis, state in consents:
            if (c_purpose, c_channel, state) != (purpose, channel, "given"):
                continue
            if basis != "vital_interest" or (safety and purpose != "marketing"):
                return True
        return False

    @settings(
        max_examples=1000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(audience=audience_strategy)
    def test_no_message_without_valid_basis(self, audience):
        kind = audience["kind"]
        purpose = "crisis_info" if kind == "safety_check" else audience["purpose"]
        savepoint = self.env.cr.savepoint()
        try:
            self._check_audience(
                audience["partners"], kind, purpose, audience["channels"]
            )
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()

    def _check_audience(self, specs, kind, purpose, channels):
        n = next(self.counter)
        vals_list = []
        for i, spec in enumerate(specs):
            vals_list.append(
                {
                    "name": f"P{n}-{i}",
                    "email": spec["email"] and f"p{n}-{i}@example.com",
                    "mobile": spec["mobile"] and f"+49151{n:05d}{i:03d}",
                    "street": spec["address"] and "Weg 1",
                    "zip": spec["address"] and "44137",
                    "city": spec["address"] and "Dortmund",
                    "country_id": self.env.ref("base.de").id,
                    "crisis_stakeholder_type_ids": [
                        (6, 0, [self.types[t] for t in spec["types"]])
                    ],
                }
            )
        partners = self.env["res.partner"].create(vals_list)
        Consent = self.env["crisis.consent"]
        model = {}
        for partner, spec in zip(partners, specs):
            records, states = Consent, []
            for op in spec["ops"]:
                if op[0] == "give":
                    _op, c_purpose, c_channel, basis = op
                    records |= Consent.create(
                        {
                            "partner_id": partner.id,
                            "purpose_id": self.purposes[c_purpose],
                            "channel": c_channel,
                            "legal_basis": basis,
                        }
                    )
                    states.append([c_purpose, c_channel, basis, "given"])
                elif op[1] < len(states):
                    records[op[1]].action_withdraw()
                    target = states[op[1]]
                    if target[3] == "given":
                        for state in states:
                            if state is target or (
                                state[:2] == target[:2] and state[2] == "consent"
                            ):
                                state[3] = "withdrawn"
            model[partner.id] = states
            self.assertEqual(records.mapped("state"), [s[3] for s in states])
            if spec["email_blacklisted"] and spec["email"]:
                self.env["mail.blacklist"].create({"email": partner.email})
            if spec["phone_blacklisted"] and spec["mobile"]:
                self.env["phone.blacklist"].create({"number": partner.phone_sanitized})
        comm = self.env["crisis.communication"].create(
            {
                "incident_id": self.incident.id,
                "message_id": self.message.id,
                "kind": kind,
                "purpose_id": self.purposes[purpose],
                "channel_email": "email" in channels,
                "channel_sms": "sms" in channels,
                "channel_letter": "letter" in channels,
                "audience_partner_ids": [(6, 0, partners.ids)],
            }
        )
        comm.action_send()
        comm._cron_send()
        lines = comm.recipient_ids
        handed_over = set()
        for mail in self.env["mail.mail"].search(
            [("crisis_recipient_id", "in", lines.ids)]
        ):
            handed_over.add((mail.crisis_recipient_id.partner_id.id, "email"))
            self.assertEqual(mail.email_to, mail.crisis_recipient_id.address)
        for sms in self.env["sms.sms"].search(
            [("crisis_recipient_id", "in", lines.ids)]
        ):
            handed_over.add((sms.partner_id.id, "sms"))
        for line in lines.filtered("letter_attachment_id"):
            handed_over.add((line.partner_id.id, "letter"))
        expected = {
            (partner.id, channel)
            for partner, spec in zip(partners, specs)
            for channel in channels
            if self._expected(spec, model[partner.id], purpose, kind, channel)
        }
        self.assertEqual(handed_over, expected)
        # Every handed-over line is marked sent, everybody else was skipped.
        sent = {(r.partner_id.id, r.channel) for r in lines if r.state == "sent"}
        self.assertEqual(sent, expected)
        self.assertEqual(len(lines), len(partners) * len(channels))


# A bounce as Postfix sends it back (RFC 3464 delivery status notification).
POSTFIX_BOUNCE = """From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: krisenstab@example.com
Subject: Undelivered Mail Returned to Sender
Message-Id: <20261130120501.4F2A1C0123@mx.example.net>
Date: Mon, 30 Nov 2026 12:05:01 +0100 (CET)
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="4F2A1C0123.1764500701/mx.example.net"

This is a MIME-encapsulated message.

--4F2A1C0123.1764500701/mx.example.net
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{email}>: host mail.example.com[203.0.113.7] said: 550 5.1.1
    <{email}>: Recipient address rejected: User unknown

--4F2A1C0123.1764500701/mx.example.net
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 4F2A1C0123
Arrival-Date: Mon, 30 Nov 2026 12:05:00 +0100 (CET)

Final-Recipient: rfc822; {email}
Original-Recipient: rfc822;{email}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mail.example.com
Diagnostic-Code: smtp; 550 5.1.1 <{email}>: Recipient address rejected: User
    unknown

--4F2A1C0123.1764500701/mx.example.net
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Message-Id: {message_id}
From: krisenstab@example.com
To: {email}
Subject: Brand unter Kontrolle

--4F2A1C0123.1764500701/mx.example.net--
"""


@tagged("post_install", "-at_install")
class TestDeliveryTruth(CrisisAudienceCommon, HttpCase):
    """A line says ``sent`` when Odoo handed the message over; what the mail
    server or SMS gateway reports back later moves it on."""

    def test_message_id_kept_and_bounce_moves_line_to_bounced(self):
        comm = self._audience()
        with self.mock_mail_gateway():
            comm.action_send()
            self._run_cron()
            self.env["mail.mail"].sudo().process_email_queue()
        by_address = {sent["smtp_to_list"][0]: sent for sent in self.emails}
        doris = self._line(comm, self.de_neighbor)
        edward = self._line(comm, self.en_neighbor)
        header = email.message_from_string(by_address["doris@example.com"]["message"])[
            "Message-Id"
        ]
        self.assertEqual(doris.email_message_id, header)
        self.assertEqual(doris.state, "sent")
        raw = POSTFIX_BOUNCE.format(email="doris@example.com", message_id=header)
        self.env["mail.thread"].message_process(False, raw)
        self.assertEqual(doris.state, "bounced")
        self.assertIn("5.1.1", doris.error)
        self.assertIn("User unknown", doris.error)
        self.assertTrue(doris.date_failed)
        self.assertEqual(edward.state, "sent")
        self.assertFalse(edward.error)

    def test_bounce_of_an_unknown_message_changes_nothing(self):
        comm = self._audience()
        with self.mock_mail_gateway():
            comm.action_send()
            self._run_cron()
        raw = POSTFIX_BOUNCE.format(
            email="doris@example.com", message_id="<unknown-123@example.com>"
        )
        self.env["mail.thread"].message_process(False, raw)
        self.assertEqual(
            set(
                comm.recipient_ids.filtered(lambda r: r.channel == "email").mapped(
                    "state"
                )
            ),
            {"sent", "skipped_consent", "skipped_address"},
        )

    def test_late_sms_failure_from_the_gateway_moves_line_to_failed(self):
        comm = self._audience(channel_email=False, channel_sms=True)
        with self.mockSMSGateway():
            comm.action_send()
            self._run_cron()
            self.env["sms.sms"].sudo()._process_queue()
        doris = self._line(comm, self.de_neighbor, "sms")
        edward = self._line(comm, self.en_neighbor, "sms")
        self.assertEqual((doris | edward).mapped("state"), ["sent", "sent"])
        tracker = (
            self.env["sms.tracker"]
            .sudo()
            .search([("crisis_recipient_id", "=", doris.id)])
        )
        self.assertEqual(len(tracker), 1)
        # The gateway's delivery report, as IAP posts it to Odoo's webhook.
        response = self.url_open(
            "/sms/status",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "params": {
                        "message_statuses": [
                            {"sms_status": "not_delivered", "uuids": [tracker.sms_uuid]}
                        ]
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json().get("result"), "OK")
        self.env.invalidate_all()
        self.assertEqual(doris.state, "failed")
        self.assertEqual(doris.error, "Not Delivered")
        self.assertEqual(edward.state, "sent")
