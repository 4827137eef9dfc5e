"""Inbound messages (``engine.replies``): automatic or a person's reply, WhatsApp opt-outs, a reply's first lines."""

from email import message_from_string

import pytest
from hypothesis import given
from hypothesis import strategies as st

import collections_addon.engine as engine
from collections_addon.engine import AUTO_REPLY_REASONS, is_auto_reply, is_opt_out, reply_preview
from collections_addon.engine import whatsapp as wa
from collections_addon.engine.replies import (
    AUTO_REPLY_SUBJECT_WORDS,
    AUTO_REPLY_SUBJECTS,
    ELLIPSIS,
    OPT_OUT_PHRASES,
    OPT_OUT_TEXTS,
    PREVIEW_CHARS,
    PREVIEW_LINES,
    is_auto_subject,
)
from tests.engine.conftest import PROPERTIES

HUMAN = "Ana Souza <ana@cliente.com.br>"


def auto(headers=None, subject="Re: Fatura 123 em atraso", sender=HUMAN):
    return is_auto_reply(headers or {}, subject, sender)


# ----------------------------------------------------------------------
# Public names
# ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["is_auto_reply", "reply_preview", "is_opt_out", "AUTO_REPLY_REASONS"])
def test_every_public_name_is_exported_from_the_engine(name):
    assert name in engine.__all__


def test_one_opt_out_rule_for_the_webhook_and_the_replies():
    from collections_addon.engine import replies

    assert replies.is_opt_out is wa.is_opt_out is engine.is_opt_out
    assert (*wa.OPT_OUT_WORDS, *OPT_OUT_PHRASES) == OPT_OUT_TEXTS


# ----------------------------------------------------------------------
# is_auto_reply: headers
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["auto-replied", "auto-generated", "auto-notified", "AUTO-REPLIED", "auto-replied; owner-email=a@b.c"]
)
def test_auto_submitted_other_than_no_is_automatic(value):
    assert auto({"Auto-Submitted": value}) == "auto_submitted"
    assert auto({"auto-submitted": value}) == "auto_submitted", "header names in any case"


@pytest.mark.parametrize("value", ["no", "No", " no ", "no (a person wrote this)", "", None])
def test_auto_submitted_no_or_empty_is_a_person(value):
    assert auto({"Auto-Submitted": value}) is None


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("X-Autoreply", "yes", "autoreply_header"),
        ("X-AutoReply", "true", "autoreply_header"),
        ("X-Autorespond", "Out of office", "autoreply_header"),
        ("X-Autoreply", "no", None),
        ("X-Autorespond", "0", None),
        ("Precedence", "bulk", "precedence"),
        ("Precedence", "auto_reply", "precedence"),
        ("Precedence", "Auto-Reply", "precedence"),
        ("Precedence", "junk", "precedence"),
        ("Precedence", "list", "precedence"),
        ("Precedence", "first-class", None),
        ("X-Auto-Response-Suppress", "All", None),
        ("X-Auto-Response-Suppress", "DR, RN, NRN, OOF, AutoReply", None),
        ("X-Failed-Recipients", "ana@cliente.com.br", "failed_recipients"),
        ("Return-Path", "<>", "bounce_sender"),
        ("Return-Path", "< >", "bounce_sender"),
        ("Return-Path", "<ana@cliente.com.br>", None),
        ("Content-Type", "multipart/report; report-type=delivery-status; boundary=x", "delivery_report"),
        ("Content-Type", 'multipart/report; report-type="disposition-notification"', "delivery_report"),
        ("Content-Type", "multipart/mixed; boundary=x", None),
        ("Content-Type", "text/plain; charset=utf-8", None),
    ],
)
def test_headers(name, value, reason):
    assert auto({name: value}) == reason


@pytest.mark.parametrize(
    "sender",
    [
        "MAILER-DAEMON@mx.cliente.com.br",
        "Mail Delivery System <MAILER-DAEMON@mx.cliente.com.br>",
        "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        "postmaster@cliente.com.br",
        "MAILER-DAEMON",
    ],
)
def test_a_mail_system_sender_is_a_bounce(sender):
    assert auto(sender=sender, subject="Undelivered Mail Returned to Sender") == "bounce_sender"


