# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The third attack: the first hour (war room, shifts, update cadence) and
customers first (components, affected customers, the salesperson's
activity), made over XML-RPC against the running test server as the role
that got through. Each attempt must be refused with a clear message (an
access error or a warning, never a server error) and leave the data as it
was; nothing of a confidential incident reaches anyone outside its team."""

import xmlrpc.client

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import (
    ACCESS_ERROR,
    WARNING,
    CrisisMessageCommon,
    RpcAttackMixin,
    calm_company,
)

SECRET_NAME = "Geheime Erpressung 9911"


@tagged("post_install", "-at_install")
class TestFirstHourAttacksOverRpc(RpcAttackMixin, HttpCase, CrisisMessageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calm_company(cls.env, cls.company)
        cls.sales_lisa = new_test_user(
            cls.env,
            login="attack3_sales",
            name="Lisa Vertrieb",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.sales_tom = new_test_user(
            cls.env,
            login="attack3_sales_other",
            name="Tom Vertrieb",
            groups="base.group_user,sales_team.group_sale_salesman",
        )
        cls.outsider = new_test_user(
            cls.env,
            login="attack3_outsider",
            name="Otto Outside",
            groups="crisis_management.group_crisis_manager",
        )
        cls.portal = new_test_user(
            cls.env,
            login="attack3_portal",
            name="Paula Portal",
            groups="base.group_portal",
        )
        cls.acme = cls.env["res.partner"].create(
            {"name": "Acme GmbH", "is_company": True, "user_id": cls.sales_lisa.id}
        )
        cls.pump = (
            cls.env["crisis.component"]
            .with_user(cls.user_admin)
            .create({"name": "Pump P-200", "partner_ids": [Command.set(cls.acme.ids)]})
        )
        cls.valve = (
            cls.env["crisis.component"]
            .with_user(cls.user_admin)
            .create({"name": "Valve V-10", "partner_ids": [Command.set(cls.acme.ids)]})
        )
        # An open incident that every crisis team member may edit (its
        # component is not one of the confidential incident's).
        cls.open_incident = cls._create_incident(name="Ventilausfall", severity="minor")
        cls.open_incident.write(
            {
                "component_status_ids": [
                    Command.create(
                        {"component_id": cls.valve.id, "status": "major_outage"}
                    )
                ]
            }
        )
        cls.open_incident.action_activate()
        # A confidential incident: its lead, one member, nobody else.
        cls.secret = cls._create_incident(
            name=SECRET_NAME,
            severity="minor",
            is_confidential=True,
            lead_id=cls.user_manager.id,
            member_ids=[
                Command.create({"user_id": cls.user_manager2.id, "role": "member"})
            ],
            component_status_ids=[
                Command.create({"component_id": cls.pump.id, "status": "major_outage"})
            ],
        )
        cls.secret.action_activate()

    # ------------------------------------------------------------------
    # Customers first
    # ------------------------------------------------------------------
    def test_salesperson_activity_does_not_name_a_confidential_incident(self):
        """Marking the customers of a confidential incident affected tells
        their salesperson (no crisis rights) that the customer is affected,
        never the incident's internal name: the salesperson and every other
        employee who reads the customer's activities would see it."""
        self.secret.with_user(self.user_manager).action_mark_affected()
        for user in (self.sales_lisa, self.sales_tom, self.outsider):
            activities = self._rpc(
                user,
                "mail.activity",
                "search_read",
                [("res_model", "=", "res.partner"), ("res_id", "=", self.acme.id)],
                fields=["summary", "note", "user_id"],
            )
            if user == self.sales_lisa:
                # The salesperson got the activity (the test can fail).
                self.assertTrue(activities)
            for activity in activities:
                self.assertNotIn(SECRET_NAME, activity["summary"] or "", user.login)
                self.assertNotIn(SECRET_NAME, activity["note"] or "", user.login)

    def test_holding_statement_template_is_not_the_key_message(self):
        """A template of another incident type (approved before any crisis,
        placeholders unfilled) is never handed to salespeople as the
        incident's approved key message."""
        Message = self.env["crisis.message"].with_user(self.user_manager)
        template = Message.create(
            {
                "incident_type_id": self.env.ref(
                    "crisis_management.incident_type_it_outage"
                ).id,
                "kind": "key_message",
                "name": "TEMPLATE-KEY-3131",
                "body": "<p>TEMPLATE-BODY-3131 Details: {page_url}</p>",
            }
        )
        template.action_submit()
        template.with_user(self.user_manager2).action_approve()
        self.assertTrue(template.is_template)
        self.assertEqual(template.state, "approved")
        self.open_incident.with_user(self.user_manager).action_mark_affected()
        activities = self._rpc(
            self.sales_lisa,
            "mail.activity",
            "search_read",
            [("res_model", "=", "res.partner"), ("res_id", "=", self.acme.id)],
            fields=["summary", "note"],
        )
        self.assertTrue(activities)
        for activity in activities:
            self.assertNotIn("TEMPLATE-BODY-3131", activity["note"] or "")
            self.assertNotIn("TEMPLATE-KEY-3131", activity["note"] or "")

    def test_component_status_not_moved_into_a_confidential_incident(self):
        """A team member of an open incident moves its component status into
        a confidential incident they may not write to: refused, as for every
        record that hangs off an incident."""
        line = self.open_incident.component_status_ids
        self.assertEqual(len(line), 1)
        self._refused(
            self.outsider,
            "crisis.incident.component",
            "write",
            [line.id],
            {"incident_id": self.secret.id},
        )
        line.invalidate_recordset()
        self.assertEqual(line.incident_id, self.open_incident)

    # ------------------------------------------------------------------
    # The war room
    # ------------------------------------------------------------------
    def test_member_taken_off_the_team_leaves_the_war_room(self):
        """Whoever the lead takes off a confidential incident's team no
        longer reads or writes its war room."""
        channel = self.secret.discuss_channel_id
        self.assertTrue(channel)
        self.assertIn(
            self.user_manager2.partner_id, channel.channel_member_ids.partner_id
        )
        member = self.secret.member_ids.filtered(
            lambda m: m.user_id == self.user_manager2
        )
        self.secret.with_user(self.user_manager).write(
            {"member_ids": [Command.delete(member.id)]}
        )
        channel.with_user(self.user_manager).message_post(
            body="WAR-ROOM-AFTER-7272",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self._refused(self.user_manager2, "crisis.incident", "read", [self.secret.id])
        self._refused(
            self.user_manager2, "discuss.channel", "read", [channel.id], ["name"]
        )
        messages = self._rpc(
            self.user_manager2,
            "mail.message",
            "search_read",
            [("model", "=", "discuss.channel"), ("res_id", "=", channel.id)],
            fields=["body"],
        )
        self.assertFalse(messages)
        self._refused(
            self.user_manager2,
            "discuss.channel",
            "message_post",
            [channel.id],
            body="still here",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------------
    # Shifts
    # ------------------------------------------------------------------
    def test_confidential_shift_not_given_to_outsider_or_portal_user(self):
        """A shift hands its handover note to the next person on duty (an
        activity and a pop-up): never to a portal user, and on a confidential
        incident only to someone on its team (refused, or made a member the
        way the alarm makes whoever it calls one)."""
        Shift = self.env["crisis.incident.shift"]
        count = Shift.search_count([("incident_id", "=", self.secret.id)])
        self._refused(
            self.user_manager,
            "crisis.incident.shift",
            "create",
            {
                "incident_id": self.secret.id,
                "user_id": self.portal.id,
                "role": "lead",
                "date_end": "2030-01-01 00:00:00",
            },
        )
        self.assertEqual(
            Shift.search_count([("incident_id", "=", self.secret.id)]), count
        )
        try:
            self._rpc(
                self.user_manager,
                "crisis.incident.shift",
                "create",
                {
                    "incident_id": self.secret.id,
                    "user_id": self.user_crisis.id,
                    "role": "lead",
                    "date_end": "2030-01-01 00:00:00",
                },
            )
        except xmlrpc.client.Fault as fault:
            self.assertIn(fault.faultCode, (ACCESS_ERROR, WARNING), fault.faultString)
        self.secret.invalidate_recordset()
        on_duty = Shift.search([("incident_id", "=", self.secret.id)]).user_id
        self.assertFalse(
            on_duty - self.secret.member_ids.user_id - self.secret.lead_id,
            "someone outside the confidential incident's team is on duty",
        )

    # ------------------------------------------------------------------
    # The update cadence
    # ------------------------------------------------------------------
    def test_next_update_due_is_not_written_directly(self):
        """The page's promise of the next update follows from the type's
        cadence and the published updates; writing it directly (silencing
        the spokesperson's reminder, promising a date years away) is
        refused."""
        self.type_fire.update_interval_minutes = 60
        incident = self.open_incident
        incident.invalidate_recordset()
        due = incident.next_update_due
        self.assertTrue(due)
        self._refused(
            self.user_manager,
            "crisis.incident",
            "write",
            [incident.id],
            {"next_update_due": "2030-01-01 00:00:00"},
        )
        incident.invalidate_recordset()
        self.assertEqual(incident.next_update_due, due)

    # ------------------------------------------------------------------
    # Links into a confidential incident (a link shows the linked record's
    # name to everyone who reads the linking one)
    # ------------------------------------------------------------------
    def test_no_link_to_a_confidential_incidents_content_or_update(self):
        """Someone outside a confidential incident's team ties its Q&A,
        content or page update to an open incident's inquiry or
        communication by id: refused; its title never shows."""
        secret_title = "Erpressung: Antwort an Presse 9911"
        secret_qa = self._approved_message(
            kind="qa",
            incident_id=self.secret.id,
            en={"name": secret_title, "body": "<p>x</p>", "sms_text": "x"},
        )
        secret_update = (
            self.env["crisis.incident.update"]
            .sudo()
            .create(
                {
                    "incident_id": self.secret.id,
                    "name": secret_title,
                    "body": "<p>x</p>",
                    "is_published": True,
                }
            )
        )
        for model, values in (
            (
                "crisis.inquiry",
                {"name": "Anruf", "answer_message_id": secret_qa.id},
            ),
            (
                "crisis.communication",
                {"message_id": secret_qa.id, "channel_email": True},
            ),
            (
                "crisis.communication",
                {"update_id": secret_update.id, "channel_email": True},
            ),
        ):
            with self.subTest(model=model, values=values):
                fault = self._refused(
                    self.outsider,
                    model,
                    "create",
                    dict(values, incident_id=self.open_incident.id),
                )
                self.assertNotIn(secret_title, fault)
                self.assertFalse(
                    self.env[model].search(
                        [("incident_id", "=", self.open_incident.id)]
                    )
                )

    def test_send_dialog_not_opened_on_a_confidential_communication(self):
        """The send dialog shows the communication's title, its reach and the
        names of the skipped contacts: not to someone outside the team."""
        secret_comm = self._communication(
            self._approved_message(incident_id=self.secret.id),
            incident_id=self.secret.id,
        )
        fault = self._refused(
            self.outsider,
            "crisis.communication.send",
            "create",
            {"communication_id": secret_comm.id},
        )
        self.assertNotIn(secret_comm.name, fault)
        self.assertFalse(
            self.env["crisis.communication.send"].search(
                [("communication_id", "=", secret_comm.id)]
            )
        )
        # The team opens it.
        self._rpc(
            self.user_manager2,
            "crisis.communication.send",
            "create",
            {"communication_id": secret_comm.id},
        )
