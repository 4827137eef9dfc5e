"""Notary protest: legal window, lifecycle steps and eligibility (``engine.protest``).

Reference dates (checked with ``date.weekday()``), all in 2026 unless told otherwise;
Monday to Friday calendar unless told otherwise:

    Thu 02-12  Fri 02-13  Sat 02-14  Sun 02-15  Mon 02-16 (Carnival)  Tue 02-17 (Carnival)  Wed 02-18
    Thu 02-19  Fri 02-20  Mon 02-23
    Mon 03-02  Tue 03-03  Wed 03-04  Thu 03-05  Fri 03-06  Sat 03-07  Sun 03-08
    Mon 03-09  Tue 03-10  Wed 03-11  Thu 03-12  Fri 03-13  Sat 03-14  Mon 03-16  Fri 03-20  Mon 03-23
    Wed 04-01  Fri 04-03 (Good Friday)  Mon 04-13  Tue 04-14
    Fri 04-17  Sat 04-18  Mon 04-20  Tue 04-21 (Tiradentes)  Wed 04-22  Thu 04-23  Fri 04-24
    Fri 05-01 (Labour Day)  Mon 05-04  Tue 05-05  Wed 05-06
    Tue 12-22  Wed 12-23  Thu 12-24  Fri 12-25 (Christmas)  Mon 12-28  Wed 12-30  Thu 12-31
    Fri 2027-01-01 (New Year)  Mon 2027-01-04  Tue 2027-01-05  Wed 2027-01-06
"""

import dataclasses
import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collections_addon.engine as engine
from collections_addon.engine import (
    BOARD_STATES,
    ELIGIBILITY_CODES,
    PROTEST_ACTIONS,
    PROTEST_STATES,
    SEND_MEANS,
    START_EVENTS,
    URGENCY_CODES,
    WINDOW_STATES,
    BusinessCalendar,
    ProtestDates,
    ProtestRule,
    board_folded,
    days_to_settlement,
    deadline_reminder,
    deadline_urgency,
    eligibility_problem,
    protest_deadline,
    release_letter_overdue,
    step_problem,
    target_state,
)
from collections_addon.engine.protest import FINAL_STATES, MAX_WINDOW_DAYS, OPEN_STATES, TRANSITIONS

# No example database: failures are reported with their seed; .hypothesis/ keeps only its git-ignored cache.
PROPERTIES = settings(max_examples=300, deadline=None, database=None)

# --- reference dates ----------------------------------------------------------------------------------------------

MON = date(2026, 3, 2)
TUE = date(2026, 3, 3)
WED = date(2026, 3, 4)
THU = date(2026, 3, 5)
FRI = date(2026, 3, 6)
SAT = date(2026, 3, 7)
SUN = date(2026, 3, 8)
NEXT_MON = date(2026, 3, 9)
NEXT_TUE = date(2026, 3, 10)
NEXT_WED = date(2026, 3, 11)
NEXT_THU = date(2026, 3, 12)
NEXT_FRI = date(2026, 3, 13)
NEXT_SAT = date(2026, 3, 14)
MON_16 = date(2026, 3, 16)
FRI_20 = date(2026, 3, 20)
MON_23 = date(2026, 3, 23)

CARNIVAL_MON = date(2026, 2, 16)
CARNIVAL_TUE = date(2026, 2, 17)
GOOD_FRIDAY = date(2026, 4, 3)
TIRADENTES = date(2026, 4, 21)
LABOUR_DAY = date(2026, 5, 1)
CHRISTMAS = date(2026, 12, 25)
NEW_YEAR = date(2027, 1, 1)

MON_FRI = BusinessCalendar()
MON_SAT = BusinessCalendar(workdays={0, 1, 2, 3, 4, 5})
EVERY_DAY = BusinessCalendar(workdays=range(7))
TUE_THU = BusinessCalendar(workdays={1, 3})
TIRADENTES_CAL = BusinessCalendar(holidays={TIRADENTES})
CARNIVAL_CAL = BusinessCalendar(holidays={CARNIVAL_MON, CARNIVAL_TUE})
YEAR_END_CAL = BusinessCalendar(holidays={CHRISTMAS, NEW_YEAR})

LEGAL = ProtestRule()  # three business days from the protocol
FROM_NOTIFICATION = ProtestRule(start="notification")
CALENDAR_DAYS = ProtestRule(business_days=False)


def test_reference_dates_are_the_weekdays_the_tests_assume():
    week = (MON, TUE, WED, THU, FRI, SAT, SUN, NEXT_MON, NEXT_TUE, NEXT_WED, NEXT_THU, NEXT_FRI, NEXT_SAT)
    assert [d.weekday() for d in week] == [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5]
    assert [MON_16.weekday(), FRI_20.weekday(), MON_23.weekday()] == [0, 4, 0]
    assert [CARNIVAL_MON.weekday(), CARNIVAL_TUE.weekday()] == [0, 1]
    assert GOOD_FRIDAY.weekday() == 4
    assert TIRADENTES.weekday() == 1
    assert LABOUR_DAY.weekday() == 4
    assert CHRISTMAS.weekday() == 4
    assert NEW_YEAR.weekday() == 4
    assert date(2026, 4, 17).weekday() == 4
    assert date(2026, 12, 30).weekday() == 2
    assert date(2027, 1, 6).weekday() == 2


# --- an independent oracle: plain day-by-day counting, no BusinessCalendar ------------------------------------------


def _is_open(day, workdays, holidays):
    return day.weekday() in workdays and day not in holidays


def _nth_business_day_after(start, n, workdays, holidays):
    """The n-th open day strictly after ``start``."""
    day, seen = start, 0
    while seen < n:
        day += timedelta(days=1)
        if _is_open(day, workdays, holidays):
            seen += 1
    return day


def _first_open_on_or_after(day, workdays, holidays):
    while not _is_open(day, workdays, holidays):
        day += timedelta(days=1)
    return day


# ----------------------------------------------------------------------
# Public names and constants
# ----------------------------------------------------------------------

PUBLIC_NAMES = (
    "ELIGIBILITY_CODES",
    "PROTEST_ACTIONS",
    "PROTEST_STATES",
    "SEND_MEANS",
    "START_EVENTS",
    "WINDOW_STATES",
    "ProtestDates",
    "ProtestRule",
    "days_to_settlement",
    "eligibility_problem",
    "protest_deadline",
    "release_letter_overdue",
    "step_problem",
    "target_state",
)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_every_public_name_is_exported_from_the_engine(name):
    assert name in engine.__all__
    assert getattr(engine, name) is not None


