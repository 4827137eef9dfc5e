r"""What a customer's inbound message is: a person's reply or an automatic message, an opt-out, its first lines.

A person's reply pauses the customer's automatic steps and gives the collector a task with its first lines
(a "reply" hold, see engine/holds.py). An automatic message (an out-of-office, an auto-responder, a bounce,
a read receipt) pauses nothing, and an opt-out on WhatsApp stops WhatsApp instead (engine/whatsapp.py).
The models hand these functions the decoded headers, subject, sender and plain text; nothing here reads
the database or the network.

>>> is_auto_reply({"Auto-Submitted": "auto-replied"}, "Fatura 123", "ana@example.com")
'auto_submitted'
>>> is_auto_reply({}, "Resposta automática: Fatura 123", "ana@example.com")
'subject'
>>> is_auto_reply({"X-Auto-Response-Suppress": "All"}, "RE: Fatura 123", "ana@example.com") is None
True
>>> is_opt_out("Não quero mais receber!"), is_opt_out("Não quero mais receber, já paguei")
(True, False)
>>> reply_preview("Pago na sexta.\n\nEm seg., 16 de mar. de 2026, Cobrança <c@x.com> escreveu:\n> Fatura 123")
'Pago na sexta.'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parseaddr

# One opt-out rule for the whole addon: what opts a number out never pauses, everything else from a person does.
from .whatsapp import OPT_OUT_PHRASES as OPT_OUT_PHRASES
from .whatsapp import OPT_OUT_TEXTS as OPT_OUT_TEXTS
from .whatsapp import OPT_OUT_WORDS as OPT_OUT_WORDS
from .whatsapp import _fold
from .whatsapp import is_opt_out as is_opt_out

# Why a message is automatic (what is_auto_reply answers), in the order it checks: the headers that say
# so first, then the marks of a mail system's report, then the subject, the weakest sign.
AUTO_REPLY_REASONS = (
    "auto_submitted",
    "autoreply_header",
    "precedence",
    "bounce_sender",
    "delivery_report",
    "failed_recipients",
    "subject",
)

# RFC 3834: any Auto-Submitted value but "no" (auto-replied, auto-generated, auto-notified...) means no person
# wrote the message.
AUTO_SUBMITTED_HUMAN = "no"
# Headers older auto-responders set instead (vacation programs, some hosting panels); any value but a "no".
AUTORESPONDER_HEADERS = ("X-Autoreply", "X-Autorespond")
_NO_VALUES = frozenset({"no", "false", "0"})
# Precedence values of bulk and automatic mail: no standard, but auto-responders and list servers set them.
AUTOMATIC_PRECEDENCES = ("bulk", "auto_reply", "junk", "list")
# X-Auto-Response-Suppress is NOT a sign on its own: Outlook sets it on messages people write (it asks the
# *recipient's* auto-responder to stay quiet), so a reply typed in Outlook would never pause.
NOT_AUTOMATIC_HEADERS = ("X-Auto-Response-Suppress",)

# The local parts of a mail system's own addresses: what they send are bounces and delivery reports.
MAIL_SYSTEM_SENDERS = ("mailer-daemon", "postmaster")
# RFC 6522: a multipart/report is a mail system's report, whatever its report-type: delivery-status (a bounce),
# disposition-notification (a read receipt), feedback-report (a spam complaint). None is a person's answer.
REPORT_CONTENT_TYPE = "multipart/report"
# Exim and others name the addresses a bounce is about here.
FAILED_RECIPIENTS_HEADER = "X-Failed-Recipients"
# RFC 3834 and RFC 3464: auto-replies and bounces go out with an empty envelope sender, which the receiving
# server writes as "Return-Path: <>". A person's message always has one.
NULL_RETURN_PATH = "<>"

# Subjects auto-responders start with, in English and Portuguese, compared without case, accents or hyphens
# ("Auto-Reply" is "auto reply"). A phrase counts at the very start of the subject (after an optional "[" or
# "("), followed by anything but a letter or digit: "Out of Office: Fatura 123", "[Resposta automática] ...".
# Behind "Re:" or "Fwd:" it does not count: auto-responders write their phrase first, and a "Re: Out of
# office?" is a person answering, who must pause the follow-up. Missing an auto-reply costs the collector
# a task to dismiss; taking a person's reply for an auto-reply keeps reminding a customer who answered.
AUTO_REPLY_SUBJECTS = (
    "Out of Office",
    "Automatic reply",
    "Auto-Reply",
    "Autoreply",
    "Resposta automática",
    "Fora do escritório",
)
# Words a person may also start a subject with ("Férias coletivas: pagamos em fevereiro"): they count only
# as the whole subject or followed by a colon ("Férias: ...", "Ausente").
AUTO_REPLY_SUBJECT_WORDS = ("Ausente", "Férias")

# A reply's preview: a task title and a worklist column, not the whole message.
PREVIEW_LINES = 3
PREVIEW_CHARS = 300
# A preview asks for a screenful at most: beyond these the caller wants the message, not a preview.
MAX_PREVIEW_LINES = 50
MAX_PREVIEW_CHARS = 5000
ELLIPSIS = "…"

# Where the quoted history of a reply starts: what follows is the message replied to, not the reply.
# "On Mon, 16 Mar 2026, Ana <ana@example.com> wrote:" (Gmail may wrap it over two or three lines).
_ATTRIBUTION = re.compile(r"^(on|em)\s.*\b(wrote|escreveu)\s*:$")
_ATTRIBUTION_START = re.compile(r"^(on|em)\s")
_ATTRIBUTION_LINES = 3
# "-----Original Message-----", "----- Mensagem original -----", "---------- Forwarded message ---------".
_SEPARATOR = re.compile(
    r"^-{2,}\s*(original message|mensagem original|forwarded message|mensagem encaminhada)\s*-{2,}$"
)
# Outlook draws a line of underscores above the quoted message's headers; other clients a line of dashes.
_RULE = re.compile(r"^(_{5,}|-{5,})$")
# A quoted header block: "From: ..." / "De: ..." followed within a few lines by another header.
_FROM_HEADER = re.compile(r"^\*?(from|de)\s*:")
_OTHER_HEADER = re.compile(r"^\*?(sent|date|to|cc|subject|enviad[oa](\s+em)?|data|para|assunto)\s*:")
_HEADER_BLOCK_LINES = 4
# Signatures: the "-- " delimiter (often stripped to "--") and the mobile clients' lines.
_SIGNATURE = re.compile(r"^(--$|sent from my\b|enviado d[oe] meu\b|get outlook for\b|obter o outlook para\b)")


def _text(value: object, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, got {type(value).__name__}.")
    return value


def _headers(headers: Mapping[str, str | None]) -> dict[str, list[str]]:
    """The non-empty header values by lower-case name (a Mapping may hold a name in several cases)."""
    if not isinstance(headers, Mapping):
        raise ValueError(f"The message headers must be a mapping of names to values, got {type(headers).__name__}.")
    values: dict[str, list[str]] = {}
    for name, raw in headers.items():
        if not isinstance(name, str):
            raise ValueError(f"A header name must be text, got {name!r}.")
        value = _text(raw, f"The header {name!r}").strip()
        if value:
            values.setdefault(name.casefold(), []).append(value)
    return values


def _first_token(value: str) -> str:
    """A header value without its parameters (after ";") and comments (in parentheses), lower-case."""
    return re.sub(r"\([^)]*\)", "", value.split(";", 1)[0]).strip().casefold()


def _header_reason(headers: dict[str, list[str]]) -> str | None:
    if any(_first_token(value) not in ("", AUTO_SUBMITTED_HUMAN) for value in headers.get("auto-submitted", ())):
        return "auto_submitted"
    for name in AUTORESPONDER_HEADERS:
        if any(_first_token(value) not in _NO_VALUES for value in headers.get(name.casefold(), ())):
            return "autoreply_header"
    precedences = {_first_token(value).replace("-", "_") for value in headers.get("precedence", ())}
    if precedences & set(AUTOMATIC_PRECEDENCES):
        return "precedence"
    return None


def _bounce_reason(headers: dict[str, list[str]], sender: str) -> str | None:
    address = parseaddr(sender)[1] or sender.strip()
    local_part = address.rpartition("@")[0] if "@" in address else address
    if local_part.casefold() in MAIL_SYSTEM_SENDERS:
        return "bounce_sender"
    if any(value.replace(" ", "") == NULL_RETURN_PATH for value in headers.get("return-path", ())):
        return "bounce_sender"
    if any(_first_token(value) == REPORT_CONTENT_TYPE for value in headers.get("content-type", ())):
        return "delivery_report"
    if headers.get(FAILED_RECIPIENTS_HEADER.casefold()):
        return "failed_recipients"
    return None


def _subject_key(text: str) -> str:
    """Folded for comparison: no case, accents or hyphens, single spaces."""
    return " ".join(_fold(text).replace("-", " ").replace("_", " ").split())


_SUBJECT_PHRASES = tuple(_subject_key(phrase) for phrase in AUTO_REPLY_SUBJECTS)
_SUBJECT_WORDS = tuple(_subject_key(word) for word in AUTO_REPLY_SUBJECT_WORDS)


def is_auto_subject(subject: str) -> bool:
    """Whether a subject is an auto-responder's (see AUTO_REPLY_SUBJECTS for the rule).

    >>> is_auto_subject("Out of Office AutoReply: Fatura 123"), is_auto_subject("[Ausente]")
    (True, True)
    >>> is_auto_subject("Re: Out of office?"), is_auto_subject("Férias coletivas - pagamos dia 20")
    (False, False)
    """
    key = _subject_key(_text(subject, "The subject")).lstrip("[( ")
    for phrase in _SUBJECT_PHRASES:
        if key.startswith(phrase) and not key[len(phrase) : len(phrase) + 1].isalnum():
            return True
    return any(key.rstrip("]) ") == word or key.startswith(word + ":") for word in _SUBJECT_WORDS)


def is_auto_reply(headers: Mapping[str, str | None], subject: str | None, sender: str | None) -> str | None:
    """Why an inbound e-mail is automatic (one of AUTO_REPLY_REASONS), or None for a person's reply.

    ``headers`` are the message's decoded headers (any case; a None value is an absent header), ``sender``
    its From address as written ("Ana <ana@example.com>").

    >>> is_auto_reply({"Precedence": "bulk"}, "Fatura 123", "news@example.com")
    'precedence'
    >>> is_auto_reply({}, "Undelivered Mail Returned to Sender", "MAILER-DAEMON@mx.example.com")
    'bounce_sender'
    >>> is_auto_reply({"Content-Type": 'multipart/report; report-type="delivery-status"'}, "Falha", "x@y.com")
    'delivery_report'
    >>> is_auto_reply({"Auto-Submitted": "no"}, "Re: Fatura 123", "Ana <ana@example.com>") is None
    True
    """
    headers = _headers(headers)
    subject = _text(subject, "The subject")
    sender = _text(sender, "The sender")
    reason = _header_reason(headers) or _bounce_reason(headers, sender)
    if reason is None and is_auto_subject(subject):
        reason = "subject"
    return reason


def _attribution_at(folded: list[str], index: int) -> bool:
    if not _ATTRIBUTION_START.match(folded[index]):
        return False
    return any(
        _ATTRIBUTION.match(" ".join(folded[index : index + count])) for count in range(1, _ATTRIBUTION_LINES + 1)
    )


def _header_block_at(folded: list[str], index: int) -> bool:
    if not _FROM_HEADER.match(folded[index]):
        return False
    following = folded[index + 1 : index + 1 + _HEADER_BLOCK_LINES]
    return any(_OTHER_HEADER.match(line) for line in following)


def _history_starts(folded: list[str], index: int) -> bool:
    """Whether line ``index`` starts the quoted history or the signature: the reply ends above it."""
    line = folded[index]
    return bool(
        _SIGNATURE.match(line)
        or _SEPARATOR.match(line)
        or _RULE.match(line)
        or _attribution_at(folded, index)
        or _header_block_at(folded, index)
    )


def _count(value: object, what: str, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise ValueError(f"{what} must be a whole number from 1 to {maximum}, got {value!r}.")
    return value


def _shorten(text: str, max_chars: int) -> str:
    """``text`` cut to ``max_chars`` with an ellipsis, at a space when one is in the second half."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - len(ELLIPSIS)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def reply_preview(text: str | None, lines: int = PREVIEW_LINES, max_chars: int = PREVIEW_CHARS) -> str:
    r"""The first meaningful lines of a reply, without its quoted history nor its signature.

    ``text`` is the message as plain text (the models convert HTML first). Blank lines and quoted lines
    (">") are skipped; the reply ends where the quoted message starts ("On ... wrote:", "Em ... escreveu:",
    "-----Original Message-----", a "From:"/"De:" header block, Outlook's line of underscores) or the
    signature does ("-- ", "Sent from my ...", "Enviado do meu ..."). Spaces within a line are collapsed;
    the lines are joined with a line break and cut to ``max_chars`` with an ellipsis.

    >>> reply_preview("Hi,\n\nI paid yesterday.\n> Your invoice 123 is overdue\nSee the receipt.\n-- \nAna")
    'Hi,\nI paid yesterday.\nSee the receipt.'
    >>> reply_preview("Vou pagar semana que vem, tudo bem?", max_chars=20)
    'Vou pagar semana…'
    """
    text = _text(text, "The reply")
    lines = _count(lines, "The number of preview lines", MAX_PREVIEW_LINES)
    max_chars = _count(max_chars, "The length of a preview", MAX_PREVIEW_CHARS)
    raw = [" ".join(line.split()) for line in text.splitlines()]
    folded = [_fold(line) for line in raw]
    kept: list[str] = []
    for index, line in enumerate(raw):
        if len(kept) == lines or _history_starts(folded, index):
            break
        if line and not line.startswith(">"):
            kept.append(line)
    return _shorten("\n".join(kept), max_chars)
