"""How stored items look on the wire (camelCase JSON for the widget and the console)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.accounts import customer_facing_name, looks_like_email
from chalicelib.domain.entities import Agent, Attachment, Conversation, Message, Ticket, Transfer
from chalicelib.domain.model import ConversationAccess, ConversationState, is_handled
from chalicelib.domain.notes import NOTE_ROLE
from chalicelib.domain.pii import detect_pii
from chalicelib.domain.tickets import STATUS_LABELS, TicketHistoryEntry, TicketStatus, status_label


def access_of(conv: Conversation) -> ConversationAccess:
    return ConversationAccess(conv.conversation_id, ConversationState(conv.state), conv.agent_id)


# The system line for an agent without a display name (services/messages.py writes it too).
AGENT_JOINED_UNNAMED = "상담원이 상담을 시작했습니다."


def _public_sender(message: Message) -> str | None:
    # Messages stored before display names carry the agent's e-mail: never shown to anyone again.
    return customer_facing_name(message.sender_name) if message.sender_role == "agent" else message.sender_name


def _public_text(message: Message) -> str | None:
    if message.system_code == "agent_joined" and looks_like_email(message.text or ""):
        return AGENT_JOINED_UNNAMED  # the old line named the agent by e-mail
    return message.text


def message_kind(message: Message) -> str:
    """`system` lines, staff-only `note`s (chalicelib/domain/notes.py), and `text` from either side."""
    if message.sender_role in ("system", NOTE_ROLE):
        return str(message.sender_role)
    return "attachment" if message.attachment is not None else "text"


def message_view(message: Message) -> dict[str, Any]:
    return {
        "conversationId": message.conversation_id,
        "seq": message.seq,
        "role": message.sender_role,
        "senderName": _public_sender(message),
        "text": _public_text(message),
        "clientMessageId": message.client_message_id,
        "createdAt": message.created_at,
        "kind": message_kind(message),
        "systemCode": message.system_code,
        **masking_view(message),
        **({"whisper": True} if message.whisper else {}),  # only on a supervisor's note: staff only
        **({"attachment": attachment_view(message.attachment)} if message.attachment else {}),
    }


def attachment_view(attachment: Attachment) -> dict[str, Any]:
    """A checked file's facts; no URL (it would expire): clients ask GET …/attachments/{id}."""
    return {
        "attachmentId": attachment.attachment_id,
        "name": attachment.name,
        "size": attachment.size,
        "contentType": attachment.content_type,
        "width": attachment.width,
        "height": attachment.height,
        "thumbnail": attachment.thumbnail,
    }


def masking_view(message: Message) -> dict[str, Any]:
    """Where the asterisks are and where likely personal data is (code points of `text`); never originals."""
    if message.sender_role == "system" or not message.text:
        return {"masks": [], "pii": [], "maskVersion": 0}
    return {
        "masks": [{"maskId": m.mask_id, "start": m.start, "end": m.end} for m in message.masks or []],
        "pii": [{"kind": p.kind, "start": p.start, "end": p.end} for p in detect_pii(message.text)],
        "maskVersion": int(message.mask_version or 0),
    }


def conversation_view(conv: Conversation) -> dict[str, Any]:
    return {
        "conversationId": conv.conversation_id,
        "state": conv.state,
        "inboundAt": conv.inbound_at,
        "assignedAt": conv.assigned_at,
        "firstResponseAt": conv.first_response_at,
        "endedAt": conv.ended_at,
        "endedBy": conv.ended_by,
        "endReason": conv.end_reason,
        "agentOpenedAt": conv.agent_opened_at,
        "agentActiveAt": conv.agent_active_at,  # the console's accept countdown stops once the agent wrote
        "customerActiveAt": conv.customer_active_at,
        "idleWarningAt": conv.idle_warning_at,
        "status": "handled" if is_handled(conv.first_response_at) else "unhandled",
        "agentId": conv.agent_id,
        "agentName": conv.agent_name,
        "lastSeq": conv.last_seq,
        "lastMessageAt": conv.last_message_at,
        "customer": {
            "name": conv.customer_name,
            "email": conv.customer_email,
            "phone": conv.customer_phone,
            "memo": conv.customer_memo,
        },
        "counsel": {
            "inquiryType": conv.inquiry_type,
            "processingType": conv.processing_type,
            "note": conv.counsel_note,
        },
        "rating": conv.rating,
        "ratingComment": conv.rating_comment,
        "ratedAt": conv.rated_at,
        "ratingRequestedAt": conv.rating_requested_at,
        "consentVersion": conv.consent_version,
        "consentedAt": conv.consented_at,
        "teamId": conv.team_id,
        "transferCount": len(conv.transfers or []),
        "transfers": [transfer_view(hop) for hop in conv.transfers or []],
        "reads": reads_view(conv),
    }


