"""Table definitions derived from the pynamodb models: the single source of truth.

`cloudformation_table(model)` gives the AWS::DynamoDB::Table properties the AWS template
uses; `create_table_kwargs(model)` gives the boto3 create_table arguments the local stack
and the tests use. Both come from the same model metadata, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pynamodb.models import Model


def _key_schema(keys: Sequence[Any]) -> list[dict[str, str]]:  # pynamodb's KeySchema TypedDicts
    # DynamoDB wants HASH before RANGE.
    return sorted(
        ({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in keys),
        key=lambda k: k["KeyType"] != "HASH",
    )


def ttl_attribute_name(model: type[Model]) -> str | None:
    ttl = model._ttl_attribute()
    return ttl.attr_name if ttl is not None else None


def create_table_kwargs(model: type[Model]) -> dict[str, Any]:
    schema = model._get_schema()
    kwargs: dict[str, Any] = {
        "TableName": model.Meta.table_name,
        "AttributeDefinitions": sorted(schema["attribute_definitions"], key=lambda a: a["AttributeName"]),
        "KeySchema": _key_schema(schema["key_schema"]),
        "BillingMode": "PAY_PER_REQUEST",
    }
    indexes = [
        {
            "IndexName": index["index_name"],
            "KeySchema": _key_schema(index["key_schema"]),
            "Projection": index["projection"],
        }
        for index in schema.get("global_secondary_indexes", [])
    ]
    if indexes:
        kwargs["GlobalSecondaryIndexes"] = sorted(indexes, key=lambda i: i["IndexName"])
    stream_view = getattr(model.Meta, "stream_view_type", None)
    if stream_view:  # a table whose changes a function reads (the report counters)
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream_view}
    return kwargs


def cloudformation_table(model: type[Model], logical_table_name: Any) -> dict[str, Any]:
    """An AWS::DynamoDB::Table resource for `model`; the name may be a CloudFormation !Sub."""
    kwargs = create_table_kwargs(model)
    properties: dict[str, Any] = {
        "TableName": logical_table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": kwargs["AttributeDefinitions"],
        "KeySchema": kwargs["KeySchema"],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    if "GlobalSecondaryIndexes" in kwargs:
        properties["GlobalSecondaryIndexes"] = kwargs["GlobalSecondaryIndexes"]
    if "StreamSpecification" in kwargs:
        properties["StreamSpecification"] = {"StreamViewType": kwargs["StreamSpecification"]["StreamViewType"]}
    ttl = ttl_attribute_name(model)
    if ttl:
        properties["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "Properties": properties}


def create_tables(client: Any, models: tuple[type[Model], ...]) -> None:
    """Create (or leave in place) every table, with TTL, through a boto3 DynamoDB client."""
    existing = set(client.list_tables().get("TableNames", []))
    for model in models:
        kwargs = create_table_kwargs(model)
        if kwargs["TableName"] in existing:
            continue
        client.create_table(**kwargs)
        ttl = ttl_attribute_name(model)
        if ttl:
            client.update_time_to_live(
                TableName=kwargs["TableName"],
                TimeToLiveSpecification={"AttributeName": ttl, "Enabled": True},
            )
