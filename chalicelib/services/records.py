"""Tickets (S-4), 1:1 inquiries (S-2.4) and chat history search (S-7)."""

from __future__ import annotations

from typing import Any

from ulid import ULID

from chalicelib import bootstrap
from chalicelib.domain import model as rules
from chalicelib.domain.accounts import username_field
from chalicelib.domain.entities import Conversation, Ticket
from chalicelib.domain.errors import InvalidField
from chalicelib.domain.history import HistoryFilter
from chalicelib.domain.model import ConversationState, Principal, Rating, TicketChannel, check_is_staff
from chalicelib.domain.ticket_list import parse_ticket_filter
from chalicelib.domain.validation import (
    MAX_CONTENT_CHARS,
    MAX_NAME_CHARS,
    MAX_TITLE_CHARS,
    bool_field,
    choice_field,
    decode_cursor,
    email_field,
    encode_cursor,
    enum_field,
    int_field,
    only_fields,
    text_field,
)
from chalicelib.services.settings import load_settings
from chalicelib.services.views import (
    access_of,
    conversation_view,
    message_view,
    ticket_history_view,
    ticket_view,
    transfer_view,
)

_store = bootstrap.store

DAY_MS = 24 * 3600 * 1000
MAX_HISTORY_RANGE_MS = 366 * DAY_MS
PAGE_MAX = 100


def _ticket_fields(body: dict[str, Any]) -> dict[str, Any]:
    settings = load_settings()
    return {
        "inquiry_type": choice_field(body, "inquiryType", settings.inquiry_types, required=True),
        "title": text_field(body, "title", max_chars=MAX_TITLE_CHARS),
        "content": text_field(body, "content", max_chars=MAX_CONTENT_CHARS, allow_newlines=True),
    }


