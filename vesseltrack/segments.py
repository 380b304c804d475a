"""Split one MMSI into the tracks of the ships behind it (segmentation by identity).

An MMSI is not always one ship: two ships may broadcast the same number (a default, a copied
configuration, a stolen identity), and their positions then alternate between two far-apart
tracks. Cleaning such a track by dropping "impossible jumps" keeps one ship at random and loses
the other; a gap can join two different ships. :func:`segment_tracks` instead assigns every
position to a *segment*, after the rule of Global Fishing Watch's gpsdio-segment:

* the positions of one MMSI are taken in time order; each open segment remembers its last
  position;
* a position continues an open segment if the speed it implies from that segment's last
  position is at most ``split_speed_knots`` (40 kn), or the displacement is under
  ``split_distance_m`` (500 m); of several, the one heard from last;
* before that, single wild positions are set aside as noise (:func:`isolated_positions`);
* a position that continues none opens a new segment;
* a segment with fewer than ``min_segment_positions`` positions is noise (a single wild
  position is a receiver or GNSS error, not a second ship): its positions get segment 0.

Segments are numbered 1, 2, ... per MMSI in order of their first position. One kernel
(Numba) walks each vessel's positions once; the rest is vectorised. Method and sources:
``docs/identity.md``.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd
from numba import njit

from vesseltrack._units import EARTH_RADIUS_M, METERS_PER_NM, SECONDS_PER_HOUR
from vesseltrack.params import GapParams, SegmentParams

__all__ = ["SegmentParams", "detect_gaps_by_segment", "isolated_positions", "segment_ids", "segment_summary", "segment_tracks"]


@njit(cache=True, nogil=True)
def _segment_kernel(
    starts: np.ndarray,
    ends: np.ndarray,
    t_s: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    split_speed_knots: float,
    split_distance_m: float,
    max_open: int,
) -> np.ndarray:  # pragma: no cover - compiled by Numba
    """Raw segment number (0, 1, ... per vessel, in order of creation) of every row."""
    n = len(t_s)
    seg = np.empty(n, dtype=np.int64)
    rad = np.pi / 180.0
    last_t = np.empty(max_open)
    last_lon = np.empty(max_open)
    last_lat = np.empty(max_open)
    ids = np.empty(max_open, dtype=np.int64)
    for v in range(len(starts)):
        n_open = 0
        next_id = 0
        for i in range(starts[v], ends[v]):
            best = -1
            best_speed = np.inf
            for k in range(n_open):
                dlat = (lat[i] - last_lat[k]) * rad
                dlon = (lon[i] - last_lon[k]) * rad
                a = np.sin(dlat / 2.0) ** 2 + np.cos(lat[i] * rad) * np.cos(
                    last_lat[k] * rad) * np.sin(dlon / 2.0) ** 2
                a = min(max(a, 0.0), 1.0)
                d_m = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))
                dt_h = max(t_s[i] - last_t[k], 1.0) / SECONDS_PER_HOUR
                speed = 0.0 if d_m < split_distance_m else d_m / METERS_PER_NM / dt_h
                if speed <= split_speed_knots and -last_t[k] < best_speed:
                    best = k  # the fitting segment heard from last
                    best_speed = -last_t[k]
            if best < 0:
                if n_open < max_open:
                    best = n_open
                    n_open += 1
                else:  # replace the segment silent longest
                    best = 0
                    for k in range(1, n_open):
                        if last_t[k] < last_t[best]:
                            best = k
                ids[best] = next_id
                next_id += 1
            seg[i] = ids[best]
            last_t[best] = t_s[i]
            last_lon[best] = lon[i]
            last_lat[best] = lat[i]
    return seg


def _pair_fits(
    t1: np.ndarray, lon1: np.ndarray, lat1: np.ndarray,
    t2: np.ndarray, lon2: np.ndarray, lat2: np.ndarray, params: SegmentParams,
) -> np.ndarray:
    """True where the second position continues the first: displacement under
    ``split_distance_m`` or implied speed at most ``split_speed_knots``."""
    dlat = np.radians(lat2 - lat1)
    dlon = np.radians(lon2 - lon1)
    h = np.sin(dlat / 2.0) ** 2 + np.cos(np.radians(lat1)) * np.cos(
        np.radians(lat2)) * np.sin(dlon / 2.0) ** 2
    d_m = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    dt_h = np.maximum(np.abs(t2 - t1), 1.0) / SECONDS_PER_HOUR
    return (d_m < params.split_distance_m) | (d_m / METERS_PER_NM / dt_h <= params.split_speed_knots)


def _fits(
    mmsi: np.ndarray, t_s: np.ndarray, lon: np.ndarray, lat: np.ndarray, lag: int,
    params: SegmentParams,
) -> np.ndarray:
    """``fits[k]``: row ``k + lag`` continues row ``k`` (same MMSI); ``n - lag`` values."""
    n = len(mmsi)
    a, b = slice(0, n - lag), slice(lag, n)
    ok = _pair_fits(t_s[a], lon[a], lat[a], t_s[b], lon[b], lat[b], params)
    return ok & (mmsi[a] == mmsi[b])


def isolated_positions(
    mmsi: np.ndarray,
    t_s: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    params: SegmentParams | None = None,
) -> np.ndarray:
    """True for a single wild position: noise, not a second ship.

    A position is *off track* when its previous and next reports of the same MMSI continue
    each other but it breaks that track on at least one side (see :class:`SegmentParams` for
    "continues"); a vessel's first or last report is off track when neither of the two
    reports after (before) it continues it. An off-track position is wild
    unless it continues another off-track position among the ``isolation_lags`` reports
    before and after it: the reports of a second ship on the same MMSI are all off track and
    continue each other; a wild position has no such partner. Rows sorted by (mmsi, time);
    vectorised, one pass per lag.
    """
    params = params or SegmentParams()
    n = len(mmsi)
    if n < 2:  # pragma: no mutate -- two rows are never off track: "<= 2", "< 3" change nothing
        return np.zeros(n, dtype=bool)
    step = _fits(mmsi, t_s, lon, lat, 1, params)
    skip = _fits(mmsi, t_s, lon, lat, 2, params) if n > 2 else np.zeros(0, dtype=bool)
    same = mmsi[1:] == mmsi[:-1]
    fits_prev = np.ones(n, dtype=bool)  # True also where there is no previous report
    fits_next = np.ones(n, dtype=bool)
    fits_prev[1:] = step | ~same
    fits_next[:-1] = step | ~same
    # off track: breaks the track on one side at least, and its neighbours continue each other
    off = np.zeros(n, dtype=bool)
    off[1:-1] = (~fits_prev[1:-1] | ~fits_next[1:-1]) & skip
    # a vessel's first (last) report that neither of the next (previous) two continue
    if n > 2:
        first = np.r_[True, ~same[:-1]]  # rows 0 .. n-2
        last = np.r_[~same[1:], True]  # rows 1 .. n-1
        off[:-2] |= first[:-1] & ~fits_next[:-2] & ~skip & same[1:]
        off[2:] |= last[1:] & ~fits_prev[2:] & ~skip & same[:-1]
    idx = np.flatnonzero(off)
    partner = np.zeros(len(idx), dtype=bool)
    for lag in range(2, params.isolation_lags + 1):
        for j in (idx - lag, idx + lag):
            ok = (j >= 0) & (j < n)
            i, jj = idx[ok], j[ok]
            near = off[jj] & (mmsi[jj] == mmsi[i])
            if near.any():
                a, b = i[near], jj[near]
                fit = _pair_fits(t_s[a], lon[a], lat[a], t_s[b], lon[b], lat[b], params)
                hit = np.flatnonzero(ok)[near][fit]
                partner[hit] = True
    wild = np.zeros(n, dtype=bool)
    wild[idx[~partner]] = True
    return wild


def segment_ids(
    mmsi: np.ndarray,
    t_s: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    params: SegmentParams | None = None,
) -> np.ndarray:
    """Segment of every row (1, 2, ... per MMSI by first position; 0 for noise).

    Parameters
    ----------
    mmsi, t_s, lon, lat : numpy.ndarray
        Rows sorted by (mmsi, time), all with a valid position; ``t_s`` in seconds since the
        epoch, ``lon``/``lat`` in degrees.
    params : SegmentParams, optional
        Segmentation parameters (default ``SegmentParams()``).

    Returns
    -------
    numpy.ndarray of int64
    """
    params = params or SegmentParams()
    n = len(mmsi)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    mmsi = np.asarray(mmsi, dtype=np.int64)
    t_s = np.asarray(t_s, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    lone = isolated_positions(mmsi, t_s, lon, lat, params)
    keep = np.flatnonzero(~lone)
    km = mmsi[keep]
    change = np.flatnonzero(km[1:] != km[:-1]) + 1
    starts = np.concatenate(([0], change)).astype(np.int64)
    ends = np.concatenate((change, [len(keep)])).astype(np.int64)
    raw = np.full(n, -1, dtype=np.int64)
    if len(keep):
        raw[keep] = _segment_kernel(starts, ends, t_s[keep], lon[keep], lat[keep],
                                    float(params.split_speed_knots), float(params.split_distance_m),
                                    int(params.max_open_segments))
    # segment size; noise below min_segment_positions; renumber by first row (rows are in
    # time order within a vessel, so groups appear in order of their first position)
    vessel = np.r_[0, np.cumsum(mmsi[1:] != mmsi[:-1])].astype(np.int64)
    group, _ = pd.factorize(vessel * (int(raw.max()) + 2) + (raw + 1))
    size = np.bincount(group)
    kept_group = size >= params.min_segment_positions
    first_row = np.full(len(size), n, dtype=np.int64)
    np.minimum.at(first_row, group, np.arange(n))
    kept_group &= raw[first_row] >= 0
    out = np.zeros(n, dtype=np.int64)
    ids = np.flatnonzero(kept_group)  # in order of first appearance
    if len(ids):
        v = vessel[first_row[ids]]
        start = np.r_[True, v[1:] != v[:-1]]
        run_start = np.maximum.accumulate(np.where(start, np.arange(len(ids)), 0))
        rank = np.zeros(len(size), dtype=np.int64)
        rank[ids] = np.arange(len(ids)) - run_start + 1
        out = rank[group]
    return out


def segment_tracks(positions: pd.DataFrame, params: SegmentParams | None = None) -> pd.DataFrame:
    """Return the positions sorted by (mmsi, timestamp) with a ``segment`` column.

    Parameters
    ----------
    positions : DataFrame
        Positions (``mmsi``, ``timestamp``, ``lon``, ``lat`` at least).
    params : SegmentParams, optional
        Segmentation parameters (default ``SegmentParams()``).

    Returns
    -------
    DataFrame
        The rows with a timestamp, sorted by (mmsi, timestamp), fresh RangeIndex, and column
        ``segment`` (int64): 1, 2, ... per MMSI in order of first position, 0 for noise and
        for rows without a valid position. ``attrs["params"]`` records the parameters.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.date_range("2024-01-01", periods=5, freq="10min", tz="UTC")
    >>> p = pd.DataFrame({"mmsi": 445000001, "timestamp": t,
    ...                   "lon": [130.0, 130.01, 135.0, 130.02, 130.03], "lat": 40.0})
    >>> segment_tracks(p)["segment"].tolist()  # the wild position at 135°E is noise
    [1, 1, 0, 1, 1]
    """
    params = params or SegmentParams()
    p = positions.loc[positions["timestamp"].notna()]
    p = p.sort_values(["mmsi", "timestamp"], kind="stable").reset_index(drop=True)
    lon = p["lon"].to_numpy("float64", na_value=np.nan)
    lat = p["lat"].to_numpy("float64", na_value=np.nan)
    valid = (np.abs(lon) <= 180.0) & (np.abs(lat) <= 90.0)
    rows = np.flatnonzero(valid)
    t_s = p["timestamp"].to_numpy("datetime64[ns]").view("int64")[rows] / 1e9
    segment = np.zeros(len(p), dtype=np.int64)
    segment[rows] = segment_ids(p["mmsi"].to_numpy("int64")[rows], t_s, lon[rows], lat[rows],
                                params)
    out = p.assign(segment=segment)
    out.attrs["params"] = asdict(params)
    return out


def segment_summary(segmented: pd.DataFrame) -> pd.DataFrame:
    """One row per (mmsi, segment > 0): ``start``, ``end``, ``positions``, ``lon``, ``lat``
    (median position), and ``switches``: how often the MMSI's reports moved into this
    segment from another one (noise rows left out).

    Parameters
    ----------
    segmented : DataFrame
        Output of :func:`segment_tracks`.

    Returns
    -------
    DataFrame
    """
    s = segmented.loc[segmented["segment"].to_numpy() > 0]
    m = s["mmsi"].to_numpy("int64")
    g = s["segment"].to_numpy()
    entered = np.zeros(len(s), dtype=np.int64)
    if len(s) > 1:
        entered[1:] = (m[1:] == m[:-1]) & (g[1:] != g[:-1])
    grouped = s.assign(_entered=entered).groupby(["mmsi", "segment"], sort=True)
    out = grouped.agg(start=("timestamp", "min"), end=("timestamp", "max"),
                      positions=("timestamp", "size"), lon=("lon", "median"),
                      lat=("lat", "median"), switches=("_entered", "sum"))
    return out.reset_index()


def detect_gaps_by_segment(
    positions: pd.DataFrame,
    statics: pd.DataFrame | None = None,
    ports: pd.DataFrame | None = None,
    gap_params: GapParams | None = None,
    params: SegmentParams | None = None,
) -> pd.DataFrame:
    """AIS gaps per segment: :func:`vesseltrack.detect_gaps` on the clean track of each
    segment of each MMSI (noise left out), so that a gap never joins two ships.

    Parameters
    ----------
    positions : DataFrame
        Positions.
    statics, ports, gap_params
        As for :func:`vesseltrack.detect_gaps`.
    params : SegmentParams, optional
        Segmentation parameters.

    Returns
    -------
    DataFrame
        The gaps columns plus ``segment``, sorted by mmsi and start.
    """
    from vesseltrack.gaps import detect_gaps
    from vesseltrack.tracks import clean_tracks

    seg = segment_tracks(positions, params)
    seg = seg.loc[seg["segment"].to_numpy() > 0]
    parts = []
    for k in sorted(int(k) for k in seg["segment"].unique()) or [1]:
        part = seg.loc[seg["segment"].to_numpy() == k, list(positions.columns)]
        gaps = detect_gaps(clean_tracks(part), statics, ports, gap_params)
        parts.append(gaps.assign(segment=np.int64(k)))
    out = pd.concat(parts, ignore_index=True).sort_values(
        ["mmsi", "start"], kind="stable").reset_index(drop=True)
    out.attrs["params"] = {**parts[0].attrs.get("params", {}),
                           "segments": asdict(params or SegmentParams())}
    return out
