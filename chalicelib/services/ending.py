"""The end of a chat (S-5, S-6): the rating asked and given, and ending it."""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import clock, store
from chalicelib.domain import model as rules
from chalicelib.domain.entities import Conversation
from chalicelib.domain.errors import Conflict, Forbidden
from chalicelib.domain.model import Principal, Rating, Role, check_is_staff
from chalicelib.domain.validation import enum_field, text_field
from chalicelib.services import notify
from chalicelib.services.assignment import assign_waiting_chats, push_queue_positions
from chalicelib.services.messages import system_line
from chalicelib.services.settings import load_settings
from chalicelib.services.transfer import check_not_moved_away
from chalicelib.services.views import agent_view, conversation_view, customer_conversation_view, message_view


def request_rating(principal: Principal, conversation_id: str) -> dict[str, Any]:
    conv = store().conversations.get(conversation_id)
    check_is_staff(principal)
    rules.check_can_send(principal, conv.access)
    conv = store().conversations.update(conv, {"rating_requested_at": clock()}, allow_ended=False)
    texts = load_settings().texts("rating_request_text")
    frame = {"type": "rating.requested", "conversationId": conversation_id, "text": texts["ko"], "texts": texts}
    notify.to_customer(conv, frame)
    return conversation_view(conv)


def submit_rating(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The customer's rating. The first one stands: a second submission gets 409 conflict."""
    if principal.role is not Role.CUSTOMER:
        raise Forbidden("only the customer rates the chat")
    conv = store().conversations.get(conversation_id)
    rules.check_can_read(principal, conv.access)
    rating = enum_field(body, "rating", Rating)
    assert rating is not None
    comment = text_field(body, "comment", max_chars=1000, required=False, allow_newlines=True)
    if conv.is_waiting:
        raise Conflict("the chat has not started yet")
    if conv.rating is not None or not store().conversations.record_rating(conv, rating.value, comment, clock()):
        raise Conflict("this chat has already been rated")
    frame = {"type": "rating.submitted", "conversationId": conversation_id, "rating": rating.value, "comment": comment}
    notify.to_chat_agent(conv, frame)
    return customer_conversation_view(conv)


_END_ATTEMPTS = 8


def end_chat(principal: Principal, conversation_id: str) -> dict[str, Any]:
    """End the chat with its closing line, in one transaction from the state it was read in: of two
    racing ends or an end and a transfer, one wins and the other gets 409. A message stored
    meanwhile (the seq moved, nothing else) is not a race: read again and retry."""
    conv = store().conversations.get(conversation_id)
    check_not_moved_away(principal, conv)
    rules.check_can_read(principal, conv.access)
    if conv.is_ended:
        raise Conflict("the conversation has already ended")
    if principal.role is Role.AGENT and conv.is_waiting:
        raise Forbidden("this conversation is not assigned to you")
    ended_by = Role.CUSTOMER if principal.role is Role.CUSTOMER else Role.AGENT
    for _ in range(_END_ATTEMPTS):
        line = system_line(conv, "chat_ended")
        try:
            store().lifecycle.end(conv, ended_by, clock(), line=line)
            break
        except Conflict:
            fresh = store().conversations.get(conversation_id)
            if fresh.is_ended:
                raise Conflict("the conversation has already ended") from None
            moved = (fresh.state, fresh.agent_id, fresh.assigned_at) != (conv.state, conv.agent_id, conv.assigned_at)
            if moved and principal.role is not Role.CUSTOMER:
                raise Conflict("the chat was moved meanwhile") from None  # staff decided on what they saw
            conv = fresh  # the customer leaves whoever has the chat now
    else:
        raise Conflict("the conversation is too busy; try again")
    # Read once more on purpose: a transaction returns no item, and the pushes must reach the
    # connections as they are now (a tab may have joined since the first read).
    conv = store().conversations.get(conversation_id)
    notify.to_both_sides(conv, {"type": "message.new", "message": message_view(line)})
    announce_end(conv)
    if principal.role is Role.CUSTOMER:
        return customer_conversation_view(conv)  # no agent id (the e-mail), memo or counsel notes
    return conversation_view(conv)


def announce_end(conv: Conversation) -> None:
    """After the end is stored: both sides told, the agent's new load, the freed seat filled."""
    frame = {
        "type": "chat.ended",
        "conversationId": conv.conversation_id,
        "endedBy": conv.ended_by,
        "endReason": conv.end_reason,
        "endedAt": conv.ended_at,
    }
    notify.to_both_sides(conv, frame)
    if conv.agent_id:
        agent = store().agents.get(conv.agent_id)
        if agent is not None:
            notify.to_agent(agent, {"type": "agent.status", **agent_view(agent, load_settings().max_chats_per_agent)})
    assign_waiting_chats()
    if conv.queued_key and conv.assigned_at is None:
        push_queue_positions()  # a waiting chat left the queue
