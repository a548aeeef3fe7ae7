"""Customer session tokens: renewal while the current one is still valid."""

from __future__ import annotations

from typing import Any

import jwt

from chalicelib.auth.tokens import issue_customer_token
from chalicelib.bootstrap import store
from chalicelib.domain import model as rules
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.model import Principal, Role


def renew_customer_token(principal: Principal, conversation_id: str) -> dict[str, Any]:
    """A new token for the same customer and conversation, with a new expiry.

    Only a valid (unexpired) customer token of this conversation renews; an expired one must
    start a new chat. Staff tokens are Cognito's to refresh.
    """
    if principal.role is not Role.CUSTOMER:
        raise Forbidden("only a customer session is renewed here; staff refresh through Cognito")
    conv = store().conversations.get(conversation_id)
    rules.check_can_read(principal, conv.access)
    token = issue_customer_token(principal.user_id, conversation_id)
    expires_at = jwt.decode(token, options={"verify_signature": False})["exp"]
    return {"token": token, "expiresAt": expires_at, "conversationId": conversation_id}
