"""The examples in the engine's docstrings are executed and must pass, in every engine module."""

import doctest
import importlib
import pkgutil

import pytest

from collections_addon import engine

ENGINE_MODULES = [
    importlib.import_module(f"{engine.__name__}.{info.name}") for info in pkgutil.iter_modules(engine.__path__)
]


def test_every_engine_module_is_collected():
    # A new engine module joins this test by existing: nobody has to remember to list it.
    assert {module.__name__.rsplit(".", 1)[1] for module in ENGINE_MODULES} >= {"aging", "followup", "receivable"}


@pytest.mark.parametrize("module", ENGINE_MODULES, ids=lambda module: module.__name__)
def test_module_doctests_pass(module):
    result = doctest.testmod(module, verbose=False, report=True)
    assert result.attempted > 0, f"{module.__name__} has no doctest examples"
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {module.__name__}"
