"""REST routes of canned responses (상용구): each staff member's own under /canned-responses, the
shared ones (admins) under /admin/canned-responses. Registered in app.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.domain.access import Audience
from chalicelib.domain.canned import CannedScope
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import parse_json_object
from chalicelib.entrypoints.edge import edge
from chalicelib.entrypoints.errors import json_response
from chalicelib.entrypoints.rest import CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import canned
else:
    canned = lazy_module("chalicelib.services.canned")

canned_routes = Blueprint(__name__)

PERSONAL, SHARED = CannedScope.PERSONAL, CannedScope.SHARED
CSV_HEADERS = {"Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store"}
# The CSV import's JSON body: up to 2,000 responses of 2,000 characters, JSON-escaped.
MAX_IMPORT_BODY_BYTES = 10 * 1024 * 1024


def _body(max_bytes: int | None = None) -> dict[str, Any]:
    raw = canned_routes.current_request.raw_body
    return parse_json_object(raw) if max_bytes is None else parse_json_object(raw, max_bytes=max_bytes)


def _params() -> dict[str, Any]:
    return dict(canned_routes.current_request.query_params or {})


def _csv(data: bytes, scope: CannedScope) -> Response:
    disposition = f'attachment; filename="canned-{scope.value}.csv"'
    headers: dict[str, str | list[str]] = {**CSV_HEADERS, "Content-Disposition": disposition}
    return Response(body=data.decode("utf-8"), status_code=200, headers=headers)


# --- every staff member: the composer's list, insertion, and their own responses --------------


@canned_routes.route("/canned-responses", methods=["GET"], cors=CORS)
@edge(canned_routes, Audience.STAFF)
def usable(caller: Principal) -> dict[str, Any]:
    return canned.usable_responses(caller)


@canned_routes.route("/canned-responses", methods=["POST"], cors=CORS)
@edge(canned_routes, Audience.STAFF)
def create_personal(caller: Principal) -> Any:
    return json_response(canned.create_response(caller, PERSONAL, _body()), 201)


@canned_routes.route("/canned-responses/order", methods=["PUT"], cors=CORS)
@edge(canned_routes, Audience.STAFF)
def reorder_personal(caller: Principal) -> dict[str, Any]:
    return canned.reorder(caller, PERSONAL, _body())


@canned_routes.route("/canned-responses/export", methods=["GET"], cors=CORS)
@edge(canned_routes, Audience.STAFF)
def export_personal(caller: Principal) -> Response:
    return _csv(canned.export_csv(caller, PERSONAL, _params()), PERSONAL)


@canned_routes.route("/canned-responses/import", methods=["POST"], cors=CORS)
@edge(canned_routes, Audience.STAFF)
def import_personal(caller: Principal) -> dict[str, Any]:
    return canned.import_csv(caller, PERSONAL, _body(MAX_IMPORT_BODY_BYTES))


@canned_routes.route("/canned-responses/{response_id}", methods=["PUT"], cors=CORS)
@edge(canned_routes, Audience.STAFF)
def edit_personal(caller: Principal, response_id: str) -> dict[str, Any]:
    return canned.edit_response(caller, PERSONAL, response_id, _body())


@canned_routes.route("/canned-responses/{response_id}", methods=["DELETE"], cors=CORS)
@edge(canned_routes, Audience.STAFF)
def delete_personal(caller: Principal, response_id: str) -> dict[str, Any]:
    return canned.delete_response(caller, PERSONAL, response_id)


@canned_routes.route("/canned-responses/{response_id}/use", methods=["POST"], cors=CORS)
@edge(canned_routes, Audience.STAFF)
def use(caller: Principal, response_id: str) -> dict[str, Any]:
    return canned.use_response(caller, response_id, _body())


# --- admins: the shared responses ---------------------------------------------------------------


@canned_routes.route("/admin/canned-responses", methods=["GET"], cors=CORS)
@edge(canned_routes, Audience.ADMIN)
def shared(caller: Principal) -> dict[str, Any]:
    return canned.shared_responses(caller)


@canned_routes.route("/admin/canned-responses", methods=["POST"], cors=CORS)
@edge(canned_routes, Audience.ADMIN)
def create_shared(caller: Principal) -> Any:
    return json_response(canned.create_response(caller, SHARED, _body()), 201)


@canned_routes.route("/admin/canned-responses/order", methods=["PUT"], cors=CORS)
@edge(canned_routes, Audience.ADMIN)
def reorder_shared(caller: Principal) -> dict[str, Any]:
    return canned.reorder(caller, SHARED, _body())


@canned_routes.route("/admin/canned-responses/export", methods=["GET"], cors=CORS)
@edge(canned_routes, Audience.ADMIN)
def export_shared(caller: Principal) -> Response:
    return _csv(canned.export_csv(caller, SHARED, _params()), SHARED)


@canned_routes.route("/admin/canned-responses/import", methods=["POST"], cors=CORS)
@edge(canned_routes, Audience.ADMIN)
def import_shared(caller: Principal) -> dict[str, Any]:
    return canned.import_csv(caller, SHARED, _body(MAX_IMPORT_BODY_BYTES))


@canned_routes.route("/admin/canned-responses/{response_id}", methods=["PUT"], cors=CORS)
@edge(canned_routes, Audience.ADMIN)
def edit_shared(caller: Principal, response_id: str) -> dict[str, Any]:
    return canned.edit_response(caller, SHARED, response_id, _body())


@canned_routes.route("/admin/canned-responses/{response_id}", methods=["DELETE"], cors=CORS)
@edge(canned_routes, Audience.ADMIN)
def delete_shared(caller: Principal, response_id: str) -> dict[str, Any]:
    return canned.delete_response(caller, SHARED, response_id)
