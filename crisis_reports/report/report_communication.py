# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

import xlsxwriter

from odoo import api, models

CHANNEL_ORDER = {"email": 0, "sms": 1, "letter": 2}


class ReportCommunication(models.AbstractModel):
    """Who was told what, when and how, and who was skipped and why; what
    came back later (bounces, delivery failures)."""

    _name = "report.crisis_reports.report_communication"
    _inherit = "crisis.report.base"
    _description = "Crisis Report: Communication"

    @api.model
    def _broadcasts(self, incident):
        Recipient = self.env["crisis.communication.recipient"]
        comms = self.env["crisis.communication"].search(
            [("incident_id", "=", incident.id), ("state", "!=", "draft")],
            order="date_queued asc, id asc",
        )
        states = Recipient._fields["state"]._description_selection(self.env)
        channels = Recipient._fields["channel"]._description_selection(self.env)
        result = []
        for comm in comms:
            counts = {
                (channel, state): count
                for channel, state, count in Recipient._read_group(
                    [("communication_id", "=", comm.id)],
                    ["channel", "state"],
                    ["__count"],
                )
            }
            used_channels = [c for c in channels if any(k[0] == c[0] for k in counts)]
            used_states = [s for s in states if any(k[1] == s[0] for k in counts)]
            lines = Recipient.search([("communication_id", "=", comm.id)]).sorted(
                lambda r: (
                    CHANNEL_ORDER.get(r.channel, 9),
                    (r.partner_id.name or "").lower(),
                    r.id,
                )
            )
            result.append(
                {
                    "comm": comm,
                    "langs": sorted(set(lines.mapped("lang")) - {False}),
                    "channels": used_channels,
                    "states": used_states,
                    "counts": counts,
                    "totals": {
                        channel: sum(n for (c, _s), n in counts.items() if c == channel)
                        for channel, _label in used_channels
                    },
                    "lines": lines,
                }
            )
        return result

    @api.model
    def _get_report_values(self, docids, data=None):
        return self._incident_report_values(
            docids, data, "broadcasts", self._broadcasts
        )

    @api.model
    def _xlsx(self, incident):
        """Every recipient line of every broadcast of the incident."""
        self._check_report_access(incident)
        _ = self.env._
        helpers = self._report_helpers()
        tz = self._tz_info()
        label = helpers["label"]
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet(_("Communication")[:31])
        bold = book.add_format({"bold": True})
        date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        sheet.write(
            0, 0, _("Communication: %(name)s", name=incident.display_name), bold
        )
        sheet.write(
            1,
            0,
            _(
                "Printed on %(date)s by %(user)s. %(tz)s",
                date=helpers["printed_on"],
                user=helpers["printed_by"],
                tz=helpers["report_tz_label"],
            ),
        )
        header = [
            _("Broadcast"),
            _("Content Version"),
            _("Channel"),
            _("Contact"),
            _("Address"),
            _("Language"),
            _("Status"),
            _("Sent On"),
            _("Reason"),
            _("Failed On"),
            _("Message-Id"),
        ]
        widths = [30, 8, 10, 28, 30, 8, 22, 19, 50, 19, 40]
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        sheet.write_row(3, 0, header, bold)
        row = 4
        for broadcast in self._broadcasts(incident):
            comm = broadcast["comm"]
            for line in broadcast["lines"]:
                sheet.write_string(row, 0, comm.name or "")
                sheet.write_number(row, 1, comm.message_version or 0)
                sheet.write_string(row, 2, label(line, "channel"))
                sheet.write_string(row, 3, line.partner_id.display_name or "")
                sheet.write_string(row, 4, line.address or "")
                sheet.write_string(row, 5, line.lang or "")
                sheet.write_string(row, 6, label(line, "state"))
                if line.date_sent:
                    sheet.write_datetime(
                        row, 7, self._local(line.date_sent, tz), date_format
                    )
                sheet.write_string(row, 8, line.skip_reason or line.error or "")
                if line.date_failed:
                    sheet.write_datetime(
                        row, 9, self._local(line.date_failed, tz), date_format
                    )
                sheet.write_string(row, 10, line.email_message_id or "")
                row += 1
        sheet.autofilter(3, 0, max(row - 1, 3), len(header) - 1)
        book.close()
        return buffer.getvalue()
