"""The CloudFormation merge template for `chalice package --merge-template infra/aws/resources.json`.

Everything the handlers need besides what Chalice generates (functions, APIs, their roles):
DynamoDB tables (from the pynamodb models), the exports bucket, the export queue with its
dead-letter queue, the masking KMS key, the Cognito user pool with its app client and groups,
the customer-token secret, the function environment that points at all of them, one IAM policy
per function (infra/aws/iam.py), log groups and alarms (infra/aws/alarms.py), and the static
hosting: S3 + CloudFront with origin access control (infra/aws/hosting.py).

The local stack (infra/local/resources.py) walks this same dict to create the equivalent
resources in moto, so AWS and local cannot drift apart.

Naming: deploy the stack as `livechat-<stage>` so that the tables, named
`${AWS::StackName}-<suffix>`, match TABLE_PREFIX=`livechat-<stage>-` from .chalice/config.json.

    python -m infra.aws.template > infra/aws/resources.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from pynamodb.models import Model

from chalicelib.config import table_name
from chalicelib.store.schema import cloudformation_table
from chalicelib.store.tables import ALL_MODELS
from infra.aws import alarms, attachments, hosting, iam

ROOT = Path(__file__).resolve().parents[2]
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"


def api_stage() -> str:
    """Chalice names both API stages after `api_gateway_stage` (it has no separate WebSocket stage)."""
    return str(json.loads(CHALICE_CONFIG.read_text(encoding="utf-8")).get("api_gateway_stage", "api"))


CHALICE_WEBSOCKET_API = "WebsocketAPI"  # Chalice's logical ids (chalice/package.py)
CHALICE_REST_API = "RestAPI"
WEBSOCKET_STAGE = api_stage()
LOG_RETENTION_DAYS = 30

EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS") or 7)  # export files expire after this
# The trigger never runs more export functions than prod reserves (.chalice/config.json
# stages.prod.lambda_functions.export_jobs.reserved_concurrency; 2 is also Lambda's minimum for
# MaximumConcurrency). Without the cap Lambda polls more messages than the function may run: each
# throttled one spends a receive and then waits the whole visibility timeout, and after
# maxReceiveCount such turns it lands in the dead-letter queue without ever having run.
EXPORT_MAX_CONCURRENCY = 2
# With the cap a receive is (nearly) an attempt; 5 is what AWS recommends as the least for a Lambda
# source queue, so a rare throttle (account-wide concurrency) still leaves attempts that run.
# The handler marks the job failed on its last attempt: EXPORT_MAX_ATTEMPTS (function environment) is the same.
EXPORT_MAX_RECEIVES = 5
EXPORT_FUNCTION_TIMEOUT = 900  # .chalice/config.json lambda_functions.export_jobs.lambda_timeout
EXPORT_VISIBILITY_SECONDS = 6 * EXPORT_FUNCTION_TIMEOUT  # 6 × the function timeout, as AWS recommends for SQS → Lambda
EXPORT_FUNCTION = "ExportJobs"  # Chalice's logical id for the `export_jobs` SQS handler in app.py
WALLBOARD_FUNCTION = "WallboardUpdates"  # Chalice's logical id for the `wallboard_updates` SQS handler
WALLBOARD_VISIBILITY_SECONDS = 6 * 20  # 6 × the function's timeout (.chalice/config.json lambda_timeout 20 s)
# Signals in a burst are batched; two runs at once at most (SQS's minimum), so runs rarely contend on a viewer.
WALLBOARD_MAX_CONCURRENCY = 2
REPORT_FUNCTION = "ReportCounters"  # Chalice's logical id for the `report_counters` stream handler
TICKET_EVENTS_FUNCTION = "TicketEvents"  # and for the `ticket_events` one (the tickets' stream)
# A record failing this often is given up (logged with its eventID; the backfill repairs its hour):
# without a bound one poison record would hold its shard for the stream's whole 24 h retention.
REPORT_MAX_RETRIES = 50
# /tmp holds openpyxl's uncompressed sheet XML until the save. Measured (bench/export.py): 654 MB for
# 1.1 M rows, ~600 bytes a row of short Latin text. At EXPORT_MAX_ROWS (3 M) that is 1.8 GB; Korean
# text is 3 bytes a character in UTF-8 (Latin 1), so rows of Korean chat run ~2–3× larger: ~5.4 GB.
# 10,240 MB (Lambda's maximum) leaves ~3,400 bytes a row. It costs 0.0000000309 USD per GB-second
# above 512 MB: a 15-minute export at 10 GB pays ~0.00026 USD more; an idle function pays nothing.
EXPORT_EPHEMERAL_STORAGE_MB = 10240
EXPORT_MAX_ROWS = 3_000_000  # chalicelib/export/options.py's default cap, the figure the storage is sized for
EXPORT_TMP_BYTES_PER_ROW_BUDGET = 3000  # what the arithmetic above allows per row, with room to spare
AGENT_GROUPS = ("agents", "supervisors", "admins")  # chalicelib/domain/accounts.py GROUP_OF_ROLE

# Stateful resources keep their data when the stack is deleted or they are replaced, except when the
# stack operation that created them rolls back: then nothing survives to block the next attempt
# ("already exists" on the fixed table names) or to cost money (a KMS key is 1 USD a month).
# UpdateReplacePolicy knows no RetainExceptOnCreate: a replacement keeps the old resource (Retain).
KEEP_DATA = "RetainExceptOnCreate"
REPLACE_POLICY = {"RetainExceptOnCreate": "Retain"}
# Stateful resources that go with the stack, and why (tests/infra checks every other one is KEEP_DATA).
DELETED_WITH_STACK = {
    "ExportsBucket": "copies of chat records that expire after EXPORT_RETENTION_DAYS anyway; destroy empties it",
    "SiteBucket": "the front ends, published again from the repository by make publish-frontend",
    "ExportQueue": "jobs in flight only; their state is in the export-jobs table",
    "ExportDeadLetterQueue": "failed job messages; each job's reason is on its export-jobs item",
    "WallboardQueue": "signals that something changed, seconds old; the wallboard reads the tables themselves",
    "AttachmentQueue": "S3 notifications in flight only; the file and its upload item stay",
    "AttachmentDeadLetterQueue": "notifications whose check kept failing; the file expires by its pending tag",
    "CustomerTokenSecret": "signs sessions of at most a day; a new stack issues new ones",
    "AWS::Logs::LogGroup": "ids and outcomes only, expiring after LOG_RETENTION_DAYS",
}

# API Gateway default route throttling (requests per second, burst). Per-connection frame limits are
# the app's (WS_RATE_LIMIT); these bound what the whole stage lets through to the functions, far above
# the measured load (a 200-agent centre sends ~10 frames a second) and below what 6 functions of
# 256 MB on a 1,000-concurrency account could absorb.
REST_THROTTLE = {"rate": 100, "burst": 200}
WEBSOCKET_THROTTLE = {"rate": 500, "burst": 1000}

PARAMETERS: dict[str, Any] = {
    "DeletionProtection": {
        "Type": "String",
        "AllowedValues": ["true", "false"],
        "Default": "true",
        "Description": "Deletion protection on the tables and the user pool. `make deploy` creates the stack "
        "with false (so a failed creation can roll back cleanly) and turns it on in its second phase.",
    },
    "StaffMfa": {
        "Type": "String",
        "AllowedValues": ["OFF", "OPTIONAL", "ON"],
        "Default": "OPTIONAL",
        "Description": "Cognito MFA (TOTP authenticator apps). OPTIONAL: every user may enrol; ON: every user "
        "must (Cognito takes ON only when the pool is created). See docs/security.md.",
    },
    "AdminMfa": {
        "Type": "String",
        "AllowedValues": ["REQUIRED", "OPTIONAL"],
        "Default": "REQUIRED",
        "Description": "REQUIRED: every REST call of an admin without an authenticator app (TOTP) enrolled is "
        "refused with 403 mfa_required, and the console and admin page offer to set one up (agents stay as "
        "StaffMfa says). See docs/security.md.",
    },
    "MailFrom": {
        "Type": "String",
        "Default": "no-reply@example.com",
        "AllowedPattern": "[^@\\s]+@[^@\\s]+",
        "Description": "The sender of transcript e-mails (issue #22): an address in MailIdentity, verified in SES "
        "in this region (docs/deploy.md: identity verification and the sandbox).",
    },
    "MailIdentity": {
        "Type": "String",
        "Default": "example.com",
        "Description": "The SES identity MailFrom belongs to (a verified domain, or the address itself): the "
        "export function may send as MailFrom from this identity only.",
    },
    "ThreatProtection": {
        "Type": "String",
        "AllowedValues": ["OFF", "AUDIT", "ENFORCED"],
        "Default": "OFF",
        "Description": "Cognito threat protection (compromised credentials, adaptive authentication). "
        "AUDIT or ENFORCED moves the pool to the Plus feature plan (billed per monthly active user).",
    },
}
CONDITIONS: dict[str, Any] = {
    "ProtectFromDeletion": {"Fn::Equals": [{"Ref": "DeletionProtection"}, "true"]},
    "HasMfa": {"Fn::Not": [{"Fn::Equals": [{"Ref": "StaffMfa"}, "OFF"]}]},
    "AdminMfaRequired": {"Fn::Equals": [{"Ref": "AdminMfa"}, "REQUIRED"]},
    "HasThreatProtection": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ThreatProtection"}, "OFF"]}]},
}


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def table_suffix(model: type[Model]) -> str:
    """`connections` for ConnectionModel: the model's table name without the current prefix."""
    prefix = table_name("")
    name: str = model.Meta.table_name
    if not name.startswith(prefix):
        raise ValueError(f"{name} does not start with TABLE_PREFIX {prefix!r}")
    return name[len(prefix) :]


