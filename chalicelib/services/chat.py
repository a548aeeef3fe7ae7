"""Live chat use cases: connect, presence, intake, assignment, messages, rating, end.

Each function loads, applies a domain rule, stores, and only then pushes.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from chalicelib import observability
from chalicelib.auth.tokens import issue_customer_token, principal_from_token
from chalicelib.domain import model as rules
from chalicelib.domain.accounts import customer_facing_name
from chalicelib.domain.errors import Conflict, DomainError, Forbidden, InvalidField
from chalicelib.domain.masking import pii_spans
from chalicelib.domain.model import AgentCapacity, AgentStatus, ConversationState, Principal, Rating, Role
from chalicelib.domain.validation import (
    MAX_MEMO_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_NAME_CHARS,
    bool_field,
    choice_field,
    email_field,
    enum_field,
    id_field,
    int_field,
    phone_field,
    text_field,
)
from chalicelib.lazy_import import lazy_module
from chalicelib.services import notify
from chalicelib.services.settings import ChatSettings, load_settings
from chalicelib.services.views import (
    AGENT_JOINED_UNNAMED,
    access_of,
    agent_view,
    conversation_view,
    customer_conversation_view,
    message_view,
)
from chalicelib.store import repository as store
from chalicelib.store.models import AgentModel, ConversationModel, MessageModel

if TYPE_CHECKING:
    import ulid

    from chalicelib.services import masking
else:
    # Not needed by the WebSocket message path: ULIDs name new chats (REST), and the masking
    # service (KMS, audit) is loaded only for a customer message in which PII was detected.
    masking = lazy_module("chalicelib.services.masking")
    ulid = lazy_module("ulid")

log = logging.getLogger(__name__)

_ASSIGN_ATTEMPTS = 50
_APPEND_ATTEMPTS = 8
SYNC_DEFAULT_LIMIT = 200
SYNC_MAX_LIMIT = 500

SYSTEM_TEXTS = {
    "agent_joined": "상담원 {name}님이 상담을 시작했습니다.",
    "agent_joined_unnamed": AGENT_JOINED_UNNAMED,  # no display name: never the e-mail
    "returned_to_queue": "상담원 연결을 다시 기다리고 있습니다.",
    "chat_ended": "상담이 종료되었습니다.",
}


# --- connections ---------------------------------------------------------------------------


def connect(connection_id: str, token: str | None) -> Principal:
    """Authorize a new WebSocket connection and remember it. Raises before storing anything."""
    principal = principal_from_token(token)
    now = rules.now_ms()
    if principal.role is Role.CUSTOMER:
        store.get_conversation(principal.conversation_id or "")  # NotFound for a deleted chat
        store.put_connection(connection_id, principal, now)
        store.add_customer_connection(principal.conversation_id or "", connection_id)
        return principal
    if store.ensure_agent(principal).disabled:
        raise Forbidden("this account is disabled")
    store.put_connection(connection_id, principal, now)
    if store.add_agent_connection(principal.user_id, connection_id).disabled:
        # Disabled while this tab connected: the admin's close may have read the agent before this
        # id was added. The update answers the item as it is now, so one of the two sees the other.
        notify.forget_connection(connection_id, agent_id=principal.user_id)
        raise Forbidden("this account is disabled")
    for conv in store.live_conversations_of(principal.user_id):
        store.add_agent_connection_to_chat(conv.conversation_id, principal.user_id, connection_id)
    return principal


def disconnect(connection_id: str) -> None:
    notify.forget_connection(connection_id)


def principal_of_connection(connection_id: str) -> Principal:
    connection = store.get_connection(connection_id)
    if connection is None:
        raise Forbidden("unknown connection; reconnect")
    return Principal(
        role=Role(connection.role),
        user_id=connection.user_id,
        conversation_id=connection.conversation_id,
    )


# --- presence (S-1) ------------------------------------------------------------------------


def _capacity(agent: AgentModel, settings: ChatSettings) -> AgentCapacity:
    return AgentCapacity(
        agent_id=agent.agent_id,
        active_chats=int(agent.active_chats or 0),
        max_chats=rules.effective_max_chats(agent.max_chats, settings.max_chats_per_agent),
        last_assigned_at=int(agent.last_assigned_at or 0),
        chat_permission=bool(agent.chat_permission),
    )


def agent_state(principal: Principal) -> dict[str, Any]:
    agent = store.ensure_agent(principal)
    return agent_view(agent, load_settings().max_chats_per_agent)


def set_status(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    if not principal.is_staff:
        raise Forbidden("only agents have a status")
    status = enum_field(body, "status", AgentStatus)
    assert status is not None
    agent = store.ensure_agent(principal)
    if agent.disabled:
        raise Forbidden("this account is disabled")
    settings = load_settings()
    store.set_agent_status(agent, status, rules.now_ms())
    returned = _return_unanswered_chats(agent) if status is not AgentStatus.ONLINE else 0
    agent.refresh(consistent_read=True)
    view = agent_view(agent, settings.max_chats_per_agent)
    notify.to_agent(agent, {"type": "agent.status", **view})
    if not assign_waiting_chats(settings) and returned:
        _push_queue_positions()  # returned chats moved ahead of those already waiting
    return view


def _return_unanswered_chats(agent: AgentModel, *, answered_too: bool = False) -> int:
    """Break or offline: chats not yet answered go back to the queue; answered ones stay (all go
    with `answered_too`: a disabled account will not answer them)."""
    returned = 0
    for conv in store.live_conversations_of(agent.agent_id):
        if conv.first_response_at is not None and not answered_too:
            continue
        try:
            store.return_to_queue(conv, agent.agent_id, answered_too=answered_too)
        except Conflict:
            continue  # answered or ended meanwhile
        returned += 1
        notify.to_agent(agent, {"type": "chat.unassigned", "conversationId": conv.conversation_id})
        conv.refresh(consistent_read=True)
        _append_system_message(conv, "returned_to_queue")
    return returned


def apply_agent_change(agent_id: str) -> int:
    """After an admin changed an agent (chat permission, maximum, disabled): act on it at once.

    An agent who may no longer take chats gives back the unanswered ones (answered chats stay
    until ended; a disabled account gives back all of them); the agent's tabs get the new
    `agent.status` (the console hides or shows its chat widget by `chatPermission`); freed or
    added capacity takes waiting chats.
    """
    agent = store.get_agent(agent_id)
    if agent is None:
        return 0
    may_chat = bool(agent.chat_permission) and not agent.disabled and agent.status == AgentStatus.ONLINE.value
    returned = 0 if may_chat else _return_unanswered_chats(agent, answered_too=bool(agent.disabled))
    agent.refresh(consistent_read=True)
    settings = load_settings()
    notify.to_agent(agent, {"type": "agent.status", **agent_view(agent, settings.max_chats_per_agent)})
    if not assign_waiting_chats(settings) and returned:
        _push_queue_positions()
    return returned


# --- intake (S-2) --------------------------------------------------------------------------


def any_agent_online() -> bool:
    return any(a.chat_permission for a in store.online_agents())


def availability() -> dict[str, Any]:
    settings = load_settings()
    return {**settings.public(), "agentsOnline": settings.chat_enabled and any_agent_online()}


def start_chat(body: dict[str, Any]) -> dict[str, Any]:
    settings = load_settings()
    if bool_field(body, "consent") is not True:
        raise InvalidField("the customer must agree to the personal-information consent", field="consent")
    consent_version = int_field(body, "consentVersion", minimum=1, maximum=1_000_000)
    name = text_field(body, "customerName", max_chars=MAX_NAME_CHARS, required=False)
    email = email_field(body, "customerEmail", required=False)
    if not settings.chat_enabled:
        raise Conflict("chat is turned off")
    if consent_version != settings.consent_version:
        raise Conflict("the consent text has changed; show the new text and ask again")
    if not any_agent_online():
        raise Conflict("no agent is online; leave an inquiry instead")
    now = rules.now_ms()
    conversation_id = str(ulid.ULID())
    customer_id = f"cust-{uuid.uuid4().hex}"
    key = rules.time_key(now, conversation_id)
    conv = ConversationModel(
        conversation_id,
        state=ConversationState.WAITING.value,
        customer_id=customer_id,
        inbound_at=now,
        inbound_key=key,
        inbound_month=rules.month_of(now),
        queued_key=key,
        queue_partition="waiting",
        consent_version=consent_version,
        consented_at=now,
        customer_name=name,
        customer_name_lower=name.lower() if name else None,
        customer_email=email,
        last_seq=0,
    )
    store.create_conversation(conv)
    assign_waiting_chats(settings, just_queued=conversation_id)
    conv.refresh(consistent_read=True)
    position = store.queue_position(conv.queued_key) if conv.state == ConversationState.WAITING.value else 0
    if position:
        notify.to_agents(store.online_agents(), {"type": "queue.changed", "waiting": store.queue_length()})
    return {
        "conversationId": conversation_id,
        "customerId": customer_id,
        "token": issue_customer_token(customer_id, conversation_id),
        "state": conv.state,
        "position": position,
        "agentName": conv.agent_name,
        "greeting": settings.greeting,
        "greetings": settings.texts("greeting"),  # {ko, en}: the widget shows the customer's language
    }


# --- assignment ----------------------------------------------------------------------------


def assign_waiting_chats(settings: ChatSettings | None = None, *, just_queued: str | None = None) -> int:
    """Give the oldest waiting chats to online agents with room, until either runs out.

    Safe to run concurrently: each assignment is one transaction that fails if the chat was
    taken or the agent filled up meanwhile; the loop then re-reads and tries again.
    `just_queued`: a chat this invocation queued and nobody has heard of yet; if it is the only
    one assigned, the queue everyone saw did not move and nobody is told (no push to every
    online agent for each chat that starts at once).
    """
    settings = settings or load_settings()
    assigned = 0
    queue_moved = False
    for _ in range(_ASSIGN_ATTEMPTS):
        head = store.waiting_conversations(limit=1)
        if not head:
            break
        agents = {a.agent_id: a for a in store.online_agents()}
        choice = rules.choose_agent([_capacity(a, settings) for a in agents.values()])
        if choice is None:
            break
        conv, agent = head[0], agents[choice.agent_id]
        try:
            store.assign_conversation(
                conv,
                agent,
                choice.max_chats,
                set(agent.connection_ids or ()),
                rules.now_ms(),
                customer_facing_name(agent.display_name),
            )
        except Conflict:
            continue
        assigned += 1
        queue_moved = queue_moved or conv.conversation_id != just_queued
        observability.annotate(conversation_id=conv.conversation_id)
        observability.metric("Assignments")
        observability.metric("QueueWait", max(0, rules.now_ms() - conv.inbound_at), "Milliseconds")
        _announce_assignment(conv.conversation_id, agent)
    if queue_moved:
        _push_queue_positions()
    return assigned


def _announce_assignment(conversation_id: str, agent: AgentModel) -> None:
    # A tab that connected while this chat was being assigned is missing from its push targets when
    # its $connect listed the agent's live chats before the assignment committed: add it now.
    agent = store.get_agent(agent.agent_id) or agent
    conv = store.get_conversation(conversation_id)
    missing = (agent.connection_ids or set()) - (conv.agent_connections or set())
    for connection_id in sorted(missing):
        store.add_agent_connection_to_chat(conversation_id, agent.agent_id, connection_id)
    if missing:
        conv.refresh(consistent_read=True)
    template = None if conv.agent_name else "agent_joined_unnamed"  # no display name: never the e-mail
    _append_system_message(conv, "agent_joined", template=template, name=conv.agent_name or "")
    conv.refresh(consistent_read=True)
    notify.to_agent(agent, {"type": "chat.assigned", "conversation": conversation_view(conv)})
    notify.to_customer(conv, {"type": "chat.started", "conversationId": conversation_id, "agentName": conv.agent_name})


def _push_queue_positions() -> None:
    """The queue moved: every waiting customer learns their new place, every online agent the count."""
    waiting = store.waiting_queue_connections()
    for position, conv in enumerate(waiting, start=1):
        if conv.customer_connections:
            notify.to_customer(
                conv, {"type": "chat.queued", "conversationId": conv.conversation_id, "position": position}
            )
    notify.to_agents(store.online_agents(), {"type": "queue.changed", "waiting": len(waiting)})


def queue(principal: Principal) -> dict[str, Any]:
    _require_staff(principal)
    waiting = store.waiting_conversations()
    return {
        "waiting": len(waiting),
        "chats": [{**conversation_view(c), "position": i} for i, c in enumerate(waiting, start=1)],
    }


# --- messages (S-3) ------------------------------------------------------------------------


def _conversation_for(principal: Principal, body: dict[str, Any], *, reading: bool = False) -> ConversationModel:
    """The chat the frame names, if the caller takes part in it (reading: if they may see it)."""
    conversation_id = id_field(body, "conversationId")
    conv = store.get_conversation(conversation_id)
    (rules.check_can_see_chat if reading else rules.check_can_read)(principal, access_of(conv))
    return conv


def send_message(principal: Principal, connection_id: str | None, body: dict[str, Any]) -> dict[str, Any]:
    client_message_id = id_field(body, "clientMessageId")
    text = text_field(body, "text", max_chars=MAX_MESSAGE_CHARS, allow_newlines=True)
    conv = _conversation_for(principal, body)
    observability.annotate(conversation_id=conv.conversation_id)
    # No read of the resend marker up front: the append transaction refuses a used clientMessageId
    # (a condition on the marker), so only resends pay for the lookup (bench/dynamo_per_message.py).
    try:
        rules.check_can_send(principal, access_of(conv))
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
    has_pii = role == "customer" and bool(text) and bool(pii_spans(text))
    auto_masked = masking.auto_mask(conv.conversation_id, text) if has_pii else None
    if auto_masked:
        text, auto_masks = auto_masked
    for _ in range(_APPEND_ATTEMPTS):
        message = MessageModel(
            conv.conversation_id,
            store.message_sort_key(conv.last_seq + 1),
            seq=conv.last_seq + 1,
            sender_role=role,
            sender_id=principal.user_id,
            sender_name=sender_name,
            text=text,
            client_message_id=client_message_id,
            created_at=rules.now_ms(),
        )
        audit = []
        if auto_masked:
            message.masks, message.mask_version = auto_masks, 1
            audit = masking.auto_mask_audit(message)
        try:
            store.append_message(conv, message, agent_reply=role == "agent", audit=audit)
            break
        except Conflict as exc:
            if str(exc) == "duplicate":
                stored = _resent_message(conv.conversation_id, client_message_id, principal)
                if stored is not None:
                    return message_view(stored)
            conv = store.get_conversation(conv.conversation_id)
            rules.check_can_send(principal, access_of(conv))
    else:
        raise Conflict("the conversation is too busy; retry with the same clientMessageId")
    observability.metric("Messages")
    view = message_view(message)
    notify.to_both_sides(conv, {"type": "message.new", "message": view}, skip=connection_id)
    return view


def _resent_message(conversation_id: str, client_message_id: str, principal: Principal) -> MessageModel | None:
    """The message stored earlier under this clientMessageId, if this sender stored it."""
    existing = store.message_by_client_id(conversation_id, client_message_id)
    if existing is not None and existing.sender_id != principal.user_id:
        raise Conflict("clientMessageId already used")
    return existing


def _append_system_message(
    conv: ConversationModel, code: str, *, template: str | None = None, **fmt: str
) -> MessageModel | None:
    for _ in range(_APPEND_ATTEMPTS):
        message = MessageModel(
            conv.conversation_id,
            store.message_sort_key(conv.last_seq + 1),
            seq=conv.last_seq + 1,
            sender_role="system",
            sender_id="system",
            text=SYSTEM_TEXTS[template or code].format(**fmt),
            system_code=code,
            created_at=rules.now_ms(),
        )
        try:
            store.append_message(conv, message, agent_reply=False)
        except Conflict:
            conv = store.get_conversation(conv.conversation_id)
            if conv.state == ConversationState.ENDED.value:
                return None
            continue
        conv.last_seq = message.seq
        notify.to_both_sides(conv, {"type": "message.new", "message": message_view(message)})
        return message
    log.warning("system message %s not stored for %s", code, conv.conversation_id)
    return None


def sync_messages(principal: Principal, body: dict[str, Any]) -> dict[str, Any]:
    conv = _conversation_for(principal, body, reading=True)
    after = int_field(body, "afterSeq", minimum=0, maximum=10**9)
    limit = int_field(body, "limit", minimum=1, maximum=SYNC_MAX_LIMIT, default=SYNC_DEFAULT_LIMIT)
    messages = store.messages_after(conv.conversation_id, after, limit)
    return {
        "conversationId": conv.conversation_id,
        "messages": [message_view(m) for m in messages],
        "lastSeq": conv.last_seq,
        "hasMore": bool(messages) and messages[-1].seq < conv.last_seq,
        "state": conv.state,
    }


def typing(principal: Principal, connection_id: str, body: dict[str, Any]) -> None:
    is_typing = bool_field(body, "isTyping")
    conv = _conversation_for(principal, body)
    if conv.state == ConversationState.ENDED.value:
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


# --- the agent's chat list and records (S-3, S-6) -----------------------------------------


def _require_staff(principal: Principal) -> None:
    if not principal.is_staff:
        raise Forbidden("agents and admins only")


def agent_chats(principal: Principal) -> dict[str, Any]:
    _require_staff(principal)
    live = store.live_conversations_of(principal.user_id)
    waiting = store.queue_length()
    return {
        "chats": [conversation_view(c) for c in live],
        "counts": {"waiting": waiting, "active": len(live)},
    }


def get_conversation(principal: Principal, conversation_id: str) -> dict[str, Any]:
    conv = store.get_conversation(conversation_id)
    if principal.role is Role.CUSTOMER:
        rules.check_can_read(principal, access_of(conv))
        view = customer_conversation_view(conv)
        if conv.state == ConversationState.WAITING.value and conv.queued_key:
            # A widget resuming after a reload or a drop missed the chat.queued pushes meanwhile.
            view["position"] = store.queue_position(conv.queued_key)
        if conv.rating_requested_at and not conv.rating:
            # The push may have been missed.
            texts = load_settings().texts("rating_request_text")
            view["ratingRequestText"], view["ratingRequestTexts"] = texts["ko"], texts
        return view
    rules.check_can_see_chat(principal, access_of(conv))
    return conversation_view(conv)


def save_customer_info(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    conv = store.get_conversation(conversation_id)
    rules.check_can_edit_record(principal, access_of(conv))
    name = text_field(body, "name", max_chars=MAX_NAME_CHARS, required=False)
    values = {
        "customer_name": name,
        "customer_name_lower": name.lower() if name else None,
        "customer_email": email_field(body, "email", required=False),
        "customer_phone": phone_field(body, "phone"),
        "customer_memo": text_field(body, "memo", max_chars=MAX_MEMO_CHARS, required=False, allow_newlines=True),
    }
    return _save_record(principal, conv, values)


def save_counsel_info(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    conv = store.get_conversation(conversation_id)
    rules.check_can_edit_record(principal, access_of(conv))
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


def _save_record(principal: Principal, conv: ConversationModel, values: dict[str, Any]) -> dict[str, Any]:
    store.update_conversation(conv, values, allow_ended=principal.is_staff)
    conv.refresh(consistent_read=True)
    view = conversation_view(conv)
    notify.to_chat_agent(conv, {"type": "chat.updated", "conversation": view})
    return view


def request_rating(principal: Principal, conversation_id: str) -> dict[str, Any]:
    conv = store.get_conversation(conversation_id)
    _require_staff(principal)
    rules.check_can_send(principal, access_of(conv))
    store.update_conversation(conv, {"rating_requested_at": rules.now_ms()}, allow_ended=False)
    conv.refresh(consistent_read=True)
    texts = load_settings().texts("rating_request_text")
    frame = {"type": "rating.requested", "conversationId": conversation_id, "text": texts["ko"], "texts": texts}
    notify.to_customer(conv, frame)
    return conversation_view(conv)


def submit_rating(principal: Principal, conversation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The customer's rating. The first one stands: a second submission gets 409 conflict."""
    if principal.role is not Role.CUSTOMER:
        raise Forbidden("only the customer rates the chat")
    conv = store.get_conversation(conversation_id)
    rules.check_can_read(principal, access_of(conv))
    rating = enum_field(body, "rating", Rating)
    assert rating is not None
    comment = text_field(body, "comment", max_chars=1000, required=False, allow_newlines=True)
    if conv.state == ConversationState.WAITING.value:
        raise Conflict("the chat has not started yet")
    if conv.rating is not None:
        raise Conflict("this chat has already been rated")
    if not store.record_rating(conv, rating.value, comment, rules.now_ms()):
        raise Conflict("this chat has already been rated")
    frame = {"type": "rating.submitted", "conversationId": conversation_id, "rating": rating.value, "comment": comment}
    notify.to_chat_agent(conv, frame)
    return customer_conversation_view(conv)


