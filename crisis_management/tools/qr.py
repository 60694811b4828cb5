# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one QR generator for pages, letters and printed notices."""

import io

import qrcode


def qr_png(data, box_size=8):
    """PNG bytes of a QR code (error correction M) encoding ``data``: the one
    QR generator for pages, letters and printed notices."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=box_size,
        border=4,
    )
    code.add_data(data)
    code.make(fit=True)
    stream = io.BytesIO()
    code.make_image().save(stream, format="PNG")
    return stream.getvalue()
