"""Internal notes on the in-memory store: staff read them everywhere, a customer on no path at all."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.domain.errors import Conflict, Forbidden, InvalidField, NotFound, TooLong
from chalicelib.domain.model import Principal, Role
from chalicelib.services import connections, conversation_records, ending, intake, messages, notes, records
from tests.services.conftest import World

START = {"consent": True, "consentVersion": 1, "customerName": "홍길동"}
SECRET = "고객이 화가 많이 남 - 환불 검토"  # the note's text: must never reach the customer
ADMIN = Principal(role=Role.ADMIN, user_id="admin@example.com", display_name="관리자")


def _leaks(payload: Any) -> bool:
    text = json.dumps(payload, ensure_ascii=False)
    return SECRET in text or '"note"' in text


def _customer_frames(world: World, tab: str) -> list[dict[str, Any]]:
    return world.pusher.frames[tab]


def _chat_with_note(world: World) -> tuple[Principal, Principal, dict, dict]:
    agent = world.agent(tab="agent-tab")
    chat = intake.start_chat(START)
    customer = connections.connect("cust-tab", chat["token"])
    messages.send_message(customer, "cust-tab", {"conversationId": chat["conversationId"], "text": "환불해 주세요",
                                                 "clientMessageId": "c-1"})
    note = notes.add_note(agent, chat["conversationId"], {"text": SECRET, "clientMessageId": "n-1"})
    return agent, customer, chat, note


def test_a_note_is_stored_in_sequence_and_shown_to_staff_only(world: World) -> None:
    agent, customer, chat, note = _chat_with_note(world)
    conversation_id = chat["conversationId"]
    assert (note["seq"], note["kind"], note["role"], note["text"]) == (3, "note", "note", SECRET)
    assert world.pusher.frames["agent-tab"][-1] == {"type": "message.new", "message": note}
    again = notes.add_note(agent, conversation_id, {"text": SECRET, "clientMessageId": "n-1"})  # a retry
    assert again["seq"] == 3 and world.store.conversations.get(conversation_id).last_seq == 3
    reply = messages.send_message(agent, "agent-tab", {"conversationId": conversation_id, "text": "확인할게요",
                                                       "clientMessageId": "a-1"})
    assert reply["seq"] == 4
    staff_sync = messages.sync_messages(agent, {"conversationId": conversation_id, "afterSeq": 0})
    assert [m["kind"] for m in staff_sync["messages"]] == ["system", "text", "note", "text"]
    transcript = records.transcript(agent, conversation_id)["messages"]
    assert [m["seq"] for m in transcript if m["kind"] == "note"] == [3]


def test_a_note_never_reaches_the_customer_on_any_path(world: World) -> None:
    agent, customer, chat, note = _chat_with_note(world)
    conversation_id = chat["conversationId"]
    # Push: the widget heard the agent-joined line and nothing of the note.
    assert not any(_leaks(f) for f in _customer_frames(world, "cust-tab"))
    # Sync (WebSocket messages.sync and GET /chats/{id}/messages share it): gaps are covered, not filled.
    synced = messages.sync_messages(customer, {"conversationId": conversation_id, "afterSeq": 0})
    assert [m["seq"] for m in synced["messages"]] == [1, 2] and synced["throughSeq"] == 3
    assert not _leaks(synced)
    after_note = messages.sync_messages(customer, {"conversationId": conversation_id, "afterSeq": 2})
    assert after_note["messages"] == [] and after_note["throughSeq"] == 3 and after_note["hasMore"] is False
    # The chat as the customer reads it.
    assert not _leaks(conversation_records.get_conversation(customer, conversation_id))
    # A note's clientMessageId reused by the customer answers a conflict, never the note.
    with pytest.raises(Conflict):
        messages.send_message(customer, "cust-tab", {"conversationId": conversation_id, "text": "x",
                                                     "clientMessageId": "n-1"})
    # A note is not masked (masking pushes to the widget): refused, nothing pushed.
    from chalicelib.services import masking, settings

    settings.update_settings({"securityService": True}, ADMIN)
    world.pusher.take("cust-tab")
    with pytest.raises(InvalidField):
        masking.mask_message(agent, conversation_id, "3", {"spans": [{"start": 0, "end": 2}]})
    assert world.pusher.take("cust-tab") == []
    # A transfer to another agent: the customer hears the change, never the note (the new agent reads it).
    from chalicelib.services import transfer

    other = world.agent("agent2@example.com", tab="agent2-tab")
    transfer.transfer_chat(agent, conversation_id, {"agentId": other.user_id, "note": "인계: 환불 건"})
    assert not any(_leaks(f) for f in _customer_frames(world, "cust-tab"))
    staff_view = messages.sync_messages(other, {"conversationId": conversation_id, "afterSeq": 0})
    assert SECRET in json.dumps(staff_view, ensure_ascii=False)
    agent = other
    # Rating requested and given, the end (by either side), and notes added after the end.
    ending.request_rating(agent, conversation_id)
    ending.end_chat(customer, conversation_id)
    ended_note = notes.add_note(agent, conversation_id, {"text": SECRET + " (종료 후)"})
    assert ended_note["seq"] == world.store.conversations.get(conversation_id).last_seq
    rated = ending.submit_rating(customer, conversation_id, {"rating": "satisfied", "comment": "감사"})
    assert not _leaks(rated)
    assert not any(_leaks(f) for f in _customer_frames(world, "cust-tab"))
    final = messages.sync_messages(customer, {"conversationId": conversation_id, "afterSeq": 0})
    assert not _leaks(final) and final["throughSeq"] == final["lastSeq"]
    assert not _leaks(conversation_records.get_conversation(customer, conversation_id))
    # Staff still read both notes in the transcript, as staff of an ended chat may.
    other = world.agent("agent3@example.com")
    kinds = [m["kind"] for m in records.transcript(other, conversation_id)["messages"]]
    assert kinds.count("note") == 2


def test_who_may_add_a_note_and_bad_input_changes_nothing(world: World) -> None:
    agent, customer, chat, _ = _chat_with_note(world)
    conversation_id = chat["conversationId"]
    last = world.store.conversations.get(conversation_id).last_seq
    other = world.agent("agent2@example.com")
    with pytest.raises(Forbidden):
        notes.add_note(customer, conversation_id, {"text": "x"})
    with pytest.raises(Forbidden):
        notes.add_note(other, conversation_id, {"text": "x"})  # another agent's live chat
    for body, error in (({}, InvalidField), ({"text": "  "}, InvalidField), ({"text": 5}, InvalidField),
                        ({"text": "가" * 2001}, TooLong), ({"text": "x", "kind": "text"}, InvalidField),
                        ({"text": "x", "clientMessageId": "bad id!"}, InvalidField)):
        with pytest.raises(error):
            notes.add_note(agent, conversation_id, body)
    with pytest.raises(NotFound):
        notes.add_note(agent, "no-such-chat", {"text": "x"})
    assert world.store.conversations.get(conversation_id).last_seq == last
    admin_note = notes.add_note(ADMIN, conversation_id, {"text": "관리자 메모"})  # admins: any chat
    assert admin_note["senderName"] == "관리자"


def test_the_export_writes_a_note_with_the_sender_role_note(world: World) -> None:
    from zoneinfo import ZoneInfo

    from chalicelib.domain.entities import ExportedMessage
    from chalicelib.export.rows import message_row

    _, _, chat, note = _chat_with_note(world)
    stored = [m for m in world.store.messages.transcript(chat["conversationId"]) if m.seq == note["seq"]][0]
    row = message_row(
        ExportedMessage(stored.conversation_id, stored.seq, stored.sender_role, stored.sender_name, stored.text,
                        stored.system_code, stored.created_at),
        ZoneInfo("Asia/Seoul"),
    )
    assert row[3] == "note" and row[5] == SECRET
