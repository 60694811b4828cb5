# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Model methods called over JSON-RPC get their arguments checked first
(``tools.check_rpc_call``): a NUL byte, a lone surrogate, ``True`` as an id
is a ValidationError for the caller, not a server error."""

from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.dataset import DataSet

from ..tools import check_rpc_call


class CrisisDataSet(DataSet):
    @http.route()
    def call_kw(self, model, method, args, kwargs, path=None):
        check_rpc_call(request.env, model, method, args, kwargs)
        return super().call_kw(model, method, args, kwargs, path=path)

    @http.route()
    def call_button(self, model, method, args, kwargs, path=None):
        check_rpc_call(request.env, model, method, args, kwargs)
        return super().call_button(model, method, args, kwargs, path=path)
