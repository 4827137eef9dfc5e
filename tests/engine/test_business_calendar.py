"""Business-day arithmetic of ``BusinessCalendar``.

Reference dates (checked with ``date.weekday()``), all in 2026:

    Mon 03-02  Tue 03-03  Wed 03-04  Thu 03-05  Fri 03-06  Sat 03-07  Sun 03-08
    Mon 03-09  Tue 03-10  Wed 03-11  Thu 03-12  Fri 03-13  Sat 03-14  Sun 03-15
    Thu 04-02  Fri 04-03 (Good Friday)  Sat 04-04  Sun 04-05  Mon 04-06 (Easter Monday)  Tue 04-07
"""

from datetime import date, timedelta

import pytest

from collections_addon.engine import BusinessCalendar
from tests.engine.conftest import (
    EASTER_MONDAY,
    FRI,
    GOOD_FRIDAY,
    MON,
    NEXT_MON,
    NEXT_TUE,
    NEXT_WED,
    SAT,
    SUN,
    THU,
    TUE,
    WED,
    WEEKDAYS,
)


def test_reference_dates_are_the_weekdays_the_tests_assume():
    assert [d.weekday() for d in (MON, TUE, WED, THU, FRI, SAT, SUN, NEXT_MON)] == [0, 1, 2, 3, 4, 5, 6, 0]
    assert GOOD_FRIDAY.weekday() == 4
    assert EASTER_MONDAY.weekday() == 0


@pytest.mark.parametrize(("day", "weekday"), WEEKDAYS)
def test_the_reference_days_are_the_weekdays_they_are_named_for(day, weekday):
    assert day.weekday() == weekday


def test_the_shared_fixtures_are_the_shared_values(today, mon_fri):
    assert today.weekday() == 0
    assert mon_fri == BusinessCalendar()


# --- construction -----------------------------------------------------------------------------------------------


def test_default_calendar_is_monday_to_friday_without_holidays():
    cal = BusinessCalendar()
    assert cal.workdays == frozenset({0, 1, 2, 3, 4})
    assert cal.holidays == frozenset()


def test_calendars_built_from_any_iterable_are_equal_and_hashable():
    a = BusinessCalendar(workdays=[4, 3, 2, 1, 0], holidays=[GOOD_FRIDAY])
    b = BusinessCalendar(workdays=range(5), holidays={GOOD_FRIDAY})
    assert a == b
    assert hash(a) == hash(b)
    assert isinstance(a.workdays, frozenset)
    assert isinstance(a.holidays, frozenset)


def test_calendar_is_frozen():
    cal = BusinessCalendar()
    with pytest.raises(AttributeError):
        cal.workdays = frozenset({0})  # type: ignore[misc]


@pytest.mark.parametrize(
    "workdays",
    [
        pytest.param(set(), id="empty"),
        pytest.param([], id="empty-list"),
        pytest.param({7}, id="seven"),
        pytest.param({0, 1, 7}, id="valid-plus-seven"),
        pytest.param({-1}, id="negative"),
    ],
)
def test_invalid_workdays_raise_value_error(workdays):
    with pytest.raises(ValueError):
        BusinessCalendar(workdays=workdays)


def test_all_seven_weekdays_are_valid():
    cal = BusinessCalendar(workdays=range(7))
    assert cal.is_business_day(SAT)
    assert cal.is_business_day(SUN)


# --- is_business_day --------------------------------------------------------------------------------------------


def test_weekdays_are_business_days_and_weekends_are_not():
    cal = BusinessCalendar()
    for day in (MON, TUE, WED, THU, FRI):
        assert cal.is_business_day(day), day
    assert not cal.is_business_day(SAT)
    assert not cal.is_business_day(SUN)


def test_holiday_on_a_weekday_is_not_a_business_day():
    cal = BusinessCalendar(holidays={WED})
    assert not cal.is_business_day(WED)
    # the neighbours are unaffected
    assert cal.is_business_day(TUE)
    assert cal.is_business_day(THU)


def test_holiday_only_applies_to_its_exact_date():
    # 2026-03-04 as a holiday does not make 2027-03-04 (or 2025-03-04) a holiday.
    cal = BusinessCalendar(workdays=range(7), holidays={WED})
    assert cal.is_business_day(date(2027, 3, 4))
    assert cal.is_business_day(date(2025, 3, 4))


def test_six_day_week_makes_saturday_a_business_day():
    cal = BusinessCalendar(workdays={0, 1, 2, 3, 4, 5})
    assert cal.is_business_day(SAT)
    assert not cal.is_business_day(SUN)


