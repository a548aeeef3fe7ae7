"""Canned responses (상용구): a partition per scope (shared, or one agent's personal ones), read by Query.

A shortcut is unique in its partition (a marker item written in the same transaction as the
response) and a partition holds at most its limit (a counter item, raised in the same transaction
only while below the limit), so two admins saving at once cannot pass either rule.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.domain.canned import CannedResponse, CannedScope, shortcut_key
from chalicelib.domain.entities import CannedEntry
from chalicelib.domain.errors import Conflict, LimitReached, NotFound
from chalicelib.store import keys
from chalicelib.store.dynamo import is_condition_failure, transaction
from chalicelib.store.failures import reason_failed
from chalicelib.store.record_models import CannedResponseModel as M

_FIELDS = ("title", "shortcut", "text", "category", "position")


def _entry(item: M) -> CannedEntry:
    response = CannedResponse(
        response_id=item.response_id or "",
        scope=CannedScope(item.scope),
        owner_id=item.owner_id,
        title=item.title or "",
        shortcut=item.shortcut or "",
        text=item.text or "",
        category=item.category,
        position=int(item.position or 0),
    )
    return CannedEntry(
        response,
        created_at=int(item.created_at or 0),
        updated_at=int(item.updated_at or 0),
        updated_by=item.updated_by,
        usage_count=int(item.usage_count or 0),
        last_used_at=int(item.last_used_at) if item.last_used_at is not None else None,
    )


def _partition(response: CannedResponse) -> str:
    return keys.canned_partition(response.scope.value, response.owner_id)


def _marker(response: CannedResponse) -> M:
    return M(
        _partition(response),
        keys.canned_shortcut_key(shortcut_key(response.shortcut)),
        response_id=response.response_id,
    )


def of_scope(scope: CannedScope, owner_id: str | None) -> list[CannedEntry]:
    """Every response of a scope (one owner's, for personal), in the admin's order, then creation."""
    items = M.query(
        keys.canned_partition(scope.value, owner_id),
        M.sort_key.startswith(keys.CANNED_RESPONSE_PREFIX),
        consistent_read=True,
    )
    entries = [_entry(item) for item in items]
    return sorted(entries, key=lambda e: (e.response.position, e.created_at, e.response.response_id))


def get(scope: CannedScope, owner_id: str | None, response_id: str) -> CannedEntry:
    try:
        item = M.get(
            keys.canned_partition(scope.value, owner_id), keys.canned_response_key(response_id), consistent_read=True
        )
    except DoesNotExist as exc:
        raise NotFound("no such canned response") from exc
    return _entry(item)


def count(scope: CannedScope, owner_id: str | None) -> int:
    try:
        return int(
            M.get(
                keys.canned_partition(scope.value, owner_id), keys.CANNED_COUNTER, consistent_read=True
            ).response_count
            or 0
        )
    except DoesNotExist:
        return 0


def create(entry: CannedEntry, limit: int) -> None:
    """Store a new response: Conflict if its shortcut is taken in the scope, LimitReached at `limit`."""
    response = entry.response
    partition = _partition(response)
    item = M(
        partition,
        keys.canned_response_key(response.response_id),
        response_id=response.response_id,
        scope=response.scope.value,
        owner_id=response.owner_id,
        title=response.title,
        shortcut=response.shortcut,
        text=response.text,
        category=response.category,
        position=response.position,
        usage_count=entry.usage_count,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        updated_by=entry.updated_by,
    )
    try:
        with transaction() as tx:
            tx.save(item, condition=M.sort_key.does_not_exist())
            tx.save(_marker(response), condition=M.sort_key.does_not_exist())
            tx.update(
                M(partition, keys.CANNED_COUNTER),
                actions=[M.response_count.add(1)],
                condition=M.response_count.does_not_exist() | (M.response_count < limit),
            )
    except TransactWriteError as exc:
        reasons = list(exc.cancellation_reasons or [])
        # pynamodb sends puts before updates: [response, marker, counter].
        if len(reasons) >= 2 and reason_failed(reasons[1]):
            raise Conflict(f"the shortcut '{response.shortcut}' is taken in this scope", field="shortcut") from exc
        if len(reasons) >= 3 and reason_failed(reasons[2]):
            raise LimitReached(f"at most {limit:,} canned responses in this scope") from exc
        raise Conflict("a canned response with this id exists") from exc


def update(before: CannedEntry, after: CannedResponse, now_ms: int, by: str) -> CannedEntry:
    """Save edited fields (and move the shortcut's marker); NotFound if deleted meanwhile."""
    old = before.response
    partition = _partition(old)
    actions: list[Action] = [M.updated_at.set(now_ms), M.updated_by.set(by)]
    for name in _FIELDS:
        value = getattr(after, name)
        attribute = getattr(M, name)
        actions.append(attribute.set(value) if value is not None else attribute.remove())
    moved = shortcut_key(old.shortcut) != shortcut_key(after.shortcut)
    try:
        with transaction() as tx:
            tx.update(
                M(partition, keys.canned_response_key(old.response_id)), actions=actions, condition=M.sort_key.exists()
            )
            if moved:
                tx.save(_marker(after), condition=M.sort_key.does_not_exist())
                tx.delete(_marker(old))
    except TransactWriteError as exc:
        reasons = list(exc.cancellation_reasons or [])
        # Order sent: deletes, puts, updates: [old marker, new marker, response] when moved.
        if moved and len(reasons) >= 2 and reason_failed(reasons[1]):
            raise Conflict(f"the shortcut '{after.shortcut}' is taken in this scope", field="shortcut") from exc
        raise NotFound("no such canned response") from exc
    return get(old.scope, old.owner_id, old.response_id)


def delete(entry: CannedEntry) -> None:
    response = entry.response
    partition = _partition(response)
    try:
        with transaction() as tx:
            tx.delete(M(partition, keys.canned_response_key(response.response_id)), condition=M.sort_key.exists())
            tx.delete(_marker(response))
            tx.update(M(partition, keys.CANNED_COUNTER), actions=[M.response_count.add(-1)])
    except TransactWriteError as exc:
        raise NotFound("no such canned response") from exc


def set_positions(scope: CannedScope, owner_id: str | None, positions: dict[str, int]) -> None:
    """The new order: one UpdateItem per response whose position changed (a deleted one is skipped)."""
    partition = keys.canned_partition(scope.value, owner_id)
    for response_id, position in positions.items():
        try:
            M(partition, keys.canned_response_key(response_id)).update(
                actions=[M.position.set(position)], condition=M.sort_key.exists()
            )
        except UpdateError as exc:
            if not is_condition_failure(exc):
                raise


def record_use(scope: CannedScope, owner_id: str | None, response_id: str, now_ms: int) -> int:
    """One more use (ADD, no read first); the new count. NotFound if the response is gone."""
    item = M(keys.canned_partition(scope.value, owner_id), keys.canned_response_key(response_id))
    try:
        item.update(actions=[M.usage_count.add(1), M.last_used_at.set(now_ms)], condition=M.sort_key.exists())
    except UpdateError as exc:
        if is_condition_failure(exc):
            raise NotFound("no such canned response") from exc
        raise
    return int(item.usage_count or 0)
