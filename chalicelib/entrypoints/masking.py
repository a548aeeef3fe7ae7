"""REST routes of masking (S-5): mask, unmask, the audit log. Registered in app.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.domain.access import Audience
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import id_field, parse_json_object
from chalicelib.entrypoints.edge import edge
from chalicelib.entrypoints.rest import CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import masking
else:
    masking = lazy_module("chalicelib.services.masking")

masking_routes = Blueprint(__name__)


def _conversation_id(raw: str) -> str:
    return id_field({"conversationId": raw}, "conversationId")


@masking_routes.route("/chats/{conversation_id}/messages/{seq}/masks", methods=["POST"], cors=CORS)
@edge(masking_routes, Audience.STAFF)
def mask_message(caller: Principal, conversation_id: str, seq: str) -> dict[str, Any]:
    body = parse_json_object(masking_routes.current_request.raw_body)
    return masking.mask_message(caller, _conversation_id(conversation_id), seq, body)


@masking_routes.route("/chats/{conversation_id}/messages/{seq}/masks/{mask_id}", methods=["DELETE"], cors=CORS)
@edge(masking_routes, Audience.STAFF)
def unmask_message(caller: Principal, conversation_id: str, seq: str, mask_id: str) -> dict[str, Any]:
    return masking.unmask_message(caller, _conversation_id(conversation_id), seq, mask_id)


@masking_routes.route("/masking/audit", methods=["GET"], cors=CORS)
@edge(masking_routes, Audience.ADMIN)
def audit_log(caller: Principal) -> dict[str, Any]:
    return masking.audit_entries(caller, dict(masking_routes.current_request.query_params or {}))
