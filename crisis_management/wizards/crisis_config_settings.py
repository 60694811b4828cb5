# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..models.res_company import ResCompany
from ..tools import notification_action

ADMIN_GROUP = "crisis_management.group_crisis_admin"
# What a field of the screen takes over from the company field it edits; not
# the company's storage (relation table, compute, default, translation).
COMPANY_FIELD_ARGS = ("string", "help", "size", "comodel_name", "domain")


def company_setting(name, **kwargs):
    """A field of the settings screen for the crisis setting ``name`` of the
    company: same type, label, help, size and target as the company field,
    whose declaration is the only place these texts are written. Not a
    related field: the screen writes the company only in ``execute``, after
    checking the crisis admin and the company."""
    source = getattr(ResCompany, name)
    args = {key: source.args[key] for key in COMPANY_FIELD_ARGS if key in source.args}
    return type(source)(**args, **kwargs)


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
    # Each field takes its label and help from the company field it edits.
    crisis_inquiry_sla_minutes = company_setting("crisis_inquiry_sla_minutes")
    crisis_task_escalation_hours = company_setting("crisis_task_escalation_hours")
    crisis_hotline_team_ids = company_setting(
        "crisis_hotline_team_ids", check_company=True
    )
    crisis_handback_plan_id = company_setting(
        "crisis_handback_plan_id", check_company=True
    )
    crisis_send_delay_seconds = company_setting("crisis_send_delay_seconds")
    # The legal details, German and English side by side as on the company.
    crisis_legal_footer_de = company_setting("crisis_legal_footer_de")
    crisis_legal_footer_en = company_setting("crisis_legal_footer_en")
    crisis_register_court = company_setting("crisis_register_court")
    crisis_managing_directors = company_setting("crisis_managing_directors")
    crisis_imprint_url = company_setting("crisis_imprint_url")
    crisis_privacy_url = company_setting("crisis_privacy_url")
    crisis_sms_sender = company_setting("crisis_sms_sender")

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
        names = [n for n in self._crisis_company_fields() if n in fields_list]
        values.update(self._convert_to_write({n: company[n] for n in names}))
        return values

    def execute(self):
        """Save: write the settings to the company, as the crisis admin may
        only through this screen (they have no write access to companies)."""
        self.ensure_one()
        self._check_crisis_admin()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(_("You can only configure your own companies."))
        names = self._crisis_company_fields()
        values = self._convert_to_write({name: self[name] for name in names})
        self.company_id.sudo().write(values)
        return notification_action(
            _("The crisis settings of %s are saved.", self.company_id.name),
            next_action=self.env["ir.actions.act_window"]._for_xml_id(
                "crisis_management.crisis_config_settings_action"
            ),
        )
