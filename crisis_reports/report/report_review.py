# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import api, models

from .crisis_report_base import percentile


def _spread(seconds):
    """Count, median, 90th percentile and maximum of a list of durations."""
    values = sorted(seconds)
    return {
        "count": len(values),
        "p50": percentile(values, 0.5),
        "p90": percentile(values, 0.9),
        "max": values[-1] if values else None,
    }


class ReportReview(models.AbstractModel):
    """Post-crisis review: how fast the team acted and answered, measured
    from the records; what went well is left for the team to write."""

    _name = "report.crisis_reports.report_review"
    _inherit = "crisis.report.base"
    _description = "Crisis Report: Post-Crisis Review"

    @api.model
    def _milestones(self, incident):
        _ = self.env._
        start = incident.date_start
        holding_dates = [
            date
            for date in (
                self._first_date(
                    "crisis.message",
                    incident,
                    [("kind", "=", "holding_statement")],
                    "date_published",
                ),
                self._first_date(
                    "crisis.communication",
                    incident,
                    [("message_id.kind", "=", "holding_statement")],
                    "date_queued",
                ),
            )
            if date
        ]
        rows = [
            (_("Activation"), incident.date_activated),
            (_("First holding statement"), min(holding_dates, default=False)),
            (
                _("First public update"),
                self._first_date(
                    "crisis.incident.update", incident, [], "date_published"
                ),
            ),
        ]
        return [
            {
                "label": label,
                "date": date,
                "seconds": (date - start).total_seconds() if date and start else None,
            }
            for label, date in rows
        ]

    @api.model
    def _first_date(self, model, incident, domain, date_field):
        """The earliest ``date_field`` of the incident's ``model`` records
        that match ``domain`` (archived ones too), or False."""
        first = (
            self.env[model]
            .with_context(active_test=False)
            .search(
                [
                    ("incident_id", "=", incident.id),
                    *domain,
                    (date_field, "!=", False),
                ],
                order=f"{date_field} asc",
                limit=1,
            )
        )
        return first[date_field]

    @api.model
    def _inquiry_times(self, incident):
        """Response times of answered inquiries per stakeholder type."""
        _ = self.env._
        per_type = defaultdict(list)
        late = defaultdict(int)
        unanswered = defaultdict(int)
        inquiries = self.env["crisis.inquiry"].search_fetch(
            [("incident_id", "=", incident.id)],
            ["stakeholder_type_id", "date_received", "date_answered", "answered_late"],
        )
        for inquiry in inquiries:
            stype = inquiry.stakeholder_type_id
            if inquiry.date_answered and inquiry.date_received:
                per_type[stype].append(
                    (inquiry.date_answered - inquiry.date_received).total_seconds()
                )
                late[stype] += inquiry.answered_late
            else:
                unanswered[stype] += 1
        rows = []
        for stype in set(per_type) | set(unanswered):
            row = _spread(per_type[stype])
            row.update(
                name=stype.name or _("Unknown"),
                sequence=stype.sequence if stype else 10**6,
                late=late[stype],
                unanswered=unanswered[stype],
            )
            rows.append(row)
        rows.sort(key=lambda r: (r["sequence"], r["name"]))
        return rows

    @api.model
    def _tasks_by_role(self, incident):
        """Done tasks, and how many of them late, per team role."""
        _ = self.env._
        Member = self.env["crisis.incident.member"]
        role_labels = dict(Member._fields["role"]._description_selection(self.env))
        roles = {member.user_id.id: member.role for member in incident.member_ids}
        per_role = defaultdict(lambda: {"done": 0, "late": 0})
        tasks = self.env["crisis.task"].search_fetch(
            [("incident_id", "=", incident.id), ("state", "=", "done")],
            ["user_id", "date_deadline", "date_done"],
        )
        for task in tasks:
            if not task.user_id:
                role = _("Unassigned")
            elif task.user_id.id in roles:
                role = role_labels.get(roles[task.user_id.id])
            elif task.user_id == incident.lead_id:
                role = role_labels.get("lead")
            else:
                role = _("Not in the team")
            row = per_role[role]
            row["done"] += 1
            if (
                task.date_deadline
                and task.date_done
                and task.date_done > task.date_deadline
            ):
                row["late"] += 1
        return [
            dict(row, role=role, share=row["late"] / row["done"])
            for role, row in sorted(per_role.items())
        ]

    @api.model
    def _safety_checks(self, incident):
        """Per person reached: did they answer, and how long did it take."""
        lines = self.env["crisis.communication.recipient"].search_fetch(
            [
                ("incident_id", "=", incident.id),
                ("kind", "=", "safety_check"),
                ("state", "=", "sent"),
            ],
            ["partner_id", "date_sent", "safety_answer", "date_answered"],
        )
        if not lines:
            return False
        sent, answered = {}, {}
        for line in lines:
            pid = line.partner_id.id
            if line.date_sent:
                sent[pid] = min(sent.get(pid, line.date_sent), line.date_sent)
            if line.date_answered:
                answered[pid] = min(
                    answered.get(pid, line.date_answered), line.date_answered
                )
        times = [
            (answered[pid] - sent[pid]).total_seconds()
            for pid in answered
            if pid in sent
        ]
        people = len(set(sent) | set(answered))
        return dict(
            _spread(times),
            people=people,
            answered=len(answered),
            rate=len(answered) / people if people else None,
            help=len(
                {line.partner_id.id for line in lines if line.safety_answer == "help"}
            ),
        )

    @api.model
    def _social_times(self, incident):
        """Time from a post to its answer. ``False`` without crisis_social."""
        if not self._social_available():
            return False
        Post = self.env["crisis.social.post"]
        posts = Post.search_fetch(
            [("incident_id", "=", incident.id)],
            ["state", "date_posted", "date_answered"],
        )
        times = [
            (post.date_answered - post.date_posted).total_seconds()
            for post in posts
            if post.date_answered and post.date_posted
        ]
        return dict(
            _spread(times),
            total=len(posts),
            to_answer=len([p for p in posts if p.state == "to_answer"]),
        )

    @api.model
    def _review(self, incident):
        return {
            "milestones": self._milestones(incident),
            "inquiries": self._inquiry_times(incident),
            "tasks": self._tasks_by_role(incident),
            "safety": self._safety_checks(incident),
            "social": self._social_times(incident),
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        return self._incident_report_values(docids, data, "review", self._review)
