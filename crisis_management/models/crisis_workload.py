# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class CrisisWorkload(models.Model):
    """Open work per person across incidents: the leadership signal.

    Chronically late inquiries and unfinished to-dos show who is drowning in
    a crisis. One row per open item; each source contributes one SELECT.

    Hook for other sources (e.g. hotline inquiries): extend
    :meth:`_workload_queries` and add a ``kind`` with ``selection_add``. Each
    SELECT must return the columns of :meth:`_select_tasks` and an ``id``
    that is unique across sources: ``<source id> * 10 + <digit of the source>``
    (tasks use 1).
    """

    _name = "crisis.workload"
    _description = "Crisis Workload per Person"
    _auto = False
    _order = "date_deadline, id"
    _rec_name = "name"

    kind = fields.Selection([("task", "Task")], readonly=True)
    name = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", string="Person", readonly=True)
    incident_id = fields.Many2one("crisis.incident", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_deadline = fields.Datetime(string="Due", readonly=True)
    is_overdue = fields.Boolean(string="Overdue", readonly=True)
    hours_late = fields.Float(readonly=True, aggregator="max")
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Integer(string="Document", readonly=True)
    item_count = fields.Integer(string="Items", readonly=True, aggregator="sum")

    def _select_tasks(self):
        return """
            SELECT t.id * 10 + 1 AS id,
                   'task' AS kind,
                   t.name AS name,
                   t.user_id AS user_id,
                   t.incident_id AS incident_id,
                   t.company_id AS company_id,
                   t.date_deadline AS date_deadline,
                   COALESCE(t.date_deadline < (now() AT TIME ZONE 'UTC'), FALSE)
                       AS is_overdue,
                   GREATEST(
                       EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - t.date_deadline)
                       / 3600.0, 0
                   ) AS hours_late,
                   'crisis.task' AS res_model,
                   t.id AS res_id,
                   1 AS item_count
              FROM crisis_task t
             WHERE t.state IN ('todo', 'in_progress')
        """

    def _workload_queries(self):
        """SELECTs whose union is the workload; extend to add sources."""
        return [self._select_tasks()]

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(" UNION ALL ".join(self._workload_queries())),
            )
        )

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
