"""Issue #21 on the in-memory store: idle auto-close and the accept window, with a moved clock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.domain.errors import Forbidden, InvalidField
from chalicelib.domain.model import Principal, Role
from chalicelib.services import intake, live_timers, messages, routing_settings
from tests.services.conftest import World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}
MINUTE = 60_000
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com")


def _chat_with_customer(world: World, tab: str = "cust-tab") -> tuple[dict, Principal]:
    from chalicelib.services import connections

    chat = intake.start_chat(START)
    return chat, connections.connect(tab, chat["token"])


def _codes(world: World, conversation_id: str) -> list[str | None]:
    return [m.system_code for m in world.store.messages.transcript(conversation_id)]


def _say(principal: Principal, chat: dict, text: str, client_id: str) -> dict:
    body = {"conversationId": chat["conversationId"], "text": text, "clientMessageId": client_id}
    return messages.send_message(principal, None, body)


# --- idle auto-close -------------------------------------------------------------------------


def test_idle_warning_then_close_frees_the_seat_for_the_next_chat(world: World) -> None:
    agent = world.agent(tab="agent-tab")
    world.store.agents.set_max_chats(agent.user_id, 1)
    chat, customer = _chat_with_customer(world)
    live_timers.open_chat(agent, chat["conversationId"])
    waiting = intake.start_chat(START)
    assert waiting["state"] == "waiting"

    world.clock.now += 9 * MINUTE
    assert live_timers.sweep()["idleWarnings"] == 0
    world.clock.now += MINUTE
    assert live_timers.sweep()["idleWarnings"] == 1
    assert live_timers.sweep()["idleWarnings"] == 0  # warned once
    warning = world.pusher.frames["cust-tab"][-1]
    assert (warning["type"], warning["message"]["systemCode"]) == ("message.new", "idle_warning")
    assert "5분" in warning["message"]["text"]

    world.clock.now += 5 * MINUTE
    assert live_timers.sweep()["idleClosed"] == 1
    ended = world.store.conversations.get(chat["conversationId"])
    assert (ended.state, ended.ended_by, ended.end_reason) == ("ended", "system", "idle")
    assert _codes(world, chat["conversationId"])[-2:] == ["idle_warning", "idle_closed"]
    frame = [f for f in world.pusher.frames["cust-tab"] if f["type"] == "chat.ended"][-1]
    assert (frame["endedBy"], frame["endReason"]) == ("system", "idle")
    assert world.store.conversations.get(waiting["conversationId"]).state == "active"  # the freed seat
    assert world.store.agents.get(agent.user_id).active_chats == 1
    view = live_timers.open_chat(agent, waiting["conversationId"])
    assert view["type"] == "chat.opened"


def test_a_customer_message_resets_the_idle_clock(world: World) -> None:
    agent = world.agent()
    chat, customer = _chat_with_customer(world)
    live_timers.open_chat(agent, chat["conversationId"])
    world.clock.now += 10 * MINUTE
    live_timers.sweep()
    _say(customer, chat, "아직 있어요", "c-1")
    world.clock.now += 5 * MINUTE
    assert live_timers.sweep() == {"chatsReassigned": 0, "idleWarnings": 0, "idleClosed": 0}
    world.clock.now += 5 * MINUTE  # 10 minutes after the message: a new warning, not a close
    assert live_timers.sweep()["idleWarnings"] == 1
    assert world.store.conversations.get(chat["conversationId"]).state == "active"


def test_overlapping_sweeps_warn_and_close_once(world: World) -> None:
    agent = world.agent()
    chats = [_chat_with_customer(world, f"cust-{i}")[0] for i in range(3)]
    for chat in chats:
        live_timers.open_chat(agent, chat["conversationId"])
    world.clock.now += 10 * MINUTE
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: live_timers.sweep(), range(4)))
    assert sum(r["idleWarnings"] for r in results) == 3
    world.clock.now += 5 * MINUTE
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: live_timers.sweep(), range(4)))
    assert sum(r["idleClosed"] for r in results) == 3
    for chat in chats:
        assert _codes(world, chat["conversationId"]).count("idle_warning") == 1
        assert _codes(world, chat["conversationId"]).count("idle_closed") == 1
    assert world.store.agents.get(agent.user_id).active_chats == 0


def test_idle_close_off_and_warning_only(world: World) -> None:
    agent = world.agent()
    chat, _ = _chat_with_customer(world)
    live_timers.open_chat(agent, chat["conversationId"])
    routing_settings.update_routing_settings({"idleCloseMinutes": 0}, ADMIN)
    world.clock.now += 60 * MINUTE
    assert live_timers.sweep()["idleWarnings"] == 1
    world.clock.now += 60 * MINUTE
    assert live_timers.sweep()["idleClosed"] == 0
    routing_settings.update_routing_settings({"idleWarningMinutes": 0}, ADMIN)
    world.clock.now += 600 * MINUTE
    assert live_timers.sweep() == {"chatsReassigned": 0, "idleWarnings": 0, "idleClosed": 0}
    assert world.store.conversations.get(chat["conversationId"]).state == "active"


def test_timer_settings_are_validated_and_versioned(world: World) -> None:
    with pytest.raises(InvalidField):
        routing_settings.update_routing_settings({"idleWarningMinutes": -1}, ADMIN)
    with pytest.raises(InvalidField):
        routing_settings.update_routing_settings({"acceptWindowSeconds": 3601}, ADMIN)
    with pytest.raises(InvalidField):
        routing_settings.update_routing_settings({"idleTimeout": 3}, ADMIN)
    assert world.store.routing_settings.get() is None  # nothing stored on a 400
    _, after = routing_settings.update_routing_settings({"idleWarningMinutes": 20, "version": 0}, ADMIN)
    assert (after.timers.idle_warning_minutes, after.timers.idle_close_minutes, after.version) == (20, 5, 1)
    from chalicelib.domain.errors import Conflict

    with pytest.raises(Conflict):
        routing_settings.update_routing_settings({"idleWarningMinutes": 30, "version": 0}, ADMIN)
    assert routing_settings.load_routing_settings().timers.idle_warning_minutes == 20


# --- accept window ---------------------------------------------------------------------------


def test_a_missed_chat_goes_to_the_next_agent_and_the_first_takes_a_break(world: World) -> None:
    first = world.agent("a@example.com", tab="a-tab")
    chat, _ = _chat_with_customer(world)
    second = world.agent("b@example.com", tab="b-tab")
    assert world.store.conversations.get(chat["conversationId"]).agent_id == first.user_id

    world.clock.now += 59_000
    assert live_timers.sweep()["chatsReassigned"] == 0
    world.clock.now += 2_000
    assert live_timers.sweep()["chatsReassigned"] == 1
    moved = world.store.conversations.get(chat["conversationId"])
    assert (moved.state, moved.agent_id) == ("active", second.user_id)
    assert world.store.agents.get(first.user_id).status == "break"
    assert world.store.agents.get(first.user_id).active_chats == 0
    first_frames = world.pusher.types("a-tab")
    assert {"chat.unassigned", "chat.missed", "agent.status"} <= set(first_frames)
    missed = [f for f in world.pusher.frames["a-tab"] if f["type"] == "chat.missed"][-1]
    assert (missed["conversationId"], missed["status"]) == (chat["conversationId"], "break")
    assert "chat.assigned" in world.pusher.types("b-tab")
    assert _codes(world, chat["conversationId"]) == ["agent_joined", "returned_to_queue", "agent_joined"]
    assert live_timers.sweep()["chatsReassigned"] == 0  # the second agent's window has just begun


def test_opening_or_answering_takes_up_the_chat(world: World) -> None:
    agent = world.agent()
    world.agent("b@example.com")
    opened, _ = _chat_with_customer(world, "c-1")
    answered, _ = _chat_with_customer(world, "c-2")
    opened_by = world.store.conversations.get(opened["conversationId"]).agent_id
    answered_by = world.store.conversations.get(answered["conversationId"]).agent_id
    principals = {p.user_id: p for p in (agent, Principal(role=Role.AGENT, user_id="b@example.com"))}
    live_timers.open_chat(principals[opened_by], opened["conversationId"])
    _say(principals[answered_by], answered, "안녕하세요", "a-1")
    world.clock.now += 5 * MINUTE
    assert live_timers.sweep()["chatsReassigned"] == 0
    assert world.store.agents.get(agent.user_id).status == "online"


def test_the_accept_window_off_and_only_the_assigned_agent_opens(world: World) -> None:
    agent = world.agent()
    chat, customer = _chat_with_customer(world)
    with pytest.raises(Forbidden):
        live_timers.open_chat(customer, chat["conversationId"])
    live_timers.open_chat(ADMIN, chat["conversationId"])  # an admin looking on: not the agent's open
    assert world.store.conversations.get(chat["conversationId"]).agent_opened_at is None
    routing_settings.update_routing_settings({"acceptWindowSeconds": 0}, ADMIN)
    world.clock.now += 5 * MINUTE
    assert live_timers.sweep()["chatsReassigned"] == 0
    assert world.store.conversations.get(chat["conversationId"]).agent_id == agent.user_id


def test_a_lone_agent_who_misses_a_chat_leaves_it_waiting(world: World) -> None:
    agent = world.agent()
    chat, _ = _chat_with_customer(world)
    world.clock.now += 2 * MINUTE
    assert live_timers.sweep()["chatsReassigned"] == 1
    assert world.store.conversations.get(chat["conversationId"]).state == "waiting"
    assert world.store.agents.get(agent.user_id).status == "break"
