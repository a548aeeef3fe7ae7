"""Attachments under moto: the presigned POST's policy, the upload, S3's notification (its own
event shape, through SQS) to the checking function, the stored and pushed message or the
refusal, and the short-lived GET for those who may see the chat."""

from __future__ import annotations

import base64
import json
import urllib.parse
from typing import Any

import pytest
import requests
from attachment_support import (
    BUCKET,
    AttachmentRig,
    bomb_png,
    html_page,
    jpeg,
    notification_records,
    pdf,
    png,
    svg_with_script,
    windows_exe,
)


@pytest.fixture
def rig(h: Any) -> AttachmentRig:
    return AttachmentRig(h)


def _live_chat(h: Any) -> tuple[str, str, dict[str, Any], str]:
    agent_token, agent_conn = h.agent_online("agent1@example.com", name="김상담")
    chat = h.start_chat("홍길동")
    customer_conn = h.connected(chat["token"])
    h.frames(agent_conn)
    h.frames(customer_conn)
    return agent_token, agent_conn, chat, customer_conn


def _policy(form: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(form["fields"]["policy"]))


def test_the_form_pins_key_type_and_size_and_expires_in_minutes(h, rig):
    _, _, chat, _ = _live_chat(h)
    conversation_id = chat["conversationId"]
    status, answer = rig.ask(chat["token"], conversation_id, "화면.png", png(), "image/png")
    assert status == 201, answer
    fields = answer["upload"]["fields"]
    key = f"chats/{conversation_id}/{answer['attachmentId']}"
    assert fields["key"] == key and fields["Content-Type"] == "image/png"
    policy = _policy(answer["upload"])
    assert {"key": key} in policy["conditions"] and {"bucket": BUCKET} in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert {"tagging": fields["tagging"]} in policy["conditions"] and "pending" in fields["tagging"]
    assert ["content-length-range", 1, len(png())] in policy["conditions"]
    # Nothing that would let the form write another key (no starts-with) or any size.
    assert not [c for c in policy["conditions"] if isinstance(c, list) and c[0] == "starts-with"]
    import time

    assert 0 < answer["expiresAt"] - time.time() * 1000 <= 300_000
    assert "X-Amz-Credential" in json.dumps(fields) or "x-amz-credential" in fields


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "a.png", "size": 10, "type": "image/svg+xml"}, "type"),
        ({"name": "a.html", "size": 10, "type": "text/html"}, "type"),
        ({"name": "a.png", "size": 30 * 1024 * 1024, "type": "image/png"}, "size"),
        ({"name": "a.png", "size": 0, "type": "image/png"}, "size"),
        ({"name": "", "size": 10, "type": "image/png"}, "name"),
        ({"name": "a.png", "size": 10, "type": "image/png", "url": "x"}, "url"),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field_and_reserves_nothing(h, rig, body, field):
    _, _, chat, _ = _live_chat(h)
    conversation_id = chat["conversationId"]
    status, error = h.rest("POST", f"/chats/{conversation_id}/attachments", body, token=chat["token"])
    assert status == 400 and error["code"] == "invalid_field" and error["field"] == field, error
    status, fine = rig.ask(chat["token"], conversation_id, "a.png", png(), "image/png")
    assert status == 201
    from chalicelib.bootstrap import store

    assert store().conversations.get(conversation_id).attachment_count == 1