def table_logical_id(model: type[Model]) -> str:
    return "".join(part.capitalize() for part in table_suffix(model).replace("_", "-").split("-")) + "Table"


def _tables() -> dict[str, Any]:
    tables = {}
    for model in ALL_MODELS:
        table = cloudformation_table(model, _sub(f"${{AWS::StackName}}-{table_suffix(model)}"))
        table["DeletionPolicy"] = KEEP_DATA
        table["Properties"]["DeletionProtectionEnabled"] = {"Fn::If": ["ProtectFromDeletion", True, False]}
        tables[table_logical_id(model)] = table
    return tables


def _exports(retention_days: int = EXPORT_RETENTION_DAYS) -> dict[str, Any]:
    return {
        "ExportsBucket": {
            "Type": "AWS::S3::Bucket",
            # Delete: exports are copies that expire anyway; `make destroy` empties the bucket first.
            "DeletionPolicy": "Delete",
            "Properties": {
                # No BucketName: CloudFormation picks a globally unique one; handlers get it from env.
                **hosting.private_bucket_properties(),
                # Exports hold personal data: they disappear on their own.
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "Id": "expire-exports",
                            "Status": "Enabled",
                            "ExpirationInDays": retention_days,
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                        }
                    ]
                },
            },
        },
        "ExportsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "ExportsBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [hosting.tls_only_statement("ExportsBucket")],
                },
            },
        },
        # The DLQ comes first: the local bootstrap creates resources in template order.
        "ExportDeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": _sub("${AWS::StackName}-exports-dlq"),
                "MessageRetentionPeriod": 14 * 24 * 3600,
                "SqsManagedSseEnabled": True,
            },
        },
        "ExportQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": _sub("${AWS::StackName}-exports"),
                "VisibilityTimeout": EXPORT_VISIBILITY_SECONDS,
                "MessageRetentionPeriod": 4 * 24 * 3600,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": ["ExportDeadLetterQueue", "Arn"]},
                    "maxReceiveCount": EXPORT_MAX_RECEIVES,
                },
            },
        },
        # The wallboard function's signals and delayed catch-ups (chalicelib/services/wallboard.py): each
        # message only says "something changed", so a lost one costs a stale wallboard until the next
        # change, and a failed run's messages are dropped after a few receives instead of piling up.
        "WallboardQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": _sub("${AWS::StackName}-wallboard"),
                "VisibilityTimeout": WALLBOARD_VISIBILITY_SECONDS,
                "MessageRetentionPeriod": 60,  # SQS's minimum: a signal older than that is worthless
                "SqsManagedSseEnabled": True,
            },
        },
        WALLBOARD_FUNCTION: {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Events": {
                    f"{WALLBOARD_FUNCTION}SqsEventSource": {
                        "Type": "SQS",
                        "Properties": {
                            "FunctionResponseTypes": ["ReportBatchItemFailures"],
                            "ScalingConfig": {"MaximumConcurrency": WALLBOARD_MAX_CONCURRENCY},
                        },
                    }
                },
            },
        },
        # Merged into the function Chalice generates for `export_jobs`: what Chalice's config cannot say.
        EXPORT_FUNCTION: {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "EphemeralStorage": {"Size": EXPORT_EPHEMERAL_STORAGE_MB},
                "Events": {
                    f"{EXPORT_FUNCTION}SqsEventSource": {
                        "Type": "SQS",
                        "Properties": {
                            # (`make package` replaces Chalice's queue ARN, built from the name, by
                            # GetAtt of the queue resource: infra/aws/deploy.py link_event_queues.)
                            # The handler answers {"batchItemFailures": [...]}: only those messages return.
                            "FunctionResponseTypes": ["ReportBatchItemFailures"],
                            "ScalingConfig": {"MaximumConcurrency": EXPORT_MAX_CONCURRENCY},
                        },
                    }
                },
            },
        },
    }


