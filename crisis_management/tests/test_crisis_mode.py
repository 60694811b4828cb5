# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import CrisisCommon


@tagged("post_install", "-at_install")
class TestCrisisMode(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company of its own: the demo company is already in crisis mode.
        cls.company = cls.env["res.company"].create({"name": "Krisenfest GmbH"})
        users = (
            cls.user_crisis
            | cls.user_manager
            | cls.user_manager2
            | cls.user_admin
            | cls.user_employee
        )
        users.write(
            {
                "company_ids": [Command.link(cls.company.id)],
                "company_id": cls.company.id,
            }
        )
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )

    def _mode_logs(self, incident, switch):
        return incident.log_ids.filtered(
            lambda e: e.kind == "state" and f"Crisis mode switched {switch}" in e.body
        )

    def test_critical_incident_switches_crisis_mode_on_and_off(self):
        incident = self._create_incident()
        self.assertFalse(self.company.crisis_mode)
        incident.action_activate()
        self.assertTrue(self.company.crisis_mode)
        self.assertEqual(self.company.crisis_incident_id, incident)
        self.assertEqual(len(self._mode_logs(incident, "on")), 1)
        incident.action_contain()
        incident.action_resolve()
        self.assertTrue(self.company.crisis_mode, "Resolved is not closed yet")
        incident.action_close()
        self.assertFalse(self.company.crisis_mode)
        self.assertFalse(self.company.crisis_incident_id)
        self.assertEqual(len(self._mode_logs(incident, "off")), 1)
        self.assertTrue(incident.verify_log()["ok"])

    def test_minor_incident_does_not_trigger_crisis_mode(self):
        incident = self._create_incident(severity="minor")
        incident.action_activate()
        self.assertFalse(self.company.crisis_mode)
        self.assertFalse(self._mode_logs(incident, "on"))
        incident.action_resolve()
        incident.action_close()
        self.assertFalse(self._mode_logs(incident, "off"))

    def test_crisis_mode_lasts_until_the_last_crisis_closes(self):
        first = self._create_incident(name="Brand in Fabrikhalle 2")
        second = self._create_incident(name="Cyberangriff", severity="major")
        first.action_activate()
        second.action_activate()
        self.assertEqual(self.company.crisis_incident_id, first)
        # Only one "on" for the company, not one per incident.
        self.assertEqual(len(self._mode_logs(second, "on")), 0)
        first.action_resolve()
        first.action_close()
        self.assertTrue(self.company.crisis_mode)
        self.assertEqual(self.company.crisis_incident_id, second)
        self.assertFalse(self._mode_logs(first, "off"))
        second.action_resolve()
        second.action_close()
        self.assertFalse(self.company.crisis_mode)
        self.assertEqual(len(self._mode_logs(second, "off")), 1)

    def test_status_for_the_web_client(self):
        Company = self.env["res.company"]
        self.assertEqual(
            Company.with_user(self.user_crisis).get_crisis_mode_status(),
            {"active": False, "crises": []},
        )
        incident = self._create_incident()
        incident.action_activate()
        status = Company.with_user(self.user_crisis).get_crisis_mode_status()
        self.assertTrue(status["active"])
        [crisis] = status["crises"]
        self.assertEqual(crisis["incident_id"], incident.id)
        self.assertEqual(crisis["incident_name"], incident.display_name)
        self.assertTrue(crisis["can_open"])
        # Every internal user sees crisis mode, but only people allowed to
        # read the incident learn what it is about.
        status = Company.with_user(self.user_employee).get_crisis_mode_status()
        self.assertTrue(status["active"])
        self.assertFalse(status["crises"][0]["incident_name"])
        self.assertFalse(status["crises"][0]["can_open"])
        # A customer with portal access learns nothing of it (over RPC).
        portal = new_test_user(
            self.env, login="status_portal", groups="base.group_portal"
        )
        self.assertEqual(
            Company.with_user(portal).get_crisis_mode_status(),
            {"active": False, "crises": []},
        )

    def test_status_hides_a_confidential_crisis_from_outsiders(self):
        incident = self._create_incident(is_confidential=True)
        incident.action_activate()
        Company = self.env["res.company"]
        outsider = Company.with_user(self.user_manager2).get_crisis_mode_status()
        self.assertTrue(outsider["active"])
        self.assertFalse(outsider["crises"][0]["incident_name"])
        lead = Company.with_user(self.user_manager).get_crisis_mode_status()
        self.assertEqual(lead["crises"][0]["incident_id"], incident.id)

    def test_open_web_clients_are_notified(self):
        self.env["bus.bus"].search([]).unlink()
        incident = self._create_incident()
        incident.action_activate()
        self.env.cr.precommit.run()
        notified = self.env["bus.bus"].search([])
        partners = set()
        for note in notified:
            message = json.loads(note.message)
            if message["type"] == "crisis_management/crisis_mode":
                partners.add(json.loads(note.channel)[2])
        self.assertIn(self.user_crisis.partner_id.id, partners)
        self.assertIn(self.user_employee.partner_id.id, partners)

    def test_crisis_app_opens_on_the_crisis_incident(self):
        root = self.env.ref("crisis_management.crisis_menu_root")
        self.assertEqual(
            root.action,
            self.env.ref("crisis_management.crisis_situation_current_action"),
        )
        with self.assertRaises(AccessError):
            root.action.with_user(self.user_employee).run()
        # Hotline staff only read incidents, yet the app opens for them.
        home = root.action.with_user(self.user_crisis)
        action = home.run()
        self.assertEqual(action["res_model"], "crisis.incident")
        self.assertFalse(action.get("res_id"))
        incident = self._create_incident()
        incident.action_activate()
        action = home.run()
        self.assertEqual(
            action.get("res_id") or action["context"].get("active_id"), incident.id
        )
        # The same action behind the indicator in the systray.
        self.assertEqual(
            incident.with_user(self.user_crisis).action_open_situation(), action
        )

    def test_systray_indicator_is_in_the_backend_assets(self):
        paths = [
            path
            for path, *_rest in self.env["ir.asset"]._get_asset_paths(
                "web.assets_backend", {}
            )
        ]
        self.assertTrue(
            any(p.endswith("crisis_mode_systray/crisis_mode_systray.js") for p in paths)
        )


