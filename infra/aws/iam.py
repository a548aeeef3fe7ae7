"""Least-privilege IAM for each Lambda function, as managed policies merged into Chalice's template.

With `autogen_policy: false` Chalice gives every function its own role, `<Function>Role`, whose
inline policy is `.chalice/policy-<stage>.json` (CloudWatch Logs for this stage's functions only).
Everything else a function may do is listed here, per function, on the resources of this stack:
`FUNCTION_ACCESS` is the one place to read (and to extend when a handler starts using something).
tests/infra checks that every function of the app has an entry and that no policy in the
packaged template has a wildcard outside `ALLOWED_WILDCARDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# DynamoDB item actions. TransactWriteItems / TransactGetItems are not IAM actions: a transaction
# needs the item actions of its parts. DescribeTable: pynamodb reads the table's key schema once.
DYNAMODB_READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable")
DYNAMODB_WRITE = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)

DYNAMODB_STREAM_READ = (
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
)

SQS_CONSUME = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]

CHAT_TABLES = ("connections", "agents", "conversations", "messages", "settings")
# What services/notify.forget_connection writes when a push meets a gone connection (410).
PUSH_CLEANUP_TABLES = ("connections", "agents", "conversations")


@dataclass(frozen=True)
class Access:
    """What one function may touch. Tables are model suffixes (`connections`, `export-jobs`, …)."""

    tables_rw: tuple[str, ...] = ()
    tables_ro: tuple[str, ...] = ()
    push: bool = False  # execute-api:ManageConnections on this stack's WebSocket API
    kms: tuple[str, ...] = ()  # on the masking key
    s3_exports: tuple[str, ...] = ()  # on objects of the exports bucket
    sqs_send: bool = False  # to the export queue
    sqs_consume: bool = False  # the export queue as a Lambda event source
    s3_attachments: tuple[str, ...] = ()  # on objects of the attachments bucket
    attachment_queue: bool = False  # the attachments bucket's notification queue as an event source
    cognito_admin: tuple[str, ...] = ()  # on this stack's user pool
    token_secret: bool = False  # reads the customer-token key (issues or verifies customer sessions)
    ses_send: bool = False  # ses:SendEmail as MailFrom from the MailIdentity (the transcript e-mail)
    stream_consume: tuple[str, ...] = ()  # tables whose stream is this function's event source
    tables_add: tuple[str, ...] = ()  # only the Put and Update of a transaction (no read, no index)
    events_put: bool = False  # events:PutEvents on this stack's chat-events bus (docs/events.md)
    wallboard_signal: bool = False  # sqs:SendMessage to the wallboard queue (a change the wallboard shows)
    wallboard_consume: bool = False  # the wallboard queue as a Lambda event source


# Keys are Chalice's function names (app.py): the REST API is `api_handler`, the WebSocket
# handlers `websocket_connect|message|disconnect`, other handlers their `name=`.
FUNCTION_ACCESS: dict[str, Access] = {
    "api_handler": Access(
        # Every REST route: settings, tickets, history, masking, exports, agents.
        tables_rw=(*CHAT_TABLES, "tickets", "ticket-history", "canned-responses", "mask-audit", "export-jobs"),
        tables_ro=("report-counters",),  # GET /reports reads the counters; only the stream function writes them
        push=True,
        kms=("kms:GenerateDataKey", "kms:Decrypt"),  # mask (seal) and unmask (unseal)
        s3_exports=("s3:GetObject",),  # presigned download URLs are signed with this role
        # Presigned attachment forms (POST, with the pending tag) and views (GET) are signed with this role.
        s3_attachments=("s3:PutObject", "s3:PutObjectTagging", "s3:GetObject"),
        sqs_send=True,  # POST /exports queues a job
        wallboard_signal=True,  # PUT /me/status and the admins' account changes
        token_secret=True,  # POST /chats issues, customer routes verify session tokens
        # The admin view's staff accounts (chalicelib/auth/directory.py).
        cognito_admin=(
            "cognito-idp:ListUsers",
            "cognito-idp:ListUsersInGroup",
            "cognito-idp:AdminGetUser",
            "cognito-idp:AdminListGroupsForUser",
            "cognito-idp:AdminCreateUser",
            "cognito-idp:AdminDeleteUser",
            "cognito-idp:AdminAddUserToGroup",
            "cognito-idp:AdminRemoveUserFromGroup",
            "cognito-idp:AdminDisableUser",
            "cognito-idp:AdminEnableUser",
            "cognito-idp:AdminUserGlobalSignOut",
            # Display names (the `name` attribute): set by admins, and by each agent for themselves.
            "cognito-idp:AdminUpdateUserAttributes",
            "cognito-idp:AdminDeleteUserAttributes",
        ),
    ),
    # Verifies ?token=; an admin's connection needs an authenticator app where MFA is required.
    "websocket_connect": Access(
        tables_rw=CHAT_TABLES, push=True, token_secret=True, cognito_admin=("cognito-idp:AdminGetUser",)
    ),
    "websocket_message": Access(
        tables_rw=(*CHAT_TABLES, "mask-audit"),
        push=True,
        kms=("kms:GenerateDataKey",),  # autoMaskPii seals detected personal data on send
        tables_ro=("report-counters",),  # wallboard.subscribe answers the snapshot: today's counters
        wallboard_signal=True,  # status.set (never message.send: docs/reports.md#the-wallboard)
    ),
    "websocket_disconnect": Access(tables_rw=CHAT_TABLES, push=True),
    # The presence sweep (helper reliability's `@app.schedule`, chalicelib/services/presence.py):
    # asks the management API which cached connections are gone, sets agents offline and
    # requeues their chats. Entries for functions app.py does not have yet are ignored.
    "presence_sweep": Access(tables_rw=CHAT_TABLES, push=True, wallboard_signal=True),  # agents set offline/break
    "export_jobs": Access(
        # connections/agents/conversations: a push that meets a gone connection forgets it
        # everywhere it is cached (services/notify.forget_connection), as every pusher does.
        tables_rw=("export-jobs", *PUSH_CLEANUP_TABLES),
        # settings: the routing settings name the teams in the 팀 column (services/records.team_names).
        # report-counters: the `Report` workbook reads the counters as GET /reports does.
        tables_ro=("messages", "tickets", "settings", "report-counters"),
        push=True,  # progress and ready frames to the requesting admin
        s3_exports=("s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"),
        sqs_consume=True,
        # The transcript e-mail rides the export queue (services/transcript_mail.py): it marks the
        # chat's request sent (conversations) and sends the mail.
        ses_send=True,
    ),
    # The conversations' stream into the report counters (chalicelib/services/reports.py): it reads
    # only the records' images, never a table, and writes only counters and applied-markers.
    # It also publishes the chat events (docs/events.md) to the stack's bus, and only that bus.
    # It also signals the wallboard once per batch that changed something the wallboard shows.
    "report_counters": Access(
        tables_add=("report-counters",), stream_consume=("conversations",), events_put=True, wallboard_signal=True
    ),
    # The tickets' stream into the ticket and inquiry events: the records' images, the bus, nothing else.
    "ticket_events": Access(stream_consume=("tickets",), events_put=True),
    # The wallboard (chalicelib/services/wallboard.py): finds its viewers (connections' wallboard-index),
    # writes their throttle marks, reads the snapshot (agents, queues, settings, today's counters),
    # pushes, and queues its own delayed catch-up. agents/conversations: a push meeting a gone
    # connection forgets it everywhere it is cached (services/notify.forget_connection).
    "wallboard_updates": Access(
        tables_rw=PUSH_CLEANUP_TABLES,
        tables_ro=("settings", "report-counters"),
        push=True,
        wallboard_signal=True,
        wallboard_consume=True,
    ),
    # The attachment checker (chalicelib/services/attachments.py): reads the upload and the file, writes
    # the thumbnail, the accepted tag or deletes the file; stores the message (messages, conversations).
    "attachment_check": Access(
        tables_rw=("messages", *PUSH_CLEANUP_TABLES),
        tables_ro=("settings",),
        push=True,
        s3_attachments=(
            "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging", "s3:GetObjectTagging"
        ),
        attachment_queue=True,
    ),
}

# Wildcards AWS leaves no narrower choice for. The test fails on any other `"Action": "*"`,
# `"<service>:*"` or `"Resource": "*"` in the packaged template.
ALLOWED_WILDCARDS: tuple[dict[str, str], ...] = (
    {
        "resource": "MaskingKey",
        "where": "KeyPolicy",
        "why": "A key policy's Resource is always `*` (it means this key). `kms:*` for the account root "
        "is AWS's default key policy: without it the key could not be administered at all; "
        "functions get their KMS actions from IAM policies on the key's ARN.",
    },
)


WEBSOCKET_FUNCTIONS = {
    "$connect": "websocket_connect",
    "$default": "websocket_message",
    "$disconnect": "websocket_disconnect",
}


def app_function_names(chalice_app: Any) -> list[str]:
    """The Lambda functions `chalice package` makes of an app (tests/infra checks against Chalice's graph)."""
    names = ["api_handler"] if chalice_app.routes else []
    names += [WEBSOCKET_FUNCTIONS[route] for route in WEBSOCKET_FUNCTIONS if route in chalice_app.websocket_handlers]
    names += [source.name for source in chalice_app.event_sources]
    names += [function.name for function in chalice_app.pure_lambda_functions]
    return names


def deployed_functions(chalice_app: Any) -> list[str]:
    """The app's functions, each with its declared access; a function without an entry is an error."""
    names = app_function_names(chalice_app)
    undeclared = [n for n in names if n not in FUNCTION_ACCESS]
    if undeclared:
        raise ValueError(f"declare what {undeclared} may do in infra/aws/iam.py FUNCTION_ACCESS")
    return names


def cfn_name(name: str) -> str:
    """Chalice's to_cfn_resource_name: `export_jobs` → `ExportJobs`."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_") if part)


def function_logical_id(name: str) -> str:
    return "APIHandler" if name == "api_handler" else cfn_name(name)


def role_logical_id(name: str) -> str:
    return cfn_name(f"{name}_role")


def _table_arns(suffixes: tuple[str, ...], table_ids: dict[str, str]) -> list[Any]:
    arns: list[Any] = []
    for suffix in suffixes:
        logical_id = table_ids[suffix]
        arns.append({"Fn::GetAtt": [logical_id, "Arn"]})
        arns.append({"Fn::Sub": f"${{{logical_id}.Arn}}/index/*"})
    return arns


def policy_statements(access: Access, table_ids: dict[str, str], websocket_stage: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    if access.tables_rw:
        statements.append(
            {
                "Sid": "TablesReadWrite",
                "Effect": "Allow",
                "Action": [*DYNAMODB_READ, *DYNAMODB_WRITE],
                "Resource": _table_arns(access.tables_rw, table_ids),
            }
        )
    if access.tables_ro:
        statements.append(
            {
                "Sid": "TablesRead",
                "Effect": "Allow",
                "Action": list(DYNAMODB_READ),
                "Resource": _table_arns(access.tables_ro, table_ids),
            }
        )
    if access.push:
        statements.append(
            {
                "Sid": "PushToConnections",
                "Effect": "Allow",
                # POST, GET and DELETE on @connections: push, inspect, close.
                "Action": "execute-api:ManageConnections",
                "Resource": [
                    {
                        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
                        f"${{WebsocketAPI}}/{websocket_stage}/{method}/@connections/*"
                    }
                    for method in ("POST", "GET", "DELETE")
                ],
            }
        )
    if access.kms:
        statements.append(
            {
                "Sid": "MaskingKey",
                "Effect": "Allow",
                "Action": list(access.kms),
                "Resource": {"Fn::GetAtt": ["MaskingKey", "Arn"]},
            }
        )
    if access.s3_exports:
        statements.append(
            {
                "Sid": "ExportFiles",
                "Effect": "Allow",
                "Action": list(access.s3_exports),
                "Resource": {"Fn::Sub": "${ExportsBucket.Arn}/*"},
            }
        )
    if access.s3_attachments:
        statements.append(
            {
                "Sid": "AttachmentFiles",
                "Effect": "Allow",
                "Action": list(access.s3_attachments),
                "Resource": {"Fn::Sub": "${AttachmentsBucket.Arn}/*"},
            }
        )
    if access.attachment_queue:
        statements.append(
            {
                "Sid": "AttachmentQueue",
                "Effect": "Allow",
                "Action": [*SQS_CONSUME],
                "Resource": {"Fn::GetAtt": ["AttachmentQueue", "Arn"]},
            }
        )
    for queue, send, consume in (
        ("ExportQueue", access.sqs_send, access.sqs_consume),
        ("WallboardQueue", access.wallboard_signal, access.wallboard_consume),
    ):
        if send or consume:
            actions = ["sqs:SendMessage"] if send else []
            if consume:  # what the event source mapping does with the function's role
                actions += SQS_CONSUME
            statements.append(
                {"Sid": queue, "Effect": "Allow", "Action": actions, "Resource": {"Fn::GetAtt": [queue, "Arn"]}}
            )
    if access.tables_add:
        statements.append(
            {
                "Sid": "TablesTransactionalAdd",
                "Effect": "Allow",
                "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"],
                "Resource": [{"Fn::GetAtt": [table_ids[suffix], "Arn"]} for suffix in access.tables_add],
            }
        )
    if access.stream_consume:
        statements.append(
            {
                "Sid": "TableStreams",
                "Effect": "Allow",
                # What the event source mapping calls with the function's role to read the shards.
                "Action": list(DYNAMODB_STREAM_READ),
                "Resource": [{"Fn::GetAtt": [table_ids[suffix], "StreamArn"]} for suffix in access.stream_consume],
            }
        )
    if access.events_put:
        statements.append(
            {
                "Sid": "ChatEvents",
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Resource": {"Fn::GetAtt": ["ChatEventBus", "Arn"]},
            }
        )
    if access.token_secret:
        statements.append(
            {
                "Sid": "CustomerTokenKey",
                "Effect": "Allow",
                # Current and previous versions (rotation's grace period): chalicelib/auth/tokens.py.
                "Action": "secretsmanager:GetSecretValue",
                "Resource": {"Ref": "CustomerTokenSecret"},
            }
        )
    if access.ses_send:
        statements.append(
            {
                "Sid": "TranscriptMail",
                "Effect": "Allow",
                "Action": "ses:SendEmail",
                "Resource": {
                    "Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${MailIdentity}"
                },
                # Only as the configured sender: the function cannot send as anyone else of the identity.
                "Condition": {"StringEquals": {"ses:FromAddress": {"Ref": "MailFrom"}}},
            }
        )
    if access.cognito_admin:
        statements.append(
            {
                "Sid": "StaffAccounts",
                "Effect": "Allow",
                "Action": list(access.cognito_admin),
                "Resource": {"Fn::GetAtt": ["UserPool", "Arn"]},
            }
        )
    return statements


def policy_logical_id(name: str) -> str:
    return f"{cfn_name(name)}AccessPolicy"


def function_policies(functions: list[str], table_ids: dict[str, str], websocket_stage: str) -> dict[str, Any]:
    """One managed policy per function, attached to the role Chalice generates for it.

    Attached through the role's ManagedPolicyArns (merged into Chalice's role), not the policy's
    `Roles`: then the role depends on the policy, the function on the role and its event source
    mapping on the function, so CloudFormation creates the mapping only once the role may do what
    Lambda checks at that moment (ReceiveMessage on the queue). With `Roles`, nothing orders the
    mapping after the policy and the first deploy races it.
    """
    resources: dict[str, Any] = {}
    for name in functions:
        access = FUNCTION_ACCESS[name]
        resources[policy_logical_id(name)] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": f"What the {name} function may do (infra/aws/iam.py)",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": policy_statements(access, table_ids, websocket_stage),
                },
            },
        }
        resources[role_logical_id(name)] = {
            "Type": "AWS::IAM::Role",
            "Properties": {"ManagedPolicyArns": [{"Ref": policy_logical_id(name)}]},
        }
    return resources


def is_wildcard_action(action: str) -> bool:
    return action == "*" or action.endswith(":*")
