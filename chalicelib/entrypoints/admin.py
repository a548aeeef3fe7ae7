"""REST routes of the admin view: staff accounts, chat permission, per-agent maximum, presence.

Admins only (checked in chalicelib/services/accounts.py). Registered in app.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.auth.tokens import bearer_token, principal_from_token
from chalicelib.domain.accounts import username_from_path
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import parse_json_object
from chalicelib.entrypoints.errors import json_response, rest_errors
from chalicelib.entrypoints.rest import CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import accounts
else:
    accounts = lazy_module("chalicelib.services.accounts")  # the Cognito directory, only on admin routes

admin_routes = Blueprint(__name__)


def _caller() -> Principal:
    # Not callers.caller_of: every admin use case checks the account is active itself (require_admin).
    return principal_from_token(bearer_token(admin_routes.current_request.headers))


def _body() -> dict[str, Any]:
    return parse_json_object(admin_routes.current_request.raw_body)


@admin_routes.route("/admin/agents", methods=["GET"], cors=CORS)
@rest_errors
def list_accounts() -> dict[str, Any]:
    return accounts.list_accounts(_caller())


@admin_routes.route("/admin/agents", methods=["POST"], cors=CORS)
@rest_errors
def invite() -> Any:
    actor = _caller()
    return json_response(accounts.invite(actor, _body()), 201)


@admin_routes.route("/admin/agents/{agent_id}/chat-permission", methods=["PUT"], cors=CORS)
@rest_errors
def set_chat_permission(agent_id: str) -> dict[str, Any]:
    actor = _caller()
    return accounts.set_chat_permission(actor, username_from_path(agent_id), _body())


@admin_routes.route("/admin/agents/{agent_id}/max-chats", methods=["PUT"], cors=CORS)
@rest_errors
def set_max_chats(agent_id: str) -> dict[str, Any]:
    actor = _caller()
    return accounts.set_max_chats(actor, username_from_path(agent_id), _body())


@admin_routes.route("/admin/agents/{agent_id}/display-name", methods=["PUT"], cors=CORS)
@rest_errors
def set_display_name(agent_id: str) -> dict[str, Any]:
    actor = _caller()
    return accounts.set_display_name(actor, username_from_path(agent_id), _body())


@admin_routes.route("/admin/agents/{agent_id}/role", methods=["PUT"], cors=CORS)
@rest_errors
def set_role(agent_id: str) -> dict[str, Any]:
    actor = _caller()
    return accounts.set_role(actor, username_from_path(agent_id), _body())


@admin_routes.route("/admin/agents/{agent_id}/disable", methods=["POST"], cors=CORS)
@rest_errors
def disable(agent_id: str) -> dict[str, Any]:
    return accounts.disable(_caller(), username_from_path(agent_id))


@admin_routes.route("/admin/agents/{agent_id}/enable", methods=["POST"], cors=CORS)
@rest_errors
def enable(agent_id: str) -> dict[str, Any]:
    return accounts.enable(_caller(), username_from_path(agent_id))


@admin_routes.route("/admin/presence", methods=["GET"], cors=CORS)
@rest_errors
def presence() -> dict[str, Any]:
    return accounts.presence(_caller())
