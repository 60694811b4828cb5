# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools import check_storable
from ..tools.sentiment import lower, prepare_terms


class CrisisSocialTerm(models.Model):
    """A crisis word and how strongly it pulls a post's sentiment."""

    _name = "crisis.social.term"
    _description = "Crisis Term"
    _order = "lang, name"

    name = fields.Char(
        string="Term",
        required=True,
        help="A word (it also matches words starting with it: Skandal matches "
        "skandalös) or a phrase.",
    )
    lang = fields.Selection(
        [("de", "German"), ("en", "English")],
        string="Language",
        help="Empty: both languages.",
    )
    weight = fields.Float(
        required=True,
        default=-0.5,
        help="From -1 (strongly negative) to +1 (strongly positive); 0 makes "
        "the word neutral, e.g. Rückruf in a plain recall notice.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "name_lang_unique",
            "unique(name, lang)",
            "This term is already in the table for this language.",
        ),
    ]

    @api.constrains("weight")
    def _check_weight(self):
        for term in self:
            if not -1 <= term.weight <= 1:
                raise ValidationError(
                    _("The weight of a crisis term is between -1 and 1.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        check_storable(self.env, vals_list)
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        check_storable(self.env, [vals])
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @tools.ormcache("lang")
    def _weights(self, lang):
        """``(words, phrases)``, each ``{term: valence -4..4}``, for one language."""
        terms = self.sudo().search([("lang", "in", (lang, False))])
        weights = {}
        # Language-specific terms win over terms for both languages.
        for term in terms.sorted(lambda t: bool(t.lang)):
            key = " ".join(lower(term.name).split())
            if key:
                weights[key] = term.weight * 4
        return prepare_terms(weights)
