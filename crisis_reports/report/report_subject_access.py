# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
import secrets

from odoo import api, models
from odoo.tools import email_normalize

from .crisis_report_base import ADMIN_GROUP

# Shown in detail below the privacy lookup's overview.
DETAILED_MODELS = (
    "crisis.consent",
    "crisis.communication.recipient",
    "crisis.page.subscription",
    "crisis.inquiry",
    "crisis.social.post",
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


class ReportSubjectAccess(models.AbstractModel):
    """Data subject access report (GDPR Art. 15) on one person: what Odoo's
    own privacy lookup finds in every installed module, plus the crisis
    data it does not know about, and the information Art. 15(1) asks for.
    Printing it writes a ``privacy.log`` entry."""

    _name = "report.crisis_reports.report_subject_access"
    _inherit = "crisis.report.base"
    _description = "Crisis Report: Data Subject Access"

    # ------------------------------------------------------------------
    # Odoo's privacy lookup, narrowed to the person
    # ------------------------------------------------------------------
    @api.model
    def _privacy_lookup(self, partner):
        """``[(model description, count)]`` of the records of every installed
        module that ``privacy_lookup`` finds for the person.

        The lookup also matches by name, which can hit other people of the
        same name; each hit is therefore kept only when it points at this
        partner or carries their e-mail address."""
        email = partner.email_normalized
        wizard = (
            self.env["privacy.lookup.wizard"]
            .sudo()
            .new(
                {
                    "name": partner.name or "",
                    # Without an address the lookup must not match every
                    # record that has one: search for one nobody has.
                    "email": partner.email
                    or f"no-address-{secrets.token_hex(8)}@invalid",
                }
            )
        )
        self.env.flush_all()
        self.env.cr.execute(wizard._get_query())
        found = {}
        for row in self.env.cr.dictfetchall():
            found.setdefault(row["res_model_id"], set()).add(row["res_id"])
        result = []
        for ir_model in self.env["ir.model"].sudo().browse(list(found)):
            if ir_model.model not in self.env:
                continue
            records = self._own_records(ir_model.model, found[ir_model.id], partner)
            if records:
                result.append((ir_model.model, ir_model.name, len(records)))
        result.sort(key=lambda row: row[1])
        return result, email

    @api.model
    def _own_records(self, model_name, ids, partner):
        Model = self.env[model_name].sudo().with_context(active_test=False)
        if model_name == "res.partner":
            return Model.browse(ids) & partner
        if model_name == "res.users":
            return Model.browse(ids) & partner.with_context(active_test=False).user_ids
        if model_name == "mail.message":
            return Model.search(
                [("id", "in", list(ids)), ("author_id", "=", partner.id)]
            )
        domain = []
        for name, field in Model._fields.items():
            if (
                field.type == "many2one"
                and field.comodel_name == "res.partner"
                and field.store
            ):
                domain.append([(name, "=", partner.id)])
        if partner.email_normalized:
            for name in ("email_normalized", "email", "email_from", "company_email"):
                field = Model._fields.get(name)
                if field and field.store and field.type == "char":
                    domain.append([(name, "=ilike", partner.email_normalized)])
                    domain.append([(name, "ilike", f"<{partner.email_normalized}>")])
        if not domain:
            return Model.browse()
        ors = ["|"] * (len(domain) - 1) + [leaf for part in domain for leaf in part]
        return Model.search([("id", "in", list(ids)), *ors])

    # ------------------------------------------------------------------
    # What the lookup does not know
    # ------------------------------------------------------------------
    @api.model
    def _phone_key(self, number, country):
        """Digits of a number in international form, so that "0231 555" and
        "+49 231 555" compare equal (with or without the phonenumbers
        library behind ``_phone_format``)."""
        raw = (number or "").strip()
        formatted = self.env["res.partner"]._phone_format(number=raw, country=country)
        digits = re.sub(r"\D", "", formatted or raw)
        if (formatted or raw).startswith("+"):
            return digits
        if digits.startswith("00"):
            return digits[2:]
        if digits.startswith("0") and country.phone_code:
            return f"{country.phone_code}{digits[1:]}"
        return digits

    @api.model
    def _same_phone(self, partner, number):
        country = partner.country_id or self.env.company.country_id
        own = {
            self._phone_key(n, country) for n in (partner.phone, partner.mobile) if n
        }
        key = self._phone_key(number, country)
        return len(key) >= 6 and key in own

    @api.model
    def _inquiries(self, partner):
        Inquiry = self.env["crisis.inquiry"].sudo()
        inquiries = Inquiry.search([("partner_id", "=", partner.id)])
        email = partner.email_normalized
        if email:
            inquiries |= Inquiry.search(
                [("partner_id", "=", False), ("email_from", "ilike", email)]
            ).filtered(lambda i: email_normalize(i.email_from) == email)
        if partner.phone or partner.mobile:
            inquiries |= Inquiry.search(
                [("partner_id", "=", False), ("caller_phone", "!=", False)]
            ).filtered(lambda i: self._same_phone(partner, i.caller_phone))
        return inquiries.sorted(lambda i: (i.date_received, i.id))

    @api.model
    def _subscriptions(self, partner):
        Subscription = self.env["crisis.page.subscription"].sudo()
        subscriptions = Subscription.search([("partner_id", "=", partner.id)])
        email = partner.email_normalized
        if email:
            subscriptions |= Subscription.search(
                [("partner_id", "=", False), ("email", "=ilike", email)]
            )
        return subscriptions.sorted("id")

    @api.model
    def _log_mentions(self, partner):
        """Crisis log entries that name the person, cut down to the sentences
        that name them (the rest may be about other people).

        ``False`` when another contact bears the same name: the log cannot
        tell them apart, so nothing is printed and the report says why."""
        name = (partner.name or "").strip()
        if len(name) < 3:
            return []
        namesakes = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("name", "=ilike", name), ("id", "!=", partner.id)])
        )
        if namesakes:
            return False
        entries = (
            self.env["crisis.log"]
            .sudo()
            .search([("body", "ilike", name)], order="incident_id, sequence")
        )
        result = []
        for entry in entries:
            sentences = [
                s.strip()
                for s in SENTENCE_END.split(entry.body_display or entry.body)
                if name.lower() in s.lower()
            ]
            if sentences:
                result.append({"entry": entry, "text": " … ".join(sentences)})
        return result

    @api.model
    def _social_posts(self, partner):
        if "crisis.social.post" not in self.env:
            return False
        return (
            self.env["crisis.social.post"]
            .sudo()
            .search([("author_partner_id", "=", partner.id)], order="date_posted")
        )

    @api.model
    def _subject_access(self, partner):
        lookup, _email = self._privacy_lookup(partner)
        consents = (
            self.env["crisis.consent"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "=", partner.id)], order="date_given, id")
        )
        recipients = (
            self.env["crisis.communication.recipient"]
            .sudo()
            .search([("partner_id", "=", partner.id)], order="id")
        )
        values = {
            "partner": partner.sudo(),
            "lookup": [row for row in lookup if row[0] not in DETAILED_MODELS],
            "consents": consents,
            "purposes": consents.purpose_id | recipients.communication_id.purpose_id,
            "recipients": recipients,
            "subscriptions": self._subscriptions(partner),
            "inquiries": self._inquiries(partner),
            "social_posts": self._social_posts(partner),
            "log_mentions": self._log_mentions(partner),
            "sources": sorted(set(consents.mapped("source")) - {False, ""}),
        }
        self._write_privacy_log(partner, lookup, values)
        return values

    @api.model
    def _write_privacy_log(self, partner, lookup, values):
        _ = self.env._
        lines = [f"{description} ({count})" for _model, description, count in lookup]
        for label, records in (
            (_("Consents"), values["consents"]),
            (_("Communications"), values["recipients"]),
            (_("Page subscriptions"), values["subscriptions"]),
            (_("Inquiries"), values["inquiries"]),
            (_("Crisis log entries"), values["log_mentions"] or []),
        ):
            lines.append(f"{label} ({len(records)})")
        self.env["privacy.log"].sudo().create(
            {
                "anonymized_name": partner.name or "-",
                "anonymized_email": partner.email_normalized or "-@-",
                "execution_details": _(
                    "Data subject access report (GDPR Art. 15) printed by "
                    "%(user)s in %(lang)s.",
                    user=self.env.user.name,
                    lang=self.env.lang,
                ),
                "records_description": "\n".join(lines),
            }
        )

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["res.partner"].browse(self._docids(docids, data))
        self._check_report_access(docs, group=ADMIN_GROUP)
        return {
            "doc_ids": docs.ids,
            "doc_model": "res.partner",
            "docs": docs,
            "access": {doc.id: self._subject_access(doc) for doc in docs},
            **self._report_helpers(),
        }
