"""Package, deploy, publish and remove the product on AWS (the Makefile's package/deploy/publish-frontend/destroy).

    python -m infra.aws.deploy package --stage dev          # no credentials, no AWS calls
    python -m infra.aws.deploy deploy --stage dev [--alarm-email ops@example.com]
    python -m infra.aws.deploy publish-frontend --stage dev
    python -m infra.aws.deploy destroy --stage dev [--purge-retained]

The stack is `livechat-<stage>`: its tables are `livechat-<stage>-<suffix>`, what TABLE_PREFIX of
the stage in .chalice/config.json names. Only boto3 is needed (no AWS CLI, no SAM CLI):
CloudFormation runs the SAM transform itself.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import marshal
import mimetypes
import os
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
FRONTEND = ROOT / "frontend"
DEFAULT_REGION = "ap-northeast-2"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]

# No build step, so file names carry no content hash: pages and config revalidate every time,
# scripts and styles after five minutes (the widget on customers' sites picks up a release fast).
CACHE_CONTROL = {
    ".html": "no-cache",
    ".json": "no-cache",
    ".js": "public, max-age=300, must-revalidate",
    ".css": "public, max-age=300, must-revalidate",
}
DEFAULT_CACHE_CONTROL = "public, max-age=3600"
LOCAL_WS_URL = "ws://127.0.0.1:8000/ws"  # what frontend/index.html's snippet names (infra/local/static.py)

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/json", ".json")
mimetypes.add_type("image/svg+xml", ".svg")


def stack_name(stage: str) -> str:
    return f"livechat-{stage}"


def stage_environment(stage: str) -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    if stage not in config.get("stages", {}):
        raise SystemExit(f"unknown stage {stage!r}; .chalice/config.json has {', '.join(config['stages'])}")
    return {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}


# --- package (offline) ---------------------------------------------------------------------


def package(stage: str, out: Path | None = None, console_origin: str | None = None) -> Path:
    """Write build/<stage>/sam.json and deployment.zip; return the directory.

    `console_origin` (e.g. `https://d123.cloudfront.net`) is what staff REST routes answer in CORS:
    both in the API's preflight answers (Chalice writes them from CORS_ALLOW_ORIGIN at package time)
    and in the functions' environment (their own answers). None: `*`.
    """
    out = out or BUILD / stage
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {
        k: v for k, v in os.environ.items() if k not in ("TABLE_PREFIX", "AWS_ENDPOINT_URL", "CORS_ALLOW_ORIGIN")
    }
    template_args = [sys.executable, "-m", "infra.aws.template"]
    if console_origin:
        env["CORS_ALLOW_ORIGIN"] = console_origin
        template_args += ["--console-origin", console_origin]
    merge = out.parent / f"merge-template-{stage}.json"
    merge.write_text(
        subprocess.run(template_args, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout,
        encoding="utf-8",
    )
    # The export handler's queue name follows TABLE_PREFIX (chalicelib/export/options.py);
    # Chalice reads no credentials when packaging, only a region.
    env["TABLE_PREFIX"] = stage_environment(stage)["TABLE_PREFIX"]
    env.setdefault("AWS_DEFAULT_REGION", env.get("AWS_REGION", DEFAULT_REGION))
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run(
        [str(chalice), "package", "--stage", stage, "--merge-template", str(merge), str(out)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    sam = out / "sam.json"
    sam.write_text(json.dumps(link_event_queues(json.loads(sam.read_text(encoding="utf-8"))), indent=2), "utf-8")
    add_bytecode(out / "deployment.zip")
    return out


def link_event_queues(template: dict[str, Any]) -> dict[str, Any]:
    """Point every SQS event source at its queue resource (GetAtt) instead of Chalice's ARN from a name.

    Chalice writes `arn:…:sqs:${AWS::Region}:${AWS::AccountId}:<name>`: a string that names the queue
    but does not reference it, so CloudFormation may create the event source mapping before the queue
    exists (and would silently bind another stack's queue of that name). A merge template cannot
    replace it (Chalice deep-merges dicts), hence this step. An ARN naming no queue of the template
    stops the build.
    """
    resources = template["Resources"]
    queues = {
        props["QueueName"]["Fn::Sub"].replace("${AWS::StackName}", "STACK"): logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::SQS::Queue" and isinstance(props := resource.get("Properties", {}), dict)
        and isinstance(props.get("QueueName"), dict)
    }
    for resource in resources.values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] != "SQS" or "Fn::Sub" not in event["Properties"].get("Queue", {}):
                continue
            name = event["Properties"]["Queue"]["Fn::Sub"].rsplit(":", 1)[1]
            matches = [lid for pattern, lid in queues.items() if _names_queue(pattern, name)]
            if len(matches) != 1:
                raise SystemExit(f"SQS event source on {name!r} names no queue of the template (found {matches})")
            event["Properties"]["Queue"] = {"Fn::GetAtt": [matches[0], "Arn"]}
    return template


def _names_queue(pattern: str, name: str) -> bool:
    """Does `STACK-exports` (the template's `${AWS::StackName}-exports`) name `livechat-dev-exports`?"""
    prefix, _, suffix = pattern.partition("STACK")
    return name.startswith(prefix) and name.endswith(suffix) and len(name) > len(prefix) + len(suffix)


def add_bytecode(package: Path) -> int:
    """Add a compiled `__pycache__/*.pyc` beside every `.py` file of a Lambda package; return how many.

    Lambda's code directory is read-only, so without them every cold start compiles each module it
    imports (app.py, chalicelib, Chalice's app.py, botocore, pynamodb: all ship as source) and can
    never cache the result. The files are hash-based and unchecked (PEP 552): valid whatever the
    timestamps after unzipping. Chalice takes the function runtime from this interpreter's version
    (python3.11), so the runtime reads them; another version would ignore them and compile as before.
    """
    header = importlib.util.MAGIC_NUMBER + (0b01).to_bytes(4, "little")  # hash-based, source not checked
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        sources = [(info, archive.read(info)) for info in archive.infolist() if info.filename.endswith(".py")]
    added = 0
    with zipfile.ZipFile(package, "a", zipfile.ZIP_DEFLATED) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # third-party sources' SyntaxWarnings (escape sequences)
        for info, source in sources:
            cached = importlib.util.cache_from_source(info.filename)
            if cached in names:
                continue
            try:
                code = compile(source, info.filename, "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue  # not importable by this Python anyway (e.g. a file for another version)
            entry = zipfile.ZipInfo(cached, date_time=info.date_time)  # same bytes for the same sources
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, header + importlib.util.source_hash(source) + marshal.dumps(code))
            added += 1
    return added


# --- deploy -------------------------------------------------------------------------------


def _session(region: str | None) -> Any:
    import boto3

    return boto3.session.Session(region_name=region or os.environ.get("AWS_REGION") or DEFAULT_REGION)


def _artifacts_bucket(session: Any, name: str | None) -> str:
    s3 = session.client("s3")
    if name:
        return name
    account = session.client("sts").get_caller_identity()["Account"]
    name = f"livechat-deploy-{account}-{session.region_name}"
    try:
        s3.head_bucket(Bucket=name)
    except s3.exceptions.ClientError:
        kwargs: dict[str, Any] = {"Bucket": name}
        if session.region_name != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": session.region_name}
        s3.create_bucket(**kwargs)
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
    return name


def with_code_uri(template: dict[str, Any], uri: str) -> dict[str, Any]:
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = uri
    return template


TERMINAL_FAILED = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_FAILED")
QUEUE_NAME_REUSE_SECONDS = 61  # SQS refuses a queue name for 60 s after a queue of that name was deleted


def stack_status(cfn: Any, name: str) -> str | None:
    try:
        return str(cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])
    except cfn.exceptions.ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise


def failure_reasons(cfn: Any, name: str, limit: int = 5) -> list[str]:
    """The first resources that failed in the latest operation, oldest first: what to fix."""
    try:
        events = cfn.describe_stack_events(StackName=name)["StackEvents"]
    except cfn.exceptions.ClientError:
        return []
    failed = [e for e in events if str(e.get("ResourceStatus", "")).endswith("_FAILED")]
    return [
        f"{e['LogicalResourceId']} ({e.get('ResourceType', '')}): {e.get('ResourceStatusReason', '')}"
        for e in reversed(failed[-limit:])
    ]


def prepare_stack(cfn: Any, name: str, sleep: Any = time.sleep, delay: float = 15) -> str:
    """Bring the stack to where a change set can apply; return its type, CREATE or UPDATE.

    - none, or REVIEW_IN_PROGRESS (a change set never executed): CREATE;
    - an operation in progress: wait for it to end, then decide;
    - a creation that failed (ROLLBACK_COMPLETE/ROLLBACK_FAILED/CREATE_FAILED) or a deletion that did
      (DELETE_FAILED): such a stack can only be deleted. Deleted, then CREATE. The rollback left
      nothing behind (RetainExceptOnCreate; no fixed secret name), but SQS keeps a deleted queue's
      name for 60 s, so the new creation waits that long after the deletion;
    - UPDATE_ROLLBACK_FAILED: continue the rollback, then UPDATE;
    - anything else (…_COMPLETE): UPDATE.
    """
    for _ in range(400):
        status = stack_status(cfn, name)
        if status in (None, "REVIEW_IN_PROGRESS"):
            return "CREATE"
        if status.endswith("_IN_PROGRESS"):
            print(f"{name} is {status}: waiting for it to finish")
            sleep(delay)
            continue
        if status in TERMINAL_FAILED:
            for reason in failure_reasons(cfn, name):
                print(f"  earlier failure: {reason}")
            print(f"{name} is {status}: deleting it before creating it again")
            cfn.delete_stack(StackName=name)
            cfn.get_waiter("stack_delete_complete").wait(
                StackName=name, WaiterConfig={"Delay": 10, "MaxAttempts": 360}
            )
            sleep(QUEUE_NAME_REUSE_SECONDS)
            return "CREATE"
        if status == "UPDATE_ROLLBACK_FAILED":
            print(f"{name} is UPDATE_ROLLBACK_FAILED: continuing the rollback")
            cfn.continue_update_rollback(StackName=name)
            continue
        return "UPDATE"
    raise SystemExit(f"{name} stayed in progress too long; check the CloudFormation console")


def leftover_resources(session: Any, stage: str) -> list[str]:
    """What an earlier stack of this stage left that a new creation would collide with (fixed names)."""
    prefix = stage_environment(stage)["TABLE_PREFIX"]
    return [
        f"table {name}"
        for page in session.client("dynamodb").get_paginator("list_tables").paginate()
        for name in page["TableNames"]
        if name.startswith(prefix)
    ]


def site_origin(outputs: dict[str, str]) -> str | None:
    """`https://d123.cloudfront.net` from the SiteUrl output (the console's origin), if the stack has one."""
    url = outputs.get("SiteUrl", "")
    return url.rstrip("/") if url.startswith("https://") and url.count("/") == 3 else None


def stack_parameters(
    change_type: str, alarm_email: str, deletion_protection: bool, overrides: dict[str, str]
) -> list[dict[str, Any]]:
    """A creation is never deletion-protected (its rollback must be able to delete everything);
    the second phase, and every update, sets the wanted value. Parameters not given keep their
    previous value on an update (an update that omits one would reset it to the default)."""
    values = {
        "AlarmEmail": alarm_email,
        "DeletionProtection": "false" if change_type == "CREATE" else str(deletion_protection).lower(),
        **overrides,
    }
    parameters = [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]
    if change_type == "UPDATE":
        parameters += [
            {"ParameterKey": k, "UsePreviousValue": True}
            for k in ("StaffMfa", "AdminMfa", "ThreatProtection", "MailFrom", "MailIdentity")
            if k not in values
        ]
    return parameters


def _apply(
    session: Any,
    stage: str,
    bucket: str,
    change_type: str,
    console_origin: str | None,
    parameters: list[dict[str, Any]],
) -> dict[str, str]:
    """Package, upload, create and execute one change set; wait; return the outputs."""
    out = package(stage, console_origin=console_origin)
    s3 = session.client("s3")
    code = (out / "deployment.zip").read_bytes()
    code_key = f"{stack_name(stage)}/{hashlib.sha256(code).hexdigest()}.zip"
    s3.put_object(Bucket=bucket, Key=code_key, Body=code)
    template = with_code_uri(json.loads((out / "sam.json").read_text()), f"s3://{bucket}/{code_key}")
    body = json.dumps(template).encode()
    # Over CloudFormation's 51,200-byte inline limit: the template goes through S3 too.
    template_key = f"{stack_name(stage)}/{hashlib.sha256(body).hexdigest()}.template.json"
    s3.put_object(Bucket=bucket, Key=template_key, Body=body)
    template_url = f"https://{bucket}.s3.{session.region_name}.amazonaws.com/{template_key}"
    cfn = session.client("cloudformation")
    name = stack_name(stage)
    change_set = f"deploy-{int(time.time())}"
    cfn.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType=change_type,
        TemplateURL=template_url,
        Capabilities=CAPABILITIES,
        Parameters=parameters,
        Tags=[{"Key": "app", "Value": "livechat"}, {"Key": "stage", "Value": stage}],
    )
    try:
        cfn.get_waiter("change_set_create_complete").wait(
            StackName=name, ChangeSetName=change_set, WaiterConfig={"Delay": 5, "MaxAttempts": 120}
        )
    except Exception:  # noqa: BLE001 - "no changes" ends the waiter with a failed change set
        reason = cfn.describe_change_set(StackName=name, ChangeSetName=change_set).get("StatusReason", "")
        if "didn't contain changes" in reason or "No updates" in reason:
            print("No changes.")
            return stack_outputs(session, stage)
        raise SystemExit(f"change set failed: {reason}") from None
    cfn.execute_change_set(StackName=name, ChangeSetName=change_set)
    waiter = "stack_create_complete" if change_type == "CREATE" else "stack_update_complete"
    print(f"{change_type.lower()} {name}: waiting for CloudFormation (CloudFront takes several minutes)…")
    try:
        cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig={"Delay": 15, "MaxAttempts": 240})
    except Exception:  # noqa: BLE001 - the waiter ends on any failed state; say why and how to go on
        for reason in failure_reasons(cfn, name):
            print(f"  failed: {reason}")
        raise SystemExit(
            f"{name} is {stack_status(cfn, name)}. Fix the cause above and run `make deploy STAGE={stage}` "
            "again: a rolled-back creation is deleted first (docs/deploy.md, 'When a deploy fails')."
        ) from None
    return stack_outputs(session, stage)


