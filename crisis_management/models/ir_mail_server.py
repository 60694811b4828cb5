# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from . import crisis_mail_handover


class IrMailServer(models.AbstractModel):
    _inherit = "ir.mail_server"

    def send_email(self, message, *args, **kwargs):
        result = super().send_email(message, *args, **kwargs)
        # The SMTP server accepted it: a crisis mail's hand-over is recorded
        # before anything can roll back its "sent" mark.
        guard = getattr(crisis_mail_handover.current, "guard", None)
        if guard:
            guard.record(message["Message-Id"])
        return result
