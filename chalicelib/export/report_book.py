"""The `Report` workbook (issue #24): one sheet per grouping of the report (시간대, 일, 팀, 상담원),
the numbers GET /reports answers for the same period. Only the export function imports this module.

Counts are numbers; durations (average, median, p90) are real Excel durations ([h]:mm:ss), so a
supervisor can sum, average and chart them; the CSAT share is a percentage. Times are local to the
report's time zone. The header row is frozen and filtered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from chalicelib.export.values import clean_text, needs_text_guard
from chalicelib.export.workbook import (
    _HEADER_ALIGNMENT,
    _HEADER_BORDER,
    _HEADER_FILL,
    _HEADER_FONT,
    DATETIME_FORMAT,
    DURATION_FORMAT,
)

SHEET_TITLES = {"hour": "시간대", "day": "일", "team": "팀", "agent": "상담원"}
KEY_HEADERS = {"hour": "시간대 (시작)", "day": "날짜", "team": "팀", "agent": "상담원 ID"}
HOUR_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "#,##0"
TOTAL_LABEL = "합계"

# (header, width, how to read the value of a row, its number format)
_Metric = tuple[str, float, Callable[[dict[str, Any]], Any], str]


def _count(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: int(row[name])


def _seconds(duration: str, statistic: str) -> Callable[[dict[str, Any]], Any]:
    def read(row: dict[str, Any]) -> Any:
        value = row[duration][statistic]
        return None if value is None else timedelta(seconds=float(value))

    return read


METRIC_COLUMNS: tuple[_Metric, ...] = (
    ("인입", 9, _count("chatsIn"), NUMBER_FORMAT),
    ("처리", 9, _count("answered"), NUMBER_FORMAT),
    ("미처리", 9, _count("unanswered"), NUMBER_FORMAT),
    ("대기 중 이탈", 11, _count("abandoned"), NUMBER_FORMAT),
    ("전환", 9, _count("transferred"), NUMBER_FORMAT),
    ("유휴 종료", 10, _count("endedIdle"), NUMBER_FORMAT),
    ("첫 응답 평균", 12, _seconds("firstResponse", "averageSeconds"), DURATION_FORMAT),
    ("첫 응답 중앙값", 13, _seconds("firstResponse", "medianSeconds"), DURATION_FORMAT),
    ("첫 응답 p90", 12, _seconds("firstResponse", "p90Seconds"), DURATION_FORMAT),
    ("대기 평균", 11, _seconds("wait", "averageSeconds"), DURATION_FORMAT),
    ("대기 중앙값", 12, _seconds("wait", "medianSeconds"), DURATION_FORMAT),
    ("대기 p90", 11, _seconds("wait", "p90Seconds"), DURATION_FORMAT),
    ("상담 평균", 11, _seconds("handle", "averageSeconds"), DURATION_FORMAT),
    ("상담 중앙값", 12, _seconds("handle", "medianSeconds"), DURATION_FORMAT),
    ("상담 p90", 11, _seconds("handle", "p90Seconds"), DURATION_FORMAT),
    ("만족", 9, _count("satisfied"), NUMBER_FORMAT),
    ("불만족", 9, _count("dissatisfied"), NUMBER_FORMAT),
    ("만족 비율", 10, lambda row: row["satisfiedShare"], PERCENT_FORMAT),
)


class ReportWorkbook:
    """Write-only: each sheet is written at once from one grouping's report."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self.workbook.properties.creator = "livechat"
        self.workbook.properties.title = "Report"
        self.rows = 0

    def add_grouping(self, report: dict[str, Any], team_names: dict[str, str] | None = None) -> None:
        group_by = report["groupBy"]
        tz = ZoneInfo(report["timeZone"])
        sheet = self.workbook.create_sheet(SHEET_TITLES[group_by])
        sheet.freeze_panes = "B2"  # the header row and the key column stay in view
        key_header = KEY_HEADERS[group_by]
        headers: list[tuple[str, float]] = [(key_header, 18 if group_by in ("hour", "day") else 22)]
        if group_by == "team":
            headers.append(("팀 이름", 18))
        headers += [(title, width) for title, width, _, _ in METRIC_COLUMNS]
        for index, (_, width) in enumerate(headers, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        header_cells = []
        for title, _ in headers:
            heading = WriteOnlyCell(sheet, value=title)
            heading.font, heading.fill = _HEADER_FONT, _HEADER_FILL
            heading.alignment, heading.border = _HEADER_ALIGNMENT, _HEADER_BORDER
            header_cells.append(heading)
        sheet.append(header_cells)

        def cell(value: Any, number_format: str | None = None) -> Any:
            if isinstance(value, str):
                text = clean_text(value) or ""
                written = WriteOnlyCell(sheet, value=text)
                if needs_text_guard(text):
                    written.quotePrefix = True
                    written.data_type = "s"
                return written
            written = WriteOnlyCell(sheet, value=value)
            if number_format is not None and value is not None:
                written.number_format = number_format
            return written

        def metric_cells(row: dict[str, Any]) -> list[Any]:
            return [cell(read(row), number_format) for _, _, read, number_format in METRIC_COLUMNS]

        for row in report["rows"]:
            key = row["key"]
            if group_by == "hour":
                start = datetime.fromisoformat(key.replace("Z", "+00:00")).astimezone(tz).replace(tzinfo=None)
                key_cells = [cell(start, HOUR_FORMAT)]
            elif group_by == "day":
                key_cells = [cell(datetime.fromisoformat(key), DATE_FORMAT)]
            elif group_by == "team":
                name = "(팀 없음)" if key == report["noTeam"] else (team_names or {}).get(key, key)
                key_cells = [cell(key), cell(name)]
            else:
                key_cells = [cell(key)]
            sheet.append(key_cells + metric_cells(row))
            self.rows += 1
        total_key = [cell(TOTAL_LABEL)] + ([cell(None)] if group_by == "team" else [])
        sheet.append(total_key + metric_cells(report["total"]))
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(report['rows']) + 1}"

    def save(self, stream: IO[bytes]) -> None:
        self.workbook.save(stream)


__all__ = ["DATETIME_FORMAT", "ReportWorkbook"]
