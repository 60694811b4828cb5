# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The live situation picture on the wall: the values of the OWL client
action ``crisis_management.situation_dashboard`` and the bus notification
that makes every open wall fetch them again when something changes.

Other addons add their figures through ``_situation_dashboard_sections``:
the wall renders any section it is given and knows nothing of them.
"""

from collections import Counter
from textwrap import shorten

from odoo import _, api, fields, models

from ..tools import selection_labels
from .crisis_incident import OPEN_STATES

SITUATION_CHANGED = "crisis_management/situation_changed"
LOG_BODY_LENGTH = 220
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}


class CrisisIncident(models.Model):
    _inherit = "crisis.incident"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        res = super().write(vals)
        self._notify_situation_changed()
        return res

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
            "level"}]}``; ``level`` is ``danger``, ``warning``, ``success``
            or ``normal``; labels already in the caller's language
        """
        self.ensure_one()
        sections = []
        safety = self._situation_dashboard_safety_section()
        if safety:
            sections.append(safety)
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
                "body": shorten(entry.body or "", LOG_BODY_LENGTH, placeholder=" …"),
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