def test_a_customer_image_is_checked_stored_with_a_thumbnail_and_pushed_to_both(h, rig):
    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    attachment_id = rig.upload(chat["token"], conversation_id, "스크린샷.jpg", jpeg(), "image/jpeg")
    # S3 sends one s3:TestEvent when the notification is set up (the checker skips it), then the upload's.
    (document,) = [d for d in notification_records(rig) if "Records" in d]
    (record,) = document["Records"]  # S3's own event document, as AWS sends it to SQS
    assert record["eventSource"] == "aws:s3" and record["eventName"].startswith("ObjectCreated")
    assert record["s3"]["bucket"]["name"] == BUCKET
    rig.run_queue()

    for conn in (agent_conn, customer_conn):
        (pushed,) = h.frames_of_type(conn, "message.new")
        message = pushed["message"]
        assert message["kind"] == "attachment" and message["role"] == "customer" and message["text"] is None
        assert message["attachment"] == {
            "attachmentId": attachment_id,
            "name": "스크린샷.jpg",
            "size": len(jpeg()),
            "contentType": "image/jpeg",
            "width": 800,
            "height": 600,
            "thumbnail": True,
        }
    assert sorted(rig.keys()) == sorted([f"chats/{conversation_id}/{attachment_id}",
                                         f"chats/{conversation_id}/{attachment_id}.thumb.jpg"])
    tags = rig.s3.get_object_tagging(Bucket=BUCKET, Key=f"chats/{conversation_id}/{attachment_id}")["TagSet"]
    assert tags == [{"Key": "state", "Value": "checked"}]  # off the lifecycle rule for unchecked uploads
    status, batch = h.rest("GET", f"/chats/{conversation_id}/messages", token=agent_token)
    assert status == 200 and batch["messages"][-1]["attachment"]["attachmentId"] == attachment_id

    # The agent opens it: a presigned GET on S3's host, inline for a checked image.
    status, view = h.rest("GET", f"/chats/{conversation_id}/attachments/{attachment_id}", token=agent_token)
    assert status == 200 and view["contentType"] == "image/jpeg"
    assert "response-content-disposition=inline" in view["url"] and "X-Amz-Expires=300" in view["url"]
    got = requests.get(view["url"], timeout=10)
    assert got.status_code == 200 and got.content == jpeg()
    status, thumb = h.rest("GET", f"/chats/{conversation_id}/attachments/{attachment_id}", token=agent_token,
                           query={"thumbnail": "1"})
    assert status == 200
    import io

    from PIL import Image

    small = Image.open(io.BytesIO(requests.get(thumb["url"], timeout=10).content))
    assert small.format == "JPEG" and max(small.size) == 320

    # A redelivered notification stores nothing twice.
    record_body = json.dumps(document)
    rig.sqs.send_message(QueueUrl=rig.queue_url, MessageBody=record_body)
    rig.run_queue()
    assert h.frames_of_type(agent_conn, "message.new") == []


def test_an_agent_pdf_downloads_as_an_attachment(h, rig):
    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    attachment_id = rig.upload(agent_token, conversation_id, "신청서 양식.pdf", pdf(), "application/pdf")
    rig.run_queue()
    (pushed,) = h.frames_of_type(customer_conn, "message.new")
    assert pushed["message"]["role"] == "agent" and pushed["message"]["senderName"] == "김상담"
    assert pushed["message"]["attachment"]["contentType"] == "application/pdf"
    assert pushed["message"]["attachment"]["thumbnail"] is False
    status, view = h.rest("GET", f"/chats/{conversation_id}/attachments/{attachment_id}", token=chat["token"])
    assert status == 200
    # S3 answers with the signed response-content-* values (moto ignores them: read from the URL).
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(view["url"]).query)
    assert query["response-content-disposition"] == [
        "attachment; filename=\"attachment.pdf\"; filename*=UTF-8''%EC%8B%A0%EC%B2%AD%EC%84%9C%20%EC%96%91%EC%8B%9D.pdf"
    ]
    assert query["response-content-type"] == ["application/pdf"]
    assert requests.get(view["url"], timeout=10).content == pdf()


@pytest.mark.parametrize(
    ("name", "data", "declared", "reason"),
    [
        ("setup.png", windows_exe(), "image/png", "type_not_allowed"),  # a Windows program renamed
        ("logo.png", svg_with_script(), "image/png", "type_not_allowed"),
        ("readme.txt", html_page(), "text/plain", "type_not_allowed"),
        ("huge.png", bomb_png(), "image/png", "image_too_large"),  # a decompression bomb
        ("broken.png", png()[:60], "image/png", "image_unreadable"),
    ],
)
def test_a_refused_file_is_deleted_and_its_sender_told_why(h, rig, name, data, declared, reason):
    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    attachment_id = rig.upload(chat["token"], conversation_id, name, data, declared)
    rig.run_queue()
    (rejected,) = h.frames_of_type(customer_conn, "attachment.rejected")
    assert rejected == {"type": "attachment.rejected", "conversationId": conversation_id,
                        "attachmentId": attachment_id, "name": name, "reason": reason}
    assert rig.keys() == [] and h.frames_of_type(agent_conn, "message.new") == []
    status, _ = h.rest("GET", f"/chats/{conversation_id}/attachments/{attachment_id}", token=agent_token)
    assert status == 404
    from chalicelib.bootstrap import store

    assert store().conversations.get(conversation_id).attachment_count == 0  # the slot came back


