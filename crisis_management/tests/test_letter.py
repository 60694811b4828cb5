# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Letters as people hold them: real PDFs from wkhtmltopdf, read back."""

import base64
import io
from datetime import datetime

import babel.dates
import pytz
from PyPDF2 import PdfReader

from odoo.tests import HttpCase, tagged

from .common import CrisisMessageCommon

HOTLINE = "+49 800 3344556"
MM = 72 / 25.4  # PDF points per millimetre


def _pdf_pages(content):
    """Text of each page of a PDF, and the lines with their distance from
    the top of the sheet in millimetres."""
    reader = PdfReader(io.BytesIO(content))
    return [_pdf_page(page) for page in reader.pages]


def _pdf_page(page):
    height = float(page.mediabox.height)
    positioned = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            positioned.append((" ".join(text.split()), (height - y) / MM))

    text = page.extract_text(visitor_text=visit)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return {"lines": [line for line in lines if line], "at": positioned}


@tagged("post_install", "-at_install")
class TestLetterPdf(CrisisMessageCommon, HttpCase):
    """A batch of German and English letters printed by the send job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        germany = cls.env.ref("base.de")
        austria = cls.env.ref("base.at")
        cls.company.write(
            {
                "name": "Müller Metallbau GmbH",
                "street": "Industriestraße 14",
                "zip": "44137",
                "city": "Dortmund",
                "country_id": germany.id,
                "phone": "+49 231 123450",
                "email": "info@mueller-metallbau.example",
            }
        )
        cls.company.partner_id.tz = "Europe/Berlin"
        cls.incident.hotline_phone = HOTLINE
        cls.incident.action_activate()
        cls.incident.action_publish_page()
        cls.message = cls._approved_message()

        def person(name, lang, country, street, zip_code, city, title=None, **kw):
            partner = cls._partner(
                name,
                lang=lang,
                country_id=country.id,
                street=street,
                zip=zip_code,
                city=city,
                title=title and cls.env.ref(f"base.res_partner_title_{title}").id,
                **kw,
            )
            cls._consent(partner, "letter")
            return partner

        bakery = cls._partner(
            "Bäckerei Größer OHG",
            is_company=True,
            street="Hauptstraße 3",
            zip="44139",
            city="Dortmund",
        )
        cls.recipients = {
            "weiss": person(
                "Jürgen Weiß",
                "de_DE",
                germany,
                "Industriestraße 16",
                "44137",
                "Dortmund",
                "mister",
            ),
            "demir": person(
                "Ayşe Demir", "de_DE", germany, "Am Bärenplatz 7", "44137", "Dortmund"
            ),
            "groesser": person(
                "Grete Größer",
                "de_DE",
                germany,
                "Hauptstraße 3",
                "44139",
                "Dortmund",
                "madam",
                parent_id=bakery.id,
            ),
            "oeztuerk": person(
                "Sören Öztürk",
                "de_DE",
                austria,
                "Mariahilfer Straße 12",
                "1070",
                "Wien",
            ),
            "obrien": person(
                "Emily O'Brien",
                "en_US",
                austria,
                "Währinger Straße 5",
                "1090",
                "Wien",
                "madam",
            ),
            "aastroem": person(
                "Zoë Åström", "en_US", germany, "Rosenweg 5", "44137", "Dortmund"
            ),
        }

    def _print(self, message, partners):
        comm = self._communication(
            message,
            channel_email=False,
            channel_letter=True,
            audience_partner_ids=[(6, 0, [p.id for p in partners])],
        )
        comm.action_send()
        self.env["crisis.communication"].sudo().with_context(
            force_report_rendering=True
        )._cron_send(batch_size=100)
        self.env.invalidate_all()
        self.assertEqual(comm.sent_count, len(partners))
        attachment = comm.letter_attachment_ids
        self.assertEqual(len(attachment), 1, "one document for the batch")
        self.assertEqual(attachment.mimetype, "application/pdf")
        content = base64.b64decode(attachment.datas)
        self.assertTrue(content.startswith(b"%PDF"))
        return comm, _pdf_pages(content)

    def test_batch_of_german_and_english_letters(self):
        comm, pages = self._print(self.message, list(self.recipients.values()))
        self.assertEqual(len(pages), len(self.recipients), "one page per recipient")
        by_key = {}
        for key, partner in self.recipients.items():
            found = [page for page in pages if partner.name in page["lines"]]
            self.assertEqual(len(found), 1, f"{partner.name} on exactly one page")
            by_key[key] = found[0]
        today = datetime.now(pytz.timezone("Europe/Berlin")).date()
        date_de = babel.dates.format_date(today, "d. MMMM y", locale="de_DE")
        date_en = babel.dates.format_date(today, "MMMM d, y", locale="en_US")
        for key, page in by_key.items():
            partner = self.recipients[key]
            lines = page["lines"]
            text = "\n".join(lines)
            german = partner.lang == "de_DE"
            # Every character intact, the address in the envelope's window.
            self.assertNotIn("Ã", text)
            self.assertIn(partner.street, lines)
            self.assertIn(f"{partner.zip} {partner.city}", lines)
            name_at = [at for line, at in page["at"] if line == partner.name]
            self.assertTrue(name_at, partner.name)
            self.assertTrue(
                62 < name_at[0] < 90, f"{partner.name} at {name_at[0]:.1f} mm"
            )
            # Sender, incident, hotline, page address.
            self.assertIn(
                "Müller Metallbau GmbH · Industriestraße 14 · 44137 Dortmund", lines
            )
            self.assertIn(self.incident.reference, text)
            self.assertIn(HOTLINE, text)
            self.assertIn(self.incident.page_url, text)
            self.assertIn(self.user_manager.name, lines, "signed by the crisis lead")
            # The company's legal details close every letter.
            self.assertIn(
                "Müller Metallbau GmbH, Industriestraße 14, 44137 Dortmund",
                " ".join(lines),
            )
            if german:
                self.assertIn("Der Brand ist unter Kontrolle", text)
                self.assertIn("Mit freundlichen Grüßen", lines)
                self.assertIn("Bei Fragen rufen Sie bitte unsere Hotline an:", text)
                self.assertIn(date_de, text)
                self.assertNotIn("The fire", text)
            else:
                self.assertIn("The fire is under control", text)
                self.assertIn("Kind regards", lines)
                self.assertIn(date_en, text)
                self.assertNotIn("Der Brand", text)
            # Domestic mail has no country line; mail abroad names the
            # country in capitals, in the letter's language.
            for country in ("GERMANY", "DEUTSCHLAND"):
                self.assertNotIn(country, lines)
        self.assertIn("ÖSTERREICH", by_key["oeztuerk"]["lines"])
        self.assertIn("AUSTRIA", by_key["obrien"]["lines"])
        self.assertNotIn("AUSTRIA", by_key["aastroem"]["lines"])
        # Salutations: the title where the contact has one, neutral otherwise.
        salutations = {
            "weiss": "Sehr geehrter Herr Weiß,",
            "demir": "Guten Tag Ayşe Demir,",
            "groesser": "Sehr geehrte Frau Größer,",
            "oeztuerk": "Guten Tag Sören Öztürk,",
            "obrien": "Dear Ms O'Brien,",
            "aastroem": "Dear Zoë Åström,",
        }
        for key, salutation in salutations.items():
            self.assertIn(salutation, by_key[key]["lines"])
        # A contact person of a company: the company above the name.
        lines = by_key["groesser"]["lines"]
        self.assertEqual(
            lines.index("Bäckerei Größer OHG") + 1, lines.index("Grete Größer")
        )

    def test_long_letter_continues_and_next_starts_on_new_sheet(self):
        paragraph = "<p>" + "Die Feuerwehr misst weiter die Luftwerte. " * 40 + "</p>"
        message = self._approved_message(
            de={"name": "Ausführliche Lage", "body": paragraph * 3},
            en={"name": "Full situation", "body": paragraph * 3},
        )
        first, second = self.recipients["weiss"], self.recipients["demir"]
        _comm, pages = self._print(message, [first, second])
        starts = [
            index
            for index, page in enumerate(pages)
            if first.name in page["lines"] or second.name in page["lines"]
        ]
        self.assertEqual(len(starts), 2, "each address once")
        sheets = starts[1]
        self.assertGreaterEqual(sheets, 2, "the long text continues on a second sheet")
        # The second letter starts on a sheet of its own, as long as the first;
        # no blank sheet anywhere.
        self.assertEqual(len(pages), 2 * sheets)
        for index in (sheets - 1, 2 * sheets - 1):
            self.assertIn("Mit freundlichen Grüßen", pages[index]["lines"])
        for page in pages:
            self.assertGreater(len(page["lines"]), 3, "no blank sheet")
