"""CloudWatch alarms: each function's errors and throttles, the export queue's age and dead letters,
the APIs' 5XX and integration errors, DynamoDB throttling, and the app's handled errors (EMF).

Every alarm notifies the `AlarmTopic` SNS topic; `make deploy ALARM_EMAIL=ops@example.com`
subscribes an address (the `AlarmEmail` parameter). The topic carries alarm names and counts only.
"""

from __future__ import annotations

from typing import Any

from chalicelib.observability import METRICS_NAMESPACE
from infra.aws.iam import cfn_name, function_logical_id

PARAMETERS = {
    "AlarmEmail": {
        "Type": "String",
        "Default": "",
        "Description": "E-mail address notified of alarms (empty: no subscription)",
    }
}
CONDITIONS = {"HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}}


def _alarm(description: str, **properties: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "AlarmActions": [{"Ref": "AlarmTopic"}],
            "OKActions": [{"Ref": "AlarmTopic"}],
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 1,
            "EvaluationPeriods": 1,
            "Period": 300,
            "TreatMissingData": "notBreaching",
            **properties,
        },
    }


EXPORT_QUEUE_AGE_ALARM_SECONDS = 3600  # two 15-minute exports ahead of a job is normal; an hour is not


def _throttle_sum(tables: list[str], metric: str) -> list[dict[str, Any]]:
    """Metric math: `metric` summed over every table (one alarm instead of one per table)."""
    queries: list[dict[str, Any]] = [
        {
            "Id": f"t{i}",
            "ReturnData": False,
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/DynamoDB",
                    "MetricName": metric,
                    "Dimensions": [{"Name": "TableName", "Value": {"Ref": table}}],
                },
                "Period": 300,
                "Stat": "Sum",
            },
        }
        for i, table in enumerate(tables)
    ]
    queries.append(
        {"Id": "total", "Expression": "SUM([" + ",".join(q["Id"] for q in queries) + "])", "ReturnData": True}
    )
    return queries


def alarm_resources(functions: list[str], tables: list[str] | None = None, stage: str = "api") -> dict[str, Any]:
    resources: dict[str, Any] = {
        # Alarm texts hold no personal data; CloudWatch cannot publish to a topic under the AWS
        # managed SNS key, so the topic keeps SNS's default (no customer key).
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": {"Fn::Sub": "${AWS::StackName} alarms"}},
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}},
        },
        "ExportDeadLetterAlarm": _alarm(
            "An export job failed every attempt and sits in the dead-letter queue",
            Namespace="AWS/SQS",
            MetricName="ApproximateNumberOfMessagesVisible",
            Dimensions=[{"Name": "QueueName", "Value": {"Fn::GetAtt": ["ExportDeadLetterQueue", "QueueName"]}}],
            Statistic="Maximum",
        ),
        "HandledErrorsAlarm": _alarm(
            "Handlers caught unexpected errors (EMF metric Errors; logs carry the request ids)",
            Namespace=METRICS_NAMESPACE,
            MetricName="Errors",
            Dimensions=[{"Name": "Stack", "Value": {"Ref": "AWS::StackName"}}],
            Statistic="Sum",
        ),
        "ExportQueueAgeAlarm": _alarm(
            "An export job has waited over an hour for the export function",
            Namespace="AWS/SQS",
            MetricName="ApproximateAgeOfOldestMessage",
            Dimensions=[{"Name": "QueueName", "Value": {"Fn::GetAtt": ["ExportQueue", "QueueName"]}}],
            Statistic="Maximum",
            Threshold=EXPORT_QUEUE_AGE_ALARM_SECONDS,
        ),
        "RestApi5xxAlarm": _alarm(
            "The REST API answered 5XX (a function failed, timed out or was throttled)",
            Namespace="AWS/ApiGateway",
            MetricName="5XXError",
            Dimensions=[
                {"Name": "ApiName", "Value": {"Fn::Sub": "${AWS::StackName}-rest"}},
                {"Name": "Stage", "Value": stage},
            ],
            Statistic="Sum",
        ),
        "WebsocketIntegrationErrorsAlarm": _alarm(
            "The WebSocket API could not run a handler (integration errors: failures, timeouts, throttles)",
            Namespace="AWS/ApiGateway",
            MetricName="IntegrationError",
            Dimensions=[
                {"Name": "ApiId", "Value": {"Ref": "WebsocketAPI"}},
                {"Name": "Stage", "Value": {"Ref": "WebsocketAPIStage"}},
            ],
            Statistic="Sum",
        ),
    }
    for name in functions:
        # Lambda's Errors metric counts failed invocations (uncaught errors, timeouts); a throttled
        # invocation never ran and is counted only in Throttles, hence the second alarm.
        resources[f"{cfn_name(name)}ErrorsAlarm"] = _alarm(
            f"The {name} function failed (uncaught error or timeout)",
            Namespace="AWS/Lambda",
            MetricName="Errors",
            Dimensions=[{"Name": "FunctionName", "Value": {"Ref": function_logical_id(name)}}],
            Statistic="Sum",
        )
        resources[f"{cfn_name(name)}ThrottlesAlarm"] = _alarm(
            f"The {name} function was throttled (concurrency limit reached)",
            Namespace="AWS/Lambda",
            MetricName="Throttles",
            Dimensions=[{"Name": "FunctionName", "Value": {"Ref": function_logical_id(name)}}],
            Statistic="Sum",
        )
    if tables:
        for kind in ("Read", "Write"):
            alarm = _alarm(
                f"DynamoDB throttled {kind.lower()}s on a table of the stack",
                Metrics=_throttle_sum(tables, f"{kind}ThrottleEvents"),
            )
            # Metric math alarms take their metrics from Metrics, never a top-level Period.
            del alarm["Properties"]["Period"]
            resources[f"Dynamodb{kind}ThrottleAlarm"] = alarm
    return resources


def log_groups(functions: list[str], retention_days: int) -> dict[str, Any]:
    """Each function's log group, created by the stack so logs expire (they hold ids, not personal data)."""
    return {
        f"{cfn_name(name)}LogGroup": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "Properties": {
                "LogGroupName": {"Fn::Sub": f"/aws/lambda/${{{function_logical_id(name)}}}"},
                "RetentionInDays": retention_days,
            },
        }
        for name in functions
    }
