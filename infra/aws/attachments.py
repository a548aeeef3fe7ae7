"""The attachments' resources (issue #23): the private bucket, its notification queue, the checking
function's event source, and the optional GuardDuty Malware Protection plan for the bucket.

The browser POSTs files straight to the bucket (a presigned form per file, CORS below); S3 tells
the queue of every object created under `chats/`; the `attachment_check` function reads the queue.
The bucket is named (not CloudFormation's random name) so the queue policy can name its ARN
without a cycle: the bucket's notification needs the policy first, the policy the bucket's ARN.
"""

from __future__ import annotations

from typing import Any

from infra.aws import hosting

FUNCTION = "AttachmentCheck"  # Chalice's logical id for `attachment_check` in app.py
FUNCTION_TIMEOUT = 60  # .chalice/config.json lambda_functions.attachment_check.lambda_timeout
# SQS: at least six times the function's timeout (AWS's advice for an event source); a failed check
# is retried after it. With the malware scan on, a file not yet scanned is retried the same way.
VISIBILITY_SECONDS = 6 * FUNCTION_TIMEOUT
MAX_RECEIVES = 5
PENDING_TAG = {"Key": "state", "Value": "pending"}  # every upload's tag until the checker accepts it
BUCKET_NAME = "${AWS::StackName}-attachments-${AWS::AccountId}"
BUCKET_ARN = "arn:${AWS::Partition}:s3:::" + BUCKET_NAME

PARAMETERS: dict[str, Any] = {
    "AttachmentUploadOrigins": {
        "Type": "CommaDelimitedList",
        "Default": "*",
        "Description": "Origins whose pages may POST attachments to the bucket (CORS): the widget runs on "
        "customers' sites, so * by default; the presigned form, not the origin, decides what may be written.",
    },
    "AttachmentMalwareScan": {
        "Type": "String",
        "AllowedValues": ["on", "off"],
        "Default": "off",
        "Description": "GuardDuty Malware Protection for S3 on the attachments bucket (billed per GB scanned). "
        "on: a file reaches the other side only once its scan tag says NO_THREATS_FOUND; a threat deletes it.",
    },
}
CONDITIONS: dict[str, Any] = {"HasMalwareScan": {"Fn::Equals": [{"Ref": "AttachmentMalwareScan"}, "on"]}}


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def _bucket() -> dict[str, Any]:
    return {
        "Type": "AWS::S3::Bucket",
        # Kept: attachments are chat records (they follow the chat's retention, not the stack's life).
        "DeletionPolicy": "RetainExceptOnCreate",
        "DependsOn": ["AttachmentQueuePolicy"],
        "Properties": {
            "BucketName": _sub(BUCKET_NAME),
            **hosting.private_bucket_properties(),
            "CorsConfiguration": {
                "CorsRules": [
                    {
                        "AllowedMethods": ["POST"],
                        "AllowedOrigins": {"Ref": "AttachmentUploadOrigins"},
                        "AllowedHeaders": ["*"],
                        "MaxAge": 3000,
                    }
                ]
            },
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        # An upload whose check never finished (the function kept failing) keeps the tag
                        # every presigned form sets: it is removed after a day, no message ever shown.
                        "Id": "remove-unchecked-uploads",
                        "Status": "Enabled",
                        "TagFilters": [PENDING_TAG],
                        "ExpirationInDays": 1,
                    },
                    {
                        "Id": "abort-multipart",
                        "Status": "Enabled",
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    },
                ]
            },
            "NotificationConfiguration": {
                "QueueConfigurations": [
                    {
                        "Event": "s3:ObjectCreated:*",
                        "Queue": {"Fn::GetAtt": ["AttachmentQueue", "Arn"]},
                        "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "chats/"}]}},
                    }
                ]
            },
        },
    }


