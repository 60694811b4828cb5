# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small helpers shared by the crisis models."""

from odoo.exceptions import UserError


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
            raise UserError(refusal(record, labels[record.state], labels[target]))
