"""One pynamodb connection (one botocore client) for every transaction: creating one costs ~100 ms."""

from __future__ import annotations

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from chalicelib.store.models import BaseMeta

_connection: Connection | None = None


def transaction() -> TransactWrite:
    global _connection
    if _connection is None:
        _connection = Connection(
            region=BaseMeta.region,
            connect_timeout_seconds=BaseMeta.connect_timeout_seconds,
            read_timeout_seconds=BaseMeta.read_timeout_seconds,
            max_retry_attempts=BaseMeta.max_retry_attempts,
        )
    return TransactWrite(connection=_connection)
