# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Times the public reads in e-mails and SMS: the company's local time with
the zone's name, the date in the reader's language."""

from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from ..tools import format_public_datetime
from .common import CrisisMessageCommon

WINTER = datetime(2030, 11, 30, 10, 49)
SUMMER = datetime(2030, 7, 1, 9, 49)


@tagged("post_install", "-at_install")
class TestPublicTime(CrisisMessageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Berlin"
        cls.user_manager.tz = "America/Los_Angeles"
        cls.de_reader = cls._partner(
            "Doris Deutsch", "doris@example.com", "+49 151 10000001"
        )
        cls.en_reader = cls._partner(
            "Edward English", "edward@example.com", "+49 151 10000002", "en_US"
        )
        for partner in cls.de_reader | cls.en_reader:
            cls._consent(partner, "email")
            cls._consent(partner, "sms")
        cls.message = cls._approved_message()

    def _send_at(self, when):
        comm = self._communication(
            self.message,
            channel_sms=True,
            audience_partner_ids=[(6, 0, (self.de_reader | self.en_reader).ids)],
        )
        with freeze_time(when):
            comm.action_send()
        self._run_cron()
        lines = comm.recipient_ids
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("crisis_recipient_id", "in", lines.ids)])
        )
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("crisis_recipient_id", "in", lines.ids)])
        )

        def by_partner(records, partner):
            found = records.filtered(
                lambda r: r.crisis_recipient_id.partner_id == partner
            )
            self.assertEqual(len(found), 1)
            return found

        return {
            "de": (by_partner(mails, self.de_reader), by_partner(sms, self.de_reader)),
            "en": (by_partner(mails, self.en_reader), by_partner(sms, self.en_reader)),
        }

    def test_mail_and_sms_say_when_in_winter(self):
        sent = self._send_at(WINTER)
        mail, sms = sent["de"]
        self.assertIn("Stand: 30. November 2030, 11:49 Uhr MEZ", str(mail.body_html))
        self.assertIn("Stand: 30.11.2030, 11:49 Uhr MEZ", sms.body)
        self.assertIn("Brand unter Kontrolle", sms.body)
        mail, sms = sent["en"]
        self.assertIn("As of November 30, 2030, 11:49 AM CET", str(mail.body_html))
        self.assertIn("As of Nov 30, 2030, 11:49 AM CET", sms.body)
        # Plain spaces only: an SMS with a narrow no-break space would be
        # sent as UCS-2 and cost twice as much.
        self.assertNotIn("\u202f", sms.body)

    def test_mail_and_sms_say_when_in_summer(self):
        sent = self._send_at(SUMMER)
        self.assertIn("Stand: 01.07.2030, 11:49 Uhr MESZ", sent["de"][1].body)
        self.assertIn("As of Jul 1, 2030, 11:49 AM CEST", sent["en"][1].body)

    def test_reader_language_and_zone(self):
        berlin = "Europe/Berlin"
        cases = [
            (WINTER, "de_AT", {}, "30. November 2030, 11:49 Uhr MEZ"),
            (WINTER, "en_GB", {}, "30 November 2030, 11:49 CET"),
            (WINTER, "fr_FR", {}, "November 30, 2030, 11:49 AM CET"),
            (
                datetime(2030, 1, 2, 10, 49),
                "de_AT",
                {"date_only": True},
                "2. Jänner 2030",
            ),
            (WINTER, "de", {"date_only": True}, "30. November 2030"),
        ]
        for value, lang, options, expected in cases:
            with self.subTest(lang=lang, options=options):
                self.assertEqual(
                    format_public_datetime(value, berlin, lang, **options), expected
                )
        self.assertEqual(
            format_public_datetime(WINTER, "Asia/Kolkata", "de"),
            "30. November 2030, 16:19 Uhr IST",
        )
        self.assertEqual(format_public_datetime(False, berlin, "de"), "")
