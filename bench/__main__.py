"""Run every benchmark under bench/, print one table, write the figures to bench/results.json.

    .venv/bin/python -m bench [--quick] [--only name,name] [--out path] [--list]
    make bench [QUICK=1] [ONLY=name,name]

A benchmark is a module `bench/<name>.py` (not starting with `_`) with a top-level
`main() -> dict`; it is also runnable alone as `python -m bench.<name>`. Each one runs in its own
interpreter (`bench/_child.py`), so imports, moto state and peak RSS do not leak between them.
Quick mode sets BENCH_QUICK=1 (and passes --quick): modules use small sizes.
The table has one row per headline figure: the returned dict's `summary` mapping (figure →
value; a list value shows as `a · b · c`, e.g. one value per size), else its top-level scalars;
an optional `aims` mapping (figure → text) fills the aim column. Long values are cut in the
table; the JSON file holds everything each module returned, whole.
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
DEFAULT_OUT = BENCH_DIR / "results.json"  # a full run: committed, the README's source
QUICK_OUT = BENCH_DIR / "results-quick.json"  # a quick run: not committed
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


VALUE_WIDTH = 44  # longer values (series, errors) are cut in the table; the JSON has them whole
FIGURE_WIDTH = 60


def headline(result: dict[str, Any]) -> dict[str, Any]:
    """The figures a module wants in the table: its `summary`, else its top-level scalars."""
    if isinstance(result.get("summary"), dict):
        return result["summary"]
    return {k: v for k, v in result.items() if not isinstance(v, dict | list | tuple)}


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(benchmark, figure, value, aim): one row per headline figure, one row per failure."""
    rows = []
    for name, report in results.items():
        if not report.get("ok"):
            rows.append((name, "FAILED", _cut(str(report.get("error")), VALUE_WIDTH), ""))
            continue
        result = report["result"]
        aims = result.get("aims") if isinstance(result.get("aims"), dict) else {}
        shown = headline(result)
        if not shown:
            rows.append((name, "(no figures)", "", ""))
        for figure, value in shown.items():
            rows.append(
                (name, _cut(str(figure), FIGURE_WIDTH), _cut(_format(value), VALUE_WIDTH), str(aims.get(figure, "")))
            )
    return rows


def _format(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return " · ".join(_format(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_format(v)}" for k, v in value.items())
    return str(value)


def render_table(rows: list[tuple[str, str, str, str]]) -> str:
    headers = ("benchmark", "figure", "value", "aim")
    columns = 4 if any(r[3] for r in rows) else 3
    widths = [max([len(headers[i]), *(len(r[i]) for r in rows)]) for i in range(columns)]
    rule = "  ".join("-" * w for w in widths)
    lines = [rule, "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip(), rule]
    previous = None
    for row in rows:
        name = row[0] if row[0] != previous else ""
        previous = row[0]
        cells = [name.ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2])]
        if columns == 4:
            cells.append(row[3])
        lines.append("  ".join(cells).rstrip())
    lines.append(rule)
    return "\n".join(lines)


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    print(render_table(rows))


README = ROOT / "README.md"
README_BEGIN, README_END = "<!-- bench-figures:begin -->", "<!-- bench-figures:end -->"


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _commits(document: dict[str, Any]) -> str:
    """`commit abc` when every benchmark ran at one commit, else the usual one and the exceptions."""
    by_commit: dict[str, list[str]] = {}
    for name, result in document["benchmarks"].items():
        by_commit.setdefault(result.get("commit") or document["machine"].get("commit") or "?", []).append(name)
    usual = max(by_commit, key=lambda commit: len(by_commit[commit]))
    others = "; ".join(f"{', '.join(names)} at {commit}" for commit, names in by_commit.items() if commit != usual)
    return f"commit {usual}" + (f" ({others})" if others else "")


def readme_block(document: dict[str, Any]) -> str:
    """The README's figures: the same rows as the printed table, as Markdown, with where they came from."""
    m = document["machine"]
    stamps = sorted({r.get("generated_at", document["generated_at"]) for r in document["benchmarks"].values()})
    lines = [
        f"Measured {stamps[0][:10]}" + (f" – {stamps[-1][:10]}" if stamps[-1][:10] != stamps[0][:10] else "")
        + f" on {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, {_commits(document)}"
        + (" (quick sizes)" if document.get("quick") else "")
        + "; all in `bench/results.json`.",
        "",
        "| Benchmark | Figure | Value | Aim |",
        "|---|---|---:|---|",
    ]
    previous = None
    for name, figure, value, aim in table_rows(document["benchmarks"]):
        shown = name if name != previous else ""
        previous = name
        lines.append(f"| {shown} | {_markdown_cell(figure)} | {_markdown_cell(value)} | {_markdown_cell(aim)} |")
    return "\n".join(lines)


def write_readme(results: Path = DEFAULT_OUT, readme: Path = README) -> None:
    document = json.loads(results.read_text(encoding="utf-8"))
    text = readme.read_text(encoding="utf-8")
    if README_BEGIN not in text or README_END not in text:
        raise SystemExit(f"{readme} has no {README_BEGIN} … {README_END} block to fill")
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_BEGIN}\n{readme_block(document)}\n{README_END}{tail}", encoding="utf-8")


