# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast
import base64
import io
import re
import secrets
from datetime import timedelta

import feedparser
from freezegun import freeze_time
from PIL import Image
from pyzbar.pyzbar import decode

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..controllers.page import client_net
from ..tools import public_uuid as _public_uuid
from .common import INTERNAL, CrisisPageCommon, csrf_token

DE = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
CONFIRM_RE = re.compile(r"(/crisis/subscription/confirm/[A-Za-z0-9_-]+)")
UNSUBSCRIBE_RE = re.compile(r"(/crisis/subscription/unsubscribe/[A-Za-z0-9_-]+)")
# Runs in the page: loads the page in a same-origin frame, switches the
# language with the page's own link, fills in and submits the form.
BROWSER_CODE = """
(async () => {
    const fail = (msg) => console.error("crisis page browser test: " + msg);
    const check = (ok, msg) => {
        if (!ok) {
            throw new Error(msg);
        }
    };
    try {
        const frame = document.createElement("iframe");
        frame.style.width = "400px";
        frame.style.height = "800px";
        document.body.appendChild(frame);
        const loaded = () =>
            new Promise((resolve) => {
                frame.addEventListener(
                    "load", () => resolve(frame.contentDocument), {once: true}
                );
            });
        let wait = loaded();
        frame.src = location.pathname + "?lang=en";
        let doc = await wait;
        const text = () => doc.body.textContent;
        check(doc.documentElement.lang.startsWith("en"), "not English");
        check(text().includes("Fire under control EN-8812"), "no English update");
        wait = loaded();
        doc.querySelector('.cp-lang a[hreflang="de"]').click();
        doc = await wait;
        check(doc.documentElement.lang.startsWith("de"), "switch gave no German");
        check(text().includes("Feuer unter Kontrolle DE-8812"), "no German update");
        doc.querySelector("#cp_email").value = "__EMAIL__";
        wait = loaded();
        doc.querySelector("#crisis_subscribe_form button[type=submit]").click();
        doc = await wait;
        check(doc.querySelector(".cp-notice"), "no notice after subscribing");
        check(doc.documentElement.lang.startsWith("de"), "lost the language");
        console.log("test successful");
    } catch (error) {
        fail(error && error.message);
    }
})()
"""


@tagged("post_install", "-at_install")
class TestPublicPage(CrisisPageCommon, HttpCase):
    def _get(self, path, headers=None, **kwargs):
        return self.url_open(path, headers=headers or EN, **kwargs)

    def _subscribe(self, email, mobile="", lang="en", homepage="", csrf=True):
        page = self._get(f"/crisis/{self.token}?lang={lang}")
        self.assertEqual(page.status_code, 200)
        data = {"email": email, "mobile": mobile, "lang": lang, "homepage": homepage}
        if csrf:
            data["csrf_token"] = csrf_token(page.text)
        return self.url_open(
            f"/crisis/{self.token}/subscribe", data=data, allow_redirects=False
        )

    # ------------------------------------------------------------------
    # The page
    # ------------------------------------------------------------------
    def test_page_in_english(self):
        response = self._get(f"/crisis/{self.token}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn('lang="en-US"', html)
        self.assertIn("Brand in Fabrikhalle 2", html)
        self.assertIn("Summary for the public EN-4711", html)
        self.assertIn("Fire under control EN-8812", html)
        self.assertIn("Under control EN-H2", html)
        self.assertIn("First update EN-1001", html)
        self.assertNotIn("DE-8812", html)
        self.assertNotIn("DE-4711", html)
        # Newest first, with their times.
        self.assertLess(html.index("EN-8812"), html.index("EN-1001"))
        self.assertIn('datetime="2026-03-01T12:30:00Z"', html)
        self.assertIn("March 1, 2026, 1:30 PM CET", html)
        self.assertIn("Last updated", html)
        self.assertIn("+49 800 1234567", html)
        self.assertIn('href="tel:+498001234567"', html)
        # The company's look: name and colour.
        self.assertIn(self.company.name, html)
        self.assertIn("--brand: #8a1c1c", html)
        self.assertIn(f'href="/crisis/{self.token}?lang=de"', html)
        self.assertEqual(response.headers["X-Robots-Tag"], "noindex, nofollow")

    def test_confidential_incident_name_never_on_its_page(self):
        """A confidential incident's name is internal: its page is published
        only with a public title; made confidential after publishing, the
        page shows the reference, never the name."""
        secret = self._create_incident(
            name="Erpressung Lieferant Geheim-5150", is_confidential=True
        )
        with self.assertRaisesRegex(UserError, "give it a public title"):
            secret.action_publish_page()
        self.assertFalse(secret.page_published)
        with self.assertRaisesRegex(UserError, "öffentlichen Titel"):
            secret.with_context(lang="de_DE").action_publish_page()
        secret.public_name = "Lieferengpass"
        secret.action_publish_page()
        html = self._get(f"/crisis/{secret.page_token}").text
        self.assertIn("Lieferengpass", html)
        self.assertNotIn("Geheim-5150", html)
        # The open incident turns confidential while its page is online.
        self.incident.is_confidential = True
        html = self._get(f"/crisis/{self.token}").text
        self.assertNotIn("Brand in Fabrikhalle 2", html)
        self.assertIn(self.incident.reference, html)

    def test_page_in_german_and_switch(self):
        html = self._get(f"/crisis/{self.token}", headers=DE).text
        self.assertIn('lang="de-DE"', html)
        self.assertIn("Feuer unter Kontrolle DE-8812", html)
        self.assertIn("Unter Kontrolle DE-H2", html)
        self.assertIn("Zusammenfassung für die Öffentlichkeit DE-4711", html)
        self.assertIn("1. März 2026, 13:30 Uhr MEZ", html)
        self.assertNotIn("EN-8812", html)
        # The switch wins over the browser's language, in both directions.
        html = self._get(f"/crisis/{self.token}?lang=en", headers=DE).text
        self.assertIn('lang="en-US"', html)
        self.assertIn("Fire under control EN-8812", html)
        html = self._get(f"/crisis/{self.token}?lang=de", headers=EN).text
        self.assertIn("Feuer unter Kontrolle DE-8812", html)
        # An unknown language falls back to the browser's choice.
        html = self._get(f"/crisis/{self.token}?lang=xx", headers=DE).text
        self.assertIn("Feuer unter Kontrolle DE-8812", html)

    def test_hotline_falls_back_to_company_phone(self):
        self.incident.hotline_phone = False
        html = self._get(f"/crisis/{self.token}").text
        self.assertIn("+49 30 1111111", html)

    def test_page_shows_published_qa_only(self):
        # crisis.message (the content library) comes with another branch: this
        # test runs once it is installed, with the workflow of DOMAIN.md.
        if "crisis.message" not in self.env:
            self.skipTest("crisis.message (content library) is not installed yet")
        Message = self.env["crisis.message"]

        def qa(tag):
            return Message.create(
                {
                    "incident_id": self.incident.id,
                    "kind": "qa",
                    "name": tag,
                    "question": f"Is the water safe? {tag}",
                    "body": f"<p>Answer {tag}-ANSWER</p>",
                }
            )

        published = qa("QA-PUB-1")
        published.action_submit()
        published.with_user(self.user_manager2).action_approve()
        published.action_publish()
        self.assertEqual(published.state, "published")
        approved = qa("QA-APPROVED-2")
        approved.action_submit()
        approved.with_user(self.user_manager2).action_approve()
        qa("QA-DRAFT-3")
        withdrawn = qa("QA-WITHDRAWN-4")
        withdrawn.action_submit()
        withdrawn.with_user(self.user_manager2).action_approve()
        withdrawn.action_publish()
        withdrawn.action_withdraw()
        html = self._get(f"/crisis/{self.token}").text
        self.assertIn("Is the water safe? QA-PUB-1", html)
        self.assertIn("Answer QA-PUB-1-ANSWER", html)
        for tag in ("QA-APPROVED-2", "QA-DRAFT-3", "QA-WITHDRAWN-4"):
            self.assertNotIn(tag, html)

    def test_no_internal_data_in_any_public_response(self):
        responses = {
            "page en": self._get(f"/crisis/{self.token}"),
            "page de": self._get(f"/crisis/{self.token}", headers=DE),
            "feed en": self._get(f"/crisis/{self.token}/feed.atom"),
            "feed de": self._get(f"/crisis/{self.token}/feed.atom?lang=de"),
            "bad form": self._subscribe("not-an-address"),
        }
        self.assertEqual(responses["bad form"].status_code, 400)
        for label, response in responses.items():
            text = response.text
            for key, value in INTERNAL.items():
                with self.subTest(response=label, value=key):
                    self.assertNotIn(value, text)

    def test_update_body_is_sanitised(self):
        update = self._create_update(
            '<p onclick="alert(1)">Safe text SAN-1</p><script>alert("x")</script>'
        )
        update.action_publish()
        self.incident.name = 'Fire <script>alert("name")</script>'
        html = self._get(f"/crisis/{self.token}").text
        self.assertIn("Safe text SAN-1", html)
        self.assertNotIn("<script", html)
        self.assertNotIn("onclick", html)
        self.assertIn("Fire &lt;script&gt;", html)

    def test_unknown_rotated_and_unpublished_tokens_answer_404(self):
        not_found = self._get(f"/crisis/{secrets.token_urlsafe(32)}")
        self.assertEqual(not_found.status_code, 404)
        for path in (
            f"/crisis/{secrets.token_urlsafe(32)}/feed.atom",
            f"/crisis/{secrets.token_urlsafe(32)}/qr.png",
            "/crisis/x",
            f"/crisis/{self.token.upper()}",
            f"/crisis/{self.token[:-1]}",
        ):
            with self.subTest(path=path):
                response = self._get(path)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.text, not_found.text)
        # Rotated: the old address is gone, the new one works.
        old = self.token
        self.incident.action_rotate_page_token()
        new = self.incident.page_token
        self.assertNotEqual(old, new)
        for suffix in ("", "/feed.atom", "/qr.png"):
            with self.subTest(rotated=suffix):
                response = self._get(f"/crisis/{old}{suffix}")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.text, not_found.text)
                self.assertEqual(self._get(f"/crisis/{new}{suffix}").status_code, 200)
        # Nor can anyone subscribe through the old address.
        csrf = csrf_token(self._get(f"/crisis/{new}").text)
        response = self.url_open(
            f"/crisis/{old}/subscribe",
            data={"email": "late@example.com", "csrf_token": csrf},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._mails_to("late@example.com"))
        # Unpublished: nothing at all, not even the feed or the QR code.
        self.incident.action_unpublish_page()
        for suffix in ("", "/feed.atom", "/qr.png"):
            with self.subTest(unpublished=suffix):
                response = self._get(f"/crisis/{new}{suffix}")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.text, not_found.text)
        self.assertNotIn("Brand in Fabrikhalle", not_found.text)

    # ------------------------------------------------------------------
    # Feed and QR code
    # ------------------------------------------------------------------
    def test_atom_feed(self):
        response = self._get(f"/crisis/{self.token}/feed.atom")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            response.headers["Content-Type"].startswith("application/atom+xml")
        )
        feed = feedparser.parse(response.content)
        self.assertEqual(feed.bozo, 0, feed.get("bozo_exception"))
        self.assertEqual(feed.version, "atom10")
        self.assertEqual(feed.feed.title, "Brand in Fabrikhalle 2")
        # Opaque ids: no database id or date of the database is shown.
        self.assertTrue(feed.feed.id.startswith("urn:uuid:"))
        self.assertTrue(feed.feed.updated)
        links = {link.rel: link.href for link in feed.feed.links}
        self.assertEqual(links["self"], f"{self.incident.page_url}/feed.atom?lang=en")
        self.assertEqual(links["alternate"], f"{self.incident.page_url}?lang=en")
        # Exactly the published updates of this incident, newest first.
        self.assertEqual(
            [entry.title for entry in feed.entries],
            ["Under control EN-H2", "First EN-H1"],
        )
        self.assertEqual(
            [entry.id for entry in feed.entries],
            [f"urn:uuid:{_public_uuid(u)}" for u in self.update_new | self.update_old],
        )
        for entry in feed.entries:
            self.assertNotIn("update-", entry.id)
        self.assertEqual(
            self._get(f"/crisis/{self.token}/feed.atom").headers["Cache-Control"],
            "no-cache, private",
        )
        self.assertEqual(
            self._get(f"/crisis/{self.token}/qr.png").headers["Cache-Control"],
            "no-cache, private",
        )
        first = feed.entries[0]
        self.assertEqual(first.updated, "2026-03-01T12:30:00Z")
        self.assertEqual(first.content[0].type, "text/html")
        self.assertIn("Fire under control EN-8812", first.content[0].value)
        german = feedparser.parse(
            self._get(f"/crisis/{self.token}/feed.atom?lang=de").content
        )
        self.assertEqual(german.bozo, 0)
        self.assertIn(
            "Feuer unter Kontrolle DE-8812", german.entries[0].content[0].value
        )

    def _publish_update_at(self, when):
        with freeze_time(when):
            update = self._create_update("<p>Timed EN-T1</p>", "<p>Zeit DE-T1</p>")
            update.action_publish()
        return update

    def _time_of(self, html, iso):
        match = re.search(rf'<time datetime="{iso}">([^<]*)</time>', html)
        return match and match.group(1)

    def test_times_in_company_time_zone_winter(self):
        """Public times are the company's local time with the zone's name,
        whatever the time zone of the crisis lead."""
        self.user_manager.tz = "Asia/Tokyo"
        self._publish_update_at("2030-11-30 10:49:00")
        iso = "2030-11-30T10:49:00Z"
        html = self._get(f"/crisis/{self.token}", headers=DE).text
        self.assertIn("Zuletzt aktualisiert", html)
        self.assertEqual(self._time_of(html, iso), "30. November 2030, 11:49 Uhr MEZ")
        self.assertNotIn("UTC", html)
        html = self._get(f"/crisis/{self.token}", headers=EN).text
        self.assertEqual(self._time_of(html, iso), "November 30, 2030, 11:49 AM CET")
        # "Last updated" and the update itself.
        self.assertEqual(html.count("November 30, 2030, 11:49 AM CET"), 2)
        # An update without headline is named by its time in the feed.
        feed = feedparser.parse(
            self._get(f"/crisis/{self.token}/feed.atom?lang=de").content
        )
        self.assertEqual(feed.entries[0].title, "30. November 2030, 11:49 Uhr MEZ")
        self.assertEqual(feed.entries[0].updated, iso)

    def test_times_in_company_time_zone_summer(self):
        self._publish_update_at("2030-07-01 09:49:00")
        iso = "2030-07-01T09:49:00Z"
        html = self._get(f"/crisis/{self.token}", headers=DE).text
        self.assertEqual(self._time_of(html, iso), "1. Juli 2030, 11:49 Uhr MESZ")
        html = self._get(f"/crisis/{self.token}", headers=EN).text
        self.assertEqual(self._time_of(html, iso), "July 1, 2030, 11:49 AM CEST")

    def test_times_follow_the_company_time_zone(self):
        self.company.partner_id.tz = "America/New_York"
        self._publish_update_at("2030-11-30 10:49:00")
        iso = "2030-11-30T10:49:00Z"
        html = self._get(f"/crisis/{self.token}", headers=DE).text
        self.assertEqual(self._time_of(html, iso), "30. November 2030, 05:49 Uhr EST")
        html = self._get(f"/crisis/{self.token}", headers=EN).text
        self.assertEqual(self._time_of(html, iso), "November 30, 2030, 5:49 AM EST")

    def test_qr_code_decodes_to_page_url(self):
        response = self._get(f"/crisis/{self.token}/qr.png")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        symbols = decode(Image.open(io.BytesIO(response.content)))
        self.assertEqual(len(symbols), 1)
        self.assertEqual(symbols[0].data.decode(), self.incident.page_url)
        self.assertIn(self.token, self.incident.page_url)

    # ------------------------------------------------------------------
    # Subscription
    # ------------------------------------------------------------------
    def test_double_opt_in_end_to_end(self):
        email = "anna.nachbarin@example.com"
        response = self._subscribe(email, mobile="+49 171 5550001", lang="de")
        self.assertEqual(response.status_code, 303)
        self.assertIn("subscribe=sent", response.headers["Location"])
        followed = self._get(response.headers["Location"])
        self.assertIn("cp-notice", followed.text)
        # Nothing but a confirmation mail so far: no contact, no consent.
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.search([("email", "=", email)]))
        mails = self._mails_to(email)
        self.assertEqual(len(mails), 1)
        self.assertIn("Brand in Fabrikhalle 2", mails.subject)
        self.assertIn(f"{self.incident.page_url}?lang=de", mails.body_html)
        link = CONFIRM_RE.search(mails.body_html).group(1)
        # Opening the link (mail scanners do) changes nothing.
        page = self._get(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn(email, page.text)
        self.assertIn('lang="de-DE"', page.text)
        self.assertFalse(Partner.search([("email", "=", email)]))
        # The confirmed click.
        confirmed = self.url_open(link, data={"csrf_token": csrf_token(page.text)})
        self.assertEqual(confirmed.status_code, 200)
        self.assertIn("cp-notice", confirmed.text)
        self.env.invalidate_all()
        partner = Partner.search([("email", "=", email)])
        self.assertEqual(len(partner), 1)
        self.assertEqual(partner.lang, "de_DE")
        # The form asks for no mobile number (nobody could confirm it): one
        # sent anyway is neither kept nor given an SMS consent.
        self.assertFalse(partner.mobile)
        consents = partner.crisis_consent_ids
        self.assertEqual(consents.mapped("channel"), ["email"])
        self.assertFalse(partner.crisis_can_contact("crisis_info", "sms"))
        for consent in consents:
            self.assertEqual(consent.purpose_id, self.purpose_info)
            self.assertEqual(consent.state, "given")
            self.assertEqual(consent.legal_basis, "consent")
            self.assertIn(self.incident.reference, consent.source)
            self.assertIn("127.0.0.1", consent.evidence)
            self.assertTrue(consent.date_given)
        self.assertTrue(partner.crisis_can_contact("crisis_info", "email"))
        subscription = self.env["crisis.page.subscription"].search(
            [("partner_id", "=", partner.id)]
        )
        self.assertEqual(subscription.state, "confirmed")
        self.assertEqual(subscription.confirm_ip, "127.0.0.1")
        # Clicking again changes nothing.
        self.url_open(link, data={"csrf_token": csrf_token(page.text)})
        self.env.invalidate_all()
        self.assertEqual(len(partner.crisis_consent_ids), 1)
        # The next published update reaches the subscriber, in German,
        # with a one-click unsubscribe link.
        update = self._create_update(
            "<p>Road reopened EN-7070</p>", "<p>Straße wieder frei DE-7070</p>"
        )
        update.action_publish()
        self.assertFalse(self._mails_to(email) - mails, "the cron job sends")
        self._run_cron()
        mail = self._mails_to(email) - mails
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.crisis_recipient_id.partner_id, partner)
        self.assertEqual(mail.crisis_recipient_id.communication_id.update_id, update)
        self.assertIn("Straße wieder frei DE-7070", mail.body_html)
        self.assertNotIn("EN-7070", mail.body_html)
        self.assertRegex(mail.body_html, UNSUBSCRIBE_RE)
        headers = ast.literal_eval(mail.headers)
        self.assertEqual(headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertIn("/crisis/subscription/unsubscribe/", headers["List-Unsubscribe"])

    def test_confirmation_link_forged_or_for_unpublished_page(self):
        email = "bert@example.com"
        self._subscribe(email)
        link = CONFIRM_RE.search(self._mails_to(email).body_html).group(1)
        forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
        for bad in (forged, "/crisis/subscription/confirm/garbage", link + "x"):
            with self.subTest(link=bad):
                self.assertEqual(self._get(bad).status_code, 404)
        self.incident.action_unpublish_page()
        self.assertEqual(self._get(link).status_code, 404)
        self.assertFalse(self.env["res.partner"].search([("email", "=", email)]))

    def test_used_confirmation_link_never_revives_a_withdrawn_consent(self):
        """Attack: the confirmation mail is forwarded or kept in an archive.
        Clicked again, its link must not confirm anything: neither overwrite
        the evidence of the real opt-in nor, after the person unsubscribed,
        give the consent back."""
        email = "doris.widerruf@example.com"
        self._subscribe(email, lang="de")
        link = CONFIRM_RE.search(self._mails_to(email).body_html).group(1)
        page = self._get(link)
        self.url_open(link, data={"csrf_token": csrf_token(page.text)})
        self.env.invalidate_all()
        partner = self.env["res.partner"].search([("email", "=", email)])
        subscription = self.env["crisis.page.subscription"].search(
            [("partner_id", "=", partner.id)]
        )
        self.assertEqual(subscription.state, "confirmed")
        [consent] = partner.crisis_consent_ids
        evidence = consent.evidence
        # Clicked again while subscribed: says so, changes nothing.
        again = self._get(link)
        self.assertEqual(again.status_code, 410)
        self.assertIn("bereits verwendet", again.text)
        self.assertNotIn("crisis_confirm_form", again.text)
        replay = self.url_open(link, data={"csrf_token": csrf_token(page.text)})
        self.assertEqual(replay.status_code, 410)
        self.env.invalidate_all()
        self.assertEqual(partner.crisis_consent_ids, consent)
        self.assertEqual(consent.evidence, evidence)
        # Unsubscribed, the old link gives no consent back.
        subscription._withdraw()
        replay = self.url_open(link, data={"csrf_token": csrf_token(page.text)})
        self.assertEqual(replay.status_code, 410)
        self.env.invalidate_all()
        self.assertEqual(subscription.state, "cancelled")
        self.assertEqual(partner.crisis_consent_ids.mapped("state"), ["withdrawn"])
        self.assertFalse(partner.crisis_can_contact("crisis_info", "email"))
        # A new link, sent after the unsubscription, subscribes again.
        now = fields.Datetime.now()
        with freeze_time(now + timedelta(minutes=1)):
            payload = self.env["crisis.page.subscription"]._sign_confirmation(
                self.incident, email, "", "en"
            )
        fresh = f"/crisis/subscription/confirm/{payload}"
        page = self._get(fresh)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Please confirm", page.text)
        self.url_open(fresh, data={"csrf_token": csrf_token(page.text)})
        self.env.invalidate_all()
        self.assertEqual(subscription.state, "confirmed")
        self.assertTrue(partner.crisis_can_contact("crisis_info", "email"))
        # Unsubscribed again later, that link is spent too.
        with freeze_time(now + timedelta(minutes=2)):
            subscription._withdraw()
        spent = self._get(fresh)
        self.assertEqual(spent.status_code, 410)
        self.assertIn("already been used", spent.text)

    def test_unsubscribe_withdraws_consent_and_forged_link_does_nothing(self):
        subscriber = self.old_subscriber
        partner = subscriber.partner_id
        earlier = self._mails_to(INTERNAL["subscriber_email"])
        update = self._create_update("<p>Third EN-3</p>", "<p>Dritte DE-3</p>")
        update.action_publish()
        self._run_cron()
        mail = self._mails_to(INTERNAL["subscriber_email"]) - earlier
        self.assertEqual(len(mail), 1)
        self.assertIn("Dritte DE-3", mail.body_html)
        link = UNSUBSCRIBE_RE.search(mail.body_html).group(1)
        consent = subscriber.consent_ids
        self.assertEqual(consent.state, "given")
        # Forged links: 404, nothing changes.
        forged = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
        for bad in (forged, "/crisis/subscription/unsubscribe/garbage"):
            with self.subTest(link=bad):
                self.assertEqual(self._get(bad).status_code, 404)
                self.assertEqual(
                    self.url_open(
                        bad, data={"List-Unsubscribe": "One-Click"}
                    ).status_code,
                    404,
                )
        # A link signed for confirmation is no unsubscribe link.
        confirm_payload = self.env["crisis.page.subscription"]._sign_confirmation(
            self.incident, INTERNAL["subscriber_email"], "", "de"
        )
        self.assertEqual(
            self._get(
                f"/crisis/subscription/unsubscribe/{confirm_payload}"
            ).status_code,
            404,
        )
        self.env.invalidate_all()
        self.assertEqual(consent.state, "given")
        # Opening the link asks, and changes nothing.
        page = self._get(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o***@example.com", page.text)
        self.assertNotIn(INTERNAL["subscriber_email"], page.text)
        self.env.invalidate_all()
        self.assertEqual(consent.state, "given")
        # A POST without the form's token and without One-Click is refused.
        self.assertEqual(self.url_open(link, data={"lang": "de"}).status_code, 400)
        self.env.invalidate_all()
        self.assertEqual(consent.state, "given")
        # The button withdraws; nothing is deleted.
        done = self.url_open(link, data={"csrf_token": csrf_token(page.text)})
        self.assertEqual(done.status_code, 200)
        self.assertIn("cp-notice", done.text)
        self.env.invalidate_all()
        self.assertTrue(consent.exists())
        self.assertEqual(consent.state, "withdrawn")
        self.assertTrue(consent.date_withdrawn)
        self.assertEqual(subscriber.state, "cancelled")
        self.assertFalse(partner.crisis_can_contact("crisis_info", "email"))
        # No more updates for them.
        before = self._mails_to(INTERNAL["subscriber_email"])
        fourth = self._create_update("<p>Fourth EN-4</p>")
        fourth.action_publish()
        self._run_cron()
        self.assertEqual(self._mails_to(INTERNAL["subscriber_email"]), before)
        self.assertNotIn(partner, fourth.communication_ids.recipient_ids.partner_id)

    def test_subscriber_without_consent_is_skipped_and_gets_nothing(self):
        """The consent rule of the communication is the only gate: a
        subscription whose consent was withdrawn elsewhere gets a skipped
        line and no e-mail; the unsubscribe link of those who got one works."""
        partner = self.old_subscriber.partner_id
        self.old_subscriber.consent_ids.action_withdraw()
        other = self.env["crisis.page.subscription"]._confirm(
            self.incident, {"e": "zweite@example.com", "l": "en"}, "10.0.0.2"
        )
        before = self._mails_to(INTERNAL["subscriber_email"])
        update = self._create_update("<p>Fifth EN-5</p>", "<p>Fünfte DE-5</p>")
        update.action_publish()
        self._run_cron()
        line = update.communication_ids.recipient_ids.filtered(
            lambda r: r.partner_id == partner
        )
        self.assertEqual(line.state, "skipped_consent")
        self.assertEqual(self._mails_to(INTERNAL["subscriber_email"]), before)
        mail = self._mails_to("zweite@example.com")
        self.assertEqual(len(mail), 1)
        self.assertIn("Fifth EN-5", mail.body_html)
        self.assertNotIn("DE-5", mail.body_html)
        link = ast.literal_eval(mail.headers)["List-Unsubscribe"].strip("<>")
        self.assertEqual(
            UNSUBSCRIBE_RE.search(mail.body_html).group(1),
            UNSUBSCRIBE_RE.search(link).group(1),
        )
        response = self.url_open(link, data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(other.state, "cancelled")
        self.assertEqual(other.consent_ids.state, "withdrawn")

    def test_one_click_unsubscribe_rfc8058(self):
        link = self.old_subscriber._unsubscribe_url()
        response = self.url_open(link, data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(self.old_subscriber.consent_ids.state, "withdrawn")

    def test_honeypot_sends_nothing(self):
        email = "bot@example.com"
        response = self._subscribe(email, homepage="http://spam.example.com")
        self.assertEqual(response.status_code, 303)
        self.assertIn("subscribe=sent", response.headers["Location"])
        self.assertFalse(self._mails_to(email))

    def test_malformed_input_and_missing_csrf(self):
        for email, mobile in (
            ("", ""),
            ("no-at-sign", ""),
            ("no-at-sign", "+49 171 5550001"),
        ):
            with self.subTest(email=email, mobile=mobile):
                response = self._subscribe(email, mobile=mobile)
                self.assertEqual(response.status_code, 400)
                self.assertIn("cp-error", response.text)
        with mute_logger("odoo.http"):
            response = self._subscribe("csrf@example.com", csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._mails_to("a@b.example.com") | self._mails_to("csrf@"))

    def test_throttle_per_address(self):
        self.env["ir.config_parameter"].set_param(
            "crisis_management.page_throttle_email", 2
        )
        email = "flood@example.com"
        codes = [self._subscribe(email).status_code for _i in range(3)]
        self.assertEqual(codes, [303, 303, 429])
        self.assertEqual(len(self._mails_to(email)), 2)
        # The address is a key: upper case does not get around it.
        self.assertEqual(self._subscribe("FLOOD@example.com").status_code, 429)
        self.assertEqual(len(self._mails_to(email)), 2)
        # Another address from the same client is still welcome.
        self.assertEqual(self._subscribe("other@example.com").status_code, 303)

    def test_throttle_per_client(self):
        self.env["ir.config_parameter"].set_param(
            "crisis_management.page_throttle_ip", 3
        )
        codes = [
            self._subscribe(f"person{i}@example.com").status_code for i in range(4)
        ]
        self.assertEqual(codes, [303, 303, 303, 429])
        self.assertFalse(self._mails_to("person3@example.com"))
        response = self._subscribe("person4@example.com")
        self.assertEqual(response.status_code, 429)
        self.assertIn("cp-error", response.text)

    # ------------------------------------------------------------------
    # Browser
    # ------------------------------------------------------------------
    def test_browser_switch_language_and_subscribe(self):
        email = "browser.person@example.com"
        code = BROWSER_CODE.replace("__EMAIL__", email)
        self.browser_js(
            f"/crisis/{self.token}", code, ready="document.readyState === 'complete'"
        )
        mails = self._mails_to(email)
        self.assertEqual(len(mails), 1)
        self.assertRegex(mails.body_html, CONFIRM_RE)
        self.assertIn(
            '"l": "de"', self._payload_json(CONFIRM_RE.search(mails.body_html).group(1))
        )
        self.assertFalse(self.env["res.partner"].search([("email", "=", email)]))

    def _payload_json(self, link):
        """The (signed, not secret) JSON inside a confirmation link."""
        payload = link.rsplit("/", 1)[1]
        return base64.urlsafe_b64decode(payload + "===")[41:].decode()


@tagged("post_install", "-at_install")
class TestThrottleKey(HttpCase):
    def test_ipv6_clients_are_throttled_per_64(self):
        self.assertEqual(
            client_net("2001:db8:1:2:aaaa::1"), client_net("2001:db8:1:2:bbbb::9")
        )
        self.assertNotEqual(
            client_net("2001:db8:1:2::1"), client_net("2001:db8:1:3::1")
        )
        self.assertEqual(client_net("192.0.2.7"), "192.0.2.7")
        self.assertEqual(client_net("::ffff:192.0.2.7"), "192.0.2.7")
        self.assertEqual(client_net(""), "")