# --- next_business_day ------------------------------------------------------------------------------------------


def test_next_business_day_is_strictly_after_by_default():
    cal = BusinessCalendar()
    assert cal.next_business_day(MON) == TUE
    # Friday -> skip Saturday and Sunday -> Monday
    assert cal.next_business_day(FRI) == NEXT_MON
    assert cal.next_business_day(SAT) == NEXT_MON
    assert cal.next_business_day(SUN) == NEXT_MON


def test_next_business_day_include_today():
    cal = BusinessCalendar()
    # a business day is its own answer when today is allowed
    assert cal.next_business_day(MON, include_today=True) == MON
    assert cal.next_business_day(FRI, include_today=True) == FRI
    # a weekend day still rolls forward to Monday
    assert cal.next_business_day(SAT, include_today=True) == NEXT_MON
    assert cal.next_business_day(SUN, include_today=True) == NEXT_MON


def test_next_business_day_include_today_on_a_holiday_rolls_forward():
    cal = BusinessCalendar(holidays={WED})
    assert cal.next_business_day(WED, include_today=True) == THU
    # Tuesday -> Wednesday is a holiday -> Thursday
    assert cal.next_business_day(TUE) == THU


def test_holiday_on_friday_before_weekend():
    cal = BusinessCalendar(holidays={GOOD_FRIDAY})
    thursday = GOOD_FRIDAY - timedelta(days=1)
    # Thu 04-02 -> Fri 04-03 holiday, Sat, Sun -> Mon 04-06
    assert cal.next_business_day(thursday) == EASTER_MONDAY
    assert cal.next_business_day(GOOD_FRIDAY, include_today=True) == EASTER_MONDAY
    assert cal.add_business_days(thursday, 1) == EASTER_MONDAY
    # (Thu, Mon] holds Fri (holiday), Sat, Sun, Mon -> only Monday counts
    assert cal.business_days_between(thursday, EASTER_MONDAY) == 1


def test_long_easter_weekend_friday_and_monday_holidays():
    cal = BusinessCalendar(holidays={GOOD_FRIDAY, EASTER_MONDAY})
    thursday = GOOD_FRIDAY - timedelta(days=1)
    tuesday = EASTER_MONDAY + timedelta(days=1)
    assert cal.next_business_day(thursday) == tuesday
    assert cal.add_business_days(thursday, 1) == tuesday
    assert cal.business_days_between(thursday, tuesday) == 1


# --- add_business_days ------------------------------------------------------------------------------------------


def test_add_zero_business_days_keeps_a_business_day():
    cal = BusinessCalendar()
    assert cal.add_business_days(MON, 0) == MON
    assert cal.add_business_days(FRI, 0) == FRI


def test_add_zero_business_days_rolls_a_non_business_day_forward():
    cal = BusinessCalendar(holidays={WED})
    assert cal.add_business_days(SAT, 0) == NEXT_MON
    assert cal.add_business_days(SUN, 0) == NEXT_MON
    assert cal.add_business_days(WED, 0) == THU


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        pytest.param(MON, 1, TUE, id="mon+1"),
        pytest.param(MON, 4, FRI, id="mon+4"),
        pytest.param(MON, 5, NEXT_MON, id="mon+5-full-week"),
        pytest.param(WED, 3, NEXT_MON, id="wed+3-thu-fri-mon"),
        pytest.param(FRI, 1, NEXT_MON, id="fri+1-over-weekend"),
        pytest.param(THU, 3, NEXT_TUE, id="thu+3-fri-mon-tue"),
        pytest.param(MON, 10, date(2026, 3, 16), id="mon+10-two-weeks"),
    ],
)
def test_add_business_days(start, count, expected):
    assert BusinessCalendar().add_business_days(start, count) == expected


def test_add_business_days_skips_holidays():
    cal = BusinessCalendar(holidays={WED})
    # Mon + 3: Tue, (Wed holiday), Thu, Fri
    assert cal.add_business_days(MON, 3) == FRI
    # Tue + 1: Wed is a holiday -> Thu
    assert cal.add_business_days(TUE, 1) == THU


def test_add_business_days_from_a_non_business_day_rolls_forward_first():
    # Documented behaviour for count == 0 (roll forward); for count > 0 the start is rolled forward too,
    # then moved: Sat -> Mon (roll) -> Tue (+1).
    cal = BusinessCalendar()
    assert cal.add_business_days(SAT, 1) == NEXT_TUE
    assert cal.add_business_days(SUN, 2) == NEXT_WED


