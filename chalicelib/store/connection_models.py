"""pynamodb model of the connections table (one open WebSocket connection an item) and its
indexes: on every frame's path, with chalicelib/store/models.py (its Meta and table names)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.store import keys
from chalicelib.store.models import _meta


class ConnectionsByPrincipal(GlobalSecondaryIndex["ConnectionModel"]):
    class Meta:
        index_name = keys.CONNECTIONS_BY_PRINCIPAL
        projection = AllProjection()

    principal = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)


class ConnectionsOnWallboard(GlobalSecondaryIndex["ConnectionModel"]):
    """Sparse: only wallboard viewers carry `wallboard`. The throttle's two marks are projected, nothing
    else, so the per-frame rate-limit writes on a viewer's item never write this index."""

    class Meta:
        index_name = keys.CONNECTIONS_ON_WALLBOARD
        projection = IncludeProjection(["wallboard_pushed_at", "wallboard_pending_at"])

    wallboard = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)


class ConnectionModel(Model):
    """One open WebSocket connection. principal is `agent#<id>` or `chat#<conversation id>`."""

    Meta = _meta("connections")

    connection_id = UnicodeAttribute(hash_key=True)
    principal = UnicodeAttribute()
    role = UnicodeAttribute()  # customer | agent | admin
    user_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute(null=True)
    connected_at = NumberAttribute()
    # API Gateway closes every connection after 2 hours; the item expires shortly after.
    expires_at = TTLAttribute()
    # Rate limit (chalicelib/services/limits.py): frames counted in a fixed window starting at rate_window (s).
    rate_window = NumberAttribute(null=True)
    rate_count = NumberAttribute(null=True)
    # When the token the connection was opened with expires (epoch s); frames after it are refused.
    token_expires_at = NumberAttribute(null=True)
    watching = UnicodeAttribute(null=True)  # a supervisor's tab: the chat it watches
    # A wallboard viewer (store/wallboard.py): `wallboard` is the index partition, set on subscribe.
    wallboard = UnicodeAttribute(null=True)
    wallboard_since = NumberAttribute(null=True)
    wallboard_pushed_at = NumberAttribute(null=True)
    wallboard_pending_at = NumberAttribute(null=True)

    by_principal = ConnectionsByPrincipal()
    on_wallboard = ConnectionsOnWallboard()