@tagged("post_install", "-at_install")
class TestDemoCrisis(CrisisCommon):
    def test_demo_fire_is_a_real_crisis(self):
        incident = self.env.ref(
            "crisis_management.crisis_incident_fire_demo", raise_if_not_found=False
        )
        if not incident:
            self.skipTest("Demo data not loaded")
        company = incident.company_id
        self.assertEqual(incident.state, "active")
        self.assertEqual(incident.severity, "critical")
        self.assertTrue(company.crisis_mode)
        self.assertEqual(company.crisis_incident_id, incident)
        self.assertEqual(incident.verify_log()["ok"], True)
        self.assertGreaterEqual(incident.verify_log()["count"], 10)
        tasks = incident.task_ids
        playbook = self.env.ref("crisis_management.playbook_fire")
        self.assertEqual(tasks.playbook_step_id, playbook.step_ids)
        self.assertEqual(len(tasks.filtered("is_overdue")), 3)
        self.assertEqual(len(tasks.filtered(lambda t: t.state == "done")), 2)
        self.assertIn("escalated", tasks.mapped("followup_state"))
        inquiries = incident.inquiry_ids
        self.assertTrue(inquiries.filtered("is_overdue"), "some inquiries are late")
        self.assertEqual(len(inquiries.filtered(lambda i: i.state == "answered")), 2)
        self.assertEqual(
            len(incident.log_ids.filtered(lambda e: e.kind == "inquiry")), 2
        )
        users = {
            login: self.env["res.users"].search([("login", "=", login)])
            for login in ("krisenadmin", "krisenstab", "sprecher", "hotline")
        }
        self.assertTrue(
            users["krisenadmin"].has_group("crisis_management.group_crisis_admin")
        )
        self.assertTrue(
            users["krisenstab"].has_group("crisis_management.group_crisis_manager")
        )
        self.assertFalse(
            users["hotline"].has_group("crisis_management.group_crisis_manager")
        )
        self.assertTrue(
            users["hotline"].has_group("crisis_management.group_crisis_user")
        )
        self.assertEqual(incident.lead_id, users["krisenstab"])
        missing = self.env["res.partner"].search(
            [
                ("comment", "ilike", "Vermisst"),
                ("crisis_stakeholder_type_ids.code", "=", "employee"),
            ]
        )
        self.assertEqual(len(missing), 2)
