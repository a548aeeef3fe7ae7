"""Create in moto what infra/aws/template.py declares for AWS, by walking that same template.

Tables are created through chalicelib.store.schema.create_tables from the pynamodb models the
template's tables were derived from; the other resources are translated property by property.
Then the demo users are added (data, not infrastructure: they are not in the template).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

ACCOUNT_ID = "123456789012"  # moto's default account

DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("admin@example.com", "Admin-Passw0rd!", "admins"),
    ("agent1@example.com", "Agent1-Passw0rd!", "agents"),
    ("agent2@example.com", "Agent2-Passw0rd!", "agents"),
    ("supervisor1@example.com", "Supervisor1-Passw0rd!", "supervisors"),
)


@dataclass
class LocalStack:
    """Physical ids of the created resources, by logical id, and the resolved function environment."""

    stack_name: str
    region: str
    refs: dict[str, str] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)  # the template's defaults
    conditions: dict[str, Any] = field(default_factory=dict)


_NO_VALUE = object()  # AWS::NoValue: the property is left out


class Unresolvable(Exception):
    """A template value names something the local stack does not create (e.g. Chalice's WebsocketAPI)."""


_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


def resolve(value: Any, stack: LocalStack) -> Any:
    """Evaluate the intrinsic functions the template uses: Ref, Fn::GetAtt, Fn::Sub."""
    if isinstance(value, list):
        return [r for r in (resolve(v, stack) for v in value) if r is not _NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return _NO_VALUE if arg == "AWS::NoValue" else _ref(arg, stack)
        if key == "Fn::If":
            condition, when_true, when_false = arg
            return resolve(when_true if _condition(condition, stack) else when_false, stack)
        if key == "Fn::GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return _get_att(logical_id, attribute, stack)
        if key == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], resolve(arg[1], stack))

            def substitute(match: re.Match[str]) -> str:
                name = match.group(1)
                if name in variables:
                    return str(variables[name])
                if "." in name:
                    return str(_get_att(*name.split(".", 1), stack))
                return str(_ref(name, stack))

            return _SUB_VAR.sub(substitute, text)
    resolved = {k: resolve(v, stack) for k, v in value.items()}
    return {k: v for k, v in resolved.items() if v is not _NO_VALUE}


def _condition(name: str, stack: LocalStack) -> bool:
    """The template's Conditions (Fn::Equals, Fn::Not) on the parameters' defaults."""

    def evaluate(expression: Any) -> bool:
        ((function, args),) = expression.items()
        if function == "Fn::Equals":
            left, right = (resolve(a, stack) for a in args)
            return bool(left == right)
        if function == "Fn::Not":
            return not evaluate(args[0])
        if function == "Condition":
            return _condition(args, stack)
        raise Unresolvable(f"condition function {function}")

    return evaluate(stack.conditions[name])


def _ref(name: str, stack: LocalStack) -> str:
    pseudo = {
        "AWS::StackName": stack.stack_name,
        "AWS::Region": stack.region,
        "AWS::AccountId": ACCOUNT_ID,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
    }
    if name in pseudo:
        return pseudo[name]
    if name in stack.refs:
        return stack.refs[name]
    if name in stack.parameters:
        return stack.parameters[name]
    raise Unresolvable(name)


def _get_att(logical_id: str, attribute: str, stack: LocalStack) -> str:
    if attribute == "Arn" and logical_id in stack.arns:
        return stack.arns[logical_id]
    raise Unresolvable(f"{logical_id}.{attribute}")


