"""Helpers for the export tests: moto S3 + SQS for the export, the SQS handler invoked as Lambda would."""

from __future__ import annotations

import io
import json
import os
import time
from typing import Any

import boto3
from openpyxl import load_workbook

from chalicelib import bootstrap
from chalicelib.config import get_config
from chalicelib.domain.entities import Conversation, Message
from chalicelib.export import files
from infra.local.lambda_context import LambdaContext
from infra.local.sqs import _record

REGION = "us-east-1"
BUCKET = "test-exports-bucket"


class ExportRig:
    """The exports bucket and queue in moto, and a stand-in for Lambda's SQS event source mapping."""

    def __init__(self, h: Any) -> None:
        self.h = h
        self.s3 = boto3.client("s3", region_name=REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.s3.create_bucket(Bucket=BUCKET)
        dlq = self.sqs.create_queue(QueueName="test-exports-dlq")["QueueUrl"]
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.queue_url = self.sqs.create_queue(
            QueueName="test-exports",
            Attributes={
                "VisibilityTimeout": "900",
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}),
            },
        )["QueueUrl"]
        self.dlq_url = dlq
        self.queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        os.environ["EXPORTS_BUCKET"] = BUCKET
        os.environ["EXPORT_QUEUE_URL"] = self.queue_url
        get_config.cache_clear()
        files.reset_clients()
        import app as app_module

        self.handler = app_module.export_jobs  # what Lambda invokes: (event, context)

    def receive(self) -> list[dict[str, Any]]:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        return [_record(m, self.queue_arn, REGION) for m in messages]

    def invoke(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        return self.handler({"Records": records}, LambdaContext("livechat-export_jobs", timeout_seconds=900))

    def run_queue(self) -> list[dict[str, Any]]:
        """Deliver every queued message, one per invocation (batch size 1, as configured); delete the successes."""
        results = []
        while True:
            records = self.receive()
            if not records:
                return results
            for record in records:
                result = self.invoke([record])
                failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
                if record["messageId"] not in failed:
                    self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=record["receiptHandle"])
                results.append({"record": record, "result": result})

    def workbook(self, key: str, **kwargs: Any) -> Any:
        body = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        return load_workbook(io.BytesIO(body), **kwargs)


def put_chat(
    conversation_id: str,
    inbound_at: int,
    messages: list[tuple[str, str | None, str]] | None = None,
    **fields: Any,
) -> Conversation:
    """A stored, ended chat with given messages (role, sender name, text): history as the export reads it."""
    fields.pop("customer_name_lower", None)  # the store keeps it with customer_name
    messages = messages or []
    conv = Conversation(
        conversation_id,
        state=fields.pop("state", "ended"),
        customer_id="cust-" + conversation_id,
        inbound_at=inbound_at,
        consent_version=1,
        consented_at=inbound_at,
        last_seq=len(messages),
        **fields,
    )
    stored = [
        Message(conversation_id, seq, sender_role=role, sender_name=name, text=text, created_at=inbound_at + seq * 1000)
        for seq, (role, name, text) in enumerate(messages, 1)
    ]
    bootstrap.store().bulk.save_all([conv, *stored])
    return conv


def now_ms() -> int:
    return int(time.time() * 1000)
