# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from .utils import TRUSTED, check_incident, split_trusted, strip_defaults

LEVELS = [("watch", "Watch"), ("shitstorm", "Shitstorm")]
STATES = [("new", "New"), ("acknowledged", "Acknowledged"), ("dismissed", "Dismissed")]
LEVEL_RANK = {"watch": 1, "shitstorm": 2}
# Written only by the detection and the actions.
PROTECTED_FIELDS = {
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
WINDOW = timedelta(hours=1)


class CrisisSocialAlert(models.Model):
    """Negative posts of a query grow far beyond the usual: a spike. The
    detection is in ``crisis_social_alert_detection.py``."""

    _name = "crisis.social.alert"
    _description = "Social Media Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_end desc, id desc"

    query_id = fields.Many2one(
        "crisis.social.query",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    incident_id = fields.Many2one("crisis.incident", index=True, tracking=True)
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
    state = fields.Selection(
        STATES, required=True, default="new", readonly=True, tracking=True, copy=False
    )
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
        clean_list = []
        for vals in vals_list:
            vals, trusted = split_trusted(vals)
            refused = PROTECTED_FIELDS & set(vals)
            if refused and not trusted:
                raise UserError(self._protected_message(refused))
            clean_list.append(vals)
        self = self.with_env(
            self.env(context=strip_defaults(self.env.context, PROTECTED_FIELDS))
        )
        alerts = super().create(clean_list)
        alerts.incident_id._notify_situation_changed()
        return alerts

    def write(self, vals):
        self.env["crisis.incident"]._notify_situations_of(self, vals)
        vals, trusted = split_trusted(vals)
        if trusted:
            return super().write(vals)
        refused = PROTECTED_FIELDS & set(vals)
        if refused:
            raise UserError(self._protected_message(refused))
        check_incident(self.env, vals)
        return super().write(vals)

    def _protected_message(self, names):
        return _(
            "Alerts are raised by the spike detection and changed only by their "
            "actions: %(fields)s",
            fields=", ".join(sorted(names)),
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_acknowledge(self):
        self.check_access("write")
        for alert in self:
            if alert.state != "new":
                raise UserError(
                    _("The alert “%(alert)s” is not new.", alert=alert.display_name)
                )
        self.write({"state": "acknowledged", TRUSTED: True})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_dismiss(self):
        self.check_access("write")
        for alert in self:
            if alert.state == "dismissed":
                raise UserError(
                    _(
                        "The alert “%(alert)s” is already dismissed.",
                        alert=alert.display_name,
                    )
                )
        self.write({"state": "dismissed", TRUSTED: True})
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
