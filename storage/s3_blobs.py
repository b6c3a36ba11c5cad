"""Blob store on an S3 API (AWS S3, MinIO, …): ``PODIUM_BLOB_URL=s3://bucket/prefix``.

The endpoint and credentials come from the usual AWS settings, read by boto3 itself (``AWS_ENDPOINT_URL``,
``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, ``~/.aws``). Writes are multipart
uploads streamed one part at a time (memory stays at one part however long the recording), so an object becomes
visible only when the upload completes; an upload that is aborted or whose process dies leaves no object (the
bucket's lifecycle rule ``AbortIncompleteMultipartUpload`` reclaims orphaned parts). Every boto3 call runs in a
worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from storage.blobs import (
    READ_CHUNK,
    BlobEntry,
    BlobError,
    BlobInfo,
    BlobNotFound,
    BlobNotLocal,
    BlobStore,
    LocalBlobStore,
    _sha256_of,
    _validate_key,
)

PART_SIZE = 8 * 1024 * 1024
"""Multipart part size (S3's minimum for all parts but the last is 5 MiB)."""
SHA256_METADATA = "sha256"


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` → ``("bucket", "some/prefix/")`` (prefix empty or ending in ``/``)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"not an s3://bucket[/prefix] URL: {url!r}")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def _is_missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


def _client(endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 5, "mode": "standard"}, max_pool_connections=32)
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)


class S3BlobWriter:
    """A multipart upload fed by :meth:`write`; parts of ``part_size`` are sent as they fill."""

    def __init__(self, store: S3BlobStore, key: str, part_size: int = PART_SIZE) -> None:
        self._store = store
        self._key = key
        self._object = store.object_key(key)
        self._part_size = part_size
        self._buffer = bytearray()
        self._digest = hashlib.sha256()
        self._size = 0
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._closed = False

    async def write(self, data: bytes) -> None:
        if self._closed:
            raise BlobError("writer is closed")
        self._digest.update(data)
        self._size += len(data)
        self._buffer += data
        while len(self._buffer) >= self._part_size:
            part = bytes(self._buffer[: self._part_size])
            del self._buffer[: self._part_size]
            await self._send_part(part)

    async def _send_part(self, data: bytes) -> None:
        client, bucket = self._store.client, self._store.bucket
        if self._upload_id is None:
            created = await asyncio.to_thread(client.create_multipart_upload, Bucket=bucket, Key=self._object)
            self._upload_id = created["UploadId"]
        number = len(self._parts) + 1
        sent = await asyncio.to_thread(
            client.upload_part, Bucket=bucket, Key=self._object, UploadId=self._upload_id, PartNumber=number, Body=data
        )
        self._parts.append({"ETag": sent["ETag"], "PartNumber": number})

    async def commit(self) -> BlobInfo:
        if self._closed:
            raise BlobError("writer is closed")
        self._closed = True
        sha = self._digest.hexdigest()
        client, bucket = self._store.client, self._store.bucket
        try:
            if self._upload_id is None:
                body, metadata = bytes(self._buffer), {SHA256_METADATA: sha}
                await asyncio.to_thread(
                    client.put_object, Bucket=bucket, Key=self._object, Body=body, Metadata=metadata
                )
                return BlobInfo(self._key, self._size, sha)
            if self._buffer:
                await self._send_part(bytes(self._buffer))
            await asyncio.to_thread(
                client.complete_multipart_upload,
                Bucket=bucket,
                Key=self._object,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        except BaseException:
            await self._abort_upload()
            raise
        finally:
            self._buffer.clear()
        return BlobInfo(self._key, self._size, sha)

    async def abort(self) -> None:
        self._closed = True
        self._buffer.clear()
        await self._abort_upload()

    async def _abort_upload(self) -> None:
        upload_id, self._upload_id = self._upload_id, None
        if upload_id is not None:
            client, bucket = self._store.client, self._store.bucket
            await asyncio.to_thread(client.abort_multipart_upload, Bucket=bucket, Key=self._object, UploadId=upload_id)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None or not self._closed:
            await self.abort()


class S3BlobStore:
    """Blobs as objects under ``s3://bucket/prefix``; the same contract as :class:`~storage.blobs.LocalBlobStore`."""

    def __init__(self, url: str, endpoint_url: str | None = None, part_size: int = PART_SIZE) -> None:
        self.url = url
        self.bucket, self.prefix = parse_s3_url(url)
        self.part_size = part_size
        self.client = _client(endpoint_url)

    def object_key(self, key: str) -> str:
        return self.prefix + _validate_key(key)

    def writer(self, key: str) -> S3BlobWriter:
        return S3BlobWriter(self, key, self.part_size)

    def local_path(self, key: str) -> Path:
        raise BlobNotLocal(f"{self.url} keeps {key!r} in S3; use read_range or download")

    async def put_file(self, key: str, source: Path, sha256: str | None = None) -> BlobInfo:
        """Upload a finished local file (multipart, streamed from disk) and remove it once stored."""
        sha = sha256 if sha256 is not None else await asyncio.to_thread(_sha256_of, source)
        size = (await asyncio.to_thread(source.stat)).st_size
        await asyncio.to_thread(self._upload_file, self.object_key(key), source, sha)
        await asyncio.to_thread(source.unlink, True)
        return BlobInfo(key, size, sha)

    def _upload_file(self, object_key: str, source: Path, sha: str) -> None:
        from boto3.s3.transfer import TransferConfig

        transfer = TransferConfig(multipart_threshold=self.part_size, multipart_chunksize=self.part_size)
        extra = {"Metadata": {SHA256_METADATA: sha}}
        self.client.upload_file(str(source), self.bucket, object_key, ExtraArgs=extra, Config=transfer)

    async def _head(self, key: str) -> dict[str, Any]:
        try:
            head: dict[str, Any] = await asyncio.to_thread(
                self.client.head_object, Bucket=self.bucket, Key=self.object_key(key)
            )
        except Exception as exc:
            if _is_missing(exc):
                raise BlobNotFound(key) from exc
            raise
        return head

    async def size(self, key: str) -> int:
        return int((await self._head(key))["ContentLength"])

    async def info(self, key: str) -> BlobInfo:
        head = await self._head(key)
        sha = head.get("Metadata", {}).get(SHA256_METADATA)
        if sha is None:
            sha = await self._hash(key)
        return BlobInfo(key, int(head["ContentLength"]), sha)

    async def _hash(self, key: str) -> str:
        digest = hashlib.sha256()
        async for chunk in self.read_range(key, 0, await self.size(key)):
            digest.update(chunk)
        return digest.hexdigest()

    async def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        if end <= start:
            return
        try:
            response = await asyncio.to_thread(
                self.client.get_object, Bucket=self.bucket, Key=self.object_key(key), Range=f"bytes={start}-{end - 1}"
            )
        except Exception as exc:
            if _is_missing(exc):
                raise BlobNotFound(key) from exc
            raise
        body = response["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, READ_CHUNK):
                yield chunk
        finally:
            body.close()

    async def download(self, key: str, dest: Path) -> None:
        await asyncio.to_thread(self._download, key, dest)

    def _download(self, key: str, dest: Path) -> None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except Exception as exc:
            if _is_missing(exc):
                raise BlobNotFound(key) from exc
            raise
        with dest.open("wb") as fh:
            shutil.copyfileobj(response["Body"], fh, READ_CHUNK)

    async def list_blobs(self, prefix: str = "") -> list[BlobEntry]:
        return await asyncio.to_thread(self._list, prefix)

    def _list(self, prefix: str) -> list[BlobEntry]:
        entries = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                entries.append(BlobEntry(key, int(item["Size"]), item["LastModified"]))
        return sorted(entries, key=lambda e: e.key)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=self.object_key(key))


def blob_store_for(blob_url: str | None, blob_dir: Path) -> BlobStore:
    """The configured store: S3 when ``blob_url`` is an ``s3://`` URL, else the local directory ``blob_dir``."""
    if blob_url:
        return S3BlobStore(blob_url)
    return LocalBlobStore(blob_dir)
