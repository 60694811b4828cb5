# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import random
import threading
import time
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.registry import Registry
from odoo.service.model import (
    MAX_TRIES_ON_CONCURRENCY_FAILURE,
    PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
)
from odoo.tests import Form, tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from odoo.addons.crisis_management.models.crisis_log import GENESIS_HASH

from .common import CrisisCommon


class TestCrisisLogChain(CrisisCommon):
    """The chain detects what was done to the log behind the ORM's back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.incident = cls._create_incident()
        cls.entries = cls.env["crisis.log"]
        for kind, body in [
            ("fact", "Brand in Halle 2 um 06:12 gemeldet"),
            ("decision", "Evakuierung des Werksgeländes angeordnet"),
            ("fact", "Zwei Mitarbeiter werden vermisst"),
            ("note", "Bild-Zeitung hat angerufen"),
            ("decision", "Pressekonferenz um 11:00"),
        ]:
            cls.entries |= cls.incident._log(kind, body)

    def _sql(self, query, params=()):
        self.env.flush_all()
        self.env.cr.execute(query, params)
        self.env.invalidate_all()

    def _insert_raw(self, **values):
        """INSERT a log row directly, as someone with database access would."""
        row = {
            "incident_id": self.incident.id,
            "company_id": self.incident.company_id.id,
            "date": fields.Datetime.now(),
            "author_id": self.user_manager.id,
            "kind": "fact",
            "body": "Alles unter Kontrolle",
            "previous_hash": GENESIS_HASH,
            "hash": "f" * 64,
        }
        row.update(values)
        columns = ", ".join(row)
        placeholders = ", ".join(["%s"] * len(row))
        self.env.flush_all()
        self.env.cr.execute(
            f"INSERT INTO crisis_log ({columns}) VALUES ({placeholders}) RETURNING id",
            list(row.values()),
        )
        new_id = self.env.cr.fetchone()[0]
        self.env.invalidate_all()
        return new_id

    def test_intact_chain(self):
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": True, "count": 5, "first_broken_id": False},
        )
        ordered = self.entries.sorted("sequence")
        self.assertEqual(ordered.mapped("sequence"), [1, 2, 3, 4, 5])
        self.assertEqual(ordered[0].previous_hash, GENESIS_HASH)
        for previous, entry in zip(ordered, ordered[1:], strict=False):
            self.assertEqual(entry.previous_hash, previous.hash)
        self.assertEqual(self.incident.log_head_hash, ordered[-1].hash)
        # The chain goes on after a verification.
        self.incident._log("fact", "Feuer gelöscht")
        self.assertEqual(self.incident.verify_log()["count"], 6)
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_database_and_python_agree_on_every_text(self):
        """The database recomputes the hashes written by Python: both must
        serialise any text the same way."""
        bodies = [
            'Er sagte: "Kein Kommentar" \\ Ende',
            "Zeile 1\nZeile 2\r\n\tEingerückt",
            "Steuerzeichen \x01\x08\x0c\x1f und DEL \x7f",
            "Umlaute äöüß, Emoji 🔥🚒, Zeilentrenner \u2028 und \u2029",
            "Schrägstrich / und <b>HTML</b> & 'Apostroph'",
            "€ 1.000.000 Schaden",
        ]
        for body in bodies:
            self.incident._log("fact", body)
        self.env["crisis.log"].sudo().create(
            {
                "incident_id": self.incident.id,
                "kind": "note",
                "body": "Ohne Autor",
                "author_id": False,
            }
        )
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": True, "count": 12, "first_broken_id": False},
        )

    def test_update_is_detected(self):
        third = self.entries[2]
        self._sql(
            "UPDATE crisis_log SET body = %s WHERE id = %s",
            ["Niemand vermisst", third.id],
        )
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": False, "count": 5, "first_broken_id": third.id},
        )

    def test_update_of_date_or_author_is_detected(self):
        second = self.entries[1]
        self._sql(
            "UPDATE crisis_log SET date = date - interval '2 hours' WHERE id = %s",
            [second.id],
        )
        self.assertEqual(self.incident.verify_log()["first_broken_id"], second.id)

    def test_update_by_a_fraction_of_a_second_is_detected(self):
        second = self.entries[1]
        self._sql(
            "UPDATE crisis_log SET date = date + interval '0.5 seconds' WHERE id = %s",
            [second.id],
        )
        self.assertEqual(self.incident.verify_log()["first_broken_id"], second.id)

    def test_update_with_recomputed_hash_is_detected(self):
        """Whoever rewrites an entry together with its own hash breaks the
        link to the next entry."""
        Log = self.env["crisis.log"]
        third, fourth = self.entries[2], self.entries[3]
        forged = Log._compute_entry_hash(
            third.previous_hash,
            Log._canonical(
                self.incident.id,
                3,
                third.date,
                third.author_id.id,
                "fact",
                "Niemand vermisst",
            ),
        )
        self._sql(
            "UPDATE crisis_log SET body = %s, hash = %s WHERE id = %s",
            ["Niemand vermisst", forged, third.id],
        )
        result = self.incident.verify_log()
        self.assertFalse(result["ok"])
        self.assertEqual(result["first_broken_id"], fourth.id)

    def test_delete_in_the_middle_is_detected(self):
        third, fourth = self.entries[2], self.entries[3]
        self._sql("DELETE FROM crisis_log WHERE id = %s", [third.id])
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": False, "count": 4, "first_broken_id": fourth.id},
        )

    def test_the_earliest_of_two_breaks_is_named(self):
        """A changed entry and a gap further on, then the other way round:
        the first broken entry is the earlier one in the chain, whichever
        check finds it (the entry's own hash or the linkage)."""
        second, fourth = self.entries[1], self.entries[3]
        self._sql(
            "UPDATE crisis_log SET body = %s WHERE id = %s",
            ["Evakuierung abgesagt", second.id],
        )
        self._sql("DELETE FROM crisis_log WHERE id = %s", [fourth.id])
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": False, "count": 4, "first_broken_id": second.id},
        )

    def test_a_gap_before_a_changed_entry_is_named_first(self):
        third, fifth = self.entries[2], self.entries[4]
        self._sql("DELETE FROM crisis_log WHERE id = %s", [self.entries[1].id])
        self._sql(
            "UPDATE crisis_log SET body = %s WHERE id = %s",
            ["Keine Pressekonferenz", fifth.id],
        )
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": False, "count": 4, "first_broken_id": third.id},
        )

    def test_delete_of_the_last_entry_is_detected(self):
        """Every remaining entry is intact, but the chain no longer ends where
        the incident's anchor says: nothing to point at, still not ok."""
        self._sql("DELETE FROM crisis_log WHERE id = %s", [self.entries[4].id])
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": False, "count": 4, "first_broken_id": False},
        )

    def test_delete_of_everything_is_detected(self):
        self._sql("DELETE FROM crisis_log WHERE incident_id = %s", [self.incident.id])
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": False, "count": 0, "first_broken_id": False},
        )

    def test_insert_is_detected(self):
        new_id = self._insert_raw(sequence=6, previous_hash=self.entries[4].hash)
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": False, "count": 6, "first_broken_id": new_id},
        )

    def test_insert_before_the_first_entry_is_detected(self):
        new_id = self._insert_raw(sequence=0)
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": False, "count": 6, "first_broken_id": new_id},
        )

    def test_forged_insert_with_valid_hash_is_detected(self):
        """Someone who knows the algorithm appends a well-formed entry: the
        anchor kept on the incident gives it away."""
        Log = self.env["crisis.log"]
        last = self.entries[4]
        date = fields.Datetime.now()
        digest = Log._compute_entry_hash(
            last.hash,
            Log._canonical(
                self.incident.id,
                6,
                date,
                self.user_manager.id,
                "decision",
                "Keine Pressekonferenz",
            ),
        )
        new_id = self._insert_raw(
            sequence=6,
            date=date,
            kind="decision",
            body="Keine Pressekonferenz",
            previous_hash=last.hash,
            hash=digest,
        )
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": False, "count": 6, "first_broken_id": new_id},
        )

    def test_moving_an_entry_to_another_incident_is_detected(self):
        other = self._create_incident(name="Produktrückruf")
        other._log("fact", "Rückruf gestartet")
        self._sql(
            "UPDATE crisis_log SET incident_id = %s, sequence = 2 WHERE id = %s",
            [other.id, self.entries[4].id],
        )
        self.assertFalse(self.incident.verify_log()["ok"])
        self.assertEqual(other.verify_log()["first_broken_id"], self.entries[4].id)

    def test_entries_refuse_write_and_unlink_for_everyone(self):
        entry = self.entries[1]
        for user in (
            self.user_manager,
            self.user_admin,
            self.env.ref("base.user_root"),
        ):
            with self.assertRaises(UserError):
                entry.with_user(user).write({"body": "Keine Evakuierung"})
            with self.assertRaises(UserError):
                entry.with_user(user).unlink()
        with self.assertRaises(UserError):
            entry.sudo().write({"kind": "note"})
        with self.assertRaises(UserError):
            entry.sudo().unlink()
        self.assertEqual(entry.body, "Evakuierung des Werksgeländes angeordnet")
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_anchor_cannot_be_written(self):
        for user in (self.user_manager, self.user_admin):
            with self.assertRaises(UserError):
                self.incident.with_user(user).write({"log_head_hash": GENESIS_HASH})
        with self.assertRaises(UserError):
            self.incident.sudo().write({"log_head_hash": GENESIS_HASH})
        incident = self._create_incident(log_head_hash="a" * 64)
        self.assertFalse(incident.log_head_hash)
        self.assertTrue(self.incident.verify_log()["ok"])

    def test_people_write_in_their_own_name_and_now(self):
        """A person creating entries directly (e.g. over XML-RPC) cannot
        backdate them, sign them with another name or fake system entries."""
        Log = self.env["crisis.log"].with_user(self.user_manager)
        entry = Log.create(
            {
                "incident_id": self.incident.id,
                "kind": "decision",
                "body": "Werkfeuerwehr übernimmt",
                "author_id": self.user_admin.id,
                "date": "2020-01-01 00:00:00",
            }
        )
        self.assertEqual(entry.author_id, self.user_manager)
        self.assertGreater(entry.date, fields.Datetime.to_datetime("2024-01-01"))
        for kind in ("state", "communication", "inquiry", "task"):
            with self.assertRaises(AccessError):
                Log.create({"incident_id": self.incident.id, "kind": kind, "body": "x"})
        with self.assertRaises(AccessError):
            self.env["crisis.log"].with_user(self.user_crisis).create(
                {"incident_id": self.incident.id, "kind": "fact", "body": "x"}
            )
        self.assertTrue(self.incident.verify_log()["ok"])


