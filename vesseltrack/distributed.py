"""The Dask engine of ``vesseltrack count``: the same job as :func:`count_port_calls`, spread
over a Dask cluster.

The work runs as a graph of tasks (futures of :mod:`distributed`):

1. **decode**, one task per input file: :func:`vesseltrack.io.read_ais` of that file, its rows
   split into ``partitions`` buckets by a hash of the MMSI (so one vessel always lands in the
   same bucket), plus small per-file facts (time span, identity keys for sighting matching,
   the decode report);
2. **shuffle**, one task per bucket: that bucket's rows of every file, concatenated in input
   order (so each vessel's rows keep their stream order), with the bucket's sightings;
3. **stage 1** per partition (:func:`vesseltrack.count.run_track_stage`, the first half of
   :func:`vesseltrack.count.detect_vessels`): clean tracks, AIS calls, gaps; it stays on the
   worker;
4. **reduce**: :func:`vesseltrack.count.peer_call_counts` of every partition's AIS calls,
   summed on the client (a table of (flag, fence) counts);
5. **stage 2** per partition (:func:`vesseltrack.count.run_call_stage`): dark calls,
   sightings, load state, cargo;
6. **gather**: calls and gaps concatenated and put in the local engine's order; then the
   same selection by port, flag and time window as :func:`count_port_calls`
   (:func:`vesseltrack.count.select_result`), giving the same :class:`CountResult`.

Since detection is a pure function of whole vessels (see :mod:`vesseltrack.count`), the
result is identical to the local engine's. Each file is decoded on its own; the fragments at
its boundaries come back to the client, which joins those of all files (a multi-sentence
message split across two files is reassembled, as the local reader does) and adds the few
messages completed there to their vessels' partitions.

Over a store (:func:`count_store_dask`) there is nothing to decode or shuffle: a store bucket
already holds whole vessels, so one task per bucket reads the bucket once on its worker in
slices of whole vessels (:func:`vesseltrack.bucketed.bucket_slices`, as the local engine reads
it), largest bucket first, and runs both stages on each slice, stage 2 with the reduced table
deferred (:data:`vesseltrack.dark.PEERS_DEFERRED`: it decides only between two fences equally
likely by the vessel's own sightings and calls). Only slices that meet such a tie wait for the
reduce: their stage 2 runs again with it on the worker that holds their stage 1, handed out by
the client as workers free up, a worker out of its own buckets taking another's last
(:func:`_stage2_fed`). Both
engines can gather what the map and the report need (``want_map``: tracks thinned on the
workers, :class:`vesseltrack.bucketed.MapInputs`), so ``count --out`` writes every file the
local engine writes.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from dask.sizeof import sizeof

from vesseltrack.ais import DecodeReport
from vesseltrack.bucketed import (
    BucketStage,
    bucket_calls,
    bucket_calls_early,
    bucket_ids,
    bucket_listed,
    bucket_sightings,
    bucket_slices,
    bucket_track_stage,
    gather_result,
    read_window,
    slice_sightings,
    sum_peers,
)
from vesseltrack.cluster import abandon, connect, connect_in_background, disconnect
from vesseltrack.count import (
    CountParams,
    CountResult,
    SegmentStage,
    TrackStage,
    cap_for,
    match_sightings,
    peer_call_counts,
    select_ports,
)
from vesseltrack.params import StoreParams
from vesseltrack.ports import fences_from_ports
from vesseltrack.store import bucket_of_mmsi

__all__ = ["count_port_calls_dask", "count_store_dask", "partition_of_mmsi"]

_NOT_DETECTED = ("source", "cog_deg", "heading_deg")
"""Position columns no detector reads: dropped before the shuffle (less to send between
workers; the receiver name alone is about a fifth of the positions table). The equality test
against the local engine guards this list."""


def partition_of_mmsi(mmsi: np.ndarray | pd.Series, partitions: int) -> np.ndarray:
    """The partition (0 .. ``partitions`` - 1) of each MMSI: a fixed hash, the same in every
    process, so positions, statics and sightings of one vessel meet in one partition.

    Parameters
    ----------
    mmsi : array of int
        MMSIs.
    partitions : int
        Number of partitions.

    Returns
    -------
    ndarray of int64
    """
    return bucket_of_mmsi(mmsi, partitions)


@sizeof.register(BucketStage)
@sizeof.register(TrackStage)
@sizeof.register(SegmentStage)
def _sizeof_stage(stage: BucketStage | TrackStage | SegmentStage) -> int:
    """Bytes of a stage-1 result (its tracks, statics, calls, gaps...), as Dask counts the
    data a worker holds: the sum of its fields.

    Without it Dask sees a few dozen bytes (the object, not its tables), so its scheduler
    takes a stage for free to move: it handed stage-2 tasks to an idle worker and copied the
    bucket's tracks there (seconds), where running them where stage 1 left them costs
    nothing.
    """
    return sum(sizeof(getattr(stage, f.name)) for f in dataclasses.fields(stage))


# --------------------------------------------------------------------------------------------
# tasks (module-level functions: workers import them by name)


def _split_by_partition(
    pos: pd.DataFrame, sta: pd.DataFrame, partitions: int
) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """Rows of each vessel partition, each keeping its stream order."""
    kp = partition_of_mmsi(pos["mmsi"].to_numpy(), partitions)
    ks = partition_of_mmsi(sta["mmsi"].to_numpy(), partitions)
    # one stable pass per table: rows of a bucket keep their stream order
    pos_order = np.argsort(kp, kind="stable")
    sta_order = np.argsort(ks, kind="stable")
    pos_cut = np.searchsorted(kp[pos_order], np.arange(partitions + 1))
    sta_cut = np.searchsorted(ks[sta_order], np.arange(partitions + 1))
    pos_sorted = pos.take(pos_order).reset_index(drop=True)
    sta_sorted = sta.take(sta_order).reset_index(drop=True)
    return ([pos_sorted.iloc[pos_cut[j]:pos_cut[j + 1]] for j in range(partitions)],
            [sta_sorted.iloc[sta_cut[j]:sta_cut[j + 1]] for j in range(partitions)])


def _facts_of(pos: pd.DataFrame, sta: pd.DataFrame, want_ids: bool) -> dict[str, Any]:
    ts = pos["timestamp"]
    return {
        "ids": (sta.loc[:, ["mmsi", "imo", "name"]].drop_duplicates() if want_ids else None),
        "ts_min": ts.min() if len(ts) else None,
        "ts_max": ts.max() if len(ts) else None,
    }


def _decode_file(path: str, file_index: int, partitions: int, want_ids: bool) -> dict[str, Any]:
    """Task: decode one file and split its rows by vessel partition.

    The fragments at the file's boundaries are handed back (``leftovers``) to be joined with
    those of the other files, as the local reader does across files.
    """
    from vesseltrack.io import read_ais

    leftovers: list = []
    data = read_ais(path, progress=False, leftovers=leftovers, first_file_index=file_index)
    pos, sta = data.positions.drop(columns=list(_NOT_DETECTED)), data.statics
    positions, statics = _split_by_partition(pos, sta, partitions)
    return {"report": data.report, "positions": positions, "statics": statics,
            "leftovers": leftovers, **_facts_of(pos, sta, want_ids)}


def _bucket(decoded: dict[str, Any], part: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Task: one partition's rows of one decoded file (runs where the file was decoded)."""
    return decoded["positions"][part], decoded["statics"][part]


