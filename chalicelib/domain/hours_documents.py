"""Business hours as JSON documents: parsing, validation and serialisation of a schedule.

The model and its time computations are in chalicelib/domain/hours.py (see its docstring for what
a schedule means: which date an interval belongs to, holidays and exceptions, daylight saving time).

The JSON shape (admin settings body, and the stored document: the same shape)::

    {
      "timeZone": "Asia/Seoul",                     # IANA name; optional, default Asia/Seoul
      "weekly": {                                   # mon tue wed thu fri sat sun; a missing day is closed
        "mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}],
        "fri": [{"start": "22:00", "end": "02:00"}] # end before start: runs past midnight into Saturday
      },
      "holidays": [{"date": "2026-12-25", "name": "성탄절"}],   # closed all day; name optional
      "exceptions": [                               # special hours on one date; [] = closed that day
        {"date": "2026-12-31", "intervals": [{"start": "09:00", "end": "15:00"}]}
      ],
      "closedMessage": {"ko": "지금은 운영시간이 아닙니다.", "en": "We are closed now."}
    }

Rules:
- Times are `HH:MM` (00:00-23:59); an end may also be `24:00` (midnight at the end of the day), so
  `00:00`-`24:00` is open all day. `end == start` is refused (it could mean 0 or 24 hours).
- Weekly intervals may not overlap, also across midnight and from Sunday into Monday; nor may an
  exception's intervals among themselves.
- Limits: at most MAX_INTERVALS_PER_DAY intervals per weekday or exception, MAX_DATED_ENTRIES
  holidays and as many exceptions; an admin may not add a date before today (in the schedule's
  zone): `parse_schedule` refuses it, `schedule_from_document` (stored documents, where dates pass
  with time) does not, and `without_past_dates` drops them before an editor shows them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from chalicelib.domain.errors import InvalidField
from chalicelib.domain.hours import (
    DEFAULT_TIME_ZONE,
    MAX_TIME_ZONE_CHARS,
    MINUTES_PER_DAY,
    BusinessHours,
    Holiday,
    Interval,
    local_date,
    try_zone,
)
from chalicelib.domain.validation import MAX_MEMO_CHARS, MAX_NAME_CHARS, fields_under, only_fields, text_field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = date.weekday()
MAX_INTERVALS_PER_DAY = 12
MAX_DATED_ENTRIES = 400  # holidays, and separately exceptions: more than a year of daily entries
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

_HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]|24:00")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SCHEDULE_FIELDS = {"timeZone", "weekly", "holidays", "exceptions", "closedMessage"}


def parse_schedule(body: Any, *, now_utc_ms: int, field_name: str = "hours") -> BusinessHours:
    """A schedule from an admin's body; InvalidField (naming the field) for anything wrong.

    Dates before today in the schedule's zone are refused: nobody can mean a holiday that passed.
    """
    schedule = _parse(body, field_name, strict_zone=True)
    today = local_date(now_utc_ms, schedule.zone)
    for kind, days in (("holidays", schedule.holidays), ("exceptions", schedule.exceptions)):
        past = [day for day in days if day < today]
        if past:
            raise InvalidField(
                f"'{field_name}.{kind}' has {min(past).isoformat()}, in the past (today is {today.isoformat()} "
                f"in {schedule.time_zone})",
                field=f"{field_name}.{kind}",
            )
    return schedule


def schedule_from_document(document: Any, *, field_name: str = "hours") -> BusinessHours:
    """A stored schedule (the same shape): every rule but the past-date one, which time breaks."""
    return _parse(document, field_name, strict_zone=False)


def schedule_to_document(schedule: BusinessHours) -> dict[str, Any]:
    """The JSON shape above; `schedule_from_document` reads it back to an equal schedule."""
    return {
        "timeZone": schedule.time_zone,
        "weekly": {
            WEEKDAYS[day]: [_interval_to_json(i) for i in intervals]
            for day, intervals in sorted(schedule.weekly.items())
            if intervals
        },
        "holidays": [
            {"date": h.day.isoformat(), **({"name": h.name} if h.name else {})}
            for h in sorted(schedule.holidays.values(), key=lambda h: h.day)
        ],
        "exceptions": [
            {"date": day.isoformat(), "intervals": [_interval_to_json(i) for i in intervals]}
            for day, intervals in sorted(schedule.exceptions.items())
        ],
        "closedMessage": {"ko": schedule.closed_message_ko, "en": schedule.closed_message_en},
    }


def without_past_dates(schedule: BusinessHours, now_utc_ms: int) -> BusinessHours:
    """The schedule without holidays and exceptions before today: what an editor should show and send back."""
    today = local_date(now_utc_ms, schedule.zone)
    return replace(
        schedule,
        holidays={d: h for d, h in schedule.holidays.items() if d >= today},
        exceptions={d: i for d, i in schedule.exceptions.items() if d >= today},
    )


def time_zone_field(value: Any, field_name: str = "timeZone") -> str:
    """An IANA zone name that exists here (through tzdata where the OS has none)."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TIME_ZONE_CHARS or value not in _known_zones():
        raise InvalidField(f"'{field_name}' must be an IANA time zone name such as Asia/Seoul", field=field_name)
    return value


