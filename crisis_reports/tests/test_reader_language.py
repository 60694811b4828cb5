# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The German reports read German where the system wrote the text itself
(skip reasons, crisis mode entries of the log), and print four-digit years."""

import re

from odoo.tests import tagged

from odoo.addons.crisis_management.tests.common import calm_company
from odoo.addons.crisis_reports.report.crisis_report_base import four_digit_year

from .common import CrisisReportsCase

TWO_DIGIT_YEAR = re.compile(r"(?<![\d.])\d{1,2}[./]\d{1,2}[./]\d{2}(?![\d./])")
FOUR_DIGIT_YEAR = re.compile(r"\b\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\b")


@tagged("post_install", "-at_install")
class TestReportsReaderLanguage(CrisisReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Somebody without any consent, addressed from an English session.
        cls.nora = cls._partner("Nora Ohne", "nora@example.com", types=[])
        cls.comm_nora = cls._communication(
            cls.message, audience_partner_ids=[(6, 0, cls.nora.ids)]
        )
        cls.comm_nora.with_user(cls.user_manager).action_send()

    def _html(self, report, records, lang):
        html = (
            self.env["ir.actions.report"]
            .with_context(lang=lang, tz="Europe/Berlin")
            ._render_qweb_html(f"crisis_reports.report_{report}", records.ids)[0]
        )
        return " ".join(html.decode().split())

    def test_german_communication_report_gives_german_skip_reasons(self):
        line = self.comm_nora.recipient_ids
        self.assertEqual(line.skip_code, "no_basis")
        html = self._html("communication", self.incident, "de_DE")
        self.assertIn("Keine Einwilligung oder andere Rechtsgrundlage für", html)
        self.assertNotIn("No consent or other legal basis", html)
        html = self._html("communication", self.incident, "en_US")
        self.assertIn("No consent or other legal basis for", html)
        self.assertNotIn("Keine Einwilligung oder andere Rechtsgrundlage", html)

    def test_german_chronology_gives_german_crisis_mode_entries(self):
        calm_company(self.env, self.company)
        incident = self._create_incident(name="Brand Halle 7")
        # Switched on from an English session.
        incident.with_user(self.user_manager).action_activate()
        name = self.company.name
        self.assertTrue(
            incident.log_ids.filtered(
                lambda e: e.body_code == "Crisis mode switched on for %(company)s."
            )
        )
        html = self._html("chronology", incident, "de_DE")
        self.assertIn(f"Krisenmodus für {name} eingeschaltet.", html)
        self.assertNotIn("Crisis mode switched on", html)
        html = self._html("chronology", incident, "en_US")
        self.assertIn(f"Crisis mode switched on for {name}.", html)

    def test_reports_print_four_digit_years(self):
        for report in ("situation", "communication", "chronology"):
            html = self._html(report, self.incident, "de_DE")
            text = re.sub(r"<[^>]+>", " ", html)
            self.assertRegex(text, FOUR_DIGIT_YEAR, report)
            self.assertFalse(TWO_DIGIT_YEAR.findall(text), report)

    def test_four_digit_year_pattern(self):
        self.assertEqual(four_digit_year("dd.MM.yy, HH:mm"), "dd.MM.yyyy, HH:mm")
        self.assertEqual(four_digit_year("M/d/yy, h:mm a"), "M/d/yyyy, h:mm a")
        self.assertEqual(four_digit_year("dd.MM.yyyy"), "dd.MM.yyyy")
        self.assertEqual(four_digit_year("d 'yy' y"), "d 'yy' yyyy")
