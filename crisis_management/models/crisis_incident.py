# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import (
    check_transition,
    guard_workflow_fields,
    resolve_lang,
    sanitize_translations,
    selection_labels,
)

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
# Changed only by the actions (see utils.guard_workflow_fields).
WORKFLOW_FIELDS = {
    "state",
    "reference",
    "date_activated",
    "date_closed",
    "page_published",
    "page_token",
    "page_date_updated",
    "log_head_hash",
}
# On a confidential incident only its lead or a crisis admin changes these.
TEAM_FIELDS = {"lead_id", "is_confidential", "member_ids"}


class CrisisIncident(models.Model):
    _name = "crisis.incident"
    _description = "Crisis Incident"
    # Its other concerns extend it in files of their own, named
    # crisis_incident_<concern>.py (page, crisis mode, hotline, log…).
    _inherit = [
        "mail.alias.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    reference = fields.Char(
        readonly=True, copy=False, default=lambda self: _("New"), index="btree"
    )
    incident_type_id = fields.Many2one("crisis.incident.type", tracking=True)
    severity = fields.Selection(
        SEVERITIES, required=True, default="major", tracking=True
    )
    state = fields.Selection(
        STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
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
        counts = dict(
            self.env["crisis.log"]._read_group(
                [("incident_id", "in", self.ids)], ["incident_id"], ["__count"]
            )
        )
        for incident in self:
            incident.log_count = counts.get(incident, 0)

    @api.depends("task_ids.state", "task_ids.date_deadline")
    def _compute_task_count(self):
        Task = self.env["crisis.task"]
        domain = [("incident_id", "in", self.ids)]
        total = dict(Task._read_group(domain, ["incident_id"], ["__count"]))
        open_domain = domain + [("state", "in", ("todo", "in_progress"))]
        opened = dict(Task._read_group(open_domain, ["incident_id"], ["__count"]))
        overdue = dict(
            Task._read_group(
                domain + [("is_overdue", "=", True)], ["incident_id"], ["__count"]
            )
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

    @api.model_create_multi
    def create(self, vals_list):
        guard_workflow_fields(self, vals_list, WORKFLOW_FIELDS)
        self.check_access("create")
        for vals in vals_list:
            if not vals.get("reference") or vals["reference"] == _("New"):
                vals["reference"] = self.env["ir.sequence"].sudo().next_by_code(
                    "crisis.incident"
                ) or _("New")
        return super().create(vals_list)

    def write(self, vals):
        guard_workflow_fields(self, vals, WORKFLOW_FIELDS)
        team_changes = TEAM_FIELDS & set(vals)
        if team_changes:
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
                        _(
                            "Crisis lead changed from %(old)s to %(new)s.",
                            old=lead.name or "-",
                            new=incident.lead_id.name or "-",
                        ),
                    )
                if incident.is_confidential != confidential:
                    incident._log(
                        "decision",
                        _("Incident marked confidential.")
                        if incident.is_confidential
                        else _("Incident no longer confidential."),
                    )
        return res

    def update_field_translations(self, field_name, translations, source_lang=None):
        return super().update_field_translations(
            field_name,
            sanitize_translations(self, field_name, translations),
            source_lang=source_lang,
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
    # Transitions
    # ------------------------------------------------------------------
    def _check_transition(self, target):
        check_transition(self, TRANSITIONS[target], target, self._transition_refusal)

    def _transition_refusal(self, incident, old, new):
        return _(
            "Incident %(incident)s cannot go from %(from)s to %(to)s.",
            incident=incident.display_name,
            **{"from": old, "to": new},
        )

    def _set_state(self, target, extra=None):
        self.check_access("write")
        self._check_transition(target)
        labels = selection_labels(self, "state")
        for incident in self:
            previous = incident.state
            incident.sudo().write(dict(state=target, **(extra or {})))
            incident._log(
                "state",
                _(
                    "State changed from %(from)s to %(to)s.",
                    **{"from": labels[previous], "to": labels[target]},
                ),
            )

    def action_activate(self):
        self._set_state("active", {"date_activated": fields.Datetime.now()})
        for incident in self:
            incident._on_activate()
        return True

    def action_contain(self):
        self._set_state("contained")
        return True

    def action_resolve(self):
        self._set_state("resolved")
        return True

    def action_close(self):
        self._set_state("closed", {"date_closed": fields.Datetime.now()})
        self._update_crisis_mode()
        return True

    # ------------------------------------------------------------------
    # Activation (crisis mode: crisis_incident_crisis_mode.py)
    # ------------------------------------------------------------------
    def _on_activate(self):
        """Hook run once per incident right after activation."""
        self.ensure_one()
        self._update_crisis_mode()
        self._apply_playbook()

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
        self._log(
            "task",
            _(
                "Playbook “%(playbook)s” applied: %(count)s tasks created.",
                playbook=playbook.name,
                count=len(tasks),
            ),
        )
        return tasks

    # ------------------------------------------------------------------
    # Crisis log
    # ------------------------------------------------------------------
    def _log(self, kind, body):
        """Append one entry to the tamper-evident crisis log of this incident."""
        self.ensure_one()
        return (
            self.env["crisis.log"]
            .sudo()
            .create(
                {
                    "incident_id": self.id,
                    "kind": kind,
                    "body": body,
                    "author_id": self.env.user.id,
                }
            )
        )

    def verify_log(self):
        """Check the hash chain of the crisis log.

        :return: ``{"ok": bool, "count": int, "first_broken_id": int or False}``
        """
        self.ensure_one()
        self.check_access("read")
        return self.env["crisis.log"].sudo()._verify_chain(self)
