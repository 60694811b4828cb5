# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrisisCrmTour(HttpCase):
    """The crisis banner on the contact and the opportunity, in Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Tour Pumpen AG"})
        common = {
            "company_id": cls.company.id,
            "company_ids": [(6, 0, cls.company.ids)],
        }
        cls.boss = new_test_user(
            cls.env,
            login="tour_crm_boss",
            groups="crisis_management.group_crisis_manager,"
            "sales_team.group_sale_salesman_all_leads",
            **common,
        )
        approver = new_test_user(
            cls.env,
            login="tour_crm_approver",
            groups="crisis_management.group_crisis_manager",
            **common,
        )
        cls.seller = new_test_user(
            cls.env,
            login="tour_crm_seller",
            groups="crisis_management.group_crisis_user,sales_team.group_sale_salesman",
            **common,
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Tour Werft GmbH",
                "is_company": True,
                "user_id": cls.seller.id,
                "company_id": cls.company.id,
            }
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Tour Dock 3",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.seller.id,
                "company_id": cls.company.id,
            }
        )
        cls.incident = cls.env["crisis.incident"].create(
            {
                "name": "Tour-Leck P7",
                "severity": "critical",
                "company_id": cls.company.id,
                "lead_id": cls.boss.id,
            }
        )
        cls.incident.with_user(cls.boss).action_activate()
        message = (
            cls.env["crisis.message"]
            .with_user(cls.boss)
            .create(
                {
                    "name": "Tour key message: stop P7",
                    "kind": "key_message",
                    "incident_id": cls.incident.id,
                    "company_id": cls.company.id,
                    "body": "<p>Stop P7 pumps.</p>",
                }
            )
        )
        message.action_submit()
        message.with_user(approver).action_approve()
        cls.env["crisis.inquiry"].create(
            {
                "incident_id": cls.incident.id,
                "partner_id": cls.customer.id,
                "name": "Tour: are our pumps affected?",
            }
        )

    def test_banner_on_contact_and_opportunity(self):
        self.start_tour(
            f"/odoo/res.partner/{self.customer.id}",
            "crisis_management_crm_banner_tour",
            login="tour_crm_seller",
        )
        self.start_tour(
            f"/odoo/crm/{self.lead.id}",
            "crisis_management_crm_lead_banner_tour",
            login="tour_crm_seller",
        )

    def test_confidential_incident_shows_no_banner_to_outsiders(self):
        other = self.env["res.partner"].create(
            {"name": "Tour Geheim Kunde", "company_id": self.company.id}
        )
        secret = self.env["crisis.incident"].create(
            {
                "name": "Tour-Geheim",
                "severity": "critical",
                "company_id": self.company.id,
                "lead_id": self.boss.id,
                "is_confidential": True,
            }
        )
        secret.with_user(self.boss).action_activate()
        self.env["crisis.inquiry"].create(
            {"incident_id": secret.id, "partner_id": other.id, "name": "Geheim"}
        )
        self.start_tour(
            f"/odoo/res.partner/{other.id}",
            "crisis_management_crm_no_banner_tour",
            login="tour_crm_seller",
        )
