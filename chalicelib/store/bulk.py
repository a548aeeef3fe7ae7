"""Many items at once (BatchWriteItem, 25 a request): seeding for benchmarks, tests and imports.

Each entity is stored whole, as the aggregate's own module would store it (keys, index attributes
and TTL included), replacing an item with the same key. No conditions: nothing here is a use case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.models import Model

from chalicelib.domain.entities import Agent, Connection, Conversation, Message
from chalicelib.domain.metrics import CounterItem
from chalicelib.store import connections, conversation_items, keys
from chalicelib.store.convert import attribute_values, message_item
from chalicelib.store.models import AgentModel, MessageModel


def _items(entity: Any) -> list[Model]:
    if isinstance(entity, Conversation):
        return [conversation_items.item_of(entity)]
    if isinstance(entity, Connection):
        return [connections.item_of(entity)]
    if isinstance(entity, Agent):
        return [AgentModel(**attribute_values(entity, AgentModel))]
    if isinstance(entity, Message):
        items: list[Model] = [message_item(entity)]
        if entity.client_message_id:
            marker_key = keys.client_marker_key(entity.client_message_id)
            items.append(MessageModel(entity.conversation_id, marker_key, seq=entity.seq, sender_id=entity.sender_id))
        return items
    if isinstance(entity, CounterItem):
        from chalicelib.store.report_models import ReportCounterModel
        from chalicelib.store.reports import _keys as counter_keys  # within the store

        return [ReportCounterModel(*counter_keys(entity.scope), revision=entity.revision, **entity.values)]
    raise TypeError(f"no bulk store for {type(entity).__name__}")


def save_all(entities: Iterable[Any]) -> int:
    """Store every entity; the number of items written."""
    by_model: dict[type[Model], list[Model]] = {}
    for entity in entities:
        for item in _items(entity):
            by_model.setdefault(type(item), []).append(item)
    for model, items in by_model.items():
        with model.batch_write() as batch:
            for item in items:
                batch.save(item)
    return sum(len(items) for items in by_model.values())


def serialized(entities: Iterable[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table name, item in DynamoDB JSON) for each item the entities are stored as: for feeding an
    in-process emulator's backend directly (the export benchmark's million rows), keys and all."""
    for entity in entities:
        for item in _items(entity):
            yield item.Meta.table_name, item.serialize()
