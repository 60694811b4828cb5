# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public incident page: no login, German or English, without the website app.

Every route that takes a page token answers the same bare 404 for an unknown,
rotated or unpublished token, and reads the incident in sudo only after the
token matched (``consteq``).
"""

import ipaddress
import re

from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.urls import url_encode

from odoo import http
from odoo.http import request
from odoo.tools import consteq, email_normalize

from ..tools import public_route, resolve_lang

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,128}$")
PAGE_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "SAMEORIGIN"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-src 'self'; frame-ancestors 'self'; "
        "base-uri 'none'",
    ),
]


class CrisisPageController(http.Controller):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _get_incident(self, token):
        """The published incident whose page token is ``token`` (sudo), or 404."""
        if not TOKEN_RE.match(token):
            raise NotFound()
        Incident = request.env["crisis.incident"].sudo()
        candidate = Incident.search_fetch(
            [("page_token", "=", token), ("page_published", "=", True)],
            ["page_token"],
            limit=1,
        )
        if not candidate or not consteq(candidate.page_token, token):
            raise NotFound()
        self._check_exercise_visitor(candidate)
        return candidate

    def _check_exercise_visitor(self, incident):
        """The page of an exercise answers only to logged-in members of its
        team (lead, members, observers, crisis team allowed to read it):
        everybody else gets the same 404 as for an unknown token."""
        if incident.is_exercise and not incident._exercise_page_allowed(
            request.env.user
        ):
            raise NotFound()

    def _page_lang(self, incident, lang=None):
        """``(short, code)``: the language asked for with ``?lang=``, else the
        browser's (Accept-Language), else the company's."""
        accepted = request.httprequest.accept_languages.values()
        return incident._page_lang(lang, *accepted)

    def _render(self, template, incident, lang, values, status=200):
        short, code = lang
        values = dict(
            values,
            incident=incident.with_context(lang=code),
            page_lang=short,
            company=incident.company_id,
            color=incident._page_color(),
            html_lang=code.replace("_", "-"),
            csrf_token=request.csrf_token(),
            **self._legal_values(incident.company_id, code),
        )
        return self._html_response(template, values, code, status)

    def _html_response(self, template, values, lang_code, status=200):
        """``template`` rendered in ``lang_code``, with ``PAGE_HEADERS``."""
        html = (
            request.env["ir.qweb"]
            .with_context(lang=lang_code)
            ._render(template, values)
        )
        return request.make_response(
            html,
            headers=[("Content-Type", "text/html; charset=utf-8"), *PAGE_HEADERS],
            status=status,
        )

    def _legal_values(self, company, lang_code):
        """The legal details, imprint and privacy links every public page
        shows in its footer."""
        company = company.sudo()
        # (the page layout's own words are not translated: its labels are
        # given here)
        env = request.env(context=dict(request.env.context, lang=lang_code))
        return {
            "legal_footer": company._crisis_legal_footer(lang_code),
            "imprint_url": company.crisis_imprint_url,
            "imprint_label": env._("Imprint"),
            "privacy_url": company.crisis_privacy_url,
            "privacy_label": env._("Privacy notice"),
        }

    def _private_response(self, body, content_type):
        """The feed and the QR code: no shared caches (after unpublishing or
        a new address they must be gone at once), not indexed."""
        return request.make_response(
            body,
            headers=[
                ("Content-Type", content_type),
                ("Cache-Control", "no-cache, private"),
                ("X-Robots-Tag", "noindex"),
            ],
        )

    def _render_link_page(
        self, template, incident, lang, action_url, email, done, spent=False
    ):
        """The page of a signed link of a subscription (confirm, unsubscribe):
        its button posts to ``action_url``; it links back to the incident
        page while that is published. ``spent``: the link was used already
        (or withdrawn since) and does nothing; the page says so (410)."""
        page_url = f"/crisis/{incident.page_token}?{url_encode({'lang': lang[0]})}"
        values = {
            "page_url": incident.page_published and page_url,
            "action_url": action_url,
            "email": email,
            "done": done,
            "spent": spent,
        }
        return self._render(
            template, incident, lang, values, status=410 if spent else 200
        )

    def _withdraw_on_post(self, withdraw, kwargs):
        """On a POST, call ``withdraw()``: the POST is authenticated by the
        signed link itself. It accepts the page's form (with its CSRF token)
        and the RFC 8058 one-click POST of mail clients
        (``List-Unsubscribe=One-Click``), which cannot carry a CSRF token.
        Returns the plain "OK" answer of a one-click POST, else ``None``
        (also on a GET, which changes nothing)."""
        if request.httprequest.method != "POST":
            return None
        one_click = kwargs.get("List-Unsubscribe") == "One-Click"
        if not one_click and not request.validate_csrf(kwargs.get("csrf_token")):
            raise BadRequest()
        withdraw()
        if one_click:
            return request.make_response(
                "OK", headers=[("Content-Type", "text/plain; charset=utf-8")]
            )
        return None

    def _client_ip(self):
        return request.httprequest.remote_addr or ""

    def _client_net(self):
        return client_net(self._client_ip())

    def _render_page(self, incident, lang, status=200, **extra):
        values = incident._page_values(lang[0], **extra)
        return self._render(
            "crisis_management.crisis_page", incident, lang, values, status
        )

    # ------------------------------------------------------------------
    # The page, its feed and its QR code
    # ------------------------------------------------------------------
    @public_route("/crisis/<string:token>")
    def crisis_page(self, token, lang=None, subscribe=None, **kwargs):
        incident = self._get_incident(token)
        notice = "sent" if subscribe == "sent" else False
        return self._render_page(
            incident, self._page_lang(incident, lang), notice=notice
        )

    @public_route("/crisis/<string:token>/feed.atom")
    def crisis_page_feed(self, token, lang=None, **kwargs):
        incident = self._get_incident(token)
        short, code = self._page_lang(incident, lang)
        body = (
            request.env["ir.qweb"]
            .with_context(lang=code)
            ._render(
                "crisis_management.crisis_page_feed", incident._page_feed_values(short)
            )
        )
        return self._private_response(body, "application/atom+xml; charset=utf-8")

    @public_route("/crisis/<string:token>/qr.png")
    def crisis_page_qr(self, token, **kwargs):
        incident = self._get_incident(token)
        return self._private_response(incident._page_qr_png(), "image/png")

    # ------------------------------------------------------------------
    # Subscription (double opt-in)
    # ------------------------------------------------------------------
    @public_route("/crisis/<string:token>/subscribe", methods=("POST",))
    def crisis_page_subscribe(self, token, email="", lang=None, homepage="", **kwargs):
        # The form asks for the e-mail address only: a mobile number nobody
        # confirms could carry no SMS consent, so it is not asked for (and
        # not kept if a client sends one anyway).
        incident = self._get_incident(token)
        lang = self._page_lang(incident, lang)
        email_raw = (email or "").strip()
        normalized = email_normalize(email_raw) if len(email_raw) <= 254 else False
        form = {"form_email": email_raw[:254]}
        if not normalized:
            error = "email"
            return self._render_page(incident, lang, status=400, error=error, **form)
        allowed = (
            request.env["crisis.page.attempt"]
            .sudo()
            ._throttle("subscribe", {"email": normalized, "ip": self._client_net()})
        )
        if not allowed:
            return self._render_page(
                incident, lang, status=429, error="throttled", **form
            )
        if not homepage:
            # The honeypot field is invisible to people: bots that fill it
            # get the same answer, and nothing is sent.
            components = incident._page_component_ids(
                request.httprequest.form.getlist("component")
            )
            request.env["crisis.page.subscription"].sudo()._send_confirmation(
                incident, normalized, "", lang[0], components
            )
        query = url_encode({"lang": lang[0], "subscribe": "sent"})
        return request.redirect(
            f"/crisis/{incident.page_token}?{query}#subscribe", code=303
        )

    @public_route(
        "/crisis/subscription/confirm/<string:payload>",
        methods=("GET", "POST"),
    )
    def crisis_subscription_confirm(self, payload, **kwargs):
        """GET shows a confirmation button and changes nothing (mail scanners
        follow links); only the POST of that button gives the consent."""
        Subscription = request.env["crisis.page.subscription"].sudo()
        incident, values = Subscription._check_confirmation(payload)
        if not incident:
            raise NotFound()
        lang = self._page_lang(incident, values.get("l"))
        spent = Subscription._confirmation_spent(incident, values)
        done = request.httprequest.method == "POST" and not spent
        if done:
            Subscription._confirm(incident, values, self._client_ip())
        return self._render_link_page(
            "crisis_management.crisis_page_confirm",
            incident,
            lang,
            action_url=f"/crisis/subscription/confirm/{payload}",
            email=values["e"],
            done=done,
            spent=spent,
        )

    @public_route(
        "/crisis/subscription/unsubscribe/<string:payload>",
        methods=("GET", "POST"),
        csrf=False,
    )
    def crisis_subscription_unsubscribe(self, payload, **kwargs):
        """GET asks, POST withdraws the consent (``_withdraw_on_post``)."""
        subscription = (
            request.env["crisis.page.subscription"]
            .sudo()
            ._from_unsubscribe_payload(payload)
        )
        if not subscription:
            raise NotFound()
        incident = subscription.incident_id
        lang = self._page_lang(incident, kwargs.get("lang") or subscription.lang)
        one_click_answer = self._withdraw_on_post(subscription._withdraw, kwargs)
        if one_click_answer is not None:
            return one_click_answer
        return self._render_link_page(
            "crisis_management.crisis_page_unsubscribe",
            incident,
            lang,
            action_url=f"/crisis/subscription/unsubscribe/{payload}",
            email=_mask_email(subscription.email),
            done=subscription.state == "cancelled",
        )

    @public_route(
        "/crisis/consent/withdraw/<string:payload>",
        methods=("GET", "POST"),
        csrf=False,
    )
    def crisis_consent_withdraw(self, payload, **kwargs):
        """The personal link of a crisis e-mail: GET shows a button and
        changes nothing (mail scanners follow links); a POST withdraws the
        consent (or records the objection) for the mail's purpose and
        channel at once (``_withdraw_on_post``; the signed link is compared
        in constant time).
        """
        Consent = request.env["crisis.consent"].sudo()
        found = Consent._from_withdraw_payload(payload)
        if not found:
            raise NotFound()
        partner, purpose, channel = found
        company = (partner.company_id or request.env.company).sudo()
        accepted = request.httprequest.accept_languages.values()
        lang_code = resolve_lang(
            request.env(su=True),
            kwargs.get("lang"),
            partner.lang,
            *accepted,
            company=company,
        )
        one_click_answer = self._withdraw_on_post(
            lambda: Consent._withdraw_by_link(partner, purpose, channel), kwargs
        )
        if one_click_answer is not None:
            return one_click_answer
        done = request.httprequest.method == "POST"
        lang_env = request.env(context=dict(request.env.context, lang=lang_code))
        purpose_name = purpose.with_context(lang=lang_code).name
        values = {
            "incident": request.env["crisis.incident"].sudo().browse(),
            "page_title": lang_env._("Withdraw consent"),
            "page_lang": lang_code.split("_")[0],
            "html_lang": lang_code.replace("_", "-"),
            "company": company.sudo(),
            "color": "#1e4e8c",
            "csrf_token": request.csrf_token(),
            "action_url": f"/crisis/consent/withdraw/{payload}",
            "question": lang_env._(
                "Do you want to stop receiving “%(purpose)s” by e-mail at %(email)s?",
                purpose=purpose_name,
                email=_mask_email(partner.email or ""),
            ),
            "done_text": lang_env._(
                "Done. You will no longer receive “%(purpose)s” by e-mail.",
                purpose=purpose_name,
            ),
            "done": done,
            **self._legal_values(company, lang_code),
        }
        return self._html_response(
            "crisis_management.crisis_consent_withdraw", values, lang_code
        )


def client_net(address):
    """The throttle key of a client address: an IPv4 address as is, an IPv6
    address as its /64 (one household or host gets a whole /64, so keying
    on the full address would let it pick a new one for every attempt)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _mask_email(email):
    """``j***@example.com``: enough to recognise one's own address."""
    local, _sep, domain = (email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
