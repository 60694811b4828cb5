# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _lt, api, fields, models

from ..tools import public_ref
from ..tools.fields import incident_fields
from .crisis_bilingual_mixin import bilingual_fields

STATUSES = [
    ("operational", "Operational"),
    ("degraded", "Degraded Performance"),
    ("partial_outage", "Partial Outage"),
    ("major_outage", "Major Outage"),
]


class CrisisIncidentComponent(models.Model):
    """The status of one component in one incident, with the expected
    resolution (ETA): shown on the public page, changed by the crisis team
    or by a published update; every change of status or ETA is kept
    (``change_ids``) and shown on the page's history."""

    _name = "crisis.incident.component"
    # crisis.workflow.mixin: no workflow fields (the history and the date
    # of the status are set here, whatever is sent), but its rule for moves:
    # to another incident only for someone who may write to both, logged in
    # both.
    _inherit = ["crisis.bilingual.mixin", "crisis.workflow.mixin"]
    _description = "Component Status in an Incident"
    _order = "sequence, id"
    _check_company_auto = True
    _bilingual_fields = ("note",)

    incident_id, company_id = incident_fields()
    component_id = fields.Many2one(
        "crisis.component",
        required=True,
        ondelete="restrict",
        check_company=True,
    )
    sequence = fields.Integer(related="component_id.sequence", store=True)
    status = fields.Selection(STATUSES, required=True, default="major_outage")
    eta = fields.Datetime(
        string="Expected Resolution",
        help="When the component is expected to work again; shown on the public "
        "page in the reader's language and time zone.",
    )
    note = fields.Char(
        string="Public Note",
        translate=True,
        help="A short public note, in German and English.",
    )
    note_de, note_en = bilingual_fields(fields.Char, "Note")
    is_affected = fields.Boolean(
        string="Affected", compute="_compute_is_affected", store=True
    )
    date_status = fields.Datetime(
        string="Status Since", readonly=True, default=fields.Datetime.now
    )
    change_ids = fields.One2many(
        "crisis.incident.component.change",
        "incident_component_id",
        string="History",
        readonly=True,
    )

    _sql_constraints = [
        (
            "incident_component_unique",
            "unique(incident_id, component_id)",
            "A component is listed only once per incident.",
        ),
    ]

    @api.depends_context("lang")
    @api.depends("note")
    def _compute_bilingual(self):
        return super()._compute_bilingual()

    @api.depends("status")
    def _compute_is_affected(self):
        for line in self:
            line.is_affected = line.status != "operational"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.pop("change_ids", None)
            vals["date_status"] = fields.Datetime.now()
        # crisis.bilingual.mixin prepares the German and English notes.
        lines = super().create(vals_list)
        lines._record_changes()
        return lines

    def write(self, vals):
        vals = dict(vals)
        vals.pop("change_ids", None)
        vals.pop("date_status", None)
        watched = {"status", "eta"} & set(vals)
        before = {line.id: (line.status, line.eta) for line in self}
        if "status" in vals:
            vals["date_status"] = fields.Datetime.now()
        res = super().write(vals)
        if watched:
            self.filtered(
                lambda line: before[line.id] != (line.status, line.eta)
            )._record_changes()
        return res

    def _record_changes(self, update=None):
        """Keep the current status and ETA in the history, log it and mark
        the page as changed."""
        Change = self.env["crisis.incident.component.change"].sudo()
        for line in self:
            Change.create(
                {
                    "incident_component_id": line.id,
                    "status": line.status,
                    "eta": line.eta,
                    "update_id": update.id if update else False,
                }
            )
            line.incident_id._log(
                "fact",
                _lt(
                    "Component %(component)s: %(status)s (expected resolution: "
                    "%(eta)s)."
                ),
                {
                    "component": line.component_id.name,
                    "status": {
                        "field": "crisis.incident.component.status",
                        "value": line.status,
                    },
                    "eta": fields.Datetime.to_string(line.eta) if line.eta else "-",
                },
            )
        self.incident_id.sudo()._touch_page()

    def _page_entry(self, lang):
        """This component as the public page shows it to a reader in ``lang``."""
        self.ensure_one()
        incident = self.incident_id
        labels = dict(self._fields["status"]._description_selection(self.env))
        return {
            "id": public_ref(self.component_id),
            "value": self.component_id.id,
            "name": self.component_id.name,
            "status": self.status,
            "status_label": labels.get(self.status),
            "eta": incident._page_format_date(self.eta, lang) if self.eta else "",
            "note": self.note,
            "history": [
                {
                    "date": incident._page_format_date(change.date, lang),
                    "status_label": labels.get(change.status),
                    "eta": incident._page_format_date(change.eta, lang)
                    if change.eta
                    else "",
                }
                for change in self.change_ids.sorted("date", reverse=True)
            ],
        }
