# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.crisis_management.tests.common import CrisisCommon


@tagged("post_install", "-at_install")
class TestLogAnchorMail(CrisisCommon):
    """The daily e-mail anchors each chain outside the database."""

    def _anchor_mails(self):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("email_to", "=", "notar@example.org")])
        )

    def test_head_hashes_mailed_to_the_outside_address(self):
        incident = self._create_incident()
        incident.with_user(self.user_manager).action_activate()
        incident._log("fact", "Brand gemeldet")
        secret = self._create_incident(name="Geheime Übernahme", is_confidential=True)
        secret.with_user(self.user_manager).action_activate()
        self.env["crisis.incident"]._cron_mail_log_anchor()
        self.assertFalse(self._anchor_mails(), "no address configured: no e-mail")
        self.env["ir.config_parameter"].sudo().set_param(
            "crisis_reports.log_anchor_email", "notar@example.org"
        )
        self.env["crisis.incident"]._cron_mail_log_anchor()
        mail = self._anchor_mails()
        self.assertEqual(len(mail), 1)
        self.assertIn(incident.log_head_hash, mail.body_html)
        self.assertIn(secret.log_head_hash, mail.body_html)
        self.assertIn(incident.name, mail.body_html)
        # A confidential incident is named by its reference only.
        self.assertIn(secret.reference, mail.body_html)
        self.assertNotIn("Geheime Übernahme", mail.body_html)
