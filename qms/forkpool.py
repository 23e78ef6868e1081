"""Map a function over many items on every core, with forked workers.

A forked worker inherits the parent's memory, so the function and its items
are never pickled on the way in: only results travel back. Below
`parallel_from` items, or where fork is not available, the map runs in this
process, because a second process costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _run_slice(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None
    function, items = _JOB
    return [function(item) for item in items[bounds[0] : bounds[1]]]


def fork_map(function: Callable[[Any], Any], items: Sequence[Any], parallel_from: int = 2_000) -> list[Any]:
    """[function(item) for item in items], in order, split over up to 4 cores."""
    global _JOB
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < parallel_from or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    step = -(-len(items) // workers)
    bounds = [(start, min(start + step, len(items))) for start in range(0, len(items), step)]
    _JOB = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_run_slice, bounds)
    finally:
        _JOB = None
    return [result for part in parts for result in part]
