# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import json
from urllib.parse import quote

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrisisReportsCase


@tagged("post_install", "-at_install")
class TestReportAccess(CrisisReportsCase):
    """Reports follow the record rules: nobody prints what they may not read."""

    def _html(self, report, records, user):
        return (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(f"crisis_reports.report_{report}", records.ids)
        )

    def test_outsider_cannot_print_a_confidential_incident(self):
        self.incident.is_confidential = True
        outsider = self.user_manager2.copy({"login": "outsider_manager"})
        outsider.groups_id = self.env.ref("crisis_management.group_crisis_manager")
        for report in ("situation", "chronology", "communication", "review"):
            with self.subTest(report=report), self.assertRaises(AccessError):
                self._html(report, self.incident, outsider)
        # The team itself still prints it.
        html, _kind = self._html("chronology", self.incident, self.user_manager)
        self.assertIn(b"Brand in Halle 2", html)

    def test_every_report_of_an_exercise_says_so(self):
        observer = self.user_manager2
        exercise = self._create_incident(
            name="Übung Brand",
            is_exercise=True,
            exercise_observer_ids=[(6, 0, observer.ids)],
        )
        for report in ("situation", "chronology", "communication", "review"):
            with self.subTest(report=report):
                html, _kind = self._html(report, exercise, self.user_manager)
                self.assertIn(b"EXERCISE", html)
                html, _kind = self._html(report, self.incident, self.user_manager)
                self.assertNotIn(b"EXERCISE", html)
        german = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            .with_context(lang="de_DE")
            ._render_qweb_html("crisis_reports.report_situation", exercise.ids)[0]
        )
        self.assertIn("ÜBUNG".encode(), german)

    def test_hotline_and_plain_users_cannot_print(self):
        for user in (self.user_crisis, self.user_employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._html("situation", self.incident, user)

    def test_subject_access_only_for_crisis_admins(self):
        with self.assertRaises(AccessError):
            self._html("subject_access", self.doris, self.user_manager)
        html, _kind = self._html("subject_access", self.doris, self.user_admin)
        self.assertIn(b"Doris Deutsch", html)

    def test_print_dialog_carries_language_and_time_zone(self):
        wizard = (
            self.env["crisis.report.print"]
            .with_user(self.user_manager)
            .create(
                {
                    "incident_id": self.incident.id,
                    "report": "chronology",
                    "lang": "de_DE",
                    "tz": "America/New_York",
                }
            )
        )
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "crisis_reports.report_chronology")
        self.assertEqual(action["context"]["lang"], "de_DE")
        self.assertEqual(action["context"]["tz"], "America/New_York")
        self.assertEqual(action["data"]["doc_ids"], self.incident.ids)
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager)
            .with_context(**action["context"])
            ._render_qweb_html(action["report_name"], None, data=action["data"])
        )
        self.assertIn(b"Zeiten in America/New_York", html)
        self.assertIn(b"Chronologie", html)

    def test_print_dialog_through_the_report_route(self):
        """The URL the web client builds from the dialog's action renders
        the chosen language and time zone, and only for who may read."""
        action = (
            self.env["crisis.report.print"]
            .with_user(self.user_manager)
            .create(
                {
                    "incident_id": self.incident.id,
                    "report": "situation",
                    "lang": "de_DE",
                    "tz": "Asia/Tokyo",
                }
            )
            .action_print()
        )
        url = (
            f"/report/html/{action['report_name']}"
            f"?options={quote(json.dumps(action['data']))}"
            f"&context={quote(json.dumps(action['context']))}"
        )
        self.authenticate(self.user_manager.login, self.user_manager.login)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Lagebericht", response.text)
        self.assertIn("Zeiten in Asia/Tokyo (UTC+09:00)", response.text)
        self.assertIn("Presseerklärung vorbereiten", response.text)
        self.incident.is_confidential = True
        outsider = self.user_manager2.copy({"login": "outsider_route"})
        outsider.groups_id = self.env.ref("crisis_management.group_crisis_manager")
        outsider.password = "outsider_route"
        self.authenticate("outsider_route", "outsider_route")
        with mute_logger("odoo.http", "odoo.addons.web.controllers.report"):
            response = self.url_open(url)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("Presseerklärung vorbereiten", response.text)

    def test_xlsx_exports_follow_the_rules(self):
        self.authenticate(self.user_manager.login, self.user_manager.login)
        response = self.url_open(
            f"/crisis_reports/xlsx/chronology/{self.incident.id}?lang=de_DE"
            "&tz=Europe/Berlin"
        )
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book.active
        values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        self.assertIn("Evakuierung des Werksgeländes angeordnet", values)
        self.assertIn(self.incident.log_head_hash, values)
        self.assertTrue(any(str(v).startswith("Die Kette aus") for v in values))
        response = self.url_open(
            f"/crisis_reports/xlsx/communication/{self.incident.id}?lang=en_US"
        )
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertTrue(any("doris@example.com" in (row[4] or "") for row in rows))
        self.assertEqual(
            self.url_open(
                f"/crisis_reports/xlsx/unknown/{self.incident.id}"
            ).status_code,
            404,
        )
        # An outsider gets nothing of a confidential incident.
        self.incident.is_confidential = True
        outsider = self.user_manager2.copy({"login": "outsider_xlsx"})
        outsider.groups_id = self.env.ref("crisis_management.group_crisis_manager")
        outsider.password = "outsider_xlsx"
        self.authenticate("outsider_xlsx", "outsider_xlsx")
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/crisis_reports/xlsx/chronology/{self.incident.id}"
            )
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(b"Evakuierung", response.content)
