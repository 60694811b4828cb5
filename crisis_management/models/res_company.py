# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, _, api, fields, models
from odoo.tools.translate import _lt

from ..tools import resolve_lang, selection_labels
from .crisis_bilingual_mixin import bilingual_fields

# Crisis mode is switched by the incidents' actions only; who got the hotline
# group from crisis mode is recorded by crisis mode only.
WORKFLOW_FIELDS = {
    "crisis_mode",
    "crisis_incident_id",
    "crisis_hotline_granted_user_ids",
}


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "crisis.workflow.mixin", "crisis.bilingual.mixin"]

    # The mixin guards these in create/write (a company has no incident).
    _workflow_fields = frozenset(WORKFLOW_FIELDS)
    _workflow_incident_field = False
    # The legal details are written in German and English side by side.
    _bilingual_fields = ("crisis_legal_footer",)

    crisis_mode = fields.Boolean(
        readonly=True,
        copy=False,
        help="Set while a major or critical incident of this company is active.",
    )
    crisis_incident_id = fields.Many2one(
        "crisis.incident",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The incident that put the company into crisis mode.",
    )
    crisis_inquiry_sla_minutes = fields.Integer(
        string="Default Response Time (minutes)",
        default=120,
        help="How quickly an inquiry must be answered when the stakeholder type "
        "of the caller has no response time of its own, or is unknown.",
    )
    crisis_task_escalation_hours = fields.Float(
        string="Escalate Overdue Tasks After",
        default=2.0,
        help="Hours after the deadline of a crisis task at which, if the task is "
        "still open despite the reminder, it is escalated to the crisis lead.",
    )
    crisis_send_delay_seconds = fields.Integer(
        string="Hold Before Sending (seconds)",
        default=20,
        help="A broadcast waits this long after Send before anything leaves: "
        "until then it can be cancelled with nothing sent. 0 sends at once. "
        "Alarms are never held.",
    )
    crisis_hotline_team_ids = fields.Many2many(
        "crm.team",
        "crisis_hotline_team_res_company_rel",
        "company_id",
        "team_id",
        string="Hotline Sales Teams",
        help="While the company is in crisis mode, the members of these sales "
        "teams answer the hotline: they get the crisis user group, and lose it "
        "again when crisis mode ends unless they had it before.",
    )
    crisis_hotline_granted_user_ids = fields.Many2many(
        "res.users",
        "crisis_hotline_granted_res_users_rel",
        "company_id",
        "user_id",
        string="Hotline Access Given by Crisis Mode",
        readonly=True,
        copy=False,
        groups="crisis_management.group_crisis_admin",
        help="Users who got the crisis user group only because crisis mode "
        "switched on; it is taken from them, and only from them, when it ends.",
    )
    crisis_roster_ids = fields.One2many(
        "crisis.roster.line",
        "company_id",
        string="Standing Crisis Team",
        help="Who is called in which role when a crisis begins: per role the "
        "first person is the primary, the next ones are the deputies in order.",
    )
    crisis_handback_plan_id = fields.Many2one(
        "mail.activity.plan",
        string="Hand-back Plan",
        domain="[('res_model', '=', 'res.partner')]",
        help="After an incident is closed, each affected customer is handed back "
        "to their salesperson with the activities of this plan.",
    )

    # What leaves the house: legal details, imprint, privacy notice, SMS sender
    crisis_legal_footer = fields.Text(
        string="Legal Details",
        translate=True,
        help="The company's legal details printed at the foot of every crisis "
        "letter and e-mail and on the public incident page: name, address, "
        "register court and number, managing directors, VAT id. Left empty, "
        "they are put together from the company's data.",
    )
    crisis_legal_footer_de, crisis_legal_footer_en = bilingual_fields(
        fields.Text, "Legal Details"
    )
    crisis_register_court = fields.Char(
        string="Register Court",
        help="The court that keeps the commercial register entry, e.g. "
        "Amtsgericht Halle (Saale).",
    )
    crisis_managing_directors = fields.Char(
        string="Managing Directors",
        help="Names of the managing directors or the board, as the legal "
        "details must name them.",
    )
    crisis_imprint_url = fields.Char(
        string="Imprint URL", help="The company's imprint, linked from the public page."
    )
    crisis_privacy_url = fields.Char(
        string="Privacy Notice URL",
        help="The company's privacy notice, linked from the public page and the "
        "subscription form.",
    )
    crisis_sms_sender = fields.Char(
        string="SMS Sender Name",
        size=11,
        help="Short name every crisis SMS begins with, followed by a colon, so "
        "that the reader sees who writes. Left empty, the company name is used.",
    )

    _sql_constraints = [
        (
            "crisis_send_delay_seconds_positive",
            "CHECK(crisis_send_delay_seconds >= 0)",
            "The hold before sending cannot be negative.",
        ),
    ]

    @api.model
    def get_crisis_mode_status(self):
        """Crisis mode of the companies the current user works in, for the
        web client's indicator.

        :return: ``{"active": bool, "crises": [{"company_id", "company_name",
            "incident_id", "incident_name", "severity", "can_open"}]}``;
            the incident is named only to users allowed to read it. Portal
            users (customers) learn nothing: crisis mode is internal.
        """
        crises = []
        if self.env.user.share:
            return {"active": False, "crises": crises}
        companies = self.env.user.company_ids & self.env.companies
        Incident = self.env["crisis.incident"]
        readable = Incident.browse()
        if Incident.has_access("read"):
            readable = Incident.search(
                [("id", "in", companies.sudo().crisis_incident_id.ids)]
            )
        for company in companies.sudo().filtered("crisis_mode"):
            incident = company.crisis_incident_id
            can_open = incident in readable
            crises.append(
                {
                    "company_id": company.id,
                    "company_name": company.name,
                    "incident_id": incident.id if can_open else False,
                    "incident_name": incident.display_name if can_open else False,
                    "severity": incident.severity if can_open else False,
                    "can_open": can_open,
                }
            )
        return {"active": bool(crises), "crises": crises}

    def _notify_crisis_mode(self):
        """Tell every internal user of these companies, in their open web
        client, that crisis mode changed."""
        users = (
            self.env["res.users"]
            .sudo()
            .search([("company_ids", "in", self.ids), ("share", "=", False)])
        )
        users._bus_send("crisis_management/crisis_mode", {"company_ids": self.ids})

    # ------------------------------------------------------------------
    # Hotline sales teams
    # ------------------------------------------------------------------
    def _crisis_hotline_grant(self, incident, users=None):
        """Give the crisis user group to the members of the hotline sales
        teams (or to ``users``) who do not have it yet, remember who got it
        this way and name them in one entry of ``incident``'s crisis log.

        Callers check that the current user may switch crisis mode; this runs
        in sudo because only admins may change groups.
        """
        self.ensure_one()
        company = self.sudo()
        group = self.env.ref("crisis_management.group_crisis_user").sudo()
        if users is None:
            users = company.crisis_hotline_team_ids.crm_team_member_ids.filtered(
                "active"
            ).user_id
        users = users.sudo().filtered(lambda u: u.active and not u.share)
        new_users = users.filtered(lambda u: group not in u.groups_id)
        if not new_users:
            return new_users
        group.write({"users": [Command.link(u.id) for u in new_users]})
        company.crisis_hotline_granted_user_ids = [
            Command.link(u.id) for u in new_users
        ]
        if incident:
            incident._log(
                "state",
                _lt(
                    "Crisis mode: hotline access (crisis user group) given to "
                    "the members of the sales teams %(teams)s: %(users)s."
                ),
                {
                    "teams": company.crisis_hotline_team_ids.mapped("name"),
                    "users": new_users.mapped("name"),
                },
            )
        return new_users

    def _crisis_hotline_revoke(self, incident):
        """Take the crisis user group back from those who got it from crisis
        mode, unless another company still in crisis mode gave it to them
        too, or they have since become crisis team members."""
        self.ensure_one()
        company = self.sudo()
        granted = company.crisis_hotline_granted_user_ids
        if not granted:
            return granted
        still_needed = (
            self.sudo()
            .search([("id", "!=", company.id), ("crisis_mode", "=", True)])
            .crisis_hotline_granted_user_ids
        )
        manager = self.env.ref("crisis_management.group_crisis_manager").sudo()
        group = self.env.ref("crisis_management.group_crisis_user").sudo()
        revoke = granted - still_needed
        revoke = revoke.filtered(lambda u: manager not in u.groups_id)
        company.crisis_hotline_granted_user_ids = [Command.clear()]
        if revoke:
            group.write({"users": [Command.unlink(u.id) for u in revoke]})
            if incident:
                incident._log(
                    "state",
                    _lt(
                        "Crisis mode ended: hotline access (crisis user group) "
                        "taken back from %(users)s."
                    ),
                    {"users": revoke.mapped("name")},
                )
        return revoke

    @api.model
    def get_crisis_exercise_status(self):
        """Running exercises of the user's companies, for the web client's
        exercise indicator: exercises never put a company into crisis mode,
        their team members see this indicator instead.

        :return: ``[{"incident_id", "incident_name"}]``: the exercises in
            which the user takes part (lead, member, observer), or all that
            a crisis team member may read
        """
        Incident = self.env["crisis.incident"]
        if not Incident.has_access("read"):
            return []
        user = self.env.user
        companies = user.company_ids & self.env.companies
        domain = [
            ("is_exercise", "=", True),
            ("state", "in", ("active", "contained", "resolved")),
            ("company_id", "in", companies.ids),
        ]
        if not user.has_group("crisis_management.group_crisis_manager"):
            domain += [
                "|",
                "|",
                ("lead_id", "=", user.id),
                ("member_ids.user_id", "=", user.id),
                ("exercise_observer_ids", "=", user.id),
            ]
        return [
            {"incident_id": incident.id, "incident_name": incident.display_name}
            for incident in Incident.search(domain, order="date_activated, id")
        ]

    # ------------------------------------------------------------------
    # Legal details of outgoing texts
    # ------------------------------------------------------------------
    def _crisis_legal_footer(self, lang=None):
        """The legal details in ``lang`` (German or English): as written in
        the settings, else put together from the company's data."""
        self.ensure_one()
        lang = resolve_lang(self.env, lang, company=self)
        company = self.sudo().with_context(lang=lang)
        if (company.crisis_legal_footer or "").strip():
            return company.crisis_legal_footer.strip()
        env = company.env
        address = ", ".join(
            filter(
                None,
                [
                    company.street,
                    company.street2,
                    " ".join(filter(None, [company.zip, company.city])),
                ],
            )
        )
        parts = [", ".join(filter(None, [company.name, address]))]
        register = " ".join(
            filter(None, [company.crisis_register_court, company.company_registry])
        )
        if register:
            parts.append(env._("Commercial register: %(register)s", register=register))
        if company.crisis_managing_directors:
            parts.append(
                env._(
                    "Managing directors: %(names)s",
                    names=company.crisis_managing_directors,
                )
            )
        if company.vat:
            parts.append(env._("VAT ID: %(vat)s", vat=company.vat))
        return " · ".join(parts)

    def _crisis_sms_sender_name(self):
        """Who every crisis SMS says it comes from."""
        self.ensure_one()
        company = self.sudo()
        return (company.crisis_sms_sender or company.name or "").strip()

    # ------------------------------------------------------------------
    # Standing crisis team
    # ------------------------------------------------------------------
    def _crisis_roster_chains(self):
        """``{(company id, role): roster lines}`` in alarm order: the primary
        first, then the deputies. Only active internal users."""
        self.ensure_one()
        chains = {}
        lines = (
            self.env["crisis.roster.line"].sudo().search([("company_id", "=", self.id)])
        )
        for line in lines.sorted(lambda r: (r.sequence, r.id)):
            if line.user_id.active and not line.user_id.share:
                key = (self.id, line.role)
                chains[key] = chains.get(key, line.browse()) | line
        return chains

    def _crisis_roster_readiness(self):
        """Sentences naming what would fail in an alarm tonight: roles with
        nobody or without deputy, people without mobile number."""
        self.ensure_one()
        chains = self._crisis_roster_chains()
        roles = selection_labels(self.env["crisis.roster.line"], "role")
        if not chains:
            return [_("Nobody is on the standing crisis team of %s.", self.name)]
        problems = []
        no_deputy = [
            roles.get(role, role)
            for (_company, role), chain in chains.items()
            if len(chain) < 2
        ]
        if no_deputy:
            problems.append(
                _("Roles without deputy: %(roles)s.", roles=", ".join(no_deputy))
            )
        users = self.env["res.users"].browse()
        for chain in chains.values():
            users |= chain.user_id
        no_mobile = users.filtered(lambda u: not u.partner_id.mobile)
        if no_mobile:
            problems.append(
                _(
                    "No mobile number (no SMS alarm): %(people)s.",
                    people=", ".join(no_mobile.mapped("name")),
                )
            )
        return problems

    def _crisis_alarm_sms_sender(self):
        """The name an alarm SMS begins with: the company's SMS sender name
        where one is set up, else its name."""
        self.ensure_one()
        if "crisis_sms_sender" in self._fields and self.crisis_sms_sender:
            return self.crisis_sms_sender
        return self.name
