"""Admin use cases: staff accounts (Cognito users + agent items), chat permission, presence.

Every change is validated first; Cognito is changed before DynamoDB, and a failure after the
Cognito step is undone where it can be (an invite whose group step fails deletes the user).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib import bootstrap
from chalicelib.auth import directory
from chalicelib.domain import accounts as rules
from chalicelib.domain.accounts import GROUP_OF_ROLE, StaffRole
from chalicelib.domain.entities import Agent
from chalicelib.domain.errors import Conflict, Forbidden, InvalidField
from chalicelib.domain.model import AgentStatus, Principal, Role, effective_max_chats
from chalicelib.domain.supervision import check_may_supervise
from chalicelib.domain.validation import (
    MAX_NAME_CHARS,
    bool_field,
    email_field,
    enum_field,
    int_field,
    only_fields,
    text_field,
)
from chalicelib.services import agent_status, notify, wallboard
from chalicelib.services.settings import ChatSettings, load_settings
from chalicelib.services.views import agent_view

_store = bootstrap.store

MAX_CHATS_LIMIT = 50


def require_admin(principal: Principal) -> None:
    # The request edge already refused disabled accounts and non-admins; this guards direct callers.
    if principal.role is not Role.ADMIN:
        raise Forbidden("admins only")


# --- views -----------------------------------------------------------------------------------


def _account_view(
    user: directory.DirectoryUser, role: StaffRole | None, agent: Agent | None, default_max: int
) -> dict[str, Any]:
    override = int(agent.max_chats) if agent is not None and agent.max_chats is not None else None
    return {
        "agentId": user.username,
        "email": user.email,
        # The name customers see; null when none is set (never the e-mail: customers would see it).
        "displayName": rules.customer_facing_name(user.name)
        or rules.customer_facing_name(agent.display_name if agent is not None else None),
        "role": role.value if role else None,
        "enabled": user.enabled,
        "accountStatus": user.status,
        "createdAt": user.created_at,
        "chatPermission": bool(agent.chat_permission) if agent is not None else True,
        "maxChats": effective_max_chats(override, default_max),
        "maxChatsOverride": override,
        "status": agent.status if agent is not None else AgentStatus.OFFLINE.value,
        "activeChats": int(agent.active_chats or 0) if agent is not None else 0,
    }


def _presence_view(agent: Agent, default_max: int) -> dict[str, Any]:
    return {
        "agentId": agent.agent_id,
        "displayName": agent.display_name or agent.email or agent.agent_id,
        "email": agent.email,
        "role": agent.role,
        "status": agent.status,
        "statusChangedAt": int(agent.status_changed_at or 0),
        "activeChats": int(agent.active_chats or 0),
        "maxChats": effective_max_chats(agent.max_chats, default_max),
        "chatPermission": bool(agent.chat_permission),
        "connections": len(agent.connection_ids or ()),
    }


def _one(user: directory.DirectoryUser, role: StaffRole | None) -> dict[str, Any]:
    """The account after a change (the caller passes what it changed in Cognito: no second read)."""
    return _account_view(user, role, _store().agents.get(user.username), load_settings().max_chats_per_agent)


def _staff_target(
    actor: Principal, agent_id: str, *, not_self: str | None = None
) -> tuple[directory.DirectoryUser, StaffRole]:
    """The target must exist in Cognito and be an agent or admin; some actions refuse yourself."""
    if not_self and agent_id == actor.user_id:
        raise Conflict(not_self)
    user = directory.get_user(agent_id)  # NotFound for an unknown user
    role = rules.role_of_groups(directory.groups_of(agent_id))
    if role is None:
        raise Conflict("the user is neither an agent nor an admin")
    return user, role


def _ensure_item(user: directory.DirectoryUser, role: StaffRole) -> None:
    _store().agents.upsert_account(user.username, user.email, user.name, Role(role.value))


# --- use cases ---------------------------------------------------------------------------------


def list_accounts(actor: Principal) -> dict[str, Any]:
    """Every Cognito user with role, chat permission and presence: ListUsers + ListUsersInGroup per
    role's group (admins, supervisors, agents) + BatchGet."""
    require_admin(actor)
    users = directory.list_users()
    members = {group: directory.usernames_in_group(group) for group in GROUP_OF_ROLE.values()}
    items = _store().agents.by_ids([u.username for u in users])
    default_max = load_settings().max_chats_per_agent
    accounts = []
    for user in users:
        role = rules.role_of_groups({group for group, names in members.items() if user.username in names})
        accounts.append(_account_view(user, role, items.get(user.username), default_max))
    accounts.sort(key=lambda a: (a["role"] is None, a["role"] != "admin", (a["email"] or a["agentId"]).lower()))
    return {"accounts": accounts, "defaultMaxChats": default_max}


