# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.http import request

from ..tools.http import bad_request, text_problem


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _serve_fallback(cls):
        """An address that matches no route is looked up as an attachment
        URL; PostgreSQL refuses a NUL byte in it, which ended as a server
        error (500). Such an address gets a 400 instead."""
        httprequest = request.httprequest
        if text_problem(httprequest.path) in ("nul", "encoding"):
            return bad_request(request.env, httprequest).get_response()
        return super()._serve_fallback()

    def session_info(self):
        """While the company is in crisis mode, a crisis user who opens Odoo
        without a page in the address lands on the live situation wall of the
        crisis (inside the Crisis app, its menu above), not in Discuss;
        otherwise where they always landed (their own home action, or the
        first app)."""
        info = super().session_info()
        user = self.env.user
        if (
            info.get("is_internal_user")
            and user.company_id.crisis_mode
            and user.has_group("crisis_management.group_crisis_user")
        ):
            action = self.env.ref(
                "crisis_management.crisis_situation_dashboard_action",
                raise_if_not_found=False,
            )
            if action:
                info["home_action_id"] = action.id
        return info
