# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a new user meets on the screens: the inquiry list opens as a list,
the one crisis settings screen, the landing page during crisis mode."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CrisisCommon, calm_company


class TestScreenActions(CrisisCommon):
    def test_inquiry_menu_and_button_open_the_list(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_inquiry_action"
        )
        self.assertEqual(action["views"][0][1], "list")
        incident = self._create_incident()
        button = incident.with_user(self.user_crisis).action_view_inquiries()
        self.assertEqual(button["views"][0][1], "list")

    def test_settings_screen_for_crisis_admin_without_system_rights(self):
        self.assertFalse(self.user_admin.has_group("base.group_system"))
        team = self.env["crm.team"].create({"name": "Innendienst Einstellungen"})
        Settings = self.env["crisis.config.settings"].with_user(self.user_admin)
        self.company.crisis_inquiry_sla_minutes = 120
        settings = Settings.create({})
        self.assertEqual(settings.crisis_inquiry_sla_minutes, 120)
        settings.write(
            {
                "crisis_inquiry_sla_minutes": 45,
                "crisis_task_escalation_hours": 1.5,
                "crisis_hotline_team_ids": [(6, 0, team.ids)],
            }
        )
        result = settings.execute()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(self.company.crisis_inquiry_sla_minutes, 45)
        self.assertEqual(self.company.crisis_task_escalation_hours, 1.5)
        self.assertEqual(self.company.crisis_hotline_team_ids, team)
        # Opening the screen again shows what was saved.
        self.assertEqual(Settings.create({}).crisis_inquiry_sla_minutes, 45)
        # The crisis admin still cannot write the company directly.
        with self.assertRaises(AccessError):
            self.company.with_user(self.user_admin).write({"name": "Umbenannt"})

    def test_settings_screen_refused_to_the_crisis_team(self):
        for user in (self.user_manager, self.user_crisis):
            with self.assertRaises(AccessError):
                self.env["crisis.config.settings"].with_user(user).create(
                    {"crisis_inquiry_sla_minutes": 1}
                ).execute()
        self.assertNotEqual(self.company.crisis_inquiry_sla_minutes, 1)

    def test_settings_in_odoo_settings_for_system_admins(self):
        config = self.env["res.config.settings"].create(
            {"crisis_inquiry_sla_minutes": 33}
        )
        config.execute()
        self.assertEqual(self.company.crisis_inquiry_sla_minutes, 33)


@tagged("post_install", "-at_install")
class TestCrisisLanding(HttpCase):
    """During crisis mode a crisis user lands on the situation picture."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.hotline = new_test_user(
            cls.env,
            login="landing_hotline",
            groups="crisis_management.group_crisis_user",
        )
        cls.employee = new_test_user(
            cls.env, login="landing_employee", groups="base.group_user"
        )
        cls.wall = cls.env.ref("crisis_management.crisis_situation_dashboard_action")

    def _home_action(self, login):
        self.authenticate(login, login)
        return self.make_jsonrpc_request("/web/session/get_session_info")[
            "home_action_id"
        ]

    def test_crisis_user_lands_on_the_wall_during_crisis_mode(self):
        calm_company(self.env, self.company)
        self.assertFalse(self._home_action("landing_hotline"))
        self.company.sudo().write({"crisis_mode": True})
        self.assertEqual(self._home_action("landing_hotline"), self.wall.id)
        # Without the crisis app, nothing changes.
        self.assertFalse(self._home_action("landing_employee"))
