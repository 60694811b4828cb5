# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import CrisisMessageCommon


@tagged("post_install", "-at_install")
class TestCrisisMessage(CrisisMessageCommon):
    def test_four_eyes_author_cannot_approve_own_text(self):
        message = self._message()
        message.action_submit()
        self.assertEqual(message.state, "review")
        with self.assertRaisesRegex(UserError, "four-eyes"):
            message.with_user(self.user_manager).action_approve()
        self.assertEqual(message.state, "review")
        self.assertFalse(message.approved_by_id)

        message.with_user(self.user_manager2).action_approve()
        self.assertEqual(message.state, "approved")
        self.assertEqual(message.approved_by_id, self.user_manager2)
        entry = self.incident.log_ids.filtered(lambda log: "approved by" in log.body)
        self.assertEqual(entry.kind, "decision")
        self.assertIn("Petra Sprecherin", entry.body)
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_last_editor_is_the_one_who_cannot_approve(self):
        """The approver is somebody other than the *last* editor: if the second
        manager edits the text, the first one may approve it."""
        message = self._message()
        message.with_user(self.user_manager2).write({"body": "<p>Korrigiert</p>"})
        self.assertEqual(message.last_editor_id, self.user_manager2)
        message.action_submit()
        with self.assertRaises(UserError):
            message.with_user(self.user_manager2).action_approve()
        message.with_user(self.user_manager).action_approve()
        self.assertEqual(message.approved_by_id, self.user_manager)

    def test_hotline_user_cannot_approve_or_publish(self):
        message = self._message()
        message.action_submit()
        with self.assertRaises(AccessError):
            message.with_user(self.user_crisis).action_approve()
        message.with_user(self.user_manager2).action_approve()
        with self.assertRaises(AccessError):
            message.with_user(self.user_crisis).action_publish()
        with self.assertRaises(AccessError):
            message.with_user(self.user_crisis).write({"name": "Hacked"})

    def test_transitions_are_checked(self):
        message = self._message()
        with self.assertRaisesRegex(UserError, "cannot go from"):
            message.with_user(self.user_manager2).action_approve()
        with self.assertRaisesRegex(UserError, "cannot go from"):
            message.with_user(self.user_manager2).action_publish()
        with self.assertRaisesRegex(UserError, "cannot go from"):
            message.with_user(self.user_manager2).action_withdraw()
        empty = self._message(en={"name": "Empty", "body": False}, de={"name": "Leer"})
        with self.assertRaisesRegex(UserError, "no text"):
            empty.action_submit()

    def test_publish_and_withdraw_are_logged(self):
        message = self._approved_message()
        message.with_user(self.user_manager2).action_publish()
        self.assertEqual(message.state, "published")
        message.with_user(self.user_manager2).action_withdraw()
        self.assertEqual(message.state, "withdrawn")
        kinds = {
            log.kind
            for log in self.incident.log_ids
            if "published by" in log.body or "withdrawn by" in log.body
        }
        self.assertEqual(kinds, {"communication", "decision"})
        with self.assertRaises(UserError):
            message.with_user(self.user_manager).action_publish()

    def test_german_and_english_in_the_same_record(self):
        message = self._message()
        self.assertEqual(
            message.with_context(lang="de_DE").name, "Brand unter Kontrolle"
        )
        self.assertEqual(message.with_context(lang="en_US").name, "Fire under control")
        self.assertIn("Der Brand", message.body_de)
        self.assertIn("The fire", message.body_en)
        # Both languages are edited side by side, without switching language.
        message.write({"body_de": "<p>Neu auf Deutsch</p>"})
        self.assertIn("Neu auf Deutsch", message.with_context(lang="de_DE").body)
        self.assertIn("The fire", message.with_context(lang="en_US").body)

    def test_form_shows_both_languages(self):
        with Form(self.env["crisis.message"].with_user(self.user_manager)) as form:
            form.name = "Holding statement"
            form.kind = "holding_statement"
            form.body_en = "<p>We are looking into it.</p>"
            form.body_de = "<p>Wir prüfen den Vorfall.</p>"
        message = form.record
        self.assertIn("looking into", message.with_context(lang="en_US").body)
        self.assertIn("prüfen", message.with_context(lang="de_DE").body)

    def test_body_is_sanitized(self):
        message = self._message(
            en={"name": "X", "body": "<p>ok</p><script>alert(1)</script>"}
        )
        self.assertNotIn("<script", message.with_context(lang="en_US").body)
        message.write({"body_de": "<p>gut</p><script>alert(2)</script>"})
        self.assertNotIn("<script", message.with_context(lang="de_DE").body)

    def test_editing_approved_text_creates_new_version(self):
        message = self._approved_message()
        message.with_user(self.user_manager2).action_publish()
        message.with_user(self.user_manager).with_context(lang="de_DE").write(
            {"body": "<p>Neue Lage: Entwarnung.</p>"}
        )
        self.assertEqual(message.state, "review")
        self.assertEqual(message.version, 2)
        self.assertFalse(message.approved_by_id)
        old = message.version_ids
        self.assertEqual(len(old), 1)
        self.assertEqual(old.version, 1)
        self.assertEqual(old.state, "published")
        self.assertEqual(old.approved_by_id, self.user_manager2)
        # The old version stays readable in both languages.
        self.assertIn("Der Brand ist unter Kontrolle", old.body_de)
        self.assertIn("The fire is under control", old.body_en)
        self.assertIn("Entwarnung", message.body_de)
        with self.assertRaises(AccessError):
            old.with_user(self.user_admin).write({"body": "<p>rewrite history</p>"})
        # The editor cannot approve the new version, somebody else can.
        with self.assertRaises(UserError):
            message.with_user(self.user_manager).action_approve()
        message.with_user(self.user_manager2).action_approve()
        self.assertEqual(message.state, "approved")
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_editing_one_language_in_the_form_makes_one_new_version(self):
        message = self._approved_message()
        message.with_user(self.user_manager2).write(
            {"body_de": "<p>Neu</p>", "body_en": "<p>New</p>"}
        )
        self.assertEqual(message.version, 2)
        self.assertEqual(len(message.version_ids), 1)
        self.assertEqual(message.state, "review")
        self.assertEqual(message.last_editor_id, self.user_manager2)
        self.assertIn("Neu", message.with_context(lang="de_DE").body)
        self.assertIn("New", message.with_context(lang="en_US").body)
        self.assertIn("Der Brand", message.version_ids.body_de)
        self.assertIn("The fire", message.version_ids.body_en)

    def test_editing_a_draft_creates_no_version(self):
        message = self._message()
        message.write({"name": "Anders"})
        self.assertEqual(message.version, 1)
        self.assertFalse(message.version_ids)

    def test_only_drafts_can_be_deleted(self):
        message = self._approved_message()
        with self.assertRaisesRegex(UserError, "Only drafts can be deleted"):
            message.unlink()
        self.assertTrue(message.exists())
        draft = self._message()
        draft.unlink()
        self.assertFalse(draft.exists())


