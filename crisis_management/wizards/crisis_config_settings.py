# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError

ADMIN_GROUP = "crisis_management.group_crisis_admin"


class CrisisConfigSettings(models.TransientModel):
    """The one crisis settings screen (Crisis › Configuration › Settings).

    Odoo's Settings (``res.config.settings``) are for system administrators
    only; a crisis administrator configures crisis management here without
    system rights. The screen edits the crisis settings of the current
    company and nothing else: ``_crisis_company_fields`` lists them, and
    addons that add a crisis setting of the company extend that list and the
    form."""

    _name = "crisis.config.settings"
    _description = "Crisis Management Settings"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    crisis_inquiry_sla_minutes = fields.Integer(
        string="Default Response Time (minutes)",
        help="How quickly an inquiry must be answered when the stakeholder type "
        "of the caller has no response time of its own, or is unknown.",
    )
    crisis_task_escalation_hours = fields.Float(
        string="Escalate Overdue Tasks After",
        help="Hours after the deadline of a crisis task at which, if the task is "
        "still open despite the reminder, it is escalated to the crisis lead.",
    )
    crisis_hotline_team_ids = fields.Many2many(
        "crm.team",
        string="Hotline Sales Teams",
        check_company=True,
        help="While the company is in crisis mode, the members of these sales "
        "teams answer the hotline.",
    )
    crisis_handback_plan_id = fields.Many2one(
        "mail.activity.plan",
        string="Hand-back Plan",
        domain="[('res_model', '=', 'res.partner')]",
        check_company=True,
        help="After an incident is closed, each affected customer is handed back "
        "to their salesperson with the activities of this plan.",
    )
    crisis_send_delay_seconds = fields.Integer(
        string="Hold Before Sending (seconds)",
        help="A broadcast waits this long after Send before anything leaves: "
        "until then it can be cancelled with nothing sent. 0 sends at once. "
        "Alarms are never held.",
    )
    # The legal details, German and English side by side as on the company.
    crisis_legal_footer_de = fields.Text(string="Legal Details (German)")
    crisis_legal_footer_en = fields.Text(string="Legal Details (English)")
    crisis_register_court = fields.Char(
        string="Register Court",
        help="The court that keeps the commercial register entry, e.g. "
        "Amtsgericht Halle (Saale).",
    )
    crisis_managing_directors = fields.Char(
        string="Managing Directors",
        help="Names of the managing directors or the board, as the legal "
        "details must name them.",
    )
    crisis_imprint_url = fields.Char(
        string="Imprint URL", help="The company's imprint, linked from the public page."
    )
    crisis_privacy_url = fields.Char(
        string="Privacy Notice URL",
        help="The company's privacy notice, linked from the public page and the "
        "subscription form.",
    )
    crisis_sms_sender = fields.Char(
        string="SMS Sender Name",
        size=11,
        help="Short name every crisis SMS begins with, followed by a colon, so "
        "that the reader sees who writes. Left empty, the company name is used.",
    )

    @api.model
    def _crisis_company_fields(self):
        """The fields of res.company this screen edits (same names here)."""
        return [
            "crisis_inquiry_sla_minutes",
            "crisis_task_escalation_hours",
            "crisis_hotline_team_ids",
            "crisis_handback_plan_id",
            "crisis_send_delay_seconds",
            "crisis_legal_footer_de",
            "crisis_legal_footer_en",
            "crisis_register_court",
            "crisis_managing_directors",
            "crisis_imprint_url",
            "crisis_privacy_url",
            "crisis_sms_sender",
        ]

    def _check_crisis_admin(self):
        if not self.env.user.has_group(ADMIN_GROUP):
            raise AccessError(
                _("Only crisis administrators can change the crisis settings.")
            )

    @api.model
    def default_get(self, fields_list):
        """The screen opens on the company's current settings."""
        self._check_crisis_admin()
        values = super().default_get(fields_list)
        company = self.env.company
        for name in self._crisis_company_fields():
            if name not in fields_list:
                continue
            value = company[name]
            field = self._fields[name]
            if field.type == "many2many":
                values[name] = [Command.set(value.ids)]
            elif field.type == "many2one":
                values[name] = value.id
            else:
                values[name] = value
        return values

    def execute(self):
        """Save: write the settings to the company, as the crisis admin may
        only through this screen (they have no write access to companies)."""
        self.ensure_one()
        self._check_crisis_admin()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(_("You can only configure your own companies."))
        values = {}
        for name in self._crisis_company_fields():
            field = self._fields[name]
            if field.type == "many2many":
                values[name] = [Command.set(self[name].ids)]
            elif field.type == "many2one":
                values[name] = self[name].id
            else:
                values[name] = self[name]
        self.company_id.sudo().write(values)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "The crisis settings of %s are saved.", self.company_id.name
                ),
                "next": self.env["ir.actions.act_window"]._for_xml_id(
                    "crisis_management.crisis_config_settings_action"
                ),
            },
        }
