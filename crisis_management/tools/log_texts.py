# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Crisis log texts written by the bridge addons (crisis_mass_mailing).

A log entry with a text code is read in each reader's language; the code is
looked up in this module's translations, so the bridges' log texts are
declared here, in crisis_management, and imported by the bridge."""

from odoo.tools.translate import _lt

MARKETING_FREEZE_HELD = _lt("Marketing freeze: %(count)s mailing(s) held: %(names)s.")
MARKETING_FREEZE_RELEASE = _lt(
    "%(count)s marketing mailing(s) were held during crisis mode: %(names)s. "
    "Release or cancel each under Crisis › Communication › Held Mailings."
)
