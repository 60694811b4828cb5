# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import tagged

from .common import CrisisReportsCase


@tagged("post_install", "-at_install")
class TestReportPdf(CrisisReportsCase):
    """Each report is a real PDF in German and in English with the values
    of the records."""

    def test_chronology_in_both_languages(self):
        count = self.incident.verify_log()["count"]
        head = self.incident.log_head_hash
        text = self._text(self._pdf("chronology", self.incident, "en_US"))
        self.assertIn("Chronology", text)
        self.assertIn(f"The chain of {count} entries is intact", text)
        self.assertIn("Brand in Halle 2 um 06:12 gemeldet", text)
        self.assertIn("Decision", text)
        self.assertIn("Times in Europe/Berlin", text)
        self.assertIn("Page 1 of", text)
        # The head hash is printed in full, so the paper anchors the chain.
        self.assertIn(head, text.replace(" ", ""))
        text = self._text(self._pdf("chronology", self.incident, "de_DE"))
        self.assertIn("Chronologie", text)
        self.assertIn(f"Die Kette aus {count} Einträgen ist intakt", text)
        self.assertIn("Entscheidung", text)
        self.assertIn("Zeiten in Europe/Berlin", text)
        self.assertIn("Seite 1 von", text)
        # Letterhead and legal details print in header and footer (they need
        # the wkhtmltopdf with patched Qt that .ci/setup.sh provides).
        footer = " ".join(
            self.incident.company_id._crisis_legal_footer("de_DE").split()
        )
        self.assertIn(footer, text)

    def test_chronology_of_a_tampered_log_says_so(self):
        third = self.incident.log_ids.sorted("sequence")[2]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crisis_log SET body = 'Nichts passiert' WHERE id = %s", [third.id]
        )
        self.env.invalidate_all()
        text = self._text(self._pdf("chronology", self.incident, "en_US"))
        self.assertIn("CRISIS LOG NOT INTACT", text)
        self.assertIn(f"THE CHAIN IS BROKEN at entry no. {third.sequence}", text)
        self.assertNotIn("is intact", text)
        text = self._text(self._pdf("chronology", self.incident, "de_DE"))
        self.assertIn(
            f"DIE KETTE IST BESCHÄDIGT bei Eintrag Nr. {third.sequence}", text
        )

    def test_chronology_of_a_log_cut_at_the_end_says_so(self):
        last = self.incident.log_ids.sorted("sequence")[-1]
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM crisis_log WHERE id = %s", [last.id])
        self.env.invalidate_all()
        text = self._text(self._pdf("chronology", self.incident, "en_US"))
        self.assertIn("entries at the end were removed", text)

    def test_situation_in_both_languages(self):
        text = self._text(self._pdf("situation", self.incident, "en_US"))
        self.assertIn("Situation Report", text)
        self.assertIn("Critical", text)
        self.assertIn("Crisis mode is on", text)
        self.assertIn("Presseerklärung vorbereiten", text)
        self.assertIn("overdue", text)
        self.assertIn("Schulweg gesperrt?", text)
        self.assertIn("Evakuierung des Werksgeländes angeordnet", text)
        self.assertIn("Spokesperson", text)
        open_tasks = text[text.index("Open Tasks") : text.index("Open Inquiries")]
        self.assertIn("Presseerklärung vorbereiten", open_tasks)
        self.assertNotIn("Anwohner informieren", open_tasks)  # done, not open
        text = self._text(self._pdf("situation", self.incident, "de_DE"))
        self.assertIn("Lagebericht", text)
        self.assertIn("Kritisch", text)
        self.assertIn("Der Krisenmodus ist eingeschaltet", text)
        self.assertIn("überfällig", text)
        self.assertIn("Offene Anfragen", text)

    def test_communication_in_both_languages(self):
        text = self._text(self._pdf("communication", self.incident, "en_US"))
        self.assertIn("Communication Report", text)
        self.assertIn("Fire under control", text)
        self.assertIn("Doris Deutsch", text)
        self.assertIn("edward@example.com", text)
        self.assertIn("Sent", text)
        text = self._text(self._pdf("communication", self.incident, "de_DE"))
        self.assertIn("Kommunikationsbericht", text)
        self.assertIn("Brand unter Kontrolle", text)
        self.assertIn("Gesendet", text)

    def test_communication_shows_a_bounce(self):
        line = self.comm.recipient_ids.filtered(lambda r: r.partner_id == self.doris)
        self.assertTrue(line.email_message_id)
        bounce = (
            "From: MAILER-DAEMON@mx.example.net\n"
            "To: krisenstab@example.com\n"
            "Subject: Undelivered Mail Returned to Sender\n"
            "Message-Id: <bounce-4711@mx.example.net>\n"
            "MIME-Version: 1.0\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n'
            "\n--B\nContent-Type: text/plain\n\nUser unknown\n"
            "\n--B\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.example.net\n\n"
            "Final-Recipient: rfc822; doris@example.com\n"
            "Action: failed\nStatus: 5.1.1\n"
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
            "\n--B\nContent-Type: text/rfc822-headers\n\n"
            f"Message-Id: {line.email_message_id}\nTo: doris@example.com\n"
            "\n--B--\n"
        )
        self.env["mail.thread"].message_process(False, bounce)
        self.assertEqual(line.state, "bounced")
        text = self._text(self._pdf("communication", self.incident, "en_US"))
        self.assertIn("Bounced", text)
        self.assertIn("550 5.1.1 User unknown", text)

    def test_review_in_both_languages(self):
        text = self._text(self._pdf("review", self.incident, "en_US"))
        self.assertIn("Post-Crisis Review", text)
        self.assertIn("Activation", text)
        self.assertIn("First holding statement", text)
        self.assertIn("Inquiry Response Times", text)
        self.assertIn("Neighbour", text)
        self.assertIn("3 h 0 min", text)  # Doris waited three hours
        self.assertIn("Spokesperson", text)
        self.assertIn("100 %", text)  # the spokesperson's one task was late
        self.assertIn("What went well", text)
        text = self._text(self._pdf("review", self.incident, "de_DE"))
        self.assertIn("Nachbereitung", text)
        self.assertIn("Was gut lief", text)
        self.assertIn("3 Std. 0 Min.", text)

    def test_review_lists_every_deadline_and_whether_it_was_kept(self):
        Deadline = self.env["crisis.deadline"].sudo()
        start = self.incident.date_start
        kept = Deadline.create(
            {
                "incident_id": self.incident.id,
                "rule_id": self.env.ref(
                    "crisis_management.deadline_rule_gdpr_art33"
                ).id,
                "date_due": start + timedelta(hours=72),
            }
        )
        kept.write(
            {
                "state": "done",
                "date_done": start + timedelta(hours=20),
                "evidence": "Aktenzeichen LDI-4711",
            }
        )
        Deadline.create(
            {
                "incident_id": self.incident.id,
                "rule_id": self.env.ref(
                    "crisis_management.deadline_rule_nis2_early_warning"
                ).id,
                "date_due": start + timedelta(hours=24),
                "state": "overdue",
            }
        )
        text = self._text(self._pdf("review", self.incident, "en_US"))
        self.assertIn("Legal Deadlines", text)
        self.assertIn("GDPR Art. 33", text)
        self.assertIn("NIS2: early warning", text)
        self.assertIn("Kept", text)
        self.assertIn("Missed", text)
        self.assertIn("LDI-4711", text)
        text = self._text(self._pdf("review", self.incident, "de_DE"))
        self.assertIn("Gesetzliche Fristen", text)
        self.assertIn("DSGVO Art. 33", text)
        self.assertIn("Eingehalten", text)
        self.assertIn("Versäumt", text)

    def test_review_milestones_are_the_first_dates(self):
        rows = {
            row["label"]: row["date"]
            for row in self.env["report.crisis_reports.report_review"]
            .with_context(lang="en_US")
            ._milestones(self.incident)
        }
        holding = [
            date
            for date in (self.message.date_published, self.comm.date_queued)
            if date
        ]
        self.assertTrue(holding)
        self.assertEqual(rows["First holding statement"], min(holding))
        updates = self.env["crisis.incident.update"].search(
            [("incident_id", "=", self.incident.id), ("date_published", "!=", False)]
        )
        self.assertEqual(
            rows["First public update"],
            min(updates.mapped("date_published"), default=False),
        )
        self.assertEqual(rows["Activation"], self.incident.date_activated)

    def test_subject_access_lists_the_person_and_nobody_else(self):
        logs_before = self.env["privacy.log"].sudo().search_count([])
        pdf = self._pdf("subject_access", self.doris, "de_DE", user=self.user_admin)
        text = self._text(pdf)
        self.assertIn("Art. 15", text)
        self.assertIn("doris@example.com", text)
        self.assertIn("Webformular Nachbarschaftsinfo", text)
        self.assertIn("Bürgerversammlung 2026", text)
        self.assertIn("Rauch im Garten", text)
        self.assertIn("Bitte waschen Sie es gründlich ab.", text)
        # The call from her phone number without a contact is hers too.
        self.assertIn("Schulweg gesperrt?", text)
        self.assertIn("Brand unter Kontrolle", text)  # the message she received
        # Nothing of the other Doris Deutsch, nor of Edward.
        for other in (
            "doris.zweite@example.org",
            "Kundenportal Zweitkonto",
            "Lieferverzug",
            "edward@example.com",
            "Edward English",
        ):
            self.assertNotIn(other, text)
        self.assertEqual(
            self.env["privacy.log"].sudo().search_count([]), logs_before + 1
        )
        text = self._text(
            self._pdf("subject_access", self.doris, "en_US", user=self.user_admin)
        )
        self.assertIn("Information About Your Personal Data", text)
        self.assertIn("Your rights", text)
