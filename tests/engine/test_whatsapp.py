"""WhatsApp Business Cloud API, pure parts (``engine.whatsapp``)."""

import copy
import hashlib
import hmac
import json
from datetime import datetime, timedelta

import pytest

from collections_addon.engine import (
    ESCALATION_STATES,
    ESCALATIONS,
    FALLBACK_CHANNELS,
    MAX_ATTEMPTS,
    OPT_OUT_WORDS,
    STATE_RANK,
    IncomingMessage,
    StatusUpdate,
    WebhookBatch,
    build_template_message,
    classify_response,
    error_text,
    escalation,
    is_opt_out,
    next_state,
    parse_webhook,
    response_message_id,
    retry_delay,
    sign,
    verify_signature,
    verify_subscription,
)

SECRET = "0123456789abcdef0123456789abcdef"
BODY = b'{"object":"whatsapp_business_account","entry":[]}'
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


# --- constants --------------------------------------------------------------------------------------------------


def test_constants_match_the_contract():
    assert OPT_OUT_WORDS == ("STOP", "PARAR", "SAIR", "CANCELAR")
    assert MAX_ATTEMPTS == 5
    assert STATE_RANK == {"queued": 0, "sent": 1, "delivered": 2, "read": 3}


# --- signatures -------------------------------------------------------------------------------------------------


def test_sign_is_sha256_hmac_as_meta_sends_it():
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert sign(BODY, SECRET) == f"sha256={expected}"
    assert len(sign(BODY, SECRET)) == len("sha256=") + 64


def test_sign_of_an_empty_body():
    assert sign(b"", SECRET).startswith("sha256=")


def test_valid_signature():
    assert verify_signature(BODY, sign(BODY, SECRET), [SECRET])


def test_signature_with_upper_case_hex_or_surrounding_spaces():
    header = sign(BODY, SECRET)
    assert verify_signature(BODY, "sha256=" + header[7:].upper(), [SECRET])
    assert verify_signature(BODY, f"  {header}\n", [SECRET])


def test_signature_matches_any_of_several_secrets():
    assert verify_signature(BODY, sign(BODY, "second"), ["first", "second", "third"])
    assert verify_signature(BODY, sign(BODY, "second"), iter(["first", "second"]))


def test_single_secret_given_as_a_string():
    assert verify_signature(BODY, sign(BODY, SECRET), SECRET)
    assert not verify_signature(BODY, sign(BODY, SECRET[0]), SECRET)


def test_wrong_secret_or_tampered_body_fails():
    header = sign(BODY, SECRET)
    assert not verify_signature(BODY, header, ["other"])
    assert not verify_signature(BODY + b" ", header, [SECRET])
    assert not verify_signature(BODY, header, [])


def test_empty_secrets_are_never_used():
    assert not verify_signature(BODY, sign(BODY, ""), [""])
    assert not verify_signature(BODY, sign(BODY, ""), ["", None])
    assert verify_signature(BODY, sign(BODY, SECRET), ["", None, SECRET])


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha1=" + "a" * 40,
        "sha256=" + "z" * 64,
        "sha256=" + "a" * 63,
        "sha256=" + "a" * 65,
        "SHA256=" + "a" * 64,
        "sha256 = " + "a" * 64,
        "sha256=ééé",
        "garbage",
    ],
)
def test_malformed_header_fails_without_raising(header):
    assert verify_signature(BODY, header, [SECRET]) is False


def test_header_without_prefix_fails():
    assert not verify_signature(BODY, sign(BODY, SECRET)[7:], [SECRET])


# --- subscription -----------------------------------------------------------------------------------------------


def subscribe(token="my-token", mode="subscribe", challenge="1158201444"):
    params = {"hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge}
    return {key: val for key, val in params.items() if val is not None}


def test_subscription_echoes_the_challenge():
    assert verify_subscription(subscribe(), ["my-token"]) == "1158201444"


def test_subscription_with_one_of_several_tokens():
    assert verify_subscription(subscribe(token="b"), ["a", "b"]) == "1158201444"
    assert verify_subscription(subscribe(token="b"), iter(["a", "b"])) == "1158201444"
    assert verify_subscription(subscribe(token="my-token"), "my-token") == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        subscribe(token="wrong"),
        subscribe(token="MY-TOKEN"),
        subscribe(token="my-token "),
        subscribe(mode="unsubscribe"),
        subscribe(mode=None),
        subscribe(token=None),
        subscribe(token=""),
        subscribe(challenge=None),
        subscribe(challenge=""),
        subscribe(token=["my-token"]),
        subscribe(challenge=["1158201444"]),
        {},
    ],
)
def test_subscription_refused(params):
    assert verify_subscription(params, ["my-token"]) is None