# The lifecycle, written out by hand: action -> (states it may start from, state it leads to).
EXPECTED_TRANSITIONS = {
    "send": ({"draft"}, "sent"),
    "protocol": ({"sent"}, "protocolled"),
    "notify": ({"protocolled"}, "notified"),
    "pay": ({"protocolled", "notified"}, "paid"),
    "withdraw": ({"sent", "protocolled", "notified", "suspended"}, "withdrawn"),
    "suspend": ({"protocolled", "notified"}, "suspended"),
    "protest": ({"notified", "suspended"}, "protested"),
    "settle": ({"protested"}, "settled"),
    "cancel": ({"draft", "settled"}, "cancelled"),
}
ALLOWED = [(action, state) for action, (sources, _) in EXPECTED_TRANSITIONS.items() for state in sorted(sources)]
NOT_ALLOWED = [
    (action, state)
    for state, action in itertools.product(PROTEST_STATES, PROTEST_ACTIONS)
    if state not in EXPECTED_TRANSITIONS[action][0]
]


def test_constants():
    assert PROTEST_STATES == (
        "draft",
        "sent",
        "protocolled",
        "notified",
        "paid",
        "withdrawn",
        "suspended",
        "protested",
        "settled",
        "cancelled",
    )
    assert PROTEST_ACTIONS == (
        "send",
        "protocol",
        "notify",
        "pay",
        "withdraw",
        "suspend",
        "protest",
        "settle",
        "cancel",
    )
    assert START_EVENTS == ("protocol", "notification")
    assert SEND_MEANS == ("bank", "center", "in_person")
    assert ELIGIBILITY_CODES == (
        "not_invoice",
        "draft",
        "negotiation",
        "paid",
        "not_due",
        "disputed",
        "promise",
        "open_protest",
    )
    assert MAX_WINDOW_DAYS == 30
    assert {action: (set(sources), target) for action, (sources, target) in TRANSITIONS.items()} == (
        EXPECTED_TRANSITIONS
    )


def test_state_groups_are_consistent():
    states = set(PROTEST_STATES)
    assert len(states) == len(PROTEST_STATES)
    assert set(OPEN_STATES) == {"draft", "sent", "protocolled", "notified", "suspended", "protested", "settled"}
    assert set(FINAL_STATES) == {"paid", "withdrawn", "cancelled"}
    assert set(WINDOW_STATES) == {"sent", "protocolled", "notified"}
    # every state is either open or final, never both
    assert states == OPEN_STATES | FINAL_STATES
    assert not OPEN_STATES & FINAL_STATES
    assert WINDOW_STATES <= OPEN_STATES


def test_transitions_stay_inside_the_lifecycle():
    for sources, target in TRANSITIONS.values():
        assert sources <= set(PROTEST_STATES)
        assert target in PROTEST_STATES
        # nothing leaves a final state
        assert not sources & FINAL_STATES
    # every state but the initial draft is reached by some action
    assert {target for _, target in TRANSITIONS.values()} == set(PROTEST_STATES) - {"draft"}


def test_rule_and_dates_are_frozen_with_documented_defaults():
    assert (LEGAL.start, LEGAL.days, LEGAL.business_days) == ("protocol", 3, True)
    assert ProtestDates() == ProtestDates(None, None, None, None, None, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        LEGAL.days = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        ProtestDates().sent = MON
    # hashable: usable as a cache key
    assert hash(ProtestRule()) == hash(ProtestRule(start="protocol", days=3, business_days=True))


# ----------------------------------------------------------------------
# ProtestRule validation
# ----------------------------------------------------------------------


@pytest.mark.parametrize("start", ["sent", "protest", "", "Protocol", "notified", None])
def test_rule_rejects_an_unknown_start_event(start):
    with pytest.raises(ValueError, match="starts at the protocol or the notification"):
        ProtestRule(start=start)


@pytest.mark.parametrize("days", [0, 31, -1, -3, 100])
def test_rule_rejects_a_window_outside_one_to_thirty_days(days):
    with pytest.raises(ValueError, match=rf"1 to 30 days, got {days}\."):
        ProtestRule(days=days)


@pytest.mark.parametrize("days", [1, 2, 3, 10, 29, 30])
@pytest.mark.parametrize("start", ["protocol", "notification"])
@pytest.mark.parametrize("business_days", [True, False])
def test_rule_accepts_every_valid_combination(start, days, business_days):
    rule = ProtestRule(start=start, days=days, business_days=business_days)
    assert (rule.start, rule.days, rule.business_days) == (start, days, business_days)


# ----------------------------------------------------------------------
# protest_deadline: business days from the protocol
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [
        pytest.param(MON, THU, id="mon-tue-wed-thu"),
        pytest.param(TUE, FRI, id="tue-wed-thu-fri"),
        pytest.param(WED, NEXT_MON, id="wed-thu-fri-mon"),
        pytest.param(THU, NEXT_TUE, id="thu-fri-mon-tue"),
        pytest.param(FRI, NEXT_WED, id="fri-mon-tue-wed"),
        pytest.param(SAT, NEXT_WED, id="sat-mon-tue-wed"),
        pytest.param(SUN, NEXT_WED, id="sun-mon-tue-wed"),
    ],
)
def test_three_business_days_from_the_protocol(protocol, expected):
    assert protest_deadline(LEGAL, MON_FRI, protocol) == expected


def test_the_protocol_day_itself_is_never_counted():
    # Monday is a business day, yet the window is Tue, Wed, Thu -- not Mon, Tue, Wed.
    assert protest_deadline(LEGAL, MON_FRI, MON) != WED
    assert protest_deadline(ProtestRule(days=1), MON_FRI, MON) == TUE
    # even with a seven-day week
    assert protest_deadline(ProtestRule(days=1), EVERY_DAY, SAT) == SUN


@pytest.mark.parametrize(
    ("calendar", "protocol", "expected"),
    [
        # Tiradentes, Tue 04-21: Fri -> Mon 20, (Tue 21), Wed 22, Thu 23
        pytest.param(TIRADENTES_CAL, date(2026, 4, 17), date(2026, 4, 23), id="tiradentes-from-fri"),
        pytest.param(MON_FRI, date(2026, 4, 17), date(2026, 4, 22), id="same-dates-without-the-holiday"),
        pytest.param(TIRADENTES_CAL, date(2026, 4, 20), date(2026, 4, 24), id="tiradentes-from-mon"),
        pytest.param(TIRADENTES_CAL, TIRADENTES, date(2026, 4, 24), id="protocol-on-the-holiday"),
        pytest.param(TIRADENTES_CAL, date(2026, 4, 22), date(2026, 4, 27), id="holiday-before-the-window"),
        # Carnival Mon 02-16 and Tue 02-17, two holidays in a row after a weekend
        pytest.param(CARNIVAL_CAL, date(2026, 2, 13), date(2026, 2, 20), id="carnival-from-fri"),
        pytest.param(CARNIVAL_CAL, date(2026, 2, 12), date(2026, 2, 19), id="carnival-from-thu"),
        pytest.param(CARNIVAL_CAL, date(2026, 2, 14), date(2026, 2, 20), id="carnival-from-sat"),
        pytest.param(CARNIVAL_CAL, CARNIVAL_MON, date(2026, 2, 20), id="carnival-protocol-on-holiday"),
        # Christmas (Fri) and New Year (Fri)
        pytest.param(YEAR_END_CAL, date(2026, 12, 23), date(2026, 12, 29), id="christmas-from-wed"),
        pytest.param(YEAR_END_CAL, date(2026, 12, 24), date(2026, 12, 30), id="christmas-from-thu"),
        pytest.param(YEAR_END_CAL, date(2026, 12, 30), date(2027, 1, 5), id="new-year-from-wed"),
        pytest.param(YEAR_END_CAL, date(2026, 12, 31), date(2027, 1, 6), id="new-year-from-thu"),
    ],
)
def test_holidays_inside_the_window_are_skipped(calendar, protocol, expected):
    assert protest_deadline(LEGAL, calendar, protocol) == expected


