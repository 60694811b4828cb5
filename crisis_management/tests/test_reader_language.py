# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Texts the system writes by itself are read in the reader's language: why a
recipient was skipped, and the crisis log entries of crisis mode and of the
crisis team, whatever language the sending or the switch ran in. The log keeps
its promise: the code and values an entry is rendered from are hashed."""

import json

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CrisisAudienceCommon, calm_company

ADDONS = ["crisis_management", "crisis_social", "crisis_reports"]


@tagged("post_install", "-at_install")
class TestReaderLanguage(CrisisAudienceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(
            ADDONS, ["de_DE"], overwrite=True
        )

    def _in(self, records, lang):
        return records.with_context(lang=lang)

    def test_skip_reasons_in_each_readers_language(self):
        # Sent from an English session: the reasons were stored in English.
        comm = self._audience()
        comm.action_send()
        line = self._line(comm, self.no_consent)
        self.assertEqual((line.state, line.skip_code), ("skipped_consent", "no_basis"))
        purpose_de = self._in(self.purpose_info, "de_DE").name
        self.assertEqual(
            self._in(line, "de_DE").skip_reason,
            f"Keine Einwilligung oder andere Rechtsgrundlage für „{purpose_de}“ "
            "per E-Mail.",
        )
        self.assertEqual(
            self._in(line, "en_US").skip_reason,
            f"No consent or other legal basis for “{self.purpose_info.name}” "
            "by E-mail.",
        )
        line = self._line(comm, self.blacklisted)
        self.assertEqual(line.skip_code, "blacklisted")
        self.assertEqual(
            self._in(line, "de_DE").skip_reason,
            "Die E-Mail-Adresse steht auf der Sperrliste.",
        )
        line = self._line(comm, self.no_email)
        self.assertEqual((line.state, line.skip_code), ("skipped_address", "address"))
        self.assertEqual(
            self._in(line, "de_DE").skip_reason, "Keine gültige E-Mail-Adresse."
        )
        # The partner's history (shown in the CRM) in German says it too.
        sent = self._line(comm, self.de_neighbor)
        self.assertFalse(sent.skip_code)
        self.assertFalse(self._in(sent, "de_DE").skip_reason)

    def test_skip_code_cannot_be_written_directly(self):
        comm = self._audience()
        comm.action_send()
        line = self._line(comm, self.de_neighbor)
        with self.assertRaisesRegex(AccessError, "cannot be set directly"):
            line.with_user(self.user_manager).write({"skip_code": "no_basis"})
        self.assertFalse(line.skip_code)

    def test_crisis_mode_entries_in_each_readers_language(self):
        calm_company(self.env, self.company)
        incident = self._create_incident(name="Brand Halle 3")
        # Switched on from an English session.
        incident.with_user(self.user_manager).action_activate()
        entry = incident.log_ids.filtered(
            lambda e: e.body_code == "Crisis mode switched on for %(company)s."
        )
        self.assertEqual(len(entry), 1)
        self.assertTrue(entry.hash.startswith("$3$"), entry.hash)
        name = self.company.name
        self.assertEqual(entry.body, f"Crisis mode switched on for {name}.")
        self.assertEqual(
            self._in(entry, "de_DE").body_display,
            f"Krisenmodus für {name} eingeschaltet.",
        )
        self.assertEqual(
            self._in(entry, "en_US").body_display,
            f"Crisis mode switched on for {name}.",
        )
        # The state labels inside an entry follow the reader too.
        state = incident.log_ids.filtered(
            lambda e: e.body_code == "State changed from %(from)s to %(to)s."
        )
        self.assertEqual(state.body, "State changed from Draft to Active.")
        self.assertEqual(
            self._in(state, "de_DE").body_display,
            "Status von „Entwurf“ zu „Aktiv“ geändert.",
        )
        # The German wall shows it in German.
        wall = self._in(incident, "de_DE")._situation_dashboard_log(entry.ids)
        self.assertEqual(wall[0]["body"], f"Krisenmodus für {name} eingeschaltet.")
        incident.action_contain()
        incident.action_resolve()
        incident.action_close()
        off = incident.log_ids.filtered(
            lambda e: e.body_code == "Crisis mode switched off for %(company)s."
        )
        self.assertEqual(
            self._in(off, "de_DE").body_display,
            f"Krisenmodus für {name} ausgeschaltet.",
        )
        self.assertEqual(
            incident.verify_log(),
            {"ok": True, "count": len(incident.log_ids), "first_broken_id": False},
        )

    def test_values_changed_behind_the_application_break_the_chain(self):
        calm_company(self.env, self.company)
        incident = self._create_incident(name="Brand Halle 4")
        incident.action_activate()
        entry = incident.log_ids.filtered("body_code")[:1]
        self.assertTrue(entry)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crisis_log SET body_values = %s WHERE id = %s",
            [json.dumps({"company": "Andere GmbH"}), entry.id],
        )
        self.env.invalidate_all()
        result = incident.verify_log()
        self.assertFalse(result["ok"])
        self.assertEqual(result["first_broken_id"], entry.id)

    def test_code_slipped_into_a_plain_entry_is_neither_shown_nor_trusted(self):
        incident = self._create_incident(name="Brand Halle 5")
        plain = incident._log("fact", "Brand gemeldet")
        self.assertTrue(plain.hash.startswith("$2$"))
        self.assertTrue(incident.verify_log()["ok"])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crisis_log SET body_code = %s, body_values = %s WHERE id = %s",
            [
                "Crisis mode switched off for %(company)s.",
                json.dumps({"company": "X"}),
                plain.id,
            ],
        )
        self.env.invalidate_all()
        self.assertEqual(self._in(plain, "de_DE").body_display, "Brand gemeldet")
        result = incident.verify_log()
        self.assertFalse(result["ok"])
        self.assertEqual(result["first_broken_id"], plain.id)

    def test_code_cannot_be_given_by_hand(self):
        incident = self._create_incident(name="Brand Halle 6")
        entry = (
            self.env["crisis.log"]
            .with_user(self.user_manager)
            .create(
                {
                    "incident_id": incident.id,
                    "kind": "fact",
                    "body": "Rauch sichtbar",
                    "body_code": "Crisis mode switched on for %(company)s.",
                    "body_values": json.dumps({"company": "Gefälscht GmbH"}),
                }
            )
        )
        self.assertFalse(entry.body_code)
        self.assertEqual(self._in(entry, "de_DE").body_display, "Rauch sichtbar")
        self.assertTrue(entry.hash.startswith("$2$"))

    def test_team_change_names_the_role_in_each_language(self):
        incident = self._create_incident(name="Datenpanne", is_confidential=True)
        self.env["crisis.incident.member"].create(
            {
                "incident_id": incident.id,
                "user_id": self.user_manager2.id,
                "role": "spokesperson",
            }
        )
        entry = incident.log_ids.filtered(
            lambda e: e.body_code == "Added to the crisis team: %(members)s."
        )
        self.assertEqual(len(entry), 1)
        self.assertEqual(
            self._in(entry, "en_US").body_display,
            "Added to the crisis team: Petra Sprecherin (Spokesperson).",
        )
        role_de = dict(
            self._in(self.env["crisis.incident.member"], "de_DE")
            ._fields["role"]
            ._description_selection(self.env(context={"lang": "de_DE"}))
        )["spokesperson"]
        self.assertNotEqual(role_de, "Spokesperson")
        self.assertEqual(
            self._in(entry, "de_DE").body_display,
            f"In den Krisenstab aufgenommen: Petra Sprecherin ({role_de}).",
        )
        self.assertTrue(incident.verify_log()["ok"])

    def test_communication_summary_in_each_readers_language(self):
        comm = self._audience()
        comm.action_send()
        self._run_cron()
        entry = self.incident.log_ids.filtered(
            lambda e: (
                e.kind == "communication"
                and (e.body_code or "").startswith(
                    "%(kind)s “%(name)s” (content version"
                )
            )
        )
        self.assertEqual(len(entry), 1)
        self.assertIn("by E-mail:", entry.body)
        german = self._in(entry, "de_DE").body_display
        self.assertIn(f"„{comm.name}“ (Inhaltsversion 1) per E-Mail:", german)
        self.assertIn("übersprungen", german)
        self.assertNotIn("skipped", german)

    def test_words_of_the_module_inside_values_follow_the_reader(self):
        Log = self.env["crisis.log"]
        code = (
            "Escalation: task “%(task)s” of %(user)s is still overdue "
            "(due %(deadline)s); escalated to %(lead)s."
        )
        values = json.dumps(
            {
                "task": "Nachbarn informieren",
                "user": {"term": "nobody"},
                "deadline": "2026-12-07 14:00",
                "lead": "Max Krisenstab",
            }
        )
        self.assertEqual(
            Log._render_code(code, values, "de_DE"),
            "Eskalation: Aufgabe „Nachbarn informieren“ von niemand ist weiter "
            "überfällig (fällig am 2026-12-07 14:00); an Max Krisenstab eskaliert.",
        )
        self.assertIn(
            "of nobody is still overdue", Log._render_code(code, values, "en_US")
        )

    def test_model_names_inside_values_follow_the_reader(self):
        values = json.dumps(
            {"model": {"model": "crisis.task"}, "record": "X", "old": "A", "new": "B"}
        )
        code = "%(model)s “%(record)s” moved from %(old)s to %(new)s."
        Log = self.env["crisis.log"]
        self.assertEqual(
            Log._render_code(code, values, "de_DE"),
            "Krisenaufgabe „X“ von A nach B verschoben.",
        )
        self.assertEqual(
            Log._render_code(code, values, "en_US"),
            "Crisis Task “X” moved from A to B.",
        )

    def test_alarm_answers_in_each_readers_language(self):
        alarm = (
            self.env["crisis.alarm"].sudo().create({"incident_id": self.incident.id})
        )
        line = (
            self.env["crisis.alarm.line"]
            .sudo()
            .create(
                {"alarm_id": alarm.id, "user_id": self.user_manager.id, "role": "legal"}
            )
        )
        # Answered from an English session: read in German all the same.
        line.with_context(lang="en_US")._record_answer("coming")
        line.with_context(lang="en_US")._record_answer("later", eta_minutes=15)
        answered, changed = self.incident.log_ids.filtered(
            lambda e: (e.body_code or "").startswith("Alarm: %(user)s (%(role)s)")
        ).sorted("sequence")
        user = self.user_manager.name
        self.assertEqual(answered.body, f"Alarm: {user} (Legal) answered “Coming”.")
        self.assertEqual(
            self._in(answered, "de_DE").body_display,
            f"Alarmierung: {user} (Recht) hat „Kommt“ geantwortet.",
        )
        self.assertEqual(
            self._in(answered, "en_US").body_display,
            f"Alarm: {user} (Legal) answered “Coming”.",
        )
        german = self._in(changed, "de_DE").body_display
        self.assertIn("„Kommt“", german)
        self.assertIn("„Kommt später (in 15 Minuten)“", german)
        self.assertNotIn("Coming", german)
        self.assertIn(
            "from “Coming” to “Coming later (in 15 minutes)”",
            self._in(changed, "en_US").body_display,
        )
        self.assertTrue(self.incident.verify_log()["ok"])
