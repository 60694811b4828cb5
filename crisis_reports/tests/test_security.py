# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.crisis_management.tests.common import CrisisCommon


@tagged("post_install", "-at_install")
class TestReportsSecurity(CrisisCommon):
    def test_reports_menu_for_the_crisis_team_only(self):
        menu = self.env.ref("crisis_reports.crisis_reports_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertEqual(
            menu.parent_id, self.env.ref("crisis_management.crisis_menu_report")
        )
        self.assertNotIn(menu.id, Menu.with_user(self.user_crisis)._visible_menu_ids())
        self.assertIn(menu.id, Menu.with_user(self.user_manager)._visible_menu_ids())
        self.assertNotIn(
            menu.id, Menu.with_user(self.user_employee)._visible_menu_ids()
        )

    def test_reports_menu_speaks_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"].search(
            [("name", "=", "crisis_reports")]
        )._update_translations(["de_DE"], overwrite=True)
        menu = self.env.ref("crisis_reports.crisis_reports_menu")
        self.assertEqual(menu.with_context(lang="de_DE").name, "Vorfallberichte")
        # Not "Berichte › Berichte": the entry says what it lists.
        self.assertNotEqual(menu.name, menu.parent_id.name)
