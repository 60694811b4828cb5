# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A system administrator sets the crisis settings in Odoo's own Settings,
walked in Chromium: the section is there and saving stores the company's
values (crisis administrators without system rights use Crisis ›
Configuration › Settings, see test_daily_paths_tour)."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSystemSettingsTour(HttpCase):
    def test_system_admin_sets_crisis_settings_in_odoos_settings(self):
        company = self.env["res.company"].create({"name": "Tour Einstellungen GmbH"})
        company.crisis_inquiry_sla_minutes = 120
        new_test_user(
            self.env,
            login="tour_system_admin",
            groups="base.group_system,crisis_management.group_crisis_admin",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        self.start_tour(
            "/odoo/settings",
            "crisis_management_system_settings_tour",
            login="tour_system_admin",
        )
        self.assertEqual(company.crisis_inquiry_sla_minutes, 50)
        self.assertEqual(company.crisis_register_court, "Amtsgericht Stendal")
        # The other company's settings are untouched.
        self.assertNotEqual(
            self.env.ref("base.main_company").crisis_register_court,
            "Amtsgericht Stendal",
        )
