"""The transcript by e-mail: the request's rules (in-memory store) and the mail moto's SES received.
Here, not in tests/services: it needs moto (SQS, SES, KMS), which the fast tier runs without.

The queue and SES are moto's; the export function's batch handler runs the queued message as the
export Lambda would, and the sent message is read back from moto's SES backend.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.config import get_config
from chalicelib.domain.errors import Conflict, Forbidden, InvalidField, RateLimited
from chalicelib.domain.model import Principal, Role
from chalicelib.domain.transcript_mail import MAX_MAILS_PER_ADDRESS_PER_HOUR
from chalicelib.export import files
from chalicelib.export.runner import handle_batch
from chalicelib.services import connections, ending, intake, masking, messages, notes, transcript_mail
from chalicelib.services.settings import update_settings
from tests.services.conftest import World
from tests.services.conftest import world as world  # noqa: F401 - the in-memory world, a fixture here too

REGION = "us-east-1"
SENDER = "no-reply@help.example.com"
ADDRESS = "hong@example.com"
SECRET_NOTE = "내부 메모: 환불은 안 됨"
PHONE = "010-9876-5432"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, world: World) -> Iterator[dict[str, Any]]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "MAIL_FROM": SENDER,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        queue = boto3.client("sqs", region_name=REGION).create_queue(QueueName="exports")["QueueUrl"]
        boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
        key_id = boto3.client("kms", region_name=REGION).create_key(Description="masking")["KeyMetadata"]["KeyId"]
        monkeypatch.setenv("EXPORT_QUEUE_URL", queue)
        monkeypatch.setenv("MASKING_KEY_ID", key_id)
        get_config.cache_clear()
        files.reset_clients()
        yield {"queue": queue}
    get_config.cache_clear()
    files.reset_clients()


def _ended_chat(world: World, *, with_note: bool = True, masked: bool = False) -> tuple[Principal, str]:
    agent = world.agent(tab="agent-tab")
    chat = intake.start_chat({"consent": True, "consentVersion": 1, "customerName": "홍길동", "customerEmail": ADDRESS})
    cid = chat["conversationId"]
    customer = connections.connect("cust-tab", chat["token"])
    sent = messages.send_message(
        customer, "cust-tab", {"conversationId": cid, "text": f"제 번호는 {PHONE}입니다", "clientMessageId": "c-1"}
    )
    messages.send_message(agent, "agent-tab", {"conversationId": cid, "text": "확인했습니다", "clientMessageId": "a-1"})
    if with_note:
        notes.add_note(agent, cid, {"text": SECRET_NOTE, "clientMessageId": "n-1"})
    if masked:
        update_settings({"securityService": True}, Principal(role=Role.ADMIN, user_id="admin@example.com"))
        start = sent["text"].index(PHONE)
        masking.mask_message(agent, cid, sent["seq"], {"spans": [{"start": start, "end": start + len(PHONE)}]})
    ending.end_chat(agent, cid)
    return customer, cid


def _queued(aws: dict[str, Any]) -> list[dict[str, Any]]:
    answer = boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=aws["queue"], MaxNumberOfMessages=10)
    return [
        {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"], "attributes": {}}
        for m in answer.get("Messages", [])
    ]


def _sent() -> list[Any]:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def test_the_customer_gets_the_masked_transcript_without_notes_once(world: World, aws: dict[str, Any]) -> None:
    customer, cid = _ended_chat(world, masked=True)
    answer = transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS, "lang": "en"})
    assert answer == {"conversationId": cid, "requested": True, "email": ADDRESS}
    records = _queued(aws)
    assert [json.loads(r["body"]) for r in records] == [{"transcriptMail": cid}]
    assert handle_batch(records) == {"batchItemFailures": []}
    [mail] = _sent()
    assert mail.source == SENDER and mail.destinations["ToAddresses"] == [ADDRESS]
    assert mail.subject.startswith("Your chat transcript")  # the customer's language
    assert "확인했습니다" in mail.body and "You:" in mail.body
    assert PHONE not in mail.body and "*" in mail.body  # the masked text only
    assert SECRET_NOTE not in mail.body and "내부 메모" not in mail.body  # never a note
    assert world.store.conversations.get(cid).transcript_sent_at is not None
    # A redelivered message sends nothing more; a second request is refused.
    assert handle_batch(records) == {"batchItemFailures": []}
    assert len(_sent()) == 1
    with pytest.raises(Conflict):
        transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS})
    assert _queued(aws) == []


def test_a_bad_address_is_refused_and_changes_nothing(world: World, aws: dict[str, Any]) -> None:
    customer, cid = _ended_chat(world)
    for bad in (
        "",
        "hong",
        "hong@",
        "@example.com",
        "hong@example",
        "a b@example.com",
        "홍@example.com",
        "x" * 65 + "@example.com",
        "Hong <hong@example.com>",
        42,
        None,
    ):
        with pytest.raises(InvalidField) as refused:
            transcript_mail.request_transcript_mail(customer, cid, {"email": bad})
        assert refused.value.field == "email"
    with pytest.raises(InvalidField):
        transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS, "cc": "x@example.com"})
    with pytest.raises(InvalidField):
        transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS, "lang": "fr"})
    conv = world.store.conversations.get(cid)
    assert (conv.transcript_requested_at, conv.transcript_email) == (None, None)
    assert _queued(aws) == [] and _sent() == []
    # The same chat may still ask with a good address afterwards.
    transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS})
    assert world.store.conversations.get(cid).transcript_email == ADDRESS


def test_only_the_customer_of_an_ended_chat_asks(world: World, aws: dict[str, Any]) -> None:
    agent = world.agent(tab="agent-tab")
    chat = intake.start_chat({"consent": True, "consentVersion": 1, "customerName": "홍길동"})
    customer = connections.connect("cust-tab", chat["token"])
    with pytest.raises(Conflict):  # still live
        transcript_mail.request_transcript_mail(customer, chat["conversationId"], {"email": ADDRESS})
    with pytest.raises(Forbidden):  # staff never mail a customer's transcript this way
        transcript_mail.request_transcript_mail(agent, chat["conversationId"], {"email": ADDRESS})
    other_customer, other = _ended_chat(world)
    with pytest.raises(Forbidden):  # another chat's token
        transcript_mail.request_transcript_mail(customer, other, {"email": ADDRESS})
    assert world.store.conversations.get(chat["conversationId"]).transcript_requested_at is None
    assert _queued(aws) == []


def test_one_address_is_rate_limited_across_chats(world: World, aws: dict[str, Any]) -> None:
    for _ in range(MAX_MAILS_PER_ADDRESS_PER_HOUR):
        customer, cid = _ended_chat(world, with_note=False)
        transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS})
    customer, cid = _ended_chat(world, with_note=False)
    with pytest.raises(RateLimited):  # the same address without regard to case
        transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS.upper()})
    assert world.store.conversations.get(cid).transcript_requested_at is None
    transcript_mail.request_transcript_mail(customer, cid, {"email": "other@example.com"})  # another address is fine
    world.clock.now += 3600 * 1000  # the next hour
    customer, cid = _ended_chat(world, with_note=False)
    transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS})
    assert len(_queued(aws)) == MAX_MAILS_PER_ADDRESS_PER_HOUR + 2


def test_a_request_refused_as_asked_already_does_not_use_up_the_address(
    world: World, aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests for one chat at the same moment (both read it un-asked): the loser's Conflict gives
    its count back, so the address still has its hour's other requests."""
    customer, cid = _ended_chat(world, with_note=False)
    stale = world.store.conversations.get(cid)
    transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS})
    monkeypatch.setattr(world.store.conversations, "get", lambda _id: stale)  # the other request's read
    with pytest.raises(Conflict):
        transcript_mail.request_transcript_mail(customer, cid, {"email": ADDRESS})
    monkeypatch.undo()
    for _ in range(MAX_MAILS_PER_ADDRESS_PER_HOUR - 1):
        other_customer, other = _ended_chat(world, with_note=False)
        transcript_mail.request_transcript_mail(other_customer, other, {"email": ADDRESS})
    assert len(_queued(aws)) == MAX_MAILS_PER_ADDRESS_PER_HOUR
