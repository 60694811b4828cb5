# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Subscriptions to a public incident page (double opt-in)."""

import binascii
import json

from odoo import _, api, fields, models
from odoo.tools import email_normalize
from odoo.tools.misc import hash_sign, verify_hash_signed

from ..tools.fields import workflow_state

CONFIRM_SCOPE = "crisis_management.page_subscribe"
UNSUBSCRIBE_SCOPE = "crisis_management.page_unsubscribe"
DEFAULT_CONFIRM_HOURS = 48
# Set by the double opt-in and the unsubscribe only.
WORKFLOW_FIELDS = {
    "incident_id",
    "partner_id",
    "email",
    "mobile",
    "state",
    "date_confirmed",
    "confirm_ip",
    "date_cancelled",
    "consent_ids",
    "component_ids",
}


class CrisisPageSubscription(models.Model):
    """A person who confirmed (double opt-in) that they want the updates of
    one incident page. The legal basis is the linked ``crisis.consent``;
    this record only says which page they asked for."""

    _name = "crisis.page.subscription"
    _inherit = ["crisis.workflow.mixin"]
    _description = "Incident Page Subscription"
    _order = "date_confirmed desc, id desc"
    _rec_name = "email"
    # Written by the double opt-in and the unsubscribe only
    # (crisis.workflow.mixin); never copied: it is the evidence of who asked
    # for which page, and never moved to another incident.
    _workflow_fields = frozenset(WORKFLOW_FIELDS)
    _workflow_copy = "refuse"

    incident_id = fields.Many2one(
        "crisis.incident", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="incident_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, ondelete="cascade", index=True
    )
    email = fields.Char(string="E-mail", required=True)
    mobile = fields.Char()
    lang = fields.Char(string="Language", help="Language chosen on the page.")
    state = workflow_state(
        [("confirmed", "Subscribed"), ("cancelled", "Unsubscribed")], "confirmed"
    )
    date_confirmed = fields.Datetime(string="Confirmed On", readonly=True)
    confirm_ip = fields.Char(string="Confirmed From", readonly=True)
    date_cancelled = fields.Datetime(string="Unsubscribed On", readonly=True)
    consent_ids = fields.Many2many(
        "crisis.consent",
        "crisis_page_subscription_consent_rel",
        "subscription_id",
        "consent_id",
        string="Consents",
        readonly=True,
    )

    component_ids = fields.Many2many(
        "crisis.component",
        "crisis_page_subscription_component_rel",
        "subscription_id",
        "component_id",
        string="Components",
        readonly=True,
        help="The components the subscriber chose on the page: updates that "
        "name other components are not mailed to them. None: every update.",
    )

    _sql_constraints = [
        (
            "incident_partner_unique",
            "unique(incident_id, partner_id)",
            "A contact can subscribe to an incident page only once.",
        ),
    ]

    # ------------------------------------------------------------------
    # Signed links
    # ------------------------------------------------------------------
    @api.model
    def _confirm_hours(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crisis_management.page_confirm_hours", DEFAULT_CONFIRM_HOURS)
        )

    @api.model
    def _sign_confirmation(self, incident, email, mobile, lang, component_ids=()):
        hours = self._confirm_hours()
        values = {
            "i": incident.id,
            "e": email,
            "m": mobile or "",
            "l": lang,
            # When it was sent: a link gives its consent once, never after it
            # was used or after the person unsubscribed (_confirmation_spent).
            "t": fields.Datetime.to_string(fields.Datetime.now()),
        }
        if component_ids:
            values["c"] = sorted(component_ids)
        return hash_sign(
            self.sudo().env,
            CONFIRM_SCOPE,
            values,
            expiration_hours=hours,
        )

    @api.model
    def _verify_payload(self, scope, payload):
        """Values signed into ``payload``, or None if forged, expired or garbled."""
        try:
            values = verify_hash_signed(self.sudo().env, scope, payload or "")
        except (
            ValueError,
            TypeError,
            binascii.Error,
            UnicodeDecodeError,
            json.JSONDecodeError,
        ):
            return None
        return values if isinstance(values, dict) else None

    @api.model
    def _check_confirmation(self, payload):
        """``(incident, values)`` of a valid confirmation link, else ``(None, None)``.

        The incident is returned in sudo: the caller is anonymous.
        """
        values = self._verify_payload(CONFIRM_SCOPE, payload)
        if not values or not email_normalize(values.get("e") or ""):
            return None, None
        incident = self.env["crisis.incident"].sudo().browse(values.get("i")).exists()
        if not incident or not incident.page_published:
            return None, None
        return incident, values

    @api.model
    def _partner_for_email(self, email):
        """The contact a confirmed e-mail address belongs to (sudo), or empty."""
        return (
            self.env["res.partner"]
            .sudo()
            .search([("email_normalized", "=", email)], order="id", limit=1)
        )

    @api.model
    def _info_email_consents(self, partner, *domain):
        """The consents of ``partner`` to crisis information by e-mail (sudo:
        the public routes act for an anonymous visitor), narrowed by
        ``domain``: what a subscription gives, takes back and checks."""
        purpose = self.env.ref("crisis_management.consent_purpose_crisis_info")
        return (
            self.env["crisis.consent"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("purpose_id", "=", purpose.id),
                    ("channel", "=", "email"),
                    *domain,
                ]
            )
        )

    @api.model
    def _confirmation_spent(self, incident, values):
        """Whether a valid confirmation link was used already, or the person
        unsubscribed or withdrew their consent after it was sent. Such a link
        confirms nothing: clicked again (a forwarded or archived mail), it
        would revive a withdrawn consent with false evidence."""
        partner = self._partner_for_email(email_normalize(values["e"]))
        if not partner:
            return False
        subscription = self.sudo().search(
            [("incident_id", "=", incident.id), ("partner_id", "=", partner.id)]
        )
        withdrawn = self._info_email_consents(partner, ("date_withdrawn", "!=", False))
        # Links of before this rule carry no date: sent before everything.
        sent = fields.Datetime.to_datetime(values.get("t") or "1970-01-01")
        dates = [
            subscription.date_confirmed,
            subscription.date_cancelled,
            *withdrawn.mapped("date_withdrawn"),
        ]
        return any(date and date >= sent for date in dates)

    def _unsubscribe_url(self):
        self.ensure_one()
        payload = hash_sign(
            self.sudo().env,
            UNSUBSCRIBE_SCOPE,
            {"s": self.id, "p": self.partner_id.id, "i": self.incident_id.id},
        )
        base_url = self.incident_id.get_base_url()
        return f"{base_url}/crisis/subscription/unsubscribe/{payload}"

    def _unsubscribe_headers(self):
        """RFC 2369 / RFC 8058 headers: mail clients offer a one-click
        unsubscribe button that POSTs to the signed link."""
        self.ensure_one()
        return {
            "List-Unsubscribe": f"<{self._unsubscribe_url()}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    @api.model
    def _from_unsubscribe_payload(self, payload):
        """The subscription a valid unsubscribe link points to (sudo), or empty."""
        values = self._verify_payload(UNSUBSCRIBE_SCOPE, payload)
        if not values:
            return self.sudo().browse()
        subscription = self.sudo().browse(values.get("s")).exists()
        if (
            not subscription
            or subscription.partner_id.id != values.get("p")
            or subscription.incident_id.id != values.get("i")
        ):
            return self.sudo().browse()
        return subscription

    # ------------------------------------------------------------------
    # Double opt-in
    # ------------------------------------------------------------------
    @api.model
    def _send_confirmation(self, incident, email, mobile, lang, component_ids=()):
        """Queue the opt-in mail with its signed confirmation link. The mail
        of an exercise page goes to its observers, like every other e-mail of
        an exercise."""
        incident = incident.sudo()
        lang_code = incident._page_lang(lang)[1]
        payload = self._sign_confirmation(incident, email, mobile, lang, component_ids)
        base = incident.get_base_url()
        values = {
            "incident": incident.with_context(lang=lang_code),
            "company": incident.company_id,
            "confirm_url": f"{base}/crisis/subscription/confirm/{payload}",
            "page_url": f"{incident.page_url}?lang={lang}",
            "email": email,
            "hours": self._confirm_hours(),
            "color": incident._page_color(),
            "legal_footer": incident.company_id._crisis_legal_footer(lang_code),
        }
        env = self.with_context(lang=lang_code).env
        body = env["ir.qweb"]._render(
            "crisis_management.crisis_page_mail_confirm", values
        )
        vals = {
            "subject": env._(
                "Please confirm: updates on %(name)s",
                name=incident.with_context(lang=lang_code).page_title,
            ),
            "body_html": body,
            "email_to": email,
            "email_from": incident._page_mail_from(),
            "auto_delete": True,
        }
        if incident.is_exercise:
            # Named, the exercise is found by mail.mail's create, which sends
            # the mail to its observers (and keeps no link to the incident).
            vals.update(model="crisis.incident", res_id=incident.id)
        mail = self.env["mail.mail"].sudo().create(vals)
        self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        return mail

    @api.model
    def _confirm(self, incident, values, ip_address):
        """Create or link the partner, its consents and the subscription.

        Called only from the confirmed click on a valid signed link.
        """
        incident = incident.sudo()
        email = email_normalize(values["e"])
        mobile = values.get("m") or ""
        lang, lang_code = incident._page_lang(values.get("l"))
        now = fields.Datetime.now()
        Partner = self.env["res.partner"].sudo()
        partner = self._partner_for_email(email)
        if not partner:
            active_langs = dict(self.env["res.lang"].get_installed())
            partner = Partner.create(
                {
                    "name": email,
                    "email": email,
                    "lang": lang_code if lang_code in active_langs else False,
                }
            )
        # Only the e-mail address was proven by the click; a mobile number
        # typed into the page is kept, but nobody confirmed it belongs to
        # this person, so it carries no consent for SMS.
        purpose = self.env.ref("crisis_management.consent_purpose_crisis_info")
        evidence = _(
            "Double opt-in confirmed on %(date)s (UTC) from IP address %(ip)s by "
            "clicking the link sent to %(email)s. Requested on the public page of "
            "incident %(incident)s.",
            date=fields.Datetime.to_string(now),
            ip=ip_address or "?",
            email=email,
            incident=incident.reference,
        )
        consents = self._info_email_consents(partner, ("state", "=", "given"))[:1]
        if not consents:
            consents = (
                self.env["crisis.consent"]
                .sudo()
                .create(
                    {
                        "partner_id": partner.id,
                        "purpose_id": purpose.id,
                        "channel": "email",
                        "state": "given",
                        "legal_basis": "consent",
                        "date_given": now,
                        "source": _(
                            "Public incident page %(incident)s",
                            incident=incident.reference,
                        ),
                        "evidence": evidence,
                    }
                )
            )
        subscription = self.sudo().search(
            [("incident_id", "=", incident.id), ("partner_id", "=", partner.id)]
        )
        vals = {
            "email": email,
            "mobile": mobile or False,
            "lang": lang,
            "state": "confirmed",
            "date_confirmed": now,
            "confirm_ip": ip_address,
            "date_cancelled": False,
            "consent_ids": [fields.Command.set(consents.ids)],
            "component_ids": [
                fields.Command.set(incident._page_component_ids(values.get("c")))
            ],
        }
        if subscription:
            subscription.write(vals)
        else:
            subscription = self.sudo().create(
                dict(vals, incident_id=incident.id, partner_id=partner.id)
            )
        return subscription

    # ------------------------------------------------------------------
    # Unsubscribe
    # ------------------------------------------------------------------
    def _withdraw(self):
        """Withdraw the consents behind these subscriptions (never deletes).

        Besides the subscription's own consents, every other given
        ``crisis_info`` e-mail consent of the partner is withdrawn too:
        otherwise the person would keep receiving what they just refused.
        """
        now = fields.Datetime.now()
        for subscription in self.sudo():
            others = self._info_email_consents(
                subscription.partner_id, ("state", "=", "given")
            )
            (subscription.consent_ids | others).sudo().action_withdraw()
            subscription.write({"state": "cancelled", "date_cancelled": now})
        return True

    def action_unsubscribe(self):
        """Button for the crisis team, e.g. after a request by phone."""
        self.check_access("write")
        self._withdraw()
        return True
