"""In-memory twin of chalicelib/store/bulk.py."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from chalicelib.domain.entities import Agent, Connection, Conversation, Message
from chalicelib.domain.metrics import CounterItem
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied


class MemoryBulk:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables

    def serialized(self, entities: Iterable[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        # The items as DynamoDB would hold them: the same serialiser, not a second one to drift.
        from chalicelib.store.bulk import serialized

        return serialized(entities)

    def save_all(self, entities: Iterable[Any]) -> int:
        written = 0
        with self._tables.lock:
            for entity in entities:
                written += self._save(copied(entity))
        return written

    def _save(self, entity: Any) -> int:
        if isinstance(entity, Conversation):
            entity.queued_key = entity.queued_key or keys.time_key(entity.inbound_at, entity.conversation_id)
            self._tables.table("conversations")[entity.conversation_id] = entity
        elif isinstance(entity, Connection):
            self._tables.table("connections")[entity.connection_id] = entity
        elif isinstance(entity, Agent):
            self._tables.table("agents")[entity.agent_id] = entity
        elif isinstance(entity, Message):
            self._tables.table("messages")[(entity.conversation_id, entity.seq)] = entity
            if entity.client_message_id:
                self._tables.table("markers")[(entity.conversation_id, entity.client_message_id)] = entity.seq
                return 2
        elif isinstance(entity, CounterItem):
            self._tables.table("report-counters")[entity.scope] = entity
        else:
            raise TypeError(f"no bulk store for {type(entity).__name__}")
        return 1