@pytest.mark.parametrize("sender", ["daemon@cliente.com.br", "post.master@cliente.com.br", "", None, HUMAN])
def test_other_senders_are_people(sender):
    assert auto(sender=sender) is None


def test_the_strongest_sign_names_the_reason():
    headers = {"Auto-Submitted": "auto-replied", "Precedence": "bulk", "X-Failed-Recipients": "x@y.z"}
    assert auto(headers, subject="Out of office") == "auto_submitted"
    assert auto({"Precedence": "bulk"}, sender="postmaster@x.com") == "precedence"
    assert auto({"X-Failed-Recipients": "x@y.z"}, subject="Automatic reply") == "failed_recipients"
    assert set(AUTO_REPLY_REASONS) == {
        "auto_submitted",
        "autoreply_header",
        "precedence",
        "bounce_sender",
        "delivery_report",
        "failed_recipients",
        "subject",
    }


# ----------------------------------------------------------------------
# is_auto_reply: subjects
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Fatura 123 em atraso",
        "Out of office",
        "OUT OF OFFICE AutoReply: Fatura 123",
        "Out-of-office: back on Monday",
        "Automatic reply: Fatura 123",
        "Auto-Reply: Fatura 123",
        "Auto Reply - Fatura 123",
        "AutoReply: Fatura 123",
        "Autoreply",
        "[Auto-Reply] Fatura 123",
        "(Out of Office) Fatura 123",
        "Resposta automática: Fatura 123",
        "Resposta Automatica: Fatura 123",
        "Fora do escritório: Fatura 123",
        "Fora do Escritorio até 20/03",
        "Ausente",
        "Ausente: Fatura 123",
        "[Ausente]",
        "Férias",
        "Ferias: volto dia 20",
        "  Resposta automática: Fatura 123",
    ],
)
def test_auto_reply_subjects(subject):
    assert auto(subject=subject) == "subject"
    assert is_auto_subject(subject)


@pytest.mark.parametrize(
    "subject",
    [
        # A person answering: the phrase behind "Re:" does not count (see AUTO_REPLY_SUBJECTS).
        "Re: Out of office?",
        "RE: Resposta automática: Fatura 123",
        "Fwd: Automatic reply: Fatura 123",
        # Word boundaries.
        "Out of officer training",
        "Autoreplying is annoying",
        "Automatic replies are off",
        # Words a person may start a subject with.
        "Férias coletivas - pagamos dia 20",
        "Ausente na segunda, pago na terça",
        "Ausentes: ninguém",
        # Somewhere else in the subject.
        "Fatura 123 - resposta automática?",
        "Pagamento antes das férias",
        "",
    ],
)
def test_human_subjects(subject):
    assert auto(subject=subject) is None


def test_the_subject_lists_fold_to_what_the_rule_compares():
    assert "Ausente" in AUTO_REPLY_SUBJECT_WORDS and "Out of Office" in AUTO_REPLY_SUBJECTS
    for phrase in (*AUTO_REPLY_SUBJECTS, *AUTO_REPLY_SUBJECT_WORDS):
        assert is_auto_subject(phrase), phrase


# ----------------------------------------------------------------------
# is_auto_reply: real messages and input checks
# ----------------------------------------------------------------------

OUTLOOK_HUMAN = """\
From: Ana Souza <ana@cliente.com.br>
To: cobranca@empresa.com.br
Subject: RE: Fatura 123 em atraso
In-Reply-To: <reminder-1@empresa.com.br>
X-Auto-Response-Suppress: All
Thread-Topic: Fatura 123 em atraso
Content-Type: text/plain; charset="utf-8"

Pago na sexta.
"""

EXCHANGE_OUT_OF_OFFICE = """\
From: Ana Souza <ana@cliente.com.br>
To: cobranca@empresa.com.br
Subject: Resposta automática: Fatura 123 em atraso
Auto-Submitted: auto-generated
X-Auto-Response-Suppress: All
Content-Type: text/plain; charset="utf-8"

Estou de férias até 20/03.
"""

