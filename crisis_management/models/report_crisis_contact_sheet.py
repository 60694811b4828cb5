# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models

from ..tools import resolve_lang


class ReportCrisisContactSheet(models.AbstractModel):
    """The emergency contact sheet: the crisis team and the key stakeholders
    of each type with their numbers, on paper for when Odoo is down.
    Every printing is written in the incident's crisis log."""

    _name = "report.crisis_management.report_crisis_contact_sheet"
    _description = "Emergency Contact Sheet"

    @api.model
    def _get_report_values(self, docids, data=None):
        incidents = self.env["crisis.incident"].browse(docids)
        incidents.check_access("read")
        lang = resolve_lang(
            self.env, self.env.context.get("lang"), self.env.user.lang, exact=True
        )
        sheets = []
        for incident in incidents:
            sheets.append(incident._contact_sheet_values())
            incident._log(
                "note",
                _(
                    "Emergency contact sheet printed by %(user)s (%(lang)s).",
                    user=self.env.user.name,
                    lang=lang,
                ),
            )
        return {
            "doc_ids": docids,
            "doc_model": "crisis.incident",
            "docs": incidents,
            "sheets": sheets,
            "lang": lang,
        }
