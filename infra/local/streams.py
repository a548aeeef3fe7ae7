"""Lambda's DynamoDB Streams event source mapping for the local stack (as infra/local/sqs.py for SQS).

The moto server runs in this process, and this moto answers the dynamodbstreams API with 404, so
the poller reads each streamed table's shard from moto's backend: the records moto made, in the shape
AWS sends (eventID, eventName, dynamodb.Keys/NewImage/OldImage, SequenceNumber). Each
`@app.on_dynamodb_record` handler gets them in order, in batches of its batch size; a batch whose
answer names a failed record (ReportBatchItemFailures) is retried from that record, as on AWS.
"""

from __future__ import annotations

import copy
import logging
import threading
from datetime import datetime
from typing import Any

from chalice.app import DynamoDBEventConfig

from infra.local.lambda_context import LambdaContext, resolve_handler

log = logging.getLogger("infra.local.streams")

POLL_SECONDS = 1.0  # Lambda polls a shard about four times a second; a second is plenty locally


def stream_sources(app: Any) -> list[DynamoDBEventConfig]:
    return [source for source in app.event_sources if isinstance(source, DynamoDBEventConfig)]


def streamed_table(stream_arn: str) -> str | None:
    """The local table a handler's stream ARN means: the streamed model whose name ends like the ARN's table."""
    from chalicelib.store.tables import ALL_MODELS

    named = stream_arn.split(":table/", 1)[-1].split("/stream", 1)[0]
    suffix = named.rsplit("-", 1)[-1]
    for model in ALL_MODELS:
        name: str = model.Meta.table_name
        if getattr(model.Meta, "stream_view_type", None) and (name == named or name.endswith(f"-{suffix}")):
            return name
    return None


def _shard_records(table: str, region: str) -> list[Any]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    found = dynamodb_backends[DEFAULT_ACCOUNT_ID][region].get_table(table)
    shard = found.stream_shard
    return shard.items if shard is not None else []


def lambda_record(item: Any, table: str, region: str) -> dict[str, Any]:
    record: dict[str, Any] = copy.deepcopy(item.to_json())
    stamp = record["dynamodb"]["ApproximateCreationDateTime"]
    record["dynamodb"]["ApproximateCreationDateTime"] = int(datetime.fromisoformat(stamp).timestamp())
    record["awsRegion"] = region
    record["eventSourceARN"] = f"arn:aws:dynamodb:{region}:000000000000:table/{table}/stream/local"
    return record


class StreamPoller:
    def __init__(self, app_module: Any, region: str) -> None:
        self.app = app_module.app
        self.region = region
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None
        self.positions: dict[str, int] = {}  # handler name → index of the next record in its shard
        self.sources: list[tuple[DynamoDBEventConfig, Any, str]] = []
        for source in stream_sources(self.app):
            table = streamed_table(source.stream_arn)
            if table is None:
                log.warning("stream handler %s: no local table streams %s", source.name, source.stream_arn)
                continue
            self.sources.append((source, resolve_handler(self.app, source), table))

    def start(self) -> list[str]:
        if self.sources:
            self.thread = threading.Thread(target=self._run, name="dynamodb-streams", daemon=True)
            self.thread.start()
        return [f"{source.name} ← {table} stream" for source, _, table in self.sources]

    def stop(self) -> None:
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout=POLL_SECONDS + 1)

    def _run(self) -> None:
        while not self.stop_event.wait(POLL_SECONDS):
            try:
                self.poll_once()
            except Exception:  # noqa: BLE001 - a failing poll is logged and tried again, as Lambda does
                log.exception("stream poll failed")

    def poll_once(self) -> int:
        """Deliver every new record to each handler once (batch by batch); the records delivered."""
        delivered = 0
        for source, handler, table in self.sources:
            items = _shard_records(table, self.region)
            start = self.positions.get(source.name, 0)
            while start < len(items):
                batch = items[start : start + max(1, source.batch_size)]
                records = [lambda_record(item, table, self.region) for item in batch]
                context = LambdaContext(f"{self.app.app_name}-{source.name}")
                answer = handler({"Records": records}, context)
                failures = (answer or {}).get("batchItemFailures", []) if isinstance(answer, dict) else []
                sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
                failed = [
                    sequences.index(f["itemIdentifier"]) for f in failures if f.get("itemIdentifier") in sequences
                ]
                if failed:  # retried from the first failed record on the next poll
                    start += min(failed)
                    delivered += min(failed)
                    break
                start += len(batch)
                delivered += len(batch)
            self.positions[source.name] = start
        return delivered
