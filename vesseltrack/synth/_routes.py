"""Sea routes of a scenario and the spherical geometry to sail them.

Routes are polylines of (lon, lat) waypoints. Tracks are interpolated linearly in lon/lat
between waypoints (the legs are short enough that this differs from a great circle by metres),
and distances use the haversine formula on the mean Earth radius.
"""

from __future__ import annotations

import numpy as np

from .._units import EARTH_RADIUS_M, METERS_PER_NM
from ._scenario import Facility, LonLat, Scenario


def haversine_nm(
    lon1_deg: np.ndarray | float,
    lat1_deg: np.ndarray | float,
    lon2_deg: np.ndarray | float,
    lat2_deg: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in nautical miles (vectorised).

    Parameters
    ----------
    lon1_deg, lat1_deg, lon2_deg, lat2_deg : array_like
        End points, degrees.

    Returns
    -------
    numpy.ndarray
        Distance, nautical miles.
    """
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (
        lon1_deg, lat1_deg, lon2_deg, lat2_deg))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) / METERS_PER_NM


def bearing_deg(
    lon1_deg: np.ndarray | float,
    lat1_deg: np.ndarray | float,
    lon2_deg: np.ndarray | float,
    lat2_deg: np.ndarray | float,
) -> np.ndarray:
    """Initial great-circle bearing from point 1 to point 2, degrees clockwise from north."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (
        lon1_deg, lat1_deg, lon2_deg, lat2_deg))
    y = np.sin(lon2 - lon1) * np.cos(lat2)
    x = np.cos(lat1) * np.sin(lat2) - np.sin(lat1) * np.cos(lat2) * np.cos(lon2 - lon1)
    return np.degrees(np.arctan2(y, x)) % 360.0


def offset_deg(
    lat_deg: np.ndarray | float, east_m: np.ndarray | float, north_m: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Convert a local east/north offset in metres to (dlon, dlat) in degrees."""
    dlat = np.asarray(north_m, dtype=float) / (EARTH_RADIUS_M * np.pi / 180.0)
    dlon = np.asarray(east_m, dtype=float) / (
        EARTH_RADIUS_M * np.pi / 180.0 * np.cos(np.radians(np.asarray(lat_deg, dtype=float)))
    )
    return dlon, dlat


def as_array(points: tuple[LonLat, ...] | list[LonLat] | np.ndarray) -> np.ndarray:
    """Waypoints as an (n, 2) float array of (lon, lat), consecutive duplicates removed."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(pts) > 1:
        keep = np.r_[True, np.any(np.diff(pts, axis=0) != 0.0, axis=1)]
        pts = pts[keep]
    return pts


def leg_lengths_nm(points: np.ndarray) -> np.ndarray:
    """Length of each leg of a polyline, nautical miles."""
    return haversine_nm(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])


def route_length_nm(points: np.ndarray) -> float:
    """Total length of a polyline, nautical miles."""
    return float(leg_lengths_nm(points).sum())


def to_berth(scenario: Scenario, facility: Facility, berth: LonLat) -> np.ndarray:
    """Route from the regional junction to ``berth`` (offing route, approach, berth)."""
    return as_array([*scenario.offing_route, *facility.approach[1:], berth])


def home_to_berth(scenario: Scenario, home: str, facility: Facility, berth: LonLat) -> np.ndarray:
    """Route from a home port's berth to a facility berth."""
    return as_array([*scenario.home_port(home).route, *to_berth(scenario, facility, berth)[1:]])


def approach_length_nm(scenario: Scenario, facility: Facility, berth: LonLat) -> float:
    """Length of the approach (offing to berth), nautical miles: sailed at approach speed."""
    return route_length_nm(as_array([*facility.approach, berth]))


def entry_to_berth(entry: tuple[LonLat, ...], facility: Facility, berth: LonLat) -> np.ndarray:
    """Route of background traffic from the edge of the area to a berth."""
    return as_array([*entry, *facility.approach[1:], berth])


def berth_to_berth(
    from_facility: Facility, from_berth: LonLat, to_facility: Facility, to_berth_: LonLat
) -> np.ndarray:
    """Route between two facilities of one port, through the offing."""
    return as_array(
        [from_berth, *from_facility.approach[::-1], *to_facility.approach[1:], to_berth_]
    )


def scenario_routes(scenario: Scenario) -> dict[str, np.ndarray]:
    """Every polyline the scenario sails, by a readable name (for checks against land).

    The last leg of a route that ends at a berth is the leg into that berth.
    """
    out: dict[str, np.ndarray] = {}
    for fac in scenario.facilities:
        for i, berth in enumerate(fac.berths):
            out[f"approach {fac.key} berth {i}"] = as_array([*fac.approach, berth])
    out["offing route"] = as_array(scenario.offing_route)
    for home in scenario.home_ports:
        out[f"home route {home.name}"] = as_array(home.route)
    for i, entry in enumerate(scenario.entries):
        out[f"entry {i}"] = as_array(entry)
    for i, passage in enumerate(scenario.passages):
        out[f"passage {i}"] = as_array(passage)
    for decoy in scenario.decoys:
        out[f"decoy {decoy.vessel}"] = as_array(decoy.route)
    base = as_array(scenario.class_b_base)
    (x0, y0), (x1, y1) = scenario.class_b_grounds
    for j, corner in enumerate(((x0, y0), (x1, y0), (x1, y1), (x0, y1))):
        out[f"class B base to grounds corner {j}"] = as_array([*base, corner])
    return out
