"""AIS gaps (dark periods) with the geofences a vessel could have visited meanwhile.

A gap is a silence of at least ``min_gap_hours`` between consecutive valid positions of one
vessel (Global Fishing Watch; Welch et al. 2022). A fence is *reachable* during a gap when the
vessel could have sailed from the gap's start to the fence, made a port call there (stayed the
port-call ``min_dwell_hours``) and sailed on to the gap's end at no more than the fastest
plausible speed (``SpeedParams.max_speed_knots``)::

    (d(start, fence) + d(fence, end)) / max_speed_knots + min_dwell_hours <= duration_hours

Draught before the gap is the one in effect at its start; after the gap, the last one reported
in the second half of the silence or at its end, else the first reported up to
``DraughtParams.lookahead_hours`` after the end, else the one in effect
(:func:`vesseltrack.statics.draught_in_effect`: the same whatever the feed's statics cadence);
NaN when none.

The gap × fence relation is a long table (:data:`GAP_FENCE_COLUMNS`, one row per pair, as a
spatial join gives), from which ``reachable_ports`` is written.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING
from vesseltrack._units import METERS_PER_NM, SECONDS_PER_HOUR
from vesseltrack.params import DraughtParams, GapParams, OffshoreGapParams, PortCallParams
from vesseltrack.ports import Fence, fences_from_ports
from vesseltrack.statics import draught_in_effect, draught_timeline
from vesseltrack.tracks import TrackArrays, haversine_m, seconds_to_utc, sorted_tracks

__all__ = [
    "GAP_COLUMNS",
    "GAP_FENCE_COLUMNS",
    "SHORE_COLUMNS",
    "GapParams",
    "add_distance_to_shore",
    "detect_gaps",
    "find_gaps",
]

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
"""Columns of the gaps table (docs/contracts.md)."""


SHORE_COLUMNS = ("start_distance_to_shore_nm", "end_distance_to_shore_nm", "offshore")
"""Columns :func:`add_distance_to_shore` appends to the gaps table (``gaps --shore``)."""


GAP_FENCE_COLUMNS = ("gap", "fence", "port", "d_in_nm", "d_out_nm", "reachable")
"""Columns of the gap × fence table of :func:`find_gaps`: ``gap`` (row of the gaps frame),
``fence`` (position in the fence list), ``port`` (fence name), distances from the gap's start
and end to the fence (nautical miles), and whether the fence was reachable."""


def find_gaps(
    tracks: pd.DataFrame,
    statics: pd.DataFrame | None,
    fences: list[Fence],
    params: GapParams,
    port_calls: PortCallParams,
    draught: DraughtParams | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gaps, and the gap × fence relation, for the other detectors.

    Parameters
    ----------
    tracks : DataFrame
        Tracks as :func:`vesseltrack.tracks.sorted_tracks` returns them.
    statics : DataFrame or None
        Statics table (draughts).
    fences : list of Fence
        :func:`vesseltrack.ports.fences_from_ports`.
    params : GapParams
        ``min_gap_hours`` decides what is a gap.
    port_calls : PortCallParams
        Reachability: ``min_dwell_hours`` and ``speed.max_speed_knots``.
    draught : DraughtParams, optional
        The look-ahead of the draught after a gap; defaults to ``DraughtParams()``.

    Returns
    -------
    gaps : DataFrame
        :data:`GAP_COLUMNS` plus ``start_row``/``end_row`` (index labels of ``tracks``).
    gap_fences : DataFrame
        :data:`GAP_FENCE_COLUMNS`, one row per (gap, fence), by fence then gap.
    """
    valid = TrackArrays.of(tracks)
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
            "start": seconds_to_utc(t_s[0]),
            "end": seconds_to_utc(t_s[1]),
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
    gaps["draught_before_m"] = draught_in_effect(None, gaps["mmsi"], gaps["start"], timeline=tl)
    # after: reported in the second half of the silence or at its end, else soon after it. A
    # static heard just after the last position (the transponder not yet off) tells the
    # draught before the silence, one heard just before the first position after it (an
    # archive that keeps statics only when they change) the draught after.
    midpoint = gaps["start"] + (gaps["end"] - gaps["start"]) / 2
    gaps["draught_after_m"] = draught_in_effect(
        None, gaps["mmsi"], gaps["end"], since=midpoint + pd.Timedelta(1, "ns"),
        params=draught, timeline=tl)
    del tl
    max_speed_knots = port_calls.speed.max_speed_knots
    pairs = []
    for k, fence in enumerate(fences):
        d_in = fence.distance_nm(lon[0], lat[0])
        d_out = fence.distance_nm(lon[1], lat[1])
        reach = (d_in + d_out) / max_speed_knots + port_calls.min_dwell_hours <= dur_h
        pairs.append(pd.DataFrame({"gap": np.arange(len(gaps)), "fence": k, "port": fence.name,
                                   "d_in_nm": d_in, "d_out_nm": d_out, "reachable": reach}))
    gap_fences = (pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(
        {"gap": np.array([], "int64"), "fence": np.array([], "int64"), "port": [],
         "d_in_nm": np.array([], float), "d_out_nm": np.array([], float),
         "reachable": np.array([], bool)}))
    gap_fences = gap_fences.astype({"gap": "int64", "fence": "int64", "port": STRING})
    gaps["reachable_ports"] = _reachable_names(gap_fences, len(gaps))
    return gaps, gap_fences


