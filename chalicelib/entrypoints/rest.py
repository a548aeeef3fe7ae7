"""REST routes (request/response work). Each parses, calls one service function, returns JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.domain.access import Audience
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import id_field, parse_json_object
from chalicelib.entrypoints.cors import staff_cors, widget_cors
from chalicelib.entrypoints.edge import edge
from chalicelib.entrypoints.errors import json_response
from chalicelib.lazy_import import lazy_module
from chalicelib.services import agent_status, assignment, conversation_records, ending, intake, messages, settings

if TYPE_CHECKING:
    from chalicelib.services import accounts, notes, records, ticket_workflow, transcript_mail
else:
    # Loaded by the first route that uses them: the WebSocket functions import this module too.
    accounts = lazy_module("chalicelib.services.accounts")
    records = lazy_module("chalicelib.services.records")
    notes = lazy_module("chalicelib.services.notes")
    ticket_workflow = lazy_module("chalicelib.services.ticket_workflow")
    transcript_mail = lazy_module("chalicelib.services.transcript_mail")

rest = Blueprint(__name__)

# Bearer tokens, never cookies. Staff routes answer the configured console origin; the routes the
# widget calls answer the widget's (any site by default). See chalicelib/entrypoints/cors.py.
CORS = staff_cors()
WIDGET_CORS = widget_cors()


def _body() -> dict[str, Any]:
    return parse_json_object(rest.current_request.raw_body)


def _params() -> dict[str, Any]:
    return dict(rest.current_request.query_params or {})


def _conversation_id(raw: str) -> str:
    return id_field({"conversationId": raw}, "conversationId")


# --- public: the widget before a chat exists -------------------------------------------------


@rest.route("/widget/availability", methods=["GET"], cors=WIDGET_CORS)
@edge(rest, Audience.PUBLIC)
def availability() -> dict[str, Any]:
    return intake.availability(_params())


@rest.route("/chats", methods=["POST"], cors=WIDGET_CORS)
@edge(rest, Audience.PUBLIC)
def start_chat() -> Any:
    return json_response(intake.start_chat(_body()), 201)


@rest.route("/inquiries", methods=["POST"], cors=WIDGET_CORS)
@edge(rest, Audience.PUBLIC)
def leave_inquiry() -> Any:
    return json_response(records.leave_inquiry(_body()), 201)


# --- customer or staff ---------------------------------------------------------------------


@rest.route("/chats/{conversation_id}", methods=["GET"], cors=WIDGET_CORS)
@edge(rest, Audience.SIGNED_IN)
def get_chat(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return conversation_records.get_conversation(caller, _conversation_id(conversation_id))


@rest.route("/chats/{conversation_id}/messages", methods=["GET"], cors=WIDGET_CORS)
@edge(rest, Audience.SIGNED_IN)
def chat_messages(caller: Principal, conversation_id: str) -> dict[str, Any]:
    params = _params()
    body = {"conversationId": _conversation_id(conversation_id), "afterSeq": params.get("afterSeq", 0)}
    if "limit" in params:
        body["limit"] = params["limit"]
    return messages.sync_messages(caller, body)


@rest.route("/chats/{conversation_id}/rating", methods=["POST"], cors=WIDGET_CORS)
@edge(rest, Audience.CUSTOMER)
def submit_rating(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return ending.submit_rating(caller, _conversation_id(conversation_id), _body())


@rest.route("/chats/{conversation_id}/transcript-mail", methods=["POST"], cors=WIDGET_CORS)
@edge(rest, Audience.CUSTOMER)
def request_transcript_mail(caller: Principal, conversation_id: str) -> Any:
    return json_response(
        transcript_mail.request_transcript_mail(caller, _conversation_id(conversation_id), _body()), 202
    )


@rest.route("/chats/{conversation_id}/end", methods=["POST"], cors=WIDGET_CORS)
@edge(rest, Audience.SIGNED_IN)
def end_chat(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return ending.end_chat(caller, _conversation_id(conversation_id))


# --- agents and admins ---------------------------------------------------------------------


@rest.route("/me", methods=["GET"], cors=CORS)
@edge(rest, Audience.STAFF)
def me(caller: Principal) -> dict[str, Any]:
    return agent_status.agent_state(caller)


@rest.route("/me/status", methods=["PUT"], cors=CORS)
@edge(rest, Audience.STAFF)
def set_status(caller: Principal) -> dict[str, Any]:
    return agent_status.set_status(caller, _body())


@rest.route("/me/profile", methods=["PUT"], cors=CORS)
@edge(rest, Audience.STAFF)
def set_profile(caller: Principal) -> dict[str, Any]:
    return accounts.set_own_display_name(caller, _body())


@rest.route("/agent/chats", methods=["GET"], cors=CORS)
@edge(rest, Audience.STAFF)
def agent_chats(caller: Principal) -> dict[str, Any]:
    return conversation_records.agent_chats(caller)


@rest.route("/queue", methods=["GET"], cors=CORS)
@edge(rest, Audience.STAFF)
def queue(caller: Principal) -> dict[str, Any]:
    return assignment.queue(caller)


@rest.route("/chats/{conversation_id}/transcript", methods=["GET"], cors=CORS)
@edge(rest, Audience.STAFF)
def transcript(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return records.transcript(caller, _conversation_id(conversation_id))


@rest.route("/chats/{conversation_id}/customer", methods=["PUT"], cors=CORS)
@edge(rest, Audience.STAFF)
def save_customer_info(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return conversation_records.save_customer_info(caller, _conversation_id(conversation_id), _body())


@rest.route("/chats/{conversation_id}/counsel", methods=["PUT"], cors=CORS)
@edge(rest, Audience.STAFF)
def save_counsel_info(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return conversation_records.save_counsel_info(caller, _conversation_id(conversation_id), _body())


@rest.route("/chats/{conversation_id}/notes", methods=["POST"], cors=CORS)
@edge(rest, Audience.STAFF)
def add_note(caller: Principal, conversation_id: str) -> Any:
    return json_response(notes.add_note(caller, _conversation_id(conversation_id), _body()), 201)


@rest.route("/chats/{conversation_id}/rating-request", methods=["POST"], cors=CORS)
@edge(rest, Audience.STAFF)
def request_rating(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return ending.request_rating(caller, _conversation_id(conversation_id))


@rest.route("/chats/{conversation_id}/tickets", methods=["POST"], cors=CORS)
@edge(rest, Audience.STAFF)
def create_ticket(caller: Principal, conversation_id: str) -> Any:
    return json_response(records.create_ticket_from_chat(caller, _conversation_id(conversation_id), _body()), 201)


@rest.route("/tickets", methods=["GET"], cors=CORS)
@edge(rest, Audience.STAFF)
def list_tickets(caller: Principal) -> dict[str, Any]:
    return records.list_tickets(caller, _params())


@rest.route("/tickets/{ticket_id}", methods=["GET"], cors=CORS)
@edge(rest, Audience.STAFF)
def ticket_detail(caller: Principal, ticket_id: str) -> dict[str, Any]:
    return records.ticket_detail(caller, id_field({"ticketId": ticket_id}, "ticketId"))


@rest.route("/tickets/{ticket_id}", methods=["PATCH"], cors=CORS)
@edge(rest, Audience.STAFF)
def change_ticket(caller: Principal, ticket_id: str) -> dict[str, Any]:
    return ticket_workflow.change_ticket(caller, id_field({"ticketId": ticket_id}, "ticketId"), _body())


@rest.route("/history", methods=["GET"], cors=CORS)
@edge(rest, Audience.STAFF)
def history(caller: Principal) -> dict[str, Any]:
    return records.search_history(caller, _params())


@rest.route("/settings", methods=["GET"], cors=CORS)
@edge(rest, Audience.STAFF)
def get_settings(caller: Principal) -> dict[str, Any]:
    return settings.load_settings().to_api()


@rest.route("/settings", methods=["PUT"], cors=CORS)
@edge(rest, Audience.ADMIN)
def put_settings(caller: Principal) -> dict[str, Any]:
    before, after = settings.update_settings(_body(), caller)
    if after is before:
        return after.to_api()
    if after.max_chats_per_agent > before.max_chats_per_agent:
        assignment.assign_waiting_chats(after)  # raised capacity takes waiting chats at once
    accounts.announce_settings(after)
    return after.to_api()
