# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from .common import CrisisCommon

# The Crisis app's entries in the order a crisis is worked: (English, German).
ENTRIES = [
    ("Situation", "Lagebild"),
    ("Hotline", "Hotline"),
    ("Communication", "Kommunikation"),
    ("Stakeholders", "Stakeholder"),
    ("Reports", "Berichte"),
    ("Configuration", "Konfiguration"),
]


@tagged("post_install", "-at_install")
class TestMenus(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"].search(
            [("name", "=", "crisis_management")]
        )._update_translations(["de_DE"])
        cls.root = cls.env.ref("crisis_management.crisis_menu_root")

    def _visible(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def _entries(self, user):
        visible = self._visible(user)
        entries = self.root.child_id.filtered(lambda menu: menu.id in visible)
        return list(
            zip(
                entries.with_context(lang="en_US").mapped("name"),
                entries.with_context(lang="de_DE").mapped("name"),
                strict=True,
            )
        )

    def test_six_entries_in_the_order_a_crisis_is_worked(self):
        self.assertLessEqual(len(self.root.child_id), 6)
        # The crisis team works the first five; configuration is for admins.
        self.assertEqual(self._entries(self.user_manager), ENTRIES[:5])
        self.assertEqual(self._entries(self.user_admin), ENTRIES)
        # Hotline staff see the situation, the hotline, the content they
        # answer with and the stakeholders.
        self.assertEqual(self._entries(self.user_crisis), ENTRIES[:4])
        self.assertNotIn(self.root.id, self._visible(self.user_employee))

    def test_the_situation_picture_comes_first(self):
        situation = self.env.ref("crisis_management.crisis_menu_situation")
        self.assertEqual(self.root.child_id[:1], situation)
        self.assertEqual(
            situation.child_id[:1],
            self.env.ref("crisis_management.crisis_situation_menu"),
        )
        for user in (self.user_crisis, self.user_manager, self.user_admin):
            self.assertIn(situation.child_id[:1].id, self._visible(user))

    def test_every_menu_opens_for_whoever_sees_it(self):
        menus = self.env["ir.ui.menu"].search([("id", "child_of", self.root.id)])
        model_field = {
            "ir.actions.act_window": "res_model",
            "ir.actions.server": "model_name",
            "ir.actions.report": "model",
            "ir.actions.client": None,
        }
        checked = 0
        for user in (self.user_crisis, self.user_manager, self.user_admin):
            shown = menus & menus.browse(self._visible(user))
            for menu in shown.filtered("action"):
                action = menu.action.sudo()
                with self.subTest(menu=menu.complete_name, user=user.login):
                    groups = action["groups_id"] if "groups_id" in action else None
                    self.assertTrue(
                        not groups or groups & user.groups_id,
                        "the action is reserved to groups the user lacks",
                    )
                    field = model_field[action._name]
                    if field and action[field]:
                        self.assertTrue(
                            self.env[action[field]].with_user(user).has_access("read")
                        )
                    checked += 1
        self.assertGreater(checked, 20)
