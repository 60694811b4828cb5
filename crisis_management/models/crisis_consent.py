# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextvars import ContextVar

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

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
# Set by _write_withdrawal() only: a variable of the process, which no RPC
# caller can set (unlike a context key).
_WITHDRAWING = ContextVar("crisis_consent_withdrawing", default=False)
# Once recorded, these say what was agreed and how we know it: a change is a
# new record.
FROZEN_FIELDS = {
    "partner_id",
    "purpose_id",
    "channel",
    "legal_basis",
    "state",
    "date_given",
    "date_withdrawn",
    "source",
    "evidence",
}


class CrisisConsent(models.Model):
    """One statement of a basis to contact a partner for a purpose on a
    channel. Records are history: they are never deleted, a withdrawal only
    sets ``state`` and ``date_withdrawn``, and a new consent after a
    withdrawal is a new record, never a copy (a copy would revive it)."""

    _name = "crisis.consent"
    _description = "Contact Consent"
    _inherit = ["mail.thread", "crisis.workflow.mixin"]
    _order = "date_given desc, id desc"

    # Only action_withdraw changes these (given -> withdrawn, never back);
    # a copy is refused.
    _workflow_fields = frozenset({"state", "date_withdrawn"})
    _workflow_incident_field = False
    _workflow_copy = "refuse"

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
        tracking=True,
        help="Where the consent came from: form, phone call, import...",
    )
    evidence = fields.Text(
        tracking=True, help="Proof of the consent: time, address, wording shown."
    )

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

    @api.model_create_multi
    def create(self, vals_list):
        # A consent is recorded as given (with the date it was given, e.g.
        # from an import); a withdrawal is only ever made by action_withdraw.
        if not self.env.su:
            vals_list = [dict(vals) for vals in vals_list]
            for vals in vals_list:
                if vals.get("state", "given") != "given" or vals.get("date_withdrawn"):
                    raise AccessError(
                        self._workflow_env()._(
                            "A consent is recorded as given. To record that it was "
                            "withdrawn, use “Withdraw Consent” on the recorded consent."
                        )
                    )
                # "given" is what every new consent is: not a workflow change.
                vals.pop("state", None)
                vals.pop("date_withdrawn", None)
        return super().create(vals_list)

    def write(self, vals):
        # Nobody rewrites evidence, not even in sudo: the withdrawal is the
        # only change, written by action_withdraw past this check.
        if FROZEN_FIELDS & set(vals) and not _WITHDRAWING.get():
            raise UserError(
                self._workflow_env()._(
                    "A recorded consent cannot be changed: it is evidence. "
                    "Withdraw it and record a new consent instead."
                )
            )
        return super().write(vals)

    def _write_withdrawal(self):
        """The one change of a recorded consent, past write()'s refusal."""
        token = _WITHDRAWING.set(True)
        try:
            return self.write(
                {"state": "withdrawn", "date_withdrawn": fields.Datetime.now()}
            )
        finally:
            _WITHDRAWING.reset(token)

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
        self.check_access("write")
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
        (given | siblings).sudo()._write_withdrawal()
        return True
