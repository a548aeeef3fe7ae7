"""REST routes of issue #21: routing settings (timers, hours, teams), opening and transferring a chat,
and the transfer dialog's targets."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.domain.access import Audience
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import id_field, parse_json_object
from chalicelib.entrypoints.cors import staff_cors
from chalicelib.entrypoints.edge import edge
from chalicelib.services import live_timers, routing_settings, transfer, transfer_targets

routing_routes = Blueprint(__name__)
CORS = staff_cors()


def _body() -> dict[str, Any]:
    return parse_json_object(routing_routes.current_request.raw_body)


def _conversation_id(raw: str) -> str:
    return id_field({"conversationId": raw}, "conversationId")


@routing_routes.route("/settings/routing", methods=["GET"], cors=CORS)
@edge(routing_routes, Audience.STAFF)
def get_routing_settings(caller: Principal) -> dict[str, Any]:
    return routing_settings.load_routing_settings().to_api()


@routing_routes.route("/settings/routing", methods=["PUT"], cors=CORS)
@edge(routing_routes, Audience.ADMIN)
def put_routing_settings(caller: Principal) -> dict[str, Any]:
    return routing_settings.save_from_admin(_body(), caller).to_api()


@routing_routes.route("/chats/{conversation_id}/open", methods=["POST"], cors=CORS)
@edge(routing_routes, Audience.STAFF)
def open_chat(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return live_timers.open_chat(caller, _conversation_id(conversation_id))


@routing_routes.route("/chats/{conversation_id}/transfer", methods=["POST"], cors=CORS)
@edge(routing_routes, Audience.STAFF)
def transfer_chat(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return transfer.transfer_chat(caller, _conversation_id(conversation_id), _body())


@routing_routes.route("/chats/{conversation_id}/transfer-targets", methods=["GET"], cors=CORS)
@edge(routing_routes, Audience.STAFF)
def get_transfer_targets(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return transfer_targets.transfer_targets(caller, _conversation_id(conversation_id))
