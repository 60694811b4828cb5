# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The situation picture (Lagebild) of an incident: its key figures, taken
by grouped queries, and the fields of the situation form built on them.
The live wall that shows them lives in ``crisis_incident_dashboard.py``."""

from datetime import timedelta

from odoo import _, api, fields, models

from .crisis_inquiry import OPEN_STATES as INQUIRY_OPEN_STATES

TASK_OPEN_STATES = ("todo", "in_progress")
SITUATION_LIST_LIMIT = 10


class CrisisIncident(models.Model):
    _inherit = "crisis.incident"  # pylint: disable=consider-merging-classes-inherited

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

    # ------------------------------------------------------------------
    # Actions
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

    # ------------------------------------------------------------------
    # Situation picture
    # ------------------------------------------------------------------
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
            kpi["task_ids"] = (
                self.env["crisis.task"]
                .search(
                    [
                        ("incident_id", "=", incident.id),
                        ("state", "in", TASK_OPEN_STATES),
                    ],
                    order="date_deadline asc, priority desc, id",
                    limit=SITUATION_LIST_LIMIT,
                )
                .ids
            )
            kpi["inquiry_ids"] = (
                self.env["crisis.inquiry"]
                .search(
                    [
                        ("incident_id", "=", incident.id),
                        ("state", "in", INQUIRY_OPEN_STATES),
                    ],
                    order="date_due asc, date_received asc, id",
                    limit=SITUATION_LIST_LIMIT,
                )
                .ids
            )
        return result
