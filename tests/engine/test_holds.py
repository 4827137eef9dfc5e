"""One hold model (``engine.holds``): which holds apply to an item, reviews, expiry, and resuming without re-sending."""

import dataclasses
import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import collections_addon.engine as engine
from collections_addon.engine import (
    DEFAULT_HOLD_REVIEW_DAYS,
    HOLD_CODES,
    HOLD_KINDS,
    HOLD_REVIEW_DAYS,
    BusinessCalendar,
    FollowupLevel,
    Hold,
    OpenItem,
    PartnerSituation,
    decide_partner,
    expiring,
    holds_applying,
    item_hold_kind,
    level_due_for_item,
    review_date,
)
from collections_addon.engine.customer_status import HOLD_STATUS
from collections_addon.engine.followup import REASONS
from collections_addon.engine.holds import (
    CUSTOMER_HOLD_KINDS,
    INVOICE_HOLD_KINDS,
    ITEM_HOLD_KINDS,
    REVIEWED_HOLD_KINDS,
)
from tests.engine.conftest import EVERY_DAY, FRI, GOOD_FRIDAY, MON, MON_FRI, PROPERTIES, SAT, SUN, TODAY, TUE

# 9999-12-31 is a Friday: a calendar of weekends only has no business day left in the calendar after it.
WEEKENDS_ONLY = BusinessCalendar(workdays={5, 6})
EASTER_CALENDAR = BusinessCalendar(holidays={GOOD_FRIDAY, GOOD_FRIDAY + timedelta(days=3)})


def item(move_id=10, line_id=None, **values):
    return OpenItem(move_id=move_id, line_id=line_id, due_date=MON, currency="EUR", residual=100.0, **values)


def kinds(holds):
    return [hold.kind for hold in holds]


# ----------------------------------------------------------------------
# Public names and the mapping of today's holds
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Hold", "HOLD_KINDS", "DEFAULT_HOLD_REVIEW_DAYS", "HOLD_REVIEW_DAYS", "holds_applying", "review_date", "expiring"],
)
def test_every_public_name_is_exported_from_the_engine(name):
    assert name in engine.__all__
    assert getattr(engine, name) is not None


def test_every_item_hold_of_today_has_a_kind():
    assert set(ITEM_HOLD_KINDS) == set(HOLD_CODES)
    assert set(ITEM_HOLD_KINDS.values()) <= set(HOLD_KINDS)
    assert set(HOLD_STATUS) == set(ITEM_HOLD_KINDS), "every code naming a status maps onto a kind"


def test_every_customer_hold_of_today_has_a_kind():
    assert set(CUSTOMER_HOLD_KINDS) <= set(REASONS), "keyed by the reasons decide_partner gives"
    assert CUSTOMER_HOLD_KINDS == {"excluded": "exclusion", "paused": "pause"}


def test_kind_groups_are_kinds():
    assert set(INVOICE_HOLD_KINDS) <= set(HOLD_KINDS)
    assert set(REVIEWED_HOLD_KINDS) <= set(HOLD_KINDS)
    assert not set(INVOICE_HOLD_KINDS) & set(REVIEWED_HOLD_KINDS)
    assert "reply" in HOLD_KINDS and "reply" not in INVOICE_HOLD_KINDS
    assert len(set(HOLD_KINDS)) == len(HOLD_KINDS)


@pytest.mark.parametrize(
    ("code", "kind"),
    [("notary", "protest"), ("agreement", "agreement"), ("dispute", "dispute"), ("promise", "promise")],
)
def test_item_hold_kind_reads_the_runs_hold_code(code, kind):
    assert item_hold_kind(item(excluded=True, hold=code)) == kind


def test_item_hold_kind_of_the_no_followup_flag_and_of_a_free_item():
    assert item_hold_kind(item(excluded=True)) == "exclusion"
    assert item_hold_kind(item(excluded=True, hold="no_followup")) == "exclusion"
    assert item_hold_kind(item()) is None


# ----------------------------------------------------------------------
# Hold: input checks
# ----------------------------------------------------------------------


