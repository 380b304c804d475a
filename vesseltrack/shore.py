"""Distance to shore for the at-sea detectors, from the land layer (:mod:`vesseltrack.land`).

A thin layer: :func:`shore_distance_nm` asks :func:`vesseltrack.land.distance_to_shore_nm`
(GSHHG through GMT, full resolution near the shore; the shipped Natural Earth land where GMT
is missing) and never fails for want of a coastline: without any land data it returns NaN
with one warning, and a detector treats NaN as "unknown", not as "far".
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

__all__ = ["shore_distance_nm"]


def shore_distance_nm(
    lon: np.ndarray, lat: np.ndarray, max_distance_nm: float = 200.0, *, land: Any = None
) -> np.ndarray:
    """Distance from each point to the nearest land, nautical miles (``inf`` beyond reach).

    Parameters
    ----------
    lon, lat : array_like of float
        Degrees, EPSG:4326.
    max_distance_nm : float, default 200
        Search radius, nautical miles.
    land : GeoDataFrame, GeoSeries, shapely geometry or sequence of them, optional
        Land polygons (EPSG:4326) to measure to; default: the land layer, cell by cell
        (:func:`vesseltrack.land.distance_to_shore_nm`).

    Returns
    -------
    numpy.ndarray of float
        0 on land, ``inf`` farther than ``max_distance_nm``, NaN where no land data could be
        read.
    """
    from vesseltrack.land import LandFallbackWarning, distance_to_shore_nm

    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.size == 0:
        return np.zeros(lon.shape)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LandFallbackWarning)
            return distance_to_shore_nm(lon, lat, land=land, max_distance_nm=max_distance_nm)
    except (OSError, RuntimeError) as exc:  # no land data at all
        warnings.warn(f"no land data for distance to shore: {exc}", stacklevel=2)
        return np.full(lon.shape, np.nan)