def test_add_business_days_with_six_day_week():
    cal = BusinessCalendar(workdays={0, 1, 2, 3, 4, 5})
    # Fri + 1 = Sat (a working day here), Fri + 2 = Mon (Sunday skipped)
    assert cal.add_business_days(FRI, 1) == SAT
    assert cal.add_business_days(FRI, 2) == NEXT_MON


def test_add_negative_business_days_raises():
    with pytest.raises(ValueError):
        BusinessCalendar().add_business_days(MON, -1)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 5, 7, 12, 30])
@pytest.mark.parametrize("start", [MON, WED, FRI, THU])
def test_add_then_count_round_trips_from_a_business_day(start, count):
    cal = BusinessCalendar(holidays={NEXT_MON, GOOD_FRIDAY})
    result = cal.add_business_days(start, count)
    assert cal.is_business_day(result)
    assert cal.business_days_between(start, result) == count


# --- business_days_between --------------------------------------------------------------------------------------


def test_business_days_between_is_half_open_start_excluded_end_included():
    cal = BusinessCalendar()
    # (Mon, Tue] = {Tue}
    assert cal.business_days_between(MON, TUE) == 1
    # (Mon, Fri] = {Tue, Wed, Thu, Fri}: the start Monday is not counted
    assert cal.business_days_between(MON, FRI) == 4
    # (Mon, next Mon] = Tue..Fri + next Mon
    assert cal.business_days_between(MON, NEXT_MON) == 5
    # (Fri, Mon] = {Sat, Sun, Mon} -> only Monday
    assert cal.business_days_between(FRI, NEXT_MON) == 1


def test_business_days_between_same_or_reversed_dates_is_zero():
    cal = BusinessCalendar()
    assert cal.business_days_between(MON, MON) == 0
    assert cal.business_days_between(FRI, MON) == 0
    assert cal.business_days_between(NEXT_MON, MON) == 0


def test_business_days_between_weekend_only_interval_is_zero():
    cal = BusinessCalendar()
    # (Fri, Sun] = {Sat, Sun}
    assert cal.business_days_between(FRI, SUN) == 0
    assert cal.business_days_between(SAT, SUN) == 0


def test_business_days_between_excludes_holidays():
    cal = BusinessCalendar(holidays={WED, NEXT_MON})
    # (Mon, next Tue] = Tue, Wed(h), Thu, Fri, Sat, Sun, Mon(h), Tue -> Tue, Thu, Fri, Tue = 4
    assert cal.business_days_between(MON, NEXT_TUE) == 4


def test_business_days_between_counts_a_holiday_start_as_excluded_anyway():
    cal = BusinessCalendar(holidays={WED})
    # (Wed, Fri] = {Thu, Fri}
    assert cal.business_days_between(WED, FRI) == 2


# --- a calendar without business days ---------------------------------------------------------------------------


def _every_day_holiday(start: date, days: int) -> BusinessCalendar:
    return BusinessCalendar(workdays=range(7), holidays={start + timedelta(days=i) for i in range(days)})


def test_a_full_year_of_holidays_raises_instead_of_looping():
    start = date(2026, 1, 1)
    cal = _every_day_holiday(start, 366)  # 2026-01-01 .. 2027-01-01, every weekday a working day
    with pytest.raises(ValueError):
        cal.next_business_day(start - timedelta(days=1))
    with pytest.raises(ValueError):
        cal.next_business_day(start, include_today=True)
    with pytest.raises(ValueError):
        cal.add_business_days(start, 0)
    with pytest.raises(ValueError):
        cal.add_business_days(start - timedelta(days=1), 1)


def test_a_weekday_calendar_with_all_of_2027_as_holidays_raises():
    # Every day of 2027 is a holiday and 2028-01-01 is a Saturday: the 366 days scanned after
    # 2026-12-31 (2027-01-01 .. 2028-01-01) contain no business day.
    assert date(2028, 1, 1).weekday() == 5
    holidays = {date(2027, 1, 1) + timedelta(days=i) for i in range(365)}
    cal = BusinessCalendar(holidays=holidays)
    with pytest.raises(ValueError):
        cal.next_business_day(date(2026, 12, 31))


def test_business_day_just_inside_the_one_year_scan_is_found():
    # 365 holidays (all of 2026): the 366th candidate after 2025-12-31 is 2027-01-01, a business day.
    start = date(2026, 1, 1)
    cal = _every_day_holiday(start, 365)
    assert cal.next_business_day(start - timedelta(days=1)) == date(2027, 1, 1)
    assert cal.next_business_day(start, include_today=True) == date(2027, 1, 1)
