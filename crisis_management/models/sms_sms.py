# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    crisis_recipient_id = fields.Many2one(
        "crisis.communication.recipient", index="btree_not_null", ondelete="set null"
    )

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        res = super()._send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            raise_exception=raise_exception,
        )
        failed = self.exists().filtered(
            lambda sms: sms.crisis_recipient_id and sms.state == "error"
        )
        for sms in failed:
            sms.crisis_recipient_id.sudo().write(
                {"state": "failed", "error": sms.failure_type or "error"}
            )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # The last point before Odoo's SMS queue: whatever path created it,
        # an SMS of an exercise goes to the exercise's observers only. The
        # first SMS of each keeps its position (callers pair them up with
        # their notifications), copies for further observers come last.
        redirected, extra = [], []
        lines = self.env["crisis.incident"]._exercise_outgoing_lines(vals_list)
        for vals in vals_list:
            first, *others = self._crisis_exercise_redirect(vals, lines)
            redirected.append(first)
            extra += others
        return super().create(redirected + extra)

    @api.model
    def _crisis_exercise_redirect(self, vals, lines=None):
        """One SMS values dict per observer with a mobile number for an SMS
        of an exercise, marked and naming who would have received it;
        ``[vals]`` unchanged when it belongs to no exercise."""
        Incident = self.env["crisis.incident"].sudo()
        incident = Incident._exercise_from_outgoing(vals, lines)
        if not incident:
            return [vals]
        partner = self.env["res.partner"].sudo().browse(vals.get("partner_id"))
        recipient = (
            self.env["crisis.communication.recipient"]
            .sudo()
            .browse(vals.get("crisis_recipient_id"))
        )
        lang = incident._exercise_lang(partner, recipient)
        who = partner.name or vals.get("number") or ""
        if vals.get("number") and partner:
            who = f"{partner.name} ({vals['number']})"
        note = incident._exercise_recipient_note([who] if who else [], lang)
        body = f"{note} {vals.get('body') or ''}".strip()
        observers = incident._exercise_observer_partners()
        numbers = [
            (observer, observer._phone_format(number=number) or number)
            for observer in observers
            for number in [observer.mobile or observer.phone]
            if number
        ]
        base = {
            key: vals[key]
            for key in ("crisis_recipient_id", "mail_message_id")
            if key in vals
        }
        if not numbers:
            return [
                dict(
                    base,
                    body=body,
                    number=False,
                    partner_id=False,
                    state="error",
                    failure_type="sms_number_missing",
                )
            ]
        return [
            dict(
                base,
                body=body,
                number=number,
                partner_id=observer.id,
                state="outgoing",
            )
            for observer, number in numbers
        ]
