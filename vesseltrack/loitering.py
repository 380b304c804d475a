"""Loitering: a vessel slow for hours far from shore (after Global Fishing Watch).

On the time grid of :mod:`vesseltrack.resample`, a vessel's instants slower than
:attr:`LoiteringParams.max_speed_knots` join into runs (breaks of up to
``max_break_minutes`` allowed); a run of at least ``min_duration_hours`` whose median position
lies ``min_shore_distance_nm`` or more from the shore (:mod:`vesseltrack.shore`) is loitering.
Distance to shore is measured for one point per run, never per position.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._arrays import floats, ints
from vesseltrack._schema import UTC_NS
from vesseltrack.params import GridParams, LoiteringParams
from vesseltrack.resample import resample_tracks, run_ids

__all__ = ["LOITERING_COLUMNS", "LoiteringParams", "detect_loitering", "slow_runs"]

LOITERING_COLUMNS = ("mmsi", "start", "end", "duration_hours", "lon", "lat", "distance_to_shore_nm")
"""Columns of ``loitering.csv``."""


def _utc(seconds: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(ints(np.round(floats(seconds) * 1e9)),
                                    utc=True)).astype(UTC_NS)


def slow_runs(
    grid: pd.DataFrame, max_speed_knots: float, min_duration_hours: float, max_break_minutes: float
) -> pd.DataFrame:
    """Runs of one vessel's slow grid instants lasting at least ``min_duration_hours``.

    Parameters
    ----------
    grid : DataFrame
        :func:`vesseltrack.resample.resample_tracks` output (``attrs["step_s"]``), possibly
        with rows removed (e.g. instants near a fence).
    max_speed_knots, min_duration_hours, max_break_minutes : float
        Slow is below this speed; the shortest run; the longest break inside a run.

    Returns
    -------
    DataFrame
        ``mmsi``, ``start_s``, ``end_s`` (seconds), ``duration_hours``, ``lon``, ``lat``
        (median position), ``median_speed_knots``.
    """
    step_s = float(grid.attrs.get("step_s", 600.0))
    slow = grid.loc[floats(grid["speed_knots"]) < max_speed_knots]
    mmsi = ints(slow["mmsi"])
    step = ints(slow["step"])
    run = run_ids(mmsi, step, int(max_break_minutes * 60.0 // step_s))
    frame = pd.DataFrame({"run": run, "mmsi": mmsi, "step": step,
                          "lon": floats(slow["lon"]), "lat": floats(slow["lat"]),
                          "speed": floats(slow["speed_knots"]),
                          })
    # runs are numbered 0, 1, ... in row order: the groups (sorted by default) are in that order
    g = frame.groupby("run")
    # one reduction a column: a named aggregation (``agg(name=(column, how))``) costs about
    # five times as much on the small tables of one call
    agg = pd.DataFrame({
        "mmsi": g["mmsi"].first(), "first": g["step"].min(), "last": g["step"].max(),
        "lon": g["lon"].median(), "lat": g["lat"].median(),
        "median_speed_knots": g["speed"].median(),
    })
    duration_h = floats(agg["last"] - agg["first"]) * step_s / 3600.0
    out = pd.DataFrame({
        "mmsi": ints(agg["mmsi"]),
        "start_s": floats(agg["first"]) * step_s,
        "end_s": floats(agg["last"]) * step_s,
        "duration_hours": duration_h,
        "lon": floats(agg["lon"]),
        "lat": floats(agg["lat"]),
        "median_speed_knots": floats(agg["median_speed_knots"]),
    })
    return out.loc[out["duration_hours"] >= min_duration_hours].reset_index(drop=True)


def detect_loitering(
    tracks: pd.DataFrame,
    params: LoiteringParams | None = None,
    *,
    grid: pd.DataFrame | None = None,
    grid_params: GridParams | None = None,
    ports: Any = None,
) -> pd.DataFrame:
    """Loitering events: slow for hours far from shore.

    Parameters
    ----------
    tracks : DataFrame
        Clean tracks (:func:`vesseltrack.clean_tracks`).
    params : LoiteringParams, optional
        Thresholds (defaults after Global Fishing Watch: < 2 kn, >= 4 h, >= 20 nm).
    grid : DataFrame, optional
        The tracks already resampled (:func:`vesseltrack.resample.resample_tracks`).
    grid_params : GridParams, optional
        Grid used when ``grid`` is not given.
    ports : DataFrame or list of Fence, optional
        Geofences: instants within ``min_fence_distance_nm`` of one are not loitering.

    Returns
    -------
    DataFrame
        :data:`LOITERING_COLUMNS`, sorted by mmsi and start; ``attrs["params"]``.
    """
    from vesseltrack.shore import shore_distance_nm

    params = params or LoiteringParams()
    if grid is None:
        grid = resample_tracks(tracks, grid_params)
    if ports is not None:
        from vesseltrack.encounters import far_from_fences, fences_of

        fences = fences_of(ports)
        grid = grid.loc[far_from_fences(floats(grid["lon"]), floats(grid["lat"]),
                                        fences, params.min_fence_distance_nm)]
    runs = slow_runs(grid, params.max_speed_knots, params.min_duration_hours,
                     params.max_break_minutes)
    shore = shore_distance_nm(floats(runs["lon"]), floats(runs["lat"]))
    far = np.isfinite(shore) & (shore >= params.min_shore_distance_nm) | np.isinf(shore)
    runs = runs.assign(distance_to_shore_nm=shore).loc[far]
    runs = runs.reset_index(drop=True)  # pragma: no mutate (the table below is built by column name)
    out = pd.DataFrame({
        "mmsi": ints(runs["mmsi"]),
        "start": _utc(runs["start_s"].to_numpy()),
        "end": _utc(runs["end_s"].to_numpy()),
        "duration_hours": floats(runs["duration_hours"]),
        "lon": floats(runs["lon"]),
        "lat": floats(runs["lat"]),
        "distance_to_shore_nm": floats(runs["distance_to_shore_nm"]),
    })
    out.attrs["params"] = {**asdict(params), "grid": dict(grid.attrs.get("params", {}))}
    return out
