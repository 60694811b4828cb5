# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from ast import literal_eval

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression


class CrisisCommunication(models.Model):
    """The audience of a communication: stakeholder types, contact tags,
    individual contacts and a filter over the CRM's contacts."""

    _inherit = "crisis.communication"  # pylint: disable=consider-merging-classes-inherited

    audience_count = fields.Integer(
        compute="_compute_audience_count",
        string="Addressed",
        help="How many contacts the audience addresses today (before the consent "
        "and address checks made when sending).",
    )
    audience_domain_count = fields.Integer(
        compute="_compute_audience_count",
        string="Matching Contacts",
        help="How many contacts the CRM audience matches today.",
    )

    @api.depends(
        "audience_domain",
        "audience_type_ids",
        "audience_tag_ids",
        "audience_partner_ids",
    )
    def _compute_audience_count(self):
        for comm in self:
            try:
                domain = comm._audience_domain_list()
                comm.audience_domain_count = (
                    len(comm._audience_domain_partner_ids()) if domain else 0
                )
                comm.audience_count = len(comm._resolve_audience())
            except (ValueError, SyntaxError, UserError, ValidationError, AccessError):
                comm.audience_domain_count = comm.audience_count = 0

    def _audience_domain_list(self):
        """The CRM audience as a domain over contacts (``[]`` when empty).

        :raise ValidationError: when it is not a domain over contacts
        """
        self.ensure_one()
        text = (self.audience_domain or "").strip()
        if not text or text == "[]":
            return []
        try:
            domain = literal_eval(text)
            if not isinstance(domain, list):
                raise ValueError(text)
            domain = expression.normalize_domain(domain)
            self.env["res.partner"].sudo()._where_calc(domain)
        except (ValueError, SyntaxError, TypeError, KeyError, AssertionError) as exc:
            raise ValidationError(
                _(
                    "“%(name)s”: the contacts to address are not a valid filter "
                    "over contacts (%(error)s).",
                    name=self.name or "",
                    error=exc,
                )
            ) from exc
        return domain

    def _audience_domain_partner_ids(self):
        """Ids of the contacts the CRM audience matches, searched as the
        current user: nobody reaches contacts, opportunities or sales data
        through it that they could not search themselves."""
        self.ensure_one()
        domain = self._audience_domain_list()
        if not domain:
            return []
        return self.env["res.partner"].search(domain, order="id").ids

    @api.constrains("audience_domain")
    def _check_audience_domain(self):
        for comm in self:
            comm._audience_domain_list()

    def _resolve_audience(self):
        """Ids of the partners addressed: stakeholder types, tags and
        individual contacts (active contacts only)."""
        self.ensure_one()
        domains = []
        if self.audience_type_ids:
            domains.append(
                [("crisis_stakeholder_type_ids", "in", self.audience_type_ids.ids)]
            )
        if self.audience_tag_ids:
            domains.append([("category_id", "in", self.audience_tag_ids.ids)])
        if self.audience_partner_ids:
            domains.append([("id", "in", self.audience_partner_ids.ids)])
        if self.audience_domain:
            domains.append([("id", "in", self._audience_domain_partner_ids())])
        if not domains:
            return []
        return (
            self.env["res.partner"]
            .sudo()
            .search(expression.OR(domains), order="id")
            .ids
        )
