# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a new user meets on the screens: the inquiry list opens as a list,
the one crisis settings screen, the landing page during crisis mode."""

from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CrisisCommon, CrisisMessageCommon, calm_company


class TestScreenActions(CrisisCommon):
    def test_inquiry_menu_and_button_open_the_list(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_inquiry_action"
        )
        self.assertEqual(action["views"][0][1], "list")
        incident = self._create_incident()
        button = incident.with_user(self.user_crisis).action_view_inquiries()
        self.assertEqual(button["views"][0][1], "list")
        self.assertEqual(button["context"].get("search_default_open"), 1)

    def test_incident_screens_show_the_log_in_the_readers_language(self):
        """The crisis log tab of the incident form and the latest entries of
        the situation picture showed the stored English wording to German
        readers; they show what the log menu shows."""
        incident = self._create_incident()
        incident.action_activate()
        entry = incident.log_ids.filtered("body_code")[:1]
        german = entry.with_context(lang="de_DE").body_display
        self.assertNotEqual(german, entry.body)
        for view, field in (
            (False, "log_ids"),
            (
                "crisis_management.crisis_incident_view_form_situation",
                "situation_log_ids",
            ),
        ):
            with self.subTest(view=view):
                view_id = view and self.env.ref(view).id
                views = incident.with_context(lang="de_DE").get_views(
                    [(view_id, "form")]
                )
                arch = etree.fromstring(views["views"]["form"]["arch"])
                columns = [
                    node.get("name")
                    for node in arch.xpath(f"//field[@name='{field}']/list/field")
                ]
                self.assertTrue(columns)
                rows = entry.with_context(lang="de_DE").read(columns)
                shown = " ".join(str(value) for row in rows for value in row.values())
                self.assertIn(german, shown)

    def test_no_empty_inquiry(self):
        incident = self._create_incident()
        Inquiry = self.env["crisis.inquiry"].with_user(self.user_crisis)
        with self.assertRaises(ValidationError):
            Inquiry.create({"incident_id": incident.id})
        with self.assertRaises(ValidationError):
            Inquiry.create({"incident_id": incident.id, "question": "  "})
        # A question alone (an anonymous caller) or a caller alone is enough.
        asked = Inquiry.create({"incident_id": incident.id, "question": "Gefahr?"})
        self.assertEqual(asked.name, "Gefahr?")
        called = Inquiry.create({"incident_id": incident.id, "caller_name": "Frau M."})
        self.assertEqual(called.caller_name, "Frau M.")

    def test_closing_an_exercise_cancels_its_open_tasks(self):
        exercise = self._create_incident(
            name="Übung Stromausfall",
            is_exercise=True,
            exercise_observer_ids=[(6, 0, self.user_admin.ids)],
        )
        exercise.with_user(self.user_manager).action_activate()
        tasks = exercise.task_ids
        self.assertTrue(tasks, "the playbook created tasks")
        tasks[0].with_user(self.user_manager).action_done()
        exercise.with_user(self.user_manager).action_resolve()
        exercise.with_user(self.user_manager).action_close()
        self.assertEqual(tasks[0].state, "done")
        self.assertEqual(set(tasks[1:].mapped("state")), {"cancelled"})
        # A real incident keeps its tasks: closing it is the team's decision.
        real = self._create_incident(name="Echter Brand")
        real.with_user(self.user_manager).action_activate()
        real.with_user(self.user_manager).action_resolve()
        real.with_user(self.user_manager).action_close()
        self.assertIn("todo", real.task_ids.mapped("state"))

    def test_contact_sheet_lists_each_person_once_with_phones(self):
        self.user_manager.partner_id.write(
            {"phone": "+49 30 1234567", "mobile": "+49 171 7654321"}
        )
        incident = self._create_incident()
        self.env["crisis.incident.member"].create(
            [
                {
                    "incident_id": incident.id,
                    "user_id": self.user_manager.id,
                    "role": "lead",
                },
                {
                    "incident_id": incident.id,
                    "user_id": self.user_manager.id,
                    "role": "spokesperson",
                },
                {
                    "incident_id": incident.id,
                    "user_id": self.user_manager2.id,
                    "role": "spokesperson",
                },
            ]
        )
        team = incident._contact_sheet_values()["team"]
        names = [person["name"] for person in team]
        self.assertEqual(names, ["Max Krisenstab", "Petra Sprecherin"])
        lead = team[0]
        self.assertEqual(lead["phone"], "+49 30 1234567")
        self.assertEqual(lead["mobile"], "+49 171 7654321")
        self.assertIn(",", lead["role"])

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
                "crisis_send_delay_seconds": 45,
                "crisis_legal_footer_de": "Muster GmbH, Amtsgericht Halle HRB 1",
                "crisis_legal_footer_en": "Muster GmbH, Local Court Halle HRB 1",
                "crisis_register_court": "Amtsgericht Halle (Saale)",
                "crisis_managing_directors": "Erika Mustermann",
                "crisis_imprint_url": "https://example.com/impressum",
                "crisis_privacy_url": "https://example.com/datenschutz",
                "crisis_sms_sender": "Muster",
            }
        )
        result = settings.execute()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(self.company.crisis_inquiry_sla_minutes, 45)
        self.assertEqual(self.company.crisis_task_escalation_hours, 1.5)
        self.assertEqual(self.company.crisis_hotline_team_ids, team)
        self.assertEqual(self.company.crisis_send_delay_seconds, 45)
        self.assertEqual(
            self.company.with_context(lang="de_DE").crisis_legal_footer,
            "Muster GmbH, Amtsgericht Halle HRB 1",
        )
        self.assertEqual(
            self.company.with_context(lang="en_US").crisis_legal_footer,
            "Muster GmbH, Local Court Halle HRB 1",
        )
        self.assertEqual(
            self.company.crisis_register_court, "Amtsgericht Halle (Saale)"
        )
        self.assertEqual(self.company.crisis_managing_directors, "Erika Mustermann")
        self.assertEqual(
            self.company.crisis_imprint_url, "https://example.com/impressum"
        )
        self.assertEqual(
            self.company.crisis_privacy_url, "https://example.com/datenschutz"
        )
        self.assertEqual(self.company.crisis_sms_sender, "Muster")
        # Opening the screen again shows what was saved, in both languages.
        again = Settings.create({})
        self.assertEqual(again.crisis_inquiry_sla_minutes, 45)
        self.assertEqual(again.crisis_send_delay_seconds, 45)
        self.assertEqual(
            again.crisis_legal_footer_de, "Muster GmbH, Amtsgericht Halle HRB 1"
        )
        self.assertEqual(
            again.crisis_legal_footer_en, "Muster GmbH, Local Court Halle HRB 1"
        )
        # The crisis admin still cannot write the company directly.
        with self.assertRaises(AccessError):
            self.company.with_user(self.user_admin).write({"name": "Umbenannt"})

    def test_settings_screen_refused_to_the_crisis_team(self):
        self.company.crisis_send_delay_seconds = 20
        for user in (self.user_manager, self.user_crisis):
            with self.assertRaises(AccessError):
                self.env["crisis.config.settings"].with_user(user).create(
                    {
                        "crisis_inquiry_sla_minutes": 1,
                        "crisis_send_delay_seconds": 0,
                        "crisis_legal_footer_de": "Gefälscht",
                        "crisis_sms_sender": "Fake",
                    }
                ).execute()
        self.assertNotEqual(self.company.crisis_inquiry_sla_minutes, 1)
        self.assertEqual(self.company.crisis_send_delay_seconds, 20)
        self.assertNotEqual(
            self.company.with_context(lang="de_DE").crisis_legal_footer, "Gefälscht"
        )
        self.assertNotEqual(self.company.crisis_sms_sender, "Fake")

    def test_settings_in_odoo_settings_for_system_admins(self):
        config = self.env["res.config.settings"].create(
            {
                "crisis_inquiry_sla_minutes": 33,
                "crisis_send_delay_seconds": 10,
                "crisis_legal_footer_en": "Example Ltd, Local Court Halle",
                "crisis_sms_sender": "Beispiel",
            }
        )
        config.execute()
        self.assertEqual(self.company.crisis_inquiry_sla_minutes, 33)
        self.assertEqual(self.company.crisis_send_delay_seconds, 10)
        self.assertEqual(
            self.company.with_context(lang="en_US").crisis_legal_footer,
            "Example Ltd, Local Court Halle",
        )
        self.assertEqual(self.company.crisis_sms_sender, "Beispiel")


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


class TestPageKeyMessages(CrisisMessageCommon):
    def test_published_key_message_shows_on_the_page(self):
        message = self._approved_message()
        values = self.incident._page_values("de")
        self.assertFalse(values["key_messages"], "approved is not yet public")
        message.with_user(self.user_manager).action_publish()
        values = self.incident._page_values("de")
        self.assertEqual(
            [entry["name"] for entry in values["key_messages"]],
            ["Brand unter Kontrolle"],
        )
        self.assertIn("Fenster geschlossen halten", values["key_messages"][0]["body"])
        english = self.incident._page_values("en")["key_messages"]
        self.assertIn("Keep windows closed", english[0]["body"])
