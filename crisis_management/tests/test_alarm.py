# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The first hour: standing crisis team, alarm with personal links,
escalation to deputies, war room, shifts."""

import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.mail.tests.common import MailCommon
from odoo.addons.sms.tests.common import MockSMS

from .common import CrisisCommon


class CrisisAlarmCommon(CrisisCommon, MailCommon, MockSMS):
    """A company of its own with a standing crisis team: lead (primary,
    deputy, second deputy), spokesperson (primary, deputy), legal (no
    deputy, no mobile)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.alarm_company = cls.env["res.company"].create(
            {"name": "Alarm GmbH", "email": "krisenstab@alarm.example.com"}
        )
        cls.alarm_company.partner_id.lang = "de_DE"

        def user(login, name, mobile=None, lang="en_US", group="manager"):
            return new_test_user(
                cls.env,
                login=login,
                name=name,
                email=f"{login}@alarm.example.com",
                groups=f"crisis_management.group_crisis_{group}",
                company_id=cls.alarm_company.id,
                company_ids=[(6, 0, cls.alarm_company.ids)],
                lang=lang,
                mobile=mobile,
            )

        cls.lead = user("al_lead", "Lea Leitung", "+49 171 5550301")
        cls.lead_deputy = user("al_lead2", "Dirk Vertretung", "+49 171 5550302")
        cls.lead_deputy2 = user("al_lead3", "Zora Zweite", "+49 171 5550303")
        cls.speaker = user(
            "al_speaker", "Sven Sprecher", "+49 171 5550304", lang="de_DE"
        )
        cls.speaker_deputy = user("al_speaker2", "Petra Presse", "+49 171 5550305")
        cls.lawyer = user("al_legal", "Jana Justiz")
        cls.hotline = user("al_hotline", "Hanna Hotline", group="user")
        cls.outsider = new_test_user(
            cls.env,
            login="al_outsider",
            name="Otto Anderswo",
            email="otto@elsewhere.example.com",
            groups="crisis_management.group_crisis_manager",
        )
        Roster = cls.env["crisis.roster.line"]
        cls.roster = Roster.create(
            [
                {
                    "company_id": cls.alarm_company.id,
                    "role": role,
                    "user_id": u.id,
                    "sequence": seq,
                }
                for role, u, seq in (
                    ("lead", cls.lead, 1),
                    ("lead", cls.lead_deputy, 2),
                    ("lead", cls.lead_deputy2, 3),
                    ("spokesperson", cls.speaker, 1),
                    ("spokesperson", cls.speaker_deputy, 2),
                    ("legal", cls.lawyer, 1),
                )
            ]
        )
        cls.type_fire.alarm_escalation_minutes = 10

    def _new_incident(self, **values):
        vals = {
            "name": "Brand in Halle 2",
            "incident_type_id": self.type_fire.id,
            "severity": "critical",
            "company_id": self.alarm_company.id,
            "lead_id": False,
        }
        vals.update(values)
        return self.env["crisis.incident"].with_user(self.lead).create(vals)

    def _activated(self, **values):
        incident = self._new_incident(**values)
        incident.with_user(self.lead).action_activate()
        return incident

    def _lines(self, incident, user=None):
        lines = incident.sudo().alarm_line_ids
        return lines.filtered(lambda r: r.user_id == user) if user else lines

    def _alarm_mails(self, user):
        return self.env["mail.mail"].sudo().search([("email_to", "ilike", user.email)])

    def _log_bodies(self, incident):
        return "\n".join(incident.sudo().log_ids.mapped("body"))


