"""Tickets (S-4) and 1:1 inquiries (S-2.4): GetItem, and Query on the ticket indexes newest first."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, QueryError

from chalicelib.domain.entities import Page, Ticket
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.store import keys
from chalicelib.store.convert import attribute_values, to_entity
from chalicelib.store.failures import foreign_start_key, is_condition_failure, refused_start_key
from chalicelib.store.models import TicketModel


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
