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
# An internal note keeps its role's code: staff read `note` beside the Korean labels (issue #22).
ROLE_LABELS = {"customer": "고객", "agent": "상담원", "admin": "관리자", "system": "시스템", "note": "note"}
# Why the chat ended (issue #21): who ended it, and for the system's ends the reason.
END_REASON_LABELS = {
    ("customer", None): "고객 종료",
    ("agent", None): "상담원 종료",
    ("admin", None): "관리자 종료",
    ("system", "idle"): "고객 무응답 자동 종료",
    ("system", "closed"): "운영시간 종료 (대기 중)",
    ("system", None): "시스템 종료",
}


def end_reason_label(ended_by: str | None, end_reason: str | None) -> str | None:
    if ended_by is None:
        return None  # still live or waiting
    label = END_REASON_LABELS.get((ended_by, end_reason)) or END_REASON_LABELS.get((ended_by, None))
    if label is None:  # a code added later: shown as stored rather than dropped
        label = f"{ended_by} ({end_reason})" if end_reason else ended_by
    return label


def transfer_lines(conv: Conversation, tz: tzinfo, team_names: dict[str, str]) -> str | None:
    """One line per hop, oldest first: `2026-12-02 10:15:00 alice → bob (결제): note`."""
    lines = []
    for hop in conv.transfers or []:
        at = local_datetime(hop.at, tz)
        target = hop.to_agent_id or ""
        if hop.to_team_id:
            team = team_names.get(hop.to_team_id, hop.to_team_id)
            target = f"{target} ({team})" if target else f"팀 {team}"
        source = hop.from_agent_id or "-"
        by = f" [{hop.by}]" if hop.by and hop.by != hop.from_agent_id else ""  # an admin moved it
        line = f"{at:%Y-%m-%d %H:%M:%S} {source} → {target}{by}"
        lines.append(f"{line}: {hop.note}" if hop.note else line)
    return "\n".join(lines) or None


def chat_row(
    conv: Conversation, ticket_ids: list[str] | None, tz: tzinfo, team_names: dict[str, str] | None = None
) -> list[Any]:
    """`team_names`: team id → name (a removed team shows its id)."""
    names = team_names or {}
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
        names.get(conv.team_id, conv.team_id) if conv.team_id else None,
        len(conv.transfers or []),
        transfer_lines(conv, tz, names),
        end_reason_label(conv.ended_by, conv.end_reason),
    ]


def message_row(message: ExportedMessage, tz: tzinfo) -> list[Any]:
    # `text` is what the store keeps for everyone: masked where masking applies, never an original.
    text = message.text
    if text is None and message.system_code:
        text = f"[{message.system_code}]"
    if message.attachment is not None:
        text = f"[첨부 파일] {message.attachment.name}"  # the file itself is on the Attachments sheet
    return [
        message.conversation_id,
        int(message.seq),
        local_datetime(message.created_at, tz),
        ROLE_LABELS.get(message.sender_role or "", message.sender_role),
        message.sender_name,
        text,
    ]


def attachment_row(message: ExportedMessage, tz: tzinfo) -> list[Any]:
    """The Attachments sheet: the file's facts, no URL (a signed one would expire in minutes)."""
    file = message.attachment
    assert file is not None
    return [
        message.conversation_id,
        int(message.seq),
        local_datetime(message.created_at, tz),
        ROLE_LABELS.get(message.sender_role or "", message.sender_role),
        file.name,
        file.content_type,
        int(file.size),
        "확인됨",  # only checked files become messages (a refused one never does)
    ]
