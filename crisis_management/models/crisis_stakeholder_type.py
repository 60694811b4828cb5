# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.osv import expression


class CrisisStakeholderType(models.Model):
    _name = "crisis.stakeholder.type"
    _description = "Stakeholder Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable technical code used by imports, scripts and playbooks.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    sla_minutes = fields.Integer(
        string="Response Time (minutes)",
        help="How quickly an inquiry from this kind of stakeholder must be "
        "answered. 0 uses the company's default response time. When a contact "
        "has several types, the shortest response time applies.",
    )

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "The code of a stakeholder type must be unique.",
        ),
        (
            "sla_minutes_positive",
            "CHECK(sla_minutes >= 0)",
            "The response time cannot be negative.",
        ),
    ]

    @api.model
    def _search_display_name(self, operator, value):
        """Find a type by its code or by its name in any installed language.

        Address lists come from Excel in German or English: an import column
        "Stakeholder-Typ" holding "Presse, Behörde", "press" or "Authority"
        must find the same records, whatever the importing user's language.
        """
        if not isinstance(value, str) or operator in expression.NEGATIVE_TERM_OPERATORS:
            return super()._search_display_name(operator, value)
        value = value.strip()
        if not value:
            return super()._search_display_name(operator, value)
        if operator == "=":
            # Exact match as import uses it, but forgiving about case.
            operator = "=ilike"
        domains = [[("code", operator, value)], [("name", operator, value)]]
        for lang, _name in self.env["res.lang"].get_installed():
            if lang != self.env.lang:
                domains.append(
                    [
                        (
                            "id",
                            "in",
                            self.with_context(lang=lang)._search(
                                [("name", operator, value)]
                            ),
                        )
                    ]
                )
        return expression.OR(domains)

    def _effective_sla_minutes(self, company=None):
        """Response time in minutes for this type in ``company``."""
        self.ensure_one()
        company = company or self.env.company
        return self.sla_minutes or company.crisis_inquiry_sla_minutes
