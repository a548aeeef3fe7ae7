"""IAM covers the code: every AWS call a function made in this run is allowed by that function's policy.

moto allows everything, so this is where a handler that calls what its role may not (a new table,
a new Cognito action, the token secret) is caught before AWS refuses it. The calls are recorded by
tests/aws_calls_plugin.py while tests/integration, tests/security and tests/e2e run (handlers
in-process and in the local stack); this test runs last and compares them, action and resource,
with the policies of the packaged template. Grants no test used are listed (not a failure: some
are used by AWS on the function's behalf, see USED_BY_AWS).
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any

import pytest
from aws_calls_plugin import recorded_calls
from infra_support import ROOT, resources_of

from infra.aws.iam import FUNCTION_ACCESS, function_logical_id, policy_logical_id
from infra.aws.template import WEBSOCKET_STAGE

# Grants used by AWS under the function's role, never by a call of ours.
USED_BY_AWS = {
    ("export_jobs", "sqs:ReceiveMessage"): "the event source mapping polls the queue",
    ("export_jobs", "sqs:DeleteMessage"): "the event source mapping deletes handled messages",
    ("export_jobs", "sqs:GetQueueAttributes"): "the event source mapping reads the queue",
    ("wallboard_updates", "sqs:ReceiveMessage"): "the event source mapping polls the queue",
    ("wallboard_updates", "sqs:DeleteMessage"): "the event source mapping deletes handled messages",
    ("wallboard_updates", "sqs:GetQueueAttributes"): "the event source mapping reads the queue",
    ("api_handler", "s3:GetObject"): "presigned download URLs are signed with the role's credentials",
    ("api_handler", "s3:PutObjectTagging"): "the presigned attachment form sets the pending tag",
    ("attachment_check", "sqs:ReceiveMessage"): "the event source mapping polls the queue",
    ("attachment_check", "sqs:DeleteMessage"): "the event source mapping deletes handled messages",
    ("attachment_check", "sqs:GetQueueAttributes"): "the event source mapping reads the queue",
    ("report_counters", "dynamodb:DescribeStream"): "the event source mapping reads the conversations' stream",
    ("report_counters", "dynamodb:GetRecords"): "the event source mapping reads the conversations' stream",
    ("report_counters", "dynamodb:GetShardIterator"): "the event source mapping reads the conversations' stream",
    ("report_counters", "dynamodb:ListStreams"): "the event source mapping reads the conversations' stream",
    ("ticket_events", "dynamodb:DescribeStream"): "the event source mapping reads the tickets' stream",
    ("ticket_events", "dynamodb:GetRecords"): "the event source mapping reads the tickets' stream",
    ("ticket_events", "dynamodb:GetShardIterator"): "the event source mapping reads the tickets' stream",
    ("ticket_events", "dynamodb:ListStreams"): "the event source mapping reads the tickets' stream",
}
# Used by our code but cached per process: the local stack runs every function in one process, so
# the function that fills the cache first hides the other's call (on AWS each has its containers).
CACHED_IN_ONE_PROCESS = {
    ("websocket_connect", "secretsmanager:GetSecretValue"): "the customer key, read first by api_handler",
    ("api_handler", "secretsmanager:GetSecretValue"): "the customer key, read first by websocket_connect",
}


def _symbolic(resource: Any) -> str:
    """A policy Resource as a string in the recorder's terms: `${X.Arn}`, `${X}`, or the Sub text."""
    if isinstance(resource, str):
        return resource
    if "Fn::GetAtt" in resource:
        logical_id, attribute = resource["Fn::GetAtt"]
        return f"${{{logical_id}.{attribute}}}"
    if "Ref" in resource:
        return f"${{{resource['Ref']}}}"
    if "Fn::Sub" in resource:
        return str(resource["Fn::Sub"])
    raise AssertionError(f"unexpected policy resource {resource}")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def grants(template: dict[str, Any], function: str) -> list[tuple[str, str]]:
    """(action, resource pattern) pairs the function's managed policy allows."""
    policy = template["Resources"][policy_logical_id(function)]["Properties"]["PolicyDocument"]
    return [
        (action, _symbolic(resource))
        for statement in _as_list(policy["Statement"])
        if statement["Effect"] == "Allow"
        for action in _as_list(statement["Action"])
        for resource in _as_list(statement["Resource"])
    ]