def _stream_mapping(function_id: str, table: str) -> dict[str, Any]:
    """Merged into the function Chalice generates for a stream handler: the stream it reads is that
    table's (GetAtt: Chalice writes the placeholder ARN app.py has), partial batch failures."""
    model = next(m for m in ALL_MODELS if table_suffix(m) == table)
    return {
        function_id: {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Events": {
                    # Chalice's event name: its function's name + DynamodbEventSource (chalice/package.py).
                    f"{function_id}DynamodbEventSource": {
                        "Type": "DynamoDB",
                        "Properties": {
                            "Stream": {"Fn::GetAtt": [table_logical_id(model), "StreamArn"]},
                            # The handler answers {"batchItemFailures": [...]}: Lambda retries from that record.
                            "FunctionResponseTypes": ["ReportBatchItemFailures"],
                            "MaximumRetryAttempts": REPORT_MAX_RETRIES,
                        },
                    }
                },
            },
        }
    }


def _chat_event_bus() -> dict[str, Any]:
    """The bus the stream function publishes the chat events to (docs/events.md): customers add rules."""
    return {
        "ChatEventBus": {
            "Type": "AWS::Events::EventBus",
            "Properties": {"Name": _sub("${AWS::StackName}-chat-events")},
        }
    }


def _masking_key() -> dict[str, Any]:
    return {
        "MaskingKey": {
            "Type": "AWS::KMS::Key",
            # Without it masked originals can never be read again: kept unless its creation rolls back.
            "DeletionPolicy": KEEP_DATA,
            "Properties": {
                "Description": _sub("${AWS::StackName} masked personal data originals"),
                "EnableKeyRotation": True,
                "KeySpec": "SYMMETRIC_DEFAULT",
                "KeyUsage": "ENCRYPT_DECRYPT",
                "KeyPolicy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            # Access is granted by IAM policies (the function role below).
                            "Sid": "AccountAdministers",
                            "Effect": "Allow",
                            "Principal": {"AWS": _sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                            "Action": "kms:*",
                            "Resource": "*",
                        }
                    ],
                },
            },
        },
        "MaskingKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {
                "AliasName": _sub("alias/${AWS::StackName}-masking"),
                "TargetKeyId": {"Ref": "MaskingKey"},
            },
        },
    }


