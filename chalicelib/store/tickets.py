"""Tickets (S-4) and 1:1 inquiries (S-2.4): GetItem, Query on the ticket indexes newest first, and the
workflow's changes (status, assignee, comments) written with their history in one transaction,
conditional on the version the change was made against."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, QueryError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Page, Ticket
from chalicelib.domain.errors import Conflict, NotFound, StaleVersion
from chalicelib.domain.ticket_list import TicketFilter
from chalicelib.domain.tickets import TicketChangeResult, TicketField, TicketHistoryEntry
from chalicelib.store import keys
from chalicelib.store.convert import attribute_values, to_entity
from chalicelib.store.dynamo import is_condition_failure, transaction
from chalicelib.store.failures import foreign_start_key, refused_start_key
from chalicelib.store.record_models import TicketHistoryModel, TicketModel

MIN_PAGE_READ = 25  # items read per request at least when filter expressions drop some


def create(ticket: Ticket) -> None:
    """Store a new ticket; Conflict if its id is taken."""
    item = TicketModel(
        ticket.ticket_id,
        list_partition=keys.TICKET_PARTITION,
        created_key=keys.time_key(ticket.created_at, ticket.ticket_id),
        **attribute_values(ticket, TicketModel, skip=("ticket_id",)),
    )
    try:
        item.save(condition=TicketModel.ticket_id.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            raise Conflict("a ticket with this id exists") from exc
        raise


def get(ticket_id: str) -> Ticket:
    try:
        return to_entity(TicketModel.get(ticket_id, consistent_read=True), Ticket)
    except DoesNotExist as exc:
        raise NotFound("no such ticket") from exc


def ticket_of_image(image: dict[str, Any]) -> Ticket:
    """A stream record's NewImage/OldImage (DynamoDB JSON) as the ticket entity."""
    return to_entity(TicketModel.from_raw_data(image), Ticket)


def newest(channel: str | None, limit: int, start_key: dict[str, Any] | None) -> Page:
    """One page of tickets (of one channel, or all), newest first."""
    if channel:
        result = TicketModel.by_channel.query(
            channel, scan_index_forward=False, limit=limit, last_evaluated_key=start_key
        )
    else:
        result = TicketModel.by_creation.query(
            keys.TICKET_PARTITION, scan_index_forward=False, limit=limit, last_evaluated_key=start_key
        )
    try:
        items = [to_entity(item, Ticket) for item in result]
    except QueryError as exc:
        if refused_start_key(exc, start_key):
            raise foreign_start_key() from exc
        raise
    return Page(items, result.last_evaluated_key)


# --- the filtered list ----------------------------------------------------------------------


def _listing(query: TicketFilter) -> tuple[Any, str]:
    """The index and partition that hold the most selective filter (docs/data-model.md)."""
    if query.assignee_id:
        return TicketModel.by_assignee, query.assignee_id
    if query.status:
        return TicketModel.by_status, query.status
    if query.channel:
        return TicketModel.by_channel, query.channel
    return TicketModel.by_creation, keys.TICKET_PARTITION


def _filters(query: TicketFilter) -> Condition | None:
    parts: list[Condition] = []
    if query.assignee_id and query.status:
        parts.append(TicketModel.status == query.status)
    if (query.assignee_id or query.status) and query.channel:
        parts.append(TicketModel.channel == query.channel)
    condition: Condition | None = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition


def search(query: TicketFilter, limit: int, start_key: dict[str, Any] | None) -> Page:
    """One page of the tickets matching every filter, newest first: one index Query, never a Scan."""
    index, partition = _listing(query)
    period = TicketModel.created_key.between(keys.time_key_floor(query.from_ms), keys.time_key_ceiling(query.to_ms))
    result = index.query(
        partition,
        period,
        filter_condition=_filters(query),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start_key,
        page_size=max(limit, MIN_PAGE_READ),
    )
    try:
        items = [to_entity(item, Ticket) for item in result]
    except QueryError as exc:
        if refused_start_key(exc, start_key):
            raise foreign_start_key() from exc
        raise
    return Page(items, result.last_evaluated_key if len(items) >= limit else None)


# --- the workflow ---------------------------------------------------------------------------


def apply_change(ticket: Ticket, result: TicketChangeResult) -> Ticket:
    """Store the change and its history entries atomically, if the ticket is still at
    `result.expected_version`; otherwise StaleVersion carrying the version stored now."""
    state = result.ticket
    actions: list[Action] = [
        TicketModel.status.set(state.status.value),
        TicketModel.assignee_id.set(state.assignee_id) if state.assignee_id else TicketModel.assignee_id.remove(),
        TicketModel.version.set(state.version),
        TicketModel.updated_at.set(state.updated_at or 0),
        TicketModel.updated_by.set(state.updated_by or ""),
    ]
    same_version = TicketModel.version == result.expected_version
    if result.expected_version == 0:
        same_version |= TicketModel.version.does_not_exist()  # tickets stored before the workflow
    try:
        with transaction() as tx:
            tx.update(
                TicketModel(ticket.ticket_id),
                actions=actions,
                condition=TicketModel.ticket_id.exists() & same_version,
            )
            for entry in result.entries:
                tx.save(_history_item(entry), condition=TicketHistoryModel.sort_key.does_not_exist())
    except TransactWriteError as exc:
        current = get(ticket.ticket_id)
        raise StaleVersion(
            f"the ticket changed meanwhile (now version {current.version}): reload to see the change",
            current_version=current.version,
        ) from exc
    return get(ticket.ticket_id)


def _history_item(entry: TicketHistoryEntry) -> TicketHistoryModel:
    return TicketHistoryModel(
        entry.ticket_id,
        keys.ticket_history_key(entry.version, entry.index),
        version=entry.version,
        index=entry.index,
        at=entry.at,
        actor_id=entry.actor_id,
        field=entry.field.value,
        from_value=entry.from_value,
        to_value=entry.to_value,
    )


def history(ticket_id: str) -> list[TicketHistoryEntry]:
    """Every change and comment of a ticket, oldest first."""
    return [
        TicketHistoryEntry(
            ticket_id=item.ticket_id,
            version=int(item.version),
            index=int(item.index),
            at=int(item.at),
            actor_id=item.actor_id,
            field=TicketField(item.field),
            from_value=item.from_value,
            to_value=item.to_value,
        )
        for item in TicketHistoryModel.query(ticket_id, scan_index_forward=True, consistent_read=True)
    ]
