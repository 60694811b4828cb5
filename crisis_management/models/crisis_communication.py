# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from ast import literal_eval
from datetime import timedelta

from markupsafe import Markup
from psycopg2.extras import Json

from odoo import _, _lt, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_datetime, formataddr, html2plaintext

from ..tools import check_translations, may_commit, resolve_lang, salutation
from ..tools.fields import incident_fields, workflow_state
from .crisis_message import SENDABLE_STATES, TEXT_LANGS

_logger = logging.getLogger(__name__)

RECIPIENT_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("skipped_consent", "Skipped: No Consent"),
    ("skipped_address", "Skipped: No Address"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
COMMUNICATION_CHANNELS = [("email", "E-mail"), ("sms", "SMS"), ("letter", "Letter")]
SAFETY_ANSWERS = [("safe", "I am safe"), ("help", "I need help")]
# Written only by sending: what was sent, to whom, when, by whom.
WORKFLOW_FIELDS = {
    "state",
    "recipient_ids",
    "subject",
    "body",
    "sms_text",
    "message_version",
    "user_id",
    "date_queued",
    "date_release",
    "date_done",
    "letter_pdf",
}
# What a communication says and to whom: fixed once sending started.
SENT_FIELDS = {
    "incident_id",
    "message_id",
    "update_id",
    "kind",
    "purpose_id",
    "channel_email",
    "channel_sms",
    "channel_letter",
    "audience_type_ids",
    "audience_tag_ids",
    "audience_partner_ids",
    "audience_affected",
}


class CrisisCommunication(models.Model):
    """A broadcast of approved content to an audience over e-mail, SMS and
    letter, sent in batches by a cron job that can be interrupted and
    resumed without sending anybody anything twice."""

    _name = "crisis.communication"
    _description = "Crisis Communication"
    _inherit = ["mail.thread", "mail.activity.mixin", "crisis.workflow.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # Sending is the one action (crisis.workflow.mixin); the cron job moves
    # the state on. A copy is a new draft. A draft moves to another incident
    # only for someone who may write to both; a sent one never.
    _workflow_fields = frozenset(WORKFLOW_FIELDS)
    _workflow_transitions = {
        "scheduled": ("draft",),
        "queued": ("draft", "scheduled"),
        "cancelled": ("scheduled",),
    }
    _workflow_frozen_states = (
        "scheduled",
        "queued",
        "sending",
        "done",
        "failed",
        "cancelled",
    )
    _workflow_unlink_states = ("draft",)

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        tracking=True,
        precompute=True,
    )
    # An incident with communications cannot be deleted (their evidence).
    incident_id, company_id = incident_fields(
        {"precompute": True}, ondelete="restrict", tracking=True
    )
    message_id = fields.Many2one(
        "crisis.message",
        string="Content",
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('state', 'in', ('approved', 'published')), "
        "'|', ('incident_id', '=', False), ('incident_id', '=', incident_id)]",
        help="Only approved or published content can be sent.",
    )
    message_state = fields.Selection(related="message_id.state", string="Content State")
    # Publishing an update on the public page is the crisis team's approval
    # of its text: a published update can be sent like approved content, an
    # unpublished one cannot.
    update_id = fields.Many2one(
        "crisis.incident.update",
        string="Public Update",
        ondelete="restrict",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        domain="[('incident_id', '=', incident_id), ('is_published', '=', True)]",
        help="A published update of the public incident page, sent instead of "
        "content from the library. Publishing the update approved its text.",
    )
    kind = fields.Selection(
        [("notice", "Notice"), ("safety_check", "Safety Check")],
        required=True,
        default="notice",
        tracking=True,
        help="A safety check asks every recipient to answer “I am safe” or "
        "“I need help” through a personal link.",
    )
    purpose_id = fields.Many2one(
        "crisis.consent.purpose",
        required=True,
        ondelete="restrict",
        default=lambda self: self.env.ref(
            "crisis_management.consent_purpose_crisis_info", raise_if_not_found=False
        ),
        help="Recipients need a consent or another legal basis for this purpose "
        "on the channel.",
    )
    channel_email = fields.Boolean(string="E-mail", default=True)
    channel_sms = fields.Boolean(string="SMS")
    channel_letter = fields.Boolean(string="Letter")
    audience_type_ids = fields.Many2many(
        "crisis.stakeholder.type",
        "crisis_communication_stakeholder_type_rel",
        "communication_id",
        "type_id",
        string="Stakeholder Types",
    )
    audience_tag_ids = fields.Many2many(
        "res.partner.category",
        "crisis_communication_partner_category_rel",
        "communication_id",
        "category_id",
        string="Contact Tags",
    )
    audience_partner_ids = fields.Many2many(
        "res.partner",
        "crisis_communication_res_partner_rel",
        "communication_id",
        "partner_id",
        string="Individual Contacts",
        check_company=True,
    )
    audience_domain = fields.Char(
        string="Contacts Matching",
        help="A further audience from the CRM, e.g. customers with an opportunity "
        "in a stage or the customers of a sales team. Consent is still checked "
        "for everybody.",
    )
    audience_affected = fields.Boolean(
        string="Affected Customers Only",
        help="Only the customers marked affected by the incident (with every "
        "contact of their company). With other audiences: only those of them "
        "who are affected.",
    )
    state = workflow_state(
        [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("queued", "Queued"),
            ("sending", "Sending"),
            ("done", "Finished"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        "draft",
        tracking=True,
    )
    recipient_ids = fields.One2many(
        "crisis.communication.recipient",
        "communication_id",
        string="Recipients",
        readonly=True,
    )
    # What was sent: the approved text, frozen when sending started.
    subject = fields.Char(translate=True, readonly=True, copy=False)
    body = fields.Html(translate=True, readonly=True, copy=False, sanitize=False)
    sms_text = fields.Text(string="SMS Text", translate=True, readonly=True, copy=False)
    message_version = fields.Integer(
        string="Content Version", readonly=True, copy=False
    )
    # Before sending: the text each language group will get.
    preview_de = fields.Html(
        string="German Text", compute="_compute_preview", sanitize=False
    )
    preview_en = fields.Html(
        string="English Text", compute="_compute_preview", sanitize=False
    )
    user_id = fields.Many2one("res.users", string="Sent By", readonly=True, copy=False)
    date_queued = fields.Datetime(string="Sending Started", readonly=True, copy=False)
    date_release = fields.Datetime(
        string="Leaves At",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the broadcast leaves: Send plus the company's hold before "
        "sending. Until then it can be cancelled with nothing sent.",
    )
    date_done = fields.Datetime(string="Finished On", readonly=True, copy=False)
    # Progress
    recipient_count = fields.Integer(compute="_compute_counts", string="Total")
    queued_count = fields.Integer(compute="_compute_counts", string="Waiting")
    sent_count = fields.Integer(compute="_compute_counts", string="Sent")
    skipped_count = fields.Integer(compute="_compute_counts", string="Skipped")
    failed_count = fields.Integer(compute="_compute_counts", string="Failed")
    progress = fields.Float(compute="_compute_counts")
    # The letter PDFs (one per batch), attached to ``letter_pdf``: a field
    # of the crisis team, so that nobody else reads them (the letters of a
    # safety check carry everyone's personal answer link). Written by
    # sending only.
    letter_pdf = fields.Binary(
        string="Letter PDFs",
        attachment=True,
        readonly=True,
        copy=False,
        groups="crisis_management.group_crisis_manager",
    )
    letter_attachment_ids = fields.Many2many(
        "ir.attachment",
        compute="_compute_letter_attachment_ids",
        string="Letters",
        groups="crisis_management.group_crisis_manager",
    )
    # Audience
    audience_count = fields.Integer(
        compute="_compute_audience_count",
        string="Addressed",
        help="How many contacts the audience addresses today (before the consent "
        "and address checks made when sending).",
    )
    audience_domain_count = fields.Integer(
        compute="_compute_audience_count",
        string="Matching Contacts",
        help="How many contacts the CRM audience matches today.",
    )

    # Safety check
    followup_delay = fields.Float(
        string="Follow Up After (Hours)",
        default=lambda self: float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crisis_management.safety_followup_hours", 1.0)
        ),
        help="People who have not answered the safety check after this time get "
        "a reminder; after the same time again a task is created for the person "
        "responsible.",
    )
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up By",
        check_company=True,
        help="Who gets the task to reach people who did not answer. "
        "Empty: the crisis lead.",
    )
    answered_count = fields.Integer(compute="_compute_safety_counts", string="Answered")
    safe_count = fields.Integer(compute="_compute_safety_counts", string="Safe")
    help_count = fields.Integer(compute="_compute_safety_counts", string="Need Help")
    unanswered_count = fields.Integer(
        compute="_compute_safety_counts", string="No Answer Yet"
    )

    _sql_constraints = [
        (
            "followup_delay_positive",
            "CHECK(followup_delay > 0)",
            "The follow-up time must be longer than zero hours.",
        ),
    ]

    @api.depends("message_id", "update_id", "kind")
    def _compute_name(self):
        for comm in self:
            if not comm.name:
                comm.name = comm.message_id.name or comm.update_id.display_name or False

    @api.depends("message_id", "update_id")
    @api.depends_context("uid")
    def _compute_preview(self):
        for comm in self:
            source = comm.message_id or comm.update_id
            for lang, name in (("de_DE", "preview_de"), ("en_US", "preview_en")):
                comm[name] = source.with_context(lang=lang).body if source else False

    @api.depends("recipient_ids.state")
    def _compute_counts(self):
        groups = self.env["crisis.communication.recipient"]._read_group(
            [("communication_id", "in", self.ids)],
            ["communication_id", "state"],
            ["__count"],
        )
        counts = {}
        for comm, state, count in groups:
            counts.setdefault(comm.id, {})[state] = count
        for comm in self:
            by_state = counts.get(comm.id, {})
            total = sum(by_state.values())
            comm.recipient_count = total
            comm.queued_count = by_state.get("queued", 0)
            comm.sent_count = by_state.get("sent", 0)
            comm.skipped_count = by_state.get("skipped_consent", 0) + by_state.get(
                "skipped_address", 0
            )
            comm.failed_count = by_state.get("failed", 0)
            comm.progress = (
                100.0 * (total - comm.queued_count) / total if total else 0.0
            )

    def _compute_letter_attachment_ids(self):
        attachments = self.env["ir.attachment"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("res_field", "in", [False, "letter_pdf"]),
            ]
        )
        for comm in self:
            comm.letter_attachment_ids = attachments.filtered(
                lambda a, comm=comm: a.res_id == comm.id
            )

    @api.constrains("kind", "purpose_id")
    def _check_safety_purpose(self):
        for comm in self:
            if comm.kind == "safety_check" and comm.purpose_id.code != "crisis_info":
                raise ValidationError(
                    _(
                        "A safety check is crisis information: choose the purpose “%(purpose)s”.",
                        purpose=self.env.ref(
                            "crisis_management.consent_purpose_crisis_info"
                        ).name,
                    )
                )

    @api.constrains("message_id", "update_id", "incident_id")
    def _check_text_source(self):
        for comm in self:
            if bool(comm.message_id) == bool(comm.update_id):
                raise ValidationError(
                    _(
                        "“%(name)s”: choose either content from the library or a "
                        "published update of the public page, not both and not "
                        "neither.",
                        name=comm.name,
                    )
                )
            content_incident = comm.message_id.incident_id
            if content_incident and content_incident != comm.incident_id:
                raise ValidationError(
                    _(
                        "The content “%(message)s” belongs to another incident.",
                        message=comm.message_id.name,
                    )
                )
            if comm.update_id and comm.update_id.incident_id != comm.incident_id:
                raise ValidationError(
                    _(
                        "The update “%(update)s” belongs to another incident.",
                        update=comm.update_id.display_name,
                    )
                )

    @api.depends(
        "audience_domain",
        "audience_type_ids",
        "audience_tag_ids",
        "audience_partner_ids",
        "audience_affected",
    )
    def _compute_audience_count(self):
        for comm in self:
            try:
                domain = comm._audience_domain_list()
                comm.audience_domain_count = (
                    len(comm._audience_domain_partner_ids()) if domain else 0
                )
                comm.audience_count = len(comm._resolve_audience())
            except (ValueError, SyntaxError, UserError, ValidationError, AccessError):
                comm.audience_domain_count = comm.audience_count = 0

    @api.depends("recipient_ids.safety_answer", "recipient_ids.state")
    def _compute_safety_counts(self):
        Recipient = self.env["crisis.communication.recipient"]
        for comm in self:
            status = Recipient._safety_status_by_partner(comm.recipient_ids)
            answers = [answer for answer in status.values()]
            comm.answered_count = sum(1 for a in answers if a)
            comm.safe_count = sum(1 for a in answers if a == "safe")
            comm.help_count = sum(1 for a in answers if a == "help")
            comm.unanswered_count = sum(1 for a in answers if not a)

    @api.constrains("audience_domain")
    def _check_audience_domain(self):
        for comm in self:
            comm._audience_domain_list()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        self._workflow_guard([vals])
        if SENT_FIELDS & set(vals):
            sent = self.filtered(lambda c: c.state != "draft")
            if sent:
                raise UserError(
                    _(
                        "“%(name)s” has been sent: what it said and to whom is part "
                        "of the record and cannot be changed. Create a new "
                        "communication instead.",
                        name=sent[0].name,
                    )
                )
        return super().write(vals)

    def update_field_translations(self, field_name, translations, source_lang=None):
        check_translations(self, field_name, translations)
        if not self.env.su:
            self._workflow_guard([{field_name: True}])
        return super().update_field_translations(
            field_name, translations, source_lang=source_lang
        )

    def _workflow_unlink_refusal(self):
        return _(
            "A communication that was sent is part of the record and cannot be deleted."
        )

    # ------------------------------------------------------------------
    # Audience
    # ------------------------------------------------------------------
    def _audience_domain_list(self):
        """The CRM audience as a domain over contacts (``[]`` when empty).

        :raise ValidationError: when it is not a domain over contacts
        """
        self.ensure_one()
        text = (self.audience_domain or "").strip()
        if not text or text == "[]":
            return []
        try:
            domain = literal_eval(text)
            if not isinstance(domain, list):
                raise ValueError(text)
            domain = expression.normalize_domain(domain)
            self.env["res.partner"].sudo()._where_calc(domain)
        except (ValueError, SyntaxError, TypeError, KeyError, AssertionError) as exc:
            raise ValidationError(
                _(
                    "“%(name)s”: the contacts to address are not a valid filter "
                    "over contacts (%(error)s).",
                    name=self.name or "",
                    error=exc,
                )
            ) from exc
        return domain

    def _audience_domain_partner_ids(self):
        """Ids of the contacts the CRM audience matches, searched as the
        current user: nobody reaches contacts, opportunities or sales data
        through it that they could not search themselves."""
        self.ensure_one()
        domain = self._audience_domain_list()
        if not domain:
            return []
        return self.env["res.partner"].search(domain, order="id").ids

    def _resolve_audience(self):
        """Ids of the partners addressed: stakeholder types, tags and
        individual contacts (active contacts only)."""
        self.ensure_one()
        domains = []
        if self.audience_type_ids:
            domains.append(
                [("crisis_stakeholder_type_ids", "in", self.audience_type_ids.ids)]
            )
        if self.audience_tag_ids:
            domains.append([("category_id", "in", self.audience_tag_ids.ids)])
        if self.audience_partner_ids:
            domains.append([("id", "in", self.audience_partner_ids.ids)])
        if self.audience_domain:
            domains.append([("id", "in", self._audience_domain_partner_ids())])
        if self.audience_affected:
            affected = [("id", "in", self.incident_id.sudo().affected_partner_ids.ids)]
            domains = (
                [expression.AND([expression.OR(domains), affected])]
                if domains
                else [affected]
            )
        if not domains:
            return []
        return (
            self.env["res.partner"]
            .sudo()
            .search(expression.OR(domains), order="id")
            .ids
        )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    def _channels(self):
        self.ensure_one()
        return [
            channel
            for channel, selected in (
                ("email", self.channel_email),
                ("sms", self.channel_sms),
                ("letter", self.channel_letter),
            )
            if selected
        ]

    def _workflow_refusal(self, old, new):
        self.ensure_one()
        return self._workflow_env()._(
            "“%(name)s” has already been sent.", name=self.name
        )

    def _check_can_send(self):
        for comm in self:
            comm._workflow_check("scheduled")
            if comm.update_id and not comm.update_id.is_published:
                raise UserError(
                    _(
                        "The update “%(name)s” is not published on the public page: "
                        "publish it first, publishing approves its text.",
                        name=comm.update_id.display_name,
                    )
                )
            if comm.message_id.is_template:
                raise UserError(
                    _(
                        "“%(name)s” is a holding statement template of an incident "
                        "type: it is sent as the copy an incident gets on "
                        "activation, never as the template itself.",
                        name=comm.message_id.name,
                    )
                )
            if comm.message_id and comm.message_id.state not in SENDABLE_STATES:
                raise UserError(
                    _(
                        "“%(name)s” is not approved. Only approved or published content "
                        "can be sent: ask another member of the crisis team to approve it.",
                        name=comm.message_id.name,
                    )
                )
            if not comm._channels():
                raise UserError(
                    _("Choose at least one channel: e-mail, SMS or letter.")
                )
            if comm.incident_id.state == "closed" and not comm._is_made_good():
                raise UserError(
                    _("The incident is closed: nothing can be sent for it anymore.")
                )

    def _is_made_good(self):
        """A letter to the affected customers saying how it was made good:
        it may go out after the incident is closed."""
        self.ensure_one()
        return self.audience_affected and self.message_id.kind == "made_good"

    def _customers_before_calls(self):
        """Affected customers this broadcast addresses while personal calls
        to key customers are still open (sudo): the team confirms first."""
        self.ensure_one()
        if self.update_id or not self.incident_id._open_key_calls():
            return self.env["res.partner"]
        affected = self.incident_id.sudo().affected_partner_ids
        return affected.filtered(lambda p: p.id in set(self._resolve_audience()))

    def _snapshot_message(self):
        """Freeze the approved text, all languages, on the communication."""
        self.ensure_one()
        if self.update_id:
            self._snapshot_update()
            return
        # Every stored language at once, exactly as approved.
        self.message_id._copy_texts_to(
            self,
            {
                "subject": "name",
                "body": "body",
                "sms_text": "sms_text",
                "message_version": "version",
            },
        )

    def _snapshot_update(self):
        """Freeze the published update's text, all languages: its body as the
        body, its headline (else the incident's name) in the subject."""
        self.ensure_one()
        update = self.update_id.sudo()
        update.flush_recordset(["name", "body"])
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """UPDATE crisis_communication c
                      SET body = u.body, sms_text = NULL, message_version = 0
                     FROM crisis_incident_update u
                    WHERE c.id = %s AND u.id = %s""",
                self.id,
                update.id,
            )
        )
        subjects = {}
        installed = self.env["crisis.message"]._installed_text_langs()
        for lang in installed.intersection(TEXT_LANGS):
            update_l = update.with_context(lang=lang)
            title = update_l.name or update_l.incident_id.page_title
            subjects[lang] = update_l.env._("Update: %(title)s", title=title)
        self.env.cr.execute(
            SQL(
                "UPDATE crisis_communication SET subject = %s WHERE id = %s",
                Json(subjects),
                self.id,
            )
        )
        self.invalidate_recordset(["subject", "body", "sms_text", "message_version"])

    def action_send(self, confirm_repeat=False, confirm_open_calls=False):
        """Resolve the audience, check consent and addresses and write one
        recipient line per partner and channel at once, so that the reach is
        known; then the broadcast waits the company's hold before sending
        (``scheduled`` until ``date_release``, ``action_cancel()`` stops it)
        or, with no hold, is ``queued`` at once. The cron job sends.

        :param confirm_repeat: True to send although the same text went to
            the same audience within the last hour (the send dialog asks);
            without it such a repeat is refused.
        :param confirm_open_calls: True to send to affected customers although
            personal calls to key customers are still open (the dialog asks).
        """
        self.check_access("write")
        self._check_can_send()
        if not confirm_open_calls:
            for comm in self:
                if comm._customers_before_calls():
                    raise UserError(
                        _(
                            "%(count)s personal calls to key customers are still "
                            "open. The customers should hear it from their "
                            "salesperson before the broadcast: send anyway only "
                            "after confirming.",
                            count=len(comm.incident_id._open_key_calls()),
                        )
                    )
        Recipient = self.env["crisis.communication.recipient"].sudo()
        now = fields.Datetime.now()
        release_at = []
        for comm in self:
            comm._snapshot_message()
            partner_ids = comm._resolve_audience()
            if not partner_ids:
                raise UserError(
                    _(
                        "Nobody is addressed: choose stakeholder types, tags or contacts."
                    )
                )
            if not confirm_repeat:
                earlier = comm._recent_repeat(partner_ids)
                if earlier:
                    raise UserError(comm._repeat_warning(earlier))
            Recipient.create(comm._recipient_values(partner_ids))
            delay = max(comm.company_id.crisis_send_delay_seconds, 0)
            vals = {
                "user_id": self.env.uid,
                "date_release": now + timedelta(seconds=delay),
            }
            if delay:
                comm._workflow_apply("scheduled", vals)
            else:
                comm._workflow_apply("queued", dict(vals, date_queued=now))
            release_at.append(vals["date_release"])
        cron = self.env.ref("crisis_management.ir_cron_crisis_communication_send")
        cron._trigger(at=sorted(set(release_at)) or None)
        return True

    def _recipient_values(self, partner_ids):
        """The recipient lines of this communication for ``partner_ids``: one
        per partner and channel, ``queued`` or skipped with the reason."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        rows = self._audience_rows(partner_ids)
        # One text language per recipient (their own, else the company's).
        langs = {}
        for row in rows:
            if row[2] not in langs:
                langs[row[2]] = resolve_lang(self.env, row[2], company=self.company_id)
        vals_list = []
        for channel in self._channels():
            refusals, bases = Partner._crisis_contact_check(
                partner_ids, self.purpose_id.code, channel, self.kind
            )
            for pid, name, lang, email, phone, street, zip_code, city in rows:
                vals = {
                    "communication_id": self.id,
                    "partner_id": pid,
                    "channel": channel,
                    "lang": langs[lang],
                    "state": "queued",
                }
                if channel == "email":
                    address = email and formataddr((name or "", email))
                elif channel == "sms":
                    address = phone
                else:
                    address = (
                        street and zip_code and city and f"{street}, {zip_code} {city}"
                    )
                refusal = refusals.get(pid)
                if refusal:
                    vals.update(state="skipped_consent", skip_code=refusal)
                elif not address:
                    vals.update(state="skipped_address", skip_code="address")
                else:
                    vals["legal_basis"] = bases.get(pid) or False
                vals["address"] = address or False
                vals_list.append(vals)
        return vals_list

    def _recent_repeat(self, partner_ids):
        """An earlier broadcast of the same content (or public update), of the
        same kind, on one of the same channels, released within the last hour
        or still to be, that addressed every partner of ``partner_ids``:
        sending again is most likely a double click or two people doing the
        same."""
        self.ensure_one()
        domain = [
            ("id", "!=", self.id),
            ("incident_id", "=", self.incident_id.id),
            ("kind", "=", self.kind),
            ("state", "in", ("scheduled", "queued", "sending", "done")),
            ("date_release", ">=", fields.Datetime.now() - timedelta(hours=1)),
        ]
        if self.message_id:
            domain.append(("message_id", "=", self.message_id.id))
        else:
            domain.append(("update_id", "=", self.update_id.id))
        wanted = set(partner_ids)
        channels = set(self._channels())
        Recipient = self.env["crisis.communication.recipient"]
        Recipient.flush_model(["communication_id", "partner_id", "channel"])
        for earlier in self.sudo().search(domain, order="date_release desc, id desc"):
            common = channels & set(earlier._channels())
            if not common:
                continue
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT partner_id FROM crisis_communication_recipient
                        WHERE communication_id = %s AND channel = ANY(%s)""",
                    earlier.id,
                    list(common),
                )
            )
            if wanted <= {row[0] for row in self.env.cr.fetchall()}:
                return earlier
        return self.browse()

    def _repeat_warning(self, earlier):
        """Why a repeat is asked about, in the caller's language."""
        self.ensure_one()
        env = self._workflow_env()
        return env._(
            "“%(name)s” went to the same audience less than an hour ago "
            "(“%(earlier)s”, sent by %(user)s, leaving at %(time)s). Send it "
            "again only if you mean to: confirm the repeat in the send dialog.",
            name=self.name,
            earlier=earlier.name,
            user=earlier.user_id.name or "",
            time=format_datetime(env, earlier.date_release),
        )

    def action_prepare_send(self):
        """The send dialog: the reach per channel, who is skipped and why,
        the hold before sending and, for a repeat, the question whether to
        send again. Nothing is sent until it is confirmed there."""
        self.ensure_one()
        self.check_access("write")
        self._check_can_send()
        return {
            "type": "ir.actions.act_window",
            "name": self._workflow_env()._("Send “%(name)s”", name=self.name),
            "res_model": "crisis.communication.send",
            "view_mode": "form",
            "target": "new",
            "context": {"default_communication_id": self.id},
        }

    def action_cancel(self):
        """Stop a scheduled broadcast before it leaves: nothing is sent; its
        recipient lines stay, cancelled, as the record of whom it would have
        reached."""
        self.check_access("write")
        for comm in self:
            if comm.state != "scheduled":
                raise UserError(
                    self._workflow_env()._(
                        "“%(name)s” is not waiting to be sent and can no longer "
                        "be cancelled.",
                        name=comm.name,
                    )
                )
        comms = self._workflow_apply("cancelled")
        comms.recipient_ids.filtered(lambda r: r.state == "queued").write(
            {"state": "cancelled"}
        )
        for comm in comms:
            comm.incident_id._log(
                "communication",
                _(
                    "“%(name)s” was cancelled by %(user)s before it left: "
                    "nothing was sent.",
                    name=comm.name,
                    user=self.env.user.name,
                ),
            )
        return True

    def action_send_test(self):
        """Send the text to the current user only, on the chosen e-mail and
        SMS channels, marked “[TEST]”; nobody else receives anything and the
        communication is not changed."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "draft":
            raise UserError(
                self._workflow_env()._(
                    "“%(name)s” has already been sent: a test is only for drafts.",
                    name=self.name,
                )
            )
        if not (self.message_id or self.update_id):
            raise UserError(self._workflow_env()._("Choose the content to send first."))
        user = self.env.user
        partner = user.partner_id
        lang = resolve_lang(self.env, user.lang, company=self.company_id)
        comm = self.with_context(lang=lang)
        test_mark = comm.env._("[TEST]")
        sent = []
        if self.channel_email and partner.email_normalized:
            if self.message_id:
                subject = self.message_id.with_context(lang=lang).name
            else:
                update = self.update_id.sudo().with_context(lang=lang)
                subject = comm.env._(
                    "Update: %(title)s",
                    title=update.name or update.incident_id.page_title,
                )
            self.env["mail.mail"].sudo().create(
                {
                    "subject": f"{test_mark} {subject}",
                    "body_html": comm._render_email_body(
                        lang, body=comm._test_body(lang, test_mark)
                    ),
                    "email_from": self.company_id.email_formatted
                    or user.email_formatted,
                    "email_to": formataddr(
                        (partner.name or "", partner.email_normalized)
                    ),
                    "recipient_ids": [],
                    "auto_delete": True,
                    "message_type": "email_outgoing",
                    "state": "outgoing",
                }
            )
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
            sent.append(partner.email_normalized)
        number = partner.phone_sanitized
        if self.channel_sms and number:
            text = comm._render_sms_body(lang, text=comm._test_text(lang))
            self.env["sms.sms"].sudo().create(
                {
                    "number": number,
                    # Like every crisis SMS: who writes comes first.
                    "body": f"{self.company_id._crisis_sms_sender_name()}: "
                    f"{test_mark} {text}",
                    "partner_id": partner.id,
                    "state": "outgoing",
                }
            )
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
            sent.append(number)
        if not sent:
            raise UserError(
                self._workflow_env()._(
                    "You have no e-mail address or mobile number for the chosen "
                    "channels: the test cannot reach you. Add them to your "
                    "preferences."
                )
            )
        self._message_log(
            body=_(
                "Test sent to %(user)s only (%(to)s).",
                user=user.name,
                to=", ".join(sent),
            )
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self._workflow_env()._(
                    "Test sent to you only: %(to)s.", to=", ".join(sent)
                ),
                "sticky": False,
            },
        }

    def _test_body(self, lang, test_mark):
        """The current approved text (not yet frozen) for a test, with a
        line that says it is a test."""
        self.ensure_one()
        if self.message_id:
            body = self.message_id.with_context(lang=lang).body or ""
        else:
            body = self.update_id.sudo().with_context(lang=lang).body or ""
        note = self.with_context(lang=lang).env._(
            "This is a test sent to you only. Nobody else received it."
        )
        return Markup("<p><strong>%s</strong> %s</p>%s") % (test_mark, note, body)

    def _test_text(self, lang):
        self.ensure_one()
        if self.message_id:
            message = self.message_id.with_context(lang=lang)
            return message.sms_text or html2plaintext(message.body or "")
        return html2plaintext(self.update_id.sudo().with_context(lang=lang).body or "")

    @api.model
    def _audience_rows(self, partner_ids):
        """``(id, name, lang, email, phone, street, zip, city)`` of each
        partner, read in one query: a broadcast addresses tens of thousands
        of contacts (see bench/bench_broadcast.py), too many to read as
        records."""
        fnames = ["name", "lang", "email_normalized", "phone_sanitized"]
        fnames += ["street", "zip", "city"]
        self.env["res.partner"].flush_model(fnames)
        self.env.cr.execute(
            SQL(
                """SELECT id, name, lang, email_normalized, phone_sanitized,
                          street, zip, city
                     FROM res_partner WHERE id = ANY(%s) ORDER BY id""",
                partner_ids,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _cron_send(self, batch_size=None):
        """Send the next batch of queued recipient lines of every
        communication being sent.

        Each batch is one transaction: its lines are locked (``FOR UPDATE
        SKIP LOCKED``, so two workers never take the same lines), the
        ``mail.mail`` / ``sms.sms`` / letter PDF are created and the lines are
        marked sent together, then committed. An exception or a killed worker
        loses the whole batch and nothing else: its lines are still queued
        and the next run takes them again. Delivery itself is Odoo's mail and
        SMS queues' job, triggered at once.

        The progress goes to Odoo's cron runner, which calls again at once
        while lines remain and this call sent some (a batch that failed is
        taken again at the next run).
        """
        batch_size = batch_size or int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crisis_management.communication_batch_size", 500)
        )
        auto_commit = may_commit(self.env)
        self._release_due()
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        done = 0
        for comm in self.search([("state", "in", ("queued", "sending"))], order="id"):
            lines = comm._send_batch(batch_size)
            done += len(lines)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
                # This worker hands e-mails to SMTP too, next to Odoo's mail
                # queue: those of the earlier batches (the hand-over guard
                # keeps each to one hand-over).
                self.env["mail.mail"]._crisis_send_earlier(comm, lines, batch_size)
        remaining = (
            self.env["crisis.communication.recipient"]
            .sudo()
            .search_count(
                [
                    ("state", "=", "queued"),
                    ("communication_id.state", "in", ("queued", "sending")),
                ]
            )
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True

    @api.model
    def _release_due(self):
        """Queue the scheduled broadcasts whose hold before sending is over."""
        now = fields.Datetime.now()
        due = self.sudo().search(
            [("state", "=", "scheduled"), ("date_release", "<=", now)], order="id"
        )
        if due:
            due._workflow_apply("queued", {"date_queued": now})
        return due

    def _send_batch(self, batch_size):
        """Send the next batch of this communication's queued lines and close
        the communication when none is left.

        :return: the recipient lines sent (none when the batch failed)
        """
        self.ensure_one()
        # The approved text was frozen when sending started; a later edit of
        # the content does not change it, but a withdrawal stops the rest.
        if self.message_id.state == "withdrawn":
            self._cancel_queued(
                _("The content was withdrawn before this message was sent.")
            )
        elif self.update_id and not self.update_id.is_published:
            self._cancel_queued(
                _(
                    "The update was taken off the public page before this message was sent."
                )
            )
        elif self.state == "queued":
            self.sudo().state = "sending"
        lines = self._lock_queued_lines(batch_size)
        if lines:
            try:
                with self.env.cr.savepoint():
                    lines._send_now()
            except Exception:
                _logger.warning(
                    "Crisis communication %s: a batch of %s recipients failed and "
                    "stays queued for the next run.",
                    self.id,
                    len(lines),
                    exc_info=True,
                )
                self.env.invalidate_all()
                return lines.browse()
        self._finish()
        return lines

    def _lock_queued_lines(self, batch_size):
        self.ensure_one()
        Recipient = self.env["crisis.communication.recipient"].sudo()
        Recipient.flush_model(["state", "communication_id"])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crisis_communication_recipient
                    WHERE communication_id = %s AND state = 'queued'
                    ORDER BY id LIMIT %s
                      FOR UPDATE SKIP LOCKED""",
                self.id,
                batch_size,
            )
        )
        return Recipient.browse([row[0] for row in self.env.cr.fetchall()])

    def _cancel_queued(self, reason):
        self.ensure_one()
        queued = self.recipient_ids.filtered(lambda r: r.state == "queued")
        queued.sudo().write({"state": "failed", "error": reason})

    def _finish(self):
        """Close the communication once nothing is queued, and record it in
        the crisis log with its counts."""
        self.ensure_one()
        if self.state not in ("queued", "sending"):
            return
        self.invalidate_recordset()
        if self.queued_count:
            return
        state = "failed" if self.failed_count and not self.sent_count else "done"
        self.sudo().write({"state": state, "date_done": fields.Datetime.now()})
        # Kind and channels are put into words for each reader of the log.
        values = {
            "kind": {"field": "crisis.communication.kind", "value": self.kind},
            "name": self.name,
            "channels": [
                {"field": "crisis.communication.recipient.channel", "value": c}
                for c in self._channels()
            ],
            "sent": self.sent_count,
            "skipped": self.skipped_count,
            "failed": self.failed_count,
            "total": self.recipient_count,
        }
        if self.update_id:
            body = _lt(
                "%(kind)s “%(name)s” (published update of the public page) by "
                "%(channels)s: %(sent)s sent, %(skipped)s skipped, %(failed)s failed "
                "of %(total)s."
            )
        else:
            body = _lt(
                "%(kind)s “%(name)s” (content version %(version)s) by %(channels)s: "
                "%(sent)s sent, %(skipped)s skipped, %(failed)s failed of %(total)s."
            )
            values["version"] = self.message_version
        self.incident_id._log("communication", body, values)

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------
    def _page_url(self):
        self.ensure_one()
        incident = self.incident_id.sudo()
        return incident.page_url if incident.page_published else False

    def _page_subscriptions(self, partners):
        """``{partner id: subscription}`` of those ``partners`` who subscribed
        to this incident's public page, if this communication is crisis
        information.

        Their e-mails carry the page's signed one-click unsubscribe link,
        which withdraws the ``crisis_info`` e-mail consent they gave there.
        Other recipients get no such link: the page did not give their legal
        basis (contract, legitimate interest, a consent recorded elsewhere),
        so the page cannot take it back either, and other purposes are not
        what they subscribed to.
        """
        self.ensure_one()
        if self.purpose_id.code != "crisis_info" or not partners:
            return {}
        subscriptions = (
            self.env["crisis.page.subscription"]
            .sudo()
            .search(
                [
                    ("incident_id", "=", self.incident_id.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "=", "confirmed"),
                ]
            )
        )
        return {
            subscription.partner_id.id: subscription for subscription in subscriptions
        }

    def _public_date(self):
        """When the sent text was current: the time of the published update,
        else when sending started."""
        self.ensure_one()
        return self.update_id.date or self.date_queued or fields.Datetime.now()

    def _public_date_text(self, lang, short=False):
        """The line "As of …" in ``lang``, in the company's time zone."""
        self.ensure_one()
        comm = self.with_context(lang=lang)
        return comm.env._(
            "As of %(time)s",
            time=self.incident_id.sudo()._page_format_date(
                self._public_date(), lang, short=short
            ),
        )

    def _render_email_body(
        self, lang, recipient=None, subscription=None, personal=None, body=None
    ):
        """The e-mail in ``lang``, laid out as a letter: the salutation, the
        text, the signature, then why the reader gets it (with the personal
        link that withdraws the consent or records the objection where the
        basis allows it, a page subscriber's unsubscribe link) and the
        company's legal details.

        ``personal`` (``{"salutation", "withdraw_url", "safety_url"}``)
        overrides what is taken from ``recipient``: the sender renders one
        body per language and basis with placeholders there. ``body``
        replaces the frozen text (a test before sending).
        """
        self.ensure_one()
        comm = self.with_context(lang=lang)
        Recipient = self.env["crisis.communication.recipient"]
        personal = dict(personal or {})
        if recipient and "salutation" not in personal:
            personal["salutation"] = salutation(
                recipient.partner_id.sudo(), lang, self.env
            )
        if recipient and "safety_url" not in personal and comm.kind == "safety_check":
            personal["safety_url"] = recipient._safety_url()
        basis = recipient.legal_basis if recipient else False
        if subscription:
            basis = "subscription"
        if recipient and "withdraw_url" not in personal:
            personal["withdraw_url"] = recipient._withdraw_url()
        signer, signer_role = Recipient._letter_signer(
            comm.incident_id.sudo().with_context(lang=lang), lang
        )
        company = comm.company_id.sudo()
        basis_text, withdraw_label = comm._email_basis_text(
            basis, bool(personal.get("withdraw_url"))
        )
        values = {
            "salutation": personal.get("salutation")
            or salutation(self.env["res.partner"], lang),
            "body": (comm.body or "") if body is None else body,
            "as_of": comm._public_date_text(lang),
            "safety_url": personal.get("safety_url"),
            "page_url": comm._page_url(),
            "unsubscribe_url": subscription and subscription._unsubscribe_url(),
            "basis_text": basis_text,
            "withdraw_label": withdraw_label,
            "withdraw_url": personal.get("withdraw_url"),
            "signer": signer,
            "signer_role": signer_role,
            "company_name": company.name,
            "legal_footer": company._crisis_legal_footer(lang),
        }
        return comm.env["ir.qweb"]._render(
            "crisis_management.crisis_communication_email_body", values
        )

    def _email_basis_text(self, basis, with_link):
        """``(sentence, link label)``: why the reader gets this e-mail, in
        the language of the context. Consent and legitimate interest offer
        to withdraw (the link follows the sentence); a legal obligation,
        vital interest or contract say why there is nothing to withdraw."""
        self.ensure_one()
        env = self.env
        purpose = self.purpose_id.name
        sentence, link = {
            "subscription": (
                env._(
                    "You receive this e-mail because you subscribed to updates "
                    "on this incident."
                ),
                "",
            ),
            "consent": (
                env._(
                    "You receive this e-mail because you agreed to receive "
                    "“%(purpose)s” by e-mail. You can withdraw this consent at "
                    "any time, with effect for the future.",
                    purpose=purpose,
                ),
                env._("Withdraw consent"),
            ),
            "legitimate_interest": (
                env._(
                    "We send you this e-mail on the basis of our legitimate "
                    "interest in informing you about “%(purpose)s” (Art. 6(1)(f) "
                    "GDPR). You can object to it at any time.",
                    purpose=purpose,
                ),
                env._("Stop these e-mails"),
            ),
            "legal_obligation": (
                env._(
                    "We send you this e-mail because the law obliges us to inform "
                    "you (Art. 6(1)(c) GDPR); this information cannot be "
                    "unsubscribed from."
                ),
                "",
            ),
            "vital_interest": (
                env._(
                    "We send you this e-mail to protect your safety (Art. 6(1)(d) "
                    "GDPR); it is sent whatever else you have chosen."
                ),
                "",
            ),
            "contract": (
                env._(
                    "We send you this e-mail as part of our contract with you "
                    "(Art. 6(1)(b) GDPR)."
                ),
                "",
            ),
        }.get(basis, ("", ""))
        return sentence, with_link and link

    def _render_sms_body(self, lang, recipient=None, text=None):
        self.ensure_one()
        comm = self.with_context(lang=lang)
        if text is None:
            text = comm.sms_text or html2plaintext(comm.body or "")
        text = text.strip()
        text += "\n" + comm._public_date_text(lang, short=True)
        if comm.kind == "safety_check" and recipient:
            # Replies are asked for by link: an SMS answer reaches nobody.
            text += "\n" + comm.env._(
                "Let us know by this link: %(url)s", url=recipient._safety_url()
            )
        else:
            page_url = comm._page_url()
            if page_url:
                text += "\n" + comm.env._("More: %(url)s", url=page_url)
        return text

    # ------------------------------------------------------------------
    # Safety check
    # ------------------------------------------------------------------
    @api.model
    def _cron_safety_followup(self):
        """Remind people who did not answer a safety check in time, then give
        a task to the person responsible to reach them personally."""
        auto_commit = may_commit(self.env)
        comms = self.search(
            [("kind", "=", "safety_check"), ("state", "in", ("sending", "done"))]
        )
        for done, comm in enumerate(comms, start=1):
            comm._safety_followup()
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(comms) - done)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    def _safety_followup(self):
        self.ensure_one()
        Recipient = self.env["crisis.communication.recipient"].sudo()
        now = fields.Datetime.now()
        delay = timedelta(hours=self.followup_delay)
        lines = Recipient.search(
            [("communication_id", "=", self.id), ("state", "=", "sent")]
        )
        status = Recipient._safety_status_by_partner(lines)
        unanswered = lines.filtered(lambda line: not status.get(line.partner_id.id))
        to_remind = unanswered.filtered(
            lambda line: (
                line.followup_stage == "0"
                and line.date_sent
                and line.date_sent + delay <= now
            )
        )
        if to_remind:
            to_remind._send_now(reminder=True)
            to_remind.write({"followup_stage": "1", "date_followup": now})
        to_escalate = unanswered.filtered(
            lambda line: (
                line.followup_stage == "1"
                and line.date_followup
                and line.date_followup + delay <= now
            )
        )
        if not to_escalate:
            return
        user = self.followup_user_id or self.incident_id.lead_id
        Task = self.env["crisis.task"].sudo()
        for partner, partner_lines in to_escalate.grouped("partner_id").items():
            numbers = ", ".join(n for n in (partner.mobile, partner.phone) if n) or _(
                "no phone number known"
            )
            task = Task.create(
                {
                    "incident_id": self.incident_id.id,
                    "name": _(
                        "Reach %(partner)s: no answer to the safety check",
                        partner=partner.display_name,
                    ),
                    "description": Markup("<p>%s</p>")
                    % _(
                        "%(partner)s did not answer the safety check “%(name)s”, "
                        "not even after a reminder. Reach them personally "
                        "(%(numbers)s) and record the answer.",
                        partner=partner.display_name,
                        name=self.name,
                        numbers=numbers,
                    ),
                    "user_id": user.id,
                    "priority": "2",
                    "date_deadline": now + delay,
                }
            )
            partner_lines.write({"followup_stage": "2", "task_id": task.id})
