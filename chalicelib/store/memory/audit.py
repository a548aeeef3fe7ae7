"""The in-memory twin of chalicelib/store/audit.py: masking's message read, the message and audit
write as one transaction (refused when the message was masked meanwhile), the audit pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from chalicelib.domain.entities import Mask, MaskAuditEntry, Message, Page
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.domain.model import month_of
from chalicelib.store import keys
from chalicelib.store.memory import Tables, copied
from chalicelib.store.memory.paging import page


def _at_key(entry: MaskAuditEntry) -> str:
    return keys.time_key(entry.at, entry.audit_id)


class MemoryAudit:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        # Shared with MemoryMessages.append (a new message's automatic masks): (chat, at, audit id).
        self.entries: dict[tuple[str, int, str], MaskAuditEntry] = tables.table("audit")
        self.messages: dict[tuple[str, int], Message] = tables.table("messages")

    def get_message(self, conversation_id: str, seq: int) -> Message:
        with self.tables.lock:
            message = self.messages.get((conversation_id, seq))
            if message is None:
                raise NotFound("no such message")
            return copied(message)

    def save_masking(self, message: Message, text: str, masks: list[Mask], audit: Sequence[MaskAuditEntry]) -> Message:
        version = int(message.mask_version or 0)
        key = (message.conversation_id, message.seq)
        with self.tables.lock:
            stored = self.messages.get(key)
            if stored is None or int(stored.mask_version or 0) != version:
                raise Conflict("the message was masked or unmasked meanwhile; reload it")
            if any((e.conversation_id, e.at, e.audit_id) in self.entries for e in audit):
                raise Conflict("an audit entry with this id exists")
            saved = replace(stored, text=text, masks=copied(list(masks)) or None, mask_version=version + 1)
            self.messages[key] = saved
            for entry in audit:
                self.entries[(entry.conversation_id, entry.at, entry.audit_id)] = copied(entry)
            return copied(saved)

    def of_conversation(self, conversation_id: str, limit: int, start_key: dict[str, Any] | None) -> Page:
        with self.tables.lock:
            entries = [e for e in self.entries.values() if e.conversation_id == conversation_id]
            return page(entries, _at_key, listing="mask-audit", limit=limit, start_key=start_key)

    def of_month(self, month: str, limit: int, start_key: dict[str, Any] | None) -> Page:
        with self.tables.lock:
            entries = [e for e in self.entries.values() if month_of(e.at) == month]
            listing = f"mask-audit:{keys.MASK_AUDIT_BY_MONTH}"
            return page(entries, _at_key, listing=listing, limit=limit, start_key=start_key)
