# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.osv import expression

from ..tools.access import add_forbidden, readable_documents_domain


class MailFollowers(models.Model):
    """Followers of a crisis record are seen only by who may open the record
    (see tools/access.py): the team of a confidential incident is part of
    the incident."""

    _inherit = "mail.followers"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            domain = expression.AND(
                [readable_documents_domain(self.env, "res_model", "res_id"), domain]
            )
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        return add_forbidden(self, result, operation, "res_model", "res_id")
