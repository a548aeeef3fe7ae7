"""Supervision (issue #24) on the in-memory store: a supervisor's tab watches a chat and hears both
sides; a whisper reaches the agent and the watcher once, never the customer; a gone watcher is
forgotten; watching another chat leaves the first; a take-over on break moves the seat."""

from __future__ import annotations

import json

from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.services import connections, intake, messages, notes, notify, supervision, transfer
from tests.services.conftest import World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}
WHISPER = "환불 규정 안내 부탁해요"
SUPERVISOR = Principal(role=Role.SUPERVISOR, user_id="sup@example.com", display_name="최감독")


def _supervisor(world: World, tab: str = "sup-tab") -> None:
    world.store.agents.ensure(SUPERVISOR)
    world.store.connections.put(tab, SUPERVISOR, world.clock())
    world.store.agents.add_connection(SUPERVISOR.user_id, tab)


def _chat(world: World) -> tuple[Principal, Principal, str]:
    agent = world.agent(tab="agent-tab")
    chat = intake.start_chat(START)
    customer = connections.connect("cust-tab", chat["token"])
    return agent, customer, chat["conversationId"]


def _say(principal: Principal, tab: str, cid: str, text: str, n: int) -> None:
    messages.send_message(principal, tab, {"conversationId": cid, "text": text, "clientMessageId": f"m-{n}"})


def test_a_watcher_hears_both_sides_and_the_whisper_never_reaches_the_customer(world: World) -> None:
    agent, customer, cid = _chat(world)
    _supervisor(world)
    answer = supervision.watch(SUPERVISOR, "sup-tab", cid)
    assert answer["type"] == "chat.watching" and answer["conversation"]["agentId"] == agent.user_id
    _say(customer, "cust-tab", cid, "안녕하세요", 1)
    _say(agent, "agent-tab", cid, "네, 말씀하세요", 2)
    heard = [f["message"]["text"] for f in world.pusher.take("sup-tab") if f["type"] == "message.new"]
    assert heard == ["안녕하세요", "네, 말씀하세요"]

    note = notes.add_note(SUPERVISOR, cid, {"text": WHISPER})
    assert note["whisper"] is True
    assert [f["message"]["seq"] for f in world.pusher.take("sup-tab")] == [note["seq"]]  # once, not twice
    assert world.pusher.take("agent-tab")[-1]["message"]["whisper"] is True
    customer_side = json.dumps(world.pusher.frames["cust-tab"], ensure_ascii=False)
    assert WHISPER not in customer_side and "sup-tab" not in customer_side and "whisper" not in customer_side
    sync = messages.sync_messages(customer, {"conversationId": cid, "afterSeq": 0})
    assert WHISPER not in json.dumps(sync, ensure_ascii=False)


def test_a_gone_watcher_is_forgotten_and_a_tab_watches_one_chat(world: World) -> None:
    _, customer, cid = _chat(world)
    other = intake.start_chat({**START, "customerName": "김고객"})["conversationId"]
    _supervisor(world)
    supervision.watch(SUPERVISOR, "sup-tab", cid)
    supervision.watch(SUPERVISOR, "sup-tab", other)  # leaves the first
    assert not world.store.conversations.get(cid).watcher_connections
    assert world.store.conversations.get(other).watcher_connections == {"sup-tab"}
    supervision.watch(SUPERVISOR, "sup-tab", cid)
    world.pusher.gone.add("sup-tab")
    world.clock.now += 120_000  # past the new-connection grace: a 410 is final
    _say(customer, "cust-tab", cid, "계세요?", 1)
    assert not world.store.conversations.get(cid).watcher_connections
    assert world.store.connections.get("sup-tab") is None
    assert notify.chat_staff_connections(world.store.conversations.get(cid)) == {"agent-tab"}


def test_a_take_over_on_break_moves_the_seat_to_the_supervisor(world: World) -> None:
    agent, customer, cid = _chat(world)
    _supervisor(world)
    world.store.agents.set_status(world.store.agents.get(SUPERVISOR.user_id), AgentStatus.BREAK, world.clock())  # type: ignore[arg-type]
    view = transfer.take_over_chat(SUPERVISOR, cid)
    assert (view["agentId"], view["agentName"]) == (SUPERVISOR.user_id, "최감독")
    assert view["agentOpenedAt"] is not None
    assert world.store.agents.get(SUPERVISOR.user_id).active_chats == 1  # type: ignore[union-attr]
    assert world.store.agents.get(agent.user_id).active_chats == 0  # type: ignore[union-attr]
    moved = world.pusher.take("cust-tab")[-1]
    assert moved == {"type": "chat.transferred", "conversationId": cid, "agentName": "최감독"}
