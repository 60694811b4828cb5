# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextvars import ContextVar

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import hash_sign, verify_hash_signed

from ..tools.fields import workflow_state

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
# Bases a person can take back: consent (withdrawal, Art. 7(3) GDPR) and
# legitimate interest (objection, Art. 21 GDPR). The others (contract, legal
# obligation, vital interest) do not rest on the person's will.
WITHDRAWABLE_BASES = ("consent", "legitimate_interest")
WITHDRAW_SCOPE = "crisis_management.consent_withdraw"
ONE_CLICK_SOURCE = "one-click unsubscribe"
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
    "withdrawal_source",
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
    _workflow_fields = frozenset({"state", "date_withdrawn", "withdrawal_source"})
    _workflow_incident_field = False
    _workflow_copy = "refuse"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, tracking=True
    )
    purpose_id = fields.Many2one(
        "crisis.consent.purpose", required=True, ondelete="restrict", index=True
    )
    channel = fields.Selection(CHANNELS, required=True, default="email")
    state = workflow_state(
        [("given", "Given"), ("withdrawn", "Consent Withdrawn")], "given", tracking=True
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
    withdrawal_source = fields.Char(
        readonly=True,
        copy=False,
        tracking=True,
        help="How the withdrawal reached us, e.g. one-click unsubscribe.",
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

    def _write_withdrawal(self, source=False):
        """The one change of a recorded consent, past write()'s refusal."""
        token = _WITHDRAWING.set(True)
        try:
            return self.write(
                {
                    "state": "withdrawn",
                    "date_withdrawn": fields.Datetime.now(),
                    "withdrawal_source": source or False,
                }
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

    def action_withdraw(self, source=False):
        """Withdraw these consents. A withdrawal covers every consent-based
        record of the same partner, purpose and channel, so that a duplicate
        never keeps a withdrawn consent alive. ``source`` says how the
        withdrawal reached us (kept on the records)."""
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
        (given | siblings).sudo()._write_withdrawal(source)
        return True

    # ------------------------------------------------------------------
    # Personal withdrawal link of crisis e-mails (RFC 8058 one-click)
    # ------------------------------------------------------------------
    @api.model
    def _withdraw_url(self, partner, purpose, channel):
        """The signed link that withdraws ``partner``'s consent (or records
        the objection) for ``purpose`` on ``channel``. It does not expire,
        as a mail's List-Unsubscribe link does not: withdrawing is always
        the person's right, so the link of an older mail also withdraws a
        consent given again since; it can never give one."""
        payload = hash_sign(
            self.sudo().env,
            WITHDRAW_SCOPE,
            {"p": partner.id, "u": purpose.id, "c": channel},
        )
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        return f"{base_url}/crisis/consent/withdraw/{payload}"

    @api.model
    def _withdraw_headers(self, url):
        """RFC 2369 / RFC 8058 headers of a mail with a withdrawal link."""
        return {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    @api.model
    def _from_withdraw_payload(self, payload):
        """``(partner, purpose, channel)`` of a valid signed withdrawal link
        (in sudo; the signature is compared in constant time), else None."""
        try:
            values = verify_hash_signed(self.sudo().env, WITHDRAW_SCOPE, payload or "")
        except (ValueError, TypeError, UnicodeDecodeError):
            return None
        if not isinstance(values, dict) or values.get("c") not in dict(CHANNELS):
            return None
        if not all(isinstance(values.get(key), int) for key in ("p", "u")):
            return None
        partner = self.env["res.partner"].sudo().browse(values["p"]).exists()
        purpose = self.env["crisis.consent.purpose"].sudo().browse(values["u"]).exists()
        if not partner or not purpose:
            return None
        return partner, purpose, values["c"]

    @api.model
    def _withdraw_by_link(self, partner, purpose, channel, source=ONE_CLICK_SOURCE):
        """Withdraw every consent (and record the objection to every
        legitimate interest) of ``partner`` for ``purpose`` on ``channel``,
        at once; page subscriptions the withdrawal ends are cancelled too.

        :return: the withdrawn records (sudo)
        """
        consents = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("purpose_id", "=", purpose.id),
                ("channel", "=", channel),
                ("state", "=", "given"),
                ("legal_basis", "in", WITHDRAWABLE_BASES),
            ]
        )
        if not consents:
            return consents
        consents.action_withdraw(source=source)
        channel_label = dict(CHANNELS)[channel]
        how = _("one-click unsubscribe") if source == ONE_CLICK_SOURCE else source
        for consent in consents:
            consent.message_post(
                body=_(
                    "Withdrawn by the person (%(how)s) for “%(purpose)s” by "
                    "%(channel)s.",
                    how=how,
                    purpose=purpose.name,
                    channel=channel_label,
                ),
                subtype_xmlid="mail.mt_note",
            )
        subscriptions = (
            self.env["crisis.page.subscription"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("consent_ids", "in", consents.ids),
                    ("state", "=", "confirmed"),
                ]
            )
        )
        if subscriptions:
            subscriptions.write(
                {"state": "cancelled", "date_cancelled": fields.Datetime.now()}
            )
        return consents
