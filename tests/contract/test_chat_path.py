"""The chat path's store functions, on both stores: the same answers and the same refusals."""

from __future__ import annotations

import pytest

from chalicelib.domain.entities import Conversation, Message
from chalicelib.domain.errors import Conflict, DuplicateClientMessage, NotFound, SequenceTaken
from chalicelib.domain.model import AgentStatus, Principal, Role
from chalicelib.store.facade import Store

T0 = 1_764_000_000_000


def _agent(store: Store, agent_id: str = "a@example.com", *, online: bool = True) -> Principal:
    principal = Principal(role=Role.AGENT, user_id=agent_id, email=agent_id, display_name="김상담")
    agent = store.agents.ensure(principal)
    if online:
        store.agents.set_status(agent, AgentStatus.ONLINE, T0)
    return principal


def _chat(store: Store, conversation_id: str, at: int = T0, name: str | None = "고객") -> Conversation:
    return store.conversations.create(
        Conversation(
            conversation_id,
            state="waiting",
            customer_id=f"cust-{conversation_id}",
            inbound_at=at,
            consent_version=1,
            consented_at=at,
            customer_name=name,
        )
    )


def _message(conv: Conversation, seq: int, client_id: str | None = None, sender: str = "cust") -> Message:
    return Message(
        conv.conversation_id,
        seq,
        sender_role="customer",
        sender_id=sender,
        text=f"m{seq}",
        client_message_id=client_id,
        created_at=T0 + seq,
    )


# --- connections -----------------------------------------------------------------------------


def test_connection_put_get_delete_and_staff_lookup(store: Store) -> None:
    agent = _agent(store, online=False)
    customer = Principal(role=Role.CUSTOMER, user_id="cust-1", conversation_id="c1", token_expires_at=99)
    store.connections.put("k1", agent, T0)
    store.connections.put("k2", customer, T0)
    assert store.connections.get("k2").conversation_id == "c1"
    assert store.connections.get("k2").token_expires_at == 99
    assert store.connections.of_staff(agent.user_id) == ["k1"]
    store.connections.delete("k1")
    assert store.connections.get("k1") is None
    assert store.connections.of_staff(agent.user_id) == []


def test_frame_counting_admits_up_to_the_limit_per_window(store: Store) -> None:
    store.connections.put("k1", _agent(store, online=False), T0)
    answers = [store.connections.count_frame("k1", 100, 3)[1] for _ in range(4)]
    assert answers == [True, True, True, False]
    assert store.connections.count_frame("k1", 110, 3)[1] is True  # a new window
    assert store.connections.count_frame("gone", 100, 3) == (None, False)


# --- agents ----------------------------------------------------------------------------------


def test_agent_created_offline_once_and_status_changes(store: Store) -> None:
    principal = _agent(store, online=False)
    first = store.agents.get(principal.user_id)
    assert (first.status, first.active_chats, first.chat_permission) == ("offline", 0, True)
    store.agents.set_status(first, AgentStatus.ONLINE, T0 + 5)
    online = store.agents.get(principal.user_id)
    assert (online.status, online.last_assigned_at) == ("online", T0 + 5)
    assert [a.agent_id for a in store.agents.online()] == [principal.user_id]
    assert store.agents.ensure(principal).status == "online"  # not reset by a second sign-in


def test_agent_connections_and_account_changes(store: Store) -> None:
    principal = _agent(store)
    assert store.agents.add_connection(principal.user_id, "k1").connection_ids == {"k1"}
    store.agents.add_connection(principal.user_id, "k2")
    store.agents.remove_connection(principal.user_id, "k1")
    assert store.agents.get(principal.user_id).connection_ids == {"k2"}
    store.agents.set_max_chats(principal.user_id, 5)
    store.agents.set_display_name(principal.user_id, "이상담")
    store.agents.set_disabled(principal.user_id, True, T0 + 9)
    agent = store.agents.get(principal.user_id)
    assert (agent.max_chats, agent.display_name, agent.disabled, agent.status) == (5, "이상담", True, "offline")
    with pytest.raises(NotFound):
        store.agents.set_max_chats("nobody", 2)
    assert store.agents.repair_active_chats(principal.user_id, 1, 0) is False  # recorded 0, not 1
    assert store.agents.repair_active_chats(principal.user_id, 0, 2) is True


# --- conversations ---------------------------------------------------------------------------


def test_queue_is_fifo_and_positions_count_from_one(store: Store) -> None:
    for i, cid in enumerate(["c3", "c1", "c2"]):
        _chat(store, cid, at=T0 + i)
    assert [c.conversation_id for c in store.queues.waiting()] == ["c3", "c1", "c2"]
    assert [c.conversation_id for c in store.queues.waiting(limit=1)] == ["c3"]
    assert store.queues.queue_position(store.conversations.get("c2")) == 3
    assert store.queues.queue_length() == 3
    with pytest.raises(Conflict):
        _chat(store, "c1")
    with pytest.raises(NotFound):
        store.conversations.get("nope")


