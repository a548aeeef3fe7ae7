"""The wallboard's snapshot (실시간 현황판, issue #24): what one `wallboard.snapshot` frame holds.

Read fresh for each push, never from history: the agents by status (3 Queries of status-index), both
settings documents (1 GetItem), each queue (1 Query per queue partition) and today's report counters
(the `all` hours since the service day's midnight: 1 Query, 2 across a UTC month's end).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.bootstrap import clock, store
from chalicelib.domain.canned_text import DEFAULT_TIME_ZONE
from chalicelib.domain.entities import Agent
from chalicelib.domain.metrics import HOUR_MS, ScopeKind
from chalicelib.domain.model import AgentStatus, effective_max_chats
from chalicelib.services.assignment import queue_teams
from chalicelib.services.reports import metrics_view
from chalicelib.services.routing_settings import load_with_chat_settings

_STATUS_ORDER = [s.value for s in AgentStatus]  # online, break, offline


def _agent_row(agent: Agent, default_max: int) -> dict[str, Any]:
    return {
        "agentId": agent.agent_id,
        "displayName": agent.display_name or agent.email or agent.agent_id,
        "status": agent.status,
        "statusChangedAt": int(agent.status_changed_at or 0),
        "activeChats": int(agent.active_chats or 0),
        "maxChats": effective_max_chats(agent.max_chats, default_max),
        "chatPermission": bool(agent.chat_permission),
    }


def day_start_ms(now_ms: int, tz_name: str) -> int:
    """Midnight of the service day `now_ms` falls in (the report's "today")."""
    tz = ZoneInfo(tz_name)
    local = datetime.fromtimestamp(now_ms / 1000, tz)
    return int(datetime.combine(local.date(), time(), tzinfo=tz).timestamp() * 1000)


def _today(now_ms: int, tz_name: str) -> dict[str, Any]:
    """Today's chats in / answered / abandoned, first response and CSAT: the counters of the hours since
    midnight (a chat counts in the hour it came in: docs/reports.md)."""
    start = day_start_ms(now_ms, tz_name)
    items = store().reports.counters(ScopeKind.ALL, start // HOUR_MS, now_ms // HOUR_MS)
    summed: dict[str, int] = {}
    for item in items:
        for name, value in item.values.items():
            summed[name] = summed.get(name, 0) + value
    view = metrics_view(summed)
    return {
        "from": start,
        "chatsIn": view["chatsIn"],
        "answered": view["answered"],
        "abandoned": view["abandoned"],
        "firstResponseAverageSeconds": view["firstResponse"]["averageSeconds"],
        "satisfied": view["satisfied"],
        "dissatisfied": view["dissatisfied"],
        "satisfiedShare": view["satisfiedShare"],
    }


def _queues(team_names: dict[str, str], team_ids: list[str | None]) -> dict[str, Any]:
    teams: list[dict[str, Any]] = []
    total, longest = 0, None
    for team_id in team_ids:
        waiting, since = store().queues.queue_summary(team_id)
        total += waiting
        if since is not None:
            longest = since if longest is None else min(longest, since)
        if team_id is None and not waiting:
            continue  # with teams, chats without one only wait there briefly: shown when there are any
        if team_id is not None or team_names:
            teams.append({"teamId": team_id, "name": team_names.get(team_id or ""), "waiting": waiting,
                          "longestWaitSince": since})
    return {"waiting": total, "longestWaitSince": longest, "teams": teams}


def snapshot(now: int | None = None) -> dict[str, Any]:
    """The whole wallboard as at `now` (default: the clock): the fields of `wallboard.snapshot`."""
    now = clock() if now is None else now
    settings, routing = load_with_chat_settings()
    tz_name = routing.hours.time_zone if routing.hours is not None else DEFAULT_TIME_ZONE
    default_max = settings.max_chats_per_agent
    agents = [_agent_row(a, default_max) for a in store().agents.in_every_status() if not a.disabled]
    agents.sort(key=lambda a: (_STATUS_ORDER.index(a["status"]) if a["status"] in _STATUS_ORDER else 3,
                               a["displayName"].lower()))
    online = [a for a in agents if a["status"] == AgentStatus.ONLINE.value]
    names = {team.team_id: team.name for team in routing.teams}
    return {
        "at": now,
        "timeZone": tz_name,
        "counts": {s: sum(1 for a in agents if a["status"] == s) for s in _STATUS_ORDER},
        "activeChats": sum(a["activeChats"] for a in agents),
        "capacity": sum(a["maxChats"] for a in online if a["chatPermission"]),
        "queue": _queues(names, queue_teams(routing.teams)),
        "agents": agents,
        "today": _today(now, tz_name),
    }
