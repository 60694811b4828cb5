# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.crisis_log import KINDS, MANUAL_KINDS


class CrisisLogAdd(models.TransientModel):
    """Write a fact, a decision or a note into an incident's crisis log."""

    _name = "crisis.log.add"
    _description = "Add to Crisis Log"

    incident_id = fields.Many2one("crisis.incident", required=True, readonly=True)
    kind = fields.Selection(
        [kind for kind in KINDS if kind[0] in MANUAL_KINDS],
        required=True,
        default="fact",
    )
    body = fields.Text(string="Entry", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if (
            "incident_id" in fields_list
            and not values.get("incident_id")
            and self.env.context.get("active_model") == "crisis.incident"
        ):
            values["incident_id"] = self.env.context.get("active_id")
        return values

    def action_add(self):
        for wizard in self:
            wizard.incident_id._check_log_contributor()
            body = (wizard.body or "").strip()
            if not body:
                raise UserError(_("Please write down what you want to record."))
            wizard.incident_id._log(wizard.kind, body)
        return {"type": "ir.actions.act_window_close"}