def _file_facts(decoded: dict[str, Any]) -> dict[str, Any]:
    """Task: the small per-file facts the client needs."""
    return {k: decoded[k] for k in ("report", "ids", "ts_min", "ts_max", "leftovers")}


def _stage1(
    buckets: list[tuple[pd.DataFrame, pd.DataFrame]],
    fences: list,
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
) -> BucketStage:
    """Task: concatenate one partition's buckets (input order) and run stage 1."""
    pos = pd.concat([b[0] for b in buckets], ignore_index=True)
    sta = pd.concat([b[1] for b in buckets], ignore_index=True)
    return bucket_track_stage(pos, sta, fences, registry, sightings, params)


def _store_stage1(
    root: str,
    bucket: int,
    window: tuple,
    bbox: Any,
    max_rows: int,
    shared: dict[str, Any],
    sightings: pd.DataFrame | None,
    want_map: bool,
) -> dict[str, Any]:
    """Task: one bucket of the store at ``root``, read on the worker once, in slices of
    whole vessels of at most about ``max_rows`` positions
    (:func:`vesseltrack.bucketed.bucket_slices`, as the local engine reads it): stage 1 of
    each slice, then its stage 2 with the flag-mates' table deferred
    (:data:`vesseltrack.dark.PEERS_DEFERRED`).

    Returns ``outs`` (each slice's stage-2 result, None where flag-mates decide a dark call),
    ``pending`` (for those: the slice's number, stage and sightings, for
    :func:`_store_stage2`) and ``peers`` (the bucket's (flag, fence) AIS call counts).
    """
    import tempfile

    from vesseltrack.store import open_store, use_releasing_memory_pool

    use_releasing_memory_pool()  # the worker reads bucket after bucket
    outs: list[dict[str, Any] | None] = []
    pending, peers = [], []
    with tempfile.TemporaryDirectory(prefix="vesseltrack-slices-") as spill:
        for bounds, j, pos, sta in bucket_slices(open_store(root), bucket, window, bbox, None,
                                                 max_rows, Path(spill)):
            s = slice_sightings(sightings, bounds, j)
            st = bucket_track_stage(pos, sta, shared["fences"], shared["registry"], s,
                                    shared["params"])
            del pos, sta
            peers.append(peer_call_counts(st.stage.ais_calls))
            out = bucket_calls_early(st, shared["registry"], s, shared["params"],
                                     shared["selected"], want_map)
            if out is None:
                pending.append((len(outs), st, s))
            outs.append(out)
            del st
    return {"outs": _store_listed(root, bucket, outs, shared["watchlist"]),
            "pending": pending, "peers": sum_peers(peers)}


