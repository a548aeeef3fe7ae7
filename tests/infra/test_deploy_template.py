"""The packaged template: cfn-lint clean, tables equal to the models, stages and names consistent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from infra_support import ROOT, STAGES, resources_of

from infra.aws import hosting
from infra.aws.template import EXPORT_MAX_ROWS, EXPORT_TMP_BYTES_PER_ROW_BUDGET


def test_cfn_lint_finds_no_errors(packaged: dict[str, Any]) -> None:
    files = [str(ROOT / "build" / stage / "sam.json") for stage in STAGES]
    result = subprocess.run(
        [sys.executable, "-m", "cfnlint", "--format", "json", *files], capture_output=True, text=True, timeout=300
    )
    findings = json.loads(result.stdout or "[]")
    errors = [f for f in findings if f["Level"] == "Error"]
    assert errors == [], json.dumps(errors, indent=1)[:4000]
    assert findings == [], "cfn-lint warnings: " + json.dumps(findings, indent=1)[:4000]


def test_tables_are_the_models(packaged: dict[str, Any], app_facts: dict[str, Any]) -> None:
    """Keys, attribute types, indexes (keys and projection) and TTL of every table come from a model."""
    models = app_facts["tables"]
    for stage, template in packaged.items():
        tables = resources_of(template, "AWS::DynamoDB::Table")
        assert set(tables) == set(models), stage
        for logical_id, model in models.items():
            props = tables[logical_id]["Properties"]
            expected = model["kwargs"]
            assert props["KeySchema"] == expected["KeySchema"], logical_id
            assert props["AttributeDefinitions"] == expected["AttributeDefinitions"], logical_id
            assert props.get("GlobalSecondaryIndexes", []) == expected.get("GlobalSecondaryIndexes", []), logical_id
            ttl = model["ttl"]
            assert props.get("TimeToLiveSpecification") == (
                {"AttributeName": ttl, "Enabled": True} if ttl else None
            ), logical_id
            assert props["BillingMode"] == "PAY_PER_REQUEST"
            assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
            assert props["SSESpecification"] == {"SSEEnabled": True}
            assert props["TableName"] == {"Fn::Sub": f"${{AWS::StackName}}-{model['suffix']}"}
    assert any(m["ttl"] for m in models.values()) and any(
        m["kwargs"].get("GlobalSecondaryIndexes") for m in models.values()
    )


def test_stage_names_agree(packaged: dict[str, Any]) -> None:
    """Chalice names both API stages after api_gateway_stage; pushes, IAM and outputs must use the same one."""
    for template in packaged.values():
        resources = template["Resources"]
        ws_stage = resources["WebsocketAPIStage"]["Properties"]["StageName"]
        endpoint = template["Globals"]["Function"]["Environment"]["Variables"]["WS_MANAGEMENT_ENDPOINT"]["Fn::Sub"]
        assert endpoint.endswith(f"/{ws_stage}")
        assert template["Outputs"]["WebSocketUrl"]["Value"]["Fn::Sub"].endswith(f"/{ws_stage}")
        for policy in resources_of(template, "AWS::IAM::ManagedPolicy").values():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                if statement["Action"] == "execute-api:ManageConnections":
                    for arn in statement["Resource"]:
                        assert f"${{WebsocketAPI}}/{ws_stage}/" in arn["Fn::Sub"]
        # The REST stage is what CloudFront's /api/* behaviour forwards to unchanged.
        assert resources["RestAPI"]["Properties"]["StageName"] == "api" == ws_stage
        # The export function reads this stack's queue, the resource itself (not a name that happens to exist).
        events = resources["ExportJobs"]["Properties"]["Events"]
        assert events["ExportJobsSqsEventSource"]["Properties"]["Queue"] == {"Fn::GetAtt": ["ExportQueue", "Arn"]}
        assert resources["ExportQueue"]["Properties"]["QueueName"] == {"Fn::Sub": "${AWS::StackName}-exports"}


def test_function_settings(packaged: dict[str, Any]) -> None:
    for stage, template in packaged.items():
        export = template["Resources"]["ExportJobs"]["Properties"]
        assert export["Timeout"] == 900 and export["MemorySize"] >= 1769
        # /tmp holds the uncompressed sheets: the row cap times what a row of Korean text may take.
        assert export["EphemeralStorage"]["Size"] * 1024 * 1024 >= EXPORT_MAX_ROWS * EXPORT_TMP_BYTES_PER_ROW_BUDGET
        visibility = template["Resources"]["ExportQueue"]["Properties"]["VisibilityTimeout"]
        assert visibility >= 6 * export["Timeout"]  # AWS: at least 6 × the function timeout
        if stage == "prod":
            assert export["ReservedConcurrentExecutions"] == 2
        else:  # new accounts may have a concurrency limit of 10: dev reserves nothing
            assert "ReservedConcurrentExecutions" not in export
        for function in resources_of(template, "AWS::Serverless::Function").values():
            assert function["Properties"]["Environment"]["Variables"]["TABLE_PREFIX"] == f"livechat-{stage}-"
        # The export handler returns batchItemFailures: without this, one failure redelivers the batch.
        (source,) = export["Events"].values()
        assert source["Type"] == "SQS" and source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        # Never more exports at once than prod reserves: a throttled message would spend its receives unrun.
        assert source["Properties"]["ScalingConfig"]["MaximumConcurrency"] <= 2
        (sweep,) = template["Resources"]["PresenceSweep"]["Properties"]["Events"].values()
        assert sweep == {"Type": "Schedule", "Properties": {"Schedule": "rate(2 minutes)"}}


def test_storage_and_hosting_are_private(packaged: dict[str, Any]) -> None:
    template = packaged["dev"]
    resources = template["Resources"]
    for bucket in ("ExportsBucket", "SiteBucket"):
        props = resources[bucket]["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values())
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    rule = resources["ExportsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"][0]
    assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] >= 1
    assert resources["MaskingKey"]["Properties"]["EnableKeyRotation"] is True
    dlq = resources["ExportQueue"]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]
    assert dlq == {"Fn::GetAtt": ["ExportDeadLetterQueue", "Arn"]}
    site_read = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert site_read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "AWS:SourceArn" in site_read["Condition"]["StringEquals"]
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert config["Origins"][0]["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    widget = next(b for b in config["CacheBehaviors"] if b["PathPattern"] == "/widget/*")
    assert widget["ResponseHeadersPolicyId"] == {"Ref": "WidgetHeadersPolicy"}
    cors = resources["WidgetHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["CorsConfig"]
    assert cors["AccessControlAllowOrigins"]["Items"] == ["*"]
    for output in ("WebSocketUrl", "RestApiUrl", "ConsoleUrl", "WidgetSnippet", "SiteUrl"):
        assert output in template["Outputs"]


def test_alarms_cover_queues_apis_tables_and_every_function(packaged: dict[str, Any]) -> None:
    template = packaged["dev"]
    alarms = resources_of(template, "AWS::CloudWatch::Alarm")
    functions = set(resources_of(template, "AWS::Serverless::Function"))

    def watched(metric: str, dimension: str) -> list[Any]:
        return [
            d["Value"]
            for a in alarms.values()
            if a["Properties"].get("MetricName") == metric
            for d in a["Properties"]["Dimensions"]
            if d["Name"] == dimension
        ]

    for metric in ("Errors", "Throttles"):
        assert {v["Ref"] for v in watched(metric, "FunctionName")} == functions, metric
    assert watched("ApproximateNumberOfMessagesVisible", "QueueName") == [
        {"Fn::GetAtt": ["ExportDeadLetterQueue", "QueueName"]}
    ]
    assert watched("ApproximateAgeOfOldestMessage", "QueueName") == [{"Fn::GetAtt": ["ExportQueue", "QueueName"]}]
    assert watched("5XXError", "ApiName") == [{"Fn::Sub": "${AWS::StackName}-rest"}]
    assert template["Resources"]["RestAPI"]["Properties"]["Name"] == {"Fn::Sub": "${AWS::StackName}-rest"}
    assert watched("IntegrationError", "ApiId") == [{"Ref": "WebsocketAPI"}]
    tables = set(resources_of(template, "AWS::DynamoDB::Table"))
    for kind in ("Read", "Write"):
        metrics = alarms[f"Dynamodb{kind}ThrottleAlarm"]["Properties"]["Metrics"]
        summed = {m["MetricStat"]["Metric"]["Dimensions"][0]["Value"]["Ref"] for m in metrics if "MetricStat" in m}
        assert summed == tables, kind
        assert {m["MetricStat"]["Metric"]["MetricName"] for m in metrics if "MetricStat" in m} == {
            f"{kind}ThrottleEvents"
        }


def test_the_exports_bucket_refuses_plain_http(packaged: dict[str, Any]) -> None:
    for bucket, policy in (("ExportsBucket", "ExportsBucketPolicy"), ("SiteBucket", "SiteBucketPolicy")):
        statements = packaged["dev"]["Resources"][policy]["Properties"]["PolicyDocument"]["Statement"]
        deny = next(s for s in statements if s["Effect"] == "Deny")
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert deny["Resource"] == [{"Fn::Sub": f"${{{bucket}.Arn}}"}, {"Fn::Sub": f"${{{bucket}.Arn}}/*"}]


def test_staff_sign_in_settings(packaged: dict[str, Any]) -> None:
    template = packaged["dev"]
    pool = template["Resources"]["UserPool"]["Properties"]
    assert pool["MfaConfiguration"] == {"Ref": "StaffMfa"}
    assert template["Parameters"]["StaffMfa"]["Default"] == "OPTIONAL"
    assert pool["EnabledMfas"]["Fn::If"][1] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["DeletionProtection"] == {"Fn::If": ["ProtectFromDeletion", "ACTIVE", "INACTIVE"]}
    assert template["Parameters"]["ThreatProtection"]["Default"] == "OFF"  # opt-in: it moves the pool to Plus
    assert pool["UserPoolTier"] == {"Fn::If": ["HasThreatProtection", "PLUS", "ESSENTIALS"]}


def _header_names(config: dict[str, Any]) -> set[str]:
    typed = {
        "ContentSecurityPolicy": "content-security-policy",
        "ContentTypeOptions": "x-content-type-options",
        "ReferrerPolicy": "referrer-policy",
        "FrameOptions": "x-frame-options",
        "StrictTransportSecurity": "strict-transport-security",
    }
    names = {typed[k] for k in config.get("SecurityHeadersConfig", {})}
    names |= {h["Header"].lower() for h in config.get("CustomHeadersConfig", {}).get("Items", [])}
    if "CorsConfig" in config:
        names.add("access-control-allow-origin")
    return names


def test_response_headers_policies_send_every_security_header() -> None:
    spec = json.loads((ROOT / "infra" / "security_headers.json").read_text())
    https = {h.lower() for h in spec["httpsOnly"]}
    for name in ("pages", "widget"):
        headers = hosting.deployed_headers("api")[0 if name == "pages" else 1]
        config = hosting.headers_policy_config(name, headers)
        assert _header_names(config) == {h.lower() for h in spec[name]} | https
    pages = hosting.headers_policy_config("pages", hosting.deployed_headers("api")[0])
    csp = pages["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    assert "wss://${WebsocketAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}" in csp
    assert "https://cognito-idp.${AWS::Region}.amazonaws.com" in csp
    assert "{" not in csp.replace("${", "")  # no placeholder left unfilled


def test_committed_merge_template_is_current() -> None:
    written = subprocess.run(
        [sys.executable, "-m", "infra.aws.template"],
        cwd=ROOT,
        env={k: v for k, v in __import__("os").environ.items() if k != "TABLE_PREFIX"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(written) == json.loads(Path(ROOT / "infra/aws/resources.json").read_text()), (
        "python -m infra.aws.template > infra/aws/resources.json"
    )


def test_lambda_package_is_the_app_and_its_runtime_dependencies(packaged: dict[str, Any]) -> None:
    import zipfile

    path = ROOT / "build" / "dev" / "deployment.zip"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        unzipped = sum(info.file_size for info in archive.infolist())
    assert unzipped < 250 * 1024 * 1024  # Lambda's limit for a function's unzipped code
    assert path.stat().st_size < 50 * 1024 * 1024  # direct-upload limit: room to spare
    top = {name.split("/", 1)[0] for name in names}
    assert {"app.py", "chalicelib"} <= top
    assert not top & {"infra", "tests", "bench", "frontend", "moto", "pytest", "playwright", "cfnlint"}
    assert "chalicelib/observability.py" in names and "chalice/app.py" in names  # Chalice ships its runtime
    # boto3 travels with the botocore it was released with (never the runtime's boto3 on our botocore).
    with zipfile.ZipFile(path) as archive:
        versions = {
            name.split("-")[0]: name.split("-")[1].removesuffix(".dist-info/METADATA")
            for name in names
            if name.endswith(".dist-info/METADATA") and name.split("-")[0] in ("boto3", "botocore", "s3transfer")
        }
        assert "boto3/__init__.py" in names and "botocore/__init__.py" in names and "s3transfer/__init__.py" in names
        assert archive.read("boto3/__init__.py")
    assert set(versions) == {"boto3", "botocore", "s3transfer"}, versions
    assert versions["boto3"] == versions["botocore"], versions  # boto3 1.x.y is released with botocore 1.x.y
