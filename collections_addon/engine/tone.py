"""Tone check of collection messages before they go out.

The word list (terms and their category) lives in the database; the model
turns it into :class:`ToneTerm` values with :func:`parse_terms` and asks
:func:`check_tone` what is wrong with a template's plain text.

>>> terms = parse_terms([("last warning", "threat"), ("Olá", "greeting"), (" ", "jargon")])
>>> findings = check_tone("Ola {{ object.name }}, this is your LAST WARNING!!", terms)
>>> [(finding.code, finding.excerpt) for finding in findings]
[('threat', 'LAST WARNING'), ('shouting', 'LAST WARNING'), ('punctuation', 'WARNING!!')]
>>> [finding.code for finding in blocking(findings)]
['threat', 'shouting']
>>> [finding.code for finding in check_tone("Your invoice is due.", terms)]
['no_greeting']
>>> check_tone("Your invoice is due.", terms, require_greeting=False)
[]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

TONE_CATEGORIES = ("aggressive", "threat", "humiliating", "jargon", "greeting")
FINDING_CODES = ("aggressive", "threat", "humiliating", "jargon", "shouting", "punctuation", "no_greeting")
BLOCKING_CODES = frozenset({"aggressive", "threat", "humiliating", "shouting"})
# Where a text stands after the check: see tone_state.
TONE_STATES = ("ok", "warning", "blocked", "accepted")

# Document and currency codes are written in capitals by convention, not to shout.
COMMON_ACRONYMS = frozenset({"CPF", "CNPJ", "PIX", "SMS", "NF", "PDF", "USD", "BRL", "EUR", "VAT", "IBAN"})

MAX_EXCERPT = 60
GREETING_WINDOW = 60
NO_GREETING_EXCERPT = 40

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_WHITESPACE = re.compile(r"\s+")
_PUNCTUATION_RUN = re.compile(r"[!?]+")
# Letters with inner apostrophes or hyphens ("DON'T", "BEM-VINDO") form one word.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_TOKEN = re.compile(r"\S+")
# Quotes, brackets, dashes and punctuation around a word do not make it another word.
_TOKEN_EDGES = ".,;:!?\"'\u201c\u201d\u2018\u2019\u00ab\u00bb()[]{}\u2026-\u2013\u2014"
_TRAILING_WORD = re.compile(r"\S*$")

_CODE_ORDER = {code: index for index, code in enumerate(FINDING_CODES)}


@dataclass(frozen=True)
class ToneTerm:
    """A word or phrase of the word list and what it says about the message."""

    term: str
    category: str

    def __post_init__(self):
        if self.category not in TONE_CATEGORIES:
            raise ValueError(
                f"Unknown tone category {self.category!r} for term {self.term!r}; "
                f"expected one of {', '.join(TONE_CATEGORIES)}."
            )


@dataclass(frozen=True)
class ToneFinding:
    """Something in the message to reword; ``excerpt`` quotes the message as written."""

    code: str
    excerpt: str

    @property
    def blocking(self) -> bool:
        return self.code in BLOCKING_CODES


def parse_terms(rows: Iterable[tuple[str, str]]) -> list[ToneTerm]:
    """``(term, category)`` rows as terms, without blank terms."""
    terms = []
    for raw_term, category in rows:
        term = (raw_term or "").strip()
        if term:
            terms.append(ToneTerm(term, (category or "").strip()))
    return terms


def blocking(findings: Iterable[ToneFinding]) -> list[ToneFinding]:
    return [finding for finding in findings if finding.blocking]


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower-case, accent-free ``text`` and, for each of its characters, the index it comes from in ``text``.

    Folding changes lengths ("ß" -> "ss", a decomposed "é" -> "e"), so matches
    found in the folded text are mapped back to quote the original.
    """
    chars: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        for folded in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(folded):
                continue
            for lowered in folded.casefold():
                chars.append(lowered)
                origins.append(index)
    return "".join(chars), origins


@lru_cache(maxsize=1024)
def _term_pattern(term: str, plural: bool = False) -> re.Pattern[str] | None:
    """The pattern of ``term`` in folded text; with ``plural``, its last word may end in -s or -es.

    Flagged words are listed in the singular ("deadbeat", "caloteiro") and must catch the
    plural too; greetings are not, or "hi" would find a greeting in "his".
    """
    words = _fold(term)[0].split()
    if not words:
        return None
    body = r"\s+".join(re.escape(word) for word in words)
    # Boundaries only apply at word characters, so a term like "R$" still matches before digits.
    prefix = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    suffix = ""
    if re.search(r"\w$", words[-1]):
        suffix = r"(?:e?s)?(?!\w)" if plural else r"(?!\w)"
    return re.compile(prefix + body + suffix)


