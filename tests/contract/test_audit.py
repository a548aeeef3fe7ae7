"""Masking's store: the message read, the masked text and its audit entries written together
(refused when someone masked the message meanwhile), the audit log newest first."""

from __future__ import annotations

from dataclasses import replace

import pytest
import seed

from chalicelib.domain.entities import Mask, MaskAuditEntry, Message
from chalicelib.domain.errors import Conflict, NotFound

JAN = 1_704_067_200_000  # 2024-01-01T00:00:00Z
FEB = 1_706_745_600_000  # 2024-02-01T00:00:00Z


def _mask(mask_id: str, start: int, end: int) -> Mask:
    return Mask(mask_id, start, end, b"key-" + mask_id.encode(), b"nonce", b"\x00\xffsecret", JAN, "admin")


def _entry(audit_id: str, at: int, conversation_id: str = "c1", action: str = "mask") -> MaskAuditEntry:
    return MaskAuditEntry(conversation_id, audit_id, at, action, "admin", "admin", 1, "M1", 0, 3)


def _message(store, text: str = "010-1234-5678 입니다") -> Message:
    return seed.message(store, Message("c1", 1, sender_role="customer", sender_name="고객", text=text, created_at=JAN))


def test_a_message_reads_back(store):
    stored = _message(store)
    assert store.audit.get_message("c1", 1) == stored


def test_an_unknown_message_is_not_found(store):
    _message(store)
    with pytest.raises(NotFound):
        store.audit.get_message("c1", 2)


def test_masking_stores_text_masks_version_and_audit_together(store):
    message = _message(store)
    saved = store.audit.save_masking(message, "*** 입니다", [_mask("M1", 0, 3)], [_entry("A1", JAN + 5)])
    assert (saved.text, saved.mask_version, saved.masks) == ("*** 입니다", 1, [_mask("M1", 0, 3)])
    assert store.audit.get_message("c1", 1) == saved
    assert store.audit.of_conversation("c1", 10, None).items == [_entry("A1", JAN + 5)]
    again = store.audit.save_masking(saved, "010-1234-5678 입니다", [], [_entry("A2", JAN + 6, action="unmask")])
    assert (again.mask_version, again.masks) == (2, None)
    assert store.audit.get_message("c1", 1).masks is None


def test_masking_a_message_changed_meanwhile_is_refused_and_audits_nothing(store):
    message = _message(store)
    store.audit.save_masking(message, "*** 입니다", [_mask("M1", 0, 3)], [_entry("A1", JAN + 5)])
    with pytest.raises(Conflict):
        store.audit.save_masking(message, "x", [_mask("M2", 0, 1)], [_entry("A2", JAN + 6)])  # read before A1
    assert store.audit.get_message("c1", 1).text == "*** 입니다"
    assert [e.audit_id for e in store.audit.of_conversation("c1", 10, None).items] == ["A1"]


def test_masking_a_message_never_stored_is_refused(store):
    ghost = Message("c1", 9, sender_role="customer", text="x")
    with pytest.raises(Conflict):
        store.audit.save_masking(ghost, "*", [_mask("M1", 0, 1)], [_entry("A1", JAN)])
    assert store.audit.of_conversation("c1", 10, None).items == []


def test_the_audit_log_pages_newest_first_by_chat_and_by_month(store):
    message = _message(store)
    entries = [_entry("A1", JAN + 1), _entry("A2", JAN + 2), _entry("A3", FEB + 1)]
    store.audit.save_masking(message, "*** 입니다", [_mask("M1", 0, 3)], entries)
    other = seed.message(store, Message("c2", 1, sender_role="agent", text="hello", created_at=JAN))
    entry = replace(_entry("B1", JAN + 3), conversation_id="c2")
    store.audit.save_masking(other, "*****", [_mask("M9", 0, 5)], [entry])

    first = store.audit.of_conversation("c1", 2, None)
    assert [e.audit_id for e in first.items] == ["A3", "A2"]
    rest = store.audit.of_conversation("c1", 2, first.next_key)
    assert [e.audit_id for e in rest.items] == ["A1"] and rest.next_key is None

    january = store.audit.of_month("2024-01", 10, None)
    assert [e.audit_id for e in january.items] == ["B1", "A2", "A1"]
    assert [e.audit_id for e in store.audit.of_month("2024-02", 10, None).items] == ["A3"]
    assert store.audit.of_month("2024-03", 10, None).items == []
