# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Offline sentiment of short German and English crisis posts.

Scored the way rule-based scorers do it, with the lexicon of
``sentiment_lexicon.py``: word valences from -4 to +4, negation flips the
next words, intensifiers and "!" strengthen, "aber" / "but" shifts the
weight to what follows, emoji count as words and a few sarcasm markers turn
praise into blame. Crisis terms (Skandal, Boykott, Rückruf …) come from an
editable table and are passed in as ``terms``.
"""

import math
import re

from .sentiment_lexicon import (
    DE_BUT,
    DE_COMPOUND_HEADS,
    DE_DIMINISHERS,
    DE_INTENSIFIERS,
    DE_NEGATIONS,
    DE_SARCASM,
    DE_STEMS,
    DE_WORDS,
    EMOJI,
    EN_BUT,
    EN_COMPOUND_HEADS,
    EN_DIMINISHERS,
    EN_INTENSIFIERS,
    EN_NEGATIONS,
    EN_SARCASM,
    EN_STEMS,
    EN_WORDS,
    SARCASM_EMOJI,
    SARCASM_RE,
    fold,
    lower,
)

__all__ = ["LANGS", "detect_lang", "fold", "lower", "prepare_terms", "score"]

WORD_RE = re.compile(
    r"[^\W\d_](?:[\w']*\w)?|!+|\?+|[.,;:]"
    r"|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2764]",
    re.UNICODE,
)


def _clause_ends(tokens, index):
    """Whether ``tokens[index:]`` starts with the end of a clause (not a
    question: "Mehr als eine Ausrede habt ihr nicht?" keeps its blame)."""
    return index >= len(tokens) or tokens[index][0] in ".,;:!"


LANGS = {
    "de": {
        "words": DE_WORDS,
        "stems": DE_STEMS,
        "heads": DE_COMPOUND_HEADS,
        "negations": DE_NEGATIONS,
        "intensifiers": DE_INTENSIFIERS,
        "diminishers": DE_DIMINISHERS,
        "but": DE_BUT,
        "sarcasm": DE_SARCASM,
    },
    "en": {
        "words": EN_WORDS,
        "stems": EN_STEMS,
        "heads": EN_COMPOUND_HEADS,
        "negations": EN_NEGATIONS,
        "intensifiers": EN_INTENSIFIERS,
        "diminishers": EN_DIMINISHERS,
        "but": EN_BUT,
        "sarcasm": EN_SARCASM,
    },
}

DE_STOPWORDS = frozenset(
    "der die das und ist nicht ein eine ich ihr wir sie es auf mit von zu für "
    "auch noch wie den dem bei sind hat habt haben war wird werden nach über "
    "schon jetzt euch eure euer uns man wenn aber oder doch kein keine".split()
)
EN_STOPWORDS = frozenset(
    "the and is not a an i you we they it on with of to for also still how "
    "are has have had was will be after about already now your our us if but "
    "or no this that what why from just".split()
)

NEGATIVE_THRESHOLD = -0.2
POSITIVE_THRESHOLD = 0.2
NEGATION_SCOPE = 3
NEGATION_FACTOR = -0.75
ALPHA = 15.0


def _split_phrases(words):
    """Entries written with "_" are phrases ("finger_weg" -> "finger weg")."""
    return {k.replace("_", " "): v for k, v in words.items() if "_" in k or "-" in k}


def _alternation(phrases):
    """One pattern for many phrases: a single pass over the text."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in ordered))


for _lang, _lexicon in LANGS.items():
    _lexicon["phrases"] = _split_phrases(_lexicon["words"])
    _lexicon["phrase_re"] = _alternation(_lexicon["phrases"])
    _lexicon["sarcasm_re"] = _alternation(_lexicon["sarcasm"])
    _lexicon["lang"] = _lang


def detect_lang(text):
    """``de``, ``en`` or ``False`` from the share of common words."""
    tokens = [t for t in WORD_RE.findall(lower(text)) if t[0].isalpha()]
    de = sum(1 for t in tokens if t in DE_STOPWORDS)
    en = sum(1 for t in tokens if t in EN_STOPWORDS)
    if de == en:
        umlaut = any(c in (text or "") for c in "äöüßÄÖÜ")
        return "de" if umlaut else (False if not de else "de")
    return "de" if de > en else "en"


GERMAN_ENDINGS = ("en", "er", "es", "em", "e", "n", "s")


_LOOKUP_CACHE = {}
_LOOKUP_CACHE_SIZE = 200_000


def _lookup(token, lexicon):
    """Valence of ``token`` in ``lexicon`` (None: not a sentiment word),
    remembered per word: posts repeat the same few thousand words."""
    key = (lexicon["lang"], token)
    if key in _LOOKUP_CACHE:
        return _LOOKUP_CACHE[key]
    if len(_LOOKUP_CACHE) > _LOOKUP_CACHE_SIZE:
        _LOOKUP_CACHE.clear()
    value = _LOOKUP_CACHE[key] = _lookup_uncached(token, lexicon)
    return value


def _lookup_uncached(token, lexicon):
    value = lexicon["words"].get(token)
    if value is not None:
        return value
    if lexicon is LANGS["de"] and len(token) > 3:
        # Inflected adjectives and nouns: "gute", "schnellen", "Lügen".
        for ending in GERMAN_ENDINGS:
            if token.endswith(ending):
                value = lexicon["words"].get(token[: -len(ending)])
                if value is not None:
                    return value
    stems = lexicon["stems"]
    for end in range(len(token), 3, -1):
        value = stems.get(token[:end] + "*")
        if value is not None:
            return value
    if len(token) > 7:
        for head, value in lexicon["heads"].items():
            if token.endswith(head) and len(token) - len(head) >= 3:
                return value
    return None


