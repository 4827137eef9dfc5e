import pytest

from collections_addon.engine.aging import aging, bucket_labels
from tests.engine.conftest import TODAY
from tests.engine.conftest import due_date as due


def test_labels_follow_the_bounds():
    assert bucket_labels() == ["Not due", "1-30", "31-60", "61-90", "+90"]
    assert bucket_labels((15, 45)) == ["Not due", "1-15", "16-45", "+45"]


@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [(-10, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (400, 4)],
)
def test_each_boundary_day_lands_in_its_bucket(days_late, bucket):
    totals = aging([(due(days_late), 10.0)], TODAY)
    assert totals[bucket] == 10.0
    assert sum(totals) == 10.0


def test_amounts_add_up_and_are_rounded_to_the_currency():
    items = [(due(5), 0.1), (due(6), 0.2), (due(70), 1.005), (due(-1), 3)]
    assert aging(items, TODAY) == [3.0, 0.3, 0.0, 1.0, 0.0]
    assert aging([(due(5), 1234.5)], TODAY, digits=0) == [0.0, 1234.0, 0.0, 0.0, 0.0]


def test_credits_reduce_their_bucket():
    assert aging([(due(10), 100.0), (due(12), -40.0)], TODAY)[1] == 60.0


@pytest.mark.parametrize("bounds", [(), (0, 30), (30, 30), (60, 30)])
def test_bad_bounds_are_refused(bounds):
    with pytest.raises(ValueError, match="increasing"):
        aging([], TODAY, bounds=bounds)