def test_assignment_is_refused_over_capacity_offline_or_twice(store: Store) -> None:
    agent = _agent(store)
    first, second = _chat(store, "c1"), _chat(store, "c2", at=T0 + 1)
    store.lifecycle.assign(first, agent.user_id, 1, {"k1"}, T0 + 10, "김상담")
    with pytest.raises(Conflict):
        store.lifecycle.assign(second, agent.user_id, 1, set(), T0 + 11, None)  # at max
    with pytest.raises(Conflict):
        store.lifecycle.assign(first, agent.user_id, 5, set(), T0 + 11, None)  # not waiting
    assigned = store.conversations.get("c1")
    assert (assigned.state, assigned.agent_id, assigned.agent_name, assigned.agent_connections) == (
        "active",
        agent.user_id,
        "김상담",
        {"k1"},
    )
    assert store.agents.get(agent.user_id).active_chats == 1
    assert [c.conversation_id for c in store.queues.live_of(agent.user_id)] == ["c1"]
    assert [c.conversation_id for c in store.queues.waiting()] == ["c2"]
    offline = _agent(store, "b@example.com", online=False)
    with pytest.raises(Conflict):
        store.lifecycle.assign(second, offline.user_id, 5, set(), T0 + 12, None)


def test_return_to_queue_keeps_the_first_place_and_only_unanswered(store: Store) -> None:
    agent = _agent(store)
    first, _ = _chat(store, "c1"), _chat(store, "c2", at=T0 + 1)
    store.lifecycle.assign(first, agent.user_id, 3, set(), T0 + 10, None)
    store.lifecycle.return_to_queue(store.conversations.get("c1"), agent.user_id, to_team_id=None)
    assert [c.conversation_id for c in store.queues.waiting()] == ["c1", "c2"]
    assert store.agents.get(agent.user_id).active_chats == 0
    assert store.queues.live_of(agent.user_id) == []
    store.lifecycle.assign(store.conversations.get("c1"), agent.user_id, 3, set(), T0 + 20, None)
    conv = store.conversations.get("c1")
    store.messages.append(
        conv, Message("c1", 1, sender_role="agent", sender_id=agent.user_id, created_at=T0 + 21), agent_reply=True
    )
    with pytest.raises(Conflict):
        store.lifecycle.return_to_queue(conv, agent.user_id, to_team_id=None)  # answered
    store.lifecycle.return_to_queue(conv, agent.user_id, to_team_id=None, answered_too=True)
    assert store.conversations.get("c1").state == "waiting"


def test_end_frees_the_seat_once(store: Store) -> None:
    agent = _agent(store)
    store.lifecycle.assign(_chat(store, "c1"), agent.user_id, 3, set(), T0 + 10, None)
    conv = store.conversations.get("c1")
    store.lifecycle.end(conv, Role.CUSTOMER, T0 + 30)
    with pytest.raises(Conflict):
        store.lifecycle.end(conv, Role.AGENT, T0 + 31)  # read as active, ended meanwhile
    ended = store.conversations.get("c1")
    assert (ended.state, ended.ended_by, ended.ended_at) == ("ended", "customer", T0 + 30)
    assert store.agents.get(agent.user_id).active_chats == 0
    assert store.queues.live_of(agent.user_id) == []
    store.lifecycle.end(_chat(store, "c2"), Role.CUSTOMER, T0 + 40)  # a waiting chat leaves the queue
    assert store.queues.waiting() == []


def test_cached_connections_follow_the_live_agent(store: Store) -> None:
    agent = _agent(store)
    conv = _chat(store, "c1")
    store.conversations.add_customer_connection("c1", "cust-k")
    store.conversations.add_agent_connection("c1", agent.user_id, "agent-k")  # not assigned yet: ignored
    store.lifecycle.assign(conv, agent.user_id, 3, set(), T0 + 10, None)
    store.conversations.add_agent_connection("c1", agent.user_id, "agent-k")
    assert store.conversations.get("c1").agent_connections == {"agent-k"}
    assert store.queues.waiting_connections() == []
    store.conversations.remove_connection("c1", "cust-k")
    store.conversations.remove_connection("c1", "agent-k")
    after = store.conversations.get("c1")
    assert not after.customer_connections and not after.agent_connections


