"""The ticket list's filters: status, assignee, channel and period, read from a query string. Pure Python.

Each listing is one index Query (docs/data-model.md): the most selective filter given picks the
index (assignee, then status, then channel, else every ticket), the period is the index's sort-key
range (creation time), and the other filters are filter expressions on that Query. Never a Scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.accounts import username_field
from chalicelib.domain.entities import Ticket
from chalicelib.domain.errors import InvalidField
from chalicelib.domain.model import TicketChannel
from chalicelib.domain.tickets import TicketStatus
from chalicelib.domain.validation import enum_field, int_field

MAX_TIME_MS = 2**53


@dataclass(frozen=True)
class TicketFilter:
    status: str | None = None
    assignee_id: str | None = None
    channel: str | None = None
    from_ms: int = 0
    to_ms: int = MAX_TIME_MS

    def matches(self, ticket: Ticket) -> bool:
        return (
            (self.status is None or ticket.status == self.status)
            and (self.assignee_id is None or ticket.assignee_id == self.assignee_id)
            and (self.channel is None or ticket.channel == self.channel)
            and self.from_ms <= ticket.created_at <= self.to_ms
        )


def parse_ticket_filter(params: dict[str, Any]) -> TicketFilter:
    """`status`, `assigneeId`, `channel`, `from`/`to` (epoch ms of creation, both ends included)."""
    present = {k: v for k, v in params.items() if v not in (None, "")}
    status = enum_field(present, "status", TicketStatus, required=False)
    channel = enum_field(present, "channel", TicketChannel, required=False)
    assignee = username_field(present, "assigneeId")
    from_ms = int_field(present, "from", minimum=0, maximum=MAX_TIME_MS, default=0)
    to_ms = int_field(present, "to", minimum=0, maximum=MAX_TIME_MS, default=MAX_TIME_MS)
    if from_ms > to_ms:
        raise InvalidField("'from' must not be after 'to'", field="from")
    return TicketFilter(
        status=status.value if status else None,
        assignee_id=assignee,
        channel=channel.value if channel else None,
        from_ms=from_ms,
        to_ms=to_ms,
    )
