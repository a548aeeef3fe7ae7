"""Teams (부서) and routing of waiting chats to agents.

Pure functions over small dataclasses: the services load the facts (teams from settings, waiting
chats from each team's queue partition, online agents with their counters), ask here what to do,
and make the change with a conditional write that re-checks the same precondition (capacity,
state), so a stale read loses the race instead of breaking a rule.

Routing: teams are served oldest waiting chat first (the team whose queue head is oldest goes
first); within a team only the head of its queue is offered (FIFO: a later chat never goes before
an earlier one of the same team); the agent is chosen by `model.choose_agent` among the team's
online members with chat permission and room (fewest active chats, then idle longest). An agent's
active chats are counted across all their teams; the limit for a chat of team T is the agent's own
override if set, else T's `maxChatsPerAgent`, else the service default. A team whose head finds
no agent does not hold up the other teams.

Transfer (전환) is in chalicelib/domain/transfer_rules.py, the accept window and idle auto-close in
chalicelib/domain/live_chat_timers.py; both build on the types here, never the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain.errors import InvalidField
from chalicelib.domain.hours import BusinessHours
from chalicelib.domain.hours_documents import parse_schedule, schedule_from_document, schedule_to_document
from chalicelib.domain.model import AgentCapacity, AgentStatus, choose_agent, effective_max_chats
from chalicelib.domain.validation import (
    MAX_NAME_CHARS,
    fields_under,
    id_field,
    int_field,
    only_fields,
    text_field,
)

MAX_TEAMS = 100
MAX_TEAM_MEMBERS = 500
MAX_TEAM_INQUIRY_TYPES = 200
MAX_CHATS_PER_AGENT_LIMIT = 50
_TEAM_FIELDS = {"id", "name", "memberAgentIds", "inquiryTypes", "maxChatsPerAgent", "hours"}


# ---------------------------------------------------------------------------------------------
# Teams


@dataclass(frozen=True)
class Team:
    team_id: str
    name: str
    member_agent_ids: frozenset[str]
    inquiry_types: frozenset[str]  # inquiry type catalogue ids; empty = the catch-all team
    max_chats_per_agent: int | None = None  # None: the service's default
    hours: BusinessHours | None = None  # None: the service's hours


def parse_teams(
    value: Any, *, now_utc_ms: int, known_inquiry_types: set[str] | None = None, field_name: str = "teams"
) -> list[Team]:
    """The admin's team list: ids unique, each inquiry type with at most one team, at most one catch-all."""
    return _teams(
        value,
        field_name,
        lambda item, name: parse_team(item, now_utc_ms=now_utc_ms, field_name=name),
        known_inquiry_types,
    )


def teams_from_document(value: Any, *, field_name: str = "teams") -> list[Team]:
    """Stored teams (the same shape); holidays that have passed since are kept."""
    return _teams(value, field_name, lambda item, name: _team(item, name, now_utc_ms=None), None)


def parse_team(body: Any, *, now_utc_ms: int, field_name: str = "team") -> Team:
    """One team from `{id, name, memberAgentIds, inquiryTypes, maxChatsPerAgent?, hours?}`."""
    return _team(body, field_name, now_utc_ms=now_utc_ms)


def team_to_document(team: Team) -> dict[str, Any]:
    return {
        "id": team.team_id,
        "name": team.name,
        "memberAgentIds": sorted(team.member_agent_ids),
        "inquiryTypes": sorted(team.inquiry_types),
        "maxChatsPerAgent": team.max_chats_per_agent,
        "hours": schedule_to_document(team.hours) if team.hours is not None else None,
    }


def team_for_inquiry_type(teams: Sequence[Team], inquiry_type: str | None) -> Team | None:
    """The team that handles the type, else the catch-all team (no types listed), else None."""
    catch_all = None
    for team in teams:
        if inquiry_type is not None and inquiry_type in team.inquiry_types:
            return team
        if not team.inquiry_types:
            catch_all = team
    return catch_all


def queue_team_id(teams: Sequence[Team], team_id: str | None) -> str | None:
    """The queue a chat of `team_id` waits in when it goes back: its team's while that team exists;
    a team removed since the chat arrived gives way to the catch-all team, else the common queue
    (a removed team's queue is read by nobody: the chat would wait there for ever)."""
    if team_id is None or any(team.team_id == team_id for team in teams):
        return team_id  # the common queue (no team) is read beside the teams' always
    catch_all = team_for_inquiry_type(teams, None)
    return catch_all.team_id if catch_all else None


def team_hours(team: Team, service_hours: BusinessHours) -> BusinessHours:
    return team.hours if team.hours is not None else service_hours