class TestRoster(CrisisAlarmCommon):
    def test_primary_and_deputies_per_role(self):
        lines = self.roster.sorted(lambda r: (r.role, r.sequence))
        by_user = {line.user_id: line for line in lines}
        self.assertEqual(by_user[self.lead].level, 0)
        self.assertEqual(by_user[self.lead_deputy].level, 1)
        self.assertEqual(by_user[self.lead_deputy2].level, 2)
        self.assertEqual(by_user[self.speaker_deputy].level, 1)

    def test_readiness_names_roles_without_deputy_and_people_without_mobile(self):
        problems = " ".join(self.alarm_company._crisis_roster_readiness())
        self.assertIn("Roles without deputy: Legal", problems)
        self.assertIn("Jana Justiz", problems)
        self.assertNotIn("Lea Leitung", problems)
        legal = self.roster.filtered(lambda r: r.role == "legal")
        self.assertIn("no deputy", legal.readiness)
        self.assertIn("no mobile", legal.readiness)
        lead = self.roster.filtered(lambda r: r.user_id == self.lead)
        self.assertFalse(lead.readiness)
        action = legal.with_user(self.user_admin).action_check_readiness()
        self.assertEqual(action["params"]["type"], "warning")
        with self.assertRaises(AccessError):
            self.env["crisis.roster.line"].with_user(
                self.hotline
            ).action_check_readiness()

    def test_hotline_user_and_crisis_team_cannot_change_the_roster(self):
        line = self.roster[0]
        for user in (self.hotline, self.lead):
            with self.assertRaises(AccessError):
                line.with_user(user).write({"sequence": 99})
            with self.assertRaises(AccessError):
                self.env["crisis.roster.line"].with_user(user).create(
                    {
                        "role": "it",
                        "user_id": user.id,
                        "company_id": self.alarm_company.id,
                    }
                )
        with self.assertRaises(AccessError):
            line.with_user(self.hotline).read(["user_id"])
        self.env["crisis.roster.line"].with_user(self.user_admin).create(
            {"role": "it", "user_id": self.user_admin.id}
        )

    def test_only_employees_of_the_company_on_the_roster(self):
        portal = new_test_user(self.env, login="al_portal", groups="base.group_portal")
        with self.assertRaises(ValidationError):
            self.env["crisis.roster.line"].create(
                {
                    "company_id": self.alarm_company.id,
                    "role": "it",
                    "user_id": portal.id,
                }
            )


