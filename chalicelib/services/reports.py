"""Reports (issue #24): the stream function's use case (counter deltas of each conversation change,
applied once) and the admins' read of a period (`GET /reports`), O(hour buckets) items.

docs/reports.md defines every metric; chalicelib/domain/metrics.py holds the definitions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib import bootstrap
from chalicelib.bootstrap import clock, store
from chalicelib.domain import metrics
from chalicelib.domain.canned_text import DEFAULT_TIME_ZONE
from chalicelib.domain.errors import Forbidden, InvalidField
from chalicelib.domain.metrics import HOUR_MS, CounterItem, Scope, ScopeKind
from chalicelib.domain.model import Principal, Role
from chalicelib.domain.validation import int_field, only_fields
from chalicelib.services import stream_batch

DAY_MS = 24 * HOUR_MS
MAX_REPORT_RANGE_MS = 366 * DAY_MS
GROUPINGS = ("hour", "day", "team", "agent")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --- the stream function -------------------------------------------------------------------------


def _image(record: dict[str, Any], name: str) -> Any:
    image = record["dynamodb"].get(name)
    return store().reports.conversation_of_image(image) if image else None


def apply_record(record: dict[str, Any]) -> str:
    """One stream record of the conversations table: its counter deltas, applied once, then its chat
    events published (docs/events.md; EVENT_BUS_NAME empty: none). A failed publish raises after the
    counters are in: the retry meets the applied-marker (no double count) and publishes again with
    the same idempotency ids (consumers dedupe).
    `applied`, `duplicate` (its marker exists), `nothing` (no counter moves) or `ignored` (REMOVE)."""
    event_id = record["eventID"]
    if not isinstance(event_id, str) or not event_id:
        raise ValueError("a stream record without an eventID")
    if record["eventName"] == "REMOVE":
        return "ignored"  # a deleted chat (retention) stays counted: reports outlive the items
    old, new = _image(record, "OldImage"), _image(record, "NewImage")
    changes = metrics.delta(old, new)
    outcome = "nothing"
    if changes:
        outcome = "applied" if store().reports.apply(event_id, changes, clock()) else "duplicate"
    publish_chat_events(event_id, old, new)
    return outcome


def publish_chat_events(event_id: str, old: Any, new: Any) -> int:
    """PutEvents for the record's chat events; raises if any entry failed. The number published."""
    from chalicelib.domain.chat_events import chat_events

    return bootstrap.events().publish(chat_events(event_id, old, new), f"chat events of record {event_id}")


