"""An unseekable, write-only stream into an S3 multipart upload: one part at a time, kept in /tmp."""

from __future__ import annotations

import logging
import tempfile
from typing import Any

from chalicelib.export.options import XLSX_CONTENT_TYPE

log = logging.getLogger("livechat.export")


class MultipartUpload:
    """`zipfile` writes the workbook here; every `part_bytes` go to S3 as one part.

    The part being gathered waits in a temporary file (Lambda's /tmp), not in memory: botocore
    streams a file body, so a part costs no resident memory (8 MB parts held as bytes, copied to
    be cut off and sent, had added 22 MB to the peak RSS of a 1,000,000-message export).
    No tell()/seek(): zipfile then streams (data descriptors after each member) instead of
    seeking back, which is what lets the file reach S3 without ever being whole anywhere.
    """

    def __init__(self, s3: Any, bucket: str, key: str, part_bytes: int, file_name: str) -> None:
        self._s3 = s3
        self.bucket = bucket
        self.key = key
        self.part_bytes = part_bytes
        self._part = tempfile.TemporaryFile(prefix="export-part-")
        self.pending = 0  # bytes of the part being gathered
        self._parts: list[dict[str, Any]] = []
        self.size = 0
        self.closed = False
        self.upload_id: str = s3.create_multipart_upload(
            Bucket=bucket,
            Key=key,
            ContentType=XLSX_CONTENT_TYPE,
            ContentDisposition=f'attachment; filename="{file_name}"',
        )["UploadId"]

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data: bytes) -> int:
        if self.closed:
            raise ValueError("write to a finished upload")
        self._part.write(data)
        self.pending += len(data)
        self.size += len(data)
        if self.pending >= self.part_bytes:
            self._upload_part()
        return len(data)

    def flush(self) -> None:
        """zipfile flushes at the end; parts leave only when full (S3's minimum part size)."""

    def _upload_part(self) -> None:
        number = len(self._parts) + 1
        self._part.flush()
        self._part.seek(0)
        etag = self._s3.upload_part(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=self._part
        )["ETag"]
        self._parts.append({"ETag": etag, "PartNumber": number})
        self._part.seek(0)
        self._part.truncate()
        self.pending = 0

    @property
    def parts(self) -> int:
        return len(self._parts)

    def complete(self) -> int:
        """Send the last (possibly short) part and assemble the object; return its size."""
        if self.pending or not self._parts:
            self._upload_part()
        self._s3.complete_multipart_upload(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, MultipartUpload={"Parts": self._parts}
        )
        self.closed = True
        self._part.close()
        return self.size

    def abort(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._part.close()
        try:
            self._s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id)
        except Exception:  # noqa: BLE001 - the bucket's lifecycle rule aborts leftovers after a day
            log.warning("could not abort multipart upload of %s", self.key)
