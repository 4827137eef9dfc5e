"""What the customer's statement tells of the reminders the customer received.

The event log is the collectors' audit trail: queued, failed or cancelled contacts, and calls
that never reached anyone, are internal and never shown to the customer.

>>> customer_history_status("email", "sent"), customer_history_status("letter", "sent")
('sent', 'posted')
>>> customer_history_status("email", "queued") is None, customer_history_status("call", "sent", "no_answer") is None
(True, True)
"""

from __future__ import annotations

from .calls import REACHED_OUTCOMES

# Codes of the statement's "Status" column, in the order a contact can progress.
CUSTOMER_HISTORY_STATUSES = ("sent", "posted", "delivered", "read", "spoken")
# The statement shows at most this many contacts, the latest first.
STATEMENT_HISTORY_LIMIT = 20

_WRITTEN_CHANNELS = frozenset({"email", "sms", "whatsapp"})
_RECEIVED_STATES = ("sent", "delivered", "read")


def customer_history_status(channel: str | None, state: str | None, outcome: str | None = None) -> str | None:
    """How a contact reads on the customer's statement, or None when the customer never received it.

    A message counts once it left (sent, delivered, read); a letter once printed (it is then
    sent: posted to the customer); a call only when the customer was reached. Steps without a
    channel (a collector's task) are not contacts.
    """
    if state not in _RECEIVED_STATES:
        return None
    if channel == "call":
        return "spoken" if outcome in REACHED_OUTCOMES else None
    if channel == "letter":
        return "posted"
    if channel in _WRITTEN_CHANNELS:
        return state
    return None
