# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models

READINESS_CHANNELS = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("unreachable", "Unreachable"),
]


class CrisisReadiness(models.TransientModel):
    """One figure of the readiness screen: how many contacts of a stakeholder
    type may be reached on a channel for a purpose today, or on none."""

    _name = "crisis.readiness"
    _description = "Stakeholder Readiness"
    _order = "purpose_id, type_sequence, type_id, channel_sequence"

    purpose_id = fields.Many2one(
        "crisis.consent.purpose", required=True, readonly=True, ondelete="cascade"
    )
    type_id = fields.Many2one(
        "crisis.stakeholder.type",
        string="Stakeholder Type",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    type_sequence = fields.Integer(readonly=True)
    channel = fields.Selection(READINESS_CHANNELS, required=True, readonly=True)
    channel_sequence = fields.Integer(readonly=True)
    contact_count = fields.Integer(string="Contacts", readonly=True, aggregator="sum")
    total = fields.Integer(
        string="Contacts of the Type", readonly=True, aggregator="max"
    )
    share = fields.Float(
        string="Share (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )

    @api.model
    def _open_for_types(self, types):
        """Count the readiness of ``types`` (all active types when empty)
        for every active purpose and open the screen."""
        types = types or self.env["crisis.stakeholder.type"].search(
            [("active", "=", True)]
        )
        self.search([("create_uid", "=", self.env.uid)]).unlink()
        Type = self.env["crisis.stakeholder.type"]
        order = {code: index for index, (code, _label) in enumerate(READINESS_CHANNELS)}
        vals_list = []
        for purpose in self.env["crisis.consent.purpose"].search(
            [("active", "=", True)]
        ):
            figures = Type.get_readiness(purpose.code, types.ids)
            for stakeholder_type, figure in zip(types, figures, strict=True):
                for channel, _label in READINESS_CHANNELS:
                    total = figure["total"]
                    vals_list.append(
                        {
                            "purpose_id": purpose.id,
                            "type_id": stakeholder_type.id,
                            "type_sequence": stakeholder_type.sequence,
                            "channel": channel,
                            "channel_sequence": order[channel],
                            "contact_count": figure[channel],
                            "total": total,
                            "share": 100.0 * figure[channel] / total if total else 0.0,
                        }
                    )
        self.create(vals_list)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crisis_management.crisis_readiness_action"
        )
        default_purpose = self.env.ref(
            "crisis_management.consent_purpose_crisis_info", raise_if_not_found=False
        )
        action["domain"] = [("create_uid", "=", self.env.uid)]
        action["context"] = {
            "search_default_purpose_id": default_purpose.id
            if default_purpose
            else False,
        }
        return action

    def action_open_contacts(self):
        """The contacts behind this figure (e.g. the unreachable ones)."""
        self.ensure_one()
        self.env["crisis.stakeholder.type"]._check_readiness_access()
        partner_ids = self.type_id._readiness_partner_ids(self.purpose_id, self.channel)
        channel = dict(self._fields["channel"]._description_selection(self.env))[
            self.channel
        ]
        return {
            "type": "ir.actions.act_window",
            "name": _(
                "%(type)s: %(channel)s (%(purpose)s)",
                type=self.type_id.name,
                channel=channel,
                purpose=self.purpose_id.name,
            ),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", partner_ids)],
            "context": {"create": False},
        }
