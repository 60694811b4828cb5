# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import models

# What the wall asks for: ``crisis_management.situation:<incident id>``.
SITUATION_CHANNEL = re.compile(r"crisis_management\.situation:(\d+)")


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        channels = list(channels) + list(self._crisis_situation_channels(channels))
        return super()._build_bus_channel_list(channels)

    def _crisis_situation_channels(self, channels):
        """The incidents whose walls the client asks to listen to, as far as
        its user may read them (confidential ones: their team and admins)."""
        ids = [
            int(match[1])
            for channel in channels
            if isinstance(channel, str)
            and (match := SITUATION_CHANNEL.fullmatch(channel))
        ]
        Incident = self.env["crisis.incident"]
        if not ids or not self.env.uid or self.env.user._is_public():
            return Incident
        return Incident.browse(ids).exists()._filtered_access("read")
