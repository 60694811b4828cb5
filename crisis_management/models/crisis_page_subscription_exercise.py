# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrisisPageSubscription(models.Model):
    _inherit = "crisis.page.subscription"

    @api.model
    def _send_confirmation(self, incident, email, mobile, lang):
        """The opt-in mail of an exercise page goes to its observers, like
        every other e-mail of an exercise (the mail itself names no
        document the mail queue could trace back to the exercise)."""
        mail = super()._send_confirmation(incident, email, mobile, lang)
        if mail and incident.sudo().is_exercise:
            Mail = self.env["mail.mail"].sudo()
            vals = Mail._crisis_exercise_redirect(
                {
                    "model": "crisis.incident",
                    "res_id": incident.id,
                    "subject": mail.subject,
                    "body_html": mail.body_html,
                    "email_to": mail.email_to,
                    "email_from": mail.email_from,
                }
            )
            vals.pop("recipient_ids", None)
            mail.write(vals)
        return mail