def deploy(
    stage: str,
    region: str | None,
    artifacts_bucket: str | None,
    alarm_email: str,
    console_origin: str | None = None,
    deletion_protection: bool = True,
    overrides: dict[str, str] | None = None,
) -> dict[str, str]:
    """Create or update the stack. A creation has two phases: the stack first, then an update that
    sets what needs the stack's own outputs or must not be on during a creation: the console's
    origin for CORS (CloudFront's domain exists only once the distribution does, and the
    distribution depends on the API, so the API cannot name it in the same operation) and
    deletion protection (a protected table would make the creation's rollback fail)."""
    session = _session(region)
    cfn = session.client("cloudformation")
    name = stack_name(stage)
    change_type = prepare_stack(cfn, name)
    if change_type == "CREATE":
        leftovers = leftover_resources(session, stage)
        if leftovers:
            raise SystemExit(
                f"{name} does not exist, but an earlier one left: {', '.join(leftovers)}. A new creation would "
                f"fail on their names. Delete them (`make destroy STAGE={stage} PURGE=1`, data lost) or keep them "
                "and deploy another stage; docs/deploy.md, 'Out again'."
            )
    bucket = _artifacts_bucket(session, artifacts_bucket)
    overrides = overrides or {}
    origin = console_origin
    if change_type == "UPDATE" and not origin:
        origin = site_origin(stack_outputs(session, stage))
    outputs = _apply(
        session, stage, bucket, change_type, origin,
        stack_parameters(change_type, alarm_email, deletion_protection, overrides),
    )
    if change_type == "CREATE":
        origin = console_origin or site_origin(outputs)
        print(f"second phase: CORS origin {origin}, deletion protection {str(deletion_protection).lower()}")
        outputs = _apply(
            session, stage, bucket, "UPDATE", origin,
            stack_parameters("UPDATE", alarm_email, deletion_protection, overrides),
        )
    for key in ("SiteUrl", "ConsoleUrl", "AdminUrl", "WebSocketUrl", "RestApiUrl", "WidgetSnippet"):
        print(f"{key}: {outputs.get(key, '')}")
    return outputs


