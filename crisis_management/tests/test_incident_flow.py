# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CrisisCommon

ACTIONS = {
    "active": "action_activate",
    "contained": "action_contain",
    "resolved": "action_resolve",
    "closed": "action_close",
}
ALLOWED = {
    ("draft", "active"),
    ("active", "contained"),
    ("active", "resolved"),
    ("contained", "resolved"),
    ("resolved", "closed"),
}
LABELS = {
    "draft": "Draft",
    "active": "Active",
    "contained": "Contained",
    "resolved": "Resolved",
    "closed": "Closed",
}
# How to bring a new incident into each state.
PATHS = {
    "draft": [],
    "active": ["action_activate"],
    "contained": ["action_activate", "action_contain"],
    "resolved": ["action_activate", "action_resolve"],
    "closed": ["action_activate", "action_resolve", "action_close"],
}


@tagged("post_install", "-at_install")
class TestIncidentFlow(CrisisCommon):
    def _incident_in(self, state, **values):
        incident = self._create_incident(severity="minor", **values)
        for action in PATHS[state]:
            getattr(incident, action)()
        self.assertEqual(incident.state, state)
        return incident

    def _state_log(self, incident):
        return incident.log_ids.filtered(lambda e: e.kind == "state").sorted(
            "sequence", reverse=True
        )

    def test_activate(self):
        incident = self._create_incident(severity="minor")
        self.assertTrue(incident.reference.startswith("CRISIS/"))
        with freeze_time("2026-03-02 06:50:00"):
            incident.with_user(self.user_manager).action_activate()
        self.assertEqual(incident.state, "active")
        self.assertEqual(str(incident.date_activated), "2026-03-02 06:50:00")
        self.assertIn("from Draft to Active", self._state_log(incident)[0].body)
        self.assertTrue(incident.verify_log()["ok"])

    def test_contain(self):
        incident = self._incident_in("active")
        incident.with_user(self.user_manager).action_contain()
        self.assertEqual(incident.state, "contained")
        self.assertIn("from Active to Contained", self._state_log(incident)[0].body)

    def test_resolve_from_active_and_from_contained(self):
        for start in ("active", "contained"):
            incident = self._incident_in(start)
            incident.with_user(self.user_manager).action_resolve()
            self.assertEqual(incident.state, "resolved")
            self.assertIn(
                f"from {LABELS[start]} to Resolved", self._state_log(incident)[0].body
            )

    def test_close(self):
        incident = self._incident_in("resolved")
        with freeze_time("2026-03-05 18:00:00"):
            incident.with_user(self.user_manager).action_close()
        self.assertEqual(incident.state, "closed")
        self.assertEqual(str(incident.date_closed), "2026-03-05 18:00:00")
        self.assertIn("from Resolved to Closed", self._state_log(incident)[0].body)
        self.assertTrue(incident.verify_log()["ok"])

    def test_every_invalid_transition_is_refused_clearly(self):
        refused = 0
        for start in PATHS:
            for target, action in ACTIONS.items():
                if (start, target) in ALLOWED:
                    continue
                incident = self._incident_in(start)
                log_count = len(incident.log_ids)
                with self.assertRaises(UserError) as caught:
                    getattr(incident.with_user(self.user_manager), action)()
                message = str(caught.exception)
                self.assertIn(incident.display_name, message)
                self.assertIn(
                    f"cannot go from {LABELS[start]} to {LABELS[target]}", message
                )
                self.assertEqual(incident.state, start)
                self.assertEqual(len(incident.log_ids), log_count)
                refused += 1
        # 5 states x 4 actions, 5 of them allowed
        self.assertEqual(refused, 15)

    def test_refusal_speaks_the_users_german(self):
        self.env["res.lang"]._activate_lang("de_DE")
        self.env["ir.module.module"].search(
            [("name", "=", "crisis_management")]
        )._update_translations(["de_DE"])
        incident = self._incident_in("draft")
        with self.assertRaises(UserError) as caught:
            incident.with_context(lang="de_DE").action_close()
        self.assertEqual(
            str(caught.exception),
            f"Krisenvorfall „{incident.display_name}“ kann nicht von „Entwurf“ zu "
            "„Geschlossen“ wechseln.",
        )

    def test_hotline_staff_cannot_run_incidents(self):
        incident = self._create_incident()
        with self.assertRaises(AccessError):
            incident.with_user(self.user_crisis).action_activate()
        self.assertEqual(incident.state, "draft")

    def test_only_draft_incidents_can_be_deleted(self):
        incident = self._incident_in("active")
        with self.assertRaises(UserError):
            incident.unlink()
        draft = self._create_incident(name="Fehlalarm")
        draft.unlink()
        self.assertFalse(draft.exists())
