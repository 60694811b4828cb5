# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small helpers of the social media models."""


def strip_defaults(context, names):
    """``context`` without ``default_<name>`` keys for ``names``: no context
    key may set a field that only an action writes."""
    return {
        key: value
        for key, value in context.items()
        if not (key.startswith("default_") and key[8:] in names)
    }
