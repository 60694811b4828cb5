# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The standing crisis team of a company: who is called in which role, the
first line of a role being its primary, the next ones its deputies."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import notification_action
from .crisis_incident_member import ROLES

# The roles of the roster: every team role but the deputy lead (the second
# ``lead`` line is the deputy lead) and the plain member.
ROSTER_ROLES = [role for role in ROLES if role[0] not in ("deputy", "member")]


class CrisisRosterLine(models.Model):
    _name = "crisis.roster.line"
    _description = "Standing Crisis Team"
    _order = "company_id, role, sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    role = fields.Selection(ROSTER_ROLES, required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Person",
        required=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    sequence = fields.Integer(default=10)
    mobile = fields.Char(related="user_id.partner_id.mobile", string="Mobile")
    email = fields.Char(related="user_id.partner_id.email", string="E-mail")
    level = fields.Integer(
        compute="_compute_readiness",
        help="0 for the primary of the role, 1 for the first deputy and so on.",
    )
    readiness = fields.Char(
        compute="_compute_readiness",
        help="What keeps this line from working in an alarm at night.",
    )

    _sql_constraints = [
        (
            "user_role_unique",
            "unique(company_id, role, user_id)",
            "This person is already on the standing crisis team in this role.",
        ),
    ]

    @api.depends("company_id", "role", "sequence", "user_id.partner_id.mobile")
    def _compute_readiness(self):
        chains = {}
        for company in self.company_id:
            chains.update(company._crisis_roster_chains())
        for line in self:
            chain = chains.get((line.company_id.id, line.role), self.browse())
            line.level = list(chain).index(line) if line in chain else 0
            problems = []
            if not line.mobile:
                problems.append(_("no mobile number"))
            if len(chain) < 2:
                problems.append(_("no deputy for this role"))
            line.readiness = ", ".join(problems)

    def action_check_readiness(self):
        """The readiness of the company's standing crisis team, as a
        notification: roles without deputy, people without mobile number."""
        self.env["crisis.roster.line"].check_access("read")
        company = self.company_id[:1] or self.env.company
        problems = company._crisis_roster_readiness()
        if not problems:
            message = _(
                "Every role has a primary and a deputy, and everyone can be "
                "reached by SMS."
            )
        else:
            message = " ".join(problems)
        return notification_action(
            message,
            title=_("Readiness of the crisis team"),
            kind="warning" if problems else "success",
            sticky=bool(problems),
        )

    @api.constrains("user_id", "company_id")
    def _check_user_internal(self):
        for line in self:
            if line.user_id.share:
                raise ValidationError(
                    _(
                        "%(user)s is not an employee: only internal users can be "
                        "on the standing crisis team.",
                        user=line.user_id.name,
                    )
                )
