"""Credit hold: when a plan stops selling on credit to a customer.

A plan may put its customers on credit hold (no sales order is confirmed for them, invoicing goes on) for any
of four reasons, each switched on by the plan:

- ``level``: the customer reached the plan's hold level (or a later one, by days) and still has something
  overdue; paying what is overdue lifts it.
- ``broken_promise``: a promise to pay was broken and an invoice it covered is still unpaid; paying those
  invoices lifts it.
- ``broken_agreement``: an agreement is broken (the daily job marks it *done* once every instalment is paid,
  which lifts it).
- ``protested``: a title is protested at a notary and not settled yet; the settlement lifts it.

A hold therefore lasts exactly as long as the debt that caused it: no date to remember, nothing a manager has to
lift by hand. A user with the *Release Credit Hold* right confirms one sales order despite it (with a reason);
the customer stays on hold for the next one.

The records that hold are read by the models in these states (one place, here):

>>> HOLDING_PROMISE_STATE, HOLDING_AGREEMENT_STATE, HOLDING_PROTEST_STATE
('broken', 'broken', 'protested')

>>> rules = CreditHoldRules(from_level_days=20, broken_promise=True, protested=True)
>>> credit_hold_reasons(rules, CreditHoldFacts(level_days=30, overdue=True, protested=True))
('level', 'protested')
>>> credit_hold_reasons(rules, CreditHoldFacts(level_days=30, overdue=False))  # paid: the level holds no more
()
>>> credit_hold_reasons(rules, CreditHoldFacts(broken_agreements=1))  # the plan does not hold on agreements
()
>>> credit_hold_reasons(CreditHoldRules(), CreditHoldFacts(level_days=60, overdue=True, broken_promises=2))
()
"""

from __future__ import annotations

from dataclasses import dataclass

# Why a customer is on credit hold, in the order the reasons are shown.
CREDIT_HOLD_REASONS = ("level", "broken_promise", "broken_agreement", "protested")

# A promise that holds: broken (and one of its invoices still unpaid); an agreement: broken (until every
# instalment is paid, when it is done); a protest: protested (until settled, cancelled or paid).
HOLDING_PROMISE_STATE = "broken"
HOLDING_AGREEMENT_STATE = "broken"
HOLDING_PROTEST_STATE = "protested"


@dataclass(frozen=True)
class CreditHoldRules:
    """A plan's credit hold settings: from the level of ``from_level_days`` on (None: never by level), on a
    broken promise, on a broken agreement, while protested."""

    from_level_days: int | None = None
    broken_promise: bool = False
    broken_agreement: bool = False
    protested: bool = False

    @property
    def holds_ever(self) -> bool:
        """Whether the plan can put anyone on hold at all.

        >>> CreditHoldRules().holds_ever, CreditHoldRules(protested=True).holds_ever
        (False, True)
        """
        return self.from_level_days is not None or self.broken_promise or self.broken_agreement or self.protested


@dataclass(frozen=True)
class CreditHoldFacts:
    """What a customer's situation says: the days of the level it reached (None: none yet), whether something
    is overdue, its broken promises with an unpaid invoice, its broken agreements, a protested title."""

    level_days: int | None = None
    overdue: bool = False
    broken_promises: int = 0
    broken_agreements: int = 0
    protested: bool = False


def level_holds(from_level_days: int | None, level_days: int | None, overdue: bool) -> bool:
    """The hold level is reached (the same or a later one, by days) and something is still overdue.

    >>> level_holds(20, 20, True), level_holds(20, 60, True), level_holds(20, 5, True)
    (True, True, False)
    >>> level_holds(20, 60, False), level_holds(None, 60, True), level_holds(20, None, True)
    (False, False, False)
    """
    return from_level_days is not None and level_days is not None and level_days >= from_level_days and overdue


def credit_hold_reasons(rules: CreditHoldRules, facts: CreditHoldFacts) -> tuple[str, ...]:
    """The reasons (``CREDIT_HOLD_REASONS`` codes, in their order) that put the customer on credit hold.

    An empty tuple: no hold.

    >>> credit_hold_reasons(CreditHoldRules(broken_promise=True, broken_agreement=True),
    ...                     CreditHoldFacts(broken_promises=1, broken_agreements=1))
    ('broken_promise', 'broken_agreement')
    """
    held = {
        "level": level_holds(rules.from_level_days, facts.level_days, facts.overdue),
        "broken_promise": rules.broken_promise and facts.broken_promises > 0,
        "broken_agreement": rules.broken_agreement and facts.broken_agreements > 0,
        "protested": rules.protested and facts.protested,
    }
    return tuple(code for code in CREDIT_HOLD_REASONS if held[code])
