"""Business hours (운영시간): a weekly schedule in one IANA time zone, holidays, one-off exceptions.

The schedule model and its time computations: open or closed at an instant, the next opening, the
intervals of a date. Parsing, validation and serialisation of the JSON documents (admin settings
body, stored document) are in chalicelib/domain/hours_documents.py.

Pure Python (zoneinfo; the pinned `tzdata` package supplies the zones where the OS has none, as on
Lambda). Instants are UTC epoch milliseconds; wall times exist only inside the schedule (minutes
after local midnight of a date) and its documents.

Rules:
- An interval's end may be 24:00 (minute 1440, midnight at the end of the day), so 00:00-24:00 is
  open all day; an end at or before its start runs past midnight into the next date.
- An interval belongs to the date it starts on: Fri 22:00-02:00 is Friday's. A holiday on Friday
  removes all of it (also the hours after midnight); a holiday on Saturday leaves it intact.
- For a date, an exception wins over a holiday, and both win over the weekly schedule: an exception
  on a holiday opens the holiday with the exception's hours.
- Daylight saving time (wall times are turned into instants as RFC 5545 does, which is also
  zoneinfo's fold=0):
  - a wall time that does not exist (skipped by spring-forward, e.g. 02:30 in Europe/Berlin on
    2026-03-29) is read with the offset in force before the jump, so it lands one hour later
    (02:30 → 03:30 CEST);
  - a wall time that happens twice (autumn, 02:30 on 2026-10-25) means its first occurrence (CEST),
    for starts and ends alike;
  - an interval whose start then lands at or after its end (e.g. 02:30-03:15 on spring-forward day)
    is closed that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Asia/Seoul"
NEXT_OPENING_HORIZON_DAYS = 400
MINUTES_PER_DAY = 24 * 60
MAX_TIME_ZONE_CHARS = 64


@dataclass(frozen=True, order=True)
class Interval:
    """Open from `start_minute` to `end_minute` (minutes after local midnight of its date).

    `end_minute` ≤ `start_minute` means the interval ends on the next date; 1440 is `24:00`.
    """

    start_minute: int
    end_minute: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end_minute < self.start_minute

    @property
    def length_minutes(self) -> int:
        return self.end_minute - self.start_minute + (MINUTES_PER_DAY if self.crosses_midnight else 0)


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str = ""


@dataclass(frozen=True)
class BusinessHours:
    """One schedule: the service's, or a team's own."""

    time_zone: str = DEFAULT_TIME_ZONE
    weekly: dict[int, tuple[Interval, ...]] = field(default_factory=dict)  # weekday (0 = Monday) → intervals
    holidays: dict[date, Holiday] = field(default_factory=dict)
    exceptions: dict[date, tuple[Interval, ...]] = field(default_factory=dict)
    closed_message_ko: str = ""
    closed_message_en: str = ""

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.time_zone)


@dataclass(frozen=True)
class NextOpening:
    """When chat opens next, for the widget's out-of-hours view and the 409 `closed` body."""

    at_utc_ms: int
    service_time_zone: str
    service_local: str  # ISO 8601 with offset, e.g. 2026-12-03T09:00:00+09:00
    customer_time_zone: str
    customer_local: str

    def to_body(self) -> dict[str, Any]:
        return {
            "at": self.at_utc_ms,
            "serviceTimeZone": self.service_time_zone,
            "serviceTime": self.service_local,
            "customerTimeZone": self.customer_time_zone,
            "customerTime": self.customer_local,
        }


def closed_message(schedule: BusinessHours, language: str) -> str:
    """The out-of-hours message in `language` (ko or en); English falls back to the Korean text."""
    if language == "en" and schedule.closed_message_en:
        return schedule.closed_message_en
    return schedule.closed_message_ko


# ---------------------------------------------------------------------------------------------
# Open or closed


