"""The packaged template as CloudFormation meets it: expanded by the SAM translator, offline.

moto checks neither IAM nor creation order, so what a first deploy would trip over is checked
here: the creation order of what Lambda validates, cycles, what a rolled-back creation leaves,
secrets in function configuration and the CORS origin staff routes answer.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from infra_support import CONSOLE_ORIGINS, STAGES, resources_of

from infra.aws.template import DELETED_WITH_STACK, KEEP_DATA

STATEFUL = (
    "AWS::DynamoDB::Table",
    "AWS::KMS::Key",
    "AWS::Cognito::UserPool",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::SecretsManager::Secret",
    "AWS::Logs::LogGroup",
)
STAGE_V2 = "AWS::ApiGatewayV2::Stage"
_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def references(value: Any) -> set[str]:
    """Logical ids a value refers to (Ref, Fn::GetAtt, Fn::Sub) — what orders creation besides DependsOn."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str):
                found.add(arg.split(".")[0])
            elif key == "Fn::GetAtt":
                found.add((arg if isinstance(arg, list) else arg.split("."))[0])
            elif key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
                found |= {n for n in _SUB_NAME.findall(text) if n not in variables} | references(variables)
            else:
                found |= references(arg)
    return found


def dependency_graph(template: dict[str, Any]) -> dict[str, set[str]]:
    resources = template["Resources"]
    graph = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        graph[logical_id] = (references(resource.get("Properties", {})) | set(depends)) & set(resources)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 visiting, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def created_before(graph: dict[str, set[str]], logical_id: str) -> set[str]:
    """Everything CloudFormation must finish before it creates `logical_id`."""
    seen: set[str] = set()
    stack = [logical_id]
    while stack:
        for dep in graph[stack.pop()]:
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return seen


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def granting_policies(template: dict[str, Any], action: str, resource: Any) -> set[str]:
    return {
        logical_id
        for logical_id, policy in resources_of(template, "AWS::IAM::ManagedPolicy").items()
        for statement in _as_list(policy["Properties"]["PolicyDocument"]["Statement"])
        if statement["Effect"] == "Allow"
        and action in _as_list(statement["Action"])
        and resource in _as_list(statement["Resource"])
    }


def mapping_findings(template: dict[str, Any]) -> list[str]:
    """Each event source mapping must come after its queue and after a policy of its function's
    role that lets Lambda receive from that queue (Lambda checks that when it creates the mapping)."""
    graph = dependency_graph(template)
    resources = template["Resources"]
    findings = []
    for logical_id, mapping in resources_of(template, "AWS::Lambda::EventSourceMapping").items():
        source = mapping["Properties"]["EventSourceArn"]
        if not (isinstance(source, dict) and "Fn::GetAtt" in source):
            findings.append(f"{logical_id}: EventSourceArn {source} does not reference the queue resource")
            continue
        function = mapping["Properties"]["FunctionName"]["Ref"]
        role = resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]
        attached = {ref["Ref"] for ref in resources[role]["Properties"].get("ManagedPolicyArns", []) if "Ref" in ref}
        # A table stream (GetAtt …StreamArn) is read with dynamodb:GetRecords, a queue with sqs:ReceiveMessage.
        action = "dynamodb:GetRecords" if source["Fn::GetAtt"][1] == "StreamArn" else "sqs:ReceiveMessage"
        grants = granting_policies(template, action, source) & attached
        if not grants:
            findings.append(f"{logical_id}: no policy of {role} allows {action} on {source}")
        elif not grants & created_before(graph, logical_id):
            findings.append(f"{logical_id}: created without waiting for {sorted(grants)}")
    return findings


def test_expansion_has_no_cycle(expanded: dict[str, Any]) -> None:
    for stage, template in expanded.items():
        assert len(template["Resources"]) > 78, stage  # functions, mappings, permissions, stages…
        assert find_cycle(dependency_graph(template)) is None, stage


def test_the_cycle_check_finds_one(expanded: dict[str, Any]) -> None:
    template = json.loads(json.dumps(expanded["dev"]))
    template["Resources"]["ExportQueue"]["DependsOn"] = ["ExportJobsExportJobsSqsEventSource"]
    cycle = find_cycle(dependency_graph(template))
    assert cycle and "ExportQueue" in cycle


def test_every_event_source_mapping_waits_for_its_policy(expanded: dict[str, Any]) -> None:
    for stage, template in expanded.items():
        assert resources_of(template, "AWS::Lambda::EventSourceMapping"), stage
        assert mapping_findings(template) == [], stage