def test_empty_configured_tokens_never_match():
    assert verify_subscription(subscribe(token=""), [""]) is None
    assert verify_subscription(subscribe(token="x"), ["", None]) is None


def test_non_ascii_tokens_are_compared_safely():
    assert verify_subscription(subscribe(token="jeton-été"), ["jeton-été"]) == "1158201444"
    assert verify_subscription(subscribe(token="jeton-été"), ["jeton-ete"]) is None


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


# --- is_opt_out -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        " Parar! ",
        "sair.",
        "Cancelar",
        "cancelar!!!",
        "Stop?!",
        "\tSTOP\n",
        "SAIR …",
        "\uff53\uff54\uff4f\uff50",  # full-width "stop" folds with NFKD
    ],
)
def test_opt_out(text):
    assert is_opt_out(text)


@pytest.mark.parametrize(
    "text",
    [
        "please don't stop",
        "stop it",
        "stopped",
        "não parar",
        "!stop",
        "",
        "   ",
        "!!!",
        None,
        "sair de casa",
    ],
)
def test_not_opt_out(text):
    assert not is_opt_out(text)


def test_opt_out_with_custom_words_is_accent_and_case_insensitive():
    words = ["NÃO QUERO", "descadastrar"]
    assert is_opt_out("nao quero", words)
    assert is_opt_out("Não   Quero!", words)
    assert is_opt_out("DESCADASTRAR.", words)
    assert not is_opt_out("stop", words)


def test_opt_out_word_list_edge_cases():
    assert not is_opt_out("stop", [])
    assert not is_opt_out("", [""])
    assert not is_opt_out("anything", ["", "  "])
    assert is_opt_out("stop", "STOP")
    assert is_opt_out("stop", iter(["STOP"]))
    assert is_opt_out("Parar", ["parar!"])


# --- next_state -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "incoming", "expected"),
    [
        ("queued", "sent", "sent"),
        ("queued", "delivered", "delivered"),
        ("queued", "read", "read"),
        ("sent", "delivered", "delivered"),
        ("sent", "read", "read"),
        ("delivered", "read", "read"),
        ("queued", "queued", None),
        ("sent", "sent", None),
        ("sent", "queued", None),
        ("delivered", "sent", None),
        ("delivered", "delivered", None),
        ("read", "delivered", None),
        ("read", "sent", None),
        ("read", "read", None),
        ("queued", "failed", "failed"),
        ("sent", "failed", "failed"),
        ("delivered", "failed", None),
        ("read", "failed", None),
        ("failed", "failed", None),
        ("failed", "sent", "sent"),
        ("failed", "delivered", "delivered"),
        ("failed", "read", "read"),
        ("failed", "queued", None),
        ("cancelled", "sent", "sent"),
        ("cancelled", "read", "read"),
        ("cancelled", "failed", None),
        ("cancelled", "queued", None),
        (None, "sent", "sent"),
        ("", "failed", "failed"),
        (False, "delivered", "delivered"),
    ],
)
def test_next_state(current, incoming, expected):
    assert next_state(current, incoming) == expected


@pytest.mark.parametrize("incoming", ["deleted", "cancelled", "", "SENT", None])
def test_unknown_incoming_status_raises(incoming):
    with pytest.raises(ValueError):
        next_state("sent", incoming)


def test_unknown_current_state_raises():
    with pytest.raises(ValueError, match="bogus"):
        next_state("bogus", "sent")


def test_out_of_order_events_end_in_the_furthest_state():
    state = "queued"
    for incoming in ("read", "sent", "delivered", "failed"):
        state = next_state(state, incoming) or state
    assert state == "read"


# --- classify_response and retry_delay --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status_code", "timed_out", "verdict"),
    [
        (200, False, "ok"),
        (201, False, "ok"),
        (299, False, "ok"),
        (None, False, "retry"),
        (None, True, "retry"),
        (200, True, "retry"),
        (429, False, "retry"),
        (500, False, "retry"),
        (502, False, "retry"),
        (503, False, "retry"),
        (599, False, "retry"),
        (400, False, "fail"),
        (401, False, "fail"),
        (403, False, "fail"),
        (404, False, "fail"),
        (408, False, "fail"),
        (300, False, "fail"),
        (304, False, "fail"),
        (100, False, "fail"),
        (600, False, "fail"),
        (0, False, "fail"),
    ],
)
def test_classify_response(status_code, timed_out, verdict):
    assert classify_response(status_code, timed_out=timed_out) == verdict


def test_classify_response_timed_out_defaults_to_false():
    assert classify_response(200) == "ok"


