# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one test base of crisis_management: users of every crisis group and the
factories of the crisis models, with one class per kind of setup."""

import email
import itertools
import re
import smtplib
import xmlrpc.client
from datetime import datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

from odoo.addons.mail.tests.common import MailCommon
from odoo.addons.sms.tests.common import MockSMS

# Values that exist only inside Odoo and must never reach a public response.
INTERNAL = {
    "situation": "INTERNAL-SITUATION-7731",
    "log": "INTERNAL-LOG-4410",
    "draft": "DRAFT-UPDATE-5521",
    "draft_de": "ENTWURF-5521",
    "draft_title": "DRAFT-HEADLINE-5522",
    "withdrawn": "WITHDRAWN-UPDATE-6630",
    "other_incident": "OTHER-INCIDENT-UPDATE-9090",
    "task": "INTERNAL-TASK-3318",
    "chatter": "INTERNAL-CHATTER-2207",
    "stakeholder": "Geheim Stakeholder GmbH",
    "stakeholder_email": "stakeholder-secret@example.com",
    "subscriber_email": "old-subscriber-secret@example.com",
    "lead": "Max Krisenstab",
    "member": "Petra Sprecherin",
    "lead_login": "crisis_manager",
    "inquiry": "INTERNAL-INQUIRY-8181",
    "inquiry_question": "INQUIRY-QUESTION-8182",
    "caller": "Anrufer Geheim",
    "caller_phone": "+49 171 9998887",
}


def calm_company(env, company):
    """Start from a company without open incidents and out of crisis mode,
    whatever the demo data holds (the test transaction is rolled back)."""
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE crisis_incident SET state = 'closed' "
            "WHERE company_id = %s AND state IN %s",
            company.id,
            ("active", "contained", "resolved"),
        )
    )
    env.invalidate_all()
    company.sudo().write({"crisis_mode": False, "crisis_incident_id": False})


def csrf_token(html):
    """The CSRF token of the first form of an HTML page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return match and match.group(1)


def decoded_text(smtp_message):
    """Subject and all text parts of a raw message as it reached SMTP."""
    msg = email.message_from_string(smtp_message)
    subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
    texts = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            texts.append(
                part.get_payload(decode=True).decode(part.get_content_charset())
            )
    return subject, "\n".join(texts)


# XML-RPC fault codes of a clear refusal (anything else is a server error).
WARNING = 2
ACCESS_ERROR = 4


class RpcAttackMixin:
    """Calls over XML-RPC as a user, as an attacker makes them (with
    ``HttpCase``)."""

    def _rpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
        )

    def _refused(self, user, model, method, *args, code=None, **kwargs):
        """Call and assert a clear refusal: an access error or a warning
        (``code``: exactly that one), never a server error; return its text."""
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._rpc(user, model, method, *args, **kwargs)
        fault = caught.exception
        self.assertIn(
            fault.faultCode,
            (code,) if code else (ACCESS_ERROR, WARNING),
            f"{model}.{method} as {user.login}: server error\n{fault.faultString}",
        )
        self.assertNotIn("Traceback", fault.faultString)
        return fault.faultString


