"""Artifacts shared by every node of a Ray cluster, through Ray itself.

Trials share baselines, embeddings, importances and fitted generators: each is computed once and
the others read it (:mod:`sedg.memory`). :class:`sedg.DiskArtifacts` shares them through a
folder every process sees, which holds on one machine or a shared mount; on a cluster whose
nodes have disks of their own (clouds, Kubernetes), each node kept its own copy on a disk that
goes away with the node, and nothing was shared between nodes.

On a cluster of several nodes, one actor, the :class:`ArtifactKeeper`, runs on the driver's node
for the length of a command (on one machine, or a cluster of one node, every process uses the
folder as before: nothing is added). It maps each key to an object in Ray's object store that it
owns (so the object outlives the trial that made it) and keeps today's rules: a key is computed
by the first trial that asks, the others wait for it, and every hit, computation and wait is one
line of the experiment's ``artifacts/log.jsonl``. It writes each artifact through to the experiment's
``artifacts/`` folder on the driver's disk and reads what it finds there, so a resumed or
extended search refits nothing, and the on-demand ``confirm`` (no Ray) reads the same files.
A trial or confirmation task on another node holds a :class:`RayArtifacts`, a handle to the
keeper; one on the driver's node uses the folder, whose file locks the keeper shares.

Why Ray rather than the object-storage store: every Ray cluster has an object store and a
driver's node; a bucket is one more service to set up, and an S3 PUT per artifact costs more than
the local object store on one machine. What it costs: an artifact made on another node travels
to the keeper once (pickled twice: to Ray, to the disk) and from the object store to each node
that reads it. A cluster that has one node when the search starts and grows later gets no
keeper: nodes that join use a folder of their own unless the storage path is a shared mount.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sedg import DiskArtifacts
from sedg.memory import StoreHandle

__all__ = ["ArtifactKeeper", "LEASE_S", "RENEW_S", "RayArtifacts", "keeper_name", "kept_artifacts",
           "store_for"]

#: A remote claimant renews its claim every RENEW_S while it computes; one not heard of for
#: LEASE_S (its node or process died) loses it, and a waiter computes the key instead.
RENEW_S, LEASE_S = 1.0, 10.0


def keeper_name(experiment_dir) -> str:
    """The keeper's actor name: one per experiment folder."""
    import hashlib

    return "sedg-artifacts-" + hashlib.sha256(str(experiment_dir).encode()).hexdigest()[:16]


class ArtifactKeeper:
    """The actor (see the module's text): ``claim`` a key, then ``keep`` or ``abandon`` it.

    Trials on the driver's node use the folder directly (:class:`sedg.DiskArtifacts`); the
    keeper takes the same file lock for a key a remote trial computes, and waits on the lock of
    one a local trial computes, so a key is computed once on the whole cluster. A remote
    claimant holds its claim as a lease it renews (:data:`RENEW_S`, :data:`LEASE_S`), as a
    process holds a file lock until it dies.
    """

    def __init__(self, directory: str) -> None:
        import ray

        self.disk = DiskArtifacts(directory)
        self.node = ray.get_runtime_context().get_node_id()
        self.refs: dict[tuple[str, str], Any] = {}
        self.computing: dict[tuple[str, str], list] = {}  # [woken when done, file lock, last renewal]
        self.lock = threading.Lock()
        # Leases expire here, not only where a remote trial waits: a trial on the driver's node
        # waits on the file lock the keeper holds for a remote claimant.
        threading.Thread(target=self._expire_leases, name="sedg-artifact-leases", daemon=True).start()

    def _expire_leases(self) -> None:
        while True:
            time.sleep(RENEW_S)
            with self.lock:
                now = time.monotonic()
                for (kind, key), computing in list(self.computing.items()):
                    if computing[0] is not None and now - computing[2] > LEASE_S:
                        self._release(kind, key)

    def node_id(self) -> str:
        """The node the keeper (and the driver) runs on."""
        return self.node

    def claim(self, kind: str, key: str, trial_id: str) -> tuple[str, list, float]:
        """``("hit", [ref], waited)`` when the key is known (here or on disk), after waiting for
        the trial computing it; else ``("compute", [], 0)``: the caller computes it, then calls
        :meth:`keep` (or :meth:`abandon` when it fails)."""
        import ray
        from filelock import Timeout

        asked, said = time.perf_counter(), False
        while True:
            with self.lock:
                name = (kind, key)
                if name not in self.refs:
                    found, value = self.disk.load(kind, key)
                    if found:
                        self.refs[name] = ray.put(value)
                if name in self.refs:
                    waited = time.perf_counter() - asked if said else 0.0
                    self.disk.record(kind, key, "hit", waited=waited, trial_id=trial_id, keep=False)
                    return "hit", [self.refs[name]], waited  # in a list: a ref, not its value
                computing = self.computing.get(name)
                if computing is None:
                    lock = self.disk.lock(kind, key)
                    try:
                        lock.acquire(timeout=0)
                    except Timeout:  # a trial on this node computes it
                        computing = [None, lock, None]
                    else:
                        self.computing[name] = [threading.Event(), lock, time.monotonic()]
                        return "compute", [], 0.0
            if not said:  # the progress line says a trial waits for another's artifact
                self.disk.record(kind, key, "waiting", trial_id=trial_id, keep=False)
                said = True
            event, lock, _ = computing
            if event is None:
                with lock:  # until the local trial is done (or its process ends)
                    pass
            else:
                event.wait()  # set when kept, abandoned, or its lease expired

    def renew(self, kind: str, key: str) -> None:
        """The claimant of ``key`` is alive and computing (every :data:`RENEW_S`)."""
        with self.lock:
            computing = self.computing.get((kind, key))
            if computing is not None:
                computing[2] = time.monotonic()

    def keep(self, kind: str, key: str, value: Any, trial_id: str, seconds: float) -> None:
        """The value a claim computed: kept, written through to disk, its waiters woken."""
        import ray

        ref = ray.put(value)  # owned by the keeper: it outlives the trial that made it
        self.disk.save(kind, key, value)
        with self.lock:
            self.refs[kind, key] = ref
            self.disk.record(kind, key, "computed", seconds, trial_id=trial_id, keep=False)
            self._release(kind, key)

    def abandon(self, kind: str, key: str) -> None:
        """The claim's computation failed: a waiter computes it instead."""
        with self.lock:
            self._release(kind, key)

    def _release(self, kind: str, key: str) -> None:
        event, lock, _ = self.computing.pop((kind, key), (None, None, None))
        if lock is not None:
            lock.release()
        if event is not None:
            event.set()


