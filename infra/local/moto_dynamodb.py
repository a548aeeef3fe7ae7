"""DynamoDB in the local stack: moto's backend, one request at a time, reached without an HTTP hop.

Three things, all development tooling (nothing here is packaged into a Lambda):

- `DYNAMODB_LOCK`: DynamoDB applies each request atomically; moto's backend does not lock, so two
  threads could interleave inside one request ("dictionary changed size during iteration" 500s,
  half-applied transactions). Every DynamoDB request, over HTTP (infra/local/moto_server.py) or
  in process (below), holds this lock; our code still races *between* requests, as on AWS.

- `route_dynamodb_in_process()`: botocore clients created afterwards in this process (pynamodb's
  included) get their DynamoDB answers from moto's own DynamoDB request handler, called in
  process, instead of an HTTP round trip to the moto server: same endpoint, same signed request,
  same moto code and state, ~0.9 ms instead of ~3.5 ms of CPU per call (werkzeug's dev server
  closes every connection, so each call also cost a TCP connect and a thread). Other services and
  other processes (the browser, tests, bench clients) still use the moto server over HTTP.
  `LOCAL_DYNAMODB_OVER_HTTP=1` turns this off.

- `install_item_rollback()`: moto's TransactWriteItems deep-copies every table it touches
  before applying the operations, to restore them if the transaction is cancelled: a cost in
  the size of the table on every chat message (~20 µs per stored item; ~0.5 s per message once a
  load run has stored 24,000 items). Here only the items the transaction names are saved and put
  back. The outcome is the same: a transaction writes nothing but the items it names, so
  restoring those restores the table; a streamed table's shard is cut back to its length before
  the transaction (a cancelled transaction leaves no stream record). Only a table with a Lambda
  event source mapping inside moto keeps the whole-table copy (moto may empty its shard on
  delivery). tests/e2e/test_local_dynamodb.py runs the same transactions against moto as shipped
  and with this rollback and compares the tables, the errors and the stream records.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.handlers import BUILTIN_HANDLERS
from moto.core.botocore_stubber import MockRawResponse
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

DYNAMODB_LOCK = threading.Lock()
# Set by infra/local/sampler.py when profiling: called with (seconds waiting for the lock, thread CPU inside it).
meter: Callable[[float, float], None] | None = None


# --- in process --------------------------------------------------------------------------------


def _answer_in_process(request: Any, **_: Any) -> AWSResponse:
    for name, value in list(request.headers.items()):
        if isinstance(value, bytes):  # moto's handler expects text headers, as from HTTP
            request.headers[name] = value.decode("utf-8")
    if meter is None:
        with DYNAMODB_LOCK:
            status, headers, body = DynamoHandler.dispatch(request, request.url, request.headers)
    else:
        waiting = time.perf_counter()
        with DYNAMODB_LOCK:
            cpu, waited = time.thread_time(), time.perf_counter() - waiting
            status, headers, body = DynamoHandler.dispatch(request, request.url, request.headers)
            meter(waited, time.thread_time() - cpu)
    return AWSResponse(request.url, status, headers, MockRawResponse(body))


def route_dynamodb_in_process() -> Callable[[], None] | None:
    """Answer DynamoDB requests of botocore sessions created from now on in process.

    Returns a function that stops it (for sessions created after), or None when turned off."""
    if os.environ.get("LOCAL_DYNAMODB_OVER_HTTP", "") not in ("", "0"):
        return None
    entry = ("before-send.dynamodb", _answer_in_process)
    if entry not in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.append(entry)

    def stop() -> None:
        if entry in BUILTIN_HANDLERS:
            BUILTIN_HANDLERS.remove(entry)

    return stop


# --- item-level rollback for TransactWriteItems ------------------------------------------------

_Saved = tuple[Table, DynamoType, DynamoType | None, bool, Any]  # table, hash, range, bucket existed, old item
_Rollback = tuple[list[_Saved], dict[int, tuple[Any, int]]]  # the items; id(shard) → (shard, its length)


class _CopyKeepingTables:
    """Stands for the `copy` module inside moto.dynamodb.models: a deep copy of a Table is the table
    itself (its named items are saved by `_transact_write_items` instead); everything else is copied."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)


