"""WhatsApp Business webhook calls, read (``engine.whatsapp_webhook``, re-exported by ``engine.whatsapp``)."""

import copy
import json
from datetime import datetime

import pytest

from collections_addon.engine import (
    IncomingMessage,
    StatusUpdate,
    WebhookBatch,
    parse_webhook,
)

TS = "1767225600"  # 2026-01-01 00:00:00 UTC
TS_DATETIME = datetime(2026, 1, 1)


def payload(*values, field="messages"):
    """A webhook payload with one entry and one change per value."""
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": field, "value": value} for value in values]}],
    }


def value(statuses=None, messages=None, phone_number_id="106540352242922"):
    result = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": phone_number_id},
    }
    if statuses is not None:
        result["statuses"] = statuses
    if messages is not None:
        result["messages"] = messages
    return result


def status(status="delivered", **extra):
    raw = {"id": "wamid.HBgL", "status": status, "timestamp": TS, "recipient_id": "5511999990000"}
    raw.update(extra)
    return raw


def text_message(body="Hello", **extra):
    raw = {"from": "5511999990000", "id": "wamid.IN1", "timestamp": TS, "type": "text", "text": {"body": body}}
    raw.update(extra)
    return raw


# Meta's documented examples (trimmed to what the parser reads).
META_FAILED_STATUS = {
    "object": "whatsapp_business_account",
    "entry": [
        {
            "id": "WHATSAPP_BUSINESS_ACCOUNT_ID",
            "changes": [
                {
                    "value": {
                        "messaging_product": "whatsapp",
                        "metadata": {"display_phone_number": "16505551111", "phone_number_id": "123456123"},
                        "statuses": [
                            {
                                "id": "wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww",
                                "status": "failed",
                                "timestamp": "1668124233",
                                "recipient_id": "16315551234",
                                "biz_opaque_callback_data": "collections.event:42",
                                "errors": [
                                    {
                                        "code": 131047,
                                        "title": "Re-engagement message",
                                        "message": "Re-engagement message",
                                        "error_data": {
                                            "details": "Message failed to send because more than 24 hours have "
                                            "passed since the customer last replied to this number."
                                        },
                                        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/",
                                    }
                                ],
                            }
                        ],
                    },
                    "field": "messages",
                }
            ],
        }
    ],
}


# --- parse_webhook: statuses ------------------------------------------------------------------------------------


def test_parse_a_delivered_status():
    batch = parse_webhook(payload(value(statuses=[status("delivered")])))
    assert batch == WebhookBatch(
        statuses=(StatusUpdate("wamid.HBgL", "delivered", TS_DATETIME, recipient="5511999990000"),),
        messages=(),
        phone_number_ids=frozenset({"106540352242922"}),
    )


@pytest.mark.parametrize("state", ["sent", "delivered", "read", "failed"])
def test_every_known_status_is_kept(state):
    [update] = parse_webhook(payload(value(statuses=[status(state)]))).statuses
    assert update.status == state


@pytest.mark.parametrize("state", ["deleted", "warning", "played", "SENT"])
def test_other_statuses_are_dropped(state):
    batch = parse_webhook(payload(value(statuses=[status(state), status("read")])))
    assert [update.status for update in batch.statuses] == ["read"]


def test_meta_failed_example():
    [update] = parse_webhook(META_FAILED_STATUS).statuses
    assert update.message_id == "wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww"
    assert update.status == "failed"
    assert update.timestamp == datetime(2022, 11, 10, 23, 50, 33)
    assert update.recipient == "16315551234"
    assert update.callback_data == "collections.event:42"
    assert update.error == (
        "(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed "
        "since the customer last replied to this number."
    )


def test_failed_status_error_variants():
    def error_of(*errors):
        [update] = parse_webhook(payload(value(statuses=[status("failed", errors=list(errors))]))).statuses
        return update.error

    assert error_of({"code": 131026, "title": "Message undeliverable"}) == "(#131026) Message undeliverable"
    assert error_of({"code": 1, "title": "T", "message": "M"}) == "(#1) T: M"
    assert error_of({"code": 1, "title": "T", "message": "M", "error_data": {"details": "D"}}) == "(#1) T: M; D"
    assert error_of({"code": 1, "title": "T", "message": "t.", "error_data": {"details": "D"}}) == "(#1) T: D"
    assert error_of({"code": 1, "message": "M"}) == "(#1) M"
    assert error_of({"title": "T", "error_data": {"details": "D"}}) == "T: D"
    assert error_of({"error_data": {"details": "D"}}) == "D"
    assert error_of({"code": "131000"}) == "(#131000)"
    assert error_of({}) == ""
    assert error_of({"code": 1, "title": "A"}, {"code": 2, "title": "B"}) == "(#1) A | (#2) B"