def test_several_holidays_in_a_row():
    # Carnival plus Ash Wednesday closed: Fri 02-13 -> Thu 19, Fri 20, Mon 23
    ash = BusinessCalendar(holidays={CARNIVAL_MON, CARNIVAL_TUE, date(2026, 2, 18)})
    assert protest_deadline(LEGAL, ash, date(2026, 2, 13)) == date(2026, 2, 23)
    # a whole week closed (Mon 03-09 .. Fri 03-13): Fri 03-06 -> Mon 16, Tue 17, Wed 18
    closed_week = BusinessCalendar(holidays={NEXT_MON + timedelta(days=i) for i in range(5)})
    assert protest_deadline(LEGAL, closed_week, FRI) == date(2026, 3, 18)
    # the last window day is the first of the holidays: Wed -> Thu, Fri, then Mon 09..Fri 13 closed -> Mon 16
    assert protest_deadline(LEGAL, closed_week, WED) == MON_16


def test_christmas_and_new_year_in_one_window():
    both = BusinessCalendar(holidays={date(2026, 12, 24), CHRISTMAS, date(2026, 12, 31), NEW_YEAR})
    # Wed 12-23 -> (Thu 24, Fri 25) Mon 28, Tue 29, Wed 30
    assert protest_deadline(LEGAL, both, date(2026, 12, 23)) == date(2026, 12, 30)
    # Mon 12-28 -> Tue 29, Wed 30, (Thu 31, Fri 01) Mon 2027-01-04
    assert protest_deadline(LEGAL, both, date(2026, 12, 28)) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("calendar", "protocol", "days", "expected"),
    [
        pytest.param(MON_FRI, MON, 1, TUE, id="1-mon"),
        pytest.param(MON_FRI, FRI, 1, NEXT_MON, id="1-fri-over-weekend"),
        pytest.param(MON_FRI, SAT, 1, NEXT_MON, id="1-sat"),
        pytest.param(TIRADENTES_CAL, date(2026, 4, 20), 1, date(2026, 4, 22), id="1-over-tiradentes"),
        pytest.param(MON_FRI, MON, 10, MON_16, id="10-mon"),
        pytest.param(MON_FRI, FRI, 10, FRI_20, id="10-fri"),
        pytest.param(MON_FRI, SUN, 10, FRI_20, id="10-sun"),
        # Mon 04-20 + 10: Wed 22 .. Thu 30 (7), Fri 01, Mon 04, Tue 05 with Tiradentes only
        pytest.param(TIRADENTES_CAL, date(2026, 4, 20), 10, date(2026, 5, 5), id="10-tiradentes"),
        pytest.param(
            BusinessCalendar(holidays={TIRADENTES, LABOUR_DAY}),
            date(2026, 4, 20),
            10,
            date(2026, 5, 6),
            id="10-tiradentes-and-labour-day",
        ),
        pytest.param(MON_FRI, MON, 30, date(2026, 4, 13), id="30-six-weeks"),
        pytest.param(BusinessCalendar(holidays={GOOD_FRIDAY}), MON, 30, date(2026, 4, 14), id="30-good-friday"),
    ],
)
def test_window_length(calendar, protocol, days, expected):
    assert protest_deadline(ProtestRule(days=days), calendar, protocol) == expected


@pytest.mark.parametrize(
    ("calendar", "protocol", "expected"),
    [
        # Monday to Saturday
        pytest.param(MON_SAT, THU, NEXT_MON, id="mon-sat-thu-fri-sat-mon"),
        pytest.param(MON_SAT, FRI, NEXT_TUE, id="mon-sat-fri-sat-mon-tue"),
        pytest.param(MON_SAT, SAT, NEXT_WED, id="mon-sat-sat-mon-tue-wed"),
        pytest.param(MON_SAT, SUN, NEXT_WED, id="mon-sat-sun"),
        pytest.param(MON_SAT, WED, SAT, id="mon-sat-wed-thu-fri-sat"),
        # every day of the week
        pytest.param(EVERY_DAY, FRI, NEXT_MON, id="every-day-fri"),
        pytest.param(EVERY_DAY, WED, SAT, id="every-day-wed"),
        # only Tuesdays and Thursdays
        pytest.param(TUE_THU, MON, NEXT_TUE, id="tue-thu-from-mon"),
        pytest.param(TUE_THU, TUE, NEXT_THU, id="tue-thu-from-tue"),
    ],
)
def test_custom_weekday_calendars(calendar, protocol, expected):
    assert protest_deadline(LEGAL, calendar, protocol) == expected


def test_mon_sat_calendar_with_a_saturday_holiday():
    cal = BusinessCalendar(workdays={0, 1, 2, 3, 4, 5}, holidays={SAT})
    # Thu -> Fri, (Sat), Mon, Tue
    assert protest_deadline(LEGAL, cal, THU) == NEXT_TUE


def test_no_protocol_date_means_no_deadline():
    assert protest_deadline(LEGAL, MON_FRI, None) is None
    # a notification without a protocol does not start a protocol-based window
    assert protest_deadline(LEGAL, MON_FRI, None, notification_date=WED) is None
    assert protest_deadline(CALENDAR_DAYS, MON_FRI, None) is None


def test_protocol_rule_ignores_the_notification_date():
    assert protest_deadline(LEGAL, MON_FRI, MON, notification_date=NEXT_WED) == THU
    assert protest_deadline(LEGAL, MON_FRI, MON, notification_date=None) == THU


# ----------------------------------------------------------------------
# protest_deadline: counted from the notification
# ----------------------------------------------------------------------


def test_notification_rule_has_no_deadline_until_the_notification():
    assert protest_deadline(FROM_NOTIFICATION, MON_FRI, MON) is None
    assert protest_deadline(FROM_NOTIFICATION, MON_FRI, MON, notification_date=None) is None
    assert protest_deadline(FROM_NOTIFICATION, MON_FRI, None) is None


@pytest.mark.parametrize("protocol", [MON, TUE, WED, date(2026, 2, 2), None])
def test_notification_rule_counts_from_the_notification_and_ignores_the_protocol(protocol):
    # notified Wed 03-04: Thu, Fri, Mon 03-09
    assert protest_deadline(FROM_NOTIFICATION, MON_FRI, protocol, notification_date=WED) == NEXT_MON
    # notified Fri 03-06: Mon, Tue, Wed 03-11
    assert protest_deadline(FROM_NOTIFICATION, MON_FRI, protocol, notification_date=FRI) == NEXT_WED


