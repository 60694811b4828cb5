# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each source kind fetches from recorded, real-shaped HTTP answers.

Only the HTTP edge is replaced (Odoo's test hook for outgoing requests):
``requests``, feedparser, the ingest path and the database run for real.
"""

import http.server
import json
import threading
from urllib.parse import parse_qs, urlparse

import requests

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import _super_send

from .common import SocialCommon

RSS_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Lokalzeitung Musterstadt</title>
  <link>https://www.lokalzeitung.example/</link>
  <language>de-de</language>
  <item>
    <title>Fabrikbrand: Anwohner sollen Fenster geschlossen halten</title>
    <link>https://www.lokalzeitung.example/lokales/fabrikbrand-fenster</link>
    <guid isPermaLink="false">lz-48213</guid>
    <pubDate>Mon, 02 Nov 2026 07:12:00 +0100</pubDate>
    <dc:creator>Petra Schulz</dc:creator>
    <description><![CDATA[<p>Die Feuerwehr ist mit drei L&ouml;schz&uuml;gen vor Ort.</p>]]></description>
  </item>
  <item>
    <title>Ex-Mitarbeiter: Brandschutz seit Jahren vernachl\xc3\xa4ssigt - ein Skandal?</title>
    <link>https://www.lokalzeitung.example/lokales/brandschutz-vorwuerfe</link>
    <guid isPermaLink="false">lz-48220</guid>
    <pubDate>Mon, 02 Nov 2026 09:40:00 +0100</pubDate>
    <description>Schwere Vorw\xc3\xbcrfe nach dem Fabrikbrand.</description>
  </item>
</channel>
</rss>
"""

GOOGLE_ALERTS = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2005:reader/user/0123456789/state/com.google/alerts/987654321</id>
  <title>Google Alert - Fabrikbrand Musterstadt</title>
  <link href="https://www.google.com/alerts/feeds/0123456789/987654321" rel="self"></link>
  <updated>2026-11-30T09:05:31Z</updated>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:1122334455667788990</id>
    <title type="html">&lt;b&gt;Fabrikbrand&lt;/b&gt; in Musterstadt: Zwei Mitarbeiter vermisst</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://www.regionalnachrichten.example/fabrikbrand-vermisste&amp;ct=ga&amp;cd=CAIyGjE2&amp;usg=AOvVaw0abc" />
    <published>2026-11-30T08:59:02Z</published>
    <updated>2026-11-30T08:59:02Z</updated>
    <content type="html">Beim &lt;b&gt;Fabrikbrand&lt;/b&gt; in Musterstadt werden zwei Mitarbeiter vermisst ...</content>
    <author><name></name></author>
  </entry>
</feed>
"""


def _status(status_id, text, acct="anwohner", lang="de", followers=120):
    return {
        "id": str(status_id),
        "created_at": f"2026-11-30T08:{status_id % 60:02d}:00.000Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": lang,
        "uri": f"https://social.example/users/{acct}/statuses/{status_id}",
        "url": f"https://social.example/@{acct}/{status_id}",
        "replies_count": 0,
        "reblogs_count": 3,
        "favourites_count": 7,
        "edited_at": None,
        "content": f'<p>{text} <a href="https://social.example/tags/fabrikbrand" '
        'class="mention hashtag" rel="tag">#<span>fabrikbrand</span></a></p>',
        "reblog": None,
        "account": {
            "id": "109876",
            "username": acct,
            "acct": acct,
            "display_name": acct.title(),
            "url": f"https://social.example/@{acct}",
            "followers_count": followers,
            "following_count": 80,
            "statuses_count": 1500,
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [
            {"name": "fabrikbrand", "url": "https://social.example/tags/fabrikbrand"}
        ],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def _bsky_post(rkey, text, handle="nachbarin.bsky.social"):
    return {
        "uri": f"at://did:plc:abc123xyz/app.bsky.feed.post/{rkey}",
        "cid": "bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgf5ijlfjazkq3cgve",
        "author": {
            "did": "did:plc:abc123xyz",
            "handle": handle,
            "displayName": "Nachbarin",
            "avatar": "https://cdn.bsky.app/img/avatar/plain/did:plc:abc123xyz/x@jpeg",
            "labels": [],
            "createdAt": "2023-05-01T10:00:00.000Z",
        },
        "record": {
            "$type": "app.bsky.feed.post",
            "createdAt": "2026-11-30T08:30:00.000Z",
            "langs": ["de"],
            "text": text,
        },
        "replyCount": 1,
        "repostCount": 12,
        "likeCount": 30,
        "quoteCount": 0,
        "indexedAt": "2026-11-30T08:30:01.123Z",
        "labels": [],
    }


def _response(status, body=b"", headers=None, url=""):
    response = requests.Response()
    response.status_code = status
    if isinstance(body, dict | list):
        body = json.dumps(body).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    response._content = body
    response.headers.update(headers or {})
    response.url = url
    response.encoding = "utf-8"
    return response


class FetchCase(SocialCommon):
    """Answers recorded per test instead of the networks."""

    answers = []  # functions (request) -> response or None
    requests_seen = []

    real_hosts = ()  # hosts the requests really go to (the address guard runs)

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if urlparse(r.url).hostname in cls.real_hosts:
            return _super_send(s, r, **kw)
        cls.requests_seen.append(r)
        for answer in cls.answers:
            response = answer(r)
            if response is not None:
                response.url = r.url
                return response
        return super()._request_handler(s, r, **kw)

    def setUp(self):
        super().setUp()
        type(self).answers = []
        type(self).requests_seen = []
        type(self).real_hosts = ()
        self.Source = self.env["crisis.social.source"]

    def _fetch(self, source):
        return source._fetch()[0][1]


@tagged("post_install", "-at_install")
class TestFetchers(FetchCase):
    def test_rss_conditional_requests(self):
        source = self.Source.create(
            {
                "name": "Lokalzeitung",
                "kind": "rss",
                "url": "https://www.lokalzeitung.example/rss",
            }
        )

        def feed(request):
            if request.headers.get("If-None-Match") == '"lz-v1"':
                return _response(304)
            return _response(
                200,
                RSS_FEED,
                {
                    "Content-Type": "application/rss+xml; charset=utf-8",
                    "ETag": '"lz-v1"',
                    "Last-Modified": "Mon, 30 Nov 2026 08:45:00 GMT",
                },
            )

        self.answers.append(feed)
        self.assertTrue(self._fetch(source))
        posts = self._posts(source)
        self.assertEqual(len(posts), 2)
        post = posts.filtered(lambda p: p.external_id == "lz-48213")
        self.assertEqual(
            post.body,
            "Fabrikbrand: Anwohner sollen Fenster geschlossen halten\n"
            "Die Feuerwehr ist mit drei Löschzügen vor Ort.",
        )
        self.assertEqual(
            post.url, "https://www.lokalzeitung.example/lokales/fabrikbrand-fenster"
        )
        self.assertEqual(post.author, "Petra Schulz")
        self.assertEqual(post.lang, "de")
        self.assertEqual(str(post.date_posted), "2026-11-02 06:12:00")
        self.assertEqual(post.query_ids, self.query)
        self.assertEqual(source.http_etag, '"lz-v1"')
        self.assertEqual(source.http_last_modified, "Mon, 30 Nov 2026 08:45:00 GMT")
        self.assertFalse(source.last_error)
        # The next fetch asks "changed since?" and gets 304: nothing new, no error.
        self.assertTrue(self._fetch(source))
        last = self.requests_seen[-1]
        self.assertEqual(last.headers["If-None-Match"], '"lz-v1"')
        self.assertEqual(
            last.headers["If-Modified-Since"], "Mon, 30 Nov 2026 08:45:00 GMT"
        )
        self.assertEqual(len(self._posts(source)), 2)
        self.assertEqual(source.http_etag, '"lz-v1"')
        # A server error is shown on the source; the validators stay.
        self.answers.insert(0, lambda r: _response(503, b"Service Unavailable"))
        self.assertFalse(self._fetch(source))
        self.assertIn("503", source.last_error)
        self.assertEqual(source.http_etag, '"lz-v1"')

    def test_google_alerts_links_unwrapped(self):
        source = self.Source.create(
            {
                "name": "Google Alert",
                "kind": "rss",
                "url": "https://www.google.com/alerts/feeds/0123456789/987654321",
            }
        )
        self.answers.append(
            lambda r: _response(
                200, GOOGLE_ALERTS, {"Content-Type": "application/atom+xml"}
            )
        )
        self.assertTrue(self._fetch(source))
        post = self._posts(source)
        self.assertEqual(
            post.url, "https://www.regionalnachrichten.example/fabrikbrand-vermisste"
        )
        self.assertTrue(
            post.body.startswith(
                "Fabrikbrand in Musterstadt: Zwei Mitarbeiter vermisst"
            )
        )
        self.assertNotIn("<b>", post.body)
        self.assertEqual(
            post.external_id,
            "tag:google.com,2013:googlealerts/feed:1122334455667788990",
        )

    def test_mastodon_pages_with_min_id(self):
        source = self.Source.create(
            {
                "name": "Mastodon",
                "kind": "mastodon",
                "url": "https://social.example",
                "search_terms": "#fabrikbrand",
            }
        )
        pages = {
            None: [_status(1002, "Rauch überall"), _status(1001, "Was brennt da?")],
            "1002": [_status(i, f"Post {i}") for i in range(1042, 1002, -1)],
            "1042": [
                _status(1043, "Der Brandschutz war ein Skandal!", acct="dieter"),
                dict(_status(1040, "Nur für Follower"), visibility="private"),
            ],
            "1043": [],
        }

        def timeline(request):
            url = urlparse(request.url)
            if url.path != "/api/v1/timelines/tag/fabrikbrand":
                return None
            min_id = parse_qs(url.query).get("min_id", [None])[0]
            return _response(200, pages[min_id])

        self.answers.append(timeline)
        self.assertTrue(self._fetch(source))
        self.assertEqual(len(self._posts(source)), 2)
        self.assertEqual(json.loads(source.cursor), {"fabrikbrand": "1002"})
        post = self._posts(source).filtered(lambda p: p.external_id.endswith("/1002"))
        self.assertEqual(post.body, "Rauch überall #fabrikbrand")
        self.assertEqual(post.author, "@anwohner@social.example")
        self.assertEqual(post.reach, 120)
        # Next run: page after 1002 (40 posts, a full page), then after 1042.
        self.assertTrue(self._fetch(source))
        asked = [
            parse_qs(urlparse(r.url).query).get("min_id", [None])[0]
            for r in self.requests_seen
        ]
        self.assertEqual(asked, [None, "1002", "1042"])
        self.assertEqual(len(self._posts(source)), 43)
        self.assertEqual(json.loads(source.cursor), {"fabrikbrand": "1043"})
        # Nothing new: asked from 1043, nothing fetched twice.
        self.assertTrue(self._fetch(source))
        self.assertEqual(len(self._posts(source)), 43)
        self.assertEqual(json.loads(source.cursor), {"fabrikbrand": "1043"})

    def test_mastodon_closed_timeline_is_explained(self):
        source = self.Source.create(
            {
                "name": "Closed instance",
                "kind": "mastodon",
                "url": "https://closed.example",
                "search_terms": "fabrikbrand",
            }
        )
        source._write_fetch_state({"cursor": json.dumps({"fabrikbrand": "500"})})
        self.answers.append(
            lambda r: _response(
                401, {"error": "This API requires an authenticated user"}
            )
        )
        self.assertFalse(self._fetch(source))
        self.assertIn("401", source.last_error)
        self.assertIn("public timelines", source.last_error)
        self.assertEqual(json.loads(source.cursor), {"fabrikbrand": "500"})
        self.assertFalse(self._posts(source))

    def test_bluesky_needs_a_session(self):
        source = self.Source.create(
            {
                "name": "Bluesky",
                "kind": "bluesky",
                "url": "https://bsky.social",
                "search_terms": "fabrikbrand",
            }
        )

        def search(request):
            if "app.bsky.feed.searchPosts" not in request.url:
                return None
            if request.headers.get("Authorization") != "Bearer eyJ.access.jwt":
                return _response(403, {"error": "Forbidden", "message": "Forbidden"})
            return _response(
                200,
                {
                    "posts": [
                        _bsky_post(
                            "3kabc", "Fabrikbrand: die Firma schweigt. Skandal!"
                        ),
                        _bsky_post("3kabd", "Fabrikbrand: Straße gesperrt"),
                    ]
                },
            )

        def session(request):
            if not request.url.endswith("com.atproto.server.createSession"):
                return None
            credentials = json.loads(request.body)
            if credentials != {
                "identifier": "presse.example.org",
                "password": "abcd-efgh-ijkl-mnop",
            }:
                return _response(
                    401,
                    {
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    },
                )
            return _response(
                200,
                {
                    "did": "did:plc:presse",
                    "handle": "presse.example.org",
                    "accessJwt": "eyJ.access.jwt",
                    "refreshJwt": "eyJ.refresh.jwt",
                    "active": True,
                },
            )

        self.answers += [session, search]
        # Without an app password: 403, shown clearly.
        self.assertFalse(self._fetch(source))
        self.assertIn("403", source.last_error)
        self.assertIn("app password", source.last_error)
        # A wrong app password.
        source.write(
            {
                "bluesky_identifier": "presse.example.org",
                "bluesky_app_password": "wrong",
            }
        )
        self.assertFalse(self._fetch(source))
        self.assertIn("refused the login", source.last_error)
        source.write({"bluesky_app_password": "abcd-efgh-ijkl-mnop"})
        self.assertTrue(self._fetch(source))
        self.assertFalse(source.last_error)
        posts = self._posts(source)
        self.assertEqual(len(posts), 2)
        angry = posts.filtered(lambda p: p.external_id.endswith("3kabc"))
        self.assertEqual(
            angry.url, "https://bsky.app/profile/nachbarin.bsky.social/post/3kabc"
        )
        self.assertEqual(angry.sentiment, "negative")
        self.assertEqual(angry.reach, 42)
        self.assertEqual(
            json.loads(source.cursor), {"fabrikbrand": "2026-11-30T08:30:01.123Z"}
        )
        last = self.requests_seen[-1]
        self.assertEqual(parse_qs(urlparse(last.url).query)["q"], ["fabrikbrand"])

    def test_cron_fetches_every_polling_source(self):
        rss = self.Source.create(
            {
                "name": "Feed",
                "kind": "rss",
                "url": "https://www.lokalzeitung.example/rss",
            }
        )
        self.answers.append(lambda r: _response(200, RSS_FEED))
        self.Source._cron_fetch()
        self.assertEqual(len(self._posts(rss)), 2)
        self.assertTrue(rss.date_last_fetch)
        # Network failures are recorded too.
        self.answers.insert(
            0, lambda r: (_ for _ in ()).throw(requests.ConnectTimeout("timed out"))
        )
        self.assertFalse(self._fetch(rss))
        self.assertIn("could not be reached", rss.last_error)
        # An odd answer is reported, and the other sources are still fetched.
        odd = self.Source.create(
            {
                "name": "Odd",
                "kind": "mastodon",
                "url": "https://odd.example",
                "search_terms": "x",
            }
        )
        type(self).answers = [
            lambda r: (
                _response(200, [{"unexpected": True}]) if "odd" in r.url else None
            ),
            lambda r: _response(200, RSS_FEED),
        ]
        rss._write_fetch_state({"last_error": False})
        self.Source._cron_fetch()
        self.assertIn("could not be read", odd.last_error)
        self.assertFalse(rss.last_error)


class _FeedServer(http.server.BaseHTTPRequestHandler):
    """A feed on this machine: what an attacker wants the server to fetch."""

    hits = []

    def do_GET(self):
        self.hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            port = self.server.server_address[1]
            self.send_header("Location", f"http://localhost:{port}/feed")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(RSS_FEED)))
        self.end_headers()
        self.wfile.write(RSS_FEED)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestFetchAddressGuard(FetchCase):
    """Item 11 of the second attack: a crisis admin (not a system admin)
    made the server fetch internal addresses through an RSS source."""

    def setUp(self):
        super().setUp()
        self.server = http.server.HTTPServer(("127.0.0.1", 0), _FeedServer)
        self.port = self.server.server_address[1]
        _FeedServer.hits = []
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        type(self).real_hosts = ("127.0.0.1", "localhost", "169.254.169.254")
        self.env["ir.config_parameter"].set_param("crisis_social.allowed_hosts", "")

    def _internal_source(self, path="/feed", host="127.0.0.1"):
        return self.Source.with_user(self.user_admin).create(
            {
                "name": "Internal",
                "kind": "rss",
                "url": f"http://{host}:{self.port}{path}",
            }
        )

    def test_crisis_admin_cannot_fetch_internal_addresses(self):
        source = self._internal_source()
        # Allowing the host is for system administrators only.
        with self.assertRaises(AccessError):
            self.env["ir.config_parameter"].with_user(self.user_admin).set_param(
                "crisis_social.allowed_hosts", f"127.0.0.1:{self.port}"
            )
        action = source.with_user(self.user_admin).action_fetch()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("crisis_social.allowed_hosts", action["params"]["message"])
        self.assertIn("127.0.0.1", source.last_error)
        self.assertIn("crisis_social.allowed_hosts", source.last_error)
        self.assertFalse(self._posts(source))
        self.assertEqual(_FeedServer.hits, [], "nothing was fetched")
        # A host name that resolves to the inside is refused on its address.
        by_name = self._internal_source(host="localhost")
        self.assertFalse(self._fetch(by_name))
        self.assertIn("127.0.0.1", by_name.last_error)
        # The cloud metadata service is refused before any connection.
        metadata = self.Source.with_user(self.user_admin).create(
            {
                "name": "Metadata",
                "kind": "rss",
                "url": "http://169.254.169.254/latest/meta-data/",
            }
        )
        self.assertFalse(self._fetch(metadata))
        self.assertIn("169.254.169.254", metadata.last_error)
        self.assertEqual(_FeedServer.hits, [])

    def test_refusal_in_the_admins_language(self):
        self.user_admin.lang = "de_DE"
        source = self._internal_source()
        source.with_user(self.user_admin).with_context(lang="de_DE").action_fetch()
        self.assertIn("Systemparameter crisis_social.allowed_hosts", source.last_error)
        self.assertEqual(_FeedServer.hits, [])

    def test_allowed_host_fetched_redirect_checked_again(self):
        self.env["ir.config_parameter"].set_param(
            "crisis_social.allowed_hosts", f"feeds.example, 127.0.0.1:{self.port}"
        )
        source = self._internal_source()
        self.assertTrue(self._fetch(source))
        self.assertEqual(len(self._posts(source)), 2)
        self.assertEqual(_FeedServer.hits, ["/feed"])
        # An allowed host that redirects to one that is not: refused there.
        redirect = self._internal_source(path="/redirect")
        self.assertFalse(self._fetch(redirect))
        self.assertIn("127.0.0.1", redirect.last_error)
        self.assertEqual(_FeedServer.hits, ["/feed", "/redirect"])
        self.assertFalse(self._posts(redirect))

    def test_failing_fetch_shows_its_error(self):
        # (The message of a failed fetch raised TypeError: no error was shown.)
        source = self.Source.create(
            {"name": "Down", "kind": "rss", "url": "https://down.example/rss"}
        )
        self.answers.append(lambda r: _response(503, b"Service Unavailable"))
        action = source.with_user(self.user_admin).action_fetch()
        self.assertIn("“Down” failed", action["params"]["message"])
        self.assertIn("503", action["params"]["message"])
        self.assertIn("503", source.last_error)
