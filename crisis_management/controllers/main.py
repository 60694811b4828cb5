# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import BadRequest, NotFound

from odoo import http
from odoo.http import request

from ..tools import public_route, render_personal_page, resolve_lang


class CrisisSafetyController(http.Controller):
    """The personal answer page of a safety check.

    ``GET`` only shows the question (mail scanners open links: nothing may
    change). ``POST`` records the answer.

    CSRF: the route has ``csrf=False`` and the personal token in the address
    is the secret instead. Odoo's ``csrf_token`` is bound to a session, and
    the people answering have none: they open the link from a mail app or an
    SMS, often in a browser without cookies, and in an emergency a "session
    expired" page would stop them from asking for help. A forged request would
    need the token itself (at least 128 random bits, only in that person's
    message), and whoever has the token can answer anyway: there is nothing a
    CSRF token would add.
    """

    def _recipient_or_404(self, token):
        recipient = request.env["crisis.communication.recipient"]._find_by_token(token)
        if not recipient:
            raise NotFound()
        return recipient

    @public_route("/crisis/safety/<string:token>", methods=("GET", "POST"), csrf=False)
    def safety_check(self, token, answer=None, **kwargs):
        recipient = self._recipient_or_404(token)
        lang = resolve_lang(
            request.env,
            recipient.lang,
            company=recipient.communication_id.company_id,
            exact=True,
        )
        request.update_context(lang=lang)
        recorded = False
        if request.httprequest.method == "POST":
            if answer not in ("safe", "help"):
                raise BadRequest()
            recorded = recipient._record_safety_answer(answer)
        comm = recipient.communication_id.with_context(lang=lang)
        values = {
            "recipient": recipient,
            "communication": comm,
            "company": comm.company_id,
            "partner_name": recipient.partner_id.name,
            "action_url": f"/crisis/safety/{token}",
            "recorded": recorded,
            "closed": not recorded and not recipient._safety_check_open(),
            "answer": recipient.safety_answer,
        }
        return render_personal_page("crisis_management.safety_check_page", values)
