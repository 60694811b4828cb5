# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Model methods called over RPC get their arguments checked first
(``tools.check_rpc_call``): a NUL byte, a lone surrogate, ``True`` as an id
is a ValidationError for the caller, not a server error. The web client's
JSON-RPC (``/web/dataset/call_kw``, ``call_button``) and the external API
(``/xmlrpc/2/object``, ``/xmlrpc/object``, ``/jsonrpc``) alike."""

import xmlrpc.client

from odoo import api, http
from odoo.http import request
from odoo.modules.registry import Registry
from odoo.service import security

from odoo.addons.base.controllers.rpc import RPC
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


def _check_external_call(service, method, params):
    """``check_rpc_call`` for ``execute``/``execute_kw`` of the external API,
    after the same authentication ``dispatch_rpc`` makes (a refusal speaks
    the user's language; a wrong password stays AccessDenied)."""
    if service != "object" or method not in ("execute", "execute_kw"):
        return
    if not isinstance(params, (list, tuple)) or len(params) < 5:
        return
    db, uid, passwd, model, name = params[:5]
    if not isinstance(db, str) or not isinstance(model, str):
        return
    if not isinstance(uid, int) or isinstance(uid, bool):
        return
    rest = list(params[5:])
    if method == "execute_kw":
        args = rest[0] if rest else []
        kwargs = rest[1] if len(rest) > 1 else {}
    else:
        args, kwargs = rest, {}
    security.check(db, uid, passwd)
    with Registry(db).cursor() as cr:
        env = api.Environment(cr, uid, {})
        check_rpc_call(env, model, name, args, kwargs or {})


class CrisisRPC(RPC):
    def _xmlrpc(self, service):
        params, method = xmlrpc.client.loads(
            request.httprequest.get_data(), use_datetime=True
        )
        _check_external_call(service, method, params)
        return super()._xmlrpc(service)

    @http.route()
    def jsonrpc(self, service, method, args):
        _check_external_call(service, method, args)
        return super().jsonrpc(service, method, args)
