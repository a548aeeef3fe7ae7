"""The chat history (S-7) over the conversations' history indexes: the month index (partition
`YYYY-MM` of inbound time), or the agent index when one agent is asked for; never a Scan.

The filters other than the period are DynamoDB filter expressions: they cost the items read,
not the items returned, which is why a page reads at least 25 items (docs/data-model.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.domain.entities import Conversation, Page
from chalicelib.domain.errors import InvalidField
from chalicelib.domain.history import HistoryFilter
from chalicelib.domain.model import months_between
from chalicelib.store import keys
from chalicelib.store.convert import conversation_entity
from chalicelib.store.models import ConversationModel

MIN_PAGE_READ = 25  # items read per request at least, however few are still wanted


def _condition(query: HistoryFilter) -> Condition | None:
    """The filters as one filter expression (None: the period alone)."""
    parts: list[Condition] = []
    if query.inquiry_type:
        parts.append(ConversationModel.inquiry_type == query.inquiry_type)
    if query.processing_type:
        parts.append(ConversationModel.processing_type == query.processing_type)
    if query.handled is not None:
        first = ConversationModel.first_response_at
        parts.append(first.exists() if query.handled else first.does_not_exist())
    if query.user_name:
        parts.append(ConversationModel.customer_name_lower.startswith(query.user_name.lower()))
    if query.rating is not None:
        parts.append(ConversationModel.rating == query.rating)
    if query.state is not None:
        parts.append(ConversationModel.state == query.state)
    condition: Condition | None = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition


def _period(query: HistoryFilter) -> Condition:
    return ConversationModel.inbound_key.between(
        keys.time_key_floor(query.from_ms), keys.time_key_ceiling(query.to_ms)
    )


def _partitions(query: HistoryFilter) -> tuple[Any, list[str]]:
    """The index and its partitions that hold the period, newest first."""
    if query.agent_id:
        return ConversationModel.by_agent, [query.agent_id]
    return ConversationModel.by_month, months_between(query.from_ms, query.to_ms)


def _entity(item: ConversationModel) -> Conversation:
    return conversation_entity(item)


def search(query: HistoryFilter, limit: int, cursor: dict[str, Any] | None) -> Page:
    """One page of matching chats, newest first. `cursor` is a page's next_key (an opaque dict);
    InvalidField if it belongs to another search."""
    index, partitions = _partitions(query)
    cursor = cursor or {}
    resume = cursor.get("p")
    if resume is not None:
        if resume not in partitions:
            raise InvalidField("'cursor' does not belong to this search", field="cursor")
        partitions = partitions[partitions.index(resume) :]
    condition, period = _condition(query), _period(query)
    rows: list[Conversation] = []
    next_key: dict[str, Any] | None = None
    for partition in partitions:
        if len(rows) >= limit:
            next_key = {"p": partition, "k": None}
            break
        result = index.query(
            partition,
            period,
            filter_condition=condition,
            scan_index_forward=False,
            limit=limit - len(rows),
            last_evaluated_key=cursor.get("k") if partition == resume else None,
            page_size=max(limit - len(rows), MIN_PAGE_READ),
        )
        rows.extend(_entity(item) for item in result)
        if result.last_evaluated_key:
            next_key = {"p": partition, "k": result.last_evaluated_key}
            break
    return Page(rows, next_key)


def chats(query: HistoryFilter) -> Iterator[Conversation]:
    """Every matching chat, oldest first, every page (the export)."""
    index, partitions = _partitions(query)
    condition, period = _condition(query), _period(query)
    for partition in reversed(partitions):
        for item in index.query(partition, period, filter_condition=condition, scan_index_forward=True):
            yield _entity(item)
