"""Tone check of collection messages: ``check_tone`` and its helpers."""

import re

import pytest

from collections_addon.engine import (
    BLOCKING_CODES,
    FINDING_CODES,
    TONE_CATEGORIES,
    ToneFinding,
    ToneTerm,
    blocking,
    check_tone,
    check_translations,
    parse_terms,
)
from collections_addon.engine.tone import COMMON_ACRONYMS, TONE_STATES, tone_state

TERMS = parse_terms(
    [
        ("hello", "greeting"),
        ("dear", "greeting"),
        ("olá", "greeting"),
        ("bom dia", "greeting"),
        ("prezado", "greeting"),
        ("last warning", "threat"),
        ("legal action", "threat"),
        ("warning", "aggressive"),
        ("immediately", "aggressive"),
        ("expor seu nome", "humiliating"),
        ("caloteiro", "humiliating"),
        ("exposure", "jargon"),
        ("dunning", "jargon"),
    ]
)


def codes(findings):
    return [finding.code for finding in findings]


def pairs(findings):
    return [(finding.code, finding.excerpt) for finding in findings]


def check(text, terms=TERMS, **kwargs):
    """Findings of ``text`` without the greeting requirement, unless asked."""
    kwargs.setdefault("require_greeting", False)
    return check_tone(text, terms, **kwargs)


# --- constants and values ---------------------------------------------------------------------------------------


def test_constants_match_the_contract():
    assert TONE_CATEGORIES == ("aggressive", "threat", "humiliating", "jargon", "greeting")
    assert FINDING_CODES == (
        "aggressive",
        "threat",
        "humiliating",
        "jargon",
        "shouting",
        "punctuation",
        "no_greeting",
    )
    assert frozenset({"aggressive", "threat", "humiliating", "shouting"}) == BLOCKING_CODES
    assert BLOCKING_CODES.issubset(FINDING_CODES)


@pytest.mark.parametrize("category", TONE_CATEGORIES)
def test_every_category_is_accepted(category):
    assert ToneTerm("word", category).category == category


@pytest.mark.parametrize("category", ["rude", "", "Threat", " threat", None])
def test_unknown_category_raises_naming_it(category):
    with pytest.raises(ValueError, match=re.escape(repr(category))):
        ToneTerm("word", category)


def test_terms_and_findings_are_frozen_and_hashable():
    term = ToneTerm("word", "threat")
    finding = ToneFinding("threat", "word")
    assert {term, ToneTerm("word", "threat")} == {term}
    assert {finding, ToneFinding("threat", "word")} == {finding}
    with pytest.raises(AttributeError):
        term.term = "other"
    with pytest.raises(AttributeError):
        finding.code = "jargon"


@pytest.mark.parametrize("code", FINDING_CODES)
def test_finding_blocking_property(code):
    assert ToneFinding(code, "x").blocking is (code in BLOCKING_CODES)


def test_blocking_keeps_only_blocking_findings_in_order():
    findings = [
        ToneFinding("no_greeting", "a"),
        ToneFinding("threat", "b"),
        ToneFinding("jargon", "c"),
        ToneFinding("shouting", "d"),
        ToneFinding("punctuation", "e"),
        ToneFinding("aggressive", "f"),
        ToneFinding("humiliating", "g"),
    ]
    assert codes(blocking(findings)) == ["threat", "shouting", "aggressive", "humiliating"]
    assert blocking([]) == []
    assert blocking(iter(findings[:2])) == [findings[1]]


# --- parse_terms ------------------------------------------------------------------------------------------------


def test_parse_terms_strips_and_skips_blank_terms():
    rows = [("  last warning ", "threat"), ("", "threat"), ("   ", "jargon"), (None, "jargon"), ("Olá", " greeting ")]
    assert parse_terms(rows) == [ToneTerm("last warning", "threat"), ToneTerm("Olá", "greeting")]


def test_parse_terms_accepts_any_iterable():
    assert parse_terms(iter([("a", "jargon")])) == [ToneTerm("a", "jargon")]
    assert parse_terms([]) == []


def test_parse_terms_rejects_unknown_categories():
    with pytest.raises(ValueError, match="rude"):
        parse_terms([("word", "rude")])


def test_parse_terms_skips_a_blank_term_even_with_a_bad_category():
    assert parse_terms([("  ", "whatever")]) == []