class TestAlarm(CrisisAlarmCommon):
    def test_activation_takes_the_standing_team_and_alarms_the_primaries(self):
        incident = self._activated()
        team = incident.member_ids
        self.assertEqual(incident.lead_id, self.lead)
        self.assertEqual(
            set(team.mapped(lambda m: (m.user_id, m.role))),
            {
                (self.lead, "lead"),
                (self.lead_deputy, "deputy"),
                (self.lead_deputy2, "deputy"),
                (self.speaker, "spokesperson"),
                (self.speaker_deputy, "spokesperson"),
                (self.lawyer, "legal"),
            },
        )
        lines = self._lines(incident)
        self.assertEqual(lines.user_id, self.lead | self.speaker | self.lawyer)
        self.assertEqual(set(lines.mapped("state")), {"notified"})
        self.assertEqual(set(lines.mapped("level")), {0})
        # E-mail with the personal link, SMS where a mobile number exists.
        for line in lines:
            mail = self._alarm_mails(line.user_id)
            self.assertEqual(len(mail), 1, line.user_id.name)
            self.assertIn(f"/crisis/alarm/{line.access_token}", mail.body_html)
            # The activity sits on the incident, which the whole team reads:
            # it never carries the personal link.
            self.assertTrue(line.activity_id)
            self.assertNotIn(line.access_token, str(line.activity_id.note))
        self.assertFalse(self._alarm_mails(self.lead_deputy))
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("partner_id", "in", lines.user_id.partner_id.ids)])
        )
        self.assertEqual(sms.partner_id, (self.lead | self.speaker).partner_id)
        self.assertTrue(all("/crisis/alarm/" in body for body in sms.mapped("body")))
        # German for the German speaker.
        self.assertIn("Krisenstab", self._alarm_mails(self.speaker).subject)
        # An activity in Odoo.
        self.assertEqual(
            incident.sudo().activity_ids.user_id,
            lines.user_id,
        )
        self.assertEqual(
            incident.get_alarm_status(),
            {
                "alarmed": 3,
                "acknowledged": 0,
                "coming": 0,
                "later": 0,
                "unavailable": 0,
                "pending": 3,
                "escalated": 0,
                "roles_uncovered": ["lead", "spokesperson", "legal"],
            },
        )
        log = self._log_bodies(incident)
        self.assertIn("Crisis team alarmed by Lea Leitung", log)
        self.assertIn("Alarm: Jana Justiz called as Legal by e-mail, Odoo.", log)

    def _bus_notes(self):
        self.env.cr.precommit.run()
        notes = []
        for note in self.env["bus.bus"].sudo().search([]):
            notes.append((json.loads(note.channel), json.loads(note.message)))
        self.env["bus.bus"].sudo().search([]).unlink()
        return notes

    def test_alarm_pops_up_in_odoo_and_answers_reach_the_wall_live(self):
        self.env["bus.bus"].sudo().search([]).unlink()
        incident = self._activated()
        notes = self._bus_notes()
        popups = {
            channel[2]
            for channel, message in notes
            if message["type"] == "simple_notification"
            and channel[1] == "res.partner"
            and "/crisis/alarm/" in message["payload"]["message"]
        }
        self.assertEqual(
            popups, set((self.lead | self.speaker | self.lawyer).partner_id.ids)
        )
        self._lines(incident, self.lead)._record_answer("coming")
        walls = [
            message["payload"]["incident_id"]
            for _channel, message in self._bus_notes()
            if message["type"] == "crisis_management/situation_changed"
        ]
        self.assertEqual(walls, [incident.id])

    def test_minor_incident_is_not_alarmed_by_itself_but_by_hand(self):
        incident = self._activated(severity="minor")
        self.assertFalse(incident.sudo().alarm_ids)
        incident.with_user(self.lead).action_alarm()
        self.assertEqual(len(self._lines(incident)), 3)

    def test_answers_last_one_counts_and_all_are_logged(self):
        incident = self._activated()
        line = self._lines(incident, self.lead)
        Line = self.env["crisis.alarm.line"]
        self.assertEqual(Line._find_by_token(line.access_token), line)
        other = line.access_token[:-1] + ("x" if line.access_token[-1] != "x" else "y")
        self.assertFalse(Line._find_by_token(other))
        self.assertFalse(Line._find_by_token("short"))
        self.assertFalse(Line._find_by_token(None))
        with self.assertRaises(UserError):
            line._record_answer("later")  # minutes missing
        with self.assertRaises(UserError):
            line._record_answer("later", "soon")
        with self.assertRaises(UserError):
            line._record_answer("maybe")
        self.assertFalse(line.answer)
        line._record_answer("later", "30")
        self.assertEqual(
            (line.answer, line.eta_minutes, line.state), ("later", 30, "acknowledged")
        )
        line._record_answer("coming")
        self.assertEqual((line.answer, line.eta_minutes), ("coming", 0))
        self.assertEqual(line.answer_count, 2)
        log = self._log_bodies(incident)
        self.assertIn(
            "Lea Leitung (Crisis Lead) answered “Coming later (in 30 minutes)”", log
        )
        self.assertIn("changed the answer from “Coming later” to “Coming”", log)
        status = incident.get_alarm_status()
        self.assertEqual(
            (status["coming"], status["acknowledged"], status["pending"]), (1, 1, 2)
        )
        self.assertNotIn("lead", status["roles_uncovered"])
        # The activity was done with the answer.
        self.assertFalse(
            incident.sudo().activity_ids.filtered(lambda a: a.user_id == self.lead)
        )

    def test_workflow_fields_only_through_the_answer(self):
        incident = self._activated()
        line = self._lines(incident, self.lead).with_user(self.lead)
        with self.assertRaises(AccessError):
            line.write({"answer": "coming"})
        with self.assertRaises(AccessError):
            line.write({"state": "acknowledged"})
        other = incident.sudo().activity_ids[:1]
        for vals in (
            {"activity_id": other.id},
            {"alarm_id": line.alarm_id.id},
            {"channels": "x"},
        ):
            with self.assertRaises(AccessError):
                line.write(vals)
        with self.assertRaises(AccessError):
            line.alarm_id.with_user(self.lead).write({"incident_id": incident.id})
        with self.assertRaises(AccessError):
            self.env["crisis.alarm"].with_user(self.lead).create(
                {"incident_id": incident.id}
            )

    def test_unanswered_primary_is_replaced_by_the_deputy_after_the_escalation_time(
        self,
    ):
        start = fields.Datetime.now()
        with freeze_time(start):
            incident = self._activated()
        Alarm = self.env["crisis.alarm"]
        with freeze_time(start + timedelta(minutes=9)):
            Alarm._cron_escalate()
        self.assertFalse(self._lines(incident, self.lead_deputy))
        self._lines(incident, self.speaker)._record_answer("coming")
        with freeze_time(start + timedelta(minutes=11)):
            Alarm._cron_escalate()
        primary = self._lines(incident, self.lead)
        deputy = self._lines(incident, self.lead_deputy)
        self.assertEqual(primary.state, "escalated")
        self.assertEqual(
            (deputy.state, deputy.level, deputy.role), ("notified", 1, "lead")
        )
        self.assertEqual(len(self._alarm_mails(self.lead_deputy)), 1)
        # The spokesperson answered: no deputy for that role.
        self.assertFalse(self._lines(incident, self.speaker_deputy))
        # Legal has no deputy: escalated, and the role stays uncovered.
        self.assertEqual(self._lines(incident, self.lawyer).state, "escalated")
        log = self._log_bodies(incident)
        self.assertIn(
            "Lea Leitung (Crisis Lead) has not answered the alarm within 10 minutes.",
            log,
        )
        self.assertIn("Dirk Vertretung is alarmed instead", log)
        self.assertIn("Nobody else is on the standing crisis team for Legal", log)
        status = incident.get_alarm_status()
        self.assertEqual(status["escalated"], 2)
        self.assertEqual(status["pending"], 1)
        self.assertEqual(status["roles_uncovered"], ["lead", "legal"])
        # The deputy does not answer either: the second deputy.
        with freeze_time(start + timedelta(minutes=22)):
            Alarm._cron_escalate()
        self.assertEqual(self._lines(incident, self.lead_deputy2).level, 2)
        # Nothing twice.
        with freeze_time(start + timedelta(minutes=23)):
            Alarm._cron_escalate()
        self.assertEqual(len(self._lines(incident)), 5)

    def test_escalation_is_logged_in_each_readers_language(self):
        start = fields.Datetime.now()
        with freeze_time(start):
            incident = self._activated()
        with freeze_time(start + timedelta(minutes=11)):
            self.env["crisis.alarm"]._cron_escalate()
        entries = incident.sudo().log_ids
        german = "\n".join(entries.with_context(lang="de_DE").mapped("body_display"))
        self.assertIn(
            "Lea Leitung (Krisenleitung) hat die Alarmierung nicht innerhalb "
            "von 10 Minuten beantwortet.",
            german,
        )
        self.assertIn("Stattdessen wird Dirk Vertretung alarmiert.", german)
        self.assertIn("per E-Mail, SMS, Odoo", german)
        english = "\n".join(entries.with_context(lang="en_US").mapped("body_display"))
        self.assertIn(
            "Alarm escalated: Lea Leitung (Crisis Lead) has not answered the "
            "alarm within 10 minutes. Dirk Vertretung is alarmed instead.",
            english,
        )
        self.assertTrue(incident.verify_log()["ok"])

    def test_escalation_time_of_the_type(self):
        self.type_fire.alarm_escalation_minutes = 3
        start = fields.Datetime.now()
        with freeze_time(start):
            incident = self._activated()
        with freeze_time(start + timedelta(minutes=4)):
            self.env["crisis.alarm"]._cron_escalate()
        self.assertTrue(self._lines(incident, self.lead_deputy))

    def test_unavailable_goes_to_the_deputy_at_once(self):
        incident = self._activated()
        self._lines(incident, self.speaker)._record_answer("unavailable")
        self.assertEqual(self._lines(incident, self.speaker).state, "declined")
        deputy = self._lines(incident, self.speaker_deputy)
        self.assertEqual(deputy.state, "notified")
        self.assertEqual(len(self._alarm_mails(self.speaker_deputy)), 1)
        status = incident.get_alarm_status()
        self.assertEqual(status["unavailable"], 1)
        self.assertIn("spokesperson", status["roles_uncovered"])
        self.assertIn(
            "Sven Sprecher (Spokesperson) is not available", self._log_bodies(incident)
        )

    def test_a_link_takes_a_limited_number_of_answers(self):
        incident = self._activated()
        line = self._lines(incident, self.lead)
        for _n in range(10):
            self.assertTrue(line._record_answer("coming"))
            self.assertTrue(line._record_answer("later", 5))
        self.assertFalse(line._record_answer("unavailable"))
        self.assertEqual(line.answer, "later")

    def test_cancelled_alarm_takes_no_answers_and_is_not_counted(self):
        incident = self._activated()
        line = self._lines(incident, self.lead)
        incident.sudo().alarm_ids.with_user(self.lead).action_cancel()
        self.assertFalse(line._record_answer("coming"))
        self.assertEqual(incident.get_alarm_status()["alarmed"], 0)

    def test_exercise_alarms_the_real_team_marked_and_nobody_outside(self):
        observer = new_test_user(
            self.env,
            login="al_observer",
            email="observer@alarm.example.com",
            groups="base.group_user",
            company_id=self.alarm_company.id,
            company_ids=[(6, 0, self.alarm_company.ids)],
        )
        incident = self._activated(
            is_exercise=True, exercise_observer_ids=[(6, 0, observer.ids)]
        )
        lead_mail = self._alarm_mails(self.lead)
        self.assertEqual(len(lead_mail), 1)
        self.assertTrue(lead_mail.subject.startswith("[EXERCISE]"), lead_mail.subject)
        self.assertIn("This is an exercise", lead_mail.body_html)
        german = self._alarm_mails(self.speaker)
        self.assertTrue(german.subject.startswith("[ÜBUNG]"), german.subject)
        # The alarm went to the team, not to the observers.
        self.assertFalse(self._alarm_mails(observer))
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("partner_id", "=", self.lead.partner_id.id)])
        )
        self.assertTrue(sms.body.startswith("Alarm GmbH: [EXERCISE]"), sms.body)
        self.assertFalse(incident.company_id.crisis_mode)

    def test_nobody_outside_the_company_is_alarmed(self):
        self.roster.unlink()
        incident = self._new_incident(lead_id=self.lead.id)
        # Someone of another company is not put on the team at all…
        with self.assertRaises(UserError) as caught:
            self.env["crisis.incident.member"].create(
                {
                    "incident_id": incident.id,
                    "user_id": self.outsider.id,
                    "role": "legal",
                }
            )
        self.assertIn("Incompatible companies", str(caught.exception))
        self.env["crisis.incident.member"].create(
            {
                "incident_id": incident.id,
                "user_id": self.speaker.id,
                "role": "spokesperson",
            }
        )
        incident.with_user(self.lead).action_activate()
        # Without a standing crisis team, nobody is alarmed by itself…
        self.assertFalse(self._lines(incident))
        # …but the team alarms by hand whom it has put on the incident.
        incident.with_user(self.lead).action_alarm()
        self.assertEqual(self._lines(incident).user_id, self.lead | self.speaker)
        self.assertFalse(self._alarm_mails(self.outsider))

    def test_each_company_alarms_its_own_standing_team(self):
        """Two companies, each with a standing crisis team: an incident of one
        takes and alarms only that company's team."""
        main = self.outsider.company_id
        self.assertNotEqual(main, self.alarm_company)
        self.env["crisis.roster.line"].create(
            {"company_id": main.id, "role": "lead", "user_id": self.outsider.id}
        )
        ours = self._activated()
        self.assertNotIn(self.outsider, ours.member_ids.user_id)
        self.assertNotIn(self.outsider, self._lines(ours).user_id)
        self.assertFalse(self._alarm_mails(self.outsider))
        theirs = (
            self.env["crisis.incident"]
            .with_user(self.outsider)
            .create(
                {
                    "name": "Rückruf Charge 12",
                    "incident_type_id": self.type_fire.id,
                    "severity": "critical",
                    "company_id": main.id,
                    "lead_id": False,
                }
            )
        )
        theirs.with_user(self.outsider).action_activate()
        self.assertEqual(theirs.member_ids.user_id, self.outsider)
        self.assertEqual(self._lines(theirs).user_id, self.outsider)
        self.assertEqual(len(self._alarm_mails(self.outsider)), 1)
        # The first company's team was alarmed once, for its own incident.
        self.assertEqual(len(self._alarm_mails(self.lead)), 1)

    def test_hotline_user_cannot_alarm(self):
        incident = self._activated()
        with self.assertRaises(AccessError):
            incident.with_user(self.hotline).action_alarm()
        with self.assertRaises(AccessError):
            incident.sudo().alarm_ids.with_user(self.hotline).action_cancel()

    def test_draft_incident_cannot_be_alarmed(self):
        incident = self._new_incident()
        with self.assertRaises(UserError):
            incident.with_user(self.lead).action_alarm()

    def test_wall_shows_answers_per_role_and_uncovered_roles(self):
        incident = self._activated()
        self._lines(incident, self.lead)._record_answer("later", 20)
        values = incident.with_user(self.hotline).get_situation_dashboard()
        section = next(s for s in values["sections"] if s["key"] == "alarm")
        figures = {f["key"]: f["value"] for f in section["figures"]}
        self.assertEqual(figures["later"], 1)
        self.assertEqual(figures["pending"], 2)
        texts = [line["text"] for line in section["lines"]]
        self.assertIn("Crisis Lead: Lea Leitung — Coming later (in 20 minutes)", texts)
        self.assertIn("Nobody covers: Spokesperson, Legal", texts)
        room = section["lines"][0]
        self.assertIn(
            f"discuss.channel_{incident.sudo().discuss_channel_id.id}", room["url"]
        )
        # The room's name starts with "War room" itself: the link is not
        # "War room: War room CRISIS/…" but says what it does.
        self.assertEqual(room["text"], "Open the war room")
        values = (
            incident.with_user(self.hotline)
            .with_context(lang="de_DE")
            .get_situation_dashboard()
        )
        section = next(s for s in values["sections"] if s["key"] == "alarm")
        self.assertEqual(section["lines"][0]["text"], "Lageraum öffnen")


