# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_datetime

from ..tools import resolve_lang


class CrisisIncident(models.Model):
    """Exercise mode: an incident that runs like a real one, but nothing
    leaves the company (see ``mail.mail`` and ``sms.sms``), its page is only
    for the team and the company does not enter crisis mode."""

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
                    "body": entry.body or "",
                }
            )
        return self.env["ir.qweb"]._render(
            "crisis_management.crisis_incident_exercise_replay", {"rows": rows}
        )

    # ------------------------------------------------------------------
    # Outgoing e-mail and SMS of an exercise
    # ------------------------------------------------------------------
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
