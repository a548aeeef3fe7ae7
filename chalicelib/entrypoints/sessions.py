"""Session renewal for customers: a fresh session token before the current one expires.

Agents and admins renew through Cognito (the console's refresh token, REFRESH_TOKEN_AUTH) and
reconnect; see docs/security.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.auth.tokens import bearer_token, principal_from_token
from chalicelib.domain.validation import id_field
from chalicelib.entrypoints.errors import rest_errors
from chalicelib.entrypoints.rest import WIDGET_CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import sessions as service
else:
    service = lazy_module("chalicelib.services.sessions")

sessions = Blueprint(__name__)


@sessions.route("/chats/{conversation_id}/session", methods=["POST"], cors=WIDGET_CORS)
@rest_errors
def renew_customer_session(conversation_id: str) -> dict[str, Any]:
    principal = principal_from_token(bearer_token(sessions.current_request.headers))
    return service.renew_customer_token(principal, id_field({"conversationId": conversation_id}, "conversationId"))
