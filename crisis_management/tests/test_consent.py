# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CrisisMessageCommon


@tagged("post_install", "-at_install")
class TestConsent(CrisisMessageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anna = cls._partner(
            "Anna Nachbarin",
            "anna@example.com",
            "+49 151 11111111",
            types=[cls.type_neighbor],
        )
        cls.bert = cls._partner(
            "Bert Kunde",
            "bert@example.com",
            "+49 151 22222222",
            types=[cls.type_customer],
        )
        cls.emil = cls._partner(
            "Emil Mitarbeiter",
            "emil@example.com",
            "+49 151 33333333",
            types=[cls.type_employee],
        )

    def test_no_consent_no_contact(self):
        self.assertFalse(self.bert.crisis_can_contact("crisis_info", "email"))

    def test_consent_is_per_purpose_and_channel(self):
        self._consent(self.bert, "email")
        self.assertTrue(self.bert.crisis_can_contact("crisis_info", "email"))
        self.assertFalse(self.bert.crisis_can_contact("crisis_info", "sms"))
        self.assertFalse(self.bert.crisis_can_contact("press_distribution", "email"))

    def test_marketing_never_rides_on_crisis_consent(self):
        self._consent(self.bert, "email")
        self._consent(self.emil, "email", basis="vital_interest")
        self.assertFalse(self.bert.crisis_can_contact("marketing", "email"))
        self.assertFalse(
            self.emil.crisis_can_contact("marketing", "email", "safety_check")
        )
        self._consent(self.bert, "email", purpose=self.purpose_marketing)
        self.assertTrue(self.bert.crisis_can_contact("marketing", "email"))

    def test_withdrawal_keeps_history_and_blocks(self):
        consent = self._consent(self.bert, "email", source="Web form")
        duplicate = self._consent(self.bert, "email", source="Import")
        consent.with_user(self.user_crisis).action_withdraw()
        self.assertEqual(consent.state, "withdrawn")
        self.assertTrue(consent.date_withdrawn)
        # A withdrawal covers the duplicate of the same purpose and channel.
        self.assertEqual(duplicate.state, "withdrawn")
        self.assertFalse(self.bert.crisis_can_contact("crisis_info", "email"))
        # A new consent after the withdrawal is a new record; history stays.
        renewed = self._consent(self.bert, "email", source="Phone call")
        self.assertTrue(self.bert.crisis_can_contact("crisis_info", "email"))
        self.assertEqual(self.bert.crisis_consent_ids, consent | duplicate | renewed)
        self.assertEqual(self.bert.crisis_consent_count, 1)

    def test_consents_are_never_deleted_or_rewritten(self):
        consent = self._consent(self.bert, "email")
        with self.assertRaises(UserError):
            consent.unlink()
        with self.assertRaises(UserError):
            consent.sudo().unlink()
        with self.assertRaisesRegex(UserError, "evidence"):
            consent.write({"channel": "sms"})
        with self.assertRaises(UserError):
            consent.write({"state": "given", "date_withdrawn": False})
        # Evidence and source say how we know: they are evidence too.
        with self.assertRaisesRegex(UserError, "evidence"):
            consent.write({"evidence": "Scan of the signed form"})
        self.assertFalse(consent.evidence)

    def test_other_legal_bases_count_for_their_purpose(self):
        for basis in ("contract", "legal_obligation", "legitimate_interest"):
            partner = self._partner(f"Basis {basis}", f"{basis}@example.com")
            self._consent(partner, "email", purpose=self.purpose_press, basis=basis)
            self.assertTrue(
                partner.crisis_can_contact("press_distribution", "email"), basis
            )
            self.assertFalse(partner.crisis_can_contact("crisis_info", "email"), basis)

    def test_vital_interest_only_for_safety_checks(self):
        # Employees and neighbours: a safety check needs no consent...
        self.assertTrue(
            self.emil.crisis_can_contact("crisis_info", "sms", "safety_check")
        )
        self.assertTrue(
            self.anna.crisis_can_contact("crisis_info", "email", "safety_check")
        )
        # ... but an ordinary notice does, and customers are no vital-interest group.
        self.assertFalse(self.emil.crisis_can_contact("crisis_info", "sms", "notice"))
        self.assertFalse(
            self.bert.crisis_can_contact("crisis_info", "sms", "safety_check")
        )
        # An explicit vital-interest record counts for safety checks only.
        self._consent(self.bert, "sms", basis="vital_interest")
        self.assertTrue(
            self.bert.crisis_can_contact("crisis_info", "sms", "safety_check")
        )
        self.assertFalse(self.bert.crisis_can_contact("crisis_info", "sms", "notice"))

    def test_blacklists_are_honoured(self):
        self._consent(self.bert, "email")
        self._consent(self.bert, "sms")
        self._consent(self.bert, "letter")
        self.env["mail.blacklist"].sudo()._add("BERT@example.com")
        self.assertFalse(self.bert.crisis_can_contact("crisis_info", "email"))
        self.assertTrue(self.bert.crisis_can_contact("crisis_info", "sms"))
        self.env["phone.blacklist"].sudo()._add([self.bert.mobile])
        self.assertFalse(self.bert.crisis_can_contact("crisis_info", "sms"))
        self.assertTrue(self.bert.crisis_can_contact("crisis_info", "letter"))
        # Even a safety check respects an explicit blacklist on that channel.
        self.env["mail.blacklist"].sudo()._add("emil@example.com")
        self.assertFalse(
            self.emil.crisis_can_contact("crisis_info", "email", "safety_check")
        )
        self.assertTrue(
            self.emil.crisis_can_contact("crisis_info", "sms", "safety_check")
        )
        # Taking an address off the blacklist restores contact.
        self.env["mail.blacklist"].sudo()._remove("bert@example.com")
        self.assertTrue(self.bert.crisis_can_contact("crisis_info", "email"))

    def test_unknown_purpose_gives_no_basis(self):
        self._consent(self.bert, "email")
        self.assertFalse(self.bert.crisis_can_contact("no_such_purpose", "email"))

    def test_batched_rule_matches_single_rule(self):
        self._consent(self.bert, "email")
        partners = self.anna | self.bert | self.emil
        allowed = self.env["res.partner"]._crisis_contactable(
            partners, "crisis_info", "email", "safety_check"
        )
        self.assertEqual(allowed, {self.anna.id, self.bert.id, self.emil.id})
        allowed = self.env["res.partner"]._crisis_contactable(
            partners.ids, "crisis_info", "email"
        )
        self.assertEqual(allowed, {self.bert.id})
        self.assertEqual(
            self.env["res.partner"]._crisis_contactable([], "crisis_info", "email"),
            set(),
        )

    def test_batched_rule_uses_few_queries(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Massen {i}", "email": f"m{i}@example.com"} for i in range(300)]
        )
        self.env["crisis.consent"].create(
            [
                {
                    "partner_id": p.id,
                    "purpose_id": self.purpose_info.id,
                    "channel": "email",
                }
                for p in partners[:100]
            ]
        )
        self.env.flush_all()
        with self.assertQueryCount(4):
            allowed = self.env["res.partner"]._crisis_contactable(
                partners.ids, "crisis_info", "email"
            )
        self.assertEqual(allowed, set(partners[:100].ids))

    def test_plain_employee_cannot_read_consents(self):
        consent = self._consent(self.bert, "email")
        with self.assertRaises(AccessError):
            consent.with_user(self.user_employee).read(["state"])

    def test_csv_import(self):
        """Consents come from CSV files: contacts by e-mail or by name,
        purposes by code, with Odoo's standard import."""
        csv = (
            b"partner_id,purpose_id,channel,legal_basis,date_given,source,evidence\n"
            b"anna@example.com,crisis_info,email,consent,2024-03-01 10:00:00,"
            b"Neighbourhood meeting,Signed list\n"
            b"Bert Kunde,press_distribution,email,legitimate_interest,2024-03-02 09:00:00,"
            b"Press list,\n"
            b"emil@example.com,crisis_info,SMS,contract,2024-03-03 08:00:00,Contract,\n"
        )
        wizard = (
            self.env["base_import.import"]
            .with_user(self.user_manager)
            .create(
                {"res_model": "crisis.consent", "file": csv, "file_type": "text/csv"}
            )
        )
        fields = [
            "partner_id",
            "purpose_id",
            "channel",
            "legal_basis",
            "date_given",
            "source",
            "evidence",
        ]
        result = wizard.execute_import(
            fields, fields, {"quoting": '"', "separator": ",", "has_headers": True}
        )
        self.assertEqual(result["messages"], [])
        self.assertEqual(len(result["ids"]), 3)
        self.assertTrue(self.anna.crisis_can_contact("crisis_info", "email"))
        self.assertTrue(self.bert.crisis_can_contact("press_distribution", "email"))
        self.assertTrue(self.emil.crisis_can_contact("crisis_info", "sms"))
        imported = self.env["crisis.consent"].browse(result["ids"])
        anna_consent = imported.filtered(lambda c: c.partner_id == self.anna)
        self.assertEqual(anna_consent.evidence, "Signed list")
        self.assertEqual(anna_consent.legal_basis, "consent")
        self.assertEqual(
            set(imported.mapped("source")),
            {"Neighbourhood meeting", "Press list", "Contract"},
        )

    def test_csv_import_reports_unknown_purpose(self):
        csv = b"partner_id,purpose_id,channel\nanna@example.com,newsletter_xyz,email\n"
        wizard = self.env["base_import.import"].create(
            {"res_model": "crisis.consent", "file": csv, "file_type": "text/csv"}
        )
        fields = ["partner_id", "purpose_id", "channel"]
        with mute_logger("odoo.sql_db"):
            result = wizard.execute_import(
                fields, fields, {"quoting": '"', "separator": ",", "has_headers": True}
            )
        self.assertTrue(result["messages"])
        self.assertFalse(
            self.env["crisis.consent"].search([("partner_id", "=", self.anna.id)])
        )
