# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The workflow rules of communications and content (crisis.workflow.mixin)
and the attacks on them (issue 22): moves into a confidential incident,
copies of approved content, answer links in printed letters, exercise mail
to observers who left the company."""

import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import (
    CrisisAudienceCommon,
    CrisisMessageCommon,
    CrisisSafetyCheckCommon,
)
from .test_exercise import ExerciseCase

MOVE_REFUSED_EN = "Only someone who may edit both incidents can move"
MOVE_REFUSED_DE = "Nur wer beide Vorfälle bearbeiten darf, kann"
FROZEN_EN = "is approved or published and cannot be moved to another incident"
FROZEN_DE = "ist freigegeben oder veröffentlicht und kann nicht zu einem anderen"
LINKS_REFUSED_EN = "Only the crisis team of the incident may see or print"
LINKS_REFUSED_DE = "Nur der Krisenstab des Vorfalls darf die persönlichen"
# XML-RPC fault codes: an access error, a warning (never 1, a server error).
ACCESS_ERROR = 4
WARNING = 2


class CommunicationMoveCase(CrisisMessageCommon):
    """A confidential incident X whose team Petra (crisis manager) is not
    in, and her records on an ordinary incident."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.secret = cls._create_incident(
            name="Vertraulich: Erpressung", is_confidential=True
        )
        cls.secret.action_activate()
        cls.incident.member_ids = [
            Command.create({"user_id": cls.user_manager2.id, "role": "member"})
        ]
        cls.incident.action_activate()
        cls.petra = cls.user_manager2
        cls.message = cls._approved_message()

    def _secret_log(self):
        return self.secret.sudo().log_ids.mapped("body")

    def _assert_refused(self, record, error_class, texts, lang="en_US"):
        """Petra writes ``incident_id = X`` on ``record``: refused with
        ``texts`` in her language, nothing changed, nothing in X's log."""
        self.petra.lang = lang
        log = self._secret_log()
        before = record.incident_id
        # (the web client sends the user's language in the context)
        record = record.with_user(self.petra).with_context(lang=lang)
        with self.assertRaises(error_class) as caught:
            record.write({"incident_id": self.secret.id})
        self.assertIn(texts[lang], str(caught.exception))
        record.invalidate_recordset()
        self.assertEqual(record.incident_id, before)
        self.assertEqual(self._secret_log(), log)


@tagged("post_install", "-at_install")
class TestMovesIntoConfidentialIncident(CommunicationMoveCase):
    def test_published_update_is_not_moved(self):
        update = (
            self.env["crisis.incident.update"]
            .with_user(self.petra)
            .create({"incident_id": self.incident.id, "body": "<p>Text P-1</p>"})
        )
        update.action_publish()
        for lang in ("en_US", "de_DE"):
            self._assert_refused(
                update, UserError, {"en_US": FROZEN_EN, "de_DE": FROZEN_DE}, lang
            )
        self.assertNotIn("Text P-1", str(self.secret.sudo().update_ids.mapped("body")))

    def test_draft_update_is_moved_only_by_who_may_write_both(self):
        update = (
            self.env["crisis.incident.update"]
            .with_user(self.petra)
            .create({"incident_id": self.incident.id, "body": "<p>Entwurf</p>"})
        )
        for lang in ("en_US", "de_DE"):
            self._assert_refused(
                update,
                AccessError,
                {"en_US": MOVE_REFUSED_EN, "de_DE": MOVE_REFUSED_DE},
                lang,
            )
        # The lead of both incidents may move it; both logs say so.
        update.with_user(self.user_manager).write({"incident_id": self.secret.id})
        self.assertEqual(update.incident_id, self.secret)
        for incident in (self.incident, self.secret):
            self.assertTrue(
                any("moved from" in body for body in incident.log_ids.mapped("body"))
            )

    def test_published_qa_is_not_moved_nor_taken_out(self):
        qa = self._approved_message(kind="qa")
        qa.with_user(self.user_manager).action_publish()
        self._assert_refused(qa, UserError, {"en_US": FROZEN_EN})
        with self.assertRaises(UserError):
            qa.with_user(self.petra).write({"incident_id": False})
        self.assertEqual(qa.incident_id, self.incident)
        self.assertEqual(qa.state, "published")

    def test_draft_message_is_moved_only_by_who_may_write_both(self):
        draft = self._message(kind="qa")
        self._assert_refused(
            draft, AccessError, {"de_DE": MOVE_REFUSED_DE}, lang="de_DE"
        )
        # Content for every incident: a draft may be taken out of its incident.
        draft.with_user(self.petra).write({"incident_id": False})
        self.assertFalse(draft.incident_id)

    def test_draft_communication_is_moved_only_by_who_may_write_both(self):
        comm = self._communication(self.message)
        comm.with_user(self.petra).write({"name": "Von Petra"})
        self._assert_refused(comm, AccessError, {"en_US": MOVE_REFUSED_EN})
        self.assertEqual(comm.state, "draft")


