# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rights, sanitising and opaque public references."""

import threading

from odoo.exceptions import AccessError, UserError
from odoo.tools import html_sanitize
from odoo.tools.misc import hmac


def require_group(env, xmlid, message):
    """Refuse unless the current user (or sudo) has the group ``xmlid``."""
    if not env.su and not env.user.has_group(xmlid):
        raise AccessError(message)


def check_translations(records, field_name, translations):
    """Refuse what ``update_field_translations`` cannot take (it is public:
    the translation dialog and RPC call it): a name that is not a field of
    ``records``, translations that are not ``{language code: text}``."""
    if not isinstance(field_name, str) or field_name not in records._fields:
        raise UserError(
            records.env._(
                "There is no field %(field)s to translate.", field=str(field_name)[:64]
            )
        )
    if not isinstance(translations, dict) or not all(
        isinstance(lang, str) and (value is False or isinstance(value, (str, dict)))
        for lang, value in translations.items()
    ):
        raise UserError(
            records.env._(
                "Translations are given as a text (or terms) for each language code."
            )
        )


def sanitize_translations(records, field_name, translations):
    """``translations`` of an Html field made safe: Odoo's
    ``update_field_translations`` writes them as given, past the field's
    own sanitising. Refuses bad input first (``check_translations``)."""
    check_translations(records, field_name, translations)
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


def may_commit(env):
    """Whether a long job may commit its progress: never inside a test (the
    test's transaction must stay one) nor in a test-mode registry."""
    return not (
        getattr(threading.current_thread(), "testing", False)
        or env.registry.in_test_mode()
    )
