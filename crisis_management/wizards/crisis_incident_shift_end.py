# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisIncidentShiftEnd(models.TransientModel):
    _name = "crisis.incident.shift.end"
    _description = "End a Crisis Team Shift"

    shift_id = fields.Many2one(
        "crisis.incident.shift", required=True, ondelete="cascade"
    )
    handover_note = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.shift_id.action_end(self.handover_note)
        return {"type": "ir.actions.act_window_close"}
