# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The incident in the CRM: incidents reported by sales staff, and the
hand-back of the affected customers to their salespeople after the crisis
(the hotline sales teams follow crisis mode: crisis_incident_crisis_mode.py)."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import guard_workflow_fields

# Set only by the report and the hand-back (see utils.guard_workflow_fields).
CRM_WORKFLOW_FIELDS = {"reported_by_id", "reported_partner_id", "date_handback"}


class CrisisIncident(models.Model):
    _inherit = "crisis.incident"

    reported_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        help="The crisis user who reported this incident as a draft.",
    )
    reported_partner_id = fields.Many2one(
        "res.partner",
        string="Reported From Contact",
        readonly=True,
        copy=False,
        help="The contact (e.g. a customer) the incident was heard of from.",
    )
    date_handback = fields.Datetime(
        string="Customers Handed Back",
        readonly=True,
        copy=False,
        help="When the affected customers were handed back to their salespeople.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        guard_workflow_fields(self, vals_list, CRM_WORKFLOW_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        guard_workflow_fields(self, vals, CRM_WORKFLOW_FIELDS)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Reported incidents
    # ------------------------------------------------------------------
    def _notify_crisis_team_of_report(self):
        """One activity on this reported draft for each crisis team member
        of its company."""
        self.ensure_one()
        manager = self.env.ref("crisis_management.group_crisis_manager").sudo()
        team = manager.users.filtered(
            lambda u: u.active and not u.share and self.company_id in u.company_ids
        )
        incident = self.sudo()
        for user in team:
            incident_l = incident.with_context(lang=user.lang)
            incident_l.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=incident_l.env._(
                    "Reported incident: check it and activate it if needed"
                ),
                note=incident_l.env._(
                    "%(user)s reported this incident. Only the crisis team can "
                    "activate it.",
                    user=self.env.user.name,
                ),
            )
        return team

    # ------------------------------------------------------------------
    # After the crisis: hand the customers back
    # ------------------------------------------------------------------
    def _crisis_handback_customers(self):
        """Commercial partners addressed by this incident's communications or
        asking about it, who have a salesperson: ``{customer: salesperson}``."""
        self.ensure_one()
        ids = self.env["res.partner"]._crisis_affected_commercial_ids(self)
        customers = self.env["res.partner"].sudo().browse(sorted(ids))
        result = {}
        for customer in customers:
            salesperson = customer.user_id
            if salesperson and salesperson.active and not salesperson.share:
                result[customer] = salesperson
        return result

    def action_crisis_handback(self):
        """Give each affected customer's salesperson a follow-up activity on
        the customer, from the activity plan the admin chose, so that regular
        business is won back."""
        self.check_access("write")
        if not self.env.user.has_group("crisis_management.group_crisis_manager"):
            raise AccessError(_("Only the crisis team can hand customers back."))
        for incident in self:
            if incident.state != "closed":
                raise UserError(
                    _(
                        "Customers are handed back once the incident %(incident)s "
                        "is closed.",
                        incident=incident.display_name,
                    )
                )
            if incident.date_handback:
                raise UserError(
                    _(
                        "The customers of %(incident)s were already handed back.",
                        incident=incident.display_name,
                    )
                )
            plan = incident.company_id.sudo().crisis_handback_plan_id
            if not plan.template_ids:
                raise UserError(
                    _(
                        "Choose a hand-back plan with at least one activity in the "
                        "company settings (Crisis tab) first."
                    )
                )
            customers = incident._crisis_handback_customers()
            for customer, salesperson in customers.items():
                for template in plan.template_ids.sorted("sequence"):
                    customer.with_context(lang=salesperson.lang).activity_schedule(
                        activity_type_id=template.activity_type_id.id,
                        summary=template.summary or template.activity_type_id.name,
                        note=template.note,
                        user_id=salesperson.id,
                        date_deadline=template._get_date_deadline(),
                    )
            incident.sudo().date_handback = fields.Datetime.now()
            incident._log(
                "note",
                _(
                    "%(count)s affected customers handed back to their "
                    "salespeople (plan “%(plan)s”): %(customers)s.",
                    count=len(customers),
                    plan=plan.name,
                    customers=", ".join(c.name for c in customers) or "-",
                ),
            )
        return True
