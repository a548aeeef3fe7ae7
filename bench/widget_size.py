"""Size of everything the customer widget loads: each file of frontend/widget/, gzipped on its own
(as CloudFront serves them), against the 40 KB budget of issue 4.

    .venv/bin/python bench/widget_size.py

tests/browser/test_widget.py checks that the files a page loads for the widget are exactly these.
Prints figures only.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

WIDGET_DIR = Path(__file__).resolve().parents[1] / "frontend" / "widget"
BUDGET_BYTES = 40 * 1024


def widget_files() -> list[Path]:
    return sorted(p for p in WIDGET_DIR.iterdir() if p.is_file() and p.suffix in {".js", ".css"})


def main() -> dict:
    files = {}
    for path in widget_files():
        data = path.read_bytes()
        files[path.name] = {"bytes": len(data), "gzip_bytes": len(gzip.compress(data, compresslevel=9, mtime=0))}
    total_gzip = sum(f["gzip_bytes"] for f in files.values())
    result = {
        "widget_files": files,
        "widget_raw_bytes": sum(f["bytes"] for f in files.values()),
        "widget_gzip_bytes": total_gzip,
        "widget_gzip_budget_bytes": BUDGET_BYTES,
        "widget_within_budget": total_gzip < BUDGET_BYTES,
    }
    print(json.dumps(result, indent=2))
    print(f"widget: {total_gzip / 1024:.1f} KB gzipped ({len(files)} files) of a {BUDGET_BYTES // 1024} KB budget")
    return result


if __name__ == "__main__":
    main()
