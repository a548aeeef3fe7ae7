"""Who is calling a REST route: the bearer token verified, and a disabled staff account refused.

A Cognito ID token stays valid until it expires even after an admin disabled the account, so
every REST blueprint takes its caller from here (one GetItem for staff callers, none for customers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.auth.tokens import bearer_token, principal_from_token
from chalicelib.domain.model import Principal
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import accounts
else:
    accounts = lazy_module("chalicelib.services.accounts")


def caller_of(request: Any) -> Principal:
    principal = principal_from_token(bearer_token(request.headers))
    accounts.check_active(principal)
    return principal