def test_notification_rule_with_holidays():
    rule = ProtestRule(start="notification")
    # notified Fri 04-17, Tiradentes Tue 04-21: Mon 20, Wed 22, Thu 23
    assert protest_deadline(rule, TIRADENTES_CAL, date(2026, 4, 15), notification_date=date(2026, 4, 17)) == date(
        2026, 4, 23
    )


def test_notification_rule_with_calendar_days():
    rule = ProtestRule(start="notification", business_days=False)
    # notified Wed 03-04 + 3 = Sat 03-07 -> Mon 03-09, protocol (Mon 03-02) plays no part
    assert protest_deadline(rule, MON_FRI, MON, notification_date=WED) == NEXT_MON
    # notified Mon 03-02 + 3 = Thu 03-05, a business day
    assert protest_deadline(rule, MON_FRI, date(2026, 2, 27), notification_date=MON) == THU


# ----------------------------------------------------------------------
# protest_deadline: calendar days
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "start", "days", "expected"),
    [
        pytest.param(MON_FRI, WED, 3, NEXT_MON, id="wed+3-is-sat-moves-to-mon"),
        pytest.param(MON_FRI, THU, 3, NEXT_MON, id="thu+3-is-sun-moves-to-mon"),
        pytest.param(MON_FRI, MON, 3, THU, id="mon+3-is-thu-unchanged"),
        pytest.param(MON_FRI, FRI, 3, NEXT_MON, id="fri+3-is-mon-unchanged"),
        pytest.param(MON_FRI, SAT, 3, NEXT_TUE, id="sat+3-is-tue"),
        pytest.param(MON_FRI, FRI, 1, NEXT_MON, id="fri+1-is-sat-moves-to-mon"),
        pytest.param(MON_FRI, WED, 10, MON_16, id="wed+10-is-sat-moves-to-mon"),
        pytest.param(MON_FRI, MON, 30, date(2026, 4, 1), id="mon+30-is-wed"),
        # lands on a holiday
        pytest.param(TIRADENTES_CAL, date(2026, 4, 18), 3, date(2026, 4, 22), id="lands-on-tiradentes"),
        pytest.param(CARNIVAL_CAL, date(2026, 2, 13), 3, date(2026, 2, 18), id="lands-on-carnival-monday"),
        pytest.param(CARNIVAL_CAL, date(2026, 2, 11), 3, date(2026, 2, 18), id="sat-then-two-holidays"),
        pytest.param(YEAR_END_CAL, date(2026, 12, 22), 3, date(2026, 12, 28), id="lands-on-christmas"),
        # a holiday inside the window counts like any calendar day
        pytest.param(TIRADENTES_CAL, date(2026, 4, 20), 3, date(2026, 4, 23), id="holiday-inside-counts"),
        pytest.param(TIRADENTES_CAL, date(2026, 4, 17), 3, date(2026, 4, 20), id="lands-on-business-day"),
        # the calendar decides only where the last day may fall
        pytest.param(MON_SAT, WED, 3, SAT, id="mon-sat-lands-on-sat"),
        pytest.param(MON_SAT, THU, 3, NEXT_MON, id="mon-sat-lands-on-sun"),
        pytest.param(EVERY_DAY, THU, 3, SUN, id="every-day-lands-on-sun"),
        pytest.param(TUE_THU, MON, 3, THU, id="tue-thu-lands-on-thu"),
        pytest.param(TUE_THU, WED, 3, NEXT_TUE, id="tue-thu-lands-on-sat"),
    ],
)
def test_calendar_days(calendar, start, days, expected):
    rule = ProtestRule(days=days, business_days=False)
    assert protest_deadline(rule, calendar, start) == expected


def test_calendar_and_business_days_differ_only_when_they_should():
    # Mon + 3: Thu either way
    assert protest_deadline(CALENDAR_DAYS, MON_FRI, MON) == protest_deadline(LEGAL, MON_FRI, MON) == THU
    # Wed + 3 calendar days = Sat -> Mon, three business days = Thu, Fri, Mon: same Monday
    assert protest_deadline(CALENDAR_DAYS, MON_FRI, WED) == NEXT_MON
    # Thu: calendar Sun -> Mon; business Fri, Mon, Tue
    assert protest_deadline(CALENDAR_DAYS, MON_FRI, THU) == NEXT_MON
    assert protest_deadline(LEGAL, MON_FRI, THU) == NEXT_TUE


# ----------------------------------------------------------------------
# protest_deadline: properties
# ----------------------------------------------------------------------


@st.composite
def windows(draw, business_days=None):
    """A rule, a calendar with holidays near the start, the start date and the calendar's weekdays and holidays."""
    start = draw(st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 1, 31)))
    workdays = draw(st.sets(st.integers(0, 6), min_size=1))
    holidays = frozenset(start + timedelta(days=o) for o in draw(st.sets(st.integers(-3, 70), max_size=25)))
    if business_days is None:
        business_days = draw(st.booleans())
    rule = ProtestRule(
        start=draw(st.sampled_from(START_EVENTS)),
        days=draw(st.integers(1, MAX_WINDOW_DAYS)),
        business_days=business_days,
    )
    return rule, BusinessCalendar(workdays=workdays, holidays=holidays), start, workdays, holidays


def _deadline_from(rule, calendar, start, other):
    """The deadline with ``start`` as the event the rule counts from and ``other`` as the other date."""
    if rule.start == "protocol":
        return protest_deadline(rule, calendar, start, notification_date=other)
    return protest_deadline(rule, calendar, other, notification_date=start)


@PROPERTIES
@given(windows(), st.none() | st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)))
def test_the_deadline_is_always_a_business_day_after_the_start(window, other):
    rule, calendar, start, workdays, holidays = window
    deadline = _deadline_from(rule, calendar, start, other)
    assert deadline > start
    assert _is_open(deadline, workdays, holidays)
    assert calendar.is_business_day(deadline)


@PROPERTIES
@given(windows(business_days=True))
def test_business_day_window_holds_exactly_days_business_days(window):
    rule, calendar, start, workdays, holidays = window
    deadline = _deadline_from(rule, calendar, start, None)
    assert calendar.business_days_between(start, deadline) == rule.days
    # and not one day longer: the day before the deadline still misses one business day
    assert calendar.business_days_between(start, deadline - timedelta(days=1)) == rule.days - 1
    assert deadline == _nth_business_day_after(start, rule.days, workdays, holidays)


