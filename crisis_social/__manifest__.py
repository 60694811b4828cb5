# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Crisis Social Media Monitoring",
    "summary": "Monitor social media for a crisis: sources, posts, sentiment, "
    "spike alerts and replies",
    "version": "18.0.1.0.0",
    "category": "Crisis Management",
    "website": "https://github.com/crisis-mode/crisis-mode-odoo",
    "author": "Crisis Mode for Odoo contributors",
    "maintainers": ["crisis-mode"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["crisis_management"],
    "external_dependencies": {"python": ["feedparser"]},
    "data": [
        "security/ir.model.access.csv",
        "security/crisis_social_rules.xml",
        "data/ir_cron_data.xml",
        "data/crisis_social_term_data.xml",
        "views/crisis_social_source_views.xml",
        "views/crisis_social_query_views.xml",
        "views/crisis_social_post_views.xml",
        "views/crisis_social_alert_views.xml",
        "views/crisis_incident_views.xml",
        "views/res_partner_views.xml",
        "views/crisis_social_menus.xml",
        "views/crisis_config_settings_views.xml",
    ],
    "demo": ["demo/crisis_social_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "crisis_social/static/src/alert_notification/*",
        ],
        "web.assets_tests": [
            "crisis_social/static/tests/tours/*",
        ],
    },
    "installable": True,
}
