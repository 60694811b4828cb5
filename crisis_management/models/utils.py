# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small helpers shared by the crisis models."""

import functools
import io
import logging
import subprocess
from datetime import UTC

import babel.dates
import pytz
import qrcode

from odoo.exceptions import AccessError, UserError
from odoo.tools import html_sanitize
from odoo.tools.misc import babel_locale_parse, hmac

_logger = logging.getLogger(__name__)


def selection_labels(records, field_name):
    """``{value: label}`` of a selection field in the language ``_()`` speaks.

    Calls from XML-RPC carry no ``lang`` in their context: ``_()`` then falls
    back to the user's language, and the labels in a message must follow it.
    """
    env = records.env
    lang = env.lang or env.user.lang
    return dict(
        records._fields[field_name]._description_selection(
            env(context=dict(env.context, lang=lang))
        )
    )


def check_transition(records, allowed, target, refusal):
    """Refuse the first of ``records`` whose state may not go to ``target``.

    :param allowed: the states ``target`` may be reached from
    :param refusal: ``refusal(record, from_label, to_label)`` returns the
        translated message, in the labels' language (see selection_labels)
    """
    labels = selection_labels(records, "state")
    for record in records:
        if record.state not in allowed:
            # ``target`` may be a pseudo-state ("reopen") without a label.
            raise UserError(
                refusal(record, labels[record.state], labels.get(target, target))
            )


def guard_workflow_fields(records, vals_list, names):
    """Refuse workflow fields (states, approvals, publication flags and
    dates, tokens, hashes, answers) in ``create``/``write`` vals.

    They are changed only by the model's actions, which check the caller's
    rights first and then write them in sudo. ``readonly`` in a view is
    presentation: over RPC anybody can send any field, and any context key,
    so only the superuser mode (which no RPC caller can obtain) is trusted.

    :param vals_list: a list of vals dicts (or one dict)
    :param names: the protected field names of the model
    """
    env = records.env
    if env.su:
        return
    if isinstance(vals_list, dict):
        vals_list = [vals_list]
    blocked = set()
    for vals in vals_list:
        blocked.update(name for name in vals if name in names)
    if blocked:
        # XML-RPC calls carry no language: speak the user's.
        env = env(context=dict(env.context, lang=env.lang or env.user.lang))
        labels = ", ".join(
            sorted(
                records._fields[name]._description_string(env) or name
                for name in blocked
            )
        )
        raise AccessError(
            env._(
                "%(fields)s cannot be set directly on “%(model)s”: use the "
                "buttons of the form, which check who may do what and record it.",
                fields=labels,
                model=env["ir.model"]._get(records._name).name,
            )
        )


def require_group(env, xmlid, message):
    """Refuse unless the current user (or sudo) has the group ``xmlid``."""
    if not env.su and not env.user.has_group(xmlid):
        raise AccessError(message)


def sanitize_translations(records, field_name, translations):
    """``translations`` of an Html field made safe: Odoo's
    ``update_field_translations`` writes them as given, past the field's
    own sanitising."""
    field = records._fields.get(field_name)
    if not field or field.type != "html":
        return translations
    result = {}
    for lang, value in translations.items():
        if isinstance(value, dict):  # term translations: {old term: new term}
            value = {
                key: _sanitize_term(term) if isinstance(term, str) else term
                for key, term in value.items()
            }
        elif isinstance(value, str):
            value = html_sanitize(value)
        result[lang] = value
    return result


def _sanitize_term(term):
    """One translated term (an html fragment inside a block) made safe,
    without the paragraph the sanitiser wraps around loose text."""
    clean = html_sanitize(term)
    if clean in (term, f"<p>{term}</p>"):
        return term
    if not term.lstrip().startswith("<p") and clean.startswith("<p>"):
        if clean.endswith("</p>") and clean.count("<p>") == 1:
            clean = clean[3:-4]
    return clean


# The languages crisis texts are written in, by short code, and the res.lang
# each one prefers when several regional variants are installed.
CRISIS_LANGS = {"de": "de_DE", "en": "en_US"}


def installed_crisis_langs(env):
    """``{"de": "de_DE", "en": "en_US"}``: the installed res.lang used for each
    crisis language. German needs an active German language (its preferred
    variant, else the first regional one); English is the source language of
    every text and always available."""
    active = [code for code, _name in env["res.lang"].get_installed()]
    result = {}
    for short, preferred in CRISIS_LANGS.items():
        variants = [code for code in active if code.split("_")[0] == short]
        if preferred in active or (short == "en" and not variants):
            result[short] = preferred
        elif variants:
            result[short] = variants[0]
    return result


def resolve_lang(env, *candidates, company=None, exact=False):
    """The one language resolver of the crisis addons.

    Returns the res.lang code a text for someone is written in: the first of
    ``candidates`` (a partner's or user's language, ``de``, ``en-GB``,
    ``de_AT``…) that is German or English, else the company's language, else
    English. Regional variants map to the installed variant of their
    language; with ``exact`` an installed variant (``de_AT``) is kept as it
    is, otherwise the preferred one (``de_DE``) is returned.
    """
    langs = installed_crisis_langs(env)
    installed = {code for code, _name in env["res.lang"].get_installed()}
    company = company or env.company
    for candidate in (*candidates, company.partner_id.lang):
        if not candidate:
            continue
        code = candidate.replace("-", "_")
        short = code.split("_")[0].lower()
        if short not in langs:
            continue
        if exact and code in installed:
            return code
        return langs[short]
    return langs.get("en", "en_US")


def qr_png(data, box_size=8):
    """PNG bytes of a QR code (error correction M) encoding ``data``: the one
    QR generator for pages, letters and printed notices."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=box_size,
        border=4,
    )
    code.add_data(data)
    code.make(fit=True)
    stream = io.BytesIO()
    code.make_image().save(stream, format="PNG")
    return stream.getvalue()


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


def public_ref(record):
    """An opaque reference of ``record`` for public pages and feeds: a keyed
    hash of its model and id (no database id or date is shown)."""
    return hmac(
        record.env(su=True),
        "crisis_management.public_ref",
        f"{record._name}:{record.id}",
    )[:32]


def public_uuid(record):
    """``public_ref`` of ``record`` written as a UUID (Atom ids)."""
    ref = public_ref(record)
    return f"{ref[:8]}-{ref[8:12]}-{ref[12:16]}-{ref[16:20]}-{ref[20:32]}"


@functools.cache
def wkhtmltopdf_patched_qt():
    """Whether wkhtmltopdf was built with its patched Qt (asked once per
    process). Without it (as Debian ships it) wkhtmltopdf ignores the HTML
    header and footer, where Odoo puts page numbers, and renders text
    larger."""
    from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        _logger.info("wkhtmltopdf did not tell its version: %s", error)
        return True
    return "patched qt" in version.lower()