def test_ids_are_any_iterable_and_kept_as_frozensets():
    hold = Hold("dispute", since=MON, move_ids=[10, 10, 11], line_ids=(5,))
    assert hold.move_ids == frozenset({10, 11}) and hold.line_ids == frozenset({5})
    assert not hold.customer_wide
    assert Hold("reply", since=MON).customer_wide


def test_a_hold_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Hold("pause", since=MON).until = TUE


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "holiday"}, "Unknown hold kind"),
        ({"since": datetime(2026, 3, 2, 10)}, "must be a date"),
        ({"since": "2026-03-02"}, "must be a date"),
        ({"until": date(2026, 3, 1)}, "end (2026-03-01) before its start"),
        ({"lifted": date(2026, 3, 1)}, "lifting day (2026-03-01) before its start"),
        ({"until": datetime(2026, 3, 9)}, "must be a date"),
        ({"who": 0}, "user must be a positive id"),
        ({"who": True}, "user must be a positive id"),
        ({"who": "admin"}, "user must be a positive id"),
        ({"reason": None}, "reason must be text"),
        ({"move_ids": "10"}, "must be a set of ids"),
        ({"move_ids": 10}, "must be a set of ids"),
        ({"move_ids": {0}}, "positive whole ids"),
        ({"line_ids": {True}}, "positive whole ids"),
        ({"move_ids": {1.5}}, "positive whole ids"),
    ],
)
def test_a_wrong_hold_is_refused_with_a_clear_message(values, message):
    arguments = {"kind": "pause", "since": MON, **values}
    with pytest.raises(ValueError, match=re.escape(message)):
        Hold(**arguments)


@pytest.mark.parametrize("kind", INVOICE_HOLD_KINDS)
def test_a_record_about_invoices_never_holds_the_whole_customer(kind):
    with pytest.raises(ValueError, match="not a whole customer"):
        Hold(kind, since=MON)
    assert Hold(kind, since=MON, line_ids={3}).line_ids == {3}


@pytest.mark.parametrize("kind", ["exclusion", "pause", "reply"])
def test_hand_made_holds_and_replies_may_hold_the_customer_or_some_invoices(kind):
    assert Hold(kind, since=MON).customer_wide
    assert not Hold(kind, since=MON, move_ids={1}).customer_wide


# ----------------------------------------------------------------------
# holds_applying
# ----------------------------------------------------------------------


def test_a_customer_wide_hold_applies_to_every_item_and_to_the_customer():
    pause = Hold("pause", since=MON, until=TODAY)
    for target in (item(), item(move_id=99, line_id=7), 42, None):
        assert holds_applying([pause], target, TODAY) == (pause,)


def test_an_invoice_hold_applies_to_its_items_only():
    dispute = Hold("dispute", since=MON, move_ids={10})
    assert holds_applying([dispute], item(10), TODAY) == (dispute,)
    assert holds_applying([dispute], item(10, line_id=3), TODAY) == (dispute,), "every instalment of the invoice"
    assert holds_applying([dispute], 10, TODAY) == (dispute,)
    assert holds_applying([dispute], item(11), TODAY) == ()
    assert holds_applying([dispute], None, TODAY) == (), "not a hold of the customer as a whole"


def test_a_line_hold_applies_to_that_instalment_only():
    protest = Hold("protest", since=MON, line_ids={3})
    assert holds_applying([protest], item(10, line_id=3), TODAY) == (protest,)
    assert holds_applying([protest], item(10, line_id=4), TODAY) == ()
    assert holds_applying([protest], 10, TODAY) == (), "an invoice id alone does not say which instalment"


def test_a_hold_applies_from_its_start_to_its_end_date_included():
    pause = Hold("pause", since=TUE, until=FRI)
    assert holds_applying([pause], None, MON) == ()
    assert holds_applying([pause], None, TUE) == (pause,)
    assert holds_applying([pause], None, FRI) == (pause,)
    assert holds_applying([pause], None, SAT) == (), "ended: the run resumes by itself"


def test_a_reply_applies_until_handled():
    reply = Hold("reply", since=MON, reason="Customer replied: I paid yesterday")
    assert holds_applying([reply], item(), TODAY + timedelta(days=400)) == (reply,), "no end date: until handled"
    handled = dataclasses.replace(reply, lifted=TODAY)
    assert holds_applying([handled], item(), TODAY - timedelta(days=1)) == (handled,)
    assert holds_applying([handled], item(), TODAY) == (), "handled today: the run resumes today"


