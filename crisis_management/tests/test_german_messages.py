# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What recipients read: the words the suite adds around a message (answer
buttons, links, unsubscribe notes) are in the recipient's language too."""

from odoo.tests import tagged

from .common import CrisisSafetyCheckCommon

ADDONS = ["crisis_management", "crisis_social", "crisis_reports"]


@tagged("post_install", "-at_install")
class TestGermanMessages(CrisisSafetyCheckCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(
            ADDONS, ["de_DE"], overwrite=True
        )

    def test_safety_check_mail_and_sms_in_each_language(self):
        comm = self._safety_check()
        mail_de = self.env["mail.mail"].search(
            [("crisis_recipient_id", "=", self._line(comm, self.jonas).id)]
        )
        mail_en = self.env["mail.mail"].search(
            [("crisis_recipient_id", "=", self._line(comm, self.tom).id)]
        )
        sms_de = self.env["sms.sms"].search(
            [("crisis_recipient_id", "=", self._line(comm, self.jonas, "sms").id)]
        )
        sms_en = self.env["sms.sms"].search(
            [("crisis_recipient_id", "=", self._line(comm, self.tom, "sms").id)]
        )
        self.assertIn("Jetzt antworten", mail_de.body_html)
        self.assertIn("Falls die Schaltfläche nicht funktioniert", mail_de.body_html)
        self.assertNotIn("Answer now", mail_de.body_html)
        self.assertNotIn("If the button does not work", mail_de.body_html)
        self.assertIn("Answer now: I am safe / I need help", mail_en.body_html)
        self.assertNotIn("Jetzt antworten", mail_en.body_html)
        # Who writes first; replies by link, never by SMS.
        sender = self.company.crisis_sms_sender or self.company.name
        self.assertTrue(sms_de.body.startswith(f"{sender}: "), sms_de.body)
        self.assertTrue(sms_en.body.startswith(f"{sender}: "), sms_en.body)
        self.assertIn("Geben Sie uns über diesen Link Bescheid:", sms_de.body)
        self.assertNotIn("antworten Sie", sms_de.body)
        self.assertIn("Let us know by this link:", sms_en.body)
        self.assertNotIn("reply", sms_en.body.lower())

    def test_letter_names_its_encoding_for_the_pdf(self):
        """Without Odoo's page head, wkhtmltopdf read the letter as Latin-1:
        "öffnen" printed as "Ã¶ffnen"."""
        comm = self._safety_check()
        line = self._line(comm, self.jonas)
        Report = self.env["ir.actions.report"]
        html = Report._render_qweb_html(
            "crisis_management.action_report_crisis_letter", line.ids
        )[0]
        bodies = Report._prepare_html(html, report_model=line._name)[0]
        self.assertEqual(len(bodies), 1)
        self.assertTrue(bodies[0].startswith('<meta charset="utf-8">'), bodies[0][:80])
        self.assertIn("öffnen Sie diese Adresse", bodies[0])
