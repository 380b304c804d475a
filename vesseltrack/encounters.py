"""Encounters at sea: two vessels close and slow together, seen on AIS or hidden by a gap.

Visible encounters (after Global Fishing Watch's rule; ``docs/at-sea.md``)
---------------------------------------------------------------------------
Tracks are resampled on a common time grid (:mod:`vesseltrack.resample`). Instants where a
vessel is faster than ``max_point_speed_knots`` or within ``min_fence_distance_nm`` of a
geofence (anchorages, ports, terminals: ships waiting side by side there are not meeting) are
dropped. The rest are binned by instant and by cells of ``max_distance_m``
(:func:`vesseltrack.resample.cell_pairs`): only vessels in the same or a neighbouring cell at
the same instant are compared, never all pairs. Pairs within ``max_distance_m`` join into
runs per pair of vessels (breaks up to ``max_break_minutes``); a run of at least
``min_duration_hours`` whose median speed (mean of the two) is below
``max_median_speed_knots`` is an encounter. The grid is continuous, so an encounter across
midnight is one encounter (nothing is cut per day to be joined again), and a vessel may meet
several others, at once or in turn.

Dark encounters
---------------
*One dark*: a vessel slow at sea (median speed under the encounters'
``max_median_speed_knots``) for at least the encounters' ``min_duration_hours`` while another
vessel's AIS gap (the gap rule, ``DarkEncounterParams.gaps``) overlaps that time by as much,
both ends of the gap lying within ``max_approach_nm`` of the slow vessel, and the gap long
enough to sail from its start to the slow vessel, stay that long and sail on to its end at the
port calls' fastest plausible speed (``DarkEncounterParams.speed``). The likeliest slow vessel
(the shortest detour) is kept per gap. *Both dark*: two vessels' gaps overlapping by the
encounters' ``min_duration_hours``, their starts within ``max_approach_nm`` of each other and
their ends too. Both kinds have evidence ``ais-gap``; ``mmsi_a`` is the vessel that stayed visible (the
lower MMSI when both were dark).

A transfer shows as draught changes of opposite signs: each row carries each vessel's draught
change across the encounter (across its gap for a dark vessel).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._arrays import floats, ints, stable_sort
from vesseltrack._schema import STRING, UTC_NS, utc_bounds
from vesseltrack._units import METERS_PER_NM, SECONDS_PER_HOUR
from vesseltrack.loitering import LOITERING_COLUMNS, detect_loitering, slow_runs
from vesseltrack.params import AtSeaParams, EncounterParams, PortCallParams
from vesseltrack.ports import Fence, fences_from_ports
from vesseltrack.resample import cell_pairs, resample_tracks, run_ids
from vesseltrack.statics import draught_at, flags_of, latest_identity
from vesseltrack.tracks import clean_tracks, haversine_m, sorted_tracks

__all__ = [
    "ENCOUNTER_COLUMNS",
    "SEGMENT_COLUMNS",
    "AtSeaResult",
    "detect_at_sea",
    "far_from_fences",
    "fences_of",
    "detect_encounters",
    "find_dark_encounters",
    "find_encounters",
]

ENCOUNTER_COLUMNS = (
    "encounter_id", "mmsi_a", "mmsi_b", "name_a", "name_b", "flag_a", "flag_b", "start", "end",
    "duration_hours", "lon", "lat", "median_distance_m", "median_speed_knots", "evidence",
    "draught_change_a_m", "draught_change_b_m", "dark_vessels",
)
"""Columns of ``encounters.csv``: those of ``docs/contracts.md``, then ``dark_vessels`` (0
seen on AIS throughout, 1 one vessel dark, 2 both dark)."""

SEGMENT_COLUMNS = ("segment_a", "segment_b")
"""Columns added to ``encounters.csv`` when shared MMSIs are split (``AtSeaParams.segments``):
the segment of each vessel (1, 2, ... per MMSI, :func:`vesseltrack.segment_tracks`)."""


def _utc(seconds: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(ints(np.round(floats(seconds) * 1e9)),
                                    utc=True)).astype(UTC_NS)


def fences_of(ports: Any, exit_margin_m: float = 500.0) -> list[Fence]:
    """Fences from a ports frame (:func:`vesseltrack.read_ports`), a list of them, or None."""
    if ports is None:
        return []
    if isinstance(ports, list):
        return ports
    return fences_from_ports(ports, exit_margin_m)


_BOX_DEG_PER_NM = 1.05 / 60.0
"""Degrees of latitude that hold one nautical mile, with 5 % to spare (a degree is about 60.04
nm on the haversine sphere): the margin of :func:`far_from_fences`' boxes."""


