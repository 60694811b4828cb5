# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One fetch function per source kind, behind one interface.

Each function takes the source's state (``url``, ``search_terms``, ``cursor``,
``etag``, ``last_modified``, ``identifier``, ``app_password``,
``allowed_hosts``) and returns a
:class:`FetchResult`: the posts in the shape of ``crisis.social.post.ingest``
and the new cursor / validators (``None``: keep the old one). Plain
``requests`` with timeouts through :func:`.net.guarded_session` (public
addresses only); no SDKs. HTTP failures the user can act on raise
:class:`FetchError`; the other failures are those of the guarded session.
"""

import calendar
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, quote, urlencode, urlparse

from .net import TIMEOUT, NetworkError, guarded_session

USER_AGENT = "Odoo Crisis Mode (social listening)"
MASTODON_LIMIT = 40
MASTODON_MAX_PAGES = 10
BLUESKY_LIMIT = 100
BLUESKY_MAX_PAGES = 5
MAX_FEED_BYTES = 5 * 1024 * 1024


class FetchError(NetworkError):
    """A failure of a fetch worth telling the user (``config``, ``http``,
    ``parse``, ``closed_timeline``, ``bluesky_login``, ``bluesky_auth``)."""


class FetchResult:
    def __init__(self, posts, cursor=None, etag=None, last_modified=None):
        self.posts = posts
        self.cursor = cursor
        self.etag = etag
        self.last_modified = last_modified


def _session(state, url):
    """The guarded session of one fetch; only http(s) addresses."""
    if urlparse(url).scheme not in ("http", "https"):
        raise FetchError("config", detail="URL (http:// or https://)")
    return guarded_session(state.get("allowed_hosts") or ())


def _get(session, url, **kwargs):
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    return session.get(url, headers=headers, timeout=TIMEOUT, **kwargs)


def _json(response):
    try:
        return response.json()
    except ValueError as error:
        raise FetchError("parse", response.status_code, str(error)[:200]) from error


def _json_ok(response, refused, refused_codes=(401, 403)):
    """The JSON of a 200 answer; ``FetchError(refused)`` for the status codes
    that mean the network refused us, ``http`` for any other."""
    if response.status_code in refused_codes:
        raise FetchError(refused, response.status_code)
    if response.status_code != 200:
        raise FetchError("http", response.status_code)
    return _json(response)


def _get_json(session, url, refused, **kwargs):
    """The JSON of a 200 answer to a GET of ``url`` (see ``_json_ok``)."""
    return _json_ok(_get(session, url, **kwargs), refused)


def _per_term(state, terms, fetch_term):
    """The posts of every term, each fetched from its own cursor:
    ``fetch_term(term, cursor)`` returns the term's posts and its new cursor
    (``None``: none yet); the cursors of all terms are kept as one JSON
    object."""
    cursors = _load_cursor(state.get("cursor"))
    posts = []
    for term in terms:
        term_posts, cursor = fetch_term(term, cursors.get(term))
        posts.extend(term_posts)
        if cursor:
            cursors[term] = cursor
    return FetchResult(posts, cursor=json.dumps(cursors, sort_keys=True))


def _load_cursor(cursor):
    try:
        value = json.loads(cursor or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --------------------------------------------------------------------------
# RSS and Atom
# --------------------------------------------------------------------------
def unwrap_google_link(url):
    """Google Alerts links point to google.com/url?...&url=<article>."""
    if not url:
        return url
    parsed = urlparse(url)
    if parsed.netloc.endswith("google.com") and parsed.path == "/url":
        target = parse_qs(parsed.query).get("url") or parse_qs(parsed.query).get("q")
        if target and target[0].startswith(("http://", "https://")):
            return target[0]
    return url


def _entry_date(entry):
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).isoformat()


def fetch_rss(state):
    import feedparser  # only needed by RSS sources

    if not state.get("url"):
        raise FetchError("config", detail="URL")
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    with _session(state, state["url"]) as session:
        response = _get(session, state["url"], headers=headers)
    if response.status_code == 304:
        return FetchResult([])
    if response.status_code != 200:
        raise FetchError("http", response.status_code)
    if len(response.content) > MAX_FEED_BYTES:
        raise FetchError("parse", 200, "feed larger than 5 MB")
    feed = feedparser.parse(response.content)
    if feed.bozo and not feed.entries:
        raise FetchError("parse", 200, str(feed.get("bozo_exception", ""))[:200])
    lang = (feed.feed.get("language") or "")[:2].lower() or None
    posts = []
    newest = state.get("cursor")
    for entry in feed.entries:
        link = unwrap_google_link(entry.get("link"))
        summary = entry.get("summary") or ""
        if not summary and entry.get("content"):
            summary = entry["content"][0].get("value") or ""
        title = entry.get("title") or ""
        body = f"{title}\n{summary}".strip() if summary != title else title
        date = _entry_date(entry)
        if date and (not newest or date > newest):
            newest = date
        posts.append(
            {
                "external_id": entry.get("id") or link or title,
                "author": entry.get("author") or feed.feed.get("title") or "",
                "url": link,
                "body": body,
                "lang": lang,
                "date_posted": date,
                "reach": 0,
            }
        )
    return FetchResult(
        posts,
        cursor=newest,
        etag=response.headers.get("ETag", ""),
        last_modified=response.headers.get("Last-Modified", ""),
    )


# --------------------------------------------------------------------------
# Mastodon: public hashtag timeline, paged with min_id
# --------------------------------------------------------------------------
def _mastodon_post(status, host):
    account = status.get("account") or {}
    acct = account.get("acct") or account.get("username") or ""
    if acct and "@" not in acct:
        acct = f"{acct}@{host}"
    return {
        "external_id": status.get("uri") or str(status.get("id")),
        "author": f"@{acct}" if acct else "",
        "url": status.get("url") or status.get("uri"),
        "body": status.get("content") or "",
        "lang": status.get("language"),
        "date_posted": status.get("created_at"),
        "reach": int(account.get("followers_count") or 0),
    }


def fetch_mastodon(state):
    base = (state.get("url") or "").rstrip("/")
    tags = [t.lstrip("#") for t in state.get("search_terms") or []]
    if not base or not tags:
        raise FetchError("config", detail="URL / hashtags")
    host = urlparse(base).netloc
    with _session(state, base) as session:
        return _fetch_mastodon(session, state, base, host, tags)


def _fetch_mastodon(session, state, base, host, tags):
    return _per_term(
        state, tags, lambda tag, since: _mastodon_tag(session, base, host, tag, since)
    )


def _mastodon_tag(session, base, host, tag, since_id):
    """The public posts of one hashtag after ``since_id`` and the id the
    next fetch starts from."""
    posts = []
    min_id = since_id
    for _page in range(MASTODON_MAX_PAGES):
        params = {"limit": MASTODON_LIMIT}
        if min_id:
            params["min_id"] = min_id
        statuses = _get_json(
            session,
            f"{base}/api/v1/timelines/tag/{quote(tag, safe='')}",
            "closed_timeline",
            params=params,
        )
        if not isinstance(statuses, list) or not all(
            isinstance(st, dict) and str(st.get("id", "")).isdigit() for st in statuses
        ):
            raise FetchError("parse", 200, "not a list of statuses")
        if not statuses:
            break
        # Public posts only (a tag timeline should hold nothing else).
        posts.extend(
            _mastodon_post(s, host)
            for s in statuses
            if s.get("visibility", "public") == "public"
        )
        # Mastodon ids are ordered: the highest is where the next page starts.
        min_id = str(max(int(s["id"]) for s in statuses))
        if not since_id and _page == 0:
            # First fetch: start from now, do not page through history.
            break
        if len(statuses) < MASTODON_LIMIT:
            break
    return posts, min_id


# --------------------------------------------------------------------------
# Bluesky: app.bsky.feed.searchPosts with an app-password session
# --------------------------------------------------------------------------
def _bluesky_session(session, base, identifier, password):
    response = session.post(
        f"{base}/xrpc/com.atproto.server.createSession",
        json={"identifier": identifier, "password": password},
        headers={"User-Agent": USER_AGENT},
        timeout=TIMEOUT,
    )
    token = _json_ok(response, "bluesky_login", (400, 401)).get("accessJwt")
    if not token:
        raise FetchError("bluesky_login", response.status_code)
    return token


def _bluesky_post(item):
    author = item.get("author") or {}
    record = item.get("record") or {}
    handle = author.get("handle") or author.get("did") or ""
    rkey = (item.get("uri") or "").rsplit("/", 1)[-1]
    langs = record.get("langs") or []
    return {
        "external_id": item.get("uri"),
        "author": handle,
        "url": f"https://bsky.app/profile/{handle}/post/{rkey}" if rkey else "",
        "body": record.get("text") or "",
        "lang": langs[0] if langs else None,
        "date_posted": record.get("createdAt") or item.get("indexedAt"),
        "reach": int(item.get("repostCount") or 0) + int(item.get("likeCount") or 0),
    }


def fetch_bluesky(state):
    base = (state.get("url") or "https://bsky.social").rstrip("/")
    terms = state.get("search_terms") or []
    if not terms:
        raise FetchError("config", detail="search words")
    with _session(state, base) as session:
        return _fetch_bluesky(session, state, base, terms)


def _fetch_bluesky(session, state, base, terms):
    headers = {}
    if state.get("identifier") and state.get("app_password"):
        token = _bluesky_session(
            session, base, state["identifier"], state["app_password"]
        )
        headers["Authorization"] = f"Bearer {token}"
    return _per_term(
        state,
        terms,
        lambda term, since: _bluesky_term(session, base, headers, term, since),
    )


def _bluesky_term(session, base, headers, term, since):
    """The posts that match ``term`` since the time ``since`` and the newest
    time among them (where the next fetch starts)."""
    posts = []
    newest = since
    page_cursor = None
    for _page in range(BLUESKY_MAX_PAGES):
        params = {"q": term, "limit": BLUESKY_LIMIT, "sort": "latest"}
        if since:
            params["since"] = since
        if page_cursor:
            params["cursor"] = page_cursor
        data = _get_json(
            session,
            f"{base}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}",
            "bluesky_auth",
            headers=headers,
        )
        items = data.get("posts") or [] if isinstance(data, dict) else []
        for item in items:
            post = _bluesky_post(item)
            posts.append(post)
            date = item.get("indexedAt") or post["date_posted"]
            if date and (not newest or date > newest):
                newest = date
        page_cursor = data.get("cursor") if isinstance(data, dict) else None
        if not page_cursor or not items or not since:
            break
    return posts, newest


FETCHERS = {
    "rss": fetch_rss,
    "mastodon": fetch_mastodon,
    "bluesky": fetch_bluesky,
}
