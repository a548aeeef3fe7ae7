"""In-memory twin of chalicelib/store/attachments.py."""

from __future__ import annotations

from chalicelib.domain.entities import AttachmentUpload, Conversation
from chalicelib.domain.errors import LimitReached
from chalicelib.store.memory import Tables, copied


class MemoryAttachments:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._uploads: dict[tuple[str, str], AttachmentUpload] = tables.table("attachment_uploads")
        self._conversations: dict[str, Conversation] = tables.table("conversations")

    def reserve(self, conv: Conversation, upload: AttachmentUpload, max_files: int) -> None:
        key = (upload.conversation_id, upload.attachment_id)
        with self._tables.lock:
            stored = self._conversations.get(conv.conversation_id)
            if stored is None or stored.is_ended or (stored.attachment_count or 0) >= max_files or key in self._uploads:
                raise LimitReached(f"at most {max_files} files per chat, or the chat has ended")
            self._uploads[key] = copied(upload)
            stored.attachment_count = (stored.attachment_count or 0) + 1
            conv.attachment_count = stored.attachment_count

    def get(self, conversation_id: str, attachment_id: str) -> AttachmentUpload | None:
        with self._tables.lock:
            return copied(self._uploads.get((conversation_id, attachment_id)))

    def mark_stored(self, upload: AttachmentUpload, seq: int) -> None:
        with self._tables.lock:
            stored = self._uploads.get((upload.conversation_id, upload.attachment_id))
            if stored is not None and stored.status == "pending":
                stored.status, stored.seq = "stored", seq
        upload.status, upload.seq = "stored", seq

    def mark_rejected(self, upload: AttachmentUpload, reason: str) -> bool:
        with self._tables.lock:
            stored = self._uploads.get((upload.conversation_id, upload.attachment_id))
            conv = self._conversations.get(upload.conversation_id)
            if stored is None or stored.status != "pending" or conv is None or not conv.attachment_count:
                return False
            stored.status, stored.reason = "rejected", reason
            conv.attachment_count -= 1
        upload.status, upload.reason = "rejected", reason
        return True
