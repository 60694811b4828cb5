# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The crisis incident, in one class and in sections, as Odoo's own models
are: fields, computes, CRUD, the workflow, the situation picture and its live
wall, the public page, the crisis log, crisis mode, the hotline, exercises,
the emergency contact sheet and the CRM.

Other addons add their figures to the wall through
``_situation_dashboard_sections``: the wall renders any section it is given
and knows nothing of them.
"""

import ast
import base64
import re
import secrets
from collections import Counter
from datetime import timedelta
from textwrap import shorten

from werkzeug.urls import url_encode

from odoo import Command, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime, html2plaintext, is_html_empty
from odoo.tools.translate import LazyGettext, _lt

from odoo.addons.mail.tools.alias_error import AliasError
from odoo.addons.mail.tools.discuss import Store

from ..tools import (
    CRISIS_LANGS,
    count_by,
    format_public_datetime,
    installed_crisis_langs,
    mail_sender_verified,
    public_uuid,
    qr_png,
    reader_tz,
    require_group,
    resolve_lang,
    rfc3339,
    selection_labels,
    valid_id,
)
from ..tools.fields import workflow_state
from .crisis_bilingual_mixin import bilingual_fields
from .crisis_incident_type import DEFAULT_ALARM_ESCALATION_MINUTES
from .crisis_inquiry import OPEN_STATES as INQUIRY_OPEN_STATES
from .crisis_roster_line import ROSTER_ROLES

SEVERITIES = [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")]
STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("contained", "Contained"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
]
# Which states each action may start from.
TRANSITIONS = {
    "active": ("draft",),
    "contained": ("active",),
    "resolved": ("active", "contained"),
    "closed": ("resolved",),
}
# An open incident of these severities puts its company into crisis mode.
CRISIS_SEVERITIES = ("major", "critical")
OPEN_STATES = ("active", "contained", "resolved")
# Changed only by the actions (see crisis.workflow.mixin).
WORKFLOW_FIELDS = {
    "state",
    "reference",
    "date_activated",
    "date_closed",
    "page_published",
    "date_update_reminded",
    "next_update_due",
    "page_token",
    "page_date_updated",
    "log_head_hash",
    "discuss_channel_id",
}
# Set only by the report wizard and the hand-back.
CRM_WORKFLOW_FIELDS = {
    "reported_by_id",
    "reported_partner_id",
    "date_handback",
    "affected_partner_ids",
    "date_marked_affected",
}
# Open personal calls to key customers hold the broadcast to customers.
KEY_CALL_MINUTES = 60
# On a confidential incident only its lead or a crisis admin changes these.
TEAM_FIELDS = {"lead_id", "is_confidential", "member_ids"}

# Public page
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{3,8}$")
DEFAULT_COLOR = "#1f3a5f"
LANG_NAMES = {"de": "Deutsch", "en": "English"}
# A change of these is a change the public sees on the page.
PAGE_VISIBLE_FIELDS = {
    "public_name",
    "public_name_de",
    "public_name_en",
    "public_summary",
    "public_summary_de",
    "public_summary_en",
    "hotline_phone",
    "page_published",
}

# Situation picture and its live wall
TASK_OPEN_STATES = ("todo", "in_progress")
SITUATION_LIST_LIMIT = 10
SITUATION_CHANGED = "crisis_management/situation_changed"
LOG_BODY_LENGTH = 220
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}

# Emergency contact sheet: the key contacts of each stakeholder type.
KEY_INFLUENCE = ("high", "medium")
MAX_PER_TYPE = 20


class CrisisIncident(models.Model):
    _name = "crisis.incident"
    _description = "Crisis Incident"
    _inherit = [
        "mail.alias.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "crisis.bilingual.mixin",
        "crisis.workflow.mixin",
    ]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _bilingual_fields = ("public_name", "public_summary")
    _workflow_fields = frozenset(WORKFLOW_FIELDS | CRM_WORKFLOW_FIELDS)
    _workflow_transitions = TRANSITIONS
    # An incident hangs off no other incident.
    _workflow_incident_field = False

    _sql_constraints = [
        ("page_token_unique", "unique(page_token)", "The page token must be unique."),
    ]

    # ------------------------------------------------------------------
    # Fields
    # ------------------------------------------------------------------
    name = fields.Char(required=True, tracking=True)
    reference = fields.Char(
        readonly=True, copy=False, default=lambda self: _("New"), index="btree"
    )
    incident_type_id = fields.Many2one("crisis.incident.type", tracking=True)
    severity = fields.Selection(
        SEVERITIES, required=True, default="major", tracking=True
    )
    state = workflow_state(STATES, "draft", tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    lead_id = fields.Many2one(
        "res.users",
        string="Crisis Lead",
        tracking=True,
        default=lambda self: self.env.user,
        check_company=True,
    )
    member_ids = fields.One2many(
        "crisis.incident.member", "incident_id", string="Crisis Team"
    )
    is_confidential = fields.Boolean(
        string="Confidential",
        tracking=True,
        help="Only members of the crisis team and crisis administrators can see "
        "a confidential incident and everything attached to it.",
    )
    situation = fields.Html(
        string="Situation Picture",
        help="The shared situation picture: what is known, what is being done.",
    )
    date_start = fields.Datetime(
        string="Started", default=fields.Datetime.now, tracking=True
    )
    date_activated = fields.Datetime(string="Activated", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    log_ids = fields.One2many("crisis.log", "incident_id", string="Crisis Log")
    log_count = fields.Integer(compute="_compute_log_count")
    log_head_hash = fields.Char(
        readonly=True, copy=False, help="Hash of the newest crisis log entry."
    )
    color = fields.Integer()
    task_ids = fields.One2many("crisis.task", "incident_id", string="Tasks")
    task_count = fields.Integer(compute="_compute_task_count")
    task_open_count = fields.Integer(compute="_compute_task_count")
    task_overdue_count = fields.Integer(compute="_compute_task_count")
    user_has_access = fields.Boolean(
        compute="_compute_user_has_access",
        search="_search_user_has_access",
        help="The current user may see this incident: it is not confidential, "
        "or they lead it or are on its crisis team. Record rules of every model "
        "that hangs off an incident use this one domain.",
    )

    # Public page
    page_published = fields.Boolean(readonly=True, copy=False, tracking=True)
    page_token = fields.Char(
        readonly=True,
        copy=False,
        default=lambda self: self._new_page_token(),
        groups="crisis_management.group_crisis_user",
    )
    page_url = fields.Char(
        string="Public Page",
        compute="_compute_page_url",
        groups="crisis_management.group_crisis_user",
    )
    update_ids = fields.One2many(
        "crisis.incident.update", "incident_id", string="Public Updates"
    )
    update_count = fields.Integer(compute="_compute_update_count")
    public_name = fields.Char(
        string="Public Title",
        translate=True,
        help="Title of the public page, of its news feed and of the e-mails to "
        "its subscribers, in German and English. Empty: the incident's name.",
    )
    public_name_de, public_name_en = bilingual_fields(fields.Char, "Public Title")
    page_title = fields.Char(
        compute="_compute_page_title",
        help="What the public reads as the incident's title.",
    )
    # One complete text per language, sanitised by crisis.bilingual.mixin.
    public_summary = fields.Html(
        translate=True,
        sanitize=False,
        help="What the public should know, in German and English. Shown at the "
        "top of the public incident page.",
    )
    public_summary_de, public_summary_en = bilingual_fields(
        fields.Html, "Public Summary", sanitize=True
    )
    hotline_phone = fields.Char(
        string="Hotline",
        help="Phone number shown on the public page. Leave empty to show the "
        "company's phone number.",
    )
    page_date_updated = fields.Datetime(
        string="Page Last Updated",
        readonly=True,
        copy=False,
        help="Last change the public could see on the page.",
    )
    page_subscription_ids = fields.One2many(
        "crisis.page.subscription",
        "incident_id",
        string="Page Subscribers",
        groups="crisis_management.group_crisis_manager",
    )
    page_subscriber_count = fields.Integer(
        string="Subscribers",
        compute="_compute_page_subscriber_count",
        groups="crisis_management.group_crisis_manager",
    )

    # The first hour: update cadence and legal deadlines
    next_update_due = fields.Datetime(
        compute="_compute_next_update_due",
        store=True,
        help="The last published update (or the activation) plus the update "
        "interval of the incident type. The public page promises it.",
    )
    date_update_reminded = fields.Datetime(
        string="Update Reminder Sent", readonly=True, copy=False
    )
    date_aware = fields.Datetime(
        string="Aware Since",
        tracking=True,
        copy=False,
        help="When the company became aware of the incident: the legal "
        "deadlines count from here. Set to the activation when empty.",
    )
    deadline_ids = fields.One2many(
        "crisis.deadline", "incident_id", string="Legal Deadlines"
    )

    # Hotline
    alias_id = fields.Many2one(
        help="E-mails sent to this address become inquiries of the incident."
    )
    inquiry_ids = fields.One2many("crisis.inquiry", "incident_id", string="Inquiries")
    inquiry_count = fields.Integer(compute="_compute_inquiry_count")
    inquiry_open_count = fields.Integer(
        string="Inquiries to Answer", compute="_compute_inquiry_count"
    )

    # Situation picture: computed on the fly by get_situation_kpis(). The
    # figures that have a field of their own elsewhere (task_open_count,
    # task_overdue_count, inquiry_open_count, log_count) are not repeated.
    situation_crisis_mode = fields.Boolean(
        string="Crisis Mode", compute="_compute_situation"
    )
    situation_is_crisis_incident = fields.Boolean(
        string="Drives Crisis Mode",
        compute="_compute_situation",
        help="This incident put the company into crisis mode.",
    )
    situation_task_done_count = fields.Integer(
        string="Tasks Done", compute="_compute_situation"
    )
    situation_inquiry_overdue_count = fields.Integer(
        string="Overdue Inquiries", compute="_compute_situation"
    )
    situation_inquiry_answered_count = fields.Integer(
        string="Inquiries Answered", compute="_compute_situation"
    )
    situation_inquiry_oldest_date = fields.Datetime(
        string="Waiting Since", compute="_compute_situation"
    )
    situation_inquiry_oldest_minutes = fields.Integer(
        string="Longest Wait (minutes)", compute="_compute_situation"
    )
    situation_task_ids = fields.Many2many(
        "crisis.task", string="Open Tasks List", compute="_compute_situation"
    )
    situation_inquiry_ids = fields.Many2many(
        "crisis.inquiry", string="Waiting Inquiries", compute="_compute_situation"
    )
    situation_log_ids = fields.Many2many(
        "crisis.log", string="Latest Log Entries", compute="_compute_situation"
    )
    situation_stakeholder_html = fields.Html(
        string="Stakeholders by Type", compute="_compute_situation", sanitize=False
    )
    situation_date = fields.Datetime(string="As Of", compute="_compute_situation")

    # Exercise
    is_exercise = fields.Boolean(
        string="Exercise",
        copy=False,
        index=True,
        help="Set when the incident is created, never changed afterwards. An "
        "exercise runs like a real incident, but every e-mail and SMS goes to "
        "its observers instead of the recipients, its page is shown only to "
        "the crisis team and the company does not enter crisis mode.",
    )
    exercise_observer_ids = fields.Many2many(
        "res.users",
        "crisis_incident_exercise_observer_rel",
        "incident_id",
        "user_id",
        string="Observers",
        domain="[('share', '=', False)]",
        check_company=True,
        help="Who receives every e-mail and SMS of the exercise instead of the "
        "recipients, marked as exercise and naming who would have received it.",
    )
    exercise_replay = fields.Html(
        string="Replay",
        compute="_compute_exercise_replay",
        sanitize=False,
        help="The crisis log on a timeline, minutes from the first entry.",
    )

    # CRM
    reported_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        help="The crisis user who reported this incident as a draft.",
    )
    reported_partner_id = fields.Many2one(
        "res.partner",
        string="Reported From Contact",
        readonly=True,
        copy=False,
        help="The contact (e.g. a customer) the incident was heard of from.",
    )
    date_handback = fields.Datetime(
        string="Customers Handed Back",
        readonly=True,
        copy=False,
        help="When the affected customers were handed back to their salespeople.",
    )

    # Customers first: components, affected customers, personal calls
    component_status_ids = fields.One2many(
        "crisis.incident.component", "incident_id", string="Components"
    )
    affected_partner_ids = fields.Many2many(
        "res.partner",
        "crisis_incident_affected_partner_rel",
        "incident_id",
        "partner_id",
        string="Affected Customers",
        readonly=True,
        copy=False,
        help="The customers of the affected components, with every contact of "
        "their company, as marked by “Mark Affected Customers”.",
    )
    affected_partner_count = fields.Integer(
        string="Affected Customers Count", compute="_compute_affected_partner_count"
    )
    date_marked_affected = fields.Datetime(
        string="Customers Marked On", readonly=True, copy=False
    )
    key_account_limit = fields.Integer(
        string="Personal Calls",
        help="The affected customers with the largest open opportunities "
        "(expected revenue) who get a personal call from their salesperson "
        "before any broadcast to customers: how many. 0: none.",
    )
    key_call_task_ids = fields.One2many(
        "crisis.task",
        "incident_id",
        string="Personal Calls to Customers",
        domain=[("call_partner_id", "!=", False)],
    )
    key_call_open_count = fields.Integer(
        string="Open Personal Calls", compute="_compute_key_call_open_count"
    )

    # Communications and the safety check
    communication_ids = fields.One2many(
        "crisis.communication", "incident_id", string="Communications"
    )
    crisis_message_ids = fields.One2many(
        "crisis.message", "incident_id", string="Content"
    )
    communication_count = fields.Integer(compute="_compute_communication_count")
    safety_recipient_ids = fields.One2many(
        "crisis.communication.recipient",
        "incident_id",
        string="Safety Check Answers",
        domain=[("kind", "=", "safety_check"), ("state", "=", "sent")],
    )
    safety_unanswered_partner_ids = fields.Many2many(
        "res.partner", compute="_compute_safety_status", string="No Answer Yet"
    )
    safety_help_partner_ids = fields.Many2many(
        "res.partner", compute="_compute_safety_status", string="Need Help"
    )
    safety_safe_count = fields.Integer(compute="_compute_safety_status", string="Safe")
    safety_unanswered_count = fields.Integer(
        compute="_compute_safety_status", string="Not Answered"
    )
    safety_help_count = fields.Integer(
        compute="_compute_safety_status", string="Needing Help"
    )

    # The first hour: alarm of the crisis team, war room, shifts
    alarm_ids = fields.One2many("crisis.alarm", "incident_id", string="Alarms")
    alarm_line_ids = fields.One2many(
        "crisis.alarm.line", "incident_id", string="Alarmed People"
    )
    discuss_channel_id = fields.Many2one(
        "discuss.channel",
        string="War Room",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The private group chat of the crisis team, created on activation.",
    )
    shift_ids = fields.One2many("crisis.incident.shift", "incident_id", string="Shifts")

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.model
    def _access_domain(self, uid=None):
        """Incidents that the user ``uid`` (default: current) may see, unless
        a crisis admin: the one definition of "confidential" in the suite."""
        uid = uid or self.env.uid
        return [
            "|",
            "|",
            ("is_confidential", "=", False),
            ("lead_id", "=", uid),
            ("member_ids.user_id", "=", uid),
        ]

    @api.depends_context("uid")
    @api.depends("is_confidential", "lead_id", "member_ids.user_id")
    def _compute_user_has_access(self):
        uid = self.env.uid
        for incident in self:
            incident.user_has_access = (
                not incident.is_confidential
                or incident.lead_id.id == uid
                or uid in incident.member_ids.user_id.ids
            )

    def _search_user_has_access(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on user_has_access."))
        domain = self._access_domain()
        return domain if (operator == "=") == value else ["!"] + domain

    @api.depends("log_ids")
    def _compute_log_count(self):
        counts = count_by(self, "crisis.log", "incident_id")
        for incident in self:
            incident.log_count = counts.get(incident, 0)

    @api.depends("task_ids.state", "task_ids.date_deadline")
    def _compute_task_count(self):
        total = count_by(self, "crisis.task", "incident_id")
        opened = count_by(
            self,
            "crisis.task",
            "incident_id",
            [("state", "in", TASK_OPEN_STATES)],
        )
        overdue = count_by(
            self, "crisis.task", "incident_id", [("is_overdue", "=", True)]
        )
        for incident in self:
            incident.task_count = total.get(incident, 0)
            incident.task_open_count = opened.get(incident, 0)
            incident.task_overdue_count = overdue.get(incident, 0)

    @api.depends_context("uid")
    @api.depends("reference", "name")
    def _compute_display_name(self):
        # Many2one fields show their target's name in sudo: a confidential
        # incident's name must not reach those who may not read it.
        hidden = self - self.with_env(self.env(su=False))._filtered_access("read")
        for incident in self:
            if incident in hidden:
                incident.display_name = _("Confidential incident")
            elif incident.reference and incident.reference != _("New"):
                incident.display_name = f"{incident.reference} {incident.name}"
            else:
                incident.display_name = incident.name

    @api.depends("page_token")
    def _compute_page_url(self):
        for incident in self:
            base = incident.get_base_url()
            incident.page_url = (
                f"{base}/crisis/{incident.page_token}" if incident.page_token else False
            )

    @api.depends_context("lang")
    @api.depends("public_name", "public_summary")
    def _compute_bilingual(self):
        return super()._compute_bilingual()

    @api.depends_context("lang")
    @api.depends("public_name", "name", "is_confidential", "reference")
    def _compute_page_title(self):
        # A confidential incident's name is internal: without a public title
        # its page and mails show the reference (publishing asks for one).
        for incident in self:
            internal = incident.reference if incident.is_confidential else incident.name
            incident.page_title = incident.public_name or internal

    @api.depends("update_ids")
    def _compute_update_count(self):
        counts = count_by(self, "crisis.incident.update", "incident_id")
        for incident in self:
            incident.update_count = counts.get(incident, 0)

    @api.depends("page_subscription_ids.state")
    def _compute_page_subscriber_count(self):
        counts = count_by(
            self,
            "crisis.page.subscription",
            "incident_id",
            [("state", "=", "confirmed")],
        )
        for incident in self:
            incident.page_subscriber_count = counts.get(incident, 0)

    @api.depends("inquiry_ids.state")
    def _compute_inquiry_count(self):
        groups = self.env["crisis.inquiry"]._read_group(
            [("incident_id", "in", self.ids)], ["incident_id", "state"], ["__count"]
        )
        total, open_ = {}, {}
        for incident, state, count in groups:
            total[incident] = total.get(incident, 0) + count
            if state in INQUIRY_OPEN_STATES:
                open_[incident] = open_.get(incident, 0) + count
        for incident in self:
            incident.inquiry_count = total.get(incident, 0)
            incident.inquiry_open_count = open_.get(incident, 0)

    def _compute_situation(self):
        kpis = self.filtered("id")._situation_kpis()
        Task, Inquiry = self.env["crisis.task"], self.env["crisis.inquiry"]
        Log = self.env["crisis.log"]
        for incident in self:
            values = kpis.get(incident.id)
            if not values:
                incident.update(
                    {
                        name: False
                        for name in self._fields
                        if name.startswith("situation_")
                        and self._fields[name].compute == "_compute_situation"
                    }
                )
                continue
            incident.update(
                {
                    "situation_crisis_mode": values["crisis_mode"],
                    "situation_is_crisis_incident": values["is_crisis_incident"],
                    "situation_task_done_count": values["tasks_done"],
                    "situation_inquiry_overdue_count": values["inquiries_overdue"],
                    "situation_inquiry_answered_count": values["inquiries_answered"],
                    "situation_inquiry_oldest_date": values["inquiry_oldest_open_date"],
                    "situation_inquiry_oldest_minutes": values[
                        "inquiry_oldest_wait_minutes"
                    ],
                    "situation_task_ids": Task.browse(values["task_ids"]),
                    "situation_inquiry_ids": Inquiry.browse(values["inquiry_ids"]),
                    "situation_log_ids": Log.browse(values["log_latest_ids"]),
                    "situation_stakeholder_html": self.env["ir.qweb"]._render(
                        "crisis_management.crisis_situation_stakeholders",
                        {"stakeholders": values["stakeholders"]},
                    ),
                    "situation_date": values["date"],
                }
            )

    @api.depends("log_ids")
    def _compute_exercise_replay(self):
        kinds = dict(
            self.env["crisis.log"]._fields["kind"]._description_selection(self.env)
        )
        for incident in self:
            incident.exercise_replay = incident._exercise_replay_html(kinds)

    @api.constrains("is_exercise", "exercise_observer_ids")
    def _check_exercise_observers(self):
        for incident in self:
            if incident.is_exercise and not incident.exercise_observer_ids:
                raise ValidationError(
                    _(
                        "The exercise “%(name)s” needs at least one observer: every "
                        "e-mail and SMS of the exercise goes to its observers.",
                        name=incident.name,
                    )
                )
            outsiders = incident.exercise_observer_ids.filtered("share")
            if outsiders:
                raise ValidationError(
                    _(
                        "Only internal users can observe the exercise “%(name)s”, "
                        "not %(users)s: every e-mail and SMS of the exercise goes "
                        "to its observers and must not leave the company.",
                        name=incident.name,
                        users=", ".join(outsiders.mapped("name")),
                    )
                )

    def _compute_communication_count(self):
        counts = count_by(self, "crisis.communication", "incident_id")
        for incident in self:
            incident.communication_count = counts.get(incident, 0)

    @api.depends(
        "safety_recipient_ids.safety_answer", "safety_recipient_ids.date_answered"
    )
    def _compute_safety_status(self):
        Recipient = self.env["crisis.communication.recipient"]
        for incident in self:
            # Per person: their latest answer, on any channel, to any check.
            status = Recipient._safety_status_by_partner(incident.safety_recipient_ids)
            unanswered = sorted(pid for pid, answer in status.items() if not answer)
            needs_help = sorted(
                pid for pid, answer in status.items() if answer == "help"
            )
            incident.safety_unanswered_partner_ids = [(6, 0, unanswered)]
            incident.safety_help_partner_ids = [(6, 0, needs_help)]
            incident.safety_safe_count = sum(1 for a in status.values() if a == "safe")
            incident.safety_unanswered_count = len(unanswered)
            incident.safety_help_count = len(needs_help)

    def _compute_affected_partner_count(self):
        for incident in self:
            incident.affected_partner_count = len(incident.affected_partner_ids)

    def _compute_key_call_open_count(self):
        for incident in self:
            incident.key_call_open_count = len(incident._open_key_calls())

    @api.constrains("key_account_limit")
    def _check_key_account_limit(self):
        if any(incident.key_account_limit < 0 for incident in self):
            raise ValidationError(_("The number of personal calls cannot be negative."))

    @api.depends(
        "state",
        "severity",
        "date_activated",
        "incident_type_id.update_interval_minutes",
        "incident_type_id.update_interval_critical_minutes",
        "update_ids.is_published",
        "update_ids.date",
    )
    def _compute_next_update_due(self):
        for incident in self:
            interval = (
                incident.incident_type_id._update_interval(incident.severity)
                if incident.incident_type_id
                else 0
            )
            if (
                not interval
                or incident.state not in ("active", "contained")
                or not incident.date_activated
            ):
                incident.next_update_due = False
                continue
            published = incident.update_ids.filtered("is_published").mapped("date")
            last = max([incident.date_activated, *published])
            incident.next_update_due = last + timedelta(minutes=interval)

    @api.constrains("date_aware")
    def _check_date_aware(self):
        # (a minute of leeway for the clocks of the browsers)
        limit = fields.Datetime.now() + timedelta(minutes=1)
        if any(i.date_aware and i.date_aware > limit for i in self):
            raise ValidationError(
                _(
                    "The company cannot become aware of an incident in the future: "
                    "the legal deadlines count from this moment."
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # The workflow fields are refused by crisis.workflow.mixin to everyone
        # but the superuser; the log's anchor is closed to the superuser too.
        if self.env.su:
            for vals in vals_list:
                vals.pop("log_head_hash", None)
        self.check_access("create")
        incidents = super().create(vals_list)
        for incident in incidents.filtered("is_exercise"):
            incident._log(
                "note",
                _lt(
                    "EXERCISE: this incident is an exercise. E-mails and SMS go to "
                    "the observers (%(observers)s) instead of the recipients; the "
                    "company does not enter crisis mode."
                ),
                {"observers": incident.exercise_observer_ids.mapped("name")},
            )
        return incidents

    def _workflow_create_values(self, vals_list):
        # After the guard: the reference comes from the sequence.
        for vals in vals_list:
            if not vals.get("reference") or vals["reference"] == _("New"):
                vals["reference"] = self.env["ir.sequence"].sudo().next_by_code(
                    "crisis.incident"
                ) or _("New")

    def write(self, vals):
        if self.env.su and "log_head_hash" in vals:
            raise UserError(
                _(
                    "The anchor of the crisis log is kept by the log itself "
                    "and cannot be changed."
                )
            )
        if "is_exercise" in vals and any(
            incident.is_exercise != bool(vals["is_exercise"]) for incident in self
        ):
            raise UserError(
                _(
                    "Whether an incident is an exercise is decided when it is "
                    "created and cannot be changed afterwards."
                )
            )
        team_changes = TEAM_FIELDS & set(vals)
        if team_changes:
            if not self.env.su:
                # The workflow fields are refused before the team is checked.
                self._workflow_guard([vals])
            self._check_team_change()
            before = {i.id: (i.lead_id, i.is_confidential) for i in self}
        res = super().write(vals)
        if team_changes & {"lead_id", "is_confidential"}:
            for incident in self:
                lead, confidential = before[incident.id]
                if incident.lead_id != lead and (
                    confidential or incident.is_confidential
                ):
                    incident._log(
                        "decision",
                        _lt("Crisis lead changed from %(old)s to %(new)s."),
                        {"old": lead.name or "-", "new": incident.lead_id.name or "-"},
                    )
                if incident.is_confidential != confidential:
                    incident._log(
                        "decision",
                        _lt("Incident marked confidential.")
                        if incident.is_confidential
                        else _lt("Incident no longer confidential."),
                    )
        if team_changes - {"member_ids"}:
            # (member lines bring the war room in step themselves)
            self._war_room_sync_members()
        if PAGE_VISIBLE_FIELDS & set(vals):
            # The caller's write passed its checks: the date follows in sudo.
            self.sudo()._touch_page()
        if {"date_aware", "incident_type_id"} & set(vals):
            self._sync_deadlines()
        self._notify_situation_changed()
        return res

    def _sees_confidential(self, user):
        """Whether ``user`` may see this incident when it is confidential:
        its lead, a member of its team or a crisis admin (the record rules'
        test)."""
        self.ensure_one()
        incident = self.sudo()
        return (
            user == incident.lead_id
            or user in incident.member_ids.user_id
            or user.has_group("crisis_management.group_crisis_admin")
        )

    def _check_work_for(self, user):
        """Work on a confidential incident (a task, a shift) goes only to
        someone who may see it."""
        self.ensure_one()
        if user and self.is_confidential and not self._sees_confidential(user):
            raise ValidationError(
                self._workflow_env()._(
                    "“%(user)s” is not on the team of the confidential incident "
                    "“%(incident)s”. Add them to the incident's team first.",
                    user=user.name,
                    incident=self.display_name,
                )
            )

    def _check_team_change(self):
        """Who may change the team of an incident: whoever may write it; on
        a confidential incident only its lead or a crisis admin."""
        if self.env.su:
            return
        self.check_access("write")
        if self.env.user.has_group("crisis_management.group_crisis_admin"):
            return
        for incident in self:
            if incident.is_confidential and incident.lead_id != self.env.user:
                raise AccessError(
                    _(
                        "Only the crisis lead of the confidential incident "
                        "“%(incident)s” or a crisis administrator can change its "
                        "crisis team.",
                        incident=incident.display_name,
                    )
                )

    def unlink(self):
        if any(incident.state != "draft" for incident in self):
            raise UserError(
                _(
                    "Only draft incidents can be deleted. An incident that was "
                    "activated is part of the record: close it instead."
                )
            )
        return super().unlink()

    # ------------------------------------------------------------------
    # Actions: the workflow
    # ------------------------------------------------------------------

    def _workflow_log_transition(self, old_states, new_state):
        for incident in self:
            # The state labels are put into words for each reader as well.
            incident._log(
                "state",
                _lt("State changed from %(from)s to %(to)s."),
                {
                    "from": {
                        "field": "crisis.incident.state",
                        "value": old_states[incident.id],
                    },
                    "to": {"field": "crisis.incident.state", "value": new_state},
                },
            )

    def action_activate(self):
        self._workflow_apply(
            "active", {"date_activated": self.env["crisis.log"]._now()}
        )
        for incident in self:
            incident._on_activate()
        return True

    def action_contain(self):
        self._workflow_apply("contained")
        return True

    def action_resolve(self):
        self._workflow_apply("resolved")
        return True

    def action_close(self):
        self._workflow_apply("closed", {"date_closed": self.env["crisis.log"]._now()})
        self._update_crisis_mode()
        exercises = self.filtered("is_exercise")
        if exercises:
            # The exercise's open tasks end with it: they must not fill the
            # crisis lead's list during the next real incident.
            exercises.sudo().task_ids.filtered(
                lambda task: task.state in ("todo", "in_progress")
            ).action_cancel()
            # The exercise indicator of the open web clients goes away.
            exercises.company_id.sudo()._notify_crisis_mode()
        return True

    def _on_activate(self):
        """Hook run once per incident right after activation: the standing
        crisis team if it has none, crisis mode (not for an exercise), the
        playbook's tasks (assigned by role: after the team), the war room,
        and for a major or critical incident the alarm of the standing
        crisis team."""
        self.ensure_one()
        self._team_from_roster()
        self._update_crisis_mode()
        self._apply_playbook()
        if not self.date_aware:
            self.write({"date_aware": self.date_activated})
        else:
            self._sync_deadlines()
        self._apply_holding_statements()
        if self.is_exercise:
            self._log(
                "state",
                _lt("EXERCISE activated: %(company)s does not enter crisis mode."),
                {"company": self.company_id.name},
            )
            # Refresh the exercise indicator of the open web clients.
            self.company_id.sudo()._notify_crisis_mode()
        self._war_room_create()
        # By itself only the standing crisis team is alarmed: without one,
        # the team alarms by hand whom it has put on the incident.
        if (
            self.severity in CRISIS_SEVERITIES
            and self.company_id._crisis_roster_chains()
        ):
            self._alarm_start()

    def _users_by_role(self):
        """First team member of each role, the lead for role ``lead``."""
        self.ensure_one()
        users = {}
        for member in self.member_ids.sorted(lambda m: (m.sequence, m.id)):
            users.setdefault(member.role, member.user_id)
        if self.lead_id:
            users.setdefault("lead", self.lead_id)
        return users

    def _team_lang(self):
        """Language of texts written for the whole team (task names, log
        entries written by automatic jobs): the lead's, else the company's."""
        self.ensure_one()
        return resolve_lang(
            self.env, self.lead_id.lang, company=self.company_id, exact=True
        )

    def _apply_playbook(self):
        """Turn the steps of the incident type's playbook into crisis tasks."""
        self.ensure_one()
        playbook = self.incident_type_id and self.incident_type_id._get_playbook()
        if not playbook or not playbook.step_ids:
            return self.env["crisis.task"]
        tasks = (
            self.env["crisis.task"].sudo().create(playbook._prepare_task_values(self))
        )
        playbook._translate_tasks(tasks)
        self._log(
            "task",
            _lt("Playbook “%(playbook)s” applied: %(count)s tasks created."),
            {"playbook": playbook.name, "count": len(tasks)},
        )
        return tasks

    # ------------------------------------------------------------------
    # The first hour: holding statements, dark site, cadence, deadlines
    # ------------------------------------------------------------------
    def _apply_holding_statements(self):
        """Copy the approved holding statements of the incident type into
        the incident; with a dark site, publish the page at once with the
        first of them as its first update."""
        self.ensure_one()
        incident_type = self.incident_type_id
        if not incident_type:
            return self.env["crisis.message"]
        templates = (
            self.env["crisis.message"]
            .sudo()
            .search(
                [
                    ("incident_type_id", "=", incident_type.id),
                    ("incident_id", "=", False),
                    ("company_id", "=", self.company_id.id),
                ],
                order="sequence, id",
            )
        )
        statements = templates._instantiate_for(self)
        if incident_type.dark_site and statements:
            self._publish_dark_site(statements[0])
        return statements

    def _publish_dark_site(self, statement):
        """The page goes public with ``statement`` as its first update; not
        that of a confidential incident without a public title, which goes
        public only when its team gives it one and publishes it."""
        self.ensure_one()
        if self.is_confidential and not self.public_name:
            self._log(
                "communication",
                _lt(
                    "Dark site not published: the incident is confidential and "
                    "has no public title yet."
                ),
            )
            return
        Update = self.env["crisis.incident.update"].sudo()
        langs = [
            lang
            for lang in ("en_US", "de_DE")
            if lang in self.env["crisis.message"]._installed_text_langs()
        ]
        texts = {
            lang: statement.sudo().with_context(lang=lang).read(["name", "body"])[0]
            for lang in langs
        }
        first = texts.get("en_US") or next(iter(texts.values()))
        update = Update.with_context(lang="en_US").create(
            {"incident_id": self.id, "name": first["name"], "body": first["body"]}
        )
        for lang, values in texts.items():
            if lang != "en_US":
                update.update_field_translations("name", {lang: values["name"]})
                update.update_field_translations("body", {lang: values["body"]})
        self.sudo().action_publish_page()
        update.action_publish()
        statement.sudo()._workflow_apply(
            "published", {"date_published": fields.Datetime.now()}
        )
        self._log(
            "communication",
            _(
                "Dark site: the public page went online at activation with the "
                "holding statement “%(name)s”.",
                name=statement.name,
            ),
        )
        return update

    def _sync_deadlines(self):
        """Start the legal deadlines of the incident type from
        ``date_aware``; move the open ones when ``date_aware`` changes."""
        Deadline = self.env["crisis.deadline"].sudo()
        for incident in self:
            if incident.state in ("draft", "closed") or not incident.date_aware:
                continue
            aware = incident.date_aware
            lang = incident._team_lang()
            existing = incident.sudo().deadline_ids
            moved = existing.browse()
            for deadline in existing.filtered(lambda d: d.state == "open"):
                due = aware + timedelta(hours=deadline.rule_id.hours)
                if deadline.date_due != due:
                    deadline.write({"date_due": due, "date_reminded": False})
                    moved |= deadline
            if moved:
                incident._log(
                    "decision",
                    incident.with_context(lang=lang).env._(
                        "Aware since %(date)s: the open legal deadlines were moved "
                        "(%(names)s).",
                        date=incident._page_format_date(aware, lang, short=True),
                        names=", ".join(
                            moved.rule_id.with_context(lang=lang).mapped("name")
                        ),
                    ),
                )
            rules = incident.incident_type_id.deadline_rule_ids - existing.rule_id
            if not rules:
                continue
            Deadline.create(
                [
                    {
                        "incident_id": incident.id,
                        "rule_id": rule.id,
                        "date_due": aware + timedelta(hours=rule.hours),
                    }
                    for rule in rules
                ]
            )
            incident._log(
                "decision",
                incident.with_context(lang=lang).env._(
                    "Legal deadlines started (aware since %(date)s): %(names)s.",
                    date=incident._page_format_date(aware, lang, short=True),
                    names=", ".join(rules.with_context(lang=lang).mapped("name")),
                ),
            )
        self._notify_situation_changed()

    @api.model
    def _cron_update_due(self):
        """Remind the spokesperson (else the lead) once each time the next
        public update is overdue: an activity, a notification in the web
        client, a log entry."""
        now = fields.Datetime.now()
        incidents = self.sudo().search(
            [
                ("state", "in", ("active", "contained")),
                ("next_update_due", "!=", False),
                ("next_update_due", "<", now),
            ]
        )
        for incident in incidents:
            if (
                incident.date_update_reminded
                and incident.date_update_reminded >= incident.next_update_due
            ):
                continue
            incident._remind_update_due()
        return True

    def _remind_update_due(self):
        self.ensure_one()
        users = self._users_by_role()
        user = users.get("spokesperson") or self.lead_id
        lang = resolve_lang(self.env, user.lang, company=self.company_id, exact=True)
        incident = self.with_context(lang=lang)
        _ = incident.env._  # noqa: F811 (the texts in the reminded user's language)
        due = self._page_format_date(self.next_update_due, lang, short=True)
        summary = _("Public update due: %(incident)s", incident=self.display_name)
        message = _(
            "The next public update was promised for %(due)s. Publish an update, "
            "even if there is no news.",
            due=due,
        )
        if user:
            incident.activity_schedule(
                "crisis_management.mail_activity_type_crisis_update_due",
                date_deadline=fields.Date.context_today(self),
                summary=summary,
                note=message,
                user_id=user.id,
            )
            self.env["bus.bus"]._sendone(
                user.partner_id,
                "simple_notification",
                {
                    "title": summary,
                    "message": message,
                    "sticky": True,
                    "type": "warning",
                },
            )
        self.write({"date_update_reminded": fields.Datetime.now()})
        self._log(
            "communication",
            _lt(
                "Public update overdue (promised for %(due)s): reminder sent to "
                "%(user)s."
            ),
            {"due": self._log_time(self.next_update_due), "user": user.name or "-"},
        )
        self._notify_situation_changed()

    @api.model
    def _format_countdown(self, date, now):
        """Time left until ``date`` (or past it) in the context language."""
        minutes = int((date - now).total_seconds() // 60)
        late = minutes < 0
        minutes = abs(minutes)
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        if days:
            text = self.env._("%(days)s d %(hours)s h", days=days, hours=hours)
        elif hours:
            text = self.env._(
                "%(hours)s h %(minutes)s min", hours=hours, minutes=minutes
            )
        else:
            text = self.env._("%(minutes)s min", minutes=minutes)
        return self.env._("%(time)s overdue", time=text) if late else text

    def _situation_dashboard_first_hour_sections(self):
        """The wall's countdowns: the next public update and the legal
        deadlines."""
        self.ensure_one()
        now = fields.Datetime.now()
        sections = []
        if self.next_update_due:
            late = self.next_update_due < now
            sections.append(
                {
                    "key": "update_cadence",
                    "title": _("Next Public Update"),
                    "sequence": 5,
                    "figures": [
                        {
                            "key": "next_update",
                            "label": _("Due in")
                            if not late
                            else _("Public update overdue"),
                            "value": self._format_countdown(self.next_update_due, now),
                            "level": "danger"
                            if late
                            else (
                                "warning"
                                if self.next_update_due - now < timedelta(minutes=15)
                                else "normal"
                            ),
                            "due": fields.Datetime.to_string(self.next_update_due),
                        }
                    ],
                    "lines": [],
                }
            )
        deadlines = self.sudo().deadline_ids
        if deadlines:
            states = selection_labels(deadlines, "state")
            figures = []
            for deadline in deadlines:
                if deadline.state == "done":
                    value, level = states["done"], "success"
                else:
                    value = self._format_countdown(deadline.date_due, now)
                    remaining = deadline.date_due - now
                    level = (
                        "danger"
                        if remaining < timedelta(hours=deadline.rule_id.remind_hours)
                        else "warning"
                        if remaining < timedelta(hours=24)
                        else "normal"
                    )
                figures.append(
                    {
                        "key": f"deadline_{deadline.rule_id.code}",
                        "label": deadline.rule_id.name,
                        "value": value,
                        "level": level,
                        "due": fields.Datetime.to_string(deadline.date_due),
                    }
                )
            sections.append(
                {
                    "key": "deadlines",
                    "title": _("Legal Deadlines"),
                    "sequence": 6,
                    "figures": figures,
                    "lines": [],
                }
            )
        return sections

    # ------------------------------------------------------------------
    # The first hour: standing crisis team, alarm, war room, shifts
    # ------------------------------------------------------------------
    def _team_from_roster(self):
        """An incident activated without a team gets the standing crisis
        team of its company; the primary lead leads unless a lead was set."""
        self.ensure_one()
        if self.member_ids:
            return False
        chains = self.company_id._crisis_roster_chains()
        if not chains:
            return False
        vals_list = []
        for (_company, role), lines in chains.items():
            for level, line in enumerate(lines):
                member_role = "deputy" if role == "lead" and level else role
                vals_list.append(
                    {
                        "incident_id": self.id,
                        "user_id": line.user_id.id,
                        "role": member_role,
                        "sequence": 10 * (level + 1),
                    }
                )
        self.env["crisis.incident.member"].sudo().create(vals_list)
        lead = chains.get((self.company_id.id, "lead"))
        if lead and not self.lead_id:
            self.sudo().lead_id = lead[0].user_id
        self._log(
            "decision",
            _lt(
                "The standing crisis team (%(count)s people) became the team of "
                "this incident."
            ),
            {"count": len({vals["user_id"] for vals in vals_list})},
        )
        return True

    # ------------------------------------------------------------------
    # Alarm
    # ------------------------------------------------------------------
    def _alarm_escalation_minutes(self):
        self.ensure_one()
        minutes = self.incident_type_id.alarm_escalation_minutes
        return minutes if minutes > 0 else DEFAULT_ALARM_ESCALATION_MINUTES

    def _alarm_chains(self):
        """``{role: [users]}``: who is called per role, primary first. The
        standing crisis team of the company, else the incident's team. Only
        internal users of the company: nobody outside it is alarmed."""
        self.ensure_one()
        chains = {}
        roster = self.company_id._crisis_roster_chains()
        if roster:
            for (_company, role), lines in roster.items():
                chains[role] = list(lines.user_id)
        else:
            if self.lead_id:
                chains["lead"] = [self.lead_id]
            for member in self.member_ids.sorted(lambda m: (m.sequence, m.id)):
                role = "lead" if member.role == "deputy" else member.role
                if role == "member":
                    continue
                users = chains.setdefault(role, [])
                if member.user_id not in users:
                    users.append(member.user_id)
        company = self.company_id
        return {
            role: [
                user
                for user in users
                if user.active and not user.share and company in user.company_ids
            ]
            for role, users in chains.items()
        }

    def action_alarm(self):
        """Alarm the crisis team: every primary at once; whoever does not
        answer in time is replaced by the next deputy."""
        self.check_access("write")
        if not self.env.user.has_group("crisis_management.group_crisis_manager"):
            raise AccessError(_("Only the crisis team can alarm the crisis team."))
        for incident in self:
            if incident.state not in OPEN_STATES:
                raise UserError(
                    _(
                        "Only an active incident can alarm the crisis team; "
                        "activate “%(incident)s” first.",
                        incident=incident.display_name,
                    )
                )
            if not incident._alarm_start():
                raise UserError(
                    _(
                        "Nobody to alarm: set up the standing crisis team under "
                        "Configuration or add people to the incident's team."
                    )
                )
        return True

    def _alarm_start(self):
        """Start a new alarm (the running one ends); returns it, or an empty
        recordset when there is nobody to alarm."""
        self.ensure_one()
        Alarm = self.env["crisis.alarm"].sudo()
        chains = {role: users for role, users in self._alarm_chains().items() if users}
        if not chains:
            return Alarm
        self.alarm_ids.filtered(lambda a: a.state == "running").sudo().write(
            {"state": "done"}
        )
        alarm = Alarm.create(
            {
                "incident_id": self.id,
                "user_id": self.env.user.id,
                "line_ids": [
                    Command.create({"user_id": users[0].id, "role": role, "level": 0})
                    for role, users in chains.items()
                ],
            }
        )
        self._log(
            "communication",
            _lt("Crisis team alarmed by %(user)s%(exercise)s: %(count)s people."),
            {
                "user": self.env.user.name,
                "exercise": _lt(" (exercise)") if self.is_exercise else "",
                "count": len(alarm.line_ids),
            },
        )
        self._alarm_add_members(alarm.line_ids)
        alarm.line_ids._notify()
        return alarm

    def _alarm_add_members(self, lines):
        """Whoever is alarmed belongs to the team (and so may read a
        confidential incident) and to its war room."""
        self.ensure_one()
        Member = self.env["crisis.incident.member"].sudo()
        existing = {(m.user_id.id, m.role) for m in self.member_ids}
        vals_list = []
        for line in lines:
            role = "deputy" if line.role == "lead" and line.level else line.role
            if line.user_id != self.lead_id and (line.user_id.id, role) not in existing:
                existing.add((line.user_id.id, role))
                vals_list.append(
                    {"incident_id": self.id, "user_id": line.user_id.id, "role": role}
                )
        if vals_list:
            Member.create(vals_list)
        self._war_room_sync_members()

    def _latest_alarm(self):
        """The incident's latest alarm that was not cancelled, in sudo (the
        caller has checked that the user may read the incident)."""
        self.ensure_one()
        return (
            self.env["crisis.alarm"]
            .sudo()
            .search(
                [("incident_id", "=", self.id), ("state", "!=", "cancelled")],
                order="date_start desc, id desc",
                limit=1,
            )
        )

    def get_alarm_status(self):
        """The answers to the latest alarm that was not cancelled.

        :return: dict with the counts of lines ``alarmed``, ``acknowledged``
            (coming + later), ``coming``, ``later``, ``unavailable``,
            ``pending`` (notified, unanswered, not escalated), ``escalated``
            and ``roles_uncovered`` (role codes nobody answered coming or
            later for)
        """
        self.ensure_one()
        self.check_access("read")
        alarm = self._latest_alarm()
        lines = alarm.line_ids

        def count(predicate):
            return len(lines.filtered(predicate))

        covered = set(
            lines.filtered(lambda r: r.answer in ("coming", "later")).mapped("role")
        )
        alarmed = set(lines.mapped("role"))
        roles = [
            role
            for role, _label in ROSTER_ROLES
            if role in alarmed and role not in covered
        ]
        return {
            "alarmed": len(lines),
            "acknowledged": count(lambda r: r.answer in ("coming", "later")),
            "coming": count(lambda r: r.answer == "coming"),
            "later": count(lambda r: r.answer == "later"),
            "unavailable": count(lambda r: r.answer == "unavailable"),
            "pending": count(lambda r: r.state == "notified" and not r.answer),
            "escalated": count(lambda r: r.state == "escalated"),
            "roles_uncovered": roles,
        }

    def _situation_dashboard_alarm_section(self):
        """Who is coming, per role, and which roles nobody covers; the link
        to the war room."""
        status = self.get_alarm_status()
        lines = []
        if self.discuss_channel_id:
            lines.append(
                {
                    # (the room's name starts with "War room" in the
                    # language it was opened in: not repeated here)
                    "text": _("Open the war room"),
                    "level": "normal",
                    "url": self._war_room_url(),
                }
            )
        if not status["alarmed"] and not lines:
            return None
        alarm = self._latest_alarm()
        Line = self.env["crisis.alarm.line"]
        roles = selection_labels(Line, "role")
        answers = selection_labels(Line, "answer")
        states = selection_labels(Line, "state")
        levels = {
            "coming": "success",
            "later": "success",
            "unavailable": "danger",
        }
        for line in alarm.line_ids.sorted(lambda r: (r.role, r.level, r.id)):
            if line.answer:
                text = answers[line.answer]
                if line.answer == "later":
                    text = _(
                        "%(answer)s (in %(minutes)s minutes)",
                        answer=text,
                        minutes=line.eta_minutes,
                    )
            else:
                text = states[line.state]
            lines.append(
                {
                    "text": f"{roles.get(line.role, line.role)}: {line.user_id.name} — {text}",
                    "level": levels.get(line.answer)
                    or ("warning" if line.state == "notified" else "normal"),
                }
            )
        if status["roles_uncovered"]:
            lines.append(
                {
                    "text": _(
                        "Nobody covers: %s",
                        ", ".join(roles.get(r, r) for r in status["roles_uncovered"]),
                    ),
                    "level": "danger",
                }
            )
        figures = [
            ("alarmed", _("Alarmed"), "normal"),
            ("coming", _("Coming"), "success"),
            ("later", _("Later"), "success"),
            ("unavailable", _("Not Available"), "danger"),
            ("pending", _("No Answer Yet"), "warning"),
        ]
        return {
            "key": "alarm",
            "title": _("Crisis Team Alarm"),
            "sequence": 5,
            "figures": [
                {
                    "key": key,
                    "label": label,
                    "value": status[key],
                    "level": level if status[key] else "normal",
                }
                for key, label, level in figures
            ],
            "lines": lines,
        }

    # ------------------------------------------------------------------
    # War room
    # ------------------------------------------------------------------
    def _war_room_partners(self):
        self.ensure_one()
        users = (self.lead_id | self.member_ids.user_id).filtered(
            lambda u: not u.share and u.active
        )
        return users.partner_id

    def _war_room_create(self):
        """The team's private group chat (not a public channel: a
        confidential incident's room is not readable by other employees)."""
        self.ensure_one()
        if self.discuss_channel_id:
            return self.discuss_channel_id
        name = _(
            "War room %(reference)s %(name)s",
            reference=self.reference or "",
            name=self.name,
        )
        if self.is_exercise:
            name = _("[EXERCISE] %(subject)s", subject=name)
        channel = (
            self.env["discuss.channel"]
            .sudo()
            .create(
                {
                    "name": name[:100],
                    "channel_type": "group",
                    "channel_partner_ids": [
                        Command.link(p.id) for p in self._war_room_partners()
                    ],
                }
            )
        )
        self.sudo().discuss_channel_id = channel
        room = (
            _lt("War room %(reference)s %(name)s"),
            {"reference": self.reference or "", "name": self.name},
        )
        if self.is_exercise:
            room = (_lt("[EXERCISE] %(subject)s"), {"subject": room})
        self._log("note", _lt("War room opened: %(room)s"), {"room": room})
        return channel

    def _war_room_sync_members(self):
        """The war room's members are the incident's team: who joined the
        team is added, who left it (a member line removed, another lead)
        leaves the room, so that a confidential room is read by its team
        only. The callers have checked the change of the team."""
        for incident in self.sudo():
            channel = incident.discuss_channel_id
            if not channel:
                continue
            team = incident._war_room_partners()
            missing = team - channel.channel_member_ids.partner_id
            if missing:
                channel.add_members(partner_ids=missing.ids, post_joined_message=False)
            gone = channel.channel_member_ids.filtered(
                lambda member, team=team: (
                    member.partner_id and member.partner_id not in team
                )
            )
            for member in gone:
                # Discuss closes the room in their browser. No "left the
                # channel" message: posted in their name, they could read it.
                member._bus_send_store(
                    Store(channel, {"is_pinned": False, "isLocallyPinned": False}),
                    notification_type="discuss.channel/leave",
                )
            gone.unlink()

    def _war_room_url(self):
        self.ensure_one()
        return f"/odoo/discuss?active_id=discuss.channel_{self.discuss_channel_id.id}"

    def action_open_war_room(self):
        """Open the team's war room in Discuss (created if missing)."""
        self.ensure_one()
        self.check_access("read")
        if not self.sudo().discuss_channel_id:
            self.check_access("write")
            if self.state not in OPEN_STATES:
                raise UserError(_("The war room opens when the incident is activated."))
            self._war_room_create()
        self._war_room_sync_members()
        if (
            self.env.user.partner_id
            not in self.sudo().discuss_channel_id.channel_member_ids.partner_id
        ):
            raise AccessError(
                _("Only the crisis team of this incident enters its war room.")
            )
        return {
            "type": "ir.actions.act_url",
            "url": self._war_room_url(),
            "target": "self",
        }

    def action_log_channel_message(self, message_id):
        """Take a message of the war room into the crisis log, with its
        author and time."""
        self.ensure_one()
        self.check_access("write")
        channel = self.sudo().discuss_channel_id
        message = self._war_room_message(message_id)
        if (
            not channel
            or not message
            or message.model != "discuss.channel"
            or message.res_id != channel.id
        ):
            raise UserError(
                _("This message is not from the war room of this incident.")
            )
        if (
            not self.env.su
            and self.env.user.partner_id not in channel.channel_member_ids.partner_id
        ):
            raise AccessError(
                _("Only members of the war room can take its messages into the log.")
            )
        author = message.author_id.name or message.email_from or _lt("Unknown")
        when = format_datetime(self.env, message.date, tz=self.env.user.tz or "UTC")
        text = html2plaintext(message.body or "").strip()
        return self._log(
            "note",
            _lt("War room, %(author)s at %(time)s: %(text)s"),
            {"author": author, "time": when, "text": text},
        ).id

    @api.model
    def _war_room_message(self, message_id):
        """The message of that id (in sudo: checked by the callers), or a
        refusal for anything that is not a message id."""
        if not valid_id(message_id):
            raise UserError(
                _("This message is not from the war room of this incident.")
            )
        return self.env["mail.message"].sudo().browse(message_id).exists()

    @api.model
    def log_war_room_message(self, message_id):
        """The one click in Discuss: the incident of the message's war room
        takes it into its log."""
        message = self._war_room_message(message_id)
        incident = self.browse()
        if message and message.model == "discuss.channel":
            incident = self.sudo().search(
                [("discuss_channel_id", "=", message.res_id)], limit=1
            )
        if not incident:
            raise UserError(_("This conversation is not the war room of an incident."))
        incident = incident.with_env(self.env)
        incident.action_log_channel_message(message.id)
        return {"incident": incident.display_name}

    # ------------------------------------------------------------------
    # Shifts
    # ------------------------------------------------------------------
    def action_open_shifts(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": _("Shifts"),
            "res_model": "crisis.incident.shift",
            "view_mode": "list,form",
            "domain": [("incident_id", "=", self.id)],
            "context": {"default_incident_id": self.id},
        }

    # ------------------------------------------------------------------
    # Situation picture
    # ------------------------------------------------------------------
    def action_open_situation(self):
        """Open this incident's situation picture."""
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Situation Picture"),
            "res_model": "crisis.incident",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "crisis_management.crisis_incident_view_form_situation"
                    ).id,
                    "form",
                )
            ],
            "target": "current",
        }

    @api.model
    def action_open_current_situation(self):
        """The situation picture of the company's crisis incident, or the
        wall of open incidents when there is no crisis."""
        incident = self.env.company.crisis_incident_id
        if incident and incident.has_access("read"):
            return incident.action_open_situation()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_situation_action"
        )

    def action_open_incident(self):
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crisis.incident",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def get_situation_kpis(self):
        """Key figures of the situation picture of one incident.

        :return: dict with ``state``, ``severity``, ``crisis_mode``,
            ``is_crisis_incident``, task counts (``tasks_total``,
            ``tasks_open``, ``tasks_overdue``, ``tasks_done``), inquiry counts
            (``inquiries_total``, ``inquiries_open``, ``inquiries_overdue``,
            ``inquiries_answered``, ``inquiry_oldest_open_date``,
            ``inquiry_oldest_wait_minutes``), ``stakeholders``, ``log_count``,
            ``log_latest_ids``,
            ``task_ids`` and ``inquiry_ids`` (what to look at first) and
            ``date`` (when the figures were taken).

        ``stakeholders`` answers "who is asking us, and whom are we keeping
        waiting": one row per stakeholder type of the incident's inquiries
        (the type each inquiry was handled as; ``False`` for callers of
        unknown type) with ``callers`` (distinct known contacts plus distinct
        names of unknown callers), ``inquiries``, ``open``, ``overdue`` and
        ``address_book`` (how many contacts of that type the address book
        holds, i.e. whom a statement to that group would reach). Rows with
        open inquiries come first.
        """
        self.ensure_one()
        return self._situation_kpis()[self.id]

    def _situation_kpis(self):
        """Key figures for all incidents of ``self``, by grouped queries:
        the number of queries does not depend on the number of tasks,
        inquiries or log entries, nor on the number of incidents."""
        if not self:
            return {}
        self.check_access("read")
        now = fields.Datetime.now()
        ids = self.ids
        Task = self.env["crisis.task"].sudo()
        Inquiry = self.env["crisis.inquiry"].sudo()
        Log = self.env["crisis.log"].sudo()
        result = {}
        for incident in self:
            company = incident.company_id.sudo()
            result[incident.id] = {
                "incident_id": incident.id,
                "name": incident.display_name,
                "state": incident.state,
                "severity": incident.severity,
                "crisis_mode": bool(company.crisis_mode),
                "is_crisis_incident": company.crisis_incident_id == incident,
                "tasks_total": 0,
                "tasks_open": 0,
                "tasks_overdue": 0,
                "tasks_done": 0,
                "task_oldest_overdue_deadline": False,
                "inquiries_total": 0,
                "inquiries_open": 0,
                "inquiries_overdue": 0,
                "inquiries_answered": 0,
                "inquiry_oldest_open_date": False,
                "inquiry_oldest_wait_minutes": 0,
                "stakeholders": [],
                "log_count": 0,
                "log_latest_ids": [],
                "task_ids": [],
                "inquiry_ids": [],
                "date": now,
            }

        # Tasks: one group per incident and state, one for the overdue ones.
        for incident, state, count in Task._read_group(
            [("incident_id", "in", ids)], ["incident_id", "state"], ["__count"]
        ):
            kpi = result[incident.id]
            kpi["tasks_total"] += count
            if state in TASK_OPEN_STATES:
                kpi["tasks_open"] += count
            elif state == "done":
                kpi["tasks_done"] += count
        for incident, count, oldest in Task._read_group(
            [
                ("incident_id", "in", ids),
                ("state", "in", TASK_OPEN_STATES),
                ("date_deadline", "<", now),
            ],
            ["incident_id"],
            ["__count", "date_deadline:min"],
        ):
            result[incident.id]["tasks_overdue"] = count
            result[incident.id]["task_oldest_overdue_deadline"] = oldest

        # Inquiries: by incident, stakeholder type and state.
        per_type = {}
        for incident, stype, state, count, oldest in Inquiry._read_group(
            [("incident_id", "in", ids)],
            ["incident_id", "stakeholder_type_id", "state"],
            ["__count", "date_received:min"],
        ):
            kpi = result[incident.id]
            row = per_type.setdefault(
                (incident.id, stype.id),
                {"type": stype, "inquiries": 0, "open": 0, "overdue": 0, "callers": 0},
            )
            kpi["inquiries_total"] += count
            row["inquiries"] += count
            if state in INQUIRY_OPEN_STATES:
                kpi["inquiries_open"] += count
                row["open"] += count
                first = kpi["inquiry_oldest_open_date"]
                kpi["inquiry_oldest_open_date"] = (
                    min(first, oldest) if first else oldest
                )
            elif state in ("answered", "closed"):
                kpi["inquiries_answered"] += count
        for incident, stype, count in Inquiry._read_group(
            [
                ("incident_id", "in", ids),
                ("state", "in", INQUIRY_OPEN_STATES),
                ("date_due", "<", now),
            ],
            ["incident_id", "stakeholder_type_id"],
            ["__count"],
        ):
            result[incident.id]["inquiries_overdue"] += count
            per_type[(incident.id, stype.id)]["overdue"] = count
        # Distinct people asking: known contacts, plus unknown callers.
        for incident, stype, partners, unknown in Inquiry._read_group(
            [("incident_id", "in", ids)],
            ["incident_id", "stakeholder_type_id"],
            ["partner_id:count_distinct", "caller_name:count_distinct"],
        ):
            per_type[(incident.id, stype.id)]["callers"] = partners + unknown
        # Size of each stakeholder group in the address book (what an
        # announcement to that group would reach).
        address_book = dict(
            self.env["res.partner"]._read_group(
                [("crisis_stakeholder_type_ids", "!=", False)],
                ["crisis_stakeholder_type_ids"],
                ["__count"],
            )
        )
        for (incident_id, _type_id), row in per_type.items():
            stype = row.pop("type")
            row.update(
                type_id=stype.id,
                name=stype.name or _("Unknown"),
                code=stype.code or False,
                sequence=stype.sequence if stype else 10**6,
                address_book=address_book.get(stype, 0),
            )
            result[incident_id]["stakeholders"].append(row)
        for kpi in result.values():
            kpi["stakeholders"].sort(
                key=lambda r: (-r["open"], r["sequence"], r["name"])
            )
            oldest = kpi["inquiry_oldest_open_date"]
            if oldest:
                kpi["inquiry_oldest_wait_minutes"] = max(
                    int((now - oldest) / timedelta(minutes=1)), 0
                )

        # Lists to look at first; they respect what the user may read.
        for incident in self:
            kpi = result[incident.id]
            latest = Log.search_fetch(
                [("incident_id", "=", incident.id)],
                ["sequence"],
                order="sequence desc",
                limit=SITUATION_LIST_LIMIT,
            )
            kpi["log_latest_ids"] = latest.ids
            # Positions run without gaps from 1, so the newest one counts them.
            kpi["log_count"] = latest[:1].sequence or 0
            kpi["task_ids"] = incident._situation_open_ids(
                "crisis.task", TASK_OPEN_STATES, "date_deadline asc, priority desc, id"
            )
            kpi["inquiry_ids"] = incident._situation_open_ids(
                "crisis.inquiry",
                INQUIRY_OPEN_STATES,
                "date_due asc, date_received asc, id",
            )
        return result

    def _situation_open_ids(self, model, open_states, order):
        """Ids of the first open records of ``model`` on this incident, as
        the situation picture lists them (the caller's rights apply)."""
        self.ensure_one()
        return (
            self.env[model]
            .search(
                [("incident_id", "=", self.id), ("state", "in", open_states)],
                order=order,
                limit=SITUATION_LIST_LIMIT,
            )
            .ids
        )

    # ------------------------------------------------------------------
    # Situation dashboard (the live wall)
    # ------------------------------------------------------------------
    @api.model
    def get_situation_dashboard_incidents(self):
        """The open incidents the current user may put on the wall: the
        company's crisis incident first, then the most severe, the newest.

        :return: list of dicts with ``id``, ``name``, ``severity``,
            ``severity_label``, ``is_crisis_incident``
        """
        self.check_access("read")
        crisis = self.env.company.crisis_incident_id
        incidents = self.search([("state", "in", OPEN_STATES)]).sorted(
            lambda i: (
                i != crisis,
                SEVERITY_ORDER.get(i.severity, 9),
                -(i.date_start or fields.Datetime.now()).timestamp(),
            )
        )
        severities = selection_labels(self, "severity")
        return [
            {
                "id": incident.id,
                "name": incident.display_name,
                "severity": incident.severity,
                "severity_label": severities.get(incident.severity),
                "is_crisis_incident": incident == crisis,
            }
            for incident in incidents
        ]

    def action_open_situation_dashboard(self):
        """Put this incident's live situation picture on the screen."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "crisis_management.crisis_situation_dashboard_action"
        )
        action["params"] = {"incident_id": self.id}
        return action

    def get_situation_dashboard(self):
        """Everything the wall shows of one incident, labels in the caller's
        language. Refused to whoever may not read the incident.

        :return: dict with ``incident`` (name, state, severity and their
            labels, crisis mode, exercise), ``date`` (UTC, when the figures
            were taken), ``tasks`` and ``inquiries`` (open, overdue, done or
            answered, the oldest waiting), ``overdue_people`` (who has what
            overdue), ``log`` (the latest entries), ``stakeholders`` (by
            type) and ``sections`` (further figures, see
            ``_situation_dashboard_sections``)
        """
        self.ensure_one()
        self.check_access("read")
        kpis = self.get_situation_kpis()
        states = selection_labels(self, "state")
        severities = selection_labels(self, "severity")
        return {
            "incident": {
                "id": self.id,
                "name": self.name,
                "reference": self.reference or "",
                "state": self.state,
                "state_label": states.get(self.state),
                "severity": self.severity,
                "severity_label": severities.get(self.severity),
                "is_confidential": self.is_confidential,
                "is_exercise": self.is_exercise,
                "crisis_mode": kpis["crisis_mode"],
                "is_crisis_incident": kpis["is_crisis_incident"],
                "next_update_due": fields.Datetime.to_string(self.next_update_due),
            },
            "date": fields.Datetime.to_string(kpis["date"]),
            "tasks": {
                "open": kpis["tasks_open"],
                "overdue": kpis["tasks_overdue"],
                "done": kpis["tasks_done"],
                "oldest_overdue_deadline": fields.Datetime.to_string(
                    kpis["task_oldest_overdue_deadline"]
                ),
            },
            "inquiries": {
                "open": kpis["inquiries_open"],
                "overdue": kpis["inquiries_overdue"],
                "answered": kpis["inquiries_answered"],
                "oldest_open_date": fields.Datetime.to_string(
                    kpis["inquiry_oldest_open_date"]
                ),
                "oldest_wait_minutes": kpis["inquiry_oldest_wait_minutes"],
            },
            "overdue_people": self._situation_dashboard_overdue_people(),
            "log": self._situation_dashboard_log(kpis["log_latest_ids"]),
            "stakeholders": [
                {key: row[key] for key in ("name", "callers", "open", "overdue")}
                | {"total": row["inquiries"]}
                for row in kpis["stakeholders"]
            ],
            "sections": sorted(
                self._situation_dashboard_sections(kpis),
                key=lambda section: section.get("sequence", 100),
            ),
        }

    def _situation_dashboard_sections(self, kpis):
        """Extension point: further blocks of the wall. Override, call
        ``super()`` and append; the wall renders each section as it comes.

        :param kpis: the figures of ``get_situation_kpis()`` (extended by
            the addons that override ``_situation_kpis``)
        :return: list of dicts ``{"key", "title", "sequence", "figures":
            [{"key", "label", "value", "level"}], "lines": [{"text",
            "level", "url" (optional: the line is a link)}]}``; ``level`` is
            ``danger``, ``warning``, ``success`` or ``normal``; labels already
            in the caller's language
        """
        self.ensure_one()
        sections = self._situation_dashboard_first_hour_sections()
        for section in (
            self._situation_dashboard_alarm_section(),
            self._situation_dashboard_safety_section(),
        ):
            if section:
                sections.append(section)
        return sections

    def _situation_dashboard_safety_section(self):
        """Answers to the incident's safety checks, one per person (their
        latest answer over all channels), or None without a safety check."""
        Recipient = self.env["crisis.communication.recipient"].sudo()
        lines = Recipient.search_fetch(
            [
                ("incident_id", "=", self.id),
                ("kind", "=", "safety_check"),
                ("state", "=", "sent"),
            ],
            ["partner_id", "state", "safety_answer", "date_answered"],
        )
        if not lines:
            return None
        answers = Counter(Recipient._safety_status_by_partner(lines).values())
        return {
            "key": "safety",
            "title": _("Safety Check"),
            "sequence": 10,
            "figures": [
                {
                    "key": "help",
                    "label": _("Need Help"),
                    "value": answers["help"],
                    "level": "danger" if answers["help"] else "normal",
                },
                {
                    "key": "safe",
                    "label": _("Safe"),
                    "value": answers["safe"],
                    "level": "success",
                },
                {
                    "key": "no_answer",
                    "label": _("No Answer Yet"),
                    "value": answers[False],
                    "level": "warning" if answers[False] else "normal",
                },
            ],
            "lines": [],
        }

    def _situation_dashboard_overdue_people(self):
        """Who keeps what waiting: overdue tasks and inquiries per assignee,
        the one with most first."""
        people = {}
        for model, key in (("crisis.task", "tasks"), ("crisis.inquiry", "inquiries")):
            for user, count in (
                self.env[model]
                .sudo()
                ._read_group(
                    [("incident_id", "=", self.id), ("is_overdue", "=", True)],
                    ["user_id"],
                    ["__count"],
                )
            ):
                row = people.setdefault(
                    user.id,
                    {"name": user.name or _("Nobody"), "tasks": 0, "inquiries": 0},
                )
                row[key] = count
        return sorted(
            people.values(),
            key=lambda row: (-(row["tasks"] + row["inquiries"]), row["name"]),
        )

    def _situation_dashboard_log(self, log_ids):
        kinds = selection_labels(self.env["crisis.log"], "kind")
        return [
            {
                "id": entry.id,
                "sequence": entry.sequence,
                "date": fields.Datetime.to_string(entry.date),
                "kind": entry.kind,
                "kind_label": kinds.get(entry.kind),
                "author": entry.author_id.name or "",
                "body": shorten(
                    entry.body_display or "", LOG_BODY_LENGTH, placeholder=" …"
                ),
            }
            for entry in self.env["crisis.log"].sudo().browse(log_ids)
        ]

    @api.model
    def _notify_situations_of(self, records, vals=None):
        """The walls of the incidents ``records`` hang off reload, and the
        wall of the incident ``vals`` moves them to: the one call for every
        model whose records count on the wall (tasks, inquiries, posts,
        alerts). Called before the write: the notification goes out after the
        commit anyway."""
        incidents = records.incident_id
        if vals and vals.get("incident_id"):
            incidents |= self.browse(vals["incident_id"])
        incidents._notify_situation_changed()

    def _notify_situation_changed(self):
        """Tell the walls showing these incidents to fetch their figures
        again: one bus notification per incident and transaction, delivered
        after the commit on the incident's own channel (see
        ``ir.websocket._build_bus_channel_list``). It carries no figures."""
        sent = self.env.cr.precommit.data.setdefault(SITUATION_CHANGED, set())
        for incident in self:
            if isinstance(incident.id, int) and incident.id not in sent:
                sent.add(incident.id)
                self.env["bus.bus"]._sendone(
                    incident, SITUATION_CHANGED, {"incident_id": incident.id}
                )

    # ------------------------------------------------------------------
    # Public page
    # ------------------------------------------------------------------
    def action_open_page(self):
        """Open the public page as the public sees it, in a new tab."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": self.page_url,
            "target": "new",
        }

    def action_view_page_subscriptions(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_page_subscription_action"
        )
        action["domain"] = [("incident_id", "=", self.id)]
        action["context"] = {"default_incident_id": self.id}
        return action

    def action_publish_page(self):
        self.check_access("write")
        for incident in self:
            if incident.is_confidential and not incident.public_name:
                raise UserError(
                    _(
                        "“%(name)s” is confidential: give it a public title (tab "
                        "Public Page) before publishing its page, so that its "
                        "internal name stays internal.",
                        name=incident.display_name,
                    )
                )
            vals = {"page_published": True}
            if not incident.sudo().page_token:
                vals["page_token"] = self._new_page_token()
            incident.sudo().write(vals)
            incident._log("communication", _lt("Public incident page published."))
        return True

    def action_unpublish_page(self):
        self.check_access("write")
        for incident in self:
            incident.sudo().page_published = False
            incident._log("communication", _lt("Public incident page unpublished."))
        return True

    def action_rotate_page_token(self):
        self.check_access("write")
        for incident in self:
            incident.sudo().page_token = self._new_page_token()
            incident._log(
                "communication",
                _lt("Public page address renewed; the old address no longer works."),
            )
        return True

    @api.model
    def _new_page_token(self):
        # 32 bytes = 256 bits of randomness, URL-safe.
        return secrets.token_urlsafe(32)

    def _touch_page(self):
        self.write({"page_date_updated": fields.Datetime.now()})

    def _page_hotline(self):
        self.ensure_one()
        return self.hotline_phone or self.company_id.phone or ""

    def _page_color(self):
        self.ensure_one()
        color = self.company_id.primary_color or ""
        return color if COLOR_RE.match(color) else DEFAULT_COLOR

    def _page_lang(self, *candidates):
        """``(short, code)``: the page language of a reader asking for
        ``candidates`` (``?lang=``, Accept-Language, a stored choice) as it
        appears in addresses (``de``) and the res.lang that renders it."""
        code = resolve_lang(self.env, *candidates, company=self[:1].company_id)
        return code.split("_")[0], code

    def _page_tz(self):
        """The public reads the company's local time (the lead's, if the
        company has no zone): the one time-zone rule of ``tools.reader_tz``."""
        self.ensure_one()
        return reader_tz(
            self.env,
            self.company_id.partner_id.tz,
            self.lead_id.tz,
            company=self.company_id,
        )

    def _page_format_date(self, value, lang, date_only=False, short=False):
        """``value`` as the public reads it: local time of the company with
        the zone's name, the date in the reader's language. The one helper
        for every time the public sees: page, feed, e-mails, SMS, letters
        (see ``tools.format_public_datetime``)."""
        self.ensure_one()
        return format_public_datetime(
            value, self._page_tz(), lang, date_only=date_only, short=short
        )

    def _page_mail_from(self):
        self.ensure_one()
        company = self.company_id
        return (
            company.email_formatted
            or self.env["ir.mail_server"].sudo()._get_default_from_address()
            or self.env.ref("base.partner_root").email_formatted
        )

    def _page_qr_png(self):
        """PNG of a QR code of the public page address, for letters and
        printed notices; also served at ``/crisis/<token>/qr.png``."""
        self.ensure_one()
        return qr_png(self.sudo().page_url)

    def _page_qr_data_uri(self):
        """The QR code as a ``data:`` URI, convenient in QWeb reports."""
        return "data:image/png;base64," + base64.b64encode(self._page_qr_png()).decode()

    # What the page and its feed show (read in sudo after the token check)

    def _page_updates(self, lang_code):
        self.ensure_one()
        return (
            self.env["crisis.incident.update"]
            .sudo()
            .with_context(lang=lang_code)
            .search(
                [("incident_id", "=", self.id), ("is_published", "=", True)],
                order="date desc, id desc",
            )
        )

    def _page_messages(self, lang_code, qa):
        """The incident's published Q&A (``qa``), or its other published
        content, in ``lang_code`` (sudo: for the public page)."""
        self.ensure_one()
        return (
            self.env["crisis.message"]
            .sudo()
            .with_context(lang=lang_code)
            .search(
                [
                    ("incident_id", "=", self.id),
                    ("kind", "=" if qa else "!=", "qa"),
                    ("state", "=", "published"),
                ],
                order="sequence, id",
            )
        )

    def _page_qas(self, lang_code):
        """Published questions and answers of the incident."""
        messages = self._page_messages(lang_code, qa=True)
        return [
            {
                "question": message.question or message.name,
                "body": message.body,
                "date": message.write_date,
            }
            for message in messages
        ]

    def _page_key_messages(self, lang_code):
        """Published key messages and statements of the incident: what the
        public must know, above the updates (Q&A have their own section)."""
        messages = self._page_messages(lang_code, qa=False)
        return [
            {"name": message.name, "body": message.body, "date": message.write_date}
            for message in messages
        ]

    def _page_values(self, lang, **extra):
        """Values of the page template for a reader in ``lang`` (de/en)."""
        self.ensure_one()
        langs = installed_crisis_langs(self.env)
        lang_code = langs.get(lang, "en_US")
        incident = self.with_context(lang=lang_code)
        updates = self._page_updates(lang_code)
        qas = self._page_qas(lang_code)
        key_messages = self._page_key_messages(lang_code)
        dates = [self.page_date_updated, *updates.mapped("date")]
        dates += [entry["date"] for entry in qas + key_messages]
        dates = [date for date in dates if date]
        last_updated = max(dates) if dates else False
        page_url = f"/crisis/{self.page_token}"
        hotline = self._page_hotline()
        values = {
            "incident": incident,
            "page_lang": lang,
            "updates": [update._page_entry(lang) for update in updates],
            "qas": qas,
            "key_messages": key_messages,
            "components": self._page_components(lang, lang_code),
            "summary": False
            if is_html_empty(incident.public_summary)
            else incident.public_summary,
            "hotline": hotline,
            "hotline_tel": re.sub(r"[^0-9+]", "", hotline),
            "last_updated": self._page_format_date(last_updated, lang),
            "last_updated_iso": rfc3339(last_updated),
            "next_update": self._page_format_date(self.next_update_due, lang),
            "next_update_iso": rfc3339(self.next_update_due),
            "page_url": page_url,
            "feed_url": f"{page_url}/feed.atom?{url_encode({'lang': lang})}",
            "subscribe_url": f"{page_url}/subscribe",
            "lang_links": [
                {
                    "code": code,
                    "name": LANG_NAMES[code],
                    "url": f"{page_url}?{url_encode({'lang': code})}",
                    "active": code == lang,
                }
                for code in langs
            ],
            "notice": False,
            "error": False,
            "form_email": "",
            "form_mobile": "",
        }
        values.update(extra)
        return values

    def _page_feed_values(self, lang):
        """Values of the Atom 1.0 (RFC 4287) feed of the published updates:
        opaque, stable ids, neither record ids nor database dates."""
        self.ensure_one()
        lang_code = installed_crisis_langs(self.env).get(lang, "en_US")
        incident = self.with_context(lang=lang_code)
        updates = self._page_updates(lang_code)
        page_url = f"{self.page_url}?{url_encode({'lang': lang})}"
        dates = [d for d in [self.page_date_updated, *updates.mapped("date")] if d]
        return {
            "feed_lang": lang,
            "feed_id": f"urn:uuid:{public_uuid(self)}",
            "title": incident.page_title,
            "subtitle": html2plaintext(incident.public_summary)
            if incident.public_summary
            else None,
            "updated": rfc3339(max(dates or [self.create_date])),
            "self_url": f"{self.page_url}/feed.atom?{url_encode({'lang': lang})}",
            "page_url": page_url,
            "author": self.company_id.name,
            "entries": [update._page_entry(lang) for update in updates],
        }

    # ------------------------------------------------------------------
    # Crisis log
    # ------------------------------------------------------------------
    def _log(self, kind, body, values=None):
        """Append one entry to the tamper-evident crisis log of this incident.

        ``body`` is a text, or an ``_lt("…")`` of this module with its
        ``values``: such an entry is read in each reader's language (the
        English wording is stored as its text, code and values are hashed).
        """
        self.ensure_one()
        vals = {"incident_id": self.id, "kind": kind, "author_id": self.env.user.id}
        Log = self.env["crisis.log"].sudo()
        if isinstance(body, LazyGettext):
            vals.update(Log._coded_vals(body, values))
        else:
            vals["body"] = body
        return Log.create(vals)

    def _log_time(self, value):
        """A moment as a value of a crisis log entry: each reader reads it in
        the incident's local time, in their language."""
        self.ensure_one()
        return {"time": fields.Datetime.to_string(value), "tz": self._page_tz()}

    def verify_log(self):
        """Check the hash chain of the crisis log.

        :return: ``{"ok": bool, "count": int, "first_broken_id": int or False}``
        """
        self.ensure_one()
        self.check_access("read")
        return self.env["crisis.log"].sudo()._verify_chain(self)

    def action_add_to_log(self):
        self.ensure_one()
        self._check_log_contributor()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_log_add_action"
        )
        action["context"] = {"default_incident_id": self.id}
        return action

    def _check_log_contributor(self):
        """Only the crisis team (managers) and the incident's own team write
        into its log by hand."""
        self.check_access("read")
        user = self.env.user
        if user.has_group("crisis_management.group_crisis_manager"):
            return
        for incident in self:
            if user not in incident.lead_id | incident.member_ids.user_id:
                raise UserError(
                    _(
                        "Only the crisis team of “%(incident)s” can add facts, "
                        "decisions and notes to its log.",
                        incident=incident.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Crisis mode
    # ------------------------------------------------------------------
    def _update_crisis_mode(self):
        """Put each company of ``self`` into crisis mode while one of its major
        or critical incidents is open, and out of it when the last one closes;
        its hotline sales teams are granted and revoked with it."""
        before = {company: company.crisis_mode for company in self.company_id.sudo()}
        for company in self.company_id:
            crisis = self.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("severity", "in", CRISIS_SEVERITIES),
                    ("state", "in", OPEN_STATES),
                    # An exercise never puts the company into crisis mode.
                    ("is_exercise", "=", False),
                ],
                order="date_activated asc, id asc",
            )
            company = company.sudo()
            current = company.crisis_incident_id
            switching = not crisis and company.crisis_mode
            if (crisis and current not in crisis) or switching:
                company._notify_crisis_mode()
            if crisis and not company.crisis_mode:
                company.write({"crisis_mode": True, "crisis_incident_id": crisis[0].id})
                crisis[0]._log(
                    "state",
                    _lt("Crisis mode switched on for %(company)s."),
                    {"company": company.name},
                )
            elif crisis and current not in crisis:
                company.crisis_incident_id = crisis[0]
            elif not crisis and company.crisis_mode:
                company.write({"crisis_mode": False, "crisis_incident_id": False})
                for incident in self:
                    if incident.company_id == company:
                        incident._log(
                            "state",
                            _lt("Crisis mode switched off for %(company)s."),
                            {"company": company.name},
                        )
        for company, was_on in before.items():
            if company.crisis_mode == was_on:
                continue
            self._check_may_switch_crisis_mode()
            if company.crisis_mode:
                company._crisis_hotline_grant(company.crisis_incident_id)
            else:
                incident = self.filtered(lambda i, c=company: i.company_id == c)[:1]
                company._crisis_hotline_revoke(incident)

    def _check_may_switch_crisis_mode(self):
        """Only the crisis team (who may change incidents) switches crisis
        mode, and with it who answers the hotline."""
        if self.env.su:
            return
        self.check_access("write")
        require_group(
            self.env,
            "crisis_management.group_crisis_manager",
            _("Only the crisis team can switch crisis mode on or off."),
        )

    # ------------------------------------------------------------------
    # Hotline: the mail alias (e-mails to the incident become inquiries)
    # ------------------------------------------------------------------
    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("crisis.inquiry")
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(
                self.alias_defaults or "{}"
            )
            defaults["incident_id"] = self.id
            if not self.alias_name:
                name = self._default_alias_name()
                if name:
                    values["alias_name"] = name
        return values

    def _alias_get_error(self, message, message_dict, alias):
        """Mail to an incident's address becomes an inquiry only while the
        incident takes inquiries: open, not confidential (its address must
        not let outsiders write into it), and not flooded by one sender."""
        error = super()._alias_get_error(message, message_dict, alias)
        if error or not self:
            return error
        incident = self.sudo()
        if incident.state not in ("active", "contained", "resolved"):
            return AliasError(
                "crisis_incident_not_open", _("this incident takes no inquiries")
            )
        if incident.is_confidential:
            return AliasError(
                "crisis_incident_confidential", _("this incident takes no inquiries")
            )
        sender = tools.email_normalize(message_dict.get("email_from") or "")
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crisis_management.inquiry_mail_limit_per_hour", 10)
        )
        since = fields.Datetime.now() - timedelta(hours=1)
        if (
            sender
            and self.env["crisis.inquiry"]
            .sudo()
            .search_count(
                [
                    ("incident_id", "=", incident.id),
                    ("channel", "=", "email"),
                    ("email_from", "ilike", sender),
                    ("create_date", ">=", since),
                ]
            )
            >= limit
        ):
            return AliasError(
                "crisis_inquiry_throttled", _("too many messages from this sender")
            )
        message_dict["crisis_sender_verified"] = self._mail_sender_verified(
            message, message_dict
        )
        return False

    @api.model
    def _mail_sender_verified(self, message, message_dict):
        """Whether our own mail server vouched for the sender (see
        ``tools.mail_sender_verified``: only the top-most header counts)."""
        return mail_sender_verified(self.env, message)

    def _default_alias_name(self):
        """An address made of the incident's reference, if still free."""
        self.ensure_one()
        if not self.reference or self.reference == _("New"):
            return False
        Alias = self.env["mail.alias"].sudo()
        name = Alias._sanitize_alias_name(self.reference.replace("/", "-"))
        domain = self.alias_domain_id or self.company_id.alias_domain_id
        if not name or Alias.search_count(
            [("alias_name", "=", name), ("alias_domain_id", "=", domain.id)], limit=1
        ):
            return False
        return name

    def action_view_inquiries(self):
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_inquiry_action"
        )
        action["domain"] = [("incident_id", "=", self.id)]
        # "Open Inquiries": the open ones first; the filter can be removed.
        action["context"] = {"default_incident_id": self.id, "search_default_open": 1}
        return action

    def action_hotline(self):
        """A new hotline inquiry on this incident."""
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_inquiry_hotline_action"
        )
        action["context"] = {"default_incident_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Exercise
    # ------------------------------------------------------------------
    def action_open_replay(self):
        """The crisis log of this incident on a timeline."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Replay"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "crisis_management.crisis_incident_view_form_replay"
                    ).id,
                    "form",
                )
            ],
            "target": "current",
        }

    def _exercise_observer_partners(self):
        """Whom the exercise's e-mail and SMS go to: its observers that are
        internal users (one made a portal user since receives nothing)."""
        self.ensure_one()
        return (
            self.sudo().exercise_observer_ids.filtered(lambda u: not u.share).partner_id
        )

    def _exercise_team_users(self):
        """Who may see the exercise's page: lead, members and observers."""
        self.ensure_one()
        incident = self.sudo()
        return (
            incident.lead_id
            | incident.member_ids.user_id
            | (incident.exercise_observer_ids)
        )

    def _exercise_page_allowed(self, user):
        """Whether ``user`` (logged in, internal) may open the exercise page."""
        self.ensure_one()
        if not user or user._is_public() or user.share:
            return False
        if user in self._exercise_team_users():
            return True
        return user.has_group(
            "crisis_management.group_crisis_manager"
        ) and self.with_user(user).has_access("read")

    def _exercise_recipient_note(self, names, lang):
        """Subject mark of a redirected message in ``lang``."""
        env = self.with_context(lang=lang).env
        mark = env._("[EXERCISE]")
        if not names:
            return mark
        first = names[0]
        if len(names) > 1:
            who = env._("%(name)s and %(count)s more", name=first, count=len(names) - 1)
        else:
            who = first
        return env._("%(mark)s for %(who)s:", mark=mark, who=who)

    def _exercise_replay_html(self, kinds):
        """The crisis log as a timeline: T+minutes, kind, author, text."""
        self.ensure_one()
        entries = (
            self.env["crisis.log"]
            .sudo()
            .search([("incident_id", "=", self.id)], order="sequence asc, id asc")
        )
        rows = []
        for entry in entries:
            minutes = int((entry.date - entries[0].date).total_seconds() // 60)
            hours, minutes = divmod(minutes, 60)
            rows.append(
                {
                    "offset": f"{hours}:{minutes:02d}",
                    "date": format_datetime(self.env, entry.date),
                    "kind": kinds.get(entry.kind, entry.kind),
                    "author": entry.author_id.name or "",
                    "body": entry.body_display or "",
                }
            )
        return self.env["ir.qweb"]._render(
            "crisis_management.crisis_incident_exercise_replay", {"rows": rows}
        )

    # Outgoing e-mail and SMS of an exercise

    @api.model
    def _exercise_from_outgoing(self, vals, lines=None):
        """The exercise an outgoing ``mail.mail`` / ``sms.sms`` (its create
        values) belongs to, or an empty recordset: through its crisis
        recipient line, else the document its message is posted on (the
        incident itself or any record with an ``incident_id``).

        ``lines``: the existing recipient lines of the whole batch being
        created (see :meth:`_exercise_outgoing_lines`), so that a broadcast
        batch is checked with one query instead of one per message."""
        empty = self.browse()
        if vals.get("crisis_recipient_id"):
            line = (
                self.env["crisis.communication.recipient"]
                .sudo()
                .browse(vals["crisis_recipient_id"])
            )
            line = line.exists() if lines is None else line & lines
            incident = line.incident_id
            if incident.is_exercise:
                return incident
        model, res_id = vals.get("model"), vals.get("res_id")
        if not model and vals.get("mail_message_id"):
            message = self.env["mail.message"].sudo().browse(vals["mail_message_id"])
            model, res_id = message.model, message.res_id
        if not model or not res_id or model not in self.env:
            return empty
        if model == self._name:
            incident = self.sudo().browse(res_id).exists()
        else:
            field = self.env[model]._fields.get("incident_id")
            if (
                not field
                or field.type != "many2one"
                or field.comodel_name != self._name
            ):
                return empty
            incident = self.env[model].sudo().browse(res_id).exists().incident_id
        return incident if incident.is_exercise else empty

    @api.model
    def _exercise_outgoing_lines(self, vals_list):
        """The existing recipient lines named by these create values, their
        incidents read at once."""
        ids = {
            vals["crisis_recipient_id"]
            for vals in vals_list
            if vals.get("crisis_recipient_id")
        }
        lines = self.env["crisis.communication.recipient"].sudo().browse(ids).exists()
        lines.incident_id.fetch(["is_exercise"])
        return lines

    def _exercise_lang(self, partners=None, recipient=None):
        """Language of the exercise mark: the would-be recipient's, else the
        first observer's, else the company's."""
        self.ensure_one()
        return resolve_lang(
            self.env,
            recipient and recipient.lang,
            partners and partners[:1].lang,
            self.exercise_observer_ids[:1].lang,
            company=self.company_id,
            exact=True,
        )

    def _exercise_banner(self, names, lang):
        """HTML shown on top of a redirected e-mail."""
        self.ensure_one()
        return (
            self.env["ir.qweb"]
            .with_context(lang=lang)
            ._render(
                "crisis_management.crisis_incident_exercise_banner",
                {"incident": self.with_context(lang=lang), "names": ", ".join(names)},
            )
        )

    # ------------------------------------------------------------------
    # Emergency contact sheet
    # ------------------------------------------------------------------
    def action_print_contact_sheet(self):
        """Print the emergency contact sheet in the language asked for
        (``contact_sheet_lang`` in the context, else the user's), by the
        crisis team, and write the printing into the crisis log: here, in
        the button's call, never when the report is rendered (a GET)."""
        self.check_access("read")
        require_group(
            self.env,
            "crisis_management.group_crisis_manager",
            _("Only the crisis team can print the emergency contact sheet."),
        )
        action = self.env.ref(
            "crisis_management.action_report_crisis_contact_sheet"
        ).report_action(self)
        lang = self.env.context.get("contact_sheet_lang")
        if lang in CRISIS_LANGS.values():
            action["context"] = dict(action.get("context") or {}, lang=lang)
        else:
            lang = resolve_lang(
                self.env, self.env.context.get("lang"), self.env.user.lang, exact=True
            )
        for incident in self:
            incident._log(
                "note",
                _lt("Emergency contact sheet printed by %(user)s (%(lang)s)."),
                {"user": self.env.user.name, "lang": lang},
            )
        return action

    def _contact_sheet_values(self):
        """What the sheet prints for this incident (read in sudo after the
        caller's read access was checked)."""
        self.ensure_one()
        incident = self.sudo()
        roles = dict(
            self.env["crisis.incident.member"]
            ._fields["role"]
            ._description_selection(self.env)
        )
        # Each person once, with all their roles (the lead is often also a
        # member with the role "lead", or holds a second role).
        team = []
        by_user = {}
        people = [(incident.lead_id, roles["lead"])] if incident.lead_id else []
        people += [
            (member.user_id, roles.get(member.role, ""))
            for member in incident.member_ids.sorted(lambda m: (m.sequence, m.id))
        ]
        for user, role in people:
            person = by_user.get(user.id)
            if person is None:
                person = by_user[user.id] = self._contact_sheet_person(user, role)
                person["roles"] = [role] if role else []
                team.append(person)
            elif role and role not in person["roles"]:
                person["roles"].append(role)
                person["role"] = ", ".join(person["roles"])
        seen = set(by_user)
        standby = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    (
                        "groups_id",
                        "in",
                        self.env.ref("crisis_management.group_crisis_manager").id,
                    ),
                    ("share", "=", False),
                    ("company_ids", "in", incident.company_id.id),
                    ("id", "not in", list(seen)),
                ],
                order="name",
            )
        )
        stakeholders = []
        Partner = self.env["res.partner"].sudo()
        for stakeholder_type in (
            self.env["crisis.stakeholder.type"].sudo().search([("active", "=", True)])
        ):
            partners = Partner.search(
                [
                    ("crisis_stakeholder_type_ids", "in", stakeholder_type.ids),
                    ("crisis_influence", "in", KEY_INFLUENCE),
                    ("company_id", "in", (False, incident.company_id.id)),
                ],
                order="crisis_influence, name",
                limit=MAX_PER_TYPE,
            )
            partners = partners.sorted(
                lambda p: (p.crisis_influence != "high", p.name or "")
            )
            if partners:
                stakeholders.append(
                    {
                        "type": stakeholder_type.name,
                        "contacts": [
                            {
                                "name": p.display_name,
                                "influence": p.crisis_influence,
                                "phone": p.phone or "",
                                "mobile": p.mobile or "",
                                "email": p.email or "",
                            }
                            for p in partners
                        ],
                    }
                )
        return {
            "incident": incident,
            "company": incident.company_id,
            "team": team,
            "standby": [self._contact_sheet_person(user, "") for user in standby],
            "stakeholders": stakeholders,
        }

    @api.model
    def _contact_sheet_person(self, user, role):
        partner = user.sudo().partner_id
        return {
            "name": partner.name or "",
            "role": role,
            "phone": partner.phone or "",
            "mobile": partner.mobile or "",
            "email": partner.email or "",
        }

    # ------------------------------------------------------------------
    # CRM: reported incidents
    # ------------------------------------------------------------------
    def _notify_crisis_team_of_report(self):
        """One activity on this reported draft for each crisis team member
        of its company."""
        self.ensure_one()
        manager = self.env.ref("crisis_management.group_crisis_manager").sudo()
        team = manager.users.filtered(
            lambda u: u.active and not u.share and self.company_id in u.company_ids
        )
        incident = self.sudo()
        for user in team:
            incident_l = incident.with_context(lang=user.lang)
            incident_l.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=incident_l.env._(
                    "Reported incident: check it and activate it if needed"
                ),
                note=incident_l.env._(
                    "%(user)s reported this incident. Only the crisis team can "
                    "activate it.",
                    user=self.env.user.name,
                ),
            )
        return team

    # ------------------------------------------------------------------
    # CRM: after the crisis, hand the customers back
    # ------------------------------------------------------------------
    def _crisis_handback_customers(self):
        """Commercial partners addressed by this incident's communications or
        asking about it, who have a salesperson: ``{customer: salesperson}``."""
        self.ensure_one()
        ids = self.env["res.partner"]._crisis_affected_commercial_ids(self)
        customers = self.env["res.partner"].sudo().browse(sorted(ids))
        result = {}
        for customer in customers:
            salesperson = customer.user_id
            if salesperson and salesperson.active and not salesperson.share:
                result[customer] = salesperson
        return result

    def action_crisis_handback(self):
        """Give each affected customer's salesperson a follow-up activity on
        the customer, from the activity plan the admin chose, so that regular
        business is won back."""
        self.check_access("write")
        require_group(
            self.env,
            "crisis_management.group_crisis_manager",
            _("Only the crisis team can hand customers back."),
        )
        for incident in self:
            if incident.state != "closed":
                raise UserError(
                    _(
                        "Customers are handed back once the incident %(incident)s "
                        "is closed.",
                        incident=incident.display_name,
                    )
                )
            if incident.date_handback:
                raise UserError(
                    _(
                        "The customers of %(incident)s were already handed back.",
                        incident=incident.display_name,
                    )
                )
            plan = incident.company_id.sudo().crisis_handback_plan_id
            if not plan.template_ids:
                raise UserError(
                    _(
                        "Choose a hand-back plan with at least one activity in the "
                        "company settings (Crisis tab) first."
                    )
                )
            customers = incident._crisis_handback_customers()
            for customer, salesperson in customers.items():
                for template in plan.template_ids.sorted("sequence"):
                    customer.with_context(lang=salesperson.lang).activity_schedule(
                        activity_type_id=template.activity_type_id.id,
                        summary=template.summary or template.activity_type_id.name,
                        note=template.note,
                        user_id=salesperson.id,
                        date_deadline=template._get_date_deadline(),
                    )
            incident.sudo().date_handback = fields.Datetime.now()
            incident._log(
                "note",
                _lt(
                    "%(count)s affected customers handed back to their "
                    "salespeople (plan “%(plan)s”): %(customers)s."
                ),
                {
                    "count": len(customers),
                    "plan": plan.name,
                    "customers": [c.name for c in customers] or "-",
                },
            )
        return True

    # ------------------------------------------------------------------
    # Customers first: affected customers from the CRM, personal calls
    # ------------------------------------------------------------------
    def _open_key_calls(self):
        """The personal calls to key customers not done yet (sudo)."""
        return (
            self.env["crisis.task"]
            .sudo()
            .search(
                [
                    ("incident_id", "in", self.ids),
                    ("call_partner_id", "!=", False),
                    ("state", "in", ("todo", "in_progress")),
                ]
            )
        )

    def action_mark_affected(self):
        """Mark the customers of every affected component (status not
        operational), each with its whole commercial family, as affected by
        this incident; tell each customer's salesperson with an activity on
        the customer, and ask the salespeople of the key customers to call
        them personally (``key_account_limit``)."""
        self.check_access("write")
        require_group(
            self.env,
            "crisis_management.group_crisis_manager",
            _("Only the crisis team can mark customers as affected."),
        )
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        for incident in self:
            if incident.state not in OPEN_STATES:
                raise UserError(
                    _(
                        "Customers are marked affected while the incident "
                        "%(incident)s is open.",
                        incident=incident.display_name,
                    )
                )
            lines = incident.sudo().component_status_ids.filtered("is_affected")
            if not lines:
                raise UserError(
                    _(
                        "No component of %(incident)s is affected: set the status "
                        "of the affected components first.",
                        incident=incident.display_name,
                    )
                )
            customers = lines.component_id.partner_ids.commercial_partner_id
            family = Partner.search([("commercial_partner_id", "in", customers.ids)])
            before = incident.sudo().affected_partner_ids
            new = family - before
            incident.sudo().write(
                {
                    "affected_partner_ids": [Command.link(pid) for pid in new.ids],
                    "date_marked_affected": fields.Datetime.now(),
                }
            )
            new_customers = customers - before.commercial_partner_id
            for customer in new_customers:
                incident._notify_salesperson_affected(customer)
            calls = incident._schedule_key_account_calls()
            incident._log(
                "decision",
                _lt(
                    "%(count)s customers marked affected (components: "
                    "%(components)s): %(customers)s. Personal calls asked for: "
                    "%(calls)s."
                ),
                {
                    "count": len(customers),
                    "components": lines.component_id.mapped("name"),
                    "customers": customers.mapped("name") or "-",
                    "calls": calls.call_partner_id.mapped("name") or "-",
                },
            )
        return True

    def _crisis_key_message_for(self, lang):
        """The approved key message of this incident (sudo) in ``lang``."""
        self.ensure_one()
        key = self.env["res.partner"]._crisis_key_message(
            self, self.env["crisis.communication.recipient"]
        )
        return key.with_context(lang=lang)

    def _title_for_staff(self):
        """The incident as staff outside its team read it in the activities
        on its customers (the salesperson, and every employee who may read
        the customer's activities): its public title; a confidential
        incident without one is "Confidential incident", never its internal
        name. In the language of the context."""
        self.ensure_one()
        if self.is_confidential and not self.public_name:
            return self.env._("Confidential incident")
        return self.page_title

    def _salesperson_note(self, salesperson, customer, extra=None):
        """What a salesperson without crisis rights may read about the
        incident: its public title and summary, the approved key message and
        the page link; nothing confidential."""
        self.ensure_one()
        lang = salesperson.lang or self.company_id.partner_id.lang or "en_US"
        incident = self.sudo().with_context(lang=lang)
        key = self._crisis_key_message_for(lang)
        values = {
            "customer": customer.name,
            "title": incident._title_for_staff(),
            # A confidential incident's summary only once its page is public.
            "summary": False
            if is_html_empty(incident.public_summary)
            or (incident.is_confidential and not incident.page_published)
            else incident.public_summary,
            "key_name": key.name,
            "key_body": key.body,
            "page_url": incident.page_published and incident.page_url,
            "hotline": incident._page_hotline(),
            "extra": extra or [],
        }
        return (
            self.env["ir.qweb"]
            .with_context(lang=lang)
            ._render("crisis_management.crisis_salesperson_note", values)
        )

    def _notify_salesperson_affected(self, customer):
        """An activity on ``customer`` for its salesperson (who may have no
        crisis rights): the customer is affected; what happened, the
        approved key message and the page link."""
        self.ensure_one()
        salesperson = customer._crisis_salesperson()
        if not salesperson:
            return self.env["mail.activity"]
        lang = salesperson.lang or "en_US"
        incident = self.sudo().with_context(lang=lang)
        return (
            customer.sudo()
            .with_context(lang=lang, mail_activity_quick_update=True)
            .activity_schedule(
                "crisis_management.mail_activity_type_crisis_affected",
                summary=incident.env._(
                    "Your customer is affected: %(title)s",
                    title=incident._title_for_staff(),
                ),
                note=self._salesperson_note(salesperson, customer),
                user_id=salesperson.id,
            )
        )

    def _crisis_open_revenue(self, customers):
        """``{commercial partner id: expected revenue of its open
        opportunities}``."""
        groups = (
            self.env["crm.lead"]
            .sudo()
            ._read_group(
                [
                    ("partner_id.commercial_partner_id", "in", customers.ids),
                    ("type", "=", "opportunity"),
                    ("stage_id.is_won", "=", False),
                    ("probability", "<", 100),
                ],
                ["partner_id"],
                ["expected_revenue:sum"],
            )
        )
        revenue = {}
        for partner, amount in groups:
            key = partner.commercial_partner_id.id
            revenue[key] = revenue.get(key, 0.0) + (amount or 0.0)
        return revenue

    def _schedule_key_account_calls(self):
        """Up to ``key_account_limit`` personal calls in all: the affected
        customers with the largest open opportunities who have a salesperson
        and no call yet get a "call personally" activity for the salesperson,
        due before any broadcast to customers, each tracked by a crisis task
        of the lead."""
        self.ensure_one()
        Task = self.env["crisis.task"].sudo()
        tasks = Task
        incident = self.sudo()
        existing = Task.search(
            [("incident_id", "=", self.id), ("call_partner_id", "!=", False)]
        )
        room = incident.key_account_limit - len(existing)
        if room <= 0:
            return tasks
        customers = (
            incident.affected_partner_ids.commercial_partner_id
            - existing.call_partner_id
        )
        revenue = self._crisis_open_revenue(customers)
        ranked = customers.filtered(
            lambda c: revenue.get(c.id, 0) > 0 and c._crisis_salesperson()
        ).sorted(lambda c: (-revenue[c.id], c.id))[:room]
        deadline = fields.Datetime.now() + timedelta(minutes=KEY_CALL_MINUTES)
        for customer in ranked:
            salesperson = customer._crisis_salesperson()
            lang = salesperson.lang or "en_US"
            incident_l = incident.with_context(lang=lang)
            activity = (
                customer.sudo()
                .with_context(lang=lang, mail_activity_quick_update=True)
                .activity_schedule(
                    "crisis_management.mail_activity_type_crisis_call",
                    date_deadline=fields.Date.context_today(self),
                    summary=incident_l.env._(
                        "Call personally before the broadcast: %(title)s",
                        title=incident_l._title_for_staff(),
                    ),
                    note=self._salesperson_note(
                        salesperson,
                        customer,
                        extra=self._call_qas(lang),
                    ),
                    user_id=salesperson.id,
                )
            )
            tasks |= Task.create(
                {
                    "incident_id": self.id,
                    "name": _(
                        "Personal call: %(salesperson)s calls %(customer)s",
                        salesperson=salesperson.name,
                        customer=customer.name,
                    ),
                    "user_id": (incident.lead_id or self.env.user).id,
                    "date_deadline": deadline,
                    "priority": "2",
                    "call_partner_id": customer.id,
                    "call_user_id": salesperson.id,
                    "call_activity_id": activity.id,
                }
            )
        return tasks

    def _call_qas(self, lang):
        """The approved questions and answers of the incident, for a call."""
        self.ensure_one()
        messages = (
            self.env["crisis.message"]
            .sudo()
            .with_context(lang=lang)
            .search(
                [
                    ("incident_id", "=", self.id),
                    ("kind", "=", "qa"),
                    ("state", "in", ("approved", "published")),
                ],
                order="sequence, id",
            )
        )
        return [
            {"question": message.question or message.name, "body": message.body}
            for message in messages
        ]

    def action_made_good(self):
        """After the resolution: a draft communication (e-mail and letter)
        of the approved "made good" message to the affected customers only,
        with the page's QR code and the hotline; the page stays online."""
        self.ensure_one()
        self.check_access("write")
        require_group(
            self.env,
            "crisis_management.group_crisis_manager",
            _("Only the crisis team can write to the affected customers."),
        )
        if self.state not in ("resolved", "closed"):
            raise UserError(
                _("Customers are told how it was made good once it is resolved.")
            )
        if not self.sudo().affected_partner_ids:
            raise UserError(_("No customers are marked affected by this incident."))
        message = self.env["crisis.message"].search(
            [
                ("incident_id", "=", self.id),
                ("kind", "=", "made_good"),
                ("state", "in", ("approved", "published")),
            ],
            order="date_approved desc, id desc",
            limit=1,
        )
        if not message:
            raise UserError(
                _(
                    "Write and approve a message of the kind “Made good” first: "
                    "what was done and what prevents a repeat."
                )
            )
        communication = self.env["crisis.communication"].create(
            {
                "incident_id": self.id,
                "message_id": message.id,
                "kind": "notice",
                "purpose_id": self.env.ref(
                    "crisis_management.consent_purpose_crisis_info"
                ).id,
                "channel_email": True,
                "channel_letter": True,
                "audience_affected": True,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "crisis.communication",
            "res_id": communication.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # Public page: components

    def _page_components(self, lang, lang_code):
        """The incident's components as the page shows them in ``lang``."""
        self.ensure_one()
        lines = self.sudo().with_context(lang=lang_code).component_status_ids
        return [line._page_entry(lang) for line in lines]

    def _page_component_ids(self, values):
        """The ids among ``values`` (from a public form or a signed link)
        that are components of this incident."""
        self.ensure_one()
        own = set(self.sudo().component_status_ids.component_id.ids)
        ids = set()
        for value in values if isinstance(values, (list, tuple)) else []:
            if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                if int(value) in own:
                    ids.add(int(value))
        return sorted(ids)
