# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import CrisisReportsCase


@tagged("post_install", "-at_install")
class TestPrintDialogTour(CrisisReportsCase):
    """Every report from the incident's print dialog, in Chromium, as a
    crisis administrator: the four incident reports and the data subject
    access report (Art. 15 GDPR), which asks for the person."""

    def test_every_report_from_the_print_dialog(self):
        self.start_tour(
            f"/odoo/action-crisis_management.crisis_incident_action/{self.incident.id}",
            "crisis_reports_print_dialog_tour",
            login="crisis_admin",
        )
