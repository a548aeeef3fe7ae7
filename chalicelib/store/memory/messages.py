"""In-memory twin of chalicelib/store/messages.py."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from chalicelib.domain.entities import Conversation, MaskAuditEntry, Message
from chalicelib.domain.errors import DuplicateClientMessage, SequenceTaken
from chalicelib.store.memory import Tables, copied


class MemoryMessages:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._messages: dict[tuple[str, int], Message] = tables.table("messages")
        self._markers: dict[tuple[str, str], int] = tables.table("markers")
        self._audit: dict[tuple[str, int, str], MaskAuditEntry] = tables.table("audit")
        self._conversations: dict[str, Conversation] = tables.table("conversations")

    def append(
        self,
        conv: Conversation,
        message: Message,
        *,
        agent_reply: bool,
        audit: Sequence[MaskAuditEntry] = (),
        note: bool = False,
    ) -> None:
        conversation_id = conv.conversation_id
        with self._tables.lock:
            if message.client_message_id and (conversation_id, message.client_message_id) in self._markers:
                raise DuplicateClientMessage("clientMessageId already stored")
            stored = self._conversations.get(conversation_id)
            if (
                stored is None
                or stored.last_seq != message.seq - 1
                or (stored.is_ended and not note)
                or (conversation_id, message.seq) in self._messages
            ):
                raise SequenceTaken("another message took this seq, or the chat ended")
            self._messages[(conversation_id, message.seq)] = copied(message)
            if message.client_message_id:
                self._markers[(conversation_id, message.client_message_id)] = message.seq
            for entry in audit:
                self._audit[(entry.conversation_id, entry.at, entry.audit_id)] = copied(entry)
            for target in (stored, conv):
                target.last_seq = message.seq
                if not note:
                    target.last_message_at = message.created_at
                if agent_reply and target.first_response_at is None:
                    target.first_response_at = message.created_at
                if message.sender_role == "customer":
                    target.customer_active_at = message.created_at
                elif agent_reply:
                    target.agent_active_at = message.created_at

    def by_client_id(self, conversation_id: str, client_message_id: str) -> Message | None:
        with self._tables.lock:
            seq = self._markers.get((conversation_id, client_message_id))
            return copied(self._messages.get((conversation_id, seq))) if seq is not None else None

    def _of(self, conversation_id: str) -> list[Message]:
        return sorted((m for (c, _), m in self._messages.items() if c == conversation_id), key=lambda m: m.seq)

    def after(self, conversation_id: str, after_seq: int, limit: int) -> list[Message]:
        with self._tables.lock:
            return [copied(m) for m in self._of(conversation_id) if m.seq > after_seq][:limit]

    def transcript(self, conversation_id: str) -> Iterator[Message]:
        with self._tables.lock:
            messages = [copied(m) for m in self._of(conversation_id)]
        return iter(messages)