class TestWarRoomAndShifts(CrisisAlarmCommon):
    def test_war_room_is_a_private_group_of_the_team(self):
        incident = self._activated(is_confidential=True, lead_id=self.lead.id)
        channel = incident.sudo().discuss_channel_id
        self.assertEqual(channel.channel_type, "group")
        self.assertEqual(
            channel.channel_member_ids.partner_id,
            (
                self.lead
                | self.lead_deputy
                | self.lead_deputy2
                | self.speaker
                | self.speaker_deputy
                | self.lawyer
            ).partner_id,
        )
        employee = new_test_user(
            self.env,
            login="al_employee",
            groups="base.group_user",
            company_id=self.alarm_company.id,
            company_ids=[(6, 0, self.alarm_company.ids)],
        )
        self.assertFalse(
            self.env["discuss.channel"]
            .with_user(employee)
            .search([("id", "=", channel.id)])
        )
        with self.assertRaises(AccessError):
            channel.with_user(employee).check_access("read")
        action = incident.with_user(self.speaker).action_open_war_room()
        self.assertIn(f"discuss.channel_{channel.id}", action["url"])
        with self.assertRaises(AccessError):
            incident.with_user(self.user_admin).action_open_war_room()

    def test_channel_message_into_the_log_with_author_and_time(self):
        incident = self._activated()
        channel = incident.sudo().discuss_channel_id
        message = channel.with_user(self.speaker).message_post(
            body="Feuerwehr meldet: Brand gelöscht", message_type="comment"
        )
        entry_id = incident.with_user(self.lead).action_log_channel_message(message.id)
        entry = self.env["crisis.log"].browse(entry_id)
        self.assertEqual(entry.kind, "note")
        self.assertIn("Sven Sprecher", entry.body)
        self.assertIn("Feuerwehr meldet: Brand gelöscht", entry.body)
        self.assertRegex(entry.body, r"\d{2}:\d{2}")
        self.assertIn(
            "Lageraum, Sven Sprecher um",
            entry.with_context(lang="de_DE").body_display,
        )
        # The one click from Discuss finds the incident itself.
        result = (
            self.env["crisis.incident"]
            .with_user(self.lead)
            .log_war_room_message(message.id)
        )
        self.assertIn("Brand in Halle 2", result["incident"])
        # A message of another conversation is refused.
        other = self.env["discuss.channel"].create(
            {"name": "Kantine", "channel_type": "channel"}
        )
        foreign = other.message_post(body="Mittagessen", message_type="comment")
        with self.assertRaises(UserError):
            incident.with_user(self.lead).action_log_channel_message(foreign.id)
        # Anything but a message id is refused, not a server error.
        for bad in ("1", None, -1, 2**40, [message.id]):
            with self.assertRaises(UserError):
                incident.with_user(self.lead).action_log_channel_message(bad)
        # Whoever may not change the incident cannot write its log.
        with self.assertRaises(AccessError):
            incident.with_user(self.hotline).action_log_channel_message(message.id)

    def test_shift_ends_with_a_handover_to_the_next_on_the_role(self):
        incident = self._activated()
        now = fields.Datetime.now()
        Shift = self.env["crisis.incident.shift"].with_user(self.lead)
        first = Shift.create(
            {
                "incident_id": incident.id,
                "user_id": self.speaker.id,
                "role": "spokesperson",
                "date_start": now,
                "date_end": now + timedelta(hours=8),
            }
        )
        second = Shift.create(
            {
                "incident_id": incident.id,
                "user_id": self.speaker_deputy.id,
                "role": "spokesperson",
                "date_start": now + timedelta(hours=8),
                "date_end": now + timedelta(hours=16),
            }
        )
        for bad in ("  ", None, ["note"]):
            with self.assertRaises(UserError):
                first.action_end(bad)
        with self.assertRaises(AccessError):
            first.write({"handover_note": "direct"})
        with self.assertRaises(AccessError):
            first.with_user(self.hotline).action_end("Übergabe")
        wizard = (
            self.env["crisis.incident.shift.end"]
            .with_user(self.lead)
            .create(
                {
                    "shift_id": first.id,
                    "handover_note": "Pressekonferenz um 16 Uhr zugesagt.",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(first.state, "ended")
        self.assertEqual(first.handover_note, "Pressekonferenz um 16 Uhr zugesagt.")
        log = self._log_bodies(incident)
        self.assertIn(
            "Shift of Sven Sprecher (Spokesperson) ended. Handover to Petra Presse", log
        )
        # Read in German, whatever language the shift was ended in.
        german = "\n".join(
            incident.sudo().log_ids.with_context(lang="de_DE").mapped("body_display")
        )
        self.assertIn(
            "Schicht von Sven Sprecher (Sprecherin/Sprecher) beendet. Übergabe an "
            "Petra Presse: Pressekonferenz um 16 Uhr zugesagt.",
            german,
        )
        self.assertIn(f"Lageraum eröffnet: Lageraum {incident.reference}", german)
        activity = incident.sudo().activity_ids.filtered(
            lambda a: (
                a.user_id == self.speaker_deputy and "Handover" in (a.summary or "")
            )
        )
        self.assertIn("Pressekonferenz", str(activity.note))
        self.assertEqual(second.state, "planned")
        with self.assertRaises(ValidationError):
            Shift.create(
                {
                    "incident_id": incident.id,
                    "user_id": self.speaker.id,
                    "role": "spokesperson",
                    "date_start": now,
                    "date_end": now - timedelta(hours=1),
                }
            )


@tagged("post_install", "-at_install")
class TestAlarmPage(HttpCase, CrisisAlarmCommon):
    browser_size = "390x844"

    def setUp(self):
        super().setUp()
        self.incident = self._activated()
        self.line = self._lines(self.incident, self.speaker)
        self.url = f"/crisis/alarm/{self.line.access_token}"

    def test_get_shows_and_changes_nothing(self):
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Ich komme später", response.text)  # the speaker reads German
        self.assertIn('name="answer" value="coming"', response.text)
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.line.invalidate_recordset()
        self.assertFalse(self.line.answer)
        self.assertEqual(self.line.state, "notified")

    def test_post_answers_without_login(self):
        response = self.url_open(
            self.url, data={"answer": "later", "eta_minutes": "45"}
        )
        self.assertEqual(response.status_code, 200)
        self.line.invalidate_recordset()
        self.assertEqual((self.line.answer, self.line.eta_minutes), ("later", 45))
        response = self.url_open(self.url, data={"answer": "unavailable"})
        self.line.invalidate_recordset()
        self.assertEqual(self.line.answer, "unavailable")
        self.assertTrue(self._lines(self.incident, self.speaker_deputy))

    def test_unknown_tokens_404_and_bad_answers_400(self):
        last = "Q" if self.line.access_token[-1] != "Q" else "R"
        for token in ("x" * 24, self.line.access_token[:-1] + last, "short"):
            self.assertEqual(self.url_open(f"/crisis/alarm/{token}").status_code, 404)
            response = self.url_open(
                f"/crisis/alarm/{token}", data={"answer": "coming"}
            )
            self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.url_open(self.url, data={"answer": "maybe"}).status_code, 400
        )
        for data in (
            {"answer": "coming\x00"},
            {"answer": "later", "eta_minutes": "1\x00"},
        ):
            response = self.url_open(self.url, data=data)
            self.assertEqual(response.status_code, 400)
            self.assertNotIn("Traceback", response.text)
        long_url = "/crisis/alarm/" + "A" * 5000
        self.assertEqual(self.url_open(long_url).status_code, 400)
        response = self.url_open(
            self.url, data={"answer": "later", "eta_minutes": "-5"}
        )
        self.assertEqual(response.status_code, 200)
        self.line.invalidate_recordset()
        self.assertFalse(self.line.answer)

    def test_tour_on_a_phone(self):
        self.speaker.lang = "en_US"
        self.start_tour(self.url, "crisis_management_alarm_tour")
        self.line.invalidate_recordset()
        self.assertEqual(self.line.answer, "coming")
        self.assertEqual(self.line.answer_count, 2)


@tagged("post_install", "-at_install")
class TestDemoRoster(TransactionCase):
    """In the demo, activating a critical incident alarms the roster."""

    def test_demo_critical_incident_alarms_the_standing_team(self):
        krisenstab = self.env.ref("crisis_management.user_krisenstab_demo")
        sprecher = self.env.ref("crisis_management.user_sprecher_demo")
        hotline = self.env.ref("crisis_management.user_hotline_demo")
        incident = (
            self.env["crisis.incident"]
            .with_user(krisenstab)
            .create({"name": "Demo-Alarm", "severity": "critical", "lead_id": False})
        )
        incident.action_activate()
        lines = incident.sudo().alarm_line_ids
        self.assertEqual(lines.user_id, krisenstab | sprecher | hotline)
        self.assertEqual(incident.lead_id, krisenstab)
        subject = (
            self.env["mail.mail"]
            .sudo()
            .search([("email_to", "ilike", sprecher.email)], limit=1)
            .subject
        )
        self.assertIn("in den Krisenstab gerufen", subject)
        self.assertIn(
            "Hotline",
            " ".join(self.env.ref("base.main_company")._crisis_roster_readiness()),
        )


@tagged("post_install", "-at_install")
class TestWarRoomTour(HttpCase, CrisisAlarmCommon):
    def test_one_click_takes_a_war_room_message_into_the_log(self):
        incident = self._activated()
        channel = incident.sudo().discuss_channel_id
        channel.with_user(self.speaker).message_post(
            body="Feuerwehr meldet: Brand gelöscht",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.start_tour(
            f"/odoo/discuss?active_id=discuss.channel_{channel.id}",
            "crisis_management_war_room_tour",
            login="al_lead",
        )
        entry = incident.sudo().log_ids.filtered(lambda e: "Feuerwehr meldet" in e.body)
        self.assertEqual(len(entry), 1)
        self.assertIn("Sven Sprecher", entry.body)