def test_record_updates_rating_once_and_the_agent_name(store: Store) -> None:
    agent = _agent(store)
    store.lifecycle.assign(_chat(store, "c1"), agent.user_id, 3, set(), T0 + 10, "김상담")
    conv = store.conversations.update(
        store.conversations.get("c1"), {"customer_name": "홍길동", "customer_memo": None}, allow_ended=False
    )
    assert (conv.customer_name, conv.customer_memo) == ("홍길동", None)
    assert store.conversations.record_rating(conv, "satisfied", "좋아요", T0 + 20) is True
    assert store.conversations.record_rating(conv, "dissatisfied", None, T0 + 21) is False
    assert store.conversations.get("c1").rating == "satisfied"
    assert [c.agent_name for c in store.queues.set_live_agent_name(agent.user_id, "새이름")] == ["새이름"]
    assert store.conversations.get("c1").agent_name == "새이름"
    store.lifecycle.end(store.conversations.get("c1"), Role.AGENT, T0 + 30)
    with pytest.raises(Conflict):
        store.conversations.update(store.conversations.get("c1"), {"customer_memo": "x"}, allow_ended=False)
    assert (
        store.conversations.update(
            store.conversations.get("c1"), {"customer_memo": "x"}, allow_ended=True
        ).customer_memo
        == "x"
    )


def test_the_transcript_mail_is_asked_once_after_the_end_and_marked_sent_once(store: Store) -> None:
    agent = _agent(store)
    store.lifecycle.assign(_chat(store, "c1"), agent.user_id, 3, set(), T0 + 10, None)
    live = store.conversations.get("c1")
    assert store.conversations.record_transcript_request(live, "a@example.com", "ko", T0 + 20) is False  # live
    assert store.conversations.mark_transcript_sent("c1", T0 + 21) is False  # nothing asked
    store.lifecycle.end(store.conversations.get("c1"), Role.AGENT, T0 + 30)
    ended = store.conversations.get("c1")
    assert store.conversations.record_transcript_request(ended, "a@example.com", "en", T0 + 40) is True
    assert store.conversations.record_transcript_request(ended, "b@example.com", "ko", T0 + 41) is False
    assert store.conversations.mark_transcript_sent("c1", T0 + 50) is True
    assert store.conversations.mark_transcript_sent("c1", T0 + 51) is False
    stored = store.conversations.get("c1")
    assert (stored.transcript_email, stored.transcript_lang) == ("a@example.com", "en")
    assert (stored.transcript_requested_at, stored.transcript_sent_at) == (T0 + 40, T0 + 50)


def test_the_mail_quota_counts_to_its_limit_per_address_and_hour(store: Store) -> None:
    assert [store.settings.count_mail("k1", 3600, 2, 10_800) for _ in range(3)] == [True, True, False]
    assert store.settings.count_mail("k2", 3600, 2, 10_800) is True  # another address
    assert store.settings.count_mail("k1", 7200, 2, 14_400) is True  # the next hour
    # A count given back frees one place, once; nothing counted: nothing to give back.
    store.settings.uncount_mail("k1", 3600)
    assert [store.settings.count_mail("k1", 3600, 2, 10_800) for _ in range(2)] == [True, False]
    store.settings.uncount_mail("k3", 3600)
    assert [store.settings.count_mail("k3", 3600, 1, 10_800) for _ in range(2)] == [True, False]


# --- messages --------------------------------------------------------------------------------


def test_append_in_sequence_once_per_client_id(store: Store) -> None:
    conv = _chat(store, "c1")
    store.messages.append(conv, _message(conv, 1, "cm-1"), agent_reply=False)
    assert conv.last_seq == 1
    with pytest.raises(DuplicateClientMessage):
        store.messages.append(conv, _message(conv, 2, "cm-1"), agent_reply=False)
    stale = store.conversations.get("c1")
    stale.last_seq = 0
    with pytest.raises(SequenceTaken):
        store.messages.append(stale, _message(stale, 1, "cm-2"), agent_reply=False)
    store.messages.append(conv, _message(conv, 2, "cm-2"), agent_reply=False)
    assert store.conversations.get("c1").last_seq == 2
    assert store.messages.by_client_id("c1", "cm-2").seq == 2
    assert store.messages.by_client_id("c1", "never") is None
    assert [m.seq for m in store.messages.after("c1", 0, 10)] == [1, 2]
    assert [m.seq for m in store.messages.after("c1", 1, 10)] == [2]
    assert [m.seq for m in store.messages.after("c1", 0, 1)] == [1]
    assert [m.text for m in store.messages.transcript("c1")] == ["m1", "m2"]  # not the resend markers


