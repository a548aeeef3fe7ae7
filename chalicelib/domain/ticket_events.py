"""Ticket and inquiry events out (issue #24, docs/events.md): which integration events one
tickets-stream record yields, from its old and new image. Pure: no boto3, no clock.

The same envelope and schema version as the chat events (chalicelib/domain/chat_events.py). Never in
an event: the title, the content, the requester's name or e-mail (the inquiry's personal data).
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.chat_events import SCHEMA_VERSION, ChatEvent
from chalicelib.domain.entities import Ticket
from chalicelib.domain.model import TicketChannel

TICKET_CREATED = "Ticket Created"
INQUIRY_RECEIVED = "Inquiry Received"
TICKET_STATUS_CHANGED = "Ticket Status Changed"
TICKET_ASSIGNED = "Ticket Assigned"
DETAIL_TYPES = (TICKET_CREATED, INQUIRY_RECEIVED, TICKET_STATUS_CHANGED, TICKET_ASSIGNED)


def _detail(event_id: str, detail_type: str, ticket: Ticket) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "idempotencyId": f"{event_id}#{detail_type}",
        "ticketId": ticket.ticket_id,
        "channel": ticket.channel,
        "conversationId": ticket.conversation_id,
        "inquiryType": ticket.inquiry_type,
        "status": ticket.status,
        "assigneeId": ticket.assignee_id,
        "createdAt": ticket.created_at,
        "ticketVersion": ticket.version,
    }


def ticket_events(event_id: str, old: Ticket | None, new: Ticket | None) -> list[ChatEvent]:
    """INSERT: a 1:1 inquiry from the widget is received, a ticket made from a chat is created.
    MODIFY: the workflow's status and assignee changes (comments are not events). REMOVE: nothing."""
    if new is None:
        return []
    events: list[ChatEvent] = []

    def add(detail_type: str, **fields: Any) -> None:
        events.append(ChatEvent(detail_type, {**_detail(event_id, detail_type, new), **fields}))

    if old is None:
        add(INQUIRY_RECEIVED if new.channel == TicketChannel.INQUIRY.value else TICKET_CREATED)
        return events
    if old.status != new.status:
        add(TICKET_STATUS_CHANGED, fromStatus=old.status, changedAt=new.updated_at, byId=new.updated_by)
    if old.assignee_id != new.assignee_id:
        add(TICKET_ASSIGNED, fromAssigneeId=old.assignee_id, changedAt=new.updated_at, byId=new.updated_by)
    return events
