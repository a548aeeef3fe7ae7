"""REST routes of the admin view: staff accounts, chat permission, per-agent maximum, presence.

Admins only (the edge, chalicelib/entrypoints/edge.py), but the presence (the wallboard), which
supervisors read too. Registered in app.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.domain.access import Audience
from chalicelib.domain.accounts import username_from_path
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import parse_json_object
from chalicelib.entrypoints.edge import edge
from chalicelib.entrypoints.errors import json_response
from chalicelib.entrypoints.rest import CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import accounts
else:
    accounts = lazy_module("chalicelib.services.accounts")  # the Cognito directory, only on admin routes

admin_routes = Blueprint(__name__)


def _body() -> dict[str, Any]:
    return parse_json_object(admin_routes.current_request.raw_body)


@admin_routes.route("/admin/agents", methods=["GET"], cors=CORS)
@edge(admin_routes, Audience.ADMIN)
def list_accounts(caller: Principal) -> dict[str, Any]:
    return accounts.list_accounts(caller)


@admin_routes.route("/admin/agents", methods=["POST"], cors=CORS)
@edge(admin_routes, Audience.ADMIN)
def invite(caller: Principal) -> Any:
    return json_response(accounts.invite(caller, _body()), 201)


@admin_routes.route("/admin/agents/{agent_id}/chat-permission", methods=["PUT"], cors=CORS)
@edge(admin_routes, Audience.ADMIN)
def set_chat_permission(caller: Principal, agent_id: str) -> dict[str, Any]:
    return accounts.set_chat_permission(caller, username_from_path(agent_id), _body())


@admin_routes.route("/admin/agents/{agent_id}/max-chats", methods=["PUT"], cors=CORS)
@edge(admin_routes, Audience.ADMIN)
def set_max_chats(caller: Principal, agent_id: str) -> dict[str, Any]:
    return accounts.set_max_chats(caller, username_from_path(agent_id), _body())


@admin_routes.route("/admin/agents/{agent_id}/display-name", methods=["PUT"], cors=CORS)
@edge(admin_routes, Audience.ADMIN)
def set_display_name(caller: Principal, agent_id: str) -> dict[str, Any]:
    return accounts.set_display_name(caller, username_from_path(agent_id), _body())


@admin_routes.route("/admin/agents/{agent_id}/role", methods=["PUT"], cors=CORS)
@edge(admin_routes, Audience.ADMIN)
def set_role(caller: Principal, agent_id: str) -> dict[str, Any]:
    return accounts.set_role(caller, username_from_path(agent_id), _body())


@admin_routes.route("/admin/agents/{agent_id}/disable", methods=["POST"], cors=CORS)
@edge(admin_routes, Audience.ADMIN)
def disable(caller: Principal, agent_id: str) -> dict[str, Any]:
    return accounts.disable(caller, username_from_path(agent_id))


@admin_routes.route("/admin/agents/{agent_id}/enable", methods=["POST"], cors=CORS)
@edge(admin_routes, Audience.ADMIN)
def enable(caller: Principal, agent_id: str) -> dict[str, Any]:
    return accounts.enable(caller, username_from_path(agent_id))


@admin_routes.route("/admin/presence", methods=["GET"], cors=CORS)
@edge(admin_routes, Audience.SUPERVISORS)  # the wallboard (실시간 현황): supervisors too (issue #24)
def presence(caller: Principal) -> dict[str, Any]:
    return accounts.presence(caller)
