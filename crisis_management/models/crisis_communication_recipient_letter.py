# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re

from odoo import _, api, fields, models

from ..tools import qr_png, resolve_lang, wkhtmltopdf_patched_qt

# wkhtmltopdf built on an unpatched Qt (the one of Linux distributions)
# ignores --disable-smart-shrinking and prints an A4 page at 0.76834 of the
# CSS size; letters are scaled back so that the address sits in the window.
UNPATCHED_QT_ZOOM = 1.30151
NAME_PARTICLES = {"von", "van", "vom", "zu", "zum", "zur", "de", "der", "den", "di"}
NAME_PARTICLES |= {"da", "del", "della", "du", "le", "la", "ten", "ter", "dos"}


class CrisisCommunicationRecipient(models.Model):
    """The printed letter of a recipient line: one PDF per batch, a letter
    after DIN 5008 per recipient, with the QR code of their answer link or of
    the public page."""

    _inherit = "crisis.communication.recipient"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _create_letters(self, comm, lines):
        """One printable document with a letter per recipient of the batch."""
        report = self.env.ref("crisis_management.action_report_crisis_letter")
        content, report_type = (
            self.env["ir.actions.report"].sudo()._render_qweb_pdf(report, lines.ids)
        )
        first, last = lines[0].id, lines[-1].id
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": _(
                        "Letters %(name)s %(first)s-%(last)s.%(ext)s",
                        name=comm.name,
                        first=first,
                        last=last,
                        ext=report_type,
                    ),
                    "datas": base64.b64encode(content),
                    "res_model": comm._name,
                    "res_id": comm.id,
                    "mimetype": "application/pdf"
                    if report_type == "pdf"
                    else "text/html",
                }
            )
        )

    def _letter_values(self):
        """What the letter template prints for this recipient, in the
        recipient's language."""
        self.ensure_one()
        lang = resolve_lang(self.env, self.lang, company=self.company_id)
        comm = self.communication_id.sudo().with_context(lang=lang)
        partner = self.partner_id.sudo().with_context(lang=lang)
        company = comm.company_id.with_context(lang=lang)
        incident = comm.incident_id.with_context(lang=lang)
        company_address = " · ".join(
            filter(
                None,
                [
                    company.street,
                    " ".join(filter(None, [company.zip, company.city])),
                ],
            )
        )
        sender = " · ".join(filter(None, [company.name, company_address]))
        if comm.kind == "safety_check":
            qr_url = self._safety_url()
        else:
            qr_url = comm._page_url()
        qr = qr_url and (
            "data:image/png;base64," + base64.b64encode(qr_png(qr_url)).decode()
        )
        signer, signer_role = self._letter_signer(incident, lang)
        return {
            "lang": lang,
            "sender": sender,
            "company_address": company_address,
            "company_contact": [
                value
                for value in (
                    company.phone,
                    company.email,
                    re.sub(r"^https?://", "", company.website or "").rstrip("/"),
                )
                if value
            ],
            "address_lines": self._letter_address_lines(partner, company, lang),
            "salutation": self._letter_salutation(partner, lang),
            "subject": comm.subject,
            "body": comm.body,
            "qr": qr,
            "qr_url": qr_url,
            "hotline": incident._page_hotline(),
            "date": incident._page_format_date(
                fields.Datetime.now(), lang, date_only=True
            ),
            "company": company,
            "incident": incident,
            "signer": signer,
            "signer_role": signer_role,
        }

    @api.model
    def _letter_zoom(self):
        """CSS zoom that makes a millimetre in the letter a millimetre on
        paper with the wkhtmltopdf of this server."""
        return 1.0 if wkhtmltopdf_patched_qt() else UNPATCHED_QT_ZOOM

    @api.model
    def _letter_address_lines(self, partner, company, lang):
        """The address block after DIN 5008: the company of a contact person,
        the name, the street and town in the order of the destination country,
        the country only for mail abroad, in capitals in the letter's
        language."""
        lines = []
        parent = partner.parent_id
        if parent and parent.name and parent.name != partner.name:
            lines.append(parent.name)
        lines.append(partner.name or "")
        address_format, args = partner._prepare_display_address(without_company=True)
        country = partner.country_id
        domestic = not country or country == company.country_id
        args["country_name"] = (
            "" if domestic else (country.with_context(lang=lang).name or "").upper()
        )
        lines += (address_format % args).split("\n")
        return [line.strip() for line in lines if line and line.strip()]

    @api.model
    def _letter_salutation(self, partner, lang):
        """The salutation in ``lang``: with the contact's title where it says
        how to address them, neutral otherwise."""
        env = self.with_context(lang=lang).env
        if partner.is_company or not partner.name:
            return env._("Dear Sir or Madam,")
        name = partner.name.strip()
        last_name = _last_name(name)
        title = partner.title
        refs = {
            xmlid: self.env.ref(f"base.res_partner_title_{xmlid}", False)
            for xmlid in ("madam", "miss", "mister", "doctor", "prof")
        }
        if title and title in (refs["madam"], refs["miss"]):
            return env._("Dear Ms %(name)s,", name=last_name)
        if title and title == refs["mister"]:
            return env._("Dear Mr %(name)s,", name=last_name)
        if title and title == refs["doctor"]:
            return env._("Dear Dr %(name)s,", name=last_name)
        if title and title == refs["prof"]:
            return env._("Dear Professor %(name)s,", name=last_name)
        if title:
            title_name = title.with_context(lang=lang).name
            return env._("Dear %(title)s %(name)s,", title=title_name, name=last_name)
        return env._("Dear %(name)s,", name=name)

    @api.model
    def _letter_signer(self, incident, lang):
        """``(name, role)`` of who signs: the incident lead, else the
        spokesperson."""
        users = incident._users_by_role()
        roles = dict(
            self.env["crisis.incident.member"]
            ._fields["role"]
            ._description_selection(self.with_context(lang=lang).env)
        )
        for role in ("lead", "spokesperson"):
            if users.get(role):
                return users[role].sudo().name, roles[role]
        return "", ""


def _last_name(name):
    """The family name of a full name: its last word with the particles
    before it ("von der Heide")."""
    words = name.split()
    index = len(words) - 1
    while index > 1 and words[index - 1].lower() in NAME_PARTICLES:
        index -= 1
    return " ".join(words[index:])
