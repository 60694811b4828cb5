# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
import secrets

from markupsafe import escape

from odoo import _, _lt, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, consteq

from ..tools import qr_png, resolve_lang, salutation
from ..tools.fields import workflow_state
from .crisis_communication import (
    COMMUNICATION_CHANNELS,
    RECIPIENT_STATES,
    SAFETY_ANSWERS,
)
from .crisis_consent import LEGAL_BASES, WITHDRAWABLE_BASES

# Answers one personal safety link may give (changes included).
MAX_SAFETY_ANSWERS = 5


SKIP_CODES = [
    ("blacklisted", "On the Blacklist"),
    ("no_basis", "No Consent or Other Legal Basis"),
    ("address", "No Usable Address"),
    ("unsubscribed", "Unsubscribed with One Click"),
]
# Lines skipped before the code was stored: what their state says.
SKIP_CODE_OF_STATE = {"skipped_consent": "no_basis", "skipped_address": "address"}


class CrisisCommunicationRecipient(models.Model):
    """One partner on one channel of a communication: what happened to the
    message for them, and for a safety check, their answer."""

    _name = "crisis.communication.recipient"
    _inherit = ["crisis.workflow.mixin"]
    _description = "Crisis Communication Recipient"
    _order = "communication_id desc, id"
    _rec_name = "partner_id"
    # Written by sending, the delivery reports and the person's answer only
    # (crisis.workflow.mixin), never copied: a line is evidence of what was
    # sent to whom. Lines follow their communication's incident and are not
    # logged one by one.
    _workflow_fields = frozenset(
        {
            "communication_id",
            "partner_id",
            "channel",
            "lang",
            "address",
            "state",
            "skip_code",
            "legal_basis",
            "error",
            "date_sent",
            "email_message_id",
            "date_failed",
            "letter_attachment_id",
            "response_token",
            "safety_answer",
            "date_answered",
            "safety_answer_count",
            "followup_stage",
            "date_followup",
            "task_id",
        }
    )
    _workflow_incident_field = False
    _workflow_copy = "refuse"

    communication_id = fields.Many2one(
        "crisis.communication",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    incident_id = fields.Many2one(
        related="communication_id.incident_id", store=True, index=True
    )
    company_id = fields.Many2one(related="communication_id.company_id", store=True)
    kind = fields.Selection(related="communication_id.kind", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    channel = fields.Selection(COMMUNICATION_CHANNELS, required=True, readonly=True)
    lang = fields.Char(string="Language", readonly=True)
    address = fields.Char(
        readonly=True, help="The e-mail address, number or postal address used."
    )
    state = workflow_state([*RECIPIENT_STATES, ("bounced", "Bounced")], "queued")
    # Why a line was skipped is stored as a code and put into words for each
    # reader: the German communication report gives German reasons even when
    # the sending ran in English (a cron, an English-speaking sender).
    skip_code = fields.Selection(SKIP_CODES, string="Reason Code", readonly=True)
    skip_reason = fields.Char(string="Why Skipped", compute="_compute_skip_reason")
    legal_basis = fields.Selection(
        LEGAL_BASES,
        readonly=True,
        help="The strongest legal basis recorded for this purpose and channel "
        "when the message was queued: mails on consent or legitimate interest "
        "offer to withdraw, the others say why they are sent.",
    )
    error = fields.Text(readonly=True)
    date_sent = fields.Datetime(string="Sent On", readonly=True)
    # Delivery truth: what the mail server or SMS gateway reported back later.
    email_message_id = fields.Char(
        string="Message-Id",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Message-Id of the e-mail sent: a bounce refers to it.",
    )
    date_failed = fields.Datetime(
        string="Failed On",
        readonly=True,
        copy=False,
        help="When the bounce or the delivery failure was reported.",
    )
    # The letters of a safety check carry each person's answer link: for the
    # crisis team only (see crisis.communication.letter_pdf).
    letter_attachment_id = fields.Many2one(
        "ir.attachment",
        string="Letter PDF",
        readonly=True,
        ondelete="set null",
        groups="crisis_management.group_crisis_manager",
    )
    # Safety check
    response_token = fields.Char(
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: self._new_response_token(),
        groups="crisis_management.group_crisis_admin",
    )
    safety_answer = fields.Selection(SAFETY_ANSWERS, string="Answer", readonly=True)
    date_answered = fields.Datetime(string="Answered On", readonly=True)
    safety_answer_count = fields.Integer(
        string="Answers Given",
        readonly=True,
        help="How often the person answered through their link: the number of "
        "changes is limited, so that a leaked link cannot flood the team.",
    )
    followup_stage = fields.Selection(
        [("0", "None"), ("1", "Reminded"), ("2", "Task Created")],
        string="Follow-up",
        default="0",
        readonly=True,
    )
    date_followup = fields.Datetime(string="Reminded On", readonly=True)
    task_id = fields.Many2one("crisis.task", string="Follow-up Task", readonly=True)

    _sql_constraints = [
        (
            "partner_channel_unique",
            "unique(communication_id, partner_id, channel)",
            "A contact receives a communication only once per channel.",
        ),
        (
            "response_token_unique",
            "unique(response_token)",
            "Answer links must be unique.",
        ),
    ]

    @api.depends("skip_code", "state", "channel", "communication_id.purpose_id")
    @api.depends_context("lang")
    def _compute_skip_reason(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for line in self:
            code = line.skip_code or SKIP_CODE_OF_STATE.get(line.state)
            line.skip_reason = line._skip_reason_text(code, channels) if code else False

    def _skip_reason_text(self, code, channels):
        """``code`` in words, in the language of the reader (``env.lang``)."""
        self.ensure_one()
        if code == "unsubscribed":
            return self.env._(
                "Withdrew the consent to “%(purpose)s” by %(channel)s with the "
                "one-click unsubscribe link of an e-mail.",
                purpose=self.communication_id.sudo().purpose_id.name or "",
                channel=channels.get(self.channel, self.channel),
            )
        if code == "blacklisted":
            if self.channel == "email":
                return self.env._("The e-mail address is on the blacklist.")
            return self.env._("The phone number is on the blacklist.")
        if code == "address":
            return {
                "email": self.env._("No valid e-mail address."),
                "sms": self.env._("No valid mobile or phone number."),
                "letter": self.env._(
                    "No complete postal address (street, ZIP code, city)."
                ),
            }[self.channel]
        return self.env._(
            "No consent or other legal basis for “%(purpose)s” by %(channel)s.",
            purpose=self.communication_id.sudo().purpose_id.name or "",
            channel=channels.get(self.channel, self.channel),
        )

    @api.model
    def _new_response_token(self):
        # 18 random bytes: 144 bits, 24 URL-safe characters (short enough for SMS).
        return secrets.token_urlsafe(18)

    def _safety_url(self):
        """The personal answer link of this line. Whoever has it answers in
        the person's name: it is read for sending (superuser mode) and for
        those who may send the communication, nobody else.

        :raise AccessError: for anyone else (e.g. a hotline user printing the
            letters of a safety check through the report URL)
        """
        self.ensure_one()
        self._check_answer_link_access()
        return f"{self.get_base_url()}/crisis/safety/{self.sudo().response_token}"

    def _withdraw_url(self):
        """The personal withdrawal link of this line's mail, or False where
        its basis cannot be withdrawn (or in an exercise)."""
        self.ensure_one()
        line = self.sudo()
        comm = line.communication_id
        if line.legal_basis not in WITHDRAWABLE_BASES or comm.incident_id.is_exercise:
            return False
        return self.env["crisis.consent"]._withdraw_url(
            line.partner_id, comm.purpose_id, line.channel
        )

    def _check_answer_link_access(self):
        if self.env.su or self.communication_id.has_access("write"):
            return
        env = self._workflow_env()
        raise AccessError(
            env._(
                "Only the crisis team of the incident may see or print the "
                "personal answer links of a safety check: whoever has a link "
                "answers in that person's name."
            )
        )

    @api.model
    def _safety_status_by_partner(self, lines):
        """``{partner_id: False | "safe" | "help"}``: the latest answer of each
        partner over all their lines (one person, several channels)."""
        status = {}
        latest = {}
        for line in lines.filtered(lambda r: r.state == "sent"):
            pid = line.partner_id.id
            status.setdefault(pid, False)
            if line.safety_answer and (
                pid not in latest or line.date_answered >= latest[pid]
            ):
                latest[pid] = line.date_answered
                status[pid] = line.safety_answer
        return status

    # ------------------------------------------------------------------
    # Sending (called by the cron job, inside one transaction per batch)
    # ------------------------------------------------------------------
    def _send_now(self, reminder=False):
        """Hand these lines to Odoo's outgoing queues and mark them sent, in
        the same transaction: e-mail as ``mail.mail``, SMS as ``sms.sms``,
        letters as one PDF for the whole batch."""
        now = fields.Datetime.now()
        by_comm = self.grouped("communication_id")
        for comm, lines in by_comm.items():
            comm = comm.sudo()
            email_lines = lines.filtered(lambda r: r.channel == "email")
            sms_lines = lines.filtered(lambda r: r.channel == "sms")
            letter_lines = lines.filtered(lambda r: r.channel == "letter")
            if email_lines:
                self._create_mails(comm, email_lines, reminder)
            if sms_lines:
                self._create_sms(comm, sms_lines, reminder)
            if letter_lines and not reminder:
                attachment = self._create_letters(comm, letter_lines)
                letter_lines.write({"letter_attachment_id": attachment.id})
            if not reminder:
                lines.write({"state": "sent", "date_sent": now})
        if any(line.channel == "email" for line in self):
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        if any(line.channel == "sms" for line in self):
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()

    @api.model
    def _create_mails(self, comm, lines, reminder=False):
        email_from = comm.company_id.email_formatted or comm.user_id.email_formatted
        subjects = {}
        bodies = {}
        vals_list = []
        subscriptions = comm._page_subscriptions(lines.partner_id)
        # What differs from one reader to the next is put into a body
        # rendered once per language and basis (escaped: names are text).
        placeholders = {
            "salutation": "__CRISIS_SALUTATION__",
            "withdraw_url": "__CRISIS_WITHDRAW_URL__",
            "safety_url": "__CRISIS_SAFETY_URL__",
        }
        Consent = self.env["crisis.consent"]
        for line in lines:
            if line.lang not in subjects:
                subject = comm.with_context(lang=line.lang).subject
                if reminder:
                    subject = comm.with_context(lang=line.lang).env._(
                        "Reminder: %(subject)s", subject=subject
                    )
                subjects[line.lang] = subject
            subscription = subscriptions.get(line.partner_id.id)
            withdraw_url = False
            if (
                not subscription
                and line.legal_basis in WITHDRAWABLE_BASES
                and not comm.incident_id.is_exercise
            ):
                withdraw_url = Consent._withdraw_url(
                    line.partner_id, comm.purpose_id, line.channel
                )
            if subscription:
                body = comm._render_email_body(line.lang, line, subscription)
            else:
                key = (line.lang, line.legal_basis)
                if key not in bodies:
                    markers = dict(placeholders)
                    if not withdraw_url:
                        markers["withdraw_url"] = ""
                    if comm.kind != "safety_check":
                        markers["safety_url"] = ""
                    bodies[key] = str(
                        comm._render_email_body(line.lang, line, personal=markers)
                    )
                body = bodies[key]
                personal = {
                    "salutation": salutation(line.partner_id, line.lang, self.env),
                    "withdraw_url": withdraw_url or "",
                    "safety_url": line._safety_url()
                    if comm.kind == "safety_check"
                    else "",
                }
                for name, marker in placeholders.items():
                    body = body.replace(marker, escape(personal[name]))
            vals = {
                "subject": subjects[line.lang],
                "body_html": body,
                "email_from": email_from,
                "email_to": line.address,
                "recipient_ids": [],
                "auto_delete": True,
                "message_type": "email_outgoing",
                "crisis_recipient_id": line.id,
                "state": "outgoing",
            }
            if subscription:
                vals["headers"] = repr(subscription._unsubscribe_headers())
            elif withdraw_url:
                vals["headers"] = repr(Consent._withdraw_headers(withdraw_url))
            vals_list.append(vals)
        mails = self.env["mail.mail"].sudo().create(vals_list)
        # Keep each Message-Id on its line (the mail itself is deleted once
        # sent): a bounce names it. One statement for the whole batch.
        self.env.cr.execute(
            SQL(
                "UPDATE crisis_communication_recipient r SET email_message_id = v.mid"
                " FROM (VALUES %s) AS v(id, mid) WHERE r.id = v.id",
                SQL(", ").join(
                    SQL("(%s, %s)", mail.crisis_recipient_id.id, mail.message_id)
                    for mail in mails
                ),
            )
        )
        lines.invalidate_recordset(["email_message_id"])
        return mails

    @api.model
    def _create_sms(self, comm, lines, reminder=False):
        sender = comm.company_id._crisis_sms_sender_name()
        per_lang = {}
        vals_list = []
        personal = comm.kind == "safety_check"
        for line in lines:
            if personal:
                body = comm._render_sms_body(line.lang, line)
            else:
                if line.lang not in per_lang:
                    per_lang[line.lang] = comm._render_sms_body(line.lang)
                body = per_lang[line.lang]
            if reminder:
                body = comm.with_context(lang=line.lang).env._(
                    "Reminder: %(text)s", text=body
                )
            # Who writes comes first: an SMS from an unknown number that
            # asks to open a link reads like phishing otherwise.
            body = f"{sender}: {body}" if sender else body
            vals_list.append(
                {
                    "number": line.address,
                    "body": body,
                    "partner_id": line.partner_id.id,
                    "crisis_recipient_id": line.id,
                    "state": "outgoing",
                }
            )
        sms_records = self.env["sms.sms"].sudo().create(vals_list)
        # A tracker per SMS: the gateway's later delivery report finds the
        # line through it (see sms.tracker in sms_sms.py).
        self.env["sms.tracker"].sudo().create(
            [
                {
                    "sms_uuid": sms.uuid,
                    "crisis_recipient_id": sms.crisis_recipient_id.id,
                }
                for sms in sms_records
            ]
        )
        return sms_records

    def _mark_undelivered(self, state, reason):
        """A line that was handed over as ``sent`` turned out not to reach
        its recipient: ``bounced`` (e-mail) or ``failed`` (late SMS report)."""
        lines = self.filtered(lambda r: r.state == "sent")
        if lines:
            lines.sudo().write(
                {"state": state, "error": reason, "date_failed": fields.Datetime.now()}
            )
        return lines

    # ------------------------------------------------------------------
    # Safety answers
    # ------------------------------------------------------------------
    @api.model
    def _find_by_token(self, token):
        """The recipient line of a personal answer link, or an empty
        recordset. The token is compared in constant time before the line
        (in sudo: its token is readable by administrators only) is
        returned."""
        if (
            not isinstance(token, str)
            or len(token) < 22
            or len(token) > 64
            or "\x00" in token
        ):
            # (PostgreSQL refuses a NUL byte in a query: never a server error)
            return self.browse()
        line = self.sudo().search(
            [
                ("response_token", "=", token),
                ("communication_id.kind", "=", "safety_check"),
                ("state", "=", "sent"),
            ],
            limit=1,
        )
        if not line or not consteq(line.response_token, token):
            return self.browse()
        return line

    def _safety_check_open(self):
        """Answers are taken until the incident is closed, as long as the
        person has not used up their answers."""
        self.ensure_one()
        line = self.sudo()
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crisis_management.safety_max_answers", MAX_SAFETY_ANSWERS)
        )
        return line.incident_id.state != "closed" and line.safety_answer_count < limit

    def _record_safety_answer(self, answer):
        """Record the answer of the person behind a personal link.

        :return: False when the check no longer takes answers (incident
            closed, too many answers), else True
        """
        self.ensure_one()
        if answer not in dict(SAFETY_ANSWERS):
            raise UserError(_("Please answer “I am safe” or “I need help”."))
        if not self._safety_check_open():
            return False
        line = self.sudo()
        previous = line.safety_answer
        line.write(
            {
                "safety_answer": answer,
                "date_answered": fields.Datetime.now(),
                "safety_answer_count": line.safety_answer_count + 1,
            }
        )
        incident = line.incident_id
        incident._notify_situation_changed()
        # The lead is alerted when someone newly needs help, not again for
        # the same answer sent twice.
        if answer == "help" and previous != "help":
            values = {
                "name": line.communication_id.name,
                "partner": line.partner_id.display_name,
            }
            incident._log(
                "fact", _lt("Safety check “%(name)s”: %(partner)s NEEDS HELP."), values
            )
            body = _("Safety check “%(name)s”: %(partner)s NEEDS HELP.", **values)
            incident.message_post(
                body=body,
                partner_ids=incident.lead_id.partner_id.ids,
                author_id=line.partner_id.id,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    # ------------------------------------------------------------------
    # Letters (one PDF per batch, a DIN 5008 letter per recipient)
    # ------------------------------------------------------------------
    @api.model
    def _create_letters(self, comm, lines):
        """One printable document with a letter per recipient of the batch."""
        report = self.env.ref("crisis_management.action_report_crisis_letter")
        content, report_type = (
            self.env["ir.actions.report"].sudo()._render_qweb_pdf(report, lines.ids)
        )
        first, last = lines[0].id, lines[-1].id
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": _(
                        "Letters %(name)s %(first)s-%(last)s.%(ext)s",
                        name=comm.name,
                        first=first,
                        last=last,
                        ext=report_type,
                    ),
                    "datas": base64.b64encode(content),
                    "res_model": comm._name,
                    "res_id": comm.id,
                    # Readable by the crisis team only: a safety check's
                    # letters carry everyone's answer link.
                    "res_field": "letter_pdf",
                    "mimetype": "application/pdf"
                    if report_type == "pdf"
                    else "text/html",
                }
            )
        )

    def _letter_values(self):
        """What the letter template prints for this recipient, in the
        recipient's language."""
        self.ensure_one()
        lang = resolve_lang(self.env, self.lang, company=self.company_id)
        comm = self.communication_id.sudo().with_context(lang=lang)
        partner = self.partner_id.sudo().with_context(lang=lang)
        company = comm.company_id.with_context(lang=lang)
        incident = comm.incident_id.with_context(lang=lang)
        company_address = " · ".join(
            filter(
                None,
                [
                    company.street,
                    " ".join(filter(None, [company.zip, company.city])),
                ],
            )
        )
        sender = " · ".join(filter(None, [company.name, company_address]))
        if comm.kind == "safety_check":
            qr_url = self._safety_url()
        else:
            qr_url = comm._page_url()
        qr = qr_url and (
            "data:image/png;base64," + base64.b64encode(qr_png(qr_url)).decode()
        )
        signer, signer_role = self._letter_signer(incident, lang)
        return {
            "lang": lang,
            "sender": sender,
            "company_address": company_address,
            "company_contact": [
                value
                for value in (
                    company.phone,
                    company.email,
                    re.sub(r"^https?://", "", company.website or "").rstrip("/"),
                )
                if value
            ],
            "address_lines": self._letter_address_lines(partner, company, lang),
            "salutation": self._letter_salutation(partner, lang),
            "subject": comm.subject,
            "body": comm.body,
            "qr": qr,
            "qr_url": qr_url,
            "hotline": incident._page_hotline(),
            "date": incident._page_format_date(
                fields.Datetime.now(), lang, date_only=True
            ),
            "company": company,
            "incident": incident,
            "signer": signer,
            "signer_role": signer_role,
            "legal_footer": comm.company_id._crisis_legal_footer(lang),
        }

    @api.model
    def _letter_address_lines(self, partner, company, lang):
        """The address block after DIN 5008: the company of a contact person,
        the name, the street and town in the order of the destination country,
        the country only for mail abroad, in capitals in the letter's
        language."""
        lines = []
        parent = partner.parent_id
        if parent and parent.name and parent.name != partner.name:
            lines.append(parent.name)
        lines.append(partner.name or "")
        address_format, args = partner._prepare_display_address(without_company=True)
        country = partner.country_id
        domestic = not country or country == company.country_id
        args["country_name"] = (
            "" if domestic else (country.with_context(lang=lang).name or "").upper()
        )
        lines += (address_format % args).split("\n")
        return [line.strip() for line in lines if line and line.strip()]

    @api.model
    def _letter_salutation(self, partner, lang):
        """The salutation in ``lang`` (see tools.salutation)."""
        return salutation(partner, lang, self.env)

    @api.model
    def _letter_signer(self, incident, lang):
        """``(name, role)`` of who signs: the incident lead, else the
        spokesperson."""
        users = incident._users_by_role()
        roles = dict(
            self.env["crisis.incident.member"]
            ._fields["role"]
            ._description_selection(self.with_context(lang=lang).env)
        )
        for role in ("lead", "spokesperson"):
            if users.get(role):
                return users[role].sudo().name, roles[role]
        return "", ""