def test_no_message_once_ended_and_first_response_kept(store: Store) -> None:
    agent = _agent(store)
    store.lifecycle.assign(_chat(store, "c1"), agent.user_id, 3, set(), T0 + 10, None)
    conv = store.conversations.get("c1")
    reply = Message("c1", 1, sender_role="agent", sender_id=agent.user_id, created_at=T0 + 11)
    store.messages.append(conv, reply, agent_reply=True)
    store.messages.append(
        conv, Message("c1", 2, sender_role="agent", sender_id=agent.user_id, created_at=T0 + 12), agent_reply=True
    )
    assert store.conversations.get("c1").first_response_at == T0 + 11
    store.lifecycle.end(store.conversations.get("c1"), Role.AGENT, T0 + 20)
    with pytest.raises(SequenceTaken):
        store.messages.append(conv, _message(conv, 3), agent_reply=False)


def test_a_note_takes_the_next_seq_on_a_live_or_ended_chat_and_leaves_the_activity_time(store: Store) -> None:
    agent = _agent(store)
    store.lifecycle.assign(_chat(store, "c1"), agent.user_id, 3, set(), T0 + 10, None)
    conv = store.conversations.get("c1")
    store.messages.append(conv, _message(conv, 1), agent_reply=False)
    note = Message("c1", 2, sender_role="note", sender_id=agent.user_id, text="메모", created_at=T0 + 50)
    store.messages.append(conv, note, agent_reply=False, note=True)
    stored = store.conversations.get("c1")
    assert (stored.last_seq, stored.last_message_at, stored.first_response_at) == (2, T0 + 1, None)
    with pytest.raises(SequenceTaken):  # a note races for its seq like any message
        store.messages.append(conv, Message("c1", 2, sender_role="note", text="x"), agent_reply=False, note=True)
    store.lifecycle.end(store.conversations.get("c1"), Role.AGENT, T0 + 60)
    ended = store.conversations.get("c1")
    with pytest.raises(SequenceTaken):
        store.messages.append(ended, _message(ended, 3), agent_reply=False)  # no message once ended
    late = Message("c1", 3, sender_role="note", sender_id=agent.user_id, text="종료 후 메모", created_at=T0 + 70)
    store.messages.append(ended, late, agent_reply=False, note=True)  # but a note, yes
    assert [(m.seq, m.sender_role) for m in store.messages.transcript("c1")] == [
        (1, "customer"), (2, "note"), (3, "note")
    ]
    assert store.conversations.get("c1").last_seq == 3


def test_a_read_receipt_moves_forward_once_per_window_per_side(store: Store) -> None:
    _chat(store, "c1")
    assert store.conversations.record_read("c1", "customer", 3, T0, None)
    assert store.conversations.get("c1").customer_read.seq == 3
    assert not store.conversations.record_read("c1", "customer", 3, T0 + 5000, None)  # not forward
    assert not store.conversations.record_read("c1", "customer", 2, T0 + 5000, None)
    assert not store.conversations.record_read("c1", "customer", 5, T0 + 1000, T0 - 1)  # written since
    assert store.conversations.record_read("c1", "customer", 5, T0 + 2000, T0)
    assert store.conversations.record_read("c1", "agent", 4, T0 + 2001, None)  # the other side: its own
    stored = store.conversations.get("c1")
    assert (stored.customer_read.seq, stored.customer_read.at) == (5, T0 + 2000)
    assert (stored.agent_read.seq, stored.agent_read.at) == (4, T0 + 2001)
    assert not store.conversations.record_read("no-such-chat", "agent", 1, T0, None)
    with pytest.raises(NotFound):
        store.conversations.get("no-such-chat")  # a refused receipt creates nothing


# --- bulk ------------------------------------------------------------------------------------


def test_bulk_saved_entities_read_back_as_the_modules_store_them(store: Store) -> None:
    from chalicelib.domain.entities import Agent, Connection

    live = Conversation("c1", "active", "cust-1", T0, 1, T0, agent_id="a", last_seq=1, customer_connections={"k"})
    waiting = Conversation("c2", "waiting", "cust-2", T0 + 1, 1, T0 + 1)
    written = store.bulk.save_all(
        [
            Agent("a", status="online", active_chats=1, connection_ids={"console"}),
            Connection("console", "agent", "a", T0),
            Connection("k", "customer", "cust-1", T0, conversation_id="c1"),
            live,
            waiting,
            Message("c1", 1, sender_role="customer", sender_id="cust-1", text="안녕", client_message_id="m-1"),
        ]
    )
    assert written == 7  # the message's resend marker too
    assert [c.conversation_id for c in store.queues.live_of("a")] == ["c1"]
    assert [c.conversation_id for c in store.queues.waiting()] == ["c2"]
    assert [a.agent_id for a in store.agents.online()] == ["a"]
    assert store.connections.of_staff("a") == ["console"]
    assert store.messages.by_client_id("c1", "m-1").text == "안녕"
    again = store.connections.get("k")
    again.connected_at = T0 - 60_000
    store.bulk.save_all([again])  # replaces the item
    assert store.connections.get("k").connected_at == T0 - 60_000
