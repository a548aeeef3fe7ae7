"""Messages in a chat (S-3): send with exactly-once resends, system lines, sync after a gap, typing.

Each function loads, applies a domain rule, stores, and only then pushes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from chalicelib import observability
from chalicelib.bootstrap import clock, store
from chalicelib.domain import model as rules
from chalicelib.domain import notes
from chalicelib.domain.entities import Conversation, Message
from chalicelib.domain.errors import Conflict, DomainError, DuplicateClientMessage, SequenceTaken
from chalicelib.domain.model import Principal, Role
from chalicelib.domain.pii import pii_spans
from chalicelib.domain.validation import MAX_MESSAGE_CHARS, bool_field, id_field, int_field, text_field
from chalicelib.lazy_import import lazy_module
from chalicelib.services import notify
from chalicelib.services.views import AGENT_JOINED_UNNAMED, message_view

if TYPE_CHECKING:
    from chalicelib.services import masking
else:
    # The masking service (KMS, audit) is loaded only for a customer message in which PII was detected.
    masking = lazy_module("chalicelib.services.masking")

log = logging.getLogger(__name__)

_APPEND_ATTEMPTS = 8
SYNC_DEFAULT_LIMIT = 200
SYNC_MAX_LIMIT = 500

SYSTEM_TEXTS = {
    "agent_joined": "상담원 {name}님이 상담을 시작했습니다.",
    "agent_joined_unnamed": AGENT_JOINED_UNNAMED,  # no display name: never the e-mail
    "returned_to_queue": "상담원 연결을 다시 기다리고 있습니다.",
    "chat_ended": "상담이 종료되었습니다.",
    "idle_warning": "답변이 없으시면 {minutes}분 후 상담이 자동으로 종료됩니다.",
    "idle_closed": "답변이 없어 상담이 자동으로 종료되었습니다.",
    "agent_changed": "상담원이 변경되었습니다.",
    "closed_waiting": "운영시간이 끝나 상담 연결을 마칩니다. 문의하기로 남겨 주시면 답변드리겠습니다.",
}


def conversation_for(principal: Principal, body: dict[str, Any], *, reading: bool = False) -> Conversation:
    """The chat the frame names, if the caller takes part in it (reading: if they may see it)."""
    conv = store().conversations.get(id_field(body, "conversationId"))
    (rules.check_can_see_chat if reading else rules.check_can_read)(principal, conv.access)
    return conv


def send_message(principal: Principal, connection_id: str | None, body: dict[str, Any]) -> dict[str, Any]:
    client_message_id = id_field(body, "clientMessageId")
    text = text_field(body, "text", max_chars=MAX_MESSAGE_CHARS, allow_newlines=True)
    conv = conversation_for(principal, body)
    observability.annotate(conversation_id=conv.conversation_id)
    # No read of the resend marker up front: the append transaction refuses a used clientMessageId
    # (a condition on the marker), so only resends pay for the lookup (bench/dynamo_per_message.py).
    try:
        rules.check_can_send(principal, conv.access)
    except DomainError:
        resent = _resent_message(conv.conversation_id, client_message_id, principal)
        if resent is None:
            raise
        return message_view(resent)  # a resend of a message stored before the chat ended
    role = "customer" if principal.role is Role.CUSTOMER else "agent"
    # An agent's messages carry the chat's customer-facing name (None: the clients show their default).
    sender_name = conv.customer_name or "고객" if role == "customer" else conv.agent_name
    # autoMaskPii: personal data is masked and its original encrypted before anything is stored.
    # Detected here first: most messages hold no personal data and then need nothing more.
    has_pii = role == "customer" and bool(text) and bool(pii_spans(text or ""))
    auto_masked = masking.auto_mask(conv.conversation_id, text or "") if has_pii else None
    for _ in range(_APPEND_ATTEMPTS):
        message = Message(
            conv.conversation_id,
            conv.last_seq + 1,
            sender_role=role,
            sender_id=principal.user_id,
            sender_name=sender_name,
            text=auto_masked[0] if auto_masked else text,
            client_message_id=client_message_id,
            created_at=clock(),
        )
        audit = []
        if auto_masked:
            message.masks, message.mask_version = auto_masked[1], 1
            audit = masking.auto_mask_audit(message)
        try:
            store().messages.append(conv, message, agent_reply=role == "agent", audit=audit)
            break
        except DuplicateClientMessage:
            stored = _resent_message(conv.conversation_id, client_message_id, principal)
            if stored is not None:
                return message_view(stored)
        except SequenceTaken:
            pass
        conv = store().conversations.get(conv.conversation_id)
        rules.check_can_send(principal, conv.access)
    else:
        raise Conflict("the conversation is too busy; retry with the same clientMessageId")
    observability.metric("Messages")
    view = message_view(message)
    notify.to_both_sides(conv, {"type": "message.new", "message": view}, skip=connection_id)
    return view


def _resent_message(conversation_id: str, client_message_id: str, principal: Principal) -> Message | None:
    """The message stored earlier under this clientMessageId, if this sender stored it."""
    existing = store().messages.by_client_id(conversation_id, client_message_id)
    if existing is not None and existing.sender_id != principal.user_id:
        raise Conflict("clientMessageId already used")
    return existing


def system_line(conv: Conversation, code: str, *, template: str | None = None, **fmt: str) -> Message:
    """The next system line of the chat (seq `last_seq + 1`), not stored yet."""
    return Message(
        conv.conversation_id,
        conv.last_seq + 1,
        sender_role="system",
        sender_id="system",
        text=SYSTEM_TEXTS[template or code].format(**fmt),
        system_code=code,
        created_at=clock(),
    )


def append_system_message(conv: Conversation, code: str, *, template: str | None = None, **fmt: str) -> Message | None:
    """A system line (S-3: the agent joined, the chat went back to the queue, ended), stored then pushed."""
    for _ in range(_APPEND_ATTEMPTS):
        message = system_line(conv, code, template=template, **fmt)
        try:
            store().messages.append(conv, message, agent_reply=False)
        except Conflict:
            conv = store().conversations.get(conv.conversation_id)
            if conv.is_ended:
                return None
            continue
        notify.to_both_sides(conv, {"type": "message.new", "message": message_view(message)})
        return message
    log.warning("system message %s not stored for %s", code, conv.conversation_id)
    return None


def sync_messages(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    conv = conversation_for(principal, body, reading=True)
    after = int_field(body, "afterSeq", minimum=0, maximum=10**9)
    limit = int_field(body, "limit", minimum=1, maximum=SYNC_MAX_LIMIT, default=SYNC_DEFAULT_LIMIT)
    messages = store().messages.after(conv.conversation_id, after, limit)
    # A customer never gets a staff-only note (domain/notes.py); `throughSeq` says how far the page
    # reached, so a widget skips the seqs it will never be shown instead of asking for them again.
    through = messages[-1].seq if messages else after
    return {
        "conversationId": conv.conversation_id,
        "messages": [message_view(m) for m in notes.visible(principal, messages)],
        "lastSeq": conv.last_seq,
        "throughSeq": through,
        "hasMore": bool(messages) and messages[-1].seq < conv.last_seq,
        "state": conv.state,
    }


def typing(principal: Principal, connection_id: str, body: dict[str, Any]) -> None:
    is_typing = bool_field(body, "isTyping")
    conv = conversation_for(principal, body)
    if conv.is_ended:
        return
    frame = {
        "type": "typing",
        "conversationId": conv.conversation_id,
        "role": principal.role.value,
        "isTyping": is_typing,
    }
    if principal.role is Role.CUSTOMER:
        notify.to_chat_agent(conv, frame)
    else:
        notify.to_customer(conv, frame)
