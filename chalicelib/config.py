"""Runtime configuration, read from environment variables only.

The same handler code runs on AWS and on the local stack; only these values differ.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-northeast-2"


@dataclass(frozen=True)
class Config:
    region: str
    table_prefix: str
    cognito_user_pool_id: str
    cognito_client_id: str
    cognito_issuer: str
    cognito_jwks_url: str
    customer_token_secret: str  # the key itself: tests, benchmarks (AWS and the local stack set the ARN)
    customer_token_secret_arn: str  # Secrets Manager secret holding the key, read at run time
    customer_token_ttl_seconds: int
    customer_token_grace_seconds: int  # after a rotation, the previous key still verifies this long
    ws_management_endpoint: str | None
    exports_bucket: str
    export_queue_url: str
    wallboard_queue_url: str  # the wallboard function's signals (realtime/wallboard_queue.py); empty: none
    masking_key_id: str
    admin_mfa_required: bool  # admins must have a TOTP app enrolled (docs/security.md#staff-sign-in-mfa)


@lru_cache(maxsize=1)
def get_config() -> Config:
    region = _region()
    pool_id = os.environ.get("COGNITO_USER_POOL_ID", "")
    issuer = os.environ.get("COGNITO_ISSUER") or f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
    ttl = int(os.environ.get("CUSTOMER_TOKEN_TTL_SECONDS", str(24 * 3600)))
    return Config(
        region=region,
        table_prefix=os.environ.get("TABLE_PREFIX", "livechat-dev-"),
        cognito_user_pool_id=pool_id,
        cognito_client_id=os.environ.get("COGNITO_CLIENT_ID", ""),
        cognito_issuer=issuer,
        cognito_jwks_url=os.environ.get("COGNITO_JWKS_URL") or f"{issuer}/.well-known/jwks.json",
        customer_token_secret=os.environ.get("CUSTOMER_TOKEN_SECRET", ""),
        customer_token_secret_arn=os.environ.get("CUSTOMER_TOKEN_SECRET_ARN", ""),
        customer_token_ttl_seconds=ttl,
        # Default: a token's whole lifetime, so every session issued before a rotation lives it out.
        customer_token_grace_seconds=int(os.environ.get("CUSTOMER_TOKEN_GRACE_SECONDS") or ttl),
        ws_management_endpoint=os.environ.get("WS_MANAGEMENT_ENDPOINT") or None,
        exports_bucket=os.environ.get("EXPORTS_BUCKET", ""),
        export_queue_url=os.environ.get("EXPORT_QUEUE_URL", ""),
        wallboard_queue_url=os.environ.get("WALLBOARD_QUEUE_URL", ""),
        masking_key_id=os.environ.get("MASKING_KEY_ID", ""),
        admin_mfa_required=os.environ.get("ADMIN_MFA_REQUIRED", "false").lower() == "true",
    )


def table_name(suffix: str) -> str:
    """Physical table name: prefix from the environment + a fixed suffix."""
    return os.environ.get("TABLE_PREFIX", "livechat-dev-") + suffix