class CrisisCommon(TransactionCase):
    """Users of every crisis group and factories for the crisis models."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, lang="en_US")
        )
        cls.company = cls.env.company
        # Broadcasts leave at once in these tests: the hold before sending
        # has its own tests (test_send_safely.py).
        cls.company.crisis_send_delay_seconds = 0
        cls.user_crisis = new_test_user(
            cls.env,
            login="crisis_user",
            name="Ulla Hotline",
            groups="crisis_management.group_crisis_user",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="crisis_manager",
            name="Max Krisenstab",
            groups="crisis_management.group_crisis_manager",
        )
        cls.user_manager2 = new_test_user(
            cls.env,
            login="crisis_manager2",
            name="Petra Sprecherin",
            groups="crisis_management.group_crisis_manager",
        )
        cls.user_admin = new_test_user(
            cls.env,
            login="crisis_admin",
            name="Anna Admin",
            groups="crisis_management.group_crisis_admin",
        )
        cls.user_employee = new_test_user(
            cls.env,
            login="plain_employee",
            name="Erik Employee",
            groups="base.group_user",
        )
        cls.type_fire = cls.env.ref("crisis_management.incident_type_fire")
        # Incidents of these tests keep the team the test gives them: the
        # demo's standing crisis team (and its alarm) is tested in test_alarm.
        cls.env["crisis.roster.line"].search(
            [("company_id", "=", cls.company.id)]
        ).unlink()
        # Mail the demo queued at install (the demo incidents' alarms) is not
        # these tests' mail: what reaches the SMTP edge here is theirs alone.
        cls.env["mail.mail"].search([("state", "=", "outgoing")]).write(
            {"state": "cancel"}
        )
        cls.env["sms.sms"].search([("state", "=", "outgoing")]).write(
            {"state": "canceled"}
        )
        # The demo's first hour of the fire (dark site, update cadence, holding
        # statements) stays out of the tests that do not ask for it.
        cls.type_fire.write(
            {
                "dark_site": False,
                "update_interval_minutes": 0,
                "update_interval_critical_minutes": 0,
            }
        )
        cls.env["crisis.message"].search([("is_template", "=", True)]).write(
            {"active": False}
        )

    @classmethod
    def _create_incident(cls, **values):
        vals = {
            "name": "Brand in Fabrikhalle 2",
            "incident_type_id": cls.type_fire.id,
            "severity": "critical",
            "lead_id": cls.user_manager.id,
        }
        vals.update(values)
        return cls.env["crisis.incident"].create(vals)

    @classmethod
    def _stakeholder_type(cls, code):
        return cls.env["crisis.stakeholder.type"].search([("code", "=", code)])

    def _run_cron(self, batch_size=None):
        """One run of the sending job as Odoo's cron runner makes it: the
        method is called again while it sends lines and lines remain."""
        Recipient = self.env["crisis.communication.recipient"].sudo()
        queued = Recipient.search_count([("state", "=", "queued")])
        while True:
            self.env["crisis.communication"].sudo()._cron_send(batch_size=batch_size)
            self.env.invalidate_all()
            before, queued = (
                queued,
                Recipient.search_count([("state", "=", "queued")]),
            )
            if not queued or queued == before:
                break


class CrisisMessageCommon(CrisisCommon):
    """Factories for content, consents and communications."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.incident = cls._create_incident()
        cls.purpose_info = cls.env.ref("crisis_management.consent_purpose_crisis_info")
        cls.purpose_press = cls.env.ref(
            "crisis_management.consent_purpose_press_distribution"
        )
        cls.purpose_marketing = cls.env.ref(
            "crisis_management.consent_purpose_marketing"
        )
        cls.type_employee = cls._stakeholder_type("employee")
        cls.type_neighbor = cls._stakeholder_type("neighbor")
        cls.type_customer = cls._stakeholder_type("customer")
        cls.type_press = cls._stakeholder_type("press")
        cls.company.partner_id.lang = "de_DE"

    @classmethod
    def _partner(cls, name, email=None, mobile=None, lang="de_DE", types=(), **values):
        vals = {
            "name": name,
            "email": email,
            "mobile": mobile,
            "lang": lang,
            "country_id": cls.env.ref("base.de").id,
            "crisis_stakeholder_type_ids": [(6, 0, [t.id for t in types])],
        }
        vals.update(values)
        return cls.env["res.partner"].create(vals)

    @classmethod
    def _consent(
        cls, partner, channel="email", purpose=None, basis="consent", **values
    ):
        vals = {
            "partner_id": partner.id,
            "purpose_id": (purpose or cls.purpose_info).id,
            "channel": channel,
            "legal_basis": basis,
        }
        vals.update(values)
        return cls.env["crisis.consent"].create(vals)

    @classmethod
    def _message(cls, kind="key_message", de=None, en=None, **values):
        """A message written by one crisis manager, German and English."""
        de = de or {
            "name": "Brand unter Kontrolle",
            "body": "<p>Der Brand ist unter Kontrolle. Fenster geschlossen halten.</p>",
            "sms_text": "Brand unter Kontrolle. Fenster geschlossen halten.",
        }
        en = en or {
            "name": "Fire under control",
            "body": "<p>The fire is under control. Keep windows closed.</p>",
            "sms_text": "Fire under control. Keep windows closed.",
        }
        Message = cls.env["crisis.message"].with_user(cls.user_manager)
        vals = dict(en, kind=kind, incident_id=cls.incident.id)
        vals.update(values)
        message = Message.with_context(lang="en_US").create(vals)
        message.write({f"{fname}_de": value for fname, value in de.items()})
        return message

    @classmethod
    def _approved_message(cls, **kwargs):
        message = cls._message(**kwargs)
        message.action_submit()
        message.with_user(cls.user_manager2).action_approve()
        return message

    @classmethod
    def _communication(cls, message, **values):
        vals = {
            "incident_id": cls.incident.id,
            "message_id": message.id,
            "channel_email": True,
        }
        vals.update(values)
        return cls.env["crisis.communication"].with_user(cls.user_manager).create(vals)


