"""The in-memory twin of chalicelib/store/tickets.py."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.domain.entities import Page, Ticket
from chalicelib.domain.errors import Conflict, NotFound, StaleVersion
from chalicelib.domain.ticket_list import TicketFilter
from chalicelib.domain.tickets import TicketChangeResult, TicketHistoryEntry
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied
from chalicelib.store.memory.paging import page


def _created_key(ticket: Ticket) -> str:
    return keys.time_key(ticket.created_at, ticket.ticket_id)


class MemoryTickets:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        self.items: dict[str, Ticket] = tables.table("tickets")
        self.entries: dict[tuple[str, str], TicketHistoryEntry] = tables.table("ticket-history")

    def ticket_of_image(self, image: dict[str, Any]) -> Ticket:
        # Both stores receive the same AWS stream records: the same decoder, not a second one to drift.
        from chalicelib.store.tickets import ticket_of_image

        return ticket_of_image(image)

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

    def search(self, query: TicketFilter, limit: int, start_key: dict[str, Any] | None) -> Page:
        with self.tables.lock:
            tickets = [t for t in self.items.values() if query.matches(t)]
            if query.assignee_id:
                listing = f"{keys.TICKETS_BY_ASSIGNEE}:{query.assignee_id}"
            elif query.status:
                listing = f"{keys.TICKETS_BY_STATUS}:{query.status}"
            elif query.channel:
                listing = f"{keys.TICKETS_BY_CHANNEL}:{query.channel}"
            else:
                listing = keys.TICKETS_BY_CREATION
            return page(tickets, _created_key, listing=f"tickets:{listing}", limit=limit, start_key=start_key)

    def apply_change(self, ticket: Ticket, result: TicketChangeResult) -> Ticket:
        state = result.ticket
        with self.tables.lock:
            stored = self.items.get(ticket.ticket_id)
            if stored is None or stored.version != result.expected_version:
                current = stored.version if stored is not None else 0
                if stored is None:
                    raise NotFound("no such ticket")
                raise StaleVersion(
                    f"the ticket changed meanwhile (now version {current}): reload to see the change",
                    current_version=current,
                )
            updated = replace(
                stored,
                status=state.status.value,
                assignee_id=state.assignee_id,
                version=state.version,
                updated_at=state.updated_at,
                updated_by=state.updated_by,
            )
            self.items[ticket.ticket_id] = updated
            for entry in result.entries:
                self.entries[(entry.ticket_id, keys.ticket_history_key(entry.version, entry.index))] = entry
            return copied(updated)

    def history(self, ticket_id: str) -> list[TicketHistoryEntry]:
        with self.tables.lock:
            return [e for (t, _), e in sorted(self.entries.items()) if t == ticket_id]
