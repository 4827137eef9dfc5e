"""A plan's start by score band: good and poor payers may be followed up differently.

A plan sets two bands of the payer score: *good payers* from ``good_from`` (default 80) and *poor payers*
below ``poor_below`` (default 40); a customer between them, or never scored, is in no band and follows the
plan as it is. Per band the plan may set:

- a *starting level*: a customer of the band who has not had a reminder yet (none of its open items has
  received a level) skips the levels before it. When its first step falls due it gets the starting level
  instead: the starting level takes the days of the first level after the due date that it skips
  (pre-due reminders are skipped, never moved). The levels after it come as usual.
- *e-mail only*: each level keeps only its e-mail; a level with other channels but no e-mail is skipped,
  a level with no channel at all (a task for a person: negotiation, protest) stays.

The run and its preview both call :func:`band_plan` and give its levels to ``decide_partner``.

>>> from datetime import date
>>> from .open_items import OpenItem
>>> levels = [FollowupLevel(id=1, days=-3), FollowupLevel(id=2, days=5),
...           FollowupLevel(id=3, days=20, channels=("email", "call"))]
>>> bands = ScoreBands(poor=BandRule(start_level_id=3))
>>> score_band(30, bands), score_band(80, bands), score_band(60, bands), score_band(None, bands)
('poor', 'good', None, None)
>>> new = OpenItem(move_id=1, due_date=date(2026, 3, 10), currency="EUR", residual=100.0)
>>> plan = band_plan(levels, bands, 30, [new])
>>> [(level.id, level.days) for level in plan.levels], plan.band, plan.started_at
([(3, 5)], 'poor', 3)
>>> band_plan(levels, bands, 60, [new]).levels == tuple(levels)
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .bounds import Bound
from .followup import FollowupLevel, sorted_levels
from .open_items import OpenItem
from .payer_score import MAX_SCORE

BANDS = ("good", "poor")
GOOD_FROM = 80
POOR_BELOW = 40
BAND_SCORE = Bound(0, MAX_SCORE, whole=True)


@dataclass(frozen=True)
class BandRule:
    """What a band changes: the level its new customers start at (None: the first), and e-mail only."""

    start_level_id: int | None = None
    email_only: bool = False


@dataclass(frozen=True)
class ScoreBands:
    """The plan's bands: good payers score ``good_from`` or more, poor payers less than ``poor_below``."""

    good_from: int = GOOD_FROM
    poor_below: int = POOR_BELOW
    good: BandRule = BandRule()
    poor: BandRule = BandRule()

    def __post_init__(self):
        BAND_SCORE.check(self.good_from, "The score of good payers")
        BAND_SCORE.check(self.poor_below, "The score of poor payers")
        if self.poor_below > self.good_from:
            raise ValueError(
                f"Poor payers score below {self.poor_below} and good payers from {self.good_from}: "
                "the poor payers' score must not be above the good payers'."
            )

    def rule(self, band: str | None) -> BandRule:
        """The rule of ``band`` (no band: change nothing)."""
        return getattr(self, band) if band in BANDS else BandRule()


@dataclass(frozen=True)
class BandPlan:
    """The levels a customer follows: ``started_at`` is the starting level given instead of its first step."""

    levels: tuple[FollowupLevel, ...]
    band: str | None = None
    started_at: int | None = None
    email_only: bool = False


def score_band(score: int | None, bands: ScoreBands) -> str | None:
    """``good``, ``poor`` or None (between the bands, or never scored).

    >>> score_band(39, ScoreBands()), score_band(40, ScoreBands()), score_band(0, ScoreBands(poor_below=0))
    ('poor', None, None)
    """
    if score is None:
        return None
    if score >= bands.good_from:
        return "good"
    if score < bands.poor_below:
        return "poor"
    return None


def reminded(items: Iterable[OpenItem]) -> bool:
    """Whether the customer has had a reminder: one of its open items received a level.

    >>> from datetime import date
    >>> reminded([OpenItem(move_id=1, due_date=date(2026, 3, 1), currency="EUR", residual=5.0, reached_days=5)])
    True
    """
    return any(item.reached_days is not None for item in items if item.residual > 0 and not item.excluded)


def _started(levels: list[FollowupLevel], start_level_id: int) -> tuple[list[FollowupLevel], int | None]:
    """The levels from the starting level on, the starting level on the day of the first step it replaces."""
    index = next((i for i, level in enumerate(levels) if level.id == start_level_id), None)
    if not index:
        return levels, None  # not a level of this plan, or already the first one
    start = levels[index]
    skipped_days = [level.days for level in levels[:index] if level.days >= 0]
    if skipped_days:
        start = dataclasses.replace(start, days=min(skipped_days))
    return [start, *levels[index + 1 :]], start.id


def _email_only(levels: list[FollowupLevel]) -> list[FollowupLevel]:
    kept = []
    for level in levels:
        if not level.channels:
            kept.append(level)
        elif "email" in level.channels:
            kept.append(dataclasses.replace(level, channels=("email",)))
    return kept


def band_plan(
    levels: Sequence[FollowupLevel], bands: ScoreBands | None, score: int | None, items: Iterable[OpenItem]
) -> BandPlan:
    """The levels the customer follows, from its band (see the module's rules).

    >>> from datetime import date
    >>> levels = [FollowupLevel(id=1, days=5, channels=("email", "sms")), FollowupLevel(id=2, days=20,
    ...           channels=("call",)), FollowupLevel(id=3, days=60, channels=())]
    >>> plan = band_plan(levels, ScoreBands(good=BandRule(email_only=True)), 95, [])
    >>> [(level.id, level.channels) for level in plan.levels], plan.band, plan.email_only
    ([(1, ('email',)), (3, ())], 'good', True)
    """
    levels = sorted_levels(levels)
    band = score_band(score, bands) if bands else None
    if band is None:
        return BandPlan(tuple(levels))
    rule = bands.rule(band)
    started_at = None
    if rule.start_level_id and not reminded(items):
        levels, started_at = _started(levels, rule.start_level_id)
    if rule.email_only:
        levels = _email_only(levels)
    return BandPlan(tuple(levels), band, started_at, rule.email_only)
