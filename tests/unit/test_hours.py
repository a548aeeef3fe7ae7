"""Business hours (chalicelib/domain/hours.py and hours_documents.py): parsing, open or closed, next opening;
Seoul (no DST) and Berlin across both switches."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chalicelib.domain import hours, hours_documents
from chalicelib.domain.errors import InvalidField, TooLong
from chalicelib.domain.hours import BusinessHours, is_open, next_opening
from chalicelib.domain.hours_documents import parse_schedule

NOW = 1796169600000  # 2026-12-02T00:00Z, a Wednesday


def utc(text: str) -> int:
    """'2026-03-29T01:30Z' → epoch ms."""
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()) * 1000


def local(text: str, zone: str) -> int:
    """A wall time in `zone` (never an ambiguous or skipped one here) → epoch ms."""
    return int(datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).timestamp()) * 1000


def iv(start: str, end: str) -> dict[str, str]:
    return {"start": start, "end": end}


OFFICE = [iv("09:00", "12:00"), iv("13:00", "18:00")]
SEOUL_BODY = {
    "timeZone": "Asia/Seoul",
    "weekly": {
        "mon": OFFICE,
        "tue": OFFICE,
        "wed": OFFICE,
        "thu": OFFICE,
        "fri": [*OFFICE, iv("22:00", "02:00")],  # Friday night runs into Saturday
    },
    "holidays": [
        {"date": "2026-12-05", "name": "토요일 휴무"},  # a Saturday: Friday's night hours still run
        {"date": "2026-12-25", "name": "성탄절"},  # a Friday: closed, its night hours too
        {"date": "2027-01-01", "name": "신정"},  # with an exception: the exception's hours apply
    ],
    "exceptions": [
        {"date": "2026-12-31", "intervals": [iv("09:00", "15:00")]},
        {"date": "2027-01-01", "intervals": [iv("10:00", "14:00")]},
    ],
    "closedMessage": {"ko": "지금은 운영시간이 아닙니다.", "en": "We are closed now."},
}
SEOUL = parse_schedule(SEOUL_BODY, now_utc_ms=NOW)

# Europe/Berlin: DST starts 2026-03-29 01:00Z (02:00 CET → 03:00 CEST), ends 2026-10-25 01:00Z (03:00 CEST → 02:00 CET).
BERLIN = parse_schedule(
    {"timeZone": "Europe/Berlin", "weekly": {"sat": [iv("22:00", "02:00")], "sun": [iv("02:30", "05:00")]}},
    now_utc_ms=utc("2026-01-01T00:00Z"),
)


@pytest.mark.parametrize(
    ("wall_time", "expected"),
    [
        ("2026-12-02T08:59", False),
        ("2026-12-02T09:00", True),  # start is inclusive
        ("2026-12-02T11:59", True),
        ("2026-12-02T12:00", False),  # end is exclusive: lunch
        ("2026-12-02T13:00", True),
        ("2026-12-02T18:00", False),
        ("2026-12-04T22:00", True),  # Friday night
        ("2026-12-05T01:59", True),  # past midnight, on a Saturday holiday: Friday's interval
        ("2026-12-05T02:00", False),
        ("2026-12-24T22:00", False),  # no Thursday night hours
        ("2026-12-25T10:00", False),  # holiday on a weekday
        ("2026-12-25T23:00", False),  # the holiday removes its night hours
        ("2026-12-26T01:00", False),  # also after midnight
        ("2026-12-31T14:59", True),  # exception: 09:00-15:00 instead of the weekly hours
        ("2026-12-31T15:00", False),
        ("2026-12-31T16:00", False),
        ("2027-01-01T09:30", False),  # exception on a holiday: its hours, not the holiday nor Friday's
        ("2027-01-01T10:00", True),
        ("2027-01-01T13:59", True),
        ("2027-01-01T14:00", False),
        ("2027-01-01T22:30", False),
    ],
)
def test_seoul_is_open(wall_time: str, expected: bool) -> None:
    assert is_open(SEOUL, local(wall_time, "Asia/Seoul")) is expected


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Spring forward, Sat 28 → Sun 29 March.
        ("2026-03-28T20:59Z", False),
        ("2026-03-28T21:00Z", True),  # 22:00 CET
        ("2026-03-29T00:59Z", True),
        ("2026-03-29T01:00Z", False),  # Saturday's 02:00 end does not exist: read as CET, i.e. 03:00 CEST
        ("2026-03-29T01:29Z", False),
        ("2026-03-29T01:30Z", True),  # Sunday's 02:30 start does not exist: 03:30 CEST
        ("2026-03-29T02:59Z", True),
        ("2026-03-29T03:00Z", False),  # 05:00 CEST
        # Fall back, Sat 24 → Sun 25 October: 02:00-03:00 happens twice; the first (CEST) is meant.
        ("2026-10-24T19:59Z", False),
        ("2026-10-24T20:00Z", True),  # 22:00 CEST
        ("2026-10-24T23:59Z", True),
        ("2026-10-25T00:00Z", False),  # 02:00 CEST, its first occurrence
        ("2026-10-25T00:29Z", False),
        ("2026-10-25T00:30Z", True),  # 02:30 CEST, its first occurrence
        ("2026-10-25T01:15Z", True),  # 02:15 CET, the repeated hour: inside 02:30 CEST-05:00 CET
        ("2026-10-25T03:59Z", True),
        ("2026-10-25T04:00Z", False),  # 05:00 CET
        # Ordinary weekends on either side.
        ("2026-04-04T20:00Z", True),
        ("2026-04-05T00:00Z", False),
        ("2026-04-05T00:30Z", True),
        ("2026-04-05T03:00Z", False),
        ("2026-12-05T21:00Z", True),
        ("2026-12-06T01:00Z", False),
        ("2026-12-06T01:30Z", True),
        ("2026-12-06T04:00Z", False),
    ],
)
def test_berlin_is_open_across_both_dst_switches(instant: str, expected: bool) -> None:
    assert is_open(BERLIN, utc(instant)) is expected


@pytest.mark.parametrize(
    ("schedule", "at", "expected"),
    [
        (SEOUL, local("2026-12-02T12:30", "Asia/Seoul"), local("2026-12-02T13:00", "Asia/Seoul")),
        (SEOUL, local("2026-12-02T10:00", "Asia/Seoul"), local("2026-12-02T10:00", "Asia/Seoul")),  # open: now
        (SEOUL, local("2026-12-04T18:30", "Asia/Seoul"), local("2026-12-04T22:00", "Asia/Seoul")),
        (SEOUL, local("2026-12-05T03:00", "Asia/Seoul"), local("2026-12-07T09:00", "Asia/Seoul")),
        (SEOUL, local("2026-12-24T18:00", "Asia/Seoul"), local("2026-12-28T09:00", "Asia/Seoul")),  # over a holiday
        (SEOUL, local("2026-12-31T15:00", "Asia/Seoul"), local("2027-01-01T10:00", "Asia/Seoul")),
        (BERLIN, utc("2026-03-29T01:00Z"), utc("2026-03-29T01:30Z")),
        (BERLIN, utc("2026-10-25T00:00Z"), utc("2026-10-25T00:30Z")),
        (BERLIN, utc("2026-10-25T04:00Z"), utc("2026-10-31T21:00Z")),  # next Saturday, 22:00 CET
        (BusinessHours(), NOW, None),  # no hours at all
    ],
)
def test_next_opening(schedule: BusinessHours, at: int, expected: int | None) -> None:
    assert next_opening(schedule, at) == expected


def test_next_opening_is_none_beyond_the_horizon() -> None:
    far = (datetime(2026, 12, 2) + timedelta(days=hours.NEXT_OPENING_HORIZON_DAYS + 30)).date().isoformat()
    only_far = parse_schedule({"exceptions": [{"date": far, "intervals": [iv("09:00", "10:00")]}]}, now_utc_ms=NOW)
    assert next_opening(only_far, NOW) is None
    near = parse_schedule({"exceptions": [{"date": "2027-06-01", "intervals": [iv("09:00", "10:00")]}]}, now_utc_ms=NOW)
    assert next_opening(near, NOW) == local("2027-06-01T09:00", "Asia/Seoul")


def test_an_interval_pushed_past_its_end_by_spring_forward_is_closed() -> None:
    # 02:30 (no such time, read as 03:30 CEST) to 03:15 CEST: nothing left of it that day.
    schedule = parse_schedule(
        {"timeZone": "Europe/Berlin", "exceptions": [{"date": "2026-03-29", "intervals": [iv("02:30", "03:15")]}]},
        now_utc_ms=utc("2026-01-01T00:00Z"),
    )
    assert not any(is_open(schedule, utc("2026-03-29T00:00Z") + m * 60_000) for m in range(0, 240, 5))
    assert next_opening(schedule, utc("2026-03-28T00:00Z")) is None


def test_all_day_is_00_00_to_24_00() -> None:
    schedule = parse_schedule({"weekly": {"sat": [iv("00:00", "24:00")]}}, now_utc_ms=NOW)
    assert is_open(schedule, local("2026-12-05T00:00", "Asia/Seoul"))
    assert is_open(schedule, local("2026-12-05T23:59", "Asia/Seoul"))
    assert not is_open(schedule, local("2026-12-06T00:00", "Asia/Seoul"))
    assert hours_documents.schedule_to_document(schedule)["weekly"] == {"sat": [iv("00:00", "24:00")]}


def test_next_opening_times_in_the_service_zone_and_the_customers() -> None:
    opening = hours.next_opening_times(BERLIN, utc("2026-03-29T01:00Z"), "Asia/Seoul")
    assert opening is not None
    assert opening.to_body() == {
        "at": utc("2026-03-29T01:30Z"),
        "serviceTimeZone": "Europe/Berlin",
        "serviceTime": "2026-03-29T03:30:00+02:00",
        "customerTimeZone": "Asia/Seoul",
        "customerTime": "2026-03-29T10:30:00+09:00",
    }
    # The widget's zone is unchecked input: an unknown one falls back to the service's, and says so.
    for bad in ["Mars/Olympus", "../../etc/passwd", "", None, "x" * 500]:
        fallback = hours.next_opening_times(SEOUL, local("2026-12-02T12:30", "Asia/Seoul"), bad)
        assert fallback is not None
        assert (fallback.customer_time_zone, fallback.customer_local) == ("Asia/Seoul", "2026-12-02T13:00:00+09:00")
    assert hours.next_opening_times(BusinessHours(), NOW, "Asia/Seoul") is None


def test_the_document_round_trips() -> None:
    document = hours_documents.schedule_to_document(SEOUL)
    assert hours_documents.schedule_from_document(document) == SEOUL
    assert document["weekly"]["fri"][-1] == iv("22:00", "02:00")
    assert document["holidays"][1] == {"date": "2026-12-25", "name": "성탄절"}
    assert document["closedMessage"] == SEOUL_BODY["closedMessage"]


def test_stored_past_dates_load_and_an_editor_drops_them() -> None:
    later = utc("2027-01-01T06:00Z")  # 15:00 in Seoul on 1 January
    with pytest.raises(InvalidField):
        parse_schedule(SEOUL_BODY, now_utc_ms=later)
    stored = hours_documents.schedule_from_document(SEOUL_BODY)
    pruned = hours_documents.without_past_dates(stored, later)
    assert sorted(d.isoformat() for d in pruned.holidays) == ["2027-01-01"]
    assert sorted(d.isoformat() for d in pruned.exceptions) == ["2027-01-01"]
    parse_schedule(hours_documents.schedule_to_document(pruned), now_utc_ms=later)  # what the editor sends back passes


def test_past_means_before_today_in_the_schedules_zone() -> None:
    evening_utc = utc("2026-12-02T16:00Z")  # already 3 December in Seoul, still 2 December in Berlin
    body = {"holidays": [{"date": "2026-12-02"}]}
    with pytest.raises(InvalidField) as caught:
        parse_schedule({**body, "timeZone": "Asia/Seoul"}, now_utc_ms=evening_utc)
    assert caught.value.field == "hours.holidays" and "2026-12-02" in caught.value.message
    parse_schedule({**body, "timeZone": "Europe/Berlin"}, now_utc_ms=evening_utc)
    parse_schedule({"holidays": [{"date": "2026-12-03"}]}, now_utc_ms=evening_utc)  # today is fine


def test_closed_message_in_either_language() -> None:
    assert hours.closed_message(SEOUL, "ko") == "지금은 운영시간이 아닙니다."
    assert hours.closed_message(SEOUL, "en") == "We are closed now."
    korean_only = parse_schedule({"closedMessage": {"ko": "휴무입니다."}}, now_utc_ms=NOW)
    assert hours.closed_message(korean_only, "en") == "휴무입니다."  # no English: the Korean text
    assert parse_schedule({}, now_utc_ms=NOW).time_zone == "Asia/Seoul"


def weekly(**days: list[dict[str, str]]) -> dict[str, object]:
    return {"weekly": days}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ([], "hours", "must be an object"),
        ({"weeklyHours": {}}, "hours.weeklyHours", "unknown field"),
        ({"weekly": {"funday": OFFICE}}, "hours.weekly", "unknown day 'funday'"),
        ({"weekly": {"Mon": OFFICE}}, "hours.weekly", "unknown day 'Mon'"),
        ({"weekly": []}, "hours.weekly", "must be an object"),
        (weekly(mon=[iv("09:00", "12:00"), iv("11:00", "13:00")]), "hours.weekly.mon", "overlapping"),
        (weekly(mon=[iv("22:00", "02:00"), iv("23:00", "23:30")]), "hours.weekly.mon", "overlapping"),
        (weekly(fri=[iv("22:00", "02:00")], sat=[iv("01:00", "03:00")]), "hours.weekly", "fri 22:00-02:00 and sat"),
        (weekly(sun=[iv("23:00", "02:00")], mon=[iv("01:00", "03:00")]), "hours.weekly", "overlapping"),
        (weekly(mon=[iv("09:00", "09:00")]), "hours.weekly.mon[0]", "ends when it starts"),
        (weekly(mon=[iv("9:00", "12:00")]), "hours.weekly.mon[0].start", "HH:MM"),
        (weekly(mon=[iv("24:00", "12:00")]), "hours.weekly.mon[0].start", "HH:MM"),
        (weekly(mon=[iv("09:00", "12:60")]), "hours.weekly.mon[0].end", "HH:MM"),
        (weekly(mon=[iv("09:00", "25:00")]), "hours.weekly.mon[0].end", "HH:MM"),
        (weekly(mon=[iv("09:00", "12:00\n")]), "hours.weekly.mon[0].end", "HH:MM"),
        (weekly(mon=[iv("０9:00", "12:00")]), "hours.weekly.mon[0].start", "HH:MM"),  # a full-width digit
        (weekly(mon=[{"start": 900, "end": "12:00"}]), "hours.weekly.mon[0].start", "HH:MM"),
        (weekly(mon=[{"start": "09:00"}]), "hours.weekly.mon[0].end", "HH:MM"),
        (weekly(mon=[{"start": "09:00", "end": "10:00", "tz": "UTC"}]), "hours.weekly.mon[0].tz", "unknown field"),
        (weekly(mon="09:00-18:00"), "hours.weekly.mon", "must be a list"),
        (weekly(mon=[iv("09:00", "09:01")] * 10_000), "hours.weekly.mon", "at most 12"),
        ({"timeZone": "Mars/Olympus"}, "hours.timeZone", "IANA"),
        ({"timeZone": "../../etc/passwd"}, "hours.timeZone", "IANA"),
        ({"timeZone": "Europe"}, "hours.timeZone", "IANA"),
        ({"timeZone": "KST"}, "hours.timeZone", "IANA"),
        ({"timeZone": ""}, "hours.timeZone", "IANA"),
        ({"timeZone": 9}, "hours.timeZone", "IANA"),
        ({"holidays": [{"date": "2026-12-01"}]}, "hours.holidays", "in the past"),
        ({"exceptions": [{"date": "2025-01-01", "intervals": []}]}, "hours.exceptions", "in the past"),
        ({"holidays": [{"date": "2027-02-30"}]}, "hours.holidays[0].date", "YYYY-MM-DD"),
        ({"holidays": [{"date": "2027/01/01"}]}, "hours.holidays[0].date", "YYYY-MM-DD"),
        ({"holidays": ["2027-01-01"]}, "hours.holidays", "must be an object"),
        ({"holidays": [{"date": "2027-01-01"}, {"date": "2027-01-01"}]}, "hours.holidays", "twice"),
        ({"holidays": [{"date": "2027-01-01"}] * 10_000}, "hours.holidays", "at most 400"),
        ({"exceptions": [{"date": "2027-01-01"}]}, "hours.exceptions[0].intervals", "must be a list"),
        (
            {"exceptions": [{"date": "2027-01-01", "intervals": [iv("09:00", "12:00"), iv("10:00", "11:00")]}]},
            "hours.exceptions[0].intervals",
            "overlapping",
        ),
        ({"closedMessage": "closed"}, "hours.closedMessage", "{ko, en}"),
        ({"closedMessage": {"ko": "a\x00b"}}, "hours.closedMessage.ko", "control characters"),
    ],
)
def test_bad_schedules_are_refused_with_the_field(body: object, field: str, message: str) -> None:
    with pytest.raises(InvalidField) as caught:
        parse_schedule(body, now_utc_ms=NOW)
    assert caught.value.field == field
    assert message in caught.value.message


def test_a_closed_message_over_the_limit_is_too_long() -> None:
    with pytest.raises(TooLong) as caught:
        parse_schedule({"closedMessage": {"ko": "가" * 2001}}, now_utc_ms=NOW)
    assert caught.value.field == "hours.closedMessage.ko"


@pytest.mark.parametrize(
    "body",
    [
        weekly(fri=[iv("22:00", "02:00")], sat=[iv("02:00", "04:00")]),  # touching is not overlapping
        weekly(sun=[iv("22:00", "00:00")], mon=[iv("00:00", "02:00")]),
        weekly(mon=[iv("00:00", "24:00")], tue=[iv("00:00", "24:00")]),
        weekly(mon=[iv("09:00", "09:01")] * 1 + [iv(f"{h:02d}:00", f"{h:02d}:30") for h in range(10, 21)]),  # 12
        {"timeZone": "UTC"},
        {"timeZone": "America/New_York", "weekly": None, "holidays": None, "exceptions": None, "closedMessage": None},
    ],
)
def test_good_schedules_parse(body: dict[str, object]) -> None:
    parse_schedule(body, now_utc_ms=NOW)


# --- properties over random schedules --------------------------------------------------------

# Lord Howe moves by 30 minutes; Santiago switches at midnight (a day whose 00:00 does not exist).
ZONES = ["Asia/Seoul", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "UTC"]
YEAR_2026 = (utc("2026-01-01T00:00Z"), utc("2027-01-01T00:00Z"))


@st.composite
def schedules(draw: st.DrawFn) -> BusinessHours:
    minute = st.integers(0, 47).map(lambda half_hours: half_hours * 30)
    days: dict[str, list[dict[str, str]]] = {}
    for day in draw(st.lists(st.sampled_from(hours_documents.WEEKDAYS), max_size=7, unique=True)):
        start, length = draw(minute), draw(st.integers(1, 47).map(lambda h: h * 30))
        end = (start + length) % hours.MINUTES_PER_DAY
        days[day] = [iv(hours_documents._minute_text(start), hours_documents._minute_text(end))]
    holidays = draw(st.lists(st.integers(0, 364), max_size=20, unique=True))
    body = {
        "timeZone": draw(st.sampled_from(ZONES)),
        "weekly": days,
        "holidays": [{"date": (datetime(2026, 1, 1) + timedelta(days=d)).date().isoformat()} for d in holidays],
    }
    try:
        return hours_documents.schedule_from_document(body)
    except InvalidField:  # random days may overlap across midnight
        assume(False)
        raise


@settings(max_examples=150, deadline=None)
@given(schedules(), st.integers(*YEAR_2026), st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=8))
def test_closed_until_the_next_opening_and_open_at_it(schedule: BusinessHours, at: int, fractions: list[float]) -> None:
    opening = next_opening(schedule, at)
    if opening is None:
        assert not any(is_open(schedule, at + day * 86_400_000) for day in range(0, 400, 7))
        return
    assert opening >= at
    assert is_open(schedule, opening)
    if opening == at:
        assert is_open(schedule, at)
        return
    assert not is_open(schedule, at)
    for fraction in fractions:  # every sampled instant of [at, opening) is closed
        assert not is_open(schedule, at + int((opening - at) * fraction))
    assert not is_open(schedule, opening - 1)


@settings(max_examples=50, deadline=None)
@given(schedules(), st.integers(*YEAR_2026))
def test_the_document_round_trips_for_random_schedules(schedule: BusinessHours, at: int) -> None:
    again = hours_documents.schedule_from_document(hours_documents.schedule_to_document(schedule))
    assert again == schedule and is_open(again, at) is is_open(schedule, at)


def test_nested_field_errors_name_their_whole_path() -> None:
    with pytest.raises(InvalidField) as caught:
        parse_schedule({"holidays": [{"date": "2027-01-01", "name": "a\nb"}]}, now_utc_ms=NOW)
    assert caught.value.field == "hours.holidays[0].name"
    assert caught.value.message.startswith("'hours.holidays[0].name' must be a single line")
