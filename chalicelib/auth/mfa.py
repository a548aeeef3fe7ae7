"""Admins must have an authenticator app (ADMIN_MFA_REQUIRED): the check every staff caller passes,
at the REST edge (chalicelib/entrypoints/edge.py) and at the WebSocket's $connect
(chalicelib/services/connections.py), so neither way in skips it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from chalicelib.config import get_config
from chalicelib.domain.errors import MfaRequired
from chalicelib.domain.model import Principal, Role
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.auth import directory
else:
    directory = lazy_module("chalicelib.auth.directory")  # Cognito, only when admins must have MFA

# Admins known to have an authenticator app enrolled, with when that was read (per container).
# Only a "yes" is kept: an admin who just enrolled is let in at their next call.
_totp_seen: dict[str, float] = {}
TOTP_CACHE_SECONDS = 300


def check_admin_mfa(principal: Principal) -> None:
    """With ADMIN_MFA_REQUIRED, an admin whose Cognito user has no TOTP app gets 403 `mfa_required`.

    Cognito can require MFA only for a whole pool (agents too); this makes it required for admins
    alone. One AdminGetUser per admin and container every TOTP_CACHE_SECONDS.
    """
    config = get_config()
    if principal.role is not Role.ADMIN or not config.admin_mfa_required:
        return
    key = f"{config.cognito_user_pool_id}/{principal.user_id}"
    now = time.monotonic()
    seen = _totp_seen.get(key)
    if seen is not None and now - seen < TOTP_CACHE_SECONDS:
        return
    if not directory.has_totp(principal.user_id):
        raise MfaRequired("admins must set up an authenticator app (TOTP) first")
    _totp_seen[key] = now
