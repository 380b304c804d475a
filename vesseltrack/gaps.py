"""AIS gaps (dark periods) with the geofences a vessel could have visited meanwhile.

A gap is a silence of at least ``min_gap_hours`` between consecutive valid positions of one
vessel (Global Fishing Watch; Welch et al. 2022). A fence is *reachable* during a gap when the
vessel could have sailed from the gap's start to the fence, stayed ``min_dwell_hours`` and
sailed on to the gap's end at no more than ``max_speed_knots``::

    (d(start, fence) + d(fence, end)) / max_speed_knots + min_dwell_hours <= duration_hours

Draught before/after is the last draught reported at or before the gap's start and the first
reported at or after its end (statics table), NaN when none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING
from vesseltrack._units import METERS_PER_NM, SECONDS_PER_HOUR
from vesseltrack.cargo import draught_at
from vesseltrack.ports import Fence, _sorted_tracks, _time_s, _to_utc, fences_from_ports
from vesseltrack.tracks import haversine_m

__all__ = ["GAP_COLUMNS", "GapParams", "detect_gaps"]

GAP_COLUMNS = (
    "mmsi",
    "start",
    "end",
    "duration_hours",
    "start_lon",
    "start_lat",
    "end_lon",
    "end_lat",
    "distance_nm",
    "implied_speed_knots",
    "draught_before_m",
    "draught_after_m",
    "reachable_ports",
)
"""Columns of the gaps table (DESIGN.md)."""


@dataclass(frozen=True)
class GapParams:
    """Parameters of :func:`detect_gaps`.

    Attributes
    ----------
    min_gap_hours : float
        Shortest silence reported as a gap, hours (GFW: 6; 12 for "suspected disabling").
    max_speed_knots : float
        Fastest plausible speed of the vessel during a gap, knots (reachability).
    min_dwell_hours : float
        Time a vessel must have stayed at a fence for it to count as reachable, hours (the
        port-call minimum dwell).
    """

    min_gap_hours: float = 6.0
    max_speed_knots: float = 12.0
    min_dwell_hours: float = 2.0


def _gaps_internal(
    tracks: pd.DataFrame,
    statics: pd.DataFrame | None,
    fences: list[Fence],
    params: GapParams,
) -> pd.DataFrame:
    """Gaps with extra columns: ``start_row``/``end_row`` (index labels of ``tracks``) and,
    per fence, ``d_in_nm::NAME``/``d_out_nm::NAME`` distances and ``reach::NAME`` booleans."""
    valid = tracks.loc[tracks["valid_position"]] if "valid_position" in tracks else tracks
    rows = valid.index.to_numpy()
    mmsi = valid["mmsi"].to_numpy("int64")
    t_s = _time_s(valid)
    lon = valid["lon"].to_numpy("float64")
    lat = valid["lat"].to_numpy("float64")
    if len(mmsi) >= 2:
        same = mmsi[1:] == mmsi[:-1]
        dt = np.diff(t_s)
        i = np.flatnonzero(same & (dt >= params.min_gap_hours * SECONDS_PER_HOUR))
    else:
        i = np.array([], dtype="int64")
    j = i + 1
    dur_h = (t_s[j] - t_s[i]) / SECONDS_PER_HOUR
    dist_nm = haversine_m(lon[i], lat[i], lon[j], lat[j]) / METERS_PER_NM
    gaps = pd.DataFrame(
        {
            "mmsi": mmsi[i],
            "start": _to_utc(t_s[i]),
            "end": _to_utc(t_s[j]),
            "duration_hours": dur_h,
            "start_lon": lon[i],
            "start_lat": lat[i],
            "end_lon": lon[j],
            "end_lat": lat[j],
            "distance_nm": dist_nm,
            "implied_speed_knots": np.divide(
                dist_nm, dur_h, out=np.full(len(i), np.nan), where=dur_h > 0
            ),
            "start_row": rows[i],
            "end_row": rows[j],
        }
    )
    gaps["draught_before_m"] = draught_at(statics, gaps["mmsi"], gaps["start"], "backward")
    gaps["draught_after_m"] = draught_at(statics, gaps["mmsi"], gaps["end"], "forward")
    names = np.full(len(gaps), "", dtype=object)
    for fence in fences:
        d_in = fence.distance_nm(lon[i], lat[i])
        d_out = fence.distance_nm(lon[j], lat[j])
        reach = (d_in + d_out) / params.max_speed_knots + params.min_dwell_hours <= dur_h
        gaps[f"d_in_nm::{fence.name}"] = d_in
        gaps[f"d_out_nm::{fence.name}"] = d_out
        gaps[f"reach::{fence.name}"] = reach
        sep = np.where(names == "", "", ";")
        names = np.where(reach, names + sep + fence.name, names)
    gaps["reachable_ports"] = pd.array(names.tolist(), dtype=STRING)
    return gaps


def detect_gaps(
    tracks: pd.DataFrame,
    statics: pd.DataFrame | None = None,
    ports: pd.DataFrame | None = None,
    params: GapParams | None = None,
) -> pd.DataFrame:
    """Find AIS gaps: silences of at least ``min_gap_hours`` between a vessel's positions.

    Parameters
    ----------
    tracks : DataFrame
        Clean tracks (:func:`vesseltrack.tracks.clean_tracks`) or a positions frame. Only rows
        with a valid position count (a report without position does not end a gap).
    statics : DataFrame, optional
        Statics table for ``draught_before_m`` / ``draught_after_m`` (NaN without it).
    ports : DataFrame, optional
        Geofences (:func:`vesseltrack.ports.read_ports`) for ``reachable_ports`` (empty
        without it).
    params : GapParams, optional
        Defaults to ``GapParams()``.

    Returns
    -------
    DataFrame
        Columns :data:`GAP_COLUMNS` (times UTC, distances in nautical miles, speeds in knots,
        draughts in metres; ``reachable_ports`` ``;``-joined fence names), sorted by mmsi and
        start. ``attrs["params"]`` holds the parameters used.
    """
    params = params or GapParams()
    tracks = _sorted_tracks(tracks)
    fences = fences_from_ports(ports) if ports is not None else []
    gaps = _gaps_internal(tracks, statics, fences, params)
    out = gaps.loc[:, list(GAP_COLUMNS)].reset_index(drop=True)
    out.attrs["params"] = asdict(params)
    return out
