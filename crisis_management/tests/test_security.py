# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CrisisCommon


@tagged("post_install", "-at_install")
class TestSecurity(CrisisCommon):
    def test_groups_form_an_implied_chain(self):
        user = self.env.ref("crisis_management.group_crisis_user")
        manager = self.env.ref("crisis_management.group_crisis_manager")
        admin = self.env.ref("crisis_management.group_crisis_admin")
        self.assertEqual(manager.implied_ids, user)
        self.assertEqual(admin.implied_ids, manager)
        self.assertIn(self.env.ref("base.group_user"), user.implied_ids)
        category = self.env.ref("crisis_management.module_category_crisis")
        self.assertEqual((user | manager | admin).category_id, category)
        self.assertTrue(
            self.user_admin.has_group("crisis_management.group_crisis_user")
        )
        self.assertFalse(
            self.user_crisis.has_group("crisis_management.group_crisis_manager")
        )
        self.assertTrue(
            self.env.ref("base.user_admin").has_group(
                "crisis_management.group_crisis_admin"
            )
        )

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_menus_follow_groups(self):
        root = self.env.ref("crisis_management.crisis_menu_root")
        incidents = self.env.ref("crisis_management.crisis_incident_menu")
        config = self.env.ref("crisis_management.crisis_config_menu")
        log = self.env.ref("crisis_management.crisis_log_menu")
        self.assertNotIn(root.id, self._visible_menus(self.user_employee))
        visible_user = self._visible_menus(self.user_crisis)
        self.assertIn(root.id, visible_user)
        self.assertIn(incidents.id, visible_user)
        self.assertNotIn(config.id, visible_user)
        self.assertNotIn(log.id, visible_user)
        visible_manager = self._visible_menus(self.user_manager)
        self.assertIn(log.id, visible_manager)
        self.assertNotIn(config.id, visible_manager)
        self.assertIn(config.id, self._visible_menus(self.user_admin))

    def test_menu_speaks_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"].search(
            [("name", "=", "crisis_management")]
        )._update_translations(["de_DE"])
        root = self.env.ref("crisis_management.crisis_menu_root")
        self.assertEqual(root.with_context(lang="de_DE").name, "Krise")
        self.assertEqual(root.with_context(lang="en_US").name, "Crisis")
        incidents = self.env.ref("crisis_management.crisis_incident_menu")
        self.assertEqual(incidents.with_context(lang="de_DE").name, "Vorfälle")

    def test_access_rights(self):
        incident = self._create_incident()
        Incident = self.env["crisis.incident"]
        with self.assertRaises(AccessError):
            Incident.with_user(self.user_employee).search([])
        # Hotline staff read incidents but do not run them.
        self.assertEqual(
            Incident.with_user(self.user_crisis).search([("id", "=", incident.id)]),
            incident,
        )
        with self.assertRaises(AccessError):
            incident.with_user(self.user_crisis).write({"name": "x"})
        with self.assertRaises(AccessError):
            Incident.with_user(self.user_crisis).create({"name": "x"})
        # The crisis team runs incidents, but configuration is for admins.
        Incident.with_user(self.user_manager).create({"name": "Produktrückruf"})
        with self.assertRaises(AccessError):
            self.env["crisis.incident.type"].with_user(self.user_manager).create(
                {"name": "Flood", "code": "flood"}
            )
        self.env["crisis.incident.type"].with_user(self.user_admin).create(
            {"name": "Flood", "code": "flood"}
        )

    def test_confidential_incident_hidden_outside_team(self):
        incident = self._create_incident(is_confidential=True)
        incident._log("fact", "Geheime Tatsache")
        for user in (self.user_crisis, self.user_manager2):
            self.assertFalse(
                self.env["crisis.incident"]
                .with_user(user)
                .search([("id", "=", incident.id)])
            )
            self.assertFalse(
                self.env["crisis.log"]
                .with_user(user)
                .search([("incident_id", "=", incident.id)])
            )
            with self.assertRaises(AccessError):
                incident.with_user(user).read(["name"])
        self.assertTrue(incident.with_user(self.user_manager).read(["name"]))
        self.assertTrue(incident.with_user(self.user_admin).read(["name"]))
        incident.member_ids = [
            (0, 0, {"user_id": self.user_crisis.id, "role": "hotline"})
        ]
        self.assertTrue(incident.with_user(self.user_crisis).read(["name"]))

    def test_log_is_append_only_even_for_admins(self):
        incident = self._create_incident()
        entry = incident._log("decision", "Evakuierung angeordnet")
        for user in (self.user_admin, self.env.ref("base.user_root")):
            with self.assertRaises(UserError):  # AccessError is a UserError
                entry.with_user(user).write({"body": "nichts passiert"})
            with self.assertRaises(UserError):  # AccessError is a UserError
                entry.with_user(user).unlink()
        self.assertEqual(entry.body, "Evakuierung angeordnet")
