"""Export settings from environment variables (no heavy imports: REST handlers read these too)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from chalicelib.config import table_name

EXCEL_MAX_ROWS = 1_048_576  # rows per worksheet, header included (Excel's hard limit)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}")
    return value


@dataclass(frozen=True)
class ExportOptions:
    time_zone: str  # IANA name; times in the workbook and file name are local to it
    sheet_row_limit: int  # rows per sheet including the header; further rows go to a new sheet
    max_rows: int  # chats + messages per export: bounds /tmp (uncompressed sheet XML) and run time
    part_bytes: int  # S3 multipart part size: the part being gathered waits in /tmp
    url_seconds: int  # presigned URL lifetime
    retention_days: int  # S3 lifecycle expiry of export files (the template reads the same default)
    read_ahead: int  # message batches (~100 messages each) read concurrently, ahead of the writer
    lease_seconds: int  # a running attempt owns its job this long (the function timeout plus slack)
    max_attempts: int  # the queue's maxReceiveCount: the last attempt marks the job failed
    progress_seconds: float  # at most one progress update (store + push) per this many seconds
    deadline_margin_ms: int  # stop cleanly when the function has less time left than this …
    save_ms_per_1000_rows: int  # … plus this much per 1,000 rows written, for the final save and upload


def export_options() -> ExportOptions:
    return ExportOptions(
        time_zone=os.environ.get("EXPORT_TIME_ZONE") or "Asia/Seoul",
        sheet_row_limit=_int("EXPORT_SHEET_ROW_LIMIT", EXCEL_MAX_ROWS, 3, EXCEL_MAX_ROWS),
        max_rows=_int("EXPORT_MAX_ROWS", 3_000_000, 1, 50_000_000),
        part_bytes=_int("EXPORT_PART_BYTES", 8 * 1024 * 1024, 5 * 1024 * 1024, 512 * 1024 * 1024),
        url_seconds=_int("EXPORT_URL_SECONDS", 900, 60, 7 * 24 * 3600),
        retention_days=_int("EXPORT_RETENTION_DAYS", 7, 1, 3650),
        read_ahead=_int("EXPORT_READ_AHEAD", 8, 1, 64),
        lease_seconds=_int("EXPORT_LEASE_SECONDS", 960, 1, 43200),
        max_attempts=_int("EXPORT_MAX_ATTEMPTS", 3, 1, 100),
        progress_seconds=float(os.environ.get("EXPORT_PROGRESS_SECONDS") or 2.0),
        deadline_margin_ms=_int("EXPORT_DEADLINE_MARGIN_MS", 30_000, 0, 600_000),
        save_ms_per_1000_rows=_int("EXPORT_SAVE_MS_PER_1000_ROWS", 60, 0, 10**9),
    )


def export_queue_name() -> str:
    """The queue the export function reads: the template's `${AWS::StackName}-exports`.

    Stacks are named `livechat-<stage>` and TABLE_PREFIX is `livechat-<stage>-`, so the name
    follows from TABLE_PREFIX (set locally before the app is imported; when packaging for a stage
    other than dev, set TABLE_PREFIX or EXPORT_QUEUE_NAME in the packaging environment).
    """
    return os.environ.get("EXPORT_QUEUE_NAME") or table_name("exports")
