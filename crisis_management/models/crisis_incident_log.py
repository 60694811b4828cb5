# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The incident's side of its crisis log: the anchor of the hash chain is
kept by the log alone, and entries by hand come from the crisis team."""

from odoo import _, api, models
from odoo.exceptions import UserError


class CrisisIncident(models.Model):
    _inherit = "crisis.incident"  # pylint: disable=consider-merging-classes-inherited

    # Everyone but the superuser is refused the anchor by the workflow guard
    # of ``crisis_incident.py``; these close the superuser's way too.
    @api.model_create_multi
    def create(self, vals_list):
        if self.env.su:
            for vals in vals_list:
                vals.pop("log_head_hash", None)
        return super().create(vals_list)

    def write(self, vals):
        if self.env.su and "log_head_hash" in vals:
            raise UserError(
                _(
                    "The anchor of the crisis log is kept by the log itself "
                    "and cannot be changed."
                )
            )
        return super().write(vals)

    def action_add_to_log(self):
        self.ensure_one()
        self._check_log_contributor()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_log_add_action"
        )
        action["context"] = {"default_incident_id": self.id}
        return action

    def _check_log_contributor(self):
        """Only the crisis team (managers) and the incident's own team write
        into its log by hand."""
        self.check_access("read")
        user = self.env.user
        if user.has_group("crisis_management.group_crisis_manager"):
            return
        for incident in self:
            if user not in incident.lead_id | incident.member_ids.user_id:
                raise UserError(
                    _(
                        "Only the crisis team of “%(incident)s” can add facts, "
                        "decisions and notes to its log.",
                        incident=incident.display_name,
                    )
                )
