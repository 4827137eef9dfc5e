"""What an open receivable is: one definition for domains, SQL and record checks.

An invoice is *open* while it is posted and its payment state says money is
still owed; a receivable line is *open* while it is posted, unreconciled and
has a residual. Everything that lists, claims, promises, renegotiates or
protests debt asks these helpers instead of retyping the states.

>>> is_open_invoice("posted", "partial")
True
>>> is_open_invoice("posted", "in_payment")
False
>>> open_invoice_domain()
[('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]
>>> "NOT l.reconciled" in open_line_sql("l", "a")
True
"""

RECEIVABLE_ACCOUNT_TYPE = "asset_receivable"
# Payment states of an invoice that still owes money; "in_payment" is paid as far as the customer is concerned.
OPEN_PAYMENT_STATES = ("not_paid", "partial")
SETTLED_PAYMENT_STATES = ("paid", "in_payment", "reversed")
# Documents a customer is asked to pay (credit notes and vendor bills are not claimed).
CLAIMABLE_MOVE_TYPES = ("out_invoice", "out_receipt")


def is_open_invoice(state, payment_state):
    return state == "posted" and payment_state in OPEN_PAYMENT_STATES


def is_settled_invoice(payment_state):
    return payment_state in SETTLED_PAYMENT_STATES


def open_invoice_domain(move_types=None):
    """Domain on ``account.move`` of posted invoices that still owe money (optionally of some move types)."""
    domain = [("state", "=", "posted"), ("payment_state", "in", OPEN_PAYMENT_STATES)]
    if move_types:
        domain.append(("move_type", "in", tuple(move_types)))
    return domain


def open_invoice_domain_text(move_types=None, prefix=""):
    """The same domain as text, for a field's ``domain=`` attribute; ``prefix`` adds leading leaves."""
    leaves = [repr(leaf) for leaf in open_invoice_domain(move_types)]
    return "[" + ", ".join(([prefix] if prefix else []) + leaves) + "]"


def open_line_domain():
    """Domain on ``account.move.line`` of receivable lines still owed."""
    return [
        ("account_type", "=", RECEIVABLE_ACCOUNT_TYPE),
        ("parent_state", "=", "posted"),
        ("reconciled", "=", False),
        ("amount_residual", "!=", 0),
    ]


def open_line_sql(line_alias, account_alias):
    """The same condition as SQL over ``account_move_line`` and its ``account_account`` (constants only)."""
    return (
        f"{account_alias}.account_type = '{RECEIVABLE_ACCOUNT_TYPE}'"
        f" AND {line_alias}.parent_state = 'posted'"
        f" AND NOT {line_alias}.reconciled"
        f" AND {line_alias}.amount_residual != 0"
    )
