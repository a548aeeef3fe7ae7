"""Transfer (전환) on the in-memory store: the move, what each side hears, every refusal, the record."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import (
    AgentCannotChat,
    AgentFull,
    AgentUnavailable,
    Conflict,
    ConversationEnded,
    DomainError,
    Forbidden,
    InvalidField,
    NotAssigned,
    NotFound,
    TransferToSelf,
)
from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.services import agent_status, connections, ending, intake, messages, routing_settings, transfer
from tests.services.conftest import World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com")


def _setup(world: World) -> tuple[Principal, Principal, dict]:
    a = world.agent("a@example.com", tab="a-tab")
    chat = intake.start_chat(START)
    connections.connect("cust-tab", chat["token"])
    b = world.agent("b@example.com", tab="b-tab")
    world.store.agents.set_display_name(b.user_id, "이상담")
    return a, b, chat


def test_a_transfer_to_an_agent_with_a_note(world: World) -> None:
    a, b, chat = _setup(world)
    cid = chat["conversationId"]
    view = transfer.transfer_chat(a, cid, {"agentId": b.user_id, "note": "환불 요청, 주문번호 확인함"})
    assert (view["agentId"], view["agentName"], view["transferCount"]) == (b.user_id, "이상담", 1)
    hop = view["transfers"][0]
    assert (hop["by"], hop["fromAgentId"], hop["toAgentId"], hop["note"]) == (
        a.user_id,
        a.user_id,
        b.user_id,
        "환불 요청, 주문번호 확인함",
    )
    customer = world.pusher.frames["cust-tab"]
    lines = [f["message"] for f in customer if f["type"] == "message.new"]
    assert lines[-1]["systemCode"] == "agent_changed" and lines[-1]["text"] == "상담원이 변경되었습니다."
    moved = [f for f in customer if f["type"] == "chat.transferred"][-1]
    assert moved["agentName"] == "이상담"
    assert all("note" not in str(f) for f in customer)  # the internal note never reaches the customer
    assigned = [f for f in world.pusher.frames["b-tab"] if f["type"] == "chat.assigned"][-1]
    assert assigned["transfer"]["note"] == "환불 요청, 주문번호 확인함"
    unassigned = [f for f in world.pusher.frames["a-tab"] if f["type"] == "chat.unassigned"][-1]
    assert (unassigned["reason"], unassigned["toAgentId"]) == ("transferred", b.user_id)
    assert world.store.agents.get(a.user_id).active_chats == 0
    assert world.store.agents.get(b.user_id).active_chats == 1
    # The transcript moved with the chat: the new agent reads it and answers; the first cannot.
    synced = messages.sync_messages(b, {"conversationId": cid, "afterSeq": 0})
    assert [m["systemCode"] for m in synced["messages"]] == ["agent_joined", "agent_changed"]
    messages.send_message(b, None, {"conversationId": cid, "text": "이어서 도와드릴게요", "clientMessageId": "b-1"})
    with pytest.raises(DomainError):
        messages.send_message(a, None, {"conversationId": cid, "text": "x", "clientMessageId": "a-1"})
    with pytest.raises(Conflict):  # transferred away from a: a 409, not a 403
        ending.end_chat(a, cid)


def test_every_refusal_changes_nothing(world: World) -> None:
    a, b, chat = _setup(world)
    cid = chat["conversationId"]
    c = world.agent("c@example.com")
    cases = [
        (a, {"agentId": a.user_id}, TransferToSelf),
        (ADMIN, {"agentId": a.user_id}, TransferToSelf),  # already with this agent
        (a, {"agentId": "nobody@example.com"}, NotFound),
        (a, {"teamId": "billing"}, NotFound),  # no such team
        (b, {"agentId": c.user_id}, Forbidden),  # not b's chat
        (a, {}, InvalidField),
        (a, {"agentId": b.user_id, "teamId": "billing"}, InvalidField),
        (a, {"agentId": b.user_id, "note": "x" * 2001}, DomainError),
        (a, {"agentId": b.user_id, "priority": 1}, InvalidField),
    ]
    agent_status.set_status(c, {"status": AgentStatus.BREAK.value})
    cases.append((a, {"agentId": c.user_id}, AgentUnavailable))
    for caller, body, error in cases:
        with pytest.raises(error):
            transfer.transfer_chat(caller, cid, body)
    world.store.agents.set_chat_permission(b.user_id, False)
    with pytest.raises(AgentCannotChat):
        transfer.transfer_chat(a, cid, {"agentId": b.user_id})
    world.store.agents.set_chat_permission(b.user_id, True)
    world.store.agents.set_max_chats(b.user_id, 0)
    with pytest.raises(AgentFull):
        transfer.transfer_chat(a, cid, {"agentId": b.user_id})
    customer = connections.connect("cust-2", chat["token"])
    with pytest.raises(Forbidden):
        transfer.transfer_chat(customer, cid, {"agentId": b.user_id})
    stored = world.store.conversations.get(cid)
    assert (stored.agent_id, stored.transfers) == (a.user_id, None)
    assert world.store.agents.get(a.user_id).active_chats == 1


def test_ended_and_waiting_chats_are_not_transferred(world: World) -> None:
    a, b, chat = _setup(world)
    world.store.agents.set_max_chats(a.user_id, 1)
    world.store.agents.set_max_chats(b.user_id, 0)
    waiting = intake.start_chat(START)
    with pytest.raises((NotAssigned, Forbidden)):
        transfer.transfer_chat(ADMIN, waiting["conversationId"], {"agentId": b.user_id})
    ending.end_chat(a, chat["conversationId"])
    with pytest.raises(ConversationEnded):
        transfer.transfer_chat(ADMIN, chat["conversationId"], {"agentId": b.user_id})


def test_an_admin_transfers_to_a_team_queue(world: World) -> None:
    a, b, chat = _setup(world)
    routing_settings.update_routing_settings(
        {"teams": [{"id": "billing", "name": "결제", "memberAgentIds": [b.user_id], "inquiryTypes": []}]}, ADMIN
    )
    world.store.agents.set_max_chats(a.user_id, 0)  # a takes nothing back
    view = transfer.transfer_chat(ADMIN, chat["conversationId"], {"teamId": "billing", "note": "결제팀 확인 필요"})
    assert view["teamId"] == "billing"
    assert view["transfers"][0]["toTeamId"] == "billing" and view["transfers"][0]["toAgentId"] is None
    assert view["state"] == "active" and view["agentId"] == b.user_id  # the queue served it at once
    assert world.store.agents.get(a.user_id).active_chats == 0
