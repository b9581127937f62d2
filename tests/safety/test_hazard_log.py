"""The hazard log names real tests: a renamed or deleted test fails here, so the log cannot rot."""

import ast
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
LOG = BASE_DIR / "docs" / "safety" / "hazard-log.md"
TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
HAZARD_ROW = re.compile(r"^\| (H\d+) \| ", re.M)


def _defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_test_the_hazard_log_names_exists():
    text = LOG.read_text()
    named = TEST_ID.findall(text)
    assert len(named) > 40
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not (BASE_DIR / path).exists() or name not in _defined_tests(BASE_DIR / path)
    ]
    assert missing == []


def test_every_hazard_has_at_least_one_control_with_tests():
    text = LOG.read_text()
    hazards = set(HAZARD_ROW.findall(text.split("## Controls")[0]))
    controls = text.split("## Controls")[1].split("## Decisions")[0]
    assert hazards == {f"H{n}" for n in range(1, len(hazards) + 1)}
    for hazard in sorted(hazards):
        rows = [row for row in controls.splitlines() if row.startswith(f"| {hazard} |")]
        assert rows, f"{hazard} has no control"
        assert all(TEST_ID.search(row) for row in rows), f"a control of {hazard} names no test"


def test_a_missing_test_would_be_caught(tmp_path):
    """The check itself can fail: a name that is not defined is reported."""
    module = tmp_path / "test_example.py"
    module.write_text("def test_real():\n    pass\n")
    assert _defined_tests(module) == {"test_real"}
    assert "test_imaginary" not in _defined_tests(module)