def _store_finished(part: dict[str, Any]) -> dict[str, Any]:
    """Task: what the client fetches of a bucket's :func:`_store_stage1` (its stages stay on
    the worker): the results, the number of slices pending, the (flag, fence) counts."""
    return {"outs": part["outs"], "pending": len(part["pending"]), "peers": part["peers"]}


def _store_listed(root: str, bucket: int, outs: list[dict[str, Any] | None],
                  watchlist: pd.DataFrame | None) -> list[dict[str, Any] | None]:
    """With a watchlist, the labels of a bucket's callers from the identifiers of the
    bucket's statics at any time (read on the worker, only when the bucket has calls)."""
    from vesseltrack.store import open_store

    if watchlist is None:
        return outs
    ids = None
    if any(o is not None and len(o["calls"]) for o in outs):
        store = open_store(root)
        ids = bucket_ids(store, bucket, store.buckets)
    return [None if o is None else bucket_listed(o, ids if len(o["calls"]) else None, watchlist)
            for o in outs]


def _store_stage2(
    root: str,
    bucket: int,
    part: dict[str, Any],
    peers: pd.Series,
    shared: dict[str, Any],
    want_map: bool,
) -> list[tuple[int, dict[str, Any]]]:
    """Task: stage 2, with the (flag, fence) counts of the whole store, of the slices of one
    bucket that :func:`_store_stage1` left pending: (slice number, result) of each."""
    outs = [bucket_calls(st, shared["registry"], s, shared["params"], shared["selected"],
                         peers, want_map) for _, st, s in part["pending"]]
    outs = _store_listed(root, bucket, outs, shared["watchlist"])
    return [(k, o) for (k, _, _), o in zip(part["pending"], outs, strict=True)]


