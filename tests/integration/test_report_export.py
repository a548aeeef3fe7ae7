"""The `Report` workbook (issue #24) through the export path: chats driven through the handlers, their
stream records applied to the counters, POST /exports {"kind": "report"}, the export function on moto,
the .xlsx opened again and every sheet checked against GET /reports for the same period."""

from __future__ import annotations

import urllib.parse
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from export_support import ExportRig
from test_report_stream import FROM, TO, deliver, drive_chats, report, stream_records

from chalicelib.export.report_book import METRIC_COLUMNS, SHEET_TITLES
from chalicelib.store.record_models import ExportJobModel

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def rig(h):
    return ExportRig(h)


def _key(job: dict) -> str:
    path = urllib.parse.urlparse(job["downloadUrl"]).path
    return urllib.parse.unquote(path.split("/test-exports-bucket/", 1)[-1].lstrip("/"))


def _jobs() -> int:
    return sum(1 for _ in ExportJobModel.scan())  # a test's look at the whole table, not an access path


def _expected_metrics(row: dict) -> list:
    values = []
    for _, _, read, _ in METRIC_COLUMNS:
        values.append(read(row))
    return values


def test_the_report_workbook_has_one_sheet_per_grouping_with_the_numbers_of_get_reports(h, rig):
    from chalicelib.bootstrap import store
    from chalicelib.store.models import ConversationModel

    drive_chats(h)
    deliver(stream_records(ConversationModel.Meta.table_name))
    assert store().reports  # the counters are filled
    admin = h.staff_token("admin@example.com", group="admins")
    status, accepted = h.rest("POST", "/exports", {"kind": "report", "from": FROM, "to": TO}, token=admin)
    assert status == 202, accepted
    rig.run_queue()
    status, job = h.rest("GET", f"/exports/{accepted['exportId']}", token=admin)
    assert status == 200 and job["status"] == "done", job
    assert job["fileName"].startswith("report_") and job["fileName"].endswith(".xlsx")
    assert job["filters"]["kind"] == "report" and job["filters"]["groupings"] == ["hour", "day", "team", "agent"]
    book = rig.workbook(_key(job))
    assert book.sheetnames == [SHEET_TITLES[g] for g in ("hour", "day", "team", "agent")]
    for grouping in ("hour", "day", "team", "agent"):
        sheet = book[SHEET_TITLES[grouping]]
        expected = report(h, admin, grouping)
        assert expected["rows"], grouping
        assert sheet.freeze_panes == "B2"
        assert sheet.column_dimensions["A"].width >= 18
        header = [c.value for c in sheet[1]]
        offset = 2 if grouping == "team" else 1
        assert header[offset:] == [title for title, *_ in METRIC_COLUMNS]
        rows = list(sheet.iter_rows(min_row=2))
        assert len(rows) == len(expected["rows"]) + 1  # and the total
        for cells, want in zip(rows, [*expected["rows"], expected["total"]], strict=True):
            key = cells[0].value
            if cells is rows[-1]:
                assert key == "합계"
            elif grouping == "hour":
                start = datetime.fromisoformat(want["key"].replace("Z", "+00:00")).astimezone(SEOUL)
                assert key == start.replace(tzinfo=None) and cells[0].number_format == "yyyy-mm-dd hh:mm"
            elif grouping == "day":
                assert key == datetime.fromisoformat(want["key"]) and cells[0].number_format == "yyyy-mm-dd"
            else:
                assert key == want["key"]
            for cell, value, (title, _, _, number_format) in zip(
                cells[offset:], _expected_metrics(want), METRIC_COLUMNS, strict=True
            ):
                if value is None:
                    assert cell.value is None, title
                    continue
                if isinstance(value, timedelta):
                    assert cell.number_format == "[h]:mm:ss", title
                    assert cell.is_date, title  # a real Excel duration, read back as a time value
                    got = cell.value
                    got = (
                        got
                        if isinstance(got, timedelta)
                        else timedelta(
                            hours=got.hour, minutes=got.minute, seconds=got.second, microseconds=got.microsecond
                        )
                    )
                    assert abs(got - value) < timedelta(milliseconds=1), title
                else:
                    assert cell.data_type == "n" and cell.value == pytest.approx(value), title
                    assert cell.number_format == number_format, title
        total = rows[-1]
        assert total[offset].value == expected["total"]["chatsIn"] == 3


def test_groupings_chosen_become_the_only_sheets(h, rig):
    admin = h.staff_token("admin@example.com", group="admins")
    body = {"kind": "report", "from": "2026-11-01", "to": "2026-11-30", "groupings": ["agent", "day"]}
    status, accepted = h.rest("POST", "/exports", body, token=admin)
    assert status == 202, accepted
    rig.run_queue()
    job = h.rest("GET", f"/exports/{accepted['exportId']}", token=admin)[1]
    assert job["status"] == "done", job
    assert job["filters"]["timeZone"] == "Asia/Seoul" and job["filters"]["groupings"] == ["day", "agent"]
    book = rig.workbook(_key(job))
    assert book.sheetnames == ["일", "상담원"]
    assert [c.value for c in book["일"][2]][:2] == ["합계", 0]  # no chats: only the total


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),
        ({"from": "2025-01-01", "to": "2026-11-30"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"groupings": ["week"]}, "groupings"),
        ({"groupings": []}, "groupings"),
        ({"groupings": "day"}, "groupings"),
        ({"groupings": ["day", "day"]}, "groupings"),
        ({"groupBy": "day"}, "groupBy"),
    ],
)
def test_a_bad_report_request_is_400_and_creates_nothing(h, rig, body, field):
    admin = h.staff_token("admin@example.com", group="admins")
    status, answer = h.rest("POST", "/exports", {"kind": "report", **body}, token=admin)
    assert status == 400, answer
    assert answer.get("field") == field, answer
    assert _jobs() == 0 and rig.receive() == []


def test_only_admins_export_a_report(h, rig):
    token, _ = h.agent_online("agent1@example.com")
    status, answer = h.rest("POST", "/exports", {"kind": "report"}, token=token)
    assert status == 403, answer
    assert _jobs() == 0
    status, answer = h.rest(
        "POST", "/exports", {"kind": "weekly"}, token=h.staff_token("admin@example.com", group="admins")
    )
    assert status == 400 and answer.get("field") == "kind"
