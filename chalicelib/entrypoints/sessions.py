"""Session renewal for customers: a fresh session token before the current one expires.

Agents and admins renew through Cognito (the console's refresh token, REFRESH_TOKEN_AUTH) and
reconnect; see docs/security.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.domain.access import Audience
from chalicelib.domain.model import Principal
from chalicelib.domain.validation import id_field
from chalicelib.entrypoints.edge import edge
from chalicelib.entrypoints.rest import WIDGET_CORS
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import sessions as service
else:
    service = lazy_module("chalicelib.services.sessions")

sessions = Blueprint(__name__)


@sessions.route("/chats/{conversation_id}/session", methods=["POST"], cors=WIDGET_CORS)
@edge(sessions, Audience.CUSTOMER)
def renew_customer_session(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return service.renew_customer_token(caller, id_field({"conversationId": conversation_id}, "conversationId"))
