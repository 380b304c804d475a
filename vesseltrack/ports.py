"""Geofences from GeoJSON and the port-call state machine.

A *port call* is a visit of one vessel to one geofence (a feature of the ports GeoJSON):

* it begins at the first position inside the polygon;
* it lasts while the vessel stays within the polygon grown by ``exit_margin_m`` (hysteresis:
  a vessel drifting along the edge does not make many calls), whatever the silence between
  positions (an *in-port gap*, as Global Fishing Watch counts it, does not end a call);
* it ends at the last position inside the polygon before the first position beyond the margin;
* it counts only if it lasted at least ``min_dwell_hours`` or the vessel stopped inside
  (speed ≤ ``stop_begin_knots``; a stop ends at ≥ ``stop_end_knots``). A vessel crossing a
  fence at speed makes no call.

Confidence (1-4) is 1 plus one point each for an observed entry (a position beyond the margin
less than a gap, :attr:`GapParams.port_call_gap_hours`, before arrival), an observed exit (likewise after departure) and a
stop or an in-port gap (silence ≥ ``in_port_gap_hours`` inside).

Where AIS went silent for a gap or more just before arrival (or just after
departure) and the silence began (ended) within ``max_dark_approach_nm`` of the fence, the
arrival (departure) is estimated from the vessel's own speed before (after) the silence, and
``arrival_estimated`` (``departure_estimated``) is True.

Geometry: each fence is handled in its own local metric frame (equirectangular about the
fence's centroid; error well under 0.1 % within 100 km) with shapely 2 vectorised predicates.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from vesseltrack._units import EARTH_RADIUS_M, METERS_PER_NM, SECONDS_PER_HOUR
from vesseltrack.params import PortCallParams
from vesseltrack.tracks import (
    TrackArrays,
    haversine_m,
    seconds_to_utc,
    sorted_tracks,
    speed_before_after_knots,
)

__all__ = [
    "Fence",
    "PortCallParams",
    "PORT_CALL_AIS_COLUMNS",
    "call_ids",
    "detect_calls_at_fences",
    "detect_port_calls",
    "fences_from_ports",
    "read_ports",
    "speed_before_after_knots",
]
# speed_before_after_knots lives in vesseltrack.tracks; re-exported here where it was first.

FENCE_KINDS = ("terminal", "port", "anchorage")
_M_PER_DEG = np.pi / 180.0 * EARTH_RADIUS_M

PORT_CALL_AIS_COLUMNS = (
    "call_id",
    "mmsi",
    "port",
    "arrival",
    "departure",
    "duration_hours",
    "evidence",
    "confidence",
    "arrival_estimated",
    "departure_estimated",
    "truncated",
)
"""Columns of :func:`detect_port_calls` (``count`` adds the draught and cargo columns).
``truncated``: the call is cut by the edge of the data (the vessel's first or last position in
the data is within the fence's exit margin), so its true arrival or departure is unknown."""


# --------------------------------------------------------------------------------------------
# Geofences


def _check_degrees(path: str | Path, name: str, geom: BaseGeometry) -> None:
    """Refuse a fence whose corners are no longitude/latitude in degrees (GeoJSON order is
    longitude first: a latitude beyond ±90° whose longitude is within ±90° is the two
    swapped)."""
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    lat_bad = min_lat < -90.0 or max_lat > 90.0
    lon_bad = min_lon < -180.0 or max_lon > 180.0
    if lat_bad and not lon_bad and -90.0 <= min_lon and max_lon <= 90.0:
        raise ValueError(f"{path}: feature {name!r}: latitude and longitude look swapped "
                         f"(latitude {max_lat if max_lat > 90.0 else min_lat:g} is beyond "
                         "±90°; GeoJSON gives longitude first)")
    if lat_bad or lon_bad:
        raise ValueError(f"{path}: feature {name!r}: coordinates outside ±180° longitude "
                         "and ±90° latitude (not EPSG:4326 degrees)")


def read_ports(path: str | Path) -> pd.DataFrame:
    """Read geofences from a GeoJSON FeatureCollection (docs/contracts.md "ports").

    Parameters
    ----------
    path : str or Path
        GeoJSON file: Polygon/MultiPolygon features with property ``name`` (required) and
        optional ``kind`` (``terminal``, ``port``, ``anchorage``).

    Returns
    -------
    GeoDataFrame or DataFrame
        Columns ``name`` (str), ``kind`` (str or NA) and ``geometry`` (shapely polygons in
        EPSG:4326 lon/lat degrees). A GeoDataFrame when geopandas is installed.

    Raises
    ------
    ValueError
        If the file is not JSON, not a FeatureCollection, has no features, or a feature lacks
        a polygon geometry or a unique non-empty ``name``, or has an unknown ``kind``.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable GeoJSON file ({exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValueError(f"{path}: ports file must be a GeoJSON FeatureCollection")
    features = data.get("features") or []
    if not features:
        raise ValueError(f"{path}: ports file has no features")
    names, kinds, geoms = [], [], []
    for i, feat in enumerate(features):
        props = (feat or {}).get("properties") or {}
        name = props.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{path}: feature {i} has no 'name' property")
        kind = props.get("kind")
        if kind is not None and kind not in FENCE_KINDS:
            raise ValueError(f"{path}: feature {name!r} has unknown kind {kind!r}")
        try:
            geom = shape(feat.get("geometry"))
        except Exception as exc:  # noqa: BLE001 - any malformed geometry is the same error
            raise ValueError(f"{path}: feature {name!r} has an invalid geometry ({exc})") from exc
        if not isinstance(geom, Polygon | MultiPolygon) or geom.is_empty:
            raise ValueError(f"{path}: feature {name!r} is not a Polygon or MultiPolygon")
        _check_degrees(path, name, geom)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        names.append(name.strip())
        kinds.append(kind)
        geoms.append(geom)
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: feature names must be unique")
    frame = pd.DataFrame(
        {"name": pd.array(names, dtype="string"), "kind": pd.array(kinds, dtype="string")}
    )
    try:
        import geopandas as gpd
    except ImportError:  # pragma: no cover - geopandas is in the "geo" extra
        frame["geometry"] = geoms
        return frame
    return gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")


@dataclass(frozen=True)
class Fence:
    """One geofence in lon/lat and in its own local metric frame.

    Attributes
    ----------
    name, kind : str
        Feature name and kind (kind may be ``""``).
    geometry : shapely Polygon or MultiPolygon
        The fence in lon/lat degrees.
    lon0_deg, lat0_deg : float
        Origin of the local frame (the centroid).
    poly_m, outer_m : shapely geometry
        The fence, and the fence grown by the exit margin, in local metres.
    """

    name: str
    kind: str
    geometry: object
    lon0_deg: float
    lat0_deg: float
    poly_m: object
    outer_m: object

    def project(self, lon_deg: np.ndarray, lat_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Local east/north coordinates, metres, of lon/lat arrays."""
        k = np.pi / 180.0 * EARTH_RADIUS_M
        x = (np.asarray(lon_deg, dtype="float64") - self.lon0_deg) * k * np.cos(
            np.radians(self.lat0_deg)
        )
        y = (np.asarray(lat_deg, dtype="float64") - self.lat0_deg) * k
        return x, y

    def contains(self, lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
        """True where a point lies inside the fence (NaN points are outside)."""
        x, y = self.project(lon_deg, lat_deg)
        return shapely.contains_xy(self.poly_m, x, y) & np.isfinite(x) & np.isfinite(y)

    def near(self, lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
        """True where a point lies within the exit margin of the fence."""
        x, y = self.project(lon_deg, lat_deg)
        return shapely.contains_xy(self.outer_m, x, y) & np.isfinite(x) & np.isfinite(y)

    def distance_nm(self, lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
        """Distance from points to the fence, nautical miles (0 inside; NaN for NaN points).

        Within ~100 nm the local frame is accurate; farther away the great-circle distance to
        the centroid is used, which is what matters there.
        """
        x, y = self.project(lon_deg, lat_deg)
        d_local = shapely.distance(self.poly_m, shapely.points(x, y)) / METERS_PER_NM
        d_far = haversine_m(self.lon0_deg, self.lat0_deg, lon_deg, lat_deg) / METERS_PER_NM
        return np.where(d_far > 100.0, d_far, d_local)


def fences_from_ports(ports: pd.DataFrame, exit_margin_m: float = 500.0) -> list[Fence]:
    """Build :class:`Fence` objects from :func:`read_ports` output."""
    fences = []
    for name, kind, geom in zip(ports["name"], ports["kind"], ports["geometry"], strict=True):
        c = geom.centroid
        lon0, lat0 = float(c.x), float(c.y)
        coslat = np.cos(np.radians(lat0))
        poly_m = shapely.transform(
            geom, lambda xy, lon0=lon0, lat0=lat0, coslat=coslat: np.column_stack(
                ((xy[:, 0] - lon0) * _M_PER_DEG * coslat, (xy[:, 1] - lat0) * _M_PER_DEG)
            )
        )
        fences.append(
            Fence(
                name=str(name),
                kind="" if kind is None or pd.isna(kind) else str(kind),
                geometry=geom,
                lon0_deg=lon0,
                lat0_deg=lat0,
                poly_m=poly_m,
                outer_m=shapely.buffer(poly_m, exit_margin_m),
            )
        )
    return fences


# --------------------------------------------------------------------------------------------
# Vessel speed around a gap


# --------------------------------------------------------------------------------------------
# The port-call state machine


def call_ids(
    mmsi: np.ndarray, port: np.ndarray, arrival: pd.Series, evidence: np.ndarray
) -> list[str]:
    """Deterministic call ids, ``MMSI/PORT/ARRIVAL/EVIDENCE`` (arrival to the minute, UTC).

    The same call gets the same id whichever partition of vessels it was detected in.
    """
    arr = pd.Series(arrival).dt.strftime("%Y%m%dT%H%MZ").to_numpy()
    return [f"{m}/{p}/{a}/{e}" for m, p, a, e in zip(mmsi, port, arr, evidence, strict=True)]


class _VisitState:
    """What every fence's visits share: the arrays, the speeds and the vessels' first rows.

    Arrays are the valid positions sorted by (mmsi, time) (:class:`TrackArrays`).

    Stopped state with hysteresis: a stop begins at <= ``stop_begin_knots`` and lasts until
    a speed >= ``stop_end_knots``; speeds in between (or unknown) keep the previous state,
    and a vessel's first rows count as moving until a decisive speed is seen. The state at
    a row is thus the one set by the last *decided* row at or before it (a decisive speed,
    or the vessel's first row). It is worked out only where visits need it, not per row.
    """

    _MAX_LOOK_BACK = 64
    """Rows looked back, one at a time, for the row deciding a visit's first state."""

    def __init__(self, arrays: TrackArrays, speed_knots: np.ndarray, params: PortCallParams):
        self.arrays = arrays
        self.speed_knots = speed_knots
        self.params = params
        self.vessel_starts = arrays.vessel_bounds()[0]
        self._decided: tuple[np.ndarray, np.ndarray] | None = None

    def _stopped(self, speed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each speed decides the state, and whether it decides a stop."""
        moving = speed >= self.params.stop_end_knots
        stopping = speed <= self.params.stop_begin_knots
        return moving | stopping, stopping & ~moving

    def state_at(self, rows: np.ndarray) -> np.ndarray:
        """Whether the vessel is in a stop at each of ``rows``.

        Looks back row by row (vectorised over ``rows``) for the deciding row; the rare rows
        still undecided after :attr:`_MAX_LOOK_BACK` rows use every decided row of the table.
        """
        out = np.zeros(len(rows), dtype=bool)
        todo = np.arange(len(rows))
        pos = np.asarray(rows, dtype="int64")
        start = self.vessel_starts[np.searchsorted(self.vessel_starts, pos, side="right") - 1]
        for _ in range(self._MAX_LOOK_BACK):
            decides, stop = self._stopped(self.speed_knots[pos])
            decides |= pos == start  # a vessel's first row decides: moving if undecided
            out[todo[decides]] = stop[decides]
            undecided = ~decides
            todo, pos, start = todo[undecided], pos[undecided] - 1, start[undecided]
            if len(todo) == 0:
                return out
        if self._decided is None:
            decides, stop = self._stopped(self.speed_knots)
            decides[self.vessel_starts] = True
            decided_rows = np.flatnonzero(decides)
            self._decided = (decided_rows, stop[decided_rows])
        decided_rows, decided_stop = self._decided
        out[todo] = decided_stop[np.searchsorted(decided_rows, pos, side="right") - 1]
        return out

    def stop_within(
        self, first: np.ndarray, last: np.ndarray, rows: np.ndarray, at: np.ndarray
    ) -> np.ndarray:
        """Whether the vessel is in a stop at any row of each ``[first, last]``.

        Every window is a block of consecutive rows among ``rows`` (sorted), starting at
        position ``at`` there: it holds a stop when its first row is in one, or a row inside
        it decides one.
        """
        _, stop = self._stopped(self.speed_knots[rows])
        cum = np.zeros(len(rows) + 1, dtype="int64")
        np.cumsum(stop, out=cum[1:])
        end = at + (last - first)
        return self.state_at(first) | ((cum[end + 1] - cum[at + 1]) > 0)


def _box_rows(lon: np.ndarray, lat: np.ndarray, fence: Fence) -> np.ndarray:
    """Rows inside the lon/lat bounding box of the fence's margin polygon (a cheap
    prefilter before shapely): latitude first on every row, longitude on those only."""
    minx, miny, maxx, maxy = shapely.bounds(fence.outer_m)
    k = np.pi / 180.0 * EARTH_RADIUS_M
    coslat = np.cos(np.radians(fence.lat0_deg))
    in_lat = lat >= fence.lat0_deg + miny / k
    in_lat &= lat <= fence.lat0_deg + maxy / k
    idx = np.flatnonzero(in_lat)
    del in_lat
    x = lon[idx]
    west, east = fence.lon0_deg + minx / (k * coslat), fence.lon0_deg + maxx / (k * coslat)
    return idx[(x >= west) & (x <= east)]


def _visits_at_fence(state: _VisitState, fence: Fence) -> pd.DataFrame:
    """All qualifying visits to one fence, as row positions into the state's arrays.

    Arrays are the valid positions sorted by (mmsi, time). Columns: ``first`` / ``last``
    (first and last row inside the fence), ``run_start`` / ``run_end`` (first and last row of
    the run within the exit margin), ``stop``, ``max_silence_s``. Only the rows in the
    fence's bounding box are visited: runs are found from the rows where the "within the
    margin" state changes, not by scanning every row.
    """
    arrays, params = state.arrays, state.params
    lon, lat, t_s = arrays.lon, arrays.lat, arrays.t_s
    n = len(arrays)
    empty = pd.DataFrame(
        {c: np.array([], dtype="int64") for c in ("first", "last", "run_start", "run_end")}
    )
    if n == 0:
        return empty.assign(stop=np.array([], bool), max_silence_s=np.array([], float))  # pragma: no mutate (only its emptiness is read)
    idx = _box_rows(lon, lat, fence)
    if len(idx) == 0:
        return empty.assign(stop=np.array([], bool), max_silence_s=np.array([], float))  # pragma: no mutate (only its emptiness is read)
    near_idx = fence.near(lon[idx], lat[idx])
    inside_idx = fence.contains(lon[idx], lat[idx]) & near_idx
    in_rows = idx[inside_idx]
    if len(in_rows) == 0:
        return empty.assign(stop=np.array([], bool), max_silence_s=np.array([], float))  # pragma: no mutate (only its emptiness is read)
    near = np.zeros(n, dtype=bool)
    near_rows = idx[near_idx]
    near[near_rows] = True

    # A run starts at each vessel's first row and wherever "near" changes: at a near row
    # after one that is not, or at a row that is not after a near row.
    enter = near_rows[near_rows >= 1]
    enter = enter[~near[enter - 1]]
    leave = near_rows + 1
    leave = leave[leave < n]
    leave = leave[~near[leave]]
    del near
    run_starts = np.union1d(state.vessel_starts, np.concatenate(([0], enter, leave)))
    run_ends = np.r_[run_starts[1:] - 1, n - 1]
    in_run = np.searchsorted(run_starts, in_rows, side="right") - 1

    vis_runs, first_pos = np.unique(in_run, return_index=True)
    first = in_rows[first_pos]
    last_pos = len(in_rows) - 1 - np.unique(in_run[::-1], return_index=True)[1]
    last = in_rows[last_pos]

    # Reduce over [first, last] of every visit: stop (with hysteresis) and longest silence.
    # A visit's rows are consecutive near rows (its run is within the margin throughout).
    at = np.searchsorted(near_rows, first)
    stop = state.stop_within(first, last, near_rows, at)
    max_sil = np.zeros(len(first))
    multi = last > first
    if multi.any():
        t_near = t_s[near_rows]
        dt_next = np.zeros(len(near_rows))  # to the next near row (0 after the last)
        np.subtract(t_near[1:], t_near[:-1], out=dt_next[:-1])
        del t_near
        bounds = np.column_stack((at[multi], (at + (last - first))[multi])).ravel()
        # reduceat over [first, last): silences between consecutive rows of the visit
        red = np.maximum.reduceat(dt_next, bounds)[::2]
        max_sil[multi] = red
    out = pd.DataFrame(
        {
            "first": first,
            "last": last,
            "run_start": run_starts[vis_runs],
            "run_end": run_ends[vis_runs],
            "stop": stop,
            "max_silence_s": max_sil,
        }
    )
    dwell_ok = (t_s[last] - t_s[first]) >= params.min_dwell_hours * SECONDS_PER_HOUR
    return out.loc[dwell_ok | stop].reset_index(drop=True)


def _speed_or_implied_knots(arrays: TrackArrays) -> np.ndarray:
    """Reported speed, else the implied speed to the next row of the same vessel, knots.

    The implied speed (distance over ``max(dt, 1 s)``; NaN for a vessel's last row) is
    computed only for the rows without a reported speed.
    """
    sog = arrays.sog
    missing = np.flatnonzero(~np.isfinite(sog))
    if len(missing) == 0:
        return sog
    speed = sog.copy()
    speed[missing] = np.nan  # pragma: no mutate (None in a float array is NaN)
    i = missing[missing < len(sog) - 1]
    j = i + 1
    mmsi, t_s, lon, lat = arrays.mmsi, arrays.t_s, arrays.lon, arrays.lat
    d_nm = haversine_m(lon[i], lat[i], lon[j], lat[j]) / METERS_PER_NM
    dt_h = np.maximum(t_s[j] - t_s[i], 1.0) / SECONDS_PER_HOUR
    speed[i] = np.where(mmsi[j] == mmsi[i], d_nm / dt_h, np.nan)
    return speed


def detect_calls_at_fences(
    tracks: pd.DataFrame, fences: list[Fence], params: PortCallParams
) -> pd.DataFrame:
    """AIS port calls at every fence, with the row links the other detectors need.

    Parameters
    ----------
    tracks : DataFrame
        Tracks as :func:`vesseltrack.tracks.sorted_tracks` returns them.
    fences : list of Fence
        :func:`fences_from_ports` (with ``params.exit_margin_m``).
    params : PortCallParams
        State-machine parameters.

    Returns
    -------
    DataFrame
        :data:`PORT_CALL_AIS_COLUMNS` plus ``kind`` (the fence's), ``first_row``,
        ``last_row`` (first and last position inside the fence), ``run_start_row`` and
        ``run_end_row`` (the run within the exit margin); rows are index labels of
        ``tracks``. Sorted by mmsi, arrival and port.
    """
    valid = TrackArrays.of(tracks)
    mmsi, t_s, lon, lat = valid.mmsi, valid.t_s, valid.lon, valid.lat
    state = _VisitState(valid, _speed_or_implied_knots(valid), params)
    n = len(mmsi)
    gap_s = params.gaps.port_call_gap_hours * SECONDS_PER_HOUR

    parts = []
    for fence in fences:
        v = _visits_at_fence(state, fence)
        if v.empty:
            continue
        f, la = v["first"].to_numpy(), v["last"].to_numpy()
        rs, re = v["run_start"].to_numpy(), v["run_end"].to_numpy()
        prev = rs - 1
        has_prev = (prev >= 0) & (mmsi[np.maximum(prev, 0)] == mmsi[f])
        nxt = re + 1
        has_next = (nxt < n) & (mmsi[np.minimum(nxt, n - 1)] == mmsi[f])
        prev_c, next_c = np.maximum(prev, 0), np.minimum(nxt, n - 1)
        silent_before = has_prev & ((t_s[rs] - t_s[prev_c]) >= gap_s)
        silent_after = has_next & ((t_s[next_c] - t_s[re]) >= gap_s)
        entry = has_prev & ~silent_before
        exit_ = has_next & ~silent_after
        in_port_gap = v["max_silence_s"].to_numpy() >= params.in_port_gap_hours * SECONDS_PER_HOUR
        confidence = 1 + entry.astype(int) + exit_.astype(int) + (
            v["stop"].to_numpy() | in_port_gap
        ).astype(int)

        arrival = t_s[f].copy()
        departure = t_s[la].copy()
        arr_est = np.zeros(len(f), dtype=bool)
        dep_est = np.zeros(len(f), dtype=bool)
        # Estimate across an adjacent AIS gap that began/ended near the fence.
        d_prev = fence.distance_nm(lon[prev_c], lat[prev_c])
        d_next = fence.distance_nm(lon[next_c], lat[next_c])
        est_a = silent_before & (d_prev <= params.max_dark_approach_nm)
        est_d = silent_after & (d_next <= params.max_dark_approach_nm)
        if est_a.any():
            sp = valid.speed_around_knots(prev_c[est_a], True, params.speed)
            guess = t_s[prev_c[est_a]] + d_prev[est_a] / sp * SECONDS_PER_HOUR
            arrival[est_a] = np.clip(guess, t_s[prev_c[est_a]], t_s[f[est_a]])
            arr_est[est_a] = True
        if est_d.any():
            sp = valid.speed_around_knots(next_c[est_d], False, params.speed)
            guess = t_s[next_c[est_d]] - d_next[est_d] / sp * SECONDS_PER_HOUR
            departure[est_d] = np.clip(guess, t_s[la[est_d]], t_s[next_c[est_d]])
            dep_est[est_d] = True
        parts.append(
            pd.DataFrame(
                {
                    "mmsi": mmsi[f],
                    "port": fence.name,
                    "kind": fence.kind,
                    "arrival_s": arrival,
                    "departure_s": departure,
                    "evidence": "ais",
                    "confidence": confidence.astype("int64"),
                    "arrival_estimated": arr_est,
                    "departure_estimated": dep_est,
                    "truncated": ~has_prev | ~has_next,
                    "first_row": valid.labels(f),
                    "last_row": valid.labels(la),
                    "run_start_row": valid.labels(rs),
                    "run_end_row": valid.labels(re),
                }
            )
        )
    del state, valid
    if not parts:
        calls = pd.DataFrame(
            {
                "mmsi": np.array([], "int64"),
                "port": pd.Series([], dtype="string"),
                "kind": pd.Series([], dtype="string"),
                "arrival_s": np.array([], float),
                "departure_s": np.array([], float),
                "evidence": pd.Series([], dtype="string"),
                "confidence": np.array([], "int64"),
                "arrival_estimated": np.array([], bool),
                "departure_estimated": np.array([], bool),
                "truncated": np.array([], bool),
                "first_row": np.array([], "int64"),
                "last_row": np.array([], "int64"),
                "run_start_row": np.array([], "int64"),
                "run_end_row": np.array([], "int64"),
            }
        )
    else:
        calls = pd.concat(parts, ignore_index=True)
    calls["arrival"] = seconds_to_utc(calls["arrival_s"].to_numpy())
    calls["departure"] = seconds_to_utc(calls["departure_s"].to_numpy())
    calls["duration_hours"] = (calls["departure_s"] - calls["arrival_s"]) / SECONDS_PER_HOUR
    calls = calls.drop(columns=["arrival_s", "departure_s"])
    for col in ("port", "kind", "evidence"):
        calls[col] = calls[col].astype("string")
    calls["call_id"] = pd.array(
        call_ids(calls["mmsi"].to_numpy(), calls["port"].to_numpy(), calls["arrival"],
                 calls["evidence"].to_numpy()),
        dtype="string",
    )
    return calls.sort_values(["mmsi", "arrival", "port"], kind="stable").reset_index(drop=True)


def detect_port_calls(
    tracks: pd.DataFrame, ports: pd.DataFrame, params: PortCallParams | None = None
) -> pd.DataFrame:
    """Detect AIS port calls of every vessel at every geofence.

    Parameters
    ----------
    tracks : DataFrame
        Clean tracks (:func:`vesseltrack.tracks.clean_tracks`), or any positions frame; rows
        are sorted here if needed. Only rows with a valid position are used.
    ports : DataFrame
        Geofences from :func:`read_ports`.
    params : PortCallParams, optional
        State-machine parameters; defaults to ``PortCallParams()``.

    Returns
    -------
    DataFrame
        One row per call, columns :data:`PORT_CALL_AIS_COLUMNS` (``evidence`` is ``"ais"``;
        ``arrival``/``departure`` UTC; ``duration_hours`` in hours), sorted by mmsi and
        arrival. ``attrs["params"]`` holds the parameters used.
    """
    params = params or PortCallParams()
    tracks = sorted_tracks(tracks)
    calls = detect_calls_at_fences(tracks, fences_from_ports(ports, params.exit_margin_m), params)
    out = calls.loc[:, list(PORT_CALL_AIS_COLUMNS)].copy()
    out.attrs["params"] = asdict(params)
    return out
