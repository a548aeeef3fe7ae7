"""Shared by the tests/infra modules: where the packaged templates are and how to read them."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("dev", "prod")
# The origin each stage is packaged with (None: staff routes answer `*`, as a first creation does).
CONSOLE_ORIGINS: dict[str, str | None] = {"dev": None, "prod": "https://support.example.com"}


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def expand_sam(template: dict[str, Any], region: str = "ap-northeast-2") -> dict[str, Any]:
    """Run the SAM transform offline (aws-sam-translator, as CloudFormation runs it on deploy)."""
    from samtranslator.parser import parser
    from samtranslator.translator.translator import Translator

    template = copy.deepcopy(template)
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://artifacts/deployment.zip"  # the translator wants S3
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region  # the translator builds ARNs for this region
    try:
        expanded: dict[str, Any] = Translator(managed_policy_map={}, sam_parser=parser.Parser()).translate(
            sam_template=template, parameter_values={}
        )
    finally:
        if previous is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous
    return expanded
