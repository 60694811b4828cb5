# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The two crisis languages: which one a reader gets, and labels in it."""


def selection_labels(records, field_name):
    """``{value: label}`` of a selection field in the language ``_()`` speaks.

    Calls from XML-RPC carry no ``lang`` in their context: ``_()`` then falls
    back to the user's language, and the labels in a message must follow it.
    """
    env = records.env
    lang = env.lang or env.user.lang
    return dict(
        records._fields[field_name]._description_selection(
            env(context=dict(env.context, lang=lang))
        )
    )


# The languages crisis texts are written in, by short code, and the res.lang
# each one prefers when several regional variants are installed.
CRISIS_LANGS = {"de": "de_DE", "en": "en_US"}


def installed_crisis_langs(env):
    """``{"de": "de_DE", "en": "en_US"}``: the installed res.lang used for each
    crisis language. German needs an active German language (its preferred
    variant, else the first regional one); English is the source language of
    every text and always available."""
    active = [code for code, _name in env["res.lang"].get_installed()]
    result = {}
    for short, preferred in CRISIS_LANGS.items():
        variants = [code for code in active if code.split("_")[0] == short]
        if preferred in active or (short == "en" and not variants):
            result[short] = preferred
        elif variants:
            result[short] = variants[0]
    return result


def resolve_lang(env, *candidates, company=None, exact=False):
    """The one language resolver of the crisis addons.

    Returns the res.lang code a text for someone is written in: the first of
    ``candidates`` (a partner's or user's language, ``de``, ``en-GB``,
    ``de_AT``…) that is German or English, else the company's language, else
    English. Regional variants map to the installed variant of their
    language; with ``exact`` an installed variant (``de_AT``) is kept as it
    is, otherwise the preferred one (``de_DE``) is returned.
    """
    langs = installed_crisis_langs(env)
    installed = {code for code, _name in env["res.lang"].get_installed()}
    company = company or env.company
    for candidate in (*candidates, company.partner_id.lang):
        if not candidate:
            continue
        code = candidate.replace("-", "_")
        short = code.split("_")[0].lower()
        if short not in langs:
            continue
        if exact and code in installed:
            return code
        return langs[short]
    return langs.get("en", "en_US")


def lang_short(lang):
    """``"de"`` or ``"en"``: the crisis language of a language code (``de_AT``,
    ``de-CH``, ``en_GB``, empty...); everything that is not German is English."""
    return (
        "de" if (lang or "").replace("-", "_").split("_")[0].lower() == "de" else "en"
    )
