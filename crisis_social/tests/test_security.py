# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.crisis_management.tests.common import CrisisCommon


@tagged("post_install", "-at_install")
class TestSocialSecurity(CrisisCommon):
    def _visible(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_social_menu_for_the_crisis_team_only(self):
        social = self.env.ref("crisis_social.crisis_social_menu")
        sources = self.env.ref("crisis_social.crisis_social_source_menu")
        self.assertEqual(
            social.parent_id, self.env.ref("crisis_management.crisis_menu_root")
        )
        # Crisis users read and answer posts; only admins configure sources.
        self.assertIn(social.id, self._visible(self.user_crisis))
        self.assertNotIn(social.id, self._visible(self.user_employee))
        self.assertNotIn(sources.id, self._visible(self.user_manager))
        self.assertIn(social.id, self._visible(self.user_admin))
        self.assertIn(sources.id, self._visible(self.user_admin))

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
