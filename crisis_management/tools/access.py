# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Messages, followers and activities of crisis documents follow the
documents' own record rules.

Odoo lets a follower post on a document, a notified partner read a message
and an assignee read an activity, whether or not they may read the document
itself. For a confidential incident and what hangs off it, that would hand
the chatter of a task to whoever it is assigned to, and the team of an
incident to every employee who lists ``mail.followers``. Here the document
decides: what is attached to a ``crisis.*`` record the user may not read is
refused too.
"""

from collections import defaultdict

from odoo.exceptions import AccessError


def crisis_document_models(env):
    """The crisis models that have a chatter (followers, messages)."""
    return [
        name
        for name in env
        if name.startswith("crisis.")
        and not env[name]._abstract
        and not env[name]._transient
        and "message_follower_ids" in env[name]._fields
    ]


def forbidden_by_document(records, model_field, id_field):
    """The part of ``records`` (messages, followers, activities) attached to
    a ``crisis.*`` document the current user may not read."""
    env = records.env
    if env.su or not records:
        return records.browse()
    docs = defaultdict(lambda: defaultdict(list))
    # sudo: reading where the records point to, to check the document.
    for row in records.sudo().read([model_field, id_field], load=None):
        model, res_id = row[model_field], row[id_field]
        if model and res_id and model.startswith("crisis.") and model in env:
            docs[model][res_id].append(row["id"])
    forbidden = []
    for model, by_doc in docs.items():
        result = env[model].browse(list(by_doc))._check_access("read")
        if result:
            for document in result[0]:
                forbidden.extend(by_doc[document.id])
    return records.browse(forbidden)


def filter_search(model, query, order, model_field, id_field):
    """The result ``query`` of ``model._search`` without what
    ``forbidden_by_document`` refuses (as a query of its result)."""
    if model.env.su:
        return query
    records = model.browse(query.get_result_ids())
    forbidden = forbidden_by_document(records, model_field, id_field)
    if not forbidden:
        return query
    return (records - forbidden)._as_query(order)


def add_forbidden(records, result, operation, model_field, id_field):
    """``result`` of ``_check_access`` with ``forbidden_by_document`` added."""
    if not records or records.env.su:
        return result
    allowed = records - result[0] if result else records
    forbidden = forbidden_by_document(allowed, model_field, id_field)
    if not forbidden:
        return result
    if result:
        return (result[0] + forbidden, result[1])

    def error():
        env = records.env
        return AccessError(
            env._(
                "You may not see or change %(model)s of a crisis record you "
                "cannot open yourself (operation: %(operation)s).",
                model=env["ir.model"]._get(records._name).name,
                operation=operation,
            )
        )

    return (forbidden, error)


def readers(records, partner_ids):
    """``{record id: [partner ids]}``: the partners of ``partner_ids`` who may
    open each of ``records``: those with an active user who may read it, and
    those without a user (they read nothing in Odoo, only the mails they are
    sent). One access query per user, whatever the number of records."""
    result = {record_id: [] for record_id in records.ids}
    for partner in records.env["res.partner"].sudo().browse(partner_ids):
        users = partner.user_ids
        readable = set(records.ids) if not users else set()
        for user in users:
            readable.update(records.with_user(user)._filtered_access("read").ids)
        for record_id in readable:
            result[record_id].append(partner.id)
    return result


def readable_documents_domain(env, model_field, id_field):
    """A domain on messages, followers or activities: not attached to a
    crisis document, or to one the current user may read."""
    models = crisis_document_models(env)
    domain = [(model_field, "not in", models)]
    for model in models:
        if not env[model].browse().has_access("read"):
            continue
        domain = [
            "|",
            *domain,
            "&",
            (model_field, "=", model),
            (id_field, "in", env[model]._search([])),
        ]
    return domain
