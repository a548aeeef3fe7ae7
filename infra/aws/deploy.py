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


def package(stage: str, out: Path | None = None) -> Path:
    """Write build/<stage>/sam.json and deployment.zip; return the directory."""
    out = out or BUILD / stage
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("TABLE_PREFIX", "AWS_ENDPOINT_URL")}
    merge = out.parent / f"merge-template-{stage}.json"
    merge.write_text(
        subprocess.run(
            [sys.executable, "-m", "infra.aws.template"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout,
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
    add_bytecode(out / "deployment.zip")
    return out


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


def deploy(stage: str, region: str | None, artifacts_bucket: str | None, alarm_email: str) -> dict[str, str]:
    out = package(stage)
    session = _session(region)
    bucket = _artifacts_bucket(session, artifacts_bucket)
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
    try:
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except cfn.exceptions.ClientError:
        status = None
    if status == "ROLLBACK_COMPLETE":
        # A first creation that failed leaves a stack that can only be deleted.
        print(f"{name} is ROLLBACK_COMPLETE after a failed creation: deleting it first")
        cfn.delete_stack(StackName=name)
        cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig={"Delay": 10, "MaxAttempts": 180})
        status = None
    change_type = "CREATE" if status in (None, "REVIEW_IN_PROGRESS") else "UPDATE"
    change_set = f"deploy-{int(time.time())}"
    cfn.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType=change_type,
        TemplateURL=template_url,
        Capabilities=CAPABILITIES,
        Parameters=[{"ParameterKey": "AlarmEmail", "ParameterValue": alarm_email}],
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
    cfn.get_waiter(waiter).wait(StackName=name, WaiterConfig={"Delay": 15, "MaxAttempts": 240})
    outputs = stack_outputs(session, stage)
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
    session = _session(region)
    outputs = stack_outputs(session, stage)
    s3 = session.client("s3")
    for key in ("SiteBucketName", "ExportsBucketName"):
        if outputs.get(key):
            _empty_bucket(s3, outputs[key])
    cfn = session.client("cloudformation")
    cfn.delete_stack(StackName=stack_name(stage))
    print(f"deleting {stack_name(stage)}…")
    cfn.get_waiter("stack_delete_complete").wait(
        StackName=stack_name(stage), WaiterConfig={"Delay": 15, "MaxAttempts": 240}
    )
    prefix = stage_environment(stage)["TABLE_PREFIX"]
    dynamodb = session.client("dynamodb")
    tables = [
        name
        for page in dynamodb.get_paginator("list_tables").paginate()
        for name in page["TableNames"]
        if name.startswith(prefix)
    ]
    if not purge_retained:
        print("Kept (DeletionPolicy Retain): tables " + ", ".join(tables))
        print(f"  user pool {outputs.get('UserPoolId')}, KMS key {outputs.get('MaskingKeyId')}")
        print("  rerun with --purge-retained to delete them too (chat records are gone for good)")
        return
    for name in tables:
        dynamodb.delete_table(TableName=name)
    if outputs.get("UserPoolId"):
        session.client("cognito-idp").delete_user_pool(UserPoolId=outputs["UserPoolId"])
    if outputs.get("MaskingKeyId"):
        # KMS never deletes at once: 7 days is the shortest waiting period.
        session.client("kms").schedule_key_deletion(KeyId=outputs["MaskingKeyId"], PendingWindowInDays=7)
    print(f"deleted tables {', '.join(tables)}, the user pool; the KMS key is scheduled for deletion in 7 days")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.aws.deploy", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("package", "deploy", "publish-frontend", "destroy"):
        command = commands.add_parser(name)
        command.add_argument("--stage", default="dev")
        if name != "package":
            command.add_argument("--region", default=None)
        if name == "deploy":
            command.add_argument("--artifacts-bucket", default=os.environ.get("DEPLOY_BUCKET") or None)
            command.add_argument("--alarm-email", default=os.environ.get("ALARM_EMAIL", ""))
        if name == "destroy":
            command.add_argument("--purge-retained", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "package":
        print(package(args.stage) / "sam.json")
    elif args.command == "deploy":
        deploy(args.stage, args.region, args.artifacts_bucket, args.alarm_email)
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
