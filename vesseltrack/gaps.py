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
from vesseltrack.cargo import draught_at, draught_timeline
from vesseltrack.ports import Fence, _sorted_tracks, _to_utc, _TrackArrays, fences_from_ports
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
    valid = _TrackArrays.of(tracks)
    mmsi, t_s, lon, lat = valid.mmsi, valid.t_s, valid.lon, valid.lat
    if len(mmsi) >= 2:
        long_silence = t_s.steps_at_least(params.min_gap_hours * SECONDS_PER_HOUR)
        long_silence &= mmsi[1:] == mmsi[:-1]
        i = np.flatnonzero(long_silence)
        del long_silence
    else:
        i = np.array([], dtype="int64")
    j = i + 1
    mmsi, t_s = mmsi[i], (t_s[i], t_s[j])
    lon, lat = (lon[i], lon[j]), (lat[i], lat[j])
    start_row, end_row = valid.labels(i), valid.labels(j)
    del valid
    dur_h = (t_s[1] - t_s[0]) / SECONDS_PER_HOUR
    dist_nm = haversine_m(lon[0], lat[0], lon[1], lat[1]) / METERS_PER_NM
    gaps = pd.DataFrame(
        {
            "mmsi": mmsi,
            "start": _to_utc(t_s[0]),
            "end": _to_utc(t_s[1]),
            "duration_hours": dur_h,
            "start_lon": lon[0],
            "start_lat": lat[0],
            "end_lon": lon[1],
            "end_lat": lat[1],
            "distance_nm": dist_nm,
            "implied_speed_knots": np.divide(
                dist_nm, dur_h, out=np.full(len(i), np.nan), where=dur_h > 0
            ),
            "start_row": start_row,
            "end_row": end_row,
        }
    )
    tl = draught_timeline(statics)  # once for both lookups
    gaps["draught_before_m"] = draught_at(
        None, gaps["mmsi"], gaps["start"], "backward", timeline=tl
    )
    gaps["draught_after_m"] = draught_at(None, gaps["mmsi"], gaps["end"], "forward", timeline=tl)
    del tl
    names = np.full(len(gaps), "", dtype=object)
    for fence in fences:
        d_in = fence.distance_nm(lon[0], lat[0])
        d_out = fence.distance_nm(lon[1], lat[1])
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
