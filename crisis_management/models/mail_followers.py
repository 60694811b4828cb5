# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.osv import expression

from ..tools.access import add_forbidden, readable_documents_domain, readers


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

    def _insert_followers(
        self,
        res_model,
        res_ids,
        partner_ids,
        subtypes=None,
        customer_ids=None,
        check_existing=True,
        existing_policy="skip",
    ):
        """Users who may not open a crisis record do not follow it (and so
        get none of its messages by e-mail): the assignee of a task of a
        confidential incident outside its team, a user added by hand.
        Contacts without a user (customers, stakeholders) follow as before."""
        if not res_model.startswith("crisis.") or not partner_ids:
            return super()._insert_followers(
                res_model,
                res_ids,
                partner_ids,
                subtypes=subtypes,
                customer_ids=customer_ids,
                check_existing=check_existing,
                existing_policy=existing_policy,
            )
        groups = {}
        allowed_by_record = readers(self.env[res_model].browse(res_ids), partner_ids)
        for res_id, allowed in allowed_by_record.items():
            groups.setdefault(tuple(allowed), []).append(res_id)
        for allowed, ids in groups.items():
            if allowed:
                super()._insert_followers(
                    res_model,
                    ids,
                    list(allowed),
                    subtypes=subtypes,
                    customer_ids=customer_ids,
                    check_existing=check_existing,
                    existing_policy=existing_policy,
                )
        return None
