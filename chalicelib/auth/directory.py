"""The Cognito user pool as a user directory (admin APIs): the one place that calls cognito-idp.

IAM: the functions need cognito-idp ListUsers, ListUsersInGroup, AdminGetUser,
AdminListGroupsForUser, AdminCreateUser, AdminDeleteUser, AdminAddUserToGroup,
AdminRemoveUserFromGroup, AdminDisableUser, AdminEnableUser, AdminUserGlobalSignOut,
AdminUpdateUserAttributes and AdminDeleteUserAttributes on the pool (infra/aws/template.py grants exactly these).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from chalicelib.config import get_config
from chalicelib.domain.errors import Conflict, DomainError, InvalidField, NotFound

_BOTO_CONFIG = BotoConfig(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3})
_client: Any = None
_lock = threading.Lock()


@dataclass(frozen=True)
class DirectoryUser:
    username: str
    email: str | None
    name: str | None
    enabled: bool
    status: str  # CONFIRMED, FORCE_CHANGE_PASSWORD, …
    created_at: int  # epoch ms


def _cognito() -> Any:
    global _client
    with _lock:
        if _client is None:
            session = boto3.session.Session()
            _client = session.client("cognito-idp", region_name=get_config().region, config=_BOTO_CONFIG)
        return _client


def _pool() -> str:
    return get_config().cognito_user_pool_id


def _domain_error(exc: ClientError) -> DomainError | None:
    code = exc.response.get("Error", {}).get("Code", "")
    message = exc.response.get("Error", {}).get("Message", "")
    if code == "UserNotFoundException":
        return NotFound("no such user")
    if code == "UsernameExistsException":
        return Conflict("an account with this username already exists")
    if code in ("InvalidParameterException", "InvalidPasswordException"):
        return InvalidField(f"the user directory refused the value: {message}"[:300])
    if code == "ResourceNotFoundException":
        return NotFound("no such group")
    return None


def _call(method: str, **kwargs: Any) -> Any:
    try:
        return getattr(_cognito(), method)(UserPoolId=_pool(), **kwargs)
    except ClientError as exc:
        mapped = _domain_error(exc)
        if mapped is not None:
            raise mapped from exc
        raise


def _user(record: dict[str, Any], attributes_key: str) -> DirectoryUser:
    attributes = {a["Name"]: a["Value"] for a in record.get(attributes_key) or []}
    created = record.get("UserCreateDate")
    return DirectoryUser(
        username=record["Username"],
        email=attributes.get("email"),
        name=attributes.get("name"),
        enabled=bool(record.get("Enabled", True)),
        status=record.get("UserStatus", ""),
        created_at=int(created.timestamp() * 1000) if created else 0,
    )


def list_users() -> list[DirectoryUser]:
    users: list[DirectoryUser] = []
    for page in _cognito().get_paginator("list_users").paginate(UserPoolId=_pool()):
        users.extend(_user(u, "Attributes") for u in page.get("Users", []))
    return users


def usernames_in_group(group: str) -> set[str]:
    names: set[str] = set()
    paginator = _cognito().get_paginator("list_users_in_group")
    for page in paginator.paginate(UserPoolId=_pool(), GroupName=group):
        names.update(u["Username"] for u in page.get("Users", []))
    return names


def get_user(username: str) -> DirectoryUser:
    record = _call("admin_get_user", Username=username)
    return _user(record, "UserAttributes")


def has_totp(username: str) -> bool:
    """Whether the user has an authenticator app (TOTP) enrolled as an MFA method."""
    record = _call("admin_get_user", Username=username)
    return "SOFTWARE_TOKEN_MFA" in (record.get("UserMFASettingList") or [])


def groups_of(username: str) -> set[str]:
    groups: set[str] = set()
    token: str | None = None
    while True:
        extra = {"NextToken": token} if token else {}
        page = _call("admin_list_groups_for_user", Username=username, **extra)
        groups.update(g["GroupName"] for g in page.get("Groups", []))
        token = page.get("NextToken")
        if not token:
            return groups


def create_user(username: str, email: str, name: str | None, temporary_password: str) -> DirectoryUser:
    """A user who must choose a new password at first sign-in; Cognito e-mails the invitation."""
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    if name:
        attributes.append({"Name": "name", "Value": name})
    record = _call(
        "admin_create_user",
        Username=username,
        UserAttributes=attributes,
        TemporaryPassword=temporary_password,
        DesiredDeliveryMediums=["EMAIL"],
    )["User"]
    return _user(record, "Attributes")


def set_name(username: str, name: str | None) -> None:
    """The standard `name` attribute: the display name customers see (None removes it)."""
    if name:
        _call("admin_update_user_attributes", Username=username, UserAttributes=[{"Name": "name", "Value": name}])
    else:
        _call("admin_delete_user_attributes", Username=username, UserAttributeNames=["name"])


def delete_user(username: str) -> None:
    _call("admin_delete_user", Username=username)


def add_to_group(username: str, group: str) -> None:
    _call("admin_add_user_to_group", Username=username, GroupName=group)


def remove_from_group(username: str, group: str) -> None:
    _call("admin_remove_user_from_group", Username=username, GroupName=group)


def disable(username: str) -> None:
    _call("admin_disable_user", Username=username)


def enable(username: str) -> None:
    _call("admin_enable_user", Username=username)


def sign_out_everywhere(username: str) -> None:
    """Revokes the user's refresh tokens: no new ID tokens. Tokens already issued live until they expire."""
    _call("admin_user_global_sign_out", Username=username)
