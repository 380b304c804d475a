"""Clean vessel tracks: sort, de-duplicate, mask sentinels and drop impossible jumps.

The output of :func:`clean_tracks` is what every detector (port calls, gaps) reads. It keeps
the positions contract (:data:`vesseltrack._schema.POSITION_COLUMNS`) and adds one boolean
column, ``valid_position``.

Rows without a valid position
-----------------------------
A position report whose longitude/latitude is "not available" (NaN after decoding) is *kept*
in the output with ``valid_position`` False: it still proves that the vessel's transmitter was
on at that time and it may carry speed and status. It takes no part in the geometry: the
duplicate test, the jump test, port calls and gap distances use only rows with
``valid_position`` True, and a row without position never makes a neighbour look like a jump.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import UTC_NS
from vesseltrack._units import EARTH_RADIUS_M, METERS_PER_NM, SECONDS_PER_HOUR
from vesseltrack.params import SpeedParams, TrackParams

__all__ = [
    "CHUNK_ROWS",
    "EpochSeconds",
    "TrackArrays",
    "TrackParams",
    "clean_tracks",
    "haversine_m",
    "seconds_to_utc",
    "sorted_tracks",
    "speed_before_after_knots",
]


def haversine_m(
    lon1_deg: np.ndarray, lat1_deg: np.ndarray, lon2_deg: np.ndarray, lat2_deg: np.ndarray
) -> np.ndarray:
    """Great-circle distance, metres, between arrays of points (NaN where any input is NaN)."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(a, dtype="float64")) for a in (lon1_deg, lat1_deg, lon2_deg, lat2_deg)
    )
    a = (
        np.sin((lat2 - lat1) / 2.0) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2.0) ** 2
    )
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _step_haversine_m(lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
    """:func:`haversine_m` from each point to the next (``n - 1`` values), same arithmetic.

    Converts to radians and takes the cosine of each latitude once instead of twice.
    """
    lon = np.radians(np.asarray(lon_deg, dtype="float64"))
    lat = np.radians(np.asarray(lat_deg, dtype="float64"))
    cos_lat = np.cos(lat)
    a = np.subtract(lat[1:], lat[:-1])
    a /= 2.0
    np.sin(a, out=a)
    np.square(a, out=a)
    b = np.subtract(lon[1:], lon[:-1])
    del lon
    b /= 2.0
    np.sin(b, out=b)
    np.square(b, out=b)
    c = np.multiply(cos_lat[:-1], cos_lat[1:])
    del cos_lat
    c *= b
    del b
    a += c
    del c
    np.clip(a, 0.0, 1.0, out=a)
    np.sqrt(a, out=a)
    np.arcsin(a, out=a)
    return np.multiply(2.0 * EARTH_RADIUS_M, a, out=a)


def _step_speed_knots(
    mmsi: np.ndarray, t_s: np.ndarray, lon: np.ndarray, lat: np.ndarray, min_jump_m: float
) -> np.ndarray:
    """Implied speed from each row to the next (``n - 1`` values), knots; NaN across vessels,
    0 below ``min_jump_m``. Rows sorted by (mmsi, time)."""
    dist_m = _step_haversine_m(lon, lat)
    dt_h = np.subtract(t_s[1:], t_s[:-1])
    np.maximum(dt_h, 1.0, out=dt_h)
    dt_h /= SECONDS_PER_HOUR
    speed = np.divide(dist_m, METERS_PER_NM)
    speed /= dt_h
    speed[dist_m < min_jump_m] = 0.0
    speed[mmsi[1:] != mmsi[:-1]] = np.nan
    return speed


CHUNK_ROWS = 1 << 16
"""Rows per block in the row-wise passes of :func:`clean_tracks` (blocks stay in cache)."""


def _jumps(
    mmsi: np.ndarray,
    ts_ns: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    rows: np.ndarray | None,
    params: TrackParams,
) -> np.ndarray:
    """Impossible jumps: True where the implied speed to both the previous and the next row
    (of the same vessel) exceeds ``max_implied_speed_knots``.

    Rows are sorted by (mmsi, time) (``ts_ns``: int64 nanoseconds). Considers the rows
    ``rows`` of the arrays (all when None), in order: their neighbours are the previous and
    next considered rows; returns one value per considered row. Works block by block so that
    no full-length temporary is made.
    """
    n = len(mmsi) if rows is None else len(rows)
    jump = np.zeros(n, dtype=bool)
    if n < 3:
        return jump
    limit = params.max_implied_speed_knots
    fast = np.empty(n - 1, dtype=bool)  # fast[i]: from row i to row i + 1
    for a in range(0, n - 1, CHUNK_ROWS):
        b = min(a + CHUNK_ROWS, n - 1)  # steps a .. b-1 need rows a .. b
        if rows is None:
            sl = slice(a, b + 1)
            m, t, x, y = mmsi[sl], ts_ns[sl] / 1e9, lon[sl], lat[sl]
        else:
            r = rows[a:b + 1]
            m, t, x, y = mmsi[r], ts_ns[r] / 1e9, lon[r], lat[r]
        np.greater(_step_speed_knots(m, t, x, y, params.min_jump_m), limit, out=fast[a:b])
    np.logical_and(fast[:-1], fast[1:], out=jump[1:-1])
    return jump


def _track_order(
    mmsi: np.ndarray, ts_ns: np.ndarray, rows: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """``rows`` (all rows when None) sorted by (mmsi, time), ties in input order.

    The same order as ``rows[np.lexsort((ts_ns[rows], mmsi[rows]))]``, from two stable
    sorts that are much faster: by time (skipped when the rows already are in time order,
    as a receiver's feed is), then by dense vessel codes (a radix sort when there are at
    most 65,536 vessels). Also returns the sorted MMSIs when they come for free (else None).
    """
    n = len(mmsi) if rows is None else len(rows)
    if rows is None:
        rows = np.arange(n)
    if n < 2 or mmsi.dtype.kind not in "iu":
        return rows[np.lexsort((ts_ns[rows], mmsi[rows]))], None
    t = ts_ns if len(rows) == len(ts_ns) else ts_ns[rows]
    in_time_order = bool(np.all(t[1:] >= t[:-1]))
    del t
    if not in_time_order:
        rows = rows[np.argsort(ts_ns[rows], kind="stable")]
    identity = in_time_order and len(rows) == len(mmsi)
    codes, uniques = pd.factorize(mmsi if identity else mmsi[rows], sort=True)
    if len(uniques) <= np.iinfo(np.uint16).max + 1:
        codes = codes.astype(np.uint16)
    counts = np.bincount(codes, minlength=len(uniques))
    order = np.argsort(codes, kind="stable")
    del codes
    rows = order if identity else rows[order]
    return rows, np.repeat(uniques.astype(mmsi.dtype, copy=False), counts)


def _duplicates(
    mmsi: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    ts_ns: np.ndarray,
    params: TrackParams,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Duplicate reports among valid positions sorted by (mmsi, time) (``ts_ns``: int64
    nanoseconds): True where the previous report of the vessel at the same rounded position
    is less than ``duplicate_seconds`` old.

    Considers the rows ``rows`` of the arrays (all when None) and returns one value per
    considered row. Rather than grouping by (vessel, rounded position), look back one row at
    a time: rows are time-sorted per vessel, so only the rows of the same vessel less than
    ``duplicate_seconds`` earlier can make a duplicate, and a row drops out of the search as
    soon as the lag takes it past that window. Pathological windows (hundreds of reports of
    one vessel within ``duplicate_seconds``) fall back to the group-by.
    """
    if rows is not None:
        mmsi, lon, lat, ts_ns = mmsi[rows], lon[rows], lat[rows], ts_ns[rows]
    n = len(mmsi)
    dup = np.zeros(n, dtype=bool)
    if n < 2:
        return dup
    step = params.duplicate_position_deg
    window = params.duplicate_seconds

    def rounded(values: np.ndarray, at: np.ndarray) -> np.ndarray:
        return np.round(values[at] / step).astype("int64")

    def same_position(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return (rounded(lon, i) == rounded(lon, j)) & (rounded(lat, i) == rounded(lat, j))

    # lag 1 on the whole arrays with slices; rows still in their window go on to the next lag
    in_window = np.empty(n - 1, dtype=bool)
    for a in range(0, n - 1, CHUNK_ROWS):
        b = min(a + CHUNK_ROWS, n - 1)
        t_s = ts_ns[a:b + 1] / 1e9
        np.less(t_s[1:] - t_s[:-1], window, out=in_window[a:b])
    in_window &= mmsi[1:] == mmsi[:-1]
    active = np.flatnonzero(in_window) + 1
    del in_window
    lag = 1
    while len(active):
        prev = active - lag
        if lag > 1:
            keep = prev >= 0
            active, prev = active[keep], prev[keep]
            keep = (mmsi[active] == mmsi[prev]) & (
                (ts_ns[active] / 1e9 - ts_ns[prev] / 1e9) < window
            )
            active, prev = active[keep], prev[keep]
        same = same_position(active, prev)
        dup[active[same]] = True
        active = active[~same]
        lag += 1
        if lag > 256 and len(active):
            key = pd.DataFrame(
                {
                    "mmsi": mmsi,
                    "lon_q": np.round(lon / step).astype("int64"),
                    "lat_q": np.round(lat / step).astype("int64"),
                    "t_s": ts_ns / 1e9,
                }
            )
            dt_prev = key.groupby(["mmsi", "lon_q", "lat_q"], sort=False)["t_s"].diff()
            return dt_prev.to_numpy() < window
    return dup


def clean_tracks(
    positions: pd.DataFrame,
    params: TrackParams | None = None,
    *,
    columns: Sequence[str] | None = None,
    ships_only: bool = True,
) -> pd.DataFrame:
    """Return the positions as clean per-vessel tracks.

    Steps, all vectorised over the whole table:

    1. Mask positions out of range (|lon| > 180°, |lat| > 90°) and speeds ≥ 102.2 kn as NaN
       (readers already do this; repeated here so hand-made frames are safe).
    2. Sort by ``mmsi`` then ``timestamp`` (stable); drop rows without a timestamp and, with
       ``ships_only``, rows whose MMSI is not a ship station (defaults such as 0 or
       123456789, base stations, aids to navigation, SAR aircraft, beacons:
       :func:`vesseltrack.ais.is_ship_mmsi`); those are no vessels for port calls, gaps or
       cargo.
    3. Drop duplicates heard by several receivers: same vessel, same position (within
       ``duplicate_position_deg``), less than ``duplicate_seconds`` after the previous report
       at that position.
    4. Drop impossible jumps: a valid position whose implied speed to both its previous and
       its next valid position exceeds ``max_implied_speed_knots``. The first and last
       position of a vessel have one neighbour only and are kept.

    Parameters
    ----------
    positions : DataFrame
        Positions in the :data:`~vesseltrack._schema.POSITION_COLUMNS` contract.
    params : TrackParams, optional
        Cleaning parameters; defaults to ``TrackParams()``.
    columns : sequence of str, optional
        Position columns to return (in the order of ``positions``); default all. The
        detectors need only ``mmsi``, ``timestamp``, ``lon``, ``lat`` and ``sog_knots``:
        asking for those alone saves copying the others.
    ships_only : bool
        Keep ship stations only (default); False keeps every MMSI.

    Returns
    -------
    DataFrame
        The kept rows with a fresh RangeIndex and an extra boolean column ``valid_position``.
        ``attrs["params"]`` holds the parameters used, ``attrs["dropped"]`` the counts of
        rows dropped per reason (``no_time``, ``non_ship``, ``duplicate``, ``jump``) and
        ``attrs["non_ship_mmsi"]`` the number of distinct MMSIs left out as not ships.
    """
    params = params or TrackParams()
    # Work on key columns only and take the kept rows of the table once, at the end.
    timestamp = positions["timestamp"]
    ts_ns = timestamp.to_numpy("datetime64[ns]").view("int64")
    no_time = timestamp.isna().to_numpy()
    n_no_time = int(no_time.sum())
    mmsi_all = positions["mmsi"].to_numpy()
    n_non_ship, non_ship_mmsi = 0, 0
    if ships_only and len(mmsi_all):
        from vesseltrack.ais import is_ship_mmsi

        distinct = pd.unique(mmsi_all)  # the test runs per vessel, not per row
        not_ship = distinct[~is_ship_mmsi(distinct)]
        if len(not_ship):
            non_ship = np.isin(mmsi_all, not_ship)
            n_non_ship = int(non_ship.sum())
            non_ship_mmsi = len(not_ship)
            no_time = no_time | non_ship
            del non_ship
    rows = np.flatnonzero(~no_time) if (n_no_time or n_non_ship) else None
    del no_time
    rows, mmsi = _track_order(mmsi_all, ts_ns, rows)  # stable: by mmsi, then time
    if mmsi is None:
        mmsi = mmsi_all[rows]
    ts_sorted = ts_ns[rows]
    lon = _float_values(positions["lon"])[rows]
    lat = _float_values(positions["lat"])[rows]
    valid = (np.abs(lon) <= 180.0) & (np.abs(lat) <= 90.0)  # NaN compares False
    all_valid = bool(valid.all())

    # 3. duplicates: same vessel and rounded position as a report less than
    # duplicate_seconds before (rows are time-sorted per vessel).
    if all_valid:
        dup = _duplicates(mmsi, lon, lat, ts_sorted, params)
    else:
        dup = np.zeros(len(rows), dtype=bool)
        if valid.any():
            v = np.flatnonzero(valid)
            dup[v] = _duplicates(mmsi, lon, lat, ts_sorted, params, rows=v)
            del v
    n_dup = int(dup.sum())
    keep = ~dup
    del dup

    # 4. impossible jumps among the remaining valid positions.
    if n_dup or not all_valid:
        valid_idx = np.flatnonzero(keep & valid)
        jump = np.zeros(len(rows), dtype=bool)
        jump[valid_idx] = _jumps(mmsi, ts_sorted, lon, lat, valid_idx, params)
        del valid_idx
    else:
        jump = _jumps(mmsi, ts_sorted, lon, lat, None, params)
    n_jump = int(jump.sum())
    keep &= ~jump
    del jump

    if n_dup or n_jump:  # one array at a time, so that each old one is freed at once
        rows = rows[keep]
        mmsi = mmsi[keep]
        ts_sorted = ts_sorted[keep]
        lon = lon[keep]
        lat = lat[keep]
        valid = valid[keep]
    del keep
    # Mask positions out of range and speeds ≥ 102.2 kn (readers already do; hand-made frames)
    if not all_valid:
        lon[~valid] = np.nan
        lat[~valid] = np.nan
    wanted = set(positions.columns if columns is None else columns)
    out: dict[str, Any] = {}
    # build the columns from the largest arrays we can free as we go
    if "timestamp" in wanted and timestamp.dtype == UTC_NS:
        # the sorted nanoseconds we already have, as the column's own dtype
        out["timestamp"] = pd.Series(
            ts_sorted.view("datetime64[ns]"), copy=False
        ).dt.tz_localize("UTC").array
    del ts_sorted
    for name in positions.columns:
        if name not in wanted or name in out:
            continue
        if name == "lon":
            out[name] = lon
        elif name == "lat":
            out[name] = lat
        elif name == "sog_knots":
            sog = _float_values(positions["sog_knots"])[rows]
            sog[(sog >= 102.2) | (sog < 0)] = np.nan
            out[name] = sog
        elif name == "mmsi" and positions["mmsi"].dtype == mmsi.dtype:
            out[name] = mmsi
        else:
            out[name] = _take(positions[name], rows)
    del mmsi, rows
    out = {name: out[name] for name in positions.columns if name in out}
    out["valid_position"] = valid
    df = pd.DataFrame(out, index=pd.RangeIndex(len(valid)), copy=False)
    df.attrs = copy.deepcopy(positions.attrs)  # as DataFrame.take would propagate them
    df.attrs["params"] = asdict(params)
    df.attrs["dropped"] = {"no_time": n_no_time, "non_ship": n_non_ship, "duplicate": n_dup,
                           "jump": n_jump}
    df.attrs["non_ship_mmsi"] = non_ship_mmsi
    return df


def _float_values(column: pd.Series) -> np.ndarray:
    """The column as float64 values, NaN for missing; no copy when it already is float64."""
    if column.dtype == np.float64:
        return column.to_numpy()
    return column.to_numpy("float64", na_value=np.nan)


def _take(column: pd.Series, rows: np.ndarray) -> Any:
    """The values of ``column`` at integer positions ``rows``, same dtype, no index."""
    values = column.array
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        return values.to_numpy()[rows]
    return values.take(rows)


# --------------------------------------------------------------------------------------------
# Track arrays: what the detectors read


def seconds_to_utc(seconds: np.ndarray) -> pd.Series:
    """Float seconds since the epoch as UTC timestamps (rounded to the nanosecond)."""
    return pd.Series(pd.to_datetime(np.round(seconds * 1e9).astype("int64"), utc=True)).astype(
        UTC_NS
    )


def sorted_tracks(tracks: pd.DataFrame) -> pd.DataFrame:
    """Tracks sorted by (mmsi, timestamp) with a RangeIndex and ``valid_position``."""
    t = tracks
    if "valid_position" not in t.columns:
        t = t.assign(valid_position=t["lon"].notna() & t["lat"].notna())
    key = t["mmsi"].to_numpy("int64")
    ts = t["timestamp"].to_numpy("datetime64[ns]").view("int64")
    ordered = len(t) < 2 or bool(
        np.all((key[1:] > key[:-1]) | ((key[1:] == key[:-1]) & (ts[1:] >= ts[:-1])))
    )
    if not ordered:
        t = t.sort_values(["mmsi", "timestamp"], kind="stable")
    if not isinstance(t.index, pd.RangeIndex) or not ordered:
        t = t.reset_index(drop=True)
    return t


def speed_before_after_knots(
    tracks: pd.DataFrame, index: np.ndarray, before: bool, params: SpeedParams | None = None
) -> np.ndarray:
    """The vessel's own speed just before (or after) the given rows of ``tracks``, knots.

    The median reported speed over moving reports (> ``min_speed_knots``) in the
    ``speed_window_hours`` before (after) each row, else the implied speed over that window,
    clipped to ``[min_speed_knots, max_speed_knots]``; ``max_speed_knots`` when nothing can be
    measured. ``tracks`` must be sorted by mmsi and time (as :func:`clean_tracks` returns).
    One small loop per requested row (candidate gap), not per position.

    ``params`` defaults to ``SpeedParams()``; parameters holding a ``speed`` field
    (:class:`~vesseltrack.params.PortCallParams`) are accepted for it.
    """
    params = getattr(params, "speed", params) or SpeedParams()
    index = np.asarray(index, dtype="int64")
    if len(index) == 0:
        return np.full(0, params.max_speed_knots)
    return TrackArrays.of(tracks, valid_only=False).speed_around_knots(index, before, params)


class EpochSeconds:
    """Times as float seconds since the epoch (``ns / 1e9``), computed
    only for the rows indexed (an integer, a slice or an index array): no full-length copy.
    """

    def __init__(self, ns: np.ndarray) -> None:
        self.ns = ns

    def __len__(self) -> int:
        return len(self.ns)

    def __getitem__(self, key: Any) -> Any:
        return self.ns[key] / 1e9

    def steps_at_least(self, seconds: float) -> np.ndarray:
        """``t[1:] - t[:-1] >= seconds`` (``n - 1`` values), block by block."""
        n = len(self.ns)
        out = np.zeros(max(n - 1, 0), dtype=bool)
        for a in range(0, n - 1, CHUNK_ROWS):
            b = min(a + CHUNK_ROWS, n - 1)
            t = self.ns[a:b + 1] / 1e9
            np.greater_equal(t[1:] - t[:-1], seconds, out=out[a:b])
        return out


class TrackArrays:
    """The columns the detectors read, as NumPy arrays, for rows sorted by (mmsi, time).

    Every detector that walks tracks (port calls, gaps, dark calls) reads them through this
    type: build it with :meth:`of` from :func:`sorted_tracks` output.

    Built from a tracks frame without copying its columns where their dtype allows (all
    rows, or the rows with a valid position); ``labels(pos)`` maps row positions back to
    index labels of the frame.

    Attributes
    ----------
    mmsi : ndarray of int64
    t_s : EpochSeconds
        Seconds since the epoch, computed for the rows indexed only.
    lon, lat : ndarray of float
        Degrees.
    """

    def __init__(self, tracks: pd.DataFrame, mask: np.ndarray | None) -> None:
        self._tracks = tracks
        self._mask = mask
        self.mmsi = self._column("mmsi", "int64")
        ts = tracks["timestamp"].to_numpy("datetime64[ns]").view("int64")
        self.t_s = EpochSeconds(ts if mask is None else ts[mask])
        self.lon = self._column("lon", "float64")
        self.lat = self._column("lat", "float64")
        self._index = tracks.index if mask is None else tracks.index[mask]
        self._sog: np.ndarray | None = None
        self._bounds: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def of(cls, tracks: pd.DataFrame, valid_only: bool = True) -> TrackArrays:
        """Arrays of ``tracks`` (of its rows with ``valid_position`` when ``valid_only``)."""
        mask = None
        if valid_only and "valid_position" in tracks:
            valid = tracks["valid_position"].to_numpy(bool)
            if not valid.all():
                mask = valid
        return cls(tracks, mask)

    def _column(self, name: str, dtype: str) -> np.ndarray:
        values = self._tracks[name].to_numpy(dtype)
        return values if self._mask is None else values[self._mask]

    @property
    def sog(self) -> np.ndarray:
        """Reported speed over ground, knots (read on first use)."""
        if self._sog is None:
            self._sog = self._column("sog_knots", "float64")
        return self._sog

    def __len__(self) -> int:
        return len(self.mmsi)

    def labels(self, pos: np.ndarray) -> np.ndarray:
        """Index labels of the tracks frame at row positions ``pos`` of these arrays."""
        return np.asarray(self._index.take(np.asarray(pos, dtype="int64"))).astype(
            "int64", copy=False
        )

    def vessel_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """First and one-past-last row of each vessel (rows sorted by mmsi)."""
        if self._bounds is None:
            mmsi = self.mmsi
            change = np.flatnonzero(mmsi[1:] != mmsi[:-1]) + 1
            self._bounds = (
                np.concatenate(([0], change)),
                np.concatenate((change, [len(mmsi)])),
            )
        return self._bounds

    def speed_around_knots(
        self, index: np.ndarray, before: bool, params: SpeedParams
    ) -> np.ndarray:
        """:func:`speed_before_after_knots` at row positions ``index`` of these arrays."""
        index = np.asarray(index, dtype="int64")
        out = np.full(len(index), params.max_speed_knots)
        if len(index) == 0:
            return out
        t_s, sog, lon, lat = self.t_s, self.sog, self.lon, self.lat
        win = params.speed_window_hours * SECONDS_PER_HOUR
        starts, ends = self.vessel_bounds()
        vessel_of_row = np.searchsorted(starts, index, side="right") - 1
        for k, i in enumerate(index):
            a, b = starts[vessel_of_row[k]], ends[vessel_of_row[k]]
            if before:
                j0 = a + np.searchsorted(t_s[a:b], t_s[i] - win, side="left")
                sl = slice(j0, i + 1)
            else:
                j1 = a + np.searchsorted(t_s[a:b], t_s[i] + win, side="right")
                sl = slice(i, j1)
            s = sog[sl]
            moving = s[np.isfinite(s) & (s > params.min_speed_knots)]
            if len(moving):
                v = float(np.median(moving))
            else:
                ok = np.isfinite(lon[sl]) & np.isfinite(lat[sl])
                tt, xx, yy = t_s[sl][ok], lon[sl][ok], lat[sl][ok]
                if len(tt) >= 2 and tt[-1] > tt[0]:
                    d_nm = haversine_m(xx[:-1], yy[:-1], xx[1:], yy[1:]).sum() / METERS_PER_NM
                    v = d_nm / ((tt[-1] - tt[0]) / SECONDS_PER_HOUR)
                else:
                    v = params.max_speed_knots
            out[k] = min(max(v, params.min_speed_knots), params.max_speed_knots)
        return out
