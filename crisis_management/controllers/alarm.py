# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import BadRequest, NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ..tools import public_route, render_personal_page


class CrisisAlarmController(http.Controller):
    """The personal answer page of an alarm of the crisis team.

    ``GET`` only shows the alarm (mail scanners and SMS previews open links:
    nothing may change). ``POST`` records the answer.

    CSRF: as the safety check (controllers/main.py), the route has
    ``csrf=False`` and the personal token in the address (144 random bits,
    only in that person's messages) is the secret instead: the person opens
    the link on a phone at night, often without an Odoo session, and a
    "session expired" page must not keep the team from assembling.
    """

    @public_route("/crisis/alarm/<string:token>", methods=("GET", "POST"), csrf=False)
    def alarm_answer(self, token, answer=None, eta_minutes=None, **kwargs):
        line = request.env["crisis.alarm.line"]._find_by_token(token)
        if not line:
            raise NotFound()
        lang = line._lang()
        request.update_context(lang=lang)
        line = line.with_context(lang=lang)
        recorded = False
        error = False
        if request.httprequest.method == "POST":
            if answer not in ("coming", "later", "unavailable"):
                raise BadRequest()
            try:
                recorded = line._record_answer(answer, eta_minutes)
            except UserError as exc:
                error = exc.args[0]
            line.invalidate_recordset()
        values = {
            "line": line,
            "incident": line.incident_id,
            "company": line.incident_id.company_id,
            "role": line._role_label(lang),
            "subject": line._alarm_subject(),
            "action_url": f"/crisis/alarm/{token}",
            "recorded": recorded,
            "error": error,
            "closed": not line._answer_open(),
            "answer": line.answer,
        }
        return render_personal_page("crisis_management.crisis_alarm_page", values)