def test_failed_status_without_errors_has_an_empty_error():
    [update] = parse_webhook(payload(value(statuses=[status("failed")]))).statuses
    assert update.error == ""


def test_errors_of_a_non_failed_status_are_ignored():
    raw = status("sent", errors=[{"code": 1, "title": "T"}])
    [update] = parse_webhook(payload(value(statuses=[raw]))).statuses
    assert update.error == ""


def test_optional_status_fields_default_to_empty_text():
    raw = {"id": "wamid.X", "status": "sent", "timestamp": TS}
    assert parse_webhook(payload(value(statuses=[raw]))).statuses == (StatusUpdate("wamid.X", "sent", TS_DATETIME),)


def test_status_with_conversation_and_pricing_is_parsed():
    raw = status(
        "sent",
        conversation={"id": "CONV", "expiration_timestamp": "1767312000", "origin": {"type": "utility"}},
        pricing={"billable": True, "pricing_model": "CBP", "category": "utility"},
    )
    assert parse_webhook(payload(value(statuses=[raw]))).statuses[0].status == "sent"


def test_integer_timestamp_is_accepted():
    [update] = parse_webhook(payload(value(statuses=[status(timestamp=1767225600)]))).statuses
    assert update.timestamp == TS_DATETIME


def test_timestamps_are_naive_utc():
    [update] = parse_webhook(payload(value(statuses=[status(timestamp="1767225661")]))).statuses
    assert update.timestamp == datetime(2026, 1, 1, 0, 1, 1)
    assert update.timestamp.tzinfo is None


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("id", None),
        ("id", ""),
        ("id", 12),
        ("status", None),
        ("status", ""),
        ("timestamp", None),
        ("timestamp", ""),
        ("timestamp", "soon"),
        ("timestamp", "1767225600.5"),
        ("timestamp", "-1"),
        ("timestamp", True),
        ("timestamp", 1.5),
        ("timestamp", "9" * 30),
        ("timestamp", "١٢٣"),
        ("recipient_id", {"a": 1}),
        ("errors", "broken"),
    ],
)
def test_malformed_status_raises(field, bad):
    raw = status("failed")
    if bad is None:
        del raw[field]
    else:
        raw[field] = bad
    with pytest.raises(ValueError):
        parse_webhook(payload(value(statuses=[raw])))


def test_a_malformed_unknown_status_still_raises():
    # Required fields are checked before the status decides whether the update is kept.
    with pytest.raises(ValueError):
        parse_webhook(payload(value(statuses=[{"status": "deleted", "timestamp": TS}])))


def test_malformed_error_objects_raise():
    for errors in (["text"], [{"error_data": "details"}], [{"code": 1, "title": ["T"]}]):
        with pytest.raises(ValueError):
            parse_webhook(payload(value(statuses=[status("failed", errors=errors)])))


# --- parse_webhook: messages ------------------------------------------------------------------------------------


def test_parse_a_text_message():
    batch = parse_webhook(payload(value(messages=[text_message("Parar")])))
    assert batch.messages == (IncomingMessage("5511999990000", "Parar", "wamid.IN1", TS_DATETIME),)
    assert batch.statuses == ()


def test_button_reply_of_a_template():
    raw = {
        "from": "5511999990000",
        "id": "wamid.B",
        "timestamp": TS,
        "type": "button",
        "context": {"from": "15550783881", "id": "wamid.ORIGINAL"},
        "button": {"text": "Stop promotions", "payload": "STOP"},
    }
    assert parse_webhook(payload(value(messages=[raw]))).messages[0].text == "Stop promotions"


@pytest.mark.parametrize(
    ("interactive", "text"),
    [
        ({"type": "button_reply", "button_reply": {"id": "b1", "title": "Pay now"}}, "Pay now"),
        ({"type": "list_reply", "list_reply": {"id": "l1", "title": "Talk to us", "description": "x"}}, "Talk to us"),
        ({"type": "nfm_reply", "nfm_reply": {"response_json": "{}"}}, ""),
        ({}, ""),
    ],
)
def test_interactive_replies(interactive, text):
    raw = {"from": "55119", "id": "wamid.I", "timestamp": TS, "type": "interactive", "interactive": interactive}
    assert parse_webhook(payload(value(messages=[raw]))).messages[0].text == text


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "image", "image": {"caption": "receipt", "mime_type": "image/jpeg", "id": "MEDIA"}},
        {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": "👍"}},
        {"type": "unsupported", "errors": [{"code": 131051, "title": "Message type unknown"}]},
        {"type": "text"},
        {"type": "text", "text": {}},
        {"type": "button"},
        {},
    ],
)
def test_messages_without_text_have_empty_text(raw):
    raw = {"from": "5511999990000", "id": "wamid.M", "timestamp": TS, **raw}
    [message] = parse_webhook(payload(value(messages=[raw]))).messages
    assert message.text == ""
    assert message.sender == "5511999990000"


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("from", None),
        ("from", ""),
        ("id", None),
        ("timestamp", None),
        ("timestamp", "yesterday"),
        ("text", "Parar"),
        ("text", {"body": ["Parar"]}),
    ],
)
def test_malformed_message_raises(field, bad):
    raw = text_message()
    if bad is None:
        del raw[field]
    else:
        raw[field] = bad
    with pytest.raises(ValueError):
        parse_webhook(payload(value(messages=[raw])))


