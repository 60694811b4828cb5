# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrisisModeTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company of its own, so that demo data cannot interfere.
        cls.company = cls.env["res.company"].create({"name": "Tour GmbH"})
        common = {
            "company_id": cls.company.id,
            "company_ids": [(6, 0, cls.company.ids)],
        }
        cls.lead = new_test_user(
            cls.env,
            login="tour_lead",
            groups="crisis_management.group_crisis_manager",
            **common,
        )
        cls.clerk = new_test_user(
            cls.env,
            login="tour_clerk",
            groups="crisis_management.group_crisis_user",
            **common,
        )

    def test_indicator_appears_in_crisis_mode_and_opens_the_incident(self):
        self.start_tour("/odoo", "crisis_management_no_crisis_tour", login="tour_clerk")
        incident = self.env["crisis.incident"].create(
            {
                "name": "Tour-Brand",
                "severity": "critical",
                "company_id": self.company.id,
                "lead_id": self.lead.id,
            }
        )
        incident.with_user(self.lead).action_activate()
        self.assertTrue(self.company.crisis_mode)
        self.start_tour(
            "/odoo", "crisis_management_crisis_mode_tour", login="tour_clerk"
        )