# --- empty texts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "{{ object.name }}", " {{ a }} {{ b }}\n", None])
def test_empty_text_has_no_findings_not_even_no_greeting(text):
    assert check_tone(text, TERMS) == []


def test_no_terms_still_checks_shouting_punctuation_and_greeting():
    assert codes(check_tone("PAY NOW!!", [])) == ["no_greeting", "shouting", "punctuation"]


# --- term matching ----------------------------------------------------------------------------------------------


def test_term_found_with_its_category_and_original_case():
    assert pairs(check("This is your Last Warning.")) == [("threat", "Last Warning")]


def test_matching_is_case_insensitive():
    assert codes(check("pay immediately")) == ["aggressive"]
    assert codes(check("pay IMMEDIATELY")) == ["aggressive", "shouting"]
    assert codes(check("pay ImMeDiAtElY")) == ["aggressive"]


def test_matching_is_accent_insensitive_both_ways():
    accented = [ToneTerm("expôr seu nóme", "humiliating")]
    assert pairs(check("Vamos expor seu nome", accented)) == [("humiliating", "expor seu nome")]
    assert pairs(check("Vamos Expôr Seu Nome", TERMS)) == [("humiliating", "Expôr Seu Nome")]


def test_decomposed_accents_match_and_are_quoted_whole():
    decomposed = "Vamos expo\u0302r seu nome"
    assert pairs(check(decomposed)) == [("humiliating", "expo\u0302r seu nome")]


def test_compatibility_characters_are_folded():
    # NFKD turns the "ﬁ" ligature into "fi".
    assert pairs(check("\ufb01nal notice", [ToneTerm("final notice", "threat")])) == [("threat", "\ufb01nal notice")]


def test_whole_words_only():
    assert check("overexposure is bad") == []
    assert check("exposureship") == []
    assert check("exposure_rate") == []
    assert check("exposure2") == []
    assert pairs(check("your exposure, sir")) == [("jargon", "exposure")]
    assert pairs(check("(exposure)")) == [("jargon", "exposure")]


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("You deadbeats.", "deadbeats"),
        ("DEADBEATS", "DEADBEATS"),
        ("Caloteiros!", "Caloteiros"),
        ("no more excuses", "excuses"),
        ("two last warnings", "last warnings"),
    ],
)
def test_a_flagged_word_also_matches_its_plural(text, excerpt):
    terms = [
        ToneTerm("deadbeat", "humiliating"),
        ToneTerm("caloteiro", "humiliating"),
        ToneTerm("excuse", "aggressive"),
        ToneTerm("last warning", "threat"),
    ]
    assert excerpt in [finding.excerpt for finding in check(text, terms)]


def test_the_plural_is_only_an_s_or_es_ending():
    terms = [ToneTerm("deadbeat", "humiliating"), ToneTerm("cheat", "humiliating")]
    assert check("deadbeatery cheater cheatss", terms) == []
    assert codes(check("cheats cheates", terms)) == ["humiliating", "humiliating"]


def test_a_greeting_does_not_match_by_its_plural():
    # "hi" must not find a greeting in "his".
    terms = [ToneTerm("hi", "greeting")]
    assert codes(check_tone("His invoice is open.", terms)) == ["no_greeting"]
    assert check_tone("Hi, your invoice is open.", terms) == []


def test_phrase_matches_across_any_whitespace_and_is_quoted_on_one_line():
    assert pairs(check("your last\n\t  warning")) == [("threat", "last warning")]
    assert pairs(check("your last\u00a0warning")) == [("threat", "last warning")]


def test_phrase_does_not_match_words_glued_together_or_split_by_punctuation():
    assert codes(check("lastwarning")) == []
    assert codes(check("last, warning")) == ["aggressive"]


def test_each_occurrence_is_a_finding():
    findings = check("caloteiro! Sim, caloteiro. CALOTEIRO")
    assert codes(findings) == ["humiliating", "humiliating", "humiliating", "shouting"]
    assert [f.excerpt for f in findings[:3]] == ["caloteiro", "caloteiro", "CALOTEIRO"]


def test_a_term_inside_a_longer_matched_term_is_reported_once():
    # "warning" is also a term, but it is part of the "last warning" found at that place.
    assert pairs(check("This is the last warning")) == [("threat", "last warning")]
    assert pairs(check("A warning, then the last warning")) == [
        ("aggressive", "warning"),
        ("threat", "last warning"),
    ]


