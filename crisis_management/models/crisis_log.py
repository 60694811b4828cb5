# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

GENESIS_HASH = "0" * 64
KINDS = [
    ("fact", "Fact"),
    ("decision", "Decision"),
    ("communication", "Communication"),
    ("task", "Task"),
    ("inquiry", "Inquiry"),
    ("state", "State Change"),
    ("note", "Note"),
]


class CrisisLog(models.Model):
    """Append-only, hash-chained record of what happened in an incident.

    Every entry stores the SHA-256 of the previous entry's hash and of a
    canonical serialisation of itself, so that any change, removal or
    insertion made behind the ORM's back breaks the chain.
    """

    _name = "crisis.log"
    _description = "Crisis Log Entry"
    _order = "incident_id, sequence desc"
    _rec_name = "body"

    incident_id = fields.Many2one(
        "crisis.incident", required=True, ondelete="restrict", readonly=True
    )
    company_id = fields.Many2one(related="incident_id.company_id", store=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    author_id = fields.Many2one(
        "res.users", readonly=True, ondelete="restrict",
        default=lambda self: self.env.user,
    )
    kind = fields.Selection(KINDS, required=True, default="note", readonly=True)
    body = fields.Text(required=True, readonly=True)
    sequence = fields.Integer(readonly=True, copy=False)
    previous_hash = fields.Char(readonly=True, copy=False)
    hash = fields.Char(readonly=True, copy=False)

    _sql_constraints = [
        (
            "incident_sequence_unique",
            "unique(incident_id, sequence)",
            "Two crisis log entries cannot share a position in the chain.",
        ),
    ]

    @api.model
    def _canonical(self, incident_id, sequence, date, author_id, kind, body):
        """Canonical serialisation of an entry: the input of its hash."""
        return json.dumps(
            [
                incident_id,
                sequence,
                fields.Datetime.to_string(date),
                author_id or None,
                kind,
                body or "",
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @api.model
    def _compute_entry_hash(self, previous_hash, canonical):
        return hashlib.sha256(
            f"{previous_hash}\n{canonical}".encode()
        ).hexdigest()

    @api.model_create_multi
    def create(self, vals_list):
        cr = self.env.cr
        heads = {}
        for vals in vals_list:
            incident_id = vals.get("incident_id")
            if not incident_id:
                raise UserError(_("A crisis log entry needs an incident."))
            if incident_id not in heads:
                # One writer per incident at a time: a concurrent append waits
                # here and, having seen an older head, is retried by Odoo.
                cr.execute(
                    "SELECT id FROM crisis_incident WHERE id = %s FOR UPDATE",
                    [incident_id],
                )
                cr.execute(
                    "SELECT sequence, hash FROM crisis_log WHERE incident_id = %s "
                    "ORDER BY sequence DESC LIMIT 1",
                    [incident_id],
                )
                row = cr.fetchone()
                heads[incident_id] = row or (0, GENESIS_HASH)
            last_sequence, last_hash = heads[incident_id]
            date = fields.Datetime.to_datetime(vals.get("date")) or fields.Datetime.now()
            author_id = vals.get("author_id", self.env.user.id)
            kind = vals.get("kind") or "note"
            sequence = last_sequence + 1
            canonical = self._canonical(
                incident_id, sequence, date, author_id, kind, vals.get("body")
            )
            entry_hash = self._compute_entry_hash(last_hash, canonical)
            vals.update(
                date=date,
                author_id=author_id,
                kind=kind,
                sequence=sequence,
                previous_hash=last_hash,
                hash=entry_hash,
            )
            heads[incident_id] = (sequence, entry_hash)
        records = super().create(vals_list)
        for incident_id, (_sequence, head) in heads.items():
            cr.execute(
                "UPDATE crisis_incident SET log_head_hash = %s WHERE id = %s",
                [head, incident_id],
            )
        self.env["crisis.incident"].browse(list(heads)).invalidate_recordset(
            ["log_head_hash"]
        )
        return records

    def write(self, vals):
        if self:
            raise UserError(
                _(
                    "The crisis log is append-only: entries cannot be changed. "
                    "Add a new entry that corrects the earlier one."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("The crisis log is append-only: entries cannot be deleted."))

    @api.model
    def _verify_chain(self, incident):
        """Recompute the chain of ``incident`` straight from the database."""
        cr = self.env.cr
        self.flush_model()
        cr.execute(
            "SELECT id, sequence, date, author_id, kind, body, previous_hash, hash "
            "FROM crisis_log WHERE incident_id = %s ORDER BY sequence, id",
            [incident.id],
        )
        expected_previous = GENESIS_HASH
        count = 0
        first_broken = False
        for row in cr.fetchall():
            entry_id, sequence, date, author_id, kind, body, previous_hash, entry_hash = row
            count += 1
            if first_broken:
                continue
            canonical = self._canonical(incident.id, sequence, date, author_id, kind, body)
            if (
                sequence != count
                or previous_hash != expected_previous
                or self._compute_entry_hash(previous_hash, canonical) != entry_hash
            ):
                first_broken = entry_id
            expected_previous = entry_hash
        cr.execute("SELECT log_head_hash FROM crisis_incident WHERE id = %s", [incident.id])
        head = cr.fetchone()[0]
        ok = not first_broken and (head or GENESIS_HASH) == expected_previous
        return {"ok": ok, "count": count, "first_broken_id": first_broken}
