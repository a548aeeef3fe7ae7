"""In-memory twin of chalicelib/store/lifecycle.py: the same domain Transitions, checked and applied
under the tables' lock (`write`, which the messages twin uses too)."""

from __future__ import annotations

from chalicelib.domain import lifecycle
from chalicelib.domain.entities import Agent, Conversation, Message, Transfer
from chalicelib.domain.errors import Conflict
from chalicelib.domain.lifecycle import Transition, applied, holds
from chalicelib.domain.model import ConversationState, Role
from chalicelib.store.memory import Tables, copied


def write(tables: Tables, conv: Conversation, transition: Transition, refused: type[Exception] = Conflict) -> None:
    """The transition, whole or not at all: the stored chat must meet its precondition, its line's
    seq must be free and the taken seat's agent must admit one more chat."""
    items: dict[str, Conversation] = tables.table("conversations")
    agents: dict[str, Agent] = tables.table("agents")
    messages: dict[tuple[str, int], Message] = tables.table("messages")
    with tables.lock:
        stored = items.get(conv.conversation_id)
        line, seat = transition.line, transition.seat_taken
        if (
            stored is None
            or not holds(transition.precondition, stored)
            or (line is not None and (conv.conversation_id, line.seq) in messages)
            or (seat is not None and not seat.admits(agents.get(seat.agent_id)))
        ):
            raise refused(transition.refusal)
        items[conv.conversation_id] = applied(stored, copied(transition))
        if line is not None:
            messages[(conv.conversation_id, line.seq)] = copied(line)
        if transition.seat_freed is not None:
            agents.setdefault(transition.seat_freed, Agent(transition.seat_freed)).active_chats -= 1
        if seat is not None:
            taken = agents[seat.agent_id]
            taken.active_chats += 1
            taken.last_assigned_at = seat.at


class MemoryLifecycle:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._items: dict[str, Conversation] = tables.table("conversations")

    def assign(
        self,
        conv: Conversation,
        agent_id: str,
        max_chats: int,
        connection_ids: set[str],
        now_ms: int,
        agent_name: str | None,
    ) -> None:
        write(self._tables, conv, lifecycle.assign(conv, agent_id, max_chats, connection_ids, now_ms, agent_name))

    def return_to_queue(
        self, conv: Conversation, agent_id: str, *, to_team_id: str | None, answered_too: bool = False
    ) -> None:
        transition = lifecycle.return_to_queue(conv, agent_id, to_team_id=to_team_id, answered_too=answered_too)
        write(self._tables, conv, transition)

    def return_unaccepted(self, conv: Conversation, *, to_team_id: str | None) -> None:
        write(self._tables, conv, lifecycle.return_unaccepted(conv, to_team_id=to_team_id))

    def end(
        self,
        conv: Conversation,
        ended_by: Role | str,
        now_ms: int,
        *,
        reason: str | None = None,
        line: Message | None = None,
        if_idle_unchanged: bool = False,
    ) -> None:
        transition = lifecycle.end(
            conv, ended_by, now_ms, reason=reason, line=line, if_idle_unchanged=if_idle_unchanged
        )
        write(self._tables, conv, transition)
        if line is not None:
            conv.last_seq, conv.last_message_at = line.seq, line.created_at

    def transfer_to_agent(
        self,
        conv: Conversation,
        hop: Transfer,
        max_chats: int,
        connection_ids: set[str],
        agent_name: str | None,
        now_ms: int,
        *,
        allow_break: bool = False,
    ) -> None:
        transition = lifecycle.transfer_to_agent(
            conv, hop, max_chats, connection_ids, agent_name, now_ms, allow_break=allow_break
        )
        write(self._tables, conv, transition)

    def transfer_to_queue(self, conv: Conversation, hop: Transfer) -> None:
        write(self._tables, conv, lifecycle.transfer_to_queue(conv, hop))

    # --- live-chat timers --------------------------------------------------------------------

    def _live(self) -> list[Conversation]:
        live = [c for c in self._items.values() if c.state == ConversationState.ACTIVE.value]
        return sorted(live, key=lambda c: (_active_at(c), c.conversation_id))

    def idle_candidates(self, active_at_or_before: int) -> list[Conversation]:
        with self._tables.lock:
            return [copied(c) for c in self._live() if _active_at(c) <= active_at_or_before]

    def live_chats(self) -> list[Conversation]:
        with self._tables.lock:
            return [copied(c) for c in self._live()]

    def unaccepted(self, assigned_at_or_before: int) -> list[Conversation]:
        with self._tables.lock:
            found = [
                c
                for c in self._live()
                if lifecycle.unaccepted(c) and c.assigned_at is not None and c.assigned_at <= assigned_at_or_before
            ]
            return [copied(c) for c in sorted(found, key=lambda c: (c.assigned_at or 0, c.conversation_id))]

    def warn_idle(self, conv: Conversation, line: Message) -> None:
        write(self._tables, conv, lifecycle.warn_idle(conv, line))
        conv.last_seq, conv.last_message_at, conv.idle_warning_at = line.seq, line.created_at, line.created_at

    def mark_opened(self, conv: Conversation, agent_id: str, now_ms: int) -> bool:
        try:
            write(self._tables, conv, lifecycle.mark_opened(conv, agent_id, now_ms))
        except Conflict:
            return False
        conv.agent_opened_at = now_ms
        return True


def _active_at(conv: Conversation) -> int:
    # The DynamoDB item's index key: the customer's last message, else the assignment.
    return int(conv.customer_active_at or conv.assigned_at or 0)