def test_duplicate_terms_give_one_finding():
    terms = [ToneTerm("dunning", "jargon"), ToneTerm("Dunning", "jargon"), ToneTerm(" dunning ", "jargon")]
    assert pairs(check("dunning letter", terms)) == [("jargon", "dunning")]


def test_same_term_in_two_categories_gives_both():
    terms = [ToneTerm("expose", "threat"), ToneTerm("expose", "humiliating")]
    assert codes(check("we will expose you", terms)) == ["threat", "humiliating"]


def test_overlapping_terms_that_do_not_contain_each_other_both_count():
    terms = [ToneTerm("pay now", "aggressive"), ToneTerm("now or else", "threat")]
    assert pairs(check("pay now or else", terms)) == [("aggressive", "pay now"), ("threat", "now or else")]


def test_greeting_terms_are_never_findings():
    assert check("Hello hello, dear customer") == []


def test_blank_terms_are_ignored():
    assert check("anything at all", [ToneTerm("", "threat"), ToneTerm("  ", "jargon")]) == []


def test_terms_with_regex_characters_are_literal():
    terms = [ToneTerm("a.b", "jargon"), ToneTerm("(c)", "jargon"), ToneTerm("R$", "jargon")]
    assert check("axb c", terms) == []
    assert pairs(check("a.b (c) R$100", terms)) == [("jargon", "a.b"), ("jargon", "(c)"), ("jargon", "R$")]


def test_terms_can_be_any_iterable_even_a_generator():
    terms = (term for term in TERMS)
    assert codes(check_tone("Hello. Last warning", terms)) == ["threat"]


def test_long_term_excerpt_is_shortened():
    long_phrase = " ".join(["word"] * 20)
    findings = check(f"x {long_phrase} y", [ToneTerm(long_phrase, "jargon")])
    assert len(findings) == 1
    assert len(findings[0].excerpt) <= 60
    assert findings[0].excerpt.endswith("…")
    assert findings[0].excerpt.startswith("word word")


# --- placeholders -----------------------------------------------------------------------------------------------


def test_placeholders_never_count_as_words():
    terms = [ToneTerm("object", "jargon"), ToneTerm("name", "jargon")]
    assert check("Dear {{ object.name }}, thanks", terms) == []


def test_placeholders_never_count_as_capitals():
    assert check("Thanks {{ OBJECT.PARTNER_ID.NAME }} and {{ FORMAT_AMOUNT(TOTAL) }}") == []


def test_placeholder_punctuation_is_ignored():
    assert check("Thanks {{ '!!!' if x else '??' }} and {{ a }}!") == []


def test_placeholder_over_several_lines():
    assert check("Thanks {{ object.name\n  or 'LAST WARNING' }} and bye") == []


def test_a_phrase_does_not_match_across_a_placeholder():
    assert codes(check("last {{ x }} warning")) == ["aggressive"]


def test_a_placeholder_glued_to_a_word_still_ends_it():
    assert pairs(check("{{ x }}dunning{{ y }}", [ToneTerm("dunning", "jargon")])) == [("jargon", "dunning")]


def test_text_after_a_placeholder_is_still_checked():
    assert pairs(check("{{ object.name }}, this is your last warning")) == [("threat", "last warning")]


def test_unclosed_placeholder_is_plain_text():
    assert codes(check("{{ LAST WARNING")) == ["threat", "shouting"]


# --- shouting ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("This is your LAST WARNING.", "LAST WARNING"),
        ("Por favor, PAGUE AGORA!", "PAGUE AGORA"),
        ("Please PAY NOW", "PAY NOW"),
        ("Please pay IMMEDIATELY", "IMMEDIATELY"),
        ("ATENÇÃO: fatura vencida", "ATENÇÃO"),
        ("Seu débito está VENCIDO", "VENCIDO"),
        ("You WOULDN'T like it", "WOULDN'T"),
        ("DON'T FORGET", "DON'T FORGET"),
    ],
)
def test_shouting(text, excerpt):
    assert pairs(check(text, [])) == [("shouting", excerpt)]


