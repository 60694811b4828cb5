# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.crisis_management.tests.common import CrisisCommon, calm_company


@tagged("post_install", "-at_install")
class TestSocialSecurity(CrisisCommon):
    def _visible(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_social_menu_for_the_crisis_team_only(self):
        social = self.env.ref("crisis_social.crisis_social_menu")
        sources = self.env.ref("crisis_social.crisis_social_source_menu")
        self.assertEqual(
            social.parent_id,
            self.env.ref("crisis_management.crisis_menu_communication"),
        )
        # Crisis users read and answer posts; only admins configure sources.
        self.assertIn(social.id, self._visible(self.user_crisis))
        self.assertNotIn(social.id, self._visible(self.user_employee))
        self.assertNotIn(sources.id, self._visible(self.user_manager))
        self.assertIn(social.id, self._visible(self.user_admin))
        self.assertIn(sources.id, self._visible(self.user_admin))

    def test_query_responsible_of_the_querys_company(self):
        """Alerts of a query go to its responsible: never someone of another
        company."""
        other = self.env["res.company"].create({"name": "Tochter GmbH"})
        stranger = self.env["res.users"].create(
            {
                "name": "Sara Tochter",
                "login": "sara_tochter",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
            }
        )
        Query = self.env["crisis.social.query"].with_user(self.user_admin)
        query = Query.create({"name": "Brand Halle 2", "keywords": "brand"})
        with self.assertRaises(UserError) as caught:
            query.write({"user_id": stranger.id})
        self.assertIn("Incompatible companies", str(caught.exception))
        self.assertEqual(query.user_id, self.user_admin)

    def test_sources_configured_by_admins_only(self):
        Source = self.env["crisis.social.source"]
        with self.assertRaises(AccessError):
            Source.with_user(self.user_crisis).search([])
        with self.assertRaises(AccessError):
            Source.with_user(self.user_manager).create({"name": "Feed"})
        source = Source.with_user(self.user_admin).create(
            {"name": "Lokalzeitung", "kind": "rss"}
        )
        self.assertEqual(len(source.sudo().secret), 64)
        # The webhook secret is not readable by the crisis team.
        with self.assertRaises(AccessError):
            source.with_user(self.user_manager).read(["secret"])

    def test_source_secrets_and_actions_for_admins_only(self):
        Source = self.env["crisis.social.source"]
        bluesky = Source.with_user(self.user_admin).create(
            {
                "name": "Bluesky",
                "kind": "bluesky",
                "search_terms": "fabrikbrand",
                "bluesky_identifier": "presse.example.org",
                "bluesky_app_password": "abcd-efgh-ijkl-mnop",
            }
        )
        as_manager = bluesky.with_user(self.user_manager)
        self.assertEqual(as_manager.name, "Bluesky")
        for field in ("bluesky_app_password", "bluesky_identifier", "secret"):
            with self.assertRaises(AccessError):
                as_manager.read([field])
        with self.assertRaises(AccessError):
            as_manager.action_fetch()
        with self.assertRaises(AccessError):
            as_manager.action_generate_secret()
        with self.assertRaises(AccessError):
            as_manager.write({"url": "https://evil.example"})

    def test_secret_and_fetch_state_only_by_actions(self):
        Source = self.env["crisis.social.source"].with_user(self.user_admin)
        for vals in (
            {"secret": "0" * 64},
            {"cursor": "x"},
            {"last_error": "x"},
            {"http_etag": "x"},
        ):
            with self.assertRaises(UserError):
                Source.create(dict(vals, name="Hook", kind="webhook"))
        hook = Source.with_context(default_secret="0" * 64).create(
            {"name": "Hook", "kind": "webhook"}
        )
        self.assertNotEqual(hook.secret, "0" * 64)
        with self.assertRaises(UserError):
            hook.write({"secret": "0" * 64})
        old = hook.secret
        action = hook.action_generate_secret()
        shown = self.env["crisis.social.source.secret"].browse(action["res_id"])
        self.assertNotEqual(hook.secret, old)
        self.assertEqual(shown.secret, hook.secret)
        self.assertEqual(len(hook.secret), 64)

    def test_views_open_for_each_group(self):
        views = [(False, kind) for kind in ("list", "kanban", "graph", "pivot", "form")]
        for user in (self.user_crisis, self.user_manager, self.user_admin):
            result = self.env["crisis.social.post"].with_user(user).get_views(views)
            self.assertEqual(
                set(result["views"]), {"list", "kanban", "graph", "pivot", "form"}
            )
            self.env["crisis.social.alert"].with_user(user).get_views(
                [(False, "list"), (False, "form")]
            )
        form = self.env.ref("crisis_management.crisis_incident_view_form_situation")
        arch = (
            self.env["crisis.incident"]
            .with_user(self.user_crisis)
            .get_views([(form.id, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("situation_social_negative_share", arch)

    def test_manual_entry_is_matched_like_ingest(self):
        incident = self._create_incident()
        self.env["crisis.social.query"].search([]).write({"active": False})
        query = self.env["crisis.social.query"].create(
            {"name": "Brand", "keywords": "Fabrikbrand", "incident_id": incident.id}
        )
        source = self.env["crisis.social.source"].create(
            {"name": "Typed in", "kind": "manual"}
        )
        form = Form(self.env["crisis.social.post"].with_user(self.user_manager))
        form.source_id = source
        form.author = "Leserbrief"
        form.body = "<p>Der Fabrikbrand ist ein Skandal!</p>"
        post = form.save()
        self.assertTrue(post.external_id.startswith("manual-"))
        self.assertEqual(post.query_ids, query)
        self.assertEqual(post.incident_id, incident)
        self.assertEqual(post.sentiment, "negative")
        self.assertEqual(post.body, "Der Fabrikbrand ist ein Skandal!")
        with self.assertRaises(AccessError):
            self.env["crisis.social.post"].with_user(self.user_crisis).create(
                {"source_id": source.id, "body": "x"}
            )
        # A CSV import goes the same way.
        result = (
            self.env["crisis.social.post"]
            .with_user(self.user_manager)
            .load(
                ["source_id", "external_id", "author", "body", "lang"],
                [
                    ["Typed in", "csv-1", "Leser", "Fabrikbrand: danke an alle!", "de"],
                    ["Typed in", "csv-2", "Leser", "Nichts Neues", "de"],
                ],
            )
        )
        self.assertFalse(result["messages"])
        imported = self.env["crisis.social.post"].browse(result["ids"])
        self.assertEqual(imported.mapped("sentiment"), ["positive", "neutral"])
        self.assertEqual(imported[0].query_ids, query)
        self.assertFalse(imported[1].query_ids)


@tagged("post_install", "-at_install")
class TestPostCompanySeparation(CrisisCommon):
    """A crisis manager of a second company only: nothing of the first
    company's monitoring is tied to their posts, and no post of theirs is
    pushed into the first company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_two = cls.env["res.company"].create({"name": "Tochter Zwei GmbH"})
        cls.manager_two = new_test_user(
            cls.env,
            login="social_manager_two",
            name="Manni Zwei",
            company_id=cls.company_two.id,
            company_ids=[(6, 0, cls.company_two.ids)],
            groups="crisis_management.group_crisis_manager",
        )
        Source = cls.env["crisis.social.source"]
        cls.source_one = Source.create({"name": "Feed Eins", "kind": "webhook"})
        cls.source_two = Source.create(
            {"name": "Feed Zwei", "kind": "webhook", "company_id": cls.company_two.id}
        )
        cls.query_one = cls.env["crisis.social.query"].create(
            {"name": "Marke Eins", "keywords": "eins"}
        )
        cls.partner_one = cls.env["res.partner"].create(
            {"name": "Dora Eins", "company_id": cls.company.id}
        )
        # Someone who works for both companies.
        cls.manager_both = new_test_user(
            cls.env,
            login="social_manager_both",
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.company_two).ids)],
            groups="crisis_management.group_crisis_manager",
        )
        cls.post_two = cls.env["crisis.social.post"].create(
            {"source_id": cls.source_two.id, "external_id": "zwei-1", "body": "x"}
        )

    def test_post_company_and_links_stay_in_the_company(self):
        post = self.post_two.with_user(self.manager_two)
        self.assertEqual(post.company_id, self.company_two)
        for vals in (
            {"company_id": self.company.id},
            {"source_id": self.source_one.id},
            {"author_partner_id": self.partner_one.id},
            {"query_ids": [(4, self.query_one.id)]},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                post.write(vals)
        self.post_two.invalidate_recordset()
        self.assertEqual(self.post_two.company_id, self.company_two)
        self.assertEqual(self.post_two.source_id, self.source_two)
        self.assertFalse(self.post_two.author_partner_id)
        self.assertFalse(self.post_two.query_ids)

    def test_post_not_created_in_the_other_company(self):
        Post = self.env["crisis.social.post"].with_user(self.manager_two)
        for vals in (
            {"source_id": self.source_one.id},
            {"source_id": self.source_two.id, "company_id": self.company.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                Post.create(dict(vals, external_id="fremd", body="x"))
        self.assertFalse(
            self.env["crisis.social.post"].search([("external_id", "=", "fremd")])
        )

    def test_no_link_to_the_other_companys_incident(self):
        """Someone who works for both companies cannot tie the second
        company's posts and alerts to the first company's incident: its
        crisis team would read them as its own."""
        both = self.manager_both
        incident_one = self._create_incident(lead_id=both.id)
        context = {"allowed_company_ids": self.manager_both.company_ids.ids}
        post = self.post_two.with_user(both).with_context(**context)
        with self.assertRaises(UserError):
            post.write({"incident_id": incident_one.id})
        query_two = self.env["crisis.social.query"].create(
            {
                "name": "Marke Zwei",
                "keywords": "zwei",
                "company_id": self.company_two.id,
            }
        )
        alert = (
            self.env["crisis.social.alert"]
            .sudo()
            .create({"query_id": query_two.id, "level": "watch"})
        )
        with self.assertRaises(UserError):
            alert.with_user(both).with_context(**context).write(
                {"incident_id": incident_one.id}
            )
        self.assertFalse(self.post_two.incident_id)
        self.assertFalse(alert.incident_id)

    def test_inquiry_from_a_post_goes_to_the_posts_company(self):
        """A post without an incident becomes an inquiry of the active
        incident of the post's company, not of the company the user is
        working in."""
        calm_company(self.env, self.company_two)
        both = self.manager_both
        incident_two = self._create_incident(
            name="Rückruf der Tochter", company_id=self.company_two.id, lead_id=both.id
        )
        incident_two.with_user(both).action_activate()
        self.assertEqual(self.company_two.crisis_incident_id, incident_two)
        self.assertNotEqual(self.company.crisis_incident_id, incident_two)
        context = {"allowed_company_ids": self.manager_both.company_ids.ids}
        self.post_two.with_user(both).with_context(**context).action_to_inquiry()
        self.assertEqual(self.post_two.incident_id, incident_two)
        self.assertEqual(self.post_two.inquiry_id.incident_id, incident_two)
