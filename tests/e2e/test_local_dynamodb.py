"""The local stack's DynamoDB plumbing (infra/local/moto_dynamodb.py) changes speed, not answers.

- Item-level rollback: each scenario runs the same TransactWriteItems calls against moto as shipped
  (whole-table copies) and with the item-level rollback, and compares every table's contents and
  every error (code and cancellation reasons) and the streamed table's records. The scenarios
  cancel transactions after earlier operations in them changed, created or deleted items, in
  tables with and without a sort key, with and without a stream.
- In-process routing: a client whose endpoint is a closed port still gets answers, from the same
  moto state that the moto server serves over HTTP.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from infra.local.moto_dynamodb import install_item_rollback, route_dynamodb_in_process

REGION = "us-east-1"


def _tables(client: Any) -> None:
    client.create_table(
        TableName="pairs",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}
        ],
        BillingMode="PAY_PER_REQUEST",
        # A streamed table, as the conversations table is: a cancelled transaction leaves no record.
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    client.create_table(
        TableName="singles",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for i in range(6):
        client.put_item(TableName="pairs", Item={
            "pk": {"S": f"c{i % 2}"}, "sk": {"S": f"m{i}"}, "n": {"N": str(i)},
            "tags": {"SS": ["a", "b"]}, "meta": {"M": {"seen": {"BOOL": False}, "list": {"L": [{"N": "1"}]}}},
        })
        client.put_item(TableName="singles", Item={"id": {"S": f"s{i}"}, "n": {"N": str(i)}})


def _put(table: str, item: dict[str, Any], condition: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"TableName": table, "Item": item}
    if condition:
        op["ConditionExpression"] = condition
    return {"Put": op}


def _update(table: str, key: dict[str, Any], expression: str, values: dict[str, Any],
            condition: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"TableName": table, "Key": key, "UpdateExpression": expression,
                          "ExpressionAttributeValues": values}
    if condition:
        op["ConditionExpression"] = condition
    return {"Update": op}


def _pair(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


FAILING_CHECK = {"ConditionCheck": {"TableName": "singles", "Key": {"id": {"S": "s0"}},
                                    "ConditionExpression": "attribute_not_exists(id)"}}

SCENARIOS: dict[str, list[list[dict[str, Any]]]] = {
    "applied": [[
        _put("pairs", {**_pair("c9", "new"), "n": {"N": "1"}}, "attribute_not_exists(sk)"),
        _update("pairs", _pair("c0", "m0"), "SET n = n + :one ADD tags :t", {":one": {"N": "1"}, ":t": {"SS": ["z"]}}),
        {"Delete": {"TableName": "singles", "Key": {"id": {"S": "s1"}}}},
        {"ConditionCheck": {"TableName": "singles", "Key": {"id": {"S": "s2"}},
                            "ConditionExpression": "attribute_exists(id)"}},
    ]],
    "cancelled after writes in a new and an existing partition": [[
        _put("pairs", {**_pair("c9", "new"), "n": {"N": "1"}}),
        _put("pairs", {**_pair("c1", "m1"), "n": {"N": "100"}}),
        _update("pairs", _pair("c0", "m2"), "SET meta.seen = :y, meta.#l[0] = :z REMOVE tags",
                {":y": {"BOOL": True}, ":z": {"N": "9"}}),
        {"Delete": {"TableName": "pairs", "Key": _pair("c0", "m4")}},
        FAILING_CHECK,
    ]],
    "cancelled in a table without a sort key": [[
        _put("singles", {"id": {"S": "s9"}, "n": {"N": "9"}}),
        _update("singles", {"id": {"S": "s3"}}, "SET n = :v", {":v": {"N": "33"}}),
        _update("singles", {"id": {"S": "upserted"}}, "SET n = :v", {":v": {"N": "1"}}),
        {"Delete": {"TableName": "singles", "Key": {"id": {"S": "s4"}}}},
        # fails: n is 5
        _update("singles", {"id": {"S": "s5"}}, "SET n = :v", {":v": {"N": "0"}, ":nope": {"N": "-1"}}, "n = :nope"),
    ]],
    "the same item twice": [[
        _put("pairs", {**_pair("c0", "m0"), "n": {"N": "7"}}),
        _update("pairs", _pair("c0", "m0"), "SET n = :v", {":v": {"N": "8"}}),
    ]],
    "an unknown table after writes": [[
        _put("pairs", {**_pair("c9", "x"), "n": {"N": "1"}}),
        _put("nowhere", {"pk": {"S": "a"}}),
    ]],
    "an item without its sort key after writes": [[
        _update("pairs", _pair("c0", "m0"), "SET n = :v", {":v": {"N": "70"}}),
        _put("pairs", {"pk": {"S": "c0"}, "n": {"N": "1"}}),
    ]],
    "a message append, then a resend of it": [
        [
            _update("singles", {"id": {"S": "s0"}}, "SET n = :next", {":next": {"N": "1"}, ":seq": {"N": "0"}},
                    "n = :seq"),
            _put("pairs", {**_pair("c0", "seq#1"), "n": {"N": "1"}}, "attribute_not_exists(sk)"),
            _put("pairs", {**_pair("c0", "client#abc"), "n": {"N": "1"}}, "attribute_not_exists(sk)"),
        ],
        [
            _update("singles", {"id": {"S": "s0"}}, "SET n = :next", {":next": {"N": "2"}, ":seq": {"N": "1"}},
                    "n = :seq"),
            _put("pairs", {**_pair("c0", "seq#2"), "n": {"N": "2"}}, "attribute_not_exists(sk)"),
            _put("pairs", {**_pair("c0", "client#abc"), "n": {"N": "2"}}, "attribute_not_exists(sk)"),
        ],
    ],
}


def _run(calls: list[list[dict[str, Any]]]) -> dict[str, Any]:
    outcome: dict[str, Any] = {"errors": []}
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _tables(client)
        for items in calls:
            try:
                client.transact_write_items(TransactItems=items)
                outcome["errors"].append(None)
            except ClientError as exc:
                error = exc.response["Error"]
                reasons = exc.response.get("CancellationReasons")
                outcome["errors"].append({"code": error.get("Code"), "reasons": reasons})
        for table in ("pairs", "singles"):
            items = client.scan(TableName=table, ConsistentRead=True)["Items"]
            outcome[table] = sorted(json.dumps(i, sort_keys=True) for i in items)
        outcome["stream"] = _stream_records("pairs")
    return outcome


def _stream_records(table: str) -> list[str]:
    """The table's stream records as moto keeps them (read from its backend: this moto's
    dynamodbstreams API answers 404), without their random ids and clock times."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    shard = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(table).stream_shard
    records = []
    for record in shard.items:
        body = record.to_json()
        change = {k: v for k, v in body["dynamodb"].items() if k != "ApproximateCreationDateTime"}
        records.append(json.dumps({"eventName": body["eventName"], **change}, sort_keys=True))
    return records


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_item_rollback_answers_as_moto_does(name: str) -> None:
    as_shipped = _run(SCENARIOS[name])
    uninstall = install_item_rollback()
    try:
        with_item_rollback = _run(SCENARIOS[name])
    finally:
        uninstall()
    assert with_item_rollback == as_shipped
    if name not in ("applied", "a message append, then a resend of it"):
        # The scenario really cancels (else the comparison proves little), and nothing of it stays.
        assert as_shipped["errors"][-1] is not None
        baseline = _run([])
        assert {k: v for k, v in with_item_rollback.items() if k != "errors"} == {
            k: v for k, v in baseline.items() if k != "errors"
        }


