"""The report counters (issue #24): exactly-once application of a stream record's deltas, the
O(buckets) reads of a period, the backfill's conditional rewrites, and the stream images decoded.

Exactly once: a record's deltas and its applied-marker (`applied#<eventID>`, condition: absent) are
one TransactWriteItems, so a redelivered record (a retry, a shard read twice) fails on its marker and
changes nothing. The counters are ADDs, so records of different chats (other shards) commute.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Conversation
from chalicelib.domain.metrics import HOUR_MS, CounterItem, Counters, Scope, ScopeKind
from chalicelib.domain.model import month_of, months_between
from chalicelib.store import keys
from chalicelib.store.convert import conversation_entity
from chalicelib.store.dynamo import is_condition_failure, transaction
from chalicelib.store.failures import reason_failed
from chalicelib.store.models import ConversationModel
from chalicelib.store.report_models import ReportCounterModel

MARKER_TTL_S = 2 * 24 * 3600  # the stream keeps a record 24 h: no retry comes later
MAX_ITEMS_PER_RECORD = 99  # TransactWriteItems takes 100 items: the marker and 99 counter items
CONFLICT_ATTEMPTS = 4  # a transaction meeting another on the same counter item is cancelled, not queued


def _keys(scope: Scope) -> tuple[str, str]:
    month = month_of(scope.hour * HOUR_MS)
    return keys.report_partition(scope.kind.value, month), keys.report_bucket(scope.hour, scope.key)


def conversation_of_image(image: dict[str, Any]) -> Conversation:
    """A stream record's NewImage/OldImage (DynamoDB JSON) as the conversation entity."""
    return conversation_entity(ConversationModel.from_raw_data(image))


def apply(record_id: str, changes: Counters, now_ms: int) -> bool:
    """Add one record's deltas and its applied-marker atomically; False if it was applied before."""
    if not changes:
        return True  # nothing to count: no write, nothing to remember
    if len(changes) > MAX_ITEMS_PER_RECORD:
        raise ValueError(f"a record touching {len(changes)} counter items cannot be applied in one transaction")
    marker = ReportCounterModel(
        keys.report_marker(record_id),
        keys.REPORT_MARKER_BUCKET,
        expires_at=datetime.fromtimestamp(now_ms / 1000 + MARKER_TTL_S, UTC),
    )
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            with transaction() as tx:
                tx.save(marker, condition=ReportCounterModel.scope.does_not_exist())
                for scope, fields in changes.items():
                    actions: list[Action] = [ReportCounterModel.revision.add(1)]
                    actions += [getattr(ReportCounterModel, name).add(value) for name, value in fields.items()]
                    tx.update(ReportCounterModel(*_keys(scope)), actions=actions)
            return True
        except TransactWriteError as exc:
            reasons = getattr(exc, "cancellation_reasons", None) or []
            if reasons and reason_failed(reasons[0]):
                return False  # the marker exists: this record was applied before
            conflict = any(getattr(r, "code", None) == "TransactionConflict" for r in reasons if r is not None)
            if not conflict or attempt == CONFLICT_ATTEMPTS - 1:
                raise
            # Another shard's batch is adding to the same hour's items right now: a moment later.
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def _item(kind: ScopeKind, row: Any) -> CounterItem:
    hour, key = keys.report_bucket_parts(row.bucket)
    values = {name: int(value) for name, value in row.attribute_values.items() if name not in _NOT_COUNTERS}
    return CounterItem(Scope(kind, key, hour), {k: v for k, v in values.items() if v}, int(row.revision or 0))


_NOT_COUNTERS = ("scope", "bucket", "revision", "expires_at")


def counters(kind: ScopeKind, from_hour: int, to_hour: int) -> list[CounterItem]:
    """Every counter item of that kind from `from_hour` to `to_hour` (inclusive): one Query per UTC month."""
    items: list[CounterItem] = []
    period = ReportCounterModel.bucket.between(keys.report_bucket_floor(from_hour), keys.report_bucket_ceiling(to_hour))
    for month in reversed(months_between(from_hour * HOUR_MS, to_hour * HOUR_MS)):
        for row in ReportCounterModel.query(keys.report_partition(kind.value, month), period, consistent_read=True):
            items.append(_item(kind, row))
    return items


def rebuild(scope: Scope, values: dict[str, int], expected_revision: int | None) -> bool:
    """The backfill's write of one item: its counters replaced by `values` (deleted when empty), if
    no record was applied to it since it was read at `expected_revision` (None: it did not exist)."""
    hash_key, range_key = _keys(scope)
    condition = (
        ReportCounterModel.scope.does_not_exist()
        if expected_revision is None
        else ReportCounterModel.revision == expected_revision
    )
    try:
        if not values:
            if expected_revision is not None:
                ReportCounterModel(hash_key, range_key).delete(condition=condition)
            return True
        item = ReportCounterModel(hash_key, range_key, revision=(expected_revision or 0) + 1, **values)
        item.save(condition=condition)
    except (PutError, DeleteError) as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
