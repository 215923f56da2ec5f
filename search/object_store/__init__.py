"""An experiment store on object storage (``s3://``, ``gs://``): see :mod:`search.object_store._store`."""

from search.object_store._locks import LEASE_S, RENEW_S
from search.object_store._store import (
    ObjectStore,
    StoreUnreachable,
    fetched,
    is_uri,
    storage_uri,
    syncing,
)

__all__ = ["LEASE_S", "RENEW_S", "ObjectStore", "StoreUnreachable", "fetched", "is_uri", "storage_uri",
           "syncing"]