def _cognito() -> dict[str, Any]:
    resources: dict[str, Any] = {
        "UserPool": {
            "Type": "AWS::Cognito::UserPool",
            "DeletionPolicy": KEEP_DATA,
            "Properties": {
                # Username stays the sign-in name (the e-mail): it is the agent id the app stores.
                "UserPoolName": _sub("${AWS::StackName}-users"),
                "DeletionProtection": {"Fn::If": ["ProtectFromDeletion", "ACTIVE", "INACTIVE"]},
                # TOTP only (no SMS: no SNS spend, no phone numbers kept). Admin routes refuse an admin
                # who has not enrolled, whatever this says (docs/security.md, "Staff sign-in").
                "MfaConfiguration": {"Ref": "StaffMfa"},
                "EnabledMfas": {"Fn::If": ["HasMfa", ["SOFTWARE_TOKEN_MFA"], {"Ref": "AWS::NoValue"}]},
                "UserPoolTier": {"Fn::If": ["HasThreatProtection", "PLUS", "ESSENTIALS"]},
                "UserPoolAddOns": {
                    "Fn::If": [
                        "HasThreatProtection",
                        {"AdvancedSecurityMode": {"Ref": "ThreatProtection"}},
                        {"Ref": "AWS::NoValue"},
                    ]
                },
                "AutoVerifiedAttributes": ["email"],
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
                "Policies": {
                    "PasswordPolicy": {
                        "MinimumLength": 12,
                        "RequireLowercase": True,
                        "RequireUppercase": True,
                        "RequireNumbers": True,
                        "RequireSymbols": True,
                        "TemporaryPasswordValidityDays": 7,
                    }
                },
                "Schema": [
                    {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}
                ],
            },
        },
        "UserPoolClient": {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "UserPoolId": {"Ref": "UserPool"},
                "ClientName": _sub("${AWS::StackName}-console"),
                # A browser app: no secret; the console signs in with USER_PASSWORD_AUTH.
                "GenerateSecret": False,
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "PreventUserExistenceErrors": "ENABLED",
                # In the ID token: `name` is the display name customers see (never the e-mail).
                "ReadAttributes": ["email", "email_verified", "name"],
            },
        },
    }
    for group in AGENT_GROUPS:
        resources[f"{group.capitalize()}Group"] = {
            "Type": "AWS::Cognito::UserPoolGroup",
            "Properties": {"UserPoolId": {"Ref": "UserPool"}, "GroupName": group},
        }
    return resources


