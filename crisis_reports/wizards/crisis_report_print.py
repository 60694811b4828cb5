# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlencode

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.base.models.res_partner import _tz_get
from odoo.addons.crisis_management.tools import (
    reader_tz,
    require_group,
    resolve_lang,
)

from ..report.crisis_report_base import ADMIN_GROUP, MANAGER_GROUP

INCIDENT_REPORTS = [
    ("situation", "Situation Report"),
    ("chronology", "Chronology"),
    ("communication", "Communication Report"),
    ("review", "Post-Crisis Review"),
]
XLSX_REPORTS = ("chronology", "communication")


class CrisisReportPrint(models.TransientModel):
    """The print dialog: which report, in which language and time zone."""

    _name = "crisis.report.print"
    _description = "Print a Crisis Report"

    incident_id = fields.Many2one("crisis.incident", ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Person", ondelete="cascade")
    report = fields.Selection(
        [*INCIDENT_REPORTS, ("subject_access", "Data Subject Access Report")],
        required=True,
        default="situation",
    )
    lang = fields.Selection(
        "_lang_selection",
        string="Language",
        required=True,
        default=lambda self: resolve_lang(self.env, self.env.user.lang, exact=True),
    )
    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        required=True,
        default=lambda self: reader_tz(self.env, self.env.user.tz),
    )
    can_export = fields.Boolean(compute="_compute_can_export")

    @api.model
    def _lang_selection(self):
        return self.env["res.lang"].get_installed()

    @api.depends("report")
    def _compute_can_export(self):
        for wizard in self:
            wizard.can_export = wizard.report in XLSX_REPORTS

    def _record(self):
        """The record to print, checked against the caller's rights."""
        self.ensure_one()
        if self.report == "subject_access":
            if not self.partner_id:
                raise UserError(_("Choose the person the report is about."))
            require_group(
                self.env,
                ADMIN_GROUP,
                _("Only crisis administrators can print a data subject access report."),
            )
            record = self.partner_id
        else:
            if not self.incident_id:
                raise UserError(_("Choose the incident to report on."))
            require_group(
                self.env,
                MANAGER_GROUP,
                _("Only the crisis team can print crisis reports."),
            )
            record = self.incident_id
        record.check_access("read")
        return record

    def action_print(self):
        record = self._record()
        report = self.env.ref(f"crisis_reports.action_report_{self.report}")
        # The options travel with the action: the report is rendered in the
        # language and time zone chosen here, not the user's.
        action = report.with_context(lang=self.lang, tz=self.tz).report_action(
            record, data={"doc_ids": record.ids, "lang": self.lang, "tz": self.tz}
        )
        # The dialog closes once the PDF is downloaded.
        action["close_on_report_download"] = True
        return action

    def action_export_xlsx(self):
        record = self._record()
        if self.report not in XLSX_REPORTS:
            raise UserError(
                _("Only the chronology and the communication report export to XLSX.")
            )
        query = urlencode({"lang": self.lang, "tz": self.tz})
        return {
            "type": "ir.actions.act_url",
            "url": f"/crisis_reports/xlsx/{self.report}/{record.id}?{query}",
            "target": "download",
        }
