"""Run one benchmark module in this (fresh) interpreter and write its figures as JSON.

    python -m bench._child <module> <output.json>

The runner (`python -m bench`) starts one of these per module, so each benchmark has its own
imports, its own moto state and its own peak RSS.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
import traceback
from typing import Any


def _peak_rss_mb() -> float:
    """VmHWM: this process's own peak. getrusage's ru_maxrss carries the parent's across fork + exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    name, output = sys.argv[1], sys.argv[2]
    sys.argv = [f"bench.{name}", *sys.argv[3:]]
    report: dict[str, Any] = {"ok": False}
    start = time.perf_counter()
    try:
        module = importlib.import_module(f"bench.{name}")
        result = module.main()
        if not isinstance(result, dict):
            raise TypeError(f"bench.{name}.main() returned {type(result).__name__}, not a dict")
        report.update(ok=True, result=result)
    except BaseException as exc:  # noqa: BLE001 - a failing benchmark is reported, the others still run
        traceback.print_exc()
        report["error"] = f"{type(exc).__name__}: {exc}"
    report["seconds"] = round(time.perf_counter() - start, 2)
    report["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(report, handle, ensure_ascii=False, default=str)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
