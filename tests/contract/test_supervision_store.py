"""Supervision's store functions (issue #24) on both stores: watchers cached on the conversation
(only while it is live), the connection's watched chat, every active chat without a Scan, and a
take-over's transfer to a supervisor on break."""

from __future__ import annotations

import pytest

from chalicelib.domain.entities import Transfer
from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.store.facade import Store
from tests.contract.test_chat_path import T0, _agent, _chat


def test_watchers_are_cached_on_a_live_chat_only(store: Store) -> None:
    a = _agent(store)
    store.lifecycle.assign(_chat(store, "c1"), a.user_id, 3, {"ka"}, T0 + 10, "김상담")
    watched = store.conversations.add_watcher("c1", "w1")
    assert watched is not None and watched.watcher_connections == {"w1"} and watched.agent_connections == {"ka"}
    store.conversations.add_watcher("c1", "w2")
    store.conversations.remove_watcher("c1", "w1")
    assert store.conversations.get("c1").watcher_connections == {"w2"}
    store.conversations.remove_connection("c1", "w2")  # a gone connection leaves every cache
    assert not store.conversations.get("c1").watcher_connections
    _chat(store, "c2", at=T0 + 1)  # waiting chats are watched too
    assert store.conversations.add_watcher("c2", "w3") is not None
    store.lifecycle.end(store.conversations.get("c1"), Role.AGENT, T0 + 20)
    assert store.conversations.add_watcher("c1", "w4") is None
    assert not store.conversations.get("c1").watcher_connections


def test_a_connection_remembers_the_chat_it_watches(store: Store) -> None:
    principal = Principal(role=Role.SUPERVISOR, user_id="s@example.com")
    store.connections.put("w1", principal, T0)
    assert store.connections.set_watching("w1", "c1") is True
    connection = store.connections.get("w1")
    assert connection is not None and (connection.watching, connection.role) == ("c1", "supervisor")
    assert store.connections.set_watching("w1", None) is True
    assert store.connections.get("w1").watching is None  # type: ignore[union-attr]
    assert store.connections.set_watching("gone", "c1") is False
    assert store.connections.get("gone") is None  # nothing created


def test_live_chats_are_every_active_chat(store: Store) -> None:
    a = _agent(store)
    for n in range(3):
        _chat(store, f"c{n}", at=T0 + n)
    store.lifecycle.assign(store.conversations.get("c0"), a.user_id, 3, set(), T0 + 10, None)
    store.lifecycle.assign(store.conversations.get("c2"), a.user_id, 3, set(), T0 + 11, None)
    assert sorted(c.conversation_id for c in store.lifecycle.live_chats()) == ["c0", "c2"]
    store.lifecycle.end(store.conversations.get("c0"), Role.AGENT, T0 + 20)
    assert [c.conversation_id for c in store.lifecycle.live_chats()] == ["c2"]


def test_a_take_over_may_move_the_chat_to_a_supervisor_on_break(store: Store) -> None:
    a, s = _agent(store), _agent(store, "s@example.com")
    store.agents.set_status(store.agents.get(s.user_id), AgentStatus.BREAK, T0 + 1)  # type: ignore[arg-type]
    store.lifecycle.assign(_chat(store, "c1"), a.user_id, 3, {"ka"}, T0 + 10, "김상담")
    conv = store.conversations.get("c1")
    hop = Transfer(s.user_id, a.user_id, s.user_id, None, T0 + 20, "")
    with pytest.raises(Conflict):  # a plain transfer needs the receiver online
        store.lifecycle.transfer_to_agent(conv, hop, 3, {"ks"}, "최감독", T0 + 20)
    store.lifecycle.transfer_to_agent(conv, hop, 3, {"ks"}, "최감독", T0 + 20, allow_break=True)
    moved = store.conversations.get("c1")
    assert (moved.agent_id, moved.agent_connections, store.agents.get(s.user_id).active_chats) == (  # type: ignore[union-attr]
        s.user_id,
        {"ks"},
        1,
    )
    store.agents.set_status(store.agents.get(s.user_id), AgentStatus.OFFLINE, T0 + 30)  # type: ignore[arg-type]
    back = Transfer(a.user_id, s.user_id, a.user_id, None, T0 + 40, "")
    store.agents.set_status(store.agents.get(a.user_id), AgentStatus.OFFLINE, T0 + 31)  # type: ignore[arg-type]
    with pytest.raises(Conflict):  # offline: refused even for a take-over
        store.lifecycle.transfer_to_agent(moved, back, 3, set(), None, T0 + 40, allow_break=True)
