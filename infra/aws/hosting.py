"""Static hosting: a private S3 bucket behind CloudFront with origin access control.

- `/` (help-centre page), `/console/`, `/admin/`, `/shared/`, `/vendor/` (pinned libraries: uPlot):
  response headers policy `pages`;
- `/widget/*`: response headers policy `widget` (CORS, cross-origin resource policy), so other
  sites can load the widget;
- `/api/*`: the REST API (stage `api`), uncached, so the console calls it same-origin.
Both headers policies come from infra/security_headers.json, the file the local static host
sends, so the two cannot drift apart. `make publish-frontend` uploads `frontend/` and writes
`/config.json`.
"""

from __future__ import annotations

from typing import Any

from infra.local.static import security_headers

# AWS managed policies (fixed ids, documented by CloudFront).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

SITE_ORIGIN = "site"
API_ORIGIN = "rest-api"

# Directory URLs get their index.html, as the local static host and S3 website hosting do
# (CloudFront's DefaultRootObject covers only `/`).
INDEX_FUNCTION_CODE = """function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.split('/').pop().indexOf('.') === -1) {
    return {statusCode: 302, statusDescription: 'Found', headers: {location: {value: uri + '/'}}};
  }
  return request;
}
"""


def _sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


def websocket_url(stage: str) -> str:
    return f"wss://${{WebsocketAPI}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{stage}"


def headers_policy_config(name: str, headers: dict[str, str]) -> dict[str, Any]:
    """CloudFront's ResponseHeadersPolicyConfig for plain header → value pairs.

    CloudFront takes the standard security headers and CORS in typed blocks and refuses them as
    custom headers; everything else is a custom header. Values may hold `${…}` (wrapped in Fn::Sub).
    """

    def value(text: str) -> Any:
        return _sub(text) if "${" in text else text

    security: dict[str, Any] = {}
    custom: list[dict[str, Any]] = []
    cors: dict[str, Any] | None = None
    for header, text in headers.items():
        key = header.lower()
        if key == "content-security-policy":
            security["ContentSecurityPolicy"] = {"ContentSecurityPolicy": value(text), "Override": True}
        elif key == "x-content-type-options":
            if text.lower() != "nosniff":
                raise ValueError("CloudFront can only send X-Content-Type-Options: nosniff")
            security["ContentTypeOptions"] = {"Override": True}
        elif key == "referrer-policy":
            security["ReferrerPolicy"] = {"ReferrerPolicy": text, "Override": True}
        elif key == "x-frame-options":
            security["FrameOptions"] = {"FrameOption": text.upper(), "Override": True}
        elif key == "strict-transport-security":
            parts = [p.strip() for p in text.split(";")]
            max_age = next(int(p.split("=", 1)[1]) for p in parts if p.lower().startswith("max-age="))
            security["StrictTransportSecurity"] = {
                "AccessControlMaxAgeSec": max_age,
                "IncludeSubdomains": any(p.lower() == "includesubdomains" for p in parts),
                "Preload": any(p.lower() == "preload" for p in parts),
                "Override": True,
            }
        elif key == "access-control-allow-origin":
            cors = {
                "AccessControlAllowOrigins": {"Items": [o.strip() for o in text.split(",")]},
                "AccessControlAllowHeaders": {"Items": ["*"]},
                "AccessControlAllowMethods": {"Items": ["GET", "HEAD", "OPTIONS"]},
                "AccessControlAllowCredentials": False,
                "AccessControlMaxAgeSec": 600,
                "OriginOverride": True,
            }
        else:
            custom.append({"Header": header, "Value": value(text), "Override": True})
    config: dict[str, Any] = {"Name": _sub(f"${{AWS::StackName}}-{name}"), "Comment": "infra/security_headers.json"}
    if security:
        config["SecurityHeadersConfig"] = security
    if custom:
        config["CustomHeadersConfig"] = {"Items": custom}
    if cors:
        config["CorsConfig"] = cors
    return config


def deployed_headers(stage: str) -> tuple[dict[str, str], dict[str, str]]:
    """(pages, widget) headers as CloudFront sends them: HTTPS, the API same-origin under /api."""
    runtime_config = {
        "api": "/api",
        "websocket": websocket_url(stage),
        "cognito": {"region": "${AWS::Region}"},
        # The attachments bucket's regional virtual-host origin (infra/aws/attachments.py BUCKET_NAME).
        "attachmentsOrigin": "https://${AWS::StackName}-attachments-${AWS::AccountId}.s3.${AWS::Region}.amazonaws.com",
    }
    return security_headers(runtime_config, https=True)



