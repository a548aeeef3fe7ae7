"""REST routes of the Excel export (데이터 추출): request, poll, list. The work runs in the export function."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.domain.model import Principal
from chalicelib.domain.validation import id_field, parse_json_object
from chalicelib.entrypoints.callers import caller_of
from chalicelib.entrypoints.errors import json_response, rest_errors
from chalicelib.entrypoints.rest import CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import exports as service
else:
    service = lazy_module("chalicelib.services.exports")  # S3/SQS clients and job store, only on these routes

exports = Blueprint(__name__)


def _caller() -> Principal:
    return caller_of(exports.current_request)  # refuses disabled staff accounts


@exports.route("/exports", methods=["POST"], cors=CORS)
@rest_errors
def request_export() -> Any:
    principal = _caller()
    return json_response(service.request_export(principal, parse_json_object(exports.current_request.raw_body)), 202)


@exports.route("/exports", methods=["GET"], cors=CORS)
@rest_errors
def list_exports() -> dict[str, Any]:
    return service.list_exports(_caller(), dict(exports.current_request.query_params or {}))


@exports.route("/exports/{export_id}", methods=["GET"], cors=CORS)
@rest_errors
def get_export(export_id: str) -> dict[str, Any]:
    return service.get_export(_caller(), id_field({"exportId": export_id}, "exportId"))
