"""Count DynamoDB requests and capacity units at the botocore level, for benchmarks.

`install()` adds botocore event hooks to every botocore session created afterwards (the same
mechanism moto uses to intercept requests), so pynamodb's clients, the transaction connection
and plain boto3 clients are all counted without touching the application code.

Capacity: moto answers `ReturnConsumedCapacity` with a constant (0.5 or 1.0 whatever the item
size), so the meter computes capacity itself from item sizes by DynamoDB's documented rules:
- item size = attribute names (UTF-8) + values: strings in UTF-8 bytes, numbers ~1 byte per two
  significant digits + 1, binary in bytes, booleans/null 1 byte, lists/maps 3 bytes + 1 byte
  per element + the elements;
- reads: 4 KB units of the items *read* (before any filter or projection), summed per Query or
  Scan page, one unit minimum; strongly consistent = 1 per unit, eventually consistent = 0.5;
- writes: 1 KB units of the larger of the item before and after, one unit minimum, doubled in a
  transaction; plus each global secondary index the write touches (a changed index key is a
  delete and a put in the index);
- on-demand bills exactly these units (read request units, write request units).
The item "before" a write is read from the table by the meter itself (uncounted, in
`before-call`), the item "after" once the call returns.
"""

from __future__ import annotations

import base64
import contextlib
import math
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import botocore.handlers
import botocore.session

READ_OPS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
WRITE_OPS = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
DATA_OPS = READ_OPS | WRITE_OPS


# --- item sizes (DynamoDB's rules) ---------------------------------------------------------------


def _number_size(text: str) -> int:
    mantissa = text.lstrip("+-").lower().split("e")[0].replace(".", "")
    significant = mantissa.strip("0") or "0"
    return (len(significant) + 1) // 2 + 1


def _binary_size(value: Any) -> int:
    if isinstance(value, bytes | bytearray):
        return len(value)
    return len(base64.b64decode(value))


def attribute_size(value: dict[str, Any]) -> int:
    """Size in bytes of one attribute value in DynamoDB wire format, e.g. {"S": "abc"}."""
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode("utf-8"))
    if kind == "N":
        return _number_size(raw)
    if kind == "B":
        return _binary_size(raw)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(v.encode("utf-8")) for v in raw)
    if kind == "NS":
        return sum(_number_size(v) for v in raw)
    if kind == "BS":
        return sum(_binary_size(v) for v in raw)
    if kind == "L":
        return 3 + sum(attribute_size(v) + 1 for v in raw)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + attribute_size(v) + 1 for k, v in raw.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode("utf-8")) + attribute_size(value) for name, value in item.items())


def read_units(total_bytes: int, consistent: bool) -> float:
    return max(1, math.ceil(total_bytes / 4096)) * (1.0 if consistent else 0.5)


def write_units(size_bytes: int) -> int:
    return max(1, math.ceil(size_bytes / 1024))


# --- records -----------------------------------------------------------------------------------------


@dataclass
class Call:
    operation: str
    table: str | None
    index: str | None = None
    read_units: float = 0.0
    write_units: float = 0.0
    items_read: int = 0
    items_returned: int = 0
    moto_units: float | None = None  # what moto itself reported, for comparison only
    failed: bool = False


@dataclass
class Window:
    calls: list[Call] = field(default_factory=list)
    control: Counter = field(default_factory=Counter)  # DescribeTable etc.: not billed
    other: Counter = field(default_factory=Counter)  # other AWS services, e.g. apigatewaymanagementapi.PostToConnection

    @property
    def requests(self) -> int:
        return len(self.calls)

    @property
    def read_units(self) -> float:
        return sum(c.read_units for c in self.calls)

    @property
    def write_units(self) -> float:
        return sum(c.write_units for c in self.calls)

    @property
    def items_read(self) -> int:
        return sum(c.items_read for c in self.calls)

    @property
    def moto_units(self) -> float:
        return sum(c.moto_units or 0.0 for c in self.calls)

    def operations(self) -> dict[str, int]:
        return dict(Counter(_label(c) for c in self.calls))

    def units_by_operation(self) -> dict[str, dict[str, float]]:
        """Read and write units of each operation label (summed over its calls)."""
        units: dict[str, dict[str, float]] = {}
        for c in self.calls:
            entry = units.setdefault(_label(c), {"read_units": 0.0, "write_units": 0.0})
            entry["read_units"] += c.read_units
            entry["write_units"] += c.write_units
        return units


def _label(call: Call) -> str:
    return f"{call.operation} {call.table}" + (f"/{call.index}" if call.index else "")


# --- the meter -----------------------------------------------------------------------------------------


_NAME_TOKEN = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_TOKEN = re.compile(r":[A-Za-z0-9_]+")


