"""REST routes of supervision (issue #24): the live chats to watch, and taking one over.

Watching is the WebSocket's `chat.watch` / `chat.unwatch` (app.ACTIONS: it is about one tab);
whispers are `POST /chats/{id}/notes`. Supervisors and admins (Audience.SUPERVISORS).
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.domain.access import Audience
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import id_field, only_fields, parse_json_object
from chalicelib.entrypoints.cors import staff_cors
from chalicelib.entrypoints.edge import edge
from chalicelib.services import supervision, transfer

supervision_routes = Blueprint(__name__)
CORS = staff_cors()


@supervision_routes.route("/supervision/chats", methods=["GET"], cors=CORS)
@edge(supervision_routes, Audience.SUPERVISORS)
def live_chats(caller: Principal) -> dict[str, Any]:
    return supervision.live_chats(caller)


@supervision_routes.route("/chats/{conversation_id}/takeover", methods=["POST"], cors=CORS)
@edge(supervision_routes, Audience.SUPERVISORS)
def take_over(caller: Principal, conversation_id: str) -> dict[str, Any]:
    raw = supervision_routes.current_request.raw_body
    only_fields(parse_json_object(raw) if raw else {}, set())
    return transfer.take_over_chat(caller, id_field({"conversationId": conversation_id}, "conversationId"))
