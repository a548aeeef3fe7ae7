"""DynamoDB's refusals, told apart from its failures: a refused condition is a domain answer
(`Conflict`, `False`), throttling or a network error is raised as it is."""

from __future__ import annotations

from chalicelib.domain.errors import InvalidField


def reason_failed(reason: object | None) -> bool:
    """Whether one cancellation reason of a transaction is its item's condition."""
    return reason is not None and getattr(reason, "code", None) == "ConditionalCheckFailed"


def refused_start_key(exc: Exception, start_key: object | None) -> bool:
    """Whether a listing's query failed only because DynamoDB refused the given start key."""
    return start_key is not None and getattr(exc, "cause_response_code", None) == "ValidationException"


def foreign_start_key() -> InvalidField:
    """A listing's cursor that DynamoDB refuses as a start key: it came from another listing."""
    return InvalidField("'cursor' does not belong to this listing", field="cursor")
