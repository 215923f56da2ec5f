"""The lock of an experiment on object storage: conditional writes (see :mod:`search.object_store`).

:mod:`pyarrow.fs` offers no conditional write; S3's go through ``boto3`` and GCS's through
``google-cloud-storage``, each imported only when its scheme is used.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime, timezone
from functools import cached_property

from search.object_store._location import Location
from sedg import SedgInputError

__all__ = ["LEASE_S", "RENEW_S", "ConditionalLock", "GcsLock", "S3Lock"]

#: Seconds a driver's lock lasts without renewal, and how often it is renewed.
LEASE_S, RENEW_S = 30.0, 5.0


class ConditionalLock:
    def __init__(self, location: Location) -> None:
        self.location = location

    def _body(self) -> bytes:
        return json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                           "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}).encode()

    @staticmethod
    def _stale(holder: dict, age_s: float) -> bool:
        if age_s > LEASE_S:
            return True
        if holder.get("host") == socket.gethostname() and isinstance(holder.get("pid"), int):
            try:
                os.kill(holder["pid"], 0)
            except ProcessLookupError:
                return True  # a driver of this machine that no longer runs
            except PermissionError:
                return False
        return False

    def _refuse(self, name: str, holder: dict) -> SedgInputError:
        who = (f"pid {holder['pid']} on {holder['host']} since {holder['since']}"
               if {"pid", "host", "since"} <= set(holder) else "another driver")
        return SedgInputError(
            f"experiment {name!r} is being run by {who}; wait for it to finish (its lock on "
            f"the object store lapses {LEASE_S:g} s after its driver stops renewing it)")


class S3Lock(ConditionalLock):
    @cached_property
    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", config=Config(connect_timeout=3, read_timeout=10,
                                                retries={"max_attempts": 2, "mode": "standard"}))

    def check(self, uri: str) -> None:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        if boto3.Session().get_credentials() is None:
            raise SedgInputError(f"{uri}: no AWS credentials; set AWS_ACCESS_KEY_ID and "
                                 "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE")
        try:
            self.client.head_bucket(Bucket=self.location.bucket)
        except NoCredentialsError:
            raise SedgInputError(f"{uri}: no AWS credentials; set AWS_ACCESS_KEY_ID and "
                                 "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE") from None
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("404", "NoSuchBucket"):
                raise SedgInputError(f"{uri}: bucket {self.location.bucket!r} does not exist at "
                                     f"{self.client.meta.endpoint_url}") from None
            raise SedgInputError(f"{uri}: the object store refused access to bucket "
                                 f"{self.location.bucket!r} ({code}); check the credentials") from None
        except BotoCoreError as error:
            raise SedgInputError(f"{uri}: cannot reach the object store at "
                                 f"{self.client.meta.endpoint_url} ({type(error).__name__})") from None

    def acquire(self, name: str) -> dict:
        from botocore.exceptions import ClientError

        key = self.location.key(name, "driver.lock")
        for _ in range(2):
            try:
                answer = self.client.put_object(Bucket=self.location.bucket, Key=key, Body=self._body(),
                                                IfNoneMatch="*")
                self._check_conditions_hold(key, answer["ETag"])
                return {"key": key, "etag": answer["ETag"]}
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "412"):
                    raise self._unsupported(error) from None
            found = self.client.get_object(Bucket=self.location.bucket, Key=key)
            holder = _json(found["Body"].read())
            now = _http_date(found["ResponseMetadata"]["HTTPHeaders"].get("date"))
            age = (now - found["LastModified"]).total_seconds() if now else 0.0
            if not self._stale(holder, age):
                raise self._refuse(name, holder)
            try:  # only the stale lock seen, never one another driver has just taken
                self.client.delete_object(Bucket=self.location.bucket, Key=key, IfMatch=found["ETag"])
            except ClientError:
                pass
        raise self._refuse(name, holder)

    def _check_conditions_hold(self, key: str, etag: str) -> None:
        """A server that ignores ``If-None-Match`` lets a second create through: then it cannot
        hold a lock, and the driver is refused rather than run beside another."""
        from botocore.exceptions import ClientError

        try:
            self.client.put_object(Bucket=self.location.bucket, Key=key, Body=b"", IfNoneMatch="*")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                return
            raise self._unsupported(error) from None
        self.client.delete_object(Bucket=self.location.bucket, Key=key)
        raise SedgInputError(f"the object store at {self.client.meta.endpoint_url} ignores conditional "
                             "writes (If-None-Match), so it cannot hold the experiment's lock; use a "
                             "store that honours them (AWS S3, MinIO, GCS)")

    def _unsupported(self, error) -> SedgInputError:
        code = error.response.get("Error", {}).get("Code", "")
        return SedgInputError(f"the object store at {self.client.meta.endpoint_url} refused a conditional "
                              f"write ({code}), so it cannot hold the experiment's lock")

    def renew(self, lock: dict) -> None:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.put_object(Bucket=self.location.bucket, Key=lock["key"],
                                            Body=self._body(), IfMatch=lock["etag"])
            lock["etag"] = answer["ETag"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412", "NoSuchKey"):
                lock["lost"] = True
            else:
                raise

    def release(self, lock: dict) -> None:
        if lock.get("lost"):
            return
        try:
            self.client.delete_object(Bucket=self.location.bucket, Key=lock["key"], IfMatch=lock["etag"])
        except Exception:  # noqa: BLE001 - an unreleased lock lapses after LEASE_S
            pass


class GcsLock(ConditionalLock):
    @cached_property
    def bucket(self):
        from google.cloud import storage

        return storage.Client().bucket(self.location.bucket)

    def check(self, uri: str) -> None:
        try:
            exists = self.bucket.exists(timeout=10)
        except Exception as error:  # noqa: BLE001 - credentials, network: one line
            raise SedgInputError(f"{uri}: cannot reach Google Cloud Storage "
                                 f"({type(error).__name__}: {str(error).splitlines()[0]})") from None
        if not exists:
            raise SedgInputError(f"{uri}: bucket {self.location.bucket!r} does not exist")

    def acquire(self, name: str) -> dict:
        from google.api_core.exceptions import NotFound, PreconditionFailed

        blob = self.bucket.blob(self.location.key(name, "driver.lock"))
        for _ in range(2):
            try:
                blob.upload_from_string(self._body(), if_generation_match=0)
                return {"blob": blob, "generation": blob.generation}
            except PreconditionFailed:
                pass
            try:
                blob.reload()
                holder = _json(blob.download_as_bytes())
            except NotFound:
                continue
            age = (datetime.now(timezone.utc) - blob.updated).total_seconds()
            if not self._stale(holder, age):
                raise self._refuse(name, holder)
            try:
                blob.delete(if_generation_match=blob.generation)
            except (PreconditionFailed, NotFound):
                pass
        raise self._refuse(name, holder)

    def renew(self, lock: dict) -> None:
        from google.api_core.exceptions import PreconditionFailed

        try:
            lock["blob"].upload_from_string(self._body(), if_generation_match=lock["generation"])
            lock["generation"] = lock["blob"].generation
        except PreconditionFailed:
            lock["lost"] = True

    def release(self, lock: dict) -> None:
        if not lock.get("lost"):
            try:
                lock["blob"].delete(if_generation_match=lock["generation"])
            except Exception:  # noqa: BLE001 - an unreleased lock lapses after LEASE_S
                pass


def _json(body: bytes) -> dict:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _http_date(text: str | None):
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError):
        return None
