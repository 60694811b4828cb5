# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Crisis Reports",
    "summary": "Bilingual (German/English) crisis reports that hold up in court: "
    "situation report, chronology, communication and post-crisis review",
    "version": "18.0.1.0.0",
    "category": "Crisis Management",
    "website": "https://github.com/crisis-mode/crisis-mode-odoo",
    "author": "Crisis Mode for Odoo contributors",
    "maintainers": ["crisis-mode"],
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["crisis_management", "crisis_social"],
    "data": [
        "views/crisis_reports_menus.xml",
    ],
    "installable": True,
}
