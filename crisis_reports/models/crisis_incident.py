# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from odoo.addons.crisis_management.tools import resolve_lang

ANCHOR_EMAIL_PARAM = "crisis_reports.log_anchor_email"


class CrisisIncident(models.Model):
    _inherit = "crisis.incident"

    @api.model
    def _cron_mail_log_anchor(self):
        """E-mail the head hash of every open incident's crisis log to the
        address configured outside the crisis team (system parameter
        ``crisis_reports.log_anchor_email``): a second anchor of the chain,
        out of reach of whoever can change the database."""
        email_to = (
            self.env["ir.config_parameter"].sudo().get_param(ANCHOR_EMAIL_PARAM) or ""
        ).strip()
        if not email_to:
            return False
        incidents = (
            self.sudo()
            .with_context(active_test=False)
            .search([("state", "not in", ("draft", "closed"))], order="id")
        )
        if not incidents:
            return False
        company = self.env.company
        env = self.with_context(lang=resolve_lang(self.env, company=company)).env
        rows = []
        for incident in incidents:
            result = incident.verify_log()
            rows.append(
                {
                    # The address is outside the crisis team: a confidential
                    # incident is named by its reference only.
                    "name": incident.reference
                    if incident.is_confidential
                    else incident.with_env(env).display_name,
                    "count": result["count"],
                    "ok": result["ok"],
                    "hash": incident.log_head_hash or "",
                }
            )
        now = fields.Datetime.now()
        body = env["ir.qweb"]._render(
            "crisis_reports.crisis_log_anchor_mail_body",
            {
                "date": fields.Datetime.to_string(now),
                "rows": rows,
                "legal_footer": company._crisis_legal_footer(env.lang),
            },
        )
        self.env["mail.mail"].sudo().create(
            {
                "subject": env._(
                    "Crisis log anchors %(date)s", date=fields.Date.to_string(now)
                ),
                "body_html": str(body),
                "email_from": company.email_formatted or company.partner_id.email,
                "email_to": email_to,
                "auto_delete": False,
            }
        )
        return True
