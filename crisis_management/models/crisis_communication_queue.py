# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, formataddr, html2plaintext

from ..tools import resolve_lang
from .crisis_communication import COMMUNICATION_CHANNELS

_logger = logging.getLogger(__name__)


class CrisisCommunication(models.Model):
    """Sending a communication: the queue of its recipient lines, worked off
    in batches by a cron job, and the texts each recipient gets."""

    _inherit = "crisis.communication"  # pylint: disable=consider-merging-classes-inherited

    def action_send(self):
        """Resolve the audience, check consent and addresses and queue one
        recipient line per partner and channel; the cron job sends."""
        self.check_access("write")
        self._check_can_send()
        Partner = self.env["res.partner"]
        Recipient = self.env["crisis.communication.recipient"].sudo()
        for comm in self:
            comm._snapshot_message()
            partner_ids = comm._resolve_audience()
            if not partner_ids:
                raise UserError(
                    _(
                        "Nobody is addressed: choose stakeholder types, tags or contacts."
                    )
                )
            rows = comm._audience_rows(partner_ids)
            # One text language per recipient (their own, else the company's).
            langs = {}
            for row in rows:
                if row[2] not in langs:
                    langs[row[2]] = resolve_lang(
                        self.env, row[2], company=comm.company_id
                    )
            vals_list = []
            for channel in comm._channels():
                refusals = Partner._crisis_contact_refusals(
                    partner_ids, comm.purpose_id.code, channel, comm.kind
                )
                reasons = comm._skip_reasons(channel)
                for pid, name, lang, email, phone, street, zip_code, city in rows:
                    vals = {
                        "communication_id": comm.id,
                        "partner_id": pid,
                        "channel": channel,
                        "lang": langs[lang],
                        "state": "queued",
                    }
                    if channel == "email":
                        address = email and formataddr((name or "", email))
                    elif channel == "sms":
                        address = phone
                    else:
                        address = (
                            street
                            and zip_code
                            and city
                            and f"{street}, {zip_code} {city}"
                        )
                    refusal = refusals.get(pid)
                    if refusal:
                        vals.update(
                            state="skipped_consent", skip_reason=reasons[refusal]
                        )
                    elif not address:
                        vals.update(
                            state="skipped_address", skip_reason=reasons["address"]
                        )
                    vals["address"] = address or False
                    vals_list.append(vals)
            Recipient.create(vals_list)
            comm.sudo().write(
                {
                    "state": "queued",
                    "date_queued": fields.Datetime.now(),
                    "user_id": self.env.uid,
                }
            )
        self.env.ref("crisis_management.ir_cron_crisis_communication_send")._trigger()
        return True

    @api.model
    def _audience_rows(self, partner_ids):
        """``(id, name, lang, email, phone, street, zip, city)`` of each
        partner, read in one query: a broadcast addresses tens of thousands
        of contacts (see bench/bench_broadcast.py), too many to read as
        records."""
        fnames = ["name", "lang", "email_normalized", "phone_sanitized"]
        fnames += ["street", "zip", "city"]
        self.env["res.partner"].flush_model(fnames)
        self.env.cr.execute(
            SQL(
                """SELECT id, name, lang, email_normalized, phone_sanitized,
                          street, zip, city
                     FROM res_partner WHERE id = ANY(%s) ORDER BY id""",
                partner_ids,
            )
        )
        return self.env.cr.fetchall()

    def _skip_reasons(self, channel):
        self.ensure_one()
        channel_label = dict(COMMUNICATION_CHANNELS)[channel]
        blacklisted = (
            _("The e-mail address is on the blacklist.")
            if channel == "email"
            else _("The phone number is on the blacklist.")
        )
        address = {
            "email": _("No valid e-mail address."),
            "sms": _("No valid mobile or phone number."),
            "letter": _("No complete postal address (street, ZIP code, city)."),
        }[channel]
        return {
            "blacklisted": blacklisted,
            "no_basis": _(
                "No consent or other legal basis for “%(purpose)s” by %(channel)s.",
                purpose=self.purpose_id.name,
                channel=channel_label,
            ),
            "address": address,
        }

    @api.model
    def _cron_send(self, batch_size=None):
        """Send the next batch of queued recipient lines of every
        communication being sent.

        Each batch is one transaction: its lines are locked (``FOR UPDATE
        SKIP LOCKED``, so two workers never take the same lines), the
        ``mail.mail`` / ``sms.sms`` / letter PDF are created and the lines are
        marked sent together, then committed. An exception or a killed worker
        loses the whole batch and nothing else: its lines are still queued
        and the next run takes them again. Delivery itself is Odoo's mail and
        SMS queues' job, triggered at once.

        The progress goes to Odoo's cron runner, which calls again at once
        while lines remain and this call sent some (a batch that failed is
        taken again at the next run).
        """
        batch_size = batch_size or int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crisis_management.communication_batch_size", 500)
        )
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        done = 0
        for comm in self.search([("state", "in", ("queued", "sending"))], order="id"):
            lines = comm._send_batch(batch_size)
            done += len(lines)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
                # This worker hands e-mails to SMTP too, next to Odoo's mail
                # queue: those of the earlier batches (the hand-over guard
                # keeps each to one hand-over).
                self.env["mail.mail"]._crisis_send_earlier(comm, lines, batch_size)
        remaining = (
            self.env["crisis.communication.recipient"]
            .sudo()
            .search_count([("state", "=", "queued")])
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True

    def _send_batch(self, batch_size):
        """Send the next batch of this communication's queued lines and close
        the communication when none is left.

        :return: the recipient lines sent (none when the batch failed)
        """
        self.ensure_one()
        # The approved text was frozen when sending started; a later edit of
        # the content does not change it, but a withdrawal stops the rest.
        if self.message_id.state == "withdrawn":
            self._cancel_queued(
                _("The content was withdrawn before this message was sent.")
            )
        elif self.update_id and not self.update_id.is_published:
            self._cancel_queued(
                _(
                    "The update was taken off the public page before this message was sent."
                )
            )
        elif self.state == "queued":
            self.sudo().state = "sending"
        lines = self._lock_queued_lines(batch_size)
        if lines:
            try:
                with self.env.cr.savepoint():
                    lines._send_now()
            except Exception:
                _logger.warning(
                    "Crisis communication %s: a batch of %s recipients failed and "
                    "stays queued for the next run.",
                    self.id,
                    len(lines),
                    exc_info=True,
                )
                self.env.invalidate_all()
                return lines.browse()
        self._finish()
        return lines

    def _lock_queued_lines(self, batch_size):
        self.ensure_one()
        Recipient = self.env["crisis.communication.recipient"].sudo()
        Recipient.flush_model(["state", "communication_id"])
        self.env.cr.execute(
            SQL(
                """SELECT id FROM crisis_communication_recipient
                    WHERE communication_id = %s AND state = 'queued'
                    ORDER BY id LIMIT %s
                      FOR UPDATE SKIP LOCKED""",
                self.id,
                batch_size,
            )
        )
        return Recipient.browse([row[0] for row in self.env.cr.fetchall()])

    def _cancel_queued(self, reason):
        self.ensure_one()
        queued = self.recipient_ids.filtered(lambda r: r.state == "queued")
        queued.sudo().write({"state": "failed", "error": reason})

    def _finish(self):
        """Close the communication once nothing is queued, and record it in
        the crisis log with its counts."""
        self.ensure_one()
        if self.state not in ("queued", "sending"):
            return
        self.invalidate_recordset()
        if self.queued_count:
            return
        state = "failed" if self.failed_count and not self.sent_count else "done"
        self.sudo().write({"state": state, "date_done": fields.Datetime.now()})
        channels = dict(COMMUNICATION_CHANNELS)
        values = {
            "kind": dict(self._fields["kind"]._description_selection(self.env))[
                self.kind
            ],
            "name": self.name,
            "channels": ", ".join(channels[c] for c in self._channels()),
            "sent": self.sent_count,
            "skipped": self.skipped_count,
            "failed": self.failed_count,
            "total": self.recipient_count,
        }
        if self.update_id:
            body = _(
                "%(kind)s “%(name)s” (published update of the public page) by "
                "%(channels)s: %(sent)s sent, %(skipped)s skipped, %(failed)s failed "
                "of %(total)s.",
                **values,
            )
        else:
            body = _(
                "%(kind)s “%(name)s” (content version %(version)s) by %(channels)s: "
                "%(sent)s sent, %(skipped)s skipped, %(failed)s failed of %(total)s.",
                version=self.message_version,
                **values,
            )
        self.incident_id._log("communication", body)

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------
    def _page_url(self):
        self.ensure_one()
        incident = self.incident_id.sudo()
        return incident.page_url if incident.page_published else False

    def _page_subscriptions(self, partners):
        """``{partner id: subscription}`` of those ``partners`` who subscribed
        to this incident's public page, if this communication is crisis
        information.

        Their e-mails carry the page's signed one-click unsubscribe link,
        which withdraws the ``crisis_info`` e-mail consent they gave there.
        Other recipients get no such link: the page did not give their legal
        basis (contract, legitimate interest, a consent recorded elsewhere),
        so the page cannot take it back either, and other purposes are not
        what they subscribed to.
        """
        self.ensure_one()
        if self.purpose_id.code != "crisis_info" or not partners:
            return {}
        subscriptions = (
            self.env["crisis.page.subscription"]
            .sudo()
            .search(
                [
                    ("incident_id", "=", self.incident_id.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "=", "confirmed"),
                ]
            )
        )
        return {
            subscription.partner_id.id: subscription for subscription in subscriptions
        }

    def _public_date(self):
        """When the sent text was current: the time of the published update,
        else when sending started."""
        self.ensure_one()
        return self.update_id.date or self.date_queued or fields.Datetime.now()

    def _public_date_text(self, lang, short=False):
        """The line "As of …" in ``lang``, in the company's time zone."""
        self.ensure_one()
        comm = self.with_context(lang=lang)
        return comm.env._(
            "As of %(time)s",
            time=self.incident_id.sudo()._page_format_date(
                self._public_date(), lang, short=short
            ),
        )

    def _render_email_body(self, lang, recipient=None, subscription=None):
        """The e-mail body in ``lang``; a safety check adds the recipient's
        personal answer link, a page subscription its unsubscribe link."""
        self.ensure_one()
        comm = self.with_context(lang=lang)
        safety = comm.kind == "safety_check" and recipient
        values = {
            "body": comm.body or "",
            "as_of": comm._public_date_text(lang),
            "safety_url": safety and recipient._safety_url(),
            "page_url": comm._page_url(),
            "unsubscribe_url": subscription and subscription._unsubscribe_url(),
        }
        return comm.env["ir.qweb"]._render(
            "crisis_management.crisis_communication_email_body", values
        )

    def _render_sms_body(self, lang, recipient=None):
        self.ensure_one()
        comm = self.with_context(lang=lang)
        text = (comm.sms_text or html2plaintext(comm.body or "")).strip()
        text += "\n" + comm._public_date_text(lang, short=True)
        if comm.kind == "safety_check" and recipient:
            text += "\n" + comm.env._(
                "Please answer: %(url)s", url=recipient._safety_url()
            )
        else:
            page_url = comm._page_url()
            if page_url:
                text += "\n" + comm.env._("More: %(url)s", url=page_url)
        return text
