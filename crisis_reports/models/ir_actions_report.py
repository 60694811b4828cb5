# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools
import io
import subprocess

from reportlab.pdfgen import canvas

from odoo import models
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin


@functools.cache
def _wkhtmltopdf_prints_footers():
    """wkhtmltopdf built without its patched Qt (as Debian ships it) ignores
    the HTML footer that carries Odoo's page numbers."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return True
    return "patched qt" in version.lower()


def stamp_page_numbers(pdf_content, text_for):
    """Write ``text_for(page, pages)`` at the foot of every page."""
    reader = PdfFileReader(io.BytesIO(pdf_content), strict=False)
    pages = reader.getNumPages()
    stamps = io.BytesIO()
    sheet = canvas.Canvas(stamps)
    for number in range(pages):
        box = reader.getPage(number).mediaBox
        width, height = float(abs(box.getWidth())), float(abs(box.getHeight()))
        sheet.setPageSize((width, height))
        sheet.setFont("Helvetica", 8)
        sheet.setFillGray(0.35)
        sheet.drawCentredString(width / 2, 16, text_for(number + 1, pages))
        sheet.showPage()
    sheet.save()
    stamp_reader = PdfFileReader(stamps, strict=False)
    writer = PdfFileWriter()
    for number in range(pages):
        page = reader.getPage(number)
        page.mergePage(stamp_reader.getPage(number))
        page.compressContentStreams()
        writer.addPage(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        pdf_content = super()._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        report = self._get_report(report_ref) if report_ref else self
        if (
            report.report_name
            and report.report_name.startswith("crisis_reports.")
            and not _wkhtmltopdf_prints_footers()
        ):
            # Page numbers are part of a court-proof printout: where the
            # footer is lost, stamp them onto the pages instead.
            pdf_content = stamp_page_numbers(
                pdf_content,
                lambda page, pages: self.env._(
                    "Page %(page)s of %(pages)s", page=page, pages=pages
                ),
            )
        return pdf_content
