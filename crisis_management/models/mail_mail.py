# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    crisis_recipient_id = fields.Many2one(
        "crisis.communication.recipient", index="btree_not_null", ondelete="set null"
    )

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        failed = self.filtered(
            lambda m: m.crisis_recipient_id and m.state == "exception"
        )
        for mail in failed:
            mail.crisis_recipient_id.sudo().write(
                {
                    "state": "failed",
                    "error": mail.failure_reason or failure_reason or failure_type,
                }
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
