# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public page of an incident: its texts, address, updates, subscribers,
and what its page and its news feed show a reader."""

import base64
import re
import secrets

from werkzeug.urls import url_encode

from odoo import _, api, fields, models
from odoo.tools import html2plaintext, is_html_empty

from ..tools import (
    format_public_datetime,
    installed_crisis_langs,
    public_uuid,
    qr_png,
    resolve_lang,
    rfc3339,
)

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{3,8}$")
DEFAULT_COLOR = "#1f3a5f"
LANG_NAMES = {"de": "Deutsch", "en": "English"}
# A change of these is a change the public sees on the page.
PAGE_VISIBLE_FIELDS = {
    "public_name",
    "public_name_de",
    "public_name_en",
    "public_summary",
    "public_summary_de",
    "public_summary_en",
    "hotline_phone",
    "page_published",
}


class CrisisIncident(models.Model):
    _name = "crisis.incident"
    _inherit = ["crisis.incident", "crisis.bilingual.mixin"]
    _bilingual_fields = ("public_name", "public_summary")

    page_published = fields.Boolean(readonly=True, copy=False, tracking=True)
    page_token = fields.Char(
        readonly=True,
        copy=False,
        default=lambda self: self._new_page_token(),
        groups="crisis_management.group_crisis_user",
    )
    page_url = fields.Char(
        string="Public Page",
        compute="_compute_page_url",
        groups="crisis_management.group_crisis_user",
    )
    update_ids = fields.One2many(
        "crisis.incident.update", "incident_id", string="Public Updates"
    )
    update_count = fields.Integer(compute="_compute_update_count")
    public_name = fields.Char(
        string="Public Title",
        translate=True,
        help="Title of the public page, of its news feed and of the e-mails to "
        "its subscribers, in German and English. Empty: the incident's name.",
    )
    public_name_de = fields.Char(
        string="Public Title (German)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
    )
    public_name_en = fields.Char(
        string="Public Title (English)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
    )
    page_title = fields.Char(
        compute="_compute_page_title",
        help="What the public reads as the incident's title.",
    )
    # One complete text per language, sanitised by crisis.bilingual.mixin.
    public_summary = fields.Html(
        translate=True,
        sanitize=False,
        help="What the public should know, in German and English. Shown at the "
        "top of the public incident page.",
    )
    public_summary_de = fields.Html(
        string="Public Summary (German)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
        sanitize=True,
    )
    public_summary_en = fields.Html(
        string="Public Summary (English)",
        compute="_compute_bilingual",
        inverse="_inverse_bilingual",
        sanitize=True,
    )
    hotline_phone = fields.Char(
        string="Hotline",
        help="Phone number shown on the public page. Leave empty to show the "
        "company's phone number.",
    )
    page_date_updated = fields.Datetime(
        string="Page Last Updated",
        readonly=True,
        copy=False,
        help="Last change the public could see on the page.",
    )
    page_subscription_ids = fields.One2many(
        "crisis.page.subscription",
        "incident_id",
        string="Page Subscribers",
        groups="crisis_management.group_crisis_manager",
    )
    page_subscriber_count = fields.Integer(
        string="Subscribers",
        compute="_compute_page_subscriber_count",
        groups="crisis_management.group_crisis_manager",
    )

    _sql_constraints = [
        ("page_token_unique", "unique(page_token)", "The page token must be unique."),
    ]

    @api.depends("page_token")
    def _compute_page_url(self):
        for incident in self:
            base = incident.get_base_url()
            incident.page_url = (
                f"{base}/crisis/{incident.page_token}" if incident.page_token else False
            )

    @api.depends_context("lang")
    @api.depends("public_name", "public_summary")
    def _compute_bilingual(self):
        return super()._compute_bilingual()

    @api.depends_context("lang")
    @api.depends("public_name", "name")
    def _compute_page_title(self):
        for incident in self:
            incident.page_title = incident.public_name or incident.name

    @api.depends("update_ids")
    def _compute_update_count(self):
        counts = dict(
            self.env["crisis.incident.update"]._read_group(
                [("incident_id", "in", self.ids)], ["incident_id"], ["__count"]
            )
        )
        for incident in self:
            incident.update_count = counts.get(incident, 0)

    @api.depends("page_subscription_ids.state")
    def _compute_page_subscriber_count(self):
        counts = dict(
            self.env["crisis.page.subscription"]._read_group(
                [("incident_id", "in", self.ids), ("state", "=", "confirmed")],
                ["incident_id"],
                ["__count"],
            )
        )
        for incident in self:
            incident.page_subscriber_count = counts.get(incident, 0)

    @api.model_create_multi
    def create(self, vals_list):
        written = self._bilingual_prepare_create(vals_list)
        records = super(
            CrisisIncident, self.with_context(crisis_bilingual_written=written)
        ).create(vals_list)
        return records.with_env(self.env)

    def write(self, vals):
        vals, written = self._bilingual_prepare_write(vals)
        records = self.with_context(crisis_bilingual_written=written)
        res = super(CrisisIncident, records).write(vals)
        if PAGE_VISIBLE_FIELDS & set(vals):
            # The caller's write passed its checks: the date follows in sudo.
            self.sudo()._touch_page()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_page(self):
        """Open the public page as the public sees it, in a new tab."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": self.page_url,
            "target": "new",
        }

    def action_view_page_subscriptions(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_page_subscription_action"
        )
        action["domain"] = [("incident_id", "=", self.id)]
        action["context"] = {"default_incident_id": self.id}
        return action

    def action_publish_page(self):
        self.check_access("write")
        for incident in self:
            vals = {"page_published": True}
            if not incident.sudo().page_token:
                vals["page_token"] = self._new_page_token()
            incident.sudo().write(vals)
            incident._log("communication", _("Public incident page published."))
        return True

    def action_unpublish_page(self):
        self.check_access("write")
        for incident in self:
            incident.sudo().page_published = False
            incident._log("communication", _("Public incident page unpublished."))
        return True

    def action_rotate_page_token(self):
        self.check_access("write")
        for incident in self:
            incident.sudo().page_token = self._new_page_token()
            incident._log(
                "communication",
                _("Public page address renewed; the old address no longer works."),
            )
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _new_page_token(self):
        # 32 bytes = 256 bits of randomness, URL-safe.
        return secrets.token_urlsafe(32)

    def _touch_page(self):
        self.write({"page_date_updated": fields.Datetime.now()})

    def _page_hotline(self):
        self.ensure_one()
        return self.hotline_phone or self.company_id.phone or ""

    def _page_color(self):
        self.ensure_one()
        color = self.company_id.primary_color or ""
        return color if COLOR_RE.match(color) else DEFAULT_COLOR

    def _page_lang(self, *candidates):
        """``(short, code)``: the page language of a reader asking for
        ``candidates`` (``?lang=``, Accept-Language, a stored choice) as it
        appears in addresses (``de``) and the res.lang that renders it."""
        code = resolve_lang(self.env, *candidates, company=self[:1].company_id)
        return code.split("_")[0], code

    def _page_tz(self):
        self.ensure_one()
        return self.company_id.partner_id.tz or self.lead_id.tz or "Europe/Berlin"

    def _page_format_date(self, value, lang, date_only=False, short=False):
        """``value`` as the public reads it: local time of the company with
        the zone's name, the date in the reader's language. The one helper
        for every time the public sees: page, feed, e-mails, SMS, letters
        (see ``utils.format_public_datetime``)."""
        self.ensure_one()
        return format_public_datetime(
            value, self._page_tz(), lang, date_only=date_only, short=short
        )

    def _page_mail_from(self):
        self.ensure_one()
        company = self.company_id
        return (
            company.email_formatted
            or self.env["ir.mail_server"].sudo()._get_default_from_address()
            or self.env.ref("base.partner_root").email_formatted
        )

    def _page_qr_png(self):
        """PNG of a QR code of the public page address, for letters and
        printed notices; also served at ``/crisis/<token>/qr.png``."""
        self.ensure_one()
        return qr_png(self.sudo().page_url)

    def _page_qr_data_uri(self):
        """The QR code as a ``data:`` URI, convenient in QWeb reports."""
        return "data:image/png;base64," + base64.b64encode(self._page_qr_png()).decode()

    # ------------------------------------------------------------------
    # What the page and its feed show (read in sudo after the token check)
    # ------------------------------------------------------------------
    def _page_updates(self, lang_code):
        self.ensure_one()
        return (
            self.env["crisis.incident.update"]
            .sudo()
            .with_context(lang=lang_code)
            .search(
                [("incident_id", "=", self.id), ("is_published", "=", True)],
                order="date desc, id desc",
            )
        )

    def _page_qas(self, lang_code):
        """Published questions and answers of the incident."""
        self.ensure_one()
        messages = (
            self.env["crisis.message"]
            .sudo()
            .with_context(lang=lang_code)
            .search(
                [
                    ("incident_id", "=", self.id),
                    ("kind", "=", "qa"),
                    ("state", "=", "published"),
                ],
                order="sequence, id",
            )
        )
        return [
            {
                "question": message.question or message.name,
                "body": message.body,
                "date": message.write_date,
            }
            for message in messages
        ]

    def _page_values(self, lang, **extra):
        """Values of the page template for a reader in ``lang`` (de/en)."""
        self.ensure_one()
        langs = installed_crisis_langs(self.env)
        lang_code = langs.get(lang, "en_US")
        incident = self.with_context(lang=lang_code)
        updates = self._page_updates(lang_code)
        qas = self._page_qas(lang_code)
        dates = [self.page_date_updated, *updates.mapped("date")]
        dates = [date for date in dates + [qa["date"] for qa in qas] if date]
        last_updated = max(dates) if dates else False
        page_url = f"/crisis/{self.page_token}"
        hotline = self._page_hotline()
        values = {
            "incident": incident,
            "page_lang": lang,
            "updates": [update._page_entry(lang) for update in updates],
            "qas": qas,
            "summary": False
            if is_html_empty(incident.public_summary)
            else incident.public_summary,
            "hotline": hotline,
            "hotline_tel": re.sub(r"[^0-9+]", "", hotline),
            "last_updated": self._page_format_date(last_updated, lang),
            "last_updated_iso": rfc3339(last_updated),
            "page_url": page_url,
            "feed_url": f"{page_url}/feed.atom?{url_encode({'lang': lang})}",
            "subscribe_url": f"{page_url}/subscribe",
            "lang_links": [
                {
                    "code": code,
                    "name": LANG_NAMES[code],
                    "url": f"{page_url}?{url_encode({'lang': code})}",
                    "active": code == lang,
                }
                for code in langs
            ],
            "notice": False,
            "error": False,
            "form_email": "",
            "form_mobile": "",
        }
        values.update(extra)
        return values

    def _page_feed_values(self, lang):
        """Values of the Atom 1.0 (RFC 4287) feed of the published updates:
        opaque, stable ids, neither record ids nor database dates."""
        self.ensure_one()
        lang_code = installed_crisis_langs(self.env).get(lang, "en_US")
        incident = self.with_context(lang=lang_code)
        updates = self._page_updates(lang_code)
        page_url = f"{self.page_url}?{url_encode({'lang': lang})}"
        dates = [d for d in [self.page_date_updated, *updates.mapped("date")] if d]
        return {
            "feed_lang": lang,
            "feed_id": f"urn:uuid:{public_uuid(self)}",
            "title": incident.page_title,
            "subtitle": html2plaintext(incident.public_summary)
            if incident.public_summary
            else None,
            "updated": rfc3339(max(dates or [self.create_date])),
            "self_url": f"{self.page_url}/feed.atom?{url_encode({'lang': lang})}",
            "page_url": page_url,
            "author": self.company_id.name,
            "entries": [update._page_entry(lang) for update in updates],
        }
