# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SocialCommon


@tagged("post_install", "-at_install")
class TestAnswer(SocialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.press = cls._stakeholder_type("press")
        cls.journalist = cls.env["res.partner"].create(
            {
                "name": "Jana Reporter",
                "crisis_social_handle": "jana@presse.social",
                "crisis_stakeholder_type_ids": [(6, 0, cls.press.ids)],
            }
        )
        cls.mastodon = cls.env["crisis.social.source"].create(
            {"name": "Mastodon", "kind": "mastodon", "url": "https://presse.social"}
        )
        cls.posted = fields.Datetime.now().replace(microsecond=0) - timedelta(
            minutes=30
        )
        cls._ingest(
            [
                cls._post(
                    "q1",
                    "Fabrikbrand: Warum schweigt die Firma zu den Vermissten?",
                    author="@jana@presse.social",
                    lang="de",
                    date_posted=cls.posted.isoformat(),
                ),
                cls._post(
                    "q2", "Fabrikbrand: the company stays silent. Shameful!", lang="en"
                ),
            ],
            source=cls.mastodon,
        )
        cls.posts = cls._posts(cls.mastodon)
        cls.post_de = cls.posts.filtered(lambda p: p.external_id == "q1")
        cls.post_en = cls.posts.filtered(lambda p: p.external_id == "q2")

    def _approved_statement(self, de, en):
        message = self.env["crisis.message"].create(
            {
                "incident_id": self.incident.id,
                "kind": "holding_statement",
                "name": "Stellungnahme",
                "body_de": f"<p>{de}</p>",
                "body_en": f"<p>{en}</p>",
            }
        )
        message.action_submit()
        message.with_user(self.user_manager2).action_approve()
        return message

    def test_post_becomes_inquiry_with_the_stakeholder_sla(self):
        action = self.post_de.with_user(self.user_crisis).action_to_inquiry()
        inquiry = self.post_de.inquiry_id
        self.assertEqual(action["res_id"], inquiry.id)
        self.assertEqual(inquiry.channel, "social")
        self.assertEqual(inquiry.partner_id, self.journalist)
        self.assertEqual(inquiry.incident_id, self.incident)
        self.assertEqual(inquiry.stakeholder_type_id, self.press)
        self.assertEqual(inquiry.date_received, self.posted)
        minutes = self.press._effective_sla_minutes(self.company)
        self.assertEqual(inquiry.date_due, self.posted + timedelta(minutes=minutes))
        self.assertIn("Vermissten", inquiry.question)
        self.assertEqual(self.post_de.state, "to_answer")
        # Twice is still one inquiry.
        self.post_de.action_to_inquiry()
        self.assertEqual(
            self.env["crisis.inquiry"].search_count(
                [("social_post_ids", "in", self.post_de.ids)]
            ),
            1,
        )
        # An unknown author keeps the name.
        self.post_en.action_to_inquiry()
        self.assertFalse(self.post_en.inquiry_id.partner_id)
        # Answering the inquiry answers the post, with the time it took.
        inquiry.write({"answer": "Wir informieren auf der Krisenseite."})
        inquiry.action_answer()
        self.assertEqual(self.post_de.state, "answered")
        self.assertGreaterEqual(self.post_de.answer_minutes, 30)

    def test_reply_draft_from_approved_words_only(self):
        with self.assertRaises(UserError):
            self.post_de.action_draft_reply()
        long_de = "Wir bedauern den Brand sehr. " * 40
        self._approved_statement(long_de, "We deeply regret the fire. " * 40)
        self.incident.action_publish_page()
        self.post_de.with_user(self.user_crisis).action_draft_reply()
        draft = self.post_de.reply_draft
        self.assertLessEqual(len(draft), 500)
        self.assertTrue(draft.startswith("Wir bedauern den Brand sehr."))
        self.assertTrue(draft.endswith(self.incident.page_url))
        self.assertIn("…", draft)
        self.post_en.action_draft_reply()
        self.assertTrue(self.post_en.reply_draft.startswith("We deeply regret"))
        # Bluesky allows 300 characters.
        bluesky = self.env["crisis.social.source"].create(
            {"name": "Bluesky", "kind": "bluesky", "search_terms": "x"}
        )
        self._ingest([self._post("b1", "Fabrikbrand?", lang="de")], source=bluesky)
        post = self._posts(bluesky)
        post.action_draft_reply()
        self.assertLessEqual(len(post.reply_draft), 300)
        self.assertEqual(post.reply_limit, 300)

    def test_reply_draft_with_a_key_message_without_approval_date(self):
        """Approved content without an approval date (older data, the demo)
        no longer crashes the draft ("year 0 is out of range")."""
        old = self._approved_statement("Alte Stellungnahme.", "Old statement.")
        old.sudo().write({"kind": "key_message", "date_approved": False})
        recent = self._approved_statement("Neue Kernbotschaft.", "New key message.")
        recent.sudo().kind = "key_message"
        self.post_de.with_user(self.user_crisis).action_draft_reply()
        # The most recently approved one is used.
        self.assertTrue(self.post_de.reply_draft.startswith("Neue Kernbotschaft."))

    def test_mark_answered_and_ignore_with_reason(self):
        self.post_en.with_user(self.user_crisis).action_mark_answered()
        self.assertEqual(self.post_en.state, "answered")
        self.assertTrue(self.post_en.date_answered)
        action = self.post_de.with_user(self.user_crisis).action_ignore()
        self.assertEqual(action["res_model"], "crisis.social.post.dismiss")
        wizard = (
            self.env["crisis.social.post.dismiss"]
            .with_user(self.user_crisis)
            .with_context(**action["context"])
            .create({"reason": "Bot account, posts the same every hour"})
        )
        wizard.action_confirm()
        self.assertEqual(self.post_de.state, "ignored")
        self.assertEqual(
            self.post_de.ignore_reason, "Bot account, posts the same every hour"
        )
        self.assertEqual(self.post_de.ignored_by_id, self.user_crisis)
        with self.assertRaises(UserError):
            self.post_en.action_hide(reason="   ")
        self.post_en.action_hide(reason="Off topic")
        self.assertFalse(self.post_en.active)
        self.assertEqual(self.post_en.ignore_reason, "Off topic")

    def test_retention_removes_text_and_author(self):
        self.mastodon.retention_days = 10
        old = self.Post.create(
            {
                "source_id": self.mastodon.id,
                "external_id": "old",
                "body": "Alter Beitrag",
                "author": "@alt@presse.social",
                "author_partner_id": self.journalist.id,
                "url": "https://presse.social/@alt/1",
                "date_posted": fields.Datetime.now() - timedelta(days=11),
            }
        )
        self.Post._cron_retention()
        self.assertTrue(old.is_redacted)
        self.assertFalse(old.body or old.author or old.author_partner_id or old.url)
        self.assertEqual(old.sentiment, "neutral")
        self.assertEqual(self.post_de.body[:11], "Fabrikbrand")
        self.assertFalse(self.post_de.is_redacted)

    def test_confidential_incident_hides_posts_and_alerts(self):
        secret = self._create_incident(name="Geheim", is_confidential=True)
        query = self.env["crisis.social.query"].create(
            {"name": "Geheim", "keywords": "Übernahme", "incident_id": secret.id}
        )
        self._ingest(
            [
                self._post(f"s{i}", "Übernahme: Skandal, Schande, Lüge!", lang="de")
                for i in range(25)
            ]
        )
        self.env["crisis.social.alert"].sudo()._detect_spikes(
            now=fields.Datetime.now() + timedelta(minutes=1)
        )
        alert = self.env["crisis.social.alert"].search([("query_id", "=", query.id)])
        self.assertTrue(alert)
        hidden = self._posts().filtered(lambda p: p.incident_id == secret)[:1]
        self.assertTrue(hidden)
        for user in (self.user_crisis, self.user_manager2):
            Post = self.Post.with_user(user)
            self.assertFalse(Post.search([("incident_id", "=", secret.id)]))
            self.assertFalse(
                self.env["crisis.social.alert"]
                .with_user(user)
                .search([("id", "=", alert.id)])
            )
            with self.assertRaises(AccessError):
                Post.browse(hidden.id).read(["body"])
            with self.assertRaises(AccessError):
                Post.browse(hidden.id).action_to_inquiry()
        # Nobody outside its team links posts or queries to it.
        with self.assertRaises(AccessError):
            self.post_en.with_user(self.user_manager2).write({"incident_id": secret.id})
        with self.assertRaises(AccessError):
            self.env["crisis.social.query"].with_user(self.user_manager2).create(
                {"name": "Spy", "keywords": "x", "incident_id": secret.id}
            )
        # The incident's lead and the crisis admins see them.
        self.assertEqual(
            self.Post.with_user(self.user_manager).search_count(
                [("incident_id", "=", secret.id)]
            ),
            25,
        )
        self.assertTrue(
            self.env["crisis.social.alert"]
            .with_user(self.user_admin)
            .browse(alert.id)
            .read(["level"])
        )

    def test_privacy_lookup_finds_the_author(self):
        if "privacy.lookup.wizard" not in self.env:
            self.skipTest("privacy_lookup is not installed")
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": "Jana Reporter", "email": "jana@example.org"}
        )
        self.journalist.email = "jana@example.org"
        wizard.action_lookup()
        found = wizard.line_ids.filtered(
            lambda line: line.res_model == "crisis.social.post"
        )
        self.assertEqual(found.mapped("res_id"), self.post_de.ids)
