# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CrisisMessageCommon


@tagged("post_install", "-at_install")
class TestHotlineAnswers(CrisisMessageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.qa = cls._approved_message(
            kind="qa",
            en={
                "name": "Smoke",
                "question": "Is the smoke dangerous?",
                "body": "<p>Measurements show no danger. Keep windows closed.</p>",
            },
            de={
                "name": "Rauch",
                "question": "Ist der Rauch gefährlich?",
                "body": "<p>Die Messungen zeigen keine Gefahr. Fenster geschlossen "
                "halten.</p>",
            },
        )
        cls.draft_qa = cls._message(
            kind="qa",
            en={
                "name": "Smoke (draft)",
                "question": "Is the smoke dangerous?",
                "body": "<p>UNAPPROVED: we do not know yet.</p>",
            },
            de={
                "name": "Rauch (Entwurf)",
                "question": "Ist der Rauch gefährlich?",
                "body": "<p>NICHT FREIGEGEBEN: wissen wir noch nicht.</p>",
            },
        )
        cls.neighbor = cls._partner(
            "Gisela Brandt",
            "gisela@example.com",
            lang="de_DE",
            types=[cls.type_neighbor],
        )

    def _hotline_form(self):
        # As the web client opens it: in the clerk's language.
        return Form(
            self.env["crisis.inquiry"]
            .with_user(self.user_crisis)
            .with_context(lang=self.user_crisis.lang),
            view="crisis_management.crisis_inquiry_view_form_hotline",
        )

    def test_hotline_offers_only_approved_answers_to_the_question(self):
        with self._hotline_form() as form:
            form.incident_id = self.incident
            form.partner_id = self.neighbor
            form.question = "Ist der Rauch über der Siedlung gefährlich?"
            suggested = form.suggested_message_ids
            self.assertIn(self.qa, suggested)
            self.assertNotIn(self.draft_qa, suggested)
            form.answer_message_id = self.qa
            # The caller speaks German: the answer is the German approved text.
            self.assertIn("keine Gefahr", form.answer)
        inquiry = form.record
        self.assertEqual(inquiry.answer_message_id, self.qa)
        self.assertIn("Fenster geschlossen halten", inquiry.answer)

    def test_english_caller_gets_the_english_text(self):
        caller = self._partner("Tom Walker", "tom@example.com", lang="en_US")
        with self._hotline_form() as form:
            form.incident_id = self.incident
            form.partner_id = caller
            form.question = "smoke dangerous?"
            form.answer_message_id = self.qa
            self.assertIn("no danger", form.answer)

    def test_unrelated_question_gets_no_suggestion(self):
        with self._hotline_form() as form:
            form.incident_id = self.incident
            form.question = "Wann öffnet die Kantine wieder?"
            self.assertFalse(form.suggested_message_ids)

    def test_unknown_caller_gets_the_text_the_clerk_picked(self):
        """No contact yet: the clerk picked the Q&A in their language, and
        that text is what the caller hears and what is kept, not the one of
        the company's language."""
        self.company.partner_id.lang = "de_DE"
        for lang, words in (("en_US", "no danger"), ("de_DE", "keine Gefahr")):
            self.user_crisis.lang = lang
            with self._hotline_form() as form:
                form.incident_id = self.incident
                form.question = "Smoke? Rauch?"
                form.answer_message_id = self.qa
                self.assertIn(words, form.answer)
            self.assertIn(words, form.record.answer)

    def test_qa_of_another_incident_is_refused(self):
        """The picker offers only this incident's (or general) Q&A; another
        incident's answer is refused, also over RPC."""
        other = self._create_incident(name="Lieferengpass Ersatzteile")
        other_qa = self._approved_message(
            kind="qa",
            incident_id=other.id,
            en={
                "name": "Order",
                "question": "Is my order affected?",
                "body": "<p>No</p>",
            },
            de={
                "name": "Auftrag",
                "question": "Ist mein Auftrag betroffen?",
                "body": "<p>Nein</p>",
            },
        )
        inquiry = (
            self.env["crisis.inquiry"]
            .with_user(self.user_crisis)
            .create({"incident_id": self.incident.id, "question": "Auftrag?"})
        )
        with self.assertRaisesRegex(ValidationError, "belongs to another incident"):
            inquiry.write({"answer_message_id": other_qa.id})
