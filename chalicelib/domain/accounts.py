"""Rules for staff accounts: roles from Cognito groups, usernames, temporary passwords."""

from __future__ import annotations

import re
import secrets
import string
import urllib.parse
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import InvalidField

ADMINS_GROUP = "admins"
AGENTS_GROUP = "agents"
SUPERVISORS_GROUP = "supervisors"
MAX_USERNAME_CHARS = 128
# Cognito usernames: no whitespace or control characters; we also refuse '/' (it is a path separator).
_USERNAME = re.compile(r"[^\s/\x00-\x1f\x7f]{1,128}")
_SYMBOLS = "!#$%&*+-=?@^_~"


class StaffRole(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


GROUP_OF_ROLE = {StaffRole.AGENT: AGENTS_GROUP, StaffRole.SUPERVISOR: SUPERVISORS_GROUP, StaffRole.ADMIN: ADMINS_GROUP}


def role_of_groups(groups: set[str] | list[str]) -> StaffRole | None:
    """The one precedence (token verification and the accounts list): admins over supervisors over
    agents; none of them → no role."""
    for role in (StaffRole.ADMIN, StaffRole.SUPERVISOR, StaffRole.AGENT):
        if GROUP_OF_ROLE[role] in groups:
            return role
    return None


def _username(value: Any, name: str) -> str:
    """A whole Cognito username, never trimmed."""
    if not isinstance(value, str) or not _USERNAME.fullmatch(value):
        raise InvalidField(f"'{name}' must be a username of 1-{MAX_USERNAME_CHARS} characters", field=name)
    return value


def username_field(body: dict[str, Any], name: str) -> str | None:
    """An optional staff username in a body or query (e.g. the history's `agentId`)."""
    value = body.get(name)
    return None if value in (None, "") else _username(value, name)


def username_from_path(raw: str) -> str:
    """An agent id from a URL path segment (decoded once if the gateway left it encoded)."""
    return _username(urllib.parse.unquote(raw) if "%" in raw else raw, "agentId")


def temporary_password(length: int = 16) -> str:
    """Meets the pool's policy (12+, upper, lower, digit, symbol); the user must change it at first sign-in."""
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, _SYMBOLS]
    alphabet = "".join(pools)
    chars = [secrets.choice(pool) for pool in pools]
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


# A staff member's display name is what customers see; the e-mail (the username) never is.
_EMAIL_LIKE = re.compile(r"[^@\s]@[^@\s]")


def looks_like_email(value: str) -> bool:
    return bool(_EMAIL_LIKE.search(value))


def check_display_name(value: str | None, field: str = "displayName") -> str | None:
    """A display name (already a validated single line) that may be shown to customers; None = no name."""
    if value is not None and looks_like_email(value):
        raise InvalidField(f"'{field}' must not be an e-mail address: customers see it", field=field)
    return value


def customer_facing_name(display_name: str | None) -> str | None:
    """The name customers may see: the display name, or None (the widget then shows its default
    `상담원`/`Agent`). An item written before display names existed may hold the e-mail: never shown."""
    name = (display_name or "").strip()
    if not name or looks_like_email(name):
        return None
    return name
