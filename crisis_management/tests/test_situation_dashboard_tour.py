# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.sql_db import TestCursor
from odoo.tests import new_test_user, tagged

from odoo.addons.bus.models.bus import dispatch, hashable
from odoo.addons.bus.tests.common import WebsocketCase


def dispatch_bus_on_commit(test_case):
    """Deliver bus notifications when a request's transaction commits.

    In production a post-commit hook NOTIFYs PostgreSQL and the bus thread
    wakes the websockets of the channels; test cursors drop post-commit
    hooks, so this wakes them directly (as ``WebsocketCase`` does)."""
    commit = TestCursor.commit

    def commit_and_dispatch(cursor):
        channels = list(cursor.postcommit.data.get("bus.bus.channels", ()))
        commit(cursor)
        for channel in channels:
            for websocket in list(dispatch._channels_to_ws.get(hashable(channel), ())):
                websocket.trigger_notification_dispatching()

    test_case.patch(TestCursor, "commit", commit_and_dispatch)


@tagged("post_install", "-at_install")
class TestSituationDashboardTour(WebsocketCase):
    browser_size = "1920x1080"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company of its own, so that demo data cannot interfere.
        cls.company = cls.env["res.company"].create({"name": "Wand GmbH"})
        cls.lead = new_test_user(
            cls.env,
            login="wall_lead",
            groups="crisis_management.group_crisis_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.incident = cls.env["crisis.incident"].create(
            {
                "name": "Tour-Wand",
                "severity": "critical",
                "company_id": cls.company.id,
                "lead_id": cls.lead.id,
            }
        )
        cls.incident.with_user(cls.lead).action_activate()
        cls.incident.task_ids.unlink()  # whatever a playbook added
        cls.env["crisis.task"].create(
            [
                {
                    "incident_id": cls.incident.id,
                    "name": "Tour: Feuerwehr informieren",
                    "user_id": cls.lead.id,
                    "date_deadline": fields.Datetime.now() - timedelta(hours=1),
                },
                {"incident_id": cls.incident.id, "name": "Tour: Anwohnerbrief"},
            ]
        )

    def test_wall_updates_itself(self):
        dispatch_bus_on_commit(self)
        self.start_tour(
            "/odoo/crisis-situation",
            "crisis_management_situation_dashboard_tour",
            login="wall_lead",
        )
        self.assertEqual(self.incident.task_open_count, 2)
