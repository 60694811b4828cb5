# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CrisisCommon, CrisisSafetyCheckCommon, calm_company


class TestSituationDashboard(CrisisCommon):
    """The values of the live wall, who gets them, and the bus notification
    that tells open walls to fetch them again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calm_company(cls.env, cls.company)
        cls.type_test = cls.env["crisis.incident.type"].create(
            {"name": "Wand-Test", "code": "wall_test"}
        )
        cls.incident = cls._create_incident(incident_type_id=cls.type_test.id)
        cls.incident.action_activate()
        past = fields.Datetime.now() - timedelta(hours=1)
        Task = cls.env["crisis.task"]
        cls.late = Task.create(
            {
                "incident_id": cls.incident.id,
                "name": "Feuerwehr informieren",
                "user_id": cls.user_manager.id,
                "date_deadline": past,
            }
        )
        Task.create(
            {
                "incident_id": cls.incident.id,
                "name": "Anwohnerbrief",
                "user_id": cls.user_crisis.id,
            }
        )
        cls.env["crisis.inquiry"].create(
            {"incident_id": cls.incident.id, "caller_name": "Helga"}
        )
        cls.incident._log("fact", "Halle 2 geräumt")
        cls.secret = cls._create_incident(name="Datenleck", is_confidential=True)
        cls.portal = new_test_user(
            cls.env, login="wall_portal", groups="base.group_portal"
        )

    def test_values_match_the_situation_figures(self):
        values = self.incident.with_user(self.user_crisis).get_situation_dashboard()
        kpis = self.incident.get_situation_kpis()
        self.assertEqual(values["incident"]["id"], self.incident.id)
        self.assertEqual(values["incident"]["state"], "active")
        self.assertEqual(values["incident"]["severity"], kpis["severity"])
        self.assertTrue(values["incident"]["is_crisis_incident"])
        self.assertEqual(
            (values["tasks"]["open"], values["tasks"]["overdue"]),
            (kpis["tasks_open"], kpis["tasks_overdue"]),
        )
        self.assertEqual((values["tasks"]["open"], values["tasks"]["overdue"]), (2, 1))
        self.assertEqual(values["inquiries"]["open"], kpis["inquiries_open"])
        self.assertEqual(
            values["inquiries"]["oldest_wait_minutes"],
            kpis["inquiry_oldest_wait_minutes"],
        )
        # Overdue per person: the manager with the one late task.
        self.assertEqual(
            values["overdue_people"],
            [{"name": self.user_manager.name, "tasks": 1, "inquiries": 0}],
        )
        self.assertEqual(values["log"][0]["body"], "Halle 2 geräumt")
        self.assertEqual(
            [row["name"] for row in values["stakeholders"]],
            [row["name"] for row in kpis["stakeholders"]],
        )
        # No safety check sent: no safety section.
        self.assertNotIn("safety", [s["key"] for s in values["sections"]])

    def test_labels_in_the_callers_language(self):
        de = self.incident.with_context(lang="de_DE").get_situation_dashboard()
        en = self.incident.with_context(lang="en_US").get_situation_dashboard()
        self.assertEqual(en["incident"]["state_label"], "Active")
        self.assertEqual(de["incident"]["state_label"], "Aktiv")
        self.assertEqual(en["log"][0]["kind_label"], "Fact")
        self.assertEqual(de["log"][0]["kind_label"], "Tatsache")

    def test_refused_to_those_who_may_not_read_the_incident(self):
        with self.assertRaises(AccessError):
            self.secret.with_user(self.user_crisis).get_situation_dashboard()
        with self.assertRaises(AccessError):
            self.incident.with_user(self.portal).get_situation_dashboard()
        with self.assertRaises(AccessError):
            self.incident.with_user(self.user_employee).get_situation_dashboard()
        with self.assertRaises(AccessError):
            self.env["crisis.incident"].with_user(
                self.portal
            ).get_situation_dashboard_incidents()
        with self.assertRaises(AccessError):
            self.secret.with_user(self.user_crisis).action_open_situation_dashboard()
        self.assertEqual(
            self.secret.with_user(self.user_admin).get_situation_dashboard()[
                "incident"
            ]["name"],
            "Datenleck",
        )

    def test_incident_choice_hides_confidential_incidents(self):
        self.secret.action_activate()
        choice = (
            self.env["crisis.incident"]
            .with_user(self.user_crisis)
            .get_situation_dashboard_incidents()
        )
        ids = [row["id"] for row in choice]
        self.assertIn(self.incident.id, ids)
        self.assertNotIn(self.secret.id, ids)
        self.assertNotIn("Datenleck", repr(choice))
        # The company's crisis incident comes first.
        self.assertEqual(ids[0], self.incident.id)

    def test_menu_opens_the_live_wall(self):
        menu = self.env.ref("crisis_management.crisis_situation_menu")
        wall = self.env.ref("crisis_management.crisis_situation_dashboard_action")
        self.assertEqual(menu.action, wall)
        self.assertEqual(wall.tag, "crisis_management.situation_dashboard")
        action = self.incident.with_user(
            self.user_crisis
        ).action_open_situation_dashboard()
        self.assertEqual(action["tag"], "crisis_management.situation_dashboard")
        self.assertEqual(action["params"], {"incident_id": self.incident.id})

    def _notified_incidents(self):
        """Incidents whose wall is told to reload when this transaction
        commits (the bus rows are written by the pre-commit hook)."""
        self.env.cr.precommit.run()
        notes = self.env["bus.bus"].sudo().search([], order="id desc", limit=20)
        found = set()
        for note in notes:
            message = json.loads(note.message)
            channel = json.loads(note.channel)
            if message["type"] == "crisis_management/situation_changed":
                self.assertEqual(channel[1:], ["crisis.incident", channel[2]])
                found.add(message["payload"]["incident_id"])
        self.env["bus.bus"].sudo().search([]).unlink()
        return found

    def test_changes_notify_the_wall(self):
        self._notified_incidents()
        Task = self.env["crisis.task"].with_user(self.user_manager)
        task = Task.create({"incident_id": self.incident.id, "name": "Presse"})
        self.assertEqual(self._notified_incidents(), {self.incident.id})
        task.action_done()
        self.assertEqual(self._notified_incidents(), {self.incident.id})
        self.env["crisis.inquiry"].with_user(self.user_crisis).create(
            {"incident_id": self.incident.id, "caller_name": "Otto"}
        )
        self.assertEqual(self._notified_incidents(), {self.incident.id})
        self.incident._log("decision", "Evakuierung")
        self.assertEqual(self._notified_incidents(), {self.incident.id})
        self.incident.with_user(self.user_manager).action_contain()
        self.assertEqual(self._notified_incidents(), {self.incident.id})
        # Nothing else happened: nothing is sent.
        self.assertEqual(self._notified_incidents(), set())

    def test_one_notification_per_incident_and_transaction(self):
        self._notified_incidents()
        self.env["crisis.task"].create(
            [{"incident_id": self.incident.id, "name": f"T{n}"} for n in range(5)]
        )
        self.incident._log("note", "Viele Aufgaben")
        self.env.cr.precommit.run()
        count = (
            self.env["bus.bus"]
            .sudo()
            .search_count([("message", "like", "crisis_management/situation_changed")])
        )
        self.assertEqual(count, 1)

    def test_bus_channel_only_for_readers_of_the_incident(self):
        def channels(user, incident):
            return (
                self.env["ir.websocket"]
                .with_user(user)
                ._crisis_situation_channels(
                    [f"crisis_management.situation:{incident.id}", "other"]
                )
            )

        self.assertEqual(channels(self.user_crisis, self.incident), self.incident)
        self.assertFalse(channels(self.user_crisis, self.secret))
        self.assertEqual(channels(self.user_admin, self.secret), self.secret)
        self.assertFalse(channels(self.portal, self.incident))
        self.assertFalse(channels(self.user_employee, self.incident))


@tagged("post_install", "-at_install")
class TestSafetyOnTheWall(CrisisSafetyCheckCommon):
    def _safety_section(self, incident, lang):
        sections = incident.with_context(lang=lang).get_situation_dashboard()[
            "sections"
        ]
        return {section["key"]: section for section in sections}.get("safety")

    def test_one_answer_per_person(self):
        comm = self._safety_check()
        incident = comm.incident_id
        self._line(comm, self.jonas)._record_safety_answer("safe")
        self._line(comm, self.jonas, "sms")._record_safety_answer("safe")
        self._line(comm, self.aylin, "sms")._record_safety_answer("help")
        section = self._safety_section(incident, "en_US")
        self.assertEqual(section["title"], "Safety Check")
        self.assertEqual(
            {figure["key"]: figure["value"] for figure in section["figures"]},
            {"help": 1, "safe": 1, "no_answer": 1},
        )
        self.assertEqual(section["figures"][0]["level"], "danger")
        german = self._safety_section(incident, "de_DE")
        self.assertEqual(german["title"], "Sicherheitsabfrage")
        self.assertEqual(
            [figure["label"] for figure in german["figures"]],
            ["Hilfe benötigt", "In Sicherheit", "Noch keine Antwort"],
        )

    def test_an_answer_notifies_the_wall(self):
        comm = self._safety_check()
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()
        self._line(comm, self.tom)._record_safety_answer("safe")
        self.env.cr.precommit.run()
        self.assertTrue(
            self.env["bus.bus"]
            .sudo()
            .search_count([("message", "like", "crisis_management/situation_changed")])
        )
