"""The rows the export writes: one per chat (the Chats sheet), one per message (the Messages sheets)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from chalicelib.domain import model as rules
from chalicelib.domain.entities import Conversation, ExportedMessage
from chalicelib.export.values import duration, local_datetime

STATUS_LABELS = {True: "처리", False: "미처리"}
RATING_LABELS = {"satisfied": "만족", "dissatisfied": "불만족"}
STATE_LABELS = {"waiting": "대기", "active": "상담중", "ended": "종료"}
ROLE_LABELS = {"customer": "고객", "agent": "상담원", "admin": "관리자", "system": "시스템"}


def chat_row(conv: Conversation, ticket_ids: list[str] | None, tz: tzinfo) -> list[Any]:
    first_response = duration(conv.inbound_at, conv.first_response_at)
    return [
        conv.conversation_id,
        local_datetime(conv.inbound_at, tz),
        conv.processing_type,
        STATUS_LABELS[rules.is_handled(conv.first_response_at)],
        conv.agent_name,
        conv.agent_id,
        conv.customer_name,
        RATING_LABELS.get(conv.rating or "", conv.rating),
        first_response,
        STATE_LABELS.get(conv.state, conv.state),
        conv.customer_email,
        conv.customer_phone,
        conv.customer_memo,
        conv.inquiry_type,
        conv.counsel_note,
        local_datetime(conv.assigned_at, tz),
        local_datetime(conv.first_response_at, tz),
        local_datetime(conv.ended_at, tz),
        duration(conv.inbound_at, conv.ended_at),
        ROLE_LABELS.get(conv.ended_by or "", conv.ended_by),
        conv.rating_comment,
        int(conv.last_seq or 0),
        ", ".join(ticket_ids) if ticket_ids else None,
    ]


def message_row(message: ExportedMessage, tz: tzinfo) -> list[Any]:
    # `text` is what the store keeps for everyone: masked where masking applies, never an original.
    text = message.text
    if text is None and message.system_code:
        text = f"[{message.system_code}]"
    return [
        message.conversation_id,
        int(message.seq),
        local_datetime(message.created_at, tz),
        ROLE_LABELS.get(message.sender_role or "", message.sender_role),
        message.sender_name,
        text,
    ]
