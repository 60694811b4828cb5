# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The chatter of a confidential incident stays with its team (issue 22,
items 10 and 12), tried over JSON-RPC as the roles that got through:

- the hotline user a task of a confidential incident is assigned to (a
  follower, notified, with an activity) reads neither the task, nor its
  messages, nor its activity, and cannot post on it;
- a plain employee lists no followers of a confidential incident;
- only crisis users read a contact's influence and social media handle.
"""

import json

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CrisisCommon

SECRET_TASK = "Lösegeldforderung prüfen QX-77"
SECRET_NOTE = "Der Erpresser hat sich wieder gemeldet QX-78"


@tagged("post_install", "-at_install")
class TestConfidentialChatter(CrisisCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.secret = cls._create_incident(
            name="Erpressung",
            is_confidential=True,
            member_ids=[
                Command.create({"user_id": cls.user_manager2.id, "role": "member"}),
                Command.create({"user_id": cls.user_crisis.id, "role": "member"}),
            ],
        )
        cls.secret.action_activate()
        # The lead assigns a task to a hotline user on the team...
        cls.task = (
            env["crisis.task"]
            .with_user(cls.user_manager)
            .create(
                {
                    "incident_id": cls.secret.id,
                    "name": SECRET_TASK,
                    "user_id": cls.user_crisis.id,
                }
            )
        )
        # ... who then leaves the team, and keeps the task, a follower entry
        # (from before, or from a database of an older version) and an
        # activity: what the guards below face.
        cls.secret.member_ids.filtered(
            lambda member: member.user_id == cls.user_crisis
        ).sudo().unlink()
        cls.assert_outsider = not cls.secret.with_user(cls.user_crisis).has_access(
            "read"
        )
        if cls.user_crisis.partner_id not in cls.task.message_partner_ids:
            cls.env["mail.followers"].sudo().create(
                {
                    "res_model": "crisis.task",
                    "res_id": cls.task.id,
                    "partner_id": cls.user_crisis.partner_id.id,
                    "subtype_ids": [Command.link(cls.env.ref("mail.mt_comment").id)],
                }
            )
        cls.note = cls.task.with_user(cls.user_manager).message_post(
            body=SECRET_NOTE,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.task.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=SECRET_TASK,
            user_id=cls.user_crisis.id,
        )
        cls.secret.sudo().message_subscribe(
            partner_ids=(cls.user_manager2 | cls.user_manager).partner_id.ids
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Dieter Einfluss", "crisis_influence": "high"}
        )

    def _rpc(self, model, method, *args, **kwargs):
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            },
        }
        return self._post("/web/dataset/call_kw", payload["params"])

    def _post(self, url, params):
        payload = {"id": 0, "jsonrpc": "2.0", "method": "call", "params": params}
        response = self.url_open(
            url, data=json.dumps(payload), headers={"Content-Type": "application/json"}
        )
        self.assertEqual(response.status_code, 200, url)
        self.assertNotIn(SECRET_NOTE, response.text)
        self.assertNotIn(SECRET_TASK, response.text)
        return response.json()

    def _assert_refused(self, answer):
        self.assertIn("error", answer, answer)
        self.assertEqual(
            answer["error"]["data"]["name"], "odoo.exceptions.AccessError", answer
        )

    def _task_messages(self):
        return (
            self.env["mail.message"]
            .sudo()
            .search_count(
                [("model", "=", "crisis.task"), ("res_id", "=", self.task.id)]
            )
        )

    def test_setup_is_the_attack(self):
        """The assignee really is outside the team, a follower, notified,
        with an activity."""
        self.assertTrue(self.assert_outsider)
        self.assertEqual(self.task.user_id, self.user_crisis)
        self.assertIn(self.user_crisis.partner_id, self.task.message_partner_ids)
        self.assertIn(
            self.user_crisis.partner_id,
            self.note.sudo().notification_ids.res_partner_id,
        )
        self.assertTrue(
            self.task.activity_ids.filtered(lambda a: a.user_id == self.user_crisis)
        )

    def test_outsider_does_not_become_follower(self):
        env = self.env(context=dict(self.env.context, tracking_disable=False))
        task = (
            env["crisis.task"]
            .with_user(self.user_manager)
            .create(
                {
                    "incident_id": self.secret.id,
                    "name": "Zweite Aufgabe",
                    "user_id": self.user_manager2.id,
                }
            )
        )
        task.message_subscribe(
            partner_ids=(self.user_crisis | self.user_manager2).partner_id.ids
        )
        self.secret.message_subscribe(partner_ids=self.user_employee.partner_id.ids)
        outsider = self.user_crisis.partner_id
        self.assertNotIn(outsider, task.message_partner_ids)
        self.assertIn(self.user_manager2.partner_id, task.message_partner_ids)
        self.assertNotIn(self.user_employee.partner_id, self.secret.message_partner_ids)
        message = task.with_user(self.user_manager).message_post(
            body=SECRET_NOTE, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertNotIn(outsider, message.sudo().notification_ids.res_partner_id)
        # A contact without a user still follows (customers get their mails).
        customer = self.env["res.partner"].create(
            {"name": "Kundin ohne Login", "email": "kundin@example.com"}
        )
        task.message_subscribe(partner_ids=customer.ids)
        self.assertIn(customer, task.message_partner_ids)
        # Once on the team, they follow.
        self.secret.member_ids = [
            Command.create({"user_id": self.user_crisis.id, "role": "member"})
        ]
        task.message_subscribe(partner_ids=outsider.ids)
        self.assertIn(outsider, task.message_partner_ids)

    def test_assignee_outside_the_team_gets_nothing(self):
        self.authenticate(self.user_crisis.login, self.user_crisis.login)
        before = self._task_messages()
        activity = self.task.activity_ids.filtered(
            lambda a: a.user_id == self.user_crisis
        )
        self._assert_refused(self._rpc("crisis.task", "read", self.task.ids, ["name"]))
        answer = self._rpc(
            "mail.message",
            "search_read",
            [("model", "=", "crisis.task"), ("res_id", "=", self.task.id)],
            ["body"],
        )
        self.assertEqual(answer.get("result"), [], answer)
        self._assert_refused(self._rpc("mail.message", "read", self.note.ids, ["body"]))
        self._assert_refused(
            self._rpc("mail.activity", "read", activity.ids, ["summary", "res_name"])
        )
        answer = self._rpc(
            "mail.activity",
            "search_read",
            [("res_model", "=", "crisis.task")],
            ["summary"],
        )
        self.assertFalse(
            set(activity.ids) & {a["id"] for a in answer.get("result") or []}
        )
        # Posting: over the model and over the chatter's own route.
        self._assert_refused(
            self._rpc("crisis.task", "message_post", self.task.ids, body="Ich war da")
        )
        self._post(
            "/mail/message/post",
            {
                "thread_model": "crisis.task",
                "thread_id": self.task.id,
                "post_data": {"body": "Ich war da", "message_type": "comment"},
            },
        )
        self._post(
            "/mail/thread/messages",
            {"thread_model": "crisis.task", "thread_id": self.task.id},
        )
        self.assertEqual(self._task_messages(), before)
        # The inbox still opens, without the task's message.
        answer = self._post("/mail/inbox/messages", {})
        self.assertNotIn("error", answer, answer)

    def test_team_member_still_reads_and_posts(self):
        self.authenticate(self.user_manager2.login, self.user_manager2.login)
        answer = self._rpc(
            "mail.message",
            "search_read",
            [("model", "=", "crisis.task"), ("res_id", "=", self.task.id)],
            ["id"],
        )
        self.assertIn(self.note.id, [m["id"] for m in answer["result"]])
        answer = self._rpc(
            "mail.followers",
            "search_read",
            [("res_model", "=", "crisis.incident"), ("res_id", "=", self.secret.id)],
            ["partner_id"],
        )
        self.assertGreaterEqual(len(answer["result"]), 2)
        before = self._task_messages()
        answer = self._rpc(
            "crisis.task", "message_post", self.task.ids, body="Erledigt"
        )
        self.assertNotIn("error", answer, answer)
        self.assertEqual(self._task_messages(), before + 1)

    def test_employee_lists_no_followers_of_a_confidential_incident(self):
        followers = (
            self.env["mail.followers"]
            .sudo()
            .search(
                [("res_model", "=", "crisis.incident"), ("res_id", "=", self.secret.id)]
            )
        )
        self.assertTrue(followers)
        for user in (self.user_employee, self.user_crisis):
            self.authenticate(user.login, user.login)
            for domain in (
                [
                    ("res_model", "=", "crisis.incident"),
                    ("res_id", "=", self.secret.id),
                ],
                [("res_model", "=", "crisis.incident")],
                [("id", "in", followers.ids)],
            ):
                answer = self._rpc("mail.followers", "search_read", domain, ["id"])
                found = [f["id"] for f in answer.get("result") or []]
                self.assertFalse(set(found) & set(followers.ids), (user.login, domain))
                answer = self._rpc("mail.followers", "search_count", domain)
                if domain[0][0] == "id":
                    self.assertEqual(answer.get("result"), 0, answer)
            self._assert_refused(
                self._rpc("mail.followers", "read", followers.ids, ["partner_id"])
            )
        # Followers of a record they may read are still theirs to see.
        open_incident = self._create_incident(name="Offener Vorfall")
        open_incident.sudo().message_subscribe(
            partner_ids=self.user_manager.partner_id.ids
        )
        self.authenticate(self.user_crisis.login, self.user_crisis.login)
        answer = self._rpc(
            "mail.followers",
            "search_read",
            [("res_model", "=", "crisis.incident"), ("res_id", "=", open_incident.id)],
            ["partner_id"],
        )
        self.assertTrue(answer["result"])

    @mute_logger("odoo.http", "odoo.models")
    def test_influence_and_handle_only_for_crisis_users(self):
        portal = new_test_user(
            self.env, login="influence_portal", groups="base.group_portal"
        )
        portal.partner_id.parent_id = self.partner
        fields = ["crisis_influence"]
        if "crisis_social_handle" in self.env["res.partner"]._fields:
            fields.append("crisis_social_handle")
        for user in (self.user_employee, portal):
            self.authenticate(user.login, user.login)
            for field in fields:
                self._assert_refused(
                    self._rpc("res.partner", "read", self.partner.ids, [field])
                )
                answer = self._rpc("res.partner", "search", [(field, "!=", False)])
                self.assertIn("error", answer, (user.login, field))
        self.authenticate(self.user_crisis.login, self.user_crisis.login)
        answer = self._rpc(
            "res.partner", "read", self.partner.ids, ["crisis_influence"]
        )
        self.assertEqual(answer["result"][0]["crisis_influence"], "high")
        # Nothing changed.
        self.partner.invalidate_recordset()
        self.assertEqual(self.partner.crisis_influence, "high")