class CrisisAudienceCommon(CrisisMessageCommon, MailCommon, MockSMS):
    """A tagged audience of stakeholders with consents, mails and SMS mocked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "krisenstab@example.com"
        cls.tag = cls.env["res.partner.category"].create({"name": "Krisentest"})
        tagged_ = {"category_id": [(6, 0, cls.tag.ids)]}
        address = {
            "street": "Hafenstraße 1",
            "zip": "44137",
            "city": "Dortmund",
            **tagged_,
        }
        cls.de_neighbor = cls._partner(
            "Doris Deutsch",
            "doris@example.com",
            "+49 151 10000001",
            "de_DE",
            types=[cls.type_neighbor],
            **address,
        )
        cls.en_neighbor = cls._partner(
            "Edward English",
            "edward@example.com",
            "+49 151 10000002",
            "en_US",
            types=[cls.type_neighbor],
            **address,
        )
        cls.fr_customer = cls._partner(
            "François Client",
            "francois@example.com",
            "+49 151 10000003",
            "fr_FR",
            types=[cls.type_customer],
            **tagged_,
        )
        cls.no_consent = cls._partner(
            "Nora Ohnezustimmung",
            "nora@example.com",
            "+49 151 10000004",
            types=[cls.type_neighbor],
            **tagged_,
        )
        cls.blacklisted = cls._partner(
            "Bruno Blacklist",
            "bruno@example.com",
            "+49 151 10000005",
            types=[cls.type_neighbor],
            **tagged_,
        )
        cls.no_email = cls._partner(
            "Olga Ohnemail", False, False, types=[cls.type_neighbor], **tagged_
        )
        for partner in (cls.de_neighbor, cls.en_neighbor):
            for channel in ("email", "sms", "letter"):
                cls._consent(partner, channel)
        for partner in (cls.fr_customer, cls.blacklisted, cls.no_email):
            cls._consent(partner, "email")
        cls.env["mail.blacklist"].sudo()._add("bruno@example.com")
        cls.message = cls._approved_message()

    def _audience(self, **values):
        vals = {"audience_tag_ids": [(6, 0, self.tag.ids)]}
        vals.update(values)
        return self._communication(self.message, **vals)

    def _line(self, comm, partner, channel="email"):
        return comm.recipient_ids.filtered(
            lambda r: r.partner_id == partner and r.channel == channel
        )

    def _process_mail_queue_like_the_cron(self):
        """Odoo's mail queue as it runs in production: each mail is committed
        on its own (``auto_commit``) and an exception that aborts the job
        rolls back only the mail being sent. Savepoints stand in for the
        commits, which tests cannot make."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("state", "=", "outgoing")], order="id")
        )
        for mail in mails:
            try:
                with self.env.cr.savepoint():
                    mail.send()
            except smtplib.SMTPServerDisconnected:
                return False
        return True

    def _smtp_recipients(self):
        return sorted(
            itertools.chain.from_iterable(sent["smtp_to_list"] for sent in self.emails)
        )


