"""REST routes of the Excel export (데이터 추출): request, poll, list. The work runs in the export function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.domain.access import Audience
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import id_field, parse_json_object
from chalicelib.entrypoints.edge import edge
from chalicelib.entrypoints.errors import json_response
from chalicelib.entrypoints.rest import CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import exports as service
else:
    service = lazy_module("chalicelib.services.exports")  # S3/SQS clients and job store, only on these routes

exports = Blueprint(__name__)


@exports.route("/exports", methods=["POST"], cors=CORS)
@edge(exports, Audience.STAFF)
def request_export(caller: Principal) -> Any:
    return json_response(service.request_export(caller, parse_json_object(exports.current_request.raw_body)), 202)


@exports.route("/exports", methods=["GET"], cors=CORS)
@edge(exports, Audience.STAFF)
def list_exports(caller: Principal) -> dict[str, Any]:
    return service.list_exports(caller, dict(exports.current_request.query_params or {}))


@exports.route("/exports/{export_id}", methods=["GET"], cors=CORS)
@edge(exports, Audience.STAFF)
def get_export(caller: Principal, export_id: str) -> dict[str, Any]:
    return service.get_export(caller, id_field({"exportId": export_id}, "exportId"))