@PROPERTIES
@given(windows(business_days=False))
def test_calendar_day_window_is_the_first_business_day_from_start_plus_days(window):
    rule, calendar, start, workdays, holidays = window
    deadline = _deadline_from(rule, calendar, start, None)
    nominal = start + timedelta(days=rule.days)
    assert deadline >= nominal
    assert _is_open(deadline, workdays, holidays)
    # no business day between the nominal end and the deadline
    day = nominal
    while day < deadline:
        assert not _is_open(day, workdays, holidays)
        day += timedelta(days=1)
    assert deadline == _first_open_on_or_after(nominal, workdays, holidays)


@PROPERTIES
@given(windows(), st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)))
def test_only_the_date_the_rule_counts_from_matters(window, other):
    rule, calendar, start, _, _ = window
    assert _deadline_from(rule, calendar, start, other) == _deadline_from(rule, calendar, start, None)
    # without the start event there is no deadline, whatever the other date
    assert _deadline_from(rule, calendar, None, other) is None


@PROPERTIES
@given(windows(), st.integers(1, 10))
def test_a_later_start_or_a_longer_window_never_gives_an_earlier_deadline(window, shift):
    rule, calendar, start, _, _ = window
    deadline = _deadline_from(rule, calendar, start, None)
    assert _deadline_from(rule, calendar, start + timedelta(days=shift), None) >= deadline
    if rule.days < MAX_WINDOW_DAYS:
        longer = dataclasses.replace(rule, days=rule.days + 1)
        later = _deadline_from(longer, calendar, start, None)
        if rule.business_days:
            assert later > deadline
        else:
            assert later >= deadline


@PROPERTIES
@given(windows(business_days=True))
def test_business_days_window_is_never_shorter_than_calendar_days(window):
    rule, calendar, start, _, _ = window
    calendar_rule = dataclasses.replace(rule, business_days=False)
    assert _deadline_from(rule, calendar, start, None) >= _deadline_from(calendar_rule, calendar, start, None)


# ----------------------------------------------------------------------
# eligibility_problem
# ----------------------------------------------------------------------

TODAY = date(2026, 3, 10)
ELIGIBLE = {
    "is_customer_invoice": True,
    "posted": True,
    "residual": 100.0,
    "due_date": date(2026, 3, 9),
    "today": TODAY,
}
# One argument change that makes each code apply, in the documented order.
BREAKERS = {
    "not_invoice": {"is_customer_invoice": False},
    "draft": {"posted": False},
    "negotiation": {"negotiating": True},
    "paid": {"residual": 0.0},
    "not_due": {"due_date": TODAY},
    "disputed": {"disputed": True},
    "promise": {"promised": True},
    "open_protest": {"open_protest": True},
}


def test_breakers_cover_every_code():
    assert tuple(BREAKERS) == ELIGIBILITY_CODES


def test_an_overdue_posted_customer_invoice_is_eligible():
    assert eligibility_problem(**ELIGIBLE) is None
    assert (
        eligibility_problem(**ELIGIBLE, disputed=False, negotiating=False, promised=False, open_protest=False) is None
    )


@pytest.mark.parametrize("code", ELIGIBILITY_CODES)
def test_each_code_is_reachable_on_its_own(code):
    assert eligibility_problem(**{**ELIGIBLE, **BREAKERS[code]}) == code


@pytest.mark.parametrize("index", range(len(ELIGIBILITY_CODES)))
def test_a_code_wins_over_every_code_listed_after_it(index):
    kwargs = dict(ELIGIBLE)
    for code in ELIGIBILITY_CODES[index:]:
        kwargs.update(BREAKERS[code])
    assert eligibility_problem(**kwargs) == ELIGIBILITY_CODES[index]


@PROPERTIES
@given(st.sets(st.sampled_from(ELIGIBILITY_CODES)))
def test_the_first_applicable_code_in_order_is_reported(codes):
    kwargs = dict(ELIGIBLE)
    for code in codes:
        kwargs.update(BREAKERS[code])
    expected = next((code for code in ELIGIBILITY_CODES if code in codes), None)
    assert eligibility_problem(**kwargs) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"posted": False, "due_date": date(2026, 4, 1)}, "draft", id="draft-and-not-due"),
        pytest.param({"is_customer_invoice": False, "posted": False}, "not_invoice", id="vendor-bill-draft"),
        pytest.param({"residual": 0.0, "due_date": None}, "paid", id="paid-without-due-date"),
        pytest.param({"residual": 0.0}, "paid", id="residual-zero"),
        pytest.param({"residual": -0.01}, "paid", id="residual-negative"),
        pytest.param({"residual": -500.0}, "paid", id="credit-balance"),
        pytest.param({"residual": 0.01}, None, id="one-cent-left"),
        pytest.param({"due_date": TODAY}, "not_due", id="due-today"),
        pytest.param({"due_date": TODAY + timedelta(days=1)}, "not_due", id="due-tomorrow"),
        pytest.param({"due_date": None}, "not_due", id="no-due-date"),
        pytest.param({"due_date": TODAY - timedelta(days=1)}, None, id="due-yesterday"),
        pytest.param({"due_date": date(2025, 1, 1)}, None, id="long-overdue"),
        pytest.param({"due_date": None, "disputed": True}, "not_due", id="no-due-date-before-dispute"),
        pytest.param({"disputed": True, "open_protest": True}, "disputed", id="disputed-and-protested"),
        pytest.param({"negotiating": True, "promised": True}, "negotiation", id="negotiation-before-promise"),
        pytest.param({"promised": True, "open_protest": True}, "promise", id="promise-before-open-protest"),
    ],
)
def test_eligibility_examples(changes, expected):
    assert eligibility_problem(**{**ELIGIBLE, **changes}) == expected


def test_eligibility_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        eligibility_problem(True, True, 100.0, date(2026, 3, 9), TODAY)  # type: ignore[misc]


# ----------------------------------------------------------------------
# step_problem
# ----------------------------------------------------------------------

# One protest's history: sent Mon 03-02, protocolled Tue 03-03 (window Wed, Thu, Fri -> deadline Fri 03-06),
# notified Wed 03-04, protested Mon 03-09, settled Fri 03-13, release letter Mon 03-16; today Fri 03-20.
SENT, PROTOCOL, NOTIFICATION, DEADLINE = MON, TUE, WED, FRI
PROTEST, SETTLEMENT, RELEASE = NEXT_MON, NEXT_FRI, MON_16
STEP_TODAY = FRI_20

STATE_DATES = {
    "draft": ProtestDates(),
    "sent": ProtestDates(sent=SENT),
    "protocolled": ProtestDates(sent=SENT, protocol=PROTOCOL),
    "notified": ProtestDates(sent=SENT, protocol=PROTOCOL, notification=NOTIFICATION),
    "suspended": ProtestDates(sent=SENT, protocol=PROTOCOL, notification=NOTIFICATION),
    "protested": ProtestDates(sent=SENT, protocol=PROTOCOL, notification=NOTIFICATION, protest=PROTEST),
    "settled": ProtestDates(
        sent=SENT,
        protocol=PROTOCOL,
        notification=NOTIFICATION,
        protest=PROTEST,
        settlement=SETTLEMENT,
        release_letter=RELEASE,
    ),
}
STATE_DEADLINE = {state: None if state in {"draft", "sent"} else DEADLINE for state in STATE_DATES}
# A date for each step that agrees with the history above.
ACTION_DATE = {
    "send": SENT,
    "protocol": PROTOCOL,
    "notify": NOTIFICATION,
    "pay": THU,
    "withdraw": THU,
    "suspend": THU,
    "protest": PROTEST,
    "settle": SETTLEMENT,
    "cancel": RELEASE,
}


