# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..tools.access import filter_search, forbidden_by_document


class MailMessage(models.Model):
    """Messages of a crisis record are read and written only by who may
    open the record, follower, recipient or not (see tools/access.py)."""

    _inherit = "mail.message"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        return filter_search(self, query, order, "model", "res_id")

    def _get_forbidden_access(self, operation):
        forbidden = super()._get_forbidden_access(operation)
        if self.env.su:
            return forbidden
        return forbidden + forbidden_by_document(self - forbidden, "model", "res_id")
