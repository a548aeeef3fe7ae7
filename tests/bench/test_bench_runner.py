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
    assert report["result"]["summary"]["to agent: requests/msg @10·100"] == [
        sizes[0]["customer_to_agent"]["requests_mean"],
        sizes[1]["customer_to_agent"]["requests_mean"],
    ]
    assert "dynamo_per_message" in completed.stdout  # the table


def test_every_benchmark_main_takes_no_arguments() -> None:
    """The runner calls `main()` bare: a required parameter would fail every run of that benchmark."""
    import ast

    for path in sorted((ROOT / "bench").glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        mains = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
        assert mains, f"{path.name} has no top-level main() -> dict"
        arguments = mains[0].args
        required = len(arguments.args) - len(arguments.defaults)
        assert required == 0, f"{path.name}: main() requires {required} argument(s)"


def test_table_has_one_short_row_per_headline_figure() -> None:
    from bench.__main__ import VALUE_WIDTH, render_table, table_rows

    results = {
        "alpha": {
            "ok": True,
            "seconds": 1.0,
            "peak_rss_mb": 10.0,
            "result": {
                "summary": {"requests/msg @10·100": [3.0, 3.0], "ratio": 1.0, "note": "x" * 500},
                "aims": {"ratio": "≤ 1.05"},
                "sizes": [{"huge": "y" * 5000}],
            },
        },
        "beta": {"ok": True, "seconds": 0.1, "peak_rss_mb": 5.0, "result": {"bytes": 17767, "files": {"a": 1}}},
        "gamma": {"ok": False, "error": "ResourceNotFoundException: " + "z" * 400},
    }
    rows = table_rows(results)
    assert [(r[0], r[1]) for r in rows] == [
        ("alpha", "requests/msg @10·100"),
        ("alpha", "ratio"),
        ("alpha", "note"),
        ("beta", "bytes"),  # no summary: top-level scalars only
        ("gamma", "FAILED"),
    ]
    assert rows[0][2] == "3 · 3" and rows[1][3] == "≤ 1.05" and rows[3][2] == "17,767"
    assert all(len(r[2]) <= VALUE_WIDTH for r in rows)
    assert rows[4][2].startswith("ResourceNotFoundException")
    text = render_table(rows)
    assert max(len(line) for line in text.splitlines()) < 140
    assert "yyyy" not in text


def test_readme_figures_come_from_the_results_file(tmp_path: pathlib.Path) -> None:
    from bench.__main__ import README_BEGIN, README_END, write_readme

    results = tmp_path / "results.json"
    results.write_text(
        json.dumps(
            {
                "generated_at": "2026-11-25T09:00:00+00:00",
                "quick": False,
                "machine": {"nproc": 2, "cpu": "Test CPU", "python": "3.11.7", "commit": "abc1234"},
                "benchmarks": {
                    "cost": {
                        "ok": True,
                        "generated_at": "2026-11-25T09:00:00+00:00",
                        "result": {"summary": {"usd_per_million_messages": 11.23}, "aims": {}},
                    },
                    "export": {"ok": False, "error": "timed out after 3600 s"},
                },
            }
        ),
        encoding="utf-8",
    )
    readme = tmp_path / "README.md"
    readme.write_text(f"# X\n\n## Performance\n{README_BEGIN}\nold\n{README_END}\nafter\n", encoding="utf-8")
    write_readme(results, readme)
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and text.endswith(f"{README_END}\nafter\n")
    assert "2 CPUs (Test CPU)" in text and "commit abc1234" in text
    assert "| cost | usd_per_million_messages | 11.23 |  |" in text
    assert "| export | FAILED | timed out after 3600 s |  |" in text
