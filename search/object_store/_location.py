"""Where a store lives on object storage: ``scheme://bucket/prefix``, parsed and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sedg import SedgInputError

__all__ = ["EXTRAS", "Location"]

#: The schemes a store may live on: the module each needs, its package, and the extra that has it.
EXTRAS = {"s3": ("boto3", "boto3", "s3"), "gs": ("google.cloud.storage", "google-cloud-storage", "gcs")}
URI = re.compile(r"^([a-z][a-z0-9+.-]*)://(.*)$")


@dataclass(frozen=True)
class Location:
    """``scheme://bucket/prefix``, parsed and checked."""

    scheme: str
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, uri: str, option: str = "--storage-path") -> Location:
        match = URI.match(uri)
        scheme, rest = (match.group(1), match.group(2)) if match else ("", uri)
        if scheme not in EXTRAS:
            raise SedgInputError(f"{option} {uri}: {scheme or 'this'}:// is not a store sedg-search "
                                 "reads; give a path, s3://bucket/prefix or gs://bucket/prefix")
        bucket, _, prefix = rest.rstrip("/").partition("/")
        if not bucket or any(part in ("", ".", "..") for part in prefix.split("/") if prefix):
            raise SedgInputError(f"{option} {uri}: give {scheme}://bucket or {scheme}://bucket/prefix")
        return cls(scheme, bucket, prefix.strip("/"))

    @property
    def uri(self) -> str:
        return f"{self.scheme}://{self.bucket}/{self.prefix}".rstrip("/")

    def key(self, *parts: str) -> str:
        """An object's key (no bucket)."""
        return "/".join(part for part in (self.prefix, *parts) if part)

    def path(self, *parts: str) -> str:
        """An object's path for :mod:`pyarrow.fs` (``bucket/key``)."""
        return "/".join(part for part in (self.bucket, self.key(*parts)) if part)
