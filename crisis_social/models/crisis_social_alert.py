# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Negative posts of a query grow far beyond the usual: a spike, raised as
an alert by the detection job that tells the team at once."""

from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from odoo.addons.crisis_management.tools import resolve_lang
from odoo.addons.crisis_management.tools.fields import workflow_state

from ..tools import check_storable

LEVELS = [("watch", "Watch"), ("shitstorm", "Shitstorm")]
STATES = [("new", "New"), ("acknowledged", "Acknowledged"), ("dismissed", "Dismissed")]
LEVEL_RANK = {"watch": 1, "shitstorm": 2}
WINDOW = timedelta(hours=1)


class CrisisSocialAlert(models.Model):
    _name = "crisis.social.alert"
    _description = "Social Media Alert"
    _inherit = ["mail.thread", "mail.activity.mixin", "crisis.workflow.mixin"]
    _order = "date_end desc, id desc"
    _check_company_auto = True

    # Written only by the detection and the actions.
    _workflow_fields = frozenset(
        {
            "state",
            "level",
            "date_start",
            "date_end",
            "volume",
            "total_volume",
            "baseline",
            "score",
            "negative_share",
            "post_ids",
            "query_id",
        }
    )
    # Raised by the detection only: a copy would be a fabricated alert.
    _workflow_copy = "refuse"
    _workflow_transitions = {
        "acknowledged": ("new",),
        "dismissed": ("new", "acknowledged"),
    }

    query_id = fields.Many2one(
        "crisis.social.query",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    incident_id = fields.Many2one(
        "crisis.incident", index=True, tracking=True, check_company=True
    )
    company_id = fields.Many2one(
        related="query_id.company_id", store=True, index=True, precompute=True
    )
    level = fields.Selection(LEVELS, required=True, readonly=True, tracking=True)
    date_start = fields.Datetime(string="Window Start", readonly=True)
    date_end = fields.Datetime(string="Window End", readonly=True, index=True)
    volume = fields.Integer(
        string="Negative Posts", readonly=True, help="Negative posts in the window."
    )
    total_volume = fields.Integer(string="All Posts", readonly=True)
    baseline = fields.Float(
        string="Usually",
        digits=(16, 1),
        readonly=True,
        help="Negative posts expected per hour, from the previous days.",
    )
    score = fields.Float(
        string="Times the Usual", digits=(16, 1), readonly=True, aggregator="max"
    )
    negative_share = fields.Float(digits=(16, 2), readonly=True)
    explanation = fields.Char(compute="_compute_explanation")
    state = workflow_state(STATES, "new", tracking=True)
    post_ids = fields.Many2many(
        "crisis.social.post",
        "crisis_social_alert_post_rel",
        "alert_id",
        "post_id",
        string="Posts",
        readonly=True,
    )
    post_count = fields.Integer(compute="_compute_post_count")

    @api.depends("volume", "baseline", "score", "negative_share")
    @api.depends_context("lang")
    def _compute_explanation(self):
        for alert in self:
            alert.explanation = alert._explain()

    def _compute_post_count(self):
        for alert in self:
            alert.post_count = len(alert.post_ids)

    @api.depends("query_id", "level")
    def _compute_display_name(self):
        levels = dict(self._fields["level"]._description_selection(self.env))
        for alert in self:
            alert.display_name = f"{levels.get(alert.level, '')}: {alert.query_id.name}"

    def _explain(self):
        """One sentence with the figures, in the language of ``self.env``."""
        self.ensure_one()
        env = self.env
        return env._(
            "%(volume)s negative posts in the last hour against %(baseline)s "
            "usually (%(factor)s×), %(share)s %% negative.",
            volume=self.volume,
            baseline=formatLang(env, self.baseline, digits=1),
            factor=formatLang(env, self.score, digits=1),
            share=round(self.negative_share * 100),
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # No context key sets a workflow field, not even in sudo.
        alerts = super(CrisisSocialAlert, self._workflow_without_defaults()).create(
            vals_list
        )
        alerts.incident_id._notify_situation_changed()
        return alerts

    def write(self, vals):
        check_storable(self.env, [vals])
        self.env["crisis.incident"]._notify_situations_of(self, vals)
        return super().write(vals)

    def _workflow_check_move(self, vals):
        # An alert without an incident is linked to one, not moved: reading
        # the incident is enough (a confidential one of another team is
        # refused). Moving it between incidents needs write access to both.
        linked = self.filtered(lambda alert: not alert.incident_id)
        if linked and vals.get("incident_id") and not self.env.su:
            self.env["crisis.incident"].browse(vals["incident_id"]).check_access("read")
        return super(CrisisSocialAlert, self - linked)._workflow_check_move(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_acknowledge(self):
        self._workflow_apply("acknowledged")
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_dismiss(self):
        self._workflow_apply("dismissed")
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_open_incident(self):
        """Link the alert and its posts to the query's incident, or open a
        draft incident for them when the query has none."""
        self.ensure_one()
        self.check_access("write")
        incident = self.incident_id or self.query_id.incident_id
        if not incident:
            incident = self.env["crisis.incident"].create(
                {
                    "name": _("Social media: %(query)s", query=self.query_id.name),
                    "severity": "major" if self.level == "shitstorm" else "minor",
                    "lead_id": self.env.uid,
                    "company_id": self.company_id.id,
                    "situation": self.explanation,
                }
            )
            self.query_id.check_access("write")
            self.query_id.incident_id = incident
        incident.check_access("read")
        self.incident_id = incident
        self.post_ids.filtered(lambda p: not p.incident_id).write(
            {"incident_id": incident.id}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "crisis.incident",
            "res_id": incident.id,
            "view_mode": "form",
        }

    def action_view_posts(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_social.crisis_social_post_action"
        )
        action["domain"] = [("id", "in", self.post_ids.ids)]
        return action

    # ------------------------------------------------------------------
    # Spike detection: each query's negative posts of the last hour against
    # its usual volume, the figures in one grouped query (``odoo.tools.SQL``)
    # ------------------------------------------------------------------
    @api.model
    def _cron_detect_spikes(self):
        """One pass over every active query (no batches: one grouped query
        gives the figures of all of them)."""
        alerts = self.sudo()._detect_spikes()
        self.env["ir.cron"]._notify_progress(done=len(alerts), remaining=0)
        return alerts

    @api.model
    def _window_figures(self, queries, now):
        """Per query: negative and all posts of the last hour, negative posts
        of the baseline days before it and the first post in that range, in
        one grouped query."""
        if not queries:
            return {}
        self.env["crisis.social.post"].flush_model()
        window_start = now - WINDOW
        since = SQL(",").join(
            SQL(
                "(%s, %s::timestamp)",
                q.id,
                window_start - timedelta(days=q.baseline_days),
            )
            for q in queries
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT r.query_id,
                       count(*) FILTER (WHERE p.date_posted >= %(start)s
                                        AND p.sentiment = 'negative'),
                       count(*) FILTER (WHERE p.date_posted >= %(start)s),
                       count(*) FILTER (WHERE p.date_posted < %(start)s
                                        AND p.sentiment = 'negative'),
                       min(p.date_posted)
                  FROM crisis_social_post p
                  JOIN crisis_social_post_query_rel r ON r.post_id = p.id
                  JOIN (VALUES %(since)s) AS q(id, since)
                    ON q.id = r.query_id AND p.date_posted >= q.since
                 WHERE p.date_posted >= %(first)s AND p.date_posted < %(now)s
                   AND p.active
                 GROUP BY r.query_id
                """,
                start=window_start,
                since=since,
                first=window_start
                - timedelta(days=max(queries.mapped("baseline_days"))),
                now=now,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.model
    def _detect_spikes(self, now=None):
        """Compare each active query's negative posts of the last hour with
        its baseline and raise (or extend) one alert per spike.

        :return: the alerts created or raised to a higher level
        """
        now = (now or fields.Datetime.now()).replace(microsecond=0)
        queries = self.env["crisis.social.query"].search([("active", "=", True)])
        figures = self._window_figures(queries, now)
        window_start = now - WINDOW
        changed = self.browse()
        for query in queries:
            row = figures.get(query.id)
            if not row:
                continue
            negative, total, negative_before, first = row
            if not negative:
                continue
            history_start = max(
                first, window_start - timedelta(days=query.baseline_days)
            )
            hours = (window_start - history_start).total_seconds() / 3600
            # Cold start: without a day of history the floor is the baseline.
            usual = negative_before / hours if hours >= 24 else 0.0
            baseline = max(usual, query.baseline_floor, 0.1)
            factor = negative / baseline
            share = negative / total if total else 0.0
            level = False
            if negative >= query.min_volume and share >= query.min_negative_share:
                if factor >= query.shitstorm_factor:
                    level = "shitstorm"
                elif factor >= query.watch_factor:
                    level = "watch"
            if not level:
                continue
            figures_vals = {
                "volume": negative,
                "total_volume": total,
                "baseline": round(baseline, 1),
                "score": round(factor, 1),
                "negative_share": round(share, 4),
            }
            alert = self.search(
                [
                    ("query_id", "=", query.id),
                    ("date_end", ">=", now - timedelta(hours=query.quiet_hours)),
                ],
                order="date_end desc",
                limit=1,
            )
            posts = self._window_posts(query, window_start, now)
            if alert:
                # The same spike: extend it, and tell the team only when it
                # grows from watch to shitstorm.
                vals = {"date_end": now, "post_ids": [(4, p) for p in posts.ids]}
                escalated = LEVEL_RANK[level] > LEVEL_RANK[alert.level]
                if escalated or negative > alert.volume:
                    vals.update(figures_vals)
                if escalated:
                    vals["level"] = level
                alert.sudo().write(vals)
                if escalated and alert.state != "dismissed":
                    alert._notify_team()
                    changed |= alert
                continue
            alert = self.with_context(mail_create_nolog=True).browse(
                self._create_raw(
                    dict(
                        figures_vals,
                        query_id=query.id,
                        incident_id=query.incident_id.id,
                        level=level,
                        date_start=window_start,
                        date_end=now,
                        post_ids=[(6, 0, posts.ids)],
                    )
                )
            )
            alert._notify_team()
            changed |= alert
        return changed

    def _create_raw(self, vals):
        return self.sudo().create([vals]).id

    @api.model
    def _window_posts(self, query, start, end):
        return self.env["crisis.social.post"].search(
            [
                ("query_ids", "in", query.ids),
                ("date_posted", ">=", start),
                ("date_posted", "<", end),
                ("sentiment", "=", "negative"),
            ],
            limit=500,
        )

    def _notify_team(self):
        """Tell the team at once: an activity for the spokesperson (else the
        lead, else the query's responsible), a message on the incident and a
        notification in the open web clients."""
        self.ensure_one()
        incident = self.incident_id.sudo()
        roles = incident._users_by_role() if incident else {}
        user = (
            roles.get("spokesperson")
            or roles.get("communications")
            or roles.get("lead")
            or self.query_id.user_id
        )
        if user:
            alert, level = self._in_lang(self._lang_of(user))
            alert.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=alert.env._(
                    "%(level)s on “%(query)s”: answer with approved words",
                    level=level,
                    query=self.query_id.name,
                ),
                note=alert._explain(),
            )
        if incident:
            alert, level = self._in_lang(incident._team_lang())
            incident.with_context(lang=alert.env.lang).message_post(
                body=alert.env._(
                    "Social media alert (%(level)s) on “%(query)s”: %(explanation)s",
                    level=level,
                    query=self.query_id.name,
                    explanation=alert._explain(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        users = (incident.lead_id | incident.member_ids.user_id | user).filtered(
            lambda u: not u.share
        )
        for member in users:
            alert, level = self._in_lang(self._lang_of(member))
            member._bus_send(
                "crisis_social/alert",
                {
                    "alert_id": self.id,
                    "level": self.level,
                    "incident_id": incident.id,
                    "title": alert.env._(
                        "%(level)s: %(query)s", level=level, query=self.query_id.name
                    ),
                    "message": alert._explain(),
                },
            )

    def _lang_of(self, user):
        return resolve_lang(self.env, user.lang, company=self.company_id)

    def _in_lang(self, lang):
        """This alert in ``lang``, and the label of its level in it."""
        alert = self.with_context(lang=lang)
        levels = dict(alert._fields["level"]._description_selection(alert.env))
        return alert, levels[self.level]
