# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The first hour: holding statements and the dark site, the update cadence
and the legal deadlines (issue 24, points 1-3)."""

from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.bus.tests.common import WebsocketCase

from .common import CrisisMessageCommon
from .test_situation_dashboard_tour import dispatch_bus_on_commit

T0 = datetime(2026, 11, 30, 9, 0, 0)


def at(minutes=0, hours=0):
    return T0 + timedelta(minutes=minutes, hours=hours)


class FirstHourCommon(CrisisMessageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.phone = "+49 231 555000"
        cls.company.partner_id.tz = "Europe/Berlin"
        cls.incident_type = cls.env["crisis.incident.type"].create(
            {"name": "Gas leak", "code": "test_gas_leak"}
        )
        cls.env.ref("base.user_admin").lang = "en_US"

    def _template(self, approve=True, **values):
        """A holding statement template written by one crisis manager and
        approved by the other."""
        vals = {
            "name": "{incident}: what we know",
            "kind": "holding_statement",
            "incident_type_id": self.incident_type.id,
            "body": "<p>Since {time}: {incident}. Hotline {hotline}. "
            "Updates on {page_url}.</p>",
            "sms_text": "{incident}: hotline {hotline}",
        }
        vals.update(values)
        Message = self.env["crisis.message"].with_user(self.user_manager)
        template = Message.with_context(lang="en_US").create(vals)
        template.write(
            {
                "name_de": "{incident}: was wir wissen",
                "body_de": "<p>Seit {time}: {incident}. Hotline {hotline}. "
                "Aktuelles auf {page_url}.</p>",
                "sms_text_de": "{incident}: Hotline {hotline}",
            }
        )
        if approve:
            template.action_submit()
            template.with_user(self.user_manager2).action_approve()
        return template

    def _page_html(self, incident, lang):
        """The public page as the controller renders it for ``lang``."""
        incident = incident.sudo()
        code = "de_DE" if lang == "de" else "en_US"
        values = dict(
            incident._page_values(lang),
            incident=incident.with_context(lang=code),
            company=incident.company_id,
            color=incident._page_color(),
            html_lang=code.replace("_", "-"),
            csrf_token="test",
        )
        return str(
            self.env["ir.qweb"]
            .with_context(lang=code)
            ._render("crisis_management.crisis_page", values)
        )

    def _typed_incident(self, **values):
        vals = {
            "incident_type_id": self.incident_type.id,
            "public_name_en": "Gas leak in hall 3",
            "public_name_de": "Gasleck in Halle 3",
        }
        vals.update(values)
        return self._create_incident(**vals).with_user(self.user_manager)


class TestHoldingStatements(FirstHourCommon):
    def test_template_four_eyes_and_rights(self):
        template = self._template(approve=False)
        self.assertTrue(template.is_template)
        template.action_submit()
        with self.assertRaises(UserError):
            template.action_approve()  # the writer himself
        # A hotline user reads but neither edits nor approves nor creates.
        as_hotline = template.with_user(self.user_crisis)
        with self.assertRaises(AccessError):
            as_hotline.write({"name": "Changed by the hotline"})
        with self.assertRaises(AccessError):
            as_hotline.action_approve()
        with self.assertRaises(AccessError):
            self.env["crisis.message"].with_user(self.user_crisis).create(
                {"name": "x", "incident_type_id": self.incident_type.id}
            )
        template.with_user(self.user_manager2).action_approve()
        self.assertEqual(template.state, "approved")

    def test_activation_copies_approved_and_fills_placeholders(self):
        self._template()
        self._template(approve=False, name="Unapproved", sequence=20)
        incident = self._typed_incident(hotline_phone="+49 800 112112")
        with freeze_time(T0):
            incident.action_activate()
        copies = incident.crisis_message_ids
        self.assertEqual(len(copies), 1, "the unapproved template is not copied")
        statement = copies.sudo()
        self.assertEqual(statement.state, "approved")
        self.assertFalse(statement.is_template)
        en = statement.with_context(lang="en_US")
        de = statement.with_context(lang="de_DE")
        self.assertEqual(en.name, "Gas leak in hall 3: what we know")
        self.assertEqual(de.name, "Gasleck in Halle 3: was wir wissen")
        token = incident.sudo().page_token
        for text in (en.body, de.body, en.sms_text, de.sms_text):
            self.assertNotIn("{", text)
            self.assertIn("+49 800 112112", text)
        self.assertIn(token, en.body)
        self.assertIn("Seit 30. November 2026, 10:00", de.body)
        self.assertIn("November 30, 2026, 10:00", en.body)
        logs = incident.sudo().log_ids.mapped("body")
        self.assertTrue(any("was not copied" in body for body in logs))
        self.assertTrue(
            any("copied from the approved template" in body for body in logs)
        )
        # Without a dark site the page stays offline.
        self.assertFalse(incident.page_published)
        # A user's copy of the approved words is a draft.
        duplicate = copies.copy()
        self.assertEqual(duplicate.state, "draft")

    def test_templates_never_offered(self):
        self._template(
            kind="qa",
            name="Is the gas dangerous?",
            question="Is the zyklonite gas dangerous?",
            body="<p>Zyklonite gas: stay inside.</p>",
        )
        Message = self.env["crisis.message"].with_user(self.user_crisis)
        self.assertFalse(Message.search_answers(False, "zyklonite"))
        self.assertFalse(Message.search_answers(self.incident.id, "zyklonite"))
        # The incident's copy is offered.
        incident = self._typed_incident()
        incident.action_activate()
        self.assertEqual(
            Message.search_answers(incident.id, "zyklonite"),
            incident.crisis_message_ids,
        )
        inquiry_domain = self.env["crisis.inquiry"]._fields["answer_message_id"].domain
        inquiry_domain = safe_eval(inquiry_domain, {"incident_id": incident.id})
        offered = Message.search(inquiry_domain)
        self.assertIn(incident.crisis_message_ids, offered)
        self.assertFalse(offered.filtered("is_template"))
        # The broadcast form's picker.
        arch = self.env["crisis.communication"].get_view(view_type="form")["arch"]
        node = etree.fromstring(arch).xpath("//field[@name='message_id']")[0]
        picker = Message.with_user(self.user_manager).search(
            safe_eval(node.get("domain"), {"incident_id": incident.id})
        )
        self.assertIn(incident.crisis_message_ids, picker)
        self.assertFalse(picker.filtered("is_template"))

    def test_template_itself_is_never_sent(self):
        """Past the pickers, over RPC: the template is refused, nothing queued."""
        template = self._template()
        comm = (
            self.env["crisis.communication"]
            .with_user(self.user_manager)
            .create(
                {
                    "incident_id": self.incident.id,
                    "message_id": template.id,
                    "channel_email": True,
                    "audience_partner_ids": [(6, 0, self.user_crisis.partner_id.ids)],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "template"):
            comm.with_user(self.user_manager).action_send()
        self.assertEqual(comm.state, "draft")
        self.assertFalse(comm.recipient_ids)

    def test_dark_site_publishes_first_statement(self):
        self.incident_type.dark_site = True
        self._template(sequence=1)
        self._template(name="Second", sequence=2)
        incident = self._typed_incident()
        with freeze_time(T0):
            incident.action_activate()
        incident = incident.sudo()
        self.assertTrue(incident.page_published)
        update = incident.update_ids
        self.assertEqual(len(update), 1)
        self.assertTrue(update.is_published)
        self.assertEqual(
            update.with_context(lang="de_DE").name, "Gasleck in Halle 3: was wir wissen"
        )
        self.assertEqual(
            update.with_context(lang="en_US").name, "Gas leak in hall 3: what we know"
        )
        first = incident.crisis_message_ids.sorted("sequence")[0]
        self.assertEqual(first.state, "published")
        # The public reads it in both languages.
        for lang, words in (("de", "Seit 30. November"), ("en", "Since November 30")):
            self.assertIn(words, self._page_html(incident, lang))

    def test_dark_site_keeps_a_confidential_incident_private(self):
        """A confidential incident without a public title is activated, its
        statements prepared, but its page does not go public by itself."""
        self.incident_type.dark_site = True
        self._template(sequence=1)
        incident = self._typed_incident(
            name="Erpressung Geheim-5150",
            is_confidential=True,
            public_name_en=False,
            public_name_de=False,
        )
        incident.action_activate()
        incident = incident.sudo()
        self.assertEqual(incident.state, "active")
        self.assertFalse(incident.page_published)
        self.assertFalse(incident.update_ids)
        self.assertIn(
            "Dark site not published",
            " ".join(incident.log_ids.mapped("body")),
        )


class TestUpdateCadence(FirstHourCommon):
    def setUp(self):
        super().setUp()
        self.incident_type.write(
            {"update_interval_minutes": 60, "update_interval_critical_minutes": 30}
        )
        self.env["crisis.incident.member"].create(
            {
                "incident_id": self.incident.id,
                "user_id": self.user_manager2.id,
                "role": "spokesperson",
            }
        )

    def _activities(self, incident, user):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "crisis.incident"),
                ("res_id", "=", incident.id),
                ("user_id", "=", user.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref(
                        "crisis_management.mail_activity_type_crisis_update_due"
                    ).id,
                ),
            ]
        )

    def test_next_update_due_by_severity_and_updates(self):
        incident = self._typed_incident(severity="major")
        self.assertFalse(incident.next_update_due)
        with freeze_time(T0):
            incident.action_activate()
        self.assertEqual(incident.next_update_due, at(60))
        incident.severity = "critical"
        self.assertEqual(incident.next_update_due, at(30))
        update = self.env["crisis.incident.update"].create(
            {"incident_id": incident.id, "name": "Update", "body": "<p>News</p>"}
        )
        with freeze_time(at(20)):
            update.with_user(self.user_manager).action_publish()
        self.assertEqual(incident.next_update_due, at(50))
        incident.action_resolve()
        self.assertFalse(incident.next_update_due)

    def test_spokesperson_reminded_once_when_due(self):
        incident = self.incident.with_user(self.user_manager)
        incident.sudo().incident_type_id = self.incident_type
        with freeze_time(T0):
            incident.action_activate()
        self.assertEqual(incident.next_update_due, at(30))  # critical
        Incident = self.env["crisis.incident"]
        with freeze_time(at(29)):
            Incident._cron_update_due()
        self.assertFalse(self._activities(incident, self.user_manager2))
        self.env["bus.bus"].sudo().search([]).unlink()
        with freeze_time(at(31)):
            Incident._cron_update_due()
            Incident._cron_update_due()
        self.env.cr.precommit.run()
        activity = self._activities(incident, self.user_manager2)
        self.assertEqual(len(activity), 1, "reminded once per due time")
        notes = self.env["bus.bus"].sudo().search([])
        self.assertTrue(
            any(
                "simple_notification" in note.message
                and "Public update due" in note.message
                for note in notes
            )
        )
        [entry] = incident.sudo().log_ids.filtered(
            lambda e: "Public update overdue" in e.body
        )
        # Read in each reader's language and the incident's local time.
        promised = at(30)
        incident = incident.sudo()
        for lang, words in (
            ("de_DE", "Öffentliche Meldung überfällig (versprochen für %s)"),
            ("en_US", "Public update overdue (promised for %s)"),
        ):
            when = incident._page_format_date(promised, lang, short=True)
            self.assertIn(words % when, entry.with_context(lang=lang).body_display)
        self.assertIn("10:30", when)
        # The wall shows it overdue.
        with freeze_time(at(35)):
            values = incident.get_situation_dashboard()
        section = next(s for s in values["sections"] if s["key"] == "update_cadence")
        self.assertEqual(section["figures"][0]["level"], "danger")
        self.assertIn("5 min overdue", section["figures"][0]["value"])
        self.assertEqual(values["incident"]["next_update_due"], "2026-11-30 09:30:00")

    def test_wall_counts_down_and_page_promises(self):
        incident = self._typed_incident(severity="major")
        with freeze_time(T0):
            incident.action_activate()
            incident.action_publish_page()
        with freeze_time(at(15)):
            section = next(
                s
                for s in incident.get_situation_dashboard()["sections"]
                if s["key"] == "update_cadence"
            )
        self.assertEqual(section["figures"][0]["value"], "45 min")
        with freeze_time(at(20)):
            section = next(
                s
                for s in incident.get_situation_dashboard()["sections"]
                if s["key"] == "update_cadence"
            )
        self.assertEqual(section["figures"][0]["value"], "40 min")
        for lang, words in (
            ("de", "Nächste Aktualisierung spätestens:"),
            ("en", "Next update by:"),
        ):
            html = self._page_html(incident, lang)
            self.assertIn(words, html)
            self.assertIn("2026-11-30T10:00:00Z", html)


class TestDeadlines(FirstHourCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule_art33 = cls.env.ref("crisis_management.deadline_rule_gdpr_art33")
        cls.rule_nis2 = cls.env.ref(
            "crisis_management.deadline_rule_nis2_early_warning"
        )
        cls.incident_type.deadline_rule_ids = cls.rule_art33 | cls.rule_nis2

    def _activated(self, **values):
        incident = self._typed_incident(
            situation="<p>Export of 1,200 customer e-mail addresses readable.</p>",
            **values,
        )
        with freeze_time(T0):
            incident.action_activate()
        return incident

    def _deadline(self, incident, rule):
        return incident.sudo().deadline_ids.filtered(lambda d: d.rule_id == rule)

    def test_rules_data(self):
        Rule = self.env["crisis.deadline.rule"]
        hours = {r.code: r.hours for r in Rule.search([])}
        self.assertEqual(hours["gdpr_art33"], 72)
        self.assertEqual(hours["nis2_early_warning"], 24)
        self.assertEqual(hours["nis2_notification"], 72)
        self.assertEqual(hours["nis2_final_report"], 720)
        self.assertIn("gdpr_art34", hours)
        self.assertIn("product_safety", hours)
        self.assertEqual(
            self.rule_art33.with_context(lang="de_DE").name,
            "DSGVO Art. 33: Meldung an die Aufsichtsbehörde",
        )

    def test_activation_starts_deadlines_from_awareness(self):
        incident = self._activated()
        self.assertEqual(incident.date_aware, T0)
        self.assertEqual(
            self._deadline(incident, self.rule_art33).date_due, at(hours=72)
        )
        self.assertEqual(
            self._deadline(incident, self.rule_nis2).date_due, at(hours=24)
        )
        # Aware earlier than activated: the open clocks move.
        incident.date_aware = at(hours=-10)
        self.assertEqual(
            self._deadline(incident, self.rule_art33).date_due, at(hours=62)
        )
        self.assertTrue(
            incident.sudo().log_ids.filtered(
                lambda e: "open legal deadlines were moved" in e.body
            )
        )
        # Not in the future: the clocks would be pushed back.
        with freeze_time(T0), self.assertRaises(ValidationError):
            incident.date_aware = at(hours=5)
        self.assertTrue(
            incident.sudo().log_ids.filtered(
                lambda e: "Legal deadlines started" in e.body
            )
        )
        # A draft incident starts none.
        draft = self._typed_incident(date_aware=T0)
        self.assertFalse(draft.sudo().deadline_ids)

    def test_cron_reminds_before_and_marks_overdue_after(self):
        incident = self._activated()
        nis2 = self._deadline(incident, self.rule_nis2)  # 24 h, remind 6 h before
        Deadline = self.env["crisis.deadline"]
        activity_type = self.env.ref(
            "crisis_management.mail_activity_type_crisis_deadline"
        )

        def lead_activities():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "crisis.incident"),
                    ("res_id", "=", incident.id),
                    ("user_id", "=", self.user_manager.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )

        with freeze_time(at(hours=17)):
            Deadline._cron_deadline()
        self.assertFalse(nis2.date_reminded)
        with freeze_time(at(hours=19)):
            Deadline._cron_deadline()
            Deadline._cron_deadline()
        self.assertEqual(nis2.date_reminded, at(hours=19))
        self.assertEqual(len(lead_activities()), 1)
        # The log entry reads in each reader's language and the incident's
        # local time (it was written once, in the team's language, before).
        [entry] = incident.sudo().log_ids.filtered(
            lambda e: e.body.startswith("Deadline reminder")
        )
        english = entry.with_context(lang="en_US").body_display
        self.assertIn(f"is due {nis2._format_due('en_US')};", english)
        german = entry.with_context(lang="de_DE").body_display
        self.assertIn(nis2._format_due("de_DE"), german)
        self.assertNotIn("Deadline reminder", german)
        self.assertEqual(nis2.state, "open")
        with freeze_time(at(hours=25)):
            Deadline._cron_deadline()
        self.assertEqual(nis2.state, "overdue")
        self.assertEqual(len(lead_activities()), 2)
        self.assertTrue(
            incident.sudo().log_ids.filtered(lambda e: "is overdue" in e.body)
        )
        # The wall: one countdown per deadline.
        with freeze_time(at(hours=25)):
            section = next(
                s
                for s in incident.get_situation_dashboard()["sections"]
                if s["key"] == "deadlines"
            )
        figures = {f["key"]: f for f in section["figures"]}
        self.assertEqual(figures["deadline_gdpr_art33"]["value"], "1 d 23 h")
        self.assertEqual(figures["deadline_nis2_early_warning"]["level"], "danger")
        self.assertIn("overdue", figures["deadline_nis2_early_warning"]["value"])

    def test_done_with_evidence_by_the_crisis_team_only(self):
        incident = self._activated()
        art33 = self._deadline(incident, self.rule_art33)
        with self.assertRaises(AccessError):
            art33.with_user(self.user_crisis).action_done("Sent by the hotline")
        with self.assertRaises(AccessError):
            art33.with_user(self.user_crisis).write({"evidence": "forged"})
        as_lead = art33.with_user(self.user_manager)
        with self.assertRaises(UserError):
            as_lead.action_done()  # no evidence
        with self.assertRaises(AccessError):
            as_lead.write({"state": "done"})  # only the action
        with freeze_time(at(hours=30)):
            as_lead.action_done("Reported to LDI NRW, reference 2026-4711")
        self.assertEqual(art33.state, "done")
        self.assertTrue(art33.is_kept)
        self.assertEqual(art33.done_by_id, self.user_manager)
        self.assertTrue(
            incident.sudo().log_ids.filtered(
                lambda e: "2026-4711" in e.body and "kept" in e.body
            )
        )
        with self.assertRaises(UserError):
            as_lead.write({"evidence": "changed afterwards"})
        with self.assertRaises(UserError):
            as_lead.copy()

    def test_confidential_deadlines_only_for_the_team(self):
        incident = self._activated(is_confidential=True)
        Deadline = self.env["crisis.deadline"]
        self.assertEqual(
            len(
                Deadline.with_user(self.user_manager).search(
                    [("incident_id", "=", incident.id)]
                )
            ),
            2,
        )
        for outsider in (self.user_crisis, self.user_manager2):
            self.assertFalse(
                Deadline.with_user(outsider).search([("incident_id", "=", incident.id)])
            )
            with self.assertRaises(AccessError):
                incident.sudo().deadline_ids[0].with_user(outsider).read(["evidence"])

    def test_draft_notice_in_german_and_english(self):
        incident = self._activated()
        art33 = self._deadline(incident, self.rule_art33).with_user(self.user_manager)
        action = art33.action_draft_notice()
        self.assertEqual(action["res_id"], art33.id)
        de, en = action["notice"]["de_DE"], action["notice"]["en_US"]
        self.assertIn("1,200 customer e-mail addresses", en)
        self.assertIn(incident.reference, de)
        self.assertIn("(a) Nature of the breach", en)
        self.assertIn("(d) Measures taken or proposed", en)
        self.assertIn("(a) Art der Verletzung", de)
        self.assertIn("Datenschutzbeauftragten", de)
        self.assertIn("Max Krisenstab", en)
        self.assertTrue(art33.notice_de and art33.notice_en)
        nis2 = self._deadline(incident, self.rule_nis2).with_user(self.user_manager)
        texts = nis2.action_draft_notice()["notice"]
        self.assertNotIn("(a) Nature", texts["en_US"])
        self.assertIn("What happened", texts["en_US"])
        with self.assertRaises(AccessError):
            self._deadline(incident, self.rule_nis2).with_user(
                self.user_crisis
            ).action_draft_notice()


@tagged("post_install", "-at_install")
class TestFirstHourWallTour(WebsocketCase):
    """The live wall shows the update promise and the legal clocks and
    follows a deadline done elsewhere without a reload."""

    browser_size = "1920x1080"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company of its own, so that demo data cannot interfere.
        cls.company = cls.env["res.company"].create({"name": "Fristen GmbH"})
        cls.lead = new_test_user(
            cls.env,
            login="first_hour_lead",
            groups="crisis_management.group_crisis_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        incident_type = cls.env["crisis.incident.type"].create(
            {
                "name": "Datenpanne (Tour)",
                "code": "tour_breach",
                "update_interval_minutes": 60,
                "deadline_rule_ids": [
                    (
                        6,
                        0,
                        cls.env.ref("crisis_management.deadline_rule_gdpr_art33").ids,
                    )
                ],
            }
        )
        cls.incident = cls.env["crisis.incident"].create(
            {
                "name": "Tour-Datenpanne",
                "severity": "minor",
                "incident_type_id": incident_type.id,
                "company_id": cls.company.id,
                "lead_id": cls.lead.id,
            }
        )
        cls.incident.with_user(cls.lead).action_activate()

    def test_wall_counts_down(self):
        dispatch_bus_on_commit(self)
        self.start_tour(
            "/odoo/crisis-situation",
            "crisis_management_first_hour_wall_tour",
            login="first_hour_lead",
        )
        deadline = self.incident.deadline_ids
        self.assertEqual(deadline.state, "done")
        self.assertEqual(deadline.evidence, "Tour: LDI-4711")
