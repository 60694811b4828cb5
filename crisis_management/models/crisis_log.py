# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.translate import LazyGettext, get_translation

from ..tools import format_public_datetime

_logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
# Version of the hash of new entries, stored as a prefix of the hash ("$2$…",
# like Odoo's own account hash): a later version may hash more fields, and
# entries written under an earlier one keep verifying under their own rules.
# Version 1 is the first scheme, stored without a prefix. Version 3 hashes an
# entry's text code and values too (``body_code``, ``body_values``: entries
# the application writes, put into words in each reader's language); entries
# without a code keep version 2.
HASH_VERSION = 2
CODED_HASH_VERSION = 3
KINDS = [
    ("fact", "Fact"),
    ("decision", "Decision"),
    ("communication", "Communication"),
    ("task", "Task"),
    ("inquiry", "Inquiry"),
    ("state", "State Change"),
    ("note", "Note"),
]
# Compact JSON, non-ASCII kept as is (one encoder for all entries: json.dumps()
# with options builds a new encoder at every call). _verify_chain() spells the
# same serialisation in SQL.
_encode_canonical = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# Kinds a person may add by hand; the others are written by the application.
MANUAL_KINDS = ("fact", "decision", "note")
# Where the clock of the crisis log is kept while demo data plays a past
# exercise (CrisisLog._demo_set_clock()): the cursor's own cache, which only
# code running on the server in this transaction can reach (no context key,
# no field, nothing an RPC caller sets).
_DEMO_CLOCK = "crisis_management.log_clock"


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
        "res.users",
        readonly=True,
        ondelete="restrict",
        default=lambda self: self.env.user,
    )
    kind = fields.Selection(KINDS, required=True, default="note", readonly=True)
    body = fields.Text(required=True, readonly=True)
    # Entries the application writes keep the English source of their text
    # and its values, so that each reader reads them in their own language
    # (``body_display``); ``body`` holds the English wording. The hash covers
    # code and values as well (version 3).
    body_code = fields.Text(string="Text Code", readonly=True)
    body_values = fields.Text(string="Text Values", readonly=True)
    body_display = fields.Text(string="Entry", compute="_compute_body_display")
    sequence = fields.Integer(readonly=True, copy=False)
    previous_hash = fields.Char(readonly=True, copy=False)
    hash = fields.Char(readonly=True, copy=False)
    # Not part of the hashed entry: whether the incident is an exercise is
    # fixed at its creation and written in its first log entry.
    incident_is_exercise = fields.Boolean(
        related="incident_id.is_exercise", string="Exercise"
    )

    _sql_constraints = [
        (
            "incident_sequence_unique",
            "unique(incident_id, sequence)",
            "Two crisis log entries cannot share a position in the chain.",
        ),
    ]

    @api.model
    def _canonical(
        self, incident_id, sequence, date, author_id, kind, body, code=None, values=None
    ):
        """Canonical serialisation of an entry: the input of its hash.

        ``date`` is a datetime or already in ``YYYY-MM-DD HH:MM:SS`` form.
        ``code`` and ``values`` (the stored JSON text) are part of it for
        entries that have a code (hash version 3).
        """
        if not isinstance(date, str):
            date = fields.Datetime.to_string(date)
        entry = [incident_id, sequence, date, author_id or None, kind, body or ""]
        if code:
            entry += [code, values or ""]
        return _encode_canonical(entry)

    @api.model
    def _coded_vals(self, code, values):
        """``body``, ``body_code`` and ``body_values`` of an entry whose text
        is ``code`` (an ``_lt(...)`` of this module, or its English source)
        with ``values``: plain text and numbers, lists of them (joined with
        commas), ``{"field": "model.field", "value": key}`` for a selection
        label, ``[text, {"field": ...}]`` for "text (label)",
        ``{"model": "crisis.task"}`` for the name of a model,
        ``{"time": "2026-11-30 09:30:00", "tz": "Europe/Berlin"}`` for a moment
        in local time, an
        ``_lt("nobody")`` of this module, stored as ``{"term": "nobody"}``,
        or a tuple ``(_lt("…%(x)s…"), {"x": …})`` for a text with values of
        its own, stored as ``{"code": "…", "values": {…}}``."""
        source = code._source if isinstance(code, LazyGettext) else code

        def plain(value):
            if isinstance(value, LazyGettext):
                return {"term": value._source}
            if (
                isinstance(value, tuple)
                and len(value) == 2
                and isinstance(value[0], LazyGettext)
            ):
                return {"code": value[0]._source, "values": plain(value[1] or {})}
            if isinstance(value, dict):
                return {key: plain(item) for key, item in value.items()}
            if isinstance(value, list | tuple):
                return [plain(item) for item in value]
            return value

        values_json = json.dumps(
            plain(values or {}),
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        return {
            "body": self._render_code(source, values_json, "en_US"),
            "body_code": source,
            "body_values": values_json,
        }

    @api.model
    def _render_value(self, value, lang):
        if isinstance(value, dict) and "code" in value:
            # A text of this module with values of its own.
            rendered = {
                key: self._render_value(item, lang)
                for key, item in (value.get("values") or {}).items()
            }
            return get_translation(
                "crisis_management", lang or "en_US", value["code"], rendered
            )
        if isinstance(value, dict) and "time" in value:
            # A moment, e.g. {"time": "2026-11-30 09:30:00", "tz":
            # "Europe/Berlin"}: local time with the zone, in the reader's
            # language ("30.11.2026, 10:30 Uhr MEZ").
            return format_public_datetime(
                fields.Datetime.to_datetime(value["time"]),
                value.get("tz"),
                lang or "en_US",
                short=True,
            )
        if isinstance(value, dict) and "term" in value:
            # A word of this module's catalogue, e.g. {"term": "nobody"}.
            return get_translation("crisis_management", lang, value["term"], ())
        if isinstance(value, dict) and "model" in value:
            # The name of a model, e.g. {"model": "crisis.task"}: "Krisenaufgabe".
            model = (
                self.env["ir.model"].sudo().with_context(lang=lang)._get(value["model"])
            )
            return model.name or value["model"]
        if isinstance(value, dict) and "field" in value:
            model_name, fname = value["field"].rsplit(".", 1)
            field = self.env[model_name]._fields[fname]
            labels = dict(
                field._description_selection(self.with_context(lang=lang).env)
            )
            return labels.get(value.get("value"), value.get("value") or "")
        if isinstance(value, list):
            if (
                len(value) == 2
                and not isinstance(value[0], dict)
                and isinstance(value[1], dict)
                and "field" in value[1]
            ):
                return f"{value[0]} ({self._render_value(value[1], lang)})"
            return ", ".join(self._render_value(item, lang) for item in value)
        return "" if value is None else str(value)

    @api.model
    def _render_code(self, code, values_json, lang):
        """The text of ``code`` with its values, in ``lang``."""
        values = json.loads(values_json or "{}")
        rendered = {key: self._render_value(v, lang) for key, v in values.items()}
        return get_translation("crisis_management", lang or "en_US", code, rendered)

    @api.model
    def _display_text(self, body, entry_hash, code, values, lang):
        """What a reader of ``lang`` reads of an entry. Only a version 3 hash
        covers the code: a code added to an older entry behind the
        application's back is never shown, nor one that no longer renders."""
        if code and (entry_hash or "").startswith("$3$"):
            try:
                return self._render_code(code, values, lang)
            except (KeyError, TypeError, ValueError):
                _logger.warning("Crisis log text %r does not render", code)
        return body or ""

    @api.depends("body", "body_code", "body_values", "hash")
    @api.depends_context("lang")
    def _compute_body_display(self):
        lang = self.env.lang or "en_US"
        for entry in self:
            entry.body_display = self._display_text(
                entry.body, entry.hash, entry.body_code, entry.body_values, lang
            )

    @api.model
    def _compute_entry_hash(self, previous_hash, canonical, version=HASH_VERSION):
        """Hash of an entry under ``version``: version 1 is the bare hex
        digest; later versions hash their own prefix too (so that stripping
        it breaks the entry) and store it in front of the digest."""
        data = f"{previous_hash}\n{canonical}"
        if version == 1:
            return hashlib.sha256(data.encode()).hexdigest()
        prefix = f"${version}$"
        return prefix + hashlib.sha256(f"{prefix}\n{data}".encode()).hexdigest()

    @api.model_create_multi
    def create(self, vals_list):
        cr = self.env.cr
        heads = {}
        for vals in vals_list:
            incident_id = vals.get("incident_id")
            # (True is an int to Python, not an id)
            if (
                not isinstance(incident_id, int)
                or isinstance(incident_id, bool)
                or not 0 < incident_id < 2**31
                or not self.env["crisis.incident"].browse(incident_id).exists()
            ):
                raise ValidationError(_("A crisis log entry needs an incident."))
            # The hash covers the text exactly as stored: anything but text
            # would be stored differently from what was hashed.
            if not isinstance(vals.get("body"), str) or not vals["body"].strip():
                raise UserError(_("A crisis log entry needs a text."))
            if not self.env.su:
                # Only the application writes coded entries (incident._log).
                vals.pop("body_code", None)
                vals.pop("body_values", None)
            for name in ("body_code", "body_values"):
                if vals.get(name) is not None and not isinstance(vals[name], str):
                    raise UserError(_("A crisis log entry needs a text."))
            if vals.get("kind", "note") not in dict(KINDS):
                raise UserError(_("Unknown kind of crisis log entry."))
            if not self.env.su:
                # Appending to a confidential incident's log needs the right
                # to see it, checked before the chain is locked in sudo.
                self.env["crisis.incident"].browse(incident_id).check_access("read")
                for name in ("sequence", "previous_hash", "hash"):
                    vals.pop(name, None)
                # People write facts, decisions and notes in their own name and
                # at the present time; everything else is written by the
                # application itself (through ``incident._log``).
                if vals.get("kind", "note") not in MANUAL_KINDS:
                    raise AccessError(
                        _(
                            "Only facts, decisions and notes can be added to the "
                            "crisis log by hand. State changes, communications, "
                            "tasks and inquiries are recorded automatically."
                        )
                    )
                vals["author_id"] = self.env.uid
                vals["date"] = fields.Datetime.now()
            if incident_id not in heads:
                # One writer per incident at a time: a concurrent append waits
                # here and, having seen an older head, is retried by Odoo.
                cr.execute(
                    SQL(
                        "SELECT id FROM crisis_incident WHERE id = %s FOR UPDATE",
                        incident_id,
                    )
                )
                cr.execute(
                    SQL(
                        "SELECT sequence, hash FROM crisis_log WHERE incident_id = %s "
                        "ORDER BY sequence DESC LIMIT 1",
                        incident_id,
                    )
                )
                row = cr.fetchone()
                heads[incident_id] = row or (0, GENESIS_HASH)
            last_sequence, last_hash = heads[incident_id]
            date = fields.Datetime.to_datetime(vals.get("date"))
            date = date or self._now()
            # The column keeps microseconds, the canonical form does not.
            date = date.replace(microsecond=0)
            author_id = vals.get("author_id", self.env.user.id)
            kind = vals.get("kind") or "note"
            sequence = last_sequence + 1
            code = vals.get("body_code") or None
            canonical = self._canonical(
                incident_id,
                sequence,
                date,
                author_id,
                kind,
                vals.get("body"),
                code,
                vals.get("body_values"),
            )
            entry_hash = self._compute_entry_hash(
                last_hash, canonical, CODED_HASH_VERSION if code else HASH_VERSION
            )
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
                SQL(
                    "UPDATE crisis_incident SET log_head_hash = %s WHERE id = %s",
                    head,
                    incident_id,
                )
            )
        incidents = self.env["crisis.incident"].browse(list(heads))
        incidents.invalidate_recordset(["log_head_hash"])
        incidents._notify_situation_changed()
        return records

    @api.model
    def _now(self):
        """The time the application writes its entries at: the present, or
        while demo data plays a past exercise, the time of the step being
        played (``_demo_set_clock()``)."""
        return self.env.cr.cache.get(_DEMO_CLOCK) or fields.Datetime.now()

    @api.model
    def _demo_set_clock(self, when):
        """Demo data only: play a past exercise step by step, so that its
        replay shows a timeline rather than every entry in the same second.

        Until it is called again with ``False``, the entries the application
        writes in this transaction (``incident._log()``), and the activation
        and closing dates of incidents, are dated ``when``. Entries a person
        adds by hand keep the present time. The clock only moves forward, and
        each entry is hash-chained as it is written, so ``verify_log()`` holds.
        """
        if not self.env.su:
            raise AccessError(_("Only the system can set the clock of the crisis log."))
        cache = self.env.cr.cache
        if not when:
            cache.pop(_DEMO_CLOCK, None)
            return True
        when = fields.Datetime.to_datetime(when).replace(microsecond=0)
        if cache.get(_DEMO_CLOCK) and when < cache[_DEMO_CLOCK]:
            raise UserError(_("The clock of the crisis log cannot go back."))
        cache[_DEMO_CLOCK] = when
        return True

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
        """Recompute the chain of ``incident`` straight from the database.

        Detects, without trusting anything the ORM cached:

        * an entry changed in place: its hash no longer matches its content,
          ``first_broken_id`` is that entry;
        * an entry removed from the middle: the next entry's position and
          ``previous_hash`` no longer follow on, ``first_broken_id`` is the
          entry after the gap;
        * entries removed from the end: the newest remaining entry is no
          longer the head anchored on the incident; nothing left is wrong,
          so ``first_broken_id`` is ``False`` but ``ok`` is ``False``;
        * an entry inserted: it either does not fit the chain or, when it
          was forged with a correct hash, comes after the anchored head;
          ``first_broken_id`` is the inserted entry.
        """
        cr = self.env.cr
        self.flush_model()
        cr.execute(
            SQL("SELECT log_head_hash FROM crisis_incident WHERE id = %s", incident.id)
        )
        anchor = (cr.fetchone() or [None])[0] or GENESIS_HASH
        # The database recomputes every hash itself: the canonical form below
        # is the SQL spelling of _canonical() (PostgreSQL's to_json() escapes
        # strings exactly like Python's json module with ensure_ascii=False;
        # dates print as YYYY-MM-DD HH:MM:SS in the ISO DateStyle psycopg2
        # requires, and entries are stored to the second, so a date moved by
        # a fraction of a second breaks the hash as well), so 100,000 entries
        # are checked without shipping them to Python.
        # Each entry is checked under the version its hash names: "$2$…"
        # hashes the prefix, the previous hash and the canonical form; a bare
        # digest is version 1; an unknown prefix never verifies.
        # Two statements: each entry's own hash, without a window, so that
        # PostgreSQL may spread it over its parallel workers (sha256,
        # convert_to, encode and to_json are parallel safe); then the
        # linkage over the narrow columns, in the order of the unique index
        # (incident_id, sequence), without a sort. The first broken entry is
        # the earlier one in the chain of the two (NULL positions last).
        cr.execute(
            SQL(
                """
            WITH entry AS (
                SELECT id,
                       sequence,
                       hash,
                       previous_hash || E'\\n[' || incident_id || ',' || sequence
                           || ',' || to_json(date::text)
                           || ',' || coalesce(author_id::text, 'null')
                           || ',' || to_json(kind::text)
                           || ',' || to_json(coalesce(body, '')) || ']' AS data,
                       previous_hash || E'\\n[' || incident_id || ',' || sequence
                           || ',' || to_json(date::text)
                           || ',' || coalesce(author_id::text, 'null')
                           || ',' || to_json(kind::text)
                           || ',' || to_json(coalesce(body, ''))
                           || ',' || to_json(coalesce(body_code, ''))
                           || ',' || to_json(coalesce(body_values, '')) || ']' AS data3,
                       body_code IS NOT NULL OR body_values IS NOT NULL AS coded
                  FROM crisis_log
                 WHERE incident_id = %(incident)s
            )
            SELECT count(*),
                   min(ARRAY[sequence, id]) FILTER (
                       WHERE hash IS DISTINCT FROM CASE
                           WHEN left(hash, 3) = '$3$' THEN '$3$' || encode(sha256(
                               convert_to('$3$' || E'\\n' || data3, 'UTF8')), 'hex')
                           -- A code or values on an older entry: not hashed.
                           WHEN coded THEN NULL
                           WHEN left(hash, 3) = '$2$' THEN '$2$' || encode(sha256(
                               convert_to('$2$' || E'\\n' || data, 'UTF8')), 'hex')
                           WHEN left(hash, 1) <> '$' THEN encode(sha256(
                               convert_to(data, 'UTF8')), 'hex')
                       END
                   )
              FROM entry
            """,
                incident=incident.id,
            )
        )
        count, hash_broken = cr.fetchone()
        # expected_previous = anchor: the entry comes after the anchored head,
        # so it was not appended by the application.
        cr.execute(
            SQL(
                """
            SELECT min(ARRAY[sequence, id]) FILTER (
                       WHERE expected_previous = %(anchor)s
                          OR sequence <> position
                          OR previous_hash IS DISTINCT FROM expected_previous
                   )
              FROM (SELECT id,
                           sequence,
                           previous_hash,
                           row_number() OVER w AS position,
                           coalesce(lag(hash) OVER w, %(genesis)s) AS expected_previous
                      FROM crisis_log
                     WHERE incident_id = %(incident)s
                    WINDOW w AS (ORDER BY sequence)) AS chain
            """,
                genesis=GENESIS_HASH,
                anchor=anchor,
                incident=incident.id,
            )
        )
        (link_broken,) = cr.fetchone()
        broken = min(
            (b for b in (hash_broken, link_broken) if b),
            key=lambda b: (b[0] is None, b[0] or 0, b[1]),
            default=None,
        )
        first_broken = broken[1] if broken else False
        cr.execute(
            SQL(
                "SELECT hash FROM crisis_log WHERE incident_id = %s "
                "ORDER BY sequence DESC, id DESC LIMIT 1",
                incident.id,
            )
        )
        head = (cr.fetchone() or [GENESIS_HASH])[0]
        ok = not first_broken and head == anchor
        return {"ok": ok, "count": count, "first_broken_id": first_broken}
