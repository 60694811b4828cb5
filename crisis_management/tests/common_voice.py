# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .common import CrisisCommon


class CrisisVoiceCommon(CrisisCommon):
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
