# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A post of a social network: ingested in bulk from the sources, matched
to queries, scored, and answered (an inquiry for the hotline, a reply from
the incident's approved words, answered, ignored or hidden with a reason)."""

import re
import secrets
import textwrap
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.crisis_management.tools import require_group, resolve_lang
from odoo.addons.crisis_management.tools.fields import workflow_state

from ..tools import (
    check_storable,
    is_text,
    match_queries,
    normalize_handle,
    parse_date,
    sentiment,
    strip_html,
)

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
# What crisis users (hotline) change on a post: its sentiment and reply.
USER_FIELDS = {"sentiment", "reply_draft"}
# Characters a reply may have per network; the rest: a short-message default.
REPLY_LIMITS = {"mastodon": 500, "bluesky": 300}
DEFAULT_REPLY_LIMIT = 500

MAX_BODY = 20000
# Posts redacted per run of the retention job; Odoo runs it again while some
# are left (ir.cron progress).
RETENTION_BATCH = 1000

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


def _echo_id(raw):
    """The external id of a refused post, when it can be echoed safely
    (False otherwise: XML-RPC cannot carry None)."""
    external = raw.get("external_id") if isinstance(raw, dict) else None
    if isinstance(external, int) and not isinstance(external, bool):
        external = str(external)
    if isinstance(external, str) and len(external) <= MAX_ID and is_text(external):
        return external
    return False


class CrisisSocialPost(models.Model):
    _name = "crisis.social.post"
    _inherit = ["crisis.workflow.mixin"]
    _description = "Social Media Post"
    _order = "date_posted desc, id desc"
    _rec_name = "external_id"
    # A post belongs to its source's company: its author, queries, incident
    # and inquiry are of that company (or shared).
    _check_company_auto = True
    _workflow_fields = frozenset(
        {
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
    )
    # A post is what someone wrote: a copy would be a fabricated one.
    _workflow_copy = "refuse"
    _workflow_transitions = {
        "to_answer": ("new",),
        "answered": ("new", "to_answer"),
        "ignored": ("new", "to_answer", "ignored"),
        "hide": ("new", "to_answer", "answered", "ignored"),
    }

    source_id = fields.Many2one(
        "crisis.social.source", required=True, ondelete="cascade", check_company=True
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
        check_company=True,
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
        check_company=True,
    )
    incident_id = fields.Many2one(
        "crisis.incident", index="btree_not_null", check_company=True
    )
    state = workflow_state(STATES, "new")
    date_answered = fields.Datetime(string="Answered On", readonly=True, copy=False)
    answer_minutes = fields.Integer(
        string="Time to Answer (minutes)",
        compute="_compute_answer_minutes",
        store=True,
        aggregator="avg",
    )
    inquiry_id = fields.Many2one(
        "crisis.inquiry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
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
        check_storable(self.env, vals_list)
        if not self.env.su:
            self._workflow_guard(vals_list)
        for vals in vals_list:
            self._check_incident_readable(vals)
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
        # No context key sets a workflow field, not even in sudo.
        posts = super(CrisisSocialPost, self._workflow_without_defaults()).create(
            vals_list
        )
        # Typed in or imported from a file: matched like ingested posts.
        posts.filtered(lambda p: not p.query_ids)._match_queries()
        posts.incident_id._notify_situation_changed()
        return posts

    def write(self, vals):
        self.env["crisis.incident"]._notify_situations_of(self, vals)
        check_storable(self.env, [vals])
        manual = not self.env.su and "sentiment" in vals
        if not self.env.su:
            self._workflow_guard([vals])
            if set(vals) - USER_FIELDS:
                require_group(
                    self.env,
                    "crisis_management.group_crisis_manager",
                    _("Only the crisis team changes the posts themselves."),
                )
        if "body" in vals and vals["body"]:
            vals = dict(vals, body=strip_html(vals["body"]))
        result = super().write(vals)
        if manual:
            # A person's judgement wins over the score, and says who and when.
            self.sudo().write(
                {
                    "sentiment_manual": True,
                    "sentiment_override_uid": self.env.uid,
                    "sentiment_override_date": fields.Datetime.now(),
                }
            )
        return result

    def _check_incident_readable(self, vals):
        """Link posts only to an incident the caller may read (a confidential
        incident of another team is refused)."""
        if vals.get("incident_id") and not self.env.su:
            self.env["crisis.incident"].browse(vals["incident_id"]).check_access("read")

    def _workflow_check_move(self, vals):
        # A post without an incident is linked to one, not moved: reading the
        # incident is enough. Moving it from one incident to another follows
        # the rule of every crisis record (write access to both).
        linked = self.filtered(lambda post: not post.incident_id)
        if linked and vals.get("incident_id"):
            self._check_incident_readable(vals)
        return super(CrisisSocialPost, self - linked)._workflow_check_move(vals)

    # ------------------------------------------------------------------
    # Query matching
    # ------------------------------------------------------------------
    def _match_queries(self):
        """Queries, incident and known author of posts created through the ORM
        (ingest() does the same in bulk, with the same rules)."""
        for post in self.sudo():
            lang = post.lang or sentiment.detect_lang(post.body or "") or ""
            query_ids, incident_id = match_queries(
                self._active_matchers(post.source_id),
                post.body,
                lang,
                post.source_id.id,
            )
            vals = {}
            if query_ids:
                vals["query_ids"] = [(6, 0, query_ids)]
            if incident_id and not post.incident_id:
                vals["incident_id"] = incident_id
            if post.author and not post.author_partner_id:
                partner = self._known_authors(
                    {post.author}, post.source_id.company_id
                ).get(normalize_handle(post.author))
                if partner:
                    vals["author_partner_id"] = partner
            if vals:
                post.write(vals)

    def _active_matchers(self, source):
        queries = (
            self.env["crisis.social.query"]
            .sudo()
            .search([("company_id", "=", source.company_id.id)])
        )
        return queries._matchers()

    def _known_authors(self, authors, company):
        """``{handle or e-mail (normalised): partner id}`` in one query,
        among the contacts ``company`` may see (its own and the shared
        ones): a post is never tied to another company's contact."""
        keys = {normalize_handle(a) for a in authors} - {""}
        if not keys:
            return {}
        emails = {tools.email_normalize(k) for k in keys if "@" in k and "." in k}
        emails.discard(False)
        domain = [("crisis_social_handle", "in", list(keys))]
        if emails:
            domain = ["|", ("email_normalized", "in", list(emails))] + domain
        domain = ["&", ("company_id", "in", [False, company.id])] + domain
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
            handle = normalize_handle(partner["crisis_social_handle"])
            if handle:
                result.setdefault(handle, partner["id"])
            if partner["email_normalized"]:
                result.setdefault(partner["email_normalized"], partner["id"])
        return result

    # ------------------------------------------------------------------
    # Ingestion: the one way posts come in from sources (XML-RPC, the
    # webhook, the fetchers). Validated in Python and stored with one INSERT
    # per batch (``odoo.tools.SQL``): the ingestion benchmark needs it.
    # ------------------------------------------------------------------

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
        if (
            not isinstance(source_id, int)
            or isinstance(source_id, bool)
            or not 0 < source_id < 2**31
        ):
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
        if len(external_id) > MAX_ID or not is_text(external_id):
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
            if not is_text(value.replace("\x00", "")):
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
        partners = self._known_authors(
            {v["author"] for v in fresh if v["author"]}, source.company_id
        )
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
            values["query_ids"], incident_id = match_queries(
                matchers, text, lang, source.id
            )
            columns["external_id"].append(values["external_id"])
            columns["author"].append(values["author"] or None)
            columns["author_partner_id"].append(
                partners.get(normalize_handle(values["author"]))
            )
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

    # ------------------------------------------------------------------
    # Answering
    # ------------------------------------------------------------------
    def _check_answer_rights(self):
        """Crisis users read and answer posts; the write check applies the
        record rules of confidential incidents. The workflow fields are then
        written in sudo (``_workflow_apply``)."""
        self.check_access("write")

    def action_to_inquiry(self):
        """Turn posts into inquiries (channel ``social``) so that they get
        the stakeholder's response time, the hotline's approved Q&A and the
        overdue follow-ups."""
        self._check_answer_rights()
        self.env["crisis.inquiry"].check_access("create")
        Inquiry = self.env["crisis.inquiry"]
        inquiries = Inquiry
        for post in self:
            if post.inquiry_id:
                inquiries |= post.inquiry_id
                continue
            incident = post.incident_id or Inquiry.browse(
                Inquiry.with_company(post.company_id)._default_incident_id()
            )
            if not incident:
                raise UserError(
                    _(
                        "The post “%(post)s” belongs to no incident. Link it to "
                        "an incident (or open the alert's incident) first.",
                        post=post.display_name,
                    )
                )
            question = post.body or ""
            if post.url:
                question = f"{question}\n\n{post.url}"
            inquiry = Inquiry.create(
                {
                    "incident_id": incident.id,
                    "channel": "social",
                    "partner_id": post.author_partner_id.id,
                    "caller_name": False if post.author_partner_id else post.author,
                    "question": question,
                    "date_received": post.date_posted,
                }
            )
            inquiries |= inquiry
            vals = {"inquiry_id": inquiry.id}
            if not post.incident_id:
                vals["incident_id"] = incident.id
            if post.state == "new":
                post._workflow_apply("to_answer", vals)
            else:
                post.sudo().write(vals)
        if len(inquiries) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "crisis.inquiry",
                "res_id": inquiries.id,
                "view_mode": "form",
            }
        return {
            "type": "ir.actions.act_window",
            "name": _("Inquiries"),
            "res_model": "crisis.inquiry",
            "domain": [("id", "in", inquiries.ids)],
            "view_mode": "list,form",
        }

    def action_draft_reply(self):
        """Write a reply from the incident's approved content, in the post's
        language, cut to the network's limit, with the incident page link."""
        self._check_answer_rights()
        for post in self:
            post.reply_draft = post._build_reply()
            if post.state == "new":
                post._workflow_apply("to_answer")
        return True

    def _build_reply(self):
        self.ensure_one()
        incident = self.incident_id
        if not incident:
            raise UserError(
                _(
                    "Link the post “%(post)s” to an incident first.",
                    post=self.display_name,
                )
            )
        # The post's language; anything but German or English: English.
        lang = resolve_lang(self.env, self.lang, "en")
        Message = self.env["crisis.message"].sudo().with_context(lang=lang)
        messages = Message.search(
            [
                ("incident_id", "=", incident.id),
                ("state", "in", ("approved", "published")),
                ("kind", "in", ("holding_statement", "key_message", "statement")),
            ]
        )
        if not messages:
            raise UserError(
                _(
                    "The incident “%(incident)s” has no approved statement or key "
                    "message yet: a reply may only use approved words.",
                    incident=incident.display_name,
                )
            )
        order = {"holding_statement": 0, "statement": 1, "key_message": 2}
        # The most recently approved first; content without an approval date
        # (imported or older data) last. (datetime.min has no timestamp: a
        # "year 0 is out of range" crash on the demo posts.)
        message = messages.sorted(
            lambda m: (
                order[m.kind],
                -m.date_approved.timestamp() if m.date_approved else 0,
            )
        )[0]
        text = " ".join(tools.html2plaintext(message.body or message.name).split())
        link = incident.sudo().page_url if incident.sudo().page_published else ""
        limit = self.reply_limit
        room = limit - (len(link) + 1 if link else 0)
        if len(text) > room:
            text = textwrap.shorten(text, max(room, 10), placeholder="…")
        return f"{text} {link}".strip() if link else text

    def action_mark_answered(self):
        """Record that the post was answered (once; keeps the first time)."""
        self._check_answer_rights()
        now = fields.Datetime.now()
        for post in self:
            if post.state == "ignored":
                raise UserError(
                    _("The post “%(post)s” was ignored.", post=post.display_name)
                )
            if post.state != "answered":
                post._workflow_apply("answered", {"date_answered": now})
        return True

    def action_ignore(self, reason=None):
        """Ignore posts that need no answer; the reason is kept."""
        return self._dismiss("ignore", reason)

    def action_hide(self, reason=None):
        """Hide posts from the lists (spam, off topic); the reason is kept."""
        return self._dismiss("hide", reason)

    def _dismiss(self, mode, reason):
        self._check_answer_rights()
        if reason is None:
            return {
                "type": "ir.actions.act_window",
                "name": _("Hide Posts") if mode == "hide" else _("Ignore Posts"),
                "res_model": "crisis.social.post.dismiss",
                "view_mode": "form",
                "target": "new",
                "context": {
                    "default_post_ids": self.ids,
                    "default_mode": mode,
                },
            }
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(_("Please give the reason why these posts need no answer."))
        check_storable(self.env, [{"reason": reason}])
        vals = {
            "ignore_reason": reason.strip(),
            "ignored_by_id": self.env.uid,
            "date_ignored": fields.Datetime.now(),
        }
        if mode == "hide":
            self._workflow_check("hide")
            self.sudo().write(dict(vals, active=False))
        else:
            self._workflow_apply("ignored", vals)
        return True

    def action_reset_sentiment(self):
        """Back to the computed sentiment."""
        self._check_answer_rights()
        for post in self:
            result = post._score(post.body or "", post.lang)
            post.sudo().write(
                {
                    "sentiment": result["label"],
                    "sentiment_score": result["score"],
                    "sentiment_words": ", ".join(result["words"]),
                    "sentiment_manual": False,
                    "sentiment_override_uid": False,
                    "sentiment_override_date": False,
                }
            )
        return True

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
            batch.sudo().write(
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
