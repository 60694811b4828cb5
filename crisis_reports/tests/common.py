# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase
from odoo.tools.pdf import PdfFileReader

from odoo.addons.crisis_management.tests.common import CrisisMessageCommon


class CrisisReportsCase(CrisisMessageCommon, HttpCase):
    """An active incident with a team, a log, tasks, inquiries, a sent
    communication and consents; reports rendered as real PDFs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"].search(
            [("name", "in", ("crisis_management", "crisis_reports"))]
        )._update_translations(["de_DE"], overwrite=True)
        now = fields.Datetime.now()
        incident = cls.incident
        cls.env["crisis.incident.member"].create(
            [
                {
                    "incident_id": incident.id,
                    "user_id": cls.user_manager.id,
                    "role": "lead",
                },
                {
                    "incident_id": incident.id,
                    "user_id": cls.user_manager2.id,
                    "role": "spokesperson",
                },
            ]
        )
        incident.with_user(cls.user_manager).action_activate()
        incident._log("fact", "Brand in Halle 2 um 06:12 gemeldet")
        incident._log("decision", "Evakuierung des Werksgeländes angeordnet")
        # People
        cls.doris = cls._partner(
            "Doris Deutsch",
            "doris@example.com",
            "+49 151 10000001",
            types=[cls.type_neighbor],
            phone="+49 231 5550101",
        )
        cls.edward = cls._partner(
            "Edward English",
            "edward@example.com",
            "+49 151 10000002",
            "en_US",
            types=[cls.type_neighbor],
        )
        # Another person of the same name: nothing of hers may appear in
        # Doris's subject access report.
        cls.namesake = cls._partner(
            "Doris Deutsch",
            "doris.zweite@example.org",
            "+49 171 9999999",
            types=[cls.type_customer],
        )
        cls.consent_doris = cls._consent(
            cls.doris, "email", source="Webformular Nachbarschaftsinfo"
        )
        cls._consent(cls.doris, "sms", source="Bürgerversammlung 2026")
        cls._consent(cls.edward, "email")
        cls._consent(cls.namesake, "email", source="Kundenportal Zweitkonto")
        # Tasks: one open and overdue, one done after its deadline.
        Task = cls.env["crisis.task"]
        cls.task_overdue = Task.create(
            {
                "incident_id": incident.id,
                "name": "Presseerklärung vorbereiten",
                "user_id": cls.user_manager2.id,
                "date_deadline": now - timedelta(hours=1),
            }
        )
        cls.task_late = Task.create(
            {
                "incident_id": incident.id,
                "name": "Anwohner informieren",
                "user_id": cls.user_manager2.id,
                "date_deadline": now - timedelta(hours=2),
            }
        )
        cls.task_late.with_user(cls.user_manager2).action_done()
        # Inquiries
        Inquiry = cls.env["crisis.inquiry"]
        cls.inquiry_doris = Inquiry.create(
            {
                "incident_id": incident.id,
                "partner_id": cls.doris.id,
                "channel": "phone",
                "name": "Rauch im Garten",
                "question": "Darf ich mein Gemüse noch essen?",
                "answer": "Bitte waschen Sie es gründlich ab.",
                "date_received": now - timedelta(hours=3),
            }
        )
        cls.inquiry_doris.with_user(cls.user_manager).action_answer()
        cls.inquiry_caller = Inquiry.create(
            {
                "incident_id": incident.id,
                "caller_name": "Anruferin ohne Kontakt",
                "caller_phone": "0231 5550101",
                "channel": "phone",
                "name": "Schulweg gesperrt?",
                "question": "Ist der Schulweg an der Hafenstraße gesperrt?",
                "date_received": now - timedelta(hours=5),
            }
        )
        cls.inquiry_namesake = Inquiry.create(
            {
                "incident_id": incident.id,
                "partner_id": cls.namesake.id,
                "channel": "email",
                "name": "Lieferverzug Bestellung 4711",
                "question": "Kommt meine Bestellung 4711 noch?",
                "date_received": now - timedelta(hours=1),
            }
        )
        # A communication sent to Doris and Edward by e-mail.
        cls.message = cls._approved_message(kind="holding_statement")
        cls.comm = cls._communication(
            cls.message, audience_partner_ids=[(6, 0, (cls.doris | cls.edward).ids)]
        )
        cls.comm.with_user(cls.user_manager).action_send()
        cls.env["crisis.communication"].sudo()._cron_send()
        cls.env.invalidate_all()

    def setUp(self):
        super().setUp()
        # wkhtmltopdf fetches the report's styles from this test's server.
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())

    def _pdf(self, report, records, lang="en_US", user=None, tz="Europe/Berlin"):
        """Render ``report`` as a real PDF (wkhtmltopdf) and return it."""
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user)
        pdf, kind = Report.with_context(
            lang=lang, tz=tz, force_report_rendering=True
        )._render_qweb_pdf(f"crisis_reports.report_{report}", records.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def _text(self, pdf):
        """The text of every page, whitespace collapsed."""
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        text = " ".join(page.extract_text() for page in reader.pages)
        return " ".join(text.split())