def _queues() -> dict[str, Any]:
    return {
        "AttachmentDeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": _sub("${AWS::StackName}-attachments-dlq"),
                "MessageRetentionPeriod": 14 * 24 * 3600,
                "SqsManagedSseEnabled": True,
            },
        },
        "AttachmentQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": _sub("${AWS::StackName}-attachments"),
                "VisibilityTimeout": VISIBILITY_SECONDS,
                "MessageRetentionPeriod": 24 * 3600,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": ["AttachmentDeadLetterQueue", "Arn"]},
                    "maxReceiveCount": MAX_RECEIVES,
                },
            },
        },
        "AttachmentQueuePolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": "AttachmentQueue"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AttachmentsBucketNotifies",
                            "Effect": "Allow",
                            "Principal": {"Service": "s3.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": {"Fn::GetAtt": ["AttachmentQueue", "Arn"]},
                            "Condition": {
                                "ArnEquals": {"aws:SourceArn": _sub(BUCKET_ARN)},
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                            },
                        }
                    ],
                },
            },
        },
    }


def _malware_scan() -> dict[str, Any]:
    """GuardDuty scans each new object and tags it `GuardDutyMalwareScanStatus` (the checker waits for it)."""
    return {
        "AttachmentMalwareScanRole": {
            "Type": "AWS::IAM::Role",
            "Condition": "HasMalwareScan",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "malware-protection-plan.guardduty.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "ScanAttachments",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObjectTagging",
                                               "s3:GetObjectTagging", "s3:PutObjectVersionTagging"],
                                    "Resource": _sub(BUCKET_ARN + "/*"),
                                },
                                {
                                    "Effect": "Allow",
                                    "Action": ["s3:ListBucket", "s3:GetBucketNotification",
                                               "s3:PutBucketNotification", "s3:GetBucketLocation"],
                                    "Resource": _sub(BUCKET_ARN),
                                },
                                {
                                    "Effect": "Allow",
                                    "Action": ["events:PutRule", "events:DeleteRule", "events:PutTargets",
                                               "events:RemoveTargets", "events:DescribeRule"],
                                    "Resource": _sub(
                                        "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:"
                                        "rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*"
                                    ),
                                },
                            ],
                        },
                    }
                ],
            },
        },
        "AttachmentMalwareProtectionPlan": {
            "Type": "AWS::GuardDuty::MalwareProtectionPlan",
            "Condition": "HasMalwareScan",
            "Properties": {
                "Role": {"Fn::GetAtt": ["AttachmentMalwareScanRole", "Arn"]},
                "ProtectedResource": {
                    "S3Bucket": {"BucketName": {"Ref": "AttachmentsBucket"}, "ObjectPrefixes": ["chats/"]}
                },
                "Actions": {"Tagging": {"Status": "ENABLED"}},
            },
        },
    }


def attachment_resources(*, with_function: bool = True) -> dict[str, Any]:
    function = {
        # Merged into the function Chalice generates for `attachment_check`.
        FUNCTION: {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Events": {
                    f"{FUNCTION}SqsEventSource": {
                        "Type": "SQS",
                        "Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]},
                    }
                },
            },
        },
    }
    return {
        **_queues(),  # queues first: the local bootstrap creates resources in template order
        "AttachmentsBucket": _bucket(),
        "AttachmentsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "AttachmentsBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [hosting.tls_only_statement("AttachmentsBucket")],
                },
            },
        },
        **(function if with_function else {}),
        **_malware_scan(),
    }


def environment() -> dict[str, Any]:
    return {
        "ATTACHMENTS_BUCKET": {"Ref": "AttachmentsBucket"},
        "ATTACHMENT_MALWARE_SCAN": {"Ref": "AttachmentMalwareScan"},
    }


OUTPUTS: dict[str, Any] = {
    "AttachmentsBucketName": {"Value": {"Ref": "AttachmentsBucket"}},
    "AttachmentDeadLetterQueueUrl": {"Value": {"Ref": "AttachmentDeadLetterQueue"}},
}
