"""What the docs promise, read the one way every test reads it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def documented_error_codes() -> dict[str, int]:
    """code → HTTP status, from the error table of docs/protocol.md (`internal` included)."""
    text = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    section = text[text.index("## Error codes") :]
    section = section[: section.index("\n## ", 5)] if "\n## " in section[5:] else section
    return {code: int(status) for code, status in re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", section, re.M)}