@pytest.mark.parametrize(
    ("attempt", "delay"),
    [
        (1, timedelta(minutes=1)),
        (2, timedelta(minutes=5)),
        (3, timedelta(minutes=25)),
        (4, timedelta(hours=2)),
        (5, timedelta(hours=6)),
        (6, timedelta(hours=6)),
        (100, timedelta(hours=6)),
    ],
)
def test_retry_delay(attempt, delay):
    assert retry_delay(attempt) == delay


@pytest.mark.parametrize("attempt", [0, -1])
def test_retry_delay_before_the_first_attempt_raises(attempt):
    with pytest.raises(ValueError):
        retry_delay(attempt)


def test_retry_delays_grow_and_stay_capped():
    delays = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS + 3)]
    assert delays == sorted(delays)
    assert max(delays) == timedelta(hours=6)


# --- build_template_message -------------------------------------------------------------------------------------


def test_template_message_body():
    assert build_template_message("+55 (11) 99999-0000", "invoice_due", "pt_BR", ["Maria", "R$ 1.234,56"]) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "5511999990000",
        "type": "template",
        "template": {
            "name": "invoice_due",
            "language": {"code": "pt_BR"},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": "Maria"}, {"type": "text", "text": "R$ 1.234,56"}],
                }
            ],
        },
    }


def test_template_message_without_parameters_has_no_components():
    message = build_template_message("5511999990000", "hello_world", "en_US", [])
    assert "components" not in message["template"]
    assert message["template"] == {"name": "hello_world", "language": {"code": "en_US"}}
    assert "components" not in build_template_message("5511999990000", "hello_world", "en_US", ())["template"]


def test_callback_data_is_added_when_given():
    message = build_template_message("5511999990000", "t", "en", [], callback_data="collections.event:7")
    assert message["biz_opaque_callback_data"] == "collections.event:7"
    assert "biz_opaque_callback_data" not in build_template_message("5511999990000", "t", "en", [])
    assert "biz_opaque_callback_data" not in build_template_message("5511999990000", "t", "en", [], "")


def test_template_message_is_json_serialisable():
    message = build_template_message("5511999990000", "t", "en", ["a", "b"], "cb")
    assert json.loads(json.dumps(message)) == message


@pytest.mark.parametrize(
    ("to", "digits"),
    [
        ("+32 470 12 34 56", "32470123456"),
        ("(11) 9999-0000", "1199990000"),
        ("12345678", "12345678"),
        ("  +1-650-555-1234 ", "16505551234"),
        ("+55.11.99999.0000", "5511999990000"),
        ("123456789012345", "123456789012345"),
    ],
)
def test_phone_number_keeps_only_digits(to, digits):
    assert build_template_message(to, "t", "en", [])["to"] == digits


@pytest.mark.parametrize(
    "to", ["", None, "1234567", "+1 234 567", "abc", "+55 11 9999x0000", "0800-CALL-NOW", "1234567890123456"]
)
def test_bad_phone_number_raises(to):
    with pytest.raises(ValueError):
        build_template_message(to, "t", "en", [])


@pytest.mark.parametrize(("name", "language"), [("", "en"), ("  ", "en"), ("t", ""), ("t", " "), (None, "en")])
def test_empty_template_name_or_language_raises(name, language):
    with pytest.raises(ValueError):
        build_template_message("5511999990000", name, language, [])


def test_template_name_and_language_are_trimmed():
    template = build_template_message("5511999990000", " invoice_due ", " pt_BR ", [])["template"]
    assert template == {"name": "invoice_due", "language": {"code": "pt_BR"}}


def test_parameters_with_line_breaks_or_long_spaces_are_flattened():
    message = build_template_message("5511999990000", "t", "en", ["line one\nline two", "a\t\tb", "x      y"])
    texts = [parameter["text"] for parameter in message["template"]["components"][0]["parameters"]]
    assert texts == ["line one line two", "a b", "x    y"]


def test_non_text_parameters_are_written_as_text():
    message = build_template_message("5511999990000", "t", "en", [12, 3.5])
    assert [p["text"] for p in message["template"]["components"][0]["parameters"]] == ["12", "3.5"]


@pytest.mark.parametrize("parameters", [[""], ["ok", "  "], ["ok", None], ["\n"]])
def test_empty_parameter_raises_naming_its_position(parameters):
    with pytest.raises(ValueError, match=f"parameter {len(parameters)}"):
        build_template_message("5511999990000", "t", "en", parameters)


def test_a_single_string_as_parameters_raises():
    with pytest.raises(ValueError):
        build_template_message("5511999990000", "t", "en", "Maria")


# --- response_message_id ----------------------------------------------------------------------------------------


def test_message_id_of_a_success_response():
    response = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+5511999990000", "wa_id": "5511999990000"}],
        "messages": [
            {"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA", "message_status": "accepted"}
        ],
    }
    assert response_message_id(response) == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"