@pytest.mark.parametrize(
    "text",
    [
        "Please pay NOW",  # one word of 3 letters
        "Please pay SOON",  # one word of 4 letters
        "Send your CPF or CNPJ",  # acronyms
        "Pay by PIX, SMS or PDF",
        "Amounts in USD, BRL or EUR; VAT included",
        "Use the IBAN below",
        "NF 123 is due",
        "Invoice INV/2026/0001 is due",  # a reference, not a word
        "Ref FACTURE-2026-0001",
        "I am here",
        "A B C D",
        "OK, thanks",
        "Nota NF-e enviada",
        "McDONALD pays",
    ],
)
def test_not_shouting(text):
    assert check(text, []) == []


def test_acronyms_do_not_make_a_run_of_shouting():
    assert check("Seu CPF e CNPJ", []) == []
    assert check("SEU CPF", []) == []
    assert check("CPF CNPJ PIX SMS NF PDF USD BRL EUR VAT IBAN", []) == []


def test_acronym_list_matches_the_contract():
    assert frozenset({"CPF", "CNPJ", "PIX", "SMS", "NF", "PDF", "USD", "BRL", "EUR", "VAT", "IBAN"}) == COMMON_ACRONYMS


def test_one_finding_per_run_with_the_whole_run_as_excerpt():
    assert pairs(check("PAY NOW OR ELSE WE CALL", [])) == [("shouting", "PAY NOW OR ELSE WE CALL")]


def test_short_capital_words_inside_a_run_join_it():
    assert pairs(check("PAGUE A DÍVIDA", [])) == [("shouting", "PAGUE A DÍVIDA")]


def test_punctuation_between_capital_words_keeps_the_run():
    assert pairs(check("Hi. LAST WARNING: PAY NOW!", [])) == [("shouting", "LAST WARNING: PAY NOW")]


def test_lower_case_word_splits_runs():
    assert pairs(check("PAY NOW and PAY TODAY", [])) == [("shouting", "PAY NOW"), ("shouting", "PAY TODAY")]


def test_numbers_split_runs():
    assert pairs(check("PAY 100 NOW", [])) == []
    assert pairs(check("PAY NOW 100 REAIS", [])) == [("shouting", "PAY NOW"), ("shouting", "REAIS")]


def test_placeholder_splits_a_run():
    assert check("PAY {{ x }} NOW", []) == []
    assert pairs(check("PAGUE{{ x }}AGORA", [])) == [("shouting", "PAGUE"), ("shouting", "AGORA")]


def test_quotes_and_brackets_around_capital_words():
    assert pairs(check("“PAY NOW” (URGENT)", [])) == [("shouting", "PAY NOW” (URGENT")]


def test_run_across_lines_is_quoted_on_one_line():
    assert pairs(check("LAST\nWARNING", [])) == [("shouting", "LAST WARNING")]


def test_shouting_and_a_term_at_the_same_place_give_both_findings_term_first():
    assert codes(check("LAST WARNING")) == ["threat", "shouting"]


# --- punctuation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("Pay now!!", "now!!"),
        ("Really??", "Really??"),
        ("Really?!", "Really?!"),
        ("Really!?", "Really!?"),
        ("What?!?!", "What?!?!"),
        ("Pay now !!!!", "!!!!"),
    ],
)
def test_punctuation_runs(text, excerpt):
    assert pairs(check(text, [])) == [("punctuation", excerpt)]


def test_single_marks_are_fine():
    assert check("Thanks! Any question? Call us!", []) == []


def test_each_run_is_a_finding():
    assert pairs(check("Why?? Pay!!", [])) == [("punctuation", "Why??"), ("punctuation", "Pay!!")]


def test_three_separate_exclamation_marks_in_the_message():
    assert pairs(check("Thanks! Pay soon! Bye!", [])) == [("punctuation", "Bye!")]


def test_exclamation_marks_are_counted_over_lines():
    assert codes(check("Thanks!\nPay soon!\n\nBye!", [])) == ["punctuation"]


def test_question_marks_do_not_count_towards_the_three_exclamations():
    assert check("Thanks! Why? Pay soon! Why?", []) == []


def test_a_run_of_three_is_one_finding_not_two():
    assert pairs(check("Pay!!!", [])) == [("punctuation", "Pay!!!")]


def test_a_run_plus_separate_marks_adds_up_to_three():
    assert pairs(check("Pay!! Now! Go!", [])) == [("punctuation", "Pay!!"), ("punctuation", "Go!")]
    assert pairs(check("Pay!! Now!", [])) == [("punctuation", "Pay!!")]


def test_the_spread_finding_points_at_the_mark_that_makes_three():
    assert pairs(check("One! Two! Three! Four!", [])) == [("punctuation", "Three!")]


