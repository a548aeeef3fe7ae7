"""REST routes (request/response work). Each parses, calls one service function, returns JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.auth.tokens import bearer_token, principal_from_token
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.model import Principal, Role
from chalicelib.domain.validation import id_field, parse_json_object
from chalicelib.entrypoints.cors import staff_cors, widget_cors
from chalicelib.entrypoints.errors import json_response, rest_errors
from chalicelib.lazy_import import lazy_module
from chalicelib.services import chat, settings

if TYPE_CHECKING:
    from chalicelib.services import accounts, records
else:
    # Loaded by the first route that uses them: the WebSocket functions import this module too.
    accounts = lazy_module("chalicelib.services.accounts")
    records = lazy_module("chalicelib.services.records")

rest = Blueprint(__name__)

# Bearer tokens, never cookies. Staff routes answer the configured console origin; the routes the
# widget calls answer the widget's (any site by default). See chalicelib/entrypoints/cors.py.
CORS = staff_cors()
WIDGET_CORS = widget_cors()


def _body() -> dict[str, Any]:
    return parse_json_object(rest.current_request.raw_body)


def _params() -> dict[str, Any]:
    return dict(rest.current_request.query_params or {})


def _caller() -> Principal:
    return principal_from_token(bearer_token(rest.current_request.headers))


def _staff() -> Principal:
    principal = _caller()
    if not principal.is_staff:
        raise Forbidden("agents and admins only")
    accounts.check_active(principal)
    return principal


def _admin() -> Principal:
    principal = _caller()
    if principal.role is not Role.ADMIN:
        raise Forbidden("admins only")
    accounts.check_active(principal)
    return principal


def _conversation_id(raw: str) -> str:
    return id_field({"conversationId": raw}, "conversationId")


# --- public: the widget before a chat exists -------------------------------------------------


@rest.route("/widget/availability", methods=["GET"], cors=WIDGET_CORS)
@rest_errors
def availability() -> dict[str, Any]:
    return chat.availability()


@rest.route("/chats", methods=["POST"], cors=WIDGET_CORS)
@rest_errors
def start_chat() -> Any:
    return json_response(chat.start_chat(_body()), 201)


@rest.route("/inquiries", methods=["POST"], cors=WIDGET_CORS)
@rest_errors
def leave_inquiry() -> Any:
    return json_response(records.leave_inquiry(_body()), 201)


# --- customer or staff ---------------------------------------------------------------------


@rest.route("/chats/{conversation_id}", methods=["GET"], cors=WIDGET_CORS)
@rest_errors
def get_chat(conversation_id: str) -> dict[str, Any]:
    return chat.get_conversation(_caller(), _conversation_id(conversation_id))


@rest.route("/chats/{conversation_id}/messages", methods=["GET"], cors=WIDGET_CORS)
@rest_errors
def chat_messages(conversation_id: str) -> dict[str, Any]:
    params = _params()
    body = {"conversationId": _conversation_id(conversation_id), "afterSeq": params.get("afterSeq", 0)}
    if "limit" in params:
        body["limit"] = params["limit"]
    return chat.sync_messages(_caller(), body)


@rest.route("/chats/{conversation_id}/rating", methods=["POST"], cors=WIDGET_CORS)
@rest_errors
def submit_rating(conversation_id: str) -> dict[str, Any]:
    return chat.submit_rating(_caller(), _conversation_id(conversation_id), _body())


@rest.route("/chats/{conversation_id}/end", methods=["POST"], cors=WIDGET_CORS)
@rest_errors
def end_chat(conversation_id: str) -> dict[str, Any]:
    return chat.end_chat(_caller(), _conversation_id(conversation_id))


# --- agents and admins ---------------------------------------------------------------------


@rest.route("/me", methods=["GET"], cors=CORS)
@rest_errors
def me() -> dict[str, Any]:
    return chat.agent_state(_staff())


@rest.route("/me/status", methods=["PUT"], cors=CORS)
@rest_errors
def set_status() -> dict[str, Any]:
    return chat.set_status(_staff(), _body())


@rest.route("/me/profile", methods=["PUT"], cors=CORS)
@rest_errors
def set_profile() -> dict[str, Any]:
    return accounts.set_own_display_name(_caller(), _body())


@rest.route("/agent/chats", methods=["GET"], cors=CORS)
@rest_errors
def agent_chats() -> dict[str, Any]:
    return chat.agent_chats(_staff())


@rest.route("/queue", methods=["GET"], cors=CORS)
@rest_errors
def queue() -> dict[str, Any]:
    return chat.queue(_staff())


@rest.route("/chats/{conversation_id}/transcript", methods=["GET"], cors=CORS)
@rest_errors
def transcript(conversation_id: str) -> dict[str, Any]:
    return records.transcript(_staff(), _conversation_id(conversation_id))


@rest.route("/chats/{conversation_id}/customer", methods=["PUT"], cors=CORS)
@rest_errors
def save_customer_info(conversation_id: str) -> dict[str, Any]:
    return chat.save_customer_info(_staff(), _conversation_id(conversation_id), _body())


@rest.route("/chats/{conversation_id}/counsel", methods=["PUT"], cors=CORS)
@rest_errors
def save_counsel_info(conversation_id: str) -> dict[str, Any]:
    return chat.save_counsel_info(_staff(), _conversation_id(conversation_id), _body())


@rest.route("/chats/{conversation_id}/rating-request", methods=["POST"], cors=CORS)
@rest_errors
def request_rating(conversation_id: str) -> dict[str, Any]:
    return chat.request_rating(_staff(), _conversation_id(conversation_id))


@rest.route("/chats/{conversation_id}/tickets", methods=["POST"], cors=CORS)
@rest_errors
def create_ticket(conversation_id: str) -> Any:
    principal = _staff()
    return json_response(records.create_ticket_from_chat(principal, _conversation_id(conversation_id), _body()), 201)


@rest.route("/tickets", methods=["GET"], cors=CORS)
@rest_errors
def list_tickets() -> dict[str, Any]:
    return records.list_tickets(_staff(), _params())


@rest.route("/tickets/{ticket_id}", methods=["GET"], cors=CORS)
@rest_errors
def ticket_detail(ticket_id: str) -> dict[str, Any]:
    return records.ticket_detail(_staff(), id_field({"ticketId": ticket_id}, "ticketId"))


@rest.route("/history", methods=["GET"], cors=CORS)
@rest_errors
def history() -> dict[str, Any]:
    return records.search_history(_staff(), _params())


@rest.route("/settings", methods=["GET"], cors=CORS)
@rest_errors
def get_settings() -> dict[str, Any]:
    _staff()
    return settings.load_settings().to_api()


@rest.route("/settings", methods=["PUT"], cors=CORS)
@rest_errors
def put_settings() -> dict[str, Any]:
    admin = _admin()
    before, after = settings.update_settings(_body(), admin)
    if after is before:
        return after.to_api()
    if after.max_chats_per_agent > before.max_chats_per_agent:
        chat.assign_waiting_chats(after)  # raised capacity takes waiting chats at once
    accounts.announce_settings(after)
    return after.to_api()