def is_open(schedule: BusinessHours, at_utc_ms: int) -> bool:
    """Whether chat is open at this instant (interval starts inclusive, ends exclusive)."""
    zone = schedule.zone
    today = local_date(at_utc_ms, zone)
    # Yesterday's intervals may run past midnight into today.
    for day in (today - timedelta(days=1), today):
        for start, end in _open_spans(schedule, day, zone):
            if start <= at_utc_ms < end:
                return True
    return False


def next_opening(schedule: BusinessHours, at_utc_ms: int) -> int | None:
    """The first instant ≥ `at_utc_ms` when the schedule is open (itself if open now).

    None when it does not open within NEXT_OPENING_HORIZON_DAYS (no hours at all, say).
    """
    zone = schedule.zone
    first_day = local_date(at_utc_ms, zone) - timedelta(days=1)
    best: int | None = None
    for offset in range(NEXT_OPENING_HORIZON_DAYS + 2):
        day = first_day + timedelta(days=offset)
        for start, end in _open_spans(schedule, day, zone):
            if end > at_utc_ms:
                candidate = max(start, at_utc_ms)
                best = candidate if best is None else min(best, candidate)
        # A date's intervals start at or after its own midnight: once a date begins after the best
        # candidate, no later date can beat it.
        if best is not None and offset > 0 and _day_start_ms(day, zone) > best:
            break
    if best is None or best - at_utc_ms > NEXT_OPENING_HORIZON_DAYS * 86_400_000:
        return None
    return best


def next_opening_times(
    schedule: BusinessHours, at_utc_ms: int, customer_time_zone: str | None = None
) -> NextOpening | None:
    """`next_opening` in the service's zone and the customer's (the widget's own zone, unchecked
    input: an unknown one falls back to the service's, and the body says which zone was used)."""
    opening = next_opening(schedule, at_utc_ms)
    if opening is None:
        return None
    customer_zone = customer_time_zone if customer_time_zone and try_zone(customer_time_zone) else None
    customer_zone = customer_zone or schedule.time_zone
    return NextOpening(
        at_utc_ms=opening,
        service_time_zone=schedule.time_zone,
        service_local=_iso_in_zone(opening, schedule.zone),
        customer_time_zone=customer_zone,
        customer_local=_iso_in_zone(opening, _zone(customer_zone)),
    )


def intervals_on(schedule: BusinessHours, day: date) -> tuple[Interval, ...]:
    """The intervals that start on `day` (a local date): exception, else closed on a holiday, else weekly."""
    if day in schedule.exceptions:
        return schedule.exceptions[day]
    if day in schedule.holidays:
        return ()
    return schedule.weekly.get(day.weekday(), ())


def _open_spans(schedule: BusinessHours, day: date, zone: ZoneInfo) -> list[tuple[int, int]]:
    spans = []
    for interval in intervals_on(schedule, day):
        start = _wall_to_utc_ms(day, interval.start_minute, zone)
        end_day = day + timedelta(days=1) if interval.crosses_midnight else day
        end = _wall_to_utc_ms(end_day, interval.end_minute, zone)
        if start < end:  # a start pushed past its end by spring-forward: closed that day
            spans.append((start, end))
    return spans


def _wall_to_utc_ms(day: date, minute: int, zone: ZoneInfo) -> int:
    """fold=0: a skipped wall time takes the offset before the jump, a repeated one its first occurrence."""
    if minute == MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return int(local.timestamp()) * 1000


def _day_start_ms(day: date, zone: ZoneInfo) -> int:
    return _wall_to_utc_ms(day, 0, zone)


def local_date(at_utc_ms: int, zone: ZoneInfo) -> date:
    """The date in `zone` at this instant (for "today" in the schedule's zone)."""
    return datetime.fromtimestamp(at_utc_ms / 1000, UTC).astimezone(zone).date()


def _iso_in_zone(at_utc_ms: int, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(at_utc_ms // 1000, UTC).astimezone(zone).isoformat()


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def try_zone(name: str) -> ZoneInfo | None:
    """The zone of that name if one loads here, else None (no listing of all zones: cheap on reads)."""
    if len(name) > MAX_TIME_ZONE_CHARS:
        return None
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # ValueError: not a zone key at all ("../x")
        return None
