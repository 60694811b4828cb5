# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers of the crisis addons that are not models."""

from .language import (
    CRISIS_LANGS,
    installed_crisis_langs,
    lang_short,
    resolve_lang,
    selection_labels,
)
from .dates import ODD_SPACES, format_public_datetime, reader_tz, rfc3339
from .qr import qr_png
from .records import count_by
from .security import (
    check_translations,
    may_commit,
    public_ref,
    public_uuid,
    require_group,
    sanitize_translations,
)
from .http import (
    MAX_ID,
    check_input,
    check_rpc_call,
    check_values,
    public_route,
    render_personal_page,
    text_problem,
    valid_id,
)
from .pdf import wkhtmltopdf_patched_qt
from .mail import mail_sender_verified
from .salutation import salutation
from .actions import notification_action
