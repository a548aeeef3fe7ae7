"""Filling a canned response's variables at insertion, and the values they take. Pure Python.

The variables and the check that a text uses them well are canned.py's (`Variable`, `check_variables`,
run at save); this module fills a text that passed it.

Filling (`fill`): each known variable is replaced by its value. A variable whose value is empty (or
missing, or no longer known) becomes an empty string, never a `{{…}}` literal and never a label that a
hurried agent could send to a customer; its position is returned as a zero-width span so the composer
can put the caret there and mark it for the agent to fill. A caller that prefers a visible label
(e.g. `[고객명]`) passes `placeholder=`, and the span then covers the label so it can be selected.

Values (`variable_values`) come from the chat, the agent and the clock: `{{today}}` is the date in the
service's time zone (`local_date`, Asia/Seoul unless told), written out (`format_today`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain.canned import KNOWN_VARIABLES, MAX_TEXT_CHARS, VARIABLE_PATTERN, Variable

DEFAULT_TIME_ZONE = "Asia/Seoul"


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
    for match in VARIABLE_PATTERN.finditer(text):
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
