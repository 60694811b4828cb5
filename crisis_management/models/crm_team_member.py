# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members._crisis_hotline_join()
        return members

    def write(self, vals):
        result = super().write(vals)
        if {"user_id", "crm_team_id", "active"} & set(vals):
            self._crisis_hotline_join()
        return result

    def _crisis_hotline_join(self):
        """A salesperson who joins a hotline sales team of a company in
        crisis mode answers the hotline at once: they get the crisis user
        group like the team's other members did when crisis mode started.
        (The caller was allowed to change the team; the group is given by
        the company's crisis configuration, in sudo.)"""
        members = self.sudo().filtered("active")
        if not members:
            return
        companies = (
            self.env["res.company"]
            .sudo()
            .search(
                [
                    ("crisis_mode", "=", True),
                    ("crisis_hotline_team_ids", "in", members.crm_team_id.ids),
                ]
            )
        )
        for company in companies:
            joined = members.filtered(
                lambda m, c=company: m.crm_team_id in c.crisis_hotline_team_ids
            )
            company._crisis_hotline_grant(company.crisis_incident_id, joined.user_id)
