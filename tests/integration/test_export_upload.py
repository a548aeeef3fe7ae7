"""The multipart stream into S3 (moto enforces S3's 5 MiB minimum part size)."""

from __future__ import annotations

import os

import boto3
import pytest
from moto import mock_aws

from chalicelib.export.s3_upload import MultipartUpload

MIB = 1024 * 1024


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="upload-test")
        yield client


def test_parts_leave_as_they_fill_and_the_object_is_whole(s3):
    data = os.urandom(11 * MIB + 123)
    upload = MultipartUpload(s3, "upload-test", "k.xlsx", 5 * MIB, "k.xlsx")
    for start in range(0, len(data), 64 * 1024 + 7):  # zipfile writes in uneven chunks
        upload.write(data[start : start + 64 * 1024 + 7])
        assert upload.pending < 5 * MIB  # one part at a time, sent as soon as it is full
    assert os.fstat(upload._part.fileno()).st_size == upload.pending  # the part is in a file, not in memory
    assert upload.parts == 2
    assert upload.complete() == len(data)
    assert upload.parts == 3
    got = s3.get_object(Bucket="upload-test", Key="k.xlsx")
    assert got["Body"].read() == data
    assert got["ContentDisposition"] == 'attachment; filename="k.xlsx"'


def test_empty_and_small_files_and_abort(s3):
    small = MultipartUpload(s3, "upload-test", "small", 5 * MIB, "s.xlsx")
    small.write(b"PK")
    assert small.complete() == 2 and s3.get_object(Bucket="upload-test", Key="small")["Body"].read() == b"PK"
    aborted = MultipartUpload(s3, "upload-test", "gone", 5 * MIB, "g.xlsx")
    aborted.write(b"x" * 10)
    aborted.abort()
    assert s3.list_multipart_uploads(Bucket="upload-test").get("Uploads", []) == []
    with pytest.raises(ValueError):
        aborted.write(b"y")
    assert "Contents" not in s3.list_objects_v2(Bucket="upload-test", Prefix="gone")
