"""Create the emulated AWS resources in moto: tables from the models, bucket, queue, key, user pool.

Tables come from chalicelib.store.schema (the same definitions the AWS template uses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from chalicelib.store.models import ALL_MODELS
from chalicelib.store.schema import create_tables

DEMO_USERS = (
    ("admin@example.com", "Admin-Passw0rd!", "admins"),
    ("agent1@example.com", "Agent1-Passw0rd!", "agents"),
    ("agent2@example.com", "Agent2-Passw0rd!", "agents"),
)


@dataclass(frozen=True)
class LocalResources:
    user_pool_id: str
    client_id: str
    exports_bucket: str
    export_queue_url: str
    masking_key_id: str


def create_resources(endpoint: str, region: str, prefix: str) -> LocalResources:
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=endpoint, region_name=region)

    create_tables(client("dynamodb"), ALL_MODELS)
    bucket = f"{prefix}exports"
    client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    sqs = client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"{prefix}exports-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(
        QueueName=f"{prefix}exports",
        Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"3"}}'},
    )["QueueUrl"]
    key_id = client("kms").create_key(Description="livechat masking key")["KeyMetadata"]["KeyId"]
    cognito = client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName=f"{prefix}users")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="console",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for group in ("agents", "admins"):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    for username, password, group in DEMO_USERS:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=[{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
    return LocalResources(pool_id, client_id, bucket, queue_url, key_id)
