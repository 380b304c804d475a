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

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from vesseltrack._units import EARTH_RADIUS_M, METERS_PER_NM, SECONDS_PER_HOUR

__all__ = ["TrackParams", "clean_tracks", "haversine_m"]


@dataclass(frozen=True)
class TrackParams:
    """Parameters of :func:`clean_tracks`.

    Attributes
    ----------
    duplicate_seconds : float
        Two reports of one vessel at the same position (to ``duplicate_position_deg``) less
        than this many seconds apart are one report heard by several receivers; the later is
        dropped.
    duplicate_position_deg : float
        Longitude/latitude tolerance, degrees, for "the same position" (1e-5° ≈ 1 m).
    max_implied_speed_knots : float
        A valid position whose implied speed to *both* valid neighbours exceeds this is a
        position error and is dropped (DOMAIN.md: implied speeds over ~50 kn are errors).
    min_jump_m : float
        Displacements shorter than this never count as jumps, metres (GNSS jitter between
        reports a second apart would otherwise imply absurd speeds).
    """

    duplicate_seconds: float = 30.0
    duplicate_position_deg: float = 1e-5
    max_implied_speed_knots: float = 50.0
    min_jump_m: float = 1000.0


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


def _neighbour_speed_knots(
    mmsi: np.ndarray, t_s: np.ndarray, lon: np.ndarray, lat: np.ndarray, min_jump_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Implied speed to the previous and to the next row of the same vessel, knots.

    Rows are assumed sorted by (mmsi, time). NaN where there is no neighbour; 0 where the
    displacement is below ``min_jump_m``.
    """
    n = len(mmsi)
    to_prev = np.full(n, np.nan)
    if n < 2:
        return to_prev, to_prev.copy()
    same = mmsi[1:] == mmsi[:-1]
    dist_m = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
    dt_h = np.maximum(t_s[1:] - t_s[:-1], 1.0) / SECONDS_PER_HOUR
    speed = np.where(dist_m < min_jump_m, 0.0, dist_m / METERS_PER_NM / dt_h)
    speed = np.where(same, speed, np.nan)
    to_prev[1:] = speed
    to_next = np.full(n, np.nan)
    to_next[:-1] = speed
    return to_prev, to_next


def clean_tracks(positions: pd.DataFrame, params: TrackParams | None = None) -> pd.DataFrame:
    """Return the positions as clean per-vessel tracks.

    Steps, all vectorised over the whole table:

    1. Mask positions out of range (|lon| > 180°, |lat| > 90°) and speeds ≥ 102.2 kn as NaN
       (readers already do this; repeated here so hand-made frames are safe).
    2. Sort by ``mmsi`` then ``timestamp`` (stable); drop rows without a timestamp.
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

    Returns
    -------
    DataFrame
        The kept rows with a fresh RangeIndex and an extra boolean column ``valid_position``.
        ``attrs["params"]`` holds the parameters used and ``attrs["dropped"]`` the counts of
        rows dropped per reason (``no_time``, ``duplicate``, ``jump``).
    """
    params = params or TrackParams()
    # Work on key columns only and take the kept rows of the table once, at the end.
    ts_ns = positions["timestamp"].to_numpy("datetime64[ns]").view("int64")
    no_time = positions["timestamp"].isna().to_numpy()
    rows = np.flatnonzero(~no_time)
    mmsi_all = positions["mmsi"].to_numpy()
    rows = rows[np.lexsort((ts_ns[rows], mmsi_all[rows]))]  # stable: by mmsi, then time
    mmsi = mmsi_all[rows]
    t_s = ts_ns[rows] / 1e9
    lon = positions["lon"].to_numpy("float64")[rows]
    lat = positions["lat"].to_numpy("float64")[rows]
    valid = (np.abs(lon) <= 180.0) & (np.abs(lat) <= 90.0)  # NaN compares False

    # 3. duplicates: group by vessel and rounded position, compare with the previous report
    # at that position (rows are time-sorted inside each group because the sort is stable).
    dup = np.zeros(len(rows), dtype=bool)
    if valid.any():
        step = params.duplicate_position_deg
        key = pd.DataFrame(
            {
                "mmsi": mmsi[valid],
                "lon_q": np.round(lon[valid] / step).astype("int64"),
                "lat_q": np.round(lat[valid] / step).astype("int64"),
                "t_s": t_s[valid],
            }
        )
        dt_prev = key.groupby(["mmsi", "lon_q", "lat_q"], sort=False)["t_s"].diff().to_numpy()
        dup[np.flatnonzero(valid)] = dt_prev < params.duplicate_seconds
    n_dup = int(dup.sum())
    keep = ~dup

    # 4. impossible jumps among the remaining valid positions.
    valid_idx = np.flatnonzero(keep & valid)
    jump = np.zeros(len(rows), dtype=bool)
    if len(valid_idx) >= 3:
        to_prev, to_next = _neighbour_speed_knots(
            mmsi[valid_idx], t_s[valid_idx], lon[valid_idx], lat[valid_idx], params.min_jump_m
        )
        limit = params.max_implied_speed_knots
        jump[valid_idx] = (to_prev > limit) & (to_next > limit)
    n_jump = int(jump.sum())
    keep &= ~jump

    df = positions.take(rows[keep]).reset_index(drop=True)
    # Mask positions out of range and speeds ≥ 102.2 kn (readers already do; hand-made frames)
    ok = valid[keep]
    df["lon"] = df["lon"].astype("float64").where(ok)
    df["lat"] = df["lat"].astype("float64").where(ok)
    sog = df["sog_knots"].astype("float64")
    df["sog_knots"] = sog.mask((sog >= 102.2) | (sog < 0))
    df["valid_position"] = ok

    df.attrs["params"] = asdict(params)
    df.attrs["dropped"] = {"no_time": int(no_time.sum()), "duplicate": n_dup, "jump": n_jump}
    return df
