# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import content_disposition, request

from odoo.addons.crisis_management.tools import check_input, lang_short, reader_tz

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_NAMES = {
    "chronology": ("Chronologie", "Chronology"),
    "communication": ("Kommunikation", "Communication"),
}


class CrisisReportsController(http.Controller):
    @http.route(
        "/crisis_reports/xlsx/<string:kind>/<int:incident_id>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    @check_input()
    def export_xlsx(self, kind, incident_id, lang=None, tz=None, **kwargs):
        """The chronology or the communication of an incident as XLSX, with
        the caller's rights: whoever cannot read the incident gets nothing."""
        if kind not in XLSX_NAMES:
            raise NotFound()
        context = dict(request.env.context)
        if lang and lang in dict(request.env["res.lang"].get_installed()):
            context["lang"] = lang
        context["tz"] = reader_tz(
            request.env, tz, context.get("tz"), request.env.user.tz
        )
        env = request.env(context=context)
        incident = env["crisis.incident"].browse(incident_id).exists()
        if not incident:
            raise NotFound()
        content = env[f"report.crisis_reports.report_{kind}"]._xlsx(incident)
        german, english = XLSX_NAMES[kind]
        name = german if lang_short(env.lang) == "de" else english
        filename = f"{name} {incident.reference or incident.id}.xlsx"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
