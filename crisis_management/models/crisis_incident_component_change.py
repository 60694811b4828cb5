# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .crisis_incident_component import STATUSES


class CrisisIncidentComponentChange(models.Model):
    """One change of a component's status or ETA: the page's history."""

    _name = "crisis.incident.component.change"
    _description = "Component Status Change"
    _order = "date desc, id desc"

    incident_component_id = fields.Many2one(
        "crisis.incident.component", required=True, ondelete="cascade", index=True
    )
    incident_id = fields.Many2one(
        related="incident_component_id.incident_id", store=True, index=True
    )
    company_id = fields.Many2one(related="incident_id.company_id", store=True)
    component_id = fields.Many2one(related="incident_component_id.component_id")
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    status = fields.Selection(STATUSES, required=True, readonly=True)
    eta = fields.Datetime(string="Expected Resolution", readonly=True)
    update_id = fields.Many2one(
        "crisis.incident.update", readonly=True, ondelete="set null"
    )
