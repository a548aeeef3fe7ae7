"""Staff members' presence, capacity and open connections (the agents table)."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.entities import Agent
from chalicelib.domain.errors import NotFound
from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.store.convert import to_entity
from chalicelib.store.dynamo import is_condition_failure
from chalicelib.store.models import AgentModel


def _agent(item: AgentModel) -> Agent:
    return to_entity(item, Agent)


def get(agent_id: str) -> Agent | None:
    try:
        return _agent(AgentModel.get(agent_id, consistent_read=True))
    except DoesNotExist:
        return None


def ensure(principal: Principal) -> Agent:
    """The agent's item, created offline on first sign-in (S-1: a new agent starts offline)."""
    agent = get(principal.user_id)
    if agent is not None:
        # The display name is not taken from the token here: the item is its source once it exists
        # (renames write the item and Cognito), and a token keeps the name it was issued with.
        if agent.role != principal.role.value or (principal.email and agent.email != principal.email):
            item = AgentModel(principal.user_id)
            item.update(actions=[AgentModel.role.set(principal.role.value), AgentModel.email.set(principal.email)])
            return _agent(item)
        return agent
    item = AgentModel(
        principal.user_id,
        display_name=principal.display_name or None,
        email=principal.email,
        role=principal.role.value,
        status=AgentStatus.OFFLINE.value,
    )
    try:
        item.save(condition=AgentModel.agent_id.does_not_exist())
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
        return _agent(AgentModel.get(principal.user_id, consistent_read=True))
    return _agent(item)


def set_status(agent: Agent, status: AgentStatus, now_ms: int) -> Agent:
    actions: list[Action] = [AgentModel.status.set(status.value), AgentModel.status_changed_at.set(now_ms)]
    if status is AgentStatus.ONLINE and agent.status != AgentStatus.ONLINE.value:
        # Coming online counts as the start of idle time for the tie-break.
        actions.append(AgentModel.last_assigned_at.set(now_ms))
    item = AgentModel(agent.agent_id)
    item.update(actions=actions)
    return _agent(item)


def add_connection(agent_id: str, connection_id: str) -> Agent:
    """The agent as it is after the connection was added (answered by the same UpdateItem)."""
    item = AgentModel(agent_id)
    item.update(actions=[AgentModel.connection_ids.add({connection_id})])
    return _agent(item)


def remove_connection(agent_id: str, connection_id: str) -> None:
    try:
        AgentModel(agent_id).update(
            actions=[AgentModel.connection_ids.delete({connection_id})],
            condition=AgentModel.agent_id.exists(),
        )
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise


def with_status(status: AgentStatus) -> list[Agent]:
    return [_agent(a) for a in AgentModel.by_status.query(status.value)]


def online() -> list[Agent]:
    return with_status(AgentStatus.ONLINE)


def in_every_status() -> list[Agent]:
    """Every agent item: one Query of status-index per status (online, break, offline)."""
    return [agent for status in AgentStatus for agent in with_status(status)]


def by_ids(agent_ids: list[str]) -> dict[str, Agent]:
    """BatchGetItem (pynamodb splits into 100-key requests and retries unprocessed keys)."""
    if not agent_ids:
        return {}
    return {a.agent_id: _agent(a) for a in AgentModel.batch_get(list(dict.fromkeys(agent_ids)), consistent_read=True)}


def _update_existing(agent_id: str, actions: list[Action]) -> None:
    if not _update_if_exists(agent_id, actions, AgentModel.agent_id.exists()):
        raise NotFound("no such agent")


def set_max_chats(agent_id: str, max_chats: int | None) -> None:
    _update_existing(
        agent_id, [AgentModel.max_chats.set(max_chats) if max_chats is not None else AgentModel.max_chats.remove()]
    )


def set_display_name(agent_id: str, display_name: str | None) -> None:
    _update_existing(
        agent_id, [AgentModel.display_name.set(display_name) if display_name else AgentModel.display_name.remove()]
    )


def set_chat_permission(agent_id: str, allowed: bool) -> None:
    _update_existing(agent_id, [AgentModel.chat_permission.set(allowed)])


def set_disabled(agent_id: str, disabled: bool, now_ms: int) -> None:
    """Disabling also sets the agent offline, so no assignment can pick them any more."""
    actions: list[Action] = [AgentModel.disabled.set(True)] if disabled else [AgentModel.disabled.remove()]
    if disabled:
        actions += [AgentModel.status.set(AgentStatus.OFFLINE.value), AgentModel.status_changed_at.set(now_ms)]
    _update_existing(agent_id, actions)


def upsert_account(agent_id: str, email: str | None, display_name: str | None, role: Role) -> None:
    """The agent's item with these identity fields; presence defaults only where none exist yet."""
    actions: list[Action] = [
        AgentModel.role.set(role.value),
        AgentModel.status.set(AgentModel.status | AgentStatus.OFFLINE.value),
        AgentModel.status_changed_at.set(AgentModel.status_changed_at | 0),
        AgentModel.active_chats.set(AgentModel.active_chats | 0),
        AgentModel.last_assigned_at.set(AgentModel.last_assigned_at | 0),
        AgentModel.chat_permission.set(AgentModel.chat_permission | True),
    ]
    if email:
        actions.append(AgentModel.email.set(email))
    if display_name:
        actions.append(AgentModel.display_name.set(display_name))
    AgentModel(agent_id).update(actions=actions)


def _update_if_exists(agent_id: str, actions: list[Action], condition: Condition | None = None) -> bool:
    """False when the condition refused it (the agent is gone or the state moved on)."""
    try:
        AgentModel(agent_id).update(actions=actions, condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def mark_disconnected_since(agent_id: str, now_ms: int) -> None:
    """Note when the agent was first seen without a connection (kept if already noted)."""
    _update_if_exists(
        agent_id,
        [AgentModel.disconnected_since.set(now_ms)],
        AgentModel.agent_id.exists() & AgentModel.disconnected_since.does_not_exist(),
    )


def clear_disconnected_since(agent_id: str) -> None:
    _update_if_exists(agent_id, [AgentModel.disconnected_since.remove()], AgentModel.agent_id.exists())


def repair_active_chats(agent_id: str, recorded: int, actual: int) -> bool:
    """Repair an agent's counter (ops/reconcile), only if nobody changed it since it was read."""
    return _update_if_exists(agent_id, [AgentModel.active_chats.set(actual)], AgentModel.active_chats == recorded)
