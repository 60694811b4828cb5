# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

# The emergency contact sheet lists these contacts of each stakeholder type.
KEY_INFLUENCE = ("high", "medium")
MAX_PER_TYPE = 20


class CrisisIncident(models.Model):
    """Exercise mode: an incident that runs like a real one, but nothing
    leaves the company (see ``mail.mail`` and ``sms.sms``), its page is only
    for the team and the company does not enter crisis mode."""

    # Kept apart from crisis_incident_crm.py: two concerns, one model.
    _inherit = "crisis.incident"  # pylint: disable=consider-merging-classes-inherited

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
        help="Who receives every e-mail and SMS of the exercise instead of the "
        "recipients, marked as exercise and naming who would have received it.",
    )
    exercise_replay = fields.Html(
        string="Replay",
        compute="_compute_exercise_replay",
        sanitize=False,
        help="The crisis log on a timeline, minutes from the first entry.",
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

    @api.model_create_multi
    def create(self, vals_list):
        incidents = super().create(vals_list)
        for incident in incidents.filtered("is_exercise"):
            incident._log(
                "note",
                _(
                    "EXERCISE: this incident is an exercise. E-mails and SMS go to "
                    "the observers (%(observers)s) instead of the recipients; the "
                    "company does not enter crisis mode.",
                    observers=", ".join(incident.exercise_observer_ids.mapped("name")),
                ),
            )
        return incidents

    def write(self, vals):
        if "is_exercise" in vals and any(
            incident.is_exercise != bool(vals["is_exercise"]) for incident in self
        ):
            raise UserError(
                _(
                    "Whether an incident is an exercise is decided when it is "
                    "created and cannot be changed afterwards."
                )
            )
        return super().write(vals)

    def _on_activate(self):
        res = super()._on_activate()
        if self.is_exercise:
            self._log(
                "state",
                _(
                    "EXERCISE activated: %(company)s does not enter crisis mode.",
                    company=self.company_id.name,
                ),
            )
            # Refresh the exercise indicator of the open web clients.
            self.company_id.sudo()._notify_crisis_mode()
        return res

    def action_close(self):
        res = super().action_close()
        if any(self.mapped("is_exercise")):
            # The exercise indicator of the open web clients goes away.
            self.filtered("is_exercise").company_id.sudo()._notify_crisis_mode()
        return res

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
        if not entries:
            return Markup("<p class='text-muted'>%s</p>") % _("No log entries yet.")
        start = entries[0].date
        rows = []
        for entry in entries:
            hours, minutes = divmod(int((entry.date - start).total_seconds() // 60), 60)
            rows.append(
                Markup(
                    "<li class='list-group-item d-flex'>"
                    "<span class='badge text-bg-secondary me-3 align-self-start' "
                    "style='min-width: 6em;'>T+%s</span>"
                    "<div><div class='small text-muted'>%s · %s · %s</div>"
                    "<div>%s</div></div></li>"
                )
                % (
                    f"{hours}:{minutes:02d}",
                    format_datetime(self.env, entry.date),
                    kinds.get(entry.kind, entry.kind),
                    entry.author_id.name or "",
                    escape(entry.body or ""),
                )
            )
        return Markup("<ol class='list-group o_crisis_exercise_replay'>%s</ol>") % (
            Markup("").join(rows)
        )

    # ------------------------------------------------------------------
    # Outgoing e-mail and SMS of an exercise
    # ------------------------------------------------------------------
    @api.model
    def _exercise_from_outgoing(self, vals):
        """The exercise an outgoing ``mail.mail`` / ``sms.sms`` (its create
        values) belongs to, or an empty recordset: through its crisis
        recipient line, else the document its message is posted on (the
        incident itself or any record with an ``incident_id``)."""
        empty = self.browse()
        if vals.get("crisis_recipient_id"):
            incident = (
                self.env["crisis.communication.recipient"]
                .sudo()
                .browse(vals["crisis_recipient_id"])
                .exists()
                .incident_id
            )
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

    def _exercise_lang(self, partners=None, recipient=None):
        """Language of the exercise mark: the would-be recipient's, else the
        first observer's, else the company's."""
        self.ensure_one()
        for lang in (
            recipient and recipient.lang,
            partners and partners[:1].lang,
            self.exercise_observer_ids[:1].lang,
            self.company_id.partner_id.lang,
        ):
            if lang:
                return lang
        return "en_US"

    def _exercise_banner(self, names, lang):
        """HTML shown on top of a redirected e-mail."""
        self.ensure_one()
        env = self.with_context(lang=lang).env
        return Markup(
            '<div style="border: 2px solid #b00020; padding: 8px 12px; '
            'margin-bottom: 16px; font-family: sans-serif;">'
            "<strong>%s</strong><br/>%s</div>"
        ) % (
            env._(
                "EXERCISE “%(name)s”: this message was not sent to its recipients.",
                name=self.display_name,
            ),
            env._(
                "It would have gone to: %(who)s",
                who=", ".join(names) or env._("nobody"),
            ),
        )

    # ------------------------------------------------------------------
    # Emergency contact sheet
    # ------------------------------------------------------------------
    def action_print_contact_sheet(self):
        """Print the emergency contact sheet in the language asked for
        (``lang`` in the context, else the user's)."""
        self.check_access("read")
        action = self.env.ref(
            "crisis_management.action_report_crisis_contact_sheet"
        ).report_action(self)
        lang = self.env.context.get("contact_sheet_lang")
        if lang in ("de_DE", "en_US"):
            action["context"] = dict(action.get("context") or {}, lang=lang)
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
        team = []
        seen = set()
        if incident.lead_id:
            team.append(self._contact_sheet_person(incident.lead_id, roles["lead"]))
            seen.add(incident.lead_id.id)
        for member in incident.member_ids.sorted(lambda m: (m.sequence, m.id)):
            team.append(
                self._contact_sheet_person(member.user_id, roles.get(member.role, ""))
            )
            seen.add(member.user_id.id)
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
