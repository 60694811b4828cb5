# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The first hour: the standing crisis team becomes the incident's team,
is alarmed, meets in its war room and works in shifts."""

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime, html2plaintext

from ..tools import selection_labels, valid_id
from .crisis_alarm import DEFAULT_ESCALATION_MINUTES
from .crisis_incident import CRISIS_SEVERITIES, OPEN_STATES
from .crisis_roster_line import ROSTER_ROLES


class CrisisIncident(models.Model):
    _inherit = "crisis.incident"  # pylint: disable=consider-merging-classes-inherited

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
    # Activation
    # ------------------------------------------------------------------
    def _on_activate(self):
        self.ensure_one()
        # The team first: the playbook assigns its tasks by role.
        self._team_from_roster()
        res = super()._on_activate()
        self._war_room_create()
        # By itself only the standing crisis team is alarmed: without one,
        # the team alarms by hand whom it has put on the incident.
        if (
            self.severity in CRISIS_SEVERITIES
            and self.company_id._crisis_roster_chains()
        ):
            self._alarm_start()
        return res

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
            _(
                "The standing crisis team (%(count)s people) became the team of "
                "this incident.",
                count=len({vals["user_id"] for vals in vals_list}),
            ),
        )
        return True

    # ------------------------------------------------------------------
    # Alarm
    # ------------------------------------------------------------------
    def _alarm_escalation_minutes(self):
        self.ensure_one()
        minutes = self.incident_type_id.alarm_escalation_minutes
        return minutes if minutes > 0 else DEFAULT_ESCALATION_MINUTES

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
            _(
                "Crisis team alarmed by %(user)s%(exercise)s: %(count)s people.",
                user=self.env.user.name,
                exercise=_(" (exercise)") if self.is_exercise else "",
                count=len(alarm.line_ids),
            ),
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
        alarm = (
            self.env["crisis.alarm"]
            .sudo()
            .search(
                [("incident_id", "=", self.id), ("state", "!=", "cancelled")],
                order="date_start desc, id desc",
                limit=1,
            )
        )
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

    def _situation_dashboard_sections(self, kpis):
        sections = super()._situation_dashboard_sections(kpis)
        alarm = self._situation_dashboard_alarm_section()
        if alarm:
            sections.append(alarm)
        return sections

    def _situation_dashboard_alarm_section(self):
        """Who is coming, per role, and which roles nobody covers; the link
        to the war room."""
        status = self.get_alarm_status()
        lines = []
        if self.discuss_channel_id:
            lines.append(
                {
                    "text": _("War room: %s", self.discuss_channel_id.sudo().name),
                    "level": "normal",
                    "url": self._war_room_url(),
                }
            )
        if not status["alarmed"] and not lines:
            return None
        alarm = (
            self.env["crisis.alarm"]
            .sudo()
            .search(
                [("incident_id", "=", self.id), ("state", "!=", "cancelled")],
                order="date_start desc, id desc",
                limit=1,
            )
        )
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
        self._log("note", _("War room opened: %s", name))
        return channel

    def _war_room_sync_members(self):
        self.ensure_one()
        channel = self.sudo().discuss_channel_id
        if not channel:
            return
        missing = self._war_room_partners() - channel.channel_member_ids.partner_id
        if missing:
            channel.add_members(partner_ids=missing.ids, post_joined_message=False)

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
        author = message.author_id.name or message.email_from or _("Unknown")
        when = format_datetime(self.env, message.date, tz=self.env.user.tz or "UTC")
        text = html2plaintext(message.body or "").strip()
        body = _(
            "War room, %(author)s at %(time)s: %(text)s",
            author=author,
            time=when,
            text=text,
        )
        return self._log("note", body).id

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
