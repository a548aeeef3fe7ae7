"""The in-memory twin of chalicelib/store/tickets.py."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.entities import Page, Ticket
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied
from chalicelib.store.memory.paging import page


def _created_key(ticket: Ticket) -> str:
    return keys.time_key(ticket.created_at, ticket.ticket_id)


class MemoryTickets:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.items: dict[str, Ticket] = tables.table("tickets")

    def create(self, ticket: Ticket) -> None:
        with self.tables.lock:
            if ticket.ticket_id in self.items:
                raise Conflict("a ticket with this id exists")
            self.items[ticket.ticket_id] = copied(ticket)

    def get(self, ticket_id: str) -> Ticket:
        with self.tables.lock:
            if ticket_id not in self.items:
                raise NotFound("no such ticket")
            return copied(self.items[ticket_id])

    def newest(self, channel: str | None, limit: int, start_key: dict[str, Any] | None) -> Page:
        with self.tables.lock:
            tickets = [t for t in self.items.values() if not channel or t.channel == channel]
            index = keys.TICKETS_BY_CHANNEL if channel else keys.TICKETS_BY_CREATION
            listing = f"tickets:{index}"
            return page(tickets, _created_key, listing=listing, limit=limit, start_key=start_key)
