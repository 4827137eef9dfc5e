"""What a customer is asked to pay now, and how a text message carries the way to pay.

The amount of a reminder's payment QR code and link is the principal of what is claimed, plus the legal
charges (``charges.py``) only when the company collects them (``CHARGES_COLLECT``). With
``CHARGES_INFORM`` the charges are shown but the QR code asks for the principal; with ``CHARGES_HIDE``
they are neither shown nor asked.

>>> from decimal import Decimal
>>> from .charges import Charges
>>> late = [Charges(Decimal("1000.00"), Decimal("20.00"), Decimal("10.00"), Decimal("0.00"), 30),
...         Charges(Decimal("500.00"), Decimal("10.00"), Decimal("2.50"), Decimal("1.25"), 15)]
>>> due = amount_due_now(late, CHARGES_COLLECT)
>>> due.principal, due.fine, due.interest, due.correction, due.charges, due.total, due.asked
(Decimal('1500.00'), Decimal('30.00'), Decimal('12.50'), Decimal('1.25'), Decimal('43.75'), \
Decimal('1543.75'), Decimal('1543.75'))
>>> amount_due_now(late, CHARGES_INFORM).asked
Decimal('1500.00')
>>> amount_due_now(late, CHARGES_HIDE).show_charges
False
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# What a charges profile does with the charges in messages, the statement, the portal and the payment QR/link.
CHARGES_COLLECT = "collect"
CHARGES_INFORM = "inform"
CHARGES_HIDE = "hide"
CHARGES_IN_PAYMENT = (CHARGES_COLLECT, CHARGES_INFORM, CHARGES_HIDE)
DEFAULT_CHARGES_IN_PAYMENT = CHARGES_INFORM

# Odoo's SMS gateway splits a long text into parts of 153 characters (GSM-7) and the operators' handsets join
# them back; past a few parts some handsets and gateways drop the message. A Pix "copia e cola" is about 150
# characters: a text keeps it only when the whole message stays within this many characters.
SMS_MAX_CHARS = 459
# WhatsApp's limit for a free-form text message body.
WHATSAPP_MAX_CHARS = 4096


@dataclass(frozen=True)
class AmountDueNow:
    """The itemised amount due now of a set of receivables in one currency.

    ``total`` is principal plus charges; ``asked`` is what the QR code and the payment link ask for;
    ``show_charges`` says whether messages, the statement and the portal list the charges.
    """

    principal: Decimal
    fine: Decimal
    interest: Decimal
    correction: Decimal
    charges: Decimal
    total: Decimal
    asked: Decimal
    show_charges: bool


def amount_due_now(charges, mode: str = DEFAULT_CHARGES_IN_PAYMENT) -> AmountDueNow:
    """The sum of the engine ``Charges`` of each receivable, and what is asked according to ``mode``.

    Each part is already rounded to the currency: the sums are exact. ``charges`` may be empty (nothing due).

    >>> amount_due_now([], CHARGES_COLLECT).asked
    Decimal('0')
    >>> amount_due_now([], "sometimes")
    Traceback (most recent call last):
    ...
    ValueError: Unknown use of the charges 'sometimes': use one of collect, inform, hide.
    """
    if mode not in CHARGES_IN_PAYMENT:
        raise ValueError(f"Unknown use of the charges {mode!r}: use one of {', '.join(CHARGES_IN_PAYMENT)}.")
    principal = sum((item.principal for item in charges), Decimal(0))
    fine = sum((item.fine for item in charges), Decimal(0))
    interest = sum((item.interest for item in charges), Decimal(0))
    correction = sum((item.correction for item in charges), Decimal(0))
    extra = fine + interest + correction
    return AmountDueNow(
        principal=principal,
        fine=fine,
        interest=interest,
        correction=correction,
        charges=extra,
        total=principal + extra,
        asked=principal + extra if mode == CHARGES_COLLECT else principal,
        show_charges=mode != CHARGES_HIDE and extra > 0,
    )


def pay_code_for_text(qr_text: str, link: str, room: int, short_link: str = "") -> str:
    """What a text message (SMS, WhatsApp) carries so that the customer can pay: never an image.

    The QR code's text form (the Pix "copia e cola": paste it in the bank app) when it fits in ``room``
    characters, else the payment link, else the short link to the invoice's page (where the customer pays
    online too), whichever fits first; else nothing (the message stays deliverable).

    >>> pix = "00020101021226" + "7" * 120 + "6304ABCD"
    >>> pay_code_for_text(pix, "https://pay.example/x", 200) == pix
    True
    >>> pay_code_for_text(pix, "https://pay.example/x", 100)
    'https://pay.example/x'
    >>> pay_code_for_text(pix, "https://pay.example/" + "x" * 200, 100, "https://pay.example/p/1/ab")
    'https://pay.example/p/1/ab'
    >>> pay_code_for_text("", "", 100)
    ''
    >>> pay_code_for_text(pix, "https://pay.example/x", 5)
    ''
    """
    for candidate in (qr_text or "", link or "", short_link or ""):
        if candidate and len(candidate) <= room:
            return candidate
    return ""
