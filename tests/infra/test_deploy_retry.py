"""`make deploy` after a failed creation, and `make destroy` with and without the data (moto).

moto cannot fail a creation, so the failed stack is put in ROLLBACK_COMPLETE in moto's own
backend (as CloudFormation leaves it); everything else goes through the real boto3 calls.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.cloudformation.models import cloudformation_backends
from moto.core import DEFAULT_ACCOUNT_ID

from infra.aws import deploy

REGION = "ap-northeast-2"
TEMPLATE = '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "livechat-dev-exports"}}}}'


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        yield boto3.session.Session(region_name=REGION)


def _set_status(name: str, status: str) -> None:
    backend = cloudformation_backends[DEFAULT_ACCOUNT_ID][REGION]
    (stack,) = [s for s in backend.stacks.values() if s.name == name]
    stack.status = status


def test_a_rolled_back_creation_is_deleted_and_created_again(aws: Any) -> None:
    cfn = aws.client("cloudformation")
    assert deploy.prepare_stack(cfn, "livechat-dev") == "CREATE"  # nothing there yet
    cfn.create_stack(StackName="livechat-dev", TemplateBody=TEMPLATE)
    assert deploy.prepare_stack(cfn, "livechat-dev") == "UPDATE"
    _set_status("livechat-dev", "ROLLBACK_COMPLETE")
    waited: list[float] = []
    assert deploy.prepare_stack(cfn, "livechat-dev", sleep=waited.append) == "CREATE"
    assert deploy.stack_status(cfn, "livechat-dev") is None  # deleted: a change set can create it again
    assert waited == [deploy.QUEUE_NAME_REUSE_SECONDS]  # SQS keeps a deleted queue's name 60 s


def test_an_operation_in_progress_is_waited_for(aws: Any) -> None:
    cfn = aws.client("cloudformation")
    cfn.create_stack(StackName="livechat-dev", TemplateBody=TEMPLATE)
    _set_status("livechat-dev", "UPDATE_IN_PROGRESS")
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        _set_status("livechat-dev", "UPDATE_ROLLBACK_COMPLETE")  # the update ended (rolled back)

    assert deploy.prepare_stack(cfn, "livechat-dev", sleep=sleep) == "UPDATE"
    assert len(waits) == 1


def test_a_creation_refuses_to_start_over_kept_tables(aws: Any) -> None:
    """After `make destroy` that kept the data, a new creation would fail on the table names: say so first."""
    aws.client("dynamodb").create_table(
        TableName="livechat-dev-connections",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    with pytest.raises(SystemExit, match="livechat-dev-connections"):
        deploy.deploy("dev", REGION, "unused-bucket", "")
    assert deploy.stack_status(aws.client("cloudformation"), "livechat-dev") is None  # nothing was started


def test_destroy_keeps_the_data_or_purges_it(aws: Any, capsys: Any) -> None:
    dynamodb = aws.client("dynamodb")
    dynamodb.create_table(
        TableName="livechat-dev-messages",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        DeletionProtectionEnabled=True,
    )
    idp = aws.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="livechat-dev-users", DeletionProtection="ACTIVE")["UserPool"]["Id"]
    deploy.destroy("dev", REGION, purge_retained=False)  # the stack is already gone (a failed create, say)
    assert "livechat-dev-messages" in capsys.readouterr().out
    assert dynamodb.list_tables()["TableNames"] == ["livechat-dev-messages"]

    deploy.destroy("dev", REGION, purge_retained=True)
    assert dynamodb.list_tables()["TableNames"] == []
    assert [p["Id"] for p in idp.list_user_pools(MaxResults=10)["UserPools"]] == []
    assert pool in capsys.readouterr().out  # what was deleted is named


def test_creation_is_never_deletion_protected_and_updates_keep_what_they_are_not_given() -> None:
    create = {p["ParameterKey"]: p for p in deploy.stack_parameters("CREATE", "", True, {})}
    assert create["DeletionProtection"]["ParameterValue"] == "false"  # a rollback must be able to delete
    update = {p["ParameterKey"]: p for p in deploy.stack_parameters("UPDATE", "", True, {"StaffMfa": "OPTIONAL"})}
    assert update["DeletionProtection"]["ParameterValue"] == "true"
    assert update["StaffMfa"]["ParameterValue"] == "OPTIONAL"
    assert update["ThreatProtection"] == {"ParameterKey": "ThreatProtection", "UsePreviousValue": True}
    assert deploy.site_origin({"SiteUrl": "https://d123.cloudfront.net/"}) == "https://d123.cloudfront.net"
    assert deploy.site_origin({}) is None
