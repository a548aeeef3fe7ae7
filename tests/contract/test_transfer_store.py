"""Transfer's store functions on both stores: one transaction, every hop kept, racing changes refused."""

from __future__ import annotations

import pytest

from chalicelib.domain.entities import Conversation, Transfer
from chalicelib.domain.errors import Conflict
from chalicelib.domain.model import AgentStatus, Role
from chalicelib.store.facade import Store
from tests.contract.test_chat_path import T0, _agent, _chat


def _hop(by: str, from_agent: str | None, to_agent: str | None, team: str | None, at: int, note: str = "") -> Transfer:
    return Transfer(by, from_agent, to_agent, team, at, note)


def test_transfer_to_an_agent_moves_the_seat_and_keeps_the_hop(store: Store) -> None:
    a, b = _agent(store, "a@example.com"), _agent(store, "b@example.com")
    store.lifecycle.assign(_chat(store, "c1"), a.user_id, 3, {"ka"}, T0 + 10, "김상담")
    conv = store.conversations.get("c1")
    store.lifecycle.transfer_to_agent(
        conv, _hop(a.user_id, a.user_id, b.user_id, None, T0 + 20, "환불 건"), 3, {"kb"}, "이상담", T0 + 20
    )
    moved = store.conversations.get("c1")
    assert (moved.state, moved.agent_id, moved.agent_name, moved.agent_connections) == (
        "active",
        b.user_id,
        "이상담",
        {"kb"},
    )
    assert (moved.assigned_at, moved.customer_active_at) == (T0 + 20, T0 + 20)
    assert moved.transfers == [Transfer(a.user_id, a.user_id, b.user_id, None, T0 + 20, "환불 건")]
    assert (store.agents.get(a.user_id).active_chats, store.agents.get(b.user_id).active_chats) == (0, 1)
    assert [c.conversation_id for c in store.queues.live_of(b.user_id)] == ["c1"]
    assert store.queues.live_of(a.user_id) == []
    assert [c.conversation_id for c in store.lifecycle.unaccepted(T0 + 30)] == ["c1"]  # b's window runs
    with pytest.raises(Conflict):  # read before the first transfer: the assignment changed
        store.lifecycle.transfer_to_agent(
            conv, _hop(a.user_id, a.user_id, b.user_id, None, T0 + 21), 3, set(), None, T0 + 21
        )
    store.lifecycle.transfer_to_agent(
        moved, _hop("admin", b.user_id, a.user_id, None, T0 + 40), 3, set(), None, T0 + 40
    )
    assert [h.to_agent_id for h in store.conversations.get("c1").transfers] == [b.user_id, a.user_id]


def test_transfer_refused_to_a_full_or_offline_agent_or_an_ended_chat(store: Store) -> None:
    a, b = _agent(store, "a@example.com"), _agent(store, "b@example.com")
    store.lifecycle.assign(_chat(store, "c1"), a.user_id, 3, set(), T0 + 10, None)
    store.lifecycle.assign(_chat(store, "c2", at=T0 + 1), b.user_id, 3, set(), T0 + 11, None)
    conv = store.conversations.get("c1")
    with pytest.raises(Conflict):  # b at the limit (1)
        store.lifecycle.transfer_to_agent(
            conv, _hop(a.user_id, a.user_id, b.user_id, None, T0 + 20), 1, set(), None, T0 + 20
        )
    store.agents.set_status(store.agents.get(b.user_id), AgentStatus.BREAK, T0 + 21)
    with pytest.raises(Conflict):
        store.lifecycle.transfer_to_agent(
            conv, _hop(a.user_id, a.user_id, b.user_id, None, T0 + 22), 5, set(), None, T0 + 22
        )
    store.lifecycle.end(conv, Role.AGENT, T0 + 30)
    with pytest.raises(Conflict):
        store.lifecycle.transfer_to_queue(conv, _hop(a.user_id, a.user_id, None, "billing", T0 + 31))
    assert store.conversations.get("c1").transfers is None
    assert (store.agents.get(a.user_id).active_chats, store.agents.get(b.user_id).active_chats) == (0, 1)


def test_transfer_to_a_team_queue_at_the_first_place(store: Store) -> None:
    a = _agent(store, "a@example.com")
    store.lifecycle.assign(_chat(store, "c1"), a.user_id, 3, set(), T0 + 10, None)
    _chat(store, "c2", at=T0 + 5)
    store.lifecycle.transfer_to_queue(
        store.conversations.get("c1"), _hop(a.user_id, a.user_id, None, "billing", T0 + 20, "결제팀으로")
    )
    back = store.conversations.get("c1")
    assert (back.state, back.agent_id, back.team_id) == ("waiting", None, "billing")
    assert back.transfers == [Transfer(a.user_id, a.user_id, None, "billing", T0 + 20, "결제팀으로")]
    assert [c.conversation_id for c in store.queues.waiting(team_id="billing")] == ["c1"]
    assert [c.conversation_id for c in store.queues.waiting()] == ["c2"]  # the queue without a team
    assert store.queues.queue_position(back) == 1
    assert (store.queues.queue_length("billing"), store.queues.queue_length()) == (1, 1)
    assert store.agents.get(a.user_id).active_chats == 0
    assert store.lifecycle.idle_candidates(T0 + 1000) == []


def test_team_queues_are_apart_fifo_and_movable(store: Store) -> None:
    for i, (cid, team) in enumerate([("c1", "billing"), ("c2", None), ("c3", "billing"), ("c4", "tech")]):
        store.conversations.create(
            Conversation(
                cid,
                state="waiting",
                customer_id=f"cust-{cid}",
                inbound_at=T0 + i,
                consent_version=1,
                consented_at=T0 + i,
                team_id=team,
            )
        )
    billing = store.queues.waiting(team_id="billing")
    assert [c.conversation_id for c in billing] == ["c1", "c3"]
    assert [store.queues.queue_position(c) for c in billing] == [1, 2]
    assert [c.conversation_id for c in store.queues.waiting()] == ["c2"]
    assert [c for c, _ in store.queues.waiting_connections("tech")] == ["c4"]
    assert store.queues.move_waiting("billing", "tech") == 2
    assert [c.conversation_id for c in store.queues.waiting(team_id="tech")] == ["c1", "c3", "c4"]
    assert store.queues.waiting(team_id="billing") == []
    assert store.conversations.get("c3").team_id == "tech"
