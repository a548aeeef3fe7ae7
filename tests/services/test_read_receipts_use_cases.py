"""Read receipts on the in-memory store: pushed to the other side, one write per 2 s per side."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import Forbidden, InvalidField
from chalicelib.domain.model import Principal, Role
from chalicelib.services import connections, conversation_records, intake, messages, read_receipts
from tests.services.conftest import World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com")


class CountingConversations:
    """Counts the receipt writes the store is asked for."""

    def __init__(self, inner) -> None:
        self.inner, self.writes = inner, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def record_read(self, *args, **kwargs) -> bool:
        self.writes += 1
        return self.inner.record_read(*args, **kwargs)


def _chat(world: World):
    agent = world.agent(tab="agent-tab")
    chat = intake.start_chat(START)
    customer = connections.connect("cust-tab", chat["token"])
    for n in range(3):
        messages.send_message(customer, "cust-tab", {"conversationId": chat["conversationId"], "text": f"질문 {n}",
                                                     "clientMessageId": f"c-{n}"})
    return agent, customer, chat["conversationId"]


def _read(principal: Principal, tab: str, conversation_id: str, seq) -> dict:
    return read_receipts.mark_read(principal, tab, {"action": "read", "conversationId": conversation_id, "seq": seq})


def test_the_agents_read_reaches_the_customer_and_back(world: World) -> None:
    agent, customer, conversation_id = _chat(world)
    world.pusher.take("cust-tab")
    ack = _read(agent, "agent-tab", conversation_id, 4)
    assert (ack["type"], ack["seq"], ack["outcome"]) == ("read.ack", 4, "written")
    assert world.pusher.take("cust-tab") == [{"type": "read", "conversationId": conversation_id, "side": "agent",
                                               "seq": 4}]
    world.pusher.take("agent-tab")
    assert _read(customer, "cust-tab", conversation_id, 1)["outcome"] == "written"
    assert world.pusher.take("agent-tab")[-1] == {"type": "read", "conversationId": conversation_id,
                                                  "side": "customer", "seq": 1}
    view = conversation_records.get_conversation(customer, conversation_id)
    assert view["reads"] == {"customer": 1, "agent": 4}
    assert conversation_records.get_conversation(agent, conversation_id)["reads"] == {"customer": 1, "agent": 4}


def test_reading_at_typing_speed_writes_once_per_two_seconds(world: World) -> None:
    agent, _, conversation_id = _chat(world)
    counting = CountingConversations(world.store.conversations)
    object.__setattr__(world.store, "conversations", counting)
    assert _read(agent, "agent-tab", conversation_id, 2)["outcome"] == "written"
    deferred = _read(agent, "agent-tab", conversation_id, 3)
    assert deferred["outcome"] == "deferred" and 0 < deferred["retryAfterMs"] <= 2000
    assert _read(agent, "agent-tab", conversation_id, 2)["outcome"] == "already_read"
    assert _read(agent, "agent-tab", conversation_id, 99)["seq"] == 4  # clamped to the last seq (deferred)
    assert counting.writes == 1
    world.clock.now += 2000
    assert _read(agent, "agent-tab", conversation_id, 4)["outcome"] == "written"
    assert counting.writes == 2
    assert counting.inner.get(conversation_id).agent_read.seq == 4


def test_who_moves_which_receipt_and_bad_input(world: World) -> None:
    _, customer, conversation_id = _chat(world)
    assert _read(ADMIN, None, conversation_id, 3)["outcome"] == "not_a_party"  # not the chat's agent
    assert world.store.conversations.get(conversation_id).agent_read is None
    other = world.agent("agent2@example.com")
    with pytest.raises(Forbidden):
        _read(other, None, conversation_id, 3)
    for seq in (-1, "x", None, 1.5, 2**53):
        with pytest.raises(InvalidField):
            _read(customer, "cust-tab", conversation_id, seq)
    with pytest.raises(InvalidField):
        read_receipts.mark_read(customer, "cust-tab", {"conversationId": conversation_id, "seq": 1, "extra": 1})
    assert world.store.conversations.get(conversation_id).customer_read is None
