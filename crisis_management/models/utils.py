# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small helpers shared by the crisis models."""


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
