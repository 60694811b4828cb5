# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models

LATEST_LOG_ENTRIES = 10


class ReportSituation(models.AbstractModel):
    """Situation report (Lagebericht): the shared situation picture of one
    incident on paper."""

    _name = "report.crisis_reports.report_situation"
    _inherit = "crisis.report.base"
    _description = "Crisis Report: Situation"

    @api.model
    def _situation(self, incident):
        kpi = incident._situation_kpis()[incident.id]
        Task = self.env["crisis.task"]
        Inquiry = self.env["crisis.inquiry"]
        tasks = Task.search(
            [
                ("incident_id", "=", incident.id),
                ("state", "in", ("todo", "in_progress")),
            ],
            order="date_deadline asc, priority desc, id",
        )
        inquiries = Inquiry.search(
            [
                ("incident_id", "=", incident.id),
                ("state", "in", ("new", "in_progress")),
            ],
            order="date_due asc, date_received asc, id",
        )
        logs = self.env["crisis.log"].search(
            [("incident_id", "=", incident.id)],
            order="sequence desc",
            limit=LATEST_LOG_ENTRIES,
        )
        return {
            "kpi": kpi,
            "tasks": tasks,
            "inquiries": inquiries,
            "logs": logs,
            "members": incident.member_ids.sorted(lambda m: (m.sequence, m.id)),
            "social": self._social_figures(incident),
        }

    @api.model
    def _social_figures(self, incident):
        """Posts of the incident by sentiment (all and the last 24 hours),
        posts waiting for an answer, and open spike alerts. ``False`` when
        crisis_social's posts and alerts are not installed."""
        if not self._social_available():
            return False
        Post = self.env["crisis.social.post"]
        Alert = self.env["crisis.social.alert"]
        since = fields.Datetime.now() - timedelta(hours=24)
        sentiments = dict(Post._fields["sentiment"]._description_selection(self.env))
        figures = {
            key: {"label": label, "total": 0, "recent": 0}
            for key, label in sentiments.items()
        }
        domain = [("incident_id", "=", incident.id)]
        for sentiment, count in Post._read_group(domain, ["sentiment"], ["__count"]):
            if sentiment in figures:
                figures[sentiment]["total"] = count
        for sentiment, count in Post._read_group(
            domain + [("date_posted", ">=", since)], ["sentiment"], ["__count"]
        ):
            if sentiment in figures:
                figures[sentiment]["recent"] = count
        return {
            "sentiments": list(figures.values()),
            "total": sum(row["total"] for row in figures.values()),
            "to_answer": Post.search_count(domain + [("state", "=", "to_answer")]),
            "answered": Post.search_count(domain + [("state", "=", "answered")]),
            "alerts": Alert.search(
                [("incident_id", "=", incident.id), ("state", "=", "new")],
                order="date_start desc",
            ),
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        return self._incident_report_values(docids, data, "situation", self._situation)
