# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import json
import random
import time
import xmlrpc.client

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestWebhook(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Source = cls.env["crisis.social.source"]
        cls.source = Source.create({"name": "Listening tool", "kind": "webhook"})
        cls.secret = cls.source.secret
        cls.inactive = Source.create(
            {"name": "Old tool", "kind": "webhook", "active": False}
        )
        cls.rss = Source.create(
            {"name": "Feed", "kind": "rss", "url": "https://x.test"}
        )

    def _sign(self, body, secret=None, timestamp=None):
        key = (secret or self.secret).encode()
        signed = str(timestamp).encode() + b"." + body
        return "sha256=" + hmac.new(key, signed, hashlib.sha256).hexdigest()

    def _send(
        self,
        body,
        source_id=None,
        signature=True,
        secret=None,
        headers=None,
        timestamp=None,
    ):
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
        if timestamp is None:
            # Another timestamp per request, within the 300 s allowed: the
            # same body may be sent again (a signature is accepted once).
            type(self)._sent = getattr(self, "_sent", 0) + 1
            timestamp = int(time.time()) + self._sent % 400 - 200
        all_headers = {
            "Content-Type": "application/json",
            "X-Crisis-Timestamp": str(timestamp),
        }
        if signature is True:
            all_headers["X-Crisis-Signature"] = self._sign(body, secret, timestamp)
        elif signature:
            all_headers["X-Crisis-Signature"] = signature
        all_headers.update(headers or {})
        # Always a POST, also with an empty body.
        return self.opener.post(
            f"{self.base_url()}/crisis/social/ingest/{source_id or self.source.id}",
            data=body,
            headers=all_headers,
            timeout=30,
        )

    def _count(self):
        return (
            self.env["crisis.social.post"]
            .with_context(active_test=False)
            .search_count([])
        )

    def test_signed_posts_are_stored(self):
        body = {
            "posts": [
                {"external_id": "w1", "body": "Fabrikbrand: Skandal!", "lang": "de"},
                {"external_id": "w2", "body": "ok", "reach": "many"},
            ]
        }
        response = self._send(body)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "created": 1,
                "duplicates": 0,
                "errors": [
                    {
                        "index": 1,
                        "external_id": "w2",
                        "error": "reach must be a whole number",
                    }
                ],
            },
        )
        # The same posts again, signed anew: stored once.
        self.assertEqual(self._send(body).json()["duplicates"], 1)
        post = self.env["crisis.social.post"].search([("external_id", "=", "w1")])
        self.assertEqual(post.source_id, self.source)
        self.assertEqual(post.sentiment, "negative")

    def test_refusals(self):
        body = json.dumps({"posts": [{"external_id": "r1", "body": "x"}]}).encode()
        before = self._count()
        unauthorized = [
            self._send(body, signature=False),
            self._send(body, signature="sha256=" + "0" * 64),
            self._send(body, signature=self._sign(body)[:-2]),
            self._send(body, secret="wrong"),
            self._send(body, source_id=999999),
            self._send(body, source_id=self.inactive.id, secret=self.inactive.secret),
            self._send(body, source_id=self.rss.id, secret=self.rss.secret),
            self._send(body, signature="sha256=äöü"),
        ]
        for response in unauthorized:
            self.assertEqual(response.status_code, 401)
            # One answer for all: nothing tells an unknown source from a bad key.
            self.assertEqual(response.content, unauthorized[0].content)
        for bad in (
            b"not json",
            b"[]",
            b'{"posts": {}}',
            b'{"posts": [], "x": 1}',
            b"\xff",
        ):
            self.assertEqual(self._send(bad).status_code, 400, bad)
        too_many = {
            "posts": [{"external_id": str(i), "body": "x"} for i in range(5001)]
        }
        self.assertEqual(self._send(too_many).status_code, 400)
        huge = json.dumps(
            {"posts": [{"external_id": "h", "body": "x" * (1024 * 1024)}]}
        )
        self.assertEqual(self._send(huge.encode()).status_code, 413)
        self.assertEqual(self._count(), before)

    def test_signature_covers_a_fresh_timestamp_used_once(self):
        body = json.dumps({"posts": [{"external_id": "t1", "body": "x"}]}).encode()
        before = self._count()
        now = int(time.time())
        old_style = (
            "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        )
        refused = [
            # The body-only signature of before.
            self._send(body, signature=old_style, timestamp=now),
            self._send(body, signature=old_style, headers={"X-Crisis-Timestamp": ""}),
            # More than 300 s off, either way (a minute more: the requests
            # before this one take time on a loaded machine).
            self._send(body, timestamp=now - 361),
            self._send(body, timestamp=now + 361),
            # Signed for another timestamp than the one sent.
            self._send(
                body, signature=self._sign(body, timestamp=now - 5), timestamp=now
            ),
            self._send(body, timestamp="12.5"),
            self._send(body, timestamp="0x1f"),
            self._send(body, timestamp="-1"),
        ]
        for response in refused:
            self.assertEqual(response.status_code, 401, response.content)
            self.assertEqual(response.json(), {"error": "unauthorized"})
        self.assertEqual(self._count(), before)
        # Within the window: accepted, once.
        signature = self._sign(body, timestamp=now - 200)
        first = self._send(body, signature=signature, timestamp=now - 200)
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first.json()["created"], 1)
        replay = self._send(body, signature=signature, timestamp=now - 200)
        self.assertEqual(replay.status_code, 401)
        self.assertEqual(replay.content, refused[0].content)
        # Replayed with other posts under a used signature: nothing stored.
        other = json.dumps({"posts": [{"external_id": "t2", "body": "y"}]}).encode()
        self.assertEqual(
            self._send(other, signature=signature, timestamp=now - 200).status_code,
            401,
        )
        self.assertEqual(self._count(), before + 1)
        used = self.env["crisis.social.webhook.signature"].search([])
        self.assertEqual(len(used), 1)
        # Nobody but the system reads the used signatures.
        outsider = new_test_user(
            self.env, login="sig_admin", groups="crisis_management.group_crisis_admin"
        )
        with self.assertRaises(AccessError):
            used.with_user(outsider).read(["digest"])

    def test_form_encoded_post_is_told_to_send_json(self):
        before = self._count()
        body = b"posts=%5B%5D"
        response = self._send(
            body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        self.assertEqual(response.status_code, 415)
        self.assertIn("application/json", response.json()["error"])
        response = self.opener.post(
            f"{self.base_url()}/crisis/social/ingest/{self.source.id}",
            files={"posts": ("posts.json", b"[]")},
            timeout=30,
        )
        self.assertEqual(response.status_code, 415)
        self.assertEqual(self._count(), before)

    def test_malformed_ids_and_text_never_a_server_error(self):
        body = json.dumps({"posts": [{"external_id": "n", "body": "x"}]}).encode()
        for path in ("abc", "-1", "0", "99999999999", "%ED%A0%80"):
            response = self.opener.post(
                f"{self.base_url()}/crisis/social/ingest/{path}",
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=30,
            )
            self.assertIn(response.status_code, (401, 404), path)
        posts = {
            "posts": [
                {"external_id": "nul\u0000id", "body": "x"},
                {"external_id": "s1", "body": "a\ud800b"},
                {"external_id": "s2", "author": "\udfff", "body": "x"},
                {"external_id": "s3", "body": "fine\u0000"},
            ]
        }
        raw = json.dumps(posts).encode()
        response = self._send(raw)
        self.assertEqual(response.status_code, 200, response.content)
        result = response.json()
        self.assertEqual(result["created"], 1)
        self.assertEqual([e["index"] for e in result["errors"]], [0, 1, 2])
        self.assertEqual(
            self.env["crisis.social.post"].search([("external_id", "=", "s3")]).body,
            "fine",
        )

    def test_bad_text_over_json_rpc_is_a_clear_refusal(self):
        manager = new_test_user(
            self.env, login="json_team", groups="crisis_management.group_crisis_manager"
        )
        self.assertTrue(manager)
        self.authenticate("json_team", "json_team")
        self._send({"posts": [{"external_id": "j1", "body": "Fabrikbrand"}]})
        post = self.env["crisis.social.post"].search([("external_id", "=", "j1")])

        def call(method, args, kwargs=None):
            response = self.url_open(
                "/web/dataset/call_kw",
                data=json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "model": "crisis.social.post",
                            "method": method,
                            "args": args,
                            "kwargs": kwargs or {},
                        },
                    }
                ),
                headers={"Content-Type": "application/json"},
            )
            self.assertEqual(response.status_code, 200)
            return response.json()

        for method, args, kwargs in (
            ("ingest", ["1\u0000", []], {}),
            ("ingest", [self.source.id, "\ud800"], {}),
            ("ingest", [2**40, []], {}),
            ("action_ignore", [post.ids], {"reason": "a\u0000b"}),
            ("action_ignore", [post.ids], {"reason": "a\ud800b"}),
            ("write", [post.ids, {"reply_draft": "x\u0000"}], {}),
            ("score_text", [["kaputt"], "de"], {}),
        ):
            error = call(method, args, kwargs).get("error")
            self.assertTrue(error, method)
            self.assertIn(
                error["data"]["name"],
                (
                    "odoo.exceptions.UserError",
                    "odoo.exceptions.ValidationError",
                    "odoo.exceptions.AccessError",
                ),
                (method, error["data"]["message"]),
            )
        self.assertEqual(post.state, "new")
        self.assertFalse(post.reply_draft)

    def test_ingest_over_xmlrpc(self):
        manager = new_test_user(
            self.env, login="rpc_team", groups="crisis_management.group_crisis_manager"
        )
        hotline = new_test_user(
            self.env, login="rpc_hotline", groups="crisis_management.group_crisis_user"
        )
        posts = [
            {
                "external_id": "x1",
                "author": "@a@b.social",
                "url": "https://b.social/@a/1",
                "body": "Fabrikbrand: ein Skandal!",
                "lang": "de",
                "date_posted": "2026-11-02T08:00:00Z",
                "reach": 5,
            },
            {"body": "no id"},
        ]
        rpc = self.xmlrpc_object
        db = self.env.cr.dbname
        result = rpc.execute_kw(
            db,
            manager.id,
            "rpc_team",
            "crisis.social.post",
            "ingest",
            [self.source.id, posts],
        )
        self.assertEqual(result["created"], 1)
        self.assertEqual(result["duplicates"], 0)
        self.assertEqual(
            result["errors"],
            [{"index": 1, "external_id": False, "error": "external_id is missing"}],
        )
        score = rpc.execute_kw(
            db,
            hotline.id,
            "rpc_hotline",
            "crisis.social.post",
            "score_text",
            ["Das ist nicht gut.", "de"],
        )
        self.assertEqual(score["label"], "negative")
        with self.assertRaises(xmlrpc.client.Fault):
            rpc.execute_kw(
                db,
                hotline.id,
                "rpc_hotline",
                "crisis.social.post",
                "ingest",
                [self.source.id, posts],
            )

    def test_get_is_not_allowed(self):
        response = self.url_open(f"/crisis/social/ingest/{self.source.id}")
        self.assertEqual(response.status_code, 405)

    def test_fuzz_never_5xx_never_partial(self):
        rng = random.Random(20261130)
        odd_values = [
            None,
            True,
            -1,
            0,
            2**31,
            10**30,
            1.5,
            float("1e308"),
            "",
            " ",
            "\u0000",
            "\ud800",
            "ä" * 600,
            "x" * 25000,
            "<script>alert(1)</script>",
            "2026-13-45T99:99:99",
            "0001-01-01T00:00:00",
            "9999-12-31T23:59:59Z",
            "2026-11-30T10:00:00+14:00",
            [],
            {},
            [1, [2, [3]]],
            {"$gt": ""},
            "javascript:alert(1)",
            "https://example.org/" + "a" * 3000,
            "de-DE",
            "zz_Latn_x",
        ]
        keys = ["external_id", "author", "url", "body", "lang", "date_posted", "reach"]

        def odd_post():
            post = {
                key: rng.choice(odd_values)
                for key in rng.sample(keys, rng.randint(0, 7))
            }
            if rng.random() < 0.5:
                post["external_id"] = f"f{rng.randint(0, 300)}"
                post.setdefault("body", "Fabrikbrand")
            return post

        def body_of(kind):
            if kind == 0:
                return bytes(rng.getrandbits(8) for _i in range(rng.randint(0, 300)))
            if kind == 1:
                return json.dumps(
                    rng.choice(odd_values + [{"posts": 1}, {"post": []}])
                ).encode()
            if kind == 2:
                return json.dumps(
                    {"posts": [odd_post() for _i in range(rng.randint(0, 8))]}
                ).encode()
            if kind == 3:
                depth = rng.randint(50, 5000)
                return b'{"posts": ' + b"[" * depth + b"]" * depth + b"}"
            if kind == 4:
                return json.dumps(
                    {"posts": [odd_post()], "extra": rng.random()}
                ).encode()
            return json.dumps({"posts": [odd_post()]}).encode()[: rng.randint(0, 40)]

        statuses = {}
        for number in range(1000):
            kind = number % 6
            body = body_of(kind)
            signature = True if rng.random() < 0.9 else "sha256=" + "ab" * 32
            before = self._count()
            response = self._send(body, signature=signature)
            status = response.status_code
            statuses[status] = statuses.get(status, 0) + 1
            self.assertLess(status, 500, f"request {number}: {body[:200]!r}")
            self.assertIn(status, (200, 400, 401, 413))
            created = response.json()["created"] if status == 200 else 0
            self.assertEqual(self._count() - before, created, f"request {number}")
        # The run did exercise every answer.
        self.assertTrue({200, 400, 401} <= set(statuses), statuses)
        self.assertGreater(statuses[200], 100)
