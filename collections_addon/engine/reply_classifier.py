"""What a customer's reply seems to say: a promise to pay (and its date), a dispute, or "already paid".

Optional and off by default in the product. The classifier only **suggests**: it reads the text of an
inbound reply with fixed word lists (English and Portuguese, accents and case ignored) and names the phrase
it matched. It never acts: a person reads the reply and confirms before a promise or a dispute is created
or a payment is looked for. When nothing matches it answers None and the reply is left to the collector.

Only the customer's own words count: the quoted reminder below a reply ("On ... wrote:", "Em ... escreveu:",
lines starting with ">") is cut off first, since a reminder's own words ("if you have already paid...")
would otherwise be read as the customer's.

"Already paid" wins over a dispute, and a dispute over a promise: "já paguei, não devo nada" is a payment to
look for, "não recebi a mercadoria, pago quando chegar" a dispute. A promise or a payment said with a
negation just before it ("não vou pagar", "not already paid") is not one.

>>> from datetime import date
>>> today = date(2026, 3, 16)  # a Monday
>>> classify_reply("Bom dia, pago dia 20.", today)
ReplySuggestion(kind='promise', phrase='pago dia', promised_date=datetime.date(2026, 3, 20))
>>> classify_reply("Vou pagar na sexta", today).promised_date
datetime.date(2026, 3, 20)
>>> classify_reply("I will pay on 15/03", today).promised_date  # the 15th of March is past: next year's
datetime.date(2027, 3, 15)
>>> classify_reply("Já paguei, segue comprovante", today).kind
'paid'
>>> classify_reply("Cobrança indevida: não recebi o produto", today)
ReplySuggestion(kind='dispute', phrase='cobrança indevida', promised_date=None)
>>> classify_reply("Obrigado!", today) is None
True
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .bounds import PROMISE_DATE

# What the classifier may suggest, in the order that wins when a reply matches several.
REPLY_KINDS = ("paid", "dispute", "promise")

# The customer says the money went out: someone looks for the payment before the next reminder.
PAID_PHRASES = (
    "already paid",
    "already been paid",
    "have paid",
    "has been paid",
    "we paid",
    "i paid",
    "paid yesterday",
    "payment was made",
    "payment has been made",
    "payment sent",
    "proof of payment",
    "receipt attached",
    "payment receipt",
    "já paguei",
    "já pagamos",
    "já foi pago",
    "já está pago",
    "já efetuei o pagamento",
    "já efetuamos o pagamento",
    "já quitei",
    "paguei ontem",
    "pagamento efetuado",
    "pagamento realizado",
    "pagamento feito",
    "segue comprovante",
    "segue o comprovante",
    "comprovante em anexo",
    "comprovante anexo",
    "boleto pago",
    "fiz o pix",
    "pix feito",
)
# The customer contests the debt: a dispute holds the invoice until it is resolved.
DISPUTE_PHRASES = (
    "not received",
    "never received",
    "did not receive",
    "didn't receive",
    "haven't received",
    "have not received",
    "wrong amount",
    "incorrect amount",
    "amount is wrong",
    "never ordered",
    "did not order",
    "do not owe",
    "don't owe",
    "charged twice",
    "double charged",
    "duplicate charge",
    "damaged",
    "defective",
    "dispute",
    "não recebi",
    "não recebemos",
    "nunca recebi",
    "cobrança indevida",
    "valor errado",
    "valor incorreto",
    "não reconheço",
    "não devo",
    "não comprei",
    "não solicitei",
    "com defeito",
    "cobrança em duplicidade",
    "cobrado duas vezes",
    "contesto",
    "contestar",
)
# The customer says it will pay: a promise, with the date when the text gives one.
PROMISE_PHRASES = (
    "i will pay",
    "i'll pay",
    "we will pay",
    "we'll pay",
    "will pay",
    "going to pay",
    "can pay",
    "pay on",
    "pay by",
    "payment will be made",
    "promise to pay",
    "vou pagar",
    "vamos pagar",
    "irei pagar",
    "pagarei",
    "pagaremos",
    "pago dia",
    "pago na",
    "pago no",
    "pago até",
    "posso pagar",
    "consigo pagar",
    "vou depositar",
    "vou transferir",
    "vou fazer o pix",
    "farei o pagamento",
    "faremos o pagamento",
    "vou quitar",
)
# A word just before a promise or a payment phrase that turns it around ("não vou pagar").
NEGATIONS = ("not", "never", "cannot", "can't", "won't", "don't", "didn't", "nao", "nunca", "jamais")
# The reply's own words are at its top; past this many characters it is signatures and forwarded text.
MAX_REPLY_CHARS = 2000

# Where the quoted message starts: a line "On <date>, <name> wrote:", its Portuguese form, Outlook's header.
_QUOTE_START = re.compile(
    r"^\s*(>|on\b.*\bwrote:?\s*$|em\b.*\bescreveu:?\s*$|-+\s*(original message|mensagem original)\s*-+|"
    r"(from|de):\s.*@)",
    re.IGNORECASE,
)
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "segunda": 0,
    "terca": 1,
    "quarta": 2,
    "quinta": 3,
    "sexta": 4,
    "sabado": 5,
    "domingo": 6,
}
# Days from today said in words, the longest first ("depois de amanhã" holds "amanhã").
_RELATIVE_DAYS = (
    ("day after tomorrow", 2),
    ("depois de amanha", 2),
    ("tomorrow", 1),
    ("amanha", 1),
    ("today", 0),
    ("hoje", 0),
)
_NOT_DATE = r"(?<![\d/.-])"
_ISO = re.compile(_NOT_DATE + r"(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/-])")
# Brazilian order: day, month, year ("15/03/2026", "15-03-26").
_DAY_MONTH_YEAR = re.compile(_NOT_DATE + r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?![\d/-])")
_DAY_MONTH = re.compile(_NOT_DATE + r"(\d{1,2})/(\d{1,2})(?![\d/])")
# "dia 20", "day 20", "the 20th", "20th" (a bare "the 2" is a count, not a day).
_DAY_OF_MONTH = re.compile(r"\b(?:dia|day)\s+(\d{1,2})\b|\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "janeiro"),
            ("february", "fevereiro"),
            ("march", "marco"),
            ("april", "abril"),
            ("may", "maio"),
            ("june", "junho"),
            ("july", "julho"),
            ("august", "agosto"),
            ("september", "setembro"),
            ("october", "outubro"),
            ("november", "novembro"),
            ("december", "dezembro"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(" + "|".join(_MONTHS) + ")"
# "20 de abril", "20th of April", "April 20th": the month named in words.
_DAY_NAMED_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?" + _MONTH + r"\b")
_NAMED_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_EN_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
# "segunda" is also "second" ("segunda via do boleto"): a Portuguese weekday needs "-feira" or a word before it.
_PT_WEEKDAY = re.compile(
    r"\b(?:(?:na|no|ate|ate a|proxima|proximo|nesta|neste|nessa|esta|este|essa)\s+"
    r"(segunda|terca|quarta|quinta|sexta|sabado|domingo)(?![-\s]+via\b)"
    r"|(segunda|terca|quarta|quinta|sexta)[-\s]feira)\b"
)


@dataclass(frozen=True)
class ReplySuggestion:
    """What a reply seems to say: ``kind`` (one of REPLY_KINDS), the ``phrase`` matched (the reason shown to
    the collector) and, for a promise, the ``promised_date`` when the text names one date."""

    kind: str
    phrase: str
    promised_date: date | None = None


def fold(text: str) -> str:
    """Lower case without accents, typographic apostrophes straightened, spaces collapsed.

    >>> fold("  Cobrança   INDEVIDA \\u2019 ")
    "cobranca indevida '"
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).casefold().split())