class TestCrisisLogDemoClock(CrisisCommon):
    """Demo data plays a past exercise on the crisis log's clock: the entries
    the application writes carry the step's time and stay hash-chained;
    people keep writing at the present time; nobody but the system sets it."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self.env["crisis.log"]._demo_set_clock, False)

    def test_application_entries_follow_the_clock(self):
        Log = self.env["crisis.log"]
        start = fields.Datetime.now().replace(microsecond=0) - timedelta(days=30)
        Log._demo_set_clock(start)
        incident = self._create_incident()
        Log._demo_set_clock(start + timedelta(minutes=7))
        incident.action_activate()
        Log._demo_set_clock(start + timedelta(minutes=25))
        incident._log("fact", "Lage erkundet")
        by_hand = Log.with_user(self.user_manager).create(
            {"incident_id": incident.id, "kind": "note", "body": "Von Hand"}
        )
        Log._demo_set_clock(start + timedelta(minutes=70))
        incident.action_resolve()
        incident.action_close()
        Log._demo_set_clock(False)
        incident._log("note", "Nachbereitung")

        entries = incident.log_ids.sorted("sequence")
        state_entries = entries.filtered(lambda e: e.kind == "state")
        self.assertEqual(state_entries[0].date, start + timedelta(minutes=7))
        self.assertEqual(state_entries[-1].date, start + timedelta(minutes=70))
        fact = entries.filtered(lambda e: e.body == "Lage erkundet")
        self.assertEqual(fact.date, start + timedelta(minutes=25))
        self.assertEqual(incident.date_activated, start + timedelta(minutes=7))
        self.assertEqual(incident.date_closed, start + timedelta(minutes=70))
        # A person writes at the present time, clock or not; so does the
        # application once the clock is stopped.
        self.assertGreater(by_hand.date, start + timedelta(days=29))
        self.assertGreater(entries[-1].date, start + timedelta(days=29))
        self.assertTrue(incident.verify_log()["ok"])

    def test_clock_does_not_go_back(self):
        Log = self.env["crisis.log"]
        now = fields.Datetime.now()
        Log._demo_set_clock(now - timedelta(hours=1))
        with self.assertRaises(UserError):
            Log._demo_set_clock(now - timedelta(hours=2))

    def test_only_the_system_sets_the_clock(self):
        with self.assertRaises(AccessError):
            self.env["crisis.log"].with_user(self.user_admin)._demo_set_clock(
                "2020-01-01 00:00:00"
            )
        entry = self._create_incident()._log("note", "Jetzt")
        self.assertGreater(entry.date, fields.Datetime.to_datetime("2024-01-01"))


class TestCrisisLogHashVersion(CrisisCommon):
    """The hash names its version, so that the hashed fields can grow later
    while entries written under an earlier version keep verifying."""

    def _rewrite_as_version_1(self, incident):
        """Turn the chain of ``incident`` into what the first version of the
        module wrote: bare SHA-256 digests, no prefix."""
        Log = self.env["crisis.log"]
        self.env.flush_all()
        head = GENESIS_HASH
        for entry in incident.log_ids.sorted("sequence"):
            digest = Log._compute_entry_hash(
                head,
                Log._canonical(
                    incident.id,
                    entry.sequence,
                    entry.date,
                    entry.author_id.id,
                    entry.kind,
                    entry.body,
                ),
                version=1,
            )
            self.env.cr.execute(
                "UPDATE crisis_log SET previous_hash = %s, hash = %s WHERE id = %s",
                [head, digest, entry.id],
            )
            head = digest
        self.env.cr.execute(
            "UPDATE crisis_incident SET log_head_hash = %s WHERE id = %s",
            [head, incident.id],
        )
        self.env.invalidate_all()

    def test_new_entries_carry_the_version(self):
        incident = self._create_incident()
        entry = incident._log("fact", "Brand gemeldet")
        self.assertRegex(entry.hash, r"^\$2\$[0-9a-f]{64}$")
        self.assertEqual(incident.log_head_hash, entry.hash)

    def test_old_entries_keep_verifying_after_new_ones(self):
        incident = self._create_incident()
        old = incident._log("fact", "Brand gemeldet")
        incident._log("decision", "Evakuierung angeordnet")
        self._rewrite_as_version_1(incident)
        self.assertNotIn("$", old.hash)
        self.assertTrue(incident.verify_log()["ok"])
        new = incident._log("fact", "Feuer gelöscht")
        self.assertTrue(new.hash.startswith("$2$"))
        self.assertEqual(
            incident.verify_log(), {"ok": True, "count": 3, "first_broken_id": False}
        )
        # A version 1 entry changed in place is still caught.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crisis_log SET body = 'Kein Brand' WHERE id = %s", [old.id]
        )
        self.env.invalidate_all()
        self.assertEqual(incident.verify_log()["first_broken_id"], old.id)

    def test_stripped_or_unknown_prefix_is_detected(self):
        incident = self._create_incident()
        first = incident._log("fact", "Brand gemeldet")
        second = incident._log("fact", "Feuer gelöscht")
        self.env.flush_all()
        # Dropping the prefix of the newest entry (and of the anchor with it)
        # does not turn it into a valid version 1 entry.
        self.env.cr.execute(
            "UPDATE crisis_log SET hash = substr(hash, 4) WHERE id = %s", [second.id]
        )
        self.env.cr.execute(
            "UPDATE crisis_incident SET log_head_hash = substr(log_head_hash, 4) "
            "WHERE id = %s",
            [incident.id],
        )
        self.env.invalidate_all()
        self.assertEqual(incident.verify_log()["first_broken_id"], second.id)
        self.env.cr.execute(
            "UPDATE crisis_log SET hash = '$9$' || substr(hash, 4) WHERE id = %s",
            [first.id],
        )
        self.env.invalidate_all()
        self.assertEqual(incident.verify_log()["first_broken_id"], first.id)


class TestCrisisLogAdd(CrisisCommon):
    """People add facts, decisions and notes from the incident."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.incident = cls._create_incident()
        cls.incident.member_ids = [
            (0, 0, {"user_id": cls.user_crisis.id, "role": "hotline"}),
        ]
        cls.outsider = cls.env["res.users"].create(
            {
                "name": "Olaf Außendienst",
                "login": "crisis_outsider",
                "groups_id": [
                    (6, 0, cls.env.ref("crisis_management.group_crisis_user").ids)
                ],
            }
        )

    def _wizard(self, user, incident=None):
        incident = incident or self.incident
        return Form(
            self.env["crisis.log.add"]
            .with_user(user)
            .with_context(active_model="crisis.incident", active_id=incident.id)
        )

    def test_manager_adds_a_decision(self):
        before = self.incident.verify_log()["count"]
        action = self.incident.with_user(self.user_manager).action_add_to_log()
        self.assertEqual(action["res_model"], "crisis.log.add")
        form = self._wizard(self.user_manager)
        self.assertEqual(form.incident_id, self.incident)
        form.kind = "decision"
        form.body = "  Werk bleibt bis Montag geschlossen  "
        form.save().action_add()
        entry = self.incident.log_ids.sorted("sequence")[-1]
        self.assertEqual(entry.kind, "decision")
        self.assertEqual(entry.body, "Werk bleibt bis Montag geschlossen")
        self.assertEqual(entry.author_id, self.user_manager)
        self.assertEqual(
            self.incident.verify_log(),
            {"ok": True, "count": before + 1, "first_broken_id": False},
        )

    def test_team_member_from_the_hotline_adds_a_note(self):
        form = self._wizard(self.user_crisis)
        form.kind = "note"
        form.body = "Anwohner melden Rauchgeruch in der Lindenstraße"
        form.save().action_add()
        entry = self.incident.log_ids.sorted("sequence")[-1]
        self.assertEqual((entry.kind, entry.author_id), ("note", self.user_crisis))

    def test_hotline_user_outside_the_team_is_refused(self):
        with self.assertRaisesRegex(UserError, "Only the crisis team"):
            self.incident.with_user(self.outsider).action_add_to_log()
        form = self._wizard(self.outsider)
        form.body = "Ich war es nicht"
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "Only the crisis team"):
            wizard.action_add()
        self.assertFalse(self.incident.log_ids.filtered(lambda e: "Ich war" in e.body))

    def test_plain_employee_cannot_open_the_wizard(self):
        with self.assertRaises(AccessError):
            self.env["crisis.log.add"].with_user(self.user_employee).create(
                {"incident_id": self.incident.id, "kind": "fact", "body": "x"}
            )

    def test_confidential_incident_outside_team_is_refused(self):
        secret = self._create_incident(name="Datenleck", is_confidential=True)
        with self.assertRaises(AccessError):
            self.env["crisis.log.add"].with_user(self.user_manager2).create(
                {"incident_id": secret.id, "kind": "fact", "body": "x"}
            ).action_add()
        self.assertFalse(secret.log_ids)

    def test_empty_entry_is_refused(self):
        wizard = (
            self.env["crisis.log.add"]
            .with_user(self.user_manager)
            .create({"incident_id": self.incident.id, "kind": "fact", "body": "   "})
        )
        with self.assertRaisesRegex(UserError, "write down"):
            wizard.action_add()

    def test_only_manual_kinds_offered(self):
        kinds = [
            k for k, _label in self.env["crisis.log.add"]._fields["kind"].selection
        ]
        self.assertEqual(kinds, ["fact", "decision", "note"])


