"""A WhatsApp Business webhook call, read: the statuses of our messages and what customers wrote.

Meta posts the same shape for every event of a business account; anything else is refused
with ``ValueError`` so that the controller answers 400 and nothing is applied.

>>> batch = parse_webhook({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [
...     {"field": "messages", "value": {"metadata": {"phone_number_id": "PNID"},
...      "statuses": [{"id": "wamid.1", "status": "delivered", "timestamp": "1767225600"}]}}]}]})
>>> batch.statuses[0].message_id, batch.statuses[0].status, batch.phone_number_ids
('wamid.1', 'delivered', frozenset({'PNID'}))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# The message statuses Meta reports that the follow-up applies (others, e.g. "deleted", are skipped).
STATUSES = ("sent", "delivered", "read", "failed")

_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status Meta reports for a message we sent."""

    message_id: str
    status: str
    timestamp: datetime
    recipient: str = ""
    error: str = ""
    callback_data: str = ""


@dataclass(frozen=True)
class IncomingMessage:
    """A message a customer sent to one of our numbers."""

    sender: str
    text: str
    message_id: str
    timestamp: datetime


@dataclass(frozen=True)
class WebhookBatch:
    statuses: tuple[StatusUpdate, ...]
    messages: tuple[IncomingMessage, ...]
    phone_number_ids: frozenset[str]


def _dict(value: object, what: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"Malformed WhatsApp webhook: {what} must be an object, got {type(value).__name__}.")
    return value


def _list(value: object, what: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"Malformed WhatsApp webhook: {what} must be a list, got {type(value).__name__}.")
    return value


def _optional_list(container: dict, key: str, what: str) -> list:
    value = container.get(key)
    return [] if value is None else _list(value, what)


def _required_text(container: dict, key: str, what: str) -> str:
    value = container.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"Malformed WhatsApp webhook: {what} has no {key!r}.")
    return value


def _optional_text(container: dict, key: str, what: str) -> str:
    value = container.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError(f"Malformed WhatsApp webhook: {what} {key!r} must be text, got {type(value).__name__}.")
    return str(value)


def _timestamp(container: dict, what: str) -> datetime:
    value = container.get("timestamp")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"Malformed WhatsApp webhook: {what} has no valid 'timestamp' (got {value!r}).")
    text = str(value).strip()
    if not text.isdigit() or not text.isascii():
        raise ValueError(f"Malformed WhatsApp webhook: {what} timestamp {value!r} is not a number of seconds.")
    try:
        return _EPOCH + timedelta(seconds=int(text))
    except OverflowError:
        raise ValueError(f"Malformed WhatsApp webhook: {what} timestamp {value!r} is out of range.") from None


def _same_text(first: str, second: str) -> bool:
    return first.strip().rstrip(".").casefold() == second.strip().rstrip(".").casefold()


def _status_error(errors: list, what: str) -> str:
    texts = []
    for raw_error in errors:
        error = _dict(raw_error, f"{what} error")
        code = _optional_text(error, "code", f"{what} error")
        title = _optional_text(error, "title", f"{what} error").strip()
        message = _optional_text(error, "message", f"{what} error").strip()
        error_data = error.get("error_data")
        details = ""
        if error_data is not None:
            details = _optional_text(_dict(error_data, f"{what} error_data"), "details", f"{what} error").strip()
        # Meta often repeats the title as the message; the details then say what actually went wrong.
        summary = title or message
        extras = []
        for extra in (message, details):
            if extra and not _same_text(extra, summary) and not any(_same_text(extra, seen) for seen in extras):
                extras.append(extra)
        text = summary or "; ".join(extras)
        if summary and extras:
            text = f"{summary}: {'; '.join(extras)}"
        if code:
            text = f"(#{code}) {text}".rstrip()
        if text:
            texts.append(text)
    return " | ".join(texts)


def _parse_status(raw: object) -> StatusUpdate | None:
    status = _dict(raw, "a status")
    message_id = _required_text(status, "id", "a status")
    what = f"status of {message_id}"
    state = _required_text(status, "status", what)
    timestamp = _timestamp(status, what)
    if state not in STATUSES:
        return None
    error = ""
    if state == "failed":
        error = _status_error(_optional_list(status, "errors", f"{what} errors"), what)
    return StatusUpdate(
        message_id=message_id,
        status=state,
        timestamp=timestamp,
        recipient=_optional_text(status, "recipient_id", what),
        error=error,
        callback_data=_optional_text(status, "biz_opaque_callback_data", what),
    )


def _message_text(message: dict, what: str) -> str:
    kind = message.get("type")
    if kind == "text":
        return _optional_text(_dict(message.get("text") or {}, f"{what} text"), "body", what)
    if kind == "button":
        return _optional_text(_dict(message.get("button") or {}, f"{what} button"), "text", what)
    if kind == "interactive":
        interactive = _dict(message.get("interactive") or {}, f"{what} interactive")
        for reply in ("button_reply", "list_reply"):
            if interactive.get(reply) is not None:
                return _optional_text(_dict(interactive[reply], f"{what} {reply}"), "title", what)
    return ""


def _parse_message(raw: object) -> IncomingMessage:
    message = _dict(raw, "a message")
    message_id = _required_text(message, "id", "a message")
    what = f"message {message_id}"
    return IncomingMessage(
        sender=_required_text(message, "from", what),
        text=_message_text(message, what),
        message_id=message_id,
        timestamp=_timestamp(message, what),
    )


def parse_webhook(payload: object) -> WebhookBatch:
    """The statuses, incoming messages and phone numbers of a webhook notification.

    Anything that does not have the documented shape raises ``ValueError``;
    changes of another field than ``messages`` and statuses other than
    :data:`STATUSES` are skipped.
    """
    payload = _dict(payload, "the payload")
    if payload.get("object") != "whatsapp_business_account":
        raise ValueError(
            f"Not a WhatsApp Business webhook: 'object' is {payload.get('object')!r}, "
            "expected 'whatsapp_business_account'."
        )
    statuses: list[StatusUpdate] = []
    messages: list[IncomingMessage] = []
    phone_number_ids: set[str] = set()
    for raw_entry in _list(payload.get("entry"), "'entry'"):
        entry = _dict(raw_entry, "an entry")
        for raw_change in _list(entry.get("changes"), "'changes' of an entry"):
            change = _dict(raw_change, "a change")
            if change.get("field") != "messages":
                continue
            value = _dict(change.get("value"), "the value of a change")
            metadata = value.get("metadata")
            if metadata is not None:
                phone_number_id = _optional_text(_dict(metadata, "metadata"), "phone_number_id", "metadata")
                if phone_number_id:
                    phone_number_ids.add(phone_number_id)
            for raw_status in _optional_list(value, "statuses", "'statuses'"):
                status = _parse_status(raw_status)
                if status is not None:
                    statuses.append(status)
            for raw_message in _optional_list(value, "messages", "'messages'"):
                messages.append(_parse_message(raw_message))
    return WebhookBatch(tuple(statuses), tuple(messages), frozenset(phone_number_ids))
