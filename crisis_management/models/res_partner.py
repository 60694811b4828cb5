# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contact as a stakeholder: types, influence, consents and the one rule
that says whether a contact may be reached (``crisis_can_contact``).

What sales staff see about a contact during a crisis (the banner, affected
customers, the smart buttons) is in ``res_partner_crm.py``.
"""

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..tools import require_group

# Legal bases that carry a purpose on their own, for any kind of message.
ORDINARY_BASES = ("consent", "contract", "legal_obligation", "legitimate_interest")
# Stakeholder types whose physical safety is at stake in an incident on site.
VITAL_INTEREST_TYPES = ("employee", "neighbor")
VITAL_INTEREST_PURPOSE = "crisis_info"
NEVER_VITAL_PURPOSES = ("marketing",)
PHONE_CHANNELS = ("sms", "phone")


class ResPartner(models.Model):
    _inherit = "res.partner"

    crisis_stakeholder_type_ids = fields.Many2many(
        "crisis.stakeholder.type",
        "crisis_stakeholder_type_res_partner_rel",
        "partner_id",
        "type_id",
        string="Stakeholder Types",
    )
    crisis_influence = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        string="Influence",
        groups="crisis_management.group_crisis_user",
        help="How strongly this stakeholder shapes public opinion in a crisis.",
    )
    crisis_consent_ids = fields.One2many(
        "crisis.consent", "partner_id", string="Consents"
    )
    crisis_consent_count = fields.Integer(
        compute="_compute_crisis_consent_count", string="Consent Count"
    )

    def _compute_crisis_consent_count(self):
        counts = dict(
            self.env["crisis.consent"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "given")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.crisis_consent_count = counts.get(partner, 0)

    def crisis_can_contact(self, purpose_code, channel, kind="notice"):
        """Whether this partner may be contacted for ``purpose_code`` on
        ``channel``: the one rule every sending path obeys.

        See :meth:`_crisis_contact_refusals` for the precise rule.

        :param str purpose_code: code of a ``crisis.consent.purpose``
        :param str channel: ``email``, ``sms``, ``letter`` or ``phone``
        :param str kind: ``notice`` or ``safety_check``
        :rtype: bool
        """
        self.ensure_one()
        # A partner's consent state is personal data: crisis staff only.
        require_group(
            self.env,
            "crisis_management.group_crisis_user",
            _("Only crisis staff may look up whether a contact may be reached."),
        )
        self.check_access("read")
        return bool(self._crisis_contactable(self, purpose_code, channel, kind))

    @api.model
    def _crisis_contactable(self, partners, purpose_code, channel, kind="notice"):
        """Batched :meth:`crisis_can_contact`: the ids among ``partners`` (a
        recordset or a list of ids) that may be contacted. A few queries,
        whatever the number of partners."""
        ids = partners.ids if isinstance(partners, models.BaseModel) else list(partners)
        refused = self._crisis_contact_refusals(ids, purpose_code, channel, kind)
        return {pid for pid in ids if pid not in refused}

    @api.model
    def _crisis_contact_refusals(
        self, partner_ids, purpose_code, channel, kind="notice"
    ):
        """Why partners may *not* be contacted for a purpose on a channel.

        The rule, in order:

        1. **Blacklist** (absolute): on ``email`` a partner whose normalised
           e-mail is on Odoo's active ``mail.blacklist`` is refused; on
           ``sms`` and ``phone`` a partner whose sanitised number
           (``phone_sanitized``: the mobile, else the phone) is on the active
           ``phone.blacklist`` is refused. This holds even for safety checks:
           the person asked never to be contacted on that channel, other
           channels stay open. Letters have no blacklist.
        2. **A basis for this purpose on this channel** is needed. A
           ``crisis.consent`` record counts when it is for the same purpose
           (consent for one purpose never carries another: crisis consent
           never allows marketing) and the same channel, in state ``given``,
           with legal basis ``consent``, ``contract``, ``legal_obligation``
           or ``legitimate_interest``.
        3. **Withdrawn** records never count: withdrawing a consent (which
           withdraws every consent-based record of that partner, purpose and
           channel) removes the basis; a later consent is a new record.
        4. **Vital interest** only carries safety messages
           (``kind == "safety_check"``) and never marketing: a ``given``
           record with legal basis ``vital_interest`` counts for its purpose
           and channel; and employees and neighbours (stakeholder types
           ``employee`` and ``neighbor``) may receive a safety check for
           ``crisis_info`` without any record, even after withdrawing consent
           (GDPR Art. 6(1)(d): their safety does not rest on consent).
        5. An unknown purpose code gives nobody a basis.

        Addresses are not checked here (a missing address is a different
        reason to skip, see ``crisis.communication``).

        :return: ``{partner_id: "blacklisted" | "no_basis"}`` for the refused
            partners only; partners absent from the dict may be contacted.
        """
        partner_ids = list(partner_ids)
        if not partner_ids:
            return {}
        cr = self.env.cr
        refusals = {}
        # 1. Blacklists, through the fields of Odoo's blacklist mixins
        # (mail.thread.blacklist, mail.thread.phone) and their searches.
        blacklisted = {
            "email": "is_blacklisted",
            **dict.fromkeys(PHONE_CHANNELS, "phone_sanitized_blacklisted"),
        }.get(channel)
        if blacklisted:
            refused = (
                self.env["res.partner"]
                .sudo()
                .with_context(active_test=False)
                .search(
                    [("id", "in", partner_ids), (blacklisted, "=", True)], order="id"
                )
                .ids
            )
            refusals.update(dict.fromkeys(refused, "blacklisted"))
        # 2.-5. Basis
        purpose = (
            self.env["crisis.consent.purpose"]
            .sudo()
            .with_context(active_test=False)
            .search([("code", "=", purpose_code)], limit=1)
        )
        with_basis = set()
        if purpose:
            safety = kind == "safety_check" and purpose_code not in NEVER_VITAL_PURPOSES
            bases = ORDINARY_BASES + (("vital_interest",) if safety else ())
            self.env["crisis.consent"].flush_model(
                ["partner_id", "purpose_id", "channel", "state", "legal_basis"]
            )
            cr.execute(
                SQL(
                    """SELECT DISTINCT partner_id FROM crisis_consent
                        WHERE partner_id = ANY(%s) AND purpose_id = %s
                          AND channel = %s AND state = 'given'
                          AND legal_basis IN %s""",
                    partner_ids,
                    purpose.id,
                    channel,
                    bases,
                )
            )
            with_basis.update(pid for (pid,) in cr.fetchall())
            if safety and purpose_code == VITAL_INTEREST_PURPOSE:
                self.env["res.partner"].flush_model(["crisis_stakeholder_type_ids"])
                cr.execute(
                    SQL(
                        """SELECT DISTINCT rel.partner_id
                             FROM crisis_stakeholder_type_res_partner_rel rel
                             JOIN crisis_stakeholder_type st ON st.id = rel.type_id
                            WHERE rel.partner_id = ANY(%s) AND st.code IN %s""",
                        partner_ids,
                        VITAL_INTEREST_TYPES,
                    )
                )
                with_basis.update(pid for (pid,) in cr.fetchall())
        for pid in partner_ids:
            if pid not in with_basis and pid not in refusals:
                refusals[pid] = "no_basis"
        return refusals

    def action_crisis_consents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_consent_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "active_test": False}
        return action

    def action_crisis_report_incident(self):
        """Open the form to report an incident heard of from this contact."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_incident_report_action"
        )
        action["context"] = {"default_partner_id": self.id}
        return action
