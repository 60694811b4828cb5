# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SocialCommon
from .sentiment_data import ENGLISH, GERMAN

LABELS = ("negative", "neutral", "positive")


def macro_f1(pairs):
    scores = []
    for label in LABELS:
        tp = sum(1 for gold, got in pairs if gold == got == label)
        fp = sum(1 for gold, got in pairs if got == label != gold)
        fn = sum(1 for gold, got in pairs if gold == label != got)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(
            2 * precision * recall / (precision + recall) if precision + recall else 0.0
        )
    return sum(scores) / len(scores)


@tagged("post_install", "-at_install")
class TestSentiment(SocialCommon):
    def _label(self, text, lang):
        return self.Post.with_user(self.user_crisis).score_text(text, lang)["label"]

    def _f1(self, data, lang):
        return macro_f1([(gold, self._label(text, lang)) for text, gold in data])

    def test_labelled_sets_are_big_enough(self):
        for data in (GERMAN, ENGLISH):
            self.assertGreaterEqual(len(data), 100)
            for label in LABELS:
                self.assertGreaterEqual(sum(1 for _t, g in data if g == label), 25)

    def test_macro_f1_german(self):
        self.assertGreaterEqual(self._f1(GERMAN, "de"), 0.75)

    def test_macro_f1_english(self):
        self.assertGreaterEqual(self._f1(ENGLISH, "en"), 0.75)

    def test_reasons_negation_intensifiers_emoji(self):
        score = self.Post.score_text
        result = score("Das ist ein Skandal!", "de")
        self.assertEqual(result["label"], "negative")
        self.assertIn("Skandal", result["words"])
        self.assertEqual(score("Das ist nicht gut.", "de")["label"], "negative")
        self.assertIn("¬gut", score("Das ist nicht gut.", "de")["words"])
        self.assertEqual(score("That is not bad at all", "en")["label"], "positive")
        plain = score("Das ist schlecht", "de")["score"]
        self.assertLess(score("Das ist sehr schlecht", "de")["score"], plain)
        self.assertLess(score("Das ist schlecht!!!", "de")["score"], plain)
        self.assertEqual(score("Brand in Halle 2 😡", "de")["label"], "negative")
        self.assertIn("😡", score("Brand in Halle 2 😡", "de")["words"])
        # Sarcasm: praise with a rolling eye.
        self.assertEqual(
            score("Super gemacht, wirklich toll 🙄", "de")["label"], "negative"
        )
        self.assertEqual(
            score("Thanks for nothing, great service", "en")["label"], "negative"
        )
        # A negation closing the clause turns the words before it.
        self.assertEqual(score("Das glaube ich euch nicht.", "de")["label"], "negative")
        self.assertEqual(
            score("Super Krisenkommunikation... nicht.", "de")["label"], "negative"
        )
        self.assertEqual(
            score("Thanks for absolutely nothing", "en")["label"], "negative"
        )
        # Neutral crisis words stay neutral.
        self.assertEqual(score("Rückruf der Charge 12", "de")["label"], "neutral")
        self.assertEqual(score("Brand in Fabrikhalle 2", "de")["label"], "neutral")
        # Without a language, it is detected.
        self.assertEqual(
            score("Das ist eine Katastrophe und eine Schande")["label"], "negative"
        )
        with self.assertRaises(UserError):
            score(["not", "text"], "de")

    def test_crisis_terms_are_editable_by_admins(self):
        text = "Die Kundgebung vor dem Werk wächst"
        self.assertEqual(self.Post.score_text(text, "de")["label"], "neutral")
        Term = self.env["crisis.social.term"]
        with self.assertRaises(AccessError):
            Term.with_user(self.user_manager).create(
                {"name": "Kundgebung", "lang": "de"}
            )
        term = Term.with_user(self.user_admin).create(
            {"name": "Kundgebung", "lang": "de", "weight": -0.8}
        )
        result = self.Post.score_text(text, "de")
        self.assertEqual(result["label"], "negative")
        self.assertEqual(result["words"], ["Kundgebung"])
        # English posts are not affected by a German term.
        self.assertEqual(
            self.Post.score_text("Kundgebung today", "en")["label"], "neutral"
        )
        term.with_user(self.user_admin).weight = 0
        self.assertEqual(self.Post.score_text(text, "de")["label"], "neutral")
        # A weight of 0 also silences the built-in word list.
        skandal = Term.search([("name", "=", "Skandal"), ("lang", "=", "de")])
        self.assertTrue(skandal)
        skandal.weight = 0
        self.assertEqual(self.Post.score_text("Skandal", "de")["label"], "neutral")