def allowed(call: dict[str, str], allowed_pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The grants that allow one recorded call (IAM matching: `*` matches any run of characters)."""
    resource = call["resource"].replace("/STAGE/", f"/{WEBSOCKET_STAGE}/")
    return [
        (action, pattern)
        for action, pattern in allowed_pairs
        if fnmatch.fnmatchcase(call["action"], action) and fnmatch.fnmatchcase(resource, pattern)
    ]


def check(template: dict[str, Any], calls: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """(calls no grant allows, grants no call used)."""
    denied: set[str] = set()
    used: set[tuple[str, str, str]] = set()
    functions = {f for f in FUNCTION_ACCESS if policy_logical_id(f) in template["Resources"]}
    for call in calls:
        function = call["function"]
        if function not in functions:
            denied.add(f"{function}: a function the template does not have made {call['action']} on {call['resource']}")
            continue
        matches = allowed(call, grants(template, function))
        if not matches:
            denied.add(f"{function}: {call['action']} on {call['resource']}")
        used |= {(function, action, pattern) for action, pattern in matches}
    unused = []
    for function in sorted(functions):
        by_action: dict[str, list[str]] = {}
        for action, pattern in grants(template, function):
            if (function, action, pattern) not in used:
                by_action.setdefault(action, []).append(_short(pattern))
        for action, patterns in by_action.items():
            why = USED_BY_AWS.get((function, action))
            cached = CACHED_IN_ONE_PROCESS.get((function, action))
            note = f" (used by AWS: {why})" if why else f" (cached in the local stack: {cached})" if cached else ""
            unused.append(f"{function}: {action} on {', '.join(patterns)}{note}")
    return sorted(denied), unused


def _short(pattern: str) -> str:
    """`${ConnectionsTable.Arn}/index/*` → `ConnectionsTable/index/*` (for the report)."""
    return re.sub(r"\$\{([A-Za-z0-9]+)(\.Arn)?\}", r"\1", pattern).split(":")[-1]


def test_the_check_refuses_what_a_policy_does_not_grant(packaged: dict[str, Any]) -> None:
    template = packaged["dev"]
    calls = [
        {"function": "websocket_message", "action": "dynamodb:PutItem", "resource": "${MessagesTable.Arn}"},
        # The export function may read messages, never write them; nor may a handler read the key secret.
        {"function": "export_jobs", "action": "dynamodb:PutItem", "resource": "${MessagesTable.Arn}"},
        {"function": "presence_sweep", "action": "secretsmanager:GetSecretValue", "resource": "${CustomerTokenSecret}"},
        {"function": "api_handler", "action": "dynamodb:Scan", "resource": "${ConversationsTable.Arn}"},
        {"function": "api_handler", "action": "s3:GetObject", "resource": "?EXPORTS_BUCKET:other-bucket/x"},
        {
            "function": "websocket_connect",
            "action": "execute-api:ManageConnections",
            "resource": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
            "${WebsocketAPI}/STAGE/POST/@connections/abc",
        },
    ]
    denied, unused = check(template, calls)
    assert len(denied) == 4, denied
    assert not any(d.startswith(("websocket_message", "websocket_connect")) for d in denied)
    assert any("websocket_message: dynamodb:GetItem" in u for u in unused)


def test_every_recorded_call_is_allowed(packaged: dict[str, Any]) -> None:
    calls = recorded_calls()
    recorded_functions = {c["function"] for c in calls}
    if not recorded_functions & {"api_handler", "websocket_message"}:
        pytest.skip("no handler ran in this session: run with tests/integration and tests/e2e (make test does)")
    for stage, template in packaged.items():
        denied, unused = check(template, calls)
        assert denied == [], f"{stage}: calls the policies in infra/aws/iam.py do not allow:\n" + "\n".join(denied)
    report = ROOT / "build" / "iam-unused-grants.json"
    report.write_text(json.dumps({"functions": sorted(recorded_functions), "unused": unused}, indent=1))
    print(f"\n{len(calls)} AWS calls of {len(recorded_functions)} functions recorded; grants no test used:")
    print("\n".join(f"  {u}" for u in unused))
    functions = set(resources_of(packaged["dev"], "AWS::Serverless::Function"))
    assert {function_logical_id(f) for f in recorded_functions} <= functions
