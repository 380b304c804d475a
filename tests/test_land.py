"""vesseltrack.land: land polygons of any box, distance to shore, water fraction of a fence.

The GSHHG shoreline comes from Debian's gmt/gmt-gshhg-full, which `make test` provisions
(scripts/provision.sh); these tests use it and are not skipped without it.
"""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

import vesseltrack as vt
from vesseltrack.land import (
    LandDataError,
    LandFallbackWarning,
    distance_to_shore_nm,
    land_polygons,
    resolution_for,
    water_fraction,
)

VOSTOCHNY_BOX = (132.95, 42.62, 133.2, 42.82)
WGS84_A_M = 6_378_137.0  # WGS84 semi-major axis: the equator's radius


def _union(gdf):
    return shapely.union_all(gdf.geometry.values)


def test_vostochny_coastline_has_full_detail():
    # the bar set for this layer: >= 150 shoreline vertices here (Natural Earth 1:10m has 20)
    land = land_polygons(VOSTOCHNY_BOX)
    xy = shapely.get_coordinates(land.geometry.values)
    x0, y0, x1, y1 = VOSTOCHNY_BOX
    inside = (xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)
    assert np.unique(xy[inside], axis=0).shape[0] >= 150


def test_port_box_uses_full_resolution():
    assert land_polygons(VOSTOCHNY_BOX).attrs["resolution"] == "full"


@pytest.mark.parametrize(
    ("bbox", "lon", "lat", "on_land"),
    [
        # Sydney CBD (Town Hall about 151.206 E 33.873 S) is land; 30 km off the Heads is sea
        ((151.0, -34.1, 151.6, -33.6), 151.21, -33.87, True),
        ((151.0, -34.1, 151.6, -33.6), 151.5, -33.9, False),
        # Wellington (Lambton Quay about 174.777 E 41.285 S) is land; Cook Strait is sea
        ((174.4, -41.6, 175.0, -41.1), 174.78, -41.29, True),
        ((174.4, -41.6, 175.0, -41.1), 174.6, -41.5, False),
        # Vostochny: Wrangel Bay's shore (Nakhodka district) is land, the bay's mouth is sea
        (VOSTOCHNY_BOX, 133.1, 42.8, True),
        (VOSTOCHNY_BOX, 133.2 - 1e-3, 42.64, False),
    ],
)
def test_known_points_land_or_sea(bbox, lon, lat, on_land):
    assert bool(shapely.contains_xy(_union(land_polygons(bbox)), lon, lat)) is on_land


def test_world_is_coarse_and_small():
    world = land_polygons((-180, -90, 180, 90))
    n_vertices = int(shapely.get_num_coordinates(world.geometry.values).sum())
    # GSHHG crude is ~10k vertices for the whole world; full would be ~10M
    assert (world.attrs["resolution"], n_vertices < 30_000) == ("crude", True)


def test_world_land_share():
    # 29% of the Earth's surface is land (incl. Antarctica); equal-area sample of 20,000 points
    rng = np.random.default_rng(7)
    lon = rng.uniform(-180, 180, 20_000)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 20_000)))
    share = shapely.contains_xy(_union(land_polygons((-180, -90, 180, 90))), lon, lat).mean()
    assert 0.27 < share < 0.31


def test_lakes_are_holes():
    # Lake Baikal (about 108.2 E 53.5 N) lies inside the Eurasian land polygon: a hole, not land
    land = _union(land_polygons((106.0, 51.0, 110.0, 56.0)))
    assert not shapely.contains_xy(land, 108.2, 53.5)


@pytest.mark.parametrize(
    ("bbox", "code"),
    [
        ((133.0, 42.6, 133.2, 42.8), "f"),  # 22 km: a port
        ((128.0, 38.0, 134.0, 44.0), "h"),  # ~670 km
        ((120.0, 30.0, 140.0, 50.0), "i"),  # ~2,200 km
        ((100.0, 10.0, 160.0, 60.0), "l"),  # ~5,600 km
        ((-180.0, -90.0, 180.0, 90.0), "c"),
    ],
)
def test_resolution_follows_size(bbox, code):
    assert resolution_for(bbox) == code


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ((134.0, 42.0, 133.0, 43.0), "min_lon 134.0 is not less than max_lon"),
        ((133.0, 43.0, 134.0, 42.0), "min_lat 43.0 is not less than max_lat"),
        ((133.0, 42.0, 134.0, 95.0), "max_lat 95.0 is outside -90..90"),
        ((133.0, -91.0, 134.0, 42.0), "min_lat -91.0 is outside -90..90"),
        ((133.0, 42.0, 181.0, 43.0), "max_lon 181.0 is outside -180..180"),
        ((133.0, 42.0, 134.0), "bbox must be 4 numbers"),
        ((133.0, 42.0, "x", 43.0), "bbox must be 4 numbers"),
        ((133.0, float("nan"), 134.0, 43.0), "non-finite"),
    ],
)
def test_bad_bbox_is_a_clear_error(bbox, message):
    with pytest.raises(ValueError, match=message):
        land_polygons(bbox)


def test_module_is_callable_as_vt_land():
    gdf = vt.land(VOSTOCHNY_BOX)
    assert (vt.land is sys.modules["vesseltrack.land"], len(gdf) > 0) == (True, True)


