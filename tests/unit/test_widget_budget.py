"""The widget's 40 KB budget (issue 4) as a check on every change: a size, not a timing.

bench/widget_size.py prints the per-file figures; tests/browser/test_widget.py checks that what a
page loads for the widget is exactly these files."""

from __future__ import annotations

import gzip

from bench.widget_size import BUDGET_BYTES, widget_files


def test_everything_the_widget_loads_stays_under_40_kb_gzipped() -> None:
    files = widget_files()
    assert {p.name for p in files} >= {"widget.js", "app.js", "widget.css"}
    total = sum(len(gzip.compress(p.read_bytes(), compresslevel=9, mtime=0)) for p in files)
    assert total < BUDGET_BYTES, f"{total} bytes gzipped"
