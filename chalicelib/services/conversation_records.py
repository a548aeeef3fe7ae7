"""What staff read and record on a chat (S-3, S-6): the chat list, one chat, customer and counsel info."""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import store
from chalicelib.domain import model as rules
from chalicelib.domain.entities import Conversation
from chalicelib.domain.model import Principal, Role, check_is_staff
from chalicelib.domain.validation import (
    MAX_MEMO_CHARS,
    MAX_NAME_CHARS,
    choice_field,
    email_field,
    phone_field,
    text_field,
)
from chalicelib.services import notify
from chalicelib.services.assignment import waiting_counts
from chalicelib.services.settings import load_settings
from chalicelib.services.views import conversation_view, customer_conversation_view


def agent_chats(principal: Principal) -> dict[str, Any]:
    check_is_staff(principal)
    live = store().queues.live_of(principal.user_id)
    waiting, _ = waiting_counts()
    return {
        "chats": [conversation_view(c) for c in live],
        "counts": {"waiting": waiting, "active": len(live)},
    }


def get_conversation(principal: Principal, conversation_id: str) -> dict[str, Any]:
    conv = store().conversations.get(conversation_id)
    if principal.role is Role.CUSTOMER:
        rules.check_can_read(principal, conv.access)
        view = customer_conversation_view(conv)
        if conv.is_waiting and conv.queued_key:
            # A widget resuming after a reload or a drop missed the chat.queued pushes meanwhile.
            view["position"] = store().queues.queue_position(conv)
        if conv.rating_requested_at and not conv.rating:
            # The push may have been missed.
            texts = load_settings().texts("rating_request_text")
            view["ratingRequestText"], view["ratingRequestTexts"] = texts["ko"], texts
        return view
    rules.check_can_see_chat(principal, conv.access)
    return conversation_view(conv)


def save_customer_info(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    conv = store().conversations.get(conversation_id)
    rules.check_can_edit_record(principal, conv.access)
    values = {
        "customer_name": text_field(body, "name", max_chars=MAX_NAME_CHARS, required=False),
        "customer_email": email_field(body, "email", required=False),
        "customer_phone": phone_field(body, "phone"),
        "customer_memo": text_field(body, "memo", max_chars=MAX_MEMO_CHARS, required=False, allow_newlines=True),
    }
    return _save_record(principal, conv, values)


def save_counsel_info(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    conv = store().conversations.get(conversation_id)
    rules.check_can_edit_record(principal, conv.access)
    settings = load_settings()
    values = {
        "inquiry_type": _configured_or_current(body, "inquiryType", settings.inquiry_types, conv.inquiry_type),
        "processing_type": _configured_or_current(
            body, "processingType", settings.processing_types, conv.processing_type
        ),
        "counsel_note": text_field(body, "note", max_chars=MAX_MEMO_CHARS, required=False, allow_newlines=True),
    }
    return _save_record(principal, conv, values)


def _configured_or_current(body: dict[str, Any], name: str, choices: list[str], current: str | None) -> str | None:
    # A retired type already on the chat stays valid for that chat.
    return choice_field(body, name, choices + ([current] if current else []), required=False)


def _save_record(principal: Principal, conv: Conversation, values: dict[str, Any]) -> dict[str, Any]:
    conv = store().conversations.update(conv, values, allow_ended=principal.is_staff)
    view = conversation_view(conv)
    notify.to_chat_agent(conv, {"type": "chat.updated", "conversation": view})
    return view