def test_the_step_history_matches_the_legal_deadline():
    assert protest_deadline(LEGAL, MON_FRI, PROTOCOL) == DEADLINE


def _step(action, state, when, **changes):
    kwargs = {
        "today": STEP_TODAY,
        "dates": STATE_DATES.get(state, ProtestDates()),
        "deadline": STATE_DEADLINE.get(state),
    }
    kwargs.update(changes)
    return step_problem(action, state, when, **kwargs)


@pytest.mark.parametrize(("action", "state"), ALLOWED, ids=[f"{a}-from-{s}" for a, s in ALLOWED])
def test_every_allowed_transition_with_consistent_dates_is_accepted(action, state):
    assert _step(action, state, ACTION_DATE[action]) is None
    # dated today is fine too
    assert _step(action, state, STEP_TODAY, deadline=None if action == "withdraw" else STATE_DEADLINE[state]) is None


@pytest.mark.parametrize(("action", "state"), NOT_ALLOWED, ids=[f"{a}-from-{s}" for a, s in NOT_ALLOWED])
def test_every_other_action_and_state_pair_is_refused_for_its_state(action, state):
    assert state not in TRANSITIONS[action][0]
    # the state is checked first: a missing or future date does not hide it
    assert step_problem(action, state, MON, today=STEP_TODAY, dates=ProtestDates()) == "state"
    assert step_problem(action, state, None, today=STEP_TODAY, dates=ProtestDates()) == "state"
    assert step_problem(action, state, date(2027, 1, 1), today=STEP_TODAY, dates=ProtestDates()) == "state"


def test_allowed_and_not_allowed_cover_the_whole_grid():
    assert len(ALLOWED) + len(NOT_ALLOWED) == len(PROTEST_STATES) * len(PROTEST_ACTIONS)
    assert len(ALLOWED) == 16


def test_an_unknown_state_is_refused_for_its_state():
    assert step_problem("send", "archived", MON, today=STEP_TODAY, dates=ProtestDates()) == "state"


@pytest.mark.parametrize("action", ["", "Send", "register", "paid", None])
def test_an_unknown_action_raises(action):
    with pytest.raises(ValueError, match="Unknown protest step"):
        step_problem(action, "draft", MON, today=STEP_TODAY, dates=ProtestDates())


def test_an_unknown_action_raises_whatever_the_state():
    with pytest.raises(ValueError, match=r"'approve'.*send, protocol, notify"):
        step_problem("approve", "nowhere", None, today=STEP_TODAY, dates=ProtestDates())


DATED = [pair for pair in ALLOWED if pair != ("cancel", "draft")]


@pytest.mark.parametrize(("action", "state"), DATED, ids=[f"{a}-from-{s}" for a, s in DATED])
def test_a_step_needs_a_date(action, state):
    assert _step(action, state, None) == "missing"


@pytest.mark.parametrize(("action", "state"), DATED, ids=[f"{a}-from-{s}" for a, s in DATED])
def test_a_step_cannot_be_dated_in_the_future(action, state):
    assert _step(action, state, STEP_TODAY + timedelta(days=1)) == "future"
    assert _step(action, state, date(2027, 3, 1)) == "future"


def test_cancelling_a_draft_needs_no_date():
    assert step_problem("cancel", "draft", None, today=STEP_TODAY, dates=ProtestDates()) is None
    # nor does any date matter
    assert step_problem("cancel", "draft", date(2030, 1, 1), today=STEP_TODAY, dates=ProtestDates()) is None


@pytest.mark.parametrize(
    ("action", "state", "when", "dates", "expected"),
    [
        pytest.param("protocol", "sent", FRI - timedelta(days=5), ProtestDates(sent=MON), "before_sent", id="protocol"),
        pytest.param("withdraw", "sent", date(2026, 2, 27), ProtestDates(sent=MON), "before_sent", id="withdraw"),
        pytest.param("notify", "protocolled", MON, STATE_DATES["protocolled"], "before_protocol", id="notify"),
        pytest.param("pay", "protocolled", MON, STATE_DATES["protocolled"], "before_protocol", id="pay"),
        pytest.param("pay", "notified", MON, STATE_DATES["notified"], "before_protocol", id="pay-notified"),
        pytest.param("suspend", "notified", MON, STATE_DATES["notified"], "before_protocol", id="suspend"),
        pytest.param("protest", "notified", MON, STATE_DATES["notified"], "before_protocol", id="protest"),
        pytest.param(
            "protest",
            "notified",
            NEXT_MON,
            ProtestDates(protocol=TUE, notification=NEXT_TUE),
            "before_notification",
            id="protest-before-late-notification",
        ),
        pytest.param("settle", "protested", FRI, STATE_DATES["protested"], "before_protest", id="settle"),
        pytest.param("cancel", "settled", NEXT_THU, STATE_DATES["settled"], "before_settlement", id="cancel"),
    ],
)
def test_a_step_cannot_come_before_the_fact_it_builds_on(action, state, when, dates, expected):
    assert step_problem(action, state, when, today=STEP_TODAY, dates=dates, deadline=DEADLINE) == expected


@pytest.mark.parametrize(
    ("action", "state", "field"),
    [
        ("protocol", "sent", "sent"),
        ("withdraw", "sent", "sent"),
        ("notify", "protocolled", "protocol"),
        ("pay", "notified", "protocol"),
        ("suspend", "protocolled", "protocol"),
        ("settle", "protested", "protest"),
        ("cancel", "settled", "settlement"),
    ],
)
def test_a_step_on_the_same_day_as_the_fact_it_builds_on_is_fine(action, state, field):
    day = NEXT_TUE
    dates = dataclasses.replace(ProtestDates(release_letter=day), **{field: day})
    assert step_problem(action, state, day, today=STEP_TODAY, dates=dates) is None
    assert step_problem(action, state, day - timedelta(days=1), today=STEP_TODAY, dates=dates) is not None


def test_a_step_without_the_earlier_date_is_not_checked_against_it():
    # nothing recorded yet: nothing to be before
    assert step_problem("protocol", "sent", MON, today=STEP_TODAY, dates=ProtestDates()) is None
    assert step_problem("settle", "protested", MON, today=STEP_TODAY, dates=ProtestDates()) is None
    assert step_problem("protest", "notified", MON, today=STEP_TODAY, dates=ProtestDates()) is None


