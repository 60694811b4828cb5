# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.crisis_management.tests.common import CrisisCommon


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
