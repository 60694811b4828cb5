# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import SQL


class ReportChronology(models.AbstractModel):
    """Chronology: every crisis log entry, the result of ``verify_log()``
    and the head hash, so that a printed copy anchors the chain outside the
    database."""

    _name = "report.crisis_reports.report_chronology"
    _inherit = "crisis.report.base"
    _description = "Crisis Report: Chronology"

    @api.model
    def _entries(self, incident):
        """Rows ``(id, sequence, date, author name, kind, body, hash)`` in
        chain order, read with the caller's record rules, in one query."""
        Log = self.env["crisis.log"]
        query = Log._search([("incident_id", "=", incident.id)])
        query.order = SQL('"crisis_log"."sequence", "crisis_log"."id"')
        self.env.cr.execute(
            query.select(
                SQL(
                    '"crisis_log"."id", "crisis_log"."sequence", "crisis_log"."date",'
                    ' "crisis_log"."author_id", "crisis_log"."kind",'
                    ' "crisis_log"."body", "crisis_log"."hash",'
                    ' "crisis_log"."body_code", "crisis_log"."body_values"'
                )
            )
        )
        rows = self.env.cr.fetchall()
        author_ids = {row[3] for row in rows if row[3]}
        # Author names are part of the record the reader may see.
        names = {
            user.id: user.name
            for user in self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .browse(author_ids)
        }
        kinds = dict(Log._fields["kind"]._description_selection(self.env))
        lang = self.env.lang or "en_US"
        return [
            (
                row_id,
                sequence,
                date,
                names.get(author_id, ""),
                kinds.get(kind, kind),
                Log._display_text(body, entry_hash, code, values, lang),
                entry_hash or "",
            )
            for (
                row_id,
                sequence,
                date,
                author_id,
                kind,
                body,
                entry_hash,
                code,
                values,
            ) in rows
        ]

    @api.model
    def _verification(self, incident):
        """``verify_log()`` with the sentence that says what it means."""
        result = incident.verify_log()
        _ = self.env._
        broken_sequence = False
        if result["ok"]:
            text = _(
                "The chain of %(count)s entries is intact: every entry matches its "
                "hash and its place in the chain, and the newest entry is the one "
                "anchored on the incident.",
                count=result["count"],
            )
        elif result["first_broken_id"]:
            broken_sequence = (
                self.env["crisis.log"].sudo().browse(result["first_broken_id"]).sequence
            )
            text = _(
                "THE CHAIN IS BROKEN at entry no. %(sequence)s: it does not match "
                "its hash or its place in the chain, so it or an entry next to it "
                "was changed, removed or inserted outside the application. Entries "
                "from no. %(sequence)s on cannot be relied upon.",
                sequence=broken_sequence,
            )
        else:
            text = _(
                "THE CHAIN IS BROKEN: every remaining entry matches its hash, but "
                "the newest entry is not the one anchored on the incident, so "
                "entries at the end were removed."
            )
        return dict(result, text=text, broken_sequence=broken_sequence)

    @api.model
    def _chronology(self, incident):
        return {
            "entries": self._entries(incident),
            "verification": self._verification(incident),
            "head_hash": incident.sudo().log_head_hash or "",
            "verified_on": fields.Datetime.now(),
        }

    @api.model
    def _get_report_values(self, docids, data=None):
        return self._incident_report_values(
            docids, data, "chronology", self._chronology
        )

    # ------------------------------------------------------------------
    # XLSX
    # ------------------------------------------------------------------
    @api.model
    def _xlsx(self, incident):
        """The chronology as a spreadsheet: one row per entry, real dates in
        the report's time zone, for lawyers and insurers who want to filter."""
        self._check_report_access(incident)
        _ = self.env._
        helpers = self._report_helpers()
        tz = self._tz_info()
        data = self._chronology(incident)
        verification = data["verification"]
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
        sheet = book.add_worksheet(_("Chronology")[:31])
        bold = book.add_format({"bold": True})
        alert = book.add_format({"bold": True, "font_color": "#B00020"})
        date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        mono = book.add_format({"font_name": "Courier New", "font_size": 8})
        sheet.set_column(0, 0, 7)
        sheet.set_column(1, 1, 20)
        sheet.set_column(2, 3, 18)
        sheet.set_column(4, 4, 80)
        sheet.set_column(5, 5, 70)
        sheet.write(0, 0, _("Chronology: %(name)s", name=incident.display_name), bold)
        sheet.write(1, 0, verification["text"], bold if verification["ok"] else alert)
        sheet.write(2, 0, _("Entries: %(count)s", count=verification["count"]))
        sheet.write(3, 0, _("Head hash: %(hash)s", hash=data["head_hash"]))
        sheet.write(
            4,
            0,
            _(
                "Printed on %(date)s by %(user)s. %(tz)s",
                date=helpers["printed_on"],
                user=helpers["printed_by"],
                tz=helpers["report_tz_label"],
            ),
        )
        header = [_("No."), _("Time"), _("Author"), _("Kind"), _("Entry"), _("Hash")]
        sheet.write_row(6, 0, header, bold)
        row = 7
        broken = verification["first_broken_id"]
        for row_id, sequence, date, author, kind, body, entry_hash in data["entries"]:
            sheet.write_number(row, 0, sequence)
            sheet.write_datetime(row, 1, self._local(date, tz), date_format)
            sheet.write_string(row, 2, author)
            sheet.write_string(row, 3, kind)
            sheet.write_string(row, 4, body, wrap if "\n" in body else None)
            sheet.write_string(row, 5, entry_hash, alert if row_id == broken else mono)
            row += 1
        sheet.autofilter(6, 0, max(row - 1, 6), len(header) - 1)
        book.close()
        return buffer.getvalue()
