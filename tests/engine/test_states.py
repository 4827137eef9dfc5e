"""State machines as tables (``engine.states``)."""

import pytest

from collections_addon.engine import STATE_PROBLEMS, StateMachine

DOOR = StateMachine(
    ("closed", "open", "locked"),
    {
        "open": ({"closed"}, "open"),
        "close": ({"open"}, "closed"),
        "lock": ({"closed"}, "locked"),
        "knock": ({"closed", "locked"}, None),
    },
)


def test_an_action_starts_from_its_states_only():
    for action in DOOR.actions:
        for state in DOOR.states:
            problem = DOOR.problem(action, state)
            assert (problem is None) == (state in DOOR.sources(action))
            assert problem in (None, *STATE_PROBLEMS)
            assert DOOR.allows(action, state) == (problem is None)


def test_the_target_of_an_action():
    assert DOOR.target("open", "closed") == "open"
    assert DOOR.target("knock", "closed") == "closed", "an action without a target leaves the state as it is"
    with pytest.raises(ValueError, match=r"'lock' does not start from 'open': only from closed"):
        DOOR.target("lock", "open")


def test_sources_follow_the_order_of_the_states():
    assert DOOR.sources("knock") == ("closed", "locked")
    assert DOOR.actions == ("open", "close", "lock", "knock")


def test_an_unknown_action_is_an_error_not_a_refusal():
    with pytest.raises(ValueError, match=r"Unknown action 'paint': use one of open, close, lock, knock"):
        DOOR.problem("paint", "open")


@pytest.mark.parametrize(
    ("states", "transitions", "message"),
    [
        ((), {}, "distinct states"),
        (("a", "a"), {}, "distinct states"),
        (("a", "b"), {"go": ({"a"}, "c")}, r"'go' needs known states"),
        (("a", "b"), {"go": ({"z"}, "b")}, r"'go' needs known states"),
        (("a", "b"), {"go": (set(), "b")}, r"'go' needs known states"),
    ],
)
def test_a_machine_rejects_unknown_states(states, transitions, message):
    with pytest.raises(ValueError, match=message):
        StateMachine(states, transitions)


def test_the_table_is_read_only():
    with pytest.raises(TypeError):
        DOOR.transitions["open"] = ({"locked"}, "open")
