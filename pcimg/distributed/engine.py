"""Run picklable jobs as Ray tasks, results in input order: the CLI's ``--engine ray``.

The same job objects the local process pool runs (``pcimg.cli.codec_commands.EncodeJob`` ...),
so the bytes are the same. Jobs read their inputs and write their outputs where they run: on
a cluster of several machines the paths must be on storage every node sees (a shared
filesystem); pipelines on object stores use ``pcimg.distributed.batches`` with ``ray.data``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _run(setup: Callable[[], object] | None, function: Callable[[T], R], item: T) -> R:
    if setup is not None:
        setup()  # e.g. the model folders and device of the command line, in this worker
    return function(item)


def ray_ordered_map(
    function: Callable[[T], R],
    items: Iterable[T],
    address: str | None = None,
    setup: Callable[[], object] | None = None,
    window: int | None = None,
) -> Iterator[R]:
    """``function(item)`` for each item as Ray tasks, yielded in input order, at most ``window``
    (default: twice the cluster's CPUs) in flight. Connects to ``address`` (a running
    cluster), or starts a local one for the call and stops it afterwards."""
    import ray  # the optional ray extra

    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        remote: Any = ray.remote(_run)
        function_ref = ray.put(function)
        size = window or max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
        pending: deque = deque()
        queue = iter(items)
        for item in queue:
            pending.append(remote.remote(setup, function_ref, item))
            if len(pending) >= size:
                break
        while pending:
            result = ray.get(pending.popleft())
            for item in queue:
                pending.append(remote.remote(setup, function_ref, item))
                break
            yield result
    finally:
        if started:
            ray.shutdown()
