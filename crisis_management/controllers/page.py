# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public incident page: no login, German or English, without the website app.

Every route that takes a page token answers the same bare 404 for an unknown,
rotated or unpublished token, and reads the incident in sudo only after the
token matched (``consteq``).
"""

import ipaddress
import re
from datetime import UTC

from lxml import etree
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.urls import url_encode

from odoo import http
from odoo.http import request
from odoo.tools import consteq, email_normalize, html2plaintext, is_html_empty
from odoo.tools.misc import hmac

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,128}$")
MOBILE_RE = re.compile(r"^\+?[0-9][0-9 ()/.-]{4,24}$")
ATOM_NS = "http://www.w3.org/2005/Atom"
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
        if not token or not TOKEN_RE.match(token):
            raise NotFound()
        Incident = request.env["crisis.incident"].sudo()
        candidate = Incident.search_fetch(
            [("page_token", "=", token), ("page_published", "=", True)],
            ["page_token"],
            limit=1,
        )
        if not candidate or not consteq(candidate.page_token or "", token):
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
        """Short language code (de/en) from ``?lang=``, else Accept-Language."""
        langs = incident._page_lang_codes()
        if lang in langs:
            return lang
        best = request.httprequest.accept_languages.best_match(list(langs))
        return best or incident._page_default_lang()

    def _render(self, template, values, status=200):
        incident = values["incident"]
        lang = values["page_lang"]
        lang_code = incident._page_lang_codes().get(lang, "en_US")
        values.update(
            company=incident.company_id,
            color=incident._page_color(),
            html_lang=lang_code.replace("_", "-"),
        )
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

    def _client_ip(self):
        return request.httprequest.remote_addr or ""

    def _client_net(self):
        return client_net(self._client_ip())

    def _lang_links(self, incident, base_url, lang):
        names = {"de": "Deutsch", "en": "English"}
        return [
            {
                "code": code,
                "name": names[code],
                "url": f"{base_url}?{url_encode({'lang': code})}",
                "active": code == lang,
            }
            for code in incident._page_lang_codes()
        ]

    def _page_values(self, incident, lang, **extra):
        lang_code = incident._page_lang_codes().get(lang, "en_US")
        incident_l = incident.with_context(lang=lang_code)
        updates = (
            request.env["crisis.incident.update"]
            .sudo()
            .with_context(lang=lang_code)
            .search(
                [("incident_id", "=", incident.id), ("is_published", "=", True)],
                order="date desc, id desc",
            )
        )
        qas = self._published_qas(incident, lang_code)
        dates = [d for d in [incident.page_date_updated, *updates.mapped("date")] if d]
        dates += [qa["date"] for qa in qas if qa["date"]]
        last_updated = max(dates) if dates else False
        page_url = f"/crisis/{incident.page_token}"
        values = {
            "incident": incident_l,
            "page_lang": lang,
            "updates": [
                {
                    "id": _public_ref(update),
                    "name": update.name,
                    "body": update.body,
                    "date": incident._page_format_date(update.date, lang),
                    "iso": _isoformat(update.date),
                }
                for update in updates
            ],
            "qas": qas,
            "summary": False
            if is_html_empty(incident_l.public_summary)
            else incident_l.public_summary,
            "hotline": incident._page_hotline(),
            "hotline_tel": re.sub(r"[^0-9+]", "", incident._page_hotline()),
            "last_updated": incident._page_format_date(last_updated, lang),
            "last_updated_iso": _isoformat(last_updated),
            "page_url": page_url,
            "feed_url": f"{page_url}/feed.atom?{url_encode({'lang': lang})}",
            "subscribe_url": f"{page_url}/subscribe",
            "lang_links": self._lang_links(incident, page_url, lang),
            "csrf_token": request.csrf_token(),
            "notice": False,
            "error": False,
            "form_email": "",
            "form_mobile": "",
        }
        values.update(extra)
        return values

    def _published_qas(self, incident, lang_code):
        """Published Q&A of the incident, if the content library is installed."""
        if "crisis.message" not in request.env:
            return []
        Message = request.env["crisis.message"].sudo().with_context(lang=lang_code)
        domain = [
            ("incident_id", "=", incident.id),
            ("kind", "=", "qa"),
            ("state", "=", "published"),
        ]
        order = "sequence, id" if "sequence" in Message._fields else "id"
        return [
            {
                "question": (
                    message.question if "question" in message._fields else False
                )
                or message.name,
                "body": message.body,
                "date": message.write_date,
            }
            for message in Message.search(domain, order=order)
        ]

    # ------------------------------------------------------------------
    # The page, its feed and its QR code
    # ------------------------------------------------------------------
    @http.route(
        "/crisis/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def crisis_page(self, token, lang=None, subscribe=None, **kwargs):
        incident = self._get_incident(token)
        lang = self._page_lang(incident, lang)
        notice = "sent" if subscribe == "sent" else False
        return self._render(
            "crisis_management.crisis_page",
            self._page_values(incident, lang, notice=notice),
        )

    @http.route(
        "/crisis/<string:token>/feed.atom",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def crisis_page_feed(self, token, lang=None, **kwargs):
        incident = self._get_incident(token)
        lang = self._page_lang(incident, lang)
        lang_code = incident._page_lang_codes().get(lang, "en_US")
        body = self._atom_feed(incident.with_context(lang=lang_code), lang)
        return request.make_response(
            body,
            headers=[
                ("Content-Type", "application/atom+xml; charset=utf-8"),
                # No shared caches: after unpublishing or a new address the
                # feed must be gone at once.
                ("Cache-Control", "no-cache, private"),
                ("X-Robots-Tag", "noindex"),
            ],
        )

    def _atom_feed(self, incident, lang):
        """Atom 1.0 (RFC 4287) document of the published updates."""
        page_url = f"{incident.page_url}?{url_encode({'lang': lang})}"
        self_url = f"{incident.page_url}/feed.atom?{url_encode({'lang': lang})}"
        updates = (
            request.env["crisis.incident.update"]
            .sudo()
            .with_context(lang=incident.env.lang)
            .search(
                [("incident_id", "=", incident.id), ("is_published", "=", True)],
                order="date desc, id desc",
            )
        )
        # Opaque, stable ids: neither record ids nor dates of the database.
        feed_id = f"urn:uuid:{_public_uuid(incident)}"
        updated = max(
            [d for d in [incident.page_date_updated, *updates.mapped("date")] if d]
            or [incident.create_date]
        )

        def sub(parent, tag, text=None, **attrs):
            node = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
            if text is not None:
                node.text = text
            return node

        feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
        feed.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
        sub(feed, "id", feed_id)
        sub(feed, "title", incident.page_title)
        if incident.public_summary:
            sub(feed, "subtitle", html2plaintext(incident.public_summary))
        sub(feed, "updated", _isoformat(updated))
        sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
        sub(feed, "link", rel="alternate", type="text/html", href=page_url)
        author = sub(feed, "author")
        sub(author, "name", incident.company_id.name)
        for update in updates:
            entry = sub(feed, "entry")
            sub(entry, "id", f"urn:uuid:{_public_uuid(update)}")
            sub(
                entry,
                "title",
                update.name or incident._page_format_date(update.date, lang),
            )
            sub(entry, "updated", _isoformat(update.date))
            sub(
                entry,
                "link",
                rel="alternate",
                type="text/html",
                href=f"{page_url}#update-{_public_ref(update)}",
            )
            sub(entry, "content", str(update.body or ""), type="html")
        return etree.tostring(feed, xml_declaration=True, encoding="utf-8")

    @http.route(
        "/crisis/<string:token>/qr.png",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def crisis_page_qr(self, token, **kwargs):
        incident = self._get_incident(token)
        return request.make_response(
            incident._page_qr_png(),
            headers=[
                ("Content-Type", "image/png"),
                ("Cache-Control", "no-cache, private"),
            ],
        )

    # ------------------------------------------------------------------
    # Subscription (double opt-in)
    # ------------------------------------------------------------------
    @http.route(
        "/crisis/<string:token>/subscribe",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def crisis_page_subscribe(
        self, token, email="", mobile="", lang=None, homepage="", **kwargs
    ):
        incident = self._get_incident(token)
        lang = self._page_lang(incident, lang)
        email_raw = (email or "").strip()
        mobile = (mobile or "").strip()
        normalized = email_normalize(email_raw) if len(email_raw) <= 254 else False
        form = {"form_email": email_raw[:254], "form_mobile": mobile[:32]}
        if not normalized or (mobile and not MOBILE_RE.match(mobile)):
            error = "mobile" if normalized else "email"
            return self._render(
                "crisis_management.crisis_page",
                self._page_values(incident, lang, error=error, **form),
                status=400,
            )
        allowed = (
            request.env["crisis.page.attempt"]
            .sudo()
            ._throttle("subscribe", {"email": normalized, "ip": self._client_net()})
        )
        if not allowed:
            return self._render(
                "crisis_management.crisis_page",
                self._page_values(incident, lang, error="throttled", **form),
                status=429,
            )
        if not homepage:
            # The honeypot field is invisible to people: bots that fill it
            # get the same answer, and nothing is sent.
            request.env["crisis.page.subscription"].sudo()._send_confirmation(
                incident, normalized, mobile, lang
            )
        query = url_encode({"lang": lang, "subscribe": "sent"})
        return request.redirect(
            f"/crisis/{incident.page_token}?{query}#subscribe", code=303
        )

    @http.route(
        "/crisis/subscription/confirm/<string:payload>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
    )
    def crisis_subscription_confirm(self, payload, **kwargs):
        """GET shows a confirmation button and changes nothing (mail scanners
        follow links); only the POST of that button gives the consent."""
        Subscription = request.env["crisis.page.subscription"].sudo()
        incident, values = Subscription._check_confirmation(payload)
        if not incident:
            raise NotFound()
        lang = self._page_lang(incident, values.get("l"))
        render_values = {
            "incident": incident.with_context(
                lang=incident._page_lang_codes().get(lang, "en_US")
            ),
            "page_lang": lang,
            "page_url": f"/crisis/{incident.page_token}?{url_encode({'lang': lang})}",
            "csrf_token": request.csrf_token(),
            "action_url": f"/crisis/subscription/confirm/{payload}",
            "email": values["e"],
            "done": False,
        }
        if request.httprequest.method == "POST":
            Subscription._confirm(incident, values, self._client_ip())
            render_values["done"] = True
        return self._render("crisis_management.crisis_page_confirm", render_values)

    @http.route(
        "/crisis/subscription/unsubscribe/<string:payload>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def crisis_subscription_unsubscribe(self, payload, **kwargs):
        """GET asks, POST withdraws the consent.

        The POST is authenticated by the signed link itself. It accepts the
        page's form (with its CSRF token) and the RFC 8058 one-click POST of
        mail clients (``List-Unsubscribe=One-Click``), which cannot carry a
        CSRF token.
        """
        subscription = (
            request.env["crisis.page.subscription"]
            .sudo()
            ._from_unsubscribe_payload(payload)
        )
        if not subscription:
            raise NotFound()
        incident = subscription.incident_id
        lang = self._page_lang(incident, kwargs.get("lang") or subscription.lang)
        if request.httprequest.method == "POST":
            one_click = kwargs.get("List-Unsubscribe") == "One-Click"
            if not one_click and not request.validate_csrf(kwargs.get("csrf_token")):
                raise BadRequest()
            subscription._withdraw()
            if one_click:
                return request.make_response(
                    "OK", headers=[("Content-Type", "text/plain; charset=utf-8")]
                )
        render_values = {
            "incident": incident.with_context(
                lang=incident._page_lang_codes().get(lang, "en_US")
            ),
            "page_lang": lang,
            "page_url": f"/crisis/{incident.page_token}?{url_encode({'lang': lang})}"
            if incident.page_published
            else False,
            "csrf_token": request.csrf_token(),
            "action_url": f"/crisis/subscription/unsubscribe/{payload}",
            "email": _mask_email(subscription.email),
            "done": subscription.state == "cancelled",
        }
        return self._render("crisis_management.crisis_page_unsubscribe", render_values)


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


def _public_ref(record):
    """An opaque reference of ``record`` for public pages and feeds: a keyed
    hash of its model and id (no database id or date is shown)."""
    return hmac(
        record.env(su=True),
        "crisis_management.public_ref",
        f"{record._name}:{record.id}",
    )[:32]


def _public_uuid(record):
    ref = _public_ref(record)
    return f"{ref[:8]}-{ref[8:12]}-{ref[12:16]}-{ref[16:20]}-{ref[20:32]}"


def _isoformat(value):
    """RFC 3339 UTC timestamp of a naive UTC datetime."""
    if not value:
        return ""
    return value.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def _mask_email(email):
    """``j***@example.com``: enough to recognise one's own address."""
    local, _sep, domain = (email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
