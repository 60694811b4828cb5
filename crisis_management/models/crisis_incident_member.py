# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

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

    incident_id = fields.Many2one(
        "crisis.incident", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one("res.users", required=True, index=True)
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
