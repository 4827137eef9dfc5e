"""Recovery attribution, DSO and CEI: worked examples computed by hand, and the properties of the attribution."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collections_addon.engine.recovery import (
    RECOVERY_WINDOWS,
    RecoveryContact,
    RecoveryPayment,
    aggregate_recovery,
    attribute_recovery,
    cei,
    dso,
)
from tests.engine.conftest import PROPERTIES, TODAY

D = Decimal


def day(offset):
    return TODAY + timedelta(days=offset)


def contact(contact_id, offset, covered, customer_id=None):
    return RecoveryContact(contact_id, day(offset), covered, customer_id)


def paid(line, offset, amount):
    return RecoveryPayment(line, day(offset), amount)


# ----------------------------------------------------------------------
# Worked examples
# ----------------------------------------------------------------------


def test_the_windows_are_seven_fifteen_and_thirty_days():
    assert RECOVERY_WINDOWS == (7, 15, 30)


def test_a_payment_on_the_contacts_day_counts_from_day_zero():
    (result,) = attribute_recovery([contact(1, 0, {10: 100})], [paid(10, 0, 100)])
    assert result.days_to_first_payment == 0
    assert result.paid_full == (True, True, True)


def test_each_window_counts_what_was_paid_by_its_last_day():
    # 40 on day 7 (inside every window), 30 on day 8 (15 and 30), 30 on day 30 (30 only), 10 on day 31 (none).
    payments = [paid(10, 7, 40), paid(10, 8, 30), paid(10, 30, 20), paid(10, 31, 10)]
    (result,) = attribute_recovery([contact(1, 0, {10: 100})], payments)
    assert result.recovered == (D(40), D(70), D(90))
    assert result.paid_part == (True, True, True)
    assert result.paid_full == (False, False, False)
    assert result.days_to_first_payment == 7


def test_the_last_contact_before_the_payment_wins():
    contacts = [contact(1, 0, {10: 100}), contact(2, 5, {10: 100})]
    first, second = attribute_recovery(contacts, [paid(10, 6, 100)])
    assert first.recovered == (0, 0, 0)
    assert first.days_to_first_payment is None
    assert second.recovered == (100, 100, 100)
    assert second.days_to_first_payment == 1


def test_a_later_contact_on_another_line_leaves_the_earlier_claim_alone():
    contacts = [contact(1, 0, {10: 100}), contact(2, 5, {11: 100})]
    first, second = attribute_recovery(contacts, [paid(10, 6, 100)])
    assert first.recovered == (100, 100, 100)
    assert second.recovered == (0, 0, 0)


def test_two_contacts_of_the_same_day_credit_the_one_recorded_last():
    contacts = [contact(8, 0, {10: 100}), contact(3, 0, {10: 100})]
    by_id = {result.contact_id: result for result in attribute_recovery(contacts, [paid(10, 2, 100)])}
    assert by_id[8].recovered == (100, 100, 100)
    assert by_id[3].recovered == (0, 0, 0)


def test_a_contact_recovers_at_most_what_it_covered_on_the_line():
    # The contact covered 60 of the line (the rest was claimed elsewhere): a payment of 100 counts for 60.
    (result,) = attribute_recovery([contact(1, 0, {10: 60})], [paid(10, 1, 100), paid(10, 2, 50)])
    assert result.recovered == (60, 60, 60)
    assert result.paid_full == (True, True, True)


def test_payments_before_any_contact_or_on_other_lines_count_for_nobody():
    (result,) = attribute_recovery([contact(1, 5, {10: 100})], [paid(10, 4, 100), paid(99, 6, 100)])
    assert result.recovered == (0, 0, 0)
    assert result.covered == 100


def test_a_contact_without_lines_is_counted_and_recovers_nothing():
    (result,) = attribute_recovery([contact(1, 0, {})], [paid(10, 1, 100)])
    assert (result.covered, result.recovered, result.paid_full, result.paid_part) == (
        0,
        (0, 0, 0),
        (False, False, False),
        (False, False, False),
    )


def test_custom_windows():
    (result,) = attribute_recovery([contact(1, 0, {10: 100})], [paid(10, 3, 100)], windows=(1, 3))
    assert result.recovered == (0, 100)


def test_the_aggregation_counts_contacts_customers_amounts_and_the_median():
    contacts = [
        contact(1, 0, {10: 100}, customer_id=7),
        contact(2, 0, {11: 100}, customer_id=7),
        contact(3, 0, {12: 50}, customer_id=8),
        contact(4, 0, {13: 50}),
    ]
    payments = [paid(10, 2, 100), paid(11, 10, 40), paid(12, 20, 50)]
    results = attribute_recovery(contacts, payments)
    groups = aggregate_recovery(("email" if r.contact_id < 4 else "sms", r) for r in results)
    email = groups["email"]
    assert (email.contacts, email.customers, email.covered) == (3, 2, 250)
    assert email.paid_full == (1, 1, 2)
    assert email.paid_part == (0, 1, 1)
    assert email.paid_any == (1, 2, 3)
    assert email.recovered == (100, 140, 190)
    assert email.median_days == 10
    sms = groups["sms"]
    assert (sms.contacts, sms.customers, sms.recovered, sms.median_days) == (1, 1, (0, 0, 0), None)


def test_dso_and_cei_by_their_definitions():
    # DSO: 45,000 open at the end of a 30-day month with 90,000 of credit sales: 15 days.
    assert dso(45_000, 90_000, 30) == D("15.00")
    # CEI: (20,000 + 90,000 - 45,000) / (20,000 + 90,000 - 30,000) = 65,000 / 80,000 = 81.25 %.
    assert cei(20_000, 90_000, 45_000, 30_000) == D("81.25")
    assert dso(10, "3", 1) == D("3.33")


@pytest.mark.parametrize(
    ("values", "expected"),
    [((1000, 0, 30), None), ((1000, -5, 30), None), ((0, 1000, 30), D("0.00"))],
)
def test_dso_without_credit_sales_is_none(values, expected):
    assert dso(*values) == expected


def test_cei_with_nothing_collectible_is_none():
    assert cei(0, 0, 0, 0) is None
    assert cei(0, 500, 500, 600) is None


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: RecoveryContact(1, TODAY, {10: 0}), "use an amount above zero"),
        (lambda: RecoveryContact(1, TODAY, {10: "abc"}), "must be a number"),
        (lambda: RecoveryPayment(10, TODAY, -1), "use an amount above zero"),
        (lambda: RecoveryPayment(10, TODAY, float("nan")), "finite number"),
        (lambda: attribute_recovery([], [], windows=(15, 7)), "increasing whole numbers"),
        (lambda: attribute_recovery([], [], windows=()), "increasing whole numbers"),
        (lambda: dso(1, 1, -3), "at least one day"),
    ],
)
def test_bad_input_is_refused_with_a_reason(build, message):
    with pytest.raises(ValueError, match=message):
        build()


# ----------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------

LINES = st.integers(min_value=1, max_value=4)
CENTS = st.integers(min_value=1, max_value=100_000).map(lambda cents: D(cents) / 100)
CONTACTS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=60), st.dictionaries(LINES, CENTS, max_size=4)), max_size=8
).map(lambda rows: [contact(index, offset, covered) for index, (offset, covered) in enumerate(rows)])
PAYMENTS = st.lists(
    st.tuples(LINES, st.integers(min_value=-5, max_value=100), CENTS).map(lambda row: paid(*row)), max_size=15
)


def _credit(contacts, payments):
    """Per payment, the contacts it could count for: the last covering its line within the largest window."""
    owners = defaultdict(list)
    for payment in payments:
        before = [c for c in contacts if payment.line_id in c.covered and c.day <= payment.day]
        if before:
            last = max(before, key=lambda c: (c.day, c.id))
            if (payment.day - last.day).days <= RECOVERY_WINDOWS[-1]:
                owners[last.id].append(payment)
    return owners


@PROPERTIES
@given(CONTACTS, PAYMENTS)
def test_no_payment_is_counted_twice(contacts, payments):
    results = attribute_recovery(contacts, payments)
    assert sum(result.recovered[-1] for result in results) <= sum(payment.amount for payment in payments)
    owners = _credit(contacts, payments)
    for result in results:
        # A contact's recovery comes only from the payments it owns, never from another contact's.
        assert result.recovered[-1] <= sum(payment.amount for payment in owners[result.contact_id])


@PROPERTIES
@given(CONTACTS, PAYMENTS)
def test_amounts_never_exceed_what_the_contact_covered(contacts, payments):
    for source, result in zip(contacts, attribute_recovery(contacts, payments), strict=True):
        assert result.covered == sum(source.covered.values(), D(0))
        assert all(0 <= amount <= result.covered for amount in result.recovered)


@PROPERTIES
@given(CONTACTS, PAYMENTS)
def test_the_windows_are_nested(contacts, payments):
    for result in attribute_recovery(contacts, payments):
        assert list(result.recovered) == sorted(result.recovered)
        for narrow, wide in zip(range(len(RECOVERY_WINDOWS)), range(1, len(RECOVERY_WINDOWS)), strict=False):
            assert result.paid_full[narrow] <= result.paid_full[wide]
            assert (result.paid_full[narrow] or result.paid_part[narrow]) <= (
                result.paid_full[wide] or result.paid_part[wide]
            )
        assert not any(full and part for full, part in zip(result.paid_full, result.paid_part, strict=True))
        if result.days_to_first_payment is not None:
            assert 0 <= result.days_to_first_payment <= RECOVERY_WINDOWS[-1]
            assert result.recovered[-1] > 0


@PROPERTIES
@given(CONTACTS, PAYMENTS)
def test_every_owned_payment_within_the_horizon_is_counted_up_to_the_cover(contacts, payments):
    owners = _credit(contacts, payments)
    for source, result in zip(contacts, attribute_recovery(contacts, payments), strict=True):
        expected = sum(
            (
                min(sum((p.amount for p in owners[source.id] if p.line_id == line), D(0)), cover)
                for line, cover in source.covered.items()
            ),
            D(0),
        )
        assert result.recovered[-1] == expected


@PROPERTIES
@given(CONTACTS, PAYMENTS)
def test_the_aggregation_adds_up_its_contacts(contacts, payments):
    results = attribute_recovery(contacts, payments)
    groups = aggregate_recovery((result.contact_id % 2, result) for result in results)
    assert sum(group.contacts for group in groups.values()) == len(results)
    assert sum(group.recovered[-1] for group in groups.values()) == sum(r.recovered[-1] for r in results)
    for group in groups.values():
        assert group.paid_any == tuple(full + part for full, part in zip(group.paid_full, group.paid_part, strict=True))
