"""Attachments' store on both stores: an upload reserved and counted with the chat's limit, refused
once the chat has ended or is full, decided once (a redelivered event changes nothing), and an
attachment message that reads back with its file."""

from __future__ import annotations

import pytest
import seed

from chalicelib.domain.entities import Attachment, AttachmentUpload, Conversation, Message
from chalicelib.domain.errors import LimitReached

JAN = 1_704_067_200_000


def _chat(store, state: str = "active") -> Conversation:
    return seed.conversation(store, Conversation("c1", state, "cust-1", JAN, 1, JAN, agent_id="agent1"))


def _upload(attachment_id: str) -> AttachmentUpload:
    return AttachmentUpload("c1", attachment_id, "customer", "cust-1", "화면.png", "image/png", 1234, JAN)


def test_an_upload_is_counted_and_reads_back(store):
    conv = _chat(store)
    store.attachments.reserve(conv, _upload("a1"), 20)
    assert conv.attachment_count == 1
    assert store.conversations.get("c1").attachment_count == 1
    assert store.attachments.get("c1", "a1") == _upload("a1")
    assert store.attachments.get("c1", "nope") is None


def test_no_upload_past_the_limit_or_after_the_end(store):
    conv = _chat(store)
    store.attachments.reserve(conv, _upload("a1"), 2)
    store.attachments.reserve(conv, _upload("a2"), 2)
    with pytest.raises(LimitReached):
        store.attachments.reserve(conv, _upload("a3"), 2)
    ended = seed.conversation(store, Conversation("c2", "ended", "cust-2", JAN, 1, JAN))
    with pytest.raises(LimitReached):
        late = AttachmentUpload("c2", "b1", "customer", "cust-2", "x", "image/png", 1, JAN)
        store.attachments.reserve(ended, late, 20)


def test_an_upload_is_decided_once(store):
    conv = _chat(store)
    store.attachments.reserve(conv, _upload("a1"), 20)
    upload = store.attachments.get("c1", "a1")
    assert store.attachments.mark_rejected(upload, "type_not_allowed") is True
    assert store.conversations.get("c1").attachment_count == 0  # its place in the limit is back
    again = store.attachments.get("c1", "a1")
    assert (again.status, again.reason) == ("rejected", "type_not_allowed")
    assert store.attachments.mark_rejected(again, "type_not_allowed") is False
    assert store.conversations.get("c1").attachment_count == 0
    store.attachments.reserve(conv, _upload("a2"), 20)
    stored = store.attachments.get("c1", "a2")
    store.attachments.mark_stored(stored, 7)
    assert (store.attachments.get("c1", "a2").status, store.attachments.get("c1", "a2").seq) == ("stored", 7)
    assert store.attachments.mark_rejected(store.attachments.get("c1", "a2"), "x") is False


def test_an_attachment_message_reads_back_with_its_file(store):
    conv = _chat(store)
    file = Attachment("a1", "화면.png", 1234, "image/png", 640, 400, thumbnail=True)
    message = Message("c1", 1, sender_role="customer", sender_id="cust-1", client_message_id="attachment-a1",
                      created_at=JAN, attachment=file)
    store.messages.append(conv, message, agent_reply=False)
    assert store.messages.after("c1", 0, 10) == [message]
    assert store.messages.by_client_id("c1", "attachment-a1") == message
