# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from contextvars import ContextVar

from markupsafe import escape

from odoo import _, _lt, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.models import NewId
from odoo.osv import expression
from odoo.tools import SQL, html2plaintext, html_sanitize

from ..tools import CRISIS_LANGS, check_translations, require_group, valid_id
from ..tools.fields import workflow_state
from .crisis_bilingual_mixin import bilingual_fields

KINDS = [
    ("key_message", "Key Message"),
    ("qa", "Q&A"),
    ("statement", "Statement"),
    ("press_release", "Press Release"),
    ("holding_statement", "Holding Statement"),
    ("made_good", "Made Good"),
]
STATES = [
    ("draft", "Draft"),
    ("review", "In Review"),
    ("approved", "Approved"),
    ("published", "Published"),
    ("withdrawn", "Withdrawn"),
]
SENDABLE_STATES = ("approved", "published")
# Which states each action may start from.
TRANSITIONS = {
    "review": ("draft",),
    "approved": ("review",),
    "published": ("approved",),
    "withdrawn": ("review", "approved", "published"),
    "draft": ("review", "withdrawn"),
}
# Editing these in an approved or published text makes a new version.
CONTENT_FIELDS = ("name", "question", "body", "sms_text")
# The two languages every public text is written in.
TEXT_LANGS = tuple(CRISIS_LANGS.values())
# Changed only by the actions and the versioning (four eyes).
WORKFLOW_FIELDS = {
    "state",
    "version",
    "version_ids",
    "last_editor_id",
    "date_last_edit",
    "approved_by_id",
    "date_approved",
    "date_published",
}
# Set while _write_text() stores one language: Odoo's translation update ends
# with a write of the field, which must not version the text a second time.
# A context variable of the process, not an Odoo context key: RPC callers
# set context keys, never this.
_TEXT_WRITTEN = ContextVar("crisis_message_text_written", default=False)
# Words too common to help finding an answer.
STOP_WORDS = set(
    """and the for are was you your what when how who why can has have does not
    with this that there und der die das ist sind ein eine einen wie wer wann
    warum kann mit für von den dem des nicht ich wir sie gibt auf bei noch mein
    meine""".split()
)


