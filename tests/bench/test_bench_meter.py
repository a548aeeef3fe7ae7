"""The benchmark meter's capacity arithmetic (DynamoDB's documented sizing rules)."""

from __future__ import annotations

from bench._dynamo_meter import DynamoMeter, attribute_size, item_size, read_units, write_units


def test_attribute_sizes_follow_dynamodb_rules() -> None:
    assert attribute_size({"S": "abc"}) == 3
    assert attribute_size({"S": "상담"}) == 6  # UTF-8 bytes, not characters
    assert attribute_size({"N": "12345"}) == 4  # ceil(5 significant digits / 2) + 1
    assert attribute_size({"N": "1000"}) == 2  # trailing zeros are not significant
    assert attribute_size({"N": "-0.0125"}) == 3
    assert attribute_size({"B": b"\x00\x01\x02"}) == 3
    assert attribute_size({"BOOL": True}) == 1 and attribute_size({"NULL": True}) == 1
    assert attribute_size({"SS": ["ab", "cde"]}) == 5
    assert attribute_size({"L": [{"S": "ab"}, {"N": "7"}]}) == 3 + (2 + 1) + (2 + 1)
    assert attribute_size({"M": {"k": {"S": "v"}}}) == 3 + 1 + 1 + 1


def test_item_size_counts_attribute_names() -> None:
    assert item_size({"id": {"S": "abc"}, "n": {"N": "1"}}) == (2 + 3) + (1 + 2)
    assert item_size(None) == 0


def test_units_round_up_with_a_minimum_of_one() -> None:
    assert read_units(0, consistent=True) == 1
    assert read_units(4096, consistent=True) == 1
    assert read_units(4097, consistent=True) == 2
    assert read_units(4097, consistent=False) == 1
    assert write_units(0) == 1
    assert write_units(1024) == 1
    assert write_units(1025) == 2


def test_index_writes_cost_a_delete_and_a_put_when_the_index_key_changes() -> None:
    meter = DynamoMeter()
    meter._tables["t"] = {"keys": ["id"], "indexes": [("by-agent", ["agent", "at"], {"ProjectionType": "ALL"})]}
    old = {"id": {"S": "c1"}, "agent": {"S": "a1"}, "at": {"N": "1"}}
    moved = {**old, "agent": {"S": "a2"}}
    touched = {**old, "note": {"S": "x"}}
    gone = {"id": {"S": "c1"}}
    assert meter._index_write_units("t", old, moved) == 2  # delete from a1's partition, put in a2's
    assert meter._index_write_units("t", old, touched) == 1  # ALL projection: the copy is rewritten
    assert meter._index_write_units("t", old, old) == 0  # nothing changed
    assert meter._index_write_units("t", old, gone) == 1  # left the sparse index
    assert meter._index_write_units("t", None, old) == 1  # entered it
    meter._tables["t"]["indexes"] = [("by-agent", ["agent", "at"], {"ProjectionType": "KEYS_ONLY"})]
    assert meter._index_write_units("t", old, touched) == 0  # keys-only: a non-key change costs nothing


def test_meter_counts_requests_and_capacity_through_botocore_on_moto() -> None:
    import boto3
    import pytest
    from botocore.exceptions import ClientError
    from moto import mock_aws

    from bench._dynamo_meter import METER, install

    install()  # hooks every botocore session created from now on
    with mock_aws():
        client = boto3.session.Session(region_name="us-east-1").client("dynamodb")
        client.create_table(
            TableName="metered",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        METER.reset_tables()
        key = {"id": {"S": "a"}}
        with METER.window() as window:
            client.put_item(TableName="metered", Item={**key, "body": {"S": "x" * 1500}})  # ~1.5 KB
            client.get_item(TableName="metered", Key=key)
            with pytest.raises(ClientError):
                client.update_item(
                    TableName="metered",
                    Key=key,
                    UpdateExpression="SET n = :one",
                    ConditionExpression="attribute_not_exists(id)",
                    ExpressionAttributeValues={":one": {"N": "1"}},
                )
            client.describe_table(TableName="metered")
            with METER.pause():
                client.get_item(TableName="metered", Key=key)
        outside = client.get_item(TableName="metered", Key=key)
    assert "Item" in outside
    assert window.operations() == {"PutItem metered": 1, "GetItem metered": 1, "UpdateItem metered": 1}
    assert window.requests == 3  # the paused GetItem, DescribeTable and the read after the window are not counted
    assert window.control["DescribeTable"] == 1
    units = window.units_by_operation()
    assert units["PutItem metered"]["write_units"] == 2  # 1 KB units, rounded up
    assert units["GetItem metered"]["read_units"] == 0.5  # eventually consistent, one 4 KB unit
    assert units["UpdateItem metered"]["write_units"] == 2  # a refused conditional write is billed too
    assert [c.failed for c in window.calls] == [False, False, True]
