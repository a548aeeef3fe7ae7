"""Open WebSocket connections: who each one is, and its frame-rate window."""

from __future__ import annotations

from datetime import timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.domain.entities import Connection
from chalicelib.domain.model import Principal, Role
from chalicelib.store import keys
from chalicelib.store.connection_models import ConnectionModel
from chalicelib.store.convert import attribute_values, to_entity
from chalicelib.store.dynamo import is_condition_failure

CONNECTION_TTL_SECONDS = 2 * 3600 + 600  # API Gateway's 2-hour cap plus slack


def item_of(connection: Connection) -> ConnectionModel:
    principal = (
        keys.chat_principal(connection.conversation_id or "")
        if connection.role == Role.CUSTOMER.value
        else keys.agent_principal(connection.user_id)
    )
    return ConnectionModel(
        principal=principal,
        expires_at=timedelta(seconds=CONNECTION_TTL_SECONDS),
        # A viewer stays in the wallboard index when its item is written whole (store/wallboard.py).
        wallboard=keys.WALLBOARD_PARTITION if connection.wallboard_since is not None else None,
        **attribute_values(connection, ConnectionModel),
    )


def put(connection_id: str, principal: Principal, now_ms: int) -> Connection:
    connection = Connection(
        connection_id,
        role=principal.role.value,
        user_id=principal.user_id,
        connected_at=now_ms,
        conversation_id=principal.conversation_id,
        token_expires_at=principal.token_expires_at,
    )
    item_of(connection).save()
    return connection


def get(connection_id: str) -> Connection | None:
    try:
        return to_entity(ConnectionModel.get(connection_id, consistent_read=True), Connection)
    except DoesNotExist:
        return None


def delete(connection_id: str) -> None:
    ConnectionModel(connection_id).delete()


def set_watching(connection_id: str, conversation_id: str | None) -> bool:
    """Which chat a supervisor's tab watches (None: none), so closing the tab leaves it. False when
    the connection is gone (nothing written)."""
    action = ConnectionModel.watching.set(conversation_id) if conversation_id else ConnectionModel.watching.remove()
    try:
        ConnectionModel(connection_id).update(actions=[action], condition=ConnectionModel.connection_id.exists())
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def of_staff(agent_id: str) -> list[str]:
    """Every connection a staff member opened (the principal index)."""
    return [c.connection_id for c in ConnectionModel.by_principal.query(keys.agent_principal(agent_id))]


def count_frame(connection_id: str, window_start: int, limit: int) -> tuple[Connection | None, bool]:
    """Count one frame in the connection's current window, atomically: (connection or None, admitted).

    One UpdateItem in the common case (same window, under the limit), two when a window starts.
    """
    item = ConnectionModel(connection_id)
    try:
        item.update(
            actions=[ConnectionModel.rate_count.add(1)],
            condition=ConnectionModel.connection_id.exists()
            & (ConnectionModel.rate_window == window_start)
            & (ConnectionModel.rate_count < limit),
        )
        return to_entity(item, Connection), True
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
    try:
        item.update(
            actions=[ConnectionModel.rate_window.set(window_start), ConnectionModel.rate_count.set(1)],
            condition=ConnectionModel.connection_id.exists()
            & (ConnectionModel.rate_window.does_not_exist() | (ConnectionModel.rate_window < window_start)),
        )
        return to_entity(item, Connection), True
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
    # Both refused. Usually the window is full; but a write that succeeded and then timed out is
    # retried by botocore and refused by its own effect: a count still under the limit in this
    # window means this frame was the one counted.
    connection = get(connection_id)
    admitted = (
        connection is not None and connection.rate_window == window_start and int(connection.rate_count or 0) < limit
    )
    return connection, admitted
