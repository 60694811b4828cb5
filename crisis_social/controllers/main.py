# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import json
import logging

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


class CrisisSocialWebhook(http.Controller):
    """Posts delivered by external listening tools, signed with the source's
    secret: ``X-Crisis-Signature: sha256=<hex HMAC-SHA256 of the raw body>``."""

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
        body = httprequest.get_data(cache=False)
        if len(body) > MAX_BODY_BYTES:
            return self._refuse(413, "body larger than 1 MiB")
        source = self._signed_source(source_id, body)
        if not source:
            # Unknown, inactive or not a webhook source, missing or bad
            # signature: one answer for all, so nothing can be probed.
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
        try:
            with request.env.cr.savepoint():
                result = (
                    request.env["crisis.social.post"]
                    .sudo()
                    ._ingest(source, payload["posts"])
                )
        except UserError as error:
            return self._refuse(400, str(error))
        return self._answer(200, result)

    def _signed_source(self, source_id, body):
        header = request.httprequest.headers.get("X-Crisis-Signature") or ""
        if not header.startswith("sha256=") or not 0 < source_id < 2**31:
            return None
        source = (
            request.env["crisis.social.source"]
            .sudo()
            .search([("id", "=", source_id), ("kind", "=", "webhook")])
        )
        secret = source.secret if source else "0" * 64
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        given = header[7:].strip().lower().encode("utf-8", "replace")
        # Compared even for an unknown source, so that timing tells nothing.
        if not hmac.compare_digest(expected.encode(), given) or not source:
            return None
        return source
