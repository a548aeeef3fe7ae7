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
from pathlib import Path
from typing import Any

from pynamodb.models import Model

from chalicelib.config import table_name
from chalicelib.store.models import ALL_MODELS
from chalicelib.store.schema import cloudformation_table
from infra.aws import alarms, hosting, iam

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
EXPORT_MAX_RECEIVES = 3  # failed export jobs go to the DLQ after this many attempts
EXPORT_FUNCTION_TIMEOUT = 900  # .chalice/config.json lambda_functions.export_jobs.lambda_timeout
EXPORT_VISIBILITY_SECONDS = 6 * EXPORT_FUNCTION_TIMEOUT  # 6 × the function timeout, as AWS recommends for SQS → Lambda
EXPORT_FUNCTION = "ExportJobs"  # Chalice's logical id for the `export_jobs` SQS handler in app.py
EXPORT_EPHEMERAL_STORAGE_MB = 2048  # /tmp for openpyxl's uncompressed sheet files (see bench/export.py)
AGENT_GROUPS = ("agents", "admins")


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
    return {
        table_logical_id(model): cloudformation_table(
            model, _sub(f"${{AWS::StackName}}-{table_suffix(model)}")
        )
        for model in ALL_MODELS
    }


def _exports(retention_days: int = EXPORT_RETENTION_DAYS) -> dict[str, Any]:
    return {
        "ExportsBucket": {
            "Type": "AWS::S3::Bucket",
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
        # Merged into the function Chalice generates for `export_jobs`: what Chalice's config cannot say.
        EXPORT_FUNCTION: {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "EphemeralStorage": {"Size": EXPORT_EPHEMERAL_STORAGE_MB},
                "Events": {
                    f"{EXPORT_FUNCTION}SqsEventSource": {
                        "Type": "SQS",
                        # The handler answers {"batchItemFailures": [...]}: only those messages return.
                        # (The queue ARN is Chalice's, from the name; `make package` sets TABLE_PREFIX
                        # for the stage so that it names this stack's queue: tests/infra checks it.)
                        "Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]},
                    }
                },
            },
        },
    }


def _masking_key() -> dict[str, Any]:
    return {
        "MaskingKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
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
            "DeletionPolicy": "Retain",
            "Properties": {
                # Username stays the sign-in name (the e-mail): it is the agent id the app stores.
                "UserPoolName": _sub("${AWS::StackName}-users"),
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
            "Properties": {
                "Name": _sub("${AWS::StackName}/customer-token"),
                "Description": "HS256 key for customer chat session tokens",
                "GenerateSecretString": {"PasswordLength": 48, "ExcludePunctuation": True},
            },
        }
    }


def function_environment() -> dict[str, Any]:
    """Environment of every function (SAM Globals); the names are chalicelib/config.py's contract."""
    return {
        "COGNITO_USER_POOL_ID": {"Ref": "UserPool"},
        "COGNITO_CLIENT_ID": {"Ref": "UserPoolClient"},
        "EXPORTS_BUCKET": {"Ref": "ExportsBucket"},
        "EXPORT_QUEUE_URL": {"Ref": "ExportQueue"},
        "EXPORT_RETENTION_DAYS": str(EXPORT_RETENTION_DAYS),
        "MASKING_KEY_ID": {"Ref": "MaskingKey"},
        "CUSTOMER_TOKEN_SECRET": _sub("{{resolve:secretsmanager:${CustomerTokenSecret}:SecretString}}"),
        # Pushes from REST and SQS handlers need it; WebSocket handlers could derive it from the event.
        "WS_MANAGEMENT_ENDPOINT": _sub(
            f"https://${{{CHALICE_WEBSOCKET_API}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{WEBSOCKET_STAGE}"
        ),
        "STACK_NAME": {"Ref": "AWS::StackName"},  # the dimension of the EMF metrics
    }


def table_ids() -> dict[str, str]:
    """Model table suffix → logical id: `connections` → ConnectionsTable."""
    return {table_suffix(model): table_logical_id(model) for model in ALL_MODELS}


def app_functions() -> list[str]:
    """The Lambda functions of app.py (imported here, as `chalice package` imports it)."""
    import app

    return iam.deployed_functions(app.app)


def build_template(functions: list[str] | None = None) -> dict[str, Any]:
    functions = app_functions() if functions is None else functions
    tables = _tables()
    resources: dict[str, Any] = {
        **tables,
        **_exports(),
        **_masking_key(),
        **_cognito(),
        **_secret(),
        **iam.function_policies(functions, table_ids(), WEBSOCKET_STAGE),
        **alarms.log_groups(functions, LOG_RETENTION_DAYS),
        **alarms.alarm_resources(functions),
        **hosting.hosting_resources(WEBSOCKET_STAGE),
    }
    for resource in resources.values():
        # A replacement (a changed key schema, say) must not lose what a deletion would keep.
        if "DeletionPolicy" in resource:
            resource["UpdateReplacePolicy"] = resource["DeletionPolicy"]
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
    }
    return {
        "Parameters": alarms.PARAMETERS,
        "Conditions": alarms.CONDITIONS,
        "Globals": {"Function": {"Environment": {"Variables": function_environment()}}},
        "Resources": resources,
        "Outputs": outputs,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m infra.aws.template", description="Write the merge template.")
    parser.parse_args(argv)
    json.dump(build_template(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
