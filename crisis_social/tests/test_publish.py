# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A published update is posted to the company's Mastodon and Bluesky
accounts: against fake servers on this machine that speak the networks'
APIs (the requests, the address guard and the database run for real)."""

import http.server
import json
import threading
import time
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from ..tools import publishers
from ..tools.publishers import compose, grapheme_len
from .test_fetchers import FetchCase

TOKEN = "mastodon-token-0c2f9a"
BSKY_HANDLE = "krisenstab.example.org"
BSKY_PASSWORD = "abcd-efgh-ijkl-mnop"
BSKY_DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
BSKY_JWT = "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.session"


class _NetworkServer(http.server.BaseHTTPRequestHandler):
    """Mastodon's ``POST /api/v1/statuses`` and Bluesky's
    ``createSession`` / ``createRecord``, as the real services answer."""

    calls = []
    mode = "ok"  # ok, 500, slow

    def _answer(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = json.loads(self.rfile.read(length) or b"{}")
        self.calls.append((self.path, dict(self.headers), data))
        if self.mode == "slow":
            time.sleep(1.5)
            try:
                return self._answer(500, {})
            except OSError:  # the client gave up waiting
                return None
        if self.mode == "500":
            return self._answer(500, {"error": "Internal Server Error"})
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        auth = self.headers.get("Authorization")
        if self.path == "/api/v1/statuses":
            if auth != f"Bearer {TOKEN}":
                return self._answer(401, {"error": "The access token is invalid"})
            if len(data["status"]) > 500:
                return self._answer(
                    422,
                    {
                        "error": "Validation failed: Text character limit of 500 exceeded"
                    },
                )
            return self._answer(
                200,
                {
                    "id": "113589471720391234",
                    "created_at": "2026-12-07T14:00:00.000Z",
                    "visibility": data.get("visibility"),
                    "language": data.get("language"),
                    "uri": f"{base}/users/krisenstab/statuses/113589471720391234",
                    "url": f"{base}/@krisenstab/113589471720391234",
                    "content": f"<p>{data['status']}</p>",
                    "account": {"username": "krisenstab", "acct": "krisenstab"},
                },
            )
        if self.path == "/xrpc/com.atproto.server.createSession":
            if (data.get("identifier"), data.get("password")) != (
                BSKY_HANDLE,
                BSKY_PASSWORD,
            ):
                return self._answer(
                    401,
                    {
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    },
                )
            return self._answer(
                200,
                {
                    "did": BSKY_DID,
                    "handle": BSKY_HANDLE,
                    "accessJwt": BSKY_JWT,
                    "refreshJwt": "refresh",
                    "active": True,
                },
            )
        if self.path == "/xrpc/com.atproto.repo.createRecord":
            if auth != f"Bearer {BSKY_JWT}":
                return self._answer(
                    401, {"error": "InvalidToken", "message": "Bad token"}
                )
            record = data["record"]
            if grapheme_len(record["text"]) > 300:
                return self._answer(
                    400,
                    {
                        "error": "InvalidRequest",
                        "message": "Invalid app.bsky.feed.post record: Record/text "
                        "must not be longer than 300 graphemes",
                    },
                )
            return self._answer(
                200,
                {
                    "uri": f"at://{BSKY_DID}/app.bsky.feed.post/3lcz7xq2abc2k",
                    "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm",
                    "commit": {"cid": "bafyreib", "rev": "3lcz7xq2b3k2k"},
                    "validationStatus": "valid",
                },
            )
        return self._answer(404, {"error": "Not Found"})

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestPublish(FetchCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        # Errors are written in the language of who published.
        cls.user_manager.lang = "en_US"
        cls.incident.action_activate()
        cls.incident.action_publish_page()

    def setUp(self):
        super().setUp()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NetworkServer)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        _NetworkServer.calls = []
        _NetworkServer.mode = "ok"
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        type(self).real_hosts = ("127.0.0.1",)
        self.env["ir.config_parameter"].set_param(
            "crisis_social.allowed_hosts", f"127.0.0.1:{self.port}"
        )
        Source = self.env["crisis.social.source"].with_user(self.user_admin)
        self.mastodon = Source.create(
            {
                "name": "Mastodon Krisenstab",
                "kind": "mastodon",
                "url": self.base,
                "can_publish": True,
                "access_token": TOKEN,
                "publish_lang": "de",
            }
        )
        self.bluesky = Source.create(
            {
                "name": "Bluesky Krisenstab",
                "kind": "bluesky",
                "url": self.base,
                "can_publish": True,
                "bluesky_identifier": BSKY_HANDLE,
                "bluesky_app_password": BSKY_PASSWORD,
                "publish_lang": "en",
            }
        )
        self.Publication = self.env["crisis.social.publication"]

    def _update(self, sources, incident=None, body_de=None, body_en=None, **values):
        vals = {
            "incident_id": (incident or self.incident).id,
            "name_de": "Brand unter Kontrolle",
            "name_en": "Fire under control",
            "body_de": body_de
            or "<p>Die Feuerwehr hat den Brand gelöscht. "
            "Anwohner können die Fenster wieder öffnen.</p>",
            "body_en": body_en
            or "<p>The fire brigade has put out the fire. "
            "Residents may open their windows again.</p>",
            "publish_source_ids": [Command.set(sources.ids)],
        }
        vals.update(values)
        return (
            self.env["crisis.incident.update"].with_user(self.user_manager).create(vals)
        )

    def _publish(self, update, user=None):
        update.with_user(user or self.user_manager).action_publish()
        return update.publication_ids

    def _run(self):
        self.Publication._cron_publish()

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------
    def test_mastodon_post_after_publishing(self):
        update = self.env["crisis.incident.update"].with_user(self.user_manager)
        with Form(update) as form:
            form.incident_id = self.incident
            form.name_de = "Brand unter Kontrolle"
            form.body_de = "<p>Die Feuerwehr hat den Brand gelöscht.</p>"
            form.name_en = "Fire under control"
            form.body_en = "<p>The fire brigade has put out the fire.</p>"
            form.publish_source_ids.add(self.mastodon)
        update = form.record
        publication = self._publish(update)
        # The click does not wait for the network: the cron job posts.
        self.assertEqual(publication.state, "pending")
        self.assertEqual(_NetworkServer.calls, [])
        self.assertTrue(
            self.env["ir.cron.trigger"].search(
                [
                    (
                        "cron_id",
                        "=",
                        self.ref("crisis_social.ir_cron_crisis_social_publish"),
                    )
                ]
            )
        )
        self._run()
        self.assertEqual(publication.state, "posted", publication.error)
        self.assertEqual(publication.url, f"{self.base}/@krisenstab/113589471720391234")
        self.assertEqual(publication.external_id, "113589471720391234")
        self.assertTrue(publication.date_posted)
        self.assertFalse(publication.error)
        [(path, headers, data)] = _NetworkServer.calls
        self.assertEqual(path, "/api/v1/statuses")
        self.assertEqual(headers["Authorization"], f"Bearer {TOKEN}")
        self.assertTrue(headers.get("Idempotency-Key"))
        self.assertEqual(data["visibility"], "public")
        self.assertEqual(data["language"], "de")
        page_url = self.incident.page_url
        self.assertEqual(
            data["status"],
            "Brand unter Kontrolle\n\nDie Feuerwehr hat den Brand gelöscht."
            f"\n\n{page_url}",
        )
        self.assertEqual(publication.text, data["status"])
        # Posted once: publishing again after a correction does not post again.
        update.with_user(self.user_manager).action_unpublish()
        update.with_user(self.user_manager).action_publish()
        self._run()
        self.assertEqual(len(update.publication_ids), 1)
        self.assertEqual(len(_NetworkServer.calls), 1)

    def test_bluesky_post_with_link_facet(self):
        update = self._update(
            self.bluesky,
            body_en="<p>Straße geöffnet – the road to the plant is open again 🚒.</p>",
        )
        publication = self._publish(update)
        self._run()
        self.assertEqual(publication.state, "posted", publication.error)
        login, create = _NetworkServer.calls
        self.assertEqual(login[0], "/xrpc/com.atproto.server.createSession")
        self.assertEqual(
            login[2], {"identifier": BSKY_HANDLE, "password": BSKY_PASSWORD}
        )
        self.assertEqual(create[0], "/xrpc/com.atproto.repo.createRecord")
        self.assertEqual(create[1]["Authorization"], f"Bearer {BSKY_JWT}")
        self.assertEqual(create[2]["repo"], BSKY_DID)
        self.assertEqual(create[2]["collection"], "app.bsky.feed.post")
        record = create[2]["record"]
        self.assertEqual(record["$type"], "app.bsky.feed.post")
        self.assertEqual(record["langs"], ["en"])
        self.assertTrue(record["createdAt"].endswith("Z"))
        page_url = self.incident.page_url
        self.assertEqual(
            record["text"],
            "Fire under control\n\nStraße geöffnet – the road to the plant is open "
            f"again 🚒.\n\n{page_url}",
        )
        # The link is clickable: the facet's byte range is exactly the URL.
        [facet] = record["facets"]
        index = facet["index"]
        self.assertEqual(
            record["text"].encode()[index["byteStart"] : index["byteEnd"]].decode(),
            page_url,
        )
        self.assertEqual(
            facet["features"],
            [{"$type": "app.bsky.richtext.facet#link", "uri": page_url}],
        )
        self.assertEqual(
            publication.url,
            f"https://bsky.app/profile/{BSKY_HANDLE}/post/3lcz7xq2abc2k",
        )
        self.assertEqual(
            publication.external_id, f"at://{BSKY_DID}/app.bsky.feed.post/3lcz7xq2abc2k"
        )

    def test_long_text_shortened_to_each_network(self):
        words = "Die Versorgung der Kunden mit Ersatzteilen läuft über das Lager Süd"
        long_de = "<p>" + " ".join([words] * 30) + ".</p>"
        long_en = "<p>" + " ".join(["Spare parts now ship from the south 👨‍👩‍👧"] * 40)
        long_en += ".</p>"
        update = self._update(
            self.mastodon | self.bluesky, body_de=long_de, body_en=long_en
        )
        self._publish(update)
        self._run()
        page_url = self.incident.page_url
        by_kind = {p.source_id.kind: p for p in update.publication_ids}
        self.assertEqual(by_kind["mastodon"].state, "posted", by_kind["mastodon"].error)
        self.assertEqual(by_kind["bluesky"].state, "posted", by_kind["bluesky"].error)
        status = by_kind["mastodon"].text
        self.assertLessEqual(len(status), 500)
        self.assertGreater(len(status), 450, "the room is used")
        self.assertTrue(status.endswith(f"…\n\n{page_url}"))
        # Cut between words: the last word before "…" is a whole one.
        last_word = status.split("…")[0].split()[-1]
        self.assertIn(last_word, words.split())
        post = by_kind["bluesky"].text
        self.assertLessEqual(grapheme_len(post), 300)
        self.assertGreater(grapheme_len(post), 250)
        self.assertTrue(post.endswith(f"…\n\n{page_url}"))
        self.assertEqual(post.count("👨‍👩‍👧"), post.count("👨"), "no emoji cut apart")
        sent = [c[2] for c in _NetworkServer.calls]
        self.assertIn(status, [c.get("status") for c in sent])
        self.assertIn(post, [c.get("record", {}).get("text") for c in sent])

    def test_lengths_count_characters_and_graphemes(self):
        self.assertEqual(grapheme_len("👨‍👩‍👧"), 1)
        self.assertEqual(grapheme_len("🇩🇪🇬🇧"), 2)
        self.assertEqual(grapheme_len("e\u0301a"), 2)
        self.assertEqual(grapheme_len("👍🏽!"), 2)
        self.assertEqual(grapheme_len("Grüße"), 5)
        link = "https://example.org/crisis/abc"
        post, offset = compose("kurz", link, 500)
        self.assertEqual(post, f"kurz\n\n{link}")
        self.assertEqual(post[offset:], link)
        post, _offset = compose("🚒" * 400, link, 300, graphemes_count=True)
        self.assertEqual(grapheme_len(post), 300)
        self.assertTrue(post.endswith(f"…\n\n{link}"))
        post, _offset = compose("eins zwei drei vier fünf", link, len(link) + 13)
        self.assertEqual(post, f"eins zwei…\n\n{link}")
        # Exactly at the limit: nothing is cut.
        text = "x" * (500 - len(link) - 2)
        self.assertEqual(compose(text, link, 500)[0], f"{text}\n\n{link}")

    # ------------------------------------------------------------------
    # Failures: recorded on the publication, in the publisher's language
    # ------------------------------------------------------------------
    def test_bad_token_recorded_in_german(self):
        self.user_manager.lang = "de_DE"
        self.mastodon.with_user(self.user_admin).access_token = "revoked"
        publication = self._publish(self._update(self.mastodon))
        self._run()
        self.assertEqual(publication.state, "failed")
        self.assertEqual(
            publication.error,
            "Mastodon hat das Zugriffstoken abgelehnt (401): Prüfen Sie, ob es "
            "gültig ist und die Berechtigung write:statuses hat.",
        )
        self.assertFalse(publication.url)
        self.assertEqual(publication.attempt_count, 1)
        # Fixed by the crisis admin, retried by the team: posted.
        self.mastodon.with_user(self.user_admin).access_token = TOKEN
        publication.with_user(self.user_manager).action_retry()
        self.assertEqual(publication.state, "posted")
        self.assertFalse(publication.error)
        self.assertEqual(publication.attempt_count, 2)

    def test_bluesky_wrong_password(self):
        self.bluesky.with_user(self.user_admin).bluesky_app_password = "wrong"
        publication = self._publish(self._update(self.bluesky))
        self._run()
        self.assertEqual(publication.state, "failed")
        self.assertEqual(
            publication.error,
            "Bluesky refused the login (401): check the handle and the app password.",
        )
        self.assertEqual(len(_NetworkServer.calls), 1, "no record without a session")

    def test_server_error_then_retry(self):
        _NetworkServer.mode = "500"
        publication = self._publish(self._update(self.mastodon | self.bluesky))
        self._run()
        self.assertEqual(publication.mapped("state"), ["failed", "failed"])
        for pub in publication:
            self.assertEqual(
                pub.error,
                f"{pub.source_id.kind.title()} answered with HTTP status 500.",
            )
        _NetworkServer.mode = "ok"
        action = publication.with_user(self.user_manager).action_retry()
        self.assertIs(action, True)
        self.assertEqual(publication.mapped("state"), ["posted", "posted"])

    def test_retry_tells_what_failed_again(self):
        _NetworkServer.mode = "500"
        publication = self._publish(self._update(self.mastodon))
        self._run()
        action = publication.with_user(self.user_manager).action_retry()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("HTTP status 500", action["params"]["message"])
        self.assertEqual(publication.attempt_count, 2)

    def test_timeout(self):
        _NetworkServer.mode = "slow"
        publication = self._publish(self._update(self.mastodon))
        with patch.object(publishers, "TIMEOUT", (2, 0.3)):
            self._run()
        self.assertEqual(publication.state, "failed")
        self.assertEqual(
            publication.error,
            "Mastodon did not answer in time. The post may still have been made: "
            "look at the account before you retry.",
        )

    def test_address_guard(self):
        """Publishing goes through the fetchers' guard: the inside only when
        a system administrator allowed it."""
        self.env["ir.config_parameter"].set_param("crisis_social.allowed_hosts", "")
        self.mastodon.with_user(self.user_admin).url = f"https://127.0.0.1:{self.port}"
        # A name that resolves to the inside is refused on its address.
        self.bluesky.with_user(self.user_admin).url = f"https://localhost:{self.port}"
        publication = self._publish(self._update(self.mastodon | self.bluesky))
        self._run()
        self.assertEqual(publication.mapped("state"), ["failed", "failed"])
        for pub in publication:
            self.assertIn("127.0.0.1", pub.error)
            self.assertIn("crisis_social.allowed_hosts", pub.error)
        self.assertEqual(_NetworkServer.calls, [], "nothing reached the server")

    def test_credentials_only_over_https(self):
        self.mastodon.with_user(self.user_admin).url = "http://mastodon.example"
        publication = self._publish(self._update(self.mastodon))
        self._run()
        self.assertEqual(publication.state, "failed")
        self.assertEqual(
            publication.error,
            "The credentials are sent only over https, not to mastodon.example.",
        )
        self.assertEqual(self.requests_seen, [])

    def test_page_not_published(self):
        self.incident.action_unpublish_page()
        publication = self._publish(self._update(self.mastodon))
        self._run()
        self.assertEqual(publication.state, "failed")
        self.assertIn("public page of the incident is not published", publication.error)
        self.assertEqual(_NetworkServer.calls, [])
        self.incident.action_publish_page()
        publication.with_user(self.user_manager).action_retry()
        self.assertEqual(publication.state, "posted")

    def test_exercise_posts_nothing(self):
        observer = self.user_manager2
        exercise = self._create_incident(
            name="Übung: Brand in Halle 3",
            is_exercise=True,
            exercise_observer_ids=[Command.set(observer.ids)],
        )
        exercise.action_activate()
        exercise.action_publish_page()
        publication = self._publish(self._update(self.mastodon, incident=exercise))
        self.assertEqual(publication.state, "skipped")
        self._run()
        self.assertEqual(publication.state, "skipped")
        self.assertIn("Exercise", publication.error)
        self.assertIn("Brand unter Kontrolle", publication.text)
        self.assertEqual(_NetworkServer.calls, [], "nothing left the company")
        with self.assertRaises(AccessError):
            publication.with_user(self.user_manager).write({"state": "pending"})

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------
    def test_hotline_user_cannot_publish_or_read_tokens(self):
        hotline = self.user_crisis
        update = self._update(self.mastodon)
        with self.assertRaises(AccessError):
            self.mastodon.with_user(hotline).read(["access_token"])
        with self.assertRaises(AccessError):
            update.with_user(hotline).action_publish()
        with self.assertRaises(AccessError):
            update.with_user(hotline).write(
                {"publish_source_ids": [Command.set(self.bluesky.ids)]}
            )
        self.assertFalse(update.is_published)
        self.assertFalse(update.publication_ids)
        publication = self._publish(update)
        _NetworkServer.mode = "500"
        self._run()
        # The hotline sees that it was posted, cannot post again.
        self.assertEqual(publication.with_user(hotline).state, "failed")
        with self.assertRaises(AccessError):
            publication.with_user(hotline).action_retry()
        with self.assertRaises(AccessError):
            self.Publication.with_user(hotline).create(
                {"update_id": update.id, "source_id": self.bluesky.id}
            )
        self.assertEqual(len(_NetworkServer.calls), 1)

    def test_only_crisis_admins_hold_credentials(self):
        manager = self.user_manager
        # The crisis team chooses the accounts but never sees their tokens.
        with self.assertRaises(AccessError):
            self.mastodon.with_user(manager).read(["access_token"])
        with self.assertRaises(AccessError):
            self.bluesky.with_user(manager).read(["bluesky_app_password"])
        with self.assertRaises(AccessError):
            self.mastodon.with_user(manager).write({"access_token": "mine"})
        with self.assertRaises(AccessError):
            self.mastodon.with_user(manager).write({"url": "https://evil.example"})
        self.assertEqual(
            self.mastodon.with_user(self.user_admin).read(["access_token"])[0][
                "access_token"
            ],
            TOKEN,
        )
        # Publication records are written by the posting only.
        publication = self._publish(self._update(self.mastodon))
        for vals in ({"url": "https://evil.example"}, {"state": "posted"}):
            with self.assertRaises(AccessError):
                publication.with_user(manager).write(vals)
        with self.assertRaises(AccessError):
            publication.with_user(self.user_admin).write({"state": "posted"})
        self._run()
        self.assertEqual(publication.state, "posted")

    def test_confidential_incident_publications_hidden(self):
        secret = self._create_incident(
            name="Vertraulich", is_confidential=True, public_name="Lieferengpass"
        )
        secret.action_activate()
        secret.action_publish_page()
        update = self.env["crisis.incident.update"].create(
            {
                "incident_id": secret.id,
                "body": "<p>Vertraulich</p>",
                "publish_source_ids": [Command.set(self.mastodon.ids)],
            }
        )
        update.action_publish()
        self._run()
        publication = update.publication_ids
        self.assertEqual(publication.state, "posted")
        outsider = self.user_manager2
        self.assertFalse(
            self.Publication.with_user(outsider).search([("id", "=", publication.id)])
        )
        self.assertTrue(
            self.Publication.with_user(self.user_admin).search(
                [("id", "=", publication.id)]
            )
        )

    # ------------------------------------------------------------------
    # Accounts
    # ------------------------------------------------------------------
    def test_only_network_accounts_publish_and_are_not_fetched(self):
        Source = self.env["crisis.social.source"].with_user(self.user_admin)
        with self.assertRaises(ValidationError):
            Source.create(
                {
                    "name": "Feed",
                    "kind": "rss",
                    "url": "https://feeds.example/rss",
                    "can_publish": True,
                }
            )
        # An account that only publishes has no search terms: the fetch job
        # leaves it alone instead of recording an error every ten minutes.
        self.assertEqual((self.mastodon | self.bluesky)._fetch(), [])
        self.assertFalse(self.mastodon.last_error)
        self.assertFalse(self.bluesky.last_error)
        self.assertEqual(_NetworkServer.calls, [])
        self.assertEqual(self.requests_seen, [])
        # Its publications are one click away on the account.
        publication = self._publish(self._update(self.mastodon))
        self.assertEqual(self.mastodon.publication_count, 1)
        action = self.mastodon.with_user(self.user_admin).action_view_publications()
        self.assertEqual(
            self.env[action["res_model"]].search(action["domain"]), publication
        )