def test_fallback_without_gmt_warns_and_uses_natural_earth(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.warns(LandFallbackWarning, match="Natural Earth"):
        gdf = land_polygons((150.5, -34.2, 151.6, -33.4))
    # Parramatta (151.0 E 33.8 S) is 20 km inland: land even at 1:50m
    assert (gdf.attrs["resolution"], bool(shapely.contains_xy(_union(gdf), 151.0, -33.8))) == (
        "1:50m",
        True,
    )


def test_gshhg_asked_without_gmt_is_an_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(LandDataError, match="gmt"):
        land_polygons(VOSTOCHNY_BOX, source="gshhg")


@pytest.mark.parametrize(
    ("bbox", "scale"),
    [
        ((130.0, 40.0, 135.0, 44.0), "1:10m"),
        ((0.0, 40.0, 10.0, 50.0), "1:50m"),
        ((-180, -90, 180, 90), "1:110m"),
    ],
)
def test_natural_earth_scale(bbox, scale):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # asked for explicitly: no warning
        gdf = land_polygons(bbox, source="natural-earth")
    assert gdf.attrs["resolution"] == scale


# --- distance to shore -------------------------------------------------------------------------

# A straight coast along the meridian 10 E (land to the west). The equator is a geodesic
# perpendicular to every meridian, so a point at (10 + d) E on the equator lies
# a * d * pi / 180 metres from that coast (a = WGS84 equatorial radius).
STRAIGHT_COAST = box(0.0, -20.0, 10.0, 20.0)


@pytest.mark.parametrize("d_deg", [0.1, 0.5, 1.0, 2.0])
def test_distance_to_straight_coast(d_deg):
    expected_nm = WGS84_A_M * math.radians(d_deg) / 1852.0  # 0.5 deg: 30.05 nm
    got = distance_to_shore_nm([10.0 + d_deg], [0.0], land=STRAIGHT_COAST)[0]
    assert got == pytest.approx(expected_nm, rel=1e-3)


def test_distance_along_a_parallel_coast():
    # land south of 40 N; a point at 40.5 N on the same meridian: a meridian arc of 0.5 deg.
    # Meridian arc length per degree at 40.25 N on WGS84: 111,034 m (111132.954 - 559.822
    # cos(2 phi) + 1.175 cos(4 phi)), so 0.5 deg = 55,517 m = 29.977 nm.
    phi = math.radians(40.25)
    per_deg_m = 111132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    got = distance_to_shore_nm([0.0], [40.5], land=box(-5.0, 30.0, 5.0, 40.0))[0]
    assert got == pytest.approx(0.5 * per_deg_m / 1852.0, rel=1e-3)


def test_distance_is_zero_on_land_and_inf_beyond_reach():
    got = distance_to_shore_nm([5.0, 14.0], [0.0, 0.0], land=STRAIGHT_COAST, max_distance_nm=100)
    # 4 deg east of the coast is ~240 nm, beyond the 100 nm reach
    assert (got[0], got[1]) == (0.0, np.inf)


def test_distance_keeps_shape_and_nan():
    got = distance_to_shore_nm(
        np.array([[10.5, np.nan]]), np.array([[0.0, 0.0]]), land=STRAIGHT_COAST
    )
    assert (got.shape, bool(np.isnan(got[0, 1]))) == ((1, 2), True)


def test_distance_to_real_shore_near_vostochny():
    # inside the oil-terminal fence (~89% water, at the shore of a bay): water, < 1 nm off
    got = distance_to_shore_nm([133.069], [42.752], max_distance_nm=20)[0]
    assert 0.0 < got < 1.0


def test_box_with_unround_edges_keeps_the_mainland():
    # edges that are not round numbers (here: a point's box widened by 20 nm) must still close
    # every shore piece against the frame; the Nakhodka shore (133.1 E 42.8 N) stays land
    bbox = (132.60121418871492, 42.37023607176582, 133.5587858112851, 43.06976392823418)
    assert shapely.contains_xy(_union(land_polygons(bbox)), 133.1, 42.8)


# --- water fraction ---------------------------------------------------------------------------


def test_water_fraction_half_on_synthetic_land():
    # a 1x1 deg square half over land west of 10 E, symmetric about 10 E: half water
    assert water_fraction(box(9.5, -0.5, 10.5, 0.5), land=STRAIGHT_COAST) == pytest.approx(
        0.5, abs=1e-6
    )


@pytest.mark.parametrize(
    ("ring", "low", "high"),
    [
        # fences as first drawn (approximate, published-map estimates) and their water shares
        # checked independently against the full GSHHG shoreline: terminal ~89%,
        # anchorage ~18%, Kozmino ~34%
        ([(133.062, 42.748), (133.076, 42.748), (133.076, 42.756), (133.062, 42.756)], 0.85, 0.93),
        ([(133.040, 42.680), (133.110, 42.680), (133.110, 42.715), (133.040, 42.715)], 0.14, 0.22),
        ([(133.000, 42.705), (133.035, 42.705), (133.035, 42.727), (133.000, 42.727)], 0.30, 0.38),
    ],
)
def test_water_fraction_of_vostochny_fences(ring, low, high):
    assert low < water_fraction(Polygon(ring)) < high


def test_water_fraction_rejects_a_point():
    with pytest.raises(ValueError, match="non-empty polygon"):
        water_fraction(shapely.Point(133.0, 42.7))


def test_distance_of_a_point_does_not_depend_on_the_others_asked_with_it():
    # 34.62 N 125.43 E is under a nautical mile off a Korean island (0.90 nm on GSHHG full).
    # Asked with 30 points spread over 118-140 E, 25-45 N, one land for the box of them all
    # was drawn crude (~25 km), lost the island and gave 12.2 nm.
    lon = np.r_[125.43, np.linspace(118.0, 140.0, 30)]
    lat = np.r_[34.62, np.linspace(25.0, 45.0, 30)]
    alone = distance_to_shore_nm(lon[:1], lat[:1])[0]
    together = distance_to_shore_nm(lon, lat)[0]
    assert together == alone