def _stage_listed(stage: BucketStage, out: dict[str, Any], watchlist: pd.DataFrame
                  ) -> dict[str, Any]:
    """Task: watchlist labels of one partition's callers, from its statics (whole: files)."""
    return bucket_listed(out, stage.stage.statics, watchlist)


def _peers_of(stage: BucketStage) -> pd.Series:
    """Task: the (flag, fence) AIS call counts of one partition."""
    return peer_call_counts(stage.stage.ais_calls)


# --------------------------------------------------------------------------------------------
# client side


def _stage2_fed(client: Any, stages: list, pending: list[int], args: tuple) -> dict[int, Any]:
    """Run the pending stage 2 of some buckets, fed from the client, once every stage 1 has
    ended, and return its results (by bucket).

    A bucket's stage 2 goes to the worker that holds its stage 1 (tens of MB, not moved),
    in the order of ``pending``, handed out as the worker's previous ones end rather than all
    at once; a worker that has run all of its own takes the last one of the worker with the
    most left, if that one has two or more left (it works on the others while the stage
    moves: tens of MB, which on a slow network may take as long as the task). Handed all at
    once, the scheduler had placed each where its stage 1 was, with no way back: the stage-2
    work of one worker came out up to twice the other's, which stood idle meanwhile.

    Parameters
    ----------
    client : distributed.Client
    stages : list of Future
        :func:`_store_stage1` of each bucket (ended).
    pending : list of int
        The buckets with slices pending, in the order their stage 2 should run (the largest
        first).
    args : tuple
        ``(root, peers, shared, want_map)`` of :func:`_store_stage2`.

    Returns
    -------
    dict
        The :func:`_store_stage2` result of each bucket of ``pending``, fetched as it ends.
    """
    from distributed import as_completed

    holders = client.who_has([stages[b] for b in pending])
    handed: dict[str, int] = dict.fromkeys(client.scheduler_info().get("workers", {}), 0)
    waiting: dict[str, list[int]] = {}  # worker -> buckets whose stage 1 it holds, in order
    for b in pending:
        held = holders.get(stages[b].key) or ()
        w = held[0] if held else min(handed, key=handed.get, default="")
        waiting.setdefault(w, []).append(b)
        handed.setdefault(w, 0)
    owner: dict[str, tuple[str, int]] = {}  # stage-2 key -> (worker, bucket)
    results: dict[int, Any] = {}
    running = as_completed()

    def feed() -> None:
        for w in list(handed):
            # one more handed ahead of the running one (no wait for the client between
            # two), but not near the end, where what is handed out can no longer move
            ahead = 1 if sum(map(len, waiting.values())) > len(handed) else 0
            while handed[w] <= ahead:
                mine = waiting.get(w)
                if mine:
                    b = mine.pop(0)
                elif max(map(len, waiting.values()), default=0) > 1:
                    other = max(waiting, key=lambda v: len(waiting[v]))
                    b = waiting[other].pop()
                else:
                    break
                root, peers, shared, want_map = args
                fut = client.submit(_store_stage2, root, b, stages[b], peers, shared, want_map,
                                    workers=[w], allow_other_workers=True, pure=False)
                owner[fut.key] = (w, b)
                handed[w] += 1
                running.add(fut)

    feed()
    for done in running:
        w, b = owner.pop(done.key)
        handed[w] -= 1
        feed()  # the next one handed out before this one's result is fetched
        results[b] = done.result()
    return results


