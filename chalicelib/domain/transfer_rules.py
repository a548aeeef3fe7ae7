"""Transfer (전환): the checks before the assigned agent or an admin hands a live chat to another
agent or back to a team's queue, and the hop the record keeps.

Pure functions over small dataclasses, like the routing rules they build on (chalicelib/domain/
routing.py: `Team`, `AgentLoad`, `capacity_for`): services/transfer.py loads the chat, the target
and the teams, asks here whether the hand-over is allowed (a typed refusal otherwise), and makes the
move with a conditional write that re-checks the same precondition (state, assignee, the target's
capacity), so a stale read loses the race instead of breaking a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.errors import (
    AgentCannotChat,
    AgentFull,
    AgentUnavailable,
    ConversationEnded,
    DomainError,
    Forbidden,
    NotAssigned,
    NotFound,
    TransferToSelf,
)
from chalicelib.domain.model import AgentStatus, ConversationState, Principal, Role
from chalicelib.domain.routing import AgentLoad, Team, capacity_for
from chalicelib.domain.validation import MAX_MEMO_CHARS, text_field


@dataclass(frozen=True)
class ChatForTransfer:
    conversation_id: str
    state: ConversationState
    agent_id: str | None
    team_id: str | None


@dataclass(frozen=True)
class TransferHop:
    """One hop of the record's transfer history (who, from, to whom, when, note)."""

    conversation_id: str
    by_user_id: str
    from_agent_id: str | None
    to_agent_id: str | None  # None: to a team's queue
    to_team_id: str | None  # the chat's team after the hop
    at_ms: int
    note: str = ""  # internal, for the receiver; never shown to the customer

    def to_document(self) -> dict[str, Any]:
        return {
            "by": self.by_user_id,
            "from": self.from_agent_id,
            "toAgent": self.to_agent_id,
            "toTeam": self.to_team_id,
            "at": self.at_ms,
            "note": self.note,
        }


def transfer_note_field(body: dict[str, Any]) -> str:
    """The optional internal note of a transfer request (`note`)."""
    return text_field(body, "note", max_chars=MAX_MEMO_CHARS, required=False, allow_newlines=True) or ""


def check_can_transfer_to_agent(
    caller: Principal,
    chat: ChatForTransfer,
    target: AgentLoad,
    *,
    chat_team: Team | None,
    default_max_chats: int,
    now_ms: int,
    note: str = "",
) -> TransferHop:
    """The hop, if `caller` may hand the chat to `target` now; a typed refusal otherwise.

    The store's write re-checks state, assignee and the target's `active_chats < max` (the result's
    capacity comes from `capacity_for` with the chat's team), so a racing end or transfer gets 409.
    """
    _check_caller_may_transfer(caller, chat)
    if target.agent_id == caller.user_id:
        raise TransferToSelf("a chat cannot be transferred to yourself", field="agentId")
    if target.agent_id == chat.agent_id:
        raise TransferToSelf("the chat is already with this agent", field="agentId")
    if target.status is not AgentStatus.ONLINE:
        raise AgentUnavailable(f"the agent is {target.status.value}, not online", field="agentId")
    if not target.chat_permission:
        raise AgentCannotChat("the agent's account has no chat permission", field="agentId")
    limit = capacity_for(target, chat_team, default_max_chats)
    if target.active_chats >= limit:
        raise AgentFull(f"the agent already has {target.active_chats} of {limit} chats", field="agentId")
    return TransferHop(chat.conversation_id, caller.user_id, chat.agent_id, target.agent_id, chat.team_id, now_ms, note)


def check_can_transfer_to_team(
    caller: Principal,
    chat: ChatForTransfer,
    team_id: str,
    teams: Sequence[Team],
    *,
    now_ms: int,
    note: str = "",
) -> TransferHop:
    """The hop back to a team's queue (the chat waits there, first agent leaves it); its own team too."""
    _check_caller_may_transfer(caller, chat)
    if not any(team.team_id == team_id for team in teams):
        raise NotFound("no such team", field="teamId")
    return TransferHop(chat.conversation_id, caller.user_id, chat.agent_id, None, team_id, now_ms, note)


def check_caller_may_transfer(caller: Principal, chat: ChatForTransfer) -> None:
    """The refusals that concern the caller and the chat alone (not a target): what the console's
    list of transfer targets checks once before it weighs each target."""
    _check_caller_may_transfer(caller, chat)


def agent_target_refusal(
    caller: Principal, chat: ChatForTransfer, target: AgentLoad, *, chat_team: Team | None, default_max_chats: int
) -> str | None:
    """The error code a transfer of `chat` to `target` would get now, or None when it would pass: the
    same checks, in the same order, as `check_can_transfer_to_agent` (the dialog greys the refused)."""
    try:
        check_can_transfer_to_agent(
            caller, chat, target, chat_team=chat_team, default_max_chats=default_max_chats, now_ms=0
        )
    except DomainError as refusal:
        return refusal.code
    return None


def _check_caller_may_transfer(caller: Principal, chat: ChatForTransfer) -> None:
    if not caller.is_staff:
        raise Forbidden("only agents and admins transfer chats")
    if not caller.may_chat:
        raise Forbidden("your account has no chat permission")
    if caller.role is not Role.ADMIN and chat.agent_id != caller.user_id:
        raise Forbidden("this conversation is not assigned to you")
    if chat.state is ConversationState.ENDED:
        raise ConversationEnded("the conversation has ended")
    if chat.state is ConversationState.WAITING:
        raise NotAssigned("the chat is waiting for an agent: only a chat with an agent is transferred")
