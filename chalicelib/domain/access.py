"""Who may call what: each REST route and WebSocket action declares an audience.

Pure rules. The request edge (chalicelib/entrypoints/edge.py) resolves the caller and applies
`admit` before any route runs; who may see one chat is `model.check_can_see_chat`, applied by the
services wherever a chat's personal data leaves the store.
"""

from __future__ import annotations

from enum import StrEnum

from chalicelib.domain.errors import Forbidden, Unauthorized
from chalicelib.domain.model import SUPERVISING_ROLES, Principal, Role


class Audience(StrEnum):
    PUBLIC = "public"  # anyone: no token is read
    SIGNED_IN = "signed_in"  # a customer session or staff; the service decides per chat
    CUSTOMER = "customer"
    STAFF = "staff"  # agents, supervisors and admins whose account is enabled
    SUPERVISORS = "supervisors"  # supervisors and admins: watch, whisper, take over, the wallboard
    ADMIN = "admin"
    # Who watches the wallboard (실시간 현황판: the `wallboard.subscribe` action and its pushes). One
    # rule, so a later role (supervisors) joins it here and nowhere else.
    WALLBOARD = "wallboard"


ROLES_OF_AUDIENCE: dict[Audience, frozenset[Role]] = {
    Audience.SIGNED_IN: frozenset(Role),
    Audience.CUSTOMER: frozenset({Role.CUSTOMER}),
    Audience.STAFF: frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN}),
    Audience.SUPERVISORS: SUPERVISING_ROLES,
    Audience.ADMIN: frozenset({Role.ADMIN}),
    Audience.WALLBOARD: SUPERVISING_ROLES,
}


def admit(audience: Audience, principal: Principal | None) -> None:
    """Unauthorized without a caller, Forbidden for a role outside the audience."""
    if audience is Audience.PUBLIC:
        return
    if principal is None:
        raise Unauthorized("a token is required")
    if principal.role not in ROLES_OF_AUDIENCE[audience]:
        raise Forbidden(
            {
                Audience.CUSTOMER: "customers only",
                Audience.STAFF: "agents and admins only",
                Audience.SUPERVISORS: "supervisors and admins only",
                Audience.ADMIN: "admins only",
                Audience.WALLBOARD: "the wallboard is for admins and supervisors",
            }.get(audience, "not allowed")
        )
