# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import AccessError

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

    def _action_done(self, feedback=False, attachment_ids=None):
        """A personal call to a key customer is logged and its crisis task
        closed when the salesperson marks the call done."""
        tasks = (
            self.env["crisis.task"]
            .sudo()
            .search([("call_activity_id", "in", self.ids)])
            if self.ids
            else self.env["crisis.task"]
        )
        # Only the call's own salesperson reports the call: anyone else who
        # may edit the customer would otherwise write into the crisis log.
        if not self.env.su and tasks.call_activity_id.filtered(
            lambda a: a.user_id != self.env.user
        ):
            raise AccessError(
                _("Only the salesperson who makes this personal call can report it.")
            )
        user = self.env.user
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if tasks:
            tasks._call_done(user, feedback)
        return result