def test_a_reply_with_an_end_date_ends_then_even_unhandled():
    reply = Hold("reply", since=MON, until=FRI)
    assert holds_applying([reply], None, FRI) == (reply,)
    assert holds_applying([reply], None, SAT) == ()


def test_several_holds_come_in_the_order_of_hold_kinds():
    holds = [
        Hold("promise", since=MON, until=TODAY, move_ids={10}),
        Hold("dispute", since=MON, move_ids={10}),
        Hold("reply", since=TUE),
        Hold("exclusion", since=MON, who=2),
        Hold("protest", since=MON, line_ids={3}),
    ]
    assert kinds(holds_applying(holds, item(10, line_id=3), TODAY)) == [
        "exclusion",
        "reply",
        "protest",
        "dispute",
        "promise",
    ]
    assert kinds(holds_applying(iter(holds), None, TODAY)) == ["exclusion", "reply"]


@pytest.mark.parametrize(
    ("target", "message"),
    [(True, "open item, an invoice id"), ("10", "open item, an invoice id"), (0, "positive"), (-3, "positive")],
)
def test_holds_applying_refuses_what_is_not_an_item(target, message):
    with pytest.raises(ValueError, match=message):
        holds_applying([], target, TODAY)


def test_holds_applying_refuses_a_datetime_and_other_values_than_holds():
    with pytest.raises(ValueError, match="today must be a date"):
        holds_applying([], None, datetime(2026, 3, 16, 12))
    with pytest.raises(ValueError, match="Expected Hold values"):
        holds_applying([{"kind": "pause"}], None, TODAY)


# ----------------------------------------------------------------------
# review_date
# ----------------------------------------------------------------------


def test_a_dated_hold_is_reviewed_on_its_end_date_or_the_next_business_day():
    assert review_date(Hold("pause", since=MON, until=FRI), calendar=MON_FRI) == FRI
    assert review_date(Hold("pause", since=MON, until=SAT), calendar=MON_FRI) == SAT + timedelta(days=2)
    assert review_date(Hold("pause", since=MON, until=SUN), calendar=MON_FRI) == SUN + timedelta(days=1)
    assert review_date(Hold("exclusion", since=MON, until=GOOD_FRIDAY), calendar=EASTER_CALENDAR) == date(2026, 4, 7)
    assert review_date(Hold("pause", since=MON, until=SAT)) == SAT, "without a calendar every day counts"


def test_an_exclusion_without_end_date_is_reviewed_every_n_days():
    exclusion = Hold("exclusion", since=MON, who=2, reason="Lawsuit")
    assert review_date(exclusion, 7, MON_FRI) == MON + timedelta(days=7)
    assert review_date(exclusion, 5, MON_FRI) == MON + timedelta(days=7), "a Saturday: the Monday after"
    assert review_date(exclusion, 30, MON_FRI, reviewed=TODAY) == date(2026, 4, 15)
    assert review_date(exclusion, calendar=MON_FRI) == date(2026, 6, 1), "90 days by default"
    assert DEFAULT_HOLD_REVIEW_DAYS == 90


def test_an_open_pause_is_reviewed_like_an_exclusion():
    assert review_date(Hold("pause", since=MON), 14) == MON + timedelta(days=14)


@pytest.mark.parametrize(
    "hold",
    [
        Hold("reply", since=MON),
        Hold("dispute", since=MON, move_ids={1}),
        Hold("agreement", since=MON, move_ids={1}),
        Hold("protest", since=MON, line_ids={1}),
    ],
    ids=lambda hold: hold.kind,
)
def test_holds_ending_with_their_record_have_no_periodic_review(hold):
    assert review_date(hold, 30, MON_FRI) is None


def test_a_lifted_hold_needs_no_review():
    assert review_date(Hold("exclusion", since=MON, lifted=TUE), 30) is None
    assert review_date(Hold("pause", since=MON, until=FRI, lifted=TUE), 30) is None


