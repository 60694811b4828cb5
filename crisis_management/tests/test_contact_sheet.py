# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CrisisMessageCommon

REPORT = "crisis_management.action_report_crisis_contact_sheet"


@tagged("post_install", "-at_install")
class TestContactSheet(CrisisMessageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_manager.partner_id.mobile = "+49 171 5550001"
        cls.user_manager2.partner_id.phone = "+49 30 5550002"
        cls.incident.member_ids = [
            Command.create({"user_id": cls.user_manager2.id, "role": "spokesperson"})
        ]
        cls.reporter = cls._partner(
            "Rita Reporterin",
            "rita@example.com",
            "+49 160 5550003",
            types=[cls.type_press],
            crisis_influence="high",
        )
        cls.minor = cls._partner(
            "Nils Nebenbei",
            "nils@example.com",
            "+49 160 5550004",
            types=[cls.type_press],
            crisis_influence="low",
        )

    def _render(self, lang, user=None):
        Report = self.env["ir.actions.report"].with_context(lang=lang)
        if user:
            Report = Report.with_user(user)
        html, _type = Report._render_qweb_html(REPORT, self.incident.ids)
        return html.decode()

    def test_sheet_renders_in_both_languages_without_side_effects(self):
        before = len(self.incident.log_ids)
        html = self._render("en_US", self.user_manager)
        self.assertIn("Emergency Contact Sheet", html)
        self.assertIn("Max Krisenstab", html)
        self.assertIn("+49 171 5550001", html)
        self.assertIn("Petra Sprecherin", html)
        self.assertIn("+49 30 5550002", html)
        self.assertIn("Spokesperson", html)
        self.assertIn("Rita Reporterin", html)
        self.assertIn("+49 160 5550003", html)
        self.assertNotIn("Nils Nebenbei", html, "only key stakeholders")
        html_de = self._render("de_DE", self.user_manager)
        self.assertIn("Notfall-Kontaktliste", html_de)
        self.assertIn("Krisenstab", html_de)
        # Rendering is what a GET does: it writes nothing (issue 22, item 9).
        self.assertEqual(len(self.incident.log_ids), before)
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_sheet_pdf(self):
        # wkhtmltopdf would fetch the styles from this very test server,
        # which waits for the test's cursor: point it at a closed port.
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.incident.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_print_action_language_and_access(self):
        action = (
            self.incident.with_user(self.user_manager)
            .with_context(contact_sheet_lang="de_DE")
            .action_print_contact_sheet()
        )
        self.assertEqual(
            action["report_name"], "crisis_management.report_crisis_contact_sheet"
        )
        self.assertEqual(action["context"]["lang"], "de_DE")
        self.incident.is_confidential = True
        with self.assertRaises(AccessError):
            self.incident.with_user(self.user_crisis).action_print_contact_sheet()