def write_results(
    out: Path, results: dict[str, Any], *, command: str, quick: bool, skipped: list[str], merge: bool
) -> dict[str, Any]:
    """Write the JSON. A partial run (--only) keeps the other benchmarks' last figures in the file,
    each stamped with its own generated_at and command, if they come from the same kind of run."""
    benchmarks = dict(results)
    if merge and out.exists():
        try:
            previous = json.loads(out.read_text(encoding="utf-8"))
        except ValueError:
            previous = {}
        if previous.get("quick") == quick:
            benchmarks = {**previous.get("benchmarks", {}), **results}
    document = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": command,
        "quick": quick,
        "machine": machine(),
        "skipped": {name: "no top-level main() -> dict" for name in skipped},
        "benchmarks": dict(sorted(benchmarks.items())),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds, not minutes)")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument(
        "--out",
        help=f"JSON output (default {DEFAULT_OUT.relative_to(ROOT)}; {QUICK_OUT.relative_to(ROOT)} with --quick)",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--readme", action="store_true", help="run nothing: copy bench/results.json's figures into README.md"
    )
    args = parser.parse_args(argv)
    if args.readme:
        write_readme(Path(args.out) if args.out else DEFAULT_OUT)
        print(f"README.md's Performance figures rewritten from {args.out or DEFAULT_OUT}")
        return 0

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

    command = "python -m bench" + (" --quick" if args.quick else "") + (f" --only {args.only}" if args.only else "")
    results: dict[str, Any] = {}
    commit = machine()["commit"]  # each entry keeps its own: a partial run merges into older figures
    for name in modules:
        print(f"== bench.{name}{' (quick)' if args.quick else ''}", flush=True)
        started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        results[name] = {**run_module(name, args.quick), "generated_at": started, "command": command, "commit": commit}
    out = Path(args.out) if args.out else (QUICK_OUT if args.quick else DEFAULT_OUT)
    document = write_results(out, results, command=command, quick=args.quick, skipped=skipped, merge=bool(args.only))
    print()
    print_table(table_rows(results))
    print(
        "run time (s) / peak RSS (MB) of each benchmark process: "
        + "; ".join(f"{n} {r.get('seconds', '?')}/{r.get('peak_rss_mb', '?')}" for n, r in results.items())
    )
    m = document["machine"]
    print(f"machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}; figures written to {out}")
    if skipped:
        print(f"not run (no main() -> dict): {', '.join(skipped)}")
    return 0 if all(r.get("ok") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
