# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The second attack (issue 22) on consents, inquiries, tasks, the crisis
log and the contact sheet, made as the roles that got through: over
XML-RPC (or HTTP) against the running test server. Each attempt must be
refused with a clear message in the caller's language (an access error or a
warning, never a server error) and leave the data as it was."""

import email
from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.crisis_management.tools import mail_sender_verified

from .common import WARNING, CrisisCommon, RpcAttackMixin

SERVER_ERROR = 1


@tagged("post_install", "-at_install")
class TestAttacksOnRecords(RpcAttackMixin, HttpCase, CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.hotline_de = new_test_user(
            cls.env,
            login="hotline_records_de",
            name="Hanna Hotline",
            groups="crisis_management.group_crisis_user",
            lang="de_DE",
        )
        cls.outsider = new_test_user(
            cls.env,
            login="outside_records",
            name="Otto Outside",
            groups="crisis_management.group_crisis_manager",
        )
        cls.incident = cls._create_incident(name="Rückruf Charge 7", severity="minor")
        cls.incident.action_activate()
        cls.secret = cls._create_incident(
            name="Geheime Erpressung",
            is_confidential=True,
            lead_id=cls.user_manager.id,
            member_ids=[
                Command.create({"user_id": cls.user_manager2.id, "role": "member"})
            ],
        )
        cls.secret.action_activate()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Karla Kundin", "email": "karla@example.com"}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Bodo Anders", "email": "bodo@example.com"}
        )
        cls.purpose = cls.env.ref("crisis_management.consent_purpose_crisis_info")

    # ------------------------------------------------------------------
    # Consents (items 3 and 4)
    # ------------------------------------------------------------------
    def _withdrawn_consent(self):
        consent = self.env["crisis.consent"].create(
            {
                "partner_id": self.customer.id,
                "purpose_id": self.purpose.id,
                "channel": "email",
                "date_given": datetime(2026, 3, 1, 10, 0),
                "source": "Neighbourhood meeting",
                "evidence": "Signed list, page 3",
            }
        )
        consent.action_withdraw()
        self.assertEqual(consent.state, "withdrawn")
        return consent

    def test_copy_never_revives_a_withdrawn_consent(self):
        consent = self._withdrawn_consent()
        Consent = self.env["crisis.consent"].with_context(active_test=False)
        before = Consent.search_count([("partner_id", "=", self.customer.id)])
        for user in (self.user_crisis, self.user_manager):
            message = self._refused(user, "crisis.consent", "copy", [consent.id])
            self.assertIn("cannot be duplicated", message)
        message = self._refused(self.hotline_de, "crisis.consent", "copy", [consent.id])
        self.assertIn("können nicht dupliziert werden", message)
        self.assertEqual(
            Consent.search_count([("partner_id", "=", self.customer.id)]), before
        )
        self.assertFalse(
            self.customer.with_user(self.user_crisis).crisis_can_contact(
                "crisis_info", "email"
            )
        )

    def test_consent_evidence_and_source_cannot_be_rewritten(self):
        consent = self.env["crisis.consent"].create(
            {
                "partner_id": self.customer.id,
                "purpose_id": self.purpose.id,
                "channel": "email",
                "source": "Neighbourhood meeting",
                "evidence": "Signed list, page 3",
            }
        )
        for vals in (
            {"evidence": "Nothing was signed"},
            {"source": "Bought address list"},
        ):
            message = self._refused(
                self.user_crisis, "crisis.consent", "write", [consent.id], vals
            )
            self.assertIn("it is evidence", message)
        message = self._refused(
            self.hotline_de,
            "crisis.consent",
            "write",
            [consent.id],
            {"evidence": "x"},
        )
        self.assertIn("Nachweis", message)
        consent.invalidate_recordset()
        self.assertEqual(consent.evidence, "Signed list, page 3")
        self.assertEqual(consent.source, "Neighbourhood meeting")
        # Recorded and tracked from the start.
        self.assertTrue(consent._fields["evidence"].tracking)
        self.assertTrue(consent._fields["source"].tracking)

    # ------------------------------------------------------------------
    # Answered inquiries (item 6)
    # ------------------------------------------------------------------
    def test_answered_inquiry_is_frozen(self):
        received = fields.Datetime.now() - timedelta(hours=5)
        inquiry = self.env["crisis.inquiry"].create(
            {
                "incident_id": self.incident.id,
                "partner_id": self.customer.id,
                "question": "Is batch 7 affected?",
                "date_received": received,
                "user_id": self.user_crisis.id,
            }
        )
        inquiry.with_user(self.user_crisis).write({"answer": "Yes, please return it."})
        inquiry.with_user(self.user_crisis).action_answer()
        self.assertTrue(inquiry.answered_late)
        snapshot = inquiry.read(
            ["date_received", "date_due", "answer", "partner_id", "user_id"]
        )[0]
        attempts = [
            {"date_received": fields.Datetime.to_string(fields.Datetime.now())},
            {"date_due": fields.Datetime.to_string(fields.Datetime.now())},
            {"answer": "We answered right away."},
            {"partner_id": self.other_customer.id},
            {"user_id": self.user_manager.id},
        ]
        for user in (self.user_crisis, self.user_manager):
            for vals in attempts:
                message = self._refused(
                    user, "crisis.inquiry", "write", [inquiry.id], vals
                )
                self.assertIn("can no longer be changed", message)
        message = self._refused(
            self.hotline_de, "crisis.inquiry", "write", [inquiry.id], attempts[2]
        )
        self.assertIn("nicht mehr geändert", message)
        inquiry.invalidate_recordset()
        self.assertEqual(
            inquiry.read(
                ["date_received", "date_due", "answer", "partner_id", "user_id"]
            )[0],
            snapshot,
        )
        self.assertTrue(inquiry.answered_late)
        # Closed is frozen too; reopening (an action) makes it editable again.
        inquiry.with_user(self.user_crisis).action_close()
        self._refused(
            self.user_crisis,
            "crisis.inquiry",
            "write",
            [inquiry.id],
            {"answer": "Changed"},
        )
        inquiry.with_user(self.user_crisis).action_reopen()
        inquiry.with_user(self.user_crisis).write({"answer": "Corrected answer."})
        self.assertEqual(inquiry.answer, "Corrected answer.")
        self.assertEqual(inquiry.state, "in_progress")

    # ------------------------------------------------------------------
    # The mail alias (item 7)
    # ------------------------------------------------------------------
    def test_only_the_top_authentication_results_counts(self):
        self.env["ir.config_parameter"].set_param(
            "crisis_management.mail_authserv_id", "mx.example.com"
        )

        def message(*headers):
            text = "".join(f"Authentication-Results: {h}\n" for h in headers)
            return email.message_from_string(
                f"{text}From: helga@example.com\nSubject: Hi\n\nBody\n"
            )

        self.assertTrue(
            mail_sender_verified(self.env, message("mx.example.com; dmarc=pass"))
        )
        # A forged pass below our real fail: the sender wrote it.
        forged = message(
            "mx.example.com; spf=fail; dmarc=fail header.from=example.com",
            "mx.example.com; spf=pass; dkim=pass; dmarc=pass",
        )
        self.assertFalse(mail_sender_verified(self.env, forged))
        # Another server's header on top: not ours, whatever follows.
        self.assertFalse(
            mail_sender_verified(
                self.env,
                message("evil.example.org; dmarc=pass", "mx.example.com; dmarc=pass"),
            )
        )
        self.assertFalse(
            mail_sender_verified(self.env, message("mx.example.com; dmarc=passed"))
        )
        self.assertFalse(mail_sender_verified(self.env, message()))

    # ------------------------------------------------------------------
    # Hotline users and their tasks (item 8)
    # ------------------------------------------------------------------
    def test_hotline_user_changes_own_task_only_through_actions(self):
        deadline = fields.Datetime.now() - timedelta(hours=3)
        task = self.env["crisis.task"].create(
            {
                "incident_id": self.incident.id,
                "name": "Call back the mayor",
                "user_id": self.user_crisis.id,
                "date_deadline": deadline,
            }
        )
        task.sudo().write(
            {"followup_state": "reminded", "date_reminded": fields.Datetime.now()}
        )
        snapshot = task.read(
            ["name", "user_id", "date_deadline", "priority", "followup_state"]
        )[0]
        for vals in (
            {"date_deadline": fields.Datetime.to_string(deadline + timedelta(days=2))},
            {"name": "Nothing to do"},
            {"user_id": self.user_manager.id},
            {"priority": "2"},
            {"incident_id": self.secret.id},
        ):
            message = self._refused(
                self.user_crisis, "crisis.task", "write", [task.id], vals
            )
            self.assertIn("Only the crisis team may change", message)
        task.user_id = self.hotline_de
        message = self._refused(
            self.hotline_de,
            "crisis.task",
            "write",
            [task.id],
            {"date_deadline": fields.Datetime.to_string(deadline + timedelta(days=2))},
        )
        self.assertIn("Nur der Krisenstab", message)
        task.user_id = self.user_crisis
        task.invalidate_recordset()
        self.assertEqual(
            task.read(
                ["name", "user_id", "date_deadline", "priority", "followup_state"]
            )[0],
            snapshot,
        )
        self.assertEqual(task.followup_state, "reminded")
        # Notes and the actions stay theirs.
        self._rpc(
            self.user_crisis,
            "crisis.task",
            "write",
            [task.id],
            {"description": "<p>Mayor's office closed, trying again at 2.</p>"},
        )
        self._rpc(self.user_crisis, "crisis.task", "action_start", [task.id])
        self._rpc(self.user_crisis, "crisis.task", "action_done", [task.id])
        task.invalidate_recordset()
        self.assertEqual(task.state, "done")
        # The crisis team still moves deadlines, and that starts over.
        task.action_reopen()
        task.sudo().write({"followup_state": "reminded"})
        task.with_user(self.user_manager).date_deadline = deadline + timedelta(days=1)
        self.assertEqual(task.followup_state, "none")

    # ------------------------------------------------------------------
    # Confidential tasks for outsiders (item 10)
    # ------------------------------------------------------------------
    def test_confidential_task_not_assigned_to_outsider(self):
        Task = self.env["crisis.task"]
        task = Task.create(
            {
                "incident_id": self.secret.id,
                "name": "Call the police",
                "user_id": self.user_manager2.id,
            }
        )
        count = Task.search_count([("incident_id", "=", self.secret.id)])
        message = self._refused(
            self.user_manager,
            "crisis.task",
            "write",
            [task.id],
            {"user_id": self.outsider.id},
            code=WARNING,
        )
        self.assertIn("not on the team of the confidential incident", message)
        message = self._refused(
            self.user_manager,
            "crisis.task",
            "create",
            {
                "incident_id": self.secret.id,
                "name": "Pay the ransom?",
                "user_id": self.user_crisis.id,
            },
            code=WARNING,
        )
        self.assertIn("Ulla Hotline", message)
        task.invalidate_recordset()
        self.assertEqual(task.user_id, self.user_manager2)
        self.assertEqual(
            Task.search_count([("incident_id", "=", self.secret.id)]), count
        )
        self.assertFalse(
            Task.with_user(self.outsider).search([("incident_id", "=", self.secret.id)])
        )
        # Team members may be given it; so may the crisis admins.
        task.with_user(self.user_manager).user_id = self.user_admin
        self.assertEqual(task.user_id, self.user_admin)

    def test_outsider_cannot_move_records_into_a_confidential_incident(self):
        inquiry = self.env["crisis.inquiry"].create(
            {"incident_id": self.incident.id, "question": "Is batch 7 affected?"}
        )
        task = self.env["crisis.task"].create(
            {
                "incident_id": self.incident.id,
                "name": "Inform the press",
                "user_id": self.outsider.id,
            }
        )
        secret_log = len(self.secret.log_ids)
        for model, record in (("crisis.inquiry", inquiry), ("crisis.task", task)):
            message = self._refused(
                self.outsider,
                model,
                "write",
                [record.id],
                {"incident_id": self.secret.id},
            )
            self.assertIn("Only someone who may edit both incidents", message)
            record.invalidate_recordset()
            self.assertEqual(record.incident_id, self.incident)
        self.assertEqual(len(self.secret.log_ids), secret_log)
        # The confidential incident's lead may move the inquiry, logged in both.
        inquiry.with_user(self.user_manager).incident_id = self.secret
        self.assertEqual(inquiry.incident_id, self.secret)
        self.assertIn("moved from", self.secret.log_ids.sorted("sequence")[-1].body)

    # ------------------------------------------------------------------
    # The crisis log (server error) and the contact sheet (item 9)
    # ------------------------------------------------------------------
    def test_crisis_log_with_a_wrong_incident_is_a_clear_refusal(self):
        before = self.env["crisis.log"].search_count([])
        for incident_id in (True, False, 0, -1, self.incident.id + 10**6, "1"):
            message = self._refused(
                self.user_manager,
                "crisis.log",
                "create",
                {"incident_id": incident_id, "body": "x"},
                code=WARNING,
            )
            self.assertIn("needs an incident", message)
        # (XML-RPC cannot carry an id beyond 32 bits; JSON-RPC can)
        with self.assertRaisesRegex(ValidationError, "needs an incident"):
            self.env["crisis.log"].with_user(self.user_manager).create(
                {"incident_id": 2**40, "body": "x"}
            )
        self.assertEqual(self.env["crisis.log"].search_count([]), before)

    def test_contact_sheet_get_has_no_side_effect(self):
        before = self.env["crisis.log"].search_count(
            [("incident_id", "=", self.incident.id)]
        )
        self.authenticate(self.user_crisis.login, self.user_crisis.login)
        url = (
            "/report/html/crisis_management.report_crisis_contact_sheet/"
            f"{self.incident.id}"
        )
        for _attempt in range(3):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Rückruf Charge 7", response.text)
        self.assertEqual(
            self.env["crisis.log"].search_count(
                [("incident_id", "=", self.incident.id)]
            ),
            before,
        )