def transfer_view(hop: Transfer) -> dict[str, Any]:
    """One hop for staff (the note is internal: never in a customer's view)."""
    return {
        "by": hop.by,
        "fromAgentId": hop.from_agent_id,
        "toAgentId": hop.to_agent_id,
        "toTeamId": hop.to_team_id,
        "at": hop.at,
        "note": hop.note,
    }


def reads_view(conv: Conversation) -> dict[str, int]:
    """The read receipts: the highest seq each side has read (0: nothing yet)."""
    return {
        "customer": conv.customer_read.seq if conv.customer_read else 0,
        "agent": conv.agent_read.seq if conv.agent_read else 0,
    }


def customer_conversation_view(conv: Conversation) -> dict[str, Any]:
    """What a customer may see of their own chat: no agent memo or counsel notes."""
    return {
        "conversationId": conv.conversation_id,
        "state": conv.state,
        "agentName": conv.agent_name,
        "lastSeq": conv.last_seq,
        "rating": conv.rating,
        "ratingRequestedAt": conv.rating_requested_at,
        "endedAt": conv.ended_at,
        "endedBy": conv.ended_by,
        "endReason": conv.end_reason,
        "reads": reads_view(conv),
        # The transcript by e-mail: the customer's own address prefills the request (asked once).
        "customerEmail": conv.customer_email,
        "transcriptRequested": conv.transcript_requested_at is not None,
    }


def agent_view(agent: Agent, default_max: int) -> dict[str, Any]:
    return {
        "agentId": agent.agent_id,
        "displayName": customer_facing_name(agent.display_name),  # null: customers see the default
        "email": agent.email,
        "role": agent.role,
        "status": agent.status,
        "activeChats": agent.active_chats,
        "maxChats": agent.max_chats if agent.max_chats is not None else default_max,
        "chatPermission": agent.chat_permission,
    }


def ticket_view(ticket: Ticket) -> dict[str, Any]:
    return {
        "ticketId": ticket.ticket_id,
        "channel": ticket.channel,
        "conversationId": ticket.conversation_id,
        "inquiryType": ticket.inquiry_type,
        "title": ticket.title,
        "content": ticket.content,
        "createdAt": ticket.created_at,
        "createdBy": ticket.created_by,
        "requesterName": ticket.requester_name,
        "requesterEmail": ticket.requester_email,
        "status": ticket.status,
        "statusLabels": ticket_status_labels(ticket.status),
        "assigneeId": ticket.assignee_id,
        "version": int(ticket.version or 0),
        "updatedAt": ticket.updated_at,
        "updatedBy": ticket.updated_by or None,
    }


def ticket_status_labels(status: str) -> dict[str, str]:
    """{ko: 접수, en: Open}: the one place the console and admin page read a status's name from."""
    try:
        code = TicketStatus(status)
    except ValueError:
        return {"ko": status, "en": status}
    return {lang: status_label(code, lang) for lang in STATUS_LABELS}


def ticket_history_view(entry: TicketHistoryEntry) -> dict[str, Any]:
    return {
        "version": entry.version,
        "at": entry.at,
        "actorId": entry.actor_id,
        "field": entry.field.value,
        "from": entry.from_value,
        "to": entry.to_value,
    }
