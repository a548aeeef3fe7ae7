"""In-memory twin of chalicelib/store/messages.py."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from chalicelib.domain import lifecycle
from chalicelib.domain.entities import Conversation, MaskAuditEntry, Message
from chalicelib.domain.errors import DuplicateClientMessage, SequenceTaken
from chalicelib.domain.lifecycle import applied
from chalicelib.store.memory import Tables, copied
from chalicelib.store.memory.lifecycle import write


class MemoryMessages:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self._messages: dict[tuple[str, int], Message] = tables.table("messages")
        self._markers: dict[tuple[str, str], int] = tables.table("markers")
        self._audit: dict[tuple[str, int, str], MaskAuditEntry] = tables.table("audit")

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
        transition = lifecycle.append(conv, message, agent_reply=agent_reply, note=note)
        with self._tables.lock:
            if message.client_message_id and (conversation_id, message.client_message_id) in self._markers:
                raise DuplicateClientMessage("clientMessageId already stored")
            if (conversation_id, message.seq) in self._messages:
                raise SequenceTaken(transition.refusal)
            write(self._tables, conv, transition, refused=SequenceTaken)
            self._messages[(conversation_id, message.seq)] = copied(message)
            if message.client_message_id:
                self._markers[(conversation_id, message.client_message_id)] = message.seq
            for entry in audit:
                self._audit[(entry.conversation_id, entry.at, entry.audit_id)] = copied(entry)
        after = applied(conv, transition)
        for name in transition.changes:
            setattr(conv, name, getattr(after, name))

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