@pytest.mark.parametrize("days", [0, -1, 366, 2.5, True, "30", None, float("nan")])
def test_the_review_period_is_checked(days):
    with pytest.raises(ValueError, match="days between two reviews of a hold must be 1 to 365"):
        review_date(Hold("exclusion", since=MON), days)


def test_review_date_input_checks():
    exclusion = Hold("exclusion", since=TODAY)
    with pytest.raises(ValueError, match="before it started"):
        review_date(exclusion, 30, reviewed=MON)
    with pytest.raises(ValueError, match="last review must be a date"):
        review_date(exclusion, 30, reviewed=datetime(2026, 3, 20))
    with pytest.raises(ValueError, match="Expected a BusinessCalendar"):
        review_date(exclusion, 30, "MON_FRI")
    with pytest.raises(ValueError, match="Expected a Hold"):
        review_date("exclusion", 30)


def test_a_review_past_the_calendar_is_a_value_error():
    late = Hold("exclusion", since=date(9999, 12, 1))
    with pytest.raises(ValueError, match="falls after 9999"):
        review_date(late, 90)
    with pytest.raises(ValueError, match="No business day follows"):
        review_date(Hold("pause", since=date(9999, 12, 1), until=date(9999, 12, 31)), 90, WEEKENDS_ONLY)


def test_hold_review_days_bound():
    assert (HOLD_REVIEW_DAYS.minimum, HOLD_REVIEW_DAYS.maximum, HOLD_REVIEW_DAYS.whole) == (1, 365, True)


# ----------------------------------------------------------------------
# expiring
# ----------------------------------------------------------------------


def test_expiring_holds_end_today():
    today_end = Hold("pause", since=MON, until=TODAY, who=3)
    yesterday_end = Hold("pause", since=MON, until=TODAY - timedelta(days=1))
    tomorrow_end = Hold("exclusion", since=MON, until=TODAY + timedelta(days=1))
    open_ended = Hold("exclusion", since=MON)
    assert expiring([today_end, yesterday_end, tomorrow_end, open_ended], TODAY) == (today_end,)


def test_on_a_business_day_the_weekends_ends_are_reviewed_too():
    friday, saturday, sunday = (Hold("pause", since=MON, until=day) for day in (FRI, SAT, SUN))
    monday = SUN + timedelta(days=1)
    assert expiring([friday, saturday, sunday], FRI, MON_FRI) == (friday,)
    assert expiring([friday, saturday, sunday], SAT, MON_FRI) == ()
    assert expiring([friday, saturday, sunday], monday, MON_FRI) == (saturday, sunday)


def test_a_hold_lifted_before_its_end_is_not_reviewed():
    lifted = Hold("pause", since=MON, until=FRI, lifted=TUE)
    lifted_on_the_day = Hold("pause", since=MON, until=FRI, lifted=FRI)
    lifted_later = dataclasses.replace(lifted, lifted=None)
    assert expiring([lifted, lifted_on_the_day, lifted_later], FRI) == (lifted_later,)


def test_every_kind_with_an_end_date_expires():
    promise = Hold("promise", since=MON, until=FRI, move_ids={4})
    reply = Hold("reply", since=MON, until=FRI)
    assert expiring([promise, reply], FRI) == (reply, promise)


def test_expiring_input_checks():
    with pytest.raises(ValueError, match="today must be a date"):
        expiring([], "2026-03-16")
    with pytest.raises(ValueError, match="Expected a BusinessCalendar"):
        expiring([], TODAY, {0, 1, 2})
    with pytest.raises(ValueError, match="Expected Hold values"):
        expiring([None], TODAY)


# ----------------------------------------------------------------------
# Resuming never re-sends what was sent
# ----------------------------------------------------------------------

LEVELS = [FollowupLevel(id=1, days=5), FollowupLevel(id=2, days=30), FollowupLevel(id=3, days=60)]
DUE = date(2026, 1, 2)


def run(today, reached_days, holds):
    """What the run decides for one invoice, held by ``holds`` as the run reads them today."""
    held = holds_applying(holds, 10, today)
    invoice = OpenItem(
        move_id=10, due_date=DUE, currency="EUR", residual=100.0, reached_days=reached_days, excluded=bool(held)
    )
    situation = PartnerSituation(partner_id=7)
    return decide_partner(today=today, levels=LEVELS, items=[invoice], situation=situation)


