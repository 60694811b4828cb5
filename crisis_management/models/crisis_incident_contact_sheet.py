# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The emergency contact sheet of an incident: its team, the crisis team on
standby and the key contacts of each stakeholder type, on one printed page."""

from odoo import api, models

# The sheet lists these contacts of each stakeholder type.
KEY_INFLUENCE = ("high", "medium")
MAX_PER_TYPE = 20


class CrisisIncident(models.Model):
    _inherit = "crisis.incident"  # pylint: disable=consider-merging-classes-inherited

    def action_print_contact_sheet(self):
        """Print the emergency contact sheet in the language asked for
        (``lang`` in the context, else the user's)."""
        self.check_access("read")
        action = self.env.ref(
            "crisis_management.action_report_crisis_contact_sheet"
        ).report_action(self)
        lang = self.env.context.get("contact_sheet_lang")
        if lang in ("de_DE", "en_US"):
            action["context"] = dict(action.get("context") or {}, lang=lang)
        return action

    def _contact_sheet_values(self):
        """What the sheet prints for this incident (read in sudo after the
        caller's read access was checked)."""
        self.ensure_one()
        incident = self.sudo()
        roles = dict(
            self.env["crisis.incident.member"]
            ._fields["role"]
            ._description_selection(self.env)
        )
        team = []
        seen = set()
        if incident.lead_id:
            team.append(self._contact_sheet_person(incident.lead_id, roles["lead"]))
            seen.add(incident.lead_id.id)
        for member in incident.member_ids.sorted(lambda m: (m.sequence, m.id)):
            team.append(
                self._contact_sheet_person(member.user_id, roles.get(member.role, ""))
            )
            seen.add(member.user_id.id)
        standby = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    (
                        "groups_id",
                        "in",
                        self.env.ref("crisis_management.group_crisis_manager").id,
                    ),
                    ("share", "=", False),
                    ("company_ids", "in", incident.company_id.id),
                    ("id", "not in", list(seen)),
                ],
                order="name",
            )
        )
        stakeholders = []
        Partner = self.env["res.partner"].sudo()
        for stakeholder_type in (
            self.env["crisis.stakeholder.type"].sudo().search([("active", "=", True)])
        ):
            partners = Partner.search(
                [
                    ("crisis_stakeholder_type_ids", "in", stakeholder_type.ids),
                    ("crisis_influence", "in", KEY_INFLUENCE),
                    ("company_id", "in", (False, incident.company_id.id)),
                ],
                order="crisis_influence, name",
                limit=MAX_PER_TYPE,
            )
            partners = partners.sorted(
                lambda p: (p.crisis_influence != "high", p.name or "")
            )
            if partners:
                stakeholders.append(
                    {
                        "type": stakeholder_type.name,
                        "contacts": [
                            {
                                "name": p.display_name,
                                "influence": p.crisis_influence,
                                "phone": p.phone or "",
                                "mobile": p.mobile or "",
                                "email": p.email or "",
                            }
                            for p in partners
                        ],
                    }
                )
        return {
            "incident": incident,
            "company": incident.company_id,
            "team": team,
            "standby": [self._contact_sheet_person(user, "") for user in standby],
            "stakeholders": stakeholders,
        }

    @api.model
    def _contact_sheet_person(self, user, role):
        partner = user.sudo().partner_id
        return {
            "name": partner.name or "",
            "role": role,
            "phone": partner.phone or "",
            "mobile": partner.mobile or "",
            "email": partner.email or "",
        }
