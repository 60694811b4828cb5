# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

# Skipped people named one by one in the send dialog; the rest are counted.
MAX_SKIPPED_SHOWN = 50


class CrisisCommunicationSend(models.TransientModel):
    """The last look before a broadcast leaves: how many it reaches on each
    channel, who is skipped and why, the hold before sending, and whether
    the same text just went to the same people."""

    _name = "crisis.communication.send"
    _description = "Send Crisis Communication"

    communication_id = fields.Many2one(
        "crisis.communication", required=True, readonly=True, ondelete="cascade"
    )
    hold_seconds = fields.Integer(
        related="communication_id.company_id.crisis_send_delay_seconds",
        string="Hold Before Sending (seconds)",
    )
    reach_html = fields.Html(
        compute="_compute_reach", string="Reach", sanitize=False, readonly=True
    )
    reach_count = fields.Integer(
        compute="_compute_reach",
        string="Messages To Send",
        help="Messages that will leave, over all channels.",
    )
    skipped_count = fields.Integer(compute="_compute_reach", string="Skipped")
    repeat_warning = fields.Text(compute="_compute_repeat")
    confirm_repeat = fields.Boolean(
        string="Send Again Anyway",
        help="The same text went to the same people less than an hour ago. "
        "Tick this to send it to them once more.",
    )

    open_calls_warning = fields.Text(compute="_compute_repeat")
    confirm_open_calls = fields.Boolean(
        string="Send Before the Calls",
        help="Personal calls to key customers are still open. Tick this to "
        "send to the customers before their salespeople have called them.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # The dialog shows the communication's title, reach and skipped
        # contacts: only for someone who may send it.
        wizards = super().create(vals_list)
        wizards.communication_id.check_access("write")
        return wizards

    @api.depends("communication_id")
    def _compute_reach(self):
        channel_labels = dict(
            self.env["crisis.communication.recipient"]
            ._fields["channel"]
            ._description_selection(self.env)
        )
        for wizard in self:
            comm = wizard.communication_id
            partner_ids = comm._resolve_audience() if comm else []
            vals_list = comm._recipient_values(partner_ids) if partner_ids else []
            rows = []
            for channel in comm._channels() if comm else []:
                lines = [v for v in vals_list if v["channel"] == channel]
                rows.append(
                    {
                        "channel": channel_labels.get(channel, channel),
                        "addressed": len(lines),
                        "reached": sum(1 for v in lines if v["state"] == "queued"),
                        "no_consent": sum(
                            1 for v in lines if v["state"] == "skipped_consent"
                        ),
                        "no_address": sum(
                            1 for v in lines if v["state"] == "skipped_address"
                        ),
                    }
                )
            skipped = [v for v in vals_list if v["state"] != "queued"]
            names = dict(
                self.env["res.partner"]
                .sudo()
                .browse([v["partner_id"] for v in skipped[:MAX_SKIPPED_SHOWN]])
                .mapped(lambda p: (p.id, p.display_name))
            )
            wizard.reach_count = sum(row["reached"] for row in rows)
            wizard.skipped_count = len(skipped)
            wizard.reach_html = self.env["ir.qweb"]._render(
                "crisis_management.crisis_communication_send_reach",
                {
                    "rows": rows,
                    "audience": len(partner_ids),
                    "skipped": [
                        {
                            "name": names.get(v["partner_id"], ""),
                            "channel": channel_labels.get(v["channel"]),
                            "reason": wizard._skip_reason(comm, v, channel_labels),
                        }
                        for v in skipped[:MAX_SKIPPED_SHOWN]
                    ],
                    "more": max(len(skipped) - MAX_SKIPPED_SHOWN, 0),
                },
            )

    def _skip_reason(self, comm, vals, channel_labels):
        """Why a future recipient line is skipped, in the reader's words."""
        code = vals.get("skip_code")
        if not code:
            return ""
        line = self.env["crisis.communication.recipient"].new(
            {"channel": vals["channel"], "communication_id": comm.id}
        )
        return line._skip_reason_text(code, channel_labels)

    @api.depends("communication_id")
    def _compute_repeat(self):
        for wizard in self:
            comm = wizard.communication_id
            earlier = comm and comm._recent_repeat(comm._resolve_audience())
            wizard.repeat_warning = earlier and comm._repeat_warning(earlier) or False
            calls = comm and comm._customers_before_calls()
            wizard.open_calls_warning = (
                calls
                and self.env._(
                    "%(count)s personal calls to key customers are still open: "
                    "the customers should hear it from their salesperson first.",
                    count=len(comm.incident_id._open_key_calls()),
                )
                or False
            )

    def action_send(self):
        """Send as the dialog shows it: refused for a repeat that is not
        confirmed (see ``crisis.communication.action_send``)."""
        self.ensure_one()
        self.communication_id.action_send(
            confirm_repeat=self.confirm_repeat,
            confirm_open_calls=self.confirm_open_calls,
        )
        return {"type": "ir.actions.act_window_close"}
