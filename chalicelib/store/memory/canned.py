"""The in-memory twin of chalicelib/store/canned.py: the same uniqueness, limit and refusals."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.canned import CannedResponse, CannedScope, shortcut_key
from chalicelib.domain.entities import CannedEntry
from chalicelib.domain.errors import Conflict, LimitReached, NotFound
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied


class MemoryCanned:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.partitions: dict[str, dict[str, CannedEntry]] = tables.table("canned-responses")

    def _of(self, scope: CannedScope, owner_id: str | None) -> dict[str, CannedEntry]:
        return self.partitions.setdefault(keys.canned_partition(scope.value, owner_id), {})

    def _taken(self, entries: dict[str, CannedEntry], shortcut: str, but: str | None = None) -> bool:
        wanted = shortcut_key(shortcut)
        return any(shortcut_key(e.response.shortcut) == wanted and i != but for i, e in entries.items())

    def of_scope(self, scope: CannedScope, owner_id: str | None) -> list[CannedEntry]:
        with self.tables.lock:
            entries = [copied(e) for e in self._of(scope, owner_id).values()]
        return sorted(entries, key=lambda e: (e.response.position, e.created_at, e.response.response_id))

    def get(self, scope: CannedScope, owner_id: str | None, response_id: str) -> CannedEntry:
        with self.tables.lock:
            entry = self._of(scope, owner_id).get(response_id)
            if entry is None:
                raise NotFound("no such canned response")
            return copied(entry)

    def count(self, scope: CannedScope, owner_id: str | None) -> int:
        with self.tables.lock:
            return len(self._of(scope, owner_id))

    def create(self, entry: CannedEntry, limit: int) -> None:
        response = entry.response
        with self.tables.lock:
            entries = self._of(response.scope, response.owner_id)
            if response.response_id in entries:
                raise Conflict("a canned response with this id exists")
            if self._taken(entries, response.shortcut):
                raise Conflict(f"the shortcut '{response.shortcut}' is taken in this scope", field="shortcut")
            if len(entries) >= limit:
                raise LimitReached(f"at most {limit:,} canned responses in this scope")
            entries[response.response_id] = copied(entry)

    def update(self, before: CannedEntry, after: CannedResponse, now_ms: int, by: str) -> CannedEntry:
        old = before.response
        with self.tables.lock:
            entries = self._of(old.scope, old.owner_id)
            stored = entries.get(old.response_id)
            if stored is None:
                raise NotFound("no such canned response")
            if self._taken(entries, after.shortcut, but=old.response_id):
                raise Conflict(f"the shortcut '{after.shortcut}' is taken in this scope", field="shortcut")
            fields = {n: getattr(after, n) for n in ("title", "shortcut", "text", "category", "position")}
            updated = replace(stored, response=replace(stored.response, **fields), updated_at=now_ms, updated_by=by)
            entries[old.response_id] = updated
            return copied(updated)

    def delete(self, entry: CannedEntry) -> None:
        response = entry.response
        with self.tables.lock:
            entries = self._of(response.scope, response.owner_id)
            if entries.pop(response.response_id, None) is None:
                raise NotFound("no such canned response")

    def set_positions(self, scope: CannedScope, owner_id: str | None, positions: dict[str, int]) -> None:
        with self.tables.lock:
            entries = self._of(scope, owner_id)
            for response_id, position in positions.items():
                if response_id in entries:
                    stored = entries[response_id]
                    entries[response_id] = replace(stored, response=replace(stored.response, position=position))

    def record_use(self, scope: CannedScope, owner_id: str | None, response_id: str, now_ms: int) -> int:
        with self.tables.lock:
            entries = self._of(scope, owner_id)
            stored = entries.get(response_id)
            if stored is None:
                raise NotFound("no such canned response")
            entries[response_id] = replace(stored, usage_count=stored.usage_count + 1, last_used_at=now_ms)
            return stored.usage_count + 1
