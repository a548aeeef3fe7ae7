"""CloudWatch alarms: export jobs in the dead-letter queue, Lambda errors, handled errors (EMF).

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


def alarm_resources(functions: list[str]) -> dict[str, Any]:
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
    }
    for name in functions:
        resources[f"{cfn_name(name)}ErrorsAlarm"] = _alarm(
            f"The {name} function failed (uncaught error, timeout or throttle)",
            Namespace="AWS/Lambda",
            MetricName="Errors",
            Dimensions=[{"Name": "FunctionName", "Value": {"Ref": function_logical_id(name)}}],
            Statistic="Sum",
        )
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
