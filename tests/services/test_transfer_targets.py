"""The transfer dialog's targets (GET /chats/{id}/transfer-targets) on the in-memory store: every agent
with status, load and the refusal the transfer would get, every team with its waiting count."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import Conflict, ConversationEnded, Forbidden, NotAssigned
from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.services import agent_status, connections, ending, intake, routing_settings, transfer, transfer_targets
from tests.services.conftest import World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com")


def _by_id(answer: dict) -> dict[str, dict]:
    return {agent["agentId"]: agent for agent in answer["agents"]}


def test_each_agent_carries_the_refusal_the_transfer_would_get(world: World) -> None:
    a = world.agent("a@example.com", tab="a-tab")
    chat = intake.start_chat(START)
    cid = chat["conversationId"]
    b = world.agent("b@example.com")
    c = world.agent("c@example.com")
    d = world.agent("d@example.com")
    e = world.agent("e@example.com")
    world.store.agents.set_display_name(b.user_id, "이상담")
    agent_status.set_status(c, {"status": AgentStatus.BREAK.value})
    world.store.agents.set_max_chats(d.user_id, 0)
    world.store.agents.set_chat_permission(e.user_id, False)
    answer = transfer_targets.transfer_targets(a, cid)
    agents = _by_id(answer)
    assert {k: agents[k]["refusal"] for k in agents} == {
        a.user_id: "transfer_to_self",
        b.user_id: None,
        c.user_id: "agent_unavailable",
        d.user_id: "agent_full",
        e.user_id: "agent_no_chat_permission",
    }
    assert answer["agents"][0]["agentId"] == b.user_id  # the possible targets first
    assert (agents[b.user_id]["displayName"], agents[b.user_id]["status"]) == ("이상담", "online")
    assert (agents[a.user_id]["activeChats"], agents[b.user_id]["activeChats"]) == (1, 0)
    assert (answer["teams"], answer["waiting"], answer["teamId"]) == ([], 0, None)
    # What the dialog allows is what the transfer does: b passes, the others are refused with that code.
    for agent_id, line in agents.items():
        if line["refusal"] is None:
            continue
        with pytest.raises(Exception) as refused:
            transfer.transfer_chat(a, cid, {"agentId": agent_id})
        assert getattr(refused.value, "code", None) == line["refusal"]
    assert world.store.conversations.get(cid).agent_id == a.user_id  # nothing moved
    transfer.transfer_chat(a, cid, {"agentId": b.user_id})
    assert world.store.conversations.get(cid).agent_id == b.user_id


def test_teams_with_their_waiting_count_and_the_limit_of_the_chats_team(world: World) -> None:
    a = world.agent("a@example.com", tab="a-tab")
    routing_settings.update_routing_settings(
        {
            "teams": [
                {
                    "id": "general",
                    "name": "일반",
                    "memberAgentIds": [a.user_id],
                    "inquiryTypes": [],
                    "maxChatsPerAgent": 1,
                }
            ]
        },
        ADMIN,
    )
    chat = intake.start_chat(START)  # the catch-all team "general": a takes it, a's seat (1) is full
    intake.start_chat({**START, "customerName": "김고객"})  # waits in general
    answer = transfer_targets.transfer_targets(a, chat["conversationId"])
    assert answer["teamId"] == "general"
    assert answer["teams"] == [{"teamId": "general", "name": "일반", "waiting": 1}]
    assert answer["waiting"] == 1
    me = _by_id(answer)[a.user_id]
    assert (me["activeChats"], me["maxChats"], me["teamIds"]) == (1, 1, ["general"])


def test_only_the_assigned_agent_or_an_admin_reads_them(world: World) -> None:
    a = world.agent("a@example.com", tab="a-tab")
    chat = intake.start_chat(START)
    cid = chat["conversationId"]
    b = world.agent("b@example.com", tab="b-tab")
    with pytest.raises(Forbidden):
        transfer_targets.transfer_targets(b, cid)
    customer = connections.connect("cust-tab", chat["token"])
    with pytest.raises(Forbidden):
        transfer_targets.transfer_targets(customer, cid)
    world.store.agents.set_chat_permission(a.user_id, False)
    with pytest.raises(Forbidden):
        transfer_targets.transfer_targets(a, cid)
    world.store.agents.set_chat_permission(a.user_id, True)
    assert _by_id(transfer_targets.transfer_targets(ADMIN, cid))[a.user_id]["refusal"] == "transfer_to_self"
    transfer.transfer_chat(a, cid, {"agentId": b.user_id})
    with pytest.raises(Conflict):  # moved away from a meanwhile: a lost a race, as the transfer says
        transfer_targets.transfer_targets(a, cid)
    ending.end_chat(b, cid)
    with pytest.raises(ConversationEnded):
        transfer_targets.transfer_targets(ADMIN, cid)


def test_a_waiting_chat_has_no_targets(world: World) -> None:
    a = world.agent("a@example.com", tab="a-tab")
    world.store.agents.set_max_chats(a.user_id, 0)
    chat = intake.start_chat(START)  # a has no room: it waits
    with pytest.raises(NotAssigned):
        transfer_targets.transfer_targets(ADMIN, chat["conversationId"])
