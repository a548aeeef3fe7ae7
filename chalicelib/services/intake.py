"""A customer starts a chat (S-2): availability, consent, the new chat in the queue."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from chalicelib.auth.tokens import issue_customer_token
from chalicelib.bootstrap import clock, store
from chalicelib.domain.entities import Conversation
from chalicelib.domain.errors import Conflict, InvalidField, OutOfHours
from chalicelib.domain.hours import BusinessHours, closed_message, is_open, next_opening_times
from chalicelib.domain.model import ConversationState
from chalicelib.domain.routing import Team, team_for_inquiry_type, team_hours
from chalicelib.domain.validation import MAX_NAME_CHARS, bool_field, email_field, int_field, text_field
from chalicelib.lazy_import import lazy_module
from chalicelib.services.assignment import assign_waiting_chats, push_queue_counts
from chalicelib.services.routing_settings import RoutingSettings, load_with_chat_settings
from chalicelib.services.settings import ChatSettings

if TYPE_CHECKING:
    import ulid
else:
    ulid = lazy_module("ulid")  # ULIDs name new chats: not needed by the WebSocket message path


def any_agent_online(team: Team | None = None) -> bool:
    """Someone who may take the chat is online (of the team, when the chat has one)."""
    members = team.member_agent_ids if team is not None else None
    return any(a.chat_permission and (members is None or a.agent_id in members) for a in store().agents.online())


def _hours_body(hours: BusinessHours | None, now: int, customer_time_zone: str | None) -> dict[str, Any]:
    """Open now, and if not, when it opens next (service's and customer's time) and the closed message."""
    if hours is None:
        return {"open": True, "nextOpening": None, "closedMessage": None}
    open_now = is_open(hours, now)
    opening = None if open_now else next_opening_times(hours, now, customer_time_zone)
    return {
        "open": open_now,
        "nextOpening": opening.to_body() if opening else None,
        "closedMessage": {"ko": closed_message(hours, "ko"), "en": closed_message(hours, "en")},
    }


def _time_zone(value: Any) -> str | None:
    # The widget's own zone, unchecked input: hours.next_opening_times falls back to the service's.
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def availability(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the widget shows before a chat: texts, whether agents are online, whether chat is open
    (business hours) and when it opens next (`?timeZone=` the customer's zone), the inquiry types."""
    settings, routing = load_with_chat_settings()
    hours = _hours_body(routing.hours, clock(), _time_zone((params or {}).get("timeZone")))
    online = settings.chat_enabled and hours["open"] and any_agent_online()
    return {
        **settings.public(),
        "agentsOnline": online,
        **hours,
        "teamsEnabled": bool(routing.teams),
        "chatInquiryTypes": chat_inquiry_types(settings, routing),
    }


def chat_inquiry_types(settings: ChatSettings, routing: RoutingSettings) -> list[dict[str, str]]:
    """The inquiry types the widget's pre-chat step offers ({name, ko, en}): those some team answers.
    Empty when the type decides nothing (no teams, or a single catch-all team), so no step is shown."""
    teams = routing.teams
    if not teams or (len(teams) == 1 and not teams[0].inquiry_types):
        return []
    ids = {e.name: e.type_id for e in settings.catalog("inquiry_type_catalog")}
    names = settings.type_names("inquiry_type_catalog")
    return [t for t in names if team_for_inquiry_type(teams, ids.get(t["name"])) is not None]


def _team_of(body: dict[str, Any], settings: ChatSettings, routing: RoutingSettings) -> tuple[str | None, Team | None]:
    """The chosen inquiry type (a name of the catalogue, as records keep it) and the team that handles it."""
    names = [entry["name"] for entry in settings.type_names("inquiry_type_catalog")]
    inquiry_type = None
    if body.get("inquiryType") is not None:
        inquiry_type = text_field(body, "inquiryType", max_chars=MAX_NAME_CHARS)
        if inquiry_type not in names:
            raise InvalidField("'inquiryType' is not one of the inquiry types", field="inquiryType")
    if not routing.teams:
        return inquiry_type, None
    type_id = next((e.type_id for e in settings.catalog("inquiry_type_catalog") if e.name == inquiry_type), None)
    team = team_for_inquiry_type(routing.teams, type_id)
    if team is None:
        raise InvalidField("choose an inquiry type: it decides which team answers", field="inquiryType")
    return inquiry_type, team


def start_chat(body: dict[str, Any]) -> dict[str, Any]:
    settings, routing = load_with_chat_settings()
    if bool_field(body, "consent") is not True:
        raise InvalidField("the customer must agree to the personal-information consent", field="consent")
    consent_version = int_field(body, "consentVersion", minimum=1, maximum=1_000_000)
    name = text_field(body, "customerName", max_chars=MAX_NAME_CHARS, required=False)
    email = email_field(body, "customerEmail", required=False)
    inquiry_type, team = _team_of(body, settings, routing)
    if not settings.chat_enabled:
        raise Conflict("chat is turned off")
    if consent_version != settings.consent_version:
        raise Conflict("the consent text has changed; show the new text and ask again")
    now = clock()
    # A team's own hours, else the service's (none: always open).
    hours = team_hours(team, routing.hours) if team is not None and routing.hours is not None else routing.hours
    if team is not None and team.hours is not None:
        hours = team.hours
    if hours is not None and not is_open(hours, now):
        opening = next_opening_times(hours, now, _time_zone(body.get("customerTimeZone")))
        body_opening = opening.to_body() if opening else None
        raise OutOfHours("chat is closed now; leave an inquiry instead", next_opening=body_opening)
    if not any_agent_online(team):
        raise Conflict("no agent is online; leave an inquiry instead")
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
            inquiry_type=inquiry_type,
            team_id=team.team_id if team else None,
        )
    )
    assign_waiting_chats(settings, just_queued=conversation_id, routing=routing)
    conv = store().conversations.get(conversation_id)
    position = store().queues.queue_position(conv) if conv.is_waiting else 0
    if position:
        push_queue_counts(routing.teams)
    return {
        "conversationId": conversation_id,
        "customerId": customer_id,
        "token": issue_customer_token(customer_id, conversation_id),
        "state": conv.state,
        "position": position,
        "teamId": conv.team_id,
        "agentName": conv.agent_name,
        "greeting": settings.greeting,
        "greetings": settings.texts("greeting"),  # {ko, en}: the widget shows the customer's language
    }