def _key_values(table: Table, op_type: str, op: dict[str, Any]) -> tuple[DynamoType, DynamoType | None] | None:
    attrs = op.get("Item") if op_type == "Put" else op.get("Key")
    if not isinstance(attrs, dict) or table.hash_key_attr not in attrs:
        return None  # moto refuses the operation before writing anything for it
    try:
        hash_value = DynamoType(attrs[table.hash_key_attr])
        if table.range_key_attr is None:
            return hash_value, None
        if table.range_key_attr not in attrs:
            return None
        return hash_value, DynamoType(attrs[table.range_key_attr])
    except Exception:  # noqa: BLE001 - a malformed key: moto answers with its own error
        return None


def _save(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> _Rollback | None:
    """The items the transaction names and the lengths of their tables' stream shards, as they are
    now; None if a whole-table copy is needed."""
    saved: list[_Saved] = []
    shards: dict[int, tuple[Any, int]] = {}
    for entry in transact_items:
        if not isinstance(entry, dict) or len(entry) != 1:
            continue
        op_type, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
        if table is None:
            continue
        shard = table.stream_shard
        if shard is not None:
            if table.lambda_event_source_mappings:
                return None
            shards.setdefault(id(shard), (shard, len(shard.items)))
        key = _key_values(table, op_type, op)
        if key is None:
            continue
        hash_value, range_value = key
        if range_value is None:
            bucket_existed, current = hash_value in table.items, table.items.get(hash_value)
        else:
            bucket = table.items.get(hash_value)
            bucket_existed, current = bucket is not None, (bucket or {}).get(range_value)
        saved.append((table, hash_value, range_value, bucket_existed, copy.deepcopy(current)))
    return saved, shards


def _restore(rollback: _Rollback) -> None:
    saved, shards = rollback
    for shard, length in shards.values():
        del shard.items[length:]
    for table, hash_value, range_value, bucket_existed, old in reversed(saved):
        if range_value is None:
            if old is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = old
            continue
        if old is None:
            bucket = table.items.get(hash_value)
            if bucket is not None:
                bucket.pop(range_value, None)
        else:
            table.items[hash_value][range_value] = old
        if not bucket_existed and hash_value in table.items and not table.items[hash_value]:
            del table.items[hash_value]


_moto_transact_write_items: Callable[[DynamoDBBackend, list[dict[str, Any]]], None] | None = None


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    assert _moto_transact_write_items is not None
    saved = _save(self, transact_items) if isinstance(transact_items, list) else None
    if saved is None:
        # moto's own whole-table copy, for the cases above
        dynamodb_models.copy = copy  # type: ignore[attr-defined]
        try:
            return _moto_transact_write_items(self, transact_items)
        finally:
            dynamodb_models.copy = _CopyKeepingTables()  # type: ignore[attr-defined]
    try:
        return _moto_transact_write_items(self, transact_items)
    except BaseException:
        # moto "restored" each table by assigning it back to itself; put the named items back.
        _restore(saved)
        raise


def install_item_rollback() -> Callable[[], None]:
    """Save and restore only the named items in TransactWriteItems; returns a function that undoes this.

    Callers hold DYNAMODB_LOCK around every DynamoDB request (the swap of `copy` is process-wide)."""
    global _moto_transact_write_items
    if _moto_transact_write_items is None:
        _moto_transact_write_items = DynamoDBBackend.transact_write_items
        DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
        dynamodb_models.copy = _CopyKeepingTables()  # type: ignore[attr-defined]

    def uninstall() -> None:
        global _moto_transact_write_items
        if _moto_transact_write_items is not None:
            DynamoDBBackend.transact_write_items = _moto_transact_write_items  # type: ignore[method-assign]
            dynamodb_models.copy = copy  # type: ignore[attr-defined]
            _moto_transact_write_items = None

    return uninstall
