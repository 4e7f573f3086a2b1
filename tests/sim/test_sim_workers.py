"""The run's side of a worker process (`millinocket._Worker`): progress passed on as it comes,
then the results; a failure or a death in the worker fails the run with what happened."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from multiprocessing.connection import Connection

import pytest

from gridworks.actors.host import HostStats
from gridworks.sim.millinocket import SimError, WorkerProgress, _Worker

CONTEXT = multiprocessing.get_context("fork")  # the targets below are plain functions


def talks(conn: Connection) -> None:
    """Two rounds of progress, then results."""
    conn.send(("started", None))
    for n in range(2):
        stats = HostStats(published=10 * (n + 1))
        conn.send(
            ("progress", WorkerProgress(reports=[(f"h{n}", 3600 * n, 1.5, 2.0)], stats=stats))
        )
    conn.send(("done", ({}, HostStats(published=99))))
    conn.close()


def fails(conn: Connection) -> None:
    conn.send(("started", None))
    conn.send(("error", "ValueError: a bad day"))
    conn.close()


def dies(conn: Connection) -> None:
    conn.send(("started", None))
    os._exit(3)


def worker(target, on_report=None) -> _Worker:  # type: ignore[no-untyped-def]
    parent, child = CONTEXT.Pipe()
    process = CONTEXT.Process(target=target, args=(child,), daemon=True)
    process.start()
    child.close()
    return _Worker(process, parent, on_report)


def through(w: _Worker) -> tuple[dict[str, object], HostStats]:
    """The run's calls on a worker, start to results; the worker is stopped whatever happens."""

    async def main() -> tuple[dict[str, object], HostStats]:
        try:
            await w.started()
            w.follow()
            return await w.finished()  # type: ignore[return-value]
        finally:
            w.stop()

    return asyncio.run(main())


def test_progress_is_passed_on_as_it_comes_then_the_results() -> None:
    reports: list[tuple[str, int, float, float]] = []
    counters: list[int] = []

    def reported(*report: object) -> None:
        reports.append(report)  # type: ignore[arg-type]
        counters.append(w.stats.published)  # the progress's counters are in before its reports

    w = worker(talks, on_report=reported)
    traces, stats = through(w)
    assert reports == [("h0", 0, 1.5, 2.0), ("h1", 3600, 1.5, 2.0)]
    assert counters == [10, 20]
    assert traces == {} and stats.published == 99 and w.stats.published == 99


def test_an_error_in_the_worker_fails_the_run_with_it() -> None:
    with pytest.raises(SimError, match="a worker process failed: ValueError: a bad day"):
        through(worker(fails))


def test_a_worker_that_dies_fails_the_run_with_its_exit_code() -> None:
    with pytest.raises(SimError, match=r"a worker process ended \(exit code 3\)"):
        through(worker(dies))
