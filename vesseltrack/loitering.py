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

from vesseltrack._schema import UTC_NS
from vesseltrack.params import GridParams, LoiteringParams
from vesseltrack.resample import resample_tracks, run_ids

__all__ = ["LOITERING_COLUMNS", "LoiteringParams", "detect_loitering", "slow_runs"]

LOITERING_COLUMNS = ("mmsi", "start", "end", "duration_hours", "lon", "lat", "distance_to_shore_nm")
"""Columns of ``loitering.csv``."""


def _utc(seconds: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(np.round(np.asarray(seconds, float) * 1e9).astype("int64"),  # pragma: no mutate (whole float nanoseconds read as int64 alike)
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
    slow = grid.loc[grid["speed_knots"].to_numpy(float) < max_speed_knots]  # pragma: no mutate (dtype: the columns already have it)
    mmsi = slow["mmsi"].to_numpy("int64")  # pragma: no mutate (dtype: the columns already have it)
    step = slow["step"].to_numpy("int64")  # pragma: no mutate (dtype: the columns already have it)
    run = run_ids(mmsi, step, int(max_break_minutes * 60.0 // step_s))
    frame = pd.DataFrame({"run": run, "mmsi": mmsi, "step": step,
                          "lon": slow["lon"].to_numpy(float), "lat": slow["lat"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
                          "speed": slow["speed_knots"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
                          })
    # runs are numbered 0, 1, ... in row order: the groups are in that order sorted or not
    g = frame.groupby("run", sort=True)  # pragma: no mutate (runs come in order)
    # one reduction a column: a named aggregation (``agg(name=(column, how))``) costs about
    # five times as much on the small tables of one call
    agg = pd.DataFrame({
        "mmsi": g["mmsi"].first(), "first": g["step"].min(), "last": g["step"].max(),
        "lon": g["lon"].median(), "lat": g["lat"].median(),
        "median_speed_knots": g["speed"].median(),
    })
    duration_h = (agg["last"] - agg["first"]).to_numpy(float) * step_s / 3600.0  # pragma: no mutate (dtype: the columns already have it)
    out = pd.DataFrame({
        "mmsi": agg["mmsi"].to_numpy("int64"),  # pragma: no mutate (dtype: the columns already have it)
        "start_s": agg["first"].to_numpy(float) * step_s,  # pragma: no mutate (dtype: the columns already have it)
        "end_s": agg["last"].to_numpy(float) * step_s,  # pragma: no mutate (dtype: the columns already have it)
        "duration_hours": duration_h,
        "lon": agg["lon"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
        "lat": agg["lat"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
        "median_speed_knots": agg["median_speed_knots"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
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
        grid = grid.loc[far_from_fences(grid["lon"].to_numpy(float), grid["lat"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
                                        fences, params.min_fence_distance_nm)]
    runs = slow_runs(grid, params.max_speed_knots, params.min_duration_hours,
                     params.max_break_minutes)
    shore = shore_distance_nm(runs["lon"].to_numpy(float), runs["lat"].to_numpy(float))  # pragma: no mutate (dtype: the columns already have it)
    far = np.isfinite(shore) & (shore >= params.min_shore_distance_nm) | np.isinf(shore)
    runs = runs.assign(distance_to_shore_nm=shore).loc[far].reset_index(drop=True)  # pragma: no mutate (the table below is built by column name)
    out = pd.DataFrame({
        "mmsi": runs["mmsi"].to_numpy("int64"),  # pragma: no mutate (dtype: the columns already have it)
        "start": _utc(runs["start_s"].to_numpy()),
        "end": _utc(runs["end_s"].to_numpy()),
        "duration_hours": runs["duration_hours"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
        "lon": runs["lon"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
        "lat": runs["lat"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
        "distance_to_shore_nm": runs["distance_to_shore_nm"].to_numpy(float),  # pragma: no mutate (dtype: the columns already have it)
    })
    out.attrs["params"] = {**asdict(params), "grid": dict(grid.attrs.get("params", {}))}
    return out
