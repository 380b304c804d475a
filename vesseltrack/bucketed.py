"""Analyses over a store, one MMSI bucket at a time: peak memory is that of the largest bucket.

Every detector is a pure function of whole vessels (see :mod:`vesseltrack.count`) and a
store bucket holds whole vessels (:func:`vesseltrack.store.bucket_of_mmsi`), so running the
two detection stages bucket by bucket and concatenating gives the answer of one run over all
the data. The one global table between the stages (where flag-mates call,
:func:`vesseltrack.count.peer_call_counts`) decides only between two fences a dark call could
equally be at (alike in sightings and in the vessel's own calls), so a slice's stage 2 runs
right after its stage 1 without it, and finishes there unless it meets such a tie
(:data:`vesseltrack.dark.PEERS_DEFERRED`). Only the slices that met one are spilled to a
temporary file, and loaded again for stage 2 once the first pass over the buckets has summed
the table. What is kept of each slice is its calls, its gaps and, for maps and reports,
thinned tracks.

The functions here work on one bucket's rows and are shared with the Dask engine
(:mod:`vesseltrack.distributed`), which runs them as one task per bucket.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import utc_bounds
from vesseltrack.count import (
    DETECTED_COLUMNS,
    CountResult,
    SegmentStage,
    TrackStage,
    cap_for,
    match_sightings,
    peer_call_counts,
    run_call_stage,
    run_segment_call_stage,
    run_segment_track_stage,
    run_track_stage,
    select_ports,
    select_result,
)
from vesseltrack.dark import PEERS_DEFERRED, PeerCalls, PeersNeeded
from vesseltrack.params import CountParams, GapParams, SegmentParams, StoreParams
from vesseltrack.store import Store, bucket_of_mmsi

__all__ = [
    "BucketStage",
    "MapInputs",
    "bucket_calls",
    "bucket_calls_early",
    "bucket_ids",
    "bucket_listed",
    "bucket_rows",
    "bucket_sightings",
    "bucket_slices",
    "bucket_track_stage",
    "count_port_calls_store",
    "detect_gaps_store",
    "gather_result",
    "map_inputs",
    "read_window",
    "select_gaps",
    "slice_bounds",
    "slice_of",
    "slice_rows",
    "slice_sightings",
    "store_slices",
    "sum_peers",
    "thin_positions",
]

MAP_EVERY_MINUTES = 15.0
"""Thinned tracks keep a vessel's first position in each bin of this many minutes (the map
draws tracks at this resolution)."""


@dataclass
class MapInputs:
    """What the map and the report need of the positions and statics, kept small.

    Attributes
    ----------
    positions : DataFrame
        Thinned clean tracks (:func:`thin_positions`) in the positions contract.
    statics : DataFrame
        Statics of vessels with a call, whole; of other vessels, each distinct name once.
    """

    positions: pd.DataFrame
    statics: pd.DataFrame


@dataclass
class BucketStage:
    """Stage 1 of one bucket, with its raw time span and vessel count (a
    :class:`~vesseltrack.count.SegmentStage` with ``params.segments``)."""

    stage: TrackStage | SegmentStage
    ts_min: pd.Timestamp | None
    ts_max: pd.Timestamp | None


def read_window(
    since: Any, until: Any, params: StoreParams
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The time range to read for a window [since, until]: widened on each side by
    ``params.window_margin_hours`` so that calls and gaps at its edges are seen whole."""
    margin = pd.Timedelta(hours=params.window_margin_hours)
    start, end = utc_bounds(since, until)
    return (start - margin if start is not None else None,
            end + margin if end is not None else None)


def _add_extra(frame: pd.DataFrame, extra: pd.DataFrame | None, bucket: int,
               buckets: int) -> pd.DataFrame:
    """``frame`` followed by the rows of ``extra`` (files given beside the store) in
    ``bucket`` (only the columns of ``frame``)."""
    if extra is None or not len(extra):
        return frame
    mine = extra.loc[bucket_of_mmsi(extra["mmsi"].to_numpy(), buckets) == bucket,
                     list(frame.columns)]
    if not len(mine):
        return frame
    if not len(frame):
        return mine.reset_index(drop=True)
    return pd.concat([frame, mine], ignore_index=True)


