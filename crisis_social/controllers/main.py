# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import json
import logging
import time

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
# How far a sender's clock may be off, in seconds, either way.
MAX_SKEW = 300
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CrisisSocialWebhook(http.Controller):
    """Posts delivered by external listening tools, signed with the source's
    secret over a timestamp and the raw body:
    ``X-Crisis-Timestamp: <unix seconds>`` and
    ``X-Crisis-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">``.
    A signature is accepted once, within 300 s of the server's clock."""

    def _answer(self, status, payload):
        return request.make_json_response(payload, status=status)

    def _refuse(self, status, message):
        return self._answer(status, {"error": message})

    @http.route(
        "/crisis/social/ingest/<int:source_id>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        max_content_length=MAX_BODY_BYTES + 1,
    )
    def ingest(self, source_id, **_kwargs):
        httprequest = request.httprequest
        length = httprequest.content_length
        if length is not None and length > MAX_BODY_BYTES:
            return self._refuse(413, "body larger than 1 MiB")
        if httprequest.mimetype in FORM_TYPES:
            # A form's body is parsed away before it could be verified.
            return self._refuse(
                415, "send the posts as JSON (Content-Type: application/json)"
            )
        body = httprequest.get_data(cache=False)
        if len(body) > MAX_BODY_BYTES:
            return self._refuse(413, "body larger than 1 MiB")
        source, signature = self._signed_source(source_id, body)
        if not source:
            # Unknown, inactive or not a webhook source, missing or bad
            # signature, stale timestamp: one answer for all, so nothing can
            # be probed.
            return self._refuse(401, "unauthorized")
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return self._refuse(400, "the body is not JSON")
        if (
            not isinstance(payload, dict)
            or set(payload) != {"posts"}
            or not isinstance(payload["posts"], list)
        ):
            return self._refuse(400, 'expected {"posts": [...]}')
        env = request.env
        try:
            with env.cr.savepoint():
                digest = hashlib.sha256(signature.encode()).hexdigest()
                if not env["crisis.social.webhook.signature"].sudo()._use(digest):
                    # Replayed: the same answer as any other refusal.
                    return self._refuse(401, "unauthorized")
                result = (
                    env["crisis.social.post"].sudo()._ingest(source, payload["posts"])
                )
        except UserError as error:
            return self._refuse(400, str(error))
        return self._answer(200, result)

    def _signed_source(self, source_id, body):
        """``(source, signature)`` of a well signed, fresh request, else
        ``(None, None)``."""
        headers = request.httprequest.headers
        header = headers.get("X-Crisis-Signature") or ""
        stamp = (headers.get("X-Crisis-Timestamp") or "").strip()
        if (
            not header.startswith("sha256=")
            or not 0 < source_id < 2**31
            or not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12)
            or abs(time.time() - int(stamp)) > MAX_SKEW
        ):
            return None, None
        source = (
            request.env["crisis.social.source"]
            .sudo()
            .search([("id", "=", source_id), ("kind", "=", "webhook")])
        )
        secret = source.secret if source else None
        expected = hmac.new(
            (secret or "0" * 64).encode(), stamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        given = header[7:].strip().lower()
        # Compared even for an unknown source, so that timing tells nothing.
        if (
            not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))
            or not secret
        ):
            return None, None
        return source, expected
