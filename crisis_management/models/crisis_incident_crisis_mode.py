# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Crisis mode: a company is in crisis mode while one of its major or
critical incidents is open, and its hotline sales teams follow it."""

from odoo import _, models
from odoo.exceptions import AccessError

from .crisis_incident import CRISIS_SEVERITIES, OPEN_STATES


class CrisisIncident(models.Model):
    _inherit = "crisis.incident"  # pylint: disable=consider-merging-classes-inherited

    def _update_crisis_mode(self):
        """Put each company of ``self`` into crisis mode while one of its major
        or critical incidents is open, and out of it when the last one closes;
        its hotline sales teams are granted and revoked with it."""
        before = {company: company.crisis_mode for company in self.company_id.sudo()}
        for company in self.company_id:
            crisis = self.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("severity", "in", CRISIS_SEVERITIES),
                    ("state", "in", OPEN_STATES),
                    # An exercise never puts the company into crisis mode.
                    ("is_exercise", "=", False),
                ],
                order="date_activated asc, id asc",
            )
            company = company.sudo()
            current = company.crisis_incident_id
            switching = not crisis and company.crisis_mode
            if (crisis and current not in crisis) or switching:
                company._notify_crisis_mode()
            if crisis and not company.crisis_mode:
                company.write({"crisis_mode": True, "crisis_incident_id": crisis[0].id})
                crisis[0]._log(
                    "state",
                    _("Crisis mode switched on for %(company)s.", company=company.name),
                )
            elif crisis and current not in crisis:
                company.crisis_incident_id = crisis[0]
            elif not crisis and company.crisis_mode:
                company.write({"crisis_mode": False, "crisis_incident_id": False})
                message = _(
                    "Crisis mode switched off for %(company)s.", company=company.name
                )
                for incident in self:
                    if incident.company_id == company:
                        incident._log("state", message)
        for company, was_on in before.items():
            if company.crisis_mode == was_on:
                continue
            self._check_may_switch_crisis_mode()
            if company.crisis_mode:
                company._crisis_hotline_grant(company.crisis_incident_id)
            else:
                incident = self.filtered(lambda i, c=company: i.company_id == c)[:1]
                company._crisis_hotline_revoke(incident)

    def _check_may_switch_crisis_mode(self):
        """Only the crisis team (who may change incidents) switches crisis
        mode, and with it who answers the hotline."""
        if self.env.su:
            return
        self.check_access("write")
        if not self.env.user.has_group("crisis_management.group_crisis_manager"):
            raise AccessError(
                _("Only the crisis team can switch crisis mode on or off.")
            )
