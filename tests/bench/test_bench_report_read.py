"""bench.report_read in quick mode: a 30-day report reads the same DynamoDB requests and items
whatever the number of chats (O(hour buckets)); read units differ only by the counters' digits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_report_reads_do_not_grow_with_chats(tmp_path: Path) -> None:
    output = tmp_path / "report_read.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench._child", "report_read", str(output), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    import json

    report = json.loads(output.read_text())
    assert report["ok"], done.stderr[-3000:]
    small, large = report["result"]["sizes"]
    assert small["chats"] < large["chats"]
    assert small["counter_items"] == large["counter_items"] == 30 * 24 * 3
    for group_by in ("day", "team", "agent"):
        assert small[group_by]["requests"] == large[group_by]["requests"], group_by
        assert small[group_by]["items_read"] == large[group_by]["items_read"], group_by
        assert abs(small[group_by]["read_units"] - large[group_by]["read_units"]) <= 0.1 * large[group_by]["read_units"]