def _secret() -> dict[str, Any]:
    return {
        "CustomerTokenSecret": {
            "Type": "AWS::SecretsManager::Secret",
            # Delete: the key only signs sessions of at most CUSTOMER_TOKEN_TTL_SECONDS; losing it ends
            # open chats' sessions and nothing else. No fixed Name: a deleted secret may wait out a
            # recovery window under its name, which would make a retried creation fail; the functions
            # find it by the ARN in their environment.
            "DeletionPolicy": "Delete",
            "Properties": {
                "Description": _sub("${AWS::StackName}: HS256 key for customer chat session tokens"),
                "GenerateSecretString": {"PasswordLength": 48, "ExcludePunctuation": True},
            },
        }
    }


# Access logs: JSON, one line a request, ids and outcomes only (no source IP, no user agent: the same
# rule as the function logs, docs/deploy.md#observability). `messageString` is already quoted.
REST_ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTime",
        "method": "$context.httpMethod",
        "resource": "$context.resourcePath",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationStatus": "$context.integration.status",
        "integrationLatencyMs": "$context.integration.latency",
        "responseLength": "$context.responseLength",
        "error": "@ERROR@",
    },
    separators=(",", ":"),
).replace('"@ERROR@"', "$context.error.messageString")
WEBSOCKET_ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTime",
        "eventType": "$context.eventType",
        "routeKey": "$context.routeKey",
        "connectionId": "$context.connectionId",
        "status": "$context.status",
        "integrationStatus": "$context.integration.status",
        "integrationLatencyMs": "$context.integration.latency",
        "error": "@ERROR@",
    },
    separators=(",", ":"),
).replace('"@ERROR@"', "$context.error.messageString")


