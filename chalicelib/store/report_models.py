"""The report counters table (issue #24): counters per scope and UTC hour, and the stream records' markers.

Its own table, not items of an existing one: its items are written by the stream function alone
(its IAM policy names this table and no other for writes), it grows by hour buckets rather than by
chats, and its TTL (the applied-markers') would otherwise have to share another table's TTL attribute.
Loaded with the stream function and the report routes only. docs/data-model.md, docs/reports.md.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.domain.metrics import ALL_FIELDS
from chalicelib.store.models import _meta

# One number attribute per counter field of chalicelib/domain/metrics.py (ADD creates it on first use).
_COUNTERS: dict[str, Any] = {name: NumberAttribute(null=True) for name in ALL_FIELDS}


def _report_model() -> Any:
    attributes: dict[str, Any] = {
        "__doc__": "A counter item (`<kind>#<month>`, `<hour>#<id>`) or an applied-marker (`applied#<eventID>`, `-`).",
        "__module__": __name__,
        "Meta": _meta("report-counters"),
        "scope": UnicodeAttribute(hash_key=True),
        "bucket": UnicodeAttribute(range_key=True),
        # +1 per applied record: the backfill's writes are conditional on it (nothing applied meanwhile).
        "revision": NumberAttribute(null=True),
        # Markers only: a stream record is retried for at most 24 h (the stream's retention); 2 days.
        "expires_at": TTLAttribute(null=True),
        **_COUNTERS,
    }
    return type("ReportCounterModel", (Model,), attributes)


ReportCounterModel: Any = _report_model()