def _term_spans(folded: str, origins: list[int], term: str) -> list[tuple[int, int]]:
    pattern = _term_pattern(term, plural=True)
    if pattern is None:
        return []
    return [(origins[match.start()], origins[match.end() - 1] + 1) for match in pattern.finditer(folded)]


def _excerpt(text: str, limit: int = MAX_EXCERPT) -> str:
    # Line breaks and indentation would only make the quote harder to read in a list of findings.
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


def _mask_placeholders(text: str) -> str:
    """``text`` with each placeholder blanked out, keeping every other character at its index.

    The edges become spaces so that a placeholder glued to a word still ends
    it; the inside becomes NUL, which is neither a word character nor
    whitespace: a phrase or a run of capitals does not continue across a
    placeholder, since it will be replaced by unknown text.
    """

    def blank(match: re.Match[str]) -> str:
        return " " + "\0" * (len(match.group()) - 2) + " "

    return _PLACEHOLDER.sub(blank, text)


def _term_findings(text: str, masked: str, terms: Iterable[ToneTerm]) -> list[tuple[int, ToneFinding]]:
    folded, origins = _fold(masked)
    matches: set[tuple[int, int, str]] = set()
    for term in terms:
        if term.category == "greeting":
            continue
        for start, end in _term_spans(folded, origins, term.term):
            matches.add((start, end, term.category))
    # "warning" inside "last warning" is the same offence, quoted once by the longer term.
    kept: list[tuple[int, int, str]] = []
    for start, end, code in sorted(matches, key=lambda match: (match[0], match[0] - match[1], match[2])):
        inside_longer = any(
            other_start <= start and end <= other_end and end - start < other_end - other_start
            for other_start, other_end, _code in kept
        )
        if not inside_longer:
            kept.append((start, end, code))
    return [(start, ToneFinding(code, _excerpt(text[start:end]))) for start, end, code in kept]


def _shouting_word(token: str) -> str | None:
    """The word of a whitespace-separated token when the token is a word in capitals, else ``None``.

    Tokens with digits or symbols inside (``INV/2026/0001``) are references,
    not words: they are never shouting and they end a run.
    """
    stripped = token.strip(_TOKEN_EDGES)
    if not stripped or _WORD.fullmatch(stripped) is None:
        return None
    return stripped if stripped.isupper() else None


def _shouting_findings(text: str, masked: str) -> list[tuple[int, ToneFinding]]:
    findings = []
    run: list[tuple[int, int, str]] = []

    def close_run():
        loud = [word for _start, _end, word in run if word not in COMMON_ACRONYMS]
        long_words = [word for word in loud if sum(char.isalpha() for char in word) >= 3]
        if len(long_words) >= 2 or any(sum(char.isalpha() for char in word) >= 5 for word in loud):
            start, end = run[0][0], run[-1][1]
            findings.append((start, ToneFinding("shouting", _excerpt(text[start:end]))))
        run.clear()

    for match in _TOKEN.finditer(masked):
        word = _shouting_word(match.group())
        if word is None:
            if run:
                close_run()
            continue
        start = match.start() + match.group().index(word)
        run.append((start, start + len(word), word))
    if run:
        close_run()
    return findings


def _with_word_before(text: str, masked: str, start: int, end: int) -> tuple[int, str]:
    """Where the excerpt of the punctuation at ``start:end`` begins, and the excerpt: the word it ends."""
    word = _TRAILING_WORD.search(masked, 0, start)
    word_start = word.start() if word else start
    return word_start, _excerpt(text[word_start:end])


def _punctuation_findings(text: str, masked: str) -> list[tuple[int, ToneFinding]]:
    located = []
    runs_with_exclamation = 0
    single_exclamations = []
    for match in _PUNCTUATION_RUN.finditer(masked):
        if len(match.group()) >= 2:
            located.append(_with_word_before(text, masked, match.start(), match.end()))
            runs_with_exclamation += "!" in match.group()
        elif match.group() == "!":
            single_exclamations.append(match)
    # A run is already its own finding and counts once here: "Pay!!!" is one finding, "Pay!! Now! Go!" two.
    if single_exclamations and runs_with_exclamation + len(single_exclamations) >= 3:
        third = single_exclamations[max(0, 2 - runs_with_exclamation)]
        located.append(_with_word_before(text, masked, third.start(), third.end()))
    return [(start, ToneFinding("punctuation", excerpt)) for start, excerpt in located]


