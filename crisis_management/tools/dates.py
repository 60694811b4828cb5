# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dates and times as the public reads them."""

from datetime import UTC

import babel.dates
import pytz

from odoo.tools.misc import babel_locale_parse

from .language import CRISIS_LANGS

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
    if short_lang not in CRISIS_LANGS:
        short_lang, lang = "en", "en"
    try:
        locale = babel_locale_parse(lang if "_" in lang else CRISIS_LANGS[lang])
    except (ValueError, TypeError):
        locale = babel_locale_parse(CRISIS_LANGS[short_lang])
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


def rfc3339(value):
    """RFC 3339 UTC timestamp of a naive UTC datetime (feeds, ``<time>``)."""
    if not value:
        return ""
    return value.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def reader_tz(env, *candidates, company=None):
    """The one time-zone rule: the first of ``candidates`` (a reader's, a
    user's or a partner's ``tz``) that is a known zone, else the company's
    (its partner's ``tz``), else UTC."""
    company = company or env.company
    for name in (*candidates, company.partner_id.tz):
        if name and name in pytz.all_timezones_set:
            return name
    return "UTC"