@tagged("post_install", "-at_install")
class TestCrisisLogConcurrency(BaseCase):
    """Two transactions append to the same incident at the same time.

    Real, committed transactions on separate cursors: the second one waits
    for the incident's lock, gets a serialization failure once the first
    commits, and is retried the way Odoo's service layer retries requests.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def _env(self, cr):
        # Bind the cursor to the registry ourselves: looking the registry up
        # by name would wait for the lock the test runner holds.
        if cr.transaction is None:
            cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            incident = self._env(cr)["crisis.incident"].create(
                {"name": "Nebenläufigkeitstest", "severity": "minor"}
            )
            incident._log("fact", "Erster Eintrag")
            self.incident_id = incident.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM crisis_log WHERE incident_id = %s", [self.incident_id]
            )
            self._env(cr)["crisis.incident"].browse(self.incident_id).unlink()

    @mute_logger("odoo.sql_db")
    def test_concurrent_appends_keep_the_chain(self):
        first_appended = threading.Event()
        second_started = threading.Event()
        attempts = []
        failures = []
        errors = []

        def append_second():
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr)
                    # Take the transaction's snapshot before the first one commits.
                    cr.execute("SELECT 1")
                    second_started.set()
                    first_appended.wait(10)

                    def append():
                        attempts.append(1)
                        try:
                            env["crisis.incident"].browse(self.incident_id)._log(
                                "decision", "Zweiter Eintrag"
                            )
                        except pg_errors.SerializationFailure:
                            failures.append(1)
                            raise

                    self._retrying(append, cr)
            except Exception as exc:  # reported by the main thread
                errors.append(exc)

        with self.registry.cursor() as cr1:
            env1 = self._env(cr1)
            thread = threading.Thread(target=append_second)
            thread.start()
            self.assertTrue(second_started.wait(10), errors)
            # The first transaction appends and holds the incident's lock.
            env1["crisis.incident"].browse(self.incident_id)._log(
                "fact", "Dritter Eintrag"
            )
            env1.flush_all()
            first_appended.set()
            # Give the second one time to block on the lock, then commit.
            cr1.execute("SELECT pg_backend_pid()")
            pid = cr1.fetchone()[0]
            deadline = time.time() + 10
            while time.time() < deadline and not self._waiting_on(pid):
                time.sleep(0.05)
            self.assertTrue(self._waiting_on(pid), "the second append did not wait")
            cr1.commit()
        thread.join(30)
        self.assertFalse(thread.is_alive())
        self.assertFalse(errors, errors)
        self.assertEqual(len(failures), 1, "the second append should have been retried")
        self.assertEqual(len(attempts), 2)

        with self.registry.cursor() as cr:
            incident = self._env(cr)["crisis.incident"].browse(self.incident_id)
            self.assertEqual(
                incident.verify_log(),
                {"ok": True, "count": 3, "first_broken_id": False},
            )
            entries = incident.log_ids.sorted("sequence")
            self.assertEqual(
                entries.mapped("body"),
                ["Erster Eintrag", "Dritter Eintrag", "Zweiter Eintrag"],
            )
            self.assertEqual(entries.mapped("sequence"), [1, 2, 3])

    def _retrying(self, func, cr):
        """Run ``func`` and commit, retrying on concurrency errors exactly as
        ``odoo.service.model.retrying`` does for every RPC and HTTP request
        (which cannot be called here: it looks the registry up by name, and
        the test runner holds the registry lock)."""
        for tryno in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            try:
                func()
                cr.flush()
                break
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                cr.rollback()  # also clears the ORM cache of the transaction
                if tryno == MAX_TRIES_ON_CONCURRENCY_FAILURE:
                    raise
                time.sleep(random.uniform(0.0, 0.1 * 2**tryno))
        # A real second transaction: the point of this test.
        cr.commit()  # pylint: disable=invalid-commit

    def _waiting_on(self, pid):
        """Whether another backend waits for a lock held by backend ``pid``
        (asked in a fresh transaction: activity is snapshotted per transaction)."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE %s = ANY(pg_blocking_pids(pid))",
                [pid],
            )
            return bool(cr.fetchone()[0])
