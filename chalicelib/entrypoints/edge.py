"""The one request edge of every REST route: who is calling, and may they call this route at all.

Each route declares its audience (`chalicelib/domain/access.py`) with `@edge(blueprint, Audience.X)`;
the edge verifies the bearer token, refuses a disabled staff account (a Cognito ID token stays
valid until it expires after an admin disabled it) and, where admins must have MFA, an admin
without an authenticator app, reads the account's chat permission, applies
the audience, and maps every failure to the documented error body. The route then gets the
caller as its first argument. Who may see one chat is decided by the services
(`model.check_can_see_chat`). The WebSocket's edge is `limits.admit_frame` + app.ACTIONS.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chalice import Blueprint, Response

from chalicelib.auth.mfa import check_admin_mfa
from chalicelib.auth.tokens import bearer_token, principal_from_token
from chalicelib.bootstrap import store
from chalicelib.domain.access import Audience, admit
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.model import Principal
from chalicelib.entrypoints.errors import rest_errors


def resolve_caller(headers: Any) -> Principal:
    """The verified caller; staff: enabled, with their chat permission (one GetItem)."""
    principal = principal_from_token(bearer_token(headers))
    if not principal.is_staff:
        return principal
    agent = store().agents.get(principal.user_id)  # None: a new account's first call, nothing stored yet
    if agent is not None and agent.disabled:
        raise Forbidden("this account is disabled")
    check_admin_mfa(principal)
    return principal if agent is None else replace(principal, may_chat=bool(agent.chat_permission))


def edge(blueprint: Blueprint, audience: Audience) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Declare a route's audience; the route is called as `route(caller, **path_params)`
    (public routes without the caller: they read no token)."""

    def decorate(route: Callable[..., Any]) -> Callable[..., Response]:
        @rest_errors
        @functools.wraps(route)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if audience is Audience.PUBLIC:
                return route(*args, **kwargs)
            caller = resolve_caller(blueprint.current_request.headers)
            admit(audience, caller)
            return route(caller, *args, **kwargs)

        guarded.audience = audience  # type: ignore[attr-defined]  # read by the authorization matrix
        return guarded

    return decorate
