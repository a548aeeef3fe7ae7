"""Shared pieces of the benchmarks: quick mode, the moto harness the integration tests use, bulk seeding.

Import this first in a benchmark: it installs the DynamoDB meter before any botocore session
exists, then loads `tests/integration/conftest.py`'s `Harness`, which invokes the real Chalice
handlers with API Gateway events and real moto Cognito tokens.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench._dynamo_meter import METER, install

ROOT = Path(__file__).resolve().parents[1]
REGION = "us-east-1"  # tests/integration/conftest.py's REGION: its harness makes its clients there
TABLE_PREFIX = "bench-"

# The environment the integration harness expects (tests/conftest.py sets it for pytest). It must
# be in place before chalicelib.store.models is imported: the models fix their table names
# (TABLE_PREFIX) and region (AWS_REGION) at import. Without it they were `livechat-dev-*` in
# ap-northeast-2 while the harness created the tables in us-east-1: ResourceNotFoundException.
BENCH_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "TABLE_PREFIX": TABLE_PREFIX,
    "CUSTOMER_TOKEN_SECRET": "bench-secret-" + uuid.uuid4().hex,
    "WS_MANAGEMENT_ENDPOINT": f"https://benchapi.execute-api.{REGION}.amazonaws.com/dev",
    "LOG_LEVEL": "WARNING",  # the handlers' per-invocation INFO lines would bury the figures
}


def set_environment() -> None:
    """Point the app at moto in-process; refuse if the models were already imported with other names."""
    models = sys.modules.get("chalicelib.store.models")
    if models is not None and not models.AgentModel.Meta.table_name.startswith(TABLE_PREFIX):
        raise RuntimeError(
            "chalicelib.store.models was imported before bench._support set TABLE_PREFIX; import bench._support first"
        )
    os.environ.update(BENCH_ENVIRONMENT)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.pop("AWS_PROFILE", None)


set_environment()
install()


def quick() -> bool:
    """Quick mode (small sizes): `python -m bench --quick`, `--quick` on a module, or BENCH_QUICK=1."""
    return os.environ.get("BENCH_QUICK", "") not in ("", "0") or "--quick" in sys.argv[1:]


def load_harness() -> Any:
    """The integration tests' harness module (tests/ is not a package, so load it by path)."""
    if "bench_integration_harness" in sys.modules:
        return sys.modules["bench_integration_harness"]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    path = ROOT / "tests" / "integration" / "conftest.py"
    spec = importlib.util.spec_from_file_location("bench_integration_harness", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@contextmanager
def moto_harness() -> Iterator[Any]:
    """The integration harness on a fresh moto with every table, the meter's table names reset.

    TransactWriteItems uses the local stack's item-level rollback (infra/local/moto_dynamodb.py,
    same answers as moto's): moto as shipped deep-copies a table per transaction, seconds per
    message at 10,000 chats. The requests the handlers make, which the benches count, are the same."""
    harness_module = load_harness()
    import boto3
    from moto import mock_aws

    from chalicelib.store.schema import create_tables
    from chalicelib.store.tables import ALL_MODELS
    from infra.local.moto_dynamodb import install_item_rollback

    uninstall = install_item_rollback()
    try:
        with mock_aws():
            METER.reset_tables()
            create_tables(boto3.client("dynamodb", region_name=harness_module.REGION), ALL_MODELS)
            yield harness_module.Harness()
    finally:
        uninstall()


def seed(entities: Iterable[Any]) -> int:
    """Store domain entities through the store's bulk path (BatchWriteItem, 25 items a request),
    uncounted by the meter: the items are what the handlers would have stored."""
    # Imported when called, as in the benches: importing bench._support loads none of the app.
    from chalicelib.bootstrap import store

    with METER.pause():
        return store().bulk.save_all(entities)


def reset_rate_window(connection_id: str) -> None:
    """Move the connection's rate-limit window into the past (uncounted): its next frame starts one."""
    from chalicelib.bootstrap import store

    with METER.pause():
        connection = store().connections.get(connection_id)
        connection.rate_window = 0
        store().bulk.save_all([connection])


def seed_conversation(conversation_id: str, inbound: int, customer_name: str, **fields: Any) -> Any:
    """A conversation as the handlers store one: the customer consented when it came in
    (`inbound`); `fields` add the rest (state defaults to ended)."""
    from chalicelib.domain.entities import Conversation

    fields.setdefault("state", "ended")
    return Conversation(
        conversation_id,
        customer_id=f"cust-{uuid.uuid4().hex}",
        inbound_at=inbound,
        consent_version=1,
        consented_at=inbound,
        customer_name=customer_name,
        **fields,
    )


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def mean(values: list[float]) -> float:
    return round(statistics.fmean(values), 3) if values else 0.0


def ratio(values: list[float]) -> float | None:
    """Largest over smallest (flatness); None when the smallest is 0."""
    return round(max(values) / min(values), 3) if values and min(values) > 0 else None
