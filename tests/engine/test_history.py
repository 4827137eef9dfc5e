"""The reminder history of the customer's statement: what the customer received, in its words."""

import pytest

from collections_addon.engine import CALL_OUTCOMES, CHANNELS, CUSTOMER_HISTORY_STATUSES, customer_history_status
from collections_addon.engine.calls import REACHED_OUTCOMES
from collections_addon.engine.contact_log import EVENT_STATES, UNDELIVERED_STATES
from collections_addon.engine.history import STATEMENT_HISTORY_LIMIT


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("state", ("queued", "failed", "cancelled"))
def test_contacts_that_never_reached_the_customer_are_not_shown(channel, state):
    for outcome in (None, *CALL_OUTCOMES):
        assert customer_history_status(channel, state, outcome) is None


@pytest.mark.parametrize("state", ("sent", "delivered", "read"))
def test_messages_show_how_far_they_went(state):
    for channel in ("email", "sms", "whatsapp"):
        assert customer_history_status(channel, state) == state


def test_a_printed_letter_was_posted():
    assert customer_history_status("letter", "sent") == "posted"


@pytest.mark.parametrize("outcome", CALL_OUTCOMES)
def test_a_call_shows_only_when_the_customer_was_reached(outcome):
    expected = "spoken" if outcome in REACHED_OUTCOMES else None
    assert customer_history_status("call", "delivered", outcome) == expected
    assert customer_history_status("call", "queued", outcome) is None


def test_steps_without_a_channel_are_not_contacts():
    assert customer_history_status(None, "sent") is None
    assert customer_history_status("negotiation", "sent") is None


def test_every_status_has_a_code_in_the_list():
    seen = {
        customer_history_status(channel, state, outcome)
        for channel in CHANNELS
        for state in EVENT_STATES
        for outcome in (None, *CALL_OUTCOMES)
    } - {None}
    assert seen == set(CUSTOMER_HISTORY_STATUSES)


def test_contacts_that_ended_undelivered_are_never_shown():
    for channel in CHANNELS:
        for state in UNDELIVERED_STATES:
            assert customer_history_status(channel, state, "will_pay") is None


def test_the_statement_shows_the_last_twenty_contacts():
    assert STATEMENT_HISTORY_LIMIT == 20
