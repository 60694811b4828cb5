# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Attacks as real accounts would make them: over XML-RPC against the
running test server, as a portal customer, a hotline user and a member of
the crisis team who is not on a confidential incident. Each attempt must be
refused with a clear message (an access error or a warning, never a server
error) and leave the data as it was."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import WARNING, CrisisCommon, RpcAttackMixin


@tagged("post_install", "-at_install")
class TestAttacksOverRpc(RpcAttackMixin, HttpCase, CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.portal = new_test_user(
            cls.env, login="attacker_portal", groups="base.group_portal"
        )
        cls.outsider = new_test_user(
            cls.env,
            login="outside_manager",
            name="Otto Outside",
            groups="crisis_management.group_crisis_manager",
        )
        cls.hotline_de = new_test_user(
            cls.env,
            login="hotline_de",
            groups="crisis_management.group_crisis_user",
            lang="de_DE",
        )
        cls.secret = cls._create_incident(
            name="Geheime Erpressung",
            is_confidential=True,
            lead_id=cls.user_manager.id,
            member_ids=[
                Command.create({"user_id": cls.user_manager2.id, "role": "member"})
            ],
        )
        cls.secret.action_activate()
        cls.secret._log("fact", "Confidential fact")
        cls.public = cls._create_incident(name="Rückruf Charge 42", severity="minor")
        cls.public.action_activate()
        cls.public.action_publish_page()
        cls.public.public_summary = "<p>Summary</p>"
        cls.partner = cls.env["res.partner"].create(
            {"name": "Nina Nachbarin", "email": "nina@example.com"}
        )
        purpose = cls.env.ref("crisis_management.consent_purpose_crisis_info")
        cls.consent = cls.env["crisis.consent"].create(
            {"partner_id": cls.partner.id, "purpose_id": purpose.id, "channel": "email"}
        )
        cls.subscription = cls.env["crisis.page.subscription"].create(
            {
                "incident_id": cls.public.id,
                "partner_id": cls.partner.id,
                "email": "nina@example.com",
                "consent_ids": [Command.set(cls.consent.ids)],
            }
        )
        cls.message = (
            cls.env["crisis.message"]
            .with_user(cls.user_manager)
            .create(
                {
                    "name": "Holding statement",
                    "incident_id": cls.secret.id,
                    "body": "<p>We are looking into it.</p>",
                }
            )
        )
        cls.message.action_submit()
        cls.message.with_user(cls.user_manager2).action_approve()
        cls.message.with_user(cls.user_manager).body = "<p>Second text</p>"
        cls.task = cls.env["crisis.task"].create(
            {"incident_id": cls.secret.id, "name": "Call the police"}
        )
        cls.update = cls.env["crisis.incident.update"].create(
            {"incident_id": cls.public.id, "body": "<p>Update</p>"}
        )

    # ------------------------------------------------------------------
    def test_01_rotate_page_token(self):
        token = self.public.page_token
        for user in (self.portal, self.user_crisis):
            self._refused(
                user, "crisis.incident", "action_rotate_page_token", [self.public.id]
            )
        self.assertEqual(self.public.page_token, token)

    def test_02_unsubscribe_by_id(self):
        for user in (self.portal, self.user_crisis):
            self._refused(
                user,
                "crisis.page.subscription",
                "action_unsubscribe",
                [self.subscription.id],
            )
        self.assertEqual(self.subscription.state, "confirmed")
        self.assertEqual(self.consent.state, "given")

    def test_03_outsider_joins_confidential_team(self):
        self._refused(
            self.outsider,
            "crisis.incident.member",
            "create",
            {"incident_id": self.secret.id, "user_id": self.outsider.id},
        )
        self._refused(
            self.outsider,
            "crisis.incident",
            "write",
            [self.secret.id],
            {"member_ids": [(0, 0, {"user_id": self.outsider.id})]},
        )
        self.assertNotIn(self.outsider, self.secret.member_ids.user_id)
        self.assertEqual(
            self._rpc(
                self.outsider,
                "crisis.log",
                "search",
                [("incident_id", "=", self.secret.id)],
            ),
            [],
        )
        # A member who is not the lead cannot add people either.
        self._refused(
            self.user_manager2,
            "crisis.incident.member",
            "create",
            {"incident_id": self.secret.id, "user_id": self.outsider.id},
        )
        # The lead can, and it is logged.
        self._rpc(
            self.user_manager,
            "crisis.incident.member",
            "create",
            {"incident_id": self.secret.id, "user_id": self.outsider.id},
        )
        self.assertIn(self.outsider, self.secret.member_ids.user_id)
        self.assertIn("Otto Outside", self.secret.log_ids[:1].body)
        self.assertTrue(self.secret.verify_log()["ok"])

    def test_04_versions_of_confidential_content(self):
        self.assertTrue(self.message.version_ids)
        found = self._rpc(self.user_crisis, "crisis.message.version", "search", [])
        self.assertFalse(set(found) & set(self.message.version_ids.ids))
        # The team sees them.
        found = self._rpc(self.user_manager2, "crisis.message.version", "search", [])
        self.assertTrue(set(self.message.version_ids.ids) <= set(found))
        self._refused(
            self.user_crisis,
            "crisis.message.version",
            "read",
            self.message.version_ids.ids,
            ["body"],
        )

    def test_05_four_eyes_cannot_be_bypassed(self):
        self._refused(
            self.user_manager,
            "crisis.message",
            "create",
            {
                "name": "Self-approved",
                "body": "<p>x</p>",
                "state": "published",
                "approved_by_id": self.user_manager2.id,
            },
        )
        draft = self.env["crisis.message"].create({"name": "Draft", "body": "<p>x</p>"})
        self._refused(
            self.user_manager,
            "crisis.message",
            "write",
            [draft.id],
            {"state": "approved"},
        )
        self.assertEqual(draft.state, "draft")
        # The context key that used to skip the versioning grants nothing.
        approved = self.env["crisis.message"].create(
            {"name": "Public", "body": "<p>Approved text</p>"}
        )
        approved.with_user(self.user_manager).action_submit()
        approved.with_user(self.user_manager2).action_approve()
        self._rpc(
            self.user_manager,
            "crisis.message",
            "write",
            [approved.id],
            {"body": '<p>x<img src="x" onerror="alert(1)"></p>'},
            context={"crisis_text_written": True},
        )
        approved.invalidate_recordset()
        self.assertNotIn("onerror", approved.body)
        self.assertEqual(approved.state, "review")
        self.assertEqual(approved.version, 2)
        # Nor does the translation dialog's method.
        self._rpc(
            self.user_manager,
            "crisis.message",
            "update_field_translations",
            [approved.id],
            "body",
            {"de_DE": '<p>y<img src="x" onerror="alert(2)"></p>'},
        )
        self.assertNotIn("onerror", approved.with_context(lang="de_DE").body or "")

    def test_06_log_body_must_be_text(self):
        self._refused(
            self.user_manager,
            "crisis.log",
            "create",
            {"incident_id": self.public.id, "kind": "fact", "body": 12345},
            code=WARNING,
        )
        self.assertTrue(self.public.verify_log()["ok"])

    def test_07_workflow_fields_only_through_actions(self):
        m = self.user_manager
        attempts = [
            ("crisis.incident", self.public, {"state": "closed"}),
            ("crisis.incident", self.public, {"page_token": "guessable"}),
            ("crisis.incident.update", self.update, {"is_published": True}),
            ("crisis.incident.update", self.update, {"date": "2020-01-01 00:00:00"}),
            ("crisis.task", self.task, {"state": "done"}),
            ("res.company", self.company, {"crisis_mode": False}),
        ]
        odoo_admin = self.env.ref("base.user_admin")
        for model, record, vals in attempts:
            self._refused(
                odoo_admin if model == "res.company" else m,
                model,
                "write",
                [record.id],
                vals,
            )
        self.assertEqual(self.public.state, "active")
        self.assertFalse(self.update.is_published)
        self.assertEqual(self.task.state, "todo")
        inquiry = self.env["crisis.inquiry"].create(
            {"incident_id": self.public.id, "name": "Q", "question": "Q?"}
        )
        self._refused(
            self.user_crisis,
            "crisis.inquiry",
            "write",
            [inquiry.id],
            {"state": "answered", "date_answered": "2026-01-01 00:00:00"},
        )
        self.assertEqual(inquiry.state, "new")
        # Reviving a withdrawn consent with the old context flag.
        self.consent.action_withdraw()
        self._refused(
            self.user_crisis,
            "crisis.consent",
            "write",
            [self.consent.id],
            {"state": "given"},
            context={"crisis_consent_withdraw": True},
        )
        self.assertEqual(self.consent.state, "withdrawn")

    def test_07b_sent_communication_stays(self):
        message = self.env["crisis.message"].create(
            {"name": "Notice", "body": "<p>Notice</p>", "incident_id": self.public.id}
        )
        message.with_user(self.user_manager).action_submit()
        message.with_user(self.user_manager2).action_approve()
        comm = self.env["crisis.communication"].create(
            {
                "incident_id": self.public.id,
                "message_id": message.id,
                "audience_partner_ids": [Command.set(self.partner.ids)],
            }
        )
        comm.with_user(self.user_manager).action_send()
        lines = comm.recipient_ids
        self.assertTrue(lines)
        self._refused(
            self.user_manager,
            "crisis.communication",
            "write",
            [comm.id],
            {"state": "draft"},
        )
        self._refused(
            self.user_manager,
            "crisis.communication",
            "write",
            [comm.id],
            {"body": "<p>changed</p>"},
        )
        self._refused(self.user_manager, "crisis.communication", "unlink", [comm.id])
        self.assertTrue(lines.exists())
        self.assertEqual(comm.state, "queued")

    def test_08_confidential_names_do_not_leak(self):
        self.company.sudo().write(
            {"crisis_mode": True, "crisis_incident_id": self.secret.id}
        )
        self._refused(
            self.portal,
            "res.company",
            "read",
            [self.company.id],
            ["crisis_incident_id"],
        )
        read = self._rpc(
            self.user_crisis,
            "res.company",
            "read",
            [self.company.id],
            ["crisis_incident_id"],
        )
        self.assertNotIn("Erpressung", str(read))
        # The log wizard cannot be opened on an incident one may not see.
        self._refused(
            self.user_crisis,
            "crisis.log.add",
            "create",
            {"incident_id": self.secret.id, "body": "x"},
        )
        # ... and the lead still sees the real name.
        lead_read = self._rpc(
            self.user_manager,
            "res.company",
            "read",
            [self.company.id],
            ["crisis_incident_id"],
        )
        self.assertIn("Erpressung", str(lead_read))

    def test_09_portal_cannot_probe(self):
        self._refused(self.portal, "crisis.incident", "verify_log", [self.public.id])
        self._refused(
            self.portal,
            "res.partner",
            "crisis_can_contact",
            [self.partner.id],
            "crisis_info",
            "email",
        )
        self._refused(
            self.user_crisis, "crisis.incident", "verify_log", [self.secret.id]
        )

    def test_10_html_reaching_the_public_is_sanitised(self):
        self._rpc(
            self.user_manager,
            "crisis.incident.update",
            "update_field_translations",
            [self.update.id],
            "body",
            # Public texts keep one complete text per language (issue 11).
            {"de_DE": "<p>Hallo<script>alert(1)</script></p>"},
        )
        self._rpc(
            self.user_manager,
            "crisis.incident",
            "update_field_translations",
            [self.public.id],
            "public_summary",
            {"de_DE": '<p>Hi<img src=x onerror="alert(1)"></p>'},
        )
        self.env.invalidate_all()
        german = self.update.with_context(lang="de_DE").body or ""
        self.assertIn("Hallo", german)
        self.assertNotIn("<script", german)
        self.assertNotIn(
            "onerror", self.public.with_context(lang="de_DE").public_summary or ""
        )

    def test_14_reopen_new_inquiry_is_a_clear_refusal(self):
        inquiry = self.env["crisis.inquiry"].create(
            {"incident_id": self.public.id, "name": "Q", "question": "Q?"}
        )
        text = self._refused(
            self.user_crisis,
            "crisis.inquiry",
            "action_reopen",
            [inquiry.id],
            code=WARNING,
        )
        self.assertIn("only answered or closed", text)

    def test_refusals_speak_german_to_german_users(self):
        text = self._refused(
            self.hotline_de,
            "crisis.inquiry",
            "create",
            {"incident_id": self.public.id, "name": "Q", "state": "answered"},
        )
        self.assertIn("Schaltflächen", text)
