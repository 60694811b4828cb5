# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's clickbot over the Crisis app, as each crisis role, in German and
in English: every menu, every view switch and every filter of the app opens
without an error dialog (the way web/tests/test_click_everywhere.py runs it)."""

from odoo.tests import HttpCase, new_test_user, tagged

CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
    ".startClickEverywhere('crisis_management.crisis_menu_root');"
)

ROLES = {
    "admin": "base.group_partner_manager,crisis_management.group_crisis_admin",
    "team": "base.group_partner_manager,crisis_management.group_crisis_manager,"
    "sales_team.group_sale_salesman_all_leads",
    "hotline": "base.group_partner_manager,crisis_management.group_crisis_user",
}


@tagged("post_install", "-at_install")
class TestCrisisClickEverywhere(HttpCase):
    """Every screen of the Crisis app opens for each role and language."""

    allow_end_on_form = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        company = cls.env.ref("base.main_company")
        for role, groups in ROLES.items():
            for lang in ("de_DE", "en_US"):
                new_test_user(
                    cls.env,
                    login=f"click_{role}_{lang}",
                    groups=groups,
                    lang=lang,
                    tz="Europe/Berlin",
                    company_id=company.id,
                    company_ids=[(6, 0, company.ids)],
                )

    def _click_everywhere(self, role, lang):
        login = f"click_{role}_{lang}"
        user = self.env["res.users"].search([("login", "=", login)])
        self.assertEqual(user.lang, lang)
        if "tour_enabled" in user._fields:
            user.tour_enabled = False
        self.browser_js(
            "/odoo",
            CLICKBOT,
            "odoo.isReady === true",
            login=login,
            timeout=600,
            success_signal="clickbot test succeeded",
        )

    def test_click_admin_de(self):
        self._click_everywhere("admin", "de_DE")

    def test_click_admin_en(self):
        self._click_everywhere("admin", "en_US")

    def test_click_team_de(self):
        self._click_everywhere("team", "de_DE")

    def test_click_team_en(self):
        self._click_everywhere("team", "en_US")

    def test_click_hotline_de(self):
        self._click_everywhere("hotline", "de_DE")

    def test_click_hotline_en(self):
        self._click_everywhere("hotline", "en_US")
