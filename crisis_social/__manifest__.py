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
    "data": [
        "security/ir.model.access.csv",
        "views/crisis_social_source_views.xml",
        "views/crisis_social_menus.xml",
    ],
    "installable": True,
}