def _parse(body: Any, field_name: str, *, strict_zone: bool) -> BusinessHours:
    if not isinstance(body, dict):
        raise InvalidField(f"'{field_name}' must be an object", field=field_name)
    with fields_under(field_name):
        only_fields(body, _SCHEDULE_FIELDS)
    zone_name = _or(body.get("timeZone"), DEFAULT_TIME_ZONE)
    if strict_zone:
        zone_name = time_zone_field(zone_name, f"{field_name}.timeZone")
    elif not isinstance(zone_name, str) or try_zone(zone_name) is None:
        raise InvalidField(f"'{field_name}.timeZone' is not a known time zone", field=f"{field_name}.timeZone")
    # null reads as absent: an editor may send every key
    weekly = _parse_weekly(_or(body.get("weekly"), {}), f"{field_name}.weekly")
    holidays = _parse_holidays(_or(body.get("holidays"), []), f"{field_name}.holidays")
    exceptions = _parse_exceptions(_or(body.get("exceptions"), []), f"{field_name}.exceptions")
    message_ko, message_en = _parse_closed_message(body.get("closedMessage"), f"{field_name}.closedMessage")
    return BusinessHours(zone_name, weekly, holidays, exceptions, message_ko, message_en)


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


def _parse_weekly(value: Any, name: str) -> dict[int, tuple[Interval, ...]]:
    if not isinstance(value, dict):
        raise InvalidField(f"'{name}' must be an object of weekdays ({', '.join(WEEKDAYS)})", field=name)
    unknown = sorted(set(value) - set(WEEKDAYS), key=str)
    if unknown:
        raise InvalidField(f"'{name}' has an unknown day {unknown[0]!r}: use {', '.join(WEEKDAYS)}", field=name)
    weekly = {WEEKDAYS.index(day): _parse_intervals(intervals, f"{name}.{day}") for day, intervals in value.items()}
    _check_weekly_overlap(weekly, name)
    return {day: intervals for day, intervals in weekly.items() if intervals}


def _parse_intervals(value: Any, name: str) -> tuple[Interval, ...]:
    if not isinstance(value, list):
        raise InvalidField(f"'{name}' must be a list of {{start, end}} intervals", field=name)
    if len(value) > MAX_INTERVALS_PER_DAY:
        raise InvalidField(f"'{name}' has {len(value)} intervals; at most {MAX_INTERVALS_PER_DAY}", field=name)
    intervals = tuple(sorted(_parse_interval(item, f"{name}[{i}]") for i, item in enumerate(value)))
    for earlier, later in zip(intervals, intervals[1:], strict=False):
        if earlier.crosses_midnight or later.start_minute < earlier.end_minute:
            raise InvalidField(
                f"'{name}' has overlapping intervals {_interval_text(earlier)} and {_interval_text(later)}",
                field=name,
            )
    return intervals


def _parse_interval(value: Any, name: str) -> Interval:
    if not isinstance(value, dict):
        raise InvalidField(f"'{name}' must be an object with 'start' and 'end'", field=name)
    with fields_under(name):
        only_fields(value, {"start", "end"})
    start = _parse_minute(value.get("start"), f"{name}.start", allow_24=False)
    end = _parse_minute(value.get("end"), f"{name}.end", allow_24=True)
    if start == end:
        raise InvalidField(
            f"'{name}' ends when it starts ({_minute_text(start)}): for all day write 00:00-24:00", field=name
        )
    return Interval(start, end)