@tagged("post_install", "-at_install")
class TestSearchAnswers(CrisisMessageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.qa_water = cls._approved_message(
            kind="qa",
            en={
                "name": "Tap water",
                "question": "Can I drink the tap water?",
                "body": "<p>Yes, the tap water is safe to drink.</p>",
            },
            de={
                "name": "Leitungswasser",
                "question": "Kann ich das Leitungswasser trinken?",
                "body": "<p>Ja, das Leitungswasser ist trinkbar.</p>",
            },
        )
        cls.qa_smoke = cls._approved_message(
            kind="qa",
            en={
                "name": "Smoke",
                "question": "Is the smoke toxic?",
                "body": "<p>No harmful substances were measured. Keep windows closed.</p>",
            },
            de={
                "name": "Rauch",
                "question": "Ist der Rauch giftig?",
                "body": "<p>Es wurden keine Schadstoffe gemessen. Fenster geschlossen halten.</p>",
            },
        )
        cls.qa_draft = cls._message(
            kind="qa",
            en={
                "name": "Draft",
                "question": "Smoke and water?",
                "body": "<p>smoke water</p>",
            },
            de={
                "name": "Entwurf",
                "question": "Rauch und Wasser?",
                "body": "<p>Rauch</p>",
            },
        )
        cls.statement = cls._approved_message(
            en={"name": "Statement", "body": "<p>The smoke is gone.</p>"},
            de={"name": "Erklärung", "body": "<p>Der Rauch ist weg.</p>"},
        )
        other = cls._create_incident(name="Anderer Vorfall")
        cls.qa_other = cls._approved_message(
            kind="qa",
            incident_id=other.id,
            en={
                "name": "Other",
                "question": "Smoke elsewhere?",
                "body": "<p>smoke</p>",
            },
            de={
                "name": "Anders",
                "question": "Rauch woanders?",
                "body": "<p>Rauch</p>",
            },
        )

    def test_finds_approved_qa_by_words_in_both_languages(self):
        Message = self.env["crisis.message"].with_user(self.user_crisis)
        found = Message.search_answers(self.incident.id, "Ist der Rauch gefährlich?")
        self.assertEqual(found, self.qa_smoke)
        found = Message.search_answers(self.incident.id, "is the smoke toxic")
        self.assertEqual(found, self.qa_smoke)
        found = Message.search_answers(self.incident.id, "Leitungswasser trinken")
        self.assertEqual(found, self.qa_water)

    def test_best_match_first(self):
        found = self.env["crisis.message"].search_answers(
            self.incident.id, "Rauch giftig Fenster Wasser"
        )
        self.assertEqual(found[0], self.qa_smoke)
        self.assertIn(self.qa_water, found)

    def test_only_approved_qa_of_the_incident(self):
        found = self.env["crisis.message"].search_answers(
            self.incident.id, "smoke Rauch"
        )
        self.assertNotIn(self.qa_draft, found)
        self.assertNotIn(self.statement, found)
        self.assertNotIn(self.qa_other, found)
        self.qa_smoke.with_user(self.user_manager2).action_withdraw()
        found = self.env["crisis.message"].search_answers(
            self.incident.id, "smoke Rauch"
        )
        self.assertFalse(found)

    def test_nothing_for_empty_or_common_words(self):
        Message = self.env["crisis.message"]
        self.assertFalse(Message.search_answers(self.incident.id, ""))
        self.assertFalse(Message.search_answers(self.incident.id, "der die das und?"))
        self.assertFalse(Message.search_answers(self.incident.id, "Parkplatz"))


@tagged("post_install", "-at_install")
class TestCrisisMessageFourEyesScreen(HttpCase, CrisisMessageCommon):
    """Four eyes as people meet them on the content form: the author of a
    text in review is offered no "Freigeben" / "Approve" and is refused when
    calling it anyway; another member of the crisis team approves it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("en_US")
        cls.env["ir.module.module"]._load_module_terms(
            ["crisis_management"], ["de_DE"], overwrite=True
        )
        # The author works in German, the approver in English.
        cls.user_manager.write({"lang": "de_DE", "tz": "Europe/Berlin"})
        cls.user_manager2.write({"lang": "en_US", "tz": "Europe/Berlin"})
        cls.text = cls._message()
        cls.text.action_submit()
        cls.url = f"/odoo/action-crisis_management.crisis_message_action/{cls.text.id}"

    def test_author_is_offered_no_approval_and_is_refused(self):
        self.assertEqual(self.text.last_editor_id, self.user_manager)
        self.assertEqual(self.text.state, "review")
        self.start_tour(
            self.url,
            "crisis_management_message_author_tour",
            login=self.user_manager.login,
        )
        # Calling it anyway, as the author's browser could over RPC.
        self.authenticate(self.user_manager.login, self.user_manager.login)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/crisis.message/action_approve",
                {
                    "model": "crisis.message",
                    "method": "action_approve",
                    "args": [self.text.ids],
                    "kwargs": {"context": {"lang": "de_DE"}},
                },
            )
        self.assertIn("UserError", str(caught.exception))
        # The refusal tells the author why, in their language.
        with self.assertRaisesRegex(UserError, "Vier-Augen-Prinzip"):
            self.text.with_user(self.user_manager).with_context(
                lang="de_DE"
            ).action_approve()
        self.text.invalidate_recordset()
        self.assertEqual(self.text.state, "review")
        self.assertFalse(self.text.approved_by_id)

    def test_other_team_member_approves_on_the_form(self):
        self.start_tour(
            self.url,
            "crisis_management_message_approver_tour",
            login=self.user_manager2.login,
        )
        self.text.invalidate_recordset()
        self.assertEqual(self.text.state, "approved")
        self.assertEqual(self.text.approved_by_id, self.user_manager2)