POSTFIX_BOUNCE = """\
Return-Path: <>
From: MAILER-DAEMON@mx.empresa.com.br (Mail Delivery System)
To: cobranca@empresa.com.br
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B--
"""


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(OUTLOOK_HUMAN, None), (EXCHANGE_OUT_OF_OFFICE, "auto_submitted"), (POSTFIX_BOUNCE, "bounce_sender")],
    ids=["outlook person", "exchange out of office", "postfix bounce"],
)
def test_real_messages(raw, reason):
    message = message_from_string(raw)
    headers = {name: str(value) for name, value in message.items()}
    assert is_auto_reply(headers, message["Subject"], message["From"]) == reason


@pytest.mark.parametrize(
    ("headers", "subject", "sender", "message"),
    [
        ([("Precedence", "bulk")], "", "", "headers must be a mapping"),
        (None, "", "", "headers must be a mapping"),
        ({1: "x"}, "", "", "header name must be text"),
        ({"Precedence": 1}, "", "", "header 'Precedence' must be text"),
        ({}, b"Out of office", "", "subject must be text"),
        ({}, "", ["ana@x.com"], "sender must be text"),
    ],
)
def test_is_auto_reply_input_checks(headers, subject, sender, message):
    with pytest.raises(ValueError, match=message):
        is_auto_reply(headers, subject, sender)


# ----------------------------------------------------------------------
# is_opt_out (WhatsApp)
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "Parar",
        "sair",
        "CANCELAR",
        "Pare!",
        "Não quero mais receber",
        "nao quero mais receber.",
        "NÃO QUERO MAIS RECEBER MENSAGENS!!",
        "Não quero receber mais mensagens",
        "Descadastrar",
        "unsubscribe",
        "Stop messaging me",
    ],
)
def test_opt_outs(text):
    assert is_opt_out(text)


@pytest.mark.parametrize(
    "text",
    [
        "Não quero mais receber, já paguei",
        "Já paguei, parar de cobrar por favor",
        "Please don't stop, I'll pay tomorrow",
        "Vou pagar amanhã",
        "Não",
        "",
        None,
    ],
)
def test_other_texts_are_replies_that_pause(text):
    assert not is_opt_out(text)


# ----------------------------------------------------------------------
# reply_preview
# ----------------------------------------------------------------------


def test_gmail_reply_in_english_with_a_wrapped_attribution():
    text = (
        "Hi,\n\nI paid yesterday, see the receipt attached.\n\n"
        "On Mon, Mar 16, 2026 at 10:00 AM Collections <\ncobranca@empresa.com.br> wrote:\n\n"
        "> Dear customer,\n> invoice 123 is overdue.\n"
    )
    assert reply_preview(text) == "Hi,\nI paid yesterday, see the receipt attached."


def test_gmail_reply_in_portuguese():
    text = (
        "Bom dia,\r\nvou pagar na sexta-feira.\r\n\r\n"
        "Em seg., 16 de mar. de 2026 às 10:00, Cobrança <cobranca@empresa.com.br> escreveu:\r\n"
        "> Prezado cliente,\r\n"
    )
    assert reply_preview(text) == "Bom dia,\nvou pagar na sexta-feira."


def test_outlook_reply_with_an_original_message_separator():
    text = "Já paguei.\n\n-----Original Message-----\nFrom: Cobrança\nSent: Monday\nSubject: Fatura 123\n\nPrezado"
    assert reply_preview(text) == "Já paguei."
    assert reply_preview("Ok.\n----- Mensagem original -----\nDe: x") == "Ok."
    assert reply_preview("Veja abaixo.\n---------- Forwarded message ---------\nFrom: x") == "Veja abaixo."


def test_outlook_reply_with_a_header_block():
    text = (
        "Segue o comprovante.\n\n________________________________\n"
        "De: Cobrança <cobranca@empresa.com.br>\nEnviado: segunda-feira, 16 de março de 2026 10:00\n"
        "Para: Ana\nAssunto: Fatura 123\n\nPrezado cliente"
    )
    assert reply_preview(text) == "Segue o comprovante."
    block = "Contestamos o valor.\nDe: Cobrança\nEnviado em: segunda-feira\nPara: Ana\nAssunto: Fatura 123\nPrezado"
    assert reply_preview(block) == "Contestamos o valor."
    english = "Disputed.\n*From:* Collections\n*Sent:* Monday\n*To:* Ana\nDear"
    assert reply_preview(english) == "Disputed."


def test_a_from_line_without_headers_is_the_customers_own_words():
    assert (
        reply_preview("De: amanhã em diante pagamos em dia.\nObrigada")
        == "De: amanhã em diante pagamos em dia.\nObrigada"
    )


