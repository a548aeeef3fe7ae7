"""In-memory twin of chalicelib/store/connections.py."""

from __future__ import annotations

from chalicelib.domain.entities import Connection
from chalicelib.domain.model import Principal, Role
from chalicelib.store.memory import Tables, copied


class MemoryConnections:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._items: dict[str, Connection] = tables.table("connections")

    def put(self, connection_id: str, principal: Principal, now_ms: int) -> Connection:
        item = Connection(
            connection_id,
            role=principal.role.value,
            user_id=principal.user_id,
            connected_at=now_ms,
            conversation_id=principal.conversation_id,
            token_expires_at=principal.token_expires_at,
        )
        with self._tables.lock:
            self._items[connection_id] = item
        return copied(item)

    def get(self, connection_id: str) -> Connection | None:
        with self._tables.lock:
            return copied(self._items.get(connection_id))

    def delete(self, connection_id: str) -> None:
        with self._tables.lock:
            self._items.pop(connection_id, None)

    def set_watching(self, connection_id: str, conversation_id: str | None) -> bool:
        with self._tables.lock:
            item = self._items.get(connection_id)
            if item is None:
                return False
            item.watching = conversation_id
            return True

    def of_staff(self, agent_id: str) -> list[str]:
        with self._tables.lock:
            return sorted(
                c.connection_id for c in self._items.values() if c.role != Role.CUSTOMER.value and c.user_id == agent_id
            )

    def count_frame(self, connection_id: str, window_start: int, limit: int) -> tuple[Connection | None, bool]:
        with self._tables.lock:
            item = self._items.get(connection_id)
            if item is None:
                return None, False
            if item.rate_window == window_start:
                if int(item.rate_count or 0) >= limit:
                    return copied(item), False
                item.rate_count = int(item.rate_count or 0) + 1
            elif item.rate_window is None or item.rate_window < window_start:
                item.rate_window, item.rate_count = window_start, 1
            else:
                return copied(item), False  # a window older than the stored one
            return copied(item), True
