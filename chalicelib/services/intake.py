"""A customer starts a chat (S-2): availability, consent, the new chat in the queue."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from chalicelib.auth.tokens import issue_customer_token
from chalicelib.bootstrap import clock, store
from chalicelib.domain.entities import Conversation
from chalicelib.domain.errors import Conflict, InvalidField
from chalicelib.domain.model import ConversationState
from chalicelib.domain.validation import MAX_NAME_CHARS, bool_field, email_field, int_field, text_field
from chalicelib.lazy_import import lazy_module
from chalicelib.services import notify
from chalicelib.services.assignment import assign_waiting_chats
from chalicelib.services.settings import load_settings

if TYPE_CHECKING:
    import ulid
else:
    ulid = lazy_module("ulid")  # ULIDs name new chats: not needed by the WebSocket message path


def any_agent_online() -> bool:
    return any(a.chat_permission for a in store().agents.online())


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
    now = clock()
    conversation_id = str(ulid.ULID())
    customer_id = f"cust-{uuid.uuid4().hex}"
    conv = store().conversations.create(
        Conversation(
            conversation_id,
            state=ConversationState.WAITING.value,
            customer_id=customer_id,
            inbound_at=now,
            consent_version=consent_version,
            consented_at=now,
            customer_name=name,
            customer_email=email,
            last_seq=0,
        )
    )
    assign_waiting_chats(settings, just_queued=conversation_id)
    conv = store().conversations.get(conversation_id)
    position = store().conversations.queue_position(conv) if conv.is_waiting else 0
    if position:
        notify.to_agents(
            store().agents.online(), {"type": "queue.changed", "waiting": store().conversations.queue_length()}
        )
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