@tagged("post_install", "-at_install")
class TestCopyNeverRevives(CrisisAudienceCommon):
    def test_copy_of_approved_content_is_a_draft(self):
        copy = self.message.with_user(self.user_manager2).copy()
        self.assertEqual(self.message.state, "approved")
        self.assertEqual(copy.state, "draft")
        self.assertEqual(copy.version, 1)
        self.assertFalse(copy.approved_by_id)
        self.assertFalse(copy.date_approved)
        # The copy is a new text of its copier: somebody else approves it.
        self.assertEqual(copy.last_editor_id, self.user_manager2)

    def test_copy_cannot_set_workflow_fields(self):
        with self.assertRaises(AccessError):
            self.message.with_user(self.user_manager2).copy({"state": "published"})

    def test_copy_of_published_update_is_unpublished(self):
        self.incident.action_activate()
        update = self.env["crisis.incident.update"].create(
            {"incident_id": self.incident.id, "body": "<p>Lage</p>"}
        )
        update.action_publish()
        copy = update.with_user(self.user_manager).copy()
        self.assertTrue(update.is_published)
        self.assertFalse(copy.is_published)
        self.assertFalse(copy.date_published)
        self.assertEqual(copy.author_id, self.user_manager)

    def test_copy_of_sent_communication_is_a_draft(self):
        comm = self._audience()
        comm.action_send()
        copy = comm.with_user(self.user_manager).copy()
        self.assertEqual(copy.state, "draft")
        self.assertFalse(copy.recipient_ids)
        self.assertFalse(copy.date_queued)
        self.assertFalse(copy.user_id)

    def test_recipient_lines_and_subscriptions_are_not_copied(self):
        comm = self._audience()
        comm.action_send()
        line = comm.recipient_ids[:1]
        self.assertTrue(line)
        count = len(comm.recipient_ids)
        with self.assertRaises(UserError):
            line.with_user(self.user_admin).copy()
        self.assertEqual(len(comm.recipient_ids), count)
        self.incident.action_activate()
        self.incident.action_publish_page()
        subscription = self.env["crisis.page.subscription"]._confirm(
            self.incident, {"e": "leser@example.com", "l": "de"}, "192.0.2.1"
        )
        with self.assertRaises(UserError):
            subscription.with_user(self.user_admin).copy(
                {"partner_id": self.user_admin.partner_id.id}
            )


