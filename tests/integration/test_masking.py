"""Masking (S-5) under moto: KMS envelope round trips, no plaintext at rest, who may, audit, auto-mask."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import urllib.parse
import zipfile
from typing import Any

import boto3
import pytest
from export_support import BUCKET, ExportRig

from chalicelib import bootstrap
from chalicelib.config import get_config
from chalicelib.crypto.envelope import CryptoUnavailable, seal, unseal
from chalicelib.domain.entities import Message
from chalicelib.store.tables import ALL_MODELS

REGION = "us-east-1"
SECRET_PHONE = "010-9876-5432"
SECRET_NAME = "김비밀"


@pytest.fixture
def m(h, monkeypatch):
    """The harness with a moto KMS key as the service key and the security service on."""
    key_id = boto3.client("kms", region_name=REGION).create_key(Description="masking")["KeyMetadata"]["KeyId"]
    monkeypatch.setenv("MASKING_KEY_ID", key_id)
    get_config.cache_clear()
    admin = h.staff_token("admin@example.com", "admins")
    assert h.rest("PUT", "/settings", {"securityService": True}, token=admin)[0] == 200
    yield h
    get_config.cache_clear()


def _everything_stored() -> str:
    """Every item of every table, as text (a test-only Scan)."""
    client = boto3.client("dynamodb", region_name=REGION)
    dump = []
    for model in ALL_MODELS:
        for page in client.get_paginator("scan").paginate(TableName=model.Meta.table_name):
            dump.extend(page["Items"])
    return repr(dump)


def _live_chat(h, text: str) -> dict[str, Any]:
    token, tab1 = h.agent_online("agent1@example.com")
    tab2 = h.connected(token)
    chat = h.start_chat()
    cid = chat["conversationId"]
    customer = h.connected(chat["token"])
    h.send(customer, {"action": "message.send", "conversationId": cid, "clientMessageId": "c1", "text": text})
    seq = h.rest("GET", f"/chats/{cid}/messages", token=token)[1]["messages"][-1]["seq"]
    for conn in (tab1, tab2, customer):
        h.frames(conn)  # read past what came before
    return {"token": token, "tab1": tab1, "tab2": tab2, "cid": cid, "customer": customer, "chat": chat, "seq": seq}


def _stored_last_seq(cid: str) -> int:
    from chalicelib.store.models import ConversationModel

    return int(ConversationModel.get(cid, consistent_read=True).last_seq)


def _stored(cid: str, seq: int) -> Message:
    return bootstrap.store().audit.get_message(cid, seq)


# --- envelope encryption ------------------------------------------------------------------


def test_envelope_round_trip_is_bound_to_its_context(m):
    context = {"purpose": "livechat-mask", "conversationId": "C1", "maskId": "M1"}
    sealed = seal("주민번호 900101-1234568 😀", context)
    assert b"900101" not in sealed.ciphertext and len(sealed.nonce) == 12
    assert unseal(sealed, context) == "주민번호 900101-1234568 😀"
    # The data key stored beside the ciphertext is KMS ciphertext: KMS opens it, with the same context only.
    kms = boto3.client("kms", region_name=REGION)
    assert len(kms.decrypt(CiphertextBlob=sealed.encrypted_key, EncryptionContext=context)["Plaintext"]) == 32
    with pytest.raises(CryptoUnavailable):
        unseal(sealed, {**context, "maskId": "M2"})
    tampered = type(sealed)(
        sealed.encrypted_key, sealed.nonce, sealed.ciphertext[:-1] + bytes([sealed.ciphertext[-1] ^ 1])
    )
    with pytest.raises(CryptoUnavailable):
        unseal(tampered, context)
    # Two seals of one text share nothing: a fresh data key and nonce each time.
    again = seal("주민번호 900101-1234568 😀", context)
    assert again.ciphertext != sealed.ciphertext and again.encrypted_key != sealed.encrypted_key


# --- mask, reload, unmask -----------------------------------------------------------------


def test_mask_is_stored_encrypted_pushed_masked_and_unmasked_on_request(m):
    text = f"제 이름은 {SECRET_NAME}, 번호는 {SECRET_PHONE} 입니다 😀"
    c = _live_chat(m, text)
    cid, seq = c["cid"], c["seq"]
    name_at = text.index(SECRET_NAME)
    phone_at = text.index(SECRET_PHONE)
    status, message = m.rest(
        "POST",
        f"/chats/{cid}/messages/{seq}/masks",
        {"spans": [{"start": name_at, "end": name_at + 3}, {"start": phone_at, "end": phone_at + 13}]},
        token=c["token"],
    )
    assert status == 200, message
    masked = f"제 이름은 ***, 번호는 {'*' * 13} 입니다 😀"
    assert message["text"] == masked
    assert [(x["start"], x["end"]) for x in message["masks"]] == [(6, 9), (phone_at, phone_at + 13)]
    assert message["maskVersion"] == 1

    # At rest: the masked text and ciphertext only, in every table.
    assert _stored(cid, seq).text == masked
    stored = _everything_stored()
    assert SECRET_NAME not in stored and SECRET_PHONE not in stored and "9876" not in stored

    # Live: both agent tabs and the customer's widget get the masked text, never the original.
    for conn in (c["tab1"], c["tab2"], c["customer"]):
        frames = m.frames_of_type(conn, "message.updated")
        assert [f["message"]["text"] for f in frames] == [masked], conn
        assert SECRET_PHONE not in json.dumps(frames, ensure_ascii=False)

    # A reload (sync/history) serves the masked text to the customer and the agent.
    for token in (c["chat"]["token"], c["token"]):
        synced = m.rest("GET", f"/chats/{cid}/messages", token=token)[1]["messages"]
        assert synced[-1]["text"] == masked

    # Unmask the phone number: the original is back in DynamoDB and on the agent's tabs only.
    phone_mask = message["masks"][1]["maskId"]
    status, restored = m.rest("DELETE", f"/chats/{cid}/messages/{seq}/masks/{phone_mask}", token=c["token"])
    assert status == 200, restored
    assert restored["text"] == f"제 이름은 ***, 번호는 {SECRET_PHONE} 입니다 😀"
    assert [x["maskId"] for x in restored["masks"]] == [message["masks"][0]["maskId"]]
    assert _stored(cid, seq).text == restored["text"]
    assert m.frames_of_type(c["tab2"], "message.updated")[-1]["message"]["text"] == restored["text"]
    assert m.frames_of_type(c["customer"], "message.updated") == []
    assert SECRET_NAME not in _everything_stored()

    # Unmask the name too: the message is exactly what the customer wrote.
    name_mask = message["masks"][0]["maskId"]
    status, whole = m.rest("DELETE", f"/chats/{cid}/messages/{seq}/masks/{name_mask}", token=c["token"])
    assert status == 200 and whole["text"] == text and whole["masks"] == []
    assert m.rest("DELETE", f"/chats/{cid}/messages/{seq}/masks/{name_mask}", token=c["token"])[0] == 404


def test_overlapping_and_adjacent_masks_merge_across_korean_and_emoji(m):
    text = "가나다👍🏽라마바"
    c = _live_chat(m, text)
    url = f"/chats/{c['cid']}/messages/{c['seq']}/masks"
    first = m.rest("POST", url, {"spans": [{"start": 1, "end": 3}]}, token=c["token"])[1]
    assert first["text"] == "가**👍🏽라마바"
    # Half of the emoji (its skin tone) widens to the whole emoji, and touches the first mask.
    second = m.rest("POST", url, {"spans": [{"start": 4, "end": 5}]}, token=c["token"])[1]
    assert second["text"] == "가***라마바" and len(second["masks"]) == 1
    third = m.rest("POST", url, {"spans": [{"start": 3, "end": 5}]}, token=c["token"])[1]
    assert third["text"] == "가****마바" and len(third["masks"]) == 1
    restored = m.rest("DELETE", f"{url}/{third['masks'][0]['maskId']}", token=c["token"])[1]
    assert restored["text"] == text


def test_bad_spans_and_stale_versions_change_nothing(m):
    c = _live_chat(m, "hello world")
    url = f"/chats/{c['cid']}/messages/{c['seq']}/masks"
    for body in [{}, {"spans": []}, {"spans": [{"start": 0, "end": 99}]}, {"spans": [{"start": 3, "end": 3}]}]:
        status, error = m.rest("POST", url, body, token=c["token"])
        assert status == 400 and error["code"] == "invalid_field", body
    assert m.rest("POST", url, "not json", token=c["token"])[0] == 400
    assert m.rest("POST", url, {"spans": [{"start": 0, "end": 5}]}, token=c["token"])[0] == 200
    status, error = m.rest("POST", url, {"spans": [{"start": 6, "end": 11}], "maskVersion": 0}, token=c["token"])
    assert status == 409 and error["code"] == "conflict"
    assert _stored(c["cid"], c["seq"]).text == "***** world"
    assert (
        m.rest("POST", f"/chats/{c['cid']}/messages/999/masks", {"spans": [{"start": 0, "end": 1}]}, token=c["token"])[
            0
        ]
        == 404
    )
    # System messages (the agent-joined notice is seq 1) are not masked.
    status, error = m.rest(
        "POST", f"/chats/{c['cid']}/messages/1/masks", {"spans": [{"start": 0, "end": 1}]}, token=c["token"]
    )
    assert status == 400 and error["code"] == "invalid_field"


# --- who may --------------------------------------------------------------------------------


def test_who_may_mask_and_unmask(m):
    c = _live_chat(m, f"번호 {SECRET_PHONE}")
    cid, seq = c["cid"], c["seq"]
    url = f"/chats/{cid}/messages/{seq}/masks"
    span = {"spans": [{"start": 3, "end": 16}]}
    other = m.staff_token("agent2@example.com")
    admin = m.staff_token("admin@example.com", "admins")
    # Not the assigned agent of a live chat, the customer, nobody: refused, nothing stored.
    assert m.rest("POST", url, span, token=other)[0] == 403
    assert m.rest("POST", url, span, token=c["chat"]["token"])[0] == 403
    assert m.rest("POST", url, span)[0] == 401
    assert _stored(cid, seq).text == f"번호 {SECRET_PHONE}"
    # An admin may, even on a live chat.
    masked = m.rest("POST", url, span, token=admin)[1]
    assert masked["text"] == "번호 " + "*" * 13
    # After the end, any agent may from history; the customer still may not unmask.
    assert m.rest("POST", f"/chats/{cid}/end", token=c["token"])[0] == 200
    mask_id = masked["masks"][0]["maskId"]
    assert m.rest("DELETE", f"{url}/{mask_id}", token=c["chat"]["token"])[0] == 403
    status, restored = m.rest("DELETE", f"{url}/{mask_id}", token=other)
    assert status == 200 and restored["text"] == f"번호 {SECRET_PHONE}"


def test_masking_needs_the_security_service(m):
    c = _live_chat(m, f"번호 {SECRET_PHONE}")
    admin = m.staff_token("admin@example.com", "admins")
    assert m.rest("PUT", "/settings", {"securityService": False}, token=admin)[0] == 200
    status, error = m.rest(
        "POST", f"/chats/{c['cid']}/messages/{c['seq']}/masks", {"spans": [{"start": 0, "end": 2}]}, token=c["token"]
    )
    assert status == 403 and "security service" in error["message"]
    assert _stored(c["cid"], c["seq"]).text == f"번호 {SECRET_PHONE}"


# --- audit -----------------------------------------------------------------------------------


def test_audit_log_records_who_when_where_and_admins_read_it(m):
    c = _live_chat(m, f"번호 {SECRET_PHONE}")
    cid, seq = c["cid"], c["seq"]
    url = f"/chats/{cid}/messages/{seq}/masks"
    masked = m.rest("POST", url, {"spans": [{"start": 3, "end": 16}]}, token=c["token"])[1]
    m.rest("DELETE", f"{url}/{masked['masks'][0]['maskId']}", token=c["token"])
    admin = m.staff_token("admin@example.com", "admins")
    assert m.rest("GET", "/masking/audit", token=c["token"])[0] == 403
    status, log = m.rest("GET", "/masking/audit", token=admin, query={"conversationId": cid})
    assert status == 200
    entries = log["entries"]
    assert [e["action"] for e in entries] == ["unmask", "mask"]  # newest first
    for entry in entries:
        assert entry["actorId"] == "agent1@example.com" and entry["actorRole"] == "agent"
        assert entry["conversationId"] == cid and entry["seq"] == seq
        assert entry["span"] == {"start": 3, "end": 16} and entry["at"] > 0
    by_month = m.rest("GET", "/masking/audit", token=admin, query={"limit": "1"})[1]
    assert len(by_month["entries"]) == 1 and by_month["cursor"]
    rest = m.rest("GET", "/masking/audit", token=admin, query={"limit": "1", "cursor": by_month["cursor"]})[1]
    assert rest["entries"][0]["action"] == "mask"
    assert m.rest("GET", "/masking/audit", token=admin, query={"month": "2026-13"})[0] == 400
    assert SECRET_PHONE not in json.dumps(log)


def test_a_mask_is_never_stored_without_its_audit_entry(m, monkeypatch):
    """The change and its audit entry are one transaction: an audit write that fails (here: its
    key taken) leaves the message as it was and the request answers an error."""
    from chalicelib.services import masking

    c = _live_chat(m, f"번호 {SECRET_PHONE}")
    url = f"/chats/{c['cid']}/messages/{c['seq']}/masks"
    first = m.rest("POST", url, {"spans": [{"start": 0, "end": 2}]}, token=c["token"])[1]
    admin = m.staff_token("admin@example.com", "admins")
    taken = m.rest("GET", "/masking/audit", token=admin, query={"conversationId": c["cid"]})[1]["entries"]
    real_audit = masking._audit
    (existing,) = bootstrap.store().audit.of_conversation(c["cid"], 1, None).items
    monkeypatch.setattr(masking, "_audit", lambda *a, **k: _with_key(real_audit(*a, **k), existing))
    status, _ = m.rest("POST", url, {"spans": [{"start": 3, "end": 16}]}, token=c["token"])
    assert status == 500  # an unexpected failure: "try again", nothing half done
    stored = _stored(c["cid"], c["seq"])
    assert stored.text == first["text"] and int(stored.mask_version) == first["maskVersion"]
    status, _ = m.rest("DELETE", f"{url}/{first['masks'][0]['maskId']}", token=c["token"])
    assert status == 500 and _stored(c["cid"], c["seq"]).text == first["text"]
    after = m.rest("GET", "/masking/audit", token=admin, query={"conversationId": c["cid"]})[1]["entries"]
    assert after == taken


def _with_key(entry, existing):
    """The entry under the key (time and id) of an existing one."""
    return dataclasses.replace(entry, at=existing.at, audit_id=existing.audit_id)


# --- auto-mask -------------------------------------------------------------------------------


def test_auto_mask_encrypts_personal_data_before_storage(m):
    admin = m.staff_token("admin@example.com", "admins")
    settings = m.rest("GET", "/settings", token=admin)[1]
    assert settings["autoMaskPii"] is False
    assert m.rest("PUT", "/settings", {"autoMaskPii": "yes"}, token=admin)[0] == 400
    assert m.rest("PUT", "/settings", {"autoMaskPii": True}, token=admin)[1]["autoMaskPii"] is True
    text = f"주민번호 900101-1234568, 전화 {SECRET_PHONE}, 메일 secret.kim@example.com 입니다"
    c = _live_chat(m, "안녕하세요")  # no personal data: stored as written
    assert _stored(c["cid"], c["seq"]).text == "안녕하세요"
    m.send(c["customer"], {"action": "message.send", "conversationId": c["cid"], "clientMessageId": "c2", "text": text})
    ack = m.frames_of_type(c["customer"], "message.ack")[-1]["message"]
    expected = f"주민번호 {'*' * 14}, 전화 {'*' * 13}, 메일 {'*' * len('secret.kim@example.com')} 입니다"
    assert ack["text"] == expected and len(ack["masks"]) == 3
    assert m.frames_of_type(c["tab1"], "message.new")[-1]["message"]["text"] == expected
    stored = _everything_stored()
    for secret in ("900101", "1234568", "9876", "secret.kim"):
        assert secret not in stored, secret
    admin_log = m.rest("GET", "/masking/audit", token=admin, query={"conversationId": c["cid"]})[1]["entries"]
    assert sorted(e["action"] for e in admin_log) == ["auto_mask"] * 3
    assert {e["actorId"] for e in admin_log} == {"system"}
    # The agent restores one of them on request.
    email_mask = ack["masks"][2]["maskId"]
    status, restored = m.rest("DELETE", f"/chats/{c['cid']}/messages/{ack['seq']}/masks/{email_mask}", token=c["token"])
    assert status == 200 and "secret.kim@example.com" in restored["text"]
    # More personal data than one message's transaction can audit: a clear error, nothing stored.
    crowded = " ".join(f"010-1234-{i:04d}" for i in range(60))
    last_seq = _stored_last_seq(c["cid"])
    send = {"action": "message.send", "conversationId": c["cid"], "clientMessageId": "c3"}
    m.send(c["customer"], {**send, "text": crowded})
    error = m.frames_of_type(c["customer"], "error")[-1]
    assert error["code"] == "invalid_field" and error["clientMessageId"] == "c3", error
    assert _stored_last_seq(c["cid"]) == last_seq and "1234-0059" not in _everything_stored()
    # Agent messages are never auto-masked (agents choose what they write).
    m.send(
        c["tab1"],
        {
            "action": "message.send",
            "conversationId": c["cid"],
            "clientMessageId": "a1",
            "text": f"확인했습니다 {SECRET_PHONE}",
        },
    )
    assert m.frames_of_type(c["tab1"], "message.ack")[-1]["message"]["text"].endswith(SECRET_PHONE)


def test_views_carry_pii_hints_and_no_ciphertext(m):
    c = _live_chat(m, f"연락처 {SECRET_PHONE}")
    message = m.rest("GET", f"/chats/{c['cid']}/messages", token=c["token"])[1]["messages"][-1]
    assert message["pii"] == [{"kind": "phone", "start": 4, "end": 17}]
    masked = m.rest(
        "POST", f"/chats/{c['cid']}/messages/{c['seq']}/masks", {"spans": [{"start": 4, "end": 17}]}, token=c["token"]
    )[1]
    assert masked["pii"] == []
    assert set(masked["masks"][0]) == {"maskId", "start", "end"}


# --- exports ---------------------------------------------------------------------------------


def test_exports_contain_masked_text_only(m):
    rig = ExportRig(m)
    admin = m.staff_token("admin@example.com", "admins")
    assert m.rest("PUT", "/settings", {"autoMaskPii": True}, token=admin)[0] == 200
    c = _live_chat(m, f"제 이름은 {SECRET_NAME}입니다")  # no detectable personal data: the agent masks it
    cid = c["cid"]
    name_at = f"제 이름은 {SECRET_NAME}입니다".index(SECRET_NAME)
    span = {"spans": [{"start": name_at, "end": name_at + 3}]}
    assert m.rest("POST", f"/chats/{cid}/messages/{c['seq']}/masks", span, token=c["token"])[0] == 200
    auto = f"번호는 {SECRET_PHONE} 이메일 secret.kim@example.com"  # auto-masked on arrival
    m.send(c["customer"], {"action": "message.send", "conversationId": cid, "clientMessageId": "c2", "text": auto})
    assert m.rest("POST", f"/chats/{cid}/end", token=c["token"])[0] == 200

    status, accepted = m.rest("POST", "/exports", {}, token=admin)
    assert status == 202, accepted
    rig.run_queue()
    job = m.rest("GET", f"/exports/{accepted['exportId']}", token=admin)[1]
    assert job["status"] == "done", job
    path = urllib.parse.urlparse(job["downloadUrl"]).path
    key = urllib.parse.unquote(path.split(f"/{BUCKET}/", 1)[-1].lstrip("/"))
    raw = rig.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    cells = repr([list(r) for r in rig.workbook(key)["Messages"].iter_rows(values_only=True)])
    assert "제 이름은 ***입니다" in cells
    assert f"번호는 {'*' * 13} 이메일 {'*' * 22}" in cells
    # Every part of the .xlsx (shared strings, sheets) is free of the originals.
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        content = "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    for secret in (SECRET_NAME, SECRET_PHONE, "secret.kim"):
        assert secret not in content, secret


# --- logs ------------------------------------------------------------------------------------


def test_no_original_reaches_the_logs(m, caplog, capsys):
    caplog.set_level(logging.INFO)  # the level the functions run at
    admin = m.staff_token("admin@example.com", "admins")
    assert m.rest("PUT", "/settings", {"autoMaskPii": True}, token=admin)[0] == 200
    c = _live_chat(m, f"제 이름은 {SECRET_NAME}입니다")
    url = f"/chats/{c['cid']}/messages/{c['seq']}/masks"
    masked = m.rest("POST", url, {"spans": [{"start": 6, "end": 9}]}, token=c["token"])[1]
    assert m.rest("DELETE", f"{url}/{masked['masks'][0]['maskId']}", token=c["token"])[0] == 200
    assert m.rest("POST", url, {"spans": [{"start": 0, "end": 99}]}, token=c["token"])[0] == 400
    m.send(
        c["customer"],
        {"action": "message.send", "conversationId": c["cid"], "clientMessageId": "c9", "text": f"전화 {SECRET_PHONE}"},
    )
    assert m.frames_of_type(c["customer"], "message.ack")[-1]["message"]["masks"]
    captured = capsys.readouterr()
    logs = caplog.text + captured.out + captured.err
    assert logs.count("invocation") >= 4  # the handlers did log each call
    for secret in (SECRET_NAME, SECRET_PHONE, "9876"):
        assert secret not in logs, secret