def _has_greeting(masked: str, terms: Iterable[ToneTerm]) -> bool:
    opening = _WHITESPACE.sub(" ", masked.replace("\0", "")).strip()
    folded, origins = _fold(opening)
    for term in terms:
        if term.category != "greeting":
            continue
        pattern = _term_pattern(term.term)
        if pattern is None:
            continue
        match = pattern.search(folded)
        if match and origins[match.start()] < GREETING_WINDOW:
            return True
    return False


def check_tone(text: str, terms: Iterable[ToneTerm], *, require_greeting: bool = True) -> list[ToneFinding]:
    """What to reword in ``text`` (plain text), in the order it appears; a missing greeting comes first.

    Placeholders (``{{ object.name }}``) are ignored: they are neither words,
    capitals nor punctuation of the message.
    """
    text = text or ""
    masked = _mask_placeholders(text)
    if not masked.replace("\0", "").strip():
        return []
    terms = list(terms)
    located = [
        *_term_findings(text, masked, terms),
        *_shouting_findings(text, masked),
        *_punctuation_findings(text, masked),
    ]
    located.sort(key=lambda pair: (pair[0], _CODE_ORDER[pair[1].code]))
    findings = [finding for _start, finding in located]
    if require_greeting and not _has_greeting(masked, terms):
        opening = _WHITESPACE.sub(" ", text).strip()[:NO_GREETING_EXCERPT]
        findings.insert(0, ToneFinding("no_greeting", opening))
    return findings


def check_translations(
    texts: Mapping[str, str], terms: Mapping[str, Iterable[ToneTerm]], *, require_greeting: bool = True
) -> list[tuple[tuple[str, ...], ToneFinding]]:
    """What to reword in each language of a text: ``[(languages, finding)]``.

    ``texts`` maps each language code to its text, ``terms`` each language code
    to its word list. Every language is checked with its own words. A text
    stored alike under several languages (typed once, not translated: Odoo keeps
    it as the source and as the language it was typed in) is one text in one of
    those languages, checked once with all their words: a flagged word of any of
    them is flagged, a greeting of any of them is a greeting. A missing greeting
    is only reported when those words include greetings.

    >>> terms = {"en": [ToneTerm("hello", "greeting")],
    ...          "pt": [ToneTerm("olá", "greeting"), ToneTerm("caloteiro", "humiliating")]}
    >>> [(langs, f.code) for langs, f in check_translations({"en": "Olá, caloteiro.", "pt": "Olá, caloteiro."}, terms)]
    [(('en', 'pt'), 'humiliating')]
    >>> [(langs, f.code) for langs, f in check_translations({"en": "Hello.", "pt": "Caloteiro."}, terms)]
    [(('pt',), 'no_greeting'), (('pt',), 'humiliating')]
    >>> check_translations({"fr": "Votre facture."}, terms)
    []
    """
    langs_by_text: dict[str, list[str]] = {}
    for lang, text in texts.items():
        if text and text.strip():
            langs_by_text.setdefault(text, []).append(lang)
    findings = []
    for text, langs in langs_by_text.items():
        words = list(dict.fromkeys(term for lang in langs for term in terms.get(lang, ())))
        has_greetings = any(term.category == "greeting" for term in words)
        for finding in check_tone(text, words, require_greeting=require_greeting and has_greetings):
            findings.append((tuple(langs), finding))
    return findings


def tone_state(findings: Iterable[ToneFinding], accepted: bool = False) -> str:
    """Where a text stands: "ok" (no finding), "warning" (findings that do not block), "blocked", or
    "accepted" (blocking findings a manager accepted, ``accepted``, for this very text).

    >>> tone_state([]), tone_state([ToneFinding("jargon", "dunning")]), tone_state([ToneFinding("threat", "sue")])
    ('ok', 'warning', 'blocked')
    >>> tone_state([ToneFinding("threat", "sue")], accepted=True), tone_state([], accepted=True)
    ('accepted', 'ok')
    """
    findings = list(findings)
    if blocking(findings):
        return "accepted" if accepted else "blocked"
    return "warning" if findings else "ok"