def bucket_sightings(matched: pd.DataFrame | None, bucket: int, buckets: int
                     ) -> pd.DataFrame | None:
    """The matched sightings (``matched_mmsi``) of the vessels of ``bucket``."""
    if matched is None:
        return None
    mm = matched["matched_mmsi"]
    keep = mm.notna().to_numpy(bool).copy()
    keep[keep] = bucket_of_mmsi(mm[keep].to_numpy("int64"), buckets) == bucket
    return matched.loc[keep]


def bucket_track_stage(
    pos: pd.DataFrame,
    sta: pd.DataFrame,
    fences: list,
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
) -> BucketStage:
    """Stage 1 (:func:`vesseltrack.count.run_track_stage`, or per segment
    :func:`vesseltrack.count.run_segment_track_stage` with ``params.segments``) of one
    bucket's rows."""
    ts = pos["timestamp"]
    has = ts.notna().any()
    run = run_track_stage if params.segments is None else run_segment_track_stage
    stage = run(pos, sta, fences, registry, sightings, params)
    return BucketStage(stage, ts.min() if has else None, ts.max() if has else None)


def thin_positions(tracks: pd.DataFrame, every_minutes: float = MAP_EVERY_MINUTES
                   ) -> pd.DataFrame:
    """Each vessel's first clean position in each time bin of ``every_minutes`` (for maps).

    Parameters
    ----------
    tracks : DataFrame
        Clean tracks (``mmsi``, ``timestamp``, ``lon``, ``lat``, ...), any order.
    every_minutes : float
        Bin length, minutes.

    Returns
    -------
    DataFrame
        The kept rows in the positions contract, sorted by vessel and time.
    """
    from vesseltrack._schema import positions_frame

    ok = (tracks["lon"].notna() & tracks["lat"].notna() & tracks["timestamp"].notna())
    t = tracks.loc[ok.to_numpy(bool)].sort_values(["mmsi", "timestamp"], kind="stable")
    mmsi = t["mmsi"].to_numpy("int64")
    bins = t["timestamp"].to_numpy("datetime64[ns]").astype("int64") // int(every_minutes * 60e9)
    keep = np.r_[True, (mmsi[1:] != mmsi[:-1]) | (bins[1:] != bins[:-1])] if len(t) else \
        np.zeros(0, dtype=bool)
    cols = [c for c in t.columns if c in ("mmsi", "timestamp", "lon", "lat", "sog_knots",
                                          "cog_deg", "heading_deg", "nav_status", "msg_type")]
    return positions_frame(t.loc[keep, cols].reset_index(drop=True))


def map_inputs(stage: TrackStage | SegmentStage, calls: pd.DataFrame) -> MapInputs:
    """The small part of one bucket's data that maps and reports draw (:class:`MapInputs`)."""
    from vesseltrack._schema import STATIC_COLUMNS, empty_frame

    sta = stage.statics if stage.statics is not None else empty_frame(STATIC_COLUMNS)
    called = sta["mmsi"].isin(calls["mmsi"].unique())
    others = sta.loc[~called].drop_duplicates(["mmsi", "name"], keep="last")
    return MapInputs(thin_positions(stage.tracks),
                     pd.concat([sta.loc[called], others]).sort_index().reset_index(drop=True))


def bucket_calls(
    bstage: BucketStage,
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
    dark_call_ports: list[str],
    peers: PeerCalls,
    want_map: bool,
) -> dict[str, Any]:
    """Stage 2 of one bucket: ``calls``, ``gaps``, ``vessels_seen``, ``ts_min``, ``ts_max``
    and, with ``want_map``, ``map`` (:class:`MapInputs`)."""
    stage = bstage.stage
    run = run_segment_call_stage if isinstance(stage, SegmentStage) else run_call_stage
    calls, gaps = run(stage, registry, sightings, params, dark_call_ports, peers)
    return {"calls": calls, "gaps": gaps, "vessels_seen": stage.vessels_seen,
            "non_ship_mmsi": stage.non_ship_mmsi, "untimed_positions": stage.untimed_positions,
            "ts_min": bstage.ts_min, "ts_max": bstage.ts_max,
            "map": map_inputs(stage, calls) if want_map else None}


