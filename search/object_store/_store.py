"""An experiment store on object storage: ``--storage-path s3://bucket/prefix`` (or ``gs://``).

Every reader and writer of an experiment works on files: pandas reads a folder of Parquet
files, Ray Tune restores from a folder, reports are written by matplotlib. On object storage
the objects under ``<uri>/<name>/`` are the experiment, and a **working copy** of them on the
driver's disk (``$SEDG_CACHE_DIR/object-stores/<scheme>/<bucket>/<prefix>``, by default under
``~/.cache/sedg-search``) is what the commands read and write, kept in step both ways:

- :meth:`ObjectStore.pull` brings the copy up to date before a command reads: every object
  missing locally or of another size or time is downloaded, a local file with no object is
  removed; readers leave out Ray Tune's folder and the shared artifacts, which they never read.
- :meth:`ObjectStore.push` sends back every file written since its last upload and removes
  the objects of files removed. A driver pushes after each row it writes (synchronously: a row
  that is in the store is on the object store once the write returns) and once a second in a
  thread (Ray Tune's state, artifacts, reports), and when it ends, however it ends short of a
  kill -9. The rows' folders go before Ray Tune's folder, so a state of Tune that counts a
  trial finished is never uploaded before that trial's row.
- **What a rename gave on a disk**: an object PUT is atomic; a reader sees the old object or the
  new one, never half of one. The store's own files are written whole locally (atomically)
  before their upload; Ray Tune writes its state in place, and a push uploads it only as a
  whole save (:mod:`search.object_store._snapshot`); the rest waits for the next push.
- **One driver**: the object ``<name>/driver.lock`` is created only where none exists (S3's
  ``If-None-Match: *``, GCS's ``ifGenerationMatch=0``); it names its holder and is renewed
  every :data:`RENEW_S` seconds by an overwrite conditional on its own version (``If-Match``).
  A lock not renewed for :data:`LEASE_S` seconds (by the server's clock) belongs to a driver
  that died (kill -9, a lost machine) and is taken over, as is at once a lock whose holder is a
  process of this host that no longer runs. A driver that finds its lock taken stops pushing.
- **Endpoint and credentials** are read as Ray and the AWS CLI read them: ``AWS_ACCESS_KEY_ID``
  and ``AWS_SECRET_ACCESS_KEY`` (or ``AWS_PROFILE``, or an instance's role), ``AWS_ENDPOINT_URL``
  (or ``AWS_ENDPOINT_URL_S3``) for an S3-compatible server, ``AWS_DEFAULT_REGION``; for GCS,
  ``GOOGLE_APPLICATION_CREDENTIALS`` or the machine's default credentials.
- **Refused**: another scheme; ``--optuna-storage`` in the experiment's own SQLite file (a
  database file copied while it is written is not a database: give a database URL).

Transfers go through :mod:`pyarrow.fs` (what Ray Tune uses); the lock's conditional writes,
which :mod:`pyarrow.fs` does not offer, through ``boto3`` (S3) or ``google-cloud-storage``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from search._defaults import TUNE_DIR
from search.object_store._location import EXTRAS, URI, Location
from search.object_store._locks import RENEW_S, ConditionalLock, GcsLock, S3Lock
from search.object_store._snapshot import is_tune_state, stamp_of, tune_state_versions, version
from sedg import SedgInputError

__all__ = ["ObjectStore", "StoreUnreachable", "fetched", "is_uri", "storage_uri", "syncing"]

#: Seconds between a driver's background uploads.
PUSH_S = 1.0
#: Files of the working copy that are its own (the local lock, the marker), never uploaded.
LOCAL_ONLY = {"driver.lock", "driver.json"}
#: The folders a reader does not need: Ray Tune's state and the shared artifacts.
DRIVER_ONLY = (TUNE_DIR, "artifacts")
#: Folders pushed first, in this order (see the module's docstring).
ROWS_FIRST = ("evaluations", "results", "confirmed")
MARKER = ".sedg-storage"


def is_uri(path) -> bool:
    """Whether ``path`` names a location by URI (``s3://…``) rather than a file-system path."""
    return isinstance(path, str) and URI.match(path) is not None


def storage_uri(directory: str | Path) -> str | None:
    """The object-storage URI whose working copy ``directory`` is (None: a plain folder)."""
    marker = Path(directory) / MARKER
    try:
        return marker.read_text().strip() or None
    except OSError:
        return None


def cache_root() -> Path:
    base = os.environ.get("SEDG_CACHE_DIR") or Path.home() / ".cache" / "sedg-search"
    return Path(base).expanduser() / "object-stores"


class ObjectStore:
    """The experiments under one object-storage URI, and their working copy.

    Examples
    --------
    >>> store = ObjectStore("s3://my-bucket/searches")
    >>> store.root.parts[-3:]
    ('s3', 'my-bucket', 'searches')
    """

    def __init__(self, uri: str) -> None:
        self.location = Location.parse(uri)
        self.uri = self.location.uri
        self.root = cache_root() / self.location.scheme / self.location.bucket / self.location.prefix

    # -- the connection ------------------------------------------------------------------------

    @cached_property
    def fs(self):
        """The :mod:`pyarrow.fs` file system, with short timeouts: an unreachable store is said
        within seconds."""
        from pyarrow import fs

        if self.location.scheme == "s3":
            endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
            return fs.S3FileSystem(endpoint_override=endpoint, connect_timeout=3, request_timeout=10,
                                   retry_strategy=fs.AwsStandardS3RetryStrategy(max_attempts=2))
        return fs.GcsFileSystem(retry_time_limit=timedelta(seconds=10))

    @cached_property
    def _conditional(self) -> ConditionalLock:
        module, package, extra = EXTRAS[self.location.scheme]
        try:
            __import__(module)
        except ImportError:
            raise SedgInputError(f"{self.location.scheme}:// needs {package}: "
                                 f"pip install 'sedg-search[{extra}]'") from None
        return S3Lock(self.location) if self.location.scheme == "s3" else GcsLock(self.location)

    def check(self) -> None:
        """Credentials, the endpoint and the bucket, before anything starts: one line naming what
        is wrong (:class:`SedgInputError`)."""
        self._conditional.check(self.uri)

    # -- the working copy ----------------------------------------------------------------------

    def working_copy(self) -> Path:
        """The local folder that stands for :attr:`uri` (made, and marked with the URI)."""
        self.root.mkdir(parents=True, exist_ok=True)
        marker = self.root / MARKER
        if storage_uri(self.root) != self.uri:
            marker.write_text(self.uri)
        return self.root

    def names(self) -> list[str]:
        """The experiments stored here (each folder with saved settings)."""
        from pyarrow import fs

        from search._defaults import SETTINGS_FILE

        selector = fs.FileSelector(self.location.path(), allow_not_found=True, recursive=False)
        folders = [info.base_name for info in self._call(self.fs.get_file_info, selector)
                   if info.type == fs.FileType.Directory]
        settings = [self.location.path(name, SETTINGS_FILE) for name in folders]
        infos = self._call(self.fs.get_file_info, settings)
        return sorted(name for name, info in zip(folders, infos) if info.type == fs.FileType.File)

    def pull(self, name: str, *, driver: bool = False) -> Path:
        """Bring the working copy of experiment ``name`` up to date; ``driver``: Ray Tune's folder
        and the artifacts too. Returns its folder."""
        from pyarrow import fs

        folder = self.working_copy() / name
        selector = fs.FileSelector(self.location.path(name), allow_not_found=True, recursive=True)
        remote = {}
        for info in self._call(self.fs.get_file_info, selector):
            relative = info.path[len(self.location.path(name)) + 1:]
            wanted = driver or relative.split("/", 1)[0] not in DRIVER_ONLY
            if info.type == fs.FileType.File and wanted and Path(relative).name not in LOCAL_ONLY:
                remote[relative] = (info.size, info.mtime_ns)
        manifest = _manifest(folder)
        known = manifest.setdefault("files", {})
        for relative, stamp in remote.items():
            local = folder / relative
            if local.is_file() and tuple(known.get(relative, {}).get("remote", ())) == stamp:
                continue
            local.parent.mkdir(parents=True, exist_ok=True)
            staging = local.with_name(f".{local.name}.pull")
            staging.write_bytes(self._read(self.location.path(name, relative)))
            staging.replace(local)
            os.utime(local, ns=(stamp[1], stamp[1]))  # the object's time: "latest" reads it
            stat = local.stat()
            known[relative] = {"local": [stat.st_size, stat.st_mtime_ns], "remote": list(stamp)}
        for relative in [relative for relative in known if relative not in remote]:
            if driver or relative.split("/", 1)[0] not in DRIVER_ONLY:  # removed on the store
                (folder / relative).unlink(missing_ok=True)
                del known[relative]
        if folder.is_dir():
            _save_manifest(folder, manifest)
        return folder

    def push(self, name: str, *, final: bool = False) -> int:
        """Upload every file of experiment ``name`` written since its last upload, and remove the
        objects of files removed; returns how many objects changed. A file being written waits
        for the next push; ``final``: nothing writes any more (the driver's Tune is done)."""
        folder = self.root / name
        manifest = _manifest(folder)
        known = manifest.setdefault("files", {})
        present = {local.relative_to(folder).as_posix(): local for local in _files(folder)}
        pending = [relative for relative in sorted(present, key=_push_order)
                   if tuple(known.get(relative, {}).get("local", ())) != stamp_of(present[relative])]
        tune_state = tune_state_versions(folder, [relative for relative in pending
                                                  if is_tune_state(relative)], final=final)
        changed = 0
        for relative in pending:
            taken = (tune_state.get(relative) if is_tune_state(relative)
                     else version(present[relative], relative, final=final))
            if taken is None:
                continue
            data, stat = taken
            self._write(self.location.path(name, relative), data)
            info = self._call(self.fs.get_file_info, self.location.path(name, relative))
            known[relative] = {"local": [stat.st_size, stat.st_mtime_ns],
                               "remote": [info.size, info.mtime_ns]}
            changed += 1
        for relative in [relative for relative in known if relative not in present]:
            self._call(self.fs.delete_file, self.location.path(name, relative))
            del known[relative]
            changed += 1
        if changed:
            _save_manifest(folder, manifest)
        return changed

    def _read(self, path: str) -> bytes:
        return self._call(lambda: _read_all(self.fs, path))

    def _write(self, path: str, data: bytes) -> None:
        """One PUT of the whole of ``data`` (pyarrow uploads a small file when its stream closes)."""
        def upload() -> None:
            with self.fs.open_output_stream(path) as out:
                out.write(data)

        self._call(upload)

    def _call(self, method, *args, **kwargs):
        """``method`` of the file system; a failure is a :class:`StoreUnreachable` naming the store."""
        try:
            return method(*args, **kwargs)
        except OSError as error:
            raise StoreUnreachable(f"object store {self.uri}: {str(error).splitlines()[0]}") from error

    # -- a driver ------------------------------------------------------------------------------

    @contextmanager
    def driving(self, name: str) -> Iterator[Path]:
        """Hold experiment ``name``'s lock, pull it whole, push once a second and after every row,
        and push at the end."""
        lock = self._conditional.acquire(name)
        try:
            folder = self.pull(name, driver=True)
            session = _Session(self, name, lock)
            _ACTIVE[folder.resolve()] = session
            session.start()
            try:
                yield folder
            except BaseException:
                _ACTIVE.pop(folder.resolve(), None)
                session.stop(quiet=True)  # what stopped the command is what it says
                raise
            _ACTIVE.pop(folder.resolve(), None)
            session.stop()
        finally:
            self._conditional.release(lock)


def _read_all(fs, path: str) -> bytes:
    with fs.open_input_stream(path) as stream:
        return stream.read()


def fetched(uri: str, option: str = "--data", what: str = "data file") -> Path:
    """The file ``uri`` (``--data s3://bucket/key.csv``, ``predict --model s3://…``), downloaded
    into the cache afresh: the file as it is now, under its own name (a data set is named after
    its file)."""
    location = Location.parse(uri, option)
    store = ObjectStore(f"{location.scheme}://{location.bucket}")
    store.check()
    local = cache_root().parent / "data" / location.scheme / location.bucket / location.prefix
    local.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = _read_all(store.fs, location.path())
    except FileNotFoundError:
        raise SedgInputError(f"{what} not found: {uri}") from None
    except OSError as error:
        raise SedgInputError(f"{option} {uri}: {str(error).splitlines()[0]}") from None
    from sedg.files import atomic_write

    atomic_write(local, lambda staging: Path(staging).write_bytes(data))
    return local


class StoreUnreachable(OSError):
    """The object store failed a request (it is down, or refused it)."""


# -- the sessions of drivers -----------------------------------------------------------------------

_ACTIVE: dict[Path, _Session] = {}


def syncing(directory: str | Path):
    """The driver session whose working copy is ``directory`` (None: a plain folder, or not
    driven here); its ``push()`` uploads what changed."""
    return _ACTIVE.get(Path(directory).resolve())


class _Session:
    """A driver's pushes: on demand (after a row) and once a second, one at a time; the lock
    renewed on the way."""

    def __init__(self, store: ObjectStore, name: str, lock: dict) -> None:
        self.store, self.name, self.lock = store, name, lock
        self._mutex, self._stop = threading.Lock(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="sedg-object-store", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def push(self, *, final: bool = False) -> None:
        """Upload what changed now; a failure raises (an :class:`OSError`). ``final``: the
        driver's Ray Tune is done (:meth:`ObjectStore.push`)."""
        with self._mutex:
            if self.lock.get("lost"):
                raise StoreUnreachable(f"object store {self.store.uri}: the experiment's lock was "
                                       "taken over by another driver; this one stopped writing")
            self.store.push(self.name, final=final)

    def _run(self) -> None:
        renewed = time.monotonic()
        while not self._stop.wait(PUSH_S):
            try:
                if time.monotonic() - renewed >= RENEW_S:
                    self.store._conditional.renew(self.lock)
                    renewed = time.monotonic()
                self.push()
            except Exception:  # noqa: BLE001 - the next synchronous push says it
                pass

    def stop(self, *, quiet: bool = False) -> None:
        """End the thread and push what is left; ``quiet``: a failure of that push is not raised
        (the working copy keeps it for a ``resume``)."""
        self._stop.set()
        self._thread.join()
        try:
            self.push(final=True)
        except OSError:
            if not quiet:
                raise


# -- the manifest of what was uploaded or downloaded --------------------------------------------

MANIFEST = ".sedg-synced.json"


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def _save_manifest(folder: Path, manifest: dict) -> None:
    from sedg.files import atomic_write_text

    atomic_write_text(folder / MANIFEST, json.dumps(manifest))


def _files(folder: Path) -> list[Path]:
    """The files of an experiment's working copy that belong on the store (not the hidden ones,
    staging files among them, nor the locks of this machine's processes)."""
    return [path for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".")
            and path.name not in LOCAL_ONLY and path.suffix != ".lock"]


def _push_order(relative: str) -> tuple[int, str]:
    top = relative.split("/", 1)[0]
    rank = ROWS_FIRST.index(top) if top in ROWS_FIRST else len(ROWS_FIRST) + (top == TUNE_DIR)
    return rank, relative