def own_words(text: str) -> str:
    """The reply without the quoted message below it, cut to MAX_REPLY_CHARS.

    >>> own_words("Pago amanhã.\\nEm 16/03/2026, Cobrança escreveu:\\n> já pagou?")
    'Pago amanhã.'
    """
    kept = []
    for line in text.splitlines():
        if _QUOTE_START.match(line):
            break
        kept.append(line)
    return "\n".join(kept).strip()[:MAX_REPLY_CHARS]


def _phrase_pattern(phrase: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, fold(phrase).split())) + r"(?!\w)")


_PHRASES = {
    "paid": [(phrase, _phrase_pattern(phrase)) for phrase in PAID_PHRASES],
    "dispute": [(phrase, _phrase_pattern(phrase)) for phrase in DISPUTE_PHRASES],
    "promise": [(phrase, _phrase_pattern(phrase)) for phrase in PROMISE_PHRASES],
}
_LAST_WORD = re.compile(r"([\w']+)[^\w']*$")


def _negated(folded: str, start: int) -> bool:
    before = _LAST_WORD.search(folded[:start])
    return bool(before) and before.group(1) in NEGATIONS


def _matched(folded: str, kind: str) -> str | None:
    """The first phrase of ``kind`` in the text, the longest at the same place (not negated, for a payment
    or a promise): "I will pay" rather than "will pay"."""
    found = []
    for phrase, pattern in _PHRASES[kind]:
        for match in pattern.finditer(folded):
            if kind == "dispute" or not _negated(folded, match.start()):
                found.append((match.start(), -len(match[0]), phrase))
                break
    return min(found)[2] if found else None


