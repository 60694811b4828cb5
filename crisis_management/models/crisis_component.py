# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisComponent(models.Model):
    """A product, service or site that customers use: what an incident can
    affect, what the public page reports on and what subscribers choose."""

    _name = "crisis.component"
    _description = "Crisis Component"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    description = fields.Text()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "crisis_component_res_partner_rel",
        "component_id",
        "partner_id",
        string="Customers",
        check_company=True,
        help="The customers who use this component. When an incident affects "
        "it, they (with all contacts of their company) are the affected "
        "customers.",
    )
    partner_count = fields.Integer(
        string="Customer Count", compute="_compute_partner_count"
    )

    def _compute_partner_count(self):
        for component in self:
            component.partner_count = len(component.partner_ids)
