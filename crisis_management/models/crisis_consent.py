# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

CHANNELS = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("phone", "Phone"),
]
LEGAL_BASES = [
    ("consent", "Consent"),
    ("contract", "Contract"),
    ("legal_obligation", "Legal Obligation"),
    ("vital_interest", "Vital Interest"),
    ("legitimate_interest", "Legitimate Interest"),
]
# Once recorded, these say what was agreed: a change is a new record.
FROZEN_FIELDS = {
    "partner_id",
    "purpose_id",
    "channel",
    "legal_basis",
    "state",
    "date_given",
    "date_withdrawn",
}


class CrisisConsent(models.Model):
    """One statement of a basis to contact a partner for a purpose on a
    channel. Records are history: they are never deleted, a withdrawal only
    sets ``state`` and ``date_withdrawn``, and a new consent after a
    withdrawal is a new record."""

    _name = "crisis.consent"
    _description = "Contact Consent"
    _inherit = ["mail.thread"]
    _order = "date_given desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, tracking=True
    )
    purpose_id = fields.Many2one(
        "crisis.consent.purpose", required=True, ondelete="restrict", index=True
    )
    channel = fields.Selection(CHANNELS, required=True, default="email")
    state = fields.Selection(
        [("given", "Given"), ("withdrawn", "Consent Withdrawn")],
        required=True,
        default="given",
        tracking=True,
        index=True,
        readonly=True,
    )
    legal_basis = fields.Selection(LEGAL_BASES, required=True, default="consent")
    date_given = fields.Datetime(default=fields.Datetime.now, tracking=True)
    date_withdrawn = fields.Datetime(tracking=True, copy=False, readonly=True)
    source = fields.Char(
        help="Where the consent came from: form, phone call, import..."
    )
    evidence = fields.Text(help="Proof of the consent: time, address, wording shown.")

    @api.depends("partner_id", "purpose_id", "channel")
    def _compute_display_name(self):
        channels = dict(CHANNELS)
        for consent in self:
            consent.display_name = _(
                "%(partner)s: %(purpose)s (%(channel)s)",
                partner=consent.partner_id.display_name or "",
                purpose=consent.purpose_id.name or "",
                channel=channels.get(consent.channel, ""),
            )

    def write(self, vals):
        if FROZEN_FIELDS & set(vals) and not self.env.context.get(
            "crisis_consent_withdraw"
        ):
            raise UserError(
                _(
                    "A recorded consent cannot be changed: it is evidence. "
                    "Withdraw it and record a new consent instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _(
                "Consents are never deleted: withdraw the consent instead, so the history is kept."
            )
        )

    def action_withdraw(self):
        """Withdraw these consents. A withdrawal covers every consent-based
        record of the same partner, purpose and channel, so that a duplicate
        never keeps a withdrawn consent alive."""
        given = self.filtered(lambda c: c.state == "given")
        siblings = self.search(
            [
                ("partner_id", "in", given.partner_id.ids),
                ("purpose_id", "in", given.purpose_id.ids),
                ("state", "=", "given"),
                ("legal_basis", "=", "consent"),
            ]
        ).filtered(
            lambda c: any(
                c.partner_id == g.partner_id
                and c.purpose_id == g.purpose_id
                and c.channel == g.channel
                for g in given
            )
        )
        (given | siblings).with_context(crisis_consent_withdraw=True).write(
            {"state": "withdrawn", "date_withdrawn": fields.Datetime.now()}
        )
        return True
