# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Small helpers of the social media models."""

# Marks values written by the model's own actions. A Python object, not a
# string: no RPC call, context key or import file can produce it.
TRUSTED = object()


def strip_defaults(context, names):
    """``context`` without ``default_<name>`` keys for ``names``: no context
    key may set a field that only an action writes."""
    return {
        key: value
        for key, value in context.items()
        if not (key.startswith("default_") and key[8:] in names)
    }


def check_incident(env, vals):
    """Link records only to an incident the caller may read (a confidential
    incident of another team is refused)."""
    if vals.get("incident_id"):
        env["crisis.incident"].browse(vals["incident_id"]).check_access("read")


def split_trusted(vals):
    """``(vals without the marker, whether the marker was there)``."""
    if TRUSTED not in vals:
        return vals, False
    vals = dict(vals)
    del vals[TRUSTED]
    return vals, True
