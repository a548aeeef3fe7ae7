"""Where a live chat could go (전환 dialog, issue #21): every agent with their status and load, whether a
transfer to them would pass now (and the refusal's code when not), and every team with its waiting count.

Read by the assigned agent or an admin, who are the ones allowed to transfer (anyone else: the same
403 as `POST /chats/{id}/transfer`). The refusals come from `transfer_rules.agent_target_refusal`, the
very checks the transfer runs, so the dialog greys exactly what the server would refuse; the transfer
re-checks everything anyway (the list is a snapshot). Cost: one status-index Query per status and one
COUNT Query per queue partition, as the admin's presence view; no Scan.
"""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import store
from chalicelib.domain.model import AgentStatus, Principal
from chalicelib.domain.routing import capacity_for
from chalicelib.domain.transfer_rules import agent_target_refusal, check_caller_may_transfer
from chalicelib.services.assignment import agent_load, waiting_counts
from chalicelib.services.routing_settings import load_routing_settings
from chalicelib.services.settings import load_settings
from chalicelib.services.transfer import chat_to_transfer

_STATUS_ORDER = [status.value for status in AgentStatus]  # online, break, offline


def transfer_targets(principal: Principal, conversation_id: str) -> dict[str, Any]:
    """`{conversationId, teamId, agents: [...], teams: [...], waiting}` for the chat's transfer dialog."""
    principal, conv, chat = chat_to_transfer(principal, conversation_id)
    check_caller_may_transfer(principal, chat)
    teams = load_routing_settings().teams
    chat_team = next((team for team in teams if team.team_id == conv.team_id), None)
    default_max = load_settings().max_chats_per_agent
    agents: list[dict[str, Any]] = []
    for agent in store().agents.in_every_status():
        if agent.disabled:
            continue  # no longer staff: not a target, not worth a line
        load = agent_load(agent)
        agents.append(
            {
                "agentId": agent.agent_id,
                "displayName": agent.display_name or agent.email or agent.agent_id,
                "email": agent.email,
                "status": agent.status,
                "activeChats": load.active_chats,
                "maxChats": capacity_for(load, chat_team, default_max),  # the limit with this chat's team
                "teamIds": [team.team_id for team in teams if agent.agent_id in team.member_agent_ids],
                "refusal": agent_target_refusal(
                    principal, chat, load, chat_team=chat_team, default_max_chats=default_max
                ),
            }
        )
    agents.sort(
        key=lambda a: (
            a["refusal"] is not None,
            _STATUS_ORDER.index(a["status"]) if a["status"] in _STATUS_ORDER else len(_STATUS_ORDER),
            str(a["displayName"]).lower(),
        )
    )
    total, per_team = waiting_counts(teams)
    return {
        "conversationId": conversation_id,
        "teamId": conv.team_id,
        "agents": agents,
        "teams": [
            {"teamId": team.team_id, "name": team.name, "waiting": per_team.get(team.team_id, 0)} for team in teams
        ],
        "waiting": total,
    }
