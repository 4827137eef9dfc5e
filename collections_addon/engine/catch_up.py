"""A gentle start for old debts: the first step of a customer new to a plan whose debt is already far late.

When a plan is switched on, or a customer is assigned to it, an invoice may already be past several of the
plan's levels. The plan's *catch-up* rule says what the first step is (one of :data:`CATCH_UP_MODES`):

- ``highest``: the highest level the oldest invoice reached, once; the levels below it are skipped.
- ``level``: the plan's chosen level (when the oldest invoice reached it; else the highest it reached).
- ``statement``: a statement of account asking the customer to contact us, instead of any level. It stands in
  for the highest level reached: the run records that level on the invoices, so none of the skipped levels
  is sent afterwards.

**When it applies** (all of them):

1. the plan has a catch-up mode;
2. the customer was never followed on this plan for its open items: no step of the plan is recorded for them
   (``history_levels_reached`` is empty) and no open item received a level (``OpenItem.reached_days``);
3. the oldest open item (the earliest due date among the items not held, with an amount due) has already
   passed at least :data:`MIN_MISSED_LEVELS` of the plan's levels after the due date (pre-due reminders never
   count: they are never sent once the invoice is due).

A customer it does not apply to is followed exactly as without it (``start_level`` is None).

**The first step and the runs after it.** The run gives ``CatchUp.start_level`` to ``decide_partner``
(``catch_up_level``): no invoice receives a level above the start with this step, every other rule (calendar,
contact gap, pauses, minimum amount) holds as usual. The step records the start level on the invoices (the
statement records it too), so later runs continue with the plan's usual rule: the next step is the highest
level reached by then, after the contact gap; a level below the recorded one is never sent. With ``level`` a
start below the highest level reached therefore softens the first contact only.

It composes with the score bands: the run calls ``band_plan`` first and gives its levels here.

>>> from datetime import date
>>> from .open_items import OpenItem
>>> levels = [FollowupLevel(id=1, days=-3), FollowupLevel(id=2, days=5), FollowupLevel(id=3, days=15),
...           FollowupLevel(id=4, days=30), FollowupLevel(id=5, days=60)]
>>> old = OpenItem(move_id=9, due_date=date(2026, 1, 15), currency="EUR", residual=100.0)
>>> catch_up = catch_up_plan(levels, [old], (), "level", 3, date(2026, 3, 16))
>>> catch_up.applies, catch_up.start_level.id, [level.id for level in catch_up.skipped_levels]
(True, 3, [2])
>>> describe_catch_up(catch_up, {2: "First reminder", 3: "Second reminder"})
'catch-up: starts at Second reminder, skipping 1 level'
>>> catch_up_plan(levels, [old], {2}, "level", 3, date(2026, 3, 16)).reason_code
'followed'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from .followup import FollowupLevel, sorted_levels
from .open_items import OpenItem

CATCH_UP_MODES = ("highest", "level", "statement")
# The statement goes out by e-mail alone, whatever the channels of the level it stands in for.
STATEMENT_CHANNELS = ("email",)
# One level past is the ordinary first step; from two on, the first run would otherwise start high up the plan.
MIN_MISSED_LEVELS = 2

# Why the catch-up does or does not apply: the code the preview explains (the model layer translates).
CATCH_UP_REASONS = {
    "off": "the plan has no catch-up rule",
    "followed": "the customer is already followed on this plan",
    "nothing_missed": "fewer than two levels are past for the oldest invoice",
    "highest": "starts at the highest level reached",
    "level": "starts at the plan's chosen level",
    "level_not_reached": "the chosen level is not reached yet: starts at the highest level reached",
    "level_not_in_plan": "the chosen level is not among the customer's levels: starts at the highest level reached",
    "statement": "a statement asking the customer to contact us instead of the missed levels",
}


@dataclass(frozen=True)
class CatchUp:
    """The catch-up for one customer: ``start_level`` is the level its first step gives (None: no catch-up).

    ``skipped_levels`` are the levels after the due date that the oldest item passed below the start: they
    are never sent. ``statement`` says the step sends a statement asking the customer to contact us instead
    of the start level's messages.
    """

    applies: bool
    reason_code: str
    start_level: FollowupLevel | None = None
    skipped_levels: tuple[FollowupLevel, ...] = ()
    statement: bool = False


def _check(mode: str | None, chosen_level_id: int | None, today: date) -> None:
    if mode is not None and mode not in CATCH_UP_MODES:
        raise ValueError(f"Unknown catch-up mode {mode!r}: expected one of {CATCH_UP_MODES} or None.")
    if mode == "level" and chosen_level_id is None:
        raise ValueError("The catch-up mode 'level' needs the level to start at.")
    if isinstance(today, datetime) or not isinstance(today, date):
        raise ValueError(f"today must be a date, got {today!r}.")


def passed_levels(levels: Iterable[FollowupLevel], items: Iterable[OpenItem], today: date) -> list[FollowupLevel]:
    """The levels after the due date that the oldest open item has passed, by days.

    >>> from .open_items import OpenItem
    >>> levels = [FollowupLevel(id=1, days=-3), FollowupLevel(id=2, days=5), FollowupLevel(id=3, days=15)]
    >>> old = OpenItem(move_id=9, due_date=date(2026, 3, 1), currency="EUR", residual=100.0)
    >>> [level.id for level in passed_levels(levels, [old], date(2026, 3, 16))]
    [2, 3]
    """
    active = [item for item in items if item.residual > 0 and not item.excluded]
    if not active:
        return []
    age = (today - min(item.due_date for item in active)).days
    return [level for level in sorted_levels(levels) if 0 <= level.days <= age]


def _start(
    passed: list[FollowupLevel], levels: list[FollowupLevel], mode: str, chosen_level_id: int | None
) -> tuple[FollowupLevel, str]:
    """The level the first step gives, and the reason code."""
    highest = passed[-1]
    if mode != "level":
        return highest, mode
    chosen = next((level for level in levels if level.id == chosen_level_id), None)
    if chosen is None:
        return highest, "level_not_in_plan"
    if chosen.days < 0:
        raise ValueError(f"The catch-up cannot start at level {chosen.id}: it is a reminder before the due date.")
    if chosen not in passed:
        return highest, "level_not_reached"
    return chosen, "level"


def catch_up_plan(
    levels: Sequence[FollowupLevel],
    items: Iterable[OpenItem],
    history_levels_reached: Collection[int],
    mode: str | None,
    chosen_level_id: int | None,
    today: date,
) -> CatchUp:
    """The catch-up of one customer (see the module's rules).

    ``levels`` are the levels the customer follows (``band_plan``'s); ``history_levels_reached`` the ids of
    the plan's levels recorded in the customer's contact history for its open items; ``mode`` one of
    :data:`CATCH_UP_MODES` or None (no catch-up); ``chosen_level_id`` the start of the ``level`` mode.

    >>> from .open_items import OpenItem
    >>> levels = [FollowupLevel(id=2, days=5), FollowupLevel(id=3, days=15), FollowupLevel(id=4, days=30)]
    >>> old = OpenItem(move_id=9, due_date=date(2026, 2, 1), currency="EUR", residual=100.0)
    >>> statement = catch_up_plan(levels, [old], (), "statement", None, date(2026, 3, 16))
    >>> statement.statement, statement.start_level.id, len(statement.skipped_levels)
    (True, 4, 3)
    >>> catch_up_plan(levels, [old], (), None, None, date(2026, 3, 16)).applies
    False
    """
    _check(mode, chosen_level_id, today)
    items = list(items)
    if mode is None:
        return CatchUp(False, "off")
    reached = any(item.reached_days is not None for item in items if item.residual > 0 and not item.excluded)
    if set(history_levels_reached) or reached:
        return CatchUp(False, "followed")
    levels = sorted_levels(levels)
    passed = passed_levels(levels, items, today)
    if len(passed) < MIN_MISSED_LEVELS:
        return CatchUp(False, "nothing_missed")
    start, reason = _start(passed, levels, mode, chosen_level_id)
    skipped = tuple(level for level in passed if level.days < start.days)
    if mode == "statement":
        # The statement stands in for every level passed, the highest one included.
        skipped = tuple(passed)
    return CatchUp(True, reason, start, skipped, statement=mode == "statement")


def catch_up_levels(
    levels: Sequence[FollowupLevel], catch_up: CatchUp | None
) -> tuple[tuple[FollowupLevel, ...], FollowupLevel | None]:
    """The levels and the cap (``catch_up_level``) ``decide_partner`` gets with ``catch_up``.

    Without a catch-up, the levels as they are and no cap. A statement stands in for its start level's
    messages: that level is given with :data:`STATEMENT_CHANNELS` only (its days, minimum amount and
    automatic sending are kept), so the step sends the statement e-mail and nothing else.

    >>> levels = [FollowupLevel(id=2, days=5), FollowupLevel(id=4, days=30, channels=("email", "call"))]
    >>> catch_up_levels(levels, None) == (tuple(levels), None)
    True
    >>> statement = CatchUp(True, "statement", levels[1], tuple(levels), statement=True)
    >>> given, cap = catch_up_levels(levels, statement)
    >>> [level.channels for level in given], cap.id, cap.channels
    ([('email',), ('email',)], 4, ('email',))
    >>> catch_up_levels(levels, CatchUp(True, "highest", levels[1], (levels[0],)))[1].channels
    ('email', 'call')
    """
    if catch_up is None or not catch_up.applies:
        return tuple(levels), None
    start = catch_up.start_level
    if catch_up.statement:
        start = replace(start, channels=STATEMENT_CHANNELS)
        levels = [start if level.id == start.id else level for level in levels]
    return tuple(levels), start


def describe_catch_up(catch_up: CatchUp, level_names: Mapping[int, str]) -> str:
    """What the preview says of the catch-up, in English (the model layer shows its translation).

    >>> level = FollowupLevel(id=4, days=30)
    >>> describe_catch_up(CatchUp(True, "statement", level, (level,) * 3, True), {4: "Final notice"})
    'catch-up: a statement asking the customer to contact us, instead of 3 missed levels'
    >>> describe_catch_up(CatchUp(False, "followed"), {})
    ''
    """
    if not catch_up.applies:
        return ""
    count = len(catch_up.skipped_levels)
    plural = "level" if count == 1 else "levels"
    if catch_up.statement:
        return f"catch-up: a statement asking the customer to contact us, instead of {count} missed {plural}"
    name = level_names.get(catch_up.start_level.id, f"level {catch_up.start_level.id}")
    if not count:
        return f"catch-up: starts at {name}"
    return f"catch-up: starts at {name}, skipping {count} {plural}"