def far_from_fences(lon: np.ndarray, lat: np.ndarray, fences: list[Fence], nm: float) -> np.ndarray:
    """True where a point is farther than ``nm`` from every fence (one loop per fence, and
    only the points in the fence's box widened by ``nm`` are measured)."""
    far = np.ones(len(lon), dtype=bool)
    margin_deg = nm * _BOX_DEG_PER_NM  # pragma: no mutate (nm / the constant is a wider box: the constant is below 1)
    for fence in fences:
        x0, y0, x1, y1 = fence.geometry.bounds
        cos = max(np.cos(np.radians(max(abs(y0), abs(y1)) + margin_deg)), 0.01)
        # the box is a superset of the points within nm (each is measured): a wider box, or
        # its edge in or out, changes no answer; a narrower one does
        west, east = x0 - margin_deg / cos, x1 + margin_deg / cos
        south, north = y0 - margin_deg, y1 + margin_deg
        box = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)  # pragma: no mutate (edges in or out, | for &: a box as wide or wider)
        idx = np.flatnonzero(box)
        if len(idx):
            far[idx[fence.distance_nm(lon[idx], lat[idx]) <= nm]] = False
    return far


def find_encounters(grid: pd.DataFrame, fences: list[Fence], params: EncounterParams,
                    owner: np.ndarray | None = None) -> pd.DataFrame:
    """Visible encounters on a resampled grid (see the module docstring).

    Parameters
    ----------
    grid : DataFrame
        :func:`vesseltrack.resample.resample_tracks` output.
    fences : list of Fence
        Geofences; instants near them are not at sea.
    params : EncounterParams
        Thresholds.
    owner : ndarray, optional
        When the grid's ``mmsi`` are vessel keys (one per MMSI and segment), the MMSI of
        each key: two keys of one MMSI are never paired. None: ``mmsi`` are MMSIs.

    Returns
    -------
    DataFrame
        ``mmsi_a`` < ``mmsi_b``, ``start_s``, ``end_s``, ``duration_hours``, ``lon``, ``lat``,
        ``median_distance_m``, ``median_speed_knots``, sorted by start.
    """
    step_s = float(grid.attrs.get("step_s", params.grid.step_minutes * 60.0))
    lon, lat = floats(grid["lon"]), floats(grid["lat"])
    keep = floats(grid["speed_knots"]) <= params.max_point_speed_knots
    keep &= np.isfinite(lon) & np.isfinite(lat)
    idx = np.flatnonzero(keep)
    idx = idx[far_from_fences(lon[idx], lat[idx], fences, params.min_fence_distance_nm)]
    mmsi = ints(grid["mmsi"])[idx]
    step = ints(grid["step"])[idx]
    lon, lat = lon[idx], lat[idx]
    speed = floats(grid["speed_knots"])[idx]
    ia, ib = cell_pairs(step, lon, lat, None, None, None, params.max_distance_m)
    vessel = mmsi if owner is None else ints(owner)[mmsi]
    ia, ib = ia[vessel[ia] != vessel[ib]], ib[vessel[ia] != vessel[ib]]
    d_m = haversine_m(lon[ia], lat[ia], lon[ib], lat[ib])
    close = d_m <= params.max_distance_m
    ia, ib, d_m = ia[close], ib[close], d_m[close]
    swap = mmsi[ia] > mmsi[ib]  # pragma: no mutate (the two of a pair are never one key)
    ia, ib = np.where(swap, ib, ia), np.where(swap, ia, ib)
    pairs = pd.DataFrame({
        "mmsi_a": mmsi[ia], "mmsi_b": mmsi[ib], "step": step[ia], "d_m": d_m,
        "lon": (lon[ia] + lon[ib]) / 2.0, "lat": (lat[ia] + lat[ib]) / 2.0,
        "speed": (speed[ia] + speed[ib]) / 2.0,
    })
    pairs = stable_sort(pairs, ["mmsi_a", "mmsi_b", "step"])
    pair_key = ints(pairs["mmsi_a"]) * 1_000_000_000 + ints(pairs["mmsi_b"])
    max_break_steps = int(params.max_break_minutes * 60.0 // step_s)
    pairs["run"] = run_ids(pair_key, ints(pairs["step"]), max_break_steps)
    # runs are numbered 0, 1, ... in row order: the groups (sorted by default) are in that order
    g = pairs.groupby("run")
    # one reduction a column: a named aggregation (``agg(name=(column, how))``) costs about
    # five times as much on the small tables of one call
    agg = pd.DataFrame({
        "mmsi_a": g["mmsi_a"].first(), "mmsi_b": g["mmsi_b"].first(),
        "first": g["step"].min(), "last": g["step"].max(),
        "lon": g["lon"].median(), "lat": g["lat"].median(),
        "median_distance_m": g["d_m"].median(), "median_speed_knots": g["speed"].median(),
    })
    out = pd.DataFrame({
        "mmsi_a": ints(agg["mmsi_a"]),
        "mmsi_b": ints(agg["mmsi_b"]),
        "start_s": floats(agg["first"]) * step_s,
        "end_s": floats(agg["last"]) * step_s,
        "lon": floats(agg["lon"]),
        "lat": floats(agg["lat"]),
        "median_distance_m": floats(agg["median_distance_m"]),
        "median_speed_knots": floats(agg["median_speed_knots"]),
    })
    out["duration_hours"] = (out["end_s"] - out["start_s"]) / SECONDS_PER_HOUR
    ok = ((out["duration_hours"] >= params.min_duration_hours)
          & (out["median_speed_knots"] < params.max_median_speed_knots))
    return out.loc[ok].sort_values(["start_s", "mmsi_a", "mmsi_b"]).reset_index(drop=True)


def find_dark_encounters(
    grid: pd.DataFrame, gaps: pd.DataFrame, fences: list[Fence], params: AtSeaParams,
    owner: np.ndarray | None = None,
) -> pd.DataFrame:
    """Dark encounters (see the module docstring) from the grid and the AIS gaps.

    Parameters
    ----------
    grid : DataFrame
        :func:`vesseltrack.resample.resample_tracks` output.
    gaps : DataFrame
        :func:`vesseltrack.gaps.find_gaps` output (``draught_before_m``/``draught_after_m``).
    fences : list of Fence
        Geofences; slow instants near them are not waiting at sea.
    params : AtSeaParams
        ``dark`` and ``encounters`` thresholds.
    owner : ndarray, optional
        As for :func:`find_encounters`: the MMSI of each vessel key, whose keys never meet.

    Returns
    -------
    DataFrame
        ``mmsi_a``, ``mmsi_b``, ``start_s``, ``end_s``, ``duration_hours``, ``lon``, ``lat``,
        ``median_speed_knots``, ``dark_vessels``, ``gap_a``, ``gap_b`` (rows of ``gaps``, -1
        for a visible vessel), ``run_start_s``, ``run_end_s``.
    """
    dk = params.dark
    enc = params.encounters
    gaps = gaps.loc[floats(gaps["duration_hours"]) >= dk.gaps.min_gap_hours]
    gap_rows = gaps.index.to_numpy()
    g_mmsi = ints(gaps["mmsi"])
    g0 = gaps["start"].to_numpy("datetime64[ns]").view("int64") / 1e9
    g1 = gaps["end"].to_numpy("datetime64[ns]").view("int64") / 1e9
    slon, slat = floats(gaps["start_lon"]), floats(gaps["start_lat"])
    elon, elat = floats(gaps["end_lon"]), floats(gaps["end_lat"])
    reach_m = dk.max_approach_nm * METERS_PER_NM
    alongside_s = enc.min_duration_hours * SECONDS_PER_HOUR
    cols = ["mmsi_a", "mmsi_b", "start_s", "end_s", "duration_hours", "lon", "lat",
            "median_speed_knots", "dark_vessels", "gap_a", "gap_b", "run_start_s", "run_end_s"]

    # one dark: a slow vessel at sea and another's gap
    lon_g, lat_g = floats(grid["lon"]), floats(grid["lat"])
    at_sea = grid.loc[far_from_fences(lon_g, lat_g, fences, params.encounters.min_fence_distance_nm)]
    runs = slow_runs(at_sea, enc.max_median_speed_knots, enc.min_duration_hours,
                     enc.max_break_minutes)
    rlon, rlat = floats(runs["lon"]), floats(runs["lat"])
    ig, ir = cell_pairs(np.zeros(len(gaps)), slon, slat, np.zeros(len(runs)), rlon, rlat, reach_m)
    r_mmsi = ints(runs["mmsi"])
    r0, r1 = floats(runs["start_s"]), floats(runs["end_s"])
    d_in = haversine_m(slon[ig], slat[ig], rlon[ir], rlat[ir])
    d_out = haversine_m(elon[ig], elat[ig], rlon[ir], rlat[ir])
    lo, hi = np.maximum(g0[ig], r0[ir]), np.minimum(g1[ig], r1[ir])
    sail_s = (d_in + d_out) / METERS_PER_NM / dk.speed.max_speed_knots * SECONDS_PER_HOUR
    g_vessel, r_vessel = g_mmsi, r_mmsi
    if owner is not None:
        vessel_of = ints(owner)
        g_vessel, r_vessel = vessel_of[g_mmsi], vessel_of[r_mmsi]
    ok = ((g_vessel[ig] != r_vessel[ir]) & (d_in <= reach_m) & (d_out <= reach_m)
          & (hi - lo >= alongside_s) & (sail_s + alongside_s <= g1[ig] - g0[ig]))
    one = pd.DataFrame({"g": ig[ok], "r": ir[ok], "detour": (d_in + d_out)[ok]})
    one = stable_sort(one, ["g", "detour", "r"])
    one = one.drop_duplicates("g")
    g, r = ints(one["g"]), ints(one["r"])
    lo, hi = np.maximum(g0[g], r0[r]), np.minimum(g1[g], r1[r])
    one_dark = pd.DataFrame({
        "mmsi_a": r_mmsi[r], "mmsi_b": g_mmsi[g], "start_s": lo, "end_s": hi,
        "duration_hours": (hi - lo) / SECONDS_PER_HOUR, "lon": rlon[r], "lat": rlat[r],
        "median_speed_knots": floats(runs["median_speed_knots"])[r],
        "dark_vessels": 1, "gap_a": -1, "gap_b": gap_rows[g], "run_start_s": r0[r],
        "run_end_s": r1[r]},
        columns=cols,  # pragma: no mutate (the keys are cols in order)
    )

    # both dark: two gaps overlapping, starts near each other and ends too
    free = np.setdiff1d(np.arange(len(gaps)), g)
    ia, ib = cell_pairs(np.zeros(len(free)), slon[free], slat[free], None, None, None, reach_m)
    ia, ib = free[ia], free[ib]
    lo, hi = np.maximum(g0[ia], g0[ib]), np.minimum(g1[ia], g1[ib])
    ok = ((g_vessel[ia] != g_vessel[ib]) & (hi - lo >= alongside_s)
          & (haversine_m(slon[ia], slat[ia], slon[ib], slat[ib]) <= reach_m)
          & (haversine_m(elon[ia], elat[ia], elon[ib], elat[ib]) <= reach_m))
    ia, ib, lo, hi = ia[ok], ib[ok], lo[ok], hi[ok]
    swap = g_mmsi[ia] > g_mmsi[ib]  # pragma: no mutate (the two of a pair are never one key)
    ia, ib = np.where(swap, ib, ia), np.where(swap, ia, ib)
    both_dark = pd.DataFrame({
        "mmsi_a": g_mmsi[ia], "mmsi_b": g_mmsi[ib], "start_s": lo, "end_s": hi,
        "duration_hours": (hi - lo) / SECONDS_PER_HOUR,
        "lon": (slon[ia] + elon[ia] + slon[ib] + elon[ib]) / 4.0,
        "lat": (slat[ia] + elat[ia] + slat[ib] + elat[ib]) / 4.0,
        # columns=cols: a misspelt key of an all-NaN column would give that column all NaN
        "median_speed_knots": np.nan,  # pragma: no mutate (NaN by name or not)
        "dark_vessels": 2, "gap_a": gap_rows[ia], "gap_b": gap_rows[ib],
        "run_start_s": np.nan,  # pragma: no mutate (NaN by name or not)
        "run_end_s": np.nan},  # pragma: no mutate (NaN by name or not)
        columns=cols,  # pragma: no mutate (the keys are cols in order)
    )
    parts = [p for p in (one_dark, both_dark) if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    out = pd.concat(parts,
                    ignore_index=True,  # pragma: no mutate (re-indexed below)
                    )
    out = stable_sort(out, ["start_s", "mmsi_a", "mmsi_b"])
    return out.reset_index(drop=True)


def _draught_change_m(statics: pd.DataFrame | None, mmsi: np.ndarray, start_s: np.ndarray,
                      end_s: np.ndarray, window_hours: float) -> np.ndarray:
    """Draught in effect ``window_hours`` after the end minus that in effect at the start."""
    # shortcuts: no statics, no draught; no vessel, nothing to look up
    if statics is None:
        return np.full(len(mmsi), np.nan)
    if len(mmsi) == 0:
        return np.full(len(mmsi), np.nan)
    m = pd.Series(ints(mmsi))
    before = draught_at(statics, m, _utc(start_s), "backward")
    after = draught_at(statics, m, _utc(np.asarray(end_s) + window_hours * SECONDS_PER_HOUR),
                       "backward")
    return floats(after) - floats(before)


def _finish(found: pd.DataFrame, statics: pd.DataFrame | None, evidence: str,
            window_hours: float) -> pd.DataFrame:
    """The encounters.csv columns from :func:`find_encounters`-like rows."""
    n = len(found)
    ident = latest_identity(statics)
    # found has its columns, typed, even when empty (find_encounters, find_dark_encounters)
    start_s = floats(found["start_s"])
    end_s = floats(found["end_s"])
    a = ints(found["mmsi_a"])
    b = ints(found["mmsi_b"])
    start = _utc(start_s)
    ids = [f"{x}-{y}-{s:%Y%m%dT%H%M}" for x, y, s in zip(a, b, start, strict=True)]
    out = pd.DataFrame({
        "encounter_id": pd.array(ids, dtype=STRING),
        "mmsi_a": a, "mmsi_b": b,
        "name_a": ident["name"].reindex(a).array, "name_b": ident["name"].reindex(b).array,
        "flag_a": flags_of(a).to_numpy(), "flag_b": flags_of(b).to_numpy(),
        "start": start, "end": _utc(end_s),
        "duration_hours": floats(found["duration_hours"]),
        "lon": floats(found["lon"]),
        "lat": floats(found["lat"]),
        "median_distance_m": (floats(found["median_distance_m"])
                              if "median_distance_m" in found else np.full(n, np.nan)),
        "median_speed_knots": floats(found["median_speed_knots"]),
        "evidence": pd.array([evidence] * n, dtype=STRING),
        "draught_change_a_m": _draught_change_m(statics, a, start_s, end_s, window_hours),
        "draught_change_b_m": _draught_change_m(statics, b, start_s, end_s, window_hours),
        "dark_vessels": (ints(found["dark_vessels"]) if "dark_vessels" in found
                         else np.zeros(n, "int64")),
    })
    for col in ("name_a", "name_b", "flag_a", "flag_b"):
        out[col] = out[col].astype(STRING)
    for col in ("draught_change_a_m", "draught_change_b_m"):  # AIS draught: 0.1 m steps
        out[col] = out[col].round(1)
    extra = [c for c in SEGMENT_COLUMNS if c in found]
    for col in extra:
        out[col] = ints(found[col])
    return out.loc[:, list(ENCOUNTER_COLUMNS) + extra]


def detect_encounters(
    tracks: pd.DataFrame,
    statics: pd.DataFrame | None = None,
    ports: Any = None,
    params: EncounterParams | None = None,
) -> pd.DataFrame:
    """Visible encounters (evidence ``ais``) between the vessels of ``tracks``.

    Parameters
    ----------
    tracks : DataFrame
        Clean tracks (:func:`vesseltrack.clean_tracks`).
    statics : DataFrame, optional
        Statics (names, draughts).
    ports : DataFrame or list of Fence, optional
        Geofences; instants within ``min_fence_distance_nm`` of one are not at sea.
    params : EncounterParams, optional
        Thresholds.

    Returns
    -------
    DataFrame
        :data:`ENCOUNTER_COLUMNS`; ``attrs["params"]``.
    """
    from dataclasses import asdict

    params = params or EncounterParams()
    grid = resample_tracks(tracks, params.grid)
    found = find_encounters(grid, fences_of(ports), params)
    out = _finish(found, statics, "ais", params.draught_window_hours)
    out.attrs["params"] = asdict(params)
    return out


@dataclass
class AtSeaResult:
    """Result of :func:`detect_at_sea`.

    Attributes
    ----------
    encounters : DataFrame
        :data:`ENCOUNTER_COLUMNS`, visible (``evidence`` ``ais``) and dark (``ais-gap``)
        together, sorted by start.
    loitering : DataFrame
        :data:`vesseltrack.loitering.LOITERING_COLUMNS`.
    params : dict
        Every parameter used (:meth:`vesseltrack.params.AtSeaParams.record`).
    """

    encounters: pd.DataFrame
    loitering: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def visible(self) -> pd.DataFrame:
        """Encounters seen on AIS throughout."""
        return self.encounters.loc[self.encounters["evidence"] == "ais"]

    @property
    def dark(self) -> pd.DataFrame:
        """Encounters with one or both vessels dark."""
        return self.encounters.loc[self.encounters["evidence"] == "ais-gap"]

    def summary(self, input_report: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON object of ``encounters --json``: ``encounters``, ``dark_encounters``,
        ``loitering`` (counts), ``transfers`` (encounters whose two draught changes have
        opposite signs), ``input`` (the reader's counters) and ``params``."""
        rep = dict(input_report or {})
        enc = self.encounters
        opposite = (np.sign(enc["draught_change_a_m"]) * np.sign(enc["draught_change_b_m"]) < 0)
        return {
            "encounters": int(len(self.visible)),
            "dark_encounters": int(len(self.dark)),
            "loitering": int(len(self.loitering)),
            "transfers": int(opposite.sum()),  # a comparison is never NA
            "input": {k: rep.get(k, 0) for k in ("files", "lines", "messages", "bad_lines",
                                                  "orphan_fragments", "positions")}
                     | {"failed_files": rep.get("failed_files", [])},
            "params": self.params,
        }


@dataclass(frozen=True)
class _Keys:
    """Vessel keys of a split run: key ``k`` is segment ``segment[k]`` of ``mmsi[k]``, keys
    numbered in (mmsi, segment) order."""

    mmsi: np.ndarray
    segment: np.ndarray


def _keyed_tracks(
    positions: pd.DataFrame, statics: pd.DataFrame | None, params: AtSeaParams
) -> tuple[pd.DataFrame, pd.DataFrame | None, _Keys]:
    """Clean tracks and statics with ``mmsi`` replaced by a vessel key per (mmsi, segment).

    The positions are split by :func:`vesseltrack.segments.segment_tracks` (noise, segment
    0, dropped); each segment is cleaned on its own (a jump between two ships is no jump of
    either), in one pass with the key in place of the MMSI. A static report goes to every key
    of its MMSI (the ships behind a shared MMSI cannot be told apart by their statics). Keys
    are 0, 1, ... in (mmsi, segment) order, so the order of keys is that of MMSIs.
    """
    from vesseltrack.ais import is_ship_mmsi
    from vesseltrack.segments import segment_tracks

    seg = segment_tracks(positions, params.segments)
    seg = seg.loc[seg["segment"].to_numpy() > 0]
    m = ints(seg["mmsi"])
    distinct = np.unique(m)  # ship stations only, as clean_tracks keeps them
    seg = seg.loc[np.isin(m, distinct[is_ship_mmsi(distinct)])]
    m = ints(seg["mmsi"])
    sg = ints(seg["segment"])
    pairs = pd.MultiIndex.from_arrays([m, sg]).unique().sort_values()
    keys = _Keys(mmsi=ints(pairs.get_level_values(0)), segment=ints(pairs.get_level_values(1)))
    key = ints(pairs.get_indexer(pd.MultiIndex.from_arrays([m, sg])))
    # one cleaning pass with the key as vessel: duplicates and jumps per segment
    tracks = sorted_tracks(clean_tracks(seg.loc[:, list(positions.columns)].assign(mmsi=key),
                                        params.tracks,
                                        ships_only=False))
    if statics is None or len(statics) == 0:
        return tracks, statics, keys
    sm = ints(statics["mmsi"])
    lo = np.searchsorted(keys.mmsi, sm)  # side="left", the default
    cnt = np.searchsorted(keys.mmsi, sm, "right") - lo
    rows = np.repeat(np.arange(len(sm)), cnt)
    first = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
    keyed = statics.iloc[rows].assign(mmsi=first + np.arange(int(cnt.sum())))
    return tracks, keyed.reset_index(drop=True), keys  # pragma: no mutate (find_gaps reads the statics' draughts by column name)


def _unkeyed(found: pd.DataFrame, keys: _Keys | None) -> pd.DataFrame:
    """``mmsi_a``/``mmsi_b`` back from vessel keys to MMSIs, with ``segment_a``/``segment_b``."""
    if keys is None:
        return found
    a = ints(found["mmsi_a"])
    b = ints(found["mmsi_b"])
    return found.assign(mmsi_a=keys.mmsi[a], mmsi_b=keys.mmsi[b],
                        segment_a=keys.segment[a], segment_b=keys.segment[b])


def detect_at_sea(
    positions: pd.DataFrame,
    statics: pd.DataFrame | None = None,
    ports: Any = None,
    *,
    since: Any = None,
    until: Any = None,
    params: AtSeaParams | None = None,
) -> AtSeaResult:
    """Encounters (visible and dark) and loitering: the ``vesseltrack encounters`` job.

    Parameters
    ----------
    positions, statics : DataFrame
        Tables of :func:`vesseltrack.read_ais`.
    ports : DataFrame or list of Fence, optional
        Geofences (anchorages, ports, terminals): nothing near them is an encounter.
    since, until : str or Timestamp, optional
        Keep events that end on or after ``since`` and start on or before ``until`` (a
        date-only ``until`` includes that day). Naive times are UTC.
    params : AtSeaParams, optional
        Every threshold. With ``segments`` set, each MMSI is split into the ships behind it
        first and a vessel is an (MMSI, segment): two segments of one MMSI are never paired,
        nor joined into one track, gap or loitering run; ``encounters`` gain ``segment_a`` and
        ``segment_b``, ``loitering`` gains ``segment``.

    Returns
    -------
    AtSeaResult
    """
    from vesseltrack.gaps import find_gaps

    params = params or AtSeaParams()
    fences = fences_of(ports)
    keys: _Keys | None = None
    keyed_statics = statics
    if params.segments is not None:
        tracks, keyed_statics, keys = _keyed_tracks(positions, statics, params)
    else:
        tracks = sorted_tracks(clean_tracks(positions, params.tracks))
    owner = None if keys is None else keys.mmsi
    grid = resample_tracks(tracks, params.encounters.grid)
    visible = _finish(_unkeyed(find_encounters(grid, fences, params.encounters, owner), keys),
                      statics, "ais", params.encounters.draught_window_hours)
    # no fences: find_gaps reads the port-call parameters only for the ports a gap could reach
    port_calls = PortCallParams(gaps=params.dark.gaps, speed=params.dark.speed)  # pragma: no mutate (no fences: never read)
    gaps, _ = find_gaps(tracks, keyed_statics, [], params.dark.gaps, port_calls)
    dark_found = _unkeyed(find_dark_encounters(grid, gaps, fences, params, owner), keys)
    dark = _finish(dark_found, statics, "ais-gap", params.encounters.draught_window_hours)
    if len(dark):  # a dark vessel's draught change is the one across its gap
        for side in ("a", "b"):
            rows = ints(dark_found[f"gap_{side}"])
            has = rows >= 0
            change = (floats(gaps["draught_after_m"]) - floats(gaps["draught_before_m"]))
            col = floats(dark[f"draught_change_{side}_m"]).copy()
            col[has] = change[gaps.index.get_indexer(rows[has])]
            dark[f"draught_change_{side}_m"] = np.round(col, 1)
    loitering = detect_loitering(tracks, params.loitering, grid=grid, ports=fences)
    loitering_cols = list(LOITERING_COLUMNS)
    if keys is not None:
        k = ints(loitering["mmsi"])
        loitering = loitering.assign(mmsi=keys.mmsi[k], segment=keys.segment[k])
        loitering_cols.append("segment")
    parts = [p for p in (visible, dark) if len(p)]
    enc = (pd.concat(parts,
                     ignore_index=True)  # pragma: no mutate (re-indexed below; the masks share its index)
           if parts else visible)
    start, end = utc_bounds(since, until)
    if start is not None and end is not None and start > end:
        raise ValueError(f"since {since} is after until {until}: no event can fall in that "
                         "window")
    lsel = pd.Series(True, index=loitering.index)
    esel = pd.Series(True, index=enc.index)
    if start is not None:  # the first bound: the selection so far is all True
        esel = enc["end"] >= start
        lsel = loitering["end"] >= start
    if end is not None:
        esel &= enc["start"] <= end
        lsel &= loitering["start"] <= end
    enc = stable_sort(enc.loc[esel], ["start", "mmsi_a", "mmsi_b"])
    enc = enc.reset_index(drop=True)
    loitering = loitering.loc[lsel, loitering_cols].reset_index(drop=True)
    record = params.record()
    enc.attrs["params"] = record
    loitering.attrs["params"] = record["loitering"]
    return AtSeaResult(encounters=enc, loitering=loitering, params=record)
