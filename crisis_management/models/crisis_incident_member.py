# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools.translate import _lt

ROLES = [
    ("lead", "Crisis Lead"),
    ("deputy", "Deputy Lead"),
    ("spokesperson", "Spokesperson"),
    ("communications", "Communications"),
    ("legal", "Legal"),
    ("operations", "Operations"),
    ("hr", "Human Resources"),
    ("it", "IT"),
    ("hotline", "Hotline"),
    ("member", "Member"),
]


class CrisisIncidentMember(models.Model):
    _name = "crisis.incident.member"
    _description = "Crisis Team Member"
    _order = "incident_id, sequence, id"
    _check_company_auto = True

    incident_id = fields.Many2one(
        "crisis.incident", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one(
        "res.users", required=True, index=True, check_company=True
    )
    role = fields.Selection(ROLES, required=True, default="member")
    sequence = fields.Integer(default=10)
    phone = fields.Char(related="user_id.partner_id.phone")
    company_id = fields.Many2one(related="incident_id.company_id", store=True)

    _sql_constraints = [
        (
            "user_role_unique",
            "unique(incident_id, user_id, role)",
            "This person already has this role in the crisis team.",
        ),
    ]

    # ------------------------------------------------------------------
    # CRUD: membership decides who sees a confidential incident, so it is
    # checked before the row exists (a create rule is checked only after
    # the insert, when the new row would already satisfy it) and logged.
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        incidents = self.env["crisis.incident"].browse(
            [vals.get("incident_id") for vals in vals_list if vals.get("incident_id")]
        )
        incidents._check_team_change()
        members = super().create(vals_list)
        members._log_team_change(added=True)
        members.incident_id._war_room_sync_members()
        return members

    def write(self, vals):
        self.incident_id._check_team_change()
        if vals.get("incident_id"):
            self.env["crisis.incident"].browse(vals["incident_id"])._check_team_change()
        changed = {"incident_id", "user_id", "role"} & set(vals)
        before = self.incident_id
        if changed:
            self._log_team_change(added=False)
        res = super().write(vals)
        if changed:
            self._log_team_change(added=True)
            (before | self.incident_id)._war_room_sync_members()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_check_team(self):
        self.incident_id._check_team_change()
        self._log_team_change(added=False)

    def unlink(self):
        incidents = self.incident_id
        res = super().unlink()
        # Whoever left the team leaves the war room.
        incidents.exists()._war_room_sync_members()
        return res

    def _log_team_change(self, added):
        """One crisis log entry per confidential incident naming who and in
        which role: on those, membership is access to everything."""
        for incident in self.incident_id.filtered("is_confidential"):
            members = self.filtered(lambda m, i=incident: m.incident_id == i)
            # "Name (role)", the role put into words for each reader.
            names = [
                [
                    m.user_id.sudo().name,
                    {"field": "crisis.incident.member.role", "value": m.role},
                ]
                for m in members
            ]
            incident._log(
                "decision",
                _lt("Added to the crisis team: %(members)s.")
                if added
                else _lt("Removed from the crisis team: %(members)s."),
                {"members": names},
            )
