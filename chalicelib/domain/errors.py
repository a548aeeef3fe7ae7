"""Domain failures. Each maps, in one place (chalicelib/entrypoints/errors.py), to an error frame or HTTP status.

Every `code` here is listed in docs/protocol.md (tests/unit/test_error_codes.py compares them)."""

from __future__ import annotations


class DomainError(Exception):
    code = "internal"
    http_status = 500

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_body(self) -> dict[str, str]:
        body = {"type": "error", "code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field  # which input was refused, for REST and WebSocket alike
        return body


class BadJson(DomainError):
    code = "bad_json"
    http_status = 400


class UnknownAction(DomainError):
    code = "unknown_action"
    http_status = 400


class InvalidField(DomainError):
    code = "invalid_field"
    http_status = 400


class TooLong(DomainError):
    code = "too_long"
    http_status = 400


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403


class MfaRequired(Forbidden):
    code = "mfa_required"


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class ConversationEnded(DomainError):
    code = "conversation_ended"
    http_status = 409


class NotAssigned(DomainError):
    code = "not_assigned"
    http_status = 409


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


# Transfer (전환) refusals: the target cannot take the chat. The caller's own rights are Forbidden, a
# chat that ended meanwhile is ConversationEnded, a waiting one NotAssigned.
class TransferToSelf(DomainError):
    code = "transfer_to_self"
    http_status = 400


class AgentUnavailable(DomainError):
    code = "agent_unavailable"
    http_status = 409


class AgentFull(DomainError):
    code = "agent_full"
    http_status = 409


class AgentCannotChat(DomainError):
    code = "agent_no_chat_permission"
    http_status = 409


class OutOfHours(DomainError):
    """A chat asked for out of business hours; the body says when chat opens next (null: not within 400 days)."""

    code = "closed"
    http_status = 409

    def __init__(self, message: str, *, next_opening: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.next_opening = next_opening

    def to_body(self) -> dict[str, object]:  # type: ignore[override]  # one more key than the base body
        return {**super().to_body(), "nextOpening": self.next_opening}


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    http_status = 413


class RateLimited(DomainError):
    code = "rate_limited"
    http_status = 429


class DuplicateClientMessage(Conflict):
    """A message with this clientMessageId is stored already (a resend): answer the stored one."""


class SequenceTaken(Conflict):
    """Another message took the next seq first, or the chat ended: re-read and retry."""


class StaleVersion(Conflict):
    """A change made against a version the caller no longer holds (two agents editing one ticket).

    Same code and status as Conflict: the client reloads `current_version`'s state and shows it."""

    def __init__(self, message: str, *, current_version: int, field: str | None = "version") -> None:
        super().__init__(message, field=field)
        self.current_version = current_version


class TicketChanged(StaleVersion):
    """A ticket change against a stale version: the 409 body carries the ticket as it is now."""

    def __init__(self, stale: StaleVersion, current: dict[str, object]) -> None:
        super().__init__(stale.message, current_version=stale.current_version, field=stale.field)
        self.current = current

    def to_body(self) -> dict[str, object]:  # type: ignore[override]  # the current state beside the message
        return {**super().to_body(), "currentVersion": self.current_version, "current": self.current}


class LimitReached(Conflict):
    """Adding would go past a count limit (canned responses per scope); nothing was added."""