class CrisisMessage(models.Model):
    """Approved content: the words the company speaks with, in German and
    English in the same record (translated fields)."""

    _name = "crisis.message"
    _description = "Crisis Content"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "crisis.bilingual.mixin",
        "crisis.workflow.mixin",
    ]
    _order = "kind, sequence, id desc"
    _check_company_auto = True

    # German and English side by side (the *_de / *_en fields).
    _bilingual_fields = CONTENT_FIELDS
    # The four-eyes workflow (crisis.workflow.mixin). Content for every
    # incident has none; approved or published content is never moved: the
    # approval was given for the incident it speaks about.
    _workflow_fields = frozenset(WORKFLOW_FIELDS)
    _workflow_transitions = TRANSITIONS
    _workflow_frozen_states = SENDABLE_STATES
    _workflow_unlink_states = ("draft",)
    _workflow_incident_required = False

    name = fields.Char(string="Title", required=True, translate=True, tracking=True)
    kind = fields.Selection(KINDS, required=True, default="key_message", tracking=True)
    sequence = fields.Integer(default=10)
    incident_id = fields.Many2one(
        "crisis.incident",
        index=True,
        tracking=True,
        check_company=True,
        help="Leave empty for content that may be used in any incident.",
    )
    incident_type_id = fields.Many2one(
        "crisis.incident.type",
        string="Template For",
        index="btree_not_null",
        tracking=True,
        help="Without an incident: a holding statement prepared for incidents "
        "of this type, approved before any crisis and copied into each "
        "incident of the type when it is activated.",
    )
    is_template = fields.Boolean(
        compute="_compute_is_template",
        store=True,
        help="Prepared for an incident type: never offered in the hotline or "
        "for sending; the incident's copy is.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    question = fields.Text(
        translate=True, help="For Q&A: the question as people ask it."
    )
    # Whole-field translations (one complete text per language), sanitized
    # in create/write: a sanitized translated Html field would otherwise be
    # translated term by term, tying the German text to the English one.
    body = fields.Html(translate=True, sanitize=False)
    sms_text = fields.Text(
        string="SMS Text",
        translate=True,
        help="Short text for SMS. When empty, the plain text of the body is sent.",
    )
    state = workflow_state(STATES, "draft", tracking=True)
    version = fields.Integer(default=1, readonly=True, copy=False, tracking=True)
    version_ids = fields.One2many(
        "crisis.message.version", "message_id", string="Earlier Versions", readonly=True
    )
    last_editor_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        default=lambda self: self.env.user,
        help="Who last changed the text. Somebody else must approve it.",
    )
    date_last_edit = fields.Datetime(
        string="Last Edited", readonly=True, copy=False, default=fields.Datetime.now
    )
    approved_by_id = fields.Many2one(
        "res.users", readonly=True, copy=False, tracking=True
    )
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    date_published = fields.Datetime(string="Published On", readonly=True, copy=False)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    # Both languages side by side in the form.
    name_de, name_en = bilingual_fields(fields.Char, "Title")
    question_de, question_en = bilingual_fields(fields.Text, "Question")
    body_de, body_en = bilingual_fields(fields.Html, "Text", sanitize=True)
    sms_text_de, sms_text_en = bilingual_fields(fields.Text, "SMS Text")

    @api.depends("incident_type_id", "incident_id")
    def _compute_is_template(self):
        for message in self:
            message.is_template = bool(
                message.incident_type_id and not message.incident_id
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    # (create: the last editor and the date of the edit are the fields'
    # defaults; the texts are prepared by crisis.bilingual.mixin)
    def write(self, vals):
        if not set(CONTENT_FIELDS) & set(vals) or _TEXT_WRITTEN.get():
            return super().write(vals)
        frozen = self._prepare_content_change()
        res = super().write(vals)
        # Who changed the text last (the four eyes): written by the ORM only.
        self.sudo().write(
            {"last_editor_id": self.env.uid, "date_last_edit": fields.Datetime.now()}
        )
        frozen._reopen_for_review()
        return res

    def _prepare_content_change(self):
        """Keep the approved text before it changes; return the messages
        whose change makes a new version."""
        frozen = self.filtered(lambda m: m.state in SENDABLE_STATES)
        frozen._snapshot_version()
        return frozen

    def _reopen_for_review(self):
        for message in self:
            # The changed text is a new version: it needs a new approval.
            message.sudo().write(
                {
                    "state": "review",
                    "version": message.version + 1,
                    "approved_by_id": False,
                    "date_approved": False,
                    "date_published": False,
                }
            )
            message._log_incident(
                "decision",
                _(
                    "Content “%(name)s” was changed after approval: version %(version)s "
                    "goes back to review, version %(old)s is kept.",
                    name=message.name,
                    version=message.version,
                    old=message.version - 1,
                ),
            )

    def _workflow_unlink_refusal(self):
        return _(
            "Only drafts can be deleted. Withdraw content that was reviewed or approved."
        )

    def _snapshot_version(self):
        """Keep the current text of each message, in all languages, as an
        earlier version before it changes."""
        if not self:
            return
        self.flush_recordset(list(CONTENT_FIELDS))
        Version = self.env["crisis.message.version"].sudo()
        for message in self:
            version = Version.create(
                {
                    "message_id": message.id,
                    "version": message.version,
                    "state": message.state,
                    "approved_by_id": message.approved_by_id.id,
                    "date_approved": message.date_approved,
                    "editor_id": message.last_editor_id.id,
                    "date_edited": message.date_last_edit,
                }
            )
            # Copy the stored translations exactly, every language at once.
            message._copy_texts_to(version, {fname: fname for fname in CONTENT_FIELDS})

    def _copy_texts_to(self, target, columns):
        """Copy this message's stored values into the record ``target``, as
        they are in the database (every language of a translated field at
        once): ``columns`` is ``{column of target: column of the message}``."""
        self.ensure_one()
        self.flush_recordset(list(set(columns.values())))
        target.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s FROM crisis_message m WHERE %s = %s AND m.id = %s",
                SQL.identifier(target._table),
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(column), SQL.identifier("m", source))
                    for column, source in columns.items()
                ),
                SQL.identifier(target._table, "id"),
                target.id,
                self.id,
            )
        )
        target.invalidate_recordset(list(columns))

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def _workflow_log_transition(self, old_states, new_state):
        # (not "user": Odoo's _() reads a local of that name as a user id when
        # the environment has no language)
        user_name = self.env.user.name
        for message in self:
            values = {
                "name": message.name,
                "version": message.version,
                "user": user_name,
            }
            if new_state == "approved":
                message._log_incident(
                    "decision",
                    _lt(
                        "Content “%(name)s” (version %(version)s) approved by %(user)s."
                    ),
                    values,
                )
            elif new_state == "published":
                message._log_incident(
                    "communication",
                    _lt(
                        "Content “%(name)s” (version %(version)s) published by %(user)s."
                    ),
                    values,
                )
            elif new_state == "withdrawn":
                message._log_incident(
                    "decision",
                    _lt(
                        "Content “%(name)s” (version %(version)s) withdrawn by %(user)s."
                    ),
                    values,
                )

    def _check_crisis_team(self):
        self.check_access("write")
        require_group(
            self.env,
            "crisis_management.group_crisis_manager",
            _(
                "Only members of the crisis team may approve, publish or withdraw content."
            ),
        )

    def action_submit(self):
        self._workflow_check("review")
        for message in self:
            if not html2plaintext(message.body or "").strip():
                raise UserError(_("“%(name)s” has no text yet.", name=message.name))
        self._workflow_apply("review")
        return True

    def action_approve(self):
        """Approve the text. Four eyes: the approver is a member of the crisis
        team and not the person who last changed the text."""
        self._check_crisis_team()
        self._workflow_check("approved")
        for message in self:
            if message.last_editor_id == self.env.user:
                raise UserError(
                    _(
                        "You changed “%(name)s” last, so you cannot approve it yourself. "
                        "Ask another member of the crisis team (four-eyes principle).",
                        name=message.name,
                    )
                )
        self._workflow_apply(
            "approved",
            {"approved_by_id": self.env.uid, "date_approved": fields.Datetime.now()},
        )
        return True

    def action_publish(self):
        self._check_crisis_team()
        self._workflow_apply("published", {"date_published": fields.Datetime.now()})
        return True

    def action_withdraw(self):
        self._check_crisis_team()
        self._workflow_apply("withdrawn")
        return True

    def action_draft(self):
        self._workflow_apply("draft")
        return True

    def _log_incident(self, kind, body, values=None):
        self.ensure_one()
        if self.incident_id:
            self.incident_id._log(kind, body, values)

    # ------------------------------------------------------------------
    # Texts in German and English
    # ------------------------------------------------------------------
    @api.depends_context("lang")
    @api.depends(*CONTENT_FIELDS)
    def _compute_bilingual(self):
        return super()._compute_bilingual()

    def _write_text(self, fname, lang, value):
        """Write the text of one language only, leaving the other alone (a
        plain write in German also overwrites English while English is not
        an active language), with the same versioning as :meth:`write`."""
        self.ensure_one()
        value = self._bilingual_clean(fname, value)
        self.check_access("write")
        frozen = self._prepare_content_change()
        if lang == "en_US":
            value = value or ""
        # (the private method: the public one comes back here)
        token = _TEXT_WRITTEN.set(True)
        try:
            self._update_field_translations(fname, {lang: value or False})
        finally:
            _TEXT_WRITTEN.reset(token)
        self.sudo().write(
            {"last_editor_id": self.env.uid, "date_last_edit": fields.Datetime.now()}
        )
        frozen._reopen_for_review()

    def update_field_translations(self, field_name, translations, source_lang=None):
        """Odoo's translation dialog and RPC: the texts of content go through
        the same sanitising and versioning as the form."""
        check_translations(self, field_name, translations)
        if field_name not in CONTENT_FIELDS:
            return super().update_field_translations(
                field_name, translations, source_lang=source_lang
            )
        self.ensure_one()
        installed = self._installed_text_langs()
        for lang, value in translations.items():
            if lang not in installed:
                raise UserError(
                    _(
                        "The language %(lang)s is not active. Activate it under "
                        "Settings > Languages to write the text in it.",
                        lang=lang,
                    )
                )
            if value is not False and not isinstance(value, str):
                raise UserError(_("A text must be a string."))
            self._write_text(field_name, lang, value)
        return True

    @api.model
    def _installed_text_langs(self):
        """The languages a text can be written in (the active ones and
        English)."""
        return self._bilingual_langs()

    @api.model
    def _load_text_translations(self, record_id, translations, model=None):
        """Set translated values of text fields, skipping languages that are
        not installed (used by demo data).

        :param dict translations: ``{lang: {field: value}}``
        """
        if not self.env.su:
            raise AccessError(_("Demo texts are loaded by the installation only."))
        record = self.env[model or self._name].browse(record_id)
        installed = self._installed_text_langs()
        for lang, values in translations.items():
            if lang not in installed:
                continue
            for fname, value in values.items():
                if fname == "body":
                    value = html_sanitize(value)
                token = _TEXT_WRITTEN.set(True)
                try:
                    record._update_field_translations(fname, {lang: value})
                finally:
                    _TEXT_WRITTEN.reset(token)
        return True

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _search_words(self, text):
        words = []
        for word in re.findall(r"\w+", (text or "").lower()):
            if len(word) >= 3 and word not in STOP_WORDS and word not in words:
                words.append(word)
        return words

    @api.model
    def search_answers(self, incident_id, text, limit=10):
        """Approved or published Q&A that answer ``text``, best first.

        Words of three letters or more (without common words) are looked up
        in the question and the text, in German and in English. Q&A of the
        incident and Q&A for every incident (no incident) are considered.
        Each answer scores one point per word it contains.

        :param int incident_id: the incident of the inquiry (or False)
        :param str text: the caller's question, as typed
        :return: ``crisis.message`` records, best match first
        """
        # (a new inquiry in the form looks up with its incident's NewId)
        if not (
            incident_id in (False, None)
            or valid_id(incident_id)
            or isinstance(incident_id, NewId)
        ) or not (text in (False, None) or isinstance(text, str)):
            raise UserError(
                _("Answers are looked up by an incident and a question in words.")
            )
        words = self._search_words(text)
        if not words:
            return self.browse()
        domain = [
            ("kind", "=", "qa"),
            ("state", "in", SENDABLE_STATES),
            ("is_template", "=", False),
        ]
        if incident_id:
            domain += [
                "|",
                ("incident_id", "=", incident_id),
                ("incident_id", "=", False),
            ]
        word_domain = expression.OR(
            [
                ["|", ("question", "ilike", word), ("body", "ilike", word)]
                for word in words
            ]
        )
        installed = self._installed_text_langs()
        langs = [lang for lang in TEXT_LANGS if lang in installed]
        candidates = self.browse()
        for lang in langs:
            candidates |= self.with_context(lang=lang).search(
                expression.AND([domain, word_domain]), limit=200
            )
        scores = {}
        for lang in langs:
            for message in candidates.with_context(lang=lang):
                haystack = " ".join(
                    (message.question or "", html2plaintext(message.body or ""))
                ).lower()
                found = set(re.findall(r"\w+", haystack))
                score = sum(1 for word in words if word in found or word in haystack)
                scores[message.id] = max(scores.get(message.id, 0), score)
        ranked = sorted(
            (mid for mid, score in scores.items() if score),
            key=lambda mid: (-scores[mid], -mid),
        )
        return self.browse(ranked[:limit])

    # ------------------------------------------------------------------
    # Holding statements: the templates of an incident type
    # ------------------------------------------------------------------
    def _instantiate_for(self, incident):
        """Copy these approved templates into ``incident``, approved: the
        system's copy of words approved before the crisis (a user's
        ``copy()`` is a draft). ``{incident}``, ``{time}``, ``{hotline}`` and
        ``{page_url}`` are filled in German and English.

        :return: the copies, in the order of the templates
        """
        incident.ensure_one()
        copies = self.browse()
        Message = self.sudo()
        langs = [lang for lang in TEXT_LANGS if lang in self._installed_text_langs()]
        now = fields.Datetime.now()
        for template in self.sudo().sorted(lambda m: (m.sequence, m.id)):
            if template.state not in SENDABLE_STATES:
                incident._log(
                    "communication",
                    _(
                        "Holding statement “%(name)s” of the incident type is not "
                        "approved and was not copied.",
                        name=template.name,
                    ),
                )
                continue
            texts = {
                lang: template.with_context(lang=lang)._filled_texts(incident, lang)
                for lang in langs
            }
            base = texts.get("en_US") or next(iter(texts.values()))
            statement = Message.with_context(lang="en_US").create(
                dict(
                    base,
                    kind=template.kind,
                    sequence=template.sequence,
                    incident_id=incident.id,
                    company_id=incident.company_id.id,
                    state="approved",
                    last_editor_id=template.last_editor_id.id,
                    date_last_edit=template.date_last_edit,
                    approved_by_id=template.approved_by_id.id,
                    date_approved=now,
                )
            )
            for lang, values in texts.items():
                if lang == "en_US":
                    continue
                for fname, value in values.items():
                    token = _TEXT_WRITTEN.set(True)
                    try:
                        statement._update_field_translations(fname, {lang: value})
                    finally:
                        _TEXT_WRITTEN.reset(token)
            incident._log(
                "communication",
                _(
                    "Holding statement “%(name)s” copied from the approved template "
                    "(approved by %(approver)s): ready to publish and send.",
                    name=template.name,
                    approver=template.approved_by_id.name or "-",
                ),
            )
            copies |= statement
        return copies.with_env(self.env)

    def _filled_texts(self, incident, lang):
        """The texts of this template in ``lang`` with the placeholders
        filled from ``incident``."""
        self.ensure_one()
        short = lang.split("_")[0]
        values = {
            "{incident}": incident.with_context(lang=lang).page_title or "",
            "{time}": incident._page_format_date(
                incident.date_activated or fields.Datetime.now(), short
            ),
            "{hotline}": incident._page_hotline(),
            "{page_url}": incident.sudo().page_url or "",
        }
        texts = {}
        for fname in CONTENT_FIELDS:
            text = self[fname]
            if not text:
                continue
            html = fname == "body"
            text = str(text)
            for key, value in values.items():
                text = text.replace(key, str(escape(value)) if html else value)
            texts[fname] = html_sanitize(text) if html else text
        return texts
