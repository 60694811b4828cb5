# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import html2plaintext
from odoo.tools.mail import decode_message_header


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        """A bounce names the Message-Id of the e-mail that did not arrive:
        the recipient line that kept it moves from ``sent`` to ``bounced``."""
        res = super()._routing_handle_bounce(email_message, message_dict)
        msg_ids = message_dict.get("bounced_msg_ids") or []
        if msg_ids:
            lines = (
                self.env["crisis.communication.recipient"]
                .sudo()
                .search([("email_message_id", "in", msg_ids), ("state", "=", "sent")])
            )
            if lines:
                lines._mark_undelivered(
                    "bounced", self._crisis_bounce_reason(email_message, message_dict)
                )
        return res

    @api.model
    def _crisis_bounce_reason(self, email_message, message_dict):
        """The mail server's own words: the DSN's status and diagnostic code,
        else the start of the bounce text."""
        dsn_part = next(
            (
                part
                for part in email_message.walk()
                if part.get_content_type() == "message/delivery-status"
            ),
            None,
        )
        if dsn_part and len(dsn_part.get_payload()) > 1:
            dsn = dsn_part.get_payload()[1]
            reason = " ".join(
                filter(
                    None,
                    [
                        decode_message_header(dsn, "Status"),
                        decode_message_header(dsn, "Diagnostic-Code"),
                    ],
                )
            )
            if reason:
                return " ".join(reason.split())  # unfold header lines
        return html2plaintext(message_dict.get("body") or "").strip()[:500]
