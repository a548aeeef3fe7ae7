"""Internal notes (issue #22): staff add a note to a chat, live or ended; customers never see one.

Stored through the same append (next seq, one transaction) as every message, then pushed only to
staff: the assigned agent's chat tabs, the supervisors watching it and the author's own tabs. A
supervisor's note on another agent's live chat is a whisper (`whisper: true`).
chalicelib/domain/notes.py is the rule; services/messages.py leaves notes out of a customer's sync.
"""

from __future__ import annotations

from typing import Any

from chalicelib import observability
from chalicelib.bootstrap import clock, store
from chalicelib.domain import model as rules
from chalicelib.domain.entities import Message
from chalicelib.domain.errors import Conflict, DuplicateClientMessage, SequenceTaken
from chalicelib.domain.model import Principal
from chalicelib.domain.notes import MAX_NOTE_CHARS, NOTE_ROLE, is_note, is_whisper
from chalicelib.domain.validation import id_field, only_fields, text_field
from chalicelib.services import notify
from chalicelib.services.views import access_of, message_view

_APPEND_ATTEMPTS = 8


def add_note(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """`{"text": …, "clientMessageId"?: …}`: the stored note (a retry with the same id answers it)."""
    only_fields(body, {"text", "clientMessageId"})
    text = text_field(body, "text", max_chars=MAX_NOTE_CHARS, allow_newlines=True)
    client_message_id = id_field(body, "clientMessageId") if body.get("clientMessageId") is not None else None
    conv = store().conversations.get(conversation_id)
    # Staff who may see the chat: its agent, supervisors (a whisper) and admins while live, staff
    # with chat permission once ended.
    rules.check_can_add_note(principal, access_of(conv))
    whisper = is_whisper(principal, access_of(conv)) or None
    observability.annotate(conversation_id=conv.conversation_id)
    for _ in range(_APPEND_ATTEMPTS):
        note = Message(
            conv.conversation_id,
            conv.last_seq + 1,
            sender_role=NOTE_ROLE,
            sender_id=principal.user_id,
            sender_name=principal.display_name or None,
            text=text,
            client_message_id=client_message_id,
            created_at=clock(),
            whisper=whisper,
        )
        try:
            store().messages.append(conv, note, agent_reply=False, note=True)
            break
        except DuplicateClientMessage:
            stored = store().messages.by_client_id(conv.conversation_id, client_message_id or "")
            if stored is None or stored.sender_id != principal.user_id or not is_note(stored):
                raise Conflict("clientMessageId already used") from None
            return message_view(stored)
        except SequenceTaken:
            conv = store().conversations.get(conv.conversation_id)
    else:
        raise Conflict("the conversation is too busy; retry with the same clientMessageId")
    view = message_view(note)
    frame = {"type": "message.new", "message": view}
    notify.to_chat_agent(conv, frame)  # staff only (the agent's and watchers' tabs): never to_customer / to_both_sides
    author = store().agents.get(principal.user_id)
    if author is not None and principal.user_id != conv.agent_id:
        # The author's other tabs (a watching tab has it already).
        own = set(author.connection_ids or ()) - notify.chat_staff_connections(conv)
        notify.send(own, frame, agent_id=author.agent_id)
    return view
