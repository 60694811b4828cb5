# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bulk ingestion of posts: the one way posts come in from sources
(XML-RPC, the webhook, the fetchers). Validated in Python and stored with
one INSERT per batch (``odoo.tools.SQL``): the ingestion benchmark needs it.
"""

import re
from datetime import UTC, datetime

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

from . import sentiment
from .crisis_social_post import MAX_BODY, strip_html

MAX_POSTS_PER_CALL = 5000
MAX_ID = 512
MAX_AUTHOR = 256
MAX_URL = 2048
MAX_REACH = 2**31 - 1
INSERT_BATCH = 1000
# Columns ingest() writes per post, with their SQL types.
INSERT_COLUMNS = {
    "external_id": "varchar",
    "author": "varchar",
    "author_partner_id": "int4",
    "url": "varchar",
    "body": "text",
    "lang": "varchar",
    "date_posted": "timestamp",
    "reach": "int4",
    "sentiment_score": "float8",
    "sentiment": "varchar",
    "sentiment_words": "varchar",
    "incident_id": "int4",
}

LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def _is_text(value):
    """Storable text: UTF-8 without NUL (JSON may carry lone surrogates)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _echo_id(raw):
    """The external id of a refused post, when it can be echoed safely
    (False otherwise: XML-RPC cannot carry None)."""
    external = raw.get("external_id") if isinstance(raw, dict) else None
    if isinstance(external, int) and not isinstance(external, bool):
        external = str(external)
    if isinstance(external, str) and len(external) <= MAX_ID and _is_text(external):
        return external
    return False


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


