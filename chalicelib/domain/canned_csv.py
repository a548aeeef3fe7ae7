"""CSV export and import of canned responses (all or nothing), and the import's plan. Pure Python.

Export (`to_csv`) writes UTF-8 with a BOM, so Excel reads it as UTF-8. Import (`from_csv`) reads that,
or CP949 (Korean Excel's plain CSV), with the columns named in English or Korean in any order; each
field is validated as at save (canned.py) and a file with any bad row is refused whole, with every
row's errors (`CsvImportRefused`). `plan_canned_import` then matches the rows to a scope's responses by
shortcut: new shortcuts are created, the others update; nothing is deleted.

Cells Excel (or another spreadsheet) could read as a formula or command start with one of
FORMULA_TRIGGERS (the set chalicelib/export/values.py guards in the workbook). Such a cell is written
with a leading apostrophe, Excel's "this is text" mark: Excel shows the text without it and never
evaluates the cell. So that the apostrophe is not taken for part of the text on import, a text that
itself starts with an apostrophe gets one too, and import removes one apostrophe exactly where export
would have added it (before a trigger or an apostrophe): our own files round-trip exactly.
A file Excel re-saves carries the bare text (`=1+1`, Excel dropped its mark), which imports as that
same text; the one text that does not survive Excel is one starting with an apostrophe and then a
trigger (`'=1` comes back as `=1`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.canned import (
    CANNED_FIELDS,
    FIELD_VALIDATORS,
    MAX_SHARED_RESPONSES,
    CannedFields,
    CannedResponse,
    CannedScope,
    check_canned_limit,
    shortcut_key,
)
from chalicelib.domain.errors import DomainError, InvalidField

# A cell starting with one of these is written after _GUARD, Excel's text mark (the module docstring says why).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"
MAX_CSV_BYTES = 10 * 1024 * 1024  # API Gateway's REST body cap
MAX_CSV_ERRORS = 100  # reported; more are counted

CSV_HEADERS = {
    "en": {"shortcut": "shortcut", "title": "title", "category": "category", "text": "text"},
    "ko": {"shortcut": "단축어", "title": "제목", "category": "분류", "text": "내용"},
}
_HEADER_TO_FIELD = {label.casefold(): field for labels in CSV_HEADERS.values() for field, label in labels.items()}
_REQUIRED_COLUMNS = ("shortcut", "title", "text")


def neutralise_cell(value: str) -> str:
    return _GUARD + value if value.startswith((*FORMULA_TRIGGERS, _GUARD)) else value


def restore_cell(value: str) -> str:
    if value.startswith(_GUARD) and value[1:2] and value[1:2] in (*FORMULA_TRIGGERS, _GUARD):
        return value[1:]
    return value


def to_csv(responses: Iterable[CannedResponse], *, lang: str = "ko") -> bytes:
    """UTF-8 with a BOM (Excel then reads it as UTF-8), CRLF rows, every cell quoted.

    Newlines inside a text stay LF inside its quoted cell, which Excel shows as line breaks in one cell.
    """
    headers = CSV_HEADERS.get(lang, CSV_HEADERS["ko"])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([headers[name] for name in CANNED_FIELDS])
    for response in sorted(responses, key=lambda r: r.position):
        writer.writerow([neutralise_cell(getattr(response, name) or "") for name in CANNED_FIELDS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class CsvRowError:
    row: int  # as Excel numbers it: the header is row 1
    field: str | None
    message: str

    def to_view(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class CsvImportRefused(InvalidField):
    """The file, or at least one row, is invalid: nothing is imported. Carries every row's errors."""

    def __init__(self, errors: list[CsvRowError], *, total: int | None = None) -> None:
        total = len(errors) if total is None else total
        first = errors[0]
        where = f"row {first.row}" + (f", {first.field}" if first.field else "")
        more = f" (and {total - 1} more)" if total > 1 else ""
        super().__init__(f"nothing was imported: {where}: {first.message}{more}", field=first.field)
        self.errors = errors
        self.total = total

    def to_body(self) -> dict[str, Any]:  # adds the list beside the one-line message
        return {**super().to_body(), "errors": [e.to_view() for e in self.errors], "errorCount": self.total}


def _decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Korean Excel's plain "CSV (쉼표로 분리)" saves in CP949; only "CSV UTF-8" keeps UTF-8.
    try:
        return data.decode("cp949")
    except UnicodeDecodeError as exc:
        raise CsvImportRefused([CsvRowError(0, None, "the file is neither UTF-8 nor CP949 text")]) from exc


