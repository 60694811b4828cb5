# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.crisis_incident_member import ROLES
from .common import CrisisCommon

TYPE_CODES = (
    "fire",
    "it_outage",
    "product_recall",
    "supply_chain",
    "cyber_attack",
    "data_breach",
    "pandemic",
)


@tagged("post_install", "-at_install")
class TestPlaybook(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.playbook = cls.env["crisis.playbook"].create(
            {
                "name": "Test fire playbook",
                "incident_type_id": cls.type_fire.id,
                "sequence": 1,
                "step_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Statement to the press",
                            "deadline_offset": 1.0,
                            "role": "spokesperson",
                            "priority": "2",
                            "stakeholder_type_ids": [
                                (6, 0, cls._stakeholder_type("press").ids)
                            ],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Call the insurer",
                            "deadline_offset": 0.25,
                            "role": "legal",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Decide on production",
                            "deadline_offset": 4.5,
                            "role": "lead",
                        },
                    ),
                ],
            }
        )

    def test_every_incident_type_has_a_sensible_playbook(self):
        roles = dict(ROLES)
        for code in TYPE_CODES:
            incident_type = self.env["crisis.incident.type"].search(
                [("code", "=", code)]
            )
            self.assertTrue(incident_type, code)
            playbook = self.env.ref(f"crisis_management.playbook_{code}")
            self.assertEqual(playbook.incident_type_id, incident_type)
            self.assertGreaterEqual(len(playbook.step_ids), 3, code)
            for step in playbook.step_ids:
                self.assertIn(step.role, roles)
                self.assertGreater(step.deadline_offset, 0)
            self.assertTrue(playbook.step_ids.stakeholder_type_ids, code)

    def test_activation_turns_steps_into_assigned_tasks(self):
        incident = self._create_incident(
            member_ids=[
                (0, 0, {"user_id": self.user_manager2.id, "role": "spokesperson"}),
                (0, 0, {"user_id": self.user_crisis.id, "role": "hotline"}),
            ]
        )
        with freeze_time("2026-03-02 06:50:00"):
            incident.action_activate()
        tasks = incident.task_ids
        self.assertEqual(len(tasks), 3)
        by_name = {task.name: task for task in tasks}
        activated = datetime(2026, 3, 2, 6, 50)

        press = by_name["Statement to the press"]
        self.assertEqual(press.user_id, self.user_manager2)
        self.assertEqual(press.date_deadline, activated + timedelta(hours=1))
        self.assertEqual(press.priority, "2")
        self.assertEqual(press.stakeholder_type_ids, self._stakeholder_type("press"))
        self.assertEqual(press.state, "todo")
        self.assertEqual(
            press.playbook_step_id,
            self.playbook.step_ids.filtered(lambda s: s.role == "spokesperson"),
        )
        # Nobody has the legal role: the lead takes it.
        insurer = by_name["Call the insurer"]
        self.assertEqual(insurer.user_id, self.user_manager)
        self.assertEqual(insurer.date_deadline, activated + timedelta(minutes=15))
        lead_task = by_name["Decide on production"]
        self.assertEqual(lead_task.user_id, self.user_manager)
        self.assertEqual(
            lead_task.date_deadline, activated + timedelta(hours=4, minutes=30)
        )
        entry = incident.log_ids.filtered(lambda e: "Playbook" in e.body)
        self.assertEqual(len(entry), 1)
        self.assertIn("3 tasks created", entry.body)
        self.assertTrue(incident.verify_log()["ok"])

    def test_tasks_are_named_in_each_readers_language(self):
        self.env["res.lang"]._activate_lang("de_DE")
        step = self.playbook.step_ids.filtered(lambda s: s.role == "legal")
        step.update_field_translations("name", {"de_DE": "Versicherung anrufen"})
        self.user_manager.lang = "de_DE"
        incident = self._create_incident()
        incident.action_activate()
        task = incident.task_ids.filtered(lambda t: t.playbook_step_id == step)
        self.assertEqual(task.with_context(lang="de_DE").name, "Versicherung anrufen")
        self.assertEqual(task.with_context(lang="en_US").name, "Call the insurer")

    def test_types_without_playbook_create_no_task(self):
        flood = self.env["crisis.incident.type"].create(
            {"name": "Flood", "code": "flood"}
        )
        for incident_type in (flood, self.env["crisis.incident.type"]):
            incident = self._create_incident(incident_type_id=incident_type.id)
            incident.action_activate()
            self.assertFalse(incident.task_ids)
            self.assertFalse(incident.log_ids.filtered(lambda e: "Playbook" in e.body))

    def test_archived_playbook_is_not_applied(self):
        (self.playbook | self.env.ref("crisis_management.playbook_fire")).active = False
        incident = self._create_incident()
        incident.action_activate()
        self.assertFalse(incident.task_ids)

    def test_data_playbook_applies_to_a_fire(self):
        self.playbook.active = False
        incident = self._create_incident()
        incident.action_activate()
        playbook = self.env.ref("crisis_management.playbook_fire")
        self.assertEqual(len(incident.task_ids), len(playbook.step_ids))
        self.assertEqual(incident.task_ids.playbook_step_id, playbook.step_ids)

    def test_only_admins_configure_playbooks(self):
        Playbook = self.env["crisis.playbook"]
        with self.assertRaises(AccessError):
            Playbook.with_user(self.user_manager).create(
                {"name": "Mein Playbook", "incident_type_id": self.type_fire.id}
            )
        with self.assertRaises(AccessError):
            self.playbook.step_ids[0].with_user(self.user_manager).write(
                {"deadline_offset": 10}
            )
        self.assertTrue(self.playbook.with_user(self.user_crisis).step_ids)
        playbook = Playbook.with_user(self.user_admin).create(
            {
                "name": "Hochwasser",
                "incident_type_id": self.type_fire.id,
                "step_ids": [(0, 0, {"name": "Sandsäcke", "role": "operations"})],
            }
        )
        self.assertEqual(playbook.step_count, 1)
