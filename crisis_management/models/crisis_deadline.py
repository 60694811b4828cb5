# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import _, _lt, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..tools import CRISIS_LANGS, require_group
from ..tools.fields import incident_fields, workflow_state

STATES = [("open", "Open"), ("done", "Done"), ("overdue", "Overdue")]
# Which states each action may start from.
TRANSITIONS = {"done": ("open", "overdue"), "overdue": ("open",)}
# Changed only by the actions and the cron job (crisis.workflow.mixin).
WORKFLOW_FIELDS = {
    "state",
    "date_due",
    "date_done",
    "done_by_id",
    "date_reminded",
    "incident_id",
    "rule_id",
}
NOTICE_LANGS = tuple(CRISIS_LANGS.values())


class CrisisDeadline(models.Model):
    """One legal deadline of one incident, started by the moment the company
    became aware of it (``crisis.incident.date_aware``)."""

    _name = "crisis.deadline"
    _inherit = ["crisis.workflow.mixin"]
    _description = "Crisis Deadline"
    _order = "date_due, id"
    _check_company_auto = True
    _workflow_fields = frozenset(WORKFLOW_FIELDS)
    _workflow_transitions = TRANSITIONS
    _workflow_frozen_states = ("done",)
    _workflow_copy = "refuse"

    incident_id, company_id = incident_fields(readonly=True)
    rule_id = fields.Many2one(
        "crisis.deadline.rule",
        required=True,
        ondelete="restrict",
        readonly=True,
    )
    name = fields.Char(related="rule_id.name")
    code = fields.Char(related="rule_id.code")
    authority = fields.Text(related="rule_id.authority")
    date_due = fields.Datetime(string="Due", required=True, readonly=True)
    state = workflow_state(STATES, "open")
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    done_by_id = fields.Many2one("res.users", readonly=True)
    date_reminded = fields.Datetime(string="Reminded On", readonly=True, copy=False)
    evidence = fields.Text(
        help="What was sent to whom and when: reference number of the "
        "authority, receipt, letter. Required to mark the deadline done.",
    )
    is_kept = fields.Boolean(
        string="Kept",
        compute="_compute_is_kept",
        help="Done by the deadline.",
    )
    notice_de = fields.Html(string="Draft Notice (German)", sanitize=True)
    notice_en = fields.Html(string="Draft Notice (English)", sanitize=True)

    _sql_constraints = [
        (
            "rule_unique",
            "unique(incident_id, rule_id)",
            "An incident has each deadline once.",
        ),
    ]

    @api.depends("state", "date_done", "date_due")
    def _compute_is_kept(self):
        for deadline in self:
            deadline.is_kept = bool(
                deadline.state == "done"
                and deadline.date_done
                and deadline.date_done <= deadline.date_due
            )

    @api.depends("rule_id", "incident_id")
    def _compute_display_name(self):
        for deadline in self:
            deadline.display_name = (
                f"{deadline.rule_id.name} ({deadline.incident_id.reference})"
                if deadline.incident_id.reference
                else deadline.rule_id.name
            )

    def write(self, vals):
        if (
            "evidence" in vals
            and not self.env.su
            and any(d.state == "done" for d in self)
        ):
            raise UserError(
                _("The evidence of a deadline that is done cannot be changed.")
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def _workflow_log_transition(self, old_states, new_state):
        for deadline in self:
            incident = deadline.incident_id.with_context(
                lang=deadline.incident_id._team_lang()
            )
            if new_state == "done":
                body = incident.env._(
                    "Deadline “%(name)s” done by %(user)s (due %(due)s, %(kept)s). "
                    "Evidence: %(evidence)s",
                    name=deadline.with_context(lang=incident.env.lang).name,
                    user=self.env.user.name,
                    due=deadline._format_due(),
                    kept=incident.env._("kept")
                    if deadline.is_kept
                    else incident.env._("late"),
                    evidence=deadline.evidence,
                )
            else:
                body = incident.env._(
                    "Deadline “%(name)s” is overdue: it was due %(due)s.",
                    name=deadline.with_context(lang=incident.env.lang).name,
                    due=deadline._format_due(),
                )
            deadline.incident_id._log("decision", body)

    def action_done(self, evidence=None):
        """Mark the deadline done; ``evidence`` (or the one written in the
        form) says what was sent to whom. Crisis team only."""
        require_group(
            self.env,
            "crisis_management.group_crisis_manager",
            _("Only members of the crisis team may mark a deadline done."),
        )
        self._workflow_check("done")
        if evidence is not None:
            if not isinstance(evidence, str):
                raise UserError(_("The evidence must be a text."))
            self.write({"evidence": evidence})
        for deadline in self:
            if not (deadline.evidence or "").strip():
                raise UserError(
                    _(
                        "Write down the evidence (what was sent to whom, the "
                        "reference number) before marking “%(name)s” done.",
                        name=deadline.display_name,
                    )
                )
        self._workflow_apply(
            "done", {"date_done": fields.Datetime.now(), "done_by_id": self.env.uid}
        )
        self.incident_id._notify_situation_changed()
        return True

    # ------------------------------------------------------------------
    # The cron job: remind before, overdue after
    # ------------------------------------------------------------------
    @api.model
    def _cron_deadline(self):
        now = fields.Datetime.now()
        running = [("incident_id.state", "in", ("active", "contained", "resolved"))]
        overdue = self.search(
            running + [("state", "=", "open"), ("date_due", "<", now)]
        )
        for deadline in overdue:
            deadline._workflow_apply("overdue")
            deadline._schedule_lead_activity(overdue=True)
        candidates = self.search(
            running
            + [
                ("state", "=", "open"),
                ("date_reminded", "=", False),
                ("date_due", ">=", now),
            ]
        )
        for deadline in candidates:
            if deadline.date_due - timedelta(hours=deadline.rule_id.remind_hours) > now:
                continue
            deadline.sudo().write({"date_reminded": now})
            deadline._schedule_lead_activity(overdue=False)
            incident = deadline.incident_id
            incident._log(
                "task",
                _lt(
                    "Deadline reminder: “%(name)s” is due %(due)s; reminder sent "
                    "to %(user)s."
                ),
                {
                    "name": deadline.with_context(lang=incident._team_lang()).name,
                    "due": incident._log_time(deadline.date_due),
                    "user": incident.lead_id.name or "-",
                },
            )
        (overdue | candidates).incident_id._notify_situation_changed()
        return True

    def _schedule_lead_activity(self, overdue):
        self.ensure_one()
        incident = self.incident_id
        if not incident.lead_id:
            return
        lang = incident._team_lang()
        incident = incident.with_context(lang=lang)
        name = self.with_context(lang=lang).name
        if overdue:
            summary = incident.env._("Deadline overdue: %(name)s", name=name)
        else:
            summary = incident.env._("Deadline due soon: %(name)s", name=name)
        incident.sudo().activity_schedule(
            "crisis_management.mail_activity_type_crisis_deadline",
            date_deadline=fields.Date.context_today(self),
            summary=summary,
            note=incident.env._(
                "Due %(due)s. Authority: %(authority)s",
                due=self._format_due(),
                authority=self.with_context(lang=lang).authority or "-",
            ),
            user_id=incident.lead_id.id,
        )

    def _format_due(self, lang=None):
        self.ensure_one()
        incident = self.incident_id
        return incident._page_format_date(
            self.date_due, lang or incident._team_lang(), short=True
        )

    # ------------------------------------------------------------------
    # The draft notice for the authority
    # ------------------------------------------------------------------
    def action_draft_notice(self):
        """Write a draft notification for the authority, in German and
        English, filled from the incident (for ``gdpr_art33`` the contents
        Art. 33(3) GDPR asks for) into ``notice_de`` / ``notice_en``.

        :return: the form of the deadline with the drafts; the texts are
            also under the key ``notice`` (``{"de_DE": html, "en_US": html}``)
        """
        self.ensure_one()
        self.check_access("write")
        texts = {lang: self._draft_notice_html(lang) for lang in NOTICE_LANGS}
        self.write({"notice_de": texts["de_DE"], "notice_en": texts["en_US"]})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
            "notice": texts,
        }

    def _draft_notice_html(self, lang):
        """The draft in ``lang`` (de_DE or en_US) as html."""
        self.ensure_one()
        deadline = self.with_context(lang=lang)
        _ = deadline.env._  # noqa: F811 (the texts in ``lang``)
        incident = self.incident_id.sudo().with_context(lang=lang)
        company = incident.company_id
        short = "de" if lang.startswith("de") else "en"
        missing = _("[to be completed]")

        def plain(html):
            return html2plaintext(html or "").strip() or missing

        address = ", ".join(
            part
            for part in (
                company.street,
                " ".join(p for p in (company.zip, company.city) if p),
                company.country_id.name,
            )
            if part
        )
        contact = incident.lead_id
        rows = [
            (_("Controller / company"), f"{company.name}, {address}".strip(", ")),
            (_("Incident"), f"{incident.reference} – {incident.name}"),
            (
                _("Type of incident"),
                incident.incident_type_id.name or missing,
            ),
            (
                _("Became aware on"),
                incident._page_format_date(incident.date_aware, short),
            ),
            (
                _("Incident started on"),
                incident._page_format_date(incident.date_start, short),
            ),
            (_("Deadline"), f"{deadline.name}: {self._format_due(short)}"),
        ]
        if self.rule_id.code == "gdpr_art33":
            # Art. 33(3) GDPR (a) to (d).
            rows += [
                (
                    _(
                        "(a) Nature of the breach, categories and approximate "
                        "number of data subjects and of personal data records"
                    ),
                    plain(incident.situation),
                ),
                (
                    _(
                        "(b) Name and contact details of the data protection "
                        "officer or other contact point"
                    ),
                    ", ".join(
                        p for p in (contact.name, contact.email, contact.phone) if p
                    )
                    or missing,
                ),
                (_("(c) Likely consequences of the breach"), missing),
                (
                    _(
                        "(d) Measures taken or proposed to address the breach and "
                        "to mitigate its possible adverse effects"
                    ),
                    plain(incident.public_summary),
                ),
            ]
        else:
            rows += [
                (_("What happened"), plain(incident.situation)),
                (_("Measures taken"), plain(incident.public_summary)),
                (
                    _("Contact"),
                    ", ".join(
                        p for p in (contact.name, contact.email, contact.phone) if p
                    )
                    or missing,
                ),
            ]
        title = _("Draft notification: %(name)s", name=deadline.name)
        body = Markup("<h3>%s</h3>") % title
        if deadline.authority:
            body += Markup("<p>%s %s</p>") % (_("To:"), deadline.authority)
        body += Markup("<dl>")
        for label, value in rows:
            body += Markup("<dt>%s</dt><dd>%s</dd>") % (label, escape(value))
        body += Markup("</dl><p><em>%s</em></p>") % _(
            "Draft: check every point before sending. Information not yet "
            "known may be provided in phases without undue further delay."
        )
        return body
