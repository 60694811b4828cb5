# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a post is matched by: its text cleaned, the queries' terms, the
author's handle. One rule each, for the posts typed in through the ORM and
for the bulk ingestion alike."""

import html
import re
from datetime import UTC, datetime

from odoo.exceptions import ValidationError

from .sentiment import fold

TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
BLOCK_RE = re.compile(r"<(?:br|/p|/div|/li|/h\d)\b[^>]*>", re.I)
SPACE_RE = re.compile(r"[ \t\r\f\v]+")
PHRASE_RE = re.compile(r'"([^"]+)"|“([^”]+)”|„([^“”]+)[“”]|(\S+)')


def strip_html(text):
    """Plain text of a post (Mastodon and RSS deliver HTML)."""
    if "<" not in text and "&" not in text:
        return text.strip()
    text = BLOCK_RE.sub("\n", text)
    text = TAG_RE.sub("", text)
    text = html.unescape(text).replace("\xa0", " ")
    lines = (SPACE_RE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def is_text(value):
    """Storable text: a string in UTF-8 without NUL (JSON may carry lone
    surrogates)."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bad_text_field(vals):
    """The first field of ``vals`` whose text the database cannot store (a
    NUL byte, a lone surrogate), else ``None``."""
    for name, value in vals.items():
        if isinstance(value, str) and not is_text(value):
            return name
    return None


def check_storable(env, vals_list):
    """Refuse texts the database cannot store, with a clear message instead
    of a server error."""
    for vals in vals_list:
        name = bad_text_field(vals)
        if name:
            raise ValidationError(
                env._(
                    "“%(field)s” contains characters that cannot be stored "
                    "(a NUL byte or a broken character).",
                    field=name,
                )
            )


def parse_date(value, now):
    """ISO 8601 (``Z`` or an offset; naive is UTC) to naive UTC, not in the future."""
    if value in (None, "", False):
        return now
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError
    date = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if date.tzinfo:
        date = date.astimezone(UTC).replace(tzinfo=None)
    if date.year < 1990:
        raise ValueError
    return min(date, now)


def normalize_handle(handle):
    """The one form of an author's handle or e-mail: trimmed, lower case,
    without the leading ``@`` (``@Name@mastodon.social`` →
    ``name@mastodon.social``); empty for nothing."""
    if not isinstance(handle, str):
        return ""
    return handle.strip().lower().lstrip("@")


def parse_terms(text):
    """One term or "quoted phrase" per line (several per line also work)."""
    terms = []
    for line in (text or "").splitlines():
        for match in PHRASE_RE.finditer(line):
            term = next(g for g in match.groups() if g)
            term = " ".join(fold(term).lstrip("#@").split())
            if term and term not in terms:
                terms.append(term)
    return terms


def terms_regex(terms):
    """Whole words: a term matches between non-word characters only."""
    if not terms:
        return None
    parts = sorted(
        (r"\s+".join(re.escape(w) for w in term.split()) for term in terms),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def match_queries(matchers, text, lang, source_id):
    """The queries a post matches and the incident of the first of them.

    :param matchers: ``crisis.social.query._matchers()``
    :return: ``(query ids, incident id or None)``
    """
    folded = " ".join(fold(text or "").split())
    query_ids, incident_id = [], None
    for qid, qincident, _company, qlang, qsources, include, exclude in matchers:
        if qlang and qlang != lang:
            continue
        if qsources and source_id not in qsources:
            continue
        if not include.search(folded):
            continue
        if exclude is not None and exclude.search(folded):
            continue
        query_ids.append(qid)
        incident_id = incident_id or qincident or None
    return query_ids, incident_id
