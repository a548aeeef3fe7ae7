"""The conversation's lifecycle as transitions: assign, return to the queue, end, transfer, append,
the idle warning and the open.

Each function here decides, from the conversation as it was read, what a change is (`changes`) and
what the stored conversation must still be for it to apply (`precondition`), plus the agents' seats
it takes or frees. It writes nothing: a store applies a Transition atomically or refuses it whole.
The DynamoDB store renders the precondition as a condition expression and the changes as update
actions (plus the index attributes the new state implies, which only it knows); the in-memory twin
checks `holds` and applies `applied`, so both enforce the same rules by construction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import AgentStatus, ConversationState, Role

if TYPE_CHECKING:
    from chalicelib.domain.entities import Agent, Conversation, Message, Transfer


@dataclass(frozen=True)
class Is:
    """The stored field equals `value`; `None` means the field is absent."""

    name: str
    value: object


@dataclass(frozen=True)
class IsNot:
    """The stored field differs from `value` (an absent field differs from any value)."""

    name: str
    value: object


@dataclass(frozen=True)
class Present:
    name: str


Clause = Is | IsNot | Present


@dataclass(frozen=True)
class FirstOnly:
    """Set the field to `value` unless it already has one (a first assignment, a first response)."""

    value: object


@dataclass(frozen=True)
class Seat:
    """A seat the transition takes: the agent must be in one of `statuses` (online; a supervisor
    taking a chat over may be on break), allowed to chat and below `max_chats`."""

    agent_id: str
    max_chats: int
    at: int  # the agent's last assignment time, for the longest-idle rule
    statuses: tuple[str, ...] = (AgentStatus.ONLINE.value,)

    def admits(self, agent: Agent | None) -> bool:
        return (
            agent is not None
            and agent.active_chats < self.max_chats
            and agent.status in self.statuses
            and agent.chat_permission is True
        )


@dataclass(frozen=True)
class Transition:
    """One atomic change of a conversation. `changes`: field → new value (`None` removes it, a
    `FirstOnly` keeps an existing one). `hop` is added to the transfers and `line` (a system line,
    seq last_seq + 1) stored in the same write."""

    precondition: tuple[Clause, ...]
    changes: Mapping[str, object]
    refusal: str = "the chat changed meanwhile"
    seat_taken: Seat | None = None
    seat_freed: str | None = None
    hop: Transfer | None = None
    line: Message | None = None
    changed_fields: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = set(self.changes) | ({"transfers"} if self.hop else set())
        object.__setattr__(self, "changed_fields", frozenset(names))


def holds(precondition: tuple[Clause, ...], stored: Conversation) -> bool:
    """The precondition, evaluated on a stored conversation (the in-memory store's check)."""
    for clause in precondition:
        value = getattr(stored, clause.name)
        if isinstance(clause, Is) and value != clause.value:
            return False
        if isinstance(clause, IsNot) and value == clause.value:
            return False
        if isinstance(clause, Present) and value is None:
            return False
    return True


def applied(conv: Conversation, transition: Transition) -> Conversation:
    """The conversation after the transition (a new object; `conv` is left as it is)."""
    values: dict[str, Any] = {
        name: (getattr(conv, name) if getattr(conv, name) is not None else value.value)
        if isinstance(value, FirstOnly)
        else value
        for name, value in transition.changes.items()
    }
    after = dataclasses.replace(conv, **values)
    if transition.hop is not None:
        after.transfers = [*(conv.transfers or []), transition.hop]
    return after


def unaccepted(conv: Conversation) -> bool:
    """Assigned, and since then neither opened nor answered by its agent (the accept window's rule)."""
    assigned = conv.assigned_at
    if assigned is None:
        return False
    return all(at is None or at < assigned for at in (conv.agent_opened_at, conv.agent_active_at))


# --- the transitions ------------------------------------------------------------------------


def _same_assignment(conv: Conversation) -> tuple[Clause, ...]:
    """Still active with the agent of the assignment `conv` was read in: a racing end or transfer fails it."""
    return (
        Is("state", ConversationState.ACTIVE.value),
        Is("agent_id", conv.agent_id),
        Is("assigned_at", conv.assigned_at),
    )


def _with_agent(agent_id: str, agent_name: str | None, connection_ids: set[str], now_ms: int) -> dict[str, object]:
    """A chat (re)starting with an agent; idle time counts from now (the live-activity index)."""
    return {
        "agent_id": agent_id,
        "agent_name": agent_name or None,
        "assigned_at": now_ms,
        "agent_connections": set(connection_ids) or None,
        "customer_active_at": now_ms,
    }


def _back_to_queue(team_id: str | None) -> dict[str, object]:
    return {
        "state": ConversationState.WAITING.value,
        "team_id": team_id or None,
        "agent_id": None,
        "agent_name": None,
        "agent_connections": None,
        "assigned_at": None,
    }


def assign(
    conv: Conversation, agent_id: str, max_chats: int, connection_ids: set[str], now_ms: int, agent_name: str | None
) -> Transition:
    """The agent takes one more chat (below max, still online, may chat) and the chat leaves the queue."""
    return Transition(
        precondition=(Is("state", ConversationState.WAITING.value),),
        changes={
            "state": ConversationState.ACTIVE.value,
            **_with_agent(agent_id, agent_name, connection_ids, now_ms),
            # The first assignment stays through transfers and returns: reports' wait time.
            "first_assigned_at": FirstOnly(now_ms),
        },
        refusal="assignment lost a race",
        seat_taken=Seat(agent_id, max_chats, now_ms),
    )


def return_to_queue(
    conv: Conversation, agent_id: str, *, to_team_id: str | None, answered_too: bool = False
) -> Transition:
    """Back to the queue of `to_team_id` at its original place (FIFO by first arrival): an unanswered
    chat only, unless `answered_too` (the agent's account was disabled: nobody else could answer)."""
    return Transition(
        precondition=(
            Is("state", ConversationState.ACTIVE.value),
            Is("agent_id", agent_id),
            Present("agent_id") if answered_too else Is("first_response_at", None),
        ),
        changes=_back_to_queue(to_team_id),
        seat_freed=agent_id,
    )


def return_unaccepted(conv: Conversation, *, to_team_id: str | None) -> Transition:
    """The accept window ran out: back to the queue, only if the chat is still with the agent of the
    same assignment and that agent has neither opened nor answered it since it was read."""
    if conv.agent_id is None or conv.assigned_at is None or not unaccepted(conv):
        raise Conflict("the chat is not waiting for its agent to accept it")
    return Transition(
        precondition=(
            *_same_assignment(conv),
            Is("agent_opened_at", conv.agent_opened_at),
            Is("agent_active_at", conv.agent_active_at),
        ),
        changes=_back_to_queue(to_team_id),
        refusal="the chat was opened, answered or moved meanwhile",
        seat_freed=conv.agent_id,
    )


def _next_line(conv: Conversation, line: Message) -> tuple[tuple[Clause, ...], dict[str, object]]:
    """A system line at the next seq: nobody else may have taken it."""
    return (Is("last_seq", line.seq - 1),), {"last_seq": line.seq, "last_message_at": line.created_at or 0}


def end(
    conv: Conversation,
    ended_by: Role | str,
    now_ms: int,
    *,
    reason: str | None = None,
    line: Message | None = None,
    if_idle_unchanged: bool = False,
) -> Transition:
    """End the chat from the state it was read in, freeing its agent's seat. `line`: a closing line
    stored with it. `if_idle_unchanged`: refused if the customer wrote or a warning went out since
    `conv` was read (the idle auto-close)."""
    active = conv.state == ConversationState.ACTIVE.value
    precondition: tuple[Clause, ...] = _same_assignment(conv) if active else (Is("state", conv.state),)
    if if_idle_unchanged:
        precondition += (Is("customer_active_at", conv.customer_active_at), Is("idle_warning_at", conv.idle_warning_at))
    changes: dict[str, object] = {
        "state": ConversationState.ENDED.value,
        "ended_at": now_ms,
        "ended_by": str(ended_by),
        "end_reason": reason or None,
    }
    if line is not None:
        line_precondition, line_changes = _next_line(conv, line)
        precondition += line_precondition
        changes.update(line_changes)
    return Transition(
        precondition=precondition,
        changes=changes,
        seat_freed=conv.agent_id if active and conv.agent_id else None,
        line=line,
    )


def transfer_to_agent(
    conv: Conversation,
    hop: Transfer,
    max_chats: int,
    connection_ids: set[str],
    agent_name: str | None,
    now_ms: int,
    *,
    allow_break: bool = False,
) -> Transition:
    """The chat moves to `hop.to_agent_id` (below `max_chats`, online — or on break for a supervisor's
    take-over —, may chat) from the agent it was read with, whose seat is freed; the hop is added."""
    to_agent = hop.to_agent_id or ""
    statuses = (AgentStatus.ONLINE.value, *((AgentStatus.BREAK.value,) if allow_break else ()))
    return Transition(
        precondition=_same_assignment(conv),
        changes=_with_agent(to_agent, agent_name, connection_ids, now_ms),
        refusal="the chat or the agent changed meanwhile; reload and try again",
        seat_taken=Seat(to_agent, max_chats, now_ms, statuses),
        seat_freed=conv.agent_id or "",
        hop=hop,
    )


def transfer_to_queue(conv: Conversation, hop: Transfer) -> Transition:
    """The chat leaves the agent it was read with for the queue of `hop.to_team_id`, at its original
    place; the hop is added to the record."""
    return Transition(
        precondition=_same_assignment(conv),
        changes=_back_to_queue(hop.to_team_id),
        refusal="the chat changed meanwhile; reload and try again",
        seat_freed=conv.agent_id or "",
        hop=hop,
    )


def warn_idle(conv: Conversation, line: Message) -> Transition:
    """The idle warning line, if the chat is still active, the customer has not written and no
    warning went out since `conv` was read (two overlapping sweeps: one warns)."""
    line_precondition, line_changes = _next_line(conv, line)
    return Transition(
        precondition=(
            Is("state", ConversationState.ACTIVE.value),
            *line_precondition,
            Is("customer_active_at", conv.customer_active_at),
            Is("idle_warning_at", conv.idle_warning_at),
        ),
        changes={**line_changes, "idle_warning_at": line.created_at or 0},
        line=line,
    )


def mark_opened(conv: Conversation, agent_id: str, now_ms: int) -> Transition:
    """The assigned agent's console showed the chat (it leaves the accept window)."""
    return Transition(
        precondition=(Is("state", ConversationState.ACTIVE.value), Is("agent_id", agent_id)),
        changes={"agent_opened_at": now_ms},
    )


def append(conv: Conversation, message: Message, *, agent_reply: bool, note: bool = False) -> Transition:
    """A message at the next seq, refused once the chat has ended. A staff-only note takes its seq the
    same way but is accepted on an ended chat too and leaves last_message_at (the activity the
    customer sees) alone. The live-chat timers move with it: a customer message restarts idle time,
    an agent's reply ends the accept window."""
    at = message.created_at or 0
    precondition: tuple[Clause, ...] = (Is("last_seq", message.seq - 1),)
    changes: dict[str, object] = {"last_seq": message.seq}
    if not note:
        precondition += (IsNot("state", ConversationState.ENDED.value),)
        changes["last_message_at"] = at
    if agent_reply:
        changes["first_response_at"] = FirstOnly(at)
    if message.sender_role == "customer":
        changes["customer_active_at"] = at
    elif agent_reply:
        changes["agent_active_at"] = at
    return Transition(
        precondition=precondition, changes=changes, refusal="another message took this seq, or the chat ended"
    )
