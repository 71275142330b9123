"""Run one job per input on several processes, results in input order.

Why processes: the codec is Python and numpy, so threads would share one interpreter lock.
At most ``2 * workers`` jobs are in flight, so memory follows the number of workers, not the
number of inputs; results come back in input order, so output and progress read the same
for any ``--jobs``. Jobs must be picklable (module-level functions and plain values).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _share_cores(threads: int, initializer: Callable[..., object] | None, initargs: tuple) -> None:
    """Worker start: give math libraries (torch, BLAS) this worker's share of the cores, unless the
    user chose, so N workers do not each start one thread per core."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))
    if initializer is not None:
        initializer(*initargs)


def ordered_map(
    function: Callable[[T], R],
    items: Iterable[T],
    jobs: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple = (),
) -> Iterator[R]:
    """``function(item)`` for each item, in order; in ``jobs`` worker processes when ``jobs > 1``."""
    items = list(items)
    workers = min(jobs, len(items))
    if workers <= 1:
        yield from map(function, items)
        return
    threads = max(1, default_jobs() // workers)
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_share_cores, initargs=(threads, initializer, initargs)
    ) as pool:
        pending: deque[Future[R]] = deque()
        queue = iter(items)
        for item in queue:
            pending.append(pool.submit(function, item))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().result()
            for item in queue:  # refill one
                pending.append(pool.submit(function, item))
                break
            yield result
