"""The pure parts of the WhatsApp Business Cloud API: webhooks, message states, retries, request bodies.

The controller and the models do the HTTP; this module checks what Meta sent
and decides what it means.

>>> body = b'{"object": "whatsapp_business_account", "entry": []}'
>>> verify_signature(body, sign(body, "app-secret"), ["old-secret", "app-secret"])
True
>>> verify_subscription({"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "42"}, ["tok"])
'42'
>>> batch = parse_webhook({
...     "object": "whatsapp_business_account",
...     "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
...         "messaging_product": "whatsapp",
...         "metadata": {"display_phone_number": "15550000000", "phone_number_id": "PNID"},
...         "statuses": [{"id": "wamid.1", "status": "read", "timestamp": "1767225600", "recipient_id": "55119"}],
...         "messages": [{"from": "5511999990000", "id": "wamid.2", "timestamp": "1767225660",
...                       "type": "text", "text": {"body": "Parar"}}],
...     }}]}],
... })
>>> batch.statuses[0].status, batch.statuses[0].timestamp
('read', datetime.datetime(2026, 1, 1, 0, 0))
>>> is_opt_out(batch.messages[0].text), batch.phone_number_ids
(True, frozenset({'PNID'}))
>>> next_state("delivered", "read"), next_state("read", "delivered")
('read', None)
>>> classify_response(503), retry_delay(2)
('retry', datetime.timedelta(seconds=300))
>>> build_template_message("+55 (11) 99999-0000", "invoice_due", "pt_BR", ["Maria"])["to"]
'5511999990000'
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

# Reading webhook calls lives in its own module; these names stay importable from here.
from .whatsapp_webhook import STATUSES as STATUSES
from .whatsapp_webhook import IncomingMessage as IncomingMessage
from .whatsapp_webhook import StatusUpdate as StatusUpdate
from .whatsapp_webhook import WebhookBatch as WebhookBatch
from .whatsapp_webhook import parse_webhook as parse_webhook

OPT_OUT_WORDS = ("STOP", "PARAR", "SAIR", "CANCELAR")
# Whole messages that ask to stop too, in Portuguese and English. Only the whole message counts (see
# is_opt_out): a longer text that also says it ("não quero mais receber, já paguei") is a reply a person reads.
OPT_OUT_PHRASES = (
    "PARE",
    "PAREM",
    "DESCADASTRAR",
    "UNSUBSCRIBE",
    "NÃO QUERO MAIS RECEBER",
    "NÃO QUERO MAIS RECEBER MENSAGENS",
    "NÃO QUERO RECEBER MAIS MENSAGENS",
    "NÃO QUERO MAIS MENSAGENS",
    "NÃO ME MANDE MAIS MENSAGENS",
    "NÃO ENVIE MAIS MENSAGENS",
    "STOP MESSAGING ME",
    "STOP SENDING MESSAGES",
)
# What opts a number out: the words and the phrases.
OPT_OUT_TEXTS = (*OPT_OUT_WORDS, *OPT_OUT_PHRASES)
MAX_ATTEMPTS = 5
STATE_RANK = {"queued": 0, "sent": 1, "delivered": 2, "read": 3}
# States a message leaves only when Meta reports progress (a retry that got through).
TERMINAL_STATES = ("failed", "cancelled")
# What replaces a message that failed: the level's SMS, or a letter to print.
FALLBACK_CHANNELS = ("sms", "letter")
# Escalations on a message's delivery state (see :func:`escalation`), and the states they watch.
ESCALATIONS = ("call", "undelivered")
ESCALATION_STATES = ("read", "sent")
MIN_PHONE_DIGITS = 8
# E.164 numbers have at most 15 digits; Meta rejects longer ones.
MAX_PHONE_DIGITS = 15

_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")
_PHONE_SEPARATORS = re.compile(r"[\s+\-().]")
_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=25), timedelta(hours=2))
_MAX_RETRY_DELAY = timedelta(hours=6)
# Meta refuses template parameters with line breaks, tabs or more than four spaces in a row.
_PARAMETER_BREAKS = re.compile(r"[\r\n\t]+")
_PARAMETER_SPACES = re.compile(r" {5,}")


def sign(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` header Meta sends with ``body``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, app_secrets: Iterable[str]) -> bool:
    """Whether ``header`` is the signature of ``body`` with one of the (non-empty) app secrets."""
    match = _SIGNATURE.fullmatch((header or "").strip())
    if match is None:
        return False
    received = match.group(1).lower().encode()
    if isinstance(app_secrets, str):
        app_secrets = [app_secrets]
    valid = False
    # Every secret is compared, so the time taken does not tell which one matched.
    for secret in app_secrets:
        if secret:
            expected = sign(body, secret).removeprefix("sha256=").encode()
            valid |= hmac.compare_digest(expected, received)
    return valid


def verify_subscription(params: Mapping[str, str], verify_tokens: Iterable[str]) -> str | None:
    """The ``hub.challenge`` to echo back when Meta's subscription request carries one of our tokens."""
    if params.get("hub.mode") != "subscribe":
        return None
    token = params.get("hub.verify_token")
    challenge = params.get("hub.challenge")
    if not token or not challenge or not isinstance(token, str) or not isinstance(challenge, str):
        return None
    if isinstance(verify_tokens, str):
        verify_tokens = [verify_tokens]
    matched = False
    for expected in verify_tokens:
        if expected:
            matched |= hmac.compare_digest(expected.encode(), token.encode())
    return challenge if matched else None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _bare_words(text: str) -> str:
    text = " ".join(_fold(text).split())
    while text and (unicodedata.category(text[-1]).startswith("P") or text[-1].isspace()):
        text = text[:-1]
    return text


