"""Issue #21's store functions on both stores: the live-chat indexes (idle, accept window), the
conditional warning and idle close, and the routing settings item."""

from __future__ import annotations

import pytest

from chalicelib.domain.entities import Conversation, Message
from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import Role
from chalicelib.store.facade import Store
from tests.contract.test_chat_path import T0, _agent, _chat


def _assigned(store: Store, conversation_id: str, agent_id: str, at: int) -> Conversation:
    store.lifecycle.assign(_chat(store, conversation_id, at=at - 5), agent_id, 5, set(), at, "김상담")
    return store.conversations.get(conversation_id)


def _line(conv: Conversation, code: str, at: int) -> Message:
    return Message(
        conv.conversation_id,
        conv.last_seq + 1,
        sender_role="system",
        sender_id="system",
        text=code,
        system_code=code,
        created_at=at,
    )


def _say(store: Store, conv: Conversation, role: str, at: int) -> None:
    message = Message(
        conv.conversation_id, conv.last_seq + 1, sender_role=role, sender_id=role, text="hi", created_at=at
    )
    store.messages.append(conv, message, agent_reply=role == "agent")


def test_live_chats_by_customer_activity(store: Store) -> None:
    agent = _agent(store)
    first = _assigned(store, "c1", agent.user_id, T0 + 100)
    second = _assigned(store, "c2", agent.user_id, T0 + 200)
    _chat(store, "c3", at=T0)  # waiting: not live
    assert first.customer_active_at == T0 + 100  # idle time counts from the assignment
    assert [c.conversation_id for c in store.lifecycle.idle_candidates(T0 + 1000)] == ["c1", "c2"]
    _say(store, first, "customer", T0 + 500)  # the customer writes: c1 moves behind c2
    assert store.conversations.get("c1").customer_active_at == T0 + 500
    assert [c.conversation_id for c in store.lifecycle.idle_candidates(T0 + 1000)] == ["c2", "c1"]
    assert [c.conversation_id for c in store.lifecycle.idle_candidates(T0 + 300)] == ["c2"]
    _say(store, second, "agent", T0 + 600)  # an agent's message is not the customer's activity
    assert store.conversations.get("c2").customer_active_at == T0 + 200
    store.lifecycle.end(store.conversations.get("c2"), Role.AGENT, T0 + 700)
    assert [c.conversation_id for c in store.lifecycle.idle_candidates(T0 + 1000)] == ["c1"]


def test_idle_warning_once_and_void_after_a_customer_message(store: Store) -> None:
    agent = _agent(store)
    conv = _assigned(store, "c1", agent.user_id, T0 + 100)
    read_twice = store.conversations.get("c1")
    store.lifecycle.warn_idle(conv, _line(conv, "idle_warning", T0 + 1000))
    with pytest.raises(Conflict):  # an overlapping sweep that read the same chat
        store.lifecycle.warn_idle(read_twice, _line(read_twice, "idle_warning", T0 + 1001))
    warned = store.conversations.get("c1")
    assert (warned.idle_warning_at, warned.last_seq) == (T0 + 1000, 1)
    assert [m.system_code for m in store.messages.transcript("c1")] == ["idle_warning"]
    before_the_message = store.conversations.get("c1")
    _say(store, warned, "customer", T0 + 1500)
    warned = before_the_message
    with pytest.raises(Conflict):  # read before the customer wrote
        store.lifecycle.end(
            warned,
            "system",
            T0 + 2000,
            reason="idle",
            line=_line(warned, "idle_closed", T0 + 2000),
            if_idle_unchanged=True,
        )
    assert store.conversations.get("c1").state == "active"


def test_idle_close_is_an_end_by_the_system_with_its_line(store: Store) -> None:
    agent = _agent(store)
    conv = _assigned(store, "c1", agent.user_id, T0 + 100)
    store.lifecycle.warn_idle(conv, _line(conv, "idle_warning", T0 + 1000))
    conv = store.conversations.get("c1")
    again = store.conversations.get("c1")
    store.lifecycle.end(
        conv, "system", T0 + 2000, reason="idle", line=_line(conv, "idle_closed", T0 + 2000), if_idle_unchanged=True
    )
    with pytest.raises(Conflict):  # the second of two overlapping sweeps
        store.lifecycle.end(
            again,
            "system",
            T0 + 2001,
            reason="idle",
            line=_line(again, "idle_closed", T0 + 2001),
            if_idle_unchanged=True,
        )
    ended = store.conversations.get("c1")
    assert (ended.state, ended.ended_by, ended.end_reason, ended.last_seq) == ("ended", "system", "idle", 2)
    assert [m.system_code for m in store.messages.transcript("c1")] == ["idle_warning", "idle_closed"]
    assert store.agents.get(agent.user_id).active_chats == 0
    assert store.lifecycle.idle_candidates(T0 + 10_000) == []
    assert store.lifecycle.unaccepted(T0 + 10_000) == []