class CrisisSafetyCheckCommon(CrisisMessageCommon):
    """Staff of hall 2 and an approved "are you safe?" message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "krisenstab@example.com"
        cls.tag = cls.env["res.partner.category"].create({"name": "Halle 2"})
        staff = {"types": [cls.type_employee], "category_id": [(6, 0, cls.tag.ids)]}
        cls.jonas = cls._partner(
            "Jonas Berger", "jonas@example.com", "+49 151 20000001", **staff
        )
        cls.aylin = cls._partner(
            "Aylin Demir", "aylin@example.com", "+49 151 20000002", **staff
        )
        cls.tom = cls._partner(
            "Tom Walker", "tom@example.com", "+49 151 20000003", lang="en_US", **staff
        )
        cls.message = cls._approved_message(
            en={
                "name": "Are you safe?",
                "body": "<p>Fire in hall 2. Are you safe?</p>",
                "sms_text": "Fire in hall 2. Are you safe?",
            },
            de={
                "name": "Sind Sie in Sicherheit?",
                "body": "<p>Brand in Halle 2. Sind Sie in Sicherheit?</p>",
                "sms_text": "Brand in Halle 2. Sind Sie in Sicherheit?",
            },
        )

    def _safety_check(self, **values):
        vals = {
            "kind": "safety_check",
            "audience_tag_ids": [(6, 0, self.tag.ids)],
            "channel_sms": True,
            "followup_delay": 0.5,
            "followup_user_id": self.user_manager2.id,
        }
        vals.update(values)
        comm = self._communication(self.message, **vals)
        comm.action_send()
        self._run_cron()
        return comm

    def _line(self, comm, partner, channel="email"):
        return comm.recipient_ids.filtered(
            lambda r: r.partner_id == partner and r.channel == channel
        ).sudo()


class CrisisInquiryCommon(CrisisCommon):
    """A calm company, stakeholders of every type and an incident for inquiries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_press = cls._stakeholder_type("press")
        cls.type_authority = cls._stakeholder_type("authority")
        cls.type_neighbor = cls._stakeholder_type("neighbor")
        cls.type_customer = cls._stakeholder_type("customer")
        calm_company(cls.env, cls.company)
        cls.company.crisis_inquiry_sla_minutes = 120
        Partner = cls.env["res.partner"]
        cls.newspaper = Partner.create(
            {
                "name": "Boulevardblatt GmbH",
                "is_company": True,
                "crisis_stakeholder_type_ids": [(6, 0, cls.type_press.ids)],
            }
        )
        cls.journalist = Partner.create(
            {
                "name": "Jens Reporter",
                "parent_id": cls.newspaper.id,
                "email": "jens.reporter@boulevard.example.com",
            }
        )
        cls.neighbor = Partner.create(
            {
                "name": "Helga Nachbarin",
                "email": "helga@lindenstrasse.example.com",
                "phone": "+49 711 123456",
                "crisis_stakeholder_type_ids": [(6, 0, cls.type_neighbor.ids)],
            }
        )
        cls.mayor = Partner.create(
            {
                "name": "Bürgermeisterin Kraus",
                "crisis_stakeholder_type_ids": [
                    (6, 0, (cls.type_neighbor | cls.type_authority).ids)
                ],
            }
        )
        cls.incident = cls._create_incident()

    @classmethod
    def _inquiry(cls, **values):
        vals = {"incident_id": cls.incident.id, "question": "Was ist passiert?"}
        vals.update(values)
        return cls.env["crisis.inquiry"].create(vals)


