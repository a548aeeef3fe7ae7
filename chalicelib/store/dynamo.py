"""What every DynamoDB store module shares: the transaction connection and failure decoding."""

from __future__ import annotations

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from chalicelib.store.models import BaseMeta

_tx_connection: Connection | None = None


def transaction() -> TransactWrite:
    # One connection (one botocore client) for all transactions: creating a client costs ~100 ms.
    global _tx_connection
    if _tx_connection is None:
        _tx_connection = Connection(
            region=BaseMeta.region,
            connect_timeout_seconds=BaseMeta.connect_timeout_seconds,
            read_timeout_seconds=BaseMeta.read_timeout_seconds,
            max_retry_attempts=BaseMeta.max_retry_attempts,
        )
    return TransactWrite(connection=_tx_connection)


def is_condition_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) in (
        "ConditionalCheckFailedException",
        "TransactionCanceledException",
        "TransactionConflictException",
    )
