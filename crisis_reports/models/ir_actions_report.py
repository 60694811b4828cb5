# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

from reportlab.pdfbase.pdfmetrics import stringWidth

from odoo import models
from odoo.tools.pdf import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    PdfFileReader,
    PdfFileWriter,
)

from odoo.addons.crisis_management.tools import wkhtmltopdf_patched_qt


def _pdf_string(text):
    data = text.encode("cp1252", "replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def stamp_page_numbers(pdf_content, text_for):
    """Write ``text_for(page, pages)`` at the foot of every page.

    Each page gets one more small content stream (its own drawing wrapped in
    q/Q so that nothing it leaves set moves the stamp); nothing of the page
    is parsed or rewritten, so hundreds of pages take a moment."""
    reader = PdfFileReader(io.BytesIO(pdf_content), strict=False)
    writer = PdfFileWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = writer._add_object(font)
    save = DecodedStreamObject()
    save.set_data(b"q\n")
    save_ref = writer._add_object(save)
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages):
        box = page.mediabox
        width = float(abs(box.width))
        text = text_for(number + 1, pages)
        x = width / 2 - stringWidth(text, "Helvetica", 8) / 2
        stamp = DecodedStreamObject()
        stamp.set_data(
            b"Q q 0.35 g BT /FCrisisPage 8 Tf %.2f 16 Td (%s) Tj ET Q\n"
            % (x, _pdf_string(text))
        )
        contents = page.get("/Contents")
        if contents is None:
            contents = ArrayObject()
        elif not isinstance(contents.get_object(), ArrayObject):
            contents = ArrayObject([contents])
        else:
            contents = ArrayObject(contents.get_object())
        page[NameObject("/Contents")] = ArrayObject(
            [save_ref, *contents, writer._add_object(stamp)]
        )
        resources = page.get("/Resources")
        resources = resources.get_object() if resources else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts else DictionaryObject()
        fonts[NameObject("/FCrisisPage")] = font_ref
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, *args, **kwargs):
        pdf_content = super()._run_wkhtmltopdf(bodies, *args, **kwargs)
        report_ref = kwargs.get("report_ref", args[0] if args else False)
        report = self._get_report(report_ref) if report_ref else self
        if (
            report.report_name
            and report.report_name.startswith("crisis_reports.")
            and not wkhtmltopdf_patched_qt()
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