def count_port_calls_dask(
    inputs: Iterable[str | os.PathLike] | str | os.PathLike,
    ports: pd.DataFrame,
    *,
    registry: pd.DataFrame | None = None,
    sightings: pd.DataFrame | None = None,
    port: str | None = None,
    flag: str | None = None,
    since: Any = None,
    until: Any = None,
    params: CountParams | None = None,
    scheduler: str | None = None,
    n_workers: int = 2,
    partitions: int | None = None,
    cap_bbl: int | None = None,
    want_map: bool = False,
    watchlist: pd.DataFrame | None = None,
) -> CountResult:
    """Run ``vesseltrack count`` on a Dask cluster (see the module docstring).

    Parameters
    ----------
    inputs : path, or iterable of paths, folders and globs
        AIS files, as for :func:`vesseltrack.io.read_ais`. Each file is one decode task:
        split a large input into several files to decode it in parallel.
    ports, registry, sightings, port, flag, since, until, params, cap_bbl
        As for :func:`vesseltrack.count.count_port_calls` (``sightings`` unmatched, from
        :func:`vesseltrack.registry.read_sightings`).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://HOST:PORT``); by default a
        LocalCluster of ``n_workers`` single-threaded worker processes on 127.0.0.1 is
        started and closed again.
    n_workers : int
        Workers of the LocalCluster (ignored with ``scheduler``).
    partitions : int, optional
        Vessel partitions (default: twice the number of workers, at least 2).
    want_map : bool
        Also gather what the map and the report draw (``map_inputs``,
        :class:`vesseltrack.bucketed.MapInputs`: thinned tracks, statics of called vessels).
    watchlist : DataFrame, optional
        :func:`vesseltrack.watchlist.read_watchlist`: mark the calls of listed vessels (a
        ``watchlist`` column, as :func:`vesseltrack.watchlist.mark_listed_calls`), per
        partition on the workers.

    Returns
    -------
    CountResult
        Identical to :func:`count_port_calls` on the same inputs (but see the module
        docstring on messages split across files), with :attr:`CountResult.input_report`
        set: the decode report of all files (:meth:`DecodeReport.to_dict`, used by
        :meth:`CountResult.summary`) plus ``engine``: ``name`` ``"dask"``, ``scheduler``,
        ``workers``, ``partitions``, ``files`` and wall-clock seconds per phase
        (``startup_s``: connecting or starting the cluster, ``decode_s``, ``detect_s``,
        ``total_s``).

    Raises
    ------
    ValueError
        If ``port`` names no geofence.
    vesseltrack.io.InputError
        A missing input path, a glob matching nothing, a folder without AIS files.
    """
    from vesseltrack.io import expand_inputs, join_leftovers

    t_start = time.perf_counter()
    cap = cap_for(flag, cap_bbl)
    params = params or CountParams()
    selected = select_ports(ports, port)
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    files = [str(p) for p in expand_inputs(inputs)]
    fences = fences_from_ports(ports, params.port_calls.exit_margin_m)

    client, cluster = connect(scheduler, n_workers)
    t_connected = time.perf_counter()
    try:
        workers = len(client.scheduler_info().get("workers", {})) or n_workers
        n_parts = partitions or max(2, 2 * workers)
        want_ids = sightings is not None
        decoded = client.map(_decode_file, files, range(1, len(files) + 1), partitions=n_parts,
                             want_ids=want_ids, pure=False)
        facts = client.gather(client.map(_file_facts, decoded, pure=False))
        t_decoded = time.perf_counter()

        report = DecodeReport()
        for f in facts:
            report.merge(f["report"])
        # messages whose fragments lie in different files (few): joined here, in file order
        late_pos, late_sta = join_leftovers([lo for f in facts for lo in f["leftovers"]], report)
        late_pos = late_pos.drop(columns=list(_NOT_DETECTED))
        late_buckets = list(zip(*_split_by_partition(late_pos, late_sta, n_parts), strict=True))
        facts.append(_facts_of(late_pos, late_sta, want_ids))
        matched = None
        if sightings is not None:
            ids = [f["ids"] for f in facts if f["ids"] is not None and len(f["ids"])]
            statics_ids = pd.concat(ids, ignore_index=True).drop_duplicates() if ids else None
            matched = match_sightings(sightings, registry, statics_ids)

        stages, part_sightings = [], []
        for j in range(n_parts):
            buckets = [client.submit(_bucket, d, j, pure=False) for d in decoded]
            buckets.append(late_buckets[j])
            sights = bucket_sightings(matched, j, n_parts)
            part_sightings.append(sights)
            stages.append(client.submit(_stage1, buckets, fences, registry, sights, params,
                                        pure=False))
        peers = sum_peers(client.gather(client.map(_peers_of, stages, pure=False)))
        outs = [client.submit(bucket_calls, s, registry, sights, params, selected, peers,
                              want_map, pure=False)
                for s, sights in zip(stages, part_sightings, strict=True)]
        if watchlist is not None:
            outs = [client.submit(_stage_listed, s, o, watchlist, pure=False)
                    for s, o in zip(stages, outs, strict=True)]
        results = client.gather(outs)
        del decoded, stages, outs
        t_detected = time.perf_counter()
        scheduler_address = client.scheduler.address
    finally:
        disconnect(client, cluster)

    rep = report.to_dict()
    rep["engine"] = {
        "name": "dask",
        "scheduler": scheduler_address,
        "workers": workers,
        "partitions": n_parts,
        "files": len(files),
        "startup_s": round(t_connected - t_start, 3),
        "decode_s": round(t_decoded - t_connected, 3),
        "detect_s": round(t_detected - t_decoded, 3),
        "total_s": round(time.perf_counter() - t_start, 3),
    }
    return gather_result(results, selected, flag=flag, since=since, until=until, params=params,
                         input_report=rep,
                         cap_bbl=cap,
                         registry_given=registry is not None)


