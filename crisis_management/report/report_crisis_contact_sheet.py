# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..tools import resolve_lang


class ReportCrisisContactSheet(models.AbstractModel):
    """The emergency contact sheet: the crisis team and the key stakeholders
    of each type with their numbers, on paper for when Odoo is down.

    Rendering has no side effect: a report is fetched over GET (a clicked
    link is enough), so nothing is written here. A printing is logged, if
    at all, by the print action of the incident (a POST)."""

    _name = "report.crisis_management.report_crisis_contact_sheet"
    _description = "Emergency Contact Sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        incidents = self.env["crisis.incident"].browse(docids)
        incidents.check_access("read")
        lang = resolve_lang(
            self.env, self.env.context.get("lang"), self.env.user.lang, exact=True
        )
        sheets = [incident._contact_sheet_values() for incident in incidents]
        return {
            "doc_ids": docids,
            "doc_model": "crisis.incident",
            "docs": incidents,
            "sheets": sheets,
            "lang": lang,
        }