def test_punctuation_inside_placeholders_does_not_count():
    assert check("Thanks! {{ a }}! {{ '!!' }} and {{ b }}", []) == []


def test_punctuation_right_after_a_placeholder_is_quoted_without_it():
    assert pairs(check("Thanks {{ object.name }}!!", [])) == [("punctuation", "!!")]


def test_other_punctuation_is_fine():
    assert check("Well... fine; ok: (yes) - no", []) == []


# --- greeting ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hello Maria, your invoice is due.",
        "hello maria",
        "  \n Hello, {{ customer }}.",
        "Hello, {{ customer }}.",
        "Hello{{ customer }}, thanks",
        "{{ object.partner_id.name }}, hello!",
        "Olá {{ object.name }}",
        "Ola Maria",
        "OLÁ Maria",
        "Bom\ndia, Maria",
        "Prezado cliente",
        "Dear Sir or Madam",
        "Re: invoice 12 - Dear customer",
    ],
)
def test_greeting_found(text):
    assert "no_greeting" not in codes(check_tone(text, TERMS))


@pytest.mark.parametrize(
    "text",
    [
        "Your invoice is due.",
        "Othello is a play",  # "hello" inside another word
        "Bom, dia de pagar",  # the phrase is split by punctuation
    ],
)
def test_greeting_missing(text):
    assert codes(check_tone(text, TERMS)) == ["no_greeting"]


def test_greeting_window_boundary_is_exact():
    # The greeting starts at index 59 (allowed) or 60 (too late).
    assert "no_greeting" not in codes(check_tone("x" * 58 + " hello", TERMS))
    assert "no_greeting" in codes(check_tone("x" * 59 + " hello", TERMS))


def test_greeting_window_counts_after_leading_whitespace_and_placeholders():
    padding = "{{ object.partner_id.commercial_partner_id.name }} {{ object.company_id.name }}"
    assert len(padding) > 60
    assert "no_greeting" not in codes(check_tone(f"\n\n   {padding}\n Hello", TERMS))
    assert "no_greeting" not in codes(check_tone(" " * 100 + "Hello", TERMS))


def test_greeting_window_ignores_placeholders_in_the_middle_too():
    long_placeholder = "{{ " + "x" * 80 + " }}"
    assert "no_greeting" not in codes(check_tone(f"Ref {long_placeholder} hello", TERMS))


def test_greeting_inside_a_placeholder_does_not_count():
    assert codes(check_tone("{{ 'Hello' }} your invoice", TERMS)) == ["no_greeting"]


def test_greeting_not_required():
    assert check_tone("Your invoice is due.", TERMS, require_greeting=False) == []


def test_greeting_requirement_is_keyword_only():
    with pytest.raises(TypeError):
        check_tone("Your invoice is due.", TERMS, False)


def test_no_greeting_excerpt_is_the_first_40_characters_on_one_line():
    text = "\n  Your invoice\nnumber 2026/0001 is due since last month, please pay."
    [finding] = check_tone(text, TERMS)
    assert finding == ToneFinding("no_greeting", "Your invoice number 2026/0001 is due sin")
    assert len(finding.excerpt) == 40


def test_no_greeting_excerpt_of_a_short_text():
    assert check_tone("Pay.", TERMS) == [ToneFinding("no_greeting", "Pay.")]


def test_no_greeting_is_not_blocking():
    [finding] = check_tone("Pay.", TERMS)
    assert not finding.blocking


# --- order and combinations -------------------------------------------------------------------------------------


def test_findings_in_order_of_position_with_no_greeting_first():
    text = "Caloteiro, this is the LAST WARNING!! We will take legal action. Dunning."
    assert pairs(check_tone(text, TERMS)) == [
        ("no_greeting", "Caloteiro, this is the LAST WARNING!! We"),
        ("humiliating", "Caloteiro"),
        ("threat", "LAST WARNING"),
        ("shouting", "LAST WARNING"),
        ("punctuation", "WARNING!!"),
        ("threat", "legal action"),
        ("jargon", "Dunning"),
    ]


def test_a_polite_message_has_no_findings():
    text = (
        "Olá {{ object.partner_id.name }},\n\n"
        "A fatura {{ object.name }} de {{ format_amount(object.amount_residual) }} venceu em "
        "{{ object.invoice_date_due }}. Se já pagou, desconsidere esta mensagem. "
        "Pode pagar por PIX ou boleto; qualquer dúvida, responda este e-mail.\n\nObrigado!"
    )
    assert check_tone(text, TERMS) == []