def invite(actor: Principal, body: dict[str, Any]) -> dict[str, Any]:
    require_admin(actor)
    only_fields(body, {"email", "displayName", "role", "chatPermission", "maxChats"})
    email = email_field(body, "email", required=True)
    assert email is not None
    email = email.lower()  # the username: sign-in is by e-mail, case-insensitively
    name = _display_name(body)
    role = enum_field(body, "role", StaffRole, required=False) or StaffRole.AGENT
    permission = bool_field(body, "chatPermission") if "chatPermission" in body else True
    max_chats = _max_chats(body) if "maxChats" in body else None
    password = rules.temporary_password()
    user = directory.create_user(email, email, name, password)
    try:
        directory.add_to_group(email, GROUP_OF_ROLE[role])
        _store().agents.upsert_account(email, email, name, Role(role.value))
        _store().agents.set_chat_permission(email, permission)
        _store().agents.set_max_chats(email, max_chats)
    except Exception:
        directory.delete_user(email)  # undo: the invite either happens whole or not at all
        raise
    view = _account_view(user, role, _store().agents.get(email), load_settings().max_chats_per_agent)
    # Shown once to the inviting admin (Cognito also e-mails it where the pool sends mail); never logged.
    return {**view, "temporaryPassword": password}


def _display_name(body: dict[str, Any]) -> str | None:
    return rules.check_display_name(text_field(body, "displayName", max_chars=MAX_NAME_CHARS, required=False))


def _display_name_change(body: dict[str, Any]) -> str | None:
    """The body of a rename, `{displayName}`: a name, or null or "" to remove it."""
    only_fields(body, {"displayName"})
    if "displayName" not in body:
        raise InvalidField("'displayName' is required (a name, or null to remove it)", field="displayName")
    return _display_name(body)


def _rename(user: directory.DirectoryUser, role: StaffRole, name: str | None) -> directory.DirectoryUser:
    """Cognito first (the token's `name` from the next sign-in), then the agent item (the console's
    `/me`, new chats), then the chats the agent has open (customers see it from the next message)."""
    directory.set_name(user.username, name)
    _ensure_item(user, role)
    _store().agents.set_display_name(user.username, name)
    _store().queues.set_live_agent_name(user.username, rules.customer_facing_name(name))
    agent = _store().agents.get(user.username)
    if agent is not None:  # every open tab of the agent shows the new name in its header
        view = agent_view(agent, load_settings().max_chats_per_agent)
        notify.to_agent(agent, {"type": "agent.status", **view})
    return replace(user, name=name)