def from_csv(data: bytes) -> list[CannedFields]:
    """Every row of a file `to_csv` wrote (or Excel re-saved), validated; all or nothing.

    The first row names the columns, in English or Korean, in any order (category may be absent).
    Blank rows are skipped. A row is refused for any invalid field and for a shortcut an earlier
    row already has; all errors are collected (the first MAX_CSV_ERRORS reported) and raised at once.
    """
    if len(data) > MAX_CSV_BYTES:
        raise CsvImportRefused([CsvRowError(0, None, f"the file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB")])
    try:
        rows = list(csv.reader(io.StringIO(_decode_csv(data), newline=""), strict=True))
    except csv.Error as exc:
        raise CsvImportRefused([CsvRowError(0, None, f"not a readable CSV file: {exc}")]) from exc
    if not rows:
        raise CsvImportRefused([CsvRowError(1, None, "the file is empty: the first row names the columns")])
    columns = _header_columns(rows[0])
    records = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell.strip() for cell in row)]
    if len(records) > MAX_SHARED_RESPONSES:
        raise CsvImportRefused(
            [CsvRowError(0, None, f"{len(records):,} rows: at most {MAX_SHARED_RESPONSES:,} canned responses")]
        )
    errors: list[CsvRowError] = []
    drafts: list[CannedFields] = []
    seen_shortcuts: dict[str, int] = {}
    for number, row in records:
        if len(row) > len(columns):
            errors.append(CsvRowError(number, None, f"{len(row)} cells, but the header names {len(columns)} columns"))
            continue
        cells = {field: restore_cell(row[i]) if i < len(row) else "" for i, field in enumerate(columns)}
        values: dict[str, Any] = {}
        row_ok = True
        for name in CANNED_FIELDS:
            try:
                values[name] = FIELD_VALIDATORS[name](cells.get(name, ""))
            except DomainError as exc:
                errors.append(CsvRowError(number, name, exc.message))
                row_ok = False
        if "shortcut" in values:
            key = shortcut_key(values["shortcut"])
            if key in seen_shortcuts:
                errors.append(CsvRowError(number, "shortcut", f"row {seen_shortcuts[key]} has the same shortcut"))
                row_ok = False
            else:
                seen_shortcuts[key] = number
        if row_ok:
            drafts.append(CannedFields(**values))
    if errors:
        raise CsvImportRefused(errors[:MAX_CSV_ERRORS], total=len(errors))
    return drafts


def _header_columns(header: list[str]) -> list[str]:
    columns: list[str] = []
    errors: list[CsvRowError] = []
    for cell in header:
        label = restore_cell(cell).strip().lstrip("\ufeff")
        field = _HEADER_TO_FIELD.get(label.casefold())
        if field is None:
            known = ", ".join(f"{en} ({CSV_HEADERS['ko'][en]})" for en in CANNED_FIELDS)
            errors.append(CsvRowError(1, label or None, f"unknown column '{label}'; the columns are {known}"))
        elif field in columns:
            errors.append(CsvRowError(1, field, f"column '{label}' appears twice"))
        else:
            columns.append(field)
    for field in _REQUIRED_COLUMNS:
        if field not in columns and not any(e.field == field for e in errors):
            errors.append(CsvRowError(1, field, f"the column '{field}' ({CSV_HEADERS['ko'][field]}) is missing"))
    if errors:
        raise CsvImportRefused(errors)
    return columns


@dataclass(frozen=True)
class CannedImportPlan:
    """What an import does to one scope: rows whose shortcut is new are created, the others update
    the response with that shortcut (rows identical to it are left out). Nothing is deleted."""

    creates: tuple[CannedFields, ...]
    updates: tuple[tuple[CannedResponse, CannedFields], ...]


def plan_canned_import(
    existing: Iterable[CannedResponse], drafts: Iterable[CannedFields], *, scope: CannedScope
) -> CannedImportPlan:
    """Matches rows to responses by shortcut (`shortcut_key`), then checks the scope's limit for the creates."""
    existing_list = list(existing)
    by_key = {shortcut_key(r.shortcut): r for r in existing_list}
    creates: list[CannedFields] = []
    updates: list[tuple[CannedResponse, CannedFields]] = []
    for draft in drafts:
        current = by_key.get(shortcut_key(draft.shortcut))
        if current is None:
            creates.append(draft)
        elif current.fields != draft:
            updates.append((current, draft))
    check_canned_limit(scope, len(existing_list), len(creates))
    return CannedImportPlan(tuple(creates), tuple(updates))
