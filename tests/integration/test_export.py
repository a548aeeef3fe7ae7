"""The Excel export (issue 6): REST routes, the SQS export function under moto, and the .xlsx it writes,
opened again with openpyxl and checked column by column."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from export_support import ExportRig, now_ms, put_chat

from chalicelib import bootstrap
from chalicelib.domain.entities import Ticket
from chalicelib.export.workbook import CHAT_COLUMNS, MESSAGE_COLUMNS
from chalicelib.store.models import ConversationModel
from chalicelib.store.record_models import ExportJobModel

SEOUL = ZoneInfo("Asia/Seoul")
DAY = 24 * 3600 * 1000


@pytest.fixture
def rig(h):
    return ExportRig(h)


def _local(ms: int | None, tz=SEOUL) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz).replace(tzinfo=None, microsecond=0)


def _close(a: datetime | None, b: datetime | None) -> bool:
    # Excel stores times as fractions of a day: compare to the second.
    if a is None or b is None:
        return a is b
    return abs((a - b).total_seconds()) < 1


def _rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


def _admin(h) -> str:
    return h.staff_token("admin@example.com", group="admins")


def _export(h, rig, token: str, body: dict) -> dict:
    status, accepted = h.rest("POST", "/exports", body, token=token)
    assert status == 202, accepted
    assert accepted["status"] == "queued"
    rig.run_queue()
    status, job = h.rest("GET", f"/exports/{accepted['exportId']}", token=token)
    assert status == 200
    return job


def _key(job: dict) -> str:
    path = urllib.parse.urlparse(job["downloadUrl"]).path
    return urllib.parse.unquote(path.split("/test-exports-bucket/", 1)[-1].lstrip("/"))


# --- the workbook ---------------------------------------------------------------------------------


def test_real_chat_exports_every_column_in_seoul_time(h, rig):
    token, agent_conn = h.agent_online("agent1@example.com")
    chat = h.start_chat("홍길동")
    cid = chat["conversationId"]
    customer = h.connected(chat["token"])
    h.send(
        customer, {"action": "message.send", "conversationId": cid, "clientMessageId": "q1", "text": "배송이 늦어요"}
    )
    h.send(
        agent_conn, {"action": "message.send", "conversationId": cid, "clientMessageId": "a1", "text": "확인하겠습니다"}
    )
    settings = h.rest("GET", "/settings", token=token)[1]
    info = {"name": "홍길동", "email": "hong@example.com", "phone": "010-1234-5678", "memo": '=HYPERLINK("x")'}
    assert h.rest("PUT", f"/chats/{cid}/customer", info, token=token)[0] == 200
    counsel = {
        "inquiryType": settings["inquiryTypes"][2],
        "processingType": settings["processingTypes"][0],
        "note": "+환불 안내",
    }
    assert h.rest("PUT", f"/chats/{cid}/counsel", counsel, token=token)[0] == 200
    ticket = h.rest(
        "POST",
        f"/chats/{cid}/tickets",
        {"inquiryType": settings["inquiryTypes"][2], "title": "지연", "content": "확인"},
        token=token,
    )[1]
    h.rest("POST", f"/chats/{cid}/rating", {"rating": "satisfied", "comment": "친절해요"}, token=chat["token"])
    assert h.rest("POST", f"/chats/{cid}/end", token=token)[0] == 200

    admin = _admin(h)
    admin_conn = h.connected(admin)
    job = _export(h, rig, admin, {})
    assert job["status"] == "done" and job["progress"] == 100
    assert (job["chatRows"], job["messageRows"]) == (1, ConversationModel.get(cid).last_seq)
    conv = ConversationModel.get(cid)
    assert (
        job["fileName"]
        == f"chat-history_{datetime.now(SEOUL) - timedelta(days=30):%Y%m%d}-{datetime.now(SEOUL):%Y%m%d}.xlsx"
    )

    book = rig.workbook(_key(job))
    assert book.sheetnames == ["Chats", "Messages", "Attachments"]
    chats, messages = book["Chats"], book["Messages"]
    assert [c.value for c in chats[1]] == [c.header for c in CHAT_COLUMNS]
    assert [c.value for c in messages[1]] == [c.header for c in MESSAGE_COLUMNS]
    header = chats["A1"]
    assert header.font.b and header.fill.fill_type == "solid"
    assert chats.freeze_panes == "A2" and messages.freeze_panes == "A2"
    assert chats.column_dimensions["A"].width == CHAT_COLUMNS[0].width
    assert messages.column_dimensions["F"].width == MESSAGE_COLUMNS[5].width
    assert chats.auto_filter.ref == "A1:AA2"

    (row,) = _rows(chats)
    expected = {
        "채팅 ID": cid,
        "처리 유형": counsel["processingType"],
        "처리 상태": "처리",
        "상담원": conv.agent_name,
        "상담원 ID": "agent1@example.com",
        "사용자 이름": "홍길동",
        "평가": "만족",
        "대화 상태": "종료",
        "이메일": "hong@example.com",
        "전화번호": "010-1234-5678",
        "고객 메모": info["memo"],
        "문의 유형": counsel["inquiryType"],
        "상담 내용": "+환불 안내",
        "종료 주체": "상담원",
        "평가 코멘트": "친절해요",
        "메시지 수": conv.last_seq,
        "티켓 ID": ticket["ticketId"],
    }
    values = dict(zip([c.header for c in CHAT_COLUMNS], row, strict=True))
    for name, value in expected.items():
        assert values[name] == value, name
    for name, ms in [
        ("인입 시간", conv.inbound_at),
        ("배정 시간", conv.assigned_at),
        ("첫 응답 시각", conv.first_response_at),
        ("종료 시간", conv.ended_at),
    ]:
        assert isinstance(values[name], datetime), name
        assert _close(values[name], _local(ms)), name
    assert _close(
        values["인입 시간"],
        datetime.fromtimestamp(conv.inbound_at / 1000, UTC).replace(tzinfo=None) + timedelta(hours=9),
    )
    assert abs(values["첫 응답 시간"] - timedelta(milliseconds=conv.first_response_at - conv.inbound_at)) < timedelta(
        seconds=1
    )
    assert abs(values["상담 시간"] - timedelta(milliseconds=conv.ended_at - conv.inbound_at)) < timedelta(seconds=1)
    assert chats["B2"].number_format == "yyyy-mm-dd hh:mm:ss" and chats["I2"].number_format == "[h]:mm:ss"
    # Formula-like text stays text, exactly as typed, marked so Excel shows it as text.
    memo = chats.cell(row=2, column=13)
    assert memo.data_type == "s" and memo.quotePrefix and memo.value == info["memo"]

    stored = [m for m in h.rest("GET", f"/chats/{cid}/transcript", token=admin)[1]["messages"]]
    rows = _rows(messages)
    assert [r[:2] for r in rows] == [[cid, m["seq"]] for m in stored]
    for got, want in zip(rows, stored, strict=True):
        assert _close(got[2], _local(want["createdAt"]))
        role = {"customer": "고객", "agent": "상담원", "system": "시스템"}[want["role"]]
        assert got[3] == role and got[4] == want["senderName"]
        assert got[5] == (want["text"] if want["text"] is not None else f"[{want['systemCode']}]")
    assert ["배송이 늦어요", "확인하겠습니다"] == [r[5] for r in rows if r[3] != "시스템"][:2]

    frames = h.frames(admin_conn)
    assert [f["type"] for f in frames if f["type"].startswith("export.")][-1] == "export.ready"
    assert any(f["type"] == "export.progress" for f in frames)
    ready = frames[-1]
    assert ready == {
        **ready,
        "exportId": job["exportId"],
        "status": "done",
        "rows": job["rows"],
        "fileName": job["fileName"],
        "size": job["size"],
    }
    head = rig.s3.head_object(Bucket="test-exports-bucket", Key=_key(job))
    assert head["ContentLength"] == job["size"] and head["ContentType"].endswith("spreadsheetml.sheet")


def test_escaping_korean_and_configured_time_zone(h, rig, monkeypatch):
    monkeypatch.setenv("EXPORT_TIME_ZONE", "America/New_York")
    inbound = now_ms() - 3600_000
    tricky = [
        "=1+2",
        "+821012345678",
        "-10%",
        "@SUM(A1)",
        "\t=cmd",
        "\rx",
        "안녕하세요 😀 ㄱㄴㄷ",
        "a=b",
        "",
        "\x01=1+2",
    ]
    put_chat("c-escape", inbound, [("customer", "고객", t) for t in tricky], customer_name="=NAME()")
    job = _export(h, rig, _admin(h), {"from": inbound - 1000, "to": inbound + 1000})
    book = rig.workbook(_key(job))
    messages = book["Messages"]
    cells = [messages.cell(row=r, column=6) for r in range(2, 2 + len(tricky))]
    for cell, text in zip(cells, tricky, strict=True):
        if text == "":
            assert cell.value is None
            continue
        shown = text.replace("\r", "\n").replace("\x01", "")  # a control character is dropped
        assert cell.value == shown and cell.data_type == "s"
        formula_like = ("=", "+", "-", "@", "\t", "\r")
        assert bool(cell.quotePrefix) == (text.startswith(formula_like) or shown.startswith(formula_like)), text
    name = book["Chats"].cell(row=2, column=7)
    assert name.value == "=NAME()" and name.data_type == "s" and name.quotePrefix
    new_york = ZoneInfo("America/New_York")
    assert _close(book["Chats"].cell(row=2, column=2).value, _local(inbound, new_york))
    assert _close(messages.cell(row=2, column=3).value, _local(inbound + 1000, new_york))
    expected_name = f"chat-history_{datetime.fromtimestamp((inbound - 1000) / 1000, new_york):%Y%m%d}"
    assert job["fileName"].startswith(expected_name)


def test_sheets_split_before_the_row_limit(h, rig, monkeypatch):
    monkeypatch.setenv("EXPORT_SHEET_ROW_LIMIT", "4")  # header + 3 rows per sheet
    base = now_ms() - 10 * 60_000
    for i in range(5):
        put_chat(f"c-split-{i}", base + i * 1000, [("customer", "고객", f"m{i}-{n}") for n in range(2)])
    job = _export(h, rig, _admin(h), {"from": base - 1, "to": base + 10_000})
    book = rig.workbook(_key(job))
    assert book.sheetnames == [
        "Chats", "Chats (2)", "Messages", "Messages (2)", "Messages (3)", "Messages (4)", "Attachments"
    ]
    for name in book.sheetnames:
        sheet = book[name]
        assert sheet.max_row <= 4 and sheet.freeze_panes == "A2"
        assert sheet["A1"].value == "채팅 ID"
    chat_ids = [r[0] for name in ("Chats", "Chats (2)") for r in _rows(book[name])]
    assert chat_ids == [f"c-split-{i}" for i in range(5)]  # oldest first, none lost or repeated
    texts = [r[5] for name in book.sheetnames if name.startswith("Messages") for r in _rows(book[name])]
    assert texts == [f"m{i}-{n}" for i in range(5) for n in range(2)]
    assert (job["chatRows"], job["messageRows"]) == (5, 10)


def test_filters_select_what_history_shows(h, rig):
    base = now_ms() - 3600_000
    put_chat(
        "c-a",
        base,
        [("customer", "a", "x")],
        agent_id="agent1@example.com",
        rating="satisfied",
        customer_name="Kim",
        customer_name_lower="kim",
        first_response_at=base + 5000,
        inquiry_type="배송",
    )
    put_chat(
        "c-b",
        base + 1000,
        [],
        agent_id="agent2@example.com",
        customer_name="Lee",
        customer_name_lower="lee",
        inquiry_type="환불",
    )
    put_chat("c-old", base - 40 * DAY, [])
    admin = _admin(h)
    span = {"from": base - 1000, "to": base + 5000}
    cases = [
        ({}, ["c-a", "c-b"]),
        ({"agentId": "agent2@example.com"}, ["c-b"]),
        ({"status": "handled"}, ["c-a"]),
        ({"rating": "satisfied"}, ["c-a"]),
        ({"userName": "le"}, ["c-b"]),
        ({"status": "unhandled"}, ["c-b"]),
        ({"inquiryType": "환불"}, ["c-b"]),  # 문의 유형 (issue 17 item 11)
        ({"inquiryType": "배송", "agentId": "agent1@example.com"}, ["c-a"]),
        ({"inquiryType": "없는 유형"}, []),
    ]
    for extra, ids in cases:
        job = _export(h, rig, admin, {**span, **extra})
        assert [r[0] for r in _rows(rig.workbook(_key(job))["Chats"])] == ids, extra
        history = h.rest("GET", "/history", token=admin, query={k: str(v) for k, v in {**span, **extra}.items()})[1]
        assert sorted(r["conversationId"] for r in history["items"]) == ids
        if "inquiryType" in extra:
            assert {r["inquiryType"] for r in history["items"]} <= {extra["inquiryType"]}
    # A type that is not a string is refused (documented: invalid_field).
    status, body = h.rest("POST", "/exports", {**span, "inquiryType": 3}, token=admin)
    assert status == 400 and body["code"] == "invalid_field"


# --- jobs, redelivery, failures -----------------------------------------------------------------


def test_job_states_and_redelivery_does_nothing(h, rig):
    put_chat("c-1", now_ms() - 60_000, [("customer", "고객", "hi")])
    admin = _admin(h)
    status, accepted = h.rest("POST", "/exports", {"limit": "50"}, token=admin)
    assert status == 202
    export_id = accepted["exportId"]
    queued = h.rest("GET", f"/exports/{export_id}", token=admin)[1]
    assert queued["status"] == "queued" and "downloadUrl" not in queued and queued["requestedBy"] == "admin@example.com"
    (record,) = rig.receive()
    assert json.loads(record["body"]) == {"exportId": export_id}
    assert rig.invoke([record]) == {"batchItemFailures": []}
    done = h.rest("GET", f"/exports/{export_id}", token=admin)[1]
    assert done["status"] == "done" and done["attempts"] == 1
    head = rig.s3.head_object(Bucket="test-exports-bucket", Key=_key(done))

    redelivered = {**record, "attributes": {**record["attributes"], "ApproximateReceiveCount": "2"}}
    assert rig.invoke([redelivered]) == {"batchItemFailures": []}
    again = h.rest("GET", f"/exports/{export_id}", token=admin)[1]
    assert {k: v for k, v in again.items() if not k.startswith("downloadUrl")} == {
        k: v for k, v in done.items() if not k.startswith("downloadUrl")
    }
    assert rig.s3.head_object(Bucket="test-exports-bucket", Key=_key(done))["LastModified"] == head["LastModified"]

    # A job whose attempt died (lease lapsed) is taken up again by the next delivery.
    _, second = h.rest("POST", "/exports", {}, token=admin)
    job = ExportJobModel.get(second["exportId"])
    job.update(
        actions=[
            ExportJobModel.status.set("running"),
            ExportJobModel.attempts.set(1),
            ExportJobModel.lease_until.set(now_ms() - 1),
        ]
    )
    rig.run_queue()
    recovered = h.rest("GET", f"/exports/{second['exportId']}", token=admin)[1]
    assert recovered["status"] == "done" and recovered["attempts"] == 2

    # A running job with a live lease is left to its attempt: a duplicate delivery does nothing.
    _, third = h.rest("POST", "/exports", {}, token=admin)
    job = ExportJobModel.get(third["exportId"])
    job.update(
        actions=[
            ExportJobModel.status.set("running"),
            ExportJobModel.attempts.set(1),
            ExportJobModel.lease_until.set(now_ms() + 600_000),
        ]
    )
    rig.run_queue()
    assert ExportJobModel.get(third["exportId"]).status == "running"

    # Attempts that keep dying: the job is failed with a reason, not retried for ever.
    job.update(actions=[ExportJobModel.attempts.set(3), ExportJobModel.lease_until.set(now_ms() - 1)])
    rig.sqs.send_message(QueueUrl=rig.queue_url, MessageBody=json.dumps({"exportId": third["exportId"]}))
    rig.run_queue()
    failed = h.rest("GET", f"/exports/{third['exportId']}", token=admin)[1]
    assert failed["status"] == "failed" and "3 times" in failed["error"]


def test_failures_are_retried_then_marked_failed_with_a_reason(h, rig, monkeypatch):
    put_chat("c-1", now_ms() - 60_000, [("customer", "고객", "hi")])
    admin = _admin(h)
    admin_conn = h.connected(admin)
    monkeypatch.setenv("EXPORTS_BUCKET", "no-such-bucket")
    from chalicelib.config import get_config

    get_config.cache_clear()
    _, accepted = h.rest("POST", "/exports", {}, token=admin)
    export_id = accepted["exportId"]
    (record,) = rig.receive()
    result = rig.invoke([record])
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    retrying = h.rest("GET", f"/exports/{export_id}", token=admin)[1]
    assert retrying["status"] == "queued" and "NoSuchBucket" in retrying["error"] and "retrying" in retrying["error"]
    # The failed message comes back soon, not after the queue's 15-minute visibility timeout.
    assert rig.receive() == []
    # The last attempt (third receive): failed for good, and reported so it moves on to the DLQ.
    last = {**record, "attributes": {**record["attributes"], "ApproximateReceiveCount": "3"}}
    assert rig.invoke([last]) == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    failed = h.rest("GET", f"/exports/{export_id}", token=admin)[1]
    assert failed["status"] == "failed" and "NoSuchBucket" in failed["error"] and "downloadUrl" not in failed
    assert any(f["type"] == "export.failed" and f["exportId"] == export_id for f in h.frames(admin_conn))
    # No multipart upload is left behind on the real bucket either.
    assert rig.s3.list_multipart_uploads(Bucket="test-exports-bucket").get("Uploads", []) == []


def test_too_many_rows_fails_at_once_without_retry(h, rig, monkeypatch):
    monkeypatch.setenv("EXPORT_MAX_ROWS", "3")
    put_chat("c-big", now_ms() - 60_000, [("customer", "고객", str(i)) for i in range(5)])
    admin = _admin(h)
    _, accepted = h.rest("POST", "/exports", {}, token=admin)
    (record,) = rig.receive()
    assert rig.invoke([record]) == {"batchItemFailures": []}
    job = h.rest("GET", f"/exports/{accepted['exportId']}", token=admin)[1]
    assert job["status"] == "failed" and "more than 3 rows" in job["error"]
    assert rig.s3.list_objects_v2(Bucket="test-exports-bucket").get("KeyCount") == 0
    assert rig.s3.list_multipart_uploads(Bucket="test-exports-bucket").get("Uploads", []) == []


def test_an_export_stops_while_the_save_of_what_it_wrote_still_fits_in_time(h, rig, monkeypatch):
    """The time kept for the final save grows with the rows written (here 300 s a row of 900 s)."""
    monkeypatch.setenv("EXPORT_DEADLINE_MARGIN_MS", "0")
    monkeypatch.setenv("EXPORT_SAVE_MS_PER_1000_ROWS", str(300_000 * 1000))
    admin = _admin(h)
    put_chat("c-small", now_ms() - 120_000, [("customer", "고객", "하나")])  # 2 rows: 600 s kept
    assert _export(h, rig, admin, {})["status"] == "done"
    put_chat("c-more", now_ms() - 60_000, [("customer", "고객", str(i)) for i in range(3)])  # 6 rows in all
    job = _export(h, rig, admin, {})
    assert job["status"] == "failed" and "did not finish in the time allowed" in job["error"]
    assert rig.s3.list_multipart_uploads(Bucket="test-exports-bucket").get("Uploads", []) == []


def test_partial_batch_reports_only_the_failed_message(h, rig, monkeypatch):
    from botocore.exceptions import ClientError

    from chalicelib.export import runner

    admin = _admin(h)
    ids = [h.rest("POST", "/exports", {}, token=admin)[1]["exportId"] for _ in range(2)]
    original = runner.write_export

    def flaky(job, *args, **kwargs):
        if job.export_id == ids[1]:  # fault injection: S3 throttles this one
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "x"}}, "UploadPart")
        return original(job, *args, **kwargs)

    monkeypatch.setattr(runner, "write_export", flaky)
    records = rig.receive()
    by_id = {json.loads(r["body"])["exportId"]: r for r in records}
    bad = {"messageId": "not-json", "body": "nope", "attributes": {}, "receiptHandle": "x"}
    result = rig.invoke([by_id[ids[0]], by_id[ids[1]], bad])
    assert result == {"batchItemFailures": [{"itemIdentifier": by_id[ids[1]]["messageId"]}]}
    assert ExportJobModel.get(ids[0]).status == "done"
    assert ExportJobModel.get(ids[1]).status == "queued"


# --- permissions and the REST surface ------------------------------------------------------------


def test_permissions_agents_need_the_setting(h, rig):
    admin = _admin(h)
    agent, _ = h.agent_online("agent1@example.com")
    other_agent = h.staff_token("agent2@example.com")
    chat = h.start_chat()
    assert h.rest("POST", "/exports", {}, token=agent)[0] == 403
    assert h.rest("GET", "/exports", token=agent)[0] == 403
    assert h.rest("POST", "/exports", {}, token=chat["token"])[0] == 403
    assert h.rest("POST", "/exports", {})[0] == 401
    assert sum(1 for _ in ExportJobModel.scan()) == 0  # test-only count: refusals store nothing
    assert rig.receive() == []

    _, admin_job = h.rest("POST", "/exports", {}, token=admin)
    assert h.rest("PUT", "/settings", {"agentsMayExport": True}, token=admin)[0] == 200
    status, mine = h.rest("POST", "/exports", {}, token=agent)
    assert status == 202
    rig.run_queue()
    assert h.rest("GET", f"/exports/{mine['exportId']}", token=agent)[1]["downloadUrl"]
    assert h.rest("GET", f"/exports/{admin_job['exportId']}", token=agent)[0] == 403
    assert h.rest("GET", f"/exports/{mine['exportId']}", token=other_agent)[0] == 403
    assert [j["exportId"] for j in h.rest("GET", "/exports", token=agent)[1]["exports"]] == [mine["exportId"]]
    listed = h.rest("GET", "/exports", token=admin, query={"limit": "10"})[1]["exports"]
    assert [j["exportId"] for j in listed] == [mine["exportId"], admin_job["exportId"]]  # newest first
    assert all("downloadUrl" not in j for j in listed)  # the list never signs; GET one does, fresh
    assert h.rest("GET", f"/exports/{admin_job['exportId']}", token=admin)[1]["downloadUrl"]

    assert h.rest("PUT", "/settings", {"agentsMayExport": False}, token=admin)[0] == 200
    assert h.rest("GET", f"/exports/{mine['exportId']}", token=agent)[0] == 403


def test_bad_filters_are_refused_and_change_nothing(h, rig):
    admin = _admin(h)
    for bad in [
        {"from": 10, "to": 5},
        {"status": "maybe"},
        {"rating": "great"},
        {"nope": 1},
        {"from": 0, "to": 400 * DAY},
        {"userName": 5},
        {"state": "lost"},
    ]:
        status, body = h.rest("POST", "/exports", bad, token=admin)
        assert status == 400 and body["code"] == "invalid_field", bad
    assert h.rest("POST", "/exports", "[1]", token=admin)[0] == 400
    assert h.rest("GET", "/exports/nope!", token=admin)[0] == 400
    assert h.rest("GET", "/exports/01J0000000000000000000000", token=admin)[0] == 404
    assert h.rest("GET", "/exports", token=admin, query={"limit": "0"})[0] == 400
    assert sum(1 for _ in ExportJobModel.scan()) == 0
    assert rig.receive() == []


def test_download_url_lives_15_minutes_and_names_the_file(h, rig):
    admin = _admin(h)
    job = _export(h, rig, admin, {"from": 1_793_458_800_000, "to": 1_795_964_400_000})
    url = urllib.parse.urlparse(job["downloadUrl"])
    query = urllib.parse.parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["900"]
    assert query["response-content-disposition"] == ['attachment; filename="chat-history_20261101-20261130.xlsx"']
    assert job["fileName"] == "chat-history_20261101-20261130.xlsx"
    assert 0 < job["downloadUrlExpiresAt"] - now_ms() <= 900_000
    assert job["fileExpiresAt"] == job["finishedAt"] + 7 * DAY
    assert rig.workbook(_key(job))["Chats"].max_row == 1  # no chats in that period: headers only


def test_chat_handlers_do_not_load_openpyxl():
    code = "import sys, app; assert 'openpyxl' not in sys.modules, 'openpyxl loaded by app'; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=".", check=False)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_ticket_ids_listed_per_chat(h, rig):
    base = now_ms() - 60_000
    put_chat("c-t", base, [])
    for tid in ("T1", "T2"):
        bootstrap.store().tickets.create(
            Ticket(tid, "chat", base + 10, inquiry_type="배송", title="t", content="c", conversation_id="c-t")
        )
    job = _export(h, rig, _admin(h), {"from": base - 1, "to": base + 1})
    assert _rows(rig.workbook(_key(job))["Chats"])[0][22] == "T1, T2"


# --- the reads: BatchGetItem over many chats, Query for long ones -----------------------------------


def test_short_and_long_chats_come_whole_and_in_order(h, rig, monkeypatch):
    # Groups of short chats share a BatchGetItem; chats over 100 messages are queried alone.
    # One batch read ahead at a time, so groups are cut and joined at every boundary.
    monkeypatch.setenv("EXPORT_READ_AHEAD", "1")
    counts = [0, 1, 99, 100, 101, 3, 250, 2]
    base = now_ms() - 60 * 60_000
    for i, count in enumerate(counts):
        put_chat(f"c-batch-{i}", base + i * 1000, [("customer", "고객", f"{i}:{n}") for n in range(1, count + 1)])
    job = _export(h, rig, _admin(h), {"from": base - 1, "to": base + 60_000})
    assert (job["chatRows"], job["messageRows"]) == (len(counts), sum(counts))
    book = rig.workbook(_key(job), read_only=True)
    rows = [r for name in book.sheetnames if name.startswith("Messages") for r in _rows(book[name])]
    expected = [(f"c-batch-{i}", n, f"{i}:{n}") for i, count in enumerate(counts) for n in range(1, count + 1)]
    assert [(r[0], r[1], r[5]) for r in rows] == expected


def test_unprocessed_keys_are_asked_again(h, rig, monkeypatch):
    # DynamoDB may answer part of a BatchGetItem (throttling): the rest is asked again, nothing lost.
    from chalicelib.store import export_jobs

    monkeypatch.setattr(export_jobs.time, "sleep", lambda _seconds: None)
    base = now_ms() - 60_000
    put_chat("c-throttled", base, [("customer", "고객", f"m{n}") for n in range(1, 16)])
    client = export_jobs._dynamodb()
    real = client.batch_get_item
    asked: list[int] = []

    def partial(RequestItems):  # noqa: N803 - boto3's parameter name
        ((table, request),) = RequestItems.items()
        keys = request["Keys"]
        asked.append(len(keys))
        answer = real(RequestItems={table: {**request, "Keys": keys[: len(keys) // 2 or 1]}})
        answer["Responses"][table].reverse()  # BatchGetItem promises no order
        if len(keys) > 1:
            answer["UnprocessedKeys"] = {table: {**request, "Keys": keys[len(keys) // 2 :]}}
        return answer

    monkeypatch.setattr(client, "batch_get_item", partial)
    messages = export_jobs.messages_of_chats([("c-throttled", 15)])["c-throttled"]
    assert [m.text for m in messages] == [f"m{n}" for n in range(1, 16)]
    assert asked == [15, 8, 4, 2, 1]


def test_a_batch_still_unprocessed_after_the_retries_fails_the_attempt(h, rig, monkeypatch):
    from chalicelib.store import export_jobs

    monkeypatch.setattr(export_jobs.time, "sleep", lambda _seconds: None)
    put_chat("c-stuck", now_ms() - 60_000, [("customer", "고객", "m")])
    client = export_jobs._dynamodb()
    monkeypatch.setattr(client, "batch_get_item", lambda RequestItems: {"UnprocessedKeys": RequestItems})  # noqa: N803
    with pytest.raises(RuntimeError, match="1 message keys unprocessed"):
        export_jobs.messages_of_chats([("c-stuck", 1)])


def test_wire_json_reads_equal_what_botocore_parses(h, rig, monkeypatch):
    # The export keeps DynamoDB's JSON as sent instead of botocore's parse: both must be the same.
    import types

    import boto3

    from chalicelib.store import export_jobs
    from chalicelib.store.models import MessageModel

    put_chat("c-wire", now_ms() - 60_000, [("customer", "고객 😀", "=1+2 \x01 안녕"), ("agent", None, "-5")])
    request = {
        "TableName": MessageModel.Meta.table_name,
        "KeyConditionExpression": "conversation_id = :c",
        "ExpressionAttributeValues": {":c": {"S": "c-wire"}},
    }
    bodies: list[bytes] = []

    def loads(body):
        bodies.append(body)
        return json.loads(body)

    monkeypatch.setattr(export_jobs, "json", types.SimpleNamespace(loads=loads))
    kept = export_jobs._dynamodb().query(**request)
    assert len(bodies) == 1  # the wire JSON was kept, not parsed by botocore
    parsed = boto3.client("dynamodb", region_name="us-east-1").query(**request)
    assert kept["Items"] and kept["Items"] == parsed["Items"]
    assert kept["Count"] == parsed["Count"] == 2


def test_team_transfers_and_end_reason_columns(h, rig):
    """Issue #21: the team by name, the transfer count and every hop, and why the chat ended."""
    from chalicelib.domain.entities import Transfer

    teams = [{"id": "billing", "name": "결제", "memberAgentIds": [], "inquiryTypes": []}]
    bootstrap.store().routing_settings.save(
        json.dumps({"teams": teams}), version=1, expected_version=None, updated_at=now_ms(), updated_by="admin"
    )
    start = now_ms() - 3_600_000
    hops = [
        Transfer("alice", "alice", "bob", "billing", start + 60_000, "환불 확인 부탁"),
        Transfer("admin@example.com", "bob", None, "gone-team", start + 120_000),
    ]
    ended = {"ended_by": "system", "end_reason": "idle", "ended_at": start + 600_000}
    put_chat("c-moved", start, team_id="billing", transfers=hops, **ended)
    put_chat("c-plain", start + 1000, ended_by="customer", ended_at=start + 5000)
    put_chat("c-closed", start + 2000, ended_by="system", end_reason="closed", ended_at=start + 9000)

    job = _export(h, rig, _admin(h), {})
    chats = rig.workbook(_key(job))["Chats"]
    assert [c.value for c in chats[1]][-4:] == ["팀", "전환 횟수", "전환 내역", "종료 사유"]
    assert chats.auto_filter.ref == f"A1:AA{job['chatRows'] + 1}"
    headers = [c.header for c in CHAT_COLUMNS]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in _rows(chats)}
    moved = rows["c-moved"]
    seoul = [_local(hop.at) for hop in hops]
    assert (moved["팀"], moved["전환 횟수"], moved["종료 사유"]) == ("결제", 2, "고객 무응답 자동 종료")
    assert moved["전환 내역"] == (
        f"{seoul[0]:%Y-%m-%d %H:%M:%S} alice → bob (결제): 환불 확인 부탁\n"
        f"{seoul[1]:%Y-%m-%d %H:%M:%S} bob → 팀 gone-team [admin@example.com]"
    )
    plain = rows["c-plain"]
    assert (plain["팀"], plain["전환 횟수"], plain["전환 내역"], plain["종료 사유"]) == (None, 0, None, "고객 종료")
    assert rows["c-closed"]["종료 사유"] == "운영시간 종료 (대기 중)"