def test_protest_checks_protocol_then_notification_then_deadline():
    dates = ProtestDates(protocol=NEXT_TUE, notification=NEXT_THU)
    # before all three
    assert step_problem("protest", "notified", MON, today=STEP_TODAY, dates=dates, deadline=FRI_20) == (
        "before_protocol"
    )
    # after the protocol, before the notification and the deadline
    assert step_problem("protest", "notified", NEXT_WED, today=STEP_TODAY, dates=dates, deadline=FRI_20) == (
        "before_notification"
    )
    # after both, before the deadline
    assert step_problem("protest", "notified", NEXT_FRI, today=STEP_TODAY, dates=dates, deadline=FRI_20) == (
        "before_deadline"
    )


@pytest.mark.parametrize("state", ["notified", "suspended"])
def test_protest_only_from_the_last_day_of_the_window(state):
    dates = STATE_DATES[state]
    # deadline Fri 03-06
    assert _step("protest", state, THU, dates=dates) == "before_deadline"
    assert _step("protest", state, WED, dates=dates) == "before_deadline"
    assert _step("protest", state, DEADLINE, dates=dates) is None
    assert _step("protest", state, NEXT_MON, dates=dates) is None
    # no deadline known: not checked
    assert _step("protest", state, THU, dates=dates, deadline=None) is None


@pytest.mark.parametrize("state", ["sent", "protocolled", "notified"])
def test_withdrawal_is_allowed_until_the_deadline_only(state):
    assert _step("withdraw", state, THU, deadline=DEADLINE) is None
    assert _step("withdraw", state, DEADLINE, deadline=DEADLINE) is None
    assert _step("withdraw", state, SAT, deadline=DEADLINE) == "window_closed"
    assert _step("withdraw", state, NEXT_MON, deadline=DEADLINE) == "window_closed"
    # no deadline yet (a notification-based window before the notification): no window to close
    assert _step("withdraw", state, NEXT_MON, deadline=None) is None


def test_withdrawal_from_suspension_is_allowed_after_the_deadline():
    assert _step("withdraw", "suspended", NEXT_MON, deadline=DEADLINE) is None
    assert _step("withdraw", "suspended", STEP_TODAY, deadline=DEADLINE) is None
    assert _step("withdraw", "suspended", DEADLINE, deadline=DEADLINE) is None


def test_a_late_withdrawal_is_refused_for_its_date_before_its_window():
    # dated before it was sent: the earlier-fact check comes first
    assert step_problem("withdraw", "sent", date(2026, 2, 27), today=STEP_TODAY, dates=ProtestDates(sent=MON)) == (
        "before_sent"
    )
    # in the future: 'future' comes before 'window_closed'
    assert _step("withdraw", "notified", STEP_TODAY + timedelta(days=1), deadline=DEADLINE) == "future"


def test_module_example_withdrawal_the_day_after_the_deadline():
    dates = ProtestDates(sent=date(2026, 4, 16), protocol=date(2026, 4, 17))
    deadline = protest_deadline(LEGAL, TIRADENTES_CAL, date(2026, 4, 17))
    assert deadline == date(2026, 4, 23)
    kwargs = {"today": date(2026, 4, 24), "dates": dates, "deadline": deadline}
    assert step_problem("withdraw", "notified", date(2026, 4, 23), **kwargs) is None
    assert step_problem("withdraw", "notified", date(2026, 4, 24), **kwargs) == "window_closed"


def test_pay_and_suspend_are_not_bound_by_the_window():
    assert _step("pay", "notified", NEXT_MON, deadline=DEADLINE) is None
    assert _step("suspend", "notified", NEXT_MON, deadline=DEADLINE) is None


def test_cancelling_a_settled_protest_needs_the_release_letter():
    no_letter = dataclasses.replace(STATE_DATES["settled"], release_letter=None)
    assert _step("cancel", "settled", RELEASE, dates=no_letter) == "no_release_letter"
    assert _step("cancel", "settled", SETTLEMENT, dates=no_letter) == "no_release_letter"
    # dated before the settlement: that is reported first
    assert _step("cancel", "settled", NEXT_THU, dates=no_letter) == "before_settlement"
    # with the letter, not before it
    assert _step("cancel", "settled", RELEASE) is None
    assert _step("cancel", "settled", SETTLEMENT) == "before_release_letter"
    # still a date and not a future one
    assert _step("cancel", "settled", None, dates=no_letter) == "missing"
    assert _step("cancel", "settled", STEP_TODAY + timedelta(days=1), dates=no_letter) == "future"


def test_step_arguments_after_the_date_are_keyword_only():
    with pytest.raises(TypeError):
        step_problem("send", "draft", MON, STEP_TODAY, ProtestDates())  # type: ignore[misc]


# ----------------------------------------------------------------------
# target_state
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("send", "sent"),
        ("protocol", "protocolled"),
        ("notify", "notified"),
        ("pay", "paid"),
        ("withdraw", "withdrawn"),
        ("suspend", "suspended"),
        ("protest", "protested"),
        ("settle", "settled"),
        ("cancel", "cancelled"),
    ],
)
def test_target_state(action, expected):
    assert target_state(action) == expected
    assert expected in PROTEST_STATES


def test_target_state_of_an_unknown_action_raises():
    with pytest.raises((KeyError, ValueError)):
        target_state("approve")


def test_final_targets_are_final_states():
    assert {target_state(a) for a in ("pay", "withdraw", "cancel")} == FINAL_STATES
    assert {target_state(a) for a in ("send", "protocol", "notify")} == WINDOW_STATES


# ----------------------------------------------------------------------
# release_letter_overdue
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settlement", "issued", "days", "today", "expected"),
    [
        pytest.param(MON, False, 5, FRI, False, id="day-4-of-5"),
        pytest.param(MON, False, 5, SAT, True, id="day-5-of-5"),
        pytest.param(MON, False, 5, SUN, True, id="day-6-of-5"),
        pytest.param(MON, False, 5, date(2026, 6, 1), True, id="months-later"),
        pytest.param(MON, False, 5, date(2026, 2, 27), False, id="today-before-settlement"),
        pytest.param(MON, False, 0, MON, True, id="zero-days-same-day"),
        pytest.param(MON, False, 0, date(2026, 3, 1), False, id="zero-days-day-before"),
        pytest.param(MON, False, 1, MON, False, id="one-day-same-day"),
        pytest.param(MON, False, 1, TUE, True, id="one-day-next-day"),
        pytest.param(date(2026, 12, 28), False, 5, date(2027, 1, 1), False, id="year-end-day-4"),
        pytest.param(date(2026, 12, 28), False, 5, date(2027, 1, 2), True, id="year-end-day-5"),
        # already issued: never overdue
        pytest.param(MON, True, 5, SAT, False, id="issued"),
        pytest.param(MON, True, 0, date(2027, 1, 1), False, id="issued-long-ago"),
        # no settlement yet: nothing to wait for
        pytest.param(None, False, 5, SAT, False, id="no-settlement"),
        pytest.param(None, False, 0, SAT, False, id="no-settlement-zero-days"),
        pytest.param(None, True, 5, SAT, False, id="no-settlement-issued"),
        # negative days count as zero
        pytest.param(MON, False, -3, MON, True, id="negative-same-day"),
        pytest.param(MON, False, -3, date(2026, 2, 27), False, id="negative-before-settlement"),
        pytest.param(MON, False, -1, date(2026, 3, 1), False, id="negative-day-before"),
    ],
)
def test_release_letter_overdue(settlement, issued, days, today, expected):
    assert release_letter_overdue(settlement, issued, days, today) is expected


