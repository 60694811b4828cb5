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
    "depends": ["crisis_management", "crisis_social", "privacy_lookup"],
    "data": [
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/mail_templates.xml",
        "report/crisis_report_layout.xml",
        "report/report_situation.xml",
        "report/report_chronology.xml",
        "report/report_communication.xml",
        "report/report_review.xml",
        "report/report_subject_access.xml",
        "report/crisis_reports.xml",
        "wizards/crisis_report_print_views.xml",
        "views/crisis_incident_views.xml",
        "views/crisis_reports_menus.xml",
    ],
    "assets": {
        "web.report_assets_common": [
            "crisis_reports/static/src/scss/crisis_reports.scss",
        ],
        "web.assets_tests": [
            "crisis_reports/static/tests/tours/*",
        ],
    },
    "installable": True,
}
