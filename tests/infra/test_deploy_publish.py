"""`make publish-frontend`: content types, cache headers, config.json, the snippet, invalidation (moto)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from infra_support import ROOT
from moto import mock_aws

from infra.aws import deploy
from infra.local.__main__ import runtime_config as local_runtime_config

REGION = "ap-northeast-2"


@pytest.fixture
def site() -> Any:
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket="site", Key="old/gone.js", Body=b"x")  # a file frontend/ no longer has
        cloudfront = boto3.client("cloudfront", region_name=REGION)
        distribution = cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": "test",
                "Comment": "",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "site",
                            "DomainName": "site.s3.amazonaws.com",
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        }
                    ],
                },
                "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https"},
            }
        )["Distribution"]
        outputs = {
            "SiteBucketName": "site",
            "SiteDistributionId": distribution["Id"],
            "SiteApiUrl": "https://d111.cloudfront.net/api",
            "WebSocketUrl": "wss://abc123.execute-api.ap-northeast-2.amazonaws.com/api",
            "UserPoolId": "ap-northeast-2_pool",
            "UserPoolClientId": "client123",
        }
        yield s3, cloudfront, outputs


def test_publish_uploads_the_site_and_its_configuration(site: Any) -> None:
    s3, cloudfront, outputs = site
    keys = deploy.publish(s3, cloudfront, outputs, REGION)
    frontend = {p.relative_to(ROOT / "frontend").as_posix() for p in (ROOT / "frontend").rglob("*") if p.is_file()}
    assert set(keys) == frontend | {"config.json"}
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket="site")["Contents"]}
    assert listed == set(keys)  # the stale file is gone

    config_object = s3.get_object(Bucket="site", Key="config.json")
    config = json.loads(config_object["Body"].read())
    assert config_object["CacheControl"] == "no-cache"
    local = local_runtime_config(
        {"api": "", "websocket": "", "region": REGION, "userPoolId": "", "clientId": "", "awsEndpoint": ""}
    )
    assert set(config) == set(local) and set(config["cognito"]) == set(local["cognito"])  # same contract
    assert config["websocket"] == outputs["WebSocketUrl"]
    assert config["cognito"] == {
        "region": REGION,
        "userPoolId": "ap-northeast-2_pool",
        "clientId": "client123",
        "endpoint": "https://cognito-idp.ap-northeast-2.amazonaws.com/",
    }

    page = s3.get_object(Bucket="site", Key="index.html")
    assert page["ContentType"] == "text/html; charset=utf-8" and page["CacheControl"] == "no-cache"
    html = page["Body"].read().decode()
    assert f'data-ws="{outputs["WebSocketUrl"]}"' in html and "127.0.0.1" not in html
    widget = s3.get_object(Bucket="site", Key="widget/widget.js")
    assert widget["ContentType"].startswith("text/javascript")
    assert "max-age=300" in widget["CacheControl"]
    # The vendored chart library the admin page imports (frontend/vendor/uplot/): shipped, typed as
    # the browser needs (a module script must be JavaScript; nosniff refuses a CSS file typed otherwise).
    chart = s3.get_object(Bucket="site", Key="vendor/uplot/uPlot.esm.js")
    assert chart["ContentType"] == "text/javascript; charset=utf-8" and "max-age=300" in chart["CacheControl"]
    assert chart["Body"].read() == (ROOT / "frontend" / "vendor" / "uplot" / "uPlot.esm.js").read_bytes()
    chart_css = s3.get_object(Bucket="site", Key="vendor/uplot/uPlot.min.css")
    assert chart_css["ContentType"] == "text/css; charset=utf-8"

    invalidations = cloudfront.list_invalidations(DistributionId=outputs["SiteDistributionId"])
    assert invalidations["InvalidationList"]["Quantity"] == 1


def test_code_uri_points_every_function_at_the_uploaded_zip() -> None:
    template = {
        "Resources": {
            "A": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "./deployment.zip"}},
            "B": {"Type": "AWS::SQS::Queue", "Properties": {}},
        }
    }
    deploy.with_code_uri(template, "s3://bucket/key.zip")
    assert template["Resources"]["A"]["Properties"]["CodeUri"] == "s3://bucket/key.zip"
    assert "CodeUri" not in template["Resources"]["B"]["Properties"]
