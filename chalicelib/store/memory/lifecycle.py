"""In-memory twin of chalicelib/store/lifecycle.py."""

from __future__ import annotations

from chalicelib.domain.entities import Agent, Conversation, Message, Transfer
from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import AgentStatus, ConversationState, Role
from chalicelib.store.memory import Tables, copied


class MemoryLifecycle:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._items: dict[str, Conversation] = tables.table("conversations")
        self._agents: dict[str, Agent] = tables.table("agents")
        self._messages: dict[tuple[str, int], Message] = tables.table("messages")

    def assign(
        self,
        conv: Conversation,
        agent_id: str,
        max_chats: int,
        connection_ids: set[str],
        now_ms: int,
        agent_name: str | None,
    ) -> None:
        with self._tables.lock:
            agent, item = self._agents.get(agent_id), self._items.get(conv.conversation_id)
            agent_ok = (
                agent is not None
                and agent.active_chats < max_chats
                and agent.status == AgentStatus.ONLINE.value
                and agent.chat_permission is True
            )
            if not agent_ok or item is None or not item.is_waiting:
                raise Conflict("assignment lost a race")
            assert agent is not None
            agent.active_chats += 1
            agent.last_assigned_at = now_ms
            if item.first_assigned_at is None:  # the first assignment stays (reports' wait time)
                item.first_assigned_at = now_ms
            item.state, item.agent_id, item.agent_name = ConversationState.ACTIVE.value, agent_id, agent_name or None
            item.assigned_at, item.agent_connections = now_ms, set(connection_ids) or None
            item.customer_active_at = now_ms

    def return_to_queue(
        self, conv: Conversation, agent_id: str, *, to_team_id: str | None, answered_too: bool = False
    ) -> None:
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if (
                item is None
                or item.state != ConversationState.ACTIVE.value
                or item.agent_id != agent_id
                or (item.first_response_at is not None and not answered_too)
            ):
                raise Conflict("the chat changed meanwhile")
            self._back_to_queue(item, agent_id, to_team_id)

    def _back_to_queue(self, item: Conversation, agent_id: str, team_id: str | None) -> None:
        agent = self._agents.setdefault(agent_id, Agent(agent_id))
        agent.active_chats -= 1
        item.state = ConversationState.WAITING.value
        item.team_id = team_id or None
        item.agent_id = item.agent_name = item.agent_connections = item.assigned_at = None

    def return_unaccepted(self, conv: Conversation, *, to_team_id: str | None) -> None:
        if conv.agent_id is None or conv.assigned_at is None:
            raise Conflict("the chat is not assigned")
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if (
                item is None
                or item.state != ConversationState.ACTIVE.value
                or item.agent_id != conv.agent_id
                or item.assigned_at != conv.assigned_at
                or not _unaccepted(item)
            ):
                raise Conflict("the chat was opened, answered or moved meanwhile")
            self._back_to_queue(item, conv.agent_id, to_team_id)

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
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if item is None or item.state != conv.state:
                raise Conflict("the chat changed meanwhile")
            if conv.state == ConversationState.ACTIVE.value and (item.agent_id, item.assigned_at) != (
                conv.agent_id,
                conv.assigned_at,
            ):
                raise Conflict("the chat changed meanwhile")
            if if_idle_unchanged and (
                item.customer_active_at != conv.customer_active_at or item.idle_warning_at != conv.idle_warning_at
            ):
                raise Conflict("the chat changed meanwhile")
            if line is not None:
                self._check_next_line(item, line)
                self._put_line(item, line)
            if conv.state == ConversationState.ACTIVE.value and conv.agent_id:
                self._agents.setdefault(conv.agent_id, Agent(conv.agent_id)).active_chats -= 1
            item.state, item.ended_at, item.ended_by = ConversationState.ENDED.value, now_ms, str(ended_by)
            item.end_reason = reason or None
        if line is not None:
            conv.last_seq, conv.last_message_at = line.seq, line.created_at

    def _check_next_line(self, item: Conversation, line: Message) -> None:
        if item.last_seq != line.seq - 1 or (item.conversation_id, line.seq) in self._messages:
            raise Conflict("the chat changed meanwhile")

    def _put_line(self, item: Conversation, line: Message) -> None:
        self._messages[(item.conversation_id, line.seq)] = copied(line)
        item.last_seq, item.last_message_at = line.seq, line.created_at

    # --- transfer ------------------------------------------------------------------------------

    def _same_assignment(self, conv: Conversation) -> Conversation:
        item = self._items.get(conv.conversation_id)
        if (
            item is None
            or item.state != ConversationState.ACTIVE.value
            or item.agent_id != conv.agent_id
            or item.assigned_at != conv.assigned_at
        ):
            raise Conflict("the chat changed meanwhile; reload and try again")
        return item

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
        statuses = {AgentStatus.ONLINE.value, *([AgentStatus.BREAK.value] if allow_break else [])}
        with self._tables.lock:
            item = self._same_assignment(conv)
            target = self._agents.get(hop.to_agent_id or "")
            if (
                target is None
                or target.active_chats >= max_chats
                or target.status not in statuses
                or target.chat_permission is not True
            ):
                raise Conflict("the chat or the agent changed meanwhile; reload and try again")
            self._agents.setdefault(conv.agent_id or "", Agent(conv.agent_id or "")).active_chats -= 1
            target.active_chats += 1
            target.last_assigned_at = now_ms
            item.agent_id, item.agent_name = hop.to_agent_id, agent_name or None
            item.assigned_at, item.agent_connections = now_ms, set(connection_ids) or None
            item.customer_active_at = now_ms
            item.transfers = [*(item.transfers or []), copied(hop)]

    def transfer_to_queue(self, conv: Conversation, hop: Transfer) -> None:
        with self._tables.lock:
            item = self._same_assignment(conv)
            self._back_to_queue(item, conv.agent_id or "", hop.to_team_id)
            item.transfers = [*(item.transfers or []), copied(hop)]

    # --- live-chat timers --------------------------------------------------------------------

    def _live(self) -> list[Conversation]:
        live = [c for c in self._items.values() if c.state == ConversationState.ACTIVE.value]
        return sorted(live, key=lambda c: (_active_at(c), c.conversation_id))

    def idle_candidates(self, active_at_or_before: int) -> list[Conversation]:
        with self._tables.lock:
            return [copied(c) for c in self._live() if _active_at(c) <= active_at_or_before]

    def live_chats(self) -> list[Conversation]:
        with self._tables.lock:
            return [copied(c) for c in sorted(self._live(), key=lambda c: (_active_at(c), c.conversation_id))]

    def unaccepted(self, assigned_at_or_before: int) -> list[Conversation]:
        with self._tables.lock:
            found = [
                c
                for c in self._live()
                if _unaccepted(c) and c.assigned_at is not None and c.assigned_at <= assigned_at_or_before
            ]
            return [copied(c) for c in sorted(found, key=lambda c: (c.assigned_at or 0, c.conversation_id))]

    def warn_idle(self, conv: Conversation, line: Message) -> None:
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if (
                item is None
                or item.state != ConversationState.ACTIVE.value
                or item.customer_active_at != conv.customer_active_at
                or item.idle_warning_at != conv.idle_warning_at
            ):
                raise Conflict("the chat changed meanwhile")
            self._check_next_line(item, line)
            self._put_line(item, line)
            item.idle_warning_at = line.created_at
        conv.last_seq, conv.last_message_at, conv.idle_warning_at = line.seq, line.created_at, line.created_at

    def mark_opened(self, conv: Conversation, agent_id: str, now_ms: int) -> bool:
        with self._tables.lock:
            item = self._items.get(conv.conversation_id)
            if item is None or item.state != ConversationState.ACTIVE.value or item.agent_id != agent_id:
                return False
            item.agent_opened_at = now_ms
        conv.agent_opened_at = now_ms
        return True


def _unaccepted(conv: Conversation) -> bool:
    """What the accept index holds in DynamoDB: assigned, and since then neither opened nor answered."""
    assigned = conv.assigned_at
    if assigned is None:
        return False
    return all(at is None or at < assigned for at in (conv.agent_opened_at, conv.agent_active_at))


def _active_at(conv: Conversation) -> int:
    # The DynamoDB item's index key: the customer's last message, else the assignment.
    return int(conv.customer_active_at or conv.assigned_at or 0)