def _api_gateway() -> dict[str, Any]:
    """Throttling and JSON access logs on both API stages (merged into Chalice's RestAPI and stage)."""
    return {
        # API Gateway writes logs through one role per account and region; without it a stage with
        # access logs fails to create ("CloudWatch Logs role ARN must be set in account settings").
        # Kept after `make destroy` (the account setting would otherwise point at a deleted role and
        # break logging of every other API in the region); deleted if the first creation rolls back.
        "ApiGatewayCloudWatchRole": {
            "Type": "AWS::IAM::Role",
            "DeletionPolicy": KEEP_DATA,
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "apigateway.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    _sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
                ],
            },
        },
        "ApiGatewayAccount": {
            "Type": "AWS::ApiGateway::Account",
            "Properties": {"CloudWatchRoleArn": {"Fn::GetAtt": ["ApiGatewayCloudWatchRole", "Arn"]}},
        },
        "RestApiAccessLogGroup": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "Properties": {
                "LogGroupName": _sub("/aws/apigateway/${AWS::StackName}-rest"),
                "RetentionInDays": LOG_RETENTION_DAYS,
            },
        },
        "WebsocketAccessLogGroup": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "Properties": {
                "LogGroupName": _sub("/aws/apigateway/${AWS::StackName}-websocket"),
                "RetentionInDays": LOG_RETENTION_DAYS,
            },
        },
        CHALICE_REST_API: {
            "Type": "AWS::Serverless::Api",
            "DependsOn": ["ApiGatewayAccount"],
            "Properties": {
                # Unique per stack: the ApiName dimension of the 5XX alarm (Chalice's title is `livechat`).
                "Name": _sub("${AWS::StackName}-rest"),
                # Any value here stops SAM's deployment from also creating a stage named `Stage`: a
                # second, unthrottled and unlogged way into the same functions.
                "OpenApiVersion": "2.0",
                "MethodSettings": [
                    {
                        "ResourcePath": "/*",
                        "HttpMethod": "*",
                        "ThrottlingRateLimit": REST_THROTTLE["rate"],
                        "ThrottlingBurstLimit": REST_THROTTLE["burst"],
                    }
                ],
                "AccessLogSetting": {
                    "DestinationArn": {"Fn::GetAtt": ["RestApiAccessLogGroup", "Arn"]},
                    "Format": REST_ACCESS_LOG_FORMAT,
                },
            },
        },
        f"{CHALICE_WEBSOCKET_API}Stage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "DependsOn": ["ApiGatewayAccount"],
            "Properties": {
                "DefaultRouteSettings": {
                    "ThrottlingRateLimit": WEBSOCKET_THROTTLE["rate"],
                    "ThrottlingBurstLimit": WEBSOCKET_THROTTLE["burst"],
                },
                "AccessLogSettings": {
                    "DestinationArn": {"Fn::GetAtt": ["WebsocketAccessLogGroup", "Arn"]},
                    "Format": WEBSOCKET_ACCESS_LOG_FORMAT,
                },
            },
        },
    }


def function_environment(console_origin: str | None = None) -> dict[str, Any]:
    """Environment of every function (SAM Globals); the names are chalicelib/config.py's contract."""
    environment: dict[str, Any] = {
        "COGNITO_USER_POOL_ID": {"Ref": "UserPool"},
        "COGNITO_CLIENT_ID": {"Ref": "UserPoolClient"},
        "EXPORTS_BUCKET": {"Ref": "ExportsBucket"},
        "EXPORT_QUEUE_URL": {"Ref": "ExportQueue"},
        "WALLBOARD_QUEUE_URL": {"Ref": "WallboardQueue"},  # chalicelib/realtime/wallboard_queue.py
        "EXPORT_RETENTION_DAYS": str(EXPORT_RETENTION_DAYS),
        # The export handler marks a job failed on its last attempt: the queue's last receive.
        "EXPORT_MAX_ATTEMPTS": str(EXPORT_MAX_RECEIVES),
        "MASKING_KEY_ID": {"Ref": "MaskingKey"},
        "MAIL_FROM": {"Ref": "MailFrom"},  # the transcript e-mail's sender (services/transcript_mail.py)
        # Admins must have an authenticator app (chalicelib/auth/mfa.py check_admin_mfa, at the REST edge and $connect).
        "ADMIN_MFA_REQUIRED": {"Fn::If": ["AdminMfaRequired", "true", "false"]},
        # The ARN (Ref of a secret), never the value: the functions read it from Secrets Manager at run
        # time (chalicelib/auth/tokens.py), so rotation needs no stack update.
        "CUSTOMER_TOKEN_SECRET_ARN": {"Ref": "CustomerTokenSecret"},
        # Pushes from REST and SQS handlers need it; WebSocket handlers could derive it from the event.
        "WS_MANAGEMENT_ENDPOINT": _sub(
            f"https://${{{CHALICE_WEBSOCKET_API}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{WEBSOCKET_STAGE}"
        ),
        "STACK_NAME": {"Ref": "AWS::StackName"},  # the dimension of the EMF metrics
        # The chat events' bus (docs/events.md); only the stream function may put events on it.
        "EVENT_BUS_NAME": {"Ref": "ChatEventBus"},
        **attachments.environment(),  # the attachments bucket (chalicelib/attachments/bucket.py)
    }
    if console_origin:
        # The console's origin, answered by staff REST routes (chalicelib/entrypoints/cors.py); the same
        # value was in the environment when `chalice package` wrote the API's preflight answers.
        environment["CORS_ALLOW_ORIGIN"] = console_origin
    return environment