def test_incoming_message_with_contacts_block():
    raw = value(messages=[text_message("oi")])
    raw["contacts"] = [{"profile": {"name": "Maria"}, "wa_id": "5511999990000"}]
    assert parse_webhook(payload(raw)).messages[0].text == "oi"


# --- parse_webhook: envelope ------------------------------------------------------------------------------------


def test_several_entries_and_changes_are_gathered_in_order():
    data = payload(
        value(statuses=[status("sent", id="A")], phone_number_id="P1"),
        value(statuses=[status("read", id="B")], messages=[text_message(id="M1")], phone_number_id="P2"),
    )
    data["entry"].append(
        {"id": "other", "changes": [{"field": "messages", "value": value(messages=[text_message(id="M2")])}]}
    )
    batch = parse_webhook(data)
    assert [update.message_id for update in batch.statuses] == ["A", "B"]
    assert [message.message_id for message in batch.messages] == ["M1", "M2"]
    assert batch.phone_number_ids == frozenset({"P1", "P2", "106540352242922"})


def test_other_fields_are_ignored_even_when_malformed():
    data = payload(value(statuses=[status()]))
    data["entry"][0]["changes"].insert(0, {"field": "message_template_status_update", "value": "anything"})
    data["entry"][0]["changes"].append({"field": "account_update"})
    assert len(parse_webhook(data).statuses) == 1


def test_change_without_statuses_or_messages():
    batch = parse_webhook(payload(value()))
    assert batch == WebhookBatch((), (), frozenset({"106540352242922"}))


def test_empty_entry_list():
    assert parse_webhook({"object": "whatsapp_business_account", "entry": []}) == WebhookBatch((), (), frozenset())


def test_change_without_metadata_has_no_phone_number_id():
    raw = value(statuses=[status()])
    del raw["metadata"]
    batch = parse_webhook(payload(raw))
    assert batch.phone_number_ids == frozenset()
    assert len(batch.statuses) == 1


def test_null_lists_are_empty():
    raw = value()
    raw["statuses"] = None
    raw["messages"] = None
    assert parse_webhook(payload(raw)).statuses == ()


def test_parse_accepts_a_decoded_json_body():
    body = json.dumps(payload(value(statuses=[status()], messages=[text_message()])))
    batch = parse_webhook(json.loads(body))
    assert len(batch.statuses) == 1
    assert len(batch.messages) == 1


def test_parse_does_not_modify_the_payload():
    data = payload(value(statuses=[status("failed", errors=[{"code": 1}])], messages=[text_message()]))
    snapshot = copy.deepcopy(data)
    parse_webhook(data)
    assert data == snapshot


def _set(path, new):
    data = payload(value(statuses=[status()], messages=[text_message()]))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return data


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "text",
        b"{}",
        {},
        {"object": "page", "entry": []},
        {"object": "whatsapp_business_account"},
        {"object": "whatsapp_business_account", "entry": {}},
        {"object": "whatsapp_business_account", "entry": ["x"]},
        {"object": "whatsapp_business_account", "entry": [{}]},
        {"object": "whatsapp_business_account", "entry": [{"changes": {}}]},
        {"object": "whatsapp_business_account", "entry": [{"changes": [None]}]},
        _set(("entry", 0, "changes", 0, "value"), None),
        _set(("entry", 0, "changes", 0, "value"), []),
        _set(("entry", 0, "changes", 0, "value", "metadata"), "P1"),
        _set(("entry", 0, "changes", 0, "value", "metadata", "phone_number_id"), ["P1"]),
        _set(("entry", 0, "changes", 0, "value", "statuses"), {}),
        _set(("entry", 0, "changes", 0, "value", "statuses"), ["x"]),
        _set(("entry", 0, "changes", 0, "value", "messages"), "x"),
        _set(("entry", 0, "changes", 0, "value", "messages"), [1]),
    ],
)
def test_malformed_payload_raises_value_error(data):
    with pytest.raises(ValueError, match=r"(?i)whatsapp"):
        parse_webhook(data)


def test_error_message_names_what_is_wrong():
    with pytest.raises(ValueError, match="'object' is 'page'"):
        parse_webhook({"object": "page", "entry": []})
    with pytest.raises(ValueError, match="timestamp"):
        parse_webhook(payload(value(statuses=[status(timestamp="soon")])))
