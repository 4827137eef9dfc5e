"""The benchmark's own arithmetic (tools/bench.py): its docstring examples run with the engine's tests."""

import doctest
import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "tools" / "bench.py"


def test_bench_doctests_pass():
    spec = importlib.util.spec_from_file_location("collections_bench_tool", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = doctest.testmod(module, verbose=False, report=True)
    assert result.attempted > 0, "tools/bench.py has no doctest examples"
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in tools/bench.py"
