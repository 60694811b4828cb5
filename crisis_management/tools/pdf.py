# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the PDF renderer of this machine can do."""

import functools
import logging
import subprocess

_logger = logging.getLogger(__name__)


@functools.cache
def wkhtmltopdf_patched_qt():
    """Whether wkhtmltopdf was built with its patched Qt (asked once per
    process). Without it (as Debian ships it) wkhtmltopdf ignores the HTML
    header and footer, where Odoo puts page numbers, and renders text
    larger."""
    from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        _logger.info("wkhtmltopdf did not tell its version: %s", error)
        return True
    return "patched qt" in version.lower()
