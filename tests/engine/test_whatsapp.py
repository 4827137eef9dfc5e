"""WhatsApp Business Cloud API, pure parts (``engine.whatsapp``)."""

import hashlib
import hmac
from datetime import datetime, timedelta

import pytest

from collections_addon.engine import (
    ESCALATION_STATES,
    ESCALATIONS,
    FALLBACK_CHANNELS,
    MAX_ATTEMPTS,
    OPT_OUT_WORDS,
    STATE_RANK,
    classify_response,
    escalation,
    is_opt_out,
    next_state,
    retry_delay,
    sign,
    verify_signature,
    verify_subscription,
)

SECRET = "0123456789abcdef0123456789abcdef"
BODY = b'{"object":"whatsapp_business_account","entry":[]}'


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


# --- escalation on delivery state ------------------------------------------------------------------------------

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
