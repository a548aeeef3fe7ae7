"""Wallboard viewers (issue #24): connections subscribed to the wallboard, found by one Query of the
sparse wallboard-index, and the throttle's two marks on each viewer's connection item.

Every write is conditional on what the caller read (domain/wallboard.py decides), so of two
functions acting on one viewer at once one wins and the other reads again.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.domain.wallboard import ViewerMark
from chalicelib.store import keys
from chalicelib.store.connection_models import ConnectionModel
from chalicelib.store.dynamo import is_condition_failure


def _mark(item: ConnectionModel) -> ViewerMark:
    pushed, pending = item.wallboard_pushed_at, item.wallboard_pending_at
    return ViewerMark(
        item.connection_id,
        int(pushed) if pushed is not None else None,
        int(pending) if pending is not None else None,
    )


def _update(connection_id: str, actions: list[Any], condition: Any = None) -> bool:
    """False when the condition failed (or the connection is gone: never re-create a closed one)."""
    exists = ConnectionModel.connection_id.exists()
    try:
        full = exists if condition is None else exists & condition
        ConnectionModel(connection_id).update(actions=actions, condition=full)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def _as_read(attribute: Any, value: int | None) -> Any:
    """The condition "the attribute still holds what was read"."""
    return attribute.does_not_exist() if value is None else attribute == value


def subscribe(connection_id: str, now_ms: int) -> bool:
    """The connection becomes a viewer; its snapshot is answered now (pushed_at). False: no such connection."""
    return _update(
        connection_id,
        [
            ConnectionModel.wallboard.set(keys.WALLBOARD_PARTITION),
            ConnectionModel.wallboard_since.set(now_ms),
            ConnectionModel.wallboard_pushed_at.set(now_ms),
            ConnectionModel.wallboard_pending_at.remove(),
        ],
    )


def viewers() -> list[ViewerMark]:
    """Every viewer with its marks (the index is eventually consistent: a write conditioned on a stale
    mark fails, and the caller reads the item itself)."""
    return [_mark(item) for item in ConnectionModel.on_wallboard.query(keys.WALLBOARD_PARTITION)]


def viewer(connection_id: str) -> ViewerMark | None:
    """One viewer's marks, strongly consistent; None if the connection is gone or no viewer."""
    try:
        item = ConnectionModel.get(
            connection_id,
            consistent_read=True,
            attributes_to_get=["connection_id", "wallboard", "wallboard_pushed_at", "wallboard_pending_at"],
        )
    except DoesNotExist:
        return None
    return _mark(item) if item.wallboard else None


def claim_push(seen: ViewerMark, now_ms: int) -> bool:
    """Take this viewer's push at `now_ms` if its marks are still what was read (the pending one cleared)."""
    return _update(
        seen.connection_id,
        [ConnectionModel.wallboard_pushed_at.set(now_ms), ConnectionModel.wallboard_pending_at.remove()],
        _as_read(ConnectionModel.wallboard_pushed_at, seen.pushed_at)
        & _as_read(ConnectionModel.wallboard_pending_at, seen.pending_at),
    )


def mark_pending(seen: ViewerMark, now_ms: int) -> bool:
    """Mark the viewer pending (a catch-up is scheduled) if nothing was pushed or marked since the read."""
    return _update(
        seen.connection_id,
        [ConnectionModel.wallboard_pending_at.set(now_ms)],
        _as_read(ConnectionModel.wallboard_pushed_at, seen.pushed_at)
        & ConnectionModel.wallboard_pending_at.does_not_exist(),
    )
