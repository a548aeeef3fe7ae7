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
from chalicelib.domain.accounts import role_of_groups
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

_SECRET_REFRESH_SECONDS = 300  # a rotation reaches every warm container within this
_SECRET_RETRY_SECONDS = 30  # an unknown signature re-reads the secret at most this often


class CustomerKeys:
    """The HS256 keys for customer session tokens, from Secrets Manager, cached per container.

    New tokens are signed with the current version (AWSCURRENT). A token verifies with the current
    key or, for `customer_token_grace_seconds` after the current version was created (the
    rotation), with the previous one (AWSPREVIOUS): sessions issued before a rotation live out
    their lifetime, and a warm container still signing with the old key for up to
    _SECRET_REFRESH_SECONDS is understood everywhere. The key never sits in the function's
    configuration. Without an ARN (tests, benchmarks), CUSTOMER_TOKEN_SECRET is the only key.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arn = ""
        self._current = ""
        self._previous = ""
        self._previous_until = 0.0  # epoch seconds
        self._fetched_at = -1e9

    def signing_key(self, config: Config) -> str:
        if not config.customer_token_secret_arn:
            return config.customer_token_secret
        self._refresh(config, max_age=_SECRET_REFRESH_SECONDS)
        return self._current

    def verification_keys(self, config: Config, retry: bool = False) -> list[str]:
        if not config.customer_token_secret_arn:
            return [config.customer_token_secret] if config.customer_token_secret else []
        self._refresh(config, max_age=_SECRET_RETRY_SECONDS if retry else _SECRET_REFRESH_SECONDS)
        keys = [self._current]
        if self._previous and time.time() < self._previous_until:
            keys.append(self._previous)
        return [k for k in keys if k]

    def _refresh(self, config: Config, max_age: float) -> None:
        with self._lock:
            arn = config.customer_token_secret_arn
            if arn == self._arn and time.monotonic() - self._fetched_at < max_age:
                return
            client = _secrets_client(config.region)
            try:
                current = client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
            except Exception as exc:  # noqa: BLE001 - botocore's errors: no session can be checked
                if arn == self._arn and self._current:
                    return  # keep the keys we have; the next call tries again
                raise Unauthorized("customer sessions are unavailable") from exc
            previous = ""
            try:
                previous = client.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"]
            except client.exceptions.ResourceNotFoundException:
                pass  # never rotated
            self._arn = arn
            self._current = current["SecretString"]
            self._previous = previous
            self._previous_until = current["CreatedDate"].timestamp() + config.customer_token_grace_seconds
            self._fetched_at = time.monotonic()


_secrets_clients: dict[str, Any] = {}


def _secrets_client(region: str) -> Any:
    if region not in _secrets_clients:
        # A botocore client (as the store's and the push client): no boto3 import on a cold start.
        import botocore.session
        from botocore.config import Config as BotoConfig

        _secrets_clients[region] = botocore.session.get_session().create_client(
            "secretsmanager",
            region_name=region,
            config=BotoConfig(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3}),
        )
    return _secrets_clients[region]


_customer_keys = CustomerKeys()


def verify_staff_token(token: str, config: Config | None = None) -> Principal:
    """A Cognito ID or access token → agent, supervisor or admin principal (groups: `role_of_groups`)."""
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
    staff_role = role_of_groups(claims.get("cognito:groups") or [])
    if staff_role is None:
        raise Forbidden("the user is neither an agent, a supervisor nor an admin")
    role = Role(staff_role.value)
    username = claims.get("cognito:username") or claims.get("username") or claims["sub"]
    email = claims.get("email") or (username if "@" in username else "")
    # display_name: only the `name` attribute (the one customers may see), never the e-mail.
    return Principal(role=role, user_id=username, display_name=claims.get("name") or "", email=email,
                     token_expires_at=claims["exp"])


def issue_customer_token(customer_id: str, conversation_id: str, config: Config | None = None) -> str:
    config = config or get_config()
    if not (config.customer_token_secret or config.customer_token_secret_arn):
        raise RuntimeError("neither CUSTOMER_TOKEN_SECRET_ARN nor CUSTOMER_TOKEN_SECRET is configured")
    now = int(time.time())
    claims = {
        "iss": CUSTOMER_TOKEN_ISSUER,
        "sub": customer_id,
        "conv": conversation_id,
        "typ": "customer",
        "iat": now,
        "exp": now + config.customer_token_ttl_seconds,
    }
    return jwt.encode(claims, _customer_keys.signing_key(config), algorithm="HS256")


def verify_customer_token(token: str, config: Config | None = None) -> Principal:
    config = config or get_config()
    keys = _customer_keys.verification_keys(config)
    if not keys:
        raise Unauthorized("customer sessions are not configured")
    claims = _decode_customer_token(token, keys)
    if claims is None and config.customer_token_secret_arn:
        # Signed with a key this container has not seen yet (a rotation since the last read).
        fresh = _customer_keys.verification_keys(config, retry=True)
        claims = _decode_customer_token(token, [k for k in fresh if k not in keys])
    if claims is None:
        raise Unauthorized("invalid session token")
    if claims.get("typ") != "customer":
        raise Unauthorized("invalid session token")
    return Principal(role=Role.CUSTOMER, user_id=claims["sub"], conversation_id=claims["conv"],
                     token_expires_at=claims.get("exp"))


def _decode_customer_token(token: str, keys: list[str]) -> dict[str, Any] | None:
    """The claims if one of the keys signed the token, None if none did; expired: Unauthorized."""
    for key in keys:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["HS256"],
                issuer=CUSTOMER_TOKEN_ISSUER,
                options={"require": ["exp", "sub", "conv"]},
                leeway=_LEEWAY_SECONDS,
            )
            return claims
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("session expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid session token") from exc
    return None


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