@pytest.mark.parametrize(
    "response",
    [
        None,
        "wamid.X",
        [],
        {},
        {"messages": []},
        {"messages": {}},
        {"messages": ["wamid.X"]},
        {"messages": [{}]},
        {"messages": [{"id": ""}]},
        {"messages": [{"id": 12}]},
        {"error": {"message": "x"}},
    ],
)
def test_missing_message_id_raises(response):
    with pytest.raises(ValueError):
        response_message_id(response)


# --- error_text -------------------------------------------------------------------------------------------------


def test_error_text_of_a_graph_error():
    response = {
        "error": {
            "message": "(#131030) Recipient phone number not in allowed list",
            "type": "OAuthException",
            "code": 131030,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": "Recipient phone number not in allowed list: Add recipient phone number to recipient "
                "list and try again.",
            },
            "fbtrace_id": "AI5Ob2z72R0JAUB5zOF-nao",
        }
    }
    assert error_text(response, 400) == (
        "(#131030) Recipient phone number not in allowed list: Add recipient phone number to recipient list "
        "and try again."
    )


def test_error_text_with_message_and_different_details():
    response = {"error": {"message": "Invalid parameter", "code": 100, "error_data": {"details": "Bad language"}}}
    assert error_text(response, 400) == "(#100) Invalid parameter: Bad language"


def test_error_text_with_only_a_message():
    assert error_text({"error": {"message": "Invalid OAuth access token.", "code": 190}}) == (
        "(#190) Invalid OAuth access token."
    )
    assert error_text({"error": {"message": "Something"}}, 500) == "Something"


def test_error_text_with_only_details_or_type():
    assert error_text({"error": {"error_data": {"details": "D"}}}) == "D"
    assert error_text({"error": {"type": "OAuthException", "code": 190}}) == "(#190) OAuthException"


def test_error_text_with_only_a_code():
    assert error_text({"error": {"code": 4}}, 429) == "(#4) HTTP 429"


def test_error_text_with_a_plain_string_error():
    assert error_text({"error": "  Rate limited  "}, 429) == "Rate limited"


@pytest.mark.parametrize(
    ("response", "status_code", "text"),
    [
        (None, 502, "HTTP 502"),
        (None, None, "no response"),
        ({}, 500, "HTTP 500"),
        ("<html>Bad gateway</html>", 502, "HTTP 502"),
        ({"error": None}, 400, "HTTP 400"),
        ({"error": {}}, 400, "HTTP 400"),
        ({"error": ""}, 400, "HTTP 400"),
        ({"error": {"message": None, "code": None}}, 400, "HTTP 400"),
        ({"error": {"message": 12, "error_data": "x", "code": True}}, 400, "HTTP 400"),
        ([1, 2], None, "no response"),
        (b"bytes", 503, "HTTP 503"),
    ],
)
def test_error_text_falls_back(response, status_code, text):
    assert error_text(response, status_code) == text


def test_error_text_never_raises():
    for response in (object(), {"error": object()}, {"error": {"error_data": {"details": object()}}}, 3.5):
        assert isinstance(error_text(response, 400), str)


# ----------------------------------------------------------------------
# Escalations on delivery state
# ----------------------------------------------------------------------

SENT_AT = datetime(2026, 3, 16, 10, 0)


@pytest.mark.parametrize(
    ("state", "hours_later", "expected"),
    [
        ("read", 23, None),
        ("read", 24, "call"),
        ("read", 100, "call"),
        ("sent", 23.99, None),
        ("sent", 24, "undelivered"),
        ("delivered", 100, None),
        ("queued", 100, None),
        ("failed", 100, None),
    ],
)
def test_escalation_after_the_levels_delay(state, hours_later, expected):
    now = SENT_AT + timedelta(hours=hours_later)
    result = escalation(state, now, read_at=SENT_AT, sent_at=SENT_AT, read_call_hours=24, undelivered_hours=24)
    assert result == expected
    assert result is None or result in ESCALATIONS


def test_a_delay_of_zero_switches_the_escalation_off():
    much_later = SENT_AT + timedelta(days=30)
    assert escalation("read", much_later, read_at=SENT_AT, read_call_hours=0) is None
    assert escalation("sent", much_later, sent_at=SENT_AT, undelivered_hours=0) is None


def test_no_escalation_without_the_moment_it_counts_from():
    much_later = SENT_AT + timedelta(days=30)
    assert escalation("read", much_later, read_at=None, read_call_hours=24) is None
    assert escalation("sent", much_later, sent_at=None, undelivered_hours=24) is None


def test_escalations_watch_read_and_sent_messages_and_fall_back_by_sms_or_letter():
    assert set(ESCALATION_STATES) == {"read", "sent"}
    assert set(ESCALATION_STATES) <= set(STATE_RANK)
    assert FALLBACK_CHANNELS == ("sms", "letter")
