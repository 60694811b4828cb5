# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, fields, models


class CrisisIncident(models.Model):
    """Social media figures in the situation picture."""

    _inherit = "crisis.incident"

    social_post_ids = fields.One2many(
        "crisis.social.post", "incident_id", string="Social Media Posts"
    )
    social_alert_ids = fields.One2many(
        "crisis.social.alert", "incident_id", string="Social Media Alerts"
    )
    situation_social_post_count = fields.Integer(
        string="Posts (24 h)", compute="_compute_situation_social"
    )
    situation_social_negative_share = fields.Float(
        string="Negative (24 h, %)", compute="_compute_situation_social"
    )
    situation_social_alert_open_count = fields.Integer(
        string="Open Alerts", compute="_compute_situation_social"
    )
    situation_social_unanswered_count = fields.Integer(
        string="Unanswered Negative Posts", compute="_compute_situation_social"
    )
    situation_social_oldest_date = fields.Datetime(
        string="Oldest Waiting Post", compute="_compute_situation_social"
    )
    situation_social_alert_ids = fields.Many2many(
        "crisis.social.alert",
        string="Open Alerts List",
        compute="_compute_situation_social",
    )

    def _compute_situation_social(self):
        kpis = self.filtered("id")._situation_kpis()
        Alert = self.env["crisis.social.alert"]
        for incident in self:
            social = (kpis.get(incident.id) or {}).get("social") or {}
            incident.situation_social_post_count = social.get("posts_24h", 0)
            incident.situation_social_negative_share = social.get(
                "negative_share_24h", 0.0
            )
            incident.situation_social_alert_open_count = social.get("alerts_open", 0)
            incident.situation_social_unanswered_count = social.get(
                "unanswered_negative", 0
            )
            incident.situation_social_oldest_date = social.get(
                "oldest_waiting_date", False
            )
            incident.situation_social_alert_ids = Alert.browse(
                social.get("alert_ids", [])
            )

    def _situation_kpis(self):
        """Adds ``social``: posts and negative share of the last 24 hours,
        open alerts, unanswered negative posts and the oldest waiting one."""
        result = super()._situation_kpis()
        if not result:
            return result
        ids = list(result)
        Post = self.env["crisis.social.post"].sudo()
        Alert = self.env["crisis.social.alert"].sudo()
        since = fields.Datetime.now() - timedelta(hours=24)
        for incident_id in ids:
            result[incident_id]["social"] = {
                "posts_24h": 0,
                "negative_24h": 0,
                "negative_share_24h": 0.0,
                "alerts_open": 0,
                "alert_ids": [],
                "unanswered_negative": 0,
                "oldest_waiting_date": False,
            }
        for incident, sentiment, count in Post._read_group(
            [("incident_id", "in", ids), ("date_posted", ">=", since)],
            ["incident_id", "sentiment"],
            ["__count"],
        ):
            social = result[incident.id]["social"]
            social["posts_24h"] += count
            if sentiment == "negative":
                social["negative_24h"] += count
        for incident, count, oldest in Post._read_group(
            [
                ("incident_id", "in", ids),
                ("sentiment", "=", "negative"),
                ("state", "in", ("new", "to_answer")),
            ],
            ["incident_id"],
            ["__count", "date_posted:min"],
        ):
            social = result[incident.id]["social"]
            social["unanswered_negative"] = count
            social["oldest_waiting_date"] = oldest
        for alert in Alert.search(
            [("incident_id", "in", ids), ("state", "=", "new")], order="date_end desc"
        ):
            social = result[alert.incident_id.id]["social"]
            social["alerts_open"] += 1
            social["alert_ids"].append(alert.id)
        for values in result.values():
            social = values["social"]
            if social["posts_24h"]:
                social["negative_share_24h"] = round(
                    100.0 * social["negative_24h"] / social["posts_24h"], 1
                )
        return result

    def _situation_dashboard_sections(self, kpis):
        """The wall shows the social media figures of ``_situation_kpis``."""
        sections = super()._situation_dashboard_sections(kpis)
        social = kpis.get("social")
        if not social:
            return sections
        alerts = self.env["crisis.social.alert"].sudo().browse(social["alert_ids"])
        sections.append(
            {
                "key": "social",
                "title": _("Social Media"),
                "sequence": 20,
                "figures": [
                    {
                        "key": "posts_24h",
                        "label": _("Posts (24 h)"),
                        "value": social["posts_24h"],
                        "level": "normal",
                    },
                    {
                        "key": "negative_share_24h",
                        "label": _("Negative (24 h)"),
                        "value": f"{social['negative_share_24h']:g} %",
                        "level": "danger"
                        if social["negative_share_24h"] >= 50
                        else "normal",
                    },
                    {
                        "key": "alerts_open",
                        "label": _("Open Alerts"),
                        "value": social["alerts_open"],
                        "level": "danger" if social["alerts_open"] else "normal",
                    },
                    {
                        "key": "unanswered_negative",
                        "label": _("Unanswered Negative Posts"),
                        "value": social["unanswered_negative"],
                        "level": "warning"
                        if social["unanswered_negative"]
                        else "normal",
                    },
                ],
                "lines": [
                    {
                        "text": alert.explanation or alert.display_name,
                        "level": "danger" if alert.level == "shitstorm" else "warning",
                    }
                    for alert in alerts[:3]
                ],
            }
        )
        return sections

    def action_view_social_posts(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_social.crisis_social_post_action_graph"
        )
        action["domain"] = [("incident_id", "=", self.id)]
        action["context"] = {"default_incident_id": self.id}
        return action