def test_signatures_end_the_reply():
    assert reply_preview("Pago amanhã.\n-- \nAna Souza\nFinanceiro") == "Pago amanhã."
    assert reply_preview("Pago amanhã.\n--\nAna Souza") == "Pago amanhã."
    assert reply_preview("Paid.\n\nSent from my iPhone") == "Paid."
    assert reply_preview("Pago.\nEnviado do meu iPhone") == "Pago."
    assert reply_preview("Pago -- mas só metade.") == "Pago -- mas só metade.", "a dash within a line is text"


def test_quoted_lines_are_skipped_and_inline_answers_kept():
    text = "> Can you pay invoice 123?\nYes, on Friday.\n> And invoice 124?\nThat one is disputed."
    assert reply_preview(text) == "Yes, on Friday.\nThat one is disputed."


def test_lines_blank_lines_and_spaces():
    text = "\n\n  one   two  \n\n\tthree\nfour\nfive"
    assert reply_preview(text) == "one two\nthree\nfour"
    assert reply_preview(text, lines=1) == "one two"
    assert reply_preview(text, lines=5) == "one two\nthree\nfour\nfive"
    assert (PREVIEW_LINES, PREVIEW_CHARS) == (3, 300)


def test_a_long_reply_is_cut_with_an_ellipsis():
    words = "pagaremos a fatura assim que o cliente final nos pagar " * 20
    preview = reply_preview(words)
    assert len(preview) <= PREVIEW_CHARS and preview.endswith(ELLIPSIS)
    assert not preview[: -len(ELLIPSIS)].endswith(" "), "cut at a word"
    assert reply_preview("x" * 50, max_chars=10) == "x" * 9 + ELLIPSIS, "no space: cut hard"
    assert reply_preview("abc", max_chars=1) == ELLIPSIS
    assert reply_preview("abc", max_chars=3) == "abc"


def test_nothing_but_history_is_an_empty_preview():
    assert reply_preview("") == ""
    assert reply_preview(None) == ""
    assert reply_preview("> quoted\n>> more") == ""
    assert reply_preview("On Mon, Ana wrote:\n> hi") == ""


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"text": b"bytes"}, "reply must be text"),
        ({"lines": 0}, "preview lines must be a whole number from 1 to 50"),
        ({"lines": True}, "preview lines"),
        ({"lines": 51}, "preview lines"),
        ({"lines": "3"}, "preview lines"),
        ({"max_chars": 0}, "length of a preview must be a whole number from 1 to 5000"),
        ({"max_chars": 300.0}, "length of a preview"),
    ],
)
def test_reply_preview_input_checks(values, message):
    arguments = {"text": "Pago amanhã", **values}
    with pytest.raises(ValueError, match=message):
        reply_preview(**arguments)


# ----------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------


@PROPERTIES
@given(st.text(max_size=600), st.integers(1, 10), st.integers(1, 400))
def test_a_preview_fits_and_holds_no_quote(text, lines, max_chars):
    preview = reply_preview(text, lines=lines, max_chars=max_chars)
    assert len(preview) <= max_chars
    assert len(preview.split("\n")) <= lines
    for line in preview.split("\n"):
        assert not line.startswith(">")
        assert line == line.strip()


@PROPERTIES
@given(st.lists(st.from_regex(r"[A-Za-z0-9 ,.]{1,40}", fullmatch=True).filter(str.strip), min_size=1, max_size=5))
def test_a_plain_reply_is_its_first_lines(plain_lines):
    # Plain lines of letters and digits start no history: the preview is their first lines, spaces collapsed.
    plain_lines = [line for line in plain_lines if not line.strip().casefold().startswith(("on ", "em "))]
    expected = "\n".join(" ".join(line.split()) for line in plain_lines[:PREVIEW_LINES])
    assert reply_preview("\n".join(plain_lines), max_chars=1000) == expected


@PROPERTIES
@given(st.dictionaries(st.sampled_from(["Subject", "To", "Message-Id", "X-Mailer", "Thread-Topic"]), st.text()))
def test_ordinary_headers_never_make_a_message_automatic(headers):
    assert is_auto_reply(headers, "Re: Fatura 123", HUMAN) is None
