"""A least-recently-used cache bounded in bytes, for tables that depend on an output size.

``functools.lru_cache`` bounds the number of entries, not their size: 64 basis tables of up
to 16 MB each stayed resident after decoding files of many sizes. Values here are read-only
numpy arrays (or objects that say their ``nbytes``, such as a plane's layout of read-only
arrays); the cache keeps at most ``max_bytes`` of them and never one larger than that.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Protocol


class Sized(Protocol):
    @property
    def nbytes(self) -> int: ...


ArrayFunction = Callable[..., Sized]


def array_cache(max_bytes: int) -> Callable[[ArrayFunction], Any]:
    def wrap(function: ArrayFunction) -> Any:
        entries: OrderedDict[Hashable, Sized] = OrderedDict()
        lock = threading.Lock()
        size = [0]

        @functools.wraps(function)
        def cached(*args: Hashable) -> Sized:
            with lock:
                if args in entries:
                    entries.move_to_end(args)
                    return entries[args]
            value = function(*args)
            if value.nbytes <= max_bytes:
                with lock:
                    if args not in entries:
                        entries[args] = value
                        size[0] += value.nbytes
                        while size[0] > max_bytes:
                            _, evicted = entries.popitem(last=False)
                            size[0] -= evicted.nbytes
            return value

        def cache_clear() -> None:
            with lock:
                entries.clear()
                size[0] = 0

        cached.cache_clear = cache_clear  # type: ignore[attr-defined]
        cached.cache_bytes = lambda: size[0]  # type: ignore[attr-defined]
        return cached

    return wrap
