"""The private attachments bucket: presigned uploads and downloads, reads, thumbnails, deletes."""

from __future__ import annotations

import os
from typing import Any

from chalicelib.export.files import client  # one cached S3 client (SigV4) for every S3 edge

# Every upload is tagged pending by its form; the checker retags what it accepts. A lifecycle rule
# removes what stays pending (a check that never finished): infra/aws/attachments.py.
PENDING_TAGGING = "<Tagging><TagSet><Tag><Key>state</Key><Value>pending</Value></Tag></TagSet></Tagging>"
KEY_PREFIX = "chats/"  # chats/<conversation id>/<attachment id>[.thumb.jpg]: a rule can name a chat


def object_key(conversation_id: str, attachment_id: str) -> str:
    return f"{KEY_PREFIX}{conversation_id}/{attachment_id}"


def thumbnail_key(conversation_id: str, attachment_id: str) -> str:
    return object_key(conversation_id, attachment_id) + ".thumb.jpg"


def parse_object_key(key: str) -> tuple[str, str] | None:
    """(conversation id, attachment id) of an uploaded file's key; None for anything else."""
    parts = key.split("/")
    if len(parts) != 3 or f"{parts[0]}/" != KEY_PREFIX or not parts[1] or not parts[2] or "." in parts[2]:
        return None  # not an upload (a thumbnail is ours)
    return parts[1], parts[2]


def bucket_name() -> str:
    return os.environ.get("ATTACHMENTS_BUCKET", "")


def upload_form(key: str, content_type: str, max_bytes: int, seconds: int) -> dict[str, Any]:
    """A presigned POST that accepts exactly this key, this Content-Type and at most `max_bytes`.

    The policy S3 checks names all three (the `key` condition is added by boto3 from Key); the
    form's fields are what the browser sends before the file.
    """
    form = client("s3").generate_presigned_post(
        Bucket=bucket_name(),
        Key=key,
        Fields={"Content-Type": content_type, "tagging": PENDING_TAGGING},
        Conditions=[
            {"Content-Type": content_type},
            {"tagging": PENDING_TAGGING},
            ["content-length-range", 1, max_bytes],
        ],
        ExpiresIn=seconds,
    )
    return {"url": form["url"], "fields": form["fields"]}


def view_url(key: str, content_type: str, disposition: str, seconds: int) -> str:
    """A short-lived GET on S3's own host (never our origin), with the type and disposition we chose."""
    return str(
        client("s3").generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket_name(),
                "Key": key,
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
            },
            ExpiresIn=seconds,
        )
    )


def read(bucket: str, key: str) -> tuple[bytes, int] | None:
    """The object's bytes and size (None: gone already, e.g. a redelivered event after a refusal)."""
    s3 = client("s3")
    try:
        obj = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    return obj["Body"].read(), int(obj["ContentLength"])


def put_thumbnail(bucket: str, key: str, data: bytes) -> None:
    client("s3").put_object(Bucket=bucket, Key=key, Body=data, ContentType="image/jpeg")


SCAN_TAG = "GuardDutyMalwareScanStatus"  # what GuardDuty Malware Protection for S3 tags each object with


def malware_scan_on() -> bool:
    """The stack parameter AttachmentMalwareScan (infra/aws/attachments.py); never on locally."""
    return os.environ.get("ATTACHMENT_MALWARE_SCAN", "off") == "on"


def scan_status(bucket: str, key: str) -> str | None:
    """The object's scan result tag (None: not scanned yet)."""
    tags = client("s3").get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
    return next((t["Value"] for t in tags if t["Key"] == SCAN_TAG), None)


def mark_checked(bucket: str, key: str) -> None:
    """Off the pending tag: the lifecycle rule for unchecked uploads no longer applies."""
    client("s3").put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": [{"Key": "state", "Value": "checked"}]})


def delete(bucket: str, key: str) -> None:
    client("s3").delete_object(Bucket=bucket, Key=key)
