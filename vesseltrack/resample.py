"""Tracks resampled on a regular time grid, the common clock of the at-sea detectors.

Every vessel's position is interpolated linearly at the instants ``k * step`` (``k`` an
integer, seconds since the epoch) that fall between two of its consecutive valid positions (or
on one) at most :attr:`GridParams.max_interpolation_hours` apart. Two vessels are then compared at the
same instants, whatever their reporting rates; a longer silence leaves the grid empty, so a
gap is never bridged by a straight line. Speed at an instant is the reported speed over
ground interpolated between the two positions, or the implied speed between them where
either report lacks one. One pass over the arrays, no loop per vessel or position.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from vesseltrack._arrays import ints
from vesseltrack._units import METERS_PER_NM, SECONDS_PER_HOUR
from vesseltrack.params import GridParams
from vesseltrack.tracks import TrackArrays, haversine_m, sorted_tracks

__all__ = ["GRID_COLUMNS", "GridParams", "resample_tracks"]

GRID_COLUMNS = ("mmsi", "step", "lon", "lat", "speed_knots")
"""Columns of :func:`resample_tracks`: ``step`` is the instant's index (``step * step_s`` are
seconds since the epoch)."""


def resample_tracks(tracks: pd.DataFrame, params: GridParams | None = None) -> pd.DataFrame:
    """Positions of every vessel at the instants of a regular time grid.

    Parameters
    ----------
    tracks : DataFrame
        Clean tracks (:func:`vesseltrack.clean_tracks`) or positions; rows without a valid
        position are ignored.
    params : GridParams, optional
        Grid step and the longest silence interpolated across.

    Returns
    -------
    DataFrame
        :data:`GRID_COLUMNS`, sorted by mmsi and step; ``attrs["params"]`` the grid
        parameters, ``attrs["step_s"]`` the step in seconds.
    """
    params = params or GridParams()
    step_s = params.step_minutes * 60.0
    tracks = sorted_tracks(tracks)
    arr = TrackArrays.of(tracks)
    n = len(arr)
    empty = pd.DataFrame({"mmsi": np.array([], "int64"), "step": np.array([], "int64"),
                          # float64 (np.zeros' default)
                          "lon": np.zeros(0), "lat": np.zeros(0), "speed_knots": np.zeros(0)})
    empty.attrs.update(params=asdict(params), step_s=step_s)
    if n < 2:
        return empty
    t = arr.t_s[:]
    mmsi, lon, lat, sog = arr.mmsi, arr.lon, arr.lat, arr.sog
    dt = t[1:] - t[:-1]
    ok = (mmsi[1:] == mmsi[:-1]) & (dt > 0) & (dt <= params.max_interpolation_hours * SECONDS_PER_HOUR)
    i = np.flatnonzero(ok)
    # instants in [t_i, t_{i+1}]; an instant on a report shared by two intervals is kept once
    k0 = np.ceil(t[i] / step_s).astype("int64")
    k1 = np.floor(t[i + 1] / step_s).astype("int64")
    count = np.maximum(k1 - k0 + 1, 0)
    keep = count > 0
    i, k0, count = i[keep], k0[keep], count[keep]
    if len(i) == 0:
        return empty
    rep = np.repeat(np.arange(len(i)), count)
    offsets = np.cumsum(count) - count
    k = k0[rep] + (np.arange(int(count.sum())) - offsets[rep])
    a = i[rep]
    w = (k * step_s - t[a]) / dt[a]
    out_lon = lon[a] + w * (lon[a + 1] - lon[a])
    out_lat = lat[a] + w * (lat[a + 1] - lat[a])
    s0, s1 = sog[a], sog[a + 1]
    implied_knots = (haversine_m(lon[i], lat[i], lon[i + 1], lat[i + 1]) / METERS_PER_NM
                     / (dt[i] / SECONDS_PER_HOUR))[rep]
    speed = np.where(np.isfinite(s0) & np.isfinite(s1), s0 + w * (s1 - s0), implied_knots)
    once = np.r_[True, (k[1:] != k[:-1]) | (mmsi[a][1:] != mmsi[a][:-1])]
    out = pd.DataFrame({"mmsi": mmsi[a][once], "step": k[once], "lon": out_lon[once],
                        "lat": out_lat[once], "speed_knots": speed[once]})
    out.attrs.update(params=asdict(params), step_s=step_s)
    return out


def run_ids(group: np.ndarray, step: np.ndarray, max_break_steps: int) -> np.ndarray:
    """Number consecutive instants of one group into runs.

    Rows must be sorted by group then step. A new run starts where the group changes or the
    step jumps by more than ``max_break_steps``.

    Returns
    -------
    ndarray of int64
        Run number of each row, 0, 1, ... in row order.
    """
    if len(step) == 0:
        return np.array([], dtype="int64")
    new = np.r_[True, (group[1:] != group[:-1]) | (np.diff(step) > max_break_steps)]
    return np.cumsum(new) - 1


def cell_pairs(
    time_a: np.ndarray, lon_a: np.ndarray, lat_a: np.ndarray,
    time_b: np.ndarray | None, lon_b: np.ndarray | None, lat_b: np.ndarray | None,
    cell_m: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs of points at the same time bin and within ``cell_m`` of each other, at least.

    Spatial-temporal binning: points are put in cells of ``cell_m`` (latitude) by ``cell_m``
    or more (longitude: the cell is widened by the cosine of the highest latitude present, so
    that no two points ``cell_m`` apart are more than one cell apart anywhere) per time bin,
    and only points in the same or neighbouring cells of the same bin are paired: the
    candidates of a distance test, never all pairs. With ``time_b`` None the points are
    paired among themselves (each unordered pair once, never a point with itself).

    Returns
    -------
    ia, ib : ndarray of int64
        Row positions in a and b of each candidate pair.
    """
    same = time_b is None
    if same:
        time_b, lon_b, lat_b = time_a, lon_a, lat_a
    assert lon_b is not None  # for the type checker
    assert lat_b is not None
    if len(time_a) == 0 or len(time_b) == 0:
        return np.array([], "int64"), np.array([], "int64")
    deg_m = np.pi / 180.0 * 6_371_008.8
    top = min(89.0, float(max(np.nanmax(np.abs(lat_a)), np.nanmax(np.abs(lat_b)))) + 0.1)
    cy_deg = cell_m / deg_m  # pragma: no mutate (a huge cell only adds candidates)
    cx_deg = cy_deg / np.cos(np.radians(top))
    lat0 = min(float(np.nanmin(lat_a)), float(np.nanmin(lat_b)))
    lon0 = min(float(np.nanmin(lon_a)), float(np.nanmin(lon_b)))

    def key(t: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, ...]:
        # the keys are whole numbers (float64 holds them exactly); the origin moved, or a cell
        # of any size, keeps two points within cell_m at most one cell apart or adds candidates
        t_key = ints(t)
        y_cells = (lat - lat0) / cy_deg  # pragma: no mutate (origin, size)
        x_cells = (lon - lon0) / cx_deg  # pragma: no mutate (origin, size)
        y_key = ints(np.floor(y_cells)) + 1
        x_key = ints(np.floor(x_cells)) + 1
        return t_key, y_key, x_key

    ta, ya, xa = key(time_a, lon_a, lat_a)
    tb, yb, xb = key(time_b, lon_b, lat_b)
    ny = int(max(ya.max(), yb.max())) + 2
    nx = int(max(xa.max(), xb.max())) + 2
    tmin = int(min(ta.min(), tb.min()))
    kb = ((tb - tmin) * ny + yb) * nx + xb
    order = np.lexsort([kb])  # stable: equal keys keep their row order
    kb_sorted = kb[order]
    base_a = ((ta - tmin) * ny + ya) * nx + xa
    offsets = ([(0, 0), (0, 1), (1, -1), (1, 0), (1, 1)] if same
               else [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    out_a, out_b = [], []
    for dy, dx in offsets:
        row_shift = dy * nx
        target = base_a + row_shift + dx  # pragma: no mutate (mirrored offsets find each pair from its other point)
        lo = np.searchsorted(kb_sorted, target)  # side="left", the default
        hi = np.searchsorted(kb_sorted, target, side="right")
        cnt = hi - lo
        ia = np.repeat(np.arange(len(target)), cnt)
        start = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
        ib = order[start + np.arange(int(cnt.sum()))]
        if same and (dy, dx) == (0, 0):
            keep = ib > ia
            ia, ib = ia[keep], ib[keep]
        out_a.append(ia)
        out_b.append(ib)
    return np.concatenate(out_a).astype("int64"), np.concatenate(out_b).astype("int64")
