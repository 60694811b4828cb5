# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One post function per network, behind one interface: the company's own
accounts post a published update.

Each function takes the source's state (``url``, ``access_token`` or
``identifier`` / ``app_password``, ``lang``, ``idempotency_key``,
``allowed_hosts``) and the text and link of the post, and returns a
:class:`PublishResult` (the post's public ``url`` and its ``external_id``).
Plain ``requests`` with timeouts through :func:`.net.guarded_session`
(public addresses only, like the fetchers); credentials leave only over
https unless the host is exempt in ``crisis_social.allowed_hosts``; no
redirects are followed. Failures the user can act on raise
:class:`PublishError`; the other failures are those of the guarded session.
"""

import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlparse

from .net import TIMEOUT, NetworkError, guarded_session, host_allowed

USER_AGENT = "Odoo Crisis Mode (publishing)"
MASTODON_MAX_CHARS = 500
BLUESKY_MAX_GRAPHEMES = 300
BLUESKY_MAX_BYTES = 3000
ELLIPSIS = "…"
ZWJ = "\u200d"


class PublishError(NetworkError):
    """A failure of a post worth telling the user (``config``, ``insecure``,
    ``auth``, ``rejected``, ``http``, ``parse``)."""


class PublishResult:
    def __init__(self, url, external_id):
        self.url = url
        self.external_id = external_id


# --------------------------------------------------------------------------
# Length: characters for Mastodon, graphemes for Bluesky
# --------------------------------------------------------------------------
def _is_regional(char):
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _extends(cluster, prev, char):
    """Whether ``char`` continues the grapheme ``cluster`` (a close
    approximation of Unicode's extended grapheme clusters, UAX #29: enough
    for combining accents, emoji with skin tones, ZWJ families, flags and
    Hangul syllables)."""
    code = ord(char)
    if prev == "\r":
        return char == "\n"
    if prev == "\n":
        return False
    if prev == ZWJ or char == ZWJ:
        return True
    if unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    if (
        0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tags (subdivision flags)
        or 0x1160 <= code <= 0x11FF  # Hangul vowels and final consonants
        or 0xD7B0 <= code <= 0xD7FF
    ):
        return True
    # A flag is a pair of regional indicators.
    return _is_regional(char) and len(cluster) == 1 and _is_regional(cluster)


def graphemes(text):
    """The user-perceived characters of ``text``, as strings."""
    clusters = []
    prev = None
    for char in text:
        if clusters and _extends(clusters[-1], prev, char):
            clusters[-1] += char
        else:
            clusters.append(char)
        prev = char
    return clusters


def grapheme_len(text):
    return len(graphemes(text))


def compose(text, link, limit, graphemes_count=False):
    """``text``, a blank line and ``link``, at most ``limit`` characters
    (graphemes with ``graphemes_count``): the text is shortened on a word
    boundary and ends with "…" where it does not fit. Returns the post and
    the link's character offset in it."""
    text = re.sub(r"\n{3,}", "\n\n", (text or "").strip())
    text = re.sub(r"[ \t]+", " ", text)
    separator = "\n\n" if text and link else ""
    tail = separator + (link or "")
    units = graphemes(text) if graphemes_count else list(text)
    count = (grapheme_len if graphemes_count else len)(tail)
    if len(units) + count > limit:
        budget = max(limit - count - len(ELLIPSIS), 0)
        cut = "".join(units[:budget])
        rest = "".join(units[budget : budget + 1])
        if rest and not rest.isspace():
            # Not in the middle of a word, unless the word is the whole text.
            space = max(cut.rfind(" "), cut.rfind("\n"))
            if space > 0:
                cut = cut[:space]
        cut = cut.rstrip(" \n\t,;:-–—")
        text = cut + ELLIPSIS if cut else ""
        separator = "\n\n" if text and link else ""
    post = text + separator + (link or "")
    return post, len(text + separator)


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------
def _session(state, base):
    parsed = urlparse(base)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise PublishError("config", detail="URL (https://)")
    allowed = state.get("allowed_hosts") or ()
    if parsed.scheme != "https" and not host_allowed(
        parsed.hostname, parsed.port or 80, allowed
    ):
        # Credentials never travel in clear text to the outside.
        raise PublishError("insecure", detail=parsed.hostname)
    return guarded_session(allowed)


def _post(session, url, **kwargs):
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    return session.post(
        url, headers=headers, timeout=TIMEOUT, allow_redirects=False, **kwargs
    )


def _json(response):
    try:
        data = response.json()
    except ValueError as error:
        raise PublishError("parse", response.status_code, str(error)[:200]) from error
    if not isinstance(data, dict):
        raise PublishError("parse", response.status_code, "not an object")
    return data


def _detail(response):
    """The network's own reason (Mastodon ``error``, atproto ``message``)."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    return str(data.get("error") or data.get("message") or "")[:300]


def _check(response, ok=(200,)):
    if response.status_code in ok:
        return
    if response.status_code in (401, 403):
        raise PublishError("auth", response.status_code, _detail(response))
    if response.status_code in (400, 422):
        raise PublishError("rejected", response.status_code, _detail(response))
    raise PublishError("http", response.status_code, _detail(response))


# --------------------------------------------------------------------------
# Mastodon: POST /api/v1/statuses with the account's access token
# --------------------------------------------------------------------------
def publish_mastodon(state, text, link):
    base = (state.get("url") or "").rstrip("/")
    token = state.get("access_token")
    if not base or not token:
        raise PublishError("config", detail="URL / access token")
    status, _offset = compose(text, link, MASTODON_MAX_CHARS)
    payload = {"status": status, "visibility": "public"}
    if state.get("lang"):
        payload["language"] = state["lang"]
    headers = {"Authorization": f"Bearer {token}"}
    if state.get("idempotency_key"):
        # A retry after a timeout does not post twice (Mastodon keeps the
        # key for an hour).
        headers["Idempotency-Key"] = state["idempotency_key"]
    with _session(state, base) as session:
        response = _post(
            session, f"{base}/api/v1/statuses", json=payload, headers=headers
        )
    _check(response)
    data = _json(response)
    url = data.get("url") or data.get("uri")
    if not url or not isinstance(url, str):
        raise PublishError("parse", response.status_code, "no url in the answer")
    return PublishResult(url, str(data.get("id") or data.get("uri") or ""))


# --------------------------------------------------------------------------
# Bluesky: createSession with an app password, then createRecord
# --------------------------------------------------------------------------
def bluesky_record(text, link, lang=None, now=None):
    """The ``app.bsky.feed.post`` record: text within 300 graphemes, the link
    made clickable by a facet (byte offsets in UTF-8)."""
    post, offset = compose(text, link, BLUESKY_MAX_GRAPHEMES, graphemes_count=True)
    while len(post.encode()) > BLUESKY_MAX_BYTES:  # only very wide scripts
        text = text[: len(text) * 9 // 10]
        post, offset = compose(text, link, BLUESKY_MAX_GRAPHEMES, graphemes_count=True)
    now = now or datetime.now(UTC)
    record = {
        "$type": "app.bsky.feed.post",
        "text": post,
        "createdAt": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now:%f}"[:3] + "Z",
    }
    if lang:
        record["langs"] = [lang]
    if link:
        start = len(post[:offset].encode())
        record["facets"] = [
            {
                "index": {"byteStart": start, "byteEnd": start + len(link.encode())},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
            }
        ]
    return record


def publish_bluesky(state, text, link):
    base = (state.get("url") or "https://bsky.social").rstrip("/")
    if not state.get("identifier") or not state.get("app_password"):
        raise PublishError("config", detail="handle / app password")
    record = bluesky_record(text, link, lang=state.get("lang"))
    with _session(state, base) as session:
        response = _post(
            session,
            f"{base}/xrpc/com.atproto.server.createSession",
            json={
                "identifier": state["identifier"],
                "password": state["app_password"],
            },
        )
        if response.status_code in (400, 401):
            raise PublishError("auth", response.status_code, _detail(response))
        _check(response)
        login = _json(response)
        token, did = login.get("accessJwt"), login.get("did")
        if not token or not did:
            raise PublishError("parse", response.status_code, "no session")
        response = _post(
            session,
            f"{base}/xrpc/com.atproto.repo.createRecord",
            json={"repo": did, "collection": "app.bsky.feed.post", "record": record},
            headers={"Authorization": f"Bearer {token}"},
        )
    _check(response)
    uri = _json(response).get("uri")
    if not uri or not isinstance(uri, str) or not uri.startswith("at://"):
        raise PublishError("parse", response.status_code, "no uri in the answer")
    handle = login.get("handle") or did
    rkey = uri.rsplit("/", 1)[-1]
    return PublishResult(f"https://bsky.app/profile/{handle}/post/{rkey}", uri)


PUBLISHERS = {
    "mastodon": publish_mastodon,
    "bluesky": publish_bluesky,
}
