# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Attacks on the incident itself, over XML-RPC as the role that got
through (issue 22): a portal user made an exercise observer, a copy or a
context key reviving a protected state. Each is refused with a clear
message in the caller's language, and nothing changes."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ACCESS_ERROR, WARNING, CrisisCommon, RpcAttackMixin, calm_company


@tagged("post_install", "-at_install")
class TestIncidentAttacksOverRpc(RpcAttackMixin, HttpCase, CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        calm_company(cls.env, cls.company)
        cls.portal = new_test_user(
            cls.env,
            login="observer_portal",
            name="Paula Portal",
            email="paula.portal@example.com",
            groups="base.group_portal",
        )
        cls.manager_de = new_test_user(
            cls.env,
            login="crisis_manager_de",
            name="Dieter Krisenstab",
            groups="crisis_management.group_crisis_manager",
            lang="de_DE",
        )
        cls.observer = new_test_user(
            cls.env,
            login="exercise_observer_internal",
            name="Olaf Beobachter",
            email="olaf.beobachter@example.com",
            groups="crisis_management.group_crisis_manager",
        )
        cls.exercise = cls._create_incident(
            name="Übung: Stromausfall",
            is_exercise=True,
            exercise_observer_ids=[Command.set(cls.observer.ids)],
        )

    # ------------------------------------------------------------------
    # Issue 22, item 5: exercise observers are internal users
    # ------------------------------------------------------------------
    def test_portal_observer_refused_on_create(self):
        for user, text in (
            (self.user_manager, "Only internal users can observe the exercise"),
            (self.manager_de, "Nur interne Benutzer können die Übung"),
        ):
            message = self._refused(
                user,
                "crisis.incident",
                "create",
                {
                    "name": "Übung: Portal schaut zu",
                    "is_exercise": True,
                    "exercise_observer_ids": [
                        (6, 0, (self.observer | self.portal).ids)
                    ],
                },
                code=WARNING,
            )
            self.assertIn(text, message)
            self.assertIn("Paula Portal", message)
        self.assertFalse(
            self.env["crisis.incident"].search(
                [("name", "=", "Übung: Portal schaut zu")]
            )
        )

    def test_portal_observer_refused_on_write(self):
        message = self._refused(
            self.user_manager,
            "crisis.incident",
            "write",
            [self.exercise.id],
            {"exercise_observer_ids": [(4, self.portal.id)]},
            code=WARNING,
        )
        self.assertIn("Only internal users can observe the exercise", message)
        self.exercise.invalidate_recordset()
        self.assertEqual(self.exercise.exercise_observer_ids, self.observer)

    def test_observer_made_portal_receives_no_exercise_mail(self):
        """An observer who has become a portal user since is skipped: the
        exercise's e-mail and SMS never leave the company through them."""
        turncoat = new_test_user(
            self.env,
            login="observer_turncoat",
            name="Theo Wechsel",
            email="theo.wechsel@example.com",
            groups="crisis_management.group_crisis_manager",
        )
        turncoat.partner_id.mobile = "+4915199990002"
        self.observer.partner_id.mobile = "+4915199990001"
        self.exercise.exercise_observer_ids = [Command.link(turncoat.id)]
        turncoat.sudo().groups_id = [Command.set(self.env.ref("base.group_portal").ids)]
        self.assertTrue(turncoat.share)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "model": "crisis.incident",
                    "res_id": self.exercise.id,
                    "email_to": "kunde@example.com",
                    "subject": "Lagebericht",
                    "body_html": "<p>Stand 10 Uhr</p>",
                }
            )
        )
        self.assertIn("olaf.beobachter@example.com", mail.email_to)
        self.assertNotIn("theo.wechsel@example.com", mail.email_to)
        self.assertNotIn("kunde@example.com", mail.email_to)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                {
                    "number": "+4915100000000",
                    "body": "Stand 10 Uhr",
                    "mail_message_id": self.exercise.message_post(
                        body="Stand 10 Uhr"
                    ).id,
                }
            )
        )
        self.assertEqual(sms.mapped("number"), ["+4915199990001"])

    # ------------------------------------------------------------------
    # The workflow mixin on the incident: no way around the actions
    # ------------------------------------------------------------------
    def test_copy_never_revives_a_closed_incident(self):
        incident = self._create_incident(name="Rückruf Charge 7", severity="minor")
        incident.action_activate()
        incident.action_resolve()
        incident.action_close()
        message = self._refused(
            self.user_manager,
            "crisis.incident",
            "copy",
            [incident.id],
            default={"state": "active", "page_published": True},
            code=ACCESS_ERROR,
        )
        self.assertIn("cannot be set directly", message)
        copy_id = self._rpc(self.user_manager, "crisis.incident", "copy", [incident.id])
        copy = self.env["crisis.incident"].browse(copy_id)
        self.assertEqual(copy.state, "draft")
        self.assertFalse(copy.date_activated or copy.date_closed)
        self.assertFalse(copy.page_published)
        self.assertNotEqual(copy.reference, incident.reference)
        self.assertNotEqual(copy.sudo().page_token, incident.sudo().page_token)
        self.assertEqual(incident.state, "closed")

    def test_default_state_in_context_is_ignored(self):
        incident_id = self._rpc(
            self.user_manager,
            "crisis.incident",
            "create",
            {"name": "Kontext-Trick", "severity": "minor"},
            context={"default_state": "closed", "default_page_published": True},
        )
        incident = self.env["crisis.incident"].browse(incident_id)
        self.assertEqual(incident.state, "draft")
        self.assertFalse(incident.page_published)
        self.assertTrue(incident.reference.startswith("CRISIS/"), incident.reference)

    def test_state_changes_only_through_the_actions(self):
        incident = self._create_incident(name="Direktschreiben", severity="minor")
        message = self._refused(
            self.user_manager,
            "crisis.incident",
            "write",
            [incident.id],
            {"state": "closed", "date_closed": "2030-01-01 00:00:00"},
            code=ACCESS_ERROR,
        )
        self.assertIn("cannot be set directly", message)
        message = self._refused(
            self.user_manager,
            "crisis.incident",
            "action_close",
            [incident.id],
            code=WARNING,
        )
        self.assertIn("cannot go from Draft to Closed", message)
        self.assertEqual(incident.state, "draft")
        self.assertFalse(incident.date_closed)
        self.assertFalse(incident.log_ids.filtered(lambda e: e.kind == "state"))

    # ------------------------------------------------------------------
    # Issue 22, item 9: the contact sheet is logged by its print button
    # ------------------------------------------------------------------
    def test_contact_sheet_logged_by_the_print_button_only_for_the_team(self):
        incident = self._create_incident(name="Gasaustritt", severity="minor")
        printed = "Emergency contact sheet printed by"

        def printings():
            return incident.log_ids.filtered(lambda e: printed in (e.body or ""))

        message = self._refused(
            self.user_crisis,
            "crisis.incident",
            "action_print_contact_sheet",
            [incident.id],
            code=ACCESS_ERROR,
        )
        self.assertIn("Only the crisis team can print", message)
        self.assertFalse(printings())
        # The print button, as the web client sends it (its action holds
        # nulls that XML-RPC cannot carry).
        self.authenticate("crisis_manager", "crisis_manager")
        action = self.make_jsonrpc_request(
            "/web/dataset/call_button",
            {
                "model": "crisis.incident",
                "method": "action_print_contact_sheet",
                "args": [[incident.id]],
                "kwargs": {"context": {"contact_sheet_lang": "de_DE"}},
            },
        )
        self.assertEqual(
            action["report_name"], "crisis_management.report_crisis_contact_sheet"
        )
        incident.invalidate_recordset()
        self.assertEqual(len(printings()), 1)
        self.assertIn("Max Krisenstab (de_DE)", printings().body)
        self.assertTrue(incident.verify_log()["ok"])