def is_opt_out(text: str, words: Iterable[str] = OPT_OUT_TEXTS) -> bool:
    """Whether the whole message is one of the opt-out ``words`` ("Parar!" yes, "please don't stop" no).

    Case, accents, spaces and the punctuation at the end do not count ("nao quero mais receber!" opts out).
    """
    message = _bare_words(text or "")
    if not message:
        return False
    if isinstance(words, str):
        words = [words]
    return any(message == _bare_words(word) for word in words if word and word.strip())


def next_state(current: str, incoming: str) -> str | None:
    """The state of a sent message after a status event, ``None`` when the event changes nothing.

    States only move forward (a late "delivered" after "read" is ignored);
    "failed" only applies to a message not yet delivered; a failed or
    cancelled message still takes a later success.
    """
    if incoming != "failed" and incoming not in STATE_RANK:
        raise ValueError(f"Unknown message status {incoming!r}; expected one of {', '.join((*STATE_RANK, 'failed'))}.")
    current = current or "queued"
    if current in TERMINAL_STATES:
        return incoming if incoming in STATE_RANK and STATE_RANK[incoming] > STATE_RANK["queued"] else None
    if current not in STATE_RANK:
        raise ValueError(
            f"Unknown message state {current!r}; expected one of {', '.join((*STATE_RANK, *TERMINAL_STATES))}."
        )
    if incoming == "failed":
        return "failed" if STATE_RANK[current] <= STATE_RANK["sent"] else None
    return incoming if STATE_RANK[incoming] > STATE_RANK[current] else None


