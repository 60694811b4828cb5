# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Field declarations shared by the records of an incident."""

from odoo import fields


def incident_fields(company=None, **incident):
    """The incident a record belongs to and its company::

        incident_id, company_id = incident_fields()

    ``incident_id``: required, indexed, deleted with the incident, of the same
    company; ``company_id``: the incident's company, stored (record rules and
    multi-company checks read it). ``incident`` adds to or overrides the
    Many2one's parameters (``ondelete="restrict"``, ``tracking=True``…),
    ``company`` the company field's (``{"precompute": True}``)."""
    return (
        fields.Many2one(
            "crisis.incident",
            **{
                "required": True,
                "ondelete": "cascade",
                "index": True,
                "check_company": True,
                **incident,
            },
        ),
        fields.Many2one(
            related="incident_id.company_id",
            **{"store": True, "index": True, **(company or {})},
        ),
    )


def workflow_state(selection, default, **attrs):
    """The state of a record with a workflow (``crisis.workflow.mixin``)::

        state = workflow_state(STATES, "draft", tracking=True)

    Required, read-only on every screen (only the actions move it), never
    copied (a copy starts from ``default``) and indexed (lists, rules and
    crons filter on it). ``attrs`` adds to these (``tracking=True`` on models
    with a chatter, ``string``…)."""
    return fields.Selection(
        selection,
        **{
            "required": True,
            "default": default,
            "readonly": True,
            "copy": False,
            "index": True,
            **attrs,
        },
    )