@PROPERTIES
@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    st.integers(-10, 60),
    st.integers(-30, 120),
)
def test_release_letter_overdue_from_the_day_count(settlement, days, elapsed):
    today = settlement + timedelta(days=elapsed)
    assert release_letter_overdue(settlement, False, days, today) is (elapsed >= max(days, 0))
    assert release_letter_overdue(settlement, True, days, today) is False
    assert release_letter_overdue(None, False, days, today) is False


# ----------------------------------------------------------------------
# days_to_settlement
# ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("protest", "settlement", "expected"),
    [
        pytest.param(None, None, None, id="neither"),
        pytest.param(None, MON, None, id="no-protest"),
        pytest.param(MON, None, None, id="not-settled"),
        pytest.param(MON, MON, 0, id="same-day"),
        pytest.param(MON, TUE, 1, id="next-day"),
        pytest.param(MON, FRI_20, 18, id="docstring"),
        pytest.param(date(2026, 12, 28), date(2027, 1, 4), 7, id="over-new-year"),
        pytest.param(date(2026, 2, 28), date(2026, 3, 1), 1, id="february-2026"),
        pytest.param(date(2028, 2, 28), date(2028, 3, 1), 2, id="leap-february"),
        pytest.param(date(2026, 1, 1), date(2027, 1, 1), 365, id="a-year"),
        pytest.param(TUE, MON, 0, id="settled-before-protest"),
        pytest.param(MON, date(2025, 3, 2), 0, id="settled-a-year-before"),
    ],
)
def test_days_to_settlement(protest, settlement, expected):
    result = days_to_settlement(protest, settlement)
    assert result == expected
    if expected is not None:
        assert type(result) is int


@PROPERTIES
@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    st.integers(-400, 400),
)
def test_days_to_settlement_counts_calendar_days_and_is_never_negative(protest, offset):
    result = days_to_settlement(protest, protest + timedelta(days=offset))
    assert result == max(offset, 0)


@pytest.mark.parametrize("days", [2.5, True, "3"], ids=["float", "bool", "str"])
def test_rule_days_must_be_a_whole_number(days):
    with pytest.raises(ValueError, match="whole number"):
        ProtestRule(days=days)


def test_target_state_of_an_unknown_step_names_the_steps():
    with pytest.raises(ValueError, match="Unknown protest step"):
        target_state("archive")


# ---------------------------------------------------------------------------
# deadline_reminder
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "reminded", "expected"),
    [
        pytest.param(date(2026, 3, 10), None, None, id="before-the-last-day"),
        pytest.param(date(2026, 3, 11), None, "last_day", id="last-day"),
        pytest.param(date(2026, 3, 11), date(2026, 3, 11), None, id="last-day-already-told"),
        pytest.param(date(2026, 3, 11), date(2026, 3, 5), "last_day", id="told-for-an-earlier-deadline"),
        pytest.param(date(2026, 3, 12), date(2026, 3, 11), "outcome", id="day-after"),
        pytest.param(date(2026, 3, 16), None, "outcome", id="missed-the-last-day"),
        pytest.param(date(2026, 3, 13), date(2026, 3, 12), None, id="outcome-already-asked"),
    ],
)
def test_deadline_reminder_gives_one_task_on_the_last_day_and_one_after(today, reminded, expected):
    assert deadline_reminder(date(2026, 3, 11), today, reminded) == expected


def test_no_deadline_no_reminder():
    assert deadline_reminder(None, date(2026, 3, 11), None) is None


# ---------------------------------------------------------------------------
# The protest board: columns and the urgency of the last day to pay
# ---------------------------------------------------------------------------


def test_board_has_a_column_per_state_the_way_to_the_notary_first_and_the_endings_last():
    assert sorted(BOARD_STATES) == sorted(PROTEST_STATES)
    assert len(BOARD_STATES) == len(set(BOARD_STATES))
    endings = BOARD_STATES[-len(FINAL_STATES) :]
    assert set(endings) == FINAL_STATES
    assert BOARD_STATES[0] == "draft"
    # Each step of the way leads to a column further right, except to the endings.
    for action, (sources, target) in TRANSITIONS.items():
        if target in FINAL_STATES:
            continue
        for source in sources:
            assert BOARD_STATES.index(source) < BOARD_STATES.index(target), (action, source, target)


@pytest.mark.parametrize("state", PROTEST_STATES)
def test_board_folds_empty_columns_and_the_endings(state):
    assert board_folded(state, 0)
    assert board_folded(state, 3) == (state in FINAL_STATES)


def test_board_refuses_an_unknown_state():
    with pytest.raises(ValueError, match="Unknown protest state"):
        board_folded("archived", 1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2026, 3, 5), "later", id="protocol-day-six-days-left"),
        pytest.param(date(2026, 3, 8), "later", id="three-days-left"),
        pytest.param(date(2026, 3, 9), "soon", id="two-days-left"),
        pytest.param(date(2026, 3, 10), "soon", id="one-day-left"),
        pytest.param(date(2026, 3, 11), "today", id="last-day"),
        pytest.param(date(2026, 3, 12), "late", id="day-after"),
        pytest.param(date(2026, 4, 30), "late", id="weeks-after"),
    ],
)
def test_deadline_urgency_counts_the_days_left(today, expected):
    for state in ("protocolled", "notified"):
        assert deadline_urgency(state, date(2026, 3, 11), today) == expected


@pytest.mark.parametrize("state", sorted(set(PROTEST_STATES) - WINDOW_STATES))
def test_no_urgency_once_the_window_is_over(state):
    assert deadline_urgency(state, date(2026, 3, 11), date(2026, 3, 11)) is None


def test_no_urgency_before_the_window_starts():
    assert deadline_urgency("sent", None, date(2026, 3, 11)) is None
    assert deadline_urgency("protocolled", None, date(2026, 3, 11)) is None


@PROPERTIES
@given(
    st.sampled_from(sorted(WINDOW_STATES)),
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    st.integers(-60, 60),
)
def test_deadline_urgency_only_grows_as_the_last_day_comes(state, deadline, offset):
    today = deadline - timedelta(days=offset)
    urgency = deadline_urgency(state, deadline, today)
    assert urgency in URGENCY_CODES
    tomorrow = deadline_urgency(state, deadline, today + timedelta(days=1))
    assert URGENCY_CODES.index(tomorrow) >= URGENCY_CODES.index(urgency)
