"""The contact log's states and how Odoo's mail and SMS queues move them (``engine.contact_log``)."""

import pytest

from collections_addon.engine.contact_log import (
    EVENT_STATES,
    IN_TRANSIT_STATES,
    MAIL_STATE_TO_EVENT,
    NOTIFICATION_STATUS_TO_EVENT,
    SMS_ACCOUNT_FAILURES,
    SMS_DELIVERY_REPORT_DAYS,
    SMS_NUMBER_FAILURES,
    SMS_STATUS_TO_EVENT,
    SYNCED_STATES,
    UNDELIVERED_STATES,
    mail_event_state,
    notification_event_state,
    sms_event_state,
    sms_failure_kind,
)

# Odoo 19's mail.mail states and mail.notification statuses.
ODOO_MAIL_STATES = ("outgoing", "sent", "received", "exception", "cancel")
ODOO_NOTIFICATION_STATUSES = ("ready", "process", "pending", "sent", "bounce", "exception", "canceled")


def test_states_match_the_contract():
    assert EVENT_STATES == ("queued", "sent", "delivered", "read", "failed", "cancelled")
    assert frozenset({"failed", "cancelled"}) == UNDELIVERED_STATES
    assert set(SYNCED_STATES) <= set(EVENT_STATES)
    assert set(IN_TRANSIT_STATES) <= set(SYNCED_STATES)
    assert not UNDELIVERED_STATES & set(IN_TRANSIT_STATES)
    assert SMS_DELIVERY_REPORT_DAYS == 30


@pytest.mark.parametrize(
    ("table", "statuses"),
    [
        (MAIL_STATE_TO_EVENT, ODOO_MAIL_STATES),
        (NOTIFICATION_STATUS_TO_EVENT, ODOO_NOTIFICATION_STATUSES),
        (SMS_STATUS_TO_EVENT, ODOO_NOTIFICATION_STATUSES),
    ],
)
def test_every_queue_status_has_a_contact_state(table, statuses):
    assert set(table) == set(statuses)
    assert set(table.values()) <= set(EVENT_STATES)


def test_e_mails_and_sms_follow_their_queue():
    assert [mail_event_state(state) for state in ODOO_MAIL_STATES] == ["queued", "sent", "sent", "failed", "cancelled"]
    assert [notification_event_state(status) for status in ODOO_NOTIFICATION_STATUSES] == [
        "queued",
        "queued",
        "sent",
        "sent",
        "failed",
        "failed",
        "cancelled",
    ]
    # An SMS notification 'sent' is a delivery report: the SMS reached the phone.
    assert [sms_event_state(status) for status in ODOO_NOTIFICATION_STATUSES] == [
        "queued",
        "queued",
        "sent",
        "delivered",
        "failed",
        "failed",
        "cancelled",
    ]


@pytest.mark.parametrize("read", [mail_event_state, notification_event_state, sms_event_state])
def test_an_unknown_status_leaves_the_contact_queued(read):
    assert read(None) == "queued"
    assert read("a status of a later Odoo") == "queued"


def test_sms_failures_say_whose_fix_they_need():
    assert not SMS_NUMBER_FAILURES & SMS_ACCOUNT_FAILURES
    assert {sms_failure_kind(code) for code in SMS_NUMBER_FAILURES} == {"number"}
    assert {sms_failure_kind(code) for code in SMS_ACCOUNT_FAILURES} == {"account"}
    for other in (None, False, "", "sms_server", "unknown"):
        assert sms_failure_kind(other) is None
