# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One person called by an alarm, with their personal answer link."""

import secrets
import threading

from markupsafe import Markup

from odoo import _, _lt, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq, format_datetime

from ..tools import resolve_lang, selection_labels
from ..tools.fields import workflow_state
from .crisis_roster_line import ROSTER_ROLES

LINE_STATES = [
    ("notified", "Notified"),
    ("acknowledged", "Acknowledged"),
    ("declined", "Declined"),
    ("escalated", "Escalated"),
    ("failed", "Failed"),
]
ANSWERS = [
    ("coming", "Coming"),
    ("later", "Coming later"),
    ("unavailable", "Not available"),
]
MAX_ETA_MINUTES = 24 * 60
# A personal link takes this many answers (someone changing their mind), not
# an endless stream of log entries.
MAX_ANSWERS = 20


class CrisisAlarmLine(models.Model):
    _name = "crisis.alarm.line"
    _description = "Crisis Team Alarm: Person"
    _inherit = ["crisis.workflow.mixin"]
    _order = "alarm_id, role, level, id"

    _workflow_fields = frozenset(
        {
            "state",
            "answer",
            "eta_minutes",
            "date_notified",
            "date_answered",
            "access_token",
            "answer_count",
            "user_id",
            "role",
            "level",
            "alarm_id",
            "channels",
            "activity_id",
        }
    )
    _workflow_transitions = {}
    _workflow_copy = "refuse"
    _workflow_incident_field = None

    alarm_id = fields.Many2one(
        "crisis.alarm", required=True, ondelete="cascade", index=True, readonly=True
    )
    incident_id = fields.Many2one(
        related="alarm_id.incident_id", store=True, index=True, string="Incident"
    )
    company_id = fields.Many2one(related="alarm_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users", string="Person", required=True, readonly=True
    )
    role = fields.Selection(ROSTER_ROLES, required=True, readonly=True)
    level = fields.Integer(
        readonly=True, help="0 for the primary of the role, 1 for the first deputy…"
    )
    state = workflow_state(LINE_STATES, "notified")
    answer = fields.Selection(ANSWERS, readonly=True)
    eta_minutes = fields.Integer(string="Arrives In (Minutes)", readonly=True)
    date_notified = fields.Datetime(string="Notified On", readonly=True)
    date_answered = fields.Datetime(string="Answered On", readonly=True)
    answer_count = fields.Integer(readonly=True)
    channels = fields.Char(
        readonly=True, help="How the person was notified: e-mail, SMS, Odoo."
    )
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    access_token = fields.Char(
        copy=False, readonly=True, groups="base.group_system", index="btree_not_null"
    )

    _sql_constraints = [
        ("access_token_unique", "unique(access_token)", "Alarm links must be unique."),
    ]

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _role_label(self, lang=None):
        self.ensure_one()
        records = self.with_context(lang=lang) if lang else self
        return selection_labels(records, "role").get(self.role, self.role)

    def _role_value(self):
        """The role as a value of a crisis log entry, read in each reader's
        language."""
        self.ensure_one()
        return {"field": "crisis.alarm.line.role", "value": self.role}

    def _lang(self):
        self.ensure_one()
        return resolve_lang(
            self.env,
            self.user_id.lang,
            company=self.incident_id.company_id,
            exact=True,
        )

    def _alarm_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/crisis/alarm/{self.sudo().access_token}"

    @api.model
    def _find_by_token(self, token):
        """The line of a personal alarm link, or an empty recordset; the
        token is compared in constant time."""
        if not token or len(token) < 22 or len(token) > 64:
            return self.browse()
        line = self.sudo().search([("access_token", "=", token)], limit=1)
        if not line or not consteq(line.access_token, token):
            return self.browse()
        return line

    def _answer_open(self):
        """Answers are taken while the alarm was not cancelled, the incident
        is not closed and the person has not used up their answers."""
        self.ensure_one()
        line = self.sudo()
        return (
            line.alarm_id.state != "cancelled"
            and line.incident_id.state != "closed"
            and line.answer_count < MAX_ANSWERS
        )

    # ------------------------------------------------------------------
    # Notifying
    # ------------------------------------------------------------------
    def _notify(self):
        """Alarm these people at once: e-mail, SMS with a mobile number, a
        notification and an activity in Odoo. Not held by the send delay of
        communications and never redirected: the crisis team is internal,
        and in an exercise the alarm drill is the point."""
        now = fields.Datetime.now()
        mail_vals, sms_vals = [], []
        for line in self.sudo():
            line.write(
                {
                    "access_token": secrets.token_urlsafe(18),
                    "date_notified": now,
                    "state": "notified",
                }
            )
            lang = line._lang()
            line_lang = line.with_context(lang=lang)
            incident = line_lang.incident_id
            subject = line_lang._alarm_subject()
            url = line._alarm_url()
            channels = []
            log_channels = []
            partner = line.user_id.partner_id
            if partner.email:
                body = (
                    self.env["ir.qweb"]
                    .with_context(lang=lang)
                    ._render(
                        "crisis_management.crisis_alarm_mail",
                        {
                            "line": line_lang,
                            "incident": incident,
                            "role": line._role_label(lang),
                            "url": url,
                            "subject": subject,
                        },
                    )
                )
                mail_vals.append(
                    {
                        "subject": subject,
                        "body_html": body,
                        "email_from": incident.company_id.email_formatted
                        or self.env.user.email_formatted,
                        "email_to": partner.email_formatted,
                        "recipient_ids": [],
                        "auto_delete": True,
                        "message_type": "email_outgoing",
                        "state": "outgoing",
                    }
                )
                channels.append(_("e-mail"))
                log_channels.append(_lt("e-mail"))
            number = partner.mobile and (
                partner._phone_format(number=partner.mobile) or partner.mobile
            )
            if number:
                sender = incident.company_id._crisis_alarm_sms_sender()
                sms_vals.append(
                    {
                        "number": number,
                        "body": f"{sender}: {subject} {url}",
                        "partner_id": partner.id,
                        "state": "outgoing",
                    }
                )
                channels.append(_("SMS"))
                log_channels.append(_lt("SMS"))
            line.user_id._bus_send(
                "simple_notification",
                {
                    "type": "danger",
                    "sticky": True,
                    "title": subject,
                    "message": line_lang.env._(
                        "Please answer whether you are coming: %(url)s", url=url
                    ),
                },
            )
            line.activity_id = incident.with_context(
                mail_activity_quick_update=True
            ).activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=line.user_id.id,
                summary=subject,
                # Not the personal link: the incident's readers see its
                # activities. The link went by e-mail, SMS and pop-up.
                note=Markup("<p>%s</p>")
                % line_lang.env._(
                    "Please answer with the personal link of your alarm e-mail, "
                    "SMS or pop-up."
                ),
            )
            channels.append(_("Odoo"))
            log_channels.append(_lt("Odoo"))
            line.channels = ", ".join(channels)
            incident._log(
                "communication",
                _lt("Alarm: %(user)s called as %(role)s%(deputy)s by %(channels)s."),
                {
                    "user": line.user_id.name,
                    "role": line._role_value(),
                    "deputy": (_lt(" (deputy %(level)s)"), {"level": line.level})
                    if line.level
                    else "",
                    "channels": log_channels,
                },
            )
        if mail_vals:
            mails = self.env["mail.mail"].sudo().create(mail_vals)
            # Odoo's tests must not commit: there the mail queue sends them.
            testing = getattr(threading.current_thread(), "testing", False)
            if testing or self.env.registry.in_test_mode():
                self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
            else:
                # Minutes count: handed to SMTP right after the commit, as
                # Odoo sends its own urgent notifications (force_send), not
                # when the mail queue runs next; what fails stays queued.
                mails.send_after_commit()
        if sms_vals:
            self.env["sms.sms"].sudo().create(sms_vals)
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
        self.incident_id._notify_situation_changed()

    def _alarm_subject(self):
        """The subject in the context's language, marked in an exercise."""
        self.ensure_one()
        incident = self.incident_id
        name = " ".join(filter(None, (incident.reference, incident.name)))
        subject = self.env._(
            "ALARM: %(incident)s — you are called to the crisis team as %(role)s",
            incident=name,
            role=self._role_label(self.env.lang),
        )
        if incident.is_exercise:
            subject = self.env._("[EXERCISE] %(subject)s", subject=subject)
        return subject

    # ------------------------------------------------------------------
    # Answering (the personal page, controllers/alarm.py)
    # ------------------------------------------------------------------
    def _record_answer(self, answer, eta_minutes=None):
        """Record the answer of the person behind a personal link; the last
        answer counts, every answer is logged. :return: False when the alarm
        no longer takes answers, else True"""
        self.ensure_one()
        if answer not in dict(ANSWERS):
            raise UserError(_("Please answer “coming”, “later” or “not available”."))
        if answer == "later":
            try:
                eta_minutes = int(eta_minutes or 0)
            except (TypeError, ValueError) as error:
                raise UserError(_("Please give the minutes as a number.")) from error
            if eta_minutes <= 0 or eta_minutes > MAX_ETA_MINUTES:
                raise UserError(
                    _(
                        "Please give the minutes until you arrive (1 to %s).",
                        MAX_ETA_MINUTES,
                    )
                )
        else:
            eta_minutes = 0
        if not self._answer_open():
            return False
        line = self.sudo()
        previous = line.answer
        line.write(
            {
                "answer": answer,
                "eta_minutes": eta_minutes,
                "date_answered": fields.Datetime.now(),
                "answer_count": line.answer_count + 1,
                "state": "declined" if answer == "unavailable" else "acknowledged",
            }
        )
        answers = selection_labels(line, "answer")
        text = answers[answer]
        answer_value = {"field": "crisis.alarm.line.answer", "value": answer}
        if answer == "later":
            text = _(
                "%(answer)s (in %(minutes)s minutes)", answer=text, minutes=eta_minutes
            )
            answer_value = (
                _lt("%(answer)s (in %(minutes)s minutes)"),
                {"answer": answer_value, "minutes": eta_minutes},
            )
        incident = line.incident_id
        values = {"user": line.user_id.name, "role": line._role_value()}
        if previous:
            body = _lt(
                "Alarm: %(user)s (%(role)s) changed the answer from “%(old)s” to “%(new)s”."
            )
            values.update(
                old={"field": "crisis.alarm.line.answer", "value": previous},
                new=answer_value,
            )
        else:
            body = _lt("Alarm: %(user)s (%(role)s) answered “%(answer)s”.")
            values["answer"] = answer_value
        incident.with_user(line.user_id)._log("communication", body, values)
        if line.activity_id.exists():
            line.activity_id.action_feedback(feedback=text)
        if answer == "unavailable":
            line._escalate(
                (
                    _lt("%(user)s (%(role)s) is not available."),
                    {"user": line.user_id.name, "role": line._role_value()},
                ),
                state="declined",
            )
        incident._notify_situation_changed()
        return True

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    def _escalate(self, reason, state="escalated"):
        """The next deputy of this line's role is alarmed (unless someone of
        the role already answered coming or later, or a deputy was already
        called); the reason is logged. ``reason`` is a pair
        ``(_lt("…"), values)``: the log is read in each reader's language."""
        self.ensure_one()
        line = self.sudo()
        if line.state == "notified":
            line.write({"state": state})
        alarm = line.alarm_id
        incident = alarm.incident_id
        role_lines = alarm.line_ids.filtered(lambda r: r.role == line.role)
        covered = role_lines.filtered(lambda r: r.answer in ("coming", "later"))
        called_next = role_lines.filtered(lambda r: r.level > line.level)
        if covered or called_next or alarm.state != "running":
            incident._log("communication", _lt("Alarm: %(reason)s"), {"reason": reason})
            return self.browse()
        chain = incident._alarm_chains().get(line.role, [])
        next_users = [
            user for user in chain[line.level + 1 :] if user not in role_lines.user_id
        ]
        if not next_users:
            incident._log(
                "communication",
                _lt(
                    "Alarm: %(reason)s Nobody else is on the standing crisis "
                    "team for %(role)s: the role is not covered."
                ),
                {"reason": reason, "role": line._role_value()},
            )
            return self.browse()
        incident._log(
            "communication",
            _lt("Alarm escalated: %(reason)s %(deputy)s is alarmed instead."),
            {"reason": reason, "deputy": next_users[0].name},
        )
        new_line = line.create(
            {
                "alarm_id": alarm.id,
                "user_id": next_users[0].id,
                "role": line.role,
                "level": chain.index(next_users[0]),
            }
        )
        incident._alarm_add_members(new_line)
        new_line._notify()
        return new_line

    def _format_answered(self, lang):
        self.ensure_one()
        return format_datetime(
            self.env, self.date_answered, tz=self.user_id.tz, lang_code=lang
        )