class DynamoMeter:
    def __init__(self) -> None:
        self._local = threading.local()
        self._windows: list[Window] = []
        self._tables: dict[str, dict[str, Any]] = {}
        self._client: Any = None
        self.paused = False

    # The meter's own requests (before/after images, table descriptions) are not counted.
    @contextlib.contextmanager
    def _internal(self) -> Iterator[Any]:
        previous = getattr(self._local, "internal", False)
        self._local.internal = True
        try:
            if self._client is None:
                self._client = botocore.session.get_session().create_client("dynamodb")
            yield self._client
        finally:
            self._local.internal = previous

    def _counting(self) -> bool:
        return bool(self._windows) and not self.paused and not getattr(self._local, "internal", False)

    @contextlib.contextmanager
    def window(self) -> Iterator[Window]:
        """Everything sent to AWS inside the block, counted."""
        current = Window()
        self._windows.append(current)
        try:
            yield current
        finally:
            self._windows.remove(current)

    @contextlib.contextmanager
    def pause(self) -> Iterator[None]:
        previous, self.paused = self.paused, True
        try:
            yield
        finally:
            self.paused = previous

    def reset_tables(self) -> None:
        """Forget cached table descriptions (a new moto account/region state)."""
        self._tables.clear()
        self._client = None

    # --- table metadata -------------------------------------------------------------------------

    def _table(self, name: str) -> dict[str, Any]:
        if name not in self._tables:
            with self._internal() as client:
                table = client.describe_table(TableName=name)["Table"]
            keys = [k["AttributeName"] for k in sorted(table["KeySchema"], key=lambda k: k["KeyType"] != "HASH")]
            indexes = []
            for gsi in table.get("GlobalSecondaryIndexes", []):
                index_keys = [k["AttributeName"] for k in gsi["KeySchema"]]
                projection = gsi.get("Projection", {"ProjectionType": "ALL"})
                indexes.append((gsi["IndexName"], index_keys, projection))
            self._tables[name] = {"keys": keys, "indexes": indexes}
        return self._tables[name]

    def _key_of(self, table: str, item: dict[str, Any]) -> dict[str, Any]:
        return {k: item[k] for k in self._table(table)["keys"] if k in item}

    def _current(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        with self._internal() as client:
            return client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    # --- hooks ------------------------------------------------------------------------------------

    def before_parameter_build(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if not self._counting():
            return
        context["bench_params"] = dict(params)
        if model.name in DATA_OPS:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def before_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        params = context.get("bench_params")
        if params is None or not self._counting() or model.name not in WRITE_OPS:
            return
        context["bench_before"] = [(t, k, self._current(t, k)) for t, k, _tx in self._written_keys(model.name, params)]

    def after_call(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        params = context.get("bench_params")
        if params is None or not self._counting():
            return
        operation = model.name
        if operation not in DATA_OPS:
            for window in self._windows:
                window.control[operation] += 1
            return
        failed = "Error" in parsed
        if operation in WRITE_OPS:
            call = self._write_call(operation, params, context.get("bench_before", []), failed)
        else:
            call = self._read_call(operation, params, parsed, failed)
        call.moto_units = _reported_units(parsed.get("ConsumedCapacity"))
        for window in self._windows:
            window.calls.append(call)

    def after_call_any(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        if service == "dynamodb" or not self._counting():
            return
        for window in self._windows:
            window.other[f"{service}.{model.name}"] += 1

    # --- writes -----------------------------------------------------------------------------------

    def _written_keys(self, operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
        found: list[tuple[str, dict[str, Any], bool]] = []
        if operation == "PutItem":
            found.append((params["TableName"], self._key_of(params["TableName"], params["Item"]), False))
        elif operation in ("UpdateItem", "DeleteItem"):
            found.append((params["TableName"], params["Key"], False))
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                ((kind, body),) = entry.items()
                key = self._key_of(body["TableName"], body["Item"]) if kind == "Put" else body["Key"]
                found.append((body["TableName"], key, True))
        elif operation == "BatchWriteItem":
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    if "PutRequest" in request:
                        found.append((table, self._key_of(table, request["PutRequest"]["Item"]), False))
                    else:
                        found.append((table, request["DeleteRequest"]["Key"], False))
        return found

    def _write_call(
        self, operation: str, params: dict[str, Any], before: list[tuple[str, dict, dict | None]], failed: bool
    ) -> Call:
        tables = {t for t, _k, _b in before}
        call = Call(operation, ",".join(sorted(tables)) if tables else params.get("TableName"), failed=failed)
        transactional = operation == "TransactWriteItems"
        for table, key, old in before:
            new = old if failed else self._current(table, key)
            units = write_units(max(item_size(old), item_size(new)))
            call.write_units += units * (2 if transactional else 1)
            if not failed:
                call.write_units += self._index_write_units(table, old, new)
        return call

    def _index_write_units(self, table: str, old: dict | None, new: dict | None) -> int:
        meta = self._table(table)
        units = 0
        for _name, keys, projection in meta["indexes"]:
            in_old = bool(old) and all(k in old for k in keys)
            in_new = bool(new) and all(k in new for k in keys)
            old_entry = _projected(old, meta["keys"], keys, projection) if in_old else None
            new_entry = _projected(new, meta["keys"], keys, projection) if in_new else None
            if in_old and in_new and all(old[k] == new[k] for k in keys):
                if old_entry != new_entry:
                    units += write_units(max(item_size(old_entry), item_size(new_entry)))
                continue
            if in_old:
                units += write_units(item_size(old_entry))
            if in_new:
                units += write_units(item_size(new_entry))
        return units

    # --- reads ------------------------------------------------------------------------------------

    def _read_call(self, operation: str, params: dict[str, Any], parsed: dict[str, Any], failed: bool) -> Call:
        call = Call(operation, params.get("TableName"), params.get("IndexName"), failed=failed)
        if failed:
            call.read_units = read_units(0, bool(params.get("ConsistentRead")))
            return call
        consistent = bool(params.get("ConsistentRead"))
        if operation == "GetItem":
            item = parsed.get("Item")
            if item is not None and (params.get("ProjectionExpression") or params.get("AttributesToGet")):
                item = self._current(params["TableName"], params["Key"])
            call.items_read = call.items_returned = 1 if item else 0
            call.read_units = read_units(item_size(item), consistent)
        elif operation in ("Query", "Scan"):
            call.items_returned = int(parsed.get("Count", 0))
            call.items_read = int(parsed.get("ScannedCount", call.items_returned))
            items = parsed.get("Items", [])
            if _narrowed(params):
                items = self._unnarrowed_page(operation, params)
            call.read_units = read_units(sum(item_size(i) for i in items), consistent)
        elif operation == "BatchGetItem":
            call.table = ",".join(sorted(parsed.get("Responses", {})))
            for table, items in parsed.get("Responses", {}).items():
                consistent = bool(params["RequestItems"][table].get("ConsistentRead"))
                call.items_read += len(items)
                call.read_units += sum(read_units(item_size(i), consistent) for i in items)
            call.items_returned = call.items_read
        elif operation == "TransactGetItems":
            for response in parsed.get("Responses", []):
                item = response.get("Item")
                call.items_read += 1 if item else 0
                call.read_units += 2 * read_units(item_size(item), True)
            call.items_returned = call.items_read
        return call

    def _unnarrowed_page(self, operation: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The items a filtered, projected or COUNT page actually read: the same page without them."""
        keep = {
            k: v
            for k, v in params.items()
            if k
            in (
                "TableName",
                "IndexName",
                "KeyConditionExpression",
                "ExclusiveStartKey",
                "Limit",
                "ScanIndexForward",
                "ConsistentRead",
                "Segment",
                "TotalSegments",
            )
        }
        expression = params.get("KeyConditionExpression", "")
        names = {
            k: v for k, v in params.get("ExpressionAttributeNames", {}).items() if k in _NAME_TOKEN.findall(expression)
        }
        values = {
            k: v
            for k, v in params.get("ExpressionAttributeValues", {}).items()
            if k in _VALUE_TOKEN.findall(expression)
        }
        if names:
            keep["ExpressionAttributeNames"] = names
        if values:
            keep["ExpressionAttributeValues"] = values
        with self._internal() as client:
            page = client.query(**keep) if operation == "Query" else client.scan(**keep)
        return page.get("Items", [])


def _narrowed(params: dict[str, Any]) -> bool:
    return bool(
        params.get("FilterExpression")
        or params.get("ProjectionExpression")
        or params.get("AttributesToGet")
        or params.get("Select") in ("COUNT", "SPECIFIC_ATTRIBUTES")
    )


def _projected(item: dict[str, Any], table_keys: list[str], index_keys: list[str], projection: dict[str, Any]) -> dict:
    kind = projection.get("ProjectionType", "ALL")
    if kind == "ALL":
        return item
    names = set(table_keys) | set(index_keys)
    if kind == "INCLUDE":
        names |= set(projection.get("NonKeyAttributes", []))
    return {k: v for k, v in item.items() if k in names}


def _reported_units(consumed: Any) -> float | None:
    if consumed is None:
        return None
    entries = consumed if isinstance(consumed, list) else [consumed]
    return float(sum(e.get("CapacityUnits", 0.0) for e in entries))


METER = DynamoMeter()
_installed = False


def install() -> DynamoMeter:
    """Register the hooks for every botocore session created from now on. Call before any AWS client exists."""
    global _installed
    if not _installed:
        botocore.handlers.BUILTIN_HANDLERS.extend(
            [
                ("before-parameter-build.dynamodb", METER.before_parameter_build),
                ("before-call.dynamodb", METER.before_call),
                ("after-call.dynamodb", METER.after_call),
                ("after-call", METER.after_call_any),
            ]
        )
        _installed = True
    return METER
