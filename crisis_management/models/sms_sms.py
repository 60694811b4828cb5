# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    crisis_recipient_id = fields.Many2one(
        "crisis.communication.recipient", index="btree_not_null", ondelete="set null"
    )

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        res = super()._send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            raise_exception=raise_exception,
        )
        failed = self.exists().filtered(
            lambda sms: sms.crisis_recipient_id and sms.state == "error"
        )
        for sms in failed:
            sms.crisis_recipient_id.sudo().write(
                {"state": "failed", "error": sms.failure_type or "error"}
            )
        return res
