"""Customer session keys from Secrets Manager (moto): read at run time, cached, rotated with a grace period."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.auth import tokens
from chalicelib.config import get_config
from chalicelib.domain.errors import Unauthorized

REGION = "us-east-1"


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> Any:
    with mock_aws():
        client = boto3.client("secretsmanager", region_name=REGION)
        arn = client.create_secret(Name="livechat-test-customer-token", SecretString="first-key-" + "a" * 40)["ARN"]
        monkeypatch.setattr(tokens, "_customer_keys", tokens.CustomerKeys())
        monkeypatch.setattr(tokens, "_secrets_clients", {})
        calls: list[str] = []
        yield client, arn, calls


def _config(arn: str, grace: int = 3600) -> Any:
    # No plain key: the ARN is all the function configuration holds.
    return dataclasses.replace(
        get_config(), customer_token_secret="", customer_token_secret_arn=arn, customer_token_grace_seconds=grace
    )


def _count_reads(calls: list[str]) -> None:
    client = tokens._secrets_client(REGION)
    client.meta.events.register("before-call.secrets-manager.GetSecretValue", lambda **_: calls.append("get"))


def test_tokens_are_signed_and_checked_with_the_secret_and_it_is_read_once(secret: Any) -> None:
    _, arn, calls = secret
    config = _config(arn)
    _count_reads(calls)
    token = tokens.issue_customer_token("cust-1", "conv-1", config)
    principal = tokens.verify_customer_token(token, config)
    assert (principal.user_id, principal.conversation_id) == ("cust-1", "conv-1")
    for _ in range(5):
        tokens.verify_customer_token(tokens.issue_customer_token("cust-2", "conv-2", config), config)
    assert calls == ["get", "get"]  # current and previous, once per container (cached)
    forged = tokens.jwt.encode(
        {"iss": "livechat", "sub": "x", "conv": "c", "typ": "customer", "exp": 2**31}, "not-the-key", algorithm="HS256"
    )
    with pytest.raises(Unauthorized, match="invalid session token"):
        tokens.verify_customer_token(forged, config)


def test_after_a_rotation_old_sessions_last_the_grace_period_and_new_ones_use_the_new_key(secret: Any) -> None:
    client, arn, _ = secret
    config = _config(arn)
    old_token = tokens.issue_customer_token("cust-1", "conv-1", config)

    client.put_secret_value(SecretId=arn, SecretString="second-key-" + "b" * 40)  # rotation: AWSPREVIOUS = first
    rotated = tokens.CustomerKeys()  # a container started after the rotation
    tokens._customer_keys = rotated
    new_token = tokens.issue_customer_token("cust-2", "conv-2", config)
    assert tokens.jwt.decode(new_token, "second-key-" + "b" * 40, algorithms=["HS256"])["sub"] == "cust-2"
    assert tokens.verify_customer_token(old_token, config).user_id == "cust-1"  # within the grace period

    # Past the grace period (a zero-second one), the previous key no longer opens a session.
    tokens._customer_keys = tokens.CustomerKeys()
    with pytest.raises(Unauthorized, match="invalid session token"):
        tokens.verify_customer_token(old_token, _config(arn, grace=0))
    assert tokens.verify_customer_token(new_token, _config(arn, grace=0)).user_id == "cust-2"


def test_a_warm_container_learns_a_rotation_from_a_token_it_cannot_verify(secret: Any, monkeypatch: Any) -> None:
    client, arn, _ = secret
    config = _config(arn)
    warm = tokens._customer_keys
    tokens.issue_customer_token("cust-1", "conv-1", config)  # the warm container has read the first key
    client.put_secret_value(SecretId=arn, SecretString="second-key-" + "b" * 40)
    signed_elsewhere = tokens.jwt.encode(
        {
            "iss": "livechat",
            "sub": "cust-3",
            "conv": "conv-3",
            "typ": "customer",
            "exp": int(datetime.datetime.now().timestamp()) + 600,
        },
        "second-key-" + "b" * 40,
        algorithm="HS256",
    )
    monkeypatch.setattr(tokens, "_SECRET_RETRY_SECONDS", 0)  # the re-read's rate limit, not under test here
    assert warm is tokens._customer_keys
    assert tokens.verify_customer_token(signed_elsewhere, config).user_id == "cust-3"


def test_without_the_secret_no_session_is_accepted(secret: Any) -> None:
    client, arn, _ = secret
    client.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    with pytest.raises(Unauthorized, match="unavailable"):
        tokens.verify_customer_token("x.y.z", _config(arn))
