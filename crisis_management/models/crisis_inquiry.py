# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An inbound question during a crisis, with its CRM link: an inquiry from
a customer reaches the salesperson who knows them, as an activity due at the
answer deadline."""

import textwrap
from datetime import timedelta

from markupsafe import Markup

from odoo import _, _lt, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html2plaintext

from ..tools import reader_tz, resolve_lang, selection_labels
from ..tools.fields import incident_fields, workflow_state

# Changed only by the actions.
WORKFLOW_FIELDS = {"state", "date_answered"}

CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("social", "Social Media"),
    ("letter", "Letter"),
    ("in_person", "In Person"),
]
STATES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("answered", "Answered"),
    ("closed", "Closed"),
]
OPEN_STATES = ("new", "in_progress")
# What an answered or closed inquiry said and when: the review report counts
# on these, so they change only by reopening the inquiry.
ANSWERED_STATES = ("answered", "closed")
ANSWERED_FROZEN_FIELDS = {
    "name",
    "incident_id",
    "partner_id",
    "caller_name",
    "caller_phone",
    "email_from",
    "stakeholder_type_id",
    "channel",
    "question",
    "answer",
    "answer_message_id",
    "user_id",
    "date_received",
    "date_due",
}
INCIDENT_OPEN = ("active", "contained", "resolved")
# Which states each action may start from.
TRANSITIONS = {
    "in_progress": ("new",),
    "answered": ("new", "in_progress"),
    "closed": ("new", "in_progress", "answered"),
    "reopen": ("answered", "closed"),
}


class CrisisInquiry(models.Model):
    """An inbound question during a crisis: a call to the hotline, an e-mail
    to the incident's address, a journalist's question, a letter. The
    hotline offers the approved Q&A that match the question. An inquiry from
    a customer reaches their salesperson as an activity.
    """

    _name = "crisis.inquiry"
    _description = "Crisis Inquiry"
    _inherit = ["mail.thread", "mail.activity.mixin", "crisis.workflow.mixin"]
    _order = "date_received desc, id desc"
    _primary_email = "email_from"
    _check_company_auto = True

    _workflow_fields = frozenset(WORKFLOW_FIELDS)
    _workflow_transitions = TRANSITIONS

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(string="Subject", required=True, tracking=True)
    incident_id, company_id = incident_fields(
        {"precompute": True},
        tracking=True,
        default=lambda self: self._default_incident_id(),
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Caller",
        index=True,
        tracking=True,
        check_company=True,
        help="The known contact who asks. Leave empty for an unknown caller and "
        "write down name and phone number instead.",
    )
    caller_name = fields.Char(help="Name of a caller who is not in the address book.")
    caller_phone = fields.Char(help="Call-back number of the caller.")
    email_from = fields.Char(string="E-mail", help="E-mail address of the sender.")
    stakeholder_type_id = fields.Many2one(
        "crisis.stakeholder.type",
        string="Stakeholder",
        compute="_compute_stakeholder_type_id",
        store=True,
        readonly=False,
        index=True,
        help="Who is asking. Taken from the caller's stakeholder types (the one "
        "with the shortest response time wins); decides when the answer is due.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    question = fields.Text()
    answer = fields.Text(string="Answer Given")
    user_id = fields.Many2one(
        "res.users",
        string="Handled By",
        index=True,
        tracking=True,
        check_company=True,
        # Whoever records it; one the system records (an import, demo data, a
        # scheduled job) waits for a person, not for "OdooBot".
        default=lambda self: (
            self.env.user if not self.env.user._is_superuser() else False
        ),
    )
    date_received = fields.Datetime(
        string="Received", required=True, default=fields.Datetime.now, index=True
    )
    date_due = fields.Datetime(
        string="Answer Due",
        compute="_compute_date_due",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="When the answer is due, from the response time of the stakeholder "
        "type (or the company's default response time).",
    )
    date_answered = fields.Datetime(string="Answered On", readonly=True, copy=False)
    state = workflow_state(STATES, "new", tracking=True)
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Still open although the answer was due.",
    )
    answered_late = fields.Boolean(
        compute="_compute_response", store=True, help="Answered after it was due."
    )
    response_minutes = fields.Integer(
        string="Response Time (minutes)",
        compute="_compute_response",
        store=True,
        aggregator="avg",
    )
    suggested_message_ids = fields.Many2many(
        "crisis.message",
        string="Approved Answers",
        compute="_compute_suggested_message_ids",
        help="Approved or published Q&A whose words match the caller's question.",
    )
    answer_message_id = fields.Many2one(
        "crisis.message",
        string="Q&A Used",
        check_company=True,
        domain="[('kind', '=', 'qa'), ('state', 'in', ('approved', 'published')), "
        "('is_template', '=', False), "
        "'|', ('incident_id', '=', False), ('incident_id', '=', incident_id)]",
        tracking=True,
        help="The approved answer given to the caller; its text is copied into "
        "the answer in the caller's language.",
    )
    salesperson_id = fields.Many2one(
        "res.users",
        compute="_compute_salesperson_id",
        help="The salesperson of the caller or of the caller's company.",
    )

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _default_incident_id(self):
        """The incident that put the company into crisis mode, else its most
        recently activated open incident."""
        company = self.env.company
        return company.crisis_incident_id.id or (
            self.env["crisis.incident"]
            .search(
                [("company_id", "=", company.id), ("state", "in", INCIDENT_OPEN)],
                order="date_activated desc, id desc",
                limit=1,
            )
            .id
        )

    @api.depends("partner_id")
    def _compute_stakeholder_type_id(self):
        for inquiry in self:
            partner = inquiry.partner_id
            types = partner.crisis_stakeholder_type_ids
            types |= partner.commercial_partner_id.crisis_stakeholder_type_ids
            if types:
                # The fastest response time wins.
                company = inquiry.company_id or self.env.company
                minutes = {t: t._effective_sla_minutes(company) for t in types}
                inquiry.stakeholder_type_id = types.sorted(
                    key=lambda t: (minutes[t], t.sequence)
                )[0]
            else:
                # Without a known contact, keep what the hotline chose.
                inquiry.stakeholder_type_id = inquiry.stakeholder_type_id

    @api.depends("date_received", "stakeholder_type_id", "incident_id")
    def _compute_date_due(self):
        for inquiry in self:
            if not inquiry.date_received:
                inquiry.date_due = False
                continue
            company = inquiry.company_id or self.env.company
            if inquiry.stakeholder_type_id:
                minutes = inquiry.stakeholder_type_id._effective_sla_minutes(company)
            else:
                minutes = company.crisis_inquiry_sla_minutes
            inquiry.date_due = inquiry.date_received + timedelta(minutes=minutes)

    @api.depends("date_due", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for inquiry in self:
            inquiry.is_overdue = bool(
                inquiry.state in OPEN_STATES
                and inquiry.date_due
                and inquiry.date_due < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on overdue inquiries."))
        domain = [
            ("state", "in", OPEN_STATES),
            ("date_due", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == bool(value):
            return domain
        return ["!", "&"] + domain

    @api.depends("date_answered", "date_received", "date_due")
    def _compute_response(self):
        for inquiry in self:
            answered = inquiry.date_answered
            if answered and inquiry.date_received:
                delta = answered - inquiry.date_received
                inquiry.response_minutes = int(delta.total_seconds() // 60)
                inquiry.answered_late = bool(
                    inquiry.date_due and answered > inquiry.date_due
                )
            else:
                inquiry.response_minutes = 0
                inquiry.answered_late = False

    @api.depends("name", "partner_id", "caller_name")
    def _compute_display_name(self):
        for inquiry in self:
            who = inquiry.partner_id.display_name or inquiry.caller_name
            inquiry.display_name = (
                f"{inquiry.name} ({who})" if who and inquiry.name else inquiry.name
            )

    @api.depends("question", "incident_id")
    def _compute_suggested_message_ids(self):
        Message = self.env["crisis.message"]
        for inquiry in self:
            inquiry.suggested_message_ids = Message.search_answers(
                inquiry.incident_id.id, inquiry.question or "", limit=5
            )

    @api.depends("partner_id.user_id", "partner_id.commercial_partner_id.user_id")
    def _compute_salesperson_id(self):
        for inquiry in self:
            inquiry.salesperson_id = inquiry.partner_id._crisis_salesperson()

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.caller_phone = self.partner_id.phone or self.partner_id.mobile
            self.email_from = self.partner_id.email

    @api.onchange("answer_message_id")
    def _onchange_answer_message_id(self):
        if self.answer_message_id:
            # An unknown caller speaks the language the clerk picked it in.
            lang = resolve_lang(
                self.env, self.partner_id.lang, self.env.lang, company=self.company_id
            )
            message = self.answer_message_id.with_context(lang=lang)
            self.answer = html2plaintext(message.body or "")

    @api.constrains("answer_message_id", "incident_id")
    def _check_answer_message_incident(self):
        for inquiry in self:
            content_incident = inquiry.answer_message_id.incident_id
            if content_incident and content_incident != inquiry.incident_id:
                raise ValidationError(
                    _(
                        "The Q&A “%(message)s” belongs to another incident.",
                        message=inquiry.answer_message_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._check_not_empty(vals_list)
        for vals in vals_list:
            if not vals.get("name") and (vals.get("question") or "").strip():
                first_line = vals["question"].strip().splitlines()[0]
                vals["name"] = textwrap.shorten(first_line, 60, placeholder="…")
            elif not vals.get("name"):
                vals["name"] = _("Inquiry")
        inquiries = super().create(vals_list)
        inquiries.incident_id._notify_situation_changed()
        inquiries._schedule_salesperson_activity()
        return inquiries

    @api.model
    def _check_not_empty(self, vals_list):
        """No empty inquiries: a screen left without a caller, a question or a
        subject would count as open, then overdue, on the wall and in the
        situation report."""
        names = ["partner_id", "caller_name", "caller_phone", "email_from", "question"]
        defaults = self.default_get(names)
        for vals in vals_list:
            values = {**defaults, **vals}
            if not any(
                (values.get(name) or "").strip()
                if isinstance(values.get(name), str)
                else values.get(name)
                for name in [*names, "name"]
            ):
                raise ValidationError(
                    _(
                        "An inquiry needs a caller or a question: "
                        "an empty one is not saved."
                    )
                )

    def write(self, vals):
        if not self.env.su:
            self._check_answered_frozen(vals)
        self.env["crisis.incident"]._notify_situations_of(self, vals)
        result = super().write(vals)
        if vals.get("partner_id"):
            self._schedule_salesperson_activity()
        return result

    def _check_answered_frozen(self, vals):
        """An answered or closed inquiry keeps what was asked, answered and
        when: only reopening it (an action) makes it editable again."""
        frozen = ANSWERED_FROZEN_FIELDS & set(vals)
        if not frozen:
            return
        for inquiry in self:
            if inquiry.state in ANSWERED_STATES:
                env = self._workflow_env()
                labels = ", ".join(
                    sorted(
                        self._fields[name]._description_string(env) or name
                        for name in frozen
                    )
                )
                raise UserError(
                    env._(
                        "The inquiry “%(inquiry)s” is %(state)s: %(fields)s can no "
                        "longer be changed. Reopen it first if the answer was wrong.",
                        inquiry=inquiry.display_name,
                        state=selection_labels(inquiry, "state")[inquiry.state],
                        fields=labels,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _workflow_refusal(self, old, new):
        self.ensure_one()
        _ = self._workflow_env()._
        if new == "reopen":
            return _(
                "The inquiry “%(inquiry)s” is %(state)s: only answered or closed "
                "inquiries can be reopened.",
                inquiry=self.display_name,
                state=old,
            )
        return _(
            "The inquiry “%(inquiry)s” is already %(state)s.",
            inquiry=self.display_name,
            state=old,
        )

    def action_start(self):
        self._workflow_check("in_progress")
        for inquiry in self:
            inquiry._workflow_apply(
                "in_progress", {"user_id": inquiry.user_id.id or self.env.uid}
            )
        return True

    def action_answer(self):
        """Record that the caller got their answer, log it and close the
        salesperson's activity."""
        self._workflow_check("answered")
        for inquiry in self:
            if not (inquiry.answer or "").strip():
                raise UserError(
                    _(
                        "Please write down the answer you gave before marking "
                        "the inquiry “%(inquiry)s” as answered.",
                        inquiry=inquiry.display_name,
                    )
                )
        now = fields.Datetime.now()
        for inquiry in self:
            inquiry._workflow_apply(
                "answered",
                {"date_answered": now, "user_id": inquiry.user_id.id or self.env.uid},
            )
            who = inquiry.partner_id.display_name or inquiry.caller_name or _("unknown")
            if inquiry.stakeholder_type_id:
                who = f"{who} ({inquiry.stakeholder_type_id.name})"
            inquiry.incident_id._log(
                "inquiry",
                _lt(
                    "Inquiry answered (%(channel)s) from %(who)s: %(question)s\n"
                    "Answer: %(answer)s"
                ),
                {
                    "channel": {
                        "field": "crisis.inquiry.channel",
                        "value": inquiry.channel,
                    },
                    "who": who,
                    "question": inquiry.question or inquiry.name,
                    "answer": inquiry.answer,
                },
            )
        self._close_salesperson_activity(_("Answered."))
        return True

    def action_close(self):
        self._workflow_apply("closed")
        self._close_salesperson_activity(_("Inquiry closed."))
        return True

    def action_reopen(self):
        self._workflow_apply("reopen", {"date_answered": False}, state="in_progress")
        return True

    # Hotline screen: save and go straight to the next call.
    def action_hotline_answer(self):
        self.action_answer()
        return self._action_next_call()

    def action_hotline_follow_up(self):
        self.filtered(lambda i: i.state == "new").action_start()
        return self._action_next_call()

    @api.model
    def _action_next_call(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_inquiry_hotline_action"
        )
        action["target"] = "main"
        return action

    # ------------------------------------------------------------------
    # The salesperson's activity
    # ------------------------------------------------------------------
    @api.model
    def _salesperson_activity_type(self):
        return self.env.ref(
            "crisis_management.mail_activity_type_crisis_inquiry",
            raise_if_not_found=False,
        ) or self.env.ref("mail.mail_activity_data_todo")

    def _schedule_salesperson_activity(self):
        """One activity per open inquiry for the caller's salesperson, due at
        the inquiry's answer deadline; only for a salesperson who may read
        the inquiry (a confidential incident stays with its team)."""
        activity_type = self._salesperson_activity_type()
        for inquiry in self.sudo():
            salesperson = inquiry.partner_id._crisis_salesperson()
            if not salesperson or inquiry.state not in ("new", "in_progress"):
                continue
            existing = inquiry.activity_ids.filtered(
                lambda a, s=salesperson: (
                    a.activity_type_id == activity_type and a.user_id == s
                )
            )
            if existing:
                continue
            if not inquiry.with_user(salesperson).has_access("read"):
                inquiry.message_post(
                    body=_(
                        "%(user)s, the salesperson of %(partner)s, cannot see crisis "
                        "inquiries and was not notified.",
                        user=salesperson.name,
                        partner=inquiry.partner_id.commercial_partner_id.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            due = inquiry.date_due or fields.Datetime.now()
            tz = reader_tz(self.env, salesperson.tz, company=inquiry.company_id)
            local_due = fields.Datetime.context_timestamp(
                inquiry.with_context(tz=tz), due
            )
            inquiry = inquiry.with_context(lang=salesperson.lang)
            inquiry.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=local_due.date(),
                summary=inquiry.env._(
                    "Your customer asks: %(subject)s (answer due %(due)s)",
                    subject=inquiry.name,
                    due=local_due.strftime("%Y-%m-%d %H:%M"),
                ),
                note=Markup("<p>%s</p>") % (inquiry.question or inquiry.name),
                user_id=salesperson.id,
            )

    def _close_salesperson_activity(self, feedback):
        activity_type = self._salesperson_activity_type()
        activities = self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        if activities:
            activities.action_feedback(feedback=feedback)

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An e-mail to an incident's alias: an inquiry by e-mail from the
        sender, linked to the contact who has that address when our mail
        server vouched for the sender (see ``_mail_sender_verified``): a
        forged ``From:`` must not borrow a known contact's name and SLA."""
        self = self.with_context(default_user_id=False)
        # (set by the incident's _alias_get_error; not a value to post)
        verified = msg_dict.pop("crisis_sender_verified", False)
        email_from = msg_dict.get("email_from") or msg_dict.get("from")
        partner = self.env["res.partner"]
        if verified:
            partner = partner.browse(msg_dict.get("author_id") or [])
            if not partner and email_from:
                normalized = tools.email_normalize(email_from)
                partner = normalized and partner.search(
                    [("email_normalized", "=", normalized)], limit=1
                )
        name = tools.parse_contact_from_email(email_from or "")[0]
        defaults = {
            "name": msg_dict.get("subject") or _("No Subject"),
            "channel": "email",
            "email_from": email_from,
            "partner_id": partner.id if partner else False,
            "caller_name": False if partner else name,
            "question": tools.html2plaintext(msg_dict.get("body") or ""),
        }
        defaults.update(custom_values or {})
        inquiry = super().message_new(msg_dict, custom_values=defaults)
        if partner:
            inquiry.message_subscribe(partner_ids=partner.ids)
        return inquiry

    def message_update(self, msg_dict, update_vals=None):
        msg_dict.pop("crisis_sender_verified", None)
        return super().message_update(msg_dict, update_vals=update_vals)

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=_("Caller")
            )
        elif self.email_from:
            self._message_add_suggested_recipient(
                recipients, email=self.email_from, reason=_("Caller E-mail")
            )
        return recipients