def test_resuming_sends_the_level_reached_once_never_the_missed_ones_nor_the_sent_one():
    dispute = Hold("dispute", since=DUE + timedelta(days=10), move_ids={10}, lifted=date(2026, 3, 16))
    # Level 1 went out on day 5; the dispute held the invoice while days 30 and 60 passed.
    during = run(date(2026, 3, 13), 5, [dispute])
    assert during.action == "none" and during.level is None
    after = run(date(2026, 3, 16), 5, [dispute])
    assert (after.action, after.level.id) == ("contact", 3), "one step: the level the calendar has reached"
    assert run(date(2026, 3, 17), 60, [dispute]).action == "none", "what was sent is not sent again"


def test_resuming_before_a_new_level_sends_nothing():
    reply = Hold("reply", since=DUE + timedelta(days=6), lifted=DUE + timedelta(days=20))
    invoice = OpenItem(move_id=10, due_date=DUE, currency="EUR", residual=100.0, reached_days=5)
    assert level_due_for_item(LEVELS, invoice, DUE + timedelta(days=20)) is None
    assert not holds_applying([reply], 10, DUE + timedelta(days=20))


# ----------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------

DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def holds(draw):
    kind = draw(st.sampled_from(HOLD_KINDS))
    since = draw(DAYS)
    until = draw(st.none() | st.integers(0, 60).map(lambda days: since + timedelta(days=days)))
    lifted = draw(st.none() | st.integers(0, 60).map(lambda days: since + timedelta(days=days)))
    moves = draw(st.frozensets(st.integers(1, 5), max_size=3))
    lines = draw(st.frozensets(st.integers(1, 5), max_size=2))
    if kind in INVOICE_HOLD_KINDS and not moves and not lines:
        moves = frozenset({1})
    return Hold(kind, since=since, until=until, lifted=lifted, move_ids=moves, line_ids=lines)


@PROPERTIES
@given(st.lists(holds(), max_size=6), DAYS, st.integers(1, 6), st.none() | st.integers(1, 6))
def test_a_hold_applies_only_within_its_dates_and_scope(some_holds, today, move_id, line_id):
    target = item(move_id, line_id=line_id)
    applying = holds_applying(some_holds, target, today)
    for hold in applying:
        assert hold.since <= today and (hold.until is None or today <= hold.until)
        assert hold.lifted is None or today < hold.lifted
        assert hold.customer_wide or move_id in hold.move_ids or line_id in hold.line_ids
    assert all(hold.customer_wide for hold in holds_applying(some_holds, None, today))
    assert set(holds_applying(some_holds, None, today)) <= set(applying), "customer-wide holds apply to every item"
    assert [HOLD_KINDS.index(hold.kind) for hold in applying] == sorted(HOLD_KINDS.index(h.kind) for h in applying)


@PROPERTIES
@given(holds(), st.sampled_from([MON_FRI, EVERY_DAY, EASTER_CALENDAR]))
def test_a_dated_hold_expires_on_exactly_one_day_its_review_day(hold, calendar):
    if hold.until is None:
        assert all(not expiring([hold], hold.since + timedelta(days=days), calendar) for days in range(70))
        return
    days = [hold.until + timedelta(days=offset) for offset in range(-3, 10)]
    expired = [day for day in days if expiring([hold], day, calendar)]
    review = calendar.add_business_days(hold.until, 0)
    if hold.lifted is None or hold.lifted > review:
        assert expired == [review]
        assert hold.lifted is not None or review_date(hold, calendar=calendar) == review
    else:
        assert expired == []


@PROPERTIES
@given(holds(), st.integers(1, 365), st.sampled_from([MON_FRI, EASTER_CALENDAR]))
def test_a_review_falls_on_a_business_day_not_before_its_due_day(hold, every, calendar):
    review = review_date(hold, every, calendar)
    if review is None:
        assert hold.lifted is not None or (hold.until is None and hold.kind not in REVIEWED_HOLD_KINDS)
        return
    assert calendar.is_business_day(review)
    target = hold.until if hold.until is not None else hold.since + timedelta(days=every)
    assert target <= review < target + timedelta(days=7)
