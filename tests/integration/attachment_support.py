"""The attachments bucket and its notification queue in moto, files made for the checker's tests,
and the SQS event source mapping's stand-in (S3's own event document as each message's body)."""

from __future__ import annotations

import io
import json
import os
import struct
import zlib
from typing import Any

import boto3
import requests
from PIL import Image

from chalicelib.config import get_config
from chalicelib.export import files
from infra.local.lambda_context import LambdaContext
from infra.local.sqs import _record

REGION = "us-east-1"
BUCKET = "test-attachments-bucket"
QUEUE = "test-attachments"  # attachment_queue_name(): TABLE_PREFIX + "attachments"


class AttachmentRig:
    def __init__(self, h: Any) -> None:
        self.h = h
        self.s3 = boto3.client("s3", region_name=REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)
        # Set only after the set-up: the IAM check (tests/infra) reads calls on the bucket as the app's.
        os.environ.pop("ATTACHMENTS_BUCKET", None)
        self.s3.create_bucket(Bucket=BUCKET)
        self.queue_url = self.sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
        self.queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        # As the template: ObjectCreated under chats/ to the queue (S3 also sends one s3:TestEvent).
        self.s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": self.queue_arn,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "chats/"}]}},
                    }
                ]
            },
        )
        os.environ["ATTACHMENTS_BUCKET"] = BUCKET
        get_config.cache_clear()
        files.reset_clients()
        import app as app_module

        self.handler = app_module.attachment_check

    def ask(self, token: str, conversation_id: str, name: str, data: bytes, content_type: str) -> tuple[int, Any]:
        body = {"name": name, "size": len(data), "type": content_type}
        return self.h.rest("POST", f"/chats/{conversation_id}/attachments", body, token=token)

    def post(self, form: dict[str, Any], data: bytes, name: str = "file") -> requests.Response:
        """The browser's multipart POST of the presigned form (moto answers it in process)."""
        return requests.post(form["url"], data=form["fields"], files={"file": (name, data)}, timeout=10)

    def upload(self, token: str, conversation_id: str, name: str, data: bytes, content_type: str) -> str:
        status, answer = self.ask(token, conversation_id, name, data, content_type)
        assert status == 201, answer
        response = self.post(answer["upload"], data, name)
        assert response.status_code in (200, 204), response.text
        return str(answer["attachmentId"])

    def run_queue(self) -> list[dict[str, Any]]:
        """Deliver every queued notification to the checking function; delete what it did not name."""
        results = []
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                return results
            records = [_record(m, self.queue_arn, REGION) for m in messages]
            result = self.handler({"Records": records}, LambdaContext("livechat-attachment_check", 60))
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            for record in records:
                if record["messageId"] not in failed:
                    self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=record["receiptHandle"])
            results.append(result)

    def keys(self) -> list[str]:
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 800, height: int = 600) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 200)).save(out, "JPEG", quality=85)
    return out.getvalue()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def windows_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200


def svg_with_script() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'


def html_page() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def bomb_png(side: int = 30_000) -> bytes:
    """A small PNG whose header claims side x side pixels (900 megapixels), its data one deflated
    stream of zeros: a few hundred kB that would unpack to gigabytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side // 8 + 1)
    data = b"".join(compressor.compress(row) for _ in range(2000)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def notification_records(rig: AttachmentRig) -> list[dict[str, Any]]:
    """The queued S3 notifications' documents, without taking them off the queue."""
    messages = rig.sqs.receive_message(QueueUrl=rig.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0).get(
        "Messages", []
    )
    return [json.loads(m["Body"]) for m in messages]
