# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.crisis_management.tests.common import CrisisCommon


@tagged("post_install", "-at_install")
class TestMarketingFreeze(CrisisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company of its own: the demo company is already in crisis mode.
        cls.company = cls.env["res.company"].create({"name": "Krisenfest GmbH"})
        cls.user_marketing = new_test_user(
            cls.env,
            login="marketing",
            name="Mia Marketing",
            groups="mass_mailing.group_mass_mailing_user",
        )
        users = (
            cls.user_crisis
            | cls.user_manager
            | cls.user_manager2
            | cls.user_admin
            | cls.user_employee
            | cls.user_marketing
        )
        users.write(
            {
                "company_ids": [Command.link(cls.company.id)],
                "company_id": cls.company.id,
            }
        )
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Kunde Klaus", "email": "klaus@example.com"}
        )

    def _mailing(self, subject="Frühlingsangebote", **values):
        vals = {
            "subject": subject,
            "body_html": "<p>Alles muss raus!</p>",
            "mailing_model_id": self.env.ref("base.model_res_partner").id,
            "mailing_domain": repr([("id", "=", self.customer.id)]),
            "email_from": "marketing@example.com",
            "user_id": self.user_marketing.id,
        }
        vals.update(values)
        return self.env["mailing.mailing"].with_user(self.user_marketing).create(vals)

    def _marketing_crisis_user(self, login, *other_companies):
        """Someone who sends mailings and is on the crisis team, of this
        company (and of ``other_companies``)."""
        companies = self.company.union(*other_companies)
        return new_test_user(
            self.env,
            login=login,
            groups="mass_mailing.group_mass_mailing_user,"
            "crisis_management.group_crisis_manager",
            company_id=self.company.id,
            company_ids=[Command.set(companies.ids)],
        )

    def _sent_mails(self, mailing):
        """What mass_mailing recorded as sent (its mails are deleted once
        sent, their traces stay)."""
        return (
            self.env["mailing.trace"]
            .sudo()
            .search(
                [("mass_mailing_id", "=", mailing.id), ("trace_status", "!=", "cancel")]
            )
        )

    def _run_queue(self):
        self.env["mailing.mailing"].sudo()._process_mass_mailing_queue()

    def _crisis(self):
        incident = self._create_incident(company_id=self.company.id)
        incident.with_user(self.user_manager).action_activate()
        self.assertTrue(self.company.crisis_mode)
        return incident

    def _end(self, incident):
        incident = incident.with_user(self.user_manager)
        incident.action_contain()
        incident.action_resolve()
        incident.action_close()
        self.assertFalse(self.company.crisis_mode)

    def test_crisis_mode_holds_scheduled_and_queued_mailings(self):
        later = self._mailing(
            schedule_type="scheduled",
            schedule_date=fields.Datetime.now() + timedelta(hours=2),
        )
        later.action_schedule()
        queued = self._mailing("Newsletter Mai")
        queued.action_launch()
        draft = self._mailing("Entwurf")
        self.assertEqual((later | queued).mapped("state"), ["in_queue", "in_queue"])
        incident = self._crisis()
        self.assertTrue(later.crisis_frozen)
        self.assertTrue(queued.crisis_frozen)
        self.assertFalse(draft.crisis_frozen)
        self.assertIn("Krisenfest GmbH is in crisis mode", queued.crisis_frozen_reason)
        self.assertIn(
            "Marketing freeze",
            " ".join(
                incident.log_ids.filtered(lambda e: e.kind == "communication").mapped(
                    "body"
                )
            ),
        )
        self._run_queue()
        self.assertFalse(self._sent_mails(queued))
        self.assertEqual(queued.state, "in_queue")
        # Sending directly is held too.
        queued.sudo().action_send_mail()
        self.assertFalse(self._sent_mails(queued))
        self.assertNotEqual(queued.state, "done")

    def test_mailing_queued_during_crisis_is_held_at_once(self):
        self._crisis()
        mailing = self._mailing()
        mailing.action_launch()
        self.assertTrue(mailing.crisis_frozen)
        self._run_queue()
        self.assertFalse(self._sent_mails(mailing))

    def test_crisis_communication_is_not_held(self):
        incident = self._crisis()
        mailing = self._mailing("Information zum Brand")
        with self.assertRaises(AccessError):
            mailing.write({"crisis_incident_id": incident.id})
        # The crisis team marks it, when they may send mailings too.
        both = self._marketing_crisis_user("marketing_crisis")
        mailing.with_user(both).write({"crisis_incident_id": incident.id})
        mailing.action_launch()
        self.assertFalse(mailing.crisis_frozen)
        self._run_queue()
        self.assertEqual(mailing.state, "done")
        self.assertTrue(self._sent_mails(mailing))

    def test_not_marked_with_a_confidential_incident_of_another_team(self):
        """Marking a marketing mailing as crisis communication of a
        confidential incident whose team one is not on is refused: it would
        lift the freeze and show the incident's name."""
        self._crisis()
        secret = self._create_incident(
            name="Geheime Erpressung 9911",
            company_id=self.company.id,
            is_confidential=True,
            lead_id=self.user_manager2.id,
        )
        both = self._marketing_crisis_user("marketing_crisis_outside")
        mailing = self._mailing("Frühlingsangebote")
        with self.assertRaises(AccessError):
            mailing.with_user(both).write({"crisis_incident_id": secret.id})
        self.assertFalse(mailing.sudo().crisis_incident_id)
        mailing.action_launch()
        self._run_queue()
        self.assertTrue(mailing.crisis_frozen)
        self.assertFalse(self._sent_mails(mailing))

    def test_incident_of_another_company_does_not_lift_the_freeze(self):
        """Marked as crisis communication of another company's incident, a
        marketing mailing of the company in crisis mode stays held."""
        self._crisis()
        other = self.env["res.company"].create({"name": "Andere Tochter GmbH"})
        elsewhere = self._create_incident(
            name="Rückruf Tochter", company_id=other.id, lead_id=False
        )
        both = self._marketing_crisis_user("marketing_crisis_two", other)
        mailing = self._mailing("Frühlingsangebote")
        mailing.with_user(both).with_context(
            allowed_company_ids=both.company_ids.ids
        ).write({"crisis_incident_id": elsewhere.id})
        mailing.action_launch()
        self._run_queue()
        self.assertTrue(mailing.crisis_frozen)
        self.assertFalse(self._sent_mails(mailing))

    def test_responsible_of_a_calm_company_does_not_lift_the_freeze(self):
        """Attack: marketing names a responsible from a company that is not
        in crisis mode; the mailing still goes to this company's contacts
        and must stay held."""
        self._crisis()
        calm = self.env["res.company"].create({"name": "Ruhige Tochter GmbH"})
        elsewhere = new_test_user(
            self.env,
            login="freeze_elsewhere",
            name="Otto Tochter",
            company_id=calm.id,
            company_ids=[Command.set(calm.ids)],
        )
        mailing = self._mailing("Frühjahrsrabatt")
        mailing.write({"user_id": elsewhere.id})
        mailing.action_launch()
        self._run_queue()
        self.assertFalse(self._sent_mails(mailing))
        self.assertNotEqual(mailing.state, "done")

    def test_sending_a_draft_directly_is_refused(self):
        """Attack: mass_mailing's action_send_mail sends a draft at once,
        past the queue that holds mailings. During crisis mode it is refused
        and nothing is sent; after the crisis it sends again."""
        draft = self._mailing("Sommerschlussverkauf")
        incident = self._crisis()
        with self.assertRaisesRegex(UserError, "Krisenfest GmbH is in crisis mode"):
            draft.action_send_mail()
        self.assertFalse(self._sent_mails(draft))
        self.assertEqual(draft.state, "draft")
        with self.assertRaisesRegex(UserError, "„Sommerschlussverkauf“ wurde nicht"):
            draft.with_context(lang="de_DE").action_send_mail()
        self._end(incident)
        draft.action_send_mail()
        self.assertEqual(draft.state, "done")
        self.assertTrue(self._sent_mails(draft))

    def test_system_mailing_with_a_calm_responsible_stays_held(self):
        """Attack: a mailing the system created (an import, an automation)
        has no author of a company; marketing names a responsible of a calm
        company and sends it. Whoever changed it last counts: it is held."""
        self._crisis()
        calm = self.env["res.company"].create({"name": "Stille Tochter GmbH"})
        elsewhere = new_test_user(
            self.env,
            login="freeze_calm_system",
            company_id=calm.id,
            company_ids=[Command.set(calm.ids)],
        )
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Herbstaktion",
                "body_html": "<p>Alles muss raus!</p>",
                "mailing_model_id": self.env.ref("base.model_res_partner").id,
                "mailing_domain": repr([("id", "=", self.customer.id)]),
                "email_from": "marketing@example.com",
            }
        )
        self.assertTrue(mailing.create_uid._is_superuser())
        mailing = mailing.with_user(self.user_marketing)
        mailing.write({"user_id": elsewhere.id})
        mailing.action_launch()
        self._run_queue()
        self.assertTrue(mailing.crisis_frozen)
        self.assertFalse(self._sent_mails(mailing))

    def test_freeze_fields_refused_to_everyone(self):
        mailing = self._mailing()
        for vals in (
            {"crisis_frozen": True},
            {"crisis_date_frozen": fields.Datetime.now()},
        ):
            with self.assertRaises(AccessError):
                mailing.write(vals)
            with self.assertRaises(AccessError):
                mailing.with_user(self.user_admin).write(vals)
        with self.assertRaises(AccessError):
            self._mailing("Anders", crisis_frozen=True)

    def test_end_of_crisis_offers_release_or_cancel_to_crisis_admin(self):
        incident = self._crisis()
        keep = self._mailing("Newsletter Mai")
        keep.action_launch()
        drop = self._mailing("Rabattaktion")
        drop.action_launch()
        self.assertTrue(keep.crisis_frozen and drop.crisis_frozen)
        # Nobody releases during the crisis; marketing never.
        with self.assertRaisesRegex(UserError, "still in crisis mode"):
            keep.with_user(self.user_admin).action_crisis_release()
        self.env["res.lang"]._activate_lang("de_DE")
        self.user_admin.lang = "de_DE"
        self._end(incident)
        self.assertTrue(keep.crisis_frozen, "still held until the admin decides")
        activities = incident.activity_ids.filtered(
            lambda a: a.user_id == self.user_admin
        )
        self.assertEqual(len(activities), 1)
        self.assertIn("Newsletter Mai", activities.note)
        # In the admin's language.
        self.assertIn("im Krisenmodus zurückgehalten", activities.note)
        self.assertEqual(
            activities.summary,
            "Zurückgehaltene Marketing-Mailings freigeben oder abbrechen",
        )
        # A crisis admin of another company decides nothing here.
        other_company = self.env["res.company"].create({"name": "Tochter GmbH"})
        other_admin = new_test_user(
            self.env,
            login="other_crisis_admin",
            groups="base.group_user,crisis_management.group_crisis_admin",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        with self.assertRaises(AccessError):
            keep.with_user(other_admin).action_crisis_release()
        with self.assertRaises(AccessError):
            drop.with_user(other_admin).action_crisis_cancel()
        self.assertTrue(keep.crisis_frozen and drop.crisis_frozen)
        for user in (self.user_marketing, self.user_manager):
            with self.assertRaises(AccessError):
                keep.with_user(user).action_crisis_release()
            with self.assertRaises(AccessError):
                drop.with_user(user).action_crisis_cancel()
        # The crisis admin's list shows them, without marketing rights.
        held = (
            self.env["mailing.mailing"]
            .with_user(self.user_admin)
            .search([("crisis_frozen", "=", True)])
        )
        self.assertIn(keep, held)
        self.assertIn(drop, held)
        self.assertEqual(held.filtered(lambda m: m == keep).subject, "Newsletter Mai")
        keep.with_user(self.user_admin).action_crisis_release()
        drop.with_user(self.user_admin).action_crisis_cancel()
        self.assertFalse(keep.crisis_frozen)
        self.assertFalse(drop.crisis_frozen)
        self.assertEqual(drop.state, "draft")
        self.assertFalse(drop.schedule_date)
        self._run_queue()
        self.assertEqual(keep.state, "done")
        self.assertTrue(self._sent_mails(keep))
        self.assertFalse(self._sent_mails(drop))
        with self.assertRaisesRegex(UserError, "not held"):
            keep.with_user(self.user_admin).action_crisis_release()

    def test_reason_in_german(self):
        self._crisis()
        mailing = self._mailing()
        mailing.action_launch()
        self.user_marketing.lang = "de_DE"
        self.env["res.lang"]._activate_lang("de_DE")
        reason = mailing.with_user(self.user_marketing).with_context(lang="de_DE")
        self.assertIn("im Krisenmodus", reason.crisis_frozen_reason)

    def test_freeze_log_entries_read_in_the_readers_language(self):
        """The crisis log's freeze and release entries are written once and
        read by each reader in their own language; the chain stays intact."""
        self.env["res.lang"]._activate_lang("de_DE")
        incident = self._crisis()
        queued = self._mailing("Newsletter Mai")
        queued.action_launch()
        self._end(incident)
        entries = incident.log_ids.filtered(
            lambda e: e.kind == "communication" and "Newsletter Mai" in (e.body or "")
        ).sorted("sequence")
        self.assertEqual(len(entries), 2)
        english = entries.with_context(lang="en_US").mapped("body_display")
        german = entries.with_context(lang="de_DE").mapped("body_display")
        self.assertEqual(
            english[0], "Marketing freeze: 1 mailing(s) held: Newsletter Mai."
        )
        self.assertEqual(
            german[0], "Marketing-Stopp: 1 Mailing(s) zurückgehalten: Newsletter Mai."
        )
        self.assertIn("were held during crisis mode", english[1])
        self.assertIn("im Krisenmodus zurückgehalten", german[1])
        self.assertTrue(incident.verify_log()["ok"])

    def test_held_list_opens_for_crisis_admin_without_marketing_rights(self):
        self._crisis()
        mailing = self._mailing()
        mailing.action_launch()
        action = self.env.ref("crisis_mass_mailing.mailing_mailing_action_crisis_held")
        Mailing = self.env["mailing.mailing"].with_user(self.user_admin)
        views = Mailing.get_views(
            [(v.view_id.id, v.view_mode) for v in action.view_ids]
        )
        fields_shown = views["models"]["mailing.mailing"]["fields"]
        records = Mailing.web_search_read(
            [("crisis_frozen", "=", True)],
            {name: {} for name in fields_shown},
        )["records"]
        self.assertIn(mailing.id, [r["id"] for r in records])
        form = Mailing.browse(mailing.id).web_read({name: {} for name in fields_shown})
        self.assertIn("crisis mode", form[0]["crisis_frozen_reason"])
        # Marketing sees the reason on its own form.
        marketing_views = (
            self.env["mailing.mailing"]
            .with_user(self.user_marketing)
            .get_views([(False, "form")])
        )
        self.assertIn(
            "crisis_frozen_reason",
            marketing_views["models"]["mailing.mailing"]["fields"],
        )
        # Nobody else gets the list.
        with self.assertRaises(AccessError):
            self.env["mailing.mailing"].with_user(self.user_crisis).search([])
