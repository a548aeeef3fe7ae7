"""`python -m bench` discovers the benchmarks, runs one in its own interpreter and writes valid JSON."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_runner_lists_the_benchmarks() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "bench", "--list"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert {"dynamo_per_message", "cold_start", "history_search", "cost"} <= set(listed)


def test_quick_run_writes_figures_as_json(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "dynamo_per_message", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["quick"] is True
    assert document["machine"]["nproc"] >= 1 and document["machine"]["python"]
    report = document["benchmarks"]["dynamo_per_message"]
    assert report["ok"] is True and report["peak_rss_mb"] > 0
    sizes = report["result"]["sizes"]
    assert [s["open_conversations"] for s in sizes] == [10, 100]
    for size in sizes:
        for direction in ("customer_to_agent", "agent_to_customer"):
            figures = size[direction]
            assert figures["messages"] > 0
            assert figures["requests_mean"] >= 1  # the message was stored: at least its transaction
            assert figures["write_units_mean"] >= 2
            assert "TransactWriteItems" in " ".join(figures["operations"])
    assert "customer_to_agent.requests@10" in report["result"]["summary"]
    assert "dynamo_per_message" in completed.stdout  # the table
