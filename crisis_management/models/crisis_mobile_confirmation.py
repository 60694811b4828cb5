# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq

from ..tools import resolve_lang

CODE_MINUTES = 15
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
MOBILE_RE = re.compile(r"^\+?[0-9][0-9 ()/.-]{4,24}$")


class CrisisMobileConfirmation(models.Model):
    """A mobile number a customer confirmed in the portal with a code sent
    to it by SMS. Only a confirmed number carries an SMS consent given in
    the portal. Written only by the portal controller (no one has write
    access); the crisis team may read the evidence."""

    _name = "crisis.mobile.confirmation"
    _description = "Confirmed Mobile Number"
    _order = "id desc"
    _rec_name = "number"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, readonly=True
    )
    number = fields.Char(required=True, readonly=True)
    code_hash = fields.Char(readonly=True, groups="base.group_system")
    date_expires = fields.Datetime(readonly=True)
    attempts = fields.Integer(readonly=True)
    state = fields.Selection(
        [
            ("pending", "Waiting for the Code"),
            ("confirmed", "Confirmed"),
            ("expired", "Expired"),
        ],
        required=True,
        default="pending",
        readonly=True,
    )
    date_confirmed = fields.Datetime(readonly=True)
    ip_address = fields.Char(string="IP Address", readonly=True)

    @api.model
    def _hash_code(self, code):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            secret.encode(), f"crisis-mobile:{code}".encode(), hashlib.sha256
        ).hexdigest()

    @api.model
    def _start(self, partner, number, ip_address):
        """Send a fresh code to ``number`` for ``partner`` (sudo, called by
        the portal after it identified the logged-in customer)."""
        sanitized = MOBILE_RE.match(number or "") and partner._phone_format(
            number=number, force_format="E164"
        )
        if not sanitized:
            raise UserError(
                _("“%(number)s” is not a valid mobile number.", number=number)
            )
        since = fields.Datetime.now() - timedelta(hours=1)
        recent = self.sudo().search_count(
            [("partner_id", "=", partner.id), ("create_date", ">=", since)]
        )
        if recent >= MAX_CODES_PER_HOUR:
            raise UserError(
                _("Too many codes were requested. Please try again in an hour.")
            )
        pending = self.sudo().search(
            [("partner_id", "=", partner.id), ("state", "=", "pending")]
        )
        pending.write({"state": "expired"})
        code = f"{secrets.randbelow(1000000):06d}"
        record = self.sudo().create(
            {
                "partner_id": partner.id,
                "number": sanitized,
                "code_hash": self._hash_code(code),
                "date_expires": fields.Datetime.now() + timedelta(minutes=CODE_MINUTES),
                "ip_address": ip_address,
            }
        )
        lang = resolve_lang(
            self.env, partner.lang, company=partner.company_id, exact=True
        )
        body = self.with_context(lang=lang).env._(
            "Your confirmation code for crisis information from %(company)s: "
            "%(code)s (valid for %(minutes)s minutes).",
            company=partner.company_id.name or self.env.company.name,
            code=code,
            minutes=CODE_MINUTES,
        )
        company = partner.company_id or self.env.company
        sender = company._crisis_sms_sender_name()
        # Every crisis SMS says first who writes.
        body = f"{sender}: {body}" if sender else body
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create({"number": sanitized, "body": body, "partner_id": partner.id})
        )
        sms.send(raise_exception=False)
        return record

    def _confirm(self, code):
        """Check ``code``; on success the number becomes the partner's
        mobile and is confirmed. :return: bool"""
        self.ensure_one()
        record = self.sudo()
        if record.state != "pending" or record.date_expires < fields.Datetime.now():
            record.state = "expired" if record.state == "pending" else record.state
            return False
        if record.attempts >= MAX_ATTEMPTS:
            record.state = "expired"
            return False
        record.attempts += 1
        if not consteq(record.code_hash or "", self._hash_code((code or "").strip())):
            return False
        record.write({"state": "confirmed", "date_confirmed": fields.Datetime.now()})
        record.partner_id.mobile = record.number
        return True

    @api.model
    def _confirmed_number(self, partner):
        """The partner's current mobile number if the partner confirmed it
        with a code, else False."""
        partner = partner.sudo()
        if not partner.phone_sanitized:
            return False
        confirmed = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("state", "=", "confirmed"),
                ("number", "=", partner.phone_sanitized),
            ],
            limit=1,
        )
        return confirmed.number if confirmed else False
