"""The house rules of the production code, checked on every run: a newcomer finds one concern per file and
reads any function on one screen. (Complexity is ruff's C901, configured in pyproject.toml.)"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The bridges (collections_addon_sale/, collections_addon_queue_job/) are production code too; their tests, like
# tests/, are not.
BRIDGE = [path for path in ROOT.glob("collections_addon_*/**/*.py") if "tests" not in path.parts]
PRODUCTION = sorted(
    [*ROOT.glob("collections_addon/**/*.py"), *ROOT.glob("tools/*.py"), *ROOT.glob("migrations/**/*.py"), *BRIDGE]
)
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80


def _functions(tree):
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_the_production_code_is_found():
    assert len(PRODUCTION) > 50
    assert any(path.name == "sale_order.py" for path in BRIDGE), "the Sales bridge is checked too"
    assert any(path.parent.parent.name == "collections_addon_queue_job" for path in BRIDGE), "the Job Queue bridge too"


@pytest.mark.parametrize("path", PRODUCTION, ids=lambda path: str(path.relative_to(ROOT)))
def test_file_holds_one_concern(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_FILE_LINES, f"{path.name} has {lines} lines: split it along its concerns"


@pytest.mark.parametrize("path", PRODUCTION, ids=lambda path: str(path.relative_to(ROOT)))
def test_functions_fit_on_a_screen(path):
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in _functions(ast.parse(path.read_text()))
        if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.name}: split into named steps: {', '.join(long)}"
