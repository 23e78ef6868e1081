"""The forked map: every core does a share, results come back in order, and a failing worker loses nothing."""

from __future__ import annotations

import os

import pytest

from qms.forkpool import MAX_WORKERS, _cores, fork_map

ITEMS = list(range(6_000))


@pytest.mark.skipif(_cores() < 2, reason="one core: the map runs in this process")
def test_every_core_does_a_share_and_the_order_is_kept() -> None:
    results = fork_map(lambda item: (item, os.getpid()), ITEMS)
    assert [item for item, _pid in results] == ITEMS
    pids = {pid for _item, pid in results}
    assert os.getpid() in pids  # the parent works too, instead of waiting
    assert len(pids) == min(_cores(), MAX_WORKERS)


def test_a_worker_that_fails_costs_time_not_results() -> None:
    parent = os.getpid()

    def double(item: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("a worker fails")
        return item * 2

    assert fork_map(double, ITEMS) == [item * 2 for item in ITEMS]


def test_a_worker_that_dies_costs_time_not_results() -> None:
    parent = os.getpid()

    def double(item: int) -> int:
        if os.getpid() != parent:
            os._exit(9)  # killed mid-way, without a word to the parent
        return item * 2

    assert fork_map(double, ITEMS) == [item * 2 for item in ITEMS]


def test_an_error_in_the_parent_is_raised() -> None:
    def fail(item: int) -> int:
        raise ValueError(item)

    with pytest.raises(ValueError):
        fork_map(fail, ITEMS)


def test_small_maps_stay_in_this_process() -> None:
    assert {pid for pid in fork_map(lambda _item: os.getpid(), ITEMS[:10])} == {os.getpid()}