def tls_only_statement(bucket: str) -> dict[str, Any]:
    """Deny every request to the bucket that does not come over TLS (a Deny narrows, never grants)."""
    return {
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [_sub(f"${{{bucket}.Arn}}"), _sub(f"${{{bucket}.Arn}}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def private_bucket_properties() -> dict[str, Any]:
    """What every bucket of the stack has: no public access, objects owned by the bucket owner
    (no ACLs), encryption at rest. Only CloudFront (origin access control) and signed URLs reach in."""
    return {
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    }

def hosting_resources(stage: str) -> dict[str, Any]:
    pages, widget = deployed_headers(stage)
    site_behaviour = {
        "TargetOriginId": SITE_ORIGIN,
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": ["GET", "HEAD", "OPTIONS"],
        "CachedMethods": ["GET", "HEAD"],
        "CachePolicyId": CACHING_OPTIMIZED,
        "Compress": True,
    }
    return {
        "SiteBucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Delete",  # `make destroy` empties it first; make publish-frontend refills it
            "Properties": private_bucket_properties(),
        },
        "SiteOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": _sub("${AWS::StackName}-site"),
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        "SiteBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "SiteBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            # Only this distribution, through origin access control, reads the files.
                            "Sid": "CloudFrontReads",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudfront.amazonaws.com"},
                            "Action": "s3:GetObject",
                            "Resource": _sub("${SiteBucket.Arn}/*"),
                            "Condition": {
                                "StringEquals": {
                                    "AWS:SourceArn": _sub(
                                        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:"
                                        "distribution/${SiteDistribution}"
                                    )
                                }
                            },
                        },
                        tls_only_statement("SiteBucket"),
                    ],
                },
            },
        },
        "SiteIndexFunction": {
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": _sub("${AWS::StackName}-index"),
                "AutoPublish": True,
                "FunctionCode": INDEX_FUNCTION_CODE,
                "FunctionConfig": {"Comment": "directory URLs → index.html", "Runtime": "cloudfront-js-2.0"},
            },
        },
        "PagesHeadersPolicy": {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {"ResponseHeadersPolicyConfig": headers_policy_config("pages", pages)},
        },
        "WidgetHeadersPolicy": {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {"ResponseHeadersPolicyConfig": headers_policy_config("widget", widget)},
        },
        "SiteDistribution": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "Enabled": True,
                    "Comment": _sub("${AWS::StackName} console, admin and widget"),
                    "DefaultRootObject": "index.html",
                    "HttpVersion": "http2and3",
                    "IPV6Enabled": True,
                    "PriceClass": "PriceClass_200",  # includes Korea and Japan edge locations
                    "Origins": [
                        {
                            "Id": SITE_ORIGIN,
                            "DomainName": {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]},
                            "OriginAccessControlId": {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]},
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        },
                        {
                            "Id": API_ORIGIN,
                            "DomainName": _sub("${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
                            "CustomOriginConfig": {
                                "OriginProtocolPolicy": "https-only",
                                "OriginSSLProtocols": ["TLSv1.2"],
                            },
                        },
                    ],
                    "DefaultCacheBehavior": {
                        **site_behaviour,
                        "ResponseHeadersPolicyId": {"Ref": "PagesHeadersPolicy"},
                        "FunctionAssociations": [
                            {
                                "EventType": "viewer-request",
                                "FunctionARN": {"Fn::GetAtt": ["SiteIndexFunction", "FunctionARN"]},
                            }
                        ],
                    },
                    "CacheBehaviors": [
                        {
                            **site_behaviour,
                            "PathPattern": "/widget/*",
                            "ResponseHeadersPolicyId": {"Ref": "WidgetHeadersPolicy"},
                        },
                        {
                            # The REST API's stage is `api`, so /api/… maps onto it unchanged.
                            "PathPattern": "/api/*",
                            "TargetOriginId": API_ORIGIN,
                            "ViewerProtocolPolicy": "https-only",
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                            "CachedMethods": ["GET", "HEAD"],
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST_HEADER,
                            "Compress": True,
                        },
                    ],
                    "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
                }
            },
        },
    }


def hosting_outputs(stage: str) -> dict[str, Any]:
    site = "https://${SiteDistribution.DomainName}"
    snippet = (
        f'<script src="{site}/widget/widget.js" data-api="{site}/api" '
        f'data-ws="{websocket_url(stage)}" data-lang="ko" async></script>'
    )
    return {
        "SiteUrl": {"Description": "help-centre demo page", "Value": _sub(f"{site}/")},
        "ConsoleUrl": {"Description": "agent console", "Value": _sub(f"{site}/console/")},
        "AdminUrl": {"Description": "admin pages", "Value": _sub(f"{site}/admin/")},
        "SiteApiUrl": {
            "Description": "the REST API through CloudFront (same origin as the console)",
            "Value": _sub(f"{site}/api"),
        },
        "WidgetSnippet": {"Description": "paste into any page to embed the chat widget", "Value": _sub(snippet)},
        "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
        "SiteDistributionId": {"Value": {"Ref": "SiteDistribution"}},
    }
