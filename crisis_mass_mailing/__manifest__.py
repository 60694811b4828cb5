# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Crisis Management: Marketing Freeze",
    "summary": "While the company is in crisis mode, scheduled and queued "
    "marketing mailings are held; the crisis admin releases or cancels them",
    "version": "18.0.1.1.0",
    "category": "Crisis Management",
    "website": "https://github.com/crisis-mode/crisis-mode-odoo",
    "author": "Crisis Mode for Odoo contributors",
    "maintainers": ["crisis-mode"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["crisis_management", "mass_mailing"],
    "data": [
        "security/ir.model.access.csv",
        "views/mailing_mailing_views.xml",
    ],
    "demo": ["demo/mailing_mailing_demo.xml"],
    "auto_install": True,
    "installable": True,
}
