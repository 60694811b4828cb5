# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """The crisis block of Odoo's Settings, for system administrators: the
    same company settings as the crisis settings screen
    (``crisis.config.settings``) that crisis administrators use."""

    _inherit = "res.config.settings"

    crisis_inquiry_sla_minutes = fields.Integer(
        related="company_id.crisis_inquiry_sla_minutes", readonly=False
    )
    crisis_task_escalation_hours = fields.Float(
        related="company_id.crisis_task_escalation_hours", readonly=False
    )
    crisis_hotline_team_ids = fields.Many2many(
        related="company_id.crisis_hotline_team_ids", readonly=False
    )
    crisis_handback_plan_id = fields.Many2one(
        related="company_id.crisis_handback_plan_id", readonly=False
    )
    crisis_send_delay_seconds = fields.Integer(
        related="company_id.crisis_send_delay_seconds", readonly=False
    )
    crisis_legal_footer_de = fields.Text(
        related="company_id.crisis_legal_footer_de", readonly=False
    )
    crisis_legal_footer_en = fields.Text(
        related="company_id.crisis_legal_footer_en", readonly=False
    )
    crisis_register_court = fields.Char(
        related="company_id.crisis_register_court", readonly=False
    )
    crisis_managing_directors = fields.Char(
        related="company_id.crisis_managing_directors", readonly=False
    )
    crisis_imprint_url = fields.Char(
        related="company_id.crisis_imprint_url", readonly=False
    )
    crisis_privacy_url = fields.Char(
        related="company_id.crisis_privacy_url", readonly=False
    )
    crisis_sms_sender = fields.Char(
        related="company_id.crisis_sms_sender", readonly=False
    )
