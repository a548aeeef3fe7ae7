"""Canned responses (상용구): validation, variables, limits, CSV import and export. Pure Python.

A response has a title, a shortcut (typed after `/` in the composer), a text and an optional
category, and is either shared (managed by admins, seen by all staff) or personal (one agent's own).

Limits, chosen here and checked at save:
- text: 1-2,000 characters, newlines allowed (line ends stored as LF); the same cap as a chat message.
- title: 1-100 characters, one line.
- shortcut: 1-30 characters, one line, letters (Latin and Hangul syllables), digits and `_-.`; no
  spaces (the composer's `/` search ends at a space). A leading `/` is dropped (people copy the way
  it is typed). Unique per scope (and owner) without regard to case: see `shortcut_key`.
- category: 0-50 characters, one line; empty means uncategorised.
- at most 2,000 shared responses and 200 personal ones per agent.
All text is NFC-normalised, so a macOS-composed (decomposed) Hangul string compares like a typed one.

Variables: `{{customer.name}}`, `{{agent.displayName}}`, `{{chat.inquiryType}}`, `{{today}}`, written
exactly so (no spaces inside the braces). `{{` and `}}` are reserved in a response's text: an unknown
variable or a brace that opens or closes nothing is refused at save, naming it. Single braces (`{주문번호}`)
are ordinary text.

Filling (`fill`): each known variable is replaced by its value. A variable whose value is empty (or
missing, or no longer known) becomes an empty string, never a `{{…}}` literal and never a label that a
hurried agent could send to a customer; its position is returned as a zero-width span so the composer
can put the caret there and mark it for the agent to fill. A caller that prefers a visible label
(e.g. `[고객명]`) passes `placeholder=`, and the span then covers the label so it can be selected.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain.errors import DomainError, Forbidden, InvalidField, LimitReached, TooLong
from chalicelib.domain.model import Principal, Role

MAX_TEXT_CHARS = 2000
MAX_TITLE_CHARS = 100
MAX_SHORTCUT_CHARS = 30
MAX_CATEGORY_CHARS = 50
MAX_SHARED_RESPONSES = 2000
MAX_PERSONAL_RESPONSES = 200
DEFAULT_TIME_ZONE = "Asia/Seoul"

CANNED_FIELDS = ("shortcut", "title", "category", "text")

# Letters (Latin, Hangul syllables), digits and _-. : what can follow `/` without ending the search.
_SHORTCUT = re.compile(rf"[0-9A-Za-z\uAC00-\uD7A3_.\-]{{1,{MAX_SHORTCUT_CHARS}}}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A well-formed variable: two braces, a name without braces, two braces.
_VARIABLE = re.compile(r"\{\{([^{}]*)\}\}")


class CannedScope(StrEnum):
    SHARED = "shared"
    PERSONAL = "personal"


class Variable(StrEnum):
    CUSTOMER_NAME = "customer.name"
    AGENT_DISPLAY_NAME = "agent.displayName"
    CHAT_INQUIRY_TYPE = "chat.inquiryType"
    TODAY = "today"


KNOWN_VARIABLES = frozenset(v.value for v in Variable)


@dataclass(frozen=True)
class CannedFields:
    """The validated, editable part of a response."""

    title: str
    shortcut: str
    text: str
    category: str | None = None


@dataclass(frozen=True)
class CannedResponse:
    response_id: str
    scope: CannedScope
    owner_id: str | None  # the agent, for personal responses; None for shared ones
    title: str
    shortcut: str
    text: str
    category: str | None = None
    position: int = 0  # the admin's order (reorder); ties keep creation order

    @property
    def fields(self) -> CannedFields:
        return CannedFields(self.title, self.shortcut, self.text, self.category)


# --- validation ---------------------------------------------------------------------------


def _clean(name: str, value: Any, *, max_chars: int, required: bool, multiline: bool) -> str | None:
    """The one text check for every field: type, Unicode, control characters, length, whitespace-only."""
    if value is None:
        if required:
            raise InvalidField(f"'{name}' is required", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidField(f"'{name}' must be a string", field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidField(f"'{name}' is not valid Unicode text", field=name) from exc
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not multiline and "\n" in value:
        raise InvalidField(f"'{name}' must be a single line", field=name)
    if _CONTROL.search(value):
        raise InvalidField(f"'{name}' contains control characters", field=name)
    if len(value) > max_chars:
        raise TooLong(f"'{name}' is longer than {max_chars} characters", field=name)
    if not value or _only_invisible(value):
        if required:
            raise InvalidField(f"'{name}' must not be empty or only spaces", field=name)
        return None
    return value


def _only_invisible(value: str) -> bool:
    # Zero-width spaces, joiners and BOMs (category Cf) between spaces look as empty as spaces do.
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in value)


def validate_title(value: Any) -> str:
    title = _clean("title", value, max_chars=MAX_TITLE_CHARS, required=True, multiline=False)
    assert title is not None
    return title


def validate_shortcut(value: Any) -> str:
    shortcut = _clean("shortcut", value, max_chars=MAX_SHORTCUT_CHARS + 1, required=True, multiline=False)
    assert shortcut is not None
    if shortcut.startswith("/"):
        shortcut = shortcut[1:]
    if len(shortcut) > MAX_SHORTCUT_CHARS:
        raise TooLong(f"'shortcut' is longer than {MAX_SHORTCUT_CHARS} characters", field="shortcut")
    if not _SHORTCUT.fullmatch(shortcut):
        raise InvalidField(
            "'shortcut' may hold only letters (Latin or Hangul syllables), digits and _ - . (no spaces)",
            field="shortcut",
        )
    return shortcut


def validate_category(value: Any) -> str | None:
    return _clean("category", value, max_chars=MAX_CATEGORY_CHARS, required=False, multiline=False)


def validate_text(value: Any) -> str:
    text = _clean("text", value, max_chars=MAX_TEXT_CHARS, required=True, multiline=True)
    assert text is not None
    check_variables(text)
    return text


def shortcut_key(shortcut: str) -> str:
    """What makes two shortcuts the same (`Hello` and `hello`): the store keeps one per scope and owner."""
    return unicodedata.normalize("NFC", shortcut).casefold()


_FIELD_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "title": validate_title,
    "shortcut": validate_shortcut,
    "category": validate_category,
    "text": validate_text,
}


def _only_fields(body: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise InvalidField(f"unknown field(s): {', '.join(unknown)}", field=unknown[0])


def parse_canned_create(body: Mapping[str, Any]) -> CannedFields:
    """A create body: title, shortcut and text required, category optional; nothing else."""
    _only_fields(body, CANNED_FIELDS)
    return CannedFields(
        title=validate_title(body.get("title")),
        shortcut=validate_shortcut(body.get("shortcut")),
        text=validate_text(body.get("text")),
        category=validate_category(body.get("category")),
    )


def apply_canned_edit(response: CannedResponse, body: Mapping[str, Any]) -> CannedResponse:
    """An edit body changes only the fields it holds (at least one); `category: null` or "" clears it."""
    _only_fields(body, CANNED_FIELDS)
    if not body:
        raise InvalidField("nothing to change: give title, shortcut, text or category")
    changes: dict[str, Any] = {}
    for name in CANNED_FIELDS:
        if name in body:
            changes[name] = _FIELD_VALIDATORS[name](body[name])
    return replace(response, **changes)


def new_canned_response(
    response_id: str, fields: CannedFields, *, scope: CannedScope, owner_id: str | None, position: int = 0
) -> CannedResponse:
    if (scope is CannedScope.PERSONAL) != (owner_id is not None):
        raise ValueError("a personal response has an owner and a shared one has none")  # a caller's bug
    return CannedResponse(
        response_id, scope, owner_id, fields.title, fields.shortcut, fields.text, fields.category, position
    )


# --- who may do what ----------------------------------------------------------------------


def scope_for_create(principal: Principal, requested: Any) -> CannedScope:
    """Agents create personal responses; admins shared ones unless they ask for `personal`."""
    if not principal.is_staff:
        raise Forbidden("only agents and admins keep canned responses")
    if requested is None:
        return CannedScope.SHARED if principal.role is Role.ADMIN else CannedScope.PERSONAL
    try:
        scope = CannedScope(requested)
    except ValueError as exc:
        raise InvalidField("'scope' must be one of: shared, personal", field="scope") from exc
    if scope is CannedScope.SHARED and principal.role is not Role.ADMIN:
        raise Forbidden("only admins manage shared canned responses")
    return scope


def may_use(principal: Principal, response: CannedResponse) -> bool:
    """Shared responses are for all staff; a personal one only for its owner."""
    if not principal.is_staff:
        return False
    return response.scope is CannedScope.SHARED or response.owner_id == principal.user_id


def check_can_manage(principal: Principal, response: CannedResponse) -> None:
    """Edit, delete, reorder: admins the shared ones, each agent (or admin) their own personal ones."""
    if response.scope is CannedScope.SHARED:
        if principal.role is not Role.ADMIN:
            raise Forbidden("only admins manage shared canned responses")
        return
    if not principal.is_staff or response.owner_id != principal.user_id:
        raise Forbidden("this canned response is not yours")


def limit_for(scope: CannedScope) -> int:
    return MAX_SHARED_RESPONSES if scope is CannedScope.SHARED else MAX_PERSONAL_RESPONSES


def check_canned_limit(scope: CannedScope, existing_count: int, adding: int = 1) -> None:
    """Refuses adding `adding` responses to a scope (one owner's, for personal) holding `existing_count`."""
    limit = limit_for(scope)
    if existing_count + adding > limit:
        what = "shared canned responses" if scope is CannedScope.SHARED else "personal canned responses per agent"
        room = max(0, limit - existing_count)
        raise LimitReached(f"at most {limit:,} {what}: {existing_count:,} exist, room for {room:,} more")


# --- variables ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VariableUse:
    name: str
    start: int  # index of the first `{` in the text
    end: int  # index after the last `}`


def _suggestion(name: str) -> str:
    squashed = re.sub(r"\s+", "", name).casefold()
    for known in Variable:
        if known.value.casefold() == squashed:
            return f" (did you mean {{{{{known.value}}}}}?)"
    return ""


def check_variables(text: str) -> list[VariableUse]:
    """The variables in a response's text, in order; InvalidField naming the first bad one.

    Bad: an unknown name, an empty `{{}}`, a `{{` or `}}` that is not part of a variable, or a
    variable wrapped in a further brace (`{{{today}}}`), which is almost always a typo.
    """
    uses: list[VariableUse] = []
    allowed = ", ".join(f"{{{{{v.value}}}}}" for v in Variable)
    last_end = 0
    for match in _VARIABLE.finditer(text):
        _check_no_stray_braces(text[last_end : match.start()], offset=last_end, full=text)
        name = match.group(1)
        if name not in KNOWN_VARIABLES:
            shown = match.group(0) if len(name) <= 40 else "{{" + name[:40] + "…}}"
            raise InvalidField(
                f"unknown variable {shown}{_suggestion(name)}; the variables are {allowed}", field="text"
            )
        if (match.start() > 0 and text[match.start() - 1] == "{") or text[match.end() : match.end() + 1] == "}":
            raise InvalidField(f"a stray brace around {match.group(0)}: write it as {match.group(0)}", field="text")
        uses.append(VariableUse(name, match.start(), match.end()))
        last_end = match.end()
    _check_no_stray_braces(text[last_end:], offset=last_end, full=text)
    return uses


def _check_no_stray_braces(segment: str, *, offset: int, full: str) -> None:
    for token in ("{{", "}}"):
        at = segment.find(token)
        if at >= 0:
            position = offset + at
            context = full[max(0, position - 10) : position + 12].replace("\n", " ")
            what = "opens no variable" if token == "{{" else "closes no variable"
            raise InvalidField(
                f"'{token}' at character {position + 1} {what} (near “{context}”); variables are written like "
                "{{customer.name}}",
                field="text",
            )


@dataclass(frozen=True)
class EmptySpan:
    """Where a variable without a value was, in the filled text: for the agent to fill."""

    variable: str
    start: int  # Python str indices (code points)
    end: int  # == start unless a placeholder label was asked for


@dataclass(frozen=True)
class FilledText:
    text: str
    empty_spans: tuple[EmptySpan, ...]

    @property
    def complete(self) -> bool:
        return not self.empty_spans

    @property
    def exceeds_message_limit(self) -> bool:
        """Values can make a 2,000-character response longer than a message may be: the agent shortens it."""
        return len(self.text) > MAX_TEXT_CHARS

    def to_view(self) -> dict[str, Any]:
        """For the browser: offsets in UTF-16 code units, what JS string indices and textarea selections use."""
        return {
            "text": self.text,
            "emptySpans": [
                {
                    "variable": span.variable,
                    "start": _utf16_len(self.text[: span.start]),
                    "end": _utf16_len(self.text[: span.end]),
                }
                for span in self.empty_spans
            ],
        }


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _without_braces(value: str) -> str:
    # A value (a customer's name is the customer's input) brings no brace: with one, it could make a
    # `{{…}}` with the text around it. So in a text that passed `check_variables`, the filled text
    # holds no `{{` or `}}` at all, whatever the values.
    return value.replace("{", "").replace("}", "")


def fill(
    text: str,
    values: Mapping[str, str | None],
    *,
    placeholder: Callable[[str], str] | None = None,
) -> FilledText:
    """The text with each variable's value put in, and the spans of variables that had none.

    Single pass: a value is never read for variables, and its braces are dropped. A variable unknown
    to this version (a text saved before one was withdrawn) is treated like an empty one rather than
    failing the insertion. frontend/shared/canned-fill.js is the same rule for the composer
    (tests/frontend/fill-cases.json holds cases both pass).
    """
    parts: list[str] = []
    spans: list[EmptySpan] = []
    length = 0
    last_end = 0
    for match in _VARIABLE.finditer(text):
        literal = text[last_end : match.start()]
        parts.append(literal)
        length += len(literal)
        name = match.group(1)
        value = values.get(name) if name in KNOWN_VARIABLES else None
        value = _without_braces(value.strip()) if isinstance(value, str) else ""
        if value:
            parts.append(value)
            length += len(value)
        else:
            label = _without_braces(placeholder(name)) if placeholder else ""
            spans.append(EmptySpan(name, length, length + len(label)))
            parts.append(label)
            length += len(label)
        last_end = match.end()
    parts.append(text[last_end:])
    return FilledText("".join(parts), tuple(spans))


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(now_ms: int, time_zone: str = DEFAULT_TIME_ZONE) -> date:
    """Today in the service's time zone: 00:30 in Seoul is still the previous day in UTC."""
    return datetime.fromtimestamp(now_ms / 1000, UTC).astimezone(_zone(time_zone)).date()


_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_today(day: date, lang: str = "ko") -> str:
    """`2026년 12월 2일` or `December 2, 2026`: written out, so neither reader mistakes the order."""
    if lang == "en":
        return f"{_EN_MONTHS[day.month - 1]} {day.day}, {day.year}"
    return f"{day.year}년 {day.month}월 {day.day}일"


def variable_values(
    *,
    customer_name: str | None,
    agent_display_name: str | None,
    inquiry_type: str | None,
    now_ms: int,
    time_zone: str = DEFAULT_TIME_ZONE,
    lang: str = "ko",
) -> dict[str, str | None]:
    """The values for one insertion, from the chat, the agent and the clock."""
    return {
        Variable.CUSTOMER_NAME.value: customer_name,
        Variable.AGENT_DISPLAY_NAME.value: agent_display_name,
        Variable.CHAT_INQUIRY_TYPE.value: inquiry_type,
        Variable.TODAY.value: format_today(local_date(now_ms, time_zone), lang),
    }


# --- CSV ----------------------------------------------------------------------------------

# Cells Excel (or another spreadsheet) could read as a formula or command start with one of these
# (the set chalicelib/export/values.py guards in the workbook). Such a cell is written with a leading
# apostrophe, Excel's "this is text" mark: Excel shows the text without it and never evaluates the
# cell. So that the apostrophe is not taken for part of the text on import, a text that itself starts
# with an apostrophe gets one too, and import removes one apostrophe exactly where export would have
# added it (before a trigger or an apostrophe): our own files round-trip exactly.
# A file Excel re-saves carries the bare text (`=1+1`, Excel dropped its mark), which imports as that
# same text; the one text that does not survive Excel is one starting with an apostrophe and then a
# trigger (`'=1` comes back as `=1`).
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

    def to_body(self) -> dict[str, Any]:  # type: ignore[override]  # adds the list beside the one-line message
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
                values[name] = _FIELD_VALIDATORS[name](cells.get(name, ""))
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
