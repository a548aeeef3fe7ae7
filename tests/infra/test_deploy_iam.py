"""IAM in the packaged template: one scoped policy per function, no wildcard off the documented list."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from infra_support import ROOT, resources_of

from infra.aws.iam import (
    ALLOWED_WILDCARDS,
    FUNCTION_ACCESS,
    PUSH_CLEANUP_TABLES,
    deployed_functions,
    is_wildcard_action,
    role_logical_id,
)

POLICY_HOLDERS = {
    "AWS::IAM::Role": lambda p: [d["PolicyDocument"] for d in p.get("Policies", [])],
    "AWS::IAM::ManagedPolicy": lambda p: [p["PolicyDocument"]],
    "AWS::IAM::Policy": lambda p: [p["PolicyDocument"]],
    "AWS::S3::BucketPolicy": lambda p: [p["PolicyDocument"]],
    "AWS::SQS::QueuePolicy": lambda p: [p["PolicyDocument"]],
    "AWS::SNS::TopicPolicy": lambda p: [p["PolicyDocument"]],
    "AWS::KMS::Key": lambda p: [p["KeyPolicy"]],
}
WHERE = {"AWS::KMS::Key": "KeyPolicy"}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def wildcard_findings(template: dict[str, Any]) -> list[str]:
    """`Allow` statements whose Action is `*` / `<service>:*` or whose Resource is `*`, off the allowed list."""
    allowed = {(w["resource"], w["where"]) for w in ALLOWED_WILDCARDS}
    findings = []
    for logical_id, resource in template["Resources"].items():
        documents = POLICY_HOLDERS.get(resource["Type"])
        if documents is None:
            continue
        where = WHERE.get(resource["Type"], "PolicyDocument")
        for document in documents(resource.get("Properties", {})):
            for statement in _as_list(document["Statement"]):
                if statement["Effect"] != "Allow":
                    continue  # a Deny may be as wide as it likes
                actions = [a for a in _as_list(statement.get("Action", [])) if is_wildcard_action(a)]
                resources = [r for r in _as_list(statement.get("Resource", [])) if r == "*"]
                if statement.get("NotAction") or statement.get("NotResource"):
                    findings.append(f"{logical_id}: NotAction/NotResource")
                if (actions or resources) and (logical_id, where) not in allowed:
                    findings.append(f"{logical_id}.{where}: Action {actions} Resource {resources}")
    return findings


def test_no_wildcards_off_the_documented_list(packaged: dict[str, Any]) -> None:
    for stage, template in packaged.items():
        assert wildcard_findings(template) == [], stage


def test_the_check_catches_a_wildcard(packaged: dict[str, Any]) -> None:
    template = copy.deepcopy(packaged["dev"])
    policy = template["Resources"]["ApiHandlerAccessPolicy"]["Properties"]["PolicyDocument"]
    policy["Statement"].append({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"})
    template["Resources"]["ExportJobsRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].append(
        {"Effect": "Allow", "Action": "*", "Resource": {"Fn::GetAtt": ["ExportQueue", "Arn"]}}
    )
    assert len(wildcard_findings(template)) == 2


def test_chalice_role_policies_are_logs_of_the_stage_only() -> None:
    for stage in ("dev", "prod"):
        document = json.loads((ROOT / ".chalice" / f"policy-{stage}.json").read_text())
        (statement,) = document["Statement"]
        assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
        assert statement["Resource"] == f"arn:aws:logs:*:*:log-group:/aws/lambda/livechat-{stage}-*:*"


def test_every_function_has_its_own_declared_access(packaged: dict[str, Any], app_facts: dict[str, Any]) -> None:
    functions = set(app_facts["chalice_functions"])
    assert set(app_facts["app_functions"]) == functions  # the template is built for what Chalice makes
    assert functions <= set(FUNCTION_ACCESS), (
        "every Lambda function of app.py needs an entry in infra/aws/iam.py FUNCTION_ACCESS "
        f"(missing: {sorted(functions - set(FUNCTION_ACCESS))})"
    )
    template = packaged["dev"]
    roles = resources_of(template, "AWS::IAM::Role")
    attached: dict[str, int] = {}
    policies = resources_of(template, "AWS::IAM::ManagedPolicy")
    for logical_id, role in roles.items():
        for arn in role["Properties"].get("ManagedPolicyArns", []):
            if arn.get("Ref") in policies:
                attached[logical_id] = attached.get(logical_id, 0) + 1
    # Attached from the role's side only: `Roles` on the policy would let a function (and its event
    # source mapping) be created before the policy (tests/infra/test_deploy_expanded.py).
    assert not [p for p in policies.values() if "Roles" in p["Properties"]]
    for name in functions:
        assert role_logical_id(name) in roles
        assert attached[role_logical_id(name)] == 1, name
    for function in resources_of(template, "AWS::Serverless::Function").values():
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        assert role in attached  # no function runs on a role without its declared policy


def test_only_the_functions_that_need_them_get_keys_queues_and_files(packaged: dict[str, Any]) -> None:
    policies = {
        k.removesuffix("AccessPolicy"): {
            s["Sid"]: s for s in v["Properties"]["PolicyDocument"]["Statement"]
        }
        for k, v in resources_of(packaged["dev"], "AWS::IAM::ManagedPolicy").items()
    }
    assert "MaskingKey" not in policies["WebsocketConnect"]
    assert policies["WebsocketMessage"]["MaskingKey"]["Action"] == ["kms:GenerateDataKey"]
    assert "kms:Decrypt" in policies["ApiHandler"]["MaskingKey"]["Action"]
    assert "ExportFiles" not in policies["WebsocketMessage"]
    assert policies["ExportJobs"]["ExportQueue"]["Action"][0] == "sqs:ReceiveMessage"
    assert policies["ApiHandler"]["ExportQueue"]["Action"] == ["sqs:SendMessage"]
    assert "TablesReadWrite" in policies["ExportJobs"]
    read_only = policies["ExportJobs"]["TablesRead"]["Action"]
    assert not any(a.endswith(("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")) for a in read_only)


def test_every_function_that_pushes_may_forget_a_gone_connection() -> None:
    """A push answered 410 removes the connection from agents, conversations and connections:
    moto does not enforce IAM, so this is where a pushing function without those writes is caught."""
    for name, access in FUNCTION_ACCESS.items():
        if access.push:
            assert set(PUSH_CLEANUP_TABLES) <= set(access.tables_rw), name


def test_a_function_without_declared_access_stops_the_template() -> None:
    class NewHandlerApp:
        routes = {"/x": {}}
        websocket_handlers: dict[str, object] = {}
        event_sources = [type("Schedule", (), {"name": "nightly_report"})()]
        pure_lambda_functions: list[object] = []

    with pytest.raises(ValueError, match="nightly_report"):
        deployed_functions(NewHandlerApp())
