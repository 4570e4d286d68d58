"""Django's local-memory cache, bounded by the bytes it keeps.

LocMemCache counts entries only: 2 000 entries of 75 KB pages are 150 MB a process, and a
visitor who varies a URL fills them. This one keeps the total of its entries under
OPTIONS["MAX_BYTES"] (and their number under MAX_ENTRIES, as LocMemCache): an entry weighs
its pickled value, its key and ENTRY_OVERHEAD for the dictionaries that hold them; the least
recently read entries go first, and a value heavier than the whole is not kept. It keeps
rendered fragments and whole public answers (publicsite.cache), never counters: incr() is
refused.
"""

import threading
from collections import OrderedDict
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# An entry's weight besides its value and key: its slots in the cache's ordered dictionary
# and in the expiry dictionary with the expiry time (about 110 bytes, measured with
# tracemalloc), the objects' headers and its line in the ledger below; rounded up.
ENTRY_OVERHEAD = 256
# Per cache name, shared as Django shares the values themselves between every thread's
# backend object of the same cache: {"sizes": {key: bytes}, "total": bytes}.
_ledgers: dict[str, dict[str, Any]] = {}


class BoundedLocMemCache(LocMemCache):
    # LocMemCache's own state, which django-stubs leaves out.
    _cache: OrderedDict[str, bytes]
    _expire_info: dict[str, float | None]
    _lock: threading.Lock
    _max_entries: int

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        self._max_bytes = params["OPTIONS"]["MAX_BYTES"]
        self._ledger = _ledgers.setdefault(name, {"sizes": {}, "total": 0})

    def _set(self, key: str, value: bytes, timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self._delete(key)
        size = len(value) + len(key) + ENTRY_OVERHEAD
        if size > self._max_bytes:
            return
        while self._cache and (
            self._ledger["total"] + size > self._max_bytes or len(self._cache) >= self._max_entries
        ):
            self._delete(next(reversed(self._cache)))  # the least recently read
        super()._set(key, value, timeout)  # type: ignore[misc]
        self._ledger["sizes"][key] = size
        self._ledger["total"] += size

    def _delete(self, key: str) -> bool:
        if not super()._delete(key):  # type: ignore[misc]
            return False
        self._ledger["total"] -= self._ledger["sizes"].pop(key)
        return True

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._ledger["sizes"].clear()
            self._ledger["total"] = 0

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        raise NotImplementedError("Ce cache garde des réponses entières : il ne compte rien.")

    def size(self) -> int:
        """The bytes its entries weigh now."""
        with self._lock:
            return self._ledger["total"]
