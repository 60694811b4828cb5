# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError

from .common import CrisisCommon, calm_company

NOW = datetime(2025, 3, 14, 10, 0, 0)


def minutes(n):
    return NOW + timedelta(minutes=n)


class TestSituationPicture(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calm_company(cls.env, cls.company)
        # A type without playbook: activation adds no tasks of its own.
        cls.type_test = cls.env["crisis.incident.type"].create(
            {"name": "Lagebild-Test", "code": "situation_test"}
        )
        cls.press = cls._stakeholder_type("press")
        cls.authority = cls._stakeholder_type("authority")
        cls.neighbor = cls._stakeholder_type("neighbor")
        Partner = cls.env["res.partner"]
        cls.newspaper = Partner.create(
            {
                "name": "Boulevardblatt",
                "is_company": True,
                "crisis_stakeholder_type_ids": [(6, 0, cls.press.ids)],
            }
        )
        cls.journalist = Partner.create({"name": "Jens", "parent_id": cls.newspaper.id})
        cls.mayor = Partner.create(
            {
                "name": "Bürgermeisterin",
                "crisis_stakeholder_type_ids": [(6, 0, cls.authority.ids)],
            }
        )
        cls.helga = Partner.create(
            {"name": "Helga", "crisis_stakeholder_type_ids": [(6, 0, cls.neighbor.ids)]}
        )
        cls.otto = Partner.create(
            {"name": "Otto", "crisis_stakeholder_type_ids": [(6, 0, cls.neighbor.ids)]}
        )
        with freeze_time(minutes(-120)):
            cls.incident = cls._create_incident(incident_type_id=cls.type_test.id)
            cls.incident.action_activate()
            cls.other = cls._create_incident(
                name="Lieferengpass",
                severity="minor",
                incident_type_id=cls.type_test.id,
            )
        cls.incident.situation = "<p>Feuer unter Kontrolle, zwei Vermisste.</p>"
        Task = cls.env["crisis.task"]
        for name, state, deadline in [
            ("Feuerwehr informieren", "todo", minutes(-30)),
            ("Pressemitteilung", "in_progress", minutes(-10)),
            ("Anwohnerbrief", "todo", minutes(60)),
            ("Versicherung", "todo", False),
            ("Krisenstab einberufen", "done", minutes(-60)),
            ("Messe absagen", "cancelled", minutes(-60)),
        ]:
            Task.create(
                {
                    "incident_id": cls.incident.id,
                    "name": name,
                    "state": state,
                    "date_deadline": deadline,
                    "user_id": cls.user_manager.id,
                }
            )
        # Noise on the other incident that must not show up.
        Task.create(
            {
                "incident_id": cls.other.id,
                "name": "Fremd",
                "date_deadline": minutes(-300),
            }
        )

        def inquiry(received, incident=None, **values):
            with freeze_time(minutes(received)):
                return cls.env["crisis.inquiry"].create(
                    dict(
                        incident_id=(incident or cls.incident).id,
                        question="Frage",
                        **values,
                    )
                )

        cls.i_press = inquiry(-90, partner_id=cls.journalist.id)  # due -30: late
        cls.i_helga = inquiry(-60, partner_id=cls.helga.id)  # due +180
        cls.i_helga.action_start()
        cls.i_mayor = inquiry(-45, partner_id=cls.mayor.id)  # due -15: late
        cls.i_unknown = inquiry(-20, caller_name="Unbekannt")  # due +100
        cls.i_otto = inquiry(-100, partner_id=cls.otto.id, answer="Keine Gefahr")
        cls.i_press_done = inquiry(
            -110, partner_id=cls.journalist.id, answer="PK um 11"
        )
        with freeze_time(minutes(-5)):
            cls.i_otto.action_answer()
            cls.i_press_done.action_answer()
            cls.i_press_done.action_close()
        inquiry(-500, incident=cls.other, caller_name="Fremd")
        for n in range(12):
            cls.incident._log("fact", f"Lagemeldung {n}")

    def setUp(self):
        super().setUp()
        clock = freeze_time(NOW)
        clock.start()
        self.addCleanup(clock.stop)

    def test_kpis_against_known_data(self):
        kpis = self.incident.get_situation_kpis()
        self.assertEqual(kpis["state"], "active")
        self.assertEqual(kpis["severity"], "critical")
        self.assertTrue(kpis["crisis_mode"])
        self.assertTrue(kpis["is_crisis_incident"])
        self.assertEqual(
            (
                kpis["tasks_total"],
                kpis["tasks_open"],
                kpis["tasks_overdue"],
                kpis["tasks_done"],
            ),
            (6, 4, 2, 1),
        )
        self.assertEqual(kpis["task_oldest_overdue_deadline"], minutes(-30))
        self.assertEqual(
            (
                kpis["inquiries_total"],
                kpis["inquiries_open"],
                kpis["inquiries_overdue"],
                kpis["inquiries_answered"],
            ),
            (6, 4, 2, 2),
        )
        self.assertEqual(kpis["inquiry_oldest_open_date"], minutes(-90))
        self.assertEqual(kpis["inquiry_oldest_wait_minutes"], 90)

        log = self.incident.log_ids.sorted("sequence", reverse=True)
        self.assertEqual(kpis["log_count"], len(log))
        self.assertEqual(kpis["log_latest_ids"], log[:10].ids)

        tasks = self.env["crisis.task"].browse(kpis["task_ids"])
        self.assertEqual(
            tasks.mapped("name"),
            [
                "Feuerwehr informieren",
                "Pressemitteilung",
                "Anwohnerbrief",
                "Versicherung",
            ],
        )
        self.assertEqual(
            kpis["inquiry_ids"],
            [self.i_press.id, self.i_mayor.id, self.i_unknown.id, self.i_helga.id],
        )

        def address_book(stype):
            return self.env["res.partner"].search_count(
                [("crisis_stakeholder_type_ids", "in", stype.ids)]
            )

        rows = [
            (
                r["code"],
                r["callers"],
                r["inquiries"],
                r["open"],
                r["overdue"],
                r["address_book"],
            )
            for r in kpis["stakeholders"]
        ]
        self.assertEqual(
            rows,
            [
                ("press", 1, 2, 1, 1, address_book(self.press)),
                ("authority", 1, 1, 1, 1, address_book(self.authority)),
                ("neighbor", 2, 2, 1, 0, address_book(self.neighbor)),
                (False, 1, 1, 1, 0, 0),
            ],
        )

    def test_kpis_follow_the_clock(self):
        with freeze_time(minutes(200)):
            kpis = self.incident.get_situation_kpis()
        # Helga (due +180) and the unknown caller (due +100) are late now,
        # and so is the letter to the neighbours.
        self.assertEqual(kpis["inquiries_overdue"], 4)
        self.assertEqual(kpis["inquiry_oldest_wait_minutes"], 290)
        self.assertEqual(kpis["tasks_overdue"], 3)

    def test_other_incident_is_separate(self):
        kpis = self.other.get_situation_kpis()
        self.assertEqual((kpis["tasks_total"], kpis["tasks_overdue"]), (1, 1))
        self.assertEqual((kpis["inquiries_total"], kpis["inquiries_overdue"]), (1, 1))
        self.assertTrue(kpis["crisis_mode"])
        self.assertFalse(kpis["is_crisis_incident"])
        self.assertEqual(kpis["log_count"], 0)

    def test_query_count_does_not_grow_with_data(self):
        def count_queries():
            self.env.invalidate_all()
            self.incident._situation_kpis()  # warm the caches
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.incident._situation_kpis()
            return self.env.cr.sql_log_count - before

        baseline = count_queries()
        self.env["crisis.task"].create(
            [
                {
                    "incident_id": self.incident.id,
                    "name": f"T{n}",
                    "date_deadline": minutes(-n),
                }
                for n in range(1, 40)
            ]
        )
        self.env["crisis.inquiry"].create(
            [
                {
                    "incident_id": self.incident.id,
                    "partner_id": self.helga.id,
                    "date_received": minutes(-n),
                }
                for n in range(1, 40)
            ]
        )
        for n in range(40):
            self.incident._log("note", f"Notiz {n}")
        self.assertEqual(count_queries(), baseline)
        self.assertEqual(self.incident.get_situation_kpis()["tasks_open"], 43)

    def test_situation_view_for_hotline_staff(self):
        incident = self.incident.with_user(self.user_crisis)
        values = incident.read(
            [
                "task_open_count",
                "task_overdue_count",
                "inquiry_open_count",
                "situation_inquiry_overdue_count",
                "situation_inquiry_oldest_minutes",
                "situation_is_crisis_incident",
                "situation_log_ids",
                "situation_stakeholder_html",
                "situation",
            ]
        )[0]
        self.assertEqual(values["task_open_count"], 4)
        self.assertEqual(values["task_overdue_count"], 2)
        self.assertEqual(values["inquiry_open_count"], 4)
        self.assertEqual(values["situation_inquiry_overdue_count"], 2)
        self.assertEqual(values["situation_inquiry_oldest_minutes"], 90)
        self.assertTrue(values["situation_is_crisis_incident"])
        self.assertEqual(len(values["situation_log_ids"]), 10)
        html = str(values["situation_stakeholder_html"])
        self.assertIn("Press", html)
        self.assertIn("Unknown", html)
        self.assertIn("table-danger", html)
        # The view and action other screens point at.
        action = self.env.ref("crisis_management.crisis_situation_action")
        form = self.env.ref("crisis_management.crisis_incident_view_form_situation")
        self.assertIn(form, action.view_ids.view_id)
        views = incident.get_views([(form.id, "form")])
        self.assertIn("situation_inquiry_overdue_count", views["views"]["form"]["arch"])

    def test_open_current_situation(self):
        action = (
            self.env["crisis.incident"]
            .with_user(self.user_crisis)
            .action_open_current_situation()
        )
        self.assertEqual(action["res_id"], self.incident.id)
        form = self.env.ref("crisis_management.crisis_incident_view_form_situation")
        self.assertEqual(action["views"], [(form.id, "form")])
        self.incident.action_resolve()
        self.incident.action_close()
        action = self.env["crisis.incident"].action_open_current_situation()
        self.assertEqual(
            action["id"], self.env.ref("crisis_management.crisis_situation_action").id
        )

    def test_confidential_situation_refused_outside_team(self):
        secret = self._create_incident(name="Datenleck", is_confidential=True)
        with self.assertRaises(AccessError):
            secret.with_user(self.user_crisis).get_situation_kpis()
        self.assertEqual(
            secret.with_user(self.user_admin).get_situation_kpis()["tasks_total"], 0
        )
