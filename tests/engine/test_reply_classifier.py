"""The reply classifier (``engine.reply_classifier``): a suggestion a person confirms, never an action."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine import (
    REPLY_KINDS,
    ReplySuggestion,
    classify_reply,
    promised_date,
)
from collections_addon.engine.reply_classifier import DISPUTE_PHRASES, PAID_PHRASES, PROMISE_PHRASES, fold, own_words
from tests.engine.conftest import FRI, PROPERTIES, TODAY

# TODAY is Monday 16 March 2026.


@pytest.mark.parametrize(
    ("text", "phrase", "promised"),
    [
        ("I will pay on 15/03", "i will pay", date(2027, 3, 15)),  # the 15th has passed: next year's, never past
        ("I will pay on 20/03", "i will pay", date(2026, 3, 20)),
        ("pago dia 20", "pago dia", date(2026, 3, 20)),
        ("Pago dia 10", "pago dia", date(2026, 4, 10)),  # the 10th has passed: next month's
        ("vou pagar na sexta", "vou pagar", date(2026, 3, 20)),
        ("Vou pagar na sexta-feira", "vou pagar", date(2026, 3, 20)),
        ("pago na segunda", "pago na", date(2026, 3, 23)),  # today is a Monday: the coming one
        ("We will pay next Friday", "we will pay", date(2026, 3, 20)),
        ("I'll pay tomorrow", "i'll pay", date(2026, 3, 17)),
        ("I\u2019ll pay tomorrow", "i'll pay", date(2026, 3, 17)),  # a typographic apostrophe
        ("Amanhã eu pago, vou pagar sem falta", "vou pagar", date(2026, 3, 17)),
        ("VOU PAGAR AMANHA", "vou pagar", date(2026, 3, 17)),  # accents and case ignored
        ("Vou pagar depois de amanhã", "vou pagar", date(2026, 3, 18)),
        ("vou pagar hoje", "vou pagar", TODAY),
        ("Farei o pagamento em 10/04/2026", "farei o pagamento", date(2026, 4, 10)),
        ("farei o pagamento em 10-04-26", "farei o pagamento", date(2026, 4, 10)),
        ("We will pay on 2026-04-01", "we will pay", date(2026, 4, 1)),
        ("pago dia 20 de abril", "pago dia", date(2026, 4, 20)),
        ("I will pay on April 3rd", "i will pay", date(2026, 4, 3)),
        ("I will pay on the 20th", "i will pay", date(2026, 3, 20)),
        # No date, several, an impossible one, a past one, one more than a year ahead: no date.
        ("I will pay next week", "i will pay", None),
        ("vou pagar dia 20 ou dia 25", "vou pagar", None),
        ("vou pagar 31/04", "vou pagar", None),
        ("I will pay on 2026-03-10", "i will pay", None),
        ("vou pagar em 10/04/2028", "vou pagar", None),
        ("vou pagar, me manda a segunda via", "vou pagar", None),  # "segunda via" is a second copy
        ("I will pay the 2 invoices", "i will pay", None),  # a count, not a day
        ("Vou pagar a NF 2026/00012", "vou pagar", None),  # an invoice number, not a date
    ],
)
def test_promises_and_their_dates(text, phrase, promised):
    assert classify_reply(text, TODAY) == ReplySuggestion("promise", phrase, promised)


def test_a_weekday_named_on_that_weekday_is_next_weeks():
    assert classify_reply("vou pagar na sexta", FRI).promised_date == FRI + timedelta(days=7)


def test_the_turn_of_the_year():
    new_year_eve = date(2026, 12, 31)
    assert promised_date("pago dia 5", new_year_eve) == date(2027, 1, 5)
    assert promised_date("10/01", new_year_eve) == date(2027, 1, 10)
    assert promised_date("amanhã", new_year_eve) == date(2027, 1, 1)
    assert promised_date("29/02", date(2027, 3, 1)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("I have not received the goods", "have not received"),
        ("Wrong amount on this invoice", "wrong amount"),
        ("Não recebi a mercadoria", "não recebi"),
        ("Cobrança indevida", "cobrança indevida"),
        ("cobranca indevida", "cobrança indevida"),
        ("O valor errado foi cobrado", "valor errado"),
        ("Fomos cobrados duas vezes? cobrado duas vezes!", "cobrado duas vezes"),
        ("Não recebi, pago quando chegar, vou pagar então", "não recebi"),  # a dispute wins over a promise
    ],
)
def test_disputes(text, phrase):
    assert classify_reply(text, TODAY) == ReplySuggestion("dispute", phrase)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("I already paid this", "already paid"),
        ("Já paguei", "já paguei"),
        ("ja paguei ontem", "já paguei"),
        ("Segue comprovante", "segue comprovante"),
        ("Pagamento efetuado hoje cedo", "pagamento efetuado"),
        ("Já paguei, não devo nada", "já paguei"),  # paid wins over a dispute
    ],
)
def test_paid(text, phrase):
    assert classify_reply(text, TODAY) == ReplySuggestion("paid", phrase)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Obrigado!",
        "Please call me",
        "Não vou pagar isso",  # a negated promise is none
        "I will never pay",  # "will pay" is not in the text
        "We have not already paid",  # a negated payment is none
        "I can't pay by card",  # "pay by" after "can't"
        "We won't pay on Friday",
        "Enviei o e-mail ao financeiro",
    ],
)
def test_nothing_to_suggest(text):
    assert classify_reply(text, TODAY) is None


def test_the_quoted_reminder_is_not_read_as_the_customers_words():
    reply = "Obrigado, vou verificar.\n\nOn Mon, 16 Mar 2026, Aurora wrote:\n> If you have already paid, ignore this."
    assert classify_reply(reply, TODAY) is None
    reply = "Vou pagar amanhã.\nEm seg., 16 de mar. de 2026 Aurora escreveu:\n> Já pagou? Valor errado?"
    assert classify_reply(reply, TODAY) == ReplySuggestion("promise", "vou pagar", date(2026, 3, 17))
    assert own_words("ok\n-----Original Message-----\nalready paid") == "ok"
    assert own_words("ok\nDe: Cobrança <cobranca@aurora.com.br>\njá paguei") == "ok"


def test_only_the_top_of_a_long_reply_is_read():
    assert classify_reply("x " * 2000 + "já paguei", TODAY) is None


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="The reply must be text"):
        classify_reply(None, TODAY)
    with pytest.raises(ValueError, match="today must be a date"):
        classify_reply("vou pagar", datetime(2026, 3, 16, 12))
    with pytest.raises(ValueError, match="today must be a date"):
        promised_date("amanhã", "2026-03-16")


def test_the_word_lists_are_matchable_and_not_shared_between_kinds():
    assert REPLY_KINDS == ("paid", "dispute", "promise")
    lists = (PAID_PHRASES, DISPUTE_PHRASES, PROMISE_PHRASES)
    folded = [{fold(phrase) for phrase in phrases} for phrases in lists]
    assert all(len(words) == len(phrases) for words, phrases in zip(folded, lists, strict=True))
    assert not (folded[0] & folded[1] or folded[0] & folded[2] or folded[1] & folded[2])
    for kind, phrases in zip(REPLY_KINDS, lists, strict=True):
        for phrase in phrases:
            suggestion = classify_reply(f"Olá. {phrase.upper()}.", TODAY)
            assert suggestion is not None and suggestion.kind in REPLY_KINDS[: REPLY_KINDS.index(kind) + 1], phrase


@PROPERTIES
@given(text=st.text(max_size=300), offset=st.integers(min_value=-400, max_value=3000))
def test_any_text_gives_a_suggestion_or_none_and_never_a_past_date(text, offset):
    today = TODAY + timedelta(days=offset)
    suggestion = classify_reply(text, today)
    assert suggestion is None or suggestion.kind in REPLY_KINDS
    day = promised_date(text, today)
    assert day is None or today <= day <= today + timedelta(days=366)


@PROPERTIES
@given(day=st.dates(min_value=TODAY, max_value=TODAY + timedelta(days=365)))
def test_a_written_date_within_the_year_is_read_back(day):
    assert promised_date(f"vou pagar em {day:%d/%m/%Y}", TODAY) == day
    assert promised_date(f"I will pay on {day.isoformat()}", TODAY) == day
    if day < TODAY.replace(year=TODAY.year + 1):  # without a year, today's day and month is today
        assert promised_date(f"pago {day.day}/{day.month}", TODAY) == day
