"""DynamoDB's refusals, told apart from its failures: a refused condition is a domain answer
(`Conflict`, `False`), throttling or a network error is raised as it is."""

from __future__ import annotations

from chalicelib.domain.errors import InvalidField

_CONDITION_CODES = ("ConditionalCheckFailedException", "TransactionCanceledException", "TransactionConflictException")


def is_condition_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) in _CONDITION_CODES


def reason_failed(reason: object | None) -> bool:
    """Whether one cancellation reason of a transaction is its item's condition."""
    return reason is not None and getattr(reason, "code", None) == "ConditionalCheckFailed"


def foreign_start_key() -> InvalidField:
    """A listing's cursor that DynamoDB refuses as a start key: it came from another listing."""
    return InvalidField("'cursor' does not belong to this listing", field="cursor")