def _cfn_lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    # CloudFormation's S3 lifecycle shape differs from the S3 API's.
    tags = rule.get("TagFilters") or []
    api_rule: dict[str, Any] = {
        "ID": rule.get("Id", "rule"),
        "Status": rule["Status"],
        "Filter": {"Tag": tags[0]} if len(tags) == 1 else {"Prefix": ""},
    }
    if "ExpirationInDays" in rule:
        api_rule["Expiration"] = {"Days": rule["ExpirationInDays"]}
    if "AbortIncompleteMultipartUpload" in rule:
        api_rule["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return api_rule


def _cfn_cors_rule(rule: dict[str, Any]) -> dict[str, Any]:
    origins = rule["AllowedOrigins"]
    api_rule = {
        "AllowedMethods": rule["AllowedMethods"],
        # A CommaDelimitedList parameter resolves to its default text here.
        "AllowedOrigins": origins.split(",") if isinstance(origins, str) else origins,
        "AllowedHeaders": rule.get("AllowedHeaders", []),
    }
    if "MaxAge" in rule:
        api_rule["MaxAgeSeconds"] = rule["MaxAge"]
    return api_rule


def _cfn_notifications(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "QueueConfigurations": [
            {
                "QueueArn": q["Queue"],
                "Events": [q["Event"]],
                "Filter": {"Key": {"FilterRules": q.get("Filter", {}).get("S3Key", {}).get("Rules", [])}},
            }
            for q in config.get("QueueConfigurations", [])
        ]
    }


class _Creator:
    def __init__(self, endpoint: str, stack: LocalStack) -> None:
        self.stack = stack
        self._endpoint = endpoint
        self._clients: dict[str, Any] = {}
        self.tables: list[str] = []

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = boto3.client(
                service, endpoint_url=self._endpoint, region_name=self.stack.region
            )
        return self._clients[service]

    def create(self, logical_id: str, resource: dict[str, Any]) -> None:
        handler: Callable[[str, dict[str, Any]], None] | None = getattr(
            self, "_" + resource["Type"].replace("::", "_").lower(), None
        )
        if handler is None:
            return  # IAM and such: nothing to emulate locally
        handler(logical_id, resolve(resource.get("Properties", {}), self.stack))

    # --- one method per resource type ----------------------------------------------------

    def _aws_dynamodb_table(self, logical_id: str, props: dict[str, Any]) -> None:
        # Created together afterwards through schema.create_tables (the models are the truth).
        self.tables.append(props["TableName"])
        self.stack.refs[logical_id] = props["TableName"]
        self.stack.arns[logical_id] = (
            f"arn:aws:dynamodb:{self.stack.region}:{ACCOUNT_ID}:table/{props['TableName']}"
        )

    def _aws_s3_bucket(self, logical_id: str, props: dict[str, Any]) -> None:
        name = props.get("BucketName") or f"{self.stack.stack_name}-{logical_id.lower()}"
        s3 = self.client("s3")
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.stack.region})
        if "PublicAccessBlockConfiguration" in props:
            s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
            )
        if "BucketEncryption" in props:
            s3.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    # CloudFormation says ServerSideEncryptionByDefault, the S3 API Apply…
                    "Rules": [
                        {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
                        for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                    ]
                },
            )
        if "LifecycleConfiguration" in props:
            s3.put_bucket_lifecycle_configuration(
                Bucket=name,
                LifecycleConfiguration={
                    "Rules": [_cfn_lifecycle_rule(r) for r in props["LifecycleConfiguration"]["Rules"]]
                },
            )
        if "CorsConfiguration" in props:  # the browser's presigned POST (attachments)
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [
                _cfn_cors_rule(rule) for rule in props["CorsConfiguration"]["CorsRules"]
            ]})
        if "NotificationConfiguration" in props:
            # moto delivers S3's event document to the queue, as S3 does; infra/local/sqs.py polls it.
            s3.put_bucket_notification_configuration(
                Bucket=name, NotificationConfiguration=_cfn_notifications(props["NotificationConfiguration"])
            )
        self.stack.refs[logical_id] = name
        self.stack.arns[logical_id] = f"arn:aws:s3:::{name}"

    def _aws_sqs_queue(self, logical_id: str, props: dict[str, Any]) -> None:
        name = props.get("QueueName") or f"{self.stack.stack_name}-{logical_id}"
        attributes = {
            k: (json.dumps(v) if isinstance(v, dict) else str(v).lower() if isinstance(v, bool) else str(v))
            for k, v in props.items()
            if k not in ("QueueName", "Tags")
        }
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        self.stack.refs[logical_id] = url
        self.stack.arns[logical_id] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def _aws_events_eventbus(self, logical_id: str, props: dict[str, Any]) -> None:
        # The chat events' bus (docs/events.md): `make run` publishes to moto's EventBridge too.
        name = props.get("Name") or f"{self.stack.stack_name}-{logical_id}"
        self.stack.refs[logical_id] = name
        self.stack.arns[logical_id] = self.client("events").create_event_bus(Name=name)["EventBusArn"]

    def _aws_kms_key(self, logical_id: str, props: dict[str, Any]) -> None:
        kms = self.client("kms")
        metadata = kms.create_key(
            Description=props.get("Description", ""),
            KeyUsage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
            KeySpec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
            Policy=json.dumps(props["KeyPolicy"]) if "KeyPolicy" in props else None,
        )["KeyMetadata"]
        if props.get("EnableKeyRotation"):
            kms.enable_key_rotation(KeyId=metadata["KeyId"])
        self.stack.refs[logical_id] = metadata["KeyId"]
        self.stack.arns[logical_id] = metadata["Arn"]

    def _aws_kms_alias(self, logical_id: str, props: dict[str, Any]) -> None:
        self.client("kms").create_alias(AliasName=props["AliasName"], TargetKeyId=props["TargetKeyId"])
        self.stack.refs[logical_id] = props["AliasName"]

    def _aws_cognito_userpool(self, logical_id: str, props: dict[str, Any]) -> None:
        passthrough = ("Policies", "AutoVerifiedAttributes", "AdminCreateUserConfig", "Schema")
        pool = self.client("cognito-idp").create_user_pool(
            PoolName=props["UserPoolName"], **{k: props[k] for k in passthrough if k in props}
        )["UserPool"]
        self.stack.refs[logical_id] = pool["Id"]
        self.stack.arns[logical_id] = pool["Arn"]

    def _aws_cognito_userpoolclient(self, logical_id: str, props: dict[str, Any]) -> None:
        passthrough = ("GenerateSecret", "ExplicitAuthFlows", "PreventUserExistenceErrors", "ReadAttributes")
        client = self.client("cognito-idp").create_user_pool_client(
            UserPoolId=props["UserPoolId"],
            ClientName=props["ClientName"],
            **{k: props[k] for k in passthrough if k in props},
        )["UserPoolClient"]
        self.stack.refs[logical_id] = client["ClientId"]

    def _aws_cognito_userpoolgroup(self, logical_id: str, props: dict[str, Any]) -> None:
        self.client("cognito-idp").create_group(UserPoolId=props["UserPoolId"], GroupName=props["GroupName"])
        self.stack.refs[logical_id] = props["GroupName"]

    def _aws_secretsmanager_secret(self, logical_id: str, props: dict[str, Any]) -> None:
        # As on AWS: the functions get the ARN (Ref) and read the value at run time; random per run.
        name = props.get("Name") or f"{self.stack.stack_name}-{logical_id}"
        secret = self.client("secretsmanager").create_secret(
            Name=name, Description=props.get("Description", ""), SecretString=secrets.token_urlsafe(36)
        )
        self.stack.refs[logical_id] = secret["ARN"]
        self.stack.arns[logical_id] = secret["ARN"]


