"""In-memory twin of chalicelib/store/reports.py: the same marker rule, counters and conditional rewrites."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.entities import Conversation
from chalicelib.domain.metrics import CounterItem, Counters, Scope, ScopeKind
from chalicelib.store.memory import Tables, copied

MAX_ITEMS_PER_RECORD = 99


class MemoryReports:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._markers: dict[str, int] = tables.table("report-markers")
        self._items: dict[Scope, CounterItem] = tables.table("report-counters")

    def conversation_of_image(self, image: dict[str, Any]) -> Conversation:
        # Both stores receive the same AWS stream records: the same decoder, not a second one to drift.
        from chalicelib.store.reports import conversation_of_image

        return conversation_of_image(image)

    def apply(self, record_id: str, changes: Counters, now_ms: int) -> bool:
        if not changes:
            return True
        if len(changes) > MAX_ITEMS_PER_RECORD:
            raise ValueError(f"a record touching {len(changes)} counter items cannot be applied in one transaction")
        with self._tables.lock:
            if record_id in self._markers:
                return False
            self._markers[record_id] = now_ms
            for scope, fields in changes.items():
                item = self._items.setdefault(scope, CounterItem(scope, {}, 0))
                item.revision += 1
                for name, value in fields.items():
                    item.values[name] = item.values.get(name, 0) + value
        return True

    def counters(self, kind: ScopeKind, from_hour: int, to_hour: int) -> list[CounterItem]:
        with self._tables.lock:
            found = [
                CounterItem(item.scope, {k: v for k, v in item.values.items() if v}, item.revision)
                for scope, item in self._items.items()
                if scope.kind is kind and from_hour <= scope.hour <= to_hour
            ]
        return copied(sorted(found, key=lambda i: (i.scope.hour, i.scope.key)))

    def rebuild(self, scope: Scope, values: dict[str, int], expected_revision: int | None) -> bool:
        with self._tables.lock:
            stored = self._items.get(scope)
            if (stored.revision if stored is not None else None) != expected_revision:
                return False
            if not values:
                self._items.pop(scope, None)
            else:
                self._items[scope] = CounterItem(scope, dict(values), (expected_revision or 0) + 1)
        return True
