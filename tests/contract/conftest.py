"""One suite, two stores: every contract test runs on the in-memory twin and on DynamoDB (moto).

CONTRACT_STORES=memory runs only the in-memory half (the fast tier, `make test-fast`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from chalicelib.store.facade import Store, dynamo_store
from chalicelib.store.memory import memory_store


@pytest.fixture(params=os.environ.get("CONTRACT_STORES", "memory,dynamo").split(","))
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        yield memory_store()
        return
    import boto3
    from moto import mock_aws

    from chalicelib.store.schema import create_tables
    from chalicelib.store.tables import ALL_MODELS

    with mock_aws():
        create_tables(boto3.client("dynamodb", region_name="us-east-1"), ALL_MODELS)
        yield dynamo_store()
