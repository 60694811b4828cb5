# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrisisConsentPurpose(models.Model):
    _name = "crisis.consent.purpose"
    _description = "Consent Purpose"
    _order = "sequence, name"
    # Imports and many2one fields find a purpose by its code, too.
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    consent_count = fields.Integer(compute="_compute_consent_count")

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "The code of a consent purpose must be unique.",
        ),
    ]

    def _compute_consent_count(self):
        counts = dict(
            self.env["crisis.consent"]._read_group(
                [("purpose_id", "in", self.ids), ("state", "=", "given")],
                ["purpose_id"],
                ["__count"],
            )
        )
        for purpose in self:
            purpose.consent_count = counts.get(purpose, 0)
