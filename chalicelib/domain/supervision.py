"""Supervision (issue #24): a supervisor watches any live chat read-only, whispers to its agent and
takes it over. Pure rules; chalicelib/services/supervision.py and services/transfer.py apply them.

Watching joins a supervisor's tab to the chat's staff pushes (the conversation item lists it beside
the agent's tabs), never its customer's: nothing a customer is sent names a watcher. A take-over is
a transfer to the supervisor, with the transfer's race rule (one conditional transaction on the
assignment read) and capacity; unlike the queue's offers it may be made on 휴식 (break): a supervisor
watching on break gets no queue chats, and taking one over is their explicit choice.
"""

from __future__ import annotations

from chalicelib.domain.errors import (
    AgentFull,
    AgentUnavailable,
    ConversationEnded,
    Forbidden,
    NotAssigned,
    TransferToSelf,
)
from chalicelib.domain.model import AgentStatus, ConversationAccess, ConversationState, Principal
from chalicelib.domain.routing import AgentLoad, Team, capacity_for
from chalicelib.domain.transfer_rules import ChatForTransfer, TransferHop

# Watching: the transcript a supervisor's tab gets at once (the rest with messages.sync or REST),
# read up to this many messages and cut to what fits one push: API Gateway refuses a WebSocket
# message over 128 KB, and 500 long Korean messages run to megabytes.
WATCH_TRANSCRIPT_LIMIT = 500
WATCH_FRAME_BUDGET_BYTES = 96_000


def check_may_supervise(principal: Principal) -> None:
    if not principal.supervises:
        raise Forbidden("supervisors and admins only")


def check_can_watch(principal: Principal, conv: ConversationAccess) -> None:
    """A supervisor (or admin) watches a live chat: waiting or active, anyone's."""
    check_may_supervise(principal)
    if conv.state is ConversationState.ENDED:
        raise ConversationEnded("the conversation has ended: read it in history")


def check_can_take_over(
    caller: Principal,
    chat: ChatForTransfer,
    own: AgentLoad,
    *,
    chat_team: Team | None,
    default_max_chats: int,
    now_ms: int,
) -> TransferHop:
    """The hop of a take-over (a transfer to the caller), or a typed refusal, in this order:
    `forbidden` (not a supervisor/admin, no chat permission), `conversation_ended`, `not_assigned`
    (waiting: the queue offers it), `transfer_to_self` (already theirs), `agent_unavailable`
    (offline), `agent_full` (no room: the same limit as any assignment)."""
    check_may_supervise(caller)
    if not caller.may_chat or not own.chat_permission:
        raise Forbidden("your account has no chat permission")
    if chat.state is ConversationState.ENDED:
        raise ConversationEnded("the conversation has ended")
    if chat.state is ConversationState.WAITING:
        raise NotAssigned("the chat is waiting for an agent: only a chat with an agent is taken over")
    if chat.agent_id == caller.user_id:
        raise TransferToSelf("the chat is already yours")
    if own.status is AgentStatus.OFFLINE:
        raise AgentUnavailable("set your status to online or break to take a chat over")
    limit = capacity_for(own, chat_team, default_max_chats)
    if own.active_chats >= limit:
        raise AgentFull(f"you already have {own.active_chats} of {limit} chats")
    return TransferHop(chat.conversation_id, caller.user_id, chat.agent_id, caller.user_id, chat.team_id, now_ms)


def waiting_ms(state: ConversationState, inbound_at: int, first_assigned_at: int | None, now_ms: int) -> int:
    """How long the customer waited for an agent: so far while waiting, else until the first
    assignment (the reports' wait time, docs/reports.md)."""
    if state is ConversationState.WAITING or first_assigned_at is None:
        return max(0, now_ms - inbound_at)
    return max(0, first_assigned_at - inbound_at)


def fitting_prefix(sizes: list[int], budget: int) -> int:
    """How many of the first items (their encoded sizes, in order) fit in `budget` bytes together."""
    total = 0
    for count, size in enumerate(sizes):
        total += size
        if total > budget:
            return count
    return len(sizes)