def _reachable_names(gap_fences: pd.DataFrame, n_gaps: int) -> pd.arrays.StringArray:
    """``;``-joined names of the reachable fences of each gap, in fence order ("" if none)."""
    names = np.full(n_gaps, "", dtype=object)
    hit = gap_fences.loc[gap_fences["reachable"].to_numpy(bool)]
    if len(hit):
        hit = hit.sort_values(["gap", "fence"], kind="stable")
        joined = hit.groupby("gap", sort=True)["port"].agg(lambda p: ";".join(p.astype(str)))
        names[joined.index.to_numpy("int64")] = joined.to_numpy(object)
    return pd.array(names.tolist(), dtype=STRING)


def detect_gaps(
    tracks: pd.DataFrame,
    statics: pd.DataFrame | None = None,
    ports: pd.DataFrame | None = None,
    params: GapParams | None = None,
    *,
    port_calls: PortCallParams | None = None,
    draught: DraughtParams | None = None,
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
    port_calls : PortCallParams, optional
        The port-call rules a reachable fence must allow (``min_dwell_hours``,
        ``speed.max_speed_knots``); defaults to ``PortCallParams(gaps=params)``.
    draught : DraughtParams, optional
        The look-ahead of ``draught_after_m``; defaults to ``DraughtParams()``.

    Returns
    -------
    DataFrame
        Columns :data:`GAP_COLUMNS` (times UTC, distances in nautical miles, speeds in knots,
        draughts in metres; ``reachable_ports`` ``;``-joined fence names), sorted by mmsi and
        start. ``attrs["params"]`` holds the parameters used (``params`` and the
        reachability rule's ``max_speed_knots`` and ``min_dwell_hours``, and the draught
        look-ahead ``draught_lookahead_hours``).
    """
    params = params or GapParams()
    port_calls = port_calls or PortCallParams(gaps=params)
    draught = draught or DraughtParams()
    tracks = sorted_tracks(tracks)
    fences = fences_from_ports(ports) if ports is not None else []
    gaps, _ = find_gaps(tracks, statics, fences, params, port_calls, draught)
    out = gaps.loc[:, list(GAP_COLUMNS)].reset_index(drop=True)
    out.attrs["params"] = {**asdict(params),
                           "max_speed_knots": port_calls.speed.max_speed_knots,
                           "min_dwell_hours": port_calls.min_dwell_hours,
                           "draught_lookahead_hours": draught.lookahead_hours}
    return out


def add_distance_to_shore(
    gaps: pd.DataFrame,
    params: OffshoreGapParams | None = None,
    *,
    land: Any = None,
) -> pd.DataFrame:
    """The gaps with the distance to shore of both ends, and whether the gap is offshore.

    A gap is *offshore* when it lasts ``min_gap_hours`` or more (12 h) and both its ends lie
    farther than ``min_shore_distance_nm`` (50 nm) from shore: Global Fishing Watch's rule for
    a suspected disabling of AIS (Welch et al. 2022; :class:`OffshoreGapParams`). Distances
    come from the land layer (:func:`vesseltrack.shore.shore_distance_nm`): the starts and
    ends are asked together, in one call, which fetches the land once per 1-degree cell.

    Parameters
    ----------
    gaps : DataFrame
        A gaps table (:func:`detect_gaps`, or any frame with ``duration_hours``,
        ``start_lon``, ``start_lat``, ``end_lon``, ``end_lat``).
    params : OffshoreGapParams, optional
        Defaults to ``OffshoreGapParams()``.
    land : GeoDataFrame, GeoSeries, shapely geometry or sequence of them, optional
        Land polygons (EPSG:4326) to measure to instead of the land layer.

    Returns
    -------
    DataFrame
        A copy of ``gaps`` with :data:`SHORE_COLUMNS` appended at the end:
        ``start_distance_to_shore_nm`` and ``end_distance_to_shore_nm`` (nautical miles; 0 on
        land, ``inf`` with no land within ``search_radius_nm``, NaN where no land data could
        be read or the position is missing) and ``offshore`` (bool; False where a distance is
        NaN: unknown is not far). ``attrs["params"]`` is that of ``gaps`` plus ``offshore``
        (the :class:`OffshoreGapParams` used).

    Raises
    ------
    ValueError
        ``search_radius_nm`` not above ``min_shore_distance_nm``, or a column missing.
    """
    from vesseltrack.shore import shore_distance_nm

    params = params or OffshoreGapParams()
    if not params.search_radius_nm > params.min_shore_distance_nm:
        raise ValueError(
            f"search_radius_nm ({params.search_radius_nm}) must exceed min_shore_distance_nm "
            f"({params.min_shore_distance_nm})"
        )
    need = ["duration_hours", "start_lon", "start_lat", "end_lon", "end_lat"]
    missing = [c for c in need if c not in gaps.columns]
    if missing:
        raise ValueError(f"gaps table lacks column(s) {', '.join(missing)}")
    n = len(gaps)
    lon = np.concatenate([gaps["start_lon"].to_numpy(float), gaps["end_lon"].to_numpy(float)])
    lat = np.concatenate([gaps["start_lat"].to_numpy(float), gaps["end_lat"].to_numpy(float)])
    dist = shore_distance_nm(lon, lat, params.search_radius_nm, land=land)
    start_nm, end_nm = dist[:n], dist[n:]
    with np.errstate(invalid="ignore"):
        offshore = (
            (gaps["duration_hours"].to_numpy(float) >= params.min_gap_hours)
            & (start_nm > params.min_shore_distance_nm)
            & (end_nm > params.min_shore_distance_nm)
        )
    out = gaps.drop(columns=[c for c in SHORE_COLUMNS if c in gaps.columns])
    out = out.assign(start_distance_to_shore_nm=start_nm, end_distance_to_shore_nm=end_nm,
                     offshore=offshore.astype(bool))
    out.attrs = {**gaps.attrs, "params": {**gaps.attrs.get("params", {}),
                                          "offshore": asdict(params)}}
    return out