def stack_outputs(session: Any, stage: str) -> dict[str, str]:
    stack = session.client("cloudformation").describe_stacks(StackName=stack_name(stage))["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


# --- publish-frontend ------------------------------------------------------------------------


def runtime_config(outputs: dict[str, str], region: str) -> dict[str, Any]:
    """/config.json: the same keys as the local stack's (infra/local/__main__.py runtime_config)."""
    return {
        "api": outputs["SiteApiUrl"],
        "websocket": outputs["WebSocketUrl"],
        "cognito": {
            "region": region,
            "userPoolId": outputs["UserPoolId"],
            "clientId": outputs["UserPoolClientId"],
            "endpoint": f"https://cognito-idp.{region}.amazonaws.com/",
        },
        # Where attachments go to and come from (the pages' CSP names it: infra/aws/hosting.py).
        "attachmentsOrigin": f"https://{outputs.get('AttachmentsBucketName', '')}.s3.{region}.amazonaws.com",
    }


def cache_control(key: str) -> str:
    return CACHE_CONTROL.get(Path(key).suffix.lower(), DEFAULT_CACHE_CONTROL)


def content_type(key: str) -> str:
    kind = mimetypes.guess_type(key)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/json", "image/svg+xml"):
        kind += "; charset=utf-8"
    return kind


def site_files(root: Path, outputs: dict[str, str]) -> dict[str, bytes]:
    """Object key → body: frontend/ with the page snippet's WebSocket URL made the stack's."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        key = path.relative_to(root).as_posix()
        data = path.read_bytes()
        if key.endswith(".html"):
            data = data.replace(LOCAL_WS_URL.encode(), outputs["WebSocketUrl"].encode())
        files[key] = data
    return files


def publish(s3: Any, cloudfront: Any, outputs: dict[str, str], region: str, root: Path = FRONTEND) -> list[str]:
    """Upload the site, write config.json, delete what frontend/ no longer has, invalidate the cache."""
    bucket = outputs["SiteBucketName"]
    files = site_files(root, outputs)
    files["config.json"] = json.dumps(runtime_config(outputs, region), indent=2).encode()
    for key, body in files.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type(key), CacheControl=cache_control(key))
    stale = [
        obj["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for obj in page.get("Contents", [])
        if obj["Key"] not in files
    ]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[start : start + 1000]]})
    cloudfront.create_invalidation(
        DistributionId=outputs["SiteDistributionId"],
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time_ns())},
    )
    return sorted(files)


# --- destroy --------------------------------------------------------------------------------


def _empty_bucket(s3: Any, bucket: str) -> None:
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        objects = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})


def destroy(stage: str, region: str | None, purge_retained: bool) -> None:
    """Delete the stack; with `purge_retained` also what it keeps on deletion (data, accounts, key).

    Works on a stack in any end state (a failed creation too) and, with `purge_retained`, when the
    stack is already gone but its kept resources are not."""
    session = _session(region)
    cfn = session.client("cloudformation")
    name = stack_name(stage)
    outputs: dict[str, str] = {}
    if stack_status(cfn, name) is not None:
        outputs = stack_outputs(session, stage)
        s3 = session.client("s3")
        for key in ("SiteBucketName", "ExportsBucketName"):
            if outputs.get(key):
                _empty_bucket(s3, outputs[key])
        cfn.delete_stack(StackName=name)
        print(f"deleting {name}…")
        cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig={"Delay": 15, "MaxAttempts": 240})
    kept = kept_resources(session, stage, outputs)
    if not purge_retained:
        print("Kept (DeletionPolicy RetainExceptOnCreate): " + ("; ".join(kept) or "nothing"))
        print(f"  `make destroy STAGE={stage} PURGE=1` deletes them too (chat records are gone for good)")
        return
    purge(session, stage, outputs)


def kept_resources(session: Any, stage: str, outputs: dict[str, str]) -> list[str]:
    kept = leftover_resources(session, stage)
    if outputs.get("UserPoolId"):
        kept.append(f"user pool {outputs['UserPoolId']}")
    if outputs.get("MaskingKeyId"):
        kept.append(f"KMS key {outputs['MaskingKeyId']} (1 USD a month until deleted)")
    return kept


def purge(session: Any, stage: str, outputs: dict[str, str]) -> None:
    """Delete the kept tables and user pool (deletion protection off first) and schedule the key's deletion."""
    prefix = stage_environment(stage)["TABLE_PREFIX"]
    dynamodb = session.client("dynamodb")
    tables = [t.removeprefix("table ") for t in leftover_resources(session, stage)]
    for table in tables:
        dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
        dynamodb.delete_table(TableName=table)
    idp = session.client("cognito-idp")
    pools = [outputs["UserPoolId"]] if outputs.get("UserPoolId") else []
    pools += [
        pool["Id"]
        for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60)
        for pool in page["UserPools"]
        if pool["Name"] == f"{stack_name(stage)}-users" and pool["Id"] not in pools
    ]
    for pool_id in pools:
        # UpdateUserPool resets what it is not given; the pool is deleted next, so only this matters.
        idp.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
        idp.delete_user_pool(UserPoolId=pool_id)
    if outputs.get("MaskingKeyId"):
        # KMS never deletes at once: 7 days is the shortest waiting period.
        session.client("kms").schedule_key_deletion(KeyId=outputs["MaskingKeyId"], PendingWindowInDays=7)
    print(
        f"deleted tables {', '.join(tables) or '(none)'} (prefix {prefix}), user pools {', '.join(pools) or '(none)'}"
        + ("; the KMS key is scheduled for deletion in 7 days" if outputs.get("MaskingKeyId") else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.aws.deploy", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("package", "deploy", "publish-frontend", "destroy"):
        command = commands.add_parser(name)
        command.add_argument("--stage", default="dev")
        if name != "package":
            command.add_argument("--region", default=None)
        if name in ("package", "deploy"):
            # A custom domain in front of the distribution; default: the distribution's own domain
            # (deploy reads it from the stack), none for package.
            command.add_argument("--console-origin", default=os.environ.get("CONSOLE_ORIGIN") or None)
        if name == "deploy":
            command.add_argument("--artifacts-bucket", default=os.environ.get("DEPLOY_BUCKET") or None)
            command.add_argument("--alarm-email", default=os.environ.get("ALARM_EMAIL", ""))
            command.add_argument(
                "--deletion-protection",
                choices=("true", "false"),
                default=os.environ.get("DELETION_PROTECTION") or "true",
            )
            command.add_argument("--staff-mfa", choices=("OFF", "OPTIONAL", "ON"), default=os.environ.get("STAFF_MFA"))
            command.add_argument("--admin-mfa", choices=("REQUIRED", "OPTIONAL"), default=os.environ.get("ADMIN_MFA"))
            command.add_argument(
                "--threat-protection", choices=("OFF", "AUDIT", "ENFORCED"), default=os.environ.get("THREAT_PROTECTION")
            )
            # The transcript e-mail's sender and its verified SES identity (docs/deploy.md).
            command.add_argument("--mail-from", default=os.environ.get("MAIL_FROM") or None)
            command.add_argument("--mail-identity", default=os.environ.get("MAIL_IDENTITY") or None)
        if name == "destroy":
            command.add_argument("--purge-retained", action="store_true", default=bool(os.environ.get("PURGE")))
    args = parser.parse_args(argv)
    if args.command == "package":
        print(package(args.stage, console_origin=args.console_origin) / "sam.json")
    elif args.command == "deploy":
        overrides = {
            key: value
            for key, value in (
                ("StaffMfa", args.staff_mfa),
                ("AdminMfa", args.admin_mfa),
                ("ThreatProtection", args.threat_protection),
                ("MailFrom", args.mail_from),
                ("MailIdentity", args.mail_identity),
            )
            if value
        }
        deploy(
            args.stage,
            args.region,
            args.artifacts_bucket,
            args.alarm_email,
            console_origin=args.console_origin,
            deletion_protection=args.deletion_protection == "true",
            overrides=overrides,
        )
    elif args.command == "publish-frontend":
        session = _session(args.region)
        keys = publish(
            session.client("s3"), session.client("cloudfront"), stack_outputs(session, args.stage), session.region_name
        )
        print(f"published {len(keys)} files; {stack_outputs(session, args.stage).get('SiteUrl', '')}")
    else:
        destroy(args.stage, args.region, args.purge_retained)
    return 0


if __name__ == "__main__":
    sys.exit(main())