def apply_stream_batch(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A batch of the conversations' stream as Lambda delivers it (chalicelib/services/stream_batch.py)."""
    return stream_batch.apply_in_order(records, apply_record, "report counters")


# --- GET /reports --------------------------------------------------------------------------------


def service_time_zone() -> str:
    from chalicelib.services.routing_settings import load_routing_settings

    hours = load_routing_settings().hours
    return hours.time_zone if hours is not None else DEFAULT_TIME_ZONE


def _instant(params: dict[str, Any], name: str, tz: ZoneInfo, *, end_of_day: bool, default: int) -> int:
    """Epoch ms (digits), or a local date YYYY-MM-DD: its first (from) or last (to) millisecond."""
    value = params.get(name)
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise InvalidField(f"'{name}' is not a calendar date", field=name) from None
        if end_of_day:
            day += timedelta(days=1)
        if not date(1970, 1, 2) <= day <= date(9999, 12, 30):
            raise InvalidField(f"'{name}' is out of range", field=name)
        start = datetime.combine(day, time(), tzinfo=tz)
        return int(start.timestamp() * 1000) - (1 if end_of_day else 0)
    if value is not None and isinstance(value, str) and not value.isascii():
        raise InvalidField(f"'{name}' must be epoch milliseconds or a date YYYY-MM-DD", field=name)
    try:
        return int_field(params, name, minimum=0, maximum=2**53, default=default)
    except InvalidField:
        raise InvalidField(f"'{name}' must be epoch milliseconds or a date YYYY-MM-DD", field=name) from None


def report_period(params: dict[str, Any], tz: ZoneInfo) -> tuple[int, int]:
    """The validated period (epoch ms, inclusive): to defaults to now, from to 7 days before it."""
    now = clock()
    to_ms = _instant(params, "to", tz, end_of_day=True, default=now)
    from_ms = _instant(params, "from", tz, end_of_day=False, default=max(0, to_ms - 7 * DAY_MS + 1))
    if from_ms > to_ms:
        raise InvalidField("'from' must not be after 'to'", field="from")
    if to_ms - from_ms >= MAX_REPORT_RANGE_MS:
        raise InvalidField("the period may span at most 366 days", field="from")
    return from_ms, to_ms


def _duration_view(values: dict[str, int], duration: str) -> dict[str, Any]:
    count = values.get(f"{duration}_count", 0)
    histogram = [values.get(metrics.histogram_field(duration, b), 0) for b in range(metrics.HISTOGRAM_BUCKETS)]
    total_ms = values.get(f"{duration}_sum_ms", 0)
    return {
        "count": count,
        "averageSeconds": round(total_ms / count / 1000, 1) if count else None,
        "medianSeconds": _rounded(metrics.histogram_quantile(histogram, 0.5)),
        "p90Seconds": _rounded(metrics.histogram_quantile(histogram, 0.9)),
        "histogram": histogram,
    }


def _rounded(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


_COUNT_NAMES = {
    "chats_in": "chatsIn",
    "answered": "answered",
    "unanswered": "unanswered",
    "abandoned": "abandoned",
    "transferred": "transferred",
    "ended_idle": "endedIdle",
    "satisfied": "satisfied",
    "dissatisfied": "dissatisfied",
}
_DURATION_NAMES = {"first_response": "firstResponse", "wait": "wait", "handle": "handle"}


def metrics_view(values: dict[str, int]) -> dict[str, Any]:
    view: dict[str, Any] = {out: values.get(name, 0) for name, out in _COUNT_NAMES.items()}
    for name, out in _DURATION_NAMES.items():
        view[out] = _duration_view(values, name)
    rated = view["satisfied"] + view["dissatisfied"]
    view["satisfiedShare"] = round(view["satisfied"] / rated, 4) if rated else None
    return view


def _summed(items: Iterable[CounterItem]) -> dict[str, int]:
    result: dict[str, int] = {}
    for item in items:
        for name, value in item.values.items():
            result[name] = result.get(name, 0) + value
    return result


def _group_key(item: CounterItem, group_by: str, tz: ZoneInfo) -> str:
    if group_by == "hour":
        return datetime.fromtimestamp(item.scope.hour * 3600, UTC).isoformat().replace("+00:00", "Z")
    if group_by == "day":
        # An hour belongs to the local day its start falls in (zones off by a half hour: docs/reports.md).
        return datetime.fromtimestamp(item.scope.hour * 3600, tz).date().isoformat()
    return item.scope.key


def report_request(params: dict[str, Any]) -> tuple[int, int, str, str]:
    """(from ms, to ms, groupBy, time zone) of GET /reports' query, validated; the .xlsx report uses
    the same period rules (services/exports.py)."""
    only_fields(params, {"from", "to", "groupBy"})
    group_by = params.get("groupBy") or "day"
    if group_by not in GROUPINGS:
        raise InvalidField(f"'groupBy' must be one of: {', '.join(GROUPINGS)}", field="groupBy")
    tz_name = service_time_zone()
    from_ms, to_ms = report_period(params, ZoneInfo(tz_name))
    return from_ms, to_ms, group_by, tz_name


def build_report(principal: Principal, params: dict[str, Any]) -> dict[str, Any]:
    if principal.role is not Role.ADMIN:
        raise Forbidden("reports are for admins")
    from_ms, to_ms, group_by, tz_name = report_request(params)
    return report_of_period(from_ms, to_ms, group_by, tz_name)


def report_of_period(from_ms: int, to_ms: int, group_by: str, tz_name: str) -> dict[str, Any]:
    """The report of a validated period: what GET /reports answers, and each sheet of the .xlsx report."""
    tz = ZoneInfo(tz_name)
    from_hour, to_hour = from_ms // HOUR_MS, to_ms // HOUR_MS
    kind = {"team": ScopeKind.TEAM, "agent": ScopeKind.AGENT}.get(group_by, ScopeKind.ALL)
    items = store().reports.counters(kind, from_hour, to_hour)
    groups: dict[str, list[CounterItem]] = {}
    for item in items:
        groups.setdefault(_group_key(item, group_by, tz), []).append(item)
    rows = [{"key": key, **metrics_view(_summed(group))} for key, group in sorted(groups.items())]
    totals = items if kind is ScopeKind.ALL else store().reports.counters(ScopeKind.ALL, from_hour, to_hour)
    return {
        # The hours the counters cover: the period widened to whole UTC hours (the buckets).
        "from": from_hour * HOUR_MS,
        "to": (to_hour + 1) * HOUR_MS - 1,
        "timeZone": tz_name,
        "groupBy": group_by,
        "noTeam": metrics.NO_TEAM,
        "histogramEdgesSeconds": list(metrics.HISTOGRAM_EDGES_S),
        "rows": rows,
        "total": metrics_view(_summed(totals)),
    }


# --- the backfill (chalicelib/ops/report_backfill.py) -----------------------------------------


def expected_counters(conversations: Iterable[Any]) -> dict[Scope, dict[str, int]]:
    """What the counters of these chats hold once every record is applied: each chat's contributions."""
    return metrics.total(metrics.contributions(conv) for conv in conversations)
