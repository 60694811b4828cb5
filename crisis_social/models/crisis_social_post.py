# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A post of a social network, matched to queries and scored.

Its other concerns live beside it, as ``_inherit = "crisis.social.post"``:
``crisis_social_post_ingest.py`` (the bulk ingestion from sources, in SQL
for the benchmark) and ``crisis_social_post_answer.py`` (answering a post).
"""

import html
import re
import secrets
import textwrap
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from . import sentiment
from .utils import TRUSTED, check_incident, split_trusted, strip_defaults

SENTIMENTS = [
    ("negative", "Negative"),
    ("neutral", "Neutral"),
    ("positive", "Positive"),
]
STATES = [
    ("new", "New"),
    ("to_answer", "To Answer"),
    ("answered", "Answered"),
    ("ignored", "Ignored"),
]
# Written only by ingest() and the actions, never by create/write.
PROTECTED_FIELDS = {
    "state",
    "date_answered",
    "inquiry_id",
    "ignore_reason",
    "ignored_by_id",
    "date_ignored",
    "sentiment_manual",
    "sentiment_override_uid",
    "sentiment_override_date",
    "is_redacted",
}
# What crisis users (hotline) change on a post: its sentiment and reply.
USER_FIELDS = {"sentiment", "reply_draft"}
# Characters a reply may have per network; the rest: a short-message default.
REPLY_LIMITS = {"mastodon": 500, "bluesky": 300}
DEFAULT_REPLY_LIMIT = 500

MAX_BODY = 20000
# Posts redacted per run of the retention job; Odoo runs it again while some
# are left (ir.cron progress).
RETENTION_BATCH = 1000

TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
BLOCK_RE = re.compile(r"<(?:br|/p|/div|/li|/h\d)\b[^>]*>", re.I)
SPACE_RE = re.compile(r"[ \t\r\f\v]+")


def strip_html(text):
    """Plain text of a post (Mastodon and RSS deliver HTML)."""
    if "<" not in text and "&" not in text:
        return text.strip()
    text = BLOCK_RE.sub("\n", text)
    text = TAG_RE.sub("", text)
    text = html.unescape(text).replace("\xa0", " ")
    lines = (SPACE_RE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


class CrisisSocialPost(models.Model):
    _name = "crisis.social.post"
    _description = "Social Media Post"
    _order = "date_posted desc, id desc"
    _rec_name = "external_id"

    source_id = fields.Many2one(
        "crisis.social.source", required=True, ondelete="cascade"
    )
    source_kind = fields.Selection(related="source_id.kind", string="Network")
    external_id = fields.Char(
        string="External ID",
        required=True,
        default=lambda self: f"manual-{secrets.token_hex(8)}",
        help="The post's id on its network.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    author = fields.Char()
    author_partner_id = fields.Many2one(
        "res.partner",
        string="Known Author",
        index="btree_not_null",
        ondelete="set null",
    )
    url = fields.Char(string="URL")
    body = fields.Text()
    lang = fields.Char(string="Language", size=8)
    date_posted = fields.Datetime(
        string="Posted On", required=True, index=True, default=fields.Datetime.now
    )
    reach = fields.Integer(help="Followers or shares reported by the network.")
    sentiment_score = fields.Float(digits=(3, 2), aggregator="avg")
    sentiment = fields.Selection(SENTIMENTS)
    sentiment_words = fields.Char(
        string="Why", help="The words that drove the sentiment."
    )
    sentiment_manual = fields.Boolean(string="Sentiment Set by Hand", readonly=True)
    sentiment_override_uid = fields.Many2one(
        "res.users", string="Sentiment Set By", readonly=True
    )
    sentiment_override_date = fields.Datetime(string="Sentiment Set On", readonly=True)
    query_ids = fields.Many2many(
        "crisis.social.query",
        "crisis_social_post_query_rel",
        "post_id",
        "query_id",
        string="Queries",
    )
    incident_id = fields.Many2one("crisis.incident", index="btree_not_null")
    state = fields.Selection(
        STATES, required=True, default="new", readonly=True, copy=False
    )
    date_answered = fields.Datetime(string="Answered On", readonly=True, copy=False)
    answer_minutes = fields.Integer(
        string="Time to Answer (minutes)",
        compute="_compute_answer_minutes",
        store=True,
        aggregator="avg",
    )
    inquiry_id = fields.Many2one(
        "crisis.inquiry", readonly=True, copy=False, index="btree_not_null"
    )
    reply_draft = fields.Text(
        help="Built from the incident's approved content, cut to the network's limit."
    )
    reply_limit = fields.Integer(compute="_compute_reply_limit", compute_sudo=True)
    ignore_reason = fields.Text(readonly=True, copy=False)
    ignored_by_id = fields.Many2one("res.users", readonly=True)
    date_ignored = fields.Datetime(string="Ignored On", readonly=True)
    is_redacted = fields.Boolean(
        string="Removed After Retention",
        readonly=True,
        help="Text, author and link were removed when the source's retention ran out.",
    )
    color = fields.Integer(compute="_compute_color")

    _sql_constraints = [
        (
            "source_external_unique",
            "unique(source_id, external_id)",
            "This post of this source is already stored.",
        ),
    ]

    @api.depends("date_answered", "date_posted")
    def _compute_answer_minutes(self):
        for post in self:
            if post.date_answered and post.date_posted:
                delta = post.date_answered - post.date_posted
                post.answer_minutes = max(0, int(delta.total_seconds() // 60))
            else:
                post.answer_minutes = 0

    @api.depends("source_id.kind")
    def _compute_reply_limit(self):
        for post in self:
            post.reply_limit = REPLY_LIMITS.get(
                post.source_id.kind, DEFAULT_REPLY_LIMIT
            )

    @api.depends("sentiment")
    def _compute_color(self):
        colors = {"negative": 1, "neutral": 0, "positive": 10}
        for post in self:
            post.color = colors.get(post.sentiment, 0)

    @api.depends("author", "body")
    def _compute_display_name(self):
        for post in self:
            text = textwrap.shorten(post.body or "", 60, placeholder="…")
            post.display_name = (
                f"{post.author}: {text}" if post.author else text or post.external_id
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # (before the source is read in sudo below)
        self.check_access("create")
        for vals in vals_list:
            refused = PROTECTED_FIELDS & set(vals)
            if refused:
                raise UserError(self._protected_message(refused))
            check_incident(self.env, vals)
            if vals.get("body"):
                vals["body"] = strip_html(vals["body"])
            if vals.get("source_id") and "company_id" not in vals:
                source = (
                    self.env["crisis.social.source"].sudo().browse(vals["source_id"])
                )
                vals["company_id"] = source.company_id.id
            if not vals.get("sentiment") and vals.get("body"):
                result = self._score(vals["body"], vals.get("lang"))
                vals.update(
                    sentiment_score=result["score"],
                    sentiment=result["label"],
                    sentiment_words=", ".join(result["words"]),
                )
        self = self.with_env(
            self.env(context=strip_defaults(self.env.context, PROTECTED_FIELDS))
        )
        posts = super().create(vals_list)
        # Typed in or imported from a file: matched like ingested posts.
        posts.filtered(lambda p: not p.query_ids)._match_queries()
        posts.incident_id._notify_situation_changed()
        return posts

    def _match_queries(self):
        """Queries, incident and known author of posts created through the ORM
        (ingest() does the same in bulk)."""
        for post in self.sudo():
            lang = post.lang or sentiment.detect_lang(post.body or "") or ""
            folded = " ".join(sentiment.fold(post.body or "").split())
            query_ids, incident_id = [], False
            for (
                qid,
                qincident,
                _c,
                qlang,
                qsources,
                include,
                exclude,
            ) in self._active_matchers(post.source_id):
                if (qlang and qlang != lang) or (
                    qsources and post.source_id.id not in qsources
                ):
                    continue
                if include.search(folded) and not (
                    exclude is not None and exclude.search(folded)
                ):
                    query_ids.append(qid)
                    incident_id = incident_id or qincident
            vals = {}
            if query_ids:
                vals["query_ids"] = [(6, 0, query_ids)]
            if incident_id and not post.incident_id:
                vals["incident_id"] = incident_id
            if post.author and not post.author_partner_id:
                key = post.author.strip().lower().lstrip("@")
                partner = self._known_authors({post.author}).get(key)
                if partner:
                    vals["author_partner_id"] = partner
            if vals:
                post.write(vals)

    def write(self, vals):
        self.env["crisis.incident"]._notify_situations_of(self, vals)
        vals, trusted = split_trusted(vals)
        if trusted:
            return super().write(vals)
        refused = PROTECTED_FIELDS & set(vals)
        if refused:
            raise UserError(self._protected_message(refused))
        if (
            set(vals) - USER_FIELDS
            and not self.env.su
            and not self.env.user.has_group("crisis_management.group_crisis_manager")
        ):
            raise AccessError(_("Only the crisis team changes the posts themselves."))
        check_incident(self.env, vals)
        if "sentiment" in vals:
            # A person's judgement wins over the score, and says who and when.
            vals = dict(
                vals,
                sentiment_manual=True,
                sentiment_override_uid=self.env.uid,
                sentiment_override_date=fields.Datetime.now(),
            )
        if "body" in vals and vals["body"]:
            vals["body"] = strip_html(vals["body"])
        return super().write(vals)

    def _protected_message(self, names):
        return _(
            "These fields of a post change only through its actions (answer, "
            "ignore, inquiry): %(fields)s",
            fields=", ".join(sorted(names)),
        )

    def _write_workflow(self, vals):
        """The only way the workflow fields change."""
        return self.write({**vals, TRUSTED: True})

    # ------------------------------------------------------------------
    # Sentiment
    # ------------------------------------------------------------------
    @api.model
    def score_text(self, text, lang=None):
        """Sentiment of ``text`` in ``lang`` (``de``/``en``, else detected).

        :return: ``{"score": float -1..1, "label": str, "words": [str]}``
        """
        self.check_access("read")
        if not isinstance(text, str) or (lang and not isinstance(lang, str)):
            raise UserError(_("score_text expects a text and a language code."))
        return self._score(text[:MAX_BODY], lang)

    @api.model
    def _score(self, text, lang=None):
        lang = (lang or "")[:2].lower()
        if lang not in sentiment.LANGS:
            lang = sentiment.detect_lang(text) or "de"
        terms = self.env["crisis.social.term"]._weights(lang)
        value, label, words = sentiment.score(text, lang, terms)
        return {"score": value, "label": label, "words": words}

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
    @api.model
    def _cron_retention(self, batch_size=RETENTION_BATCH):
        """Remove text, author and link of posts older than their source's
        retention period; the figures stay for the statistics. At most
        ``batch_size`` posts per run, the progress reported to ``ir.cron``."""
        sources = (
            self.env["crisis.social.source"]
            .with_context(active_test=False)
            .search([("retention_days", ">", 0)])
        )
        now = fields.Datetime.now()
        done = remaining = 0
        for source in sources:
            limit = now - timedelta(days=source.retention_days)
            posts = self.with_context(active_test=False).search(
                [
                    ("source_id", "=", source.id),
                    ("date_posted", "<", limit),
                    ("is_redacted", "=", False),
                ]
            )
            batch = posts[: batch_size - done]
            batch._write_workflow(
                {
                    "body": False,
                    "author": False,
                    "author_partner_id": False,
                    "url": False,
                    "reply_draft": False,
                    "sentiment_words": False,
                    "is_redacted": True,
                }
            )
            done += len(batch)
            remaining += len(posts) - len(batch)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True
