# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Crisis information preferences in the customer portal.

The logged-in customer sees, per consent purpose and channel, whether they
agreed to be contacted, and changes it. Every change is a ``crisis.consent``
record (source "portal") with its evidence: who, when, from which address.
A GET never changes anything; the POSTs carry Odoo's CSRF token.
"""

from odoo import fields, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..tools import check_input, selection_labels

PREFERENCES_URL = "/my/crisis-preferences"


class CrisisPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _crisis_partner(self):
        """The logged-in customer's own contact (never another one): the
        routes are ``auth="user"``, Odoo sends everybody else to the login."""
        return request.env.user.partner_id

    def _crisis_purposes(self):
        return request.env["crisis.consent.purpose"].sudo().search([])

    def _crisis_given(self, partner):
        """``{(purpose id, channel): consents}`` of the partner's given,
        consent-based records: what the customer can change here."""
        consents = (
            request.env["crisis.consent"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "=", "given"),
                    ("legal_basis", "=", "consent"),
                ]
            )
        )
        given = {}
        for consent in consents:
            key = (consent.purpose_id.id, consent.channel)
            given[key] = given.get(key, consent.browse()) | consent
        return given

    def _crisis_evidence(self, partner, wording):
        user = request.env.user
        return request.env._(
            "Customer portal: %(user)s (user %(login)s, id %(uid)s) for contact "
            "%(partner)s (id %(pid)s) at %(time)s UTC from IP address %(ip)s. "
            "%(wording)s",
            user=user.name,
            login=user.login,
            uid=user.id,
            partner=partner.name,
            pid=partner.id,
            time=fields.Datetime.to_string(fields.Datetime.now()),
            ip=request.httprequest.remote_addr or "-",
            wording=wording,
        )

    def _crisis_channel_labels(self):
        """``{channel: label}`` of the consent channels, in the page's language."""
        return selection_labels(request.env["crisis.consent"], "channel")

    def _crisis_values(self, partner, **extra):
        purposes = self._crisis_purposes()
        given = self._crisis_given(partner)
        Confirmation = request.env["crisis.mobile.confirmation"].sudo()
        confirmed = Confirmation._confirmed_number(partner)
        pending = Confirmation.search(
            [
                ("partner_id", "=", partner.id),
                ("state", "=", "pending"),
                ("date_expires", ">", fields.Datetime.now()),
            ],
            limit=1,
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "crisis_preferences",
                "partner": partner.sudo(),
                "purposes": purposes,
                "channels": list(self._crisis_channel_labels().items()),
                "given": {key for key, records in given.items() if records},
                "mobile_confirmed": confirmed,
                "mobile_pending": pending.number if pending else False,
                "notice": False,
                "error": False,
            }
        )
        values.update(extra)
        return values

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------
    @http.route(
        PREFERENCES_URL, type="http", auth="user", methods=["GET"], website=True
    )
    @check_input()
    def crisis_preferences(self, **kwargs):
        partner = self._crisis_partner()
        notice = {
            "saved": request.env._("Your choices were saved."),
            "code_sent": request.env._(
                "We sent a code by SMS. Enter it below to confirm your number."
            ),
            "confirmed": request.env._("Your mobile number is confirmed."),
        }.get(kwargs.get("notice"))
        error = request.session.pop("crisis_portal_error", False)
        return request.render(
            "crisis_management.portal_crisis_preferences",
            self._crisis_values(
                partner, notice=False if error else notice, error=error
            ),
        )

    def _crisis_error(self, message):
        """Show ``message`` on the page after the redirect (POST, redirect,
        GET: a reload never posts twice)."""
        request.session["crisis_portal_error"] = message
        return request.redirect(PREFERENCES_URL)

    @http.route(
        PREFERENCES_URL, type="http", auth="user", methods=["POST"], website=True
    )
    @check_input()
    def crisis_preferences_save(self, **post):
        partner = self._crisis_partner()
        Consent = request.env["crisis.consent"].sudo()
        given = self._crisis_given(partner)
        confirmed_mobile = (
            request.env["crisis.mobile.confirmation"].sudo()._confirmed_number(partner)
        )
        channel_labels = self._crisis_channel_labels()
        refused_sms = False
        to_create = []
        for purpose in self._crisis_purposes():
            for channel in channel_labels:
                wanted = bool(post.get(f"consent_{purpose.code}_{channel}"))
                current = given.get((purpose.id, channel))
                if wanted and not current:
                    if channel == "sms" and not confirmed_mobile:
                        refused_sms = True
                        continue
                    wording = request.env._(
                        "Ticked: “%(purpose)s” by %(channel)s.",
                        purpose=purpose.name,
                        channel=channel_labels[channel],
                    )
                    if channel == "sms":
                        wording += " " + request.env._(
                            "Mobile number %(number)s confirmed by SMS code.",
                            number=confirmed_mobile,
                        )
                    to_create.append(
                        {
                            "partner_id": partner.id,
                            "purpose_id": purpose.id,
                            "channel": channel,
                            "legal_basis": "consent",
                            "source": "portal",
                            "evidence": self._crisis_evidence(partner, wording),
                        }
                    )
                elif current and not wanted:
                    evidence = self._crisis_evidence(
                        partner,
                        request.env._(
                            "Unticked: “%(purpose)s” by %(channel)s (withdrawn).",
                            purpose=purpose.name,
                            channel=channel_labels[channel],
                        ),
                    )
                    current.action_withdraw()
                    for consent in current:
                        consent.message_post(
                            body=evidence,
                            author_id=partner.id,
                            message_type="notification",
                            subtype_xmlid="mail.mt_note",
                        )
        if to_create:
            Consent.create(to_create)
        if refused_sms:
            return self._crisis_error(
                request.env._(
                    "Please confirm your mobile number first: we send a code "
                    "to it. Your other choices were saved."
                )
            )
        return request.redirect(f"{PREFERENCES_URL}?notice=saved")

    @http.route(f"{PREFERENCES_URL}/mobile", type="http", auth="user", methods=["POST"])
    @check_input()
    def crisis_preferences_mobile(self, mobile=None, **post):
        partner = self._crisis_partner()
        try:
            request.env["crisis.mobile.confirmation"].sudo()._start(
                partner, (mobile or "").strip(), request.httprequest.remote_addr
            )
        except UserError as error:
            return self._crisis_error(error.args[0])
        return request.redirect(f"{PREFERENCES_URL}?notice=code_sent")

    @http.route(
        f"{PREFERENCES_URL}/mobile/confirm",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    @check_input()
    def crisis_preferences_mobile_confirm(self, code=None, **post):
        partner = self._crisis_partner()
        pending = (
            request.env["crisis.mobile.confirmation"]
            .sudo()
            .search(
                [("partner_id", "=", partner.id), ("state", "=", "pending")],
                limit=1,
            )
        )
        if not pending or not pending._confirm(code):
            return self._crisis_error(
                request.env._("The code is wrong or has expired. Request a new code.")
            )
        return request.redirect(f"{PREFERENCES_URL}?notice=confirmed")
