# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Public incident page: the incident's side (summary, hotline, updates)."""

import base64
import io
import re

import babel.dates
import pytz
import qrcode

from odoo import api, fields, models
from odoo.tools.misc import babel_locale_parse

# Pages exist in these languages; each maps to the res.lang used to render it.
PAGE_LANGS = ("de", "en")
PAGE_LANG_DEFAULTS = {"de": "de_DE", "en": "en_US"}
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{3,8}$")
DEFAULT_COLOR = "#1f3a5f"
# Babel locale of each page language, when the reader's language is only
# known as "de" or "en".
PUBLIC_LOCALES = {"de": "de_DE", "en": "en_US"}
# Spaces that CLDR puts into times ("11:49\u202fAM"): plain ones in SMS and mail.
ODD_SPACES = {"\u202f": " ", "\xa0": " "}


def format_public_datetime(value, tz_name, lang, date_only=False, short=False):
    """A naive UTC datetime as the public reads it: local time of ``tz_name``
    with the zone's name, the date in the reader's language ``lang`` (a short
    code such as ``de`` or a full one such as ``de_DE`` or ``en_GB``).

    ``30. November 2026, 11:49 Uhr MEZ``, ``November 30, 2026, 11:49 AM CET``;
    ``short`` gives ``30.11.2026, 11:49 Uhr MEZ`` (SMS), ``date_only`` the
    date alone (letters).
    """
    if not value:
        return ""
    try:
        tz = pytz.timezone(tz_name or "UTC")
    except pytz.UnknownTimeZoneError:
        tz = pytz.utc
    lang = (lang or "en").replace("-", "_")
    short_lang = lang.split("_")[0]
    if short_lang not in PUBLIC_LOCALES:
        short_lang, lang = "en", "en"
    try:
        locale = babel_locale_parse(lang if "_" in lang else PUBLIC_LOCALES[lang])
    except (ValueError, TypeError):
        locale = babel_locale_parse(PUBLIC_LOCALES[short_lang])
    local = pytz.utc.localize(value).astimezone(tz)
    # babel directly: Odoo's helpers fall back to another language when the
    # reader's res.lang is not active.
    text = babel.dates.format_date(local, "medium" if short else "long", locale=locale)
    if not date_only:
        if short_lang == "de":
            clock = babel.dates.format_time(local, "HH:mm 'Uhr'", locale=locale)
        else:
            clock = babel.dates.format_time(local, "short", locale=locale)
        text = f"{text}, {clock} {_zone_name(local, locale)}"
    for odd, plain in ODD_SPACES.items():
        text = text.replace(odd, plain)
    return text


def _zone_name(local, locale):
    """The zone's abbreviation readers know: MEZ/MESZ in German, CET/CEST
    in English; where the language has none, the usual one (EST, GMT)."""
    name = babel.dates.format_datetime(local, "z", locale=locale)
    abbreviation = local.tzname() or ""
    if not name.isalpha() and abbreviation.isalpha():
        return abbreviation
    return name


class CrisisIncidentPage(models.AbstractModel):
    _name = "crisis.incident.page"
    _inherit = ["crisis.bilingual.mixin"]
    _description = "Public Page of an Incident"
    _bilingual_fields = ("public_name", "public_summary")

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
            CrisisIncidentPage, self.with_context(crisis_bilingual_written=written)
        ).create(vals_list)
        return records.with_env(self.env)

    def write(self, vals):
        vals, written = self._bilingual_prepare_write(vals)
        visible = {
            "public_name",
            "public_name_de",
            "public_name_en",
            "public_summary",
            "public_summary_de",
            "public_summary_en",
            "hotline_phone",
            "page_published",
        }
        if visible & set(vals):
            vals = dict(vals, page_date_updated=fields.Datetime.now())
        records = self.with_context(crisis_bilingual_written=written)
        return super(CrisisIncidentPage, records).write(vals)

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

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _touch_page(self):
        self.write({"page_date_updated": fields.Datetime.now()})

    def _page_hotline(self):
        self.ensure_one()
        return self.hotline_phone or self.company_id.phone or ""

    def _page_color(self):
        self.ensure_one()
        color = self.company_id.primary_color or ""
        return color if COLOR_RE.match(color) else DEFAULT_COLOR

    @api.model
    def _page_lang_codes(self):
        """``{"de": "de_DE", "en": "en_US"}``: the res.lang used for each page
        language. German needs an active German language; English is the
        source language of every text and always available."""
        active = [code for code, _name in self.env["res.lang"].get_installed()]
        result = {}
        for short in PAGE_LANGS:
            preferred = PAGE_LANG_DEFAULTS[short]
            variants = [code for code in active if code.split("_")[0] == short]
            if preferred in active or (short == "en" and not variants):
                result[short] = preferred
            elif variants:
                result[short] = variants[0]
        return result

    def _page_default_lang(self):
        """Short code (de/en) of the language the company speaks by default."""
        langs = self._page_lang_codes()
        company = self[:1].company_id or self.env.company
        short = (company.partner_id.lang or "").split("_")[0]
        if short in langs:
            return short
        return next(iter(langs), "en")

    def _page_tz(self):
        self.ensure_one()
        return self.company_id.partner_id.tz or self.lead_id.tz or "Europe/Berlin"

    def _page_format_date(self, value, lang, date_only=False, short=False):
        """``value`` as the public reads it: local time of the company with
        the zone's name, the date in the reader's language. The one helper
        for every time the public sees: page, feed, e-mails, SMS, letters
        (see ``format_public_datetime``)."""
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
        """PNG bytes of a QR code that encodes the public page address.

        Letters and printed notices embed it; the image is also served at
        ``/crisis/<token>/qr.png``.
        """
        self.ensure_one()
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4
        )
        code.add_data(self.sudo().page_url)
        code.make(fit=True)
        image = code.make_image()
        stream = io.BytesIO()
        image.save(stream, format="PNG")
        return stream.getvalue()

    def _page_qr_data_uri(self):
        """The QR code as a ``data:`` URI, convenient in QWeb reports."""
        return "data:image/png;base64," + base64.b64encode(self._page_qr_png()).decode()
