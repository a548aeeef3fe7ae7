"""Canned responses (상용구): the response, its limits, validation and who may do what. Pure Python.

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
variable or a brace that opens or closes nothing is refused at save, naming it (`check_variables`, part
of `validate_text`). Single braces (`{주문번호}`) are ordinary text.

Filling the variables at insertion is canned_text.py; CSV import and export, canned_csv.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import Forbidden, InvalidField, LimitReached, TooLong
from chalicelib.domain.model import Principal, Role

MAX_TEXT_CHARS = 2000
MAX_TITLE_CHARS = 100
MAX_SHORTCUT_CHARS = 30
MAX_CATEGORY_CHARS = 50
MAX_SHARED_RESPONSES = 2000
MAX_PERSONAL_RESPONSES = 200

CANNED_FIELDS = ("shortcut", "title", "category", "text")

# Letters (Latin, Hangul syllables), digits and _-. : what can follow `/` without ending the search.
_SHORTCUT = re.compile(rf"[0-9A-Za-z\uAC00-\uD7A3_.\-]{{1,{MAX_SHORTCUT_CHARS}}}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A well-formed variable: two braces, a name without braces, two braces.
VARIABLE_PATTERN = re.compile(r"\{\{([^{}]*)\}\}")


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


FIELD_VALIDATORS: dict[str, Callable[[Any], Any]] = {
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
            changes[name] = FIELD_VALIDATORS[name](body[name])
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
    for match in VARIABLE_PATTERN.finditer(text):
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
