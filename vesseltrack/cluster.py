"""Connecting the Dask engine (:mod:`vesseltrack.distributed`) to a cluster, started early.

This module imports nothing heavy (Dask itself only when a connection is made), so that the
command line can start a LocalCluster before it loads pandas, pyarrow and the analysis
modules: the worker processes boot while the client imports and prepares its tasks, instead
of after.
"""

from __future__ import annotations

import os
import threading
import warnings
from concurrent.futures import Future
from typing import Any

__all__ = ["CLUSTER_CONFIG", "abandon", "connect", "connect_in_background", "disconnect"]


CLUSTER_CONFIG: dict[str, Any] = {
    # one task at a time per worker, the next handed to whichever worker is free first
    # (the tasks are few and long: none waits queued behind another while a worker is
    # idle), and no work stealing, which would move a task away from the tens of MB it
    # reads on its worker
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.scheduler.work-stealing": False,
    # Dask sets MALLOC_TRIM_THRESHOLD_ in its workers' environment (to hand memory back
    # to the system between tasks of a long-lived worker). Any such variable turns off
    # glibc's adaptive mmap threshold, so every large array is a fresh mmap, zeroed page
    # by page as it is first written: a worker's page faults were about four times
    # those of the same tasks in one process, its system CPU twice. These workers live
    # for one count; a value the user sets in the environment still wins.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # Periodic work on a worker's event loop beside its task, kept for long-lived
    # clusters and their dashboard: the statistical profiler (the task's stack every
    # 10 ms), the system monitor (every 0.5 s) and the event loop's own tick (every
    # 20 ms) cost a single-threaded worker about 5 % of its task's CPU time (measured:
    # the process's CPU beside its task thread's, 6.7 % with them, 1.1 % without). With
    # one worker per core that is time taken from the tasks; this cluster has no
    # dashboard and lives for one count. The scheduler, in this process, keeps its
    # monitor and tick slower too. (The memory monitor, which spills and pauses, stays.)
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.tick.interval": "1s",
}
"""The Dask settings of the LocalCluster the engine starts, for a cluster of one job's long
tasks (set them on a real cluster's scheduler and workers too: README, "On a Dask cluster")."""


def connect(scheduler: str | None, n_workers: int) -> tuple[Any, Any]:
    """A client on ``scheduler``, or on a new LocalCluster (loopback, no dashboard).

    Parameters
    ----------
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://HOST:PORT``); None: start a LocalCluster
        of ``n_workers`` single-threaded worker processes on 127.0.0.1.
    n_workers : int
        Workers of the LocalCluster (ignored with ``scheduler``).

    Returns
    -------
    (distributed.Client, distributed.LocalCluster or None)
        The client, and the cluster it started (None with ``scheduler``).
    """
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler), None
    config = dict(CLUSTER_CONFIG)
    if _start_forkserver():
        import distributed.utils

        config["distributed.worker.multiprocessing-method"] = "forkserver"
        # Dask would otherwise set its own preload list (every optional package, imported
        # here first), too late to matter for a fork server already running
        distributed.utils._forkserver_preload_set = True
    with warnings.catch_warnings():  # the scheduler's HTTP port may be taken: it picks another
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        with dask.config.set(config):
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
    try:
        client = Client(cluster)
        client.run(_exit_without_teardown)
        return client, cluster
    except BaseException:
        cluster.close()
        raise


_FORKSERVER_PRELOAD = ("distributed", "vesseltrack.distributed", "vesseltrack.store",
                       "pyarrow.dataset")
"""What the workers of a LocalCluster need before their first task, imported once by the
fork server they are forked from (pandas, pyarrow and the analysis modules with them)."""

_WORKER_THREADS_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                       "OPENBLAS_NUM_THREADS": "1"}
"""One thread for the native libraries of each single-threaded worker, as Dask's nanny sets
them before it starts a worker process (``distributed.nanny.pre-spawn-environ``). numpy's
BLAS reads them as it loads, which for a forked worker is in the fork server's preload, with
the fork server's environment: so the fork server gets them when it starts (Dask's nanny
sets them only later, in this process); a value set in the environment wins."""


def _start_forkserver() -> bool:
    """Start the fork server the workers of a LocalCluster will be forked from, preloading
    :data:`_FORKSERVER_PRELOAD`, where the platform allows it; nothing if it runs already.

    It is a process of its own: started before this process imports Dask, pandas and the
    rest, its imports run on another core at the same time, instead of after Dask has been
    imported and the scheduler started (measured on a 10 M-line store: the count's wait for
    its cluster, once its own preparation was done, fell from about 0.9 s to 0.1 s). Each worker
    otherwise starts a fresh interpreter and imports all of it itself, after the scheduler
    is up and before its first task; with two workers on two cores, two such imports side
    by side took seconds of the start.

    Returns
    -------
    bool
        Whether the ``forkserver`` start method is available (not on Windows).
    """
    import multiprocessing
    from multiprocessing import forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(_FORKSERVER_PRELOAD))
    env = {k: os.environ.get(k, v) for k, v in _WORKER_THREADS_ENV.items()}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        forkserver.ensure_running()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return True


def _exit_without_teardown() -> None:
    """On a worker of a LocalCluster started here: once the worker has closed and its process
    exits, skip the interpreter's teardown (freeing every module and the data held: most of
    the half second a close took, on the critical path of a count). The worker has sent
    everything and closed its connections by then; nothing of it is left to save."""
    import atexit
    import os

    atexit.register(os._exit, 0)  # registered last, so run first


def connect_in_background(scheduler: str | None, n_workers: int) -> Future:
    """Start :func:`connect` on a thread of its own and return at once.

    Parameters
    ----------
    scheduler, n_workers
        As for :func:`connect`.

    Returns
    -------
    concurrent.futures.Future
        Its ``result()`` is what :func:`connect` returns (or raises). Whoever holds it must
        close the connection: :func:`disconnect` on the result, or :func:`abandon`.
    """
    if scheduler is None:
        try:
            _start_forkserver()  # now: its imports overlap this process's
        except OSError:
            pass  # connect() tries again on its thread and hands the error to the future
    done: Future = Future()

    def run() -> None:
        try:
            done.set_result(connect(scheduler, n_workers))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
            done.set_exception(exc)

    threading.Thread(target=run, name="vesseltrack-connect", daemon=True).start()
    return done


def disconnect(client: Any, cluster: Any) -> None:
    """Close ``client`` and then ``cluster`` (when :func:`connect` started one)."""
    try:
        client.close()
    finally:
        if cluster is not None:
            cluster.close()


def abandon(connecting: Future) -> None:
    """Close what :func:`connect_in_background` made, once made (a job given up on an error);
    a connection that failed leaves nothing to close."""
    try:
        client, cluster = connecting.result()
    except Exception:  # noqa: BLE001 - the caller reports its own error
        return
    disconnect(client, cluster)
