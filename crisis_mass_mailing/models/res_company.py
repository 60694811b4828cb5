# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def write(self, vals):
        """Crisis mode switching on holds the company's outgoing marketing
        mailings; switching off offers them to the crisis admins."""
        if "crisis_mode" not in vals:
            return super().write(vals)
        before = {company: company.crisis_mode for company in self}
        incidents = {company: company.crisis_incident_id for company in self}
        result = super().write(vals)
        Mailing = self.env["mailing.mailing"].sudo()
        for company, was_on in before.items():
            if company.crisis_mode and not was_on:
                Mailing.search(
                    [("state", "in", ("in_queue", "sending"))]
                )._crisis_hold()
            elif was_on and not company.crisis_mode:
                Mailing._crisis_offer_release(company, incidents[company])
        return result