def _parse_minute(value: Any, name: str, *, allow_24: bool) -> int:
    if not isinstance(value, str) or not _HHMM.fullmatch(value) or (value == "24:00" and not allow_24):
        allowed = "00:00-23:59" + (" or 24:00" if allow_24 else "")
        raise InvalidField(f"'{name}' must be a time written HH:MM ({allowed})", field=name)
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def _check_weekly_overlap(weekly: dict[int, tuple[Interval, ...]], name: str) -> None:
    """Across days too: Friday 22:00-02:00 and Saturday 01:00-03:00 overlap; so do Sunday's and Monday's."""
    spans: list[tuple[int, int, str]] = []  # minute-of-week start, end, label
    for day, intervals in weekly.items():
        for interval in intervals:
            start = day * MINUTES_PER_DAY + interval.start_minute
            spans.append((start, start + interval.length_minutes, f"{WEEKDAYS[day]} {_interval_text(interval)}"))
    spans.sort()
    # One copy a week later catches an overlap that wraps from Sunday into Monday. Sorted by start,
    # any overlap shows in some neighbouring pair.
    doubled = spans + [(s + MINUTES_PER_WEEK, e + MINUTES_PER_WEEK, label) for s, e, label in spans]
    for (_, earlier_end, earlier), (later_start, _, later) in zip(doubled, doubled[1:], strict=False):
        if later_start < earlier_end:
            raise InvalidField(f"'{name}' has overlapping intervals: {earlier} and {later}", field=name)


def _parse_date(value: Any, name: str) -> date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidField(f"'{name}' must be a date written YYYY-MM-DD", field=name)


def _parse_dated_list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidField(f"'{name}' must be a list", field=name)
    if len(value) > MAX_DATED_ENTRIES:
        raise InvalidField(f"'{name}' has {len(value)} entries; at most {MAX_DATED_ENTRIES}", field=name)
    return value


def _parse_holidays(value: Any, name: str) -> dict[date, Holiday]:
    holidays: dict[date, Holiday] = {}
    for index, item in enumerate(_parse_dated_list(value, name)):
        item_name = f"{name}[{index}]"
        if not isinstance(item, dict):
            raise InvalidField(f"'{item_name}' must be an object with 'date'", field=name)
        with fields_under(item_name):
            only_fields(item, {"date", "name"})
        day = _parse_date(item.get("date"), f"{item_name}.date")
        if day in holidays:
            raise InvalidField(f"'{name}' lists {day.isoformat()} twice", field=name)
        with fields_under(item_name):
            label = text_field(item, "name", max_chars=MAX_NAME_CHARS, required=False) or ""
        holidays[day] = Holiday(day, label)
    return holidays


def _parse_exceptions(value: Any, name: str) -> dict[date, tuple[Interval, ...]]:
    exceptions: dict[date, tuple[Interval, ...]] = {}
    for index, item in enumerate(_parse_dated_list(value, name)):
        item_name = f"{name}[{index}]"
        if not isinstance(item, dict):
            raise InvalidField(f"'{item_name}' must be an object with 'date' and 'intervals'", field=name)
        with fields_under(item_name):
            only_fields(item, {"date", "intervals"})
        day = _parse_date(item.get("date"), f"{item_name}.date")
        if day in exceptions:
            raise InvalidField(f"'{name}' lists {day.isoformat()} twice", field=name)
        exceptions[day] = _parse_intervals(item.get("intervals"), f"{item_name}.intervals")
    return exceptions


def _parse_closed_message(value: Any, name: str) -> tuple[str, str]:
    if value is None:
        return "", ""
    if not isinstance(value, dict):
        raise InvalidField(f"'{name}' must be an object {{ko, en}}", field=name)
    with fields_under(name):
        only_fields(value, {"ko", "en"})
        ko = text_field(value, "ko", max_chars=MAX_MEMO_CHARS, required=False, allow_newlines=True) or ""
        en = text_field(value, "en", max_chars=MAX_MEMO_CHARS, required=False, allow_newlines=True) or ""
    return ko, en


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # Only admin writes pay for the listing; reads of stored schedules just load the zone.
    return frozenset(available_timezones())


def _minute_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _interval_text(interval: Interval) -> str:
    return f"{_minute_text(interval.start_minute)}-{_minute_text(interval.end_minute)}"


def _interval_to_json(interval: Interval) -> dict[str, str]:
    return {"start": _minute_text(interval.start_minute), "end": _minute_text(interval.end_minute)}
