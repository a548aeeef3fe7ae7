"""Validation of client input: every field checked before anything is read or stored."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, TypeVar

from chalicelib.domain.errors import BadJson, InvalidField, PayloadTooLarge, TooLong

MAX_MESSAGE_CHARS = 2000
MAX_NAME_CHARS = 100
MAX_TITLE_CHARS = 200
MAX_CONTENT_CHARS = 10000
MAX_MEMO_CHARS = 2000
MAX_ID_CHARS = 64
# Caps on a whole request, checked before parsing: the largest valid body (10,000-character content,
# JSON-escaped as \uXXXX) stays well below them. API Gateway's own limits are 128 KB (WebSocket
# frame) and 10 MB (REST).
MAX_FRAME_BYTES = 32 * 1024
MAX_BODY_BYTES = 128 * 1024

# Every pattern that validates input is applied with fullmatch: `$` also matches before a trailing
# newline, so `re.match(r"^...$")` accepted "abc\n" (tests/security/test_hostile_input.py).
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9\- ]{5,19}")
_ID = re.compile(r"[A-Za-z0-9_\-:.]{1,64}")
# ASCII digits only: str.isdigit() also says yes to "²", "①" and other Unicode digits that int()
# then refuses (or reads as another number), and to numerals thousands of digits long.
_INTEGER = re.compile(r"-?[0-9]{1,19}")  # at most MAX_INTEGER_CHARS with the sign
MAX_INTEGER_CHARS = 20
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
# C0 controls other than tab/newline/carriage return are never meaningful in chat text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

E = TypeVar("E", bound=StrEnum)


def parse_json_object(raw: str | bytes | None, *, max_bytes: int = MAX_BODY_BYTES) -> dict[str, Any]:
    if raw is None or raw == "":
        raise BadJson("the body must be a JSON object")
    if len(raw) > max_bytes or (isinstance(raw, str) and len(raw.encode("utf-8", "surrogatepass")) > max_bytes):
        raise PayloadTooLarge(f"the body is larger than {max_bytes} bytes")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadJson("the body is not valid UTF-8") from exc
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BadJson("the body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise BadJson("the body must be a JSON object")
    return value


def text_field(
    body: dict[str, Any],
    name: str,
    *,
    max_chars: int,
    required: bool = True,
    allow_newlines: bool = False,
) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidField(f"'{name}' is required", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidField(f"'{name}' must be a string", field=name)
    if _has_lone_surrogate(value):
        raise InvalidField(f"'{name}' is not valid Unicode text", field=name)
    value = value.strip()
    if not allow_newlines and ("\n" in value or "\r" in value):
        raise InvalidField(f"'{name}' must be a single line", field=name)
    if _CONTROL.search(value):
        raise InvalidField(f"'{name}' contains control characters", field=name)
    if len(value) > max_chars:
        raise TooLong(f"'{name}' is longer than {max_chars} characters", field=name)
    if not value:
        if required:
            raise InvalidField(f"'{name}' must not be empty", field=name)
        return None
    return value


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def id_field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidField(f"'{name}' must be an id of 1-{MAX_ID_CHARS} letters, digits or -_:.", field=name)
    return value


def int_field(body: dict[str, Any], name: str, *, minimum: int, maximum: int, default: int | None = None) -> int:
    """The one integer parser for body fields, query parameters and path segments.

    A JSON integer, or text of ASCII digits with an optional minus sign (query strings and path
    segments arrive as text), at most MAX_INTEGER_CHARS long; then range-checked.
    """
    value = body.get(name, default)
    if value is None:
        raise InvalidField(f"'{name}' is required", field=name)
    if isinstance(value, str):
        if not _INTEGER.fullmatch(value):
            raise InvalidField(
                f"'{name}' must be an integer written with the digits 0-9 (at most {MAX_INTEGER_CHARS} characters)",
                field=name,
            )
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(f"'{name}' must be an integer", field=name)
    if not minimum <= value <= maximum:
        raise InvalidField(f"'{name}' must be between {minimum} and {maximum}", field=name)
    return value


def month_field(body: dict[str, Any], name: str) -> str:
    """A UTC month as YYYY-MM (ASCII digits, month 01-12)."""
    value = body.get(name)
    if not isinstance(value, str) or not _MONTH.fullmatch(value):
        raise InvalidField(f"'{name}' must be a month written YYYY-MM", field=name)
    return value


def bool_field(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise InvalidField(f"'{name}' must be true or false", field=name)
    return value


def enum_field(body: dict[str, Any], name: str, enum: type[E], *, required: bool = True) -> E | None:
    value = body.get(name)
    if value is None and not required:
        return None
    try:
        return enum(value)  # type: ignore[arg-type]  # a non-string is refused below, as any bad value
    except ValueError as exc:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidField(f"'{name}' must be one of: {allowed}", field=name) from exc


def email_field(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = text_field(body, name, max_chars=254, required=required)
    if value is not None and not _EMAIL.fullmatch(value):
        raise InvalidField(f"'{name}' is not a valid email address", field=name)
    return value


def phone_field(body: dict[str, Any], name: str) -> str | None:
    value = text_field(body, name, max_chars=20, required=False)
    if value is not None and not _PHONE.fullmatch(value):
        raise InvalidField(f"'{name}' is not a valid phone number", field=name)
    return value


def choice_field(body: dict[str, Any], name: str, choices: list[str], *, required: bool) -> str | None:
    value = text_field(body, name, max_chars=MAX_NAME_CHARS, required=required)
    if value is not None and value not in choices:
        raise InvalidField(f"'{name}' must be one of the configured values: {', '.join(choices)}", field=name)
    return value


def only_fields(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidField(f"unknown field(s): {', '.join(unknown)}", field=unknown[0])


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    """A page's DynamoDB LastEvaluatedKey as an opaque URL-safe cursor; None on the last page."""
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode()


def decode_cursor(raw: Any) -> dict[str, Any] | None:
    """The key a cursor from `encode_cursor` stands for; InvalidField for anything else."""
    if raw in (None, ""):
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(str(raw).encode()))
    except (ValueError, TypeError) as exc:
        raise InvalidField("'cursor' is not a cursor this API returned", field="cursor") from exc
    if not isinstance(value, dict):
        raise InvalidField("'cursor' is not a cursor this API returned", field="cursor")
    return value


@contextmanager
def fields_under(prefix: str) -> Iterator[None]:
    """Field errors raised inside name their field under `prefix` (`'ko'` → `'hours.closedMessage.ko'`),
    so a nested object's parsers can use the flat ones above."""
    try:
        yield
    except (InvalidField, TooLong) as exc:
        if exc.field is None:
            raise
        message = exc.message.replace(f"'{exc.field}'", f"'{prefix}.{exc.field}'", 1)
        raise type(exc)(message, field=f"{prefix}.{exc.field}") from exc
