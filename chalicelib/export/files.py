"""The export's AWS edges that REST handlers use too: the job queue and presigned downloads (boto3 only)."""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from chalicelib.config import get_config
from chalicelib.export.options import XLSX_CONTENT_TYPE

_BOTO_CONFIG = BotoConfig(
    connect_timeout=2,
    read_timeout=20,
    retries={"mode": "standard", "max_attempts": 5},
    signature_version="s3v4",  # presigned URLs in every region (SigV2 is gone from newer ones)
)
_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    with _lock:
        if service not in _clients:
            _clients[service] = boto3.session.Session().client(
                service, region_name=get_config().region, config=_BOTO_CONFIG
            )
        return _clients[service]


def reset_clients() -> None:
    """Tests switch endpoints and credentials between runs."""
    with _lock:
        _clients.clear()


def queue_export(export_id: str) -> None:
    client("sqs").send_message(
        QueueUrl=get_config().export_queue_url, MessageBody=json.dumps({"exportId": export_id})
    )


def export_object_key(export_id: str, file_name: str) -> str:
    return f"exports/{export_id}/{file_name}"


def download_url(s3_key: str, file_name: str, seconds: int) -> str:
    """A fresh GET URL; the browser saves the file under `file_name` (Content-Disposition)."""
    return str(
        client("s3").generate_presigned_url(
            "get_object",
            Params={
                "Bucket": get_config().exports_bucket,
                "Key": s3_key,
                "ResponseContentDisposition": f'attachment; filename="{file_name}"',
                "ResponseContentType": XLSX_CONTENT_TYPE,
            },
            ExpiresIn=seconds,
        )
    )
