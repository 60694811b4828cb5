# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rights, sanitising and opaque public references."""

import threading

from odoo.exceptions import AccessError, UserError
from odoo.tools import html_sanitize
from odoo.tools.misc import hmac

from .language import selection_labels


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
