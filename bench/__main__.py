"""Run every benchmark under bench/, print one table, write the figures to bench/results.json.

    .venv/bin/python -m bench [--quick] [--only name,name] [--out path] [--list]
    make bench [QUICK=1] [ONLY=name,name]

A benchmark is a module `bench/<name>.py` (not starting with `_`) with a top-level
`main() -> dict`; it is also runnable alone as `python -m bench.<name>`. Each one runs in its own
interpreter (`bench/_child.py`), so imports, moto state and peak RSS do not leak between them.
Quick mode sets BENCH_QUICK=1 (and passes --quick): modules use small sizes.
If the returned dict has a `summary` mapping, the table shows it; otherwise the table shows the
dict's scalar figures, flattened. The JSON file holds everything each module returned.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_OUT = BENCH_DIR / "results.json"
MODULE_TIMEOUT_SECONDS = 3600


def discover() -> tuple[list[str], list[str]]:
    """(modules with main(), other scripts under bench/ that do not follow the convention)."""
    found, skipped = [], []
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        has_main = any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body)
        (found if has_main else skipped).append(path.stem)
    return found, skipped


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit or None,
    }


def run_module(name: str, quick: bool) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    if quick:
        env["BENCH_QUICK"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "bench._child", name, str(output), *(["--quick"] if quick else [])]
        try:
            completed = subprocess.run(command, cwd=ROOT, env=env, timeout=MODULE_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            return {"ok": False, "error": f"timed out after {MODULE_TIMEOUT_SECONDS} s"}
        if not output.exists():
            return {"ok": False, "error": f"exited with {completed.returncode} before writing figures"}
        return json.loads(output.read_text(encoding="utf-8"))


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for key, item in value.items():
            rows.extend(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(value, list | tuple):
        return []  # series stay in the JSON; the table shows scalars
    return [(prefix, value)]


def table_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    for name, report in results.items():
        if not report.get("ok"):
            rows.append((name, "FAILED", str(report.get("error"))))
            continue
        result = report["result"]
        shown = result["summary"] if isinstance(result.get("summary"), dict) else result
        for figure, value in _flatten(shown):
            rows.append((name, figure, _format(value)))
        rows.append((name, "(run: seconds / peak RSS MB)", f"{report['seconds']} / {report['peak_rss_mb']}"))
    return rows


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def print_table(rows: list[tuple[str, str, str]]) -> None:
    headers = ("benchmark", "figure", "value")
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) if rows else len(headers[i]) for i in range(3)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    previous = None
    for row in rows:
        name = row[0] if row[0] != previous else ""
        previous = row[0]
        print("  ".join([name.ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2])]))
    print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds, not minutes)")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument(
        "--out", default=str(DEFAULT_OUT), help=f"JSON output (default {DEFAULT_OUT.relative_to(ROOT)})"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    modules, skipped = discover()
    if args.list:
        print("\n".join(modules))
        return 0
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - set(modules))
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(modules)}")
        modules = [m for m in modules if m in wanted]

    results: dict[str, Any] = {}
    for name in modules:
        print(f"== bench.{name}{' (quick)' if args.quick else ''}", flush=True)
        results[name] = run_module(name, args.quick)
    document = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": "python -m bench"
        + (" --quick" if args.quick else "")
        + (f" --only {args.only}" if args.only else ""),
        "quick": args.quick,
        "machine": machine(),
        "skipped": {name: "no top-level main() -> dict" for name in skipped},
        "benchmarks": results,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print_table(table_rows(results))
    m = document["machine"]
    print(f"machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}; figures written to {out}")
    if skipped:
        print(f"not run (no main() -> dict): {', '.join(skipped)}")
    return 0 if all(r.get("ok") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
