"""Cold start: time to import app.py in a fresh interpreter, against `import boto3` alone.

    .venv/bin/python -m bench.cold_start [--quick]

Each sample is a new interpreter that times only the import (interpreter start-up excluded),
alternating app and boto3 runs so machine noise hits both alike; the figures are medians.
Lambda's Python runtime starts the same way: a fresh interpreter importing the handler module.
It also checks that importing the chat handlers does not import openpyxl (the export Lambda
imports it lazily), and lists the heaviest top-level imports from `python -X importtime`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench._support import quick

ROOT = Path(__file__).resolve().parents[1]
RUNS = 15
QUICK_RUNS = 5
HEAVY = ("openpyxl", "pandas", "numpy")
PROBE = """
import json, sys, time
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
heavy = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps({{"seconds": seconds, "modules": len(sys.modules), "heavy": heavy}}))
"""


def _env() -> dict[str, str]:
    # What a Lambda has: a region and credentials in the environment, no endpoint overrides.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BENCH_"))}
    env.update({"AWS_REGION": "ap-northeast-2", "AWS_DEFAULT_REGION": "ap-northeast-2", "PYTHONDONTWRITEBYTECODE": "1"})
    env["PYTHONPATH"] = str(ROOT)
    return env


def _sample(module: str) -> dict[str, Any]:
    code = PROBE.format(module=module, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_env(), capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def heaviest_imports(module: str, top: int = 8) -> list[dict[str, Any]]:
    """Packages by total self import time (ms), from one `-X importtime` run of `import <module>`."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    totals: dict[str, int] = {}
    for line in err.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue  # the header line
        package = parts[2].strip().split(".")[0]
        totals[package] = totals.get(package, 0) + int(parts[0])
    ranked = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return [{"package": name, "ms": round(us / 1000, 1)} for name, us in ranked]


def main() -> dict[str, Any]:
    runs = QUICK_RUNS if quick() else RUNS
    _sample("boto3")  # warm the file cache once, so the first sample is not an outlier
    app_runs, boto_runs = [], []
    app_modules = heavy = None
    for _ in range(runs):
        app = _sample("app")
        boto = _sample("boto3")
        app_runs.append(app["seconds"])
        boto_runs.append(boto["seconds"])
        app_modules, heavy = app["modules"], app["heavy"]
    app_ms = statistics.median(app_runs) * 1000
    boto_ms = statistics.median(boto_runs) * 1000
    ratio = app_ms / boto_ms
    openpyxl_imported = "openpyxl" in (heavy or [])
    print(
        f"import app: median {app_ms:.0f} ms; import boto3: median {boto_ms:.0f} ms; ratio {ratio:.2f}x "
        f"(aim ≤ 1.25x) over {runs} fresh interpreters each"
    )
    print(
        f"openpyxl imported by app.py: {openpyxl_imported}"
        + ("  <-- the chat handlers must not import it" * openpyxl_imported)
    )
    top = heaviest_imports("app")
    print("heaviest top-level imports of app.py: " + ", ".join(f"{t['package']} {t['ms']} ms" for t in top))
    return {
        "summary": {
            "import_app_ms_median": round(app_ms, 1),
            "import_boto3_ms_median": round(boto_ms, 1),
            "ratio_app_to_boto3": round(ratio, 3),
            "openpyxl_imported_by_app": openpyxl_imported,
            "runs": runs,
        },
        "aims": {"ratio_app_to_boto3": "≤ 1.25", "openpyxl_imported_by_app": "False"},
        "import_app_ms": [round(s * 1000, 1) for s in app_runs],
        "import_boto3_ms": [round(s * 1000, 1) for s in boto_runs],
        "modules_after_import_app": app_modules,
        "heavy_modules_loaded": heavy,
        "heaviest_imports_of_app": top,
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
