# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import installed_crisis_langs, require_group
from .res_partner import ORDINARY_BASES


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
        for lang in installed_crisis_langs(self.env).values():
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

    # ------------------------------------------------------------------
    # Readiness
    # ------------------------------------------------------------------
    @api.model
    def get_readiness(self, purpose_code, type_ids=None):
        """How many contacts of each stakeholder type may be reached today
        for ``purpose_code``, by channel: the consent rule of sending
        (:meth:`res.partner.crisis_can_contact`) and an address, counted
        with one grouped query.

        :param str purpose_code: code of a ``crisis.consent.purpose``
        :param list type_ids: restrict to these types (default: all active)
        :return: one ``{"code", "total", "email", "sms", "letter",
            "unreachable"}`` per type, in the order of the types
        """
        self._check_readiness_access()
        purpose = self._readiness_purpose(purpose_code)
        types = (
            self.browse(type_ids) if type_ids else self.search([("active", "=", True)])
        )
        types.check_access("read")
        counts = {}
        if types:
            self.env.cr.execute(
                SQL(
                    """%s
                    SELECT type_id, COUNT(*),
                           COUNT(*) FILTER (WHERE by_email),
                           COUNT(*) FILTER (WHERE by_sms),
                           COUNT(*) FILTER (WHERE by_letter),
                           COUNT(*) FILTER (WHERE NOT (by_email OR by_sms OR by_letter))
                      FROM members GROUP BY type_id
                    """,
                    types._readiness_members(purpose),
                )
            )
            counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        result = []
        for stakeholder_type in types:
            total, email, sms, letter, unreachable = counts.get(
                stakeholder_type.id, (0, 0, 0, 0, 0)
            )
            result.append(
                {
                    "code": stakeholder_type.code,
                    "total": total,
                    "email": email,
                    "sms": sms,
                    "letter": letter,
                    "unreachable": unreachable,
                }
            )
        return result

    def _readiness_partner_ids(self, purpose, channel):
        """Ids of the active contacts of these types reachable on
        ``channel`` (``email``, ``sms``, ``letter``), or on none of them
        (``unreachable``), for ``purpose`` (a record)."""
        if not self:
            return []
        condition = {
            "email": SQL("by_email"),
            "sms": SQL("by_sms"),
            "letter": SQL("by_letter"),
            "unreachable": SQL("NOT (by_email OR by_sms OR by_letter)"),
        }[channel]
        self.env.cr.execute(
            SQL(
                "%s SELECT DISTINCT partner_id FROM members WHERE %s",
                self._readiness_members(purpose),
                condition,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _check_readiness_access(self):
        require_group(
            self.env,
            "crisis_management.group_crisis_manager",
            _("Only the crisis team can see how ready the stakeholders are."),
        )

    @api.model
    def _readiness_purpose(self, purpose_code):
        purpose = (
            self.env["crisis.consent.purpose"]
            .sudo()
            .with_context(active_test=False)
            .search([("code", "=", purpose_code or "")], limit=1)
        )
        if not purpose:
            raise UserError(
                _(
                    "There is no consent purpose with the code “%(code)s”.",
                    code=purpose_code,
                )
            )
        return purpose

    def _readiness_members(self, purpose):
        """The ``members`` query (READINESS_MEMBERS_SQL) of these types for
        ``purpose`` (a record), with what it reads flushed."""
        self._readiness_flush()
        return SQL(
            READINESS_MEMBERS_SQL,
            purpose=purpose.id,
            bases=ORDINARY_BASES,
            types=tuple(self.ids),
            by_email=_reachable_sql("email"),
            by_sms=_reachable_sql("sms"),
        )

    @api.model
    def _readiness_flush(self):
        self.env["res.partner"].flush_model(
            [
                "active",
                "email_normalized",
                "phone_sanitized",
                "street",
                "zip",
                "city",
                "crisis_stakeholder_type_ids",
            ]
        )
        self.env["crisis.consent"].flush_model(
            ["partner_id", "purpose_id", "channel", "state", "legal_basis"]
        )
        self.env["mail.blacklist"].flush_model(["email", "active"])
        self.env["phone.blacklist"].flush_model(["number", "active"])

    def action_open_readiness(self):
        """The readiness screen of these types (all when called from the
        menu): a chart per type and channel, one click to the contacts."""
        self._check_readiness_access()
        return self.env["crisis.readiness"]._open_for_types(self)


# Whether a member of a stakeholder type may be reached on each channel for
# a purpose: the rule of res.partner._crisis_contact_refusals() for ordinary
# messages (a given consent or another ordinary basis for this purpose and
# channel, no blacklist on the address) plus the address the sending needs,
# spelled in SQL so that readiness is counted with grouped queries.
READINESS_MEMBERS_SQL = """
    WITH basis AS (
        SELECT DISTINCT partner_id, channel FROM crisis_consent
         WHERE purpose_id = %(purpose)s AND state = 'given'
           AND legal_basis IN %(bases)s
    ), members AS (
        SELECT rel.type_id, p.id AS partner_id,
               %(by_email)s AS by_email,
               %(by_sms)s AS by_sms,
               (COALESCE(p.street, '') != '' AND COALESCE(p.zip, '') != ''
                AND COALESCE(p.city, '') != ''
                AND EXISTS (SELECT 1 FROM basis b WHERE b.partner_id = p.id
                                                    AND b.channel = 'letter')
               ) AS by_letter
          FROM crisis_stakeholder_type_res_partner_rel rel
          JOIN res_partner p ON p.id = rel.partner_id
         WHERE p.active AND rel.type_id IN %(types)s
    )
"""

# The address each digital channel needs: (column of res_partner, the
# blacklist that blocks it, the blacklist's column).
DIGITAL_ADDRESSES = {
    "email": ("email_normalized", "mail_blacklist", "email"),
    "sms": ("phone_sanitized", "phone_blacklist", "number"),
}


def _reachable_sql(channel):
    """Whether the member ``p`` has the address of the digital ``channel``,
    not blacklisted, and a basis for messages on it."""
    address, blacklist, listed = DIGITAL_ADDRESSES[channel]
    return SQL(
        """(p.%(address)s IS NOT NULL AND p.%(address)s != ''
            AND NOT EXISTS (SELECT 1 FROM %(blacklist)s bl
                             WHERE bl.%(listed)s = p.%(address)s AND bl.active)
            AND EXISTS (SELECT 1 FROM basis b WHERE b.partner_id = p.id
                                                AND b.channel = %(channel)s))""",
        address=SQL.identifier(address),
        blacklist=SQL.identifier(blacklist),
        listed=SQL.identifier(listed),
        channel=channel,
    )
