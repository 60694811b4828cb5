# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SocialCommon


@tagged("post_install", "-at_install")
class TestIngest(SocialCommon):
    def test_ingest_stores_scores_and_reports(self):
        result = self._ingest(
            [
                self._post(
                    "a1",
                    "<p>Der <b>Fabrikbrand</b> ist ein Skandal!</p>",
                    author="@anna@social.example",
                    url="https://social.example/@anna/1",
                    lang="de",
                    date_posted="2026-11-02T08:15:00+01:00",
                    reach=120,
                ),
                self._post("a2", "Neutral info about nothing", lang="en"),
            ],
            user=self.user_manager,
        )
        self.assertEqual(result, {"created": 2, "duplicates": 0, "errors": []})
        post = self._posts().filtered(lambda p: p.external_id == "a1")
        self.assertEqual(post.body, "Der Fabrikbrand ist ein Skandal!")
        self.assertEqual(str(post.date_posted), "2026-11-02 07:15:00")
        self.assertEqual(post.reach, 120)
        self.assertEqual(post.sentiment, "negative")
        self.assertIn("Skandal", post.sentiment_words)
        self.assertEqual(post.query_ids, self.query)
        self.assertEqual(post.incident_id, self.incident)
        self.assertEqual(post.state, "new")
        self.assertEqual(post.company_id, self.source.company_id)

    def test_same_post_twice_is_stored_once(self):
        posts = [self._post("dup", "Fabrikbrand"), self._post("dup", "Fabrikbrand")]
        self.assertEqual(self._ingest(posts)["created"], 1)
        self.assertEqual(
            self._ingest(posts), {"created": 0, "duplicates": 2, "errors": []}
        )
        self.assertEqual(len(self._posts()), 1)
        # A numeric id is the same post as its text form.
        self.assertEqual(self._ingest([self._post(7, "x")])["created"], 1)
        self.assertEqual(self._ingest([self._post("7", "x")])["duplicates"], 1)
        # Another source may carry the same external id.
        other = self.env["crisis.social.source"].create({"name": "B", "kind": "manual"})
        self.assertEqual(
            self._ingest([self._post("dup", "y")], source=other)["created"], 1
        )

    def test_database_refuses_duplicates(self):
        self._ingest([self._post("db1", "text")])
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "INSERT INTO crisis_social_post (source_id, external_id, company_id,"
                    " date_posted, state) VALUES (%s, 'db1', %s, now(), 'new')",
                    (self.source.id, self.company.id),
                )

    def test_per_post_errors_keep_the_good_posts(self):
        result = self._ingest(
            [
                self._post("ok", "fine"),
                "not a dict",
                {"body": "no id"},
                self._post("d", "x", date_posted="yesterday"),
                self._post("r", "x", reach=-1),
                self._post("r2", "x", reach=True),
                self._post("u", "x", url="javascript:alert(1)"),
                self._post("b", 42),
                self._post("e", ""),
                self._post("l", "x", lang=["de"]),
                self._post("big", "x" * 30000),
            ]
        )
        self.assertEqual(result["created"], 1)
        self.assertEqual(
            [e["index"] for e in result["errors"]], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        )
        self.assertIn("date_posted", result["errors"][2]["error"])
        self.assertEqual(result["errors"][2]["external_id"], "d")
        self.assertEqual(len(self._posts()), 1)

    def test_whole_request_refused(self):
        with self.assertRaises(UserError):
            self._ingest({"posts": []})
        with self.assertRaises(UserError):
            self._ingest([self._post(str(i), "x") for i in range(5001)])
        with self.assertRaises(UserError):
            self.Post.ingest(999999, [self._post("a", "b")])
        self.assertFalse(self._posts())

    def test_malformed_arguments_are_refused_clearly(self):
        # As the crisis team over RPC: wrong types, NUL bytes, lone surrogates.
        Post = self.Post.with_user(self.user_manager)
        for source_id in ("1", 1.0, None, True, 2**40, -1, [1], {"id": 1}):
            with self.assertRaises(UserError, msg=repr(source_id)):
                Post.ingest(source_id, [self._post("a", "b")])
        for posts in ("x", None, {"a": 1}, 5):
            with self.assertRaises(UserError):
                Post.ingest(self.source.id, posts)
        result = Post.ingest(self.source.id, [None, 1, "x", [], {"external_id": []}])
        self.assertEqual(result["created"], 0)
        self.assertEqual(len(result["errors"]), 5)
        self.assertFalse(self._posts())
        self._ingest([self._post("ok", "Fabrikbrand")])
        post = self._posts()
        for text in ("a\x00b", "a\ud800b"):
            with self.assertRaises(ValidationError):
                post.with_user(self.user_crisis).action_ignore(reason=text)
            with self.assertRaises(ValidationError):
                post.with_user(self.user_manager).write({"body": text})
            with self.assertRaises(ValidationError):
                Post.create({"source_id": self.source.id, "body": text})
            with self.assertRaises(ValidationError):
                self.env["crisis.social.source"].with_user(self.user_admin).create(
                    {"name": text, "kind": "manual"}
                )
            with self.assertRaises(ValidationError):
                self.env["crisis.social.query"].with_user(self.user_manager).create(
                    {"name": "q", "keywords": text}
                )
        self.assertEqual(post.state, "new")
        self.assertEqual(post.body, "Fabrikbrand")
        self.assertEqual(len(self._posts()), 1)

    def test_only_the_crisis_team_ingests(self):
        with self.assertRaises(AccessError):
            self._ingest([self._post("x", "y")], user=self.user_crisis)
        with self.assertRaises(AccessError):
            self._ingest([self._post("x", "y")], user=self.user_employee)
        self.assertFalse(self._posts())

    def test_query_matching(self):
        Query = self.env["crisis.social.query"]
        english = Query.create(
            {
                "name": "EN recall",
                "keywords": "recall\n“cool box”",
                "excluded_keywords": '"car recall"\nmovie',
                "lang": "en",
            }
        )
        other_source = self.env["crisis.social.source"].create(
            {"name": "Feed", "kind": "manual"}
        )
        only_feed = Query.create(
            {
                "name": "Feed only",
                "keywords": "#Störfall",
                "source_ids": other_source.ids,
            }
        )
        self._ingest(
            [
                self._post("1", "Großer FABRIKBRAND heute", lang="de"),
                self._post("2", "Rauch über halle   2!", lang="de"),
                self._post("3", "Fabrikbrandschutz ist wichtig", lang="de"),
                self._post("4", "Our cool\nbox arrived late", lang="en"),
                self._post("5", "The COOL BOX recall is late", lang="en"),
                self._post("6", "Another car recall today", lang="en"),
                self._post("7", "recall the movie", lang="en"),
                self._post("8", "Der Rückruf (recall) läuft", lang="de"),
                self._post("9", "#storfall an der Halle", lang="de"),
            ]
        )
        self._ingest([self._post("10", "Störfall!")], source=other_source)
        matched = {
            p.external_id: p.query_ids for p in self.Post.search([("id", "!=", 0)])
        }
        self.assertEqual(matched["1"], self.query, "case-insensitive")
        self.assertEqual(matched["2"], self.query, "phrase with any spacing")
        self.assertFalse(matched["3"], "whole words only")
        self.assertEqual(matched["4"], english, "phrase across a line break")
        self.assertEqual(matched["5"], english)
        self.assertFalse(matched["6"], "excluded phrase")
        self.assertFalse(matched["7"], "excluded word")
        self.assertFalse(matched["8"], "wrong language")
        self.assertFalse(matched["9"], "query limited to another source")
        self.assertEqual(matched["10"], only_feed, "accent-insensitive hashtag")

    def test_known_author_linked(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Dieter Schmitt",
                "email": "dieter@example.org",
                "crisis_social_handle": "@Dieter@Mastodon.Social",
            }
        )
        self._ingest(
            [
                self._post("h", "x", author="@dieter@mastodon.social"),
                self._post("m", "x", author="Dieter@Example.org"),
                self._post("n", "x", author="@someone@else.social"),
            ]
        )
        authors = {p.external_id: p.author_partner_id for p in self._posts()}
        self.assertEqual(authors["h"], partner)
        self.assertEqual(authors["m"], partner)
        self.assertFalse(authors["n"])

    def test_author_of_another_company_not_linked(self):
        """A contact of another company with the same handle is not the
        author: the post's company's crisis users would read their name."""
        other = self.env["res.company"].create({"name": "Tochter GmbH"})
        self.env["res.partner"].create(
            {
                "name": "Dora Tochter",
                "company_id": other.id,
                "crisis_social_handle": "@dora@mastodon.social",
            }
        )
        self._ingest([self._post("d", "x", author="@dora@mastodon.social")])
        self.assertFalse(self._posts().author_partner_id)

    def test_workflow_fields_refused(self):
        self._ingest([self._post("w", "x")])
        post = self._posts()
        for vals in (
            {"state": "answered"},
            {"date_answered": "2026-01-01"},
            {"ignore_reason": "x"},
            {"sentiment_override_uid": self.user_admin.id},
        ):
            with self.assertRaises(UserError):
                post.with_user(self.user_manager).write(vals)
            with self.assertRaises(UserError):
                self.Post.with_user(self.user_manager).create(
                    dict(vals, source_id=self.source.id, external_id="z")
                )
        # A default in the context does not set it either.
        created = self.Post.with_context(default_state="answered").create(
            {"source_id": self.source.id, "external_id": "ctx", "body": "x"}
        )
        self.assertEqual(created.state, "new")

    def test_manual_sentiment_kept_with_who_and_when(self):
        self._ingest([self._post("s", "Toll gemacht, danke!", lang="de")])
        post = self._posts()
        self.assertEqual(post.sentiment, "positive")
        with self.assertRaises(AccessError):
            post.with_user(self.user_crisis).write({"body": "changed"})
        post.with_user(self.user_crisis).write({"sentiment": "negative"})
        self.assertEqual(post.sentiment, "negative")
        self.assertTrue(post.sentiment_manual)
        self.assertEqual(post.sentiment_override_uid, self.user_crisis)
        self.assertTrue(post.sentiment_override_date)
