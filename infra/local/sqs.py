"""Lambda's SQS event source mapping for the local stack.

For each `@app.on_sqs_message` handler, a thread long-polls its queue in moto, invokes the
handler (the object Lambda would invoke) with an SQS-shaped event batch, and deletes the batch
when the handler returns; when it raises, the messages come back after the visibility timeout
and reach the dead-letter queue after the redrive policy's receive count, as on AWS.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from chalice.app import SQSEventConfig

from infra.local.lambda_context import LambdaContext, resolve_handler

log = logging.getLogger("infra.local.sqs")

WAIT_SECONDS = 2  # long-poll; short enough that Ctrl-C ends the poller promptly


def sqs_sources(app: Any) -> list[SQSEventConfig]:
    return [source for source in app.event_sources if isinstance(source, SQSEventConfig)]


def _record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    attributes = {
        name: {
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value["DataType"],
        }
        for name, value in message.get("MessageAttributes", {}).items()
    }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": attributes,
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class SqsPoller:
    def __init__(self, app_module: Any, endpoint: str, region: str) -> None:
        self.app_module = app_module
        self.app = app_module.app
        self.endpoint = endpoint
        self.region = region
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> list[str]:
        """Start one poller per SQS handler; return a description of each for the banner."""
        described = []
        for source in sqs_sources(self.app):
            handler = self.app.handler_map.get(source.name) and resolve_handler(self.app, source)
            queue = source.queue or (source.queue_arn or "").rsplit(":", 1)[-1]
            if handler is None or not queue:
                log.warning("SQS handler %s: cannot resolve handler or queue", source.name)
                continue
            # Daemon: a long-poll in flight must not hold up Ctrl-C.
            thread = threading.Thread(
                target=self._run, args=(source, handler, queue), name=f"sqs-{source.name}", daemon=True
            )
            thread.start()
            self.threads.append(thread)
            described.append(f"{source.name} ← {queue}")
        return described

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=WAIT_SECONDS + 1)

    def _run(self, source: SQSEventConfig, handler: Any, queue: str) -> None:
        sqs = boto3.client("sqs", endpoint_url=self.endpoint, region_name=self.region)
        try:
            url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
        except ClientError:
            log.warning("SQS handler %s: queue %s does not exist locally; not polling", source.name, queue)
            return
        while not self.stop_event.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=max(1, min(source.batch_size, 10)),
                    WaitTimeSeconds=WAIT_SECONDS,
                    AttributeNames=["All"],
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
            except (BotoCoreError, ClientError):
                if self.stop_event.is_set():
                    return
                log.exception("SQS receive failed on %s", queue)
                self.stop_event.wait(1)
                continue
            if not messages:
                continue
            event = {"Records": [_record(m, arn, self.region) for m in messages]}
            try:
                result = handler(event, LambdaContext(f"{self.app.app_name}-{source.name}", timeout_seconds=900))
            except Exception:
                # Left in the queue: retried after the visibility timeout, then dead-lettered.
                log.exception(
                    "SQS handler %s failed; %d message(s) stay in the queue", source.name, len(messages)
                )
                continue
            # ReportBatchItemFailures: the messages the handler names stay in the queue.
            failed = {f.get("itemIdentifier") for f in (result or {}).get("batchItemFailures", [])} if isinstance(
                result, dict
            ) else set()
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )
