"""Who is calling: Cognito JWTs for agents and admins, signed session tokens for customers.

Cognito tokens are verified here (RS256 against the pool's JWKS, issuer, client, expiry,
token use), not by an API Gateway authorizer, so REST and WebSocket share one check and
the same code runs against moto's Cognito.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import TYPE_CHECKING, Any

from chalicelib.config import Config, get_config
from chalicelib.domain.errors import Forbidden, Unauthorized
from chalicelib.domain.model import Principal, Role
from chalicelib.lazy_import import lazy_module

if TYPE_CHECKING:
    import jwt
else:
    # PyJWT imports cryptography (~50 ms): only the functions that verify or issue tokens pay for it.
    jwt = lazy_module("jwt")

CUSTOMER_TOKEN_ISSUER = "livechat"
_JWKS_REFRESH_SECONDS = 3600
_LEEWAY_SECONDS = 5


class JwksCache:
    """Public keys by kid, fetched once and again only for an unknown kid (at most every 60 s)."""

    def __init__(self) -> None:
        self._keys: dict[str, Any] = {}
        self._url = ""
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def key_for(self, url: str, kid: str) -> Any:
        with self._lock:
            stale = time.monotonic() - self._fetched_at > _JWKS_REFRESH_SECONDS
            if url != self._url or stale or (kid not in self._keys and time.monotonic() - self._fetched_at > 60):
                self._keys = _fetch_jwks(url)
                self._url = url
                self._fetched_at = time.monotonic()
            key = self._keys.get(kid)
        if key is None:
            raise Unauthorized("token signed by an unknown key")
        return key


def _fetch_jwks(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - URL comes from config
            document = json.loads(response.read())
    except (OSError, ValueError) as exc:
        raise Unauthorized("cannot load the sign-in keys") from exc
    keys: dict[str, Any] = {}
    for jwk in document.get("keys", []):
        try:
            keys[jwk["kid"]] = jwt.PyJWK.from_dict(jwk).key
        except (KeyError, jwt.PyJWKError):
            continue
    return keys


_jwks = JwksCache()


def verify_staff_token(token: str, config: Config | None = None) -> Principal:
    """A Cognito ID or access token → agent or admin principal."""
    config = config or get_config()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized("malformed token") from exc
    if header.get("alg") != "RS256" or not header.get("kid"):
        raise Unauthorized("unexpected token algorithm")
    key = _jwks.key_for(config.cognito_jwks_url, header["kid"])
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            issuer=config.cognito_issuer,
            options={"verify_aud": False, "require": ["exp", "iss", "token_use"]},
            leeway=_LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("token expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid token") from exc
    token_use = claims.get("token_use")
    # ID tokens name the app client in aud, access tokens in client_id.
    client = claims.get("aud") if token_use == "id" else claims.get("client_id")
    if token_use not in ("id", "access") or client != config.cognito_client_id:
        raise Unauthorized("token not issued for this application")
    groups = claims.get("cognito:groups") or []
    if "admins" in groups:
        role = Role.ADMIN
    elif "agents" in groups:
        role = Role.AGENT
    else:
        raise Forbidden("the user is neither an agent nor an admin")
    username = claims.get("cognito:username") or claims.get("username") or claims["sub"]
    email = claims.get("email") or (username if "@" in username else "")
    # display_name: only the `name` attribute (the one customers may see), never the e-mail.
    return Principal(role=role, user_id=username, display_name=claims.get("name") or "", email=email)


def issue_customer_token(customer_id: str, conversation_id: str, config: Config | None = None) -> str:
    config = config or get_config()
    if not config.customer_token_secret:
        raise RuntimeError("CUSTOMER_TOKEN_SECRET is not configured")
    now = int(time.time())
    claims = {
        "iss": CUSTOMER_TOKEN_ISSUER,
        "sub": customer_id,
        "conv": conversation_id,
        "typ": "customer",
        "iat": now,
        "exp": now + config.customer_token_ttl_seconds,
    }
    return jwt.encode(claims, config.customer_token_secret, algorithm="HS256")


def verify_customer_token(token: str, config: Config | None = None) -> Principal:
    config = config or get_config()
    if not config.customer_token_secret:
        raise Unauthorized("customer sessions are not configured")
    try:
        claims = jwt.decode(
            token,
            config.customer_token_secret,
            algorithms=["HS256"],
            issuer=CUSTOMER_TOKEN_ISSUER,
            options={"require": ["exp", "sub", "conv"]},
            leeway=_LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("session expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid session token") from exc
    if claims.get("typ") != "customer":
        raise Unauthorized("invalid session token")
    return Principal(role=Role.CUSTOMER, user_id=claims["sub"], conversation_id=claims["conv"])


def principal_from_token(token: str | None) -> Principal:
    """Either kind of token; the header's algorithm tells which verifier applies."""
    if not token:
        raise Unauthorized("a token is required")
    try:
        alg = jwt.get_unverified_header(token).get("alg")
    except jwt.PyJWTError as exc:
        raise Unauthorized("malformed token") from exc
    if alg == "HS256":
        return verify_customer_token(token)
    return verify_staff_token(token)


def bearer_token(headers: dict[str, str] | Any) -> str | None:
    value = headers.get("authorization") or headers.get("Authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