def _term_lookup(token, terms):
    """Crisis terms: whole word or word start ("skandal" -> "skandalös")."""
    if not terms:
        return None
    value = terms.get(token)
    if value is not None:
        return value
    for end in range(len(token) - 1, 3, -1):
        value = terms.get(token[:end])
        if value is not None:
            return value
    return None


def prepare_terms(terms):
    """Split ``{term: valence}`` into single words and phrases, once."""
    phrases = {k: v for k, v in terms.items() if " " in k or "-" in k}
    words = {k: v for k, v in terms.items() if k not in phrases}
    return words, phrases


def score(text, lang=None, terms=None):
    """Score ``text``.

    :param lang: ``de`` or ``en`` (anything else: detected from the text)
    :param terms: ``{lower-case term: valence -4..4}`` of the crisis-term
        table, or its :func:`prepare_terms`
    :return: ``(score in -1..1, label, [words that drove it])``
    """
    lang = (lang or "")[:2].lower()
    if lang not in LANGS:
        lang = detect_lang(text) or "de"
    lexicon = LANGS[lang]
    folded = lower(text)
    tokens = WORD_RE.findall(folded)
    originals = WORD_RE.findall(text or "")
    if len(originals) != len(tokens):
        originals = tokens
    negations, intensifiers = lexicon["negations"], lexicon["intensifiers"]
    diminishers, but_words = lexicon["diminishers"], lexicon["but"]
    word_terms, phrase_terms = (
        terms if isinstance(terms, tuple) else prepare_terms(terms or {})
    )

    contributions = []  # (position, value, word)
    clause_start = 0
    negation_left = 0
    pending = None  # valence of a negation word ("niemand") not used up
    boost = 0.0
    but_at = None
    exclaim = 0
    for index, token in enumerate(tokens):
        if token[0] == "!":
            exclaim += len(token)
            continue
        if token[0] == "?" or token in ".,;:":
            if pending is not None:
                contributions.append(pending)
            negation_left, pending = 0, None
            clause_start = len(contributions)
            continue
        if token in but_words and but_at is None and index > 0:
            but_at = len(contributions)
            continue
        if token in negations and _clause_ends(tokens, index + 1):
            # Negation at the end of a clause turns back: "glaube ich
            # nicht", "gefällt mir nicht", "... not."
            last = contributions[-1] if len(contributions) > clause_start else None
            if last is not None and not str(last[2]).startswith("¬"):
                last[1] *= NEGATION_FACTOR
                last[2] = f"¬{last[2]}"
                continue
        if token in negations:
            if pending is not None:
                contributions.append(pending)
            negation_left, pending = NEGATION_SCOPE, None
            own = lexicon["words"].get(token)
            if own:
                pending = [index, own, originals[index]]
            continue
        if token in intensifiers and intensifiers[token]:
            boost += intensifiers[token]
            continue
        if token in diminishers:
            boost += diminishers[token]
            continue
        value = EMOJI.get(token)
        if value is None:
            value = _term_lookup(token, word_terms)
            if value is None:
                value = _lookup(token, lexicon)
        if value is None or not value:
            if negation_left:
                negation_left -= 1
                if not negation_left and pending is not None:
                    contributions.append(pending)
                    pending = None
            continue
        word = originals[index]
        if boost:
            value += math.copysign(boost, value)
            boost = 0.0
        original = originals[index]
        if len(original) > 2 and original.isupper() and original.isalpha():
            value += math.copysign(0.7, value)
        if negation_left and token not in EMOJI:
            value *= NEGATION_FACTOR
            word = f"¬{word}"
            negation_left, pending = 0, None
        contributions.append([index, value, word])
    if pending is not None:
        contributions.append(pending)
    for term, value in phrase_terms.items():
        count = folded.count(term) if value else 0
        if count:
            contributions.extend([-1, value, term] for _i in range(count))
    phrases = lexicon["phrases"]
    for match in lexicon["phrase_re"].finditer(folded):
        contributions.append([-1, phrases[match.group()], match.group()])
    if but_at is not None:
        for position, item in enumerate(contributions):
            item[1] *= 0.5 if position < but_at else 1.5
    total = sum(item[1] for item in contributions)

    sarcastic = (
        lexicon["sarcasm_re"].search(folded) is not None
        or any(marker in text for marker in SARCASM_EMOJI)
        or SARCASM_RE.search(folded) is not None
    )
    if sarcastic and total > -1:
        # Praise with a rolling eye is blame.
        total = -abs(total) - 1.5
        contributions.append([-1, -1.5, "🙄"])
    if total and exclaim:
        total += math.copysign(min(exclaim, 4) * 0.3, total)

    normalized = total / math.sqrt(total * total + ALPHA) if total else 0.0
    normalized = round(max(-1.0, min(1.0, normalized)), 3)
    if normalized <= NEGATIVE_THRESHOLD:
        label = "negative"
    elif normalized >= POSITIVE_THRESHOLD:
        label = "positive"
    else:
        label = "neutral"
    # The words that drove the score: those pulling its way, strongest first.
    sign = -1 if normalized < 0 else 1
    drivers = sorted(
        (item for item in contributions if item[1] * sign > 0),
        key=lambda item: -abs(item[1]),
    )
    words = []
    for item in drivers:
        if item[2] not in words:
            words.append(item[2])
    return normalized, label, words[:8]