def set_display_name(actor: Principal, agent_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """An admin sets (or, with null or "", removes) a staff member's display name."""
    require_admin(actor)
    name = _display_name_change(body)
    user, role = _staff_target(actor, agent_id)
    return _one(_rename(user, role, name), role)


def set_own_display_name(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """An agent (or admin) sets their own display name; answers like GET /me."""
    if not principal.is_staff:
        raise Forbidden("agents and admins only")  # the edge refused disabled accounts already
    name = _display_name_change(body)
    user, role = _staff_target(principal, principal.user_id)
    _rename(user, role, name)
    return agent_status.agent_state(principal)


def _max_chats(body: dict[str, Any]) -> int | None:
    value = body.get("maxChats")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):  # JSON numbers only, unlike query strings
        raise InvalidField("'maxChats' must be an integer 1-50, or null for the default", field="maxChats")
    return int_field(body, "maxChats", minimum=1, maximum=MAX_CHATS_LIMIT)


def set_chat_permission(actor: Principal, agent_id: str, body: dict[str, Any]) -> dict[str, Any]:
    require_admin(actor)
    only_fields(body, {"chatPermission"})
    allowed = bool_field(body, "chatPermission")
    user, role = _staff_target(actor, agent_id)
    _ensure_item(user, role)
    _store().agents.set_chat_permission(agent_id, allowed)
    agent_status.apply_agent_change(agent_id)
    return _one(user, role)


def set_max_chats(actor: Principal, agent_id: str, body: dict[str, Any]) -> dict[str, Any]:
    require_admin(actor)
    only_fields(body, {"maxChats"})
    if "maxChats" not in body:
        raise InvalidField("'maxChats' is required (an integer 1-50, or null for the default)", field="maxChats")
    max_chats = _max_chats(body)
    user, role = _staff_target(actor, agent_id)
    _ensure_item(user, role)
    _store().agents.set_max_chats(agent_id, max_chats)
    agent_status.apply_agent_change(agent_id)  # a raised maximum takes waiting chats at once
    return _one(user, role)


def set_role(actor: Principal, agent_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Agent, supervisor or admin. Takes effect at the user's next sign-in or token refresh (groups
    are in the token)."""
    require_admin(actor)
    only_fields(body, {"role"})
    role = enum_field(body, "role", StaffRole)
    assert role is not None
    user, current = _staff_target(actor, agent_id, not_self="you cannot change your own role")
    if role is not current:
        directory.add_to_group(agent_id, GROUP_OF_ROLE[role])  # add first: never in no group
        directory.remove_from_group(agent_id, GROUP_OF_ROLE[current])
    _ensure_item(user, role)
    return _one(user, role)


def disable(actor: Principal, agent_id: str) -> dict[str, Any]:
    """No more sign-ins or token refreshes, connections closed, unanswered chats back to the queue."""
    require_admin(actor)
    user, role = _staff_target(actor, agent_id, not_self="you cannot disable your own account")
    directory.disable(agent_id)
    directory.sign_out_everywhere(agent_id)
    _ensure_item(user, role)
    _store().agents.set_disabled(agent_id, True, bootstrap.clock())
    agent_status.apply_agent_change(agent_id)
    notify.close_agent_connections(agent_id)
    return _one(replace(user, enabled=False), role)


def enable(actor: Principal, agent_id: str) -> dict[str, Any]:
    require_admin(actor)
    user, role = _staff_target(actor, agent_id)
    directory.enable(agent_id)
    _ensure_item(user, role)
    _store().agents.set_disabled(agent_id, False, bootstrap.clock())
    return _one(replace(user, enabled=True), role)


def presence(actor: Principal) -> dict[str, Any]:
    """Who is online / on break / offline with their chat counts, and the queue length: the
    wallboard's, for admins and supervisors (issue #24)."""
    check_may_supervise(actor)
    default_max = load_settings().max_chats_per_agent
    agents = [a for a in _store().agents.in_every_status() if not a.disabled]
    order = [s.value for s in AgentStatus]  # online, break, offline
    views = [_presence_view(a, default_max) for a in agents]
    views.sort(key=lambda v: (order.index(v["status"]) if v["status"] in order else 3, v["displayName"].lower()))
    counts = {s.value: sum(1 for v in views if v["status"] == s.value) for s in AgentStatus}
    return {
        "agents": views,
        "counts": counts,
        "activeChats": sum(v["activeChats"] for v in views),
        "queue": _queue_counts(),
        "at": bootstrap.clock(),
    }


def announce_settings(settings: ChatSettings) -> None:
    """Open consoles and admin pages learn the new settings at once; widgets at their next availability check."""
    notify.to_all_staff(_store().agents.in_every_status(), {"type": "settings.changed", "settings": settings.to_api()})
    wallboard.signal("settings")  # the default maximum: every agent's capacity on the wallboard


def _queue_counts() -> dict[str, Any]:
    """The wallboard's waiting count, all queues, and per team with the teams' names (issue #21)."""
    from chalicelib.services.assignment import waiting_counts
    from chalicelib.services.routing_settings import load_routing_settings

    teams = load_routing_settings().teams
    total, per_team = waiting_counts(teams)
    names = {team.team_id: team.name for team in teams}
    return {"waiting": total, "teams": per_team, "teamNames": {team_id: names[team_id] for team_id in per_team}}