@tagged("post_install", "-at_install")
class TestLetterAnswerLinks(HttpCase, CrisisSafetyCheckCommon):
    """Item 1 of issue 22: the letters of a safety check print everyone's
    personal answer link; only the crisis team may get them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        for partner in (cls.jonas, cls.aylin, cls.tom):
            partner.write({"street": "Werkstraße 1", "zip": "10115", "city": "Berlin"})

    def setUp(self):
        super().setUp()
        self.comm = self._safety_check(channel_letter=True)
        self.lines = self.comm.recipient_ids.sudo().filtered(
            lambda r: r.channel == "letter" and r.state == "sent"
        )
        self.tokens = self.lines.mapped("response_token")
        self.assertEqual(len(self.tokens), 3)
        self.url = "/report/html/crisis_management.report_crisis_letter/" + ",".join(
            str(i) for i in self.lines.ids
        )

    def test_hotline_user_gets_no_answer_links_over_http(self):
        self.authenticate("crisis_user", "crisis_user")
        with mute_logger("odoo.http"):
            response = self.url_open(self.url)
        self.assertEqual(response.status_code, 403)
        self.assertIn(LINKS_REFUSED_EN, response.text)
        for token in self.tokens:
            self.assertNotIn(token, response.text)
        self.assertFalse(any(self.lines.mapped("safety_answer")))

    def test_hotline_user_gets_no_answer_links_over_orm(self):
        for lang, text in (("en_US", LINKS_REFUSED_EN), ("de_DE", LINKS_REFUSED_DE)):
            self.user_crisis.lang = lang
            line = self.lines[0].with_user(self.user_crisis).with_context(lang=lang)
            with self.assertRaises(AccessError) as caught:
                line._letter_values()
            self.assertIn(text, str(caught.exception))

    def test_malformed_tokens_find_nothing(self):
        Recipient = self.env["crisis.communication.recipient"]
        token = self.tokens[0]
        for bad in (token + "\x00", "\x00" * 24, token[:-1] + "\x00", 42, None):
            self.assertFalse(Recipient._find_by_token(bad))
        self.assertEqual(Recipient._find_by_token(token), self.lines[0])

    def test_crisis_team_prints_letters_with_answer_links(self):
        self.authenticate("crisis_manager", "crisis_manager")
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        for token in self.tokens:
            self.assertIn(token, response.text)

    def test_stored_letters_are_for_the_crisis_team_only(self):
        attachment = self.comm.letter_attachment_ids
        self.assertEqual(len(attachment), 1)
        Attachment = self.env["ir.attachment"].with_user(self.user_crisis)
        with self.assertRaises(AccessError):
            Attachment.browse(attachment.id).read(["datas"])
        found = Attachment.search([("res_model", "=", "crisis.communication")])
        self.assertNotIn(attachment, found)
        self.assertFalse(
            Attachment.search_read(
                [
                    ("res_model", "=", "crisis.communication"),
                    ("res_field", "=", "letter_pdf"),
                ],
                ["datas"],
            )
        )
        with self.assertRaises(AccessError):
            self.comm.with_user(self.user_crisis).read(["letter_attachment_ids"])
        self.authenticate("crisis_user", "crisis_user")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/web/content/{attachment.id}?download=true")
        self.assertIn(response.status_code, (403, 404))
        for token in self.tokens:
            self.assertNotIn(token, response.text)
        # The crisis team opens them.
        manager = self.comm.with_user(self.user_manager)
        self.assertEqual(manager.letter_attachment_ids, attachment)
        self.assertTrue(manager.letter_attachment_ids.datas)


@tagged("post_install", "-at_install")
class TestExerciseMailStaysInside(ExerciseCase):
    """Item 5 of issue 22, the mail part: an observer who is no longer an
    internal user gets no e-mail and no SMS of the exercise."""

    def test_observer_turned_portal_gets_nothing(self):
        former = self.env["res.users"].create(
            {
                "name": "Frieda Fremd",
                "login": "frieda_fremd",
                "email": "frieda@example.org",
                "groups_id": [
                    Command.set(
                        [self.env.ref("crisis_management.group_crisis_manager").id]
                    )
                ],
            }
        )
        former.partner_id.mobile = "+4915199990002"
        self.exercise.exercise_observer_ids = [Command.link(former.id)]
        # She left the company and became a customer with portal access.
        former.write(
            {"groups_id": [Command.set([self.env.ref("base.group_portal").id])]}
        )
        self.assertTrue(former.share)
        comm = self._exercise_communication(channel_sms=True)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            comm.action_send()
            self._run_cron()
            self.env["mail.mail"].sudo().process_email_queue()
            self.env["sms.sms"].sudo()._process_queue()
        recipients = {addr for sent in self.emails for addr in sent["smtp_to_list"]}
        self.assertEqual(recipients, {"olaf.beobachter@example.com"})
        self.assertEqual({sms["number"] for sms in self._sms}, {"+4915199990001"})


@tagged("post_install", "-at_install")
class TestMoveAttacksOverRpc(HttpCase, CrisisMessageCommon):
    """Item 2 of issue 22 as the attacker made it: a crisis-team member
    outside confidential incident X, over XML-RPC (no language in the call:
    the refusal speaks hers)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.outsider = new_test_user(
            cls.env,
            login="outside_manager",
            name="Otto Outside",
            groups="crisis_management.group_crisis_manager",
            lang="de_DE",
        )
        cls.secret = cls._create_incident(
            name="Geheime Erpressung", is_confidential=True
        )
        cls.secret.action_activate()
        cls.incident.action_activate()

    def _rpc(self, method, model, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.outsider.id,
            self.outsider.login,
            model,
            method,
            list(args),
        )

    def _refused(self, code, text, method, model, *args):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._rpc(method, model, *args)
        self.assertEqual(caught.exception.faultCode, code, caught.exception.faultString)
        self.assertIn(text, caught.exception.faultString)

    def test_update_published_then_moved(self):
        log = self.secret.log_ids.mapped("body")
        update_id = self._rpc(
            "create",
            "crisis.incident.update",
            {"incident_id": self.incident.id, "body": "<p>Gefälscht X-77</p>"},
        )
        move = {"incident_id": self.secret.id}
        self._refused(
            ACCESS_ERROR,
            MOVE_REFUSED_DE,
            "write",
            "crisis.incident.update",
            [update_id],
            move,
        )
        self._rpc("action_publish", "crisis.incident.update", [update_id])
        self._refused(
            WARNING, FROZEN_DE, "write", "crisis.incident.update", [update_id], move
        )
        update = self.env["crisis.incident.update"].browse(update_id)
        self.assertEqual(update.incident_id, self.incident)
        self.assertEqual(self.secret.log_ids.mapped("body"), log)
        self.assertFalse(
            self.secret.update_ids.filtered(lambda u: "X-77" in (u.body or ""))
        )

    def test_qa_and_draft_communication_moved(self):
        qa = self._approved_message(kind="qa")
        qa.with_user(self.user_manager).action_publish()
        comm = self._communication(self._approved_message())
        move = {"incident_id": self.secret.id}
        self._refused(WARNING, FROZEN_DE, "write", "crisis.message", [qa.id], move)
        self._refused(
            ACCESS_ERROR,
            MOVE_REFUSED_DE,
            "write",
            "crisis.communication",
            [comm.id],
            move,
        )
        self.assertEqual(qa.incident_id, self.incident)
        self.assertEqual(qa.state, "published")
        self.assertEqual(comm.incident_id, self.incident)

    def test_copy_of_approved_content_is_a_draft(self):
        message = self._approved_message()
        Message = self.env["crisis.message"]
        count = Message.search_count([])
        copy_ids = self._rpc("copy", "crisis.message", [message.id])
        copy = self.env["crisis.message"].browse(copy_ids)
        self.assertEqual(copy.state, "draft")
        self.assertFalse(copy.approved_by_id)
        self._refused(
            ACCESS_ERROR,
            "direkt gesetzt",
            "copy",
            "crisis.message",
            [message.id],
            {"state": "approved"},
        )
        # The one copy made, nothing more.
        self.assertEqual(Message.search_count([]), count + 1)
