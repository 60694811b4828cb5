# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import textwrap
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..tools import (
    check_transition,
    guard_workflow_fields,
    resolve_lang,
    selection_labels,
)

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
    hotline offers the approved Q&A that match the question.

    The CRM side (the caller's salesperson) is in ``crisis_inquiry_crm.py``.
    """

    _name = "crisis.inquiry"
    _description = "Crisis Inquiry"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_received desc, id desc"
    _primary_email = "email_from"
    _check_company_auto = True

    name = fields.Char(string="Subject", required=True, tracking=True)
    incident_id = fields.Many2one(
        "crisis.incident",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
        tracking=True,
        default=lambda self: self._default_incident_id(),
    )
    company_id = fields.Many2one(
        related="incident_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Caller",
        index=True,
        tracking=True,
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
        default=lambda self: self.env.user,
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
    state = fields.Selection(
        STATES,
        required=True,
        default="new",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
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
        domain="[('kind', '=', 'qa'), ('state', 'in', ('approved', 'published'))]",
        tracking=True,
        help="The approved answer given to the caller; its text is copied into "
        "the answer in the caller's language.",
    )

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

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.caller_phone = self.partner_id.phone or self.partner_id.mobile
            self.email_from = self.partner_id.email

    @api.onchange("answer_message_id")
    def _onchange_answer_message_id(self):
        if self.answer_message_id:
            lang = resolve_lang(self.env, self.partner_id.lang, company=self.company_id)
            message = self.answer_message_id.with_context(lang=lang)
            self.answer = html2plaintext(message.body or "")

    @api.model_create_multi
    def create(self, vals_list):
        guard_workflow_fields(self, vals_list, WORKFLOW_FIELDS)
        for vals in vals_list:
            if not vals.get("name") and (vals.get("question") or "").strip():
                first_line = vals["question"].strip().splitlines()[0]
                vals["name"] = textwrap.shorten(first_line, 60, placeholder="…")
            elif not vals.get("name"):
                vals["name"] = _("Inquiry")
        inquiries = super().create(vals_list)
        inquiries.incident_id._notify_situation_changed()
        return inquiries

    def write(self, vals):
        guard_workflow_fields(self, vals, WORKFLOW_FIELDS)
        self.env["crisis.incident"]._notify_situations_of(self, vals)
        return super().write(vals)

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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_transition(self, target):
        self.check_access("write")
        check_transition(self, TRANSITIONS[target], target, self._transition_refusal)

    def _transition_refusal(self, inquiry, old, new):
        if new == "reopen":
            return _(
                "The inquiry “%(inquiry)s” is %(state)s: only answered or closed "
                "inquiries can be reopened.",
                inquiry=inquiry.display_name,
                state=old,
            )
        return _(
            "The inquiry “%(inquiry)s” is already %(state)s.",
            inquiry=inquiry.display_name,
            state=old,
        )

    def action_start(self):
        self._check_transition("in_progress")
        for inquiry in self:
            inquiry.sudo().write(
                {"state": "in_progress", "user_id": inquiry.user_id.id or self.env.uid}
            )
        return True

    def action_answer(self):
        """Record that the caller got their answer, and log it."""
        self._check_transition("answered")
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
        channels = selection_labels(self, "channel")
        for inquiry in self:
            inquiry.sudo().write(
                {
                    "state": "answered",
                    "date_answered": now,
                    "user_id": inquiry.user_id.id or self.env.uid,
                }
            )
            who = inquiry.partner_id.display_name or inquiry.caller_name or _("unknown")
            if inquiry.stakeholder_type_id:
                who = f"{who} ({inquiry.stakeholder_type_id.name})"
            inquiry.incident_id._log(
                "inquiry",
                _(
                    "Inquiry answered (%(channel)s) from %(who)s: %(question)s\n"
                    "Answer: %(answer)s",
                    channel=channels[inquiry.channel],
                    who=who,
                    question=inquiry.question or inquiry.name,
                    answer=inquiry.answer,
                ),
            )
        return True

    def action_close(self):
        self._check_transition("closed")
        self.sudo().write({"state": "closed"})
        return True

    def action_reopen(self):
        self._check_transition("reopen")
        self.sudo().write({"state": "in_progress", "date_answered": False})
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
