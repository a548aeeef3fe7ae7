"""In-memory twin of chalicelib/store/wallboard.py: the viewers are the connections with `wallboard_since`."""

from __future__ import annotations

from chalicelib.domain.entities import Connection
from chalicelib.domain.wallboard import ViewerMark
from chalicelib.store.memory import Tables


def _mark(item: Connection) -> ViewerMark:
    return ViewerMark(item.connection_id, item.wallboard_pushed_at, item.wallboard_pending_at)


class MemoryWallboard:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._items: dict[str, Connection] = tables.table("connections")

    def subscribe(self, connection_id: str, now_ms: int) -> bool:
        with self._tables.lock:
            item = self._items.get(connection_id)
            if item is None:
                return False
            item.wallboard_since, item.wallboard_pushed_at, item.wallboard_pending_at = now_ms, now_ms, None
            return True

    def viewers(self) -> list[ViewerMark]:
        with self._tables.lock:
            return [_mark(c) for _, c in sorted(self._items.items()) if c.wallboard_since is not None]

    def viewer(self, connection_id: str) -> ViewerMark | None:
        with self._tables.lock:
            item = self._items.get(connection_id)
            return _mark(item) if item is not None and item.wallboard_since is not None else None

    def _still(self, seen: ViewerMark) -> Connection | None:
        item = self._items.get(seen.connection_id)
        if item is None or (item.wallboard_pushed_at, item.wallboard_pending_at) != (seen.pushed_at, seen.pending_at):
            return None
        return item

    def claim_push(self, seen: ViewerMark, now_ms: int) -> bool:
        with self._tables.lock:
            item = self._still(seen)
            if item is None:
                return False
            item.wallboard_pushed_at, item.wallboard_pending_at = now_ms, None
            return True

    def mark_pending(self, seen: ViewerMark, now_ms: int) -> bool:
        with self._tables.lock:
            item = self._still(seen)
            if item is None or item.wallboard_pending_at is not None:
                return False
            item.wallboard_pending_at = now_ms
            return True