def test_the_mapping_check_catches_the_race(expanded: dict[str, Any]) -> None:
    """The template as it was: the policy attached through its `Roles`, the queue named by a string."""
    template = json.loads(json.dumps(expanded["dev"]))
    resources = template["Resources"]
    del resources["ExportJobsRole"]["Properties"]["ManagedPolicyArns"]
    resources["ExportJobsAccessPolicy"]["Properties"]["Roles"] = [{"Ref": "ExportJobsRole"}]
    assert mapping_findings(template) == [
        "ExportJobsExportJobsSqsEventSource: no policy of ExportJobsRole allows sqs:ReceiveMessage "
        "on {'Fn::GetAtt': ['ExportQueue', 'Arn']}"
    ]
    mapping = resources_of(template, "AWS::Lambda::EventSourceMapping")["ExportJobsExportJobsSqsEventSource"]
    mapping["Properties"]["EventSourceArn"] = {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:x:q"}
    assert "does not reference the queue resource" in mapping_findings(template)[0]


def test_the_export_trigger_never_outruns_the_reserved_concurrency(expanded: dict[str, Any]) -> None:
    for stage, template in expanded.items():
        mapping = resources_of(template, "AWS::Lambda::EventSourceMapping")["ExportJobsExportJobsSqsEventSource"]
        maximum = mapping["Properties"]["ScalingConfig"]["MaximumConcurrency"]
        function = template["Resources"][mapping["Properties"]["FunctionName"]["Ref"]]["Properties"]
        reserved = function.get("ReservedConcurrentExecutions")
        if reserved is not None:
            assert maximum <= reserved, stage
        queue = template["Resources"]["ExportQueue"]["Properties"]
        receives = queue["RedrivePolicy"]["maxReceiveCount"]
        assert receives >= 5, stage  # AWS's least for a Lambda source queue
        # The handler's last attempt is the queue's last receive.
        assert function["Environment"]["Variables"]["EXPORT_MAX_ATTEMPTS"] == str(receives), stage


def test_stateful_resources_survive_only_what_they_should(expanded: dict[str, Any]) -> None:
    """Kept on deletion and replacement, except when their own creation rolls back: a failed first
    deploy leaves nothing that makes the retry fail on a name, or costs money."""
    for stage, template in expanded.items():
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] not in STATEFUL:
                continue
            policy = resource.get("DeletionPolicy", "Delete")
            if policy == KEEP_DATA:
                assert resource["UpdateReplacePolicy"] == "Retain", (stage, logical_id)
                continue
            reason = DELETED_WITH_STACK.get(logical_id) or DELETED_WITH_STACK.get(resource["Type"])
            assert reason and policy == "Delete", f"{stage} {logical_id}: {policy} without a reason"
        resources = template["Resources"]
        # Retained or not, nothing of a rolled-back creation collides by name with the retry.
        assert "Name" not in resources["CustomerTokenSecret"]["Properties"]
        for table in resources_of(template, "AWS::DynamoDB::Table").values():
            protection = table["Properties"]["DeletionProtectionEnabled"]
            assert protection == {"Fn::If": ["ProtectFromDeletion", True, False]}
        assert template["Parameters"]["DeletionProtection"]["Default"] == "true"


def test_no_secret_in_any_environment(expanded: dict[str, Any]) -> None:
    for stage, template in expanded.items():
        for logical_id, function in resources_of(template, "AWS::Lambda::Function").items():
            variables = function["Properties"]["Environment"]["Variables"]
            text = json.dumps(variables)
            assert "{{resolve:" not in text, (stage, logical_id)
            for name, value in variables.items():
                if re.search(r"SECRET|PASSWORD|PRIVATE", name) and not name.endswith("_ARN"):
                    raise AssertionError(f"{stage} {logical_id}: {name} in the function configuration")
                if name.endswith("_ARN"):
                    assert isinstance(value, dict), (stage, logical_id, name)  # a reference, not a value
            assert variables["CUSTOMER_TOKEN_SECRET_ARN"] == {"Ref": "CustomerTokenSecret"}


def _preflight_origins(template: dict[str, Any]) -> dict[str, str]:
    paths = template["Resources"]["RestAPI"]["Properties"]["Body"]["paths"]
    return {
        path: methods["options"]["x-amazon-apigateway-integration"]["responses"]["default"]["responseParameters"][
            "method.response.header.Access-Control-Allow-Origin"
        ]
        for path, methods in paths.items()
        if "options" in methods
    }


