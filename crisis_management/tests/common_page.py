# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import datetime

from odoo import Command

from .common import CrisisCommon

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

    @staticmethod
    def _csrf(html):
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        return match and match.group(1)