class RayArtifacts(StoreHandle):
    """The store a trial or task holds: :meth:`get_or_compute` through the experiment's keeper.

    Its :attr:`used` lists this holder's own hits and computations, as
    :class:`sedg.DiskArtifacts`'s does.
    """

    def __init__(self, name: str, trial_id: str = "") -> None:
        self.name, self.trial_id = name, trial_id
        self.used: list[dict] = []
        self._keeper = None

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_keeper": None}  # a handle travels by the keeper's name

    def keeper(self):
        import ray

        if self._keeper is None:
            self._keeper = ray.get_actor(self.name)
        return self._keeper

    def get_or_compute(self, kind: str, key: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
        import ray

        keeper = self.keeper()
        state, refs, waited = ray.get(keeper.claim.remote(kind, key, self.trial_id))
        if state == "hit":
            self.used.append({"kind": kind, "key": key, "event": "hit", "waited": waited})
            return ray.get(refs[0]), True
        started, computed = time.perf_counter(), threading.Event()

        def renew() -> None:  # the lease: a claimant whose node or process dies stops renewing
            while not computed.wait(RENEW_S):
                keeper.renew.remote(kind, key)

        threading.Thread(target=renew, name="sedg-artifact-lease", daemon=True).start()
        try:
            value = compute()
        except BaseException:
            keeper.abandon.remote(kind, key)
            raise
        finally:
            computed.set()
        seconds = time.perf_counter() - started
        ray.get(keeper.keep.remote(kind, key, value, self.trial_id, seconds))
        self.used.append({"kind": kind, "key": key, "event": "computed", "seconds": seconds})
        return value, False


@contextmanager
def kept_artifacts(settings) -> Iterator[None]:
    """This experiment's keeper, on the driver's node, for the block, when the cluster has more
    than one node (and ``share_artifacts``); stopped after it, its artifacts staying on the
    driver's disk. On one machine every process sees the folder: no keeper, nothing added."""
    import ray

    if not settings.share_artifacts or sum(node["Alive"] for node in ray.nodes()) < 2:
        yield
        return
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
    keeper = ray.remote(ArtifactKeeper).options(
        name=keeper_name(settings.experiment_dir), get_if_exists=True, num_cpus=0, max_concurrency=256,
        scheduling_strategy=here,
    ).remote(str(settings.artifacts_dir))
    ray.get(keeper.__ray_ready__.remote())
    try:
        yield
    finally:
        ray.kill(keeper)  # its objects go with it; the files stay


def store_for(settings, holder: str):
    """The artifact store of one trial or task (``holder`` names it in the log): the keeper's
    on a node other than the driver's when the driver started one, else the experiment's folder;
    each its own with ``share_artifacts`` off."""
    from sedg import MemoryArtifacts

    if not settings.share_artifacts:
        return MemoryArtifacts()  # every trial computes its own (to measure what sharing saves)
    import ray

    if ray.is_initialized():
        name = keeper_name(settings.experiment_dir)
        try:
            keeper = ray.get_actor(name)
        except ValueError:
            keeper = None
        if keeper is not None and ray.get(keeper.node_id.remote()) != ray.get_runtime_context().get_node_id():
            return RayArtifacts(name, trial_id=holder)
    return DiskArtifacts(settings.artifacts_dir, trial_id=holder)
