"""The suite's own layout: pytest (rootdir-relative, no packages under tests/) refuses two test
modules with one basename at collection, and the whole run fails there; this says which, at once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_every_test_module_has_its_own_basename() -> None:
    modules = [p for p in TESTS.rglob("test_*.py") if "vendor" not in p.parts]
    counts = Counter(p.name for p in modules)
    twice = sorted(str(p.relative_to(TESTS)) for p in modules if counts[p.name] > 1)
    assert twice == [], f"rename one of each: {twice}"
