from odoo import api, fields, models

from ..engine import TONE_CATEGORIES, ToneTerm

_CATEGORY_LABELS = {
    "aggressive": "Aggressive",
    "threat": "Threat or exposure",
    "humiliating": "Humiliating",
    "jargon": "Confusing jargon",
    "greeting": "Greeting",
}


class CollectionsToneTerm(models.Model):
    _name = "collections.tone.term"
    _description = "Collections Tone Word"
    _order = "lang, category, term"
    _rec_name = "term"

    term = fields.Char(required=True, help="A word or phrase; matched whole, ignoring case and accents.")
    category = fields.Selection(
        [(code, _CATEGORY_LABELS[code]) for code in TONE_CATEGORIES],
        required=True,
        help="Greetings are what a message should start with; the other categories are flagged.",
    )
    lang = fields.Char(
        string="Language",
        required=True,
        default="en",
        help="Language code the word belongs to, e.g. 'en' or 'pt' (it applies to every variant: pt_BR, pt_PT).",
    )
    active = fields.Boolean(default=True)

    _term_unique = models.Constraint(
        "UNIQUE(lang, category, term)",
        "This word is already in the list for this language and category.",
    )

    @api.model
    def _engine_terms(self, lang):
        """The active words of ``lang`` (a code such as pt_BR), for the tone check."""
        prefix = (lang or "en").split("_")[0].lower()
        # sudo: the word list is shared configuration; whoever edits a text gets it checked.
        terms = self.sudo().search_fetch([("lang", "in", (prefix, lang or "en"))], ["term", "category"])
        return [ToneTerm(term.term.strip(), term.category) for term in terms if term.term and term.term.strip()]
