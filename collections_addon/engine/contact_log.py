"""The contact log: the states of a contact, and how Odoo's mail and SMS queues move them.

Each reminder, call and letter is one row of the contact log (``collections.event``). E-mails
and SMS are handed to Odoo's queues at once: their state follows the queue's, read through the
tables below; a provider that never reports delivery leaves an SMS *sent* for good once
:data:`SMS_DELIVERY_REPORT_DAYS` have passed.

>>> mail_event_state("exception"), notification_event_state("sent"), sms_event_state("sent")
('failed', 'sent', 'delivered')
>>> mail_event_state("a state Odoo adds later")
'queued'
>>> combined_email_state(["sent", "failed"]), combined_email_state(["sent", "queued"])
('sent', 'queued')
>>> sms_failure_kind("sms_number_format"), sms_failure_kind("sms_credit"), sms_failure_kind("sms_server")
('number', 'account', None)
"""

from __future__ import annotations

# States of a contact, in the order a message can progress; the last two end it without reaching anyone.
EVENT_STATES = ("queued", "sent", "delivered", "read", "failed", "cancelled")
UNDELIVERED_STATES = frozenset({"failed", "cancelled"})
# The states a queue may still change: the mail queue marks a mail failed before sending it, then sent.
SYNCED_STATES = ("queued", "sent", "failed")
# A message still on its way: its delivery report may still come.
IN_TRANSIT_STATES = ("queued", "sent")
# A contact that went out (the reports count these): handed over, delivered or read; a call logged as made.
WENT_OUT_STATES = ("sent", "delivered", "read")

# mail.mail states onto contact states.
MAIL_STATE_TO_EVENT = {
    "outgoing": "queued",
    "sent": "sent",
    "received": "sent",
    "exception": "failed",
    "cancel": "cancelled",
}
# mail.notification statuses of an e-mail (once its mail is sent and deleted) onto contact states.
NOTIFICATION_STATUS_TO_EVENT = {
    "ready": "queued",
    "process": "queued",
    "pending": "sent",
    "sent": "sent",
    "bounce": "failed",
    "exception": "failed",
    "canceled": "cancelled",
}
# mail.notification statuses of an SMS: 'pending' = handed to the provider, 'sent' = delivery report received.
SMS_STATUS_TO_EVENT = {
    "ready": "queued",
    "process": "queued",
    "pending": "sent",
    "sent": "delivered",
    "bounce": "failed",
    "exception": "failed",
    "canceled": "cancelled",
}
# SMS failure types (mail.notification) the customer's number causes, and those of the SMS account.
SMS_NUMBER_FAILURES = frozenset(
    {"sms_number_missing", "sms_number_format", "sms_country_not_supported", "sms_invalid_destination"}
)
SMS_ACCOUNT_FAILURES = frozenset({"sms_credit", "sms_acc", "sms_registration_needed"})
# A provider may never report delivery: SMS older than this many days are no longer synced.
SMS_DELIVERY_REPORT_DAYS = 30


def mail_event_state(mail_state: str | None) -> str:
    """The contact state of an e-mail whose ``mail.mail`` is in ``mail_state`` (unknown: still queued)."""
    return MAIL_STATE_TO_EVENT.get(mail_state, "queued")


def notification_event_state(status: str | None) -> str:
    """The contact state of an e-mail whose notification is in ``status`` (unknown: still queued)."""
    return NOTIFICATION_STATUS_TO_EVENT.get(status, "queued")


def sms_event_state(status: str | None) -> str:
    """The contact state of an SMS whose notification is in ``status`` (unknown: still queued)."""
    return SMS_STATUS_TO_EVENT.get(status, "queued")


def sms_failure_kind(failure_type: str | None) -> str | None:
    """Whose fix an SMS failure needs: "number" (the customer's number), "account" (the SMS account), or None."""
    if failure_type in SMS_NUMBER_FAILURES:
        return "number"
    if failure_type in SMS_ACCOUNT_FAILURES:
        return "account"
    return None


def combined_email_state(states) -> str:
    """The state of one contact sent as several e-mails (one per language of its recipients).

    Queued while any e-mail is still in the queue; sent once any of them went out (the step reached
    someone: the e-mails that did not go out are noted on the contact, not redone); failed only when
    none went out and one failed; cancelled when all were cancelled.

    >>> combined_email_state(["sent", "sent"]), combined_email_state(["sent", "cancelled"])
    ('sent', 'sent')
    >>> combined_email_state(["failed", "cancelled"]), combined_email_state(["cancelled"])
    ('failed', 'cancelled')
    >>> combined_email_state([])
    'cancelled'
    """
    states = list(states)
    if "queued" in states:
        return "queued"
    went_out = [state for state in states if state in WENT_OUT_STATES]
    if went_out:
        return min(went_out, key=EVENT_STATES.index)
    return "failed" if "failed" in states else "cancelled"