def _resolve_environment(variables: dict[str, Any], stack: LocalStack) -> dict[str, str]:
    environment: dict[str, str] = {}
    for name, value in variables.items():
        try:
            resolved = str(resolve(value, stack))
        except Unresolvable:
            continue  # Chalice-generated resources (the WebSocket API): the local stack sets these itself
        if "{{resolve:" in resolved:
            # A dynamic reference would put a secret's value in the function configuration.
            raise ValueError(f"{name}: resolve secrets at run time, not into the environment")
        environment[name] = resolved
    return environment


def create_local_stack(
    endpoint: str, region: str, stack_name: str, template: dict[str, Any], models: tuple[Any, ...]
) -> LocalStack:
    """Create every template resource in moto; return their ids and the resolved function environment."""
    from chalicelib.store.schema import create_tables

    stack = LocalStack(
        stack_name=stack_name,
        region=region,
        parameters={k: v.get("Default", "") for k, v in template.get("Parameters", {}).items()},
        conditions=template.get("Conditions", {}),
    )
    creator = _Creator(endpoint, stack)
    for logical_id, resource in template["Resources"].items():
        creator.create(logical_id, resource)
    by_name = {model.Meta.table_name: model for model in models}
    missing = [name for name in creator.tables if name not in by_name]
    if missing:
        raise RuntimeError(f"template tables {missing} have no model; is TABLE_PREFIX {stack_name}-?")
    create_tables(creator.client("dynamodb"), tuple(by_name[name] for name in creator.tables))
    variables = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    stack.environment = _resolve_environment(variables, stack)
    return stack


# What customers see instead of the e-mail (the Cognito `name` attribute; editable in the admin page).
DEMO_DISPLAY_NAMES: dict[str, str] = {
    "admin@example.com": "관리자",
    "agent1@example.com": "김상담",
    "agent2@example.com": "이상담",
    "supervisor1@example.com": "최감독",  # issue #24: watches, whispers, takes over
}


def create_demo_users(endpoint: str, region: str, pool_id: str) -> None:
    cognito = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region)
    for username, password, group in DEMO_USERS:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=[
                {"Name": "email", "Value": username},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": DEMO_DISPLAY_NAMES[username]},
            ],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=username, Password=password, Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