def table_ids() -> dict[str, str]:
    """Model table suffix → logical id: `connections` → ConnectionsTable."""
    return {table_suffix(model): table_logical_id(model) for model in ALL_MODELS}


def app_functions() -> list[str]:
    """The Lambda functions of app.py (imported here, as `chalice package` imports it)."""
    import app

    return iam.deployed_functions(app.app)


def valid_origin(origin: str) -> str:
    """`https://host[:port]` exactly (what browsers send in Origin), or ValueError."""
    parsed = urllib.parse.urlsplit(origin)
    if parsed.scheme not in ("https", "http") or not parsed.netloc or origin != f"{parsed.scheme}://{parsed.netloc}":
        raise ValueError(f"console origin must look like https://console.example.com, not {origin!r}")
    return origin


def build_template(functions: list[str] | None = None, console_origin: str | None = None) -> dict[str, Any]:
    functions = app_functions() if functions is None else functions
    console_origin = valid_origin(console_origin) if console_origin else None
    tables = _tables()
    resources: dict[str, Any] = {
        **tables,
        **_exports(),
        **(_stream_mapping(REPORT_FUNCTION, "conversations") if "report_counters" in functions else {}),
        **(_stream_mapping(TICKET_EVENTS_FUNCTION, "tickets") if "ticket_events" in functions else {}),
        **attachments.attachment_resources(with_function="attachment_check" in functions),
        **_chat_event_bus(),
        **_masking_key(),
        **_cognito(),
        **_secret(),
        **iam.function_policies(functions, table_ids(), WEBSOCKET_STAGE),
        **alarms.log_groups(functions, LOG_RETENTION_DAYS),
        **_api_gateway(),
        **alarms.alarm_resources(functions, list(tables), WEBSOCKET_STAGE),
        **hosting.hosting_resources(WEBSOCKET_STAGE),
    }
    for resource in resources.values():
        # A replacement (a changed key schema, say) must not lose what a deletion would keep.
        if "DeletionPolicy" in resource:
            policy = resource["DeletionPolicy"]
            resource["UpdateReplacePolicy"] = REPLACE_POLICY.get(policy, policy)
    outputs = {
        "WebSocketUrl": {
            "Description": "customers and agents connect here (?token=…)",
            "Value": _sub(hosting.websocket_url(WEBSOCKET_STAGE)),
        },
        "RestApiUrl": {
            "Description": "the REST API, direct",
            "Value": _sub(
                f"https://${{{CHALICE_REST_API}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{WEBSOCKET_STAGE}"
            ),
        },
        **hosting.hosting_outputs(WEBSOCKET_STAGE),
        "UserPoolId": {"Value": {"Ref": "UserPool"}},
        "UserPoolClientId": {"Value": {"Ref": "UserPoolClient"}},
        "ExportsBucketName": {"Value": {"Ref": "ExportsBucket"}},
        "ExportQueueUrl": {"Value": {"Ref": "ExportQueue"}},
        "ExportDeadLetterQueueUrl": {"Value": {"Ref": "ExportDeadLetterQueue"}},
        "MaskingKeyId": {"Value": {"Ref": "MaskingKey"}},
        "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
        "ChatEventBusName": {"Value": {"Ref": "ChatEventBus"}},
        **attachments.OUTPUTS,
    }
    return {
        "Parameters": {**alarms.PARAMETERS, **PARAMETERS, **attachments.PARAMETERS},
        "Conditions": {**alarms.CONDITIONS, **CONDITIONS, **attachments.CONDITIONS},
        "Globals": {"Function": {"Environment": {"Variables": function_environment(console_origin)}}},
        "Resources": resources,
        "Outputs": outputs,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.aws.template", description="Write the merge template.")
    parser.add_argument("--console-origin", default=None, help="origin staff REST routes answer in CORS")
    args = parser.parse_args(argv)
    json.dump(build_template(console_origin=args.console_origin), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