def count_store_dask(
    store_dir: str | os.PathLike,
    ports: pd.DataFrame,
    *,
    registry: pd.DataFrame | None = None,
    sightings: pd.DataFrame | None = None,
    port: str | None = None,
    flag: str | None = None,
    since: Any = None,
    until: Any = None,
    bbox: tuple[float, float, float, float] | None = None,
    params: CountParams | None = None,
    store_params: StoreParams | None = None,
    scheduler: str | None = None,
    n_workers: int = 2,
    want_map: bool = False,
    cap_bbl: int | None = None,
    watchlist: pd.DataFrame | None = None,
    connecting: Future | None = None,
) -> CountResult:
    """Run ``vesseltrack count`` over a store on a Dask cluster: one task per bucket.

    A store bucket holds whole vessels, so no shuffle is needed. Each stage-1 task reads its
    bucket from the store itself (every worker must see ``store_dir`` at the same path, e.g.
    on a shared file system), once, in slices of whole vessels of at most about
    ``store_params.slice_rows`` positions (:func:`vesseltrack.bucketed.bucket_slices`, as the
    local engine reads a bucket), the largest buckets (bytes on disk) first; the small
    (flag, fence) table is reduced on a worker, and stage 2 runs where stage 1 left its
    tracks, so only calls, gaps (and map inputs) come back. The client plans nothing but
    the order of the buckets: it reads no data.

    Parameters
    ----------
    store_dir : path-like
        The store (:func:`vesseltrack.store.ingest`).
    ports, registry, sightings, port, flag, since, until, bbox, params, store_params
        As for :func:`vesseltrack.bucketed.count_port_calls_store`.
    scheduler, n_workers, want_map
        As for :func:`count_port_calls_dask`.
    watchlist : DataFrame, optional
        As for :func:`vesseltrack.bucketed.count_port_calls_store`: each bucket's callers
        matched on the workers with the identifiers of the bucket's statics at any time.
    connecting : concurrent.futures.Future, optional
        A connection already being made (:func:`vesseltrack.cluster.connect_in_background`,
        e.g. by the command line before its imports): used, and closed, instead of
        connecting to ``scheduler`` or starting ``n_workers``.

    Returns
    -------
    CountResult
        Identical to :func:`vesseltrack.bucketed.count_port_calls_store` (and so to
        :func:`vesseltrack.count_port_calls` on the files ingested), with ``input_report``:
        the store's decode report plus ``engine`` (``name`` ``"dask"``, ``scheduler``,
        ``workers``, ``partitions`` (the slices), ``buckets`` (one task each),
        ``buckets_waiting`` (those with a slice whose stage 2 needed every bucket's (flag,
        fence) counts: one more task each), ``plan_s`` (preparing the tasks, during the start-up), ``startup_s``,
        ``detect_s``, ``total_s``).
    """
    from distributed import as_completed

    from vesseltrack.store import open_store

    t_start = time.perf_counter()
    params = params or CountParams()
    store_params = store_params or StoreParams()
    try:
        selected = select_ports(ports, port)  # an unknown port: refused before any work
    except BaseException:
        if connecting is not None:
            abandon(connecting)
        raise
    if connecting is None:
        connecting = connect_in_background(scheduler, n_workers)
    # the cluster starts (or the client connects) while the client prepares the tasks
    try:
        store = open_store(store_dir)
        root = str(Path(store_dir).resolve())
        shared = {"fences": fences_from_ports(ports, params.port_calls.exit_margin_m),
                  "registry": registry, "params": params, "selected": selected,
                  "watchlist": watchlist}
        window = read_window(since, until, store_params)
        matched = (match_sightings(sightings, registry, store.ids())
                   if sightings is not None else None)
        sights = [bucket_sightings(matched, b, store.buckets) for b in range(store.buckets)]
        # the largest buckets first (a task submitted earlier runs earlier): no long task
        # left alone at the end
        order = np.argsort(-store.bucket_bytes("positions"), kind="stable").tolist()
        t_planned = time.perf_counter()
        client, cluster = connecting.result()
    except BaseException:
        abandon(connecting)
        raise
    t_connected = time.perf_counter()
    try:
        workers = len(client.scheduler_info().get("workers", {})) or n_workers
        # what every task reads, sent to each worker once
        [shared_f] = client.scatter([shared], broadcast=True, hash=False)
        stages: list = [None] * store.buckets
        finished = {}
        for b in order:
            stages[b] = client.submit(_store_stage1, root, b, window, bbox,
                                      store_params.slice_rows, shared_f, sights[b], want_map,
                                      pure=False)
            # ahead of the worker's next bucket: the client learns early what is done
            fut = client.submit(_store_finished, stages[b], priority=1, pure=False)
            finished[fut.key] = (b, fut)
        outs: list[list] = [[] for _ in range(store.buckets)]
        peer_parts, pending = [], []
        for done in as_completed([fut for _, fut in finished.values()]):
            b, _ = finished.pop(done.key)
            part = done.result()
            outs[b] = part["outs"]
            peer_parts.append(part["peers"])
            if part["pending"]:
                pending.append(b)
            else:
                stages[b] = None  # nothing left on the worker for this bucket
        if pending:  # flag-mates decide some dark call: stage 2 again with the whole table
            rank = {b: i for i, b in enumerate(order)}
            pending.sort(key=rank.get)
            [peers_f] = client.scatter([sum_peers(peer_parts)], broadcast=True, hash=False)
            for b, done_slices in _stage2_fed(client, stages, pending,
                                              (root, peers_f, shared_f, want_map)).items():
                for k, out in done_slices:
                    outs[b][k] = out
            del peers_f
        results = [out for bucket in outs for out in bucket]
        del stages, shared_f
        t_detected = time.perf_counter()
        scheduler_address = client.scheduler.address
    finally:
        disconnect(client, cluster)
    rep = store.report().to_dict()
    rep["engine"] = {
        "name": "dask",
        "scheduler": scheduler_address,
        "workers": workers,
        "partitions": len(results),
        "buckets": store.buckets,
        "buckets_waiting": len(pending),
        "store": root,
        "plan_s": round(t_planned - t_start, 3),
        "startup_s": round(t_connected - t_start, 3),
        "detect_s": round(t_detected - t_connected, 3),
        "total_s": round(time.perf_counter() - t_start, 3),
    }
    return gather_result(results, selected, flag=flag, since=since, until=until, params=params,
                         input_report=rep,
                         cap_bbl=cap_for(flag, cap_bbl), registry_given=registry is not None)
