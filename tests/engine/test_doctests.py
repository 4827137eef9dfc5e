"""The examples in the engine's docstrings are executed and must pass."""

import doctest

import pytest

from collections_addon.engine import (
    bounds,
    business_calendar,
    calls,
    followup,
    history,
    negotiation,
    protest,
    tone,
    whatsapp,
)


@pytest.mark.parametrize(
    "module",
    [bounds, business_calendar, calls, followup, history, negotiation, protest, tone, whatsapp],
    ids=lambda module: module.__name__,
)
def test_module_doctests_pass(module):
    result = doctest.testmod(module, verbose=False, report=True)
    assert result.attempted > 0, f"{module.__name__} has no doctest examples"
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {module.__name__}"