class CrisisPageCommon(CrisisCommon):
    """An incident with a published page, public and internal content."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.company.write({"phone": "+49 30 1111111", "primary_color": "#8a1c1c"})
        cls.company.partner_id.tz = "Europe/Berlin"
        cls.incident = cls._create_incident(
            name="Brand in Fabrikhalle 2",
            situation=f"<p>{INTERNAL['situation']}</p>",
            hotline_phone="+49 800 1234567",
            member_ids=[
                Command.create({"user_id": cls.user_manager2.id, "role": "member"})
            ],
        )
        cls.incident.with_context(
            lang="en_US"
        ).public_summary = "<p>Summary for the public EN-4711</p>"
        cls._translate_html(
            cls.incident,
            "public_summary",
            "<p>Summary for the public EN-4711</p>",
            "<p>Zusammenfassung für die Öffentlichkeit DE-4711</p>",
        )
        cls.incident.action_activate()
        cls.incident._log("note", INTERNAL["log"])
        cls.incident.message_post(
            body=INTERNAL["chatter"],
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.env["crisis.task"].create(
            {
                "incident_id": cls.incident.id,
                "name": INTERNAL["task"],
                "user_id": cls.user_manager2.id,
            }
        )
        cls.env["crisis.inquiry"].create(
            {
                "incident_id": cls.incident.id,
                "name": INTERNAL["inquiry"],
                "question": INTERNAL["inquiry_question"],
                "caller_name": INTERNAL["caller"],
                "caller_phone": INTERNAL["caller_phone"],
                "channel": "phone",
            }
        )
        cls.stakeholder = cls.env["res.partner"].create(
            {
                "name": INTERNAL["stakeholder"],
                "email": INTERNAL["stakeholder_email"],
                "crisis_stakeholder_type_ids": [
                    Command.link(cls._stakeholder_type("neighbor").id)
                ],
            }
        )
        cls.purpose_info = cls.env.ref("crisis_management.consent_purpose_crisis_info")
        cls.incident.action_publish_page()
        # A subscriber that is already there.
        old_subscriber = cls.env["crisis.page.subscription"]._confirm(
            cls.incident, {"e": INTERNAL["subscriber_email"], "l": "de"}, "10.0.0.1"
        )
        cls.old_subscriber = old_subscriber
        # Published updates (older, newer), a draft and a withdrawn one.
        cls.update_old = cls._create_update(
            "<p>First update EN-1001</p>",
            "<p>Erste Meldung DE-1001</p>",
            name_en="First EN-H1",
            name_de="Erste DE-H1",
        )
        cls.update_new = cls._create_update(
            "<p>Fire under control EN-8812</p>",
            "<p>Feuer unter Kontrolle DE-8812</p>",
            name_en="Under control EN-H2",
            name_de="Unter Kontrolle DE-H2",
        )
        # Written by a team member whose name must stay internal.
        cls.update_new.author_id = cls.user_manager2
        cls.update_old.action_publish()
        cls.update_new.action_publish()
        cls.update_old.date = datetime(2026, 3, 1, 8, 0)
        cls.update_new.date = datetime(2026, 3, 1, 12, 30)
        cls.draft = cls._create_update(
            f"<p>{INTERNAL['draft']}</p>",
            f"<p>{INTERNAL['draft_de']}</p>",
            name_en=INTERNAL["draft_title"],
        )
        cls.withdrawn = cls._create_update(f"<p>{INTERNAL['withdrawn']}</p>")
        cls.withdrawn.action_publish()
        cls.withdrawn.action_unpublish()
        other = cls._create_incident(name="Anderer Vorfall")
        other.action_publish_page()
        other_update = cls._create_update(
            f"<p>{INTERNAL['other_incident']}</p>", incident=other
        )
        other_update.action_publish()
        # The send cron job mails the updates published so far.
        cls.env["crisis.communication"].sudo()._cron_send()
        cls.token = cls.incident.page_token

    @classmethod
    def _create_update(
        cls, body_en, body_de=None, name_en=None, name_de=None, incident=None
    ):
        update = (
            cls.env["crisis.incident.update"]
            .with_context(lang="en_US")
            .create(
                {
                    "incident_id": (incident or cls.incident).id,
                    "body": body_en,
                    "name": name_en,
                }
            )
        )
        if body_de:
            cls._translate_html(update, "body", body_en, body_de)
        if name_de:
            update.update_field_translations("name", {"de_DE": name_de})
        return update

    @staticmethod
    def _translate_html(record, field, html_en, html_de):
        """Give an html field its German text, as the German column of the
        form does (public texts keep one complete text per language)."""
        record.update_field_translations(field, {"de_DE": html_de})

    def _mails_to(self, email):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("email_to", "ilike", email)], order="id")
        )
