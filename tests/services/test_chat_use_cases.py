"""The chat's use cases end to end on the in-memory store: intake, assignment, messages, end."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import Conflict, Forbidden, NotAssigned
from chalicelib.domain.model import Principal, Role
from chalicelib.services import agent_status, connections, conversation_records, ending, intake, messages
from tests.services.conftest import World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}


def _customer(world: World, chat: dict, tab: str) -> Principal:
    principal = connections.connect(tab, chat["token"])
    assert principal.conversation_id == chat["conversationId"]
    return principal


def _say(principal: Principal, chat: dict, text: str, client_id: str, tab: str | None = None) -> dict:
    """As the gateway delivers a frame from `tab` (the sender's own tab hears only the ack)."""
    body = {"conversationId": chat["conversationId"], "text": text, "clientMessageId": client_id}
    return messages.send_message(principal, tab, body)


def test_no_agent_online_means_no_chat(world: World) -> None:
    world.agent(online=False)
    with pytest.raises(Conflict):
        intake.start_chat(START)
    assert world.store.queues.queue_length() == 0


def test_a_chat_is_assigned_announced_and_carries_messages_both_ways(world: World) -> None:
    agent = world.agent(tab="agent-tab")
    chat = intake.start_chat(START)
    assert (chat["state"], chat["position"]) == ("active", 0)
    customer = _customer(world, chat, "cust-tab")
    assert world.pusher.types("agent-tab")[-2:] == ["message.new", "chat.assigned"]

    sent = _say(customer, chat, "배송이 늦어요", "c-1")
    again = _say(customer, chat, "배송이 늦어요", "c-1")  # a resend after a lost ack
    assert sent["seq"] == again["seq"] == 2  # after the agent-joined line
    reply = _say(agent, chat, "확인해 드릴게요", "a-1", tab="agent-tab")
    assert world.pusher.frames["cust-tab"][-1]["message"]["text"] == "확인해 드릴게요"
    assert [f["message"]["seq"] for f in world.pusher.frames["agent-tab"] if f["type"] == "message.new"] == [1, 2]

    synced = messages.sync_messages(customer, {"conversationId": chat["conversationId"], "afterSeq": 1})
    assert [m["seq"] for m in synced["messages"]] == [2, reply["seq"]]
    stored = world.store.conversations.get(chat["conversationId"])
    assert stored.first_response_at is not None and stored.last_seq == 3


def test_another_customer_cannot_read_or_write_the_chat(world: World) -> None:
    world.agent()
    mine, theirs = intake.start_chat(START), intake.start_chat(START)
    intruder = _customer(world, theirs, "t-tab")
    with pytest.raises(Forbidden):
        _say(intruder, mine, "hi", "x-1")
    with pytest.raises(Forbidden):
        conversation_records.get_conversation(intruder, mine["conversationId"])


def test_the_queue_is_fifo_and_a_freed_seat_takes_the_oldest(world: World) -> None:
    agent = world.agent(tab="agent-tab")
    world.store.agents.set_max_chats(agent.user_id, 1)
    first, second, third = (intake.start_chat(START) for _ in range(3))
    assert [second["position"], third["position"]] == [1, 2]
    ending.end_chat(agent, first["conversationId"])
    assert world.store.conversations.get(second["conversationId"]).state == "active"
    assert world.store.conversations.get(third["conversationId"]).state == "waiting"
    assert world.store.agents.get(agent.user_id).active_chats == 1


def test_a_break_returns_unanswered_chats_but_keeps_answered_ones(world: World) -> None:
    agent = world.agent()
    answered, unanswered = intake.start_chat(START), intake.start_chat(START)
    _say(agent, answered, "안녕하세요", "a-1")
    agent_status.set_status(agent, {"status": "break"})
    assert world.store.conversations.get(answered["conversationId"]).state == "active"
    back = world.store.conversations.get(unanswered["conversationId"])
    assert back.state == "waiting" and back.agent_id is None
    lines = [m.system_code for m in world.store.messages.transcript(unanswered["conversationId"])]
    assert lines == ["agent_joined", "returned_to_queue"]


def test_rating_once_after_the_end_and_never_by_staff(world: World) -> None:
    agent = world.agent()
    chat = intake.start_chat(START)
    customer = _customer(world, chat, "cust-tab")
    ending.request_rating(agent, chat["conversationId"])
    assert world.pusher.types("cust-tab")[-1] == "rating.requested"
    ended = ending.end_chat(customer, chat["conversationId"])
    assert ended["state"] == "ended" and "agentId" not in ended
    with pytest.raises(Forbidden):
        ending.submit_rating(agent, chat["conversationId"], {"rating": "satisfied"})
    ending.submit_rating(customer, chat["conversationId"], {"rating": "satisfied", "comment": "감사"})
    with pytest.raises(Conflict):
        ending.submit_rating(customer, chat["conversationId"], {"rating": "dissatisfied"})
    with pytest.raises(Conflict):
        ending.end_chat(customer, chat["conversationId"])


def test_an_agent_cannot_send_to_a_chat_of_another_agent(world: World) -> None:
    world.agent("a@example.com")
    chat = intake.start_chat(START)
    other = world.agent("b@example.com")
    with pytest.raises((Forbidden, NotAssigned)):
        _say(other, chat, "hi", "b-1")


def test_a_disabled_account_gives_back_every_chat(world: World) -> None:
    agent = world.agent("a@example.com")
    chat = intake.start_chat(START)
    _say(agent, chat, "안녕하세요", "a-1")  # answered: stays on a break, but not when disabled
    world.store.agents.set_disabled(agent.user_id, True, world.clock())
    assert agent_status.apply_agent_change(agent.user_id) == 1
    assert world.store.conversations.get(chat["conversationId"]).state == "waiting"
    with pytest.raises(Forbidden):
        agent_status.set_status(agent, {"status": "online"})


def test_a_gone_connection_is_forgotten_everywhere(world: World) -> None:
    world.agent(tab="agent-tab")
    chat = intake.start_chat(START)
    customer = _customer(world, chat, "cust-tab")
    world.pusher.gone.add("agent-tab")
    world.clock.now += 60_000  # past the grace of a connection still in its $connect
    _say(customer, chat, "여보세요", "c-1")
    assert world.store.connections.get("agent-tab") is None
    assert not world.store.conversations.get(chat["conversationId"]).agent_connections
    assert Role.CUSTOMER.value == customer.role.value
