"""The in-memory twin of chalicelib/store/history.py: the same partitions (months newest first, or
one agent), the same page cuts and cursors, the filters matched by HistoryFilter.matches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib.domain.entities import Conversation, Page
from chalicelib.domain.errors import InvalidField
from chalicelib.domain.history import HistoryFilter
from chalicelib.domain.model import month_of, months_between
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied
from chalicelib.store.memory.paging import after


def _inbound_key(conv: Conversation) -> str:
    return keys.time_key(conv.inbound_at, conv.conversation_id)


class MemoryHistory:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.conversations: dict[str, Conversation] = tables.table("conversations")

    def _partitions(self, query: HistoryFilter) -> list[str]:
        return [query.agent_id] if query.agent_id else months_between(query.from_ms, query.to_ms)

    def _partition(self, query: HistoryFilter, partition: str, *, newest_first: bool) -> list[Conversation]:
        """The partition's chats of the period, in index order, matching the filters."""
        with self.tables.lock:
            chats = [
                copied(c)
                for c in self.conversations.values()
                if (c.agent_id if query.agent_id else month_of(c.inbound_at)) == partition
                and query.from_ms <= c.inbound_at <= query.to_ms
                and query.matches(c)
            ]
        return sorted(chats, key=_inbound_key, reverse=newest_first)

    def search(self, query: HistoryFilter, limit: int, cursor: dict[str, Any] | None) -> Page:
        partitions = self._partitions(query)
        cursor = cursor or {}
        resume = cursor.get("p")
        if resume is not None:
            if resume not in partitions:
                raise InvalidField("'cursor' does not belong to this search", field="cursor")
            partitions = partitions[partitions.index(resume) :]
        rows: list[Conversation] = []
        next_key: dict[str, Any] | None = None
        for partition in partitions:
            if len(rows) >= limit:
                next_key = {"p": partition, "k": None}
                break
            start = cursor.get("k") if partition == resume else None
            if start is not None and not (isinstance(start, dict) and isinstance(start.get("after"), str)):
                raise InvalidField("'cursor' does not belong to this search", field="cursor")
            chats = after(
                self._partition(query, partition, newest_first=True),
                _inbound_key,
                start["after"] if start else None,
                newest_first=True,
            )
            wanted = limit - len(rows)
            rows.extend(chats[:wanted])
            if len(chats) > wanted:
                next_key = {"p": partition, "k": {"after": _inbound_key(rows[-1])}}
                break
        return Page(rows, next_key)

    def chats(self, query: HistoryFilter) -> Iterator[Conversation]:
        for partition in reversed(self._partitions(query)):
            yield from self._partition(query, partition, newest_first=False)
