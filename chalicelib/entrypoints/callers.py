"""Who is calling a REST route: the bearer token verified, and a disabled staff account refused.

A Cognito ID token stays valid until it expires even after an admin disabled the account, so
every REST blueprint takes its caller from here (one GetItem for staff callers, none for customers).
"""

from __future__ import annotations

from typing import Any

from chalicelib.auth.tokens import bearer_token, principal_from_token
from chalicelib.domain.model import Principal
from chalicelib.services.accounts import check_active


def caller_of(request: Any) -> Principal:
    principal = principal_from_token(bearer_token(request.headers))
    check_active(principal)
    return principal
