"""The transcript by e-mail through the handlers, under moto: the REST route (API Gateway proxy
event), the export function's SQS handler as Lambda invokes it, and SES's sent message read back.
The AWS calls recorded here are what tests/infra checks against the functions' policies."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from export_support import REGION, ExportRig
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import bootstrap
from chalicelib.store.models import ConversationModel

SENDER = "no-reply@help.example.com"
ADDRESS = "customer@example.com"
NOTE = "내부 메모: 환불 불가"


@pytest.fixture
def rig(h: Any, monkeypatch: pytest.MonkeyPatch) -> ExportRig:
    monkeypatch.setenv("MAIL_FROM", SENDER)
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
    return ExportRig(h)


def _ended_chat(h: Any) -> tuple[str, str]:
    token, _ = h.agent_online("agent1@example.com")
    chat = h.start_chat(customerEmail=ADDRESS)
    cid = chat["conversationId"]
    customer = h.connected(chat["token"])
    h.send(
        customer, {"action": "message.send", "conversationId": cid, "clientMessageId": "c1", "text": "영수증 주세요"}
    )
    assert h.rest("POST", f"/chats/{cid}/notes", {"text": NOTE, "clientMessageId": "n1"}, token=token)[0] == 201
    assert h.rest("POST", f"/chats/{cid}/end", token=token)[0] == 200
    return cid, chat["token"]


def test_the_customer_mails_the_transcript_once(h: Any, rig: ExportRig) -> None:
    cid, customer = _ended_chat(h)
    view = h.rest("GET", f"/chats/{cid}", token=customer)[1]
    assert (view["customerEmail"], view["transcriptRequested"]) == (ADDRESS, False)

    # A bad address: 400 at the field, nothing stored, nothing queued.
    status, body = h.rest("POST", f"/chats/{cid}/transcript-mail", {"email": "customer@"}, token=customer)
    assert (status, body["code"], body["field"]) == (400, "invalid_field", "email")
    assert ConversationModel.get(cid).transcript_requested_at is None
    assert rig.receive() == []

    status, body = h.rest("POST", f"/chats/{cid}/transcript-mail", {"email": ADDRESS, "lang": "ko"}, token=customer)
    assert (status, body["requested"]) == (202, True)
    assert h.rest("GET", f"/chats/{cid}", token=customer)[1]["transcriptRequested"] is True
    results = rig.run_queue()
    assert [r["result"] for r in results] == [{"batchItemFailures": []}]
    [mail] = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    assert mail.source == SENDER and mail.destinations["ToAddresses"] == [ADDRESS]
    assert mail.subject.startswith("상담 내용") and "영수증 주세요" in mail.body and NOTE not in mail.body
    assert bootstrap.store().conversations.get(cid).transcript_sent_at is not None

    # Once per chat: a second request is refused and sends nothing.
    status, body = h.rest("POST", f"/chats/{cid}/transcript-mail", {"email": ADDRESS}, token=customer)
    assert (status, body["code"]) == (409, "conflict")
    assert rig.run_queue() == [] and len(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages) == 1


def test_staff_tokens_and_live_chats_are_refused(h: Any, rig: ExportRig) -> None:
    token, _ = h.agent_online("agent1@example.com")
    chat = h.start_chat()
    cid = chat["conversationId"]
    assert h.rest("POST", f"/chats/{cid}/transcript-mail", {"email": ADDRESS}, token=chat["token"])[0] == 409
    assert h.rest("POST", f"/chats/{cid}/transcript-mail", {"email": ADDRESS}, token=token)[0] == 403
    assert h.rest("POST", f"/chats/{cid}/transcript-mail", {"email": ADDRESS})[0] == 401
    assert ConversationModel.get(cid).transcript_requested_at is None
