# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The salutation of every letter and e-mail: one rule per language.

The register is the formal one of business correspondence. German names the
academic titles after "Frau"/"Herr" ("Sehr geehrte Frau Dr. Fischer,",
"Sehr geehrter Herr Prof. Dr. Weber,"); English uses the highest title
instead of "Ms"/"Mr" ("Dear Dr Fischer,", "Dear Professor Weber,"). Without
a known gender (no title, a gender-neutral or any other title) both address
the whole name without guessing: "Guten Tag Alex Schmitt," / "Dear Alex
Schmitt,". The wording differs by grammar, not by vocabulary, so each
language's rule is written out here rather than pieced together from
translated fragments.
"""

import re

NAME_PARTICLES = {"von", "van", "vom", "zu", "zum", "zur", "de", "der", "den", "di"}
NAME_PARTICLES |= {"da", "del", "della", "du", "le", "la", "ten", "ter", "dos"}
# Academic titles as they are written before a name, with their rank
# (Prof. before Dr.).
ACADEMIC_RE = re.compile(r"^(prof|professor|dr)\.?(-[a-z]+\.)?$", re.IGNORECASE)
FEMALE_TITLES = ("madam", "miss")
MALE_TITLES = ("mister",)

RULES = {
    "de": {
        "female": "Sehr geehrte Frau {titles}{last},",
        "male": "Sehr geehrter Herr {titles}{last},",
        "neutral": "Guten Tag {titles}{full},",
        "organisation": "Sehr geehrte Damen und Herren,",
        "titles": {"prof": "Prof.", "dr": "Dr."},
    },
    "en": {
        "female": "Dear {academic}{last},",
        "male": "Dear {academic}{last},",
        "neutral": "Dear {academic_full}{full},",
        "organisation": "Dear Sir or Madam,",
        "titles": {"prof": "Professor", "dr": "Dr"},
    },
}
EN_GENDER = {"female": "Ms", "male": "Mr"}


def _last_name(words):
    """The family name of a name's words: the last word with the particles
    before it ("von der Heide")."""
    index = len(words) - 1
    while index > 1 and words[index - 1].lower() in NAME_PARTICLES:
        index -= 1
    return " ".join(words[index:])


def _split_name(name):
    """``(academic titles, words of the name)``: "Prof. Dr. Klaus Weber"
    gives ``(["prof", "dr"], ["Klaus", "Weber"])``."""
    words = (name or "").split()
    titles = []
    while len(words) > 1 and ACADEMIC_RE.match(words[0]):
        key = ACADEMIC_RE.match(words[0]).group(1).lower()
        titles.append("prof" if key.startswith("prof") else "dr")
        words = words[1:]
    return titles, words


def salutation(partner, lang, env=None):
    """The salutation of ``partner`` (a res.partner) in ``lang`` (a code such
    as ``de_DE``; everything but German is written in English).

    The gender comes from the partner's title (Madam, Miss / Mister), the
    academic titles from the title (Doctor, Professor) and from the front of
    the name.
    """
    rule = RULES["de" if (lang or "").startswith("de") else "en"]
    if not partner or partner.is_company or not (partner.name or "").strip():
        return rule["organisation"]
    titles, words = _split_name(partner.name)
    gender = "neutral"
    title = partner.title
    if title:
        env = env or partner.env
        refs = {
            key: env.ref(f"base.res_partner_title_{key}", raise_if_not_found=False)
            for key in (*FEMALE_TITLES, *MALE_TITLES, "doctor", "prof")
        }
        if title in (refs["madam"], refs["miss"]):
            gender = "female"
        elif title == refs["mister"]:
            gender = "male"
        elif title == refs["doctor"] and "dr" not in titles:
            titles.append("dr")
        elif title == refs["prof"] and "prof" not in titles:
            titles.append("prof")
    titles = sorted(set(titles), key=("prof", "dr").index)
    names = rule["titles"]
    german_titles = "".join(f"{names[key]} " for key in titles)
    # English names the highest title only, in place of Ms/Mr.
    academic = f"{names[titles[0]]} " if titles else ""
    values = {
        "titles": german_titles,
        "last": _last_name(words),
        "full": " ".join(words),
        "academic": academic or f"{EN_GENDER.get(gender, '')} ",
        "academic_full": academic,
    }
    if academic and gender == "neutral" and rule is RULES["en"]:
        # "Dear Dr Schmitt,": a title goes with the family name.
        return rule["female"].format(**values)
    return rule[gender].format(**values)
