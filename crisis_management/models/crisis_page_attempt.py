# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Throttle of public form submissions (per e-mail address, per client)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools.misc import hmac

THROTTLE_SCOPE = "crisis_management.page_throttle"
# Attempts allowed per window, overridable with the system parameters
# crisis_management.page_throttle_<kind> and ..._window (seconds).
DEFAULT_LIMITS = {"email": 3, "ip": 10}
DEFAULT_WINDOW = 3600


class CrisisPageAttempt(models.Model):
    """One submission of a public form, remembered for the length of the
    throttle window. Only keyed hashes are stored, never the address or the
    IP itself."""

    _name = "crisis.page.attempt"
    _description = "Public Page Attempt"
    _order = "date desc, id desc"
    _log_access = False

    action = fields.Char(required=True, index=True)
    key = fields.Char(required=True, index=True, help="Keyed hash of the address.")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _throttle(self, action, keys):
        """Record one attempt for each of ``keys`` and tell whether all of
        them are still within their limit.

        :param str action: what is being attempted, e.g. ``"subscribe"``
        :param dict keys: ``{"email": address, "ip": client address}``
        :return: True if allowed, False if any limit is exceeded
        """
        params = self.env["ir.config_parameter"].sudo()
        window = int(
            params.get_param("crisis_management.page_throttle_window", DEFAULT_WINDOW)
        )
        since = fields.Datetime.now() - timedelta(seconds=window)
        allowed = True
        vals_list = []
        for kind, value in keys.items():
            if not value:
                continue
            limit = int(
                params.get_param(
                    f"crisis_management.page_throttle_{kind}", DEFAULT_LIMITS[kind]
                )
            )
            key = hmac(self.sudo().env, THROTTLE_SCOPE, f"{action}:{kind}:{value}")
            done = self.sudo().search_count(
                [("action", "=", action), ("key", "=", key), ("date", ">=", since)]
            )
            if done >= limit:
                allowed = False
            vals_list.append({"action": action, "key": key})
        self.sudo().create(vals_list)
        return allowed

    @api.autovacuum
    def _gc_attempts(self):
        """Forget attempts older than a day (the window is much shorter)."""
        self.sudo().search(
            [("date", "<", fields.Datetime.now() - timedelta(days=1))]
        ).unlink()