def classify_response(status_code: int | None, timed_out: bool = False) -> str:
    """What to do after a send: "ok", "retry" (no answer, server error, rate limit) or "fail" (a bad request)."""
    if timed_out or status_code is None:
        return "retry"
    if 200 <= status_code < 300:
        return "ok"
    if status_code == 429 or 500 <= status_code < 600:
        return "retry"
    return "fail"


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after ``attempt`` failed attempts (1 after the first failure)."""
    if attempt < 1:
        raise ValueError(f"The attempt number starts at 1 (got {attempt}).")
    if attempt <= len(_RETRY_DELAYS):
        return _RETRY_DELAYS[attempt - 1]
    return _MAX_RETRY_DELAY


def _phone_digits(to: str) -> str:
    digits = _PHONE_SEPARATORS.sub("", to or "")
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"{to!r} is not a phone number: only digits, '+', spaces, dashes and parentheses are allowed.")
    if len(digits) < MIN_PHONE_DIGITS:
        raise ValueError(f"The phone number {to!r} is too short: give it with its country and area code.")
    if len(digits) > MAX_PHONE_DIGITS:
        raise ValueError(f"The phone number {to!r} is too long: an international number has at most 15 digits.")
    return digits


def _template_parameter(position: int, value: object) -> dict:
    text = "" if value is None else str(value)
    text = _PARAMETER_SPACES.sub("    ", _PARAMETER_BREAKS.sub(" ", text)).strip()
    if not text:
        raise ValueError(f"Template parameter {position} is empty; WhatsApp refuses empty parameters.")
    return {"type": "text", "text": text}


def build_template_message(
    to: str, template_name: str, language: str, parameters: Sequence[str], callback_data: str = ""
) -> dict:
    """The Cloud API request body sending template ``template_name`` with body ``parameters`` to ``to``."""
    if isinstance(parameters, str):
        raise ValueError("Template parameters must be a list of texts, not a single text.")
    digits = _phone_digits(to)
    template_name = (template_name or "").strip()
    language = (language or "").strip()
    if not template_name:
        raise ValueError("The WhatsApp template name is empty.")
    if not language:
        raise ValueError(f"The language of WhatsApp template {template_name!r} is empty.")
    template: dict = {"name": template_name, "language": {"code": language}}
    if parameters:
        template["components"] = [
            {
                "type": "body",
                "parameters": [_template_parameter(position, value) for position, value in enumerate(parameters, 1)],
            }
        ]
    message = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": digits,
        "type": "template",
        "template": template,
    }
    if callback_data:
        message["biz_opaque_callback_data"] = callback_data
    return message


def response_message_id(payload: object) -> str:
    """The id (wamid) of the message Meta accepted, from a successful send response."""
    messages = payload.get("messages") if isinstance(payload, dict) else None
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        message_id = messages[0].get("id")
        if isinstance(message_id, str) and message_id:
            return message_id
    raise ValueError(f"The WhatsApp response has no message id: {str(payload)[:200]}")


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def error_text(payload: object, status_code: int | None = None) -> str:
    """A readable error from a Graph API error response; never raises, whatever the payload."""
    fallback = f"HTTP {status_code}" if status_code is not None else "no response"
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, str) and error.strip():
        return error.strip()
    if not isinstance(error, dict):
        return fallback
    code = error.get("code")
    code = str(code) if isinstance(code, (int, str)) and not isinstance(code, bool) and str(code) else ""
    message = _text(error.get("message"))
    # The message often starts with the code already: "(#131030) Recipient phone number not in allowed list".
    if code and message.startswith(f"(#{code})"):
        message = message[len(f"(#{code})") :].strip()
    error_data = error.get("error_data")
    details = _text(error_data.get("details")) if isinstance(error_data, dict) else ""
    if details and message and details.casefold().startswith(message.rstrip(".").casefold()):
        text = details
    elif details and message:
        text = f"{message}: {details}"
    else:
        text = message or details or _text(error.get("type"))
    if not text:
        return f"(#{code}) {fallback}" if code else fallback
    return f"(#{code}) {text}" if code else text


def escalation(
    state: str,
    now: datetime,
    *,
    read_at: datetime | None = None,
    sent_at: datetime | None = None,
    read_call_hours: float = 0,
    undelivered_hours: float = 0,
) -> str | None:
    """The escalation due now for a message (one of :data:`ESCALATIONS`), or ``None``.

    Read but still unpaid ``read_call_hours`` after it was read: the collector calls ("call").
    Sent but never delivered ``undelivered_hours`` after sending: it counts as failed and falls
    back like one ("undelivered"). A delay of 0 switches the escalation off.

    >>> sent = datetime(2026, 3, 16, 10, 0)
    >>> escalation("sent", datetime(2026, 3, 17, 9, 59), sent_at=sent, undelivered_hours=24) is None
    True
    >>> escalation("sent", datetime(2026, 3, 17, 10, 0), sent_at=sent, undelivered_hours=24)
    'undelivered'
    >>> escalation("read", datetime(2026, 3, 17, 11, 0), read_at=sent, read_call_hours=24)
    'call'
    >>> escalation("read", datetime(2026, 4, 1), read_at=sent, read_call_hours=0) is None
    True
    """
    if state == "read" and read_call_hours > 0 and read_at and read_at + timedelta(hours=read_call_hours) <= now:
        return "call"
    if state == "sent" and undelivered_hours > 0 and sent_at and sent_at + timedelta(hours=undelivered_hours) <= now:
        return "undelivered"
    return None
