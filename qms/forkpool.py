"""Map a function over many items on every core, with forked workers.

A forked worker inherits the parent's memory, so the function and its items
are never pickled on the way in: only results travel back, through a pipe.
The parent works through the first share itself instead of waiting, so two
cores need one fork, not two. Below `parallel_from` items, or where fork is
not available, the map runs in this process, because a second process costs
more than it saves. A worker that fails or dies costs time, never results:
its share is done again here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
MAX_WORKERS = 4


def _run_slice(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None
    function, items = _JOB
    return [function(item) for item in items[bounds[0] : bounds[1]]]


def _child(bounds: tuple[int, int], send: Any) -> None:
    try:
        result = _run_slice(bounds)
    except BaseException:  # the parent does this share itself
        result = None
    send.send(result)
    send.close()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def fork_map(function: Callable[[Any], Any], items: Sequence[Any], parallel_from: int = 2_000) -> list[Any]:
    """[function(item) for item in items], in order, split over up to 4 cores."""
    global _JOB
    workers = min(_cores(), MAX_WORKERS)
    if len(items) < parallel_from or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    step = -(-len(items) // workers)
    bounds = [(start, min(start + step, len(items))) for start in range(0, len(items), step)]
    context = multiprocessing.get_context("fork")
    _JOB = (function, items)
    children = []
    try:
        for share in bounds[1:]:
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(share, send), daemon=True)
            process.start()
            send.close()
            children.append((share, process, receive))
        parts = [_run_slice(bounds[0])]
        for share, process, receive in children:
            try:
                part = receive.recv()
            except (EOFError, OSError):  # the worker died before it could answer
                part = None
            receive.close()
            process.join()
            parts.append(part if part is not None else _run_slice(share))
    finally:
        _JOB = None
        for _share, process, _receive in children:
            if process.is_alive():
                process.kill()
                process.join()
    return [result for part in parts for result in part]
