# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

CHANNELS = [("email", "E-mail"), ("sms", "SMS"), ("letter", "Letter"), ("phone", "Phone")]
LEGAL_BASES = [
    ("consent", "Consent"),
    ("contract", "Contract"),
    ("legal_obligation", "Legal Obligation"),
    ("vital_interest", "Vital Interest"),
    ("legitimate_interest", "Legitimate Interest"),
]


class CrisisConsent(models.Model):
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
        [("given", "Given"), ("withdrawn", "Withdrawn")],
        required=True, default="given", tracking=True, index=True,
    )
    legal_basis = fields.Selection(LEGAL_BASES, required=True, default="consent")
    date_given = fields.Datetime(default=fields.Datetime.now, tracking=True)
    date_withdrawn = fields.Datetime(tracking=True, copy=False)
    source = fields.Char(help="Where the consent came from: form, phone call, import...")
    evidence = fields.Text(help="Proof of the consent: time, address, wording shown.")
