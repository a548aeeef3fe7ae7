"""A DynamoDB stream batch as Lambda delivers it, applied record by record in order (the report
counters and the ticket events share it)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)


def apply_in_order(
    records: Iterable[dict[str, Any]], apply: Callable[[dict[str, Any]], str], what: str
) -> dict[str, Any]:
    """On the first failure that record's sequence number is reported (ReportBatchItemFailures):
    Lambda retries from it, and the records already applied meet their markers or publish again
    with the same idempotency ids. Later records are not tried: they come again with the retry."""
    outcomes: dict[str, int] = {}
    for record in records:
        try:
            outcome = apply(record)
        except Exception:
            log.exception("%s: record %s failed", what, record.get("eventID"))
            sequence = (record.get("dynamodb") or {}).get("SequenceNumber", "")
            return {"batchItemFailures": [{"itemIdentifier": sequence}], "outcomes": outcomes}
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    log.info("%s: %s", what, outcomes)
    return {"batchItemFailures": [], "outcomes": outcomes}
