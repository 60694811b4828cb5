# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models

from ..tools import selection_labels


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    crisis_roster_ids = fields.One2many(
        "crisis.roster.line",
        "company_id",
        string="Standing Crisis Team",
        help="Who is called in which role when a crisis begins: per role the "
        "first person is the primary, the next ones are the deputies in order.",
    )

    def _crisis_roster_chains(self):
        """``{(company id, role): roster lines}`` in alarm order: the primary
        first, then the deputies. Only active internal users."""
        self.ensure_one()
        chains = {}
        lines = (
            self.env["crisis.roster.line"].sudo().search([("company_id", "=", self.id)])
        )
        for line in lines.sorted(lambda r: (r.sequence, r.id)):
            if line.user_id.active and not line.user_id.share:
                key = (self.id, line.role)
                chains[key] = chains.get(key, line.browse()) | line
        return chains

    def _crisis_roster_readiness(self):
        """Sentences naming what would fail in an alarm tonight: roles with
        nobody or without deputy, people without mobile number."""
        self.ensure_one()
        chains = self._crisis_roster_chains()
        roles = selection_labels(self.env["crisis.roster.line"], "role")
        if not chains:
            return [_("Nobody is on the standing crisis team of %s.", self.name)]
        problems = []
        no_deputy = [
            roles.get(role, role)
            for (_company, role), chain in chains.items()
            if len(chain) < 2
        ]
        if no_deputy:
            problems.append(
                _("Roles without deputy: %(roles)s.", roles=", ".join(no_deputy))
            )
        users = self.env["res.users"].browse()
        for chain in chains.values():
            users |= chain.user_id
        no_mobile = users.filtered(lambda u: not u.partner_id.mobile)
        if no_mobile:
            problems.append(
                _(
                    "No mobile number (no SMS alarm): %(people)s.",
                    people=", ".join(no_mobile.mapped("name")),
                )
            )
        return problems

    def _crisis_alarm_sms_sender(self):
        """The name an alarm SMS begins with: the company's SMS sender name
        where one is set up, else its name."""
        self.ensure_one()
        if "crisis_sms_sender" in self._fields and self.crisis_sms_sender:
            return self.crisis_sms_sender
        return self.name