def bucket_calls_early(
    bstage: BucketStage,
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
    dark_call_ports: list[str],
    want_map: bool,
) -> dict[str, Any] | None:
    """:func:`bucket_calls` right after stage 1, before the flag-mates' table of every bucket
    is known (:data:`vesseltrack.dark.PEERS_DEFERRED`): its result, or None when flag-mates
    decide a dark call (then :func:`bucket_calls` again once the table is summed)."""
    try:
        return bucket_calls(bstage, registry, sightings, params, dark_call_ports,
                            PEERS_DEFERRED, want_map)
    except PeersNeeded:
        return None


def sum_peers(parts: list[pd.Series]) -> pd.Series:
    """Sum per-bucket :func:`vesseltrack.count.peer_call_counts` tables."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.Series([], dtype="float64")
    return pd.concat(parts).groupby(level=[0, 1]).sum()


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    full = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(full, ignore_index=True) if len(full) > 1 else full[0].copy()


MERGE_SLICES = 16
"""The local store count merges the results of this many slices into one as it goes
(:func:`merge_outs`): a slice's calls and gaps are a few rows, but each table of them holds
tens of kB of pandas and Arrow structure, which over the 378 slices of a 100 M-line store
made the count's memory grow with the data (about 120 kB a slice)."""


def merge_outs(outs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several slices' stage-2 outputs (:func:`bucket_calls`, in order) as one: the same rows
    in the same order, the counts summed, the time span widened. :func:`gather_result` gives
    the same answer from the merged output as from the outputs themselves."""
    lo = [o["ts_min"] for o in outs if o["ts_min"] is not None]
    hi = [o["ts_max"] for o in outs if o["ts_max"] is not None]
    maps = [o["map"] for o in outs if o.get("map") is not None]
    listed = [o["listed"] for o in outs if o.get("listed") is not None]
    out = {"calls": _concat([o["calls"] for o in outs]),
           "gaps": _concat([o["gaps"] for o in outs]),
           "vessels_seen": int(sum(o["vessels_seen"] for o in outs)),
           "non_ship_mmsi": int(sum(o.get("non_ship_mmsi", 0) for o in outs)),
           "untimed_positions": int(sum(o.get("untimed_positions", 0) for o in outs)),
           "ts_min": min(lo) if lo else None, "ts_max": max(hi) if hi else None,
           "map": (MapInputs(_concat([m.positions for m in maps]),
                             _concat([m.statics for m in maps])) if maps else None)}
    if listed:
        out["listed"] = pd.concat(listed)
    return out


def gather_result(
    outs: list[dict[str, Any]],
    selected: list[str],
    *,
    flag: str | None,
    since: Any,
    until: Any,
    params: CountParams,
    input_report: dict[str, Any] | None = None,
    cap_bbl: int | None = None,
    registry_given: bool = True,
) -> CountResult:
    """Concatenate per-bucket outputs into the local engine's :class:`CountResult` (same
    order of rows), with the map inputs where they were kept (``map_inputs``) and the calls
    marked where watchlist labels were (``listed``, :func:`bucket_listed`). ``cap_bbl`` is
    the cap in effect (:func:`vesseltrack.count.cap_for`), not a flag's default."""
    calls = _concat([o["calls"] for o in outs])
    calls = calls.sort_values(["mmsi", "arrival", "port"], kind="stable").reset_index(drop=True)
    gaps = _concat([o["gaps"] for o in outs])
    gaps = gaps.sort_values("mmsi", kind="stable").reset_index(drop=True)
    lo = [o["ts_min"] for o in outs if o["ts_min"] is not None]
    hi = [o["ts_max"] for o in outs if o["ts_max"] is not None]
    result = select_result(calls, gaps, selected, flag=flag, since=since, until=until,
                           params=params, data_start=min(lo) if lo else None,
                           data_end=max(hi) if hi else None,
                           vessels_seen=int(sum(o["vessels_seen"] for o in outs)),
                           input_report=input_report,
                           non_ship_mmsi=int(sum(o.get("non_ship_mmsi", 0) for o in outs)),
                           untimed_positions=int(sum(o.get("untimed_positions", 0)
                                                     for o in outs)))
    result = replace(result, cap_bbl=cap_bbl, registry_given=registry_given)
    listed = [o["listed"] for o in outs if o.get("listed") is not None]
    if listed:  # --watchlist: labels of each bucket's listed vessels
        from vesseltrack.watchlist import label_calls

        result = label_calls(result, pd.concat(listed))
    maps = [o["map"] for o in outs if o.get("map") is not None]
    if maps:
        result.map_inputs = MapInputs(_concat([m.positions for m in maps]),
                                      _concat([m.statics for m in maps]))
    return result


