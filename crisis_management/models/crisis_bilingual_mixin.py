# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""German and English side by side for texts that go to the public."""

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import html_sanitize

from ..tools import CRISIS_LANGS, sanitize_translations

# The two languages every public text is written in, with the suffix of the
# form field that shows each of them.
BILINGUAL_LANGS = CRISIS_LANGS
# How the form labels each companion: "<label of the text> (German)".
BILINGUAL_LABELS = {"de": "German", "en": "English"}


def bilingual_fields(field_class, string, **kwargs):
    """The two companions of a translated field, in the order of
    ``BILINGUAL_LANGS``::

        name_de, name_en = bilingual_fields(fields.Char, "Title")

    labelled "Title (German)" and "Title (English)", computed and written
    by ``crisis.bilingual.mixin``; ``kwargs`` go to both (``sanitize=True``
    for Html)."""
    return tuple(
        field_class(
            string=f"{string} ({BILINGUAL_LABELS[suffix]})",
            compute="_compute_bilingual",
            inverse="_inverse_bilingual",
            **kwargs,
        )
        for suffix in BILINGUAL_LANGS
    )


class CrisisBilingualMixin(models.AbstractModel):
    """Shows a translated field as two plain fields, ``<field>_de`` and
    ``<field>_en``, edited next to each other on the form.

    The stored field keeps one complete text per language (``translate=True``;
    Html fields with ``sanitize=False`` and sanitised here, because Odoo
    translates a sanitised Html field term by term and a German edit would then
    replace the English text). Writing one language never changes the other.
    A model lists its fields in ``_bilingual_fields`` and declares the
    companions with ``bilingual_fields()`` (``compute="_compute_bilingual"``,
    ``inverse="_inverse_bilingual"``); ``create``/``write`` here sanitise the
    texts and have the inverse write only the languages given.
    """

    _name = "crisis.bilingual.mixin"
    _description = "Text in German and English Side by Side"

    _bilingual_fields = ()

    def _bilingual_names(self):
        """{companion field: (translated field, language)}"""
        return {
            f"{fname}_{suffix}": (fname, lang)
            for fname in self._bilingual_fields
            for suffix, lang in BILINGUAL_LANGS.items()
        }

    def _bilingual_langs(self):
        return {code for code, _name in self.env["res.lang"].get_installed()} | {
            "en_US"
        }

    def _bilingual_clean(self, fname, value):
        if value and self._fields[fname].type == "html":
            return html_sanitize(value)
        return value

    def _compute_bilingual(self):
        installed = self._bilingual_langs()
        names = self._bilingual_names()
        for lang in set(BILINGUAL_LANGS.values()):
            records = self.with_context(lang=lang if lang in installed else "en_US")
            for record, record_lang in zip(self, records):
                # A record not yet saved has its values in one language only.
                source = record_lang if record.id else record
                for name, (fname, name_lang) in names.items():
                    if name_lang == lang:
                        record[name] = source[fname]

    def _inverse_bilingual(self):
        installed = self._bilingual_langs()
        names = self._bilingual_names()
        written = self.env.context.get("crisis_bilingual_written")
        if written is not None:
            names = {name: spec for name, spec in names.items() if name in written}
        # Read every value first: writing one language recomputes the others.
        changes = []
        for record in self:
            for name, (fname, lang) in names.items():
                value = record[name]
                current = record.with_context(
                    lang=lang if lang in installed else "en_US"
                )[fname]
                if (value or False) != (current or False):
                    changes.append((record, fname, lang, value))
        for record, fname, lang, value in changes:
            if lang not in installed:
                raise UserError(
                    _(
                        "The language %(lang)s is not active. Activate it under "
                        "Settings > Languages to write the text in it.",
                        lang=lang,
                    )
                )
            value = record._bilingual_clean(fname, value)
            if lang == "en_US":
                value = value or ""
            record.update_field_translations(fname, {lang: value or False})
        self.invalidate_recordset(list(self._bilingual_names()))
        return changes

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        written = self._bilingual_prepare_create(vals_list)
        records = super(
            CrisisBilingualMixin, self.with_context(crisis_bilingual_written=written)
        ).create(vals_list)
        return records.with_env(self.env)

    def write(self, vals):
        vals, written = self._bilingual_prepare_write(vals)
        # The per-language inverse only applies the languages written here.
        return super(
            CrisisBilingualMixin, self.with_context(crisis_bilingual_written=written)
        ).write(vals)

    def _bilingual_prepare_create(self, vals_list):
        """Fill the stored field from its companions and sanitise; an empty
        companion at creation means "not written yet", not "erase"."""
        names = self._bilingual_names()
        written = set()
        for vals in vals_list:
            for name in list(vals):
                if name in names and not vals[name]:
                    del vals[name]
            for fname in self._bilingual_fields:
                if fname not in vals:
                    given = vals.get(f"{fname}_en") or vals.get(f"{fname}_de")
                    if given:
                        vals[fname] = given
                if vals.get(fname):
                    vals[fname] = self._bilingual_clean(fname, vals[fname])
            written.update(name for name in vals if name in names)
        return tuple(written)

    def _bilingual_prepare_write(self, vals):
        """Sanitise ``vals``; return (vals, companions written)."""
        vals = dict(vals)
        for fname in self._bilingual_fields:
            if vals.get(fname):
                vals[fname] = self._bilingual_clean(fname, vals[fname])
        return vals, tuple(name for name in vals if name in self._bilingual_names())

    def update_field_translations(self, field_name, translations, source_lang=None):
        return super().update_field_translations(
            field_name,
            sanitize_translations(self, field_name, translations),
            source_lang=source_lang,
        )

    def _update_field_translations(
        self, field_name, translations, digest=None, source_lang=None
    ):
        # The translation dialog writes here too: public html is sanitised
        # whichever way it arrives.
        if field_name in self._bilingual_fields:
            translations = {
                lang: self._bilingual_clean(field_name, value)
                if isinstance(value, str)
                else value
                for lang, value in translations.items()
            }
        return super()._update_field_translations(
            field_name, translations, digest=digest, source_lang=source_lang
        )
