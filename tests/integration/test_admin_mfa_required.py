"""Admins must have an authenticator app (ADMIN_MFA_REQUIRED): every REST call of an admin without
one is refused with 403 `mfa_required`, agents are not affected, and enrolling lets the admin in."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.auth import mfa
from chalicelib.config import get_config


@pytest.fixture
def mfa_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_MFA_REQUIRED", "true")
    get_config.cache_clear()
    mfa._totp_seen.clear()
    yield
    get_config.cache_clear()
    mfa._totp_seen.clear()


def _enrol_totp(h: Any, access_token: str) -> None:
    """What the console's and admin page's set-up screen does, with the user's access token."""
    h.cognito.associate_software_token(AccessToken=access_token)
    h.cognito.verify_software_token(AccessToken=access_token, UserCode="123456", FriendlyDeviceName="phone")
    h.cognito.set_user_mfa_preference(
        AccessToken=access_token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )


def test_an_admin_without_an_authenticator_app_is_refused_everywhere_until_enrolled(h: Any, mfa_required: None) -> None:
    admin = h.staff_token("admin@example.com", "admins")
    for method, path in (("GET", "/admin/agents"), ("GET", "/me"), ("GET", "/settings"), ("GET", "/history")):
        status, body = h.rest(method, path, token=admin)
        assert (status, body["code"]) == (403, "mfa_required"), (path, body)
    _enrol_totp(h, h.staff_token("admin@example.com", "admins", token_use="access"))
    status, body = h.rest("GET", "/admin/agents", token=admin)
    assert status == 200, body


def test_agents_need_no_authenticator_app_and_the_setting_off_asks_none(h: Any, monkeypatch: pytest.MonkeyPatch,
                                                                        mfa_required: None) -> None:
    agent = h.staff_token("agent1@example.com")
    status, body = h.rest("GET", "/me", token=agent)
    assert status == 200, body
    monkeypatch.setenv("ADMIN_MFA_REQUIRED", "false")
    get_config.cache_clear()
    status, body = h.rest("GET", "/admin/agents", token=h.staff_token("admin@example.com", "admins"))
    assert status == 200, body


def test_the_websocket_refuses_an_admin_without_an_authenticator_app_until_enrolled(h: Any, mfa_required: None) -> None:
    # Else the wallboard (wallboard.subscribe) and every staff action would be a way round the REST edge.
    from chalicelib.bootstrap import store

    admin = h.staff_token("admin@example.com", "admins")
    connection_id, result = h.connect(admin)
    assert result["statusCode"] == 403 and "mfa_required" in result["body"], result
    assert store().connections.get(connection_id) is None, "a refused connection is not stored"
    h.connected(h.staff_token("agent1@example.com"))  # agents are not asked
    _enrol_totp(h, h.staff_token("admin@example.com", "admins", token_use="access"))
    h.connected(admin)
