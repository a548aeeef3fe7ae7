"""In-memory twin of chalicelib/store/agents.py."""

from __future__ import annotations

from chalicelib.domain.entities import Agent
from chalicelib.domain.errors import NotFound
from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.store.memory import Tables, copied


class MemoryAgents:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._items: dict[str, Agent] = tables.table("agents")

    def _existing(self, agent_id: str) -> Agent:
        # The DynamoDB store refuses these with `attribute_exists` and raises NotFound.
        item = self._items.get(agent_id)
        if item is None:
            raise NotFound("no such agent")
        return item

    def _item(self, agent_id: str) -> Agent:
        # An UpdateItem without a condition creates the item with what it sets.
        return self._items.setdefault(agent_id, Agent(agent_id))

    def get(self, agent_id: str) -> Agent | None:
        with self._tables.lock:
            return copied(self._items.get(agent_id))

    def ensure(self, principal: Principal) -> Agent:
        with self._tables.lock:
            item = self._items.get(principal.user_id)
            if item is None:
                item = Agent(
                    principal.user_id,
                    display_name=principal.display_name or None,
                    email=principal.email,
                    role=principal.role.value,
                    status=AgentStatus.OFFLINE.value,
                )
                self._items[principal.user_id] = item
            elif item.role != principal.role.value or (principal.email and item.email != principal.email):
                item.role, item.email = principal.role.value, principal.email
            return copied(item)

    def set_status(self, agent: Agent, status: AgentStatus, now_ms: int) -> Agent:
        with self._tables.lock:
            item = self._item(agent.agent_id)
            if status is AgentStatus.ONLINE and agent.status != AgentStatus.ONLINE.value:
                item.last_assigned_at = now_ms
            item.status, item.status_changed_at = status.value, now_ms
            return copied(item)

    def add_connection(self, agent_id: str, connection_id: str) -> Agent:
        with self._tables.lock:
            item = self._item(agent_id)
            item.connection_ids = (item.connection_ids or set()) | {connection_id}
            return copied(item)

    def remove_connection(self, agent_id: str, connection_id: str) -> None:
        with self._tables.lock:
            item = self._items.get(agent_id)
            if item is not None:
                item.connection_ids = ((item.connection_ids or set()) - {connection_id}) or None

    def with_status(self, status: AgentStatus) -> list[Agent]:
        with self._tables.lock:
            return [copied(a) for _, a in sorted(self._items.items()) if a.status == status.value]

    def online(self) -> list[Agent]:
        return self.with_status(AgentStatus.ONLINE)

    def in_every_status(self) -> list[Agent]:
        return [agent for status in AgentStatus for agent in self.with_status(status)]

    def by_ids(self, agent_ids: list[str]) -> dict[str, Agent]:
        with self._tables.lock:
            return {i: copied(self._items[i]) for i in dict.fromkeys(agent_ids) if i in self._items}

    def set_max_chats(self, agent_id: str, max_chats: int | None) -> None:
        with self._tables.lock:
            self._existing(agent_id).max_chats = max_chats

    def set_display_name(self, agent_id: str, display_name: str | None) -> None:
        with self._tables.lock:
            self._existing(agent_id).display_name = display_name or None

    def set_chat_permission(self, agent_id: str, allowed: bool) -> None:
        with self._tables.lock:
            self._existing(agent_id).chat_permission = allowed

    def set_disabled(self, agent_id: str, disabled: bool, now_ms: int) -> None:
        with self._tables.lock:
            item = self._existing(agent_id)
            item.disabled = True if disabled else None
            if disabled:
                item.status, item.status_changed_at = AgentStatus.OFFLINE.value, now_ms

    def upsert_account(self, agent_id: str, email: str | None, display_name: str | None, role: Role) -> None:
        with self._tables.lock:
            item = self._items.get(agent_id)
            if item is None:
                item = self._items[agent_id] = Agent(agent_id)
            item.role = role.value
            item.email = email or item.email
            item.display_name = display_name or item.display_name

    def mark_disconnected_since(self, agent_id: str, now_ms: int) -> None:
        with self._tables.lock:
            item = self._items.get(agent_id)
            if item is not None and item.disconnected_since is None:
                item.disconnected_since = now_ms

    def clear_disconnected_since(self, agent_id: str) -> None:
        with self._tables.lock:
            item = self._items.get(agent_id)
            if item is not None:
                item.disconnected_since = None

    def repair_active_chats(self, agent_id: str, recorded: int, actual: int) -> bool:
        with self._tables.lock:
            item = self._items.get(agent_id)
            if item is None or item.active_chats != recorded:
                return False
            item.active_chats = actual
            return True
