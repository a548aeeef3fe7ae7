"""Cell values and names, in plain Python: local times, formula neutralising, the file name."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

# Text Excel (or a CSV re-import) could take for a formula or a command: = + - @ tab CR.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry (openpyxl refuses them); chat input validation already drops most.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCEL_CELL_MAX_CHARS = 32_767


@lru_cache(maxsize=8)
def zone(name: str) -> tzinfo:
    return ZoneInfo(name)


def local_datetime(epoch_ms: int | None, tz: tzinfo) -> datetime | None:
    """A naive datetime in the service's zone: Excel date-times carry no zone."""
    if epoch_ms is None:
        return None
    return datetime.fromtimestamp(epoch_ms / 1000, tz).replace(tzinfo=None)


def duration(start_ms: int | None, end_ms: int | None) -> timedelta | None:
    if start_ms is None or end_ms is None or end_ms < start_ms:
        return None
    return timedelta(milliseconds=end_ms - start_ms)


def needs_text_guard(text: str) -> bool:
    """True when the text must be written as quote-prefixed text, never as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str | None) -> str | None:
    """Drop characters XML cannot carry; line ends become LF (XML would turn a bare CR into LF anyway)."""
    if text is None:
        return None
    text = _ILLEGAL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return text[:EXCEL_CELL_MAX_CHARS]


def export_file_name(from_ms: int, to_ms: int, tz: tzinfo) -> str:
    """`chat-history_20261101-20261124.xlsx`: the searched period in local dates."""
    start = datetime.fromtimestamp(from_ms / 1000, UTC).astimezone(tz)
    end = datetime.fromtimestamp(to_ms / 1000, UTC).astimezone(tz)
    return f"chat-history_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