def test_an_end_with_a_line_is_refused_when_the_seq_moved(store: Store) -> None:
    agent = _agent(store)
    conv = _assigned(store, "c1", agent.user_id, T0 + 100)
    stale = store.conversations.get("c1")
    _say(store, conv, "customer", T0 + 200)
    with pytest.raises(Conflict):
        store.lifecycle.end(stale, Role.AGENT, T0 + 300, line=_line(stale, "chat_ended", T0 + 300))
    assert store.conversations.get("c1").state == "active"
    assert [m.seq for m in store.messages.transcript("c1")] == [1]


def test_unaccepted_until_opened_or_answered(store: Store) -> None:
    agent = _agent(store)
    opened = _assigned(store, "c1", agent.user_id, T0 + 100)
    answered = _assigned(store, "c2", agent.user_id, T0 + 200)
    _assigned(store, "c3", agent.user_id, T0 + 300)
    assert [c.conversation_id for c in store.lifecycle.unaccepted(T0 + 250)] == ["c1", "c2"]
    assert store.lifecycle.mark_opened(opened, agent.user_id, T0 + 400) is True
    assert store.conversations.get("c1").agent_opened_at == T0 + 400
    _say(store, answered, "agent", T0 + 410)
    assert store.conversations.get("c2").agent_active_at == T0 + 410
    assert [c.conversation_id for c in store.lifecycle.unaccepted(T0 + 1000)] == ["c3"]
    assert store.lifecycle.mark_opened(opened, "someone-else", T0 + 500) is False


def test_return_unaccepted_only_from_the_same_untaken_assignment(store: Store) -> None:
    agent = _agent(store)
    _chat(store, "c0", at=T0 + 50)  # waiting behind c1's first arrival
    conv = _assigned(store, "c1", agent.user_id, T0 + 100)  # came in at T0 + 95
    opened_meanwhile = store.conversations.get("c1")
    store.lifecycle.return_unaccepted(conv, to_team_id=conv.team_id)
    back = store.conversations.get("c1")
    assert (back.state, back.agent_id, back.assigned_at) == ("waiting", None, None)
    assert [c.conversation_id for c in store.queues.waiting()] == ["c0", "c1"]
    assert store.agents.get(agent.user_id).active_chats == 0
    with pytest.raises(Conflict):  # not assigned any more
        store.lifecycle.return_unaccepted(opened_meanwhile, to_team_id=None)
    store.lifecycle.assign(back, agent.user_id, 5, set(), T0 + 200, None)
    again = store.conversations.get("c1")
    store.lifecycle.mark_opened(again, agent.user_id, T0 + 210)
    with pytest.raises(Conflict):  # opened since it was read
        store.lifecycle.return_unaccepted(again, to_team_id=None)
    assert store.conversations.get("c1").state == "active"


def test_routing_settings_item_with_an_optimistic_version(store: Store) -> None:
    assert store.routing_settings.get() is None
    store.routing_settings.save('{"a": 1}', version=1, expected_version=None, updated_at=T0, updated_by="admin")
    with pytest.raises(Conflict):  # someone saved first
        store.routing_settings.save('{"a": 2}', version=1, expected_version=None, updated_at=T0, updated_by="x")
    store.routing_settings.save('{"a": 3}', version=2, expected_version=1, updated_at=T0 + 1, updated_by="admin")
    with pytest.raises(Conflict):
        store.routing_settings.save('{"a": 4}', version=2, expected_version=1, updated_at=T0 + 2, updated_by="x")
    saved = store.routing_settings.get()
    assert (saved.document, saved.version, saved.updated_by) == ('{"a": 3}', 2, "admin")
    assert store.routing_settings.get_with_chat_settings()[0] is None  # no chat settings saved yet
    store.settings.save_chat_settings('{"b": 1}', version=1, expected_version=None, updated_at=T0, updated_by="a")
    chat, routing = store.routing_settings.get_with_chat_settings()
    assert (chat.document, routing.document, routing.version) == ('{"b": 1}', '{"a": 3}', 2)