def test_a_file_larger_than_asked_for_is_refused_by_the_checker_too(h, rig):
    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    status, answer = rig.ask(chat["token"], conversation_id, "a.txt", b"hello", "text/plain")
    assert status == 201
    # moto does not enforce the POST policy (S3 does: content-length-range): the checker refuses again.
    rig.post(answer["upload"], b"hello" * 1000)
    rig.run_queue()
    (rejected,) = h.frames_of_type(customer_conn, "attachment.rejected")
    assert rejected["reason"] == "too_large" and rig.keys() == []


def test_an_agent_refusal_reaches_the_agent(h, rig):
    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    rig.upload(agent_token, conversation_id, "x.pdf", windows_exe(), "application/pdf")
    rig.run_queue()
    (rejected,) = h.frames_of_type(agent_conn, "attachment.rejected")
    assert rejected["reason"] == "type_not_allowed"
    assert h.frames_of_type(customer_conn, "attachment.rejected") == []


def test_a_key_nobody_asked_for_is_deleted_and_never_shown(h, rig):
    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    other = h.start_chat("김철수")
    status, answer = rig.ask(other["token"], other["conversationId"], "a.png", png(), "image/png")
    assert status == 201
    h.frames(agent_conn)  # the other chat's assignment
    # The other chat's form used for a key under this chat's prefix: S3 refuses it (the key is in
    # the policy); were it written anyway, no upload of this chat names it, so the checker deletes it.
    form = {"url": answer["upload"]["url"], "fields": {**answer["upload"]["fields"],
                                                       "key": f"chats/{conversation_id}/{answer['attachmentId']}"}}
    rig.post(form, png())
    rig.run_queue()
    assert rig.keys() == []
    assert h.frames_of_type(customer_conn, "message.new") == [] and h.frames_of_type(agent_conn, "message.new") == []


def test_no_upload_after_the_end_and_none_stored_after_it(h, rig):
    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    status, answer = rig.ask(chat["token"], conversation_id, "late.png", png(), "image/png")
    assert status == 201
    assert h.rest("POST", f"/chats/{conversation_id}/end", token=chat["token"])[0] == 200
    h.frames(customer_conn)
    status, refused = rig.ask(chat["token"], conversation_id, "later.png", png(), "image/png")
    assert status == 409 and refused["code"] == "conversation_ended"
    rig.post(answer["upload"], png())  # the form asked for before the end, used after it
    rig.run_queue()
    (rejected,) = h.frames_of_type(customer_conn, "attachment.rejected")
    assert rejected["reason"] == "conversation_ended" and rig.keys() == []


def test_at_most_twenty_files_per_chat(h, rig):
    _, _, chat, _ = _live_chat(h)
    conversation_id = chat["conversationId"]
    for _ in range(20):
        assert rig.ask(chat["token"], conversation_id, "a.png", png(), "image/png")[0] == 201
    status, refused = rig.ask(chat["token"], conversation_id, "a.png", png(), "image/png")
    assert status == 409 and refused["code"] == "conflict"


def test_the_file_is_shown_only_to_those_who_may_see_the_chat(h, rig):
    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    attachment_id = rig.upload(chat["token"], conversation_id, "a.png", png(), "image/png")
    rig.run_queue()
    other = h.start_chat("김철수")
    other_agent = h.staff_token("agent2@example.com")
    path = f"/chats/{conversation_id}/attachments/{attachment_id}"
    assert h.rest("GET", path, token=other["token"])[0] == 403
    assert h.rest("GET", path, token=other_agent)[0] == 403
    assert h.rest("GET", path)[0] == 401
    assert h.rest("GET", path, token=chat["token"])[0] == 200
    assert h.rest("GET", path, token=h.staff_token("admin@example.com", "admins"))[0] == 200


@pytest.mark.parametrize(("tag", "outcome"), [(None, "retried"), ("THREATS_FOUND", "malware"),
                                              ("NO_THREATS_FOUND", "stored")])
