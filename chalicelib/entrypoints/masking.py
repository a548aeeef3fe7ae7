"""REST routes of masking (S-5): mask, unmask, the audit log. Registered in app.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.domain.model import Principal
from chalicelib.domain.validation import id_field, parse_json_object
from chalicelib.entrypoints.callers import caller_of
from chalicelib.entrypoints.errors import rest_errors
from chalicelib.entrypoints.rest import CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import masking
else:
    masking = lazy_module("chalicelib.services.masking")

masking_routes = Blueprint(__name__)


def _caller() -> Principal:
    return caller_of(masking_routes.current_request)  # refuses disabled staff accounts


def _conversation_id(raw: str) -> str:
    return id_field({"conversationId": raw}, "conversationId")


@masking_routes.route("/chats/{conversation_id}/messages/{seq}/masks", methods=["POST"], cors=CORS)
@rest_errors
def mask_message(conversation_id: str, seq: str) -> dict[str, Any]:
    principal = _caller()
    body = parse_json_object(masking_routes.current_request.raw_body)
    return masking.mask_message(principal, _conversation_id(conversation_id), seq, body)


@masking_routes.route("/chats/{conversation_id}/messages/{seq}/masks/{mask_id}", methods=["DELETE"], cors=CORS)
@rest_errors
def unmask_message(conversation_id: str, seq: str, mask_id: str) -> dict[str, Any]:
    return masking.unmask_message(_caller(), _conversation_id(conversation_id), seq, mask_id)


@masking_routes.route("/masking/audit", methods=["GET"], cors=CORS)
@rest_errors
def audit_log() -> dict[str, Any]:
    return masking.audit_entries(_caller(), dict(masking_routes.current_request.query_params or {}))
