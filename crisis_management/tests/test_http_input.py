# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bad input on every route of crisis_management: NUL bytes, over-long
values, ids out of range. Each gets a clear 400 (or a 404 where the address
names nothing), never a server error, and changes nothing."""

from urllib.parse import quote

from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import check_values, text_problem, valid_id
from ..tools.http import PUBLIC_MAX_BODY_BYTES
from .common import CrisisPageCommon, csrf_token

EN = {"Accept-Language": "en"}
DE = {"Accept-Language": "de-DE,de;q=0.9"}
NUL = "a\x00b"
LONG = "x" * 5000
REFUSAL_EN = "characters that are not allowed"
REFUSAL_DE = "unzulässige Zeichen"


@tagged("post_install", "-at_install")
class TestInputChecks(CrisisPageCommon):
    def test_text_problems(self):
        self.assertIsNone(text_problem("Grüße, 東京 ✓"))
        self.assertEqual(text_problem(NUL), "nul")
        self.assertEqual(text_problem("\ud800"), "encoding")
        self.assertEqual(text_problem(LONG), "length")
        self.assertEqual(text_problem(["a"]), "type")
        for good in (1, 2**31 - 1):
            self.assertTrue(valid_id(good))
        for bad in (0, -1, 2**31, True, "1", 1.0, None):
            self.assertFalse(valid_id(bad), bad)

    def test_check_values_refuses_in_the_readers_language(self):
        with self.assertRaises(Exception) as caught:
            check_values(["ok", ["fine", NUL]], env=self.env)
        response = caught.exception.get_response()
        self.assertEqual(response.status_code, 400)
        self.assertIn(REFUSAL_EN, response.get_data(as_text=True))
        check_values(["ok", None, 5, ["a", "b"]], env=self.env)


@tagged("post_install", "-at_install")
class TestBadInputOnEveryRoute(CrisisPageCommon, HttpCase):
    def _assert_refused(self, response, status=400, lang="en"):
        self.assertEqual(response.status_code, status, response.text[:300])
        self.assertNotIn("Traceback", response.text)
        if status == 400:
            self.assertIn(REFUSAL_EN if lang == "en" else REFUSAL_DE, response.text)

    def _subscriptions(self):
        return self.env["crisis.page.subscription"].sudo().search_count([])

    def _attempts(self):
        return self.env["crisis.page.attempt"].sudo().search_count([])

    def test_public_page_feed_and_qr(self):
        for path in ("", "/feed.atom", "/qr.png"):
            # A NUL in the token, in a parameter, in a parameter's name.
            for url in (
                f"/crisis/{quote(self.token + NUL)}{path}",
                f"/crisis/{self.token}{path}?lang={quote(NUL)}",
                f"/crisis/{self.token}{path}?{quote(NUL)}=1",
                f"/crisis/{self.token}{path}?lang={LONG}",
            ):
                self._assert_refused(self.url_open(url, headers=EN))
        # The message speaks the browser's language.
        self._assert_refused(
            self.url_open(f"/crisis/{self.token}?lang={quote(NUL)}", headers=DE),
            lang="de",
        )
        # Still fine without bad input.
        self.assertEqual(self.url_open(f"/crisis/{self.token}").status_code, 200)

    def test_subscription_with_nul_or_long_values(self):
        page = self.url_open(f"/crisis/{self.token}?lang=en", headers=EN)
        token = csrf_token(page.text)
        before = (self._subscriptions(), self._attempts())
        for data in (
            {"email": "eve\x00@example.com"},
            {"email": "eve@example.com\x00"},
            {"email": "eve@example.com", "mobile": "+49 171\x00 1"},
            {"email": "eve@example.com", "lang": NUL},
            {"email": "eve@example.com", "homepage": LONG},
            {"email": LONG + "@example.com"},
        ):
            response = self.url_open(
                f"/crisis/{self.token}/subscribe",
                data=dict(data, csrf_token=token),
                headers=EN,
                allow_redirects=False,
            )
            self._assert_refused(response)
        self.assertEqual((self._subscriptions(), self._attempts()), before)

    def test_confirm_and_unsubscribe_links(self):
        for route in ("confirm", "unsubscribe"):
            for payload in (NUL, "x" * 5000):
                url = f"/crisis/subscription/{route}/{quote(payload)}"
                self._assert_refused(self.url_open(url, headers=EN))
            # One-click POST (no CSRF token) with a NUL in the link.
            response = self.url_open(
                f"/crisis/subscription/{route}/{quote(NUL)}",
                data={"List-Unsubscribe": "One-Click"},
                headers=EN,
            )
            self.assertIn(response.status_code, (400, 404))
            self.assertNotIn("Traceback", response.text)
        # A payload that is merely wrong is not found, as before.
        response = self.url_open("/crisis/subscription/unsubscribe/garbage")
        self.assertEqual(response.status_code, 404)

    def test_oversized_bodies_are_refused_unread(self):
        """Attack: megabytes posted to a public route kept a worker busy
        reading them. Anything over 64 KiB is refused at once (413) and
        changes nothing; a normal form still goes through."""
        page = self.url_open(f"/crisis/{self.token}?lang=en", headers=EN)
        token = csrf_token(page.text)
        before = (self._subscriptions(), self._attempts())
        big = "x" * (PUBLIC_MAX_BODY_BYTES + 1)
        for url, data in (
            (
                f"/crisis/{self.token}/subscribe",
                {"email": "eve@example.com", "csrf_token": token, "homepage": big},
            ),
            (f"/crisis/safety/{'A' * 30}", {"answer": "safe", "note": big}),
            (f"/crisis/alarm/{'A' * 30}", {"answer": "coming", "note": big}),
        ):
            with self.subTest(url=url):
                response = self.url_open(url, data=data, allow_redirects=False)
                self.assertEqual(response.status_code, 413)
                self.assertNotIn("Traceback", response.text)
        self.assertEqual((self._subscriptions(), self._attempts()), before)
        response = self.url_open(
            f"/crisis/{self.token}/subscribe",
            data={"email": "eve@example.com", "csrf_token": token},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)

    def test_safety_check_link_with_nul(self):
        for url in (
            f"/crisis/safety/{quote(NUL)}",
            f"/crisis/safety/{quote('A' * 30 + NUL)}",
            f"/crisis/safety/{'A' * 5000}",
        ):
            self._assert_refused(self.url_open(url, headers=EN))
            self._assert_refused(
                self.url_open(url, data={"answer": "safe"}, headers=EN)
            )
        response = self.url_open(
            f"/crisis/safety/{'A' * 30}", data={"answer": NUL}, headers=EN
        )
        self._assert_refused(response)

    def test_portal_preferences(self):
        customer = new_test_user(
            self.env, login="input_portal", groups="base.group_portal"
        )
        self.authenticate(customer.login, customer.login)
        consents = self.env["crisis.consent"].sudo().search_count([])
        confirmations = self.env["crisis.mobile.confirmation"].sudo().search_count([])
        page = self.url_open("/my/crisis-preferences", headers=EN)
        self.assertEqual(page.status_code, 200)
        token = csrf_token(page.text)
        self._assert_refused(
            self.url_open(f"/my/crisis-preferences?notice={quote(NUL)}", headers=EN)
        )
        for path, data in (
            ("", {"consent_crisis_info_email": NUL}),
            ("", {NUL: "1"}),
            ("/mobile", {"mobile": "+49 171 555\x000"}),
            ("/mobile", {"mobile": LONG}),
            ("/mobile/confirm", {"code": "12\x0034"}),
        ):
            response = self.url_open(
                f"/my/crisis-preferences{path}",
                data=dict(data, csrf_token=token),
                headers=EN,
                allow_redirects=False,
            )
            self._assert_refused(response)
        self.assertEqual(self.env["crisis.consent"].sudo().search_count([]), consents)
        self.assertEqual(
            self.env["crisis.mobile.confirmation"].sudo().search_count([]),
            confirmations,
        )

    def test_address_matching_no_route_with_nul(self):
        # Looked up as an attachment URL, the NUL reached PostgreSQL: a 500.
        for url in ("/foo%00", "/crisis/social/ingest/1%00"):
            self._assert_refused(self.url_open(url, headers=EN))
            self._assert_refused(
                self.url_open(url, data={"a": "b"}, headers=EN), lang="en"
            )
            self._assert_refused(self.url_open(url, headers=DE), lang="de")
        self.authenticate(self.user_manager.login, self.user_manager.login)
        self._assert_refused(self.url_open("/foo%00", headers=EN))
        # An ordinary unknown address is still not found.
        self.assertEqual(self.url_open("/foo", headers=EN).status_code, 404)

    def test_report_routes(self):
        self.authenticate(self.user_manager.login, self.user_manager.login)
        report = "crisis_management.report_crisis_contact_sheet"
        for url, status in (
            (f"/report/html/{report}/99999999999", 404),
            (f"/report/html/{report}/{self.incident.id},{2**31}", 404),
            (f"/report/html/{report}/{quote('²')}", 404),
            (f"/report/html/{quote(report + NUL)}/{self.incident.id}", 400),
            (f"/report/html/{report}/{self.incident.id}?context={quote(NUL)}", 400),
            (f"/report/download?data={quote(NUL)}", 400),
        ):
            response = self.url_open(url, headers=EN)
            self._assert_refused(response, status=status)
