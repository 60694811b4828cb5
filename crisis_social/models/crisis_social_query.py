# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.crisis_management.tools import count_by

from ..tools import check_storable, parse_terms, terms_regex


class CrisisSocialQuery(models.Model):
    _name = "crisis.social.query"
    _description = "Social Media Query"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    keywords = fields.Text(
        required=True,
        help='One term or "quoted phrase" per line; a post matches when it '
        "contains one of them as a whole word (case and accents do not matter).",
    )
    excluded_keywords = fields.Text(
        help="Posts with one of these words or phrases do not match.",
    )
    lang = fields.Selection(
        [("de", "German"), ("en", "English")],
        string="Language",
        help="Only posts in this language; empty: any language.",
    )
    source_ids = fields.Many2many(
        "crisis.social.source",
        string="Sources",
        check_company=True,
        help="Only posts of these sources; empty: all sources.",
    )
    incident_id = fields.Many2one(
        "crisis.incident",
        index=True,
        check_company=True,
        help="Matching posts and alerts belong to this incident.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        check_company=True,
        help="Told of alerts when the query has no incident.",
    )
    # Spike detection
    baseline_days = fields.Integer(
        default=7, help="Days before the last hour that make up the usual volume."
    )
    baseline_floor = fields.Float(
        default=2.0,
        help="Usual negative posts per hour assumed at least, so that a quiet "
        "query does not alert on a handful of posts.",
    )
    watch_factor = fields.Float(
        default=3.0, help="Watch when the last hour has this many times the usual."
    )
    shitstorm_factor = fields.Float(
        default=8.0, help="Shitstorm when the last hour has this many times the usual."
    )
    min_negative_share = fields.Float(
        string="Minimum Negative Share",
        default=0.4,
        help="Alert only when at least this share of the hour's posts is negative.",
    )
    min_volume = fields.Integer(
        string="Minimum Negative Posts",
        default=5,
        help="Alert only from this many negative posts in the hour.",
    )
    quiet_hours = fields.Integer(
        default=3,
        help="A spike is over after this many hours without one; the next "
        "spike raises a new alert.",
    )
    post_count = fields.Integer(compute="_compute_counts")
    alert_count = fields.Integer(compute="_compute_counts")

    def _compute_counts(self):
        posts = count_by(self, "crisis.social.post", "query_ids")
        alerts = count_by(self, "crisis.social.alert", "query_id")
        for query in self:
            query.post_count = posts.get(query, 0)
            query.alert_count = alerts.get(query, 0)

    @api.constrains("keywords")
    def _check_keywords(self):
        for query in self:
            if not parse_terms(query.keywords):
                raise ValidationError(
                    _(
                        "The query “%(query)s” needs at least one keyword.",
                        query=query.name,
                    )
                )

    @api.constrains("baseline_days", "watch_factor", "shitstorm_factor", "quiet_hours")
    def _check_spike_settings(self):
        for query in self:
            if query.baseline_days < 1 or query.quiet_hours < 1:
                raise ValidationError(
                    _("Baseline days and quiet hours must be at least 1.")
                )
            if not 1 < query.watch_factor <= query.shitstorm_factor:
                raise ValidationError(
                    _(
                        "The watch factor must be above 1 and not above the "
                        "shitstorm factor."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        check_storable(self.env, vals_list)
        for vals in vals_list:
            self._check_incident_readable(vals)
        return super().create(vals_list)

    def write(self, vals):
        check_storable(self.env, [vals])
        self._check_incident_readable(vals)
        return super().write(vals)

    def _check_incident_readable(self, vals):
        """Link queries only to an incident the caller may read (a
        confidential incident of another team is refused)."""
        if vals.get("incident_id") and not self.env.su:
            self.env["crisis.incident"].browse(vals["incident_id"]).check_access("read")

    def _matchers(self):
        """Compiled matchers of the active queries of ``self``:
        ``[(query_id, incident_id, company_id, lang, source_ids, include, exclude)]``."""
        result = []
        for query in self:
            include = terms_regex(parse_terms(query.keywords))
            if include is None:
                continue
            result.append(
                (
                    query.id,
                    query.incident_id.id,
                    query.company_id.id,
                    query.lang or False,
                    frozenset(query.source_ids.ids),
                    include,
                    terms_regex(parse_terms(query.excluded_keywords)),
                )
            )
        return result

    def action_view_posts(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_social.crisis_social_post_action"
        )
        action["domain"] = [("query_ids", "in", self.ids)]
        return action

    def action_view_alerts(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_social.crisis_social_alert_action"
        )
        action["domain"] = [("query_id", "=", self.id)]
        return action
