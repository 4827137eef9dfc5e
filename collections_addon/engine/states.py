"""State machines as tables: which action may start from which state, and the state it leads to.

A record's states are engine codes (its selection is built from them) and each of its steps asks the
table before it writes, so what may happen when is said in one place. An action whose target is None
is allowed in its states without moving the record (recomputing, sending).

>>> door = StateMachine(
...     ("closed", "open", "locked"),
...     {"open": ({"closed"}, "open"), "close": ({"open"}, "closed"), "lock": ({"closed"}, "locked"),
...      "knock": ({"closed", "locked"}, None)},
... )
>>> door.problem("open", "locked")
'wrong_state'
>>> door.problem("open", "closed") is None
True
>>> door.target("lock", "closed"), door.target("knock", "locked")
('locked', 'locked')
>>> door.sources("knock")
('closed', 'locked')
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType

# What StateMachine.problem answers.
STATE_PROBLEMS = ("wrong_state",)


@dataclass(frozen=True, eq=False)
class StateMachine:
    """``states`` in display order; ``transitions``: action -> (states it starts from, state it leads to or None)."""

    states: tuple[str, ...]
    transitions: Mapping[str, tuple[Collection[str], str | None]]

    def __post_init__(self):
        if not self.states or len(set(self.states)) != len(self.states):
            raise ValueError(f"A state machine needs distinct states, got {self.states!r}.")
        table = {}
        for action, (given, target) in self.transitions.items():
            sources = frozenset(given)
            unknown = (sources | ({target} if target is not None else set())) - set(self.states)
            if not sources or unknown:
                raise ValueError(
                    f"The action {action!r} needs known states to start from and lead to: {unknown or '-'}."
                )
            table[action] = (sources, target)
        object.__setattr__(self, "states", tuple(self.states))
        object.__setattr__(self, "transitions", MappingProxyType(table))

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self.transitions)

    def _entry(self, action: str) -> tuple[frozenset[str], str | None]:
        try:
            return self.transitions[action]
        except KeyError:
            raise ValueError(f"Unknown action {action!r}: use one of {', '.join(self.actions)}.") from None

    def problem(self, action: str, state: str) -> str | None:
        """Why ``action`` cannot be taken in ``state`` (one of STATE_PROBLEMS), or None."""
        sources, _target = self._entry(action)
        return None if state in sources else "wrong_state"

    def allows(self, action: str, state: str) -> bool:
        return self.problem(action, state) is None

    def target(self, action: str, state: str) -> str:
        """The state ``action`` leads to from ``state`` (the same state for an action that does not move it)."""
        sources, target = self._entry(action)
        if state not in sources:
            raise ValueError(f"{action!r} does not start from {state!r}: only from {', '.join(self.sources(action))}.")
        return state if target is None else target

    def sources(self, action: str) -> tuple[str, ...]:
        """The states ``action`` starts from, in the machine's order (for domains and SQL lists).

        >>> StateMachine(("a", "b", "c"), {"go": ({"c", "a"}, "b")}).sources("go")
        ('a', 'c')
        """
        sources, _target = self._entry(action)
        return tuple(state for state in self.states if state in sources)
