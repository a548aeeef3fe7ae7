"""The wallboard's signals (issue #24): one SQS message to the wallboard function, which pushes the
snapshot (services/wallboard.py). WALLBOARD_QUEUE_URL empty: no signal (the fast tests, a stack
without the queue). A botocore client, as the pusher's: no boto3 in a chat function's cold start."""

from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

import botocore.session
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import get_config, table_name

log = logging.getLogger(__name__)

# Short and one retry: a status change waits for this send, and a lost signal only delays the wallboard
# until the next change (or the viewer's next subscribe).
_BOTO_CONFIG = BotoConfig(connect_timeout=1, read_timeout=2, retries={"mode": "standard", "max_attempts": 2})
_lock = threading.Lock()
_clients: dict[str, Any] = {}


def _sqs() -> Any:
    region = get_config().region
    with _lock:
        if region not in _clients:
            session = botocore.session.get_session()
            _clients[region] = session.create_client("sqs", region_name=region, config=_BOTO_CONFIG)
        return _clients[region]


def send(reason: str, at_ms: int, *, catch_up: bool = False, delay_seconds: int = 0) -> bool:
    """Queue one signal; False when there is no queue or it could not be reached (logged: a wallboard
    that misses one change shows it with the next one, and a reconnect resubscribes)."""
    url = get_config().wallboard_queue_url
    if not url:
        return False
    body = json.dumps({"reason": reason, "at": at_ms, "catchUp": catch_up}, separators=(",", ":"))
    try:
        _sqs().send_message(QueueUrl=url, MessageBody=body, DelaySeconds=delay_seconds)
    except (BotoCoreError, ClientError):
        log.warning("wallboard signal %s could not be queued", reason, exc_info=True)
        return False
    return True


def queue_name() -> str:
    """The queue's name as the template names it (`${AWS::StackName}-wallboard`): the SQS handler's
    event source. TABLE_PREFIX is `<stack name>-`; WALLBOARD_QUEUE_NAME overrides."""
    return os.environ.get("WALLBOARD_QUEUE_NAME") or table_name("wallboard")
