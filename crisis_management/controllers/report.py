# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The report routes print the crisis reports (letters, contact sheets,
chronologies): their input gets the suite's one check (``check_input``),
and record ids beyond what a record id can be a 404 instead of a server
error."""

from werkzeug.exceptions import NotFound

from odoo import http

from odoo.addons.web.controllers.report import ReportController

from ..tools import check_input, valid_id

# A print of many records lists their ids in the address.
REPORT_MAX_LENGTH = 1_000_000


class CrisisReportController(ReportController):
    @http.route()
    @check_input(max_length=REPORT_MAX_LENGTH)
    def report_routes(self, reportname, docids=None, converter=None, **data):
        # Odoo skips parts that are not digits; digits that are no record id
        # ("²", 99999999999) would reach the database.
        for part in (docids or "").split(","):
            if part.isdigit() and not (part.isascii() and valid_id(int(part))):
                raise NotFound()
        return super().report_routes(
            reportname, docids=docids, converter=converter, **data
        )

    @http.route()
    @check_input(max_length=REPORT_MAX_LENGTH)
    def report_download(self, data, context=None, token=None, readonly=True):
        return super().report_download(
            data, context=context, token=token, readonly=readonly
        )
