# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import quote

from odoo.tests import tagged

from .common import CrisisReportsCase

NUL = quote("\x00")


@tagged("post_install", "-at_install")
class TestXlsxBadInput(CrisisReportsCase):
    """The XLSX export answers bad input with 400 or 404, never a 500."""

    def test_bad_ids_and_parameters(self):
        self.authenticate(self.user_manager.login, self.user_manager.login)
        base = "/crisis_reports/xlsx/chronology"
        for path, status in (
            (f"{base}/{2**31}", 404),
            (f"{base}/99999999999999999999", 404),
            (f"{base}/0", 404),
            (f"{base}/-1", 404),
            (f"{base}/abc", 404),
            (f"{base}/{self.incident.id}?lang=de{NUL}", 400),
            (f"{base}/{self.incident.id}?tz=Europe/Berlin{NUL}", 400),
            (f"{base}/{self.incident.id}?x{NUL}=1", 400),
            (f"/crisis_reports/xlsx/chronology{NUL}/{self.incident.id}", 400),
        ):
            response = self.url_open(path, headers={"Accept-Language": "en"})
            self.assertEqual(response.status_code, status, path)
            self.assertNotIn("Traceback", response.text)
        response = self.url_open(f"{base}/{self.incident.id}")
        self.assertEqual(response.status_code, 200)
