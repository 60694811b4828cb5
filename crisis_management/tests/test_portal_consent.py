# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.sms.tests.common import MockSMS

from .common import csrf_token

URL = "/my/crisis-preferences"


@tagged("post_install", "-at_install")
class TestPortalConsent(HttpCase, MockSMS):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = new_test_user(
            cls.env,
            login="kunde_portal",
            name="Karla Kundin",
            email="karla@example.com",
            groups="base.group_portal",
        )
        cls.partner = cls.customer.partner_id
        cls.partner.country_id = cls.env.ref("base.de")
        cls.purpose_info = cls.env.ref("crisis_management.consent_purpose_crisis_info")
        cls.purpose_marketing = cls.env.ref(
            "crisis_management.consent_purpose_marketing"
        )
        cls.Consent = cls.env["crisis.consent"].sudo()

    def _consents(self, **domain):
        search = [("partner_id", "=", self.partner.id)]
        search += [(key, "=", value) for key, value in domain.items()]
        return self.Consent.search(search)

    def _page(self):
        response = self.url_open(URL)
        self.assertEqual(response.status_code, 200)
        return response.text

    def _post(self, path=URL, **data):
        token = csrf_token(self._page())
        return self.url_open(path, data=dict(data, csrf_token=token))

    def test_portal_home_shows_crisis_card(self):
        self.authenticate(self.customer.login, self.customer.login)
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        self.assertIn(URL, response.text)
        self.assertIn("Crisis information", response.text)

    def test_give_and_withdraw_consent_with_evidence(self):
        self.authenticate(self.customer.login, self.customer.login)
        html = self._page()
        self.assertIn('name="consent_crisis_info_email"', html)
        self.assertIn('name="consent_marketing_letter"', html)
        response = self._post(
            consent_crisis_info_email="1", consent_crisis_info_letter="1"
        )
        self.assertEqual(response.status_code, 200)
        given = self._consents(state="given")
        self.assertEqual(
            sorted(given.mapped("channel")), ["email", "letter"], given.read()
        )
        for consent in given:
            self.assertEqual(consent.purpose_id, self.purpose_info)
            self.assertEqual(consent.source, "portal")
            self.assertEqual(consent.legal_basis, "consent")
            self.assertIn("kunde_portal", consent.evidence)
            self.assertIn("127.0.0.1", consent.evidence)
            self.assertIn("UTC", consent.evidence)
        self.assertTrue(self.partner.crisis_can_contact("crisis_info", "email"))
        self.assertFalse(self.partner.crisis_can_contact("marketing", "email"))
        # The page shows the choice.
        html = self._page()
        self.assertRegex(html, r'name="consent_crisis_info_email"[^>]*checked')
        # Untick the e-mail: withdrawn, not deleted; the letter stays.
        email_consent = given.filtered(lambda c: c.channel == "email")
        self._post(consent_crisis_info_letter="1")
        self.assertEqual(email_consent.state, "withdrawn")
        self.assertTrue(email_consent.date_withdrawn)
        evidence = email_consent.message_ids.filtered(
            lambda m: "Unticked" in (m.body or "")
        )
        self.assertEqual(len(evidence), 1)
        self.assertIn("127.0.0.1", evidence.body)
        self.assertIn("kunde_portal", evidence.body)
        self.assertFalse(self.partner.crisis_can_contact("crisis_info", "email"))
        self.assertTrue(self.partner.crisis_can_contact("crisis_info", "letter"))
        # Giving it again is a new record: history kept.
        self._post(consent_crisis_info_letter="1", consent_crisis_info_email="1")
        emails = self._consents(channel="email")
        self.assertEqual(len(emails), 2)
        self.assertEqual(sorted(emails.mapped("state")), ["given", "withdrawn"])
        self.assertEqual(len(self._consents(channel="letter")), 1)

    def test_german_customer_reads_german_channels(self):
        """The channels were shown (and written into the evidence) in
        English on the German page: "Letter", "Phone"."""
        self.env["res.lang"]._activate_lang("de_DE")
        self.customer.lang = "de_DE"
        self.authenticate(self.customer.login, self.customer.login)
        html = self._page()
        for german in ("E-Mail", "Brief", "Telefon"):
            self.assertIn(f">{german}</th>", html)
        self.assertNotIn(">Letter</th>", html)
        self._post(consent_crisis_info_letter="1")
        [consent] = self._consents(state="given")
        self.assertIn("per Brief", consent.evidence)

    def test_get_changes_nothing(self):
        self.authenticate(self.customer.login, self.customer.login)
        response = self.url_open(
            f"{URL}?consent_crisis_info_email=1&consent_marketing_email=1"
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self._consents())

    def test_anonymous_and_csrf_less_posts_are_refused(self):
        # Anonymous: sent to the login page, nothing recorded.
        response = self.url_open(URL, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        response = self.url_open(
            URL, data={"consent_crisis_info_email": "1"}, allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303, 400, 403))
        self.assertFalse(self._consents())
        # Logged in, but without the CSRF token.
        self.authenticate(self.customer.login, self.customer.login)
        with mute_logger("odoo.http"):
            response = self.url_open(URL, data={"consent_crisis_info_email": "1"})
        self.assertEqual(response.status_code, 400)
        with mute_logger("odoo.http"):
            response = self.url_open(
                URL,
                data={"consent_crisis_info_email": "1", "csrf_token": "forged"},
            )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._consents())

    def test_sms_only_after_mobile_confirmed_by_code(self):
        self.authenticate(self.customer.login, self.customer.login)
        # Without a confirmed number the SMS consent is refused.
        response = self._post(consent_crisis_info_sms="1")
        self.assertIn("confirm your mobile number first", response.text)
        self.assertFalse(self._consents(channel="sms"))
        with self.mockSMSGateway():
            self._post(f"{URL}/mobile", mobile="+4915123456789")
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(self._sms[0]["number"], "+4915123456789")
        # Who writes comes first, like in every crisis SMS.
        sender = self.env.company._crisis_sms_sender_name()
        self.assertTrue(self._sms[0]["body"].startswith(f"{sender}: "))
        code = re.search(r"\b(\d{6})\b", self._sms[0]["body"]).group(1)
        # A wrong code does not confirm.
        wrong = "000000" if code != "000000" else "111111"
        response = self._post(f"{URL}/mobile/confirm", code=wrong)
        self.assertIn("wrong or has expired", response.text)
        self.assertFalse(
            self.env["crisis.mobile.confirmation"]
            .sudo()
            ._confirmed_number(self.partner)
        )
        self._post(f"{URL}/mobile/confirm", code=code)
        self.assertEqual(self.partner.mobile, "+4915123456789")
        self._post(consent_crisis_info_sms="1")
        sms_consent = self._consents(channel="sms", state="given")
        self.assertEqual(len(sms_consent), 1)
        self.assertIn("+4915123456789", sms_consent.evidence)
        self.assertTrue(self.partner.crisis_can_contact("crisis_info", "sms"))

    def test_too_many_code_requests_are_refused(self):
        self.authenticate(self.customer.login, self.customer.login)
        with self.mockSMSGateway():
            for _i in range(5):
                self._post(f"{URL}/mobile", mobile="+49 151 23456789")
            response = self._post(f"{URL}/mobile", mobile="+49 151 23456789")
        self.assertIn("Too many codes", response.text)
        self.assertEqual(len(self._sms), 5)
        response = self._post(f"{URL}/mobile", mobile="not a number")
        self.assertIn("not a valid mobile number", response.text)