def test_blocking_of_a_full_check():
    findings = check_tone("Your exposure is a LAST WARNING!!", TERMS)
    assert codes(findings) == ["no_greeting", "jargon", "threat", "shouting", "punctuation"]
    assert codes(blocking(findings)) == ["threat", "shouting"]


def test_every_excerpt_is_short():
    text = "Hello " + " ".join(["PAY"] * 40) + "!" * 80 + " " + "x" * 200 + "!!"
    findings = check_tone(text, TERMS)
    assert findings
    assert all(len(finding.excerpt) <= 60 for finding in findings)


def test_a_long_text_is_checked_quickly():
    text = "Hello. " + "Your invoice is due, please pay. " * 3000 + "LAST WARNING"
    assert codes(check_tone(text, TERMS)) == ["threat", "shouting"]


# --- every language with its own words --------------------------------------------------------------------------

WORDS = {
    "en_US": [ToneTerm("hello", "greeting"), ToneTerm("deadbeat", "humiliating")],
    "pt_BR": [
        ToneTerm("olá", "greeting"),
        ToneTerm("caloteiro", "humiliating"),
        ToneTerm("sujar seu nome", "threat"),
    ],
}
RUDE_PT = "Olá, {{ customer }}. Seu caloteiro, vamos sujar seu nome se não pagar."


def test_portuguese_typed_once_is_checked_with_the_portuguese_words():
    # Typed in a Portuguese session: Odoo stores it as the source (en_US) and as pt_BR.
    findings = check_translations({"en_US": RUDE_PT, "pt_BR": RUDE_PT}, WORDS)
    assert [(langs, finding.code) for langs, finding in findings] == [
        (("en_US", "pt_BR"), "humiliating"),
        (("en_US", "pt_BR"), "threat"),
    ]
    assert blocking(finding for _langs, finding in findings)


def test_a_polite_portuguese_text_typed_once_has_its_greeting():
    polite = "Olá, {{ customer }}. Sua fatura está em aberto."
    assert check_translations({"en_US": polite, "pt_BR": polite}, WORDS) == []


def test_each_translation_is_checked_with_its_own_words():
    texts = {"en_US": "Hello. Caloteiro is not English.", "pt_BR": "Olá, deadbeat não é português."}
    assert check_translations(texts, WORDS) == []
    texts = {"en_US": "Hello, deadbeats.", "pt_BR": "Caloteiro."}
    assert [(langs, finding.code) for langs, finding in check_translations(texts, WORDS)] == [
        (("en_US",), "humiliating"),
        (("pt_BR",), "no_greeting"),
        (("pt_BR",), "humiliating"),
    ]


def test_a_language_without_greetings_cannot_miss_one():
    assert check_translations({"fr_FR": "Votre facture est ouverte."}, WORDS) == []
    assert codes(f for _langs, f in check_translations({"fr_FR": "VOTRE FACTURE EST OUVERTE"}, WORDS)) == ["shouting"]


def test_greeting_and_blank_texts_in_translations():
    assert check_translations({"en_US": "Your invoice.", "pt_BR": "  "}, WORDS, require_greeting=False) == []
    assert check_translations({}, WORDS) == []


# --- where a text stands ------------------------------------------------------------------------------------------


def test_tone_states_match_the_contract():
    assert TONE_STATES == ("ok", "warning", "blocked", "accepted")


@pytest.mark.parametrize("code", FINDING_CODES)
def test_a_text_is_blocked_by_a_blocking_finding_until_a_manager_accepts_it(code):
    findings = [ToneFinding("jargon", "dunning"), ToneFinding(code, "excerpt")]
    blocked = code in BLOCKING_CODES
    assert tone_state(findings) == ("blocked" if blocked else "warning")
    assert tone_state(findings, accepted=True) == ("accepted" if blocked else "warning")


def test_a_text_without_findings_is_fine_whatever_was_accepted():
    assert tone_state([]) == tone_state([], accepted=True) == "ok"
    assert tone_state(iter([ToneFinding("threat", "sue")])) == "blocked"
    states = {tone_state(check(text), accepted) for text in ("Hello.", "LAST WARNING") for accepted in (False, True)}
    assert states <= set(TONE_STATES)
