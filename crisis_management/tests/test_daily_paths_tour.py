# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily path of each crisis role, walked in Chromium as that role:
the hotline takes a call and finds it in the inquiry list; the crisis team
starts a broadcast from its menu and sends it; a salesperson sees the crisis
on an affected opportunity's card and form; a crisis administrator without
system rights configures crisis management on the one settings screen."""

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDailyPathsTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company of its own, so that demo data cannot interfere.
        cls.company = cls.env["res.company"].create({"name": "Tour Alltag GmbH"})
        common = {
            "company_id": cls.company.id,
            "company_ids": [(6, 0, cls.company.ids)],
            "lang": "en_US",
            "tz": "Europe/Berlin",
        }
        cls.lead = new_test_user(
            cls.env,
            login="tour_day_lead",
            groups="crisis_management.group_crisis_manager",
            **common,
        )
        cls.approver = new_test_user(
            cls.env,
            login="tour_day_approver",
            groups="crisis_management.group_crisis_manager",
            **common,
        )
        cls.hotline = new_test_user(
            cls.env,
            login="tour_day_hotline",
            groups="crisis_management.group_crisis_user",
            **common,
        )
        cls.admin = new_test_user(
            cls.env,
            login="tour_day_admin",
            groups="crisis_management.group_crisis_admin",
            **common,
        )
        cls.seller = new_test_user(
            cls.env,
            login="tour_day_seller",
            groups="crisis_management.group_crisis_user,sales_team.group_sale_salesman",
            **common,
        )
        cls.incident = cls.env["crisis.incident"].create(
            {
                "name": "Tour-Brand Halle 9",
                "severity": "critical",
                "company_id": cls.company.id,
                "lead_id": cls.lead.id,
            }
        )
        cls.incident.with_user(cls.lead).action_activate()

    def test_hotline_takes_a_call_and_finds_it(self):
        self.assertTrue(self.company.crisis_mode)
        Inquiry = self.env["crisis.inquiry"].with_context(active_test=False)
        before = Inquiry.search_count([("company_id", "=", self.company.id)])
        self.start_tour(
            "/odoo", "crisis_management_hotline_day_tour", login="tour_day_hotline"
        )
        inquiries = Inquiry.search([("company_id", "=", self.company.id)])
        # One call taken, and no blank inquiry from the refused empty screen.
        self.assertEqual(len(inquiries), before + 1)
        call = inquiries.filtered(lambda i: i.caller_name == "Tour Anruferin Krause")
        self.assertEqual(call.question, "Tour: Darf ich das Fenster öffnen?")
        self.assertEqual(call.state, "in_progress")
        self.assertEqual(call.incident_id, self.incident)

    def test_team_sends_a_broadcast_from_its_menu(self):
        neighbours = self.env["crisis.stakeholder.type"].create(
            {"name": "Tour-Anwohner", "code": "tour_day_neighbours"}
        )
        purpose = self.env.ref("crisis_management.consent_purpose_crisis_info")
        for name in ("Tour Nachbar Eins", "Tour Nachbar Zwei"):
            partner = self.env["res.partner"].create(
                {
                    "name": name,
                    "email": f"{name.lower().replace(' ', '.')}@example.com",
                    "company_id": self.company.id,
                    "crisis_stakeholder_type_ids": [(6, 0, neighbours.ids)],
                }
            )
            self.env["crisis.consent"].create(
                {
                    "partner_id": partner.id,
                    "purpose_id": purpose.id,
                    "channel": "email",
                    "legal_basis": "consent",
                }
            )
        message = (
            self.env["crisis.message"]
            .with_user(self.lead)
            .with_context(lang="en_US")
            .create(
                {
                    "name": "Tour-Kernbotschaft",
                    "kind": "key_message",
                    "incident_id": self.incident.id,
                    "body": "<p>Keep windows closed.</p>",
                }
            )
        )
        message.write(
            {
                "name_de": "Tour-Kernbotschaft",
                "body_de": "<p>Fenster geschlossen halten.</p>",
            }
        )
        message.action_submit()
        message.with_user(self.approver).action_approve()
        self.start_tour(
            "/odoo/action-crisis_management.crisis_incident_action",
            "crisis_management_broadcast_day_tour",
            login="tour_day_lead",
        )
        broadcast = self.env["crisis.communication"].search(
            [("name", "=", "Tour-Nachbarinfo")]
        )
        self.assertEqual(broadcast.incident_id, self.incident)
        self.assertEqual(broadcast.message_id, message)
        self.assertNotEqual(broadcast.state, "draft")
        self.assertEqual(len(broadcast.recipient_ids), 2)

    def test_salesperson_sees_the_crisis_on_card_and_form(self):
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Werft Alltag GmbH",
                "is_company": True,
                "company_id": self.company.id,
            }
        )
        calm = self.env["res.partner"].create(
            {
                "name": "Tour Ruhig GmbH",
                "is_company": True,
                "company_id": self.company.id,
            }
        )
        for name, partner in (
            ("Tour Dock 3", customer),
            ("Tour Ruhiger Auftrag", calm),
        ):
            self.env["crm.lead"].create(
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": self.seller.id,
                    "company_id": self.company.id,
                    # In this month's column of the forecast pipeline.
                    "date_deadline": fields.Date.context_today(self.seller),
                }
            )
        self.incident.name = "Tour-Leck P7"
        self.env["crisis.inquiry"].create(
            {
                "incident_id": self.incident.id,
                "partner_id": customer.id,
                "name": "Tour: sind unsere Pumpen betroffen?",
                "question": "Sind unsere Pumpen betroffen?",
            }
        )
        self.start_tour(
            "/odoo/crm", "crisis_management_sales_day_tour", login="tour_day_seller"
        )
        # The forecast pipeline is CRM's kanban too, rebuilt by a view of its
        # own: the mark must not break it (it once replaced the card's first
        # div and the board stopped rendering).
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_forecast",
            "crisis_management_sales_forecast_tour",
            login="tour_day_seller",
        )

    def test_crisis_admin_configures_on_one_screen(self):
        self.assertFalse(self.admin.has_group("base.group_system"))
        team = self.env["crm.team"].create(
            {"name": "Tour-Innendienst", "company_id": self.company.id}
        )
        self.company.crisis_inquiry_sla_minutes = 120
        self.start_tour(
            "/odoo/action-crisis_management.crisis_incident_action",
            "crisis_management_settings_day_tour",
            login="tour_day_admin",
        )
        self.assertEqual(self.company.crisis_inquiry_sla_minutes, 45)
        self.assertEqual(self.company.crisis_hotline_team_ids, team)
        self.assertEqual(self.company.crisis_send_delay_seconds, 30)
        company = self.company.with_context(lang="de_DE")
        self.assertEqual(
            company.crisis_legal_footer,
            "Tour Alltag GmbH, Amtsgericht Halle (Saale) HRB 4711",
        )
        self.assertEqual(
            company.with_context(lang="en_US").crisis_legal_footer,
            "Tour Alltag GmbH, Local Court Halle (Saale) HRB 4711",
        )