def _check(text: str, today: date) -> None:
    if not isinstance(text, str):
        raise ValueError(f"The reply must be text, got {type(text).__name__}.")
    if isinstance(today, datetime) or not isinstance(today, date):
        raise ValueError(f"today must be a date, got {today!r}.")


def classify_reply(text: str, today: date) -> ReplySuggestion | None:
    """The suggestion for a reply received ``today`` (see the module's rules), or None.

    >>> from datetime import date
    >>> classify_reply("Não vou pagar isso.", date(2026, 3, 16)) is None
    True
    >>> classify_reply("We will pay next week", date(2026, 3, 16))
    ReplySuggestion(kind='promise', phrase='we will pay', promised_date=None)
    """
    _check(text, today)
    folded = fold(own_words(text))
    for kind in REPLY_KINDS:
        phrase = _matched(folded, kind)
        if phrase:
            promised = promised_date(folded, today) if kind == "promise" else None
            return ReplySuggestion(kind, phrase, promised)
    return None


# ----------------------------------------------------------------------
# The promised date
# ----------------------------------------------------------------------


class _Invalid(Exception):
    """A date the text names that is no day of the calendar (31/02): the text is ambiguous."""


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Invalid from None


def _without_year(today: date, month: int, day: int) -> date:
    """That day this year, or next year once it has passed."""
    if not 1 <= month <= 12:
        raise _Invalid
    this_year = _day(today.year, month, day) if day <= calendar.monthrange(today.year, month)[1] else None
    if this_year is not None and this_year >= today:
        return this_year
    return _day(today.year + 1, month, day)


def _day_of_month(today: date, day: int) -> date:
    """That day of this month, or of the next once it has passed."""
    if day >= today.day:
        return _day(today.year, today.month, day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return _day(year, month, day)


def _weekday(today: date, name: str) -> date:
    """The next such weekday after today ("next Friday" and "sexta" alike: the coming one)."""
    return today + timedelta(days=(_WEEKDAYS[name] - today.weekday() - 1) % 7 + 1)


def _mentions(folded: str, today: date) -> Iterable[date]:
    """Every date the text names, each once: a pattern's text is blanked before the next looks."""
    readers = (
        (_ISO, lambda m: _day(int(m[1]), int(m[2]), int(m[3]))),
        (_DAY_MONTH_YEAR, lambda m: _day(int(m[3]) + (2000 if len(m[3]) == 2 else 0), int(m[2]), int(m[1]))),
        (_DAY_MONTH, lambda m: _without_year(today, int(m[2]), int(m[1]))),
        (_DAY_NAMED_MONTH, lambda m: _without_year(today, _MONTHS[m[2]], int(m[1]))),
        (_NAMED_MONTH_DAY, lambda m: _without_year(today, _MONTHS[m[1]], int(m[2]))),
        (_DAY_OF_MONTH, lambda m: _day_of_month(today, int(m[1] or m[2]))),
        (_EN_WEEKDAY, lambda m: _weekday(today, m[1])),
        (_PT_WEEKDAY, lambda m: _weekday(today, m[1] or m[2])),
    )
    for phrase, days in _RELATIVE_DAYS:
        readers += ((_phrase_pattern(phrase), lambda m, days=days: today + timedelta(days=days)),)
    for pattern, read in readers:
        for match in pattern.finditer(folded):
            yield read(match)
        folded = pattern.sub(lambda m: " " * len(m[0]), folded)


def promised_date(text: str, today: date) -> date | None:
    """The one date the text names, from ``today`` to a year ahead; None when it names none, several,
    an impossible one (31/02) or one out of that window (a past year, a typo).

    >>> from datetime import date
    >>> today = date(2026, 3, 16)
    >>> promised_date("amanhã", today), promised_date("2026-04-01", today), promised_date("10/04/2026", today)
    (datetime.date(2026, 3, 17), datetime.date(2026, 4, 1), datetime.date(2026, 4, 10))
    >>> promised_date("dia 20 ou dia 25", today), promised_date("31/02", today), promised_date("1/1/2025", today)
    (None, None, None)
    """
    _check(text, today)
    try:
        found = set(_mentions(fold(text), today))
    except _Invalid:
        return None
    if len(found) != 1:
        return None
    (day,) = found
    return day if PROMISE_DATE.problem(day, today) is None else None