# The routes the widget calls from customers' own sites (WIDGET_CORS_ALLOW_ORIGIN, default `*`).
WIDGET_PATHS = {
    "/widget/availability",
    "/chats",
    "/inquiries",
    "/chats/{conversation_id}",
    "/chats/{conversation_id}/messages",
    "/chats/{conversation_id}/rating",
    "/chats/{conversation_id}/end",
    "/chats/{conversation_id}/session",
    "/chats/{conversation_id}/attachments",  # the widget asks for uploads and views too
    "/chats/{conversation_id}/attachments/{attachment_id}",
    "/chats/{conversation_id}/transcript-mail",
}


def test_staff_routes_answer_the_console_origin_where_the_stage_sets_it(expanded: dict[str, Any]) -> None:
    for stage in STAGES:
        template = expanded[stage]
        origins = _preflight_origins(template)
        origin = CONSOLE_ORIGINS[stage]
        staff = {path: value for path, value in origins.items() if path not in WIDGET_PATHS}
        assert staff and {"/settings", "/admin/agents", "/exports"} <= set(staff)
        for function in resources_of(template, "AWS::Lambda::Function").values():
            assert function["Properties"]["Environment"]["Variables"].get("CORS_ALLOW_ORIGIN") == origin, stage
        if origin is None:
            continue
        assert set(staff.values()) == {f"'{origin}'"}, stage
        assert {origins[p] for p in WIDGET_PATHS if p in origins} == {"'*'"}, stage


def test_both_api_stages_are_throttled_and_logged(expanded: dict[str, Any]) -> None:
    for stage, template in expanded.items():
        (rest,) = resources_of(template, "AWS::ApiGateway::Stage").values()
        (setting,) = rest["Properties"]["MethodSettings"]
        assert setting["ThrottlingRateLimit"] > 0 and setting["ThrottlingBurstLimit"] > 0
        (ws,) = resources_of(template, "AWS::ApiGatewayV2::Stage").values()
        assert ws["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
        groups = resources_of(template, "AWS::Logs::LogGroup")
        for access_log, log_group in (
            (rest["Properties"]["AccessLogSetting"], "RestApiAccessLogGroup"),
            (ws["Properties"]["AccessLogSettings"], "WebsocketAccessLogGroup"),
        ):
            assert access_log["DestinationArn"] == {"Fn::GetAtt": [log_group, "Arn"]}
            line = access_log["Format"].replace("$context.error.messageString", '"x"')
            assert "requestId" in json.loads(line) and "sourceIp" not in access_log["Format"]
            retention = {g["Properties"]["RetentionInDays"] for g in groups.values()}
            assert retention == {groups[log_group]["Properties"]["RetentionInDays"]}  # same as the functions'
        # The account's API Gateway logging role exists before either stage is created.
        graph = dependency_graph(template)
        stages = [*resources_of(template, "AWS::ApiGateway::Stage"), *resources_of(template, STAGE_V2)]
        for logical_id in stages:
            assert "ApiGatewayAccount" in created_before(graph, logical_id), (stage, logical_id)
        # SAM's implicit `Stage` stage (unthrottled, unlogged) is not there.
        rest_stages = resources_of(template, "AWS::ApiGateway::Stage").values()
        assert [r["Properties"]["StageName"] for r in rest_stages] == ["api"]


@pytest.mark.parametrize(
    ("function_id", "table_id"), [("ReportCounters", "ConversationsTable"), ("TicketEvents", "TicketsTable")]
)
def test_each_stream_function_reads_its_tables_stream(
    expanded: dict[str, Any], function_id: str, table_id: str
) -> None:
    for stage, template in expanded.items():
        mapping = resources_of(template, "AWS::Lambda::EventSourceMapping")[
            f"{function_id}{function_id}DynamodbEventSource"
        ]
        properties = mapping["Properties"]
        assert properties["EventSourceArn"] == {"Fn::GetAtt": [table_id, "StreamArn"]}, stage
        assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"], stage
        assert properties["MaximumRetryAttempts"] >= 1, stage
        stream = template["Resources"][table_id]["Properties"]["StreamSpecification"]
        assert stream == {"StreamViewType": "NEW_AND_OLD_IMAGES"}, stage