class CrisisSocialPost(models.Model):
    _inherit = "crisis.social.post"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def ingest(self, source_id, posts):
        """Store posts of a source (XML-RPC; the webhook and the fetchers use
        the same path).

        :param posts: list of dicts with ``external_id``, ``author``, ``url``,
            ``body``, ``lang``, ``date_posted`` (ISO 8601), ``reach``
        :return: ``{"created": n, "duplicates": n, "errors": [{"index",
            "external_id", "error"}]}``
        """
        self.check_access("create")
        if not isinstance(source_id, int) or isinstance(source_id, bool):
            raise UserError(_("ingest() expects the id of a source."))
        source = self.env["crisis.social.source"].search([("id", "=", source_id)])
        if not source:
            raise UserError(
                _("There is no active source with the id %(id)s.", id=source_id)
            )
        return self.sudo()._ingest(source.sudo(), posts)

    def _clean_post(self, raw, now):
        """One incoming dict to clean values, or a refusal message."""
        if not isinstance(raw, dict):
            return None, _("a post must be an object")
        external_id = raw.get("external_id")
        if isinstance(external_id, int) and not isinstance(external_id, bool):
            external_id = str(external_id)
        if not isinstance(external_id, str) or not external_id.strip():
            return None, _("external_id is missing")
        external_id = external_id.strip()
        if len(external_id) > MAX_ID or not _is_text(external_id):
            return None, _("external_id is too long or not text")
        values = {"external_id": external_id}
        for key, limit in (
            ("author", MAX_AUTHOR),
            ("url", MAX_URL),
            ("body", MAX_BODY),
        ):
            value = raw.get(key)
            if value in (None, False):
                value = ""
            if not isinstance(value, str):
                return None, _("%(field)s must be text", field=key)
            if len(value) > limit:
                return None, _(
                    "%(field)s is longer than %(max)s characters", field=key, max=limit
                )
            if not _is_text(value.replace("\x00", "")):
                return None, _("%(field)s must be text", field=key)
            values[key] = value.replace("\x00", "")
        if values["url"] and not values["url"].startswith(("http://", "https://")):
            return None, _("url must start with http:// or https://")
        values["body"] = strip_html(values["body"])
        if not values["body"] and not values["url"]:
            return None, _("the post has neither text nor a link")
        lang = raw.get("lang")
        if lang in (None, False, ""):
            lang = ""
        if not isinstance(lang, str) or (lang and not LANG_RE.match(lang)):
            return None, _("lang must be a language code")
        values["lang"] = lang.replace("_", "-").split("-")[0].lower()[:8]
        try:
            values["date_posted"] = parse_date(raw.get("date_posted"), now)
        except (ValueError, TypeError, OverflowError):
            return None, _("date_posted is not an ISO 8601 date")
        reach = raw.get("reach") or 0
        if isinstance(reach, float) and reach.is_integer():
            reach = int(reach)
        if not isinstance(reach, int) or isinstance(reach, bool):
            return None, _("reach must be a whole number")
        if not 0 <= reach <= MAX_REACH:
            return None, _("reach is out of range")
        values["reach"] = reach
        return values, None

    def _ingest(self, source, posts):
        """Validate, dedupe, score, match and store ``posts`` of ``source``
        (a sudo record whose caller was checked)."""
        if not isinstance(posts, list) or len(posts) > MAX_POSTS_PER_CALL:
            raise UserError(
                _(
                    "“posts” must be a list of at most %(max)s posts.",
                    max=MAX_POSTS_PER_CALL,
                )
            )
        now = fields.Datetime.now().replace(microsecond=0)
        errors, clean = [], []
        for index, raw in enumerate(posts):
            values, error = self._clean_post(raw, now)
            if error:
                errors.append(
                    {"index": index, "external_id": _echo_id(raw), "error": error}
                )
            else:
                clean.append(values)
        created = duplicates = 0
        for start in range(0, len(clean), INSERT_BATCH):
            batch_created, batch_dupes = self._insert_batch(
                source, clean[start : start + INSERT_BATCH], now
            )
            created += batch_created
            duplicates += batch_dupes
        return {"created": created, "duplicates": duplicates, "errors": errors}

    def _insert_batch(self, source, batch, now):
        """Insert one batch with one query for the ids already stored and one
        INSERT; the unique constraint is the last word on duplicates."""
        cr = self.env.cr
        self.env.flush_all()
        ids = list({v["external_id"] for v in batch})
        cr.execute(
            SQL(
                "SELECT external_id FROM crisis_social_post "
                "WHERE source_id = %s AND external_id = ANY(%s)",
                source.id,
                ids,
            )
        )
        seen = {row[0] for row in cr.fetchall()}
        fresh = []
        for values in batch:
            if values["external_id"] in seen:
                continue
            seen.add(values["external_id"])
            fresh.append(values)
        if not fresh:
            return 0, len(batch)
        matchers = self._active_matchers(source)
        partners = self._known_authors({v["author"] for v in fresh if v["author"]})
        Term = self.env["crisis.social.term"]
        terms = {lang: Term._weights(lang) for lang in sentiment.LANGS}
        columns = {name: [] for name in INSERT_COLUMNS}
        for values in fresh:
            text = values["body"]
            lang = values["lang"]
            if lang not in sentiment.LANGS:
                lang = sentiment.detect_lang(text) or lang or ""
            score, label, words = sentiment.score(
                text, lang, terms.get(lang) or terms["de"]
            )
            folded = " ".join(sentiment.fold(text).split())
            query_ids, incident_id = [], None
            for qid, qincident, _company, qlang, qsources, include, exclude in matchers:
                if qlang and qlang != lang:
                    continue
                if qsources and source.id not in qsources:
                    continue
                if not include.search(folded):
                    continue
                if exclude is not None and exclude.search(folded):
                    continue
                query_ids.append(qid)
                incident_id = incident_id or qincident or None
            values["query_ids"] = query_ids
            author_key = (values["author"] or "").strip().lower().lstrip("@")
            columns["external_id"].append(values["external_id"])
            columns["author"].append(values["author"] or None)
            columns["author_partner_id"].append(partners.get(author_key))
            columns["url"].append(values["url"] or None)
            columns["body"].append(text or None)
            columns["lang"].append(lang or None)
            columns["date_posted"].append(values["date_posted"])
            columns["reach"].append(values["reach"])
            columns["sentiment_score"].append(score)
            columns["sentiment"].append(label)
            columns["sentiment_words"].append(", ".join(words) or None)
            columns["incident_id"].append(incident_id)
        # One INSERT per batch, one array per column (cheaper to send than
        # one parameter per value).
        cr.execute(
            SQL(
                """
                INSERT INTO crisis_social_post (
                    source_id, company_id, state, active, create_uid, write_uid,
                    create_date, write_date, %(names)s)
                SELECT %(source)s, %(company)s, 'new', true, %(uid)s, %(uid)s,
                       %(now)s, %(now)s, x.*
                  FROM unnest(%(arrays)s) AS x(%(names)s)
                ON CONFLICT (source_id, external_id) DO NOTHING
                RETURNING id, external_id
                """,
                names=SQL(", ").join(SQL.identifier(name) for name in INSERT_COLUMNS),
                source=source.id,
                company=source.company_id.id,
                uid=self.env.uid,
                now=now,
                arrays=SQL(", ").join(
                    SQL("%s::" + sql_type + "[]", columns[name])
                    for name, sql_type in INSERT_COLUMNS.items()
                ),
            )
        )
        inserted = dict((external, post_id) for post_id, external in cr.fetchall())
        rel = [
            (inserted[values["external_id"]], qid)
            for values in fresh
            if values["external_id"] in inserted
            for qid in values["query_ids"]
        ]
        if rel:
            cr.execute(
                SQL(
                    "INSERT INTO crisis_social_post_query_rel (post_id, query_id) "
                    "SELECT * FROM unnest(%s::int4[], %s::int4[]) ON CONFLICT DO NOTHING",
                    [pair[0] for pair in rel],
                    [pair[1] for pair in rel],
                )
            )
        self.env["crisis.social.post"].invalidate_model()
        self.env["crisis.social.query"].invalidate_model(["post_count"])
        if inserted:
            self.env["crisis.incident"].browse(
                {incident for incident in columns["incident_id"] if incident}
            )._notify_situation_changed()
        return len(inserted), len(batch) - len(inserted)

    def _active_matchers(self, source):
        queries = (
            self.env["crisis.social.query"]
            .sudo()
            .search([("company_id", "=", source.company_id.id)])
        )
        return queries._matchers()

    def _known_authors(self, authors):
        """``{handle or e-mail (lower case, no @): partner id}`` in one query."""
        keys = {a.strip().lower().lstrip("@") for a in authors if a and a.strip()}
        if not keys:
            return {}
        emails = {tools.email_normalize(k) for k in keys if "@" in k and "." in k}
        emails.discard(False)
        domain = [("crisis_social_handle", "in", list(keys))]
        if emails:
            domain = ["|", ("email_normalized", "in", list(emails))] + domain
        partners = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_read(
                domain, ["crisis_social_handle", "email_normalized"], order="id"
            )
        )
        result = {}
        for partner in partners:
            handle = (partner["crisis_social_handle"] or "").strip().lower().lstrip("@")
            if handle:
                result.setdefault(handle, partner["id"])
            if partner["email_normalized"]:
                result.setdefault(partner["email_normalized"], partner["id"])
        return result