def test_in_process_dynamodb_shares_the_moto_servers_state() -> None:
    from infra.local.moto_server import LocalMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = LocalMotoServer(REGION)
    server.start()
    stop: Callable[[], None] | None = None
    try:
        over_http = boto3.session.Session().client("dynamodb", region_name=REGION,
                                                    endpoint_url=f"http://127.0.0.1:{server.port}")
        over_http.create_table(
            TableName="shared", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )
        over_http.put_item(TableName="shared", Item={"id": {"S": "from-http"}})
        stop = route_dynamodb_in_process()
        assert stop is not None
        # Port 9 (discard) is closed here: an answer can only come from this process.
        in_process = boto3.session.Session().client("dynamodb", region_name=REGION, endpoint_url="http://127.0.0.1:9")
        answer = in_process.get_item(TableName="shared", Key={"id": {"S": "from-http"}})
        assert answer["Item"] == {"id": {"S": "from-http"}}
        in_process.put_item(TableName="shared", Item={"id": {"S": "in-process"}})
        assert "Item" in over_http.get_item(TableName="shared", Key={"id": {"S": "in-process"}})
        with pytest.raises(in_process.exceptions.ResourceNotFoundException):
            in_process.get_item(TableName="missing", Key={"id": {"S": "x"}})
    finally:
        if stop is not None:
            stop()
        server.stop()