def _teams(
    value: Any, field_name: str, read_one: Callable[[Any, str], Team], known_inquiry_types: set[str] | None
) -> list[Team]:
    if not isinstance(value, list):
        raise InvalidField(f"'{field_name}' must be a list of teams", field=field_name)
    if len(value) > MAX_TEAMS:
        raise InvalidField(f"'{field_name}' has {len(value)} teams; at most {MAX_TEAMS}", field=field_name)
    teams: list[Team] = [read_one(item, f"{field_name}[{i}]") for i, item in enumerate(value)]
    seen_ids: set[str] = set()
    owner_of_type: dict[str, str] = {}
    catch_all: str | None = None
    for team in teams:
        if team.team_id in seen_ids:
            raise InvalidField(f"'{field_name}' has the team id {team.team_id!r} twice", field=field_name)
        seen_ids.add(team.team_id)
        for inquiry_type in sorted(team.inquiry_types):
            if known_inquiry_types is not None and inquiry_type not in known_inquiry_types:
                raise InvalidField(f"team {team.team_id!r}: unknown inquiry type {inquiry_type!r}", field=field_name)
            if inquiry_type in owner_of_type:
                raise InvalidField(
                    f"inquiry type {inquiry_type!r} is handled by both {owner_of_type[inquiry_type]!r} and "
                    f"{team.team_id!r}: one team per type",
                    field=field_name,
                )
            owner_of_type[inquiry_type] = team.team_id
        if not team.inquiry_types:
            if catch_all is not None:
                raise InvalidField(
                    f"teams {catch_all!r} and {team.team_id!r} both list no inquiry types: at most one catch-all team",
                    field=field_name,
                )
            catch_all = team.team_id
    return teams


def _team(body: Any, field_name: str, *, now_utc_ms: int | None) -> Team:
    if not isinstance(body, dict):
        raise InvalidField(f"'{field_name}' must be an object", field=field_name)
    with fields_under(field_name):
        only_fields(body, _TEAM_FIELDS)
        team_id = id_field(body, "id")
        name = text_field(body, "name", max_chars=MAX_NAME_CHARS) or ""  # required: never empty here
    # Agent ids are Cognito usernames (often e-mail addresses), not catalogue ids.
    members = _id_set(
        body.get("memberAgentIds"), f"{field_name}.memberAgentIds", MAX_TEAM_MEMBERS, read=_member_id
    )
    inquiry_types = _id_set(body.get("inquiryTypes"), f"{field_name}.inquiryTypes", MAX_TEAM_INQUIRY_TYPES)
    max_chats = None
    if body.get("maxChatsPerAgent") is not None:
        with fields_under(field_name):
            max_chats = int_field(body, "maxChatsPerAgent", minimum=1, maximum=MAX_CHATS_PER_AGENT_LIMIT)
    hours_body = body.get("hours")
    hours = None
    if hours_body is not None:
        hours_name = f"{field_name}.hours"
        hours = (
            schedule_from_document(hours_body, field_name=hours_name)
            if now_utc_ms is None
            else parse_schedule(hours_body, now_utc_ms=now_utc_ms, field_name=hours_name)
        )
    return Team(team_id, name, members, inquiry_types, max_chats, hours)


_MEMBER_ID = re.compile(r"[A-Za-z0-9_\-:.@+]{1,128}")


def _member_id(body: dict[str, Any], name: str) -> str:
    """A staff account's id: its Cognito username, often an e-mail address (no spaces, no markup)."""
    value = body.get(name)
    if not isinstance(value, str) or not _MEMBER_ID.fullmatch(value):
        raise InvalidField(f"'{name}' must be an id of a staff account (its username)", field=name)
    return value


def _id_set(
    value: Any, name: str, limit: int, *, read: Callable[[dict[str, Any], str], str | None] = id_field
) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise InvalidField(f"'{name}' must be a list of ids", field=name)
    if len(value) > limit:
        raise InvalidField(f"'{name}' has {len(value)} entries; at most {limit}", field=name)
    ids = [read({name: item}, name) or "" for item in value]
    if "" in ids:
        raise InvalidField(f"'{name}' has an empty id", field=name)
    if len(set(ids)) != len(ids):
        raise InvalidField(f"'{name}' lists an id twice", field=name)
    return frozenset(ids)


# ---------------------------------------------------------------------------------------------
# Routing


@dataclass(frozen=True)
class WaitingChat:
    conversation_id: str
    team_id: str
    queued_key: str  # the store's queue order key (store/keys.py time_key): sorts in arrival order


@dataclass(frozen=True)
class AgentLoad:
    """An agent's presence and load, as the agents table holds it (one record for all their teams)."""

    agent_id: str
    status: AgentStatus
    active_chats: int  # across all teams
    last_assigned_at: int
    max_chats_override: int | None = None
    chat_permission: bool = True


