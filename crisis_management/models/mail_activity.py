# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..tools.access import add_forbidden, filter_search


class MailActivity(models.Model):
    """Activities of a crisis record are seen only by who may open the
    record, their assignee included (see tools/access.py)."""

    _inherit = "mail.activity"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        return filter_search(self, query, order, "res_model", "res_id")

    def _check_access(self, operation):
        result = super()._check_access(operation)
        return add_forbidden(self, result, operation, "res_model", "res_id")