def end_chat(principal: Principal, conversation_id: str) -> dict[str, Any]:
    conv = store.get_conversation(conversation_id)
    rules.check_can_read(principal, access_of(conv))
    if conv.state == ConversationState.ENDED.value:
        raise Conflict("the conversation has already ended")
    if principal.role is Role.AGENT and conv.state == ConversationState.WAITING.value:
        raise Forbidden("this conversation is not assigned to you")
    ended_by = Role.CUSTOMER if principal.role is Role.CUSTOMER else Role.AGENT
    _append_system_message(conv, "chat_ended")
    conv = store.get_conversation(conversation_id)
    store.end_conversation(conv, ended_by, rules.now_ms())
    conv.refresh(consistent_read=True)
    frame = {
        "type": "chat.ended",
        "conversationId": conversation_id,
        "endedBy": ended_by.value,
        "endedAt": conv.ended_at,
    }
    notify.to_both_sides(conv, frame)
    if conv.agent_id:
        agent = store.get_agent(conv.agent_id)
        if agent is not None:
            notify.to_agent(agent, {"type": "agent.status", **agent_view(agent, load_settings().max_chats_per_agent)})
    assign_waiting_chats()
    if conv.queued_key and conv.assigned_at is None:
        _push_queue_positions()  # a waiting chat left the queue
    if principal.role is Role.CUSTOMER:
        return customer_conversation_view(conv)  # no agent id (the e-mail), memo or counsel notes
    return conversation_view(conv)
