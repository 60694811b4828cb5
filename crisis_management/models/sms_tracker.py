# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    crisis_recipient_id = fields.Many2one(
        "crisis.communication.recipient", index="btree_not_null", ondelete="cascade"
    )

    def _action_update_from_provider_error(self, provider_error):
        """A late delivery report of the SMS gateway (``/sms/status``) that
        says the SMS did not arrive moves the line from ``sent`` to
        ``failed``, with the gateway's reason."""
        res = super()._action_update_from_provider_error(provider_error)
        _status, failure_type, failure_reason = res
        self._crisis_mark_failed(failure_type, failure_reason)
        return res

    def _crisis_mark_failed(self, failure_type, failure_reason):
        lines = self.crisis_recipient_id
        if not lines:
            return
        labels = dict(
            self.env["mail.notification"]
            ._fields["failure_type"]
            ._description_selection(self.env)
        )
        reason = failure_reason or labels.get(failure_type) or failure_type
        lines._mark_undelivered("failed", reason)
