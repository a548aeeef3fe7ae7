"""The export workbook, written with openpyxl's write-only mode: rows stream to temporary sheet
files and never accumulate in memory. Only the export function imports this module.

Sheets `Chats` and `Messages` continue on `Chats (2)`, `Messages (2)`, … before Excel's row
limit (write-only mode would happily write past it). Text that Excel could read as a formula
(= + - @ tab CR) is written as quote-prefixed text; times are real Excel date-times in the
service's time zone; durations are Excel durations ([h]:mm:ss).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from chalicelib.export.values import clean_text, needs_text_guard

DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DURATION_FORMAT = "[h]:mm:ss"


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # text | datetime | duration | number


CHAT_COLUMNS: tuple[Column, ...] = (
    Column("채팅 ID", 28),
    Column("인입 시간", 20, "datetime"),
    Column("처리 유형", 16),
    Column("처리 상태", 10),
    Column("상담원", 16),
    Column("상담원 ID", 24),
    Column("사용자 이름", 16),
    Column("평가", 10),
    Column("첫 응답 시간", 13, "duration"),
    Column("대화 상태", 10),
    Column("이메일", 26),
    Column("전화번호", 16),
    Column("고객 메모", 40),
    Column("문의 유형", 16),
    Column("상담 내용", 50),
    Column("배정 시간", 20, "datetime"),
    Column("첫 응답 시각", 20, "datetime"),
    Column("종료 시간", 20, "datetime"),
    Column("상담 시간", 12, "duration"),
    Column("종료 주체", 10),
    Column("평가 코멘트", 40),
    Column("메시지 수", 10, "number"),
    Column("티켓 ID", 30),
    Column("팀", 16),
    Column("전환 횟수", 10, "number"),
    Column("전환 내역", 60),
    Column("종료 사유", 20),
)

MESSAGE_COLUMNS: tuple[Column, ...] = (
    Column("채팅 ID", 28),
    Column("순번", 8, "number"),
    Column("시간", 20, "datetime"),
    Column("보낸 사람 유형", 14),
    Column("보낸 사람", 16),
    Column("내용", 80),
)

ATTACHMENT_COLUMNS: tuple[Column, ...] = (
    Column("채팅 ID", 28),
    Column("순번", 8, "number"),
    Column("시간", 20, "datetime"),
    Column("보낸 사람 유형", 14),
    Column("파일 이름", 40),
    Column("형식", 30),
    Column("크기(바이트)", 14, "number"),
    Column("상태", 10),
)

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill(fill_type="solid", start_color="305496", end_color="305496")
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_BORDER = Border(bottom=Side(style="thin", color="1F3864"))


class SheetSeries:
    """One logical sheet that continues on a new worksheet before `row_limit` rows (header included)."""

    def __init__(self, workbook: Workbook, title: str, columns: tuple[Column, ...], row_limit: int) -> None:
        if row_limit < 2:
            raise ValueError("a sheet needs room for its header and one row")
        self.workbook = workbook
        self.title = title
        self.columns = columns
        self.row_limit = row_limit
        self.sheets: list[WriteOnlyWorksheet] = []
        self.rows_in_sheet = 0  # data rows in the current sheet
        self.rows = 0  # data rows in all sheets
        self._new_sheet()

    def _new_sheet(self) -> None:
        number = len(self.sheets) + 1
        sheet = self.workbook.create_sheet(self.title if number == 1 else f"{self.title} ({number})")
        # Write-only sheets take their layout before the first row.
        sheet.freeze_panes = "A2"
        for index, column in enumerate(self.columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = _HEADER_ALIGNMENT
            cell.border = _HEADER_BORDER
            header.append(cell)
        sheet.append(header)
        self.sheets.append(sheet)
        self.rows_in_sheet = 0
        # One styled cell per column, reused row after row: write-only mode writes each row at
        # once, so a cell object only has to hold its value until `append` returns.
        self._styled: list[WriteOnlyCell | None] = []
        self._guarded: list[WriteOnlyCell] = []
        for column in self.columns:
            styled: WriteOnlyCell | None = None
            if column.kind in ("datetime", "duration"):
                styled = WriteOnlyCell(sheet)
                styled.number_format = DATETIME_FORMAT if column.kind == "datetime" else DURATION_FORMAT
            self._styled.append(styled)
            guarded = WriteOnlyCell(sheet)
            guarded.quotePrefix = True  # Excel shows the text as typed, never as a formula
            self._guarded.append(guarded)

    def append(self, values: list[Any]) -> None:
        if self.rows_in_sheet + 1 >= self.row_limit:
            self._new_sheet()
        row: list[Any] = []
        for index, value in enumerate(values):
            if value is None:
                row.append(None)
            elif isinstance(value, str):
                row.append(self._text(index, value))
            elif isinstance(value, datetime | timedelta):
                cell = self._styled[index]
                if cell is None:
                    raise TypeError(f"column {self.columns[index].header!r} takes no times")
                cell.value = value
                row.append(cell)
            else:
                row.append(value)
        self.sheets[-1].append(row)
        self.rows_in_sheet += 1
        self.rows += 1

    def _text(self, index: int, value: str) -> Any:
        text = clean_text(value)
        if not text:
            return None
        # Judged on both: the stored text (a leading CR counts) and the written one (controls removed).
        if needs_text_guard(value) or needs_text_guard(text):
            cell = self._guarded[index]
            cell.value = text
            cell.data_type = "s"  # openpyxl makes "=…" a formula; this keeps it a string
            return cell
        return text

    def finish(self) -> None:
        """Add an auto-filter over each sheet's rows (written with the sheet's tail, at save)."""
        last_column = get_column_letter(len(self.columns))
        for number, sheet in enumerate(self.sheets, 1):
            rows = self.rows_in_sheet if number == len(self.sheets) else self.row_limit - 1
            sheet.auto_filter.ref = f"A1:{last_column}{rows + 1}"


class ExportWorkbook:
    def __init__(self, row_limit: int) -> None:
        self.workbook = Workbook(write_only=True)
        self.workbook.properties.creator = "livechat"
        self.workbook.properties.title = "Chat history"
        self.chats = SheetSeries(self.workbook, "Chats", CHAT_COLUMNS, row_limit)
        self.messages = SheetSeries(self.workbook, "Messages", MESSAGE_COLUMNS, row_limit)
        self.attachments = SheetSeries(self.workbook, "Attachments", ATTACHMENT_COLUMNS, row_limit)

    def _series(self) -> tuple[WriteOnlyWorksheet, ...]:
        return (*self.chats.sheets, *self.messages.sheets, *self.attachments.sheets)

    def save(self, stream: IO[bytes]) -> None:
        """Zip the sheets into `stream`, which may be unseekable (an S3 multipart upload)."""
        self.chats.finish()
        self.messages.finish()
        self.attachments.finish()
        # Sheets were created as rows overflowed; the file lists Chats…, then Messages…, then Attachments….
        for target, sheet in enumerate(self._series()):
            self.workbook.move_sheet(sheet.title, target - self.workbook.worksheets.index(sheet))
        self.workbook.save(stream)

    def discard(self) -> None:
        """Remove temporary sheet files left behind (saving removes them; a failure may not)."""
        for sheet in self._series():
            if not sheet.closed:
                sheet.close()  # ends the sheet's row writer, which would otherwise write on at GC
            path = getattr(getattr(sheet, "_writer", None), "out", None)
            if isinstance(path, str) and os.path.exists(path):
                os.remove(path)
