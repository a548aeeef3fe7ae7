"""Attachments' AWS and file edges: the bucket (presigned POST/GET, reads, deletes) and the content
check (type sniffing, image limits, thumbnails). Pillow is imported only by `inspect`, which only
the checking function loads."""