def bucket_rows(store: Store | None, bucket: int, buckets: int, window: tuple, bbox: Any,
                 extra: tuple[pd.DataFrame, pd.DataFrame] | None,
                 columns: Sequence[str] | None = None,
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One bucket's positions and statics: the store's (read within ``window``, positions
    within ``bbox``), then those of ``extra`` (files analysed with the store). ``columns``:
    only these position columns (e.g. :data:`vesseltrack.count.DETECTED_COLUMNS`)."""
    from vesseltrack._schema import POSITION_COLUMNS, STATIC_COLUMNS, empty_frame

    if store is not None:
        pos = store.read("positions", buckets=[bucket], since=window[0], until=window[1],
                         bbox=bbox, columns=columns)
        sta = store.read("statics", buckets=[bucket], since=window[0], until=window[1])
    else:
        pos = empty_frame(POSITION_COLUMNS if columns is None
                          else {c: POSITION_COLUMNS[c] for c in columns})
        sta = empty_frame(STATIC_COLUMNS)
    if extra is not None:
        pos = _add_extra(pos, extra[0], bucket, buckets)
        sta = _add_extra(sta, extra[1], bucket, buckets)
    return pos, sta


def bucket_ids(store: Store | None, bucket: int, buckets: int,
               extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Distinct ``mmsi``, ``imo``, ``name`` of one bucket's statics, at any time (the store's,
    then those of ``extra``, statics of files analysed with the store), in stream order of
    first use: what :func:`vesseltrack.watchlist.listed_labels` matches a vessel by. Only
    these three columns are read."""
    from vesseltrack._schema import STATIC_COLUMNS, STRING

    cols = ["mmsi", "imo", "name"]
    ids = (store.read("statics", buckets=[bucket], columns=cols) if store is not None
           else pd.DataFrame({c: pd.Series([], dtype=STATIC_COLUMNS[c]) for c in cols}))
    if extra is not None:
        ids = _add_extra(ids, extra.loc[:, cols], bucket, buckets)
    ids = ids.astype({"mmsi": "int64", "imo": "Int64", "name": STRING})
    return ids.drop_duplicates(ignore_index=True)


def bucket_listed(out: dict[str, Any], ids: pd.DataFrame | None, watchlist: pd.DataFrame
                  ) -> dict[str, Any]:
    """One bucket's stage-2 output (:func:`bucket_calls`) with ``listed``: the watchlist
    labels of its callers (:func:`vesseltrack.watchlist.listed_labels`) from ``ids``, the
    bucket's statics or :func:`bucket_ids`."""
    from vesseltrack.watchlist import listed_labels

    return {**out, "listed": listed_labels(out["calls"], ids, watchlist)}


def slice_bounds(mmsi: np.ndarray, max_rows: int) -> np.ndarray:
    """Where to cut a bucket into slices of whole vessels of at most ``max_rows`` positions.

    Vessels are taken in MMSI order and each slice is filled until the next vessel would
    not fit, so no slice holds more than ``max_rows`` positions unless one vessel alone does
    (a vessel is never split; it then makes a slice of its own). Memory of a slice's
    analysis follows ``max_rows``, not the length of the vessels' tracks: a year of data
    has tracks twelve times a month's, in slices no larger.

    Parameters
    ----------
    mmsi : array of int
        The MMSI of each of the bucket's positions.
    max_rows : int
        Positions per slice at most (a vessel is never split).

    Returns
    -------
    ndarray of int64
        Sorted MMSIs that start the 2nd, 3rd, ... slice (empty: one slice); an MMSI's slice
        is :func:`slice_of`.

    Examples
    --------
    >>> slice_bounds(np.array([5, 5, 7, 7, 9, 9]), 4).tolist()
    [9]
    >>> slice_bounds(np.array([5, 5, 7, 7, 9, 9]), 6).tolist()
    []
    """
    max_rows = max(int(max_rows), 1)
    if len(mmsi) <= max_rows:
        return np.zeros(0, dtype="int64")
    vessels, counts = np.unique(np.asarray(mmsi, dtype="int64"), return_counts=True)
    ends = np.cumsum(counts)
    starts = []
    first, done = 0, 0  # the slice's first vessel; positions in the slices before it
    while first < len(vessels):
        # the vessels that end within max_rows of the slice's start; at least one
        nxt = max(int(np.searchsorted(ends, done + max_rows, side="right")), first + 1)
        if nxt < len(vessels):
            starts.append(nxt)
        first, done = nxt, int(ends[nxt - 1])
    return vessels[np.asarray(starts, dtype="int64")]


def slice_of(mmsi: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The slice (0 .. ``len(bounds)``) of each MMSI (:func:`slice_bounds`)."""
    return np.searchsorted(bounds, np.asarray(mmsi, dtype="int64"), side="right")


def slice_sightings(sightings: pd.DataFrame | None, bounds: np.ndarray, j: int
                    ) -> pd.DataFrame | None:
    """The sightings of a bucket (:func:`bucket_sightings`) that belong to its slice ``j``."""
    if sightings is None or not len(bounds):
        return sightings
    return sightings.loc[slice_of(sightings["matched_mmsi"].to_numpy("int64"), bounds) == j]


def _extra_of(extra: tuple[pd.DataFrame, pd.DataFrame] | None, bucket: int, buckets: int,
              columns: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    if extra is None:
        return None
    pos, sta = extra
    return (pos.loc[bucket_of_mmsi(pos["mmsi"].to_numpy(), buckets) == bucket, list(columns)],
            sta.loc[bucket_of_mmsi(sta["mmsi"].to_numpy(), buckets) == bucket])


def bucket_slices(
    store: Store,
    bucket: int,
    window: tuple,
    bbox: Any,
    extra: tuple[pd.DataFrame, pd.DataFrame] | None,
    max_rows: int,
    spill: Path,
    columns: Sequence[str] = DETECTED_COLUMNS,
) -> Iterator[tuple[np.ndarray, int, pd.DataFrame, pd.DataFrame]]:
    """One bucket's rows (as :func:`bucket_rows`, positions of ``columns``), in slices of
    whole vessels of at most about ``max_rows`` positions: ``(bounds, j, positions,
    statics)`` for each slice ``j`` (:func:`slice_bounds`).

    A bucket within ``max_rows`` is read as one slice. A larger one is read once, batch by
    batch, into one temporary Arrow file per slice under ``spill``; each slice is then
    loaded on its own, so memory follows the slice, not the bucket.
    """
    import pyarrow as pa

    from vesseltrack._schema import POSITION_COLUMNS, empty_frame
    from vesseltrack.store import stream_frame

    buckets = store.buckets
    since, until = window
    counted = [b.column(0).to_numpy() for b in store.scan(
        "positions", ["mmsi"], buckets=[bucket], since=since, until=until, bbox=bbox)]
    mine = _extra_of(extra, bucket, buckets, columns)
    if mine is not None:
        counted.append(mine[0]["mmsi"].to_numpy("int64"))
    bounds = slice_bounds(np.concatenate(counted) if counted else np.zeros(0, "int64"),
                          max_rows)
    del counted
    if not len(bounds):
        yield bounds, 0, *bucket_rows(store, bucket, buckets, window, bbox, extra, columns)
        return
    n = len(bounds) + 1
    paths = [spill / f"slice-{bucket}-{j}.arrow" for j in range(n)]
    writers: dict[int, Any] = {}
    try:
        for batch in store.scan("positions", columns, buckets=[bucket], since=since,
                                until=until, bbox=bbox):
            sid = slice_of(batch.column(0).to_numpy(), bounds)
            order = np.argsort(sid, kind="stable")
            cuts = np.searchsorted(sid[order], np.arange(n + 1))
            batch = batch.take(pa.array(order))
            for j in np.flatnonzero(np.diff(cuts)):
                if j not in writers:
                    writers[j] = pa.ipc.new_file(str(paths[j]), batch.schema)
                writers[j].write_batch(batch.slice(int(cuts[j]), int(cuts[j + 1] - cuts[j])))
    finally:
        for w in writers.values():
            w.close()
    statics = store.read("statics", buckets=[bucket], since=since, until=until)
    if mine is not None:
        statics = _add_extra(statics, mine[1], bucket, buckets)
    sta_slice = slice_of(statics["mmsi"].to_numpy(), bounds)
    ex_slice = slice_of(mine[0]["mmsi"].to_numpy(), bounds) if mine is not None else None
    for j in range(n):
        if j in writers:
            with pa.memory_map(str(paths[j])) as source:
                pos = stream_frame(pa.ipc.open_file(source).read_all())
            paths[j].unlink()
        else:
            pos = empty_frame({c: POSITION_COLUMNS[c] for c in columns})
        if mine is not None and (ex_slice == j).any():
            rows = mine[0].loc[ex_slice == j]
            pos = pd.concat([pos, rows], ignore_index=True) if len(pos) else \
                rows.reset_index(drop=True)
        yield bounds, j, pos, statics.loc[sta_slice == j].reset_index(drop=True)


def store_slices(store: Store, window: tuple, bbox: Any, max_rows: int
                 ) -> list[tuple[np.ndarray, np.ndarray]]:
    """For every bucket of ``store`` (positions read within ``window`` and ``bbox``): its
    :func:`slice_bounds` and the positions of each slice, for :func:`slice_rows` (e.g. one
    task per slice, the largest first)."""
    out = []
    for b in range(store.buckets):
        counted = [batch.column(0).to_numpy() for batch in store.scan(
            "positions", ["mmsi"], buckets=[b], since=window[0], until=window[1], bbox=bbox)]
        mmsi = np.concatenate(counted) if counted else np.zeros(0, "int64")
        bounds = slice_bounds(mmsi, max_rows)
        out.append((bounds, np.bincount(slice_of(mmsi, bounds), minlength=len(bounds) + 1)))
    return out


def slice_rows(store: Store, bucket: int, window: tuple, bbox: Any, bounds: np.ndarray,
               j: int, columns: Sequence[str] = DETECTED_COLUMNS
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions (``columns``) and statics of slice ``j`` of ``bucket`` (:func:`slice_of`
    with ``bounds``), read in stream order; the whole bucket when ``bounds`` is empty."""
    import pyarrow as pa

    from vesseltrack._schema import POSITION_COLUMNS, empty_frame
    from vesseltrack.store import stream_frame

    if not len(bounds):
        return bucket_rows(store, bucket, store.buckets, window, bbox, None, columns)
    kept = []
    for batch in store.scan("positions", columns, buckets=[bucket], since=window[0],
                            until=window[1], bbox=bbox):
        mine = slice_of(batch.column(0).to_numpy(), bounds) == j
        if mine.any():
            kept.append(batch.filter(pa.array(mine)))
    pos = (stream_frame(pa.Table.from_batches(kept)) if kept
           else empty_frame({c: POSITION_COLUMNS[c] for c in columns}))
    sta = store.read("statics", buckets=[bucket], since=window[0], until=window[1])
    return pos, sta.loc[slice_of(sta["mmsi"].to_numpy(), bounds) == j].reset_index(drop=True)


def count_port_calls_store(
    store: Store,
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
    extra: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    want_map: bool = False,
    progress: bool | None = None,
    cap_bbl: int | None = None,
    watchlist: pd.DataFrame | None = None,
) -> CountResult:
    """:func:`vesseltrack.count_port_calls` over a store, one bucket at a time.

    Parameters
    ----------
    store : Store
        :func:`vesseltrack.open_store`.
    ports, registry, sightings, port, flag, since, until, params, cap_bbl
        As for :func:`vesseltrack.count_port_calls`. ``since``/``until`` also limit what is
        read (widened by ``store_params.window_margin_hours``, :func:`read_window`).
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        Read only the positions inside the box.
    store_params : StoreParams, optional
        The read margin.
    extra : (positions, statics), optional
        Rows decoded from files given beside the store (analysed with it).
    want_map : bool
        Also keep :class:`MapInputs` for the map and the report.
    progress : bool, optional
        ``False``: no progress bar (by default one on a terminal, when tqdm is installed).
    watchlist : DataFrame, optional
        :func:`vesseltrack.watchlist.read_watchlist`: mark the calls of listed vessels, as
        :func:`vesseltrack.watchlist.mark_listed_calls` with every static report of the
        files does (each bucket's identifiers read at any time, :func:`bucket_ids`).

    Returns
    -------
    CountResult
        The same as :func:`vesseltrack.count_port_calls` on the same rows (``input_report``
        None: the caller knows the decode report), with ``map_inputs`` (:class:`MapInputs`)
        when ``want_map``.
    """
    from vesseltrack.ports import fences_from_ports

    params = params or CountParams()
    store_params = store_params or StoreParams()
    selected = select_ports(ports, port)
    fences = fences_from_ports(ports, params.port_calls.exit_margin_m)
    window = read_window(since, until, store_params)
    buckets = store.buckets
    matched = None
    if sightings is not None:
        ids = store.ids()
        if extra is not None and len(extra[1]):
            ids = pd.concat([ids, extra[1].loc[:, ["mmsi", "imo", "name"]]],
                            ignore_index=True).drop_duplicates(ignore_index=True)
        matched = match_sightings(sightings, registry, ids)
    sights = [bucket_sightings(matched, b, buckets) for b in range(buckets)]
    bar = _bar(buckets, progress)

    import pickle
    import tempfile

    def label(b: int, out: dict[str, Any]) -> dict[str, Any]:
        if watchlist is None:
            return out
        # a bucket without calls has no one to mark
        ids = (bucket_ids(store, b, buckets, None if extra is None else extra[1])
               if len(out["calls"]) else None)
        return bucket_listed(out, ids, watchlist)

    # Stage 2 of each slice runs right after its stage 1 with the flag-mates' table deferred
    # (:data:`vesseltrack.dark.PEERS_DEFERRED`): it finishes there unless flag-mates decide a
    # dark call's fence. Then the slice's stage 1 goes to a temporary file (pickle) until the
    # table of every slice is known: reading it back is several times cheaper than reading
    # the slice and running stage 1 again. What is kept of each slice is its calls and gaps
    # (and map inputs), merged with the other slices' every MERGE_SLICES slices.
    outs: list[dict[str, Any] | None] = []
    tail = 0  # outs[tail:] are results (no slice pending among them), merged as they grow
    with tempfile.TemporaryDirectory(prefix="vesseltrack-stages-") as spill:
        try:
            peers, pending = [], []
            for b in range(buckets):
                for bounds, j, pos, sta in bucket_slices(store, b, window, bbox, extra,
                                                         store_params.slice_rows, Path(spill)):
                    s = slice_sightings(sights[b], bounds, j)
                    bstage = bucket_track_stage(pos, sta, fences, registry, s, params)
                    del pos, sta
                    peers.append(peer_call_counts(bstage.stage.ais_calls))
                    out = bucket_calls_early(bstage, registry, s, params, selected, want_map)
                    if out is None:
                        with open(Path(spill) / f"{b}-{j}.pickle", "wb") as fh:
                            pickle.dump(bstage, fh, protocol=pickle.HIGHEST_PROTOCOL)
                        pending.append((len(outs), b, j, s))
                    outs.append(None if out is None else label(b, out))
                    if out is None:
                        tail = len(outs)
                    elif len(outs) - tail >= MERGE_SLICES:
                        outs[tail:] = [merge_outs(outs[tail:])]
                    if len(peers) >= MERGE_SLICES:
                        peers[:] = [sum_peers(peers)]
                    del bstage
                if bar is not None:
                    bar.update(1)
            if pending:
                total = sum_peers(peers)
                if bar is not None:
                    bar.total = buckets + len(pending)
                    bar.refresh()
            for k, b, j, s in pending:
                with open(Path(spill) / f"{b}-{j}.pickle", "rb") as fh:
                    bstage = pickle.load(fh)  # our own file, written just above
                outs[k] = label(b, bucket_calls(bstage, registry, s, params, selected, total,
                                                want_map))
                del bstage
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
    return gather_result(outs, selected, flag=flag, since=since, until=until, params=params,
                         cap_bbl=cap_for(flag, cap_bbl), registry_given=registry is not None)


def _bar(total: int, progress: bool | None):
    if progress is False:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="bucket", desc="analysing store",
                disable=None if progress is None else False, delay=2.0, leave=False)


def detect_gaps_store(
    store: Store,
    ports: pd.DataFrame | None = None,
    params: GapParams | None = None,
    *,
    since: Any = None,
    until: Any = None,
    bbox: tuple[float, float, float, float] | None = None,
    store_params: StoreParams | None = None,
    extra: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    segments: SegmentParams | None = None,
) -> pd.DataFrame:
    """:func:`vesseltrack.detect_gaps` of clean tracks over a store, one bucket at a time.

    ``since``/``until`` limit what is read as in :func:`count_port_calls_store`; the gaps
    returned are all those found (select by time with :func:`select_gaps`). Rows come in the
    order of one run over all the data (by ``mmsi``, then as the detector orders them). With
    ``segments``, each ship behind an MMSI apart
    (:func:`vesseltrack.segments.detect_gaps_by_segment`, a ``segment`` column).
    """
    from vesseltrack.gaps import detect_gaps
    from vesseltrack.segments import detect_gaps_by_segment
    from vesseltrack.tracks import clean_tracks

    window = read_window(since, until, store_params or StoreParams())
    outs = []
    for b in range(store.buckets):
        pos, sta = bucket_rows(store, b, store.buckets, window, bbox, extra)
        outs.append(detect_gaps(clean_tracks(pos), sta, ports, params) if segments is None
                    else detect_gaps_by_segment(pos, sta, ports, params, segments))
    gaps = _concat(outs).sort_values("mmsi", kind="stable").reset_index(drop=True)
    if outs:
        gaps.attrs = dict(outs[0].attrs)
    return gaps


def select_gaps(gaps: pd.DataFrame, since: Any = None, until: Any = None) -> pd.DataFrame:
    """The gaps overlapping [since, until] (the window rule of ``count``)."""
    start, end = utc_bounds(since, until)
    keep = np.ones(len(gaps), dtype=bool)
    if start is not None:
        keep &= (gaps["end"] >= start).to_numpy(bool)
    if end is not None:
        keep &= (gaps["start"] <= end).to_numpy(bool)
    out = gaps.loc[keep].reset_index(drop=True)
    out.attrs = dict(gaps.attrs)
    return out