def create_ticket_from_chat(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    conv = _store().conversations.get(conversation_id)
    rules.check_can_edit_record(principal, access_of(conv))
    fields = _ticket_fields(body)
    ticket = Ticket(
        ticket_id=str(ULID()),
        channel=TicketChannel.CHAT.value,
        created_at=bootstrap.clock(),
        conversation_id=conversation_id,
        created_by=principal.user_id,
        requester_name=conv.customer_name,
        requester_email=conv.customer_email,
        **fields,
    )
    _store().tickets.create(ticket)
    return ticket_view(ticket)


def leave_inquiry(body: dict[str, Any]) -> dict[str, Any]:
    """A 1:1 inquiry when no agent is online: stored as a ticket with channel `inquiry`."""
    if bool_field(body, "consent") is not True:
        raise InvalidField("the customer must agree to the personal-information consent", field="consent")
    name = text_field(body, "name", max_chars=MAX_NAME_CHARS)
    email = email_field(body, "email", required=True)
    fields = _ticket_fields(body)
    ticket = Ticket(
        ticket_id=str(ULID()),
        channel=TicketChannel.INQUIRY.value,
        created_at=bootstrap.clock(),
        requester_name=name,
        requester_email=email,
        **fields,
    )
    _store().tickets.create(ticket)
    return {"ticketId": ticket.ticket_id, "createdAt": ticket.created_at}


def list_tickets(principal: Principal, params: dict[str, Any]) -> dict[str, Any]:
    """Filtered by status, assignee, channel and creation period; newest first, one index Query a page."""
    check_is_staff(principal)
    only_fields(params, {"status", "assigneeId", "channel", "from", "to", "limit", "cursor"})
    query = parse_ticket_filter(params)
    limit = int_field(params, "limit", minimum=1, maximum=PAGE_MAX, default=50)
    page = _store().tickets.search(query, limit, decode_cursor(params.get("cursor")))
    return {"tickets": _visible_tickets(principal, page.items), "nextCursor": encode_cursor(page.next_key)}


# What a ticket made from a chat shows of that chat's personal data.
PERSONAL_TICKET_FIELDS = ("requesterName", "requesterEmail", "content")


def _visible_tickets(principal: Principal, tickets: list[Ticket]) -> list[dict[str, Any]]:
    """Tickets made from chats the caller may not see (another agent's live chat) lose their personal data."""
    views = [ticket_view(t) for t in tickets]
    if principal.supervises:  # admins and supervisors see every chat: no BatchGetItem of them
        return views
    chats = _store().conversations.by_ids([t.conversation_id for t in tickets if t.conversation_id])
    for view in views:
        chat = chats.get(view["conversationId"] or "")
        if chat is not None and not rules.may_see_chat(principal, access_of(chat)):
            view.update(dict.fromkeys(PERSONAL_TICKET_FIELDS), restricted=True)
    return views


def ticket_detail(principal: Principal, ticket_id: str) -> dict[str, Any]:
    check_is_staff(principal)
    store = _store()
    ticket = store.tickets.get(ticket_id)
    history = [ticket_history_view(e) for e in store.tickets.history(ticket_id)]
    if not ticket.conversation_id:
        return {**ticket_view(ticket), "history": history, "transcript": []}
    # A ticket made from a chat carries that chat's personal data: the chat's rule decides.
    rules.check_can_see_chat(principal, access_of(store.conversations.get(ticket.conversation_id)))
    messages = store.messages.transcript(ticket.conversation_id)
    return {**ticket_view(ticket), "history": history, "transcript": [message_view(m) for m in messages]}


def transcript(principal: Principal, conversation_id: str) -> dict[str, Any]:
    check_is_staff(principal)
    store = _store()
    conv = store.conversations.get(conversation_id)
    rules.check_can_see_chat(principal, access_of(conv))
    return {
        "conversation": conversation_view(conv),
        "messages": [message_view(m) for m in store.messages.transcript(conversation_id)],
    }


# --- history (S-7) -------------------------------------------------------------------------


def history_filter(params: dict[str, Any]) -> HistoryFilter:
    """Validate history search parameters into the period and filters of a search."""
    now = bootstrap.clock()
    to_ms = int_field(params, "to", minimum=0, maximum=2**53, default=now)
    from_ms = int_field(params, "from", minimum=0, maximum=2**53, default=to_ms - 30 * DAY_MS)
    if from_ms > to_ms:
        raise InvalidField("'from' must not be after 'to'", field="from")
    if to_ms - from_ms > MAX_HISTORY_RANGE_MS:
        raise InvalidField("the period may span at most 366 days", field="from")
    inquiry_type = text_field(params, "inquiryType", max_chars=MAX_NAME_CHARS, required=False)
    processing_type = text_field(params, "processingType", max_chars=MAX_NAME_CHARS, required=False)
    status = params.get("status")
    handled: bool | None = None
    if status not in (None, ""):
        if status not in ("handled", "unhandled"):
            raise InvalidField("'status' must be handled or unhandled", field="status")
        handled = status == "handled"
    user_name = text_field(params, "userName", max_chars=MAX_NAME_CHARS, required=False)
    rating = enum_field(params, "rating", Rating, required=False) if params.get("rating") else None
    state = params.get("state")
    state_value: str | None = None
    if state not in (None, ""):
        try:
            state_value = ConversationState(state).value
        except ValueError as exc:
            raise InvalidField("'state' must be waiting, active or ended", field="state") from exc
    agent_id = username_field(params, "agentId")
    return HistoryFilter(
        from_ms=from_ms,
        to_ms=to_ms,
        agent_id=agent_id,
        inquiry_type=inquiry_type or None,
        processing_type=processing_type or None,
        handled=handled,
        user_name=user_name or None,
        rating=rating.value if rating is not None else None,
        state=state_value,
    )


def search_history(principal: Principal, params: dict[str, Any]) -> dict[str, Any]:
    """Newest first, through the month index (or the agent index); never a Scan."""
    check_is_staff(principal)
    limit = int_field(params, "limit", minimum=1, maximum=PAGE_MAX, default=50)
    query = history_filter(params)
    page = _store().history.search(query, limit, decode_cursor(params.get("cursor")))
    names = team_names()
    return {
        "items": [history_row(c, principal, names) for c in page.items],
        "nextCursor": encode_cursor(page.next_key),
    }


def team_names() -> dict[str, str]:
    """Team id → name from the routing settings (a removed team's chats show its id)."""
    from chalicelib.services.routing_settings import load_routing_settings

    return {team.team_id: team.name for team in load_routing_settings().teams}


def transfer_hops(conv: Conversation) -> list[dict[str, Any]]:
    """Every hop of the chat, oldest first: who moved it, from whom, to whom (or which team), when, note."""
    return [transfer_view(hop) for hop in conv.transfers or []]


# What a history row shows of the customer; left out of rows of chats the caller may not see.
PERSONAL_HISTORY_FIELDS = ("userName", "email")


def history_row(
    conv: Conversation, principal: Principal | None = None, names: dict[str, str] | None = None
) -> dict[str, Any]:
    """One row; without a principal (the export function checked who asked) every field.
    `names`: team id → name (team_names()); without it `teamName` is the id."""
    hops = transfer_hops(conv)
    row: dict[str, Any] = {
        "conversationId": conv.conversation_id,
        "inboundAt": conv.inbound_at,
        "firstResponseAt": conv.first_response_at,
        "firstResponseSeconds": (conv.first_response_at - conv.inbound_at) // 1000 if conv.first_response_at else None,
        "endedAt": conv.ended_at,
        "state": conv.state,
        "inquiryType": conv.inquiry_type,
        "processingType": conv.processing_type,
        "status": "handled" if rules.is_handled(conv.first_response_at) else "unhandled",
        "agentId": conv.agent_id,
        "agentName": conv.agent_name,
        "userName": conv.customer_name,
        "email": conv.customer_email,
        "rating": conv.rating,
        "messageCount": conv.last_seq,
        "endedBy": conv.ended_by,  # issue #21: system (idle auto-close) beside agent and customer
        "endReason": conv.end_reason,
        "teamId": conv.team_id,
        "teamName": (names or {}).get(conv.team_id, conv.team_id) if conv.team_id else None,
        "transferCount": len(conv.transfers or []),
        "transfers": hops,
    }
    if principal is not None and not rules.may_see_chat(principal, access_of(conv)):
        row.update(dict.fromkeys(PERSONAL_HISTORY_FIELDS), restricted=True)
        row["transfers"] = [{**hop, "note": None} for hop in hops]  # the notes are the chat's people's
    return row
