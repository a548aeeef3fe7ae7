"""WebSocket connections: $connect authorizes and remembers one, $disconnect forgets it."""

from __future__ import annotations

from chalicelib.auth.mfa import check_admin_mfa
from chalicelib.auth.tokens import principal_from_token
from chalicelib.bootstrap import clock, store
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.model import Principal, Role
from chalicelib.services import notify


def connect(connection_id: str, token: str | None) -> Principal:
    """Authorize a new WebSocket connection and remember it. Raises before storing anything."""
    principal = principal_from_token(token)
    now = clock()
    db = store()
    if principal.role is Role.CUSTOMER:
        db.conversations.get(principal.conversation_id or "")  # NotFound for a deleted chat
        db.connections.put(connection_id, principal, now)
        db.conversations.add_customer_connection(principal.conversation_id or "", connection_id)
        return principal
    if db.agents.ensure(principal).disabled:
        raise Forbidden("this account is disabled")
    check_admin_mfa(principal)  # as at the REST edge: an admin without an authenticator app stays out
    db.connections.put(connection_id, principal, now)
    if db.agents.add_connection(principal.user_id, connection_id).disabled:
        # Disabled while this tab connected: the admin's close may have read the agent before this
        # id was added. The update answers the item as it is now, so one of the two sees the other.
        notify.forget_connection(connection_id, agent_id=principal.user_id)
        raise Forbidden("this account is disabled")
    for conv in db.queues.live_of(principal.user_id):
        db.conversations.add_agent_connection(conv.conversation_id, principal.user_id, connection_id)
    return principal


def disconnect(connection_id: str) -> None:
    notify.forget_connection(connection_id)