def test_with_the_malware_scan_on_a_file_waits_for_a_clean_result(h, rig, monkeypatch, tag, outcome):
    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    monkeypatch.setenv("ATTACHMENT_MALWARE_SCAN", "on")
    attachment_id = rig.upload(chat["token"], conversation_id, "a.png", png(), "image/png")
    key = f"chats/{conversation_id}/{attachment_id}"
    if tag:  # what GuardDuty Malware Protection for S3 writes once it has scanned the object
        rig.s3.put_object_tagging(Bucket=BUCKET, Key=key,
                                  Tagging={"TagSet": [{"Key": "GuardDutyMalwareScanStatus", "Value": tag}]})
    messages = rig.sqs.receive_message(QueueUrl=rig.queue_url, MaxNumberOfMessages=10).get("Messages", [])
    from infra.local.lambda_context import LambdaContext
    from infra.local.sqs import _record

    records = [_record(m, rig.queue_arn, "us-east-1") for m in messages]
    result = rig.handler({"Records": records}, LambdaContext("livechat-attachment_check", 60))
    upload_record = next(r for r in records if "Records" in json.loads(r["body"]))
    failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    if outcome == "retried":
        assert failed == {upload_record["messageId"]}  # back on the queue; nothing shown, nothing deleted
        assert h.frames_of_type(agent_conn, "message.new") == [] and key in rig.keys()
    elif outcome == "malware":
        assert not failed
        (rejected,) = h.frames_of_type(customer_conn, "attachment.rejected")
        assert rejected["reason"] == "malware" and rig.keys() == []
    else:
        assert not failed
        assert [f["message"]["kind"] for f in h.frames_of_type(agent_conn, "message.new")] == ["attachment"]


def test_the_export_lists_files_on_an_attachments_sheet_without_urls(h, rig):
    from export_support import ExportRig

    agent_token, agent_conn, chat, customer_conn = _live_chat(h)
    conversation_id = chat["conversationId"]
    rig.upload(chat["token"], conversation_id, "영수증.pdf", pdf(), "application/pdf")
    rig.run_queue()
    assert h.rest("POST", f"/chats/{conversation_id}/end", token=chat["token"])[0] == 200
    exports = ExportRig(h)
    admin = h.staff_token("admin@example.com", "admins")
    status, accepted = h.rest("POST", "/exports", {}, token=admin)
    assert status == 202, accepted
    exports.run_queue()
    status, job = h.rest("GET", f"/exports/{accepted['exportId']}", token=admin)
    assert status == 200 and job["status"] == "done", job
    path = urllib.parse.urlparse(job["downloadUrl"]).path
    key = urllib.parse.unquote(path.split("/test-exports-bucket/", 1)[-1])
    book = exports.workbook(key.lstrip("/"))
    assert book.sheetnames == ["Chats", "Messages", "Attachments"]
    rows = [list(r) for r in book["Attachments"].iter_rows(min_row=2, values_only=True)]
    # seq 2: the agent's join line is 1.
    assert [r[:2] + r[3:] for r in rows] == [
        [conversation_id, 2, "고객", "영수증.pdf", "application/pdf", len(pdf()), "확인됨"]
    ]
    texts = [r[5] for r in book["Messages"].iter_rows(min_row=2, values_only=True)]
    assert "[첨부 파일] 영수증.pdf" in texts
    assert not [c for row in book["Attachments"].iter_rows(values_only=True) for c in row if "http" in str(c)]


def test_the_settings_limit_size_and_types(h, rig):
    _, _, chat, _ = _live_chat(h)
    conversation_id = chat["conversationId"]
    admin = h.staff_token("admin@example.com", "admins")
    bad = (
        ({"attachmentMaxMb": 21}, "attachmentMaxMb"),
        ({"attachmentMaxMb": 0}, "attachmentMaxMb"),
        ({"attachmentTypes": ["svg"]}, "attachmentTypes"),
        ({"attachmentTypes": []}, "attachmentTypes"),
    )
    for body, field in bad:
        status, error = h.rest("PUT", "/settings", body, token=admin)
        assert status == 400 and error["field"] == field, (body, error)
    status, saved = h.rest("PUT", "/settings", {"attachmentMaxMb": 1, "attachmentTypes": ["pdf"]}, token=admin)
    assert status == 200 and saved["attachmentMaxMb"] == 1 and saved["attachmentTypes"] == ["pdf"]
    assert h.rest("GET", "/widget/availability")[1]["attachments"] == {
        "maxBytes": 1024 * 1024, "maxFiles": 20, "types": ["application/pdf"]}
    status, refused = rig.ask(chat["token"], conversation_id, "a.png", png(), "image/png")
    assert status == 400 and refused["field"] == "type"
    big = {"name": "big.pdf", "size": 1024 * 1024 + 1, "type": "application/pdf"}
    status, refused = h.rest("POST", f"/chats/{conversation_id}/attachments", big, token=chat["token"])
    assert status == 400 and refused["field"] == "size"
    # A PNG sent under a PDF's form is refused by the checker: the allow-list is applied to the bytes.
    status, answer = rig.ask(chat["token"], conversation_id, "a.pdf", png(), "application/pdf")
    assert status == 201
    rig.post(answer["upload"], png())
    rig.run_queue()
    assert rig.keys() == []