@dataclass(frozen=True)
class Assignment:
    conversation_id: str
    team_id: str
    agent_id: str
    max_chats: int  # the limit the assignment's conditional write enforces (active_chats < max_chats)


def capacity_for(agent: AgentLoad, team: Team | None, default_max_chats: int) -> int:
    """The agent's own override, else the team's default, else the service's."""
    team_default = team.max_chats_per_agent if team and team.max_chats_per_agent is not None else default_max_chats
    return effective_max_chats(agent.max_chats_override, team_default)


def choose_next_assignment(
    teams: Sequence[Team],
    waiting: Iterable[WaitingChat],
    agents: Iterable[AgentLoad],
    *,
    default_max_chats: int,
) -> Assignment | None:
    """The next (chat, agent) pair, or None when no waiting chat can be placed.

    Chats of a team not in `teams` (deleted meanwhile) are not placed here; see the module docstring.
    """
    teams_by_id = {team.team_id: team for team in teams}
    agents_by_id = {agent.agent_id: agent for agent in agents if agent.status is AgentStatus.ONLINE}
    for head in queue_heads(waiting):
        team = teams_by_id.get(head.team_id)
        if team is None:
            continue
        candidates = [
            _as_capacity(agents_by_id[agent_id], team, default_max_chats)
            for agent_id in sorted(team.member_agent_ids)
            if agent_id in agents_by_id
        ]
        chosen = choose_agent(candidates)
        if chosen is not None:
            return Assignment(head.conversation_id, team.team_id, chosen.agent_id, chosen.max_chats)
    return None


def plan_assignments(
    teams: Sequence[Team],
    waiting: Iterable[WaitingChat],
    agents: Iterable[AgentLoad],
    *,
    default_max_chats: int,
    now_ms: int,
) -> list[Assignment]:
    """Every assignment `choose_next_assignment` makes in turn, each counted before the next."""
    remaining = list(waiting)
    loads = {agent.agent_id: agent for agent in agents}
    plan: list[Assignment] = []
    while step := choose_next_assignment(teams, remaining, loads.values(), default_max_chats=default_max_chats):
        plan.append(step)
        remaining = [chat for chat in remaining if chat.conversation_id != step.conversation_id]
        agent = loads[step.agent_id]
        loads[step.agent_id] = replace(agent, active_chats=agent.active_chats + 1, last_assigned_at=now_ms)
    return plan


def queue_heads(waiting: Iterable[WaitingChat]) -> list[WaitingChat]:
    """Each team's oldest waiting chat, oldest first: the order in which teams are served."""
    heads: dict[str, WaitingChat] = {}
    for chat in waiting:
        current = heads.get(chat.team_id)
        if current is None or chat.queued_key < current.queued_key:
            heads[chat.team_id] = chat
    return sorted(heads.values(), key=lambda chat: (chat.queued_key, chat.team_id))


def queue_position(waiting: Iterable[WaitingChat], chat: WaitingChat) -> int:
    """1 for the head of its team's queue (what `COUNT` of keys ≤ mine in the team's partition gives)."""
    return sum(1 for other in waiting if other.team_id == chat.team_id and other.queued_key <= chat.queued_key)


def _as_capacity(agent: AgentLoad, team: Team, default_max_chats: int) -> AgentCapacity:
    return AgentCapacity(
        agent_id=agent.agent_id,
        active_chats=agent.active_chats,
        max_chats=capacity_for(agent, team, default_max_chats),
        last_assigned_at=agent.last_assigned_at,
        chat_permission=agent.chat_permission,
    )


# ---------------------------------------------------------------------------------------------
# Queue counts per audience (`queue.changed`)


@dataclass(frozen=True)
class QueueCounts:
    """What one staff member is told of the queues: `waiting` over the queues they serve, `teams`
    ({team id: count}) for their teams only; an admin sees every queue."""

    waiting: int
    teams: dict[str, int]


def queue_counts_for(
    agent_id: str, is_admin: bool, teams: Sequence[Team], counts: dict[str | None, int]
) -> QueueCounts:
    """`counts`: waiting chats per queue partition (None: chats without a team). Without teams there
    is one queue and everyone sees it. Chats without a team are the catch-all team's to serve, or,
    without a catch-all, anyone's (as assignment routes them), so they count for those agents."""
    per_team = {team.team_id: counts.get(team.team_id, 0) for team in teams}
    teamless = counts.get(None, 0)
    if is_admin or not teams:
        return QueueCounts(sum(per_team.values()) + teamless, per_team)
    mine = {team.team_id: per_team[team.team_id] for team in teams if agent_id in team.member_agent_ids}
    catch_all = team_for_inquiry_type(teams, None)
    serves_teamless = catch_all is None or catch_all.team_id in mine
    return QueueCounts(sum(mine.values()) + (teamless if serves_teamless else 0), mine)
