"""Land polygons for any sea, distance to shore, and how much of a geofence is water.

``vesseltrack.land`` is this module, and calling it is calling :func:`land_polygons`::

    >>> import vesseltrack as vt
    >>> gdf = vt.land((132.95, 42.62, 133.2, 42.82))        # doctest: +SKIP
    >>> vt.land.distance_to_shore_nm([133.3], [42.5])        # doctest: +SKIP

Sources (see ``docs/land.md`` for the measurements)
---------------------------------------------------
GSHHG 2.3.7 (Wessel & Smith; LGPL-3+), the shoreline GMT draws, read with the ``gmt``
command-line program from Debian's ``gmt`` and ``gmt-gshhg-full`` packages, which
``make test``/``make demo`` install where the machine allows it. Chosen because

- it is global and complete at five nested resolutions, full (f, ~100 m vertex spacing along
  the coast, Vostochny's window holds about 300 vertices), high (h, ~200 m), intermediate (i,
  ~1 km), low (l, ~5 km) and crude (c, ~25 km), so a port gets full detail and a world map
  stays small (crude world: 13,100 vertices);
- it is binned: GMT reads only the bins of the requested box, so any box at any resolution
  takes 0.1-0.4 s (measured; no disk cache is needed, only an in-process one);
- it is hierarchical: land (level 1), lakes (2), islands in lakes (3) and ponds (4), so lakes
  come out as holes in the land, not as sea;
- it is one apt package (40 MB) with a stable licence that permits use from an MIT program
  (LGPL data, read through a separate program, not linked or redistributed).

The alternatives measured: OpenStreetMap-derived ``@geo-maps`` polygons on the npm registry
are single whole-world GeoJSON files per resolution (one must parse the whole world to cut out
a port), are country polygons rather than land, and are ODbL (share-alike); PyGMT needs GMT
6.5 or newer, while Debian 12 ships 6.4, and would add nothing the command line does not give.

GMT's ``coast -M -W`` dumps the shorelines of a box, clipped to it and cut at GSHHG's bin
edges; the pieces run with the dry side on their left. The pieces and the box's edge are noded
and polygonized into faces; every segment votes its left face land and its right face water,
and a face is land when its vote is positive. Checked against ``gmt select`` (GMT's own
point-in-land test) on regional boxes: no disagreement in 40,000 random points over the world
at crude and low resolution, nor in 22 regional and random boxes. (``gmt select`` itself is not
used: with a whole-world region it calls the Ross Ice Shelf sea.)

Where ``gmt`` is missing (a machine where nothing could be installed) the land falls back,
with one warning, to Natural Earth land shipped in the package (public domain): 1:10m for
boxes inside 124-136 E, 32-44 N, else 1:50m, or 1:110m for areas larger than
:attr:`LandParams.low_max_km`. Natural Earth is generalised to about 1 km at 1:10m and
several km at 1:50m: good enough for a map of a sea, not for a berth.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import shutil
import subprocess
import sys
import tempfile
import types
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from vesseltrack._units import METERS_PER_NM

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "GSHHG_RESOLUTIONS",
    "NATURAL_EARTH_RESOLUTIONS",
    "LandDataError",
    "LandFallbackWarning",
    "LandParams",
    "check_bbox",
    "distance_to_shore_nm",
    "land_polygons",
    "resolution_for",
    "water_fraction",
]

Bbox = tuple[float, float, float, float]
"""``(min_lon, min_lat, max_lon, max_lat)`` in EPSG:4326 degrees."""

GSHHG_RESOLUTIONS: dict[str, str] = {
    "f": "full",
    "h": "high",
    "i": "intermediate",
    "l": "low",
    "c": "crude",
}
"""GSHHG resolution codes (GMT's ``-D``), finest first, and their names."""

NATURAL_EARTH_RESOLUTIONS: dict[str, str] = {
    "10m": "land_east_asia_10m.geojson",
    "50m": "land_world_50m.geojson.gz",
    "110m": "land_world_110m.geojson.gz",
}
"""Shipped Natural Earth land files (package data) by scale (1:10m, 1:50m, 1:110m)."""

_EAST_ASIA_10M_BOX_DEG: Bbox = (124.0, 32.0, 136.0, 44.0)
"""The area the shipped 1:10m file covers (the rest of the world is not in it)."""

_KM_PER_DEG: float = 111.195
"""Kilometres per degree of latitude (mean Earth radius 6,371.0 km)."""

_GMT_TIMEOUT_S: float = 120.0


class LandDataError(RuntimeError):
    """GSHHG was asked for explicitly (``source="gshhg"``) but GMT or its data is missing."""


class LandFallbackWarning(UserWarning):
    """GSHHG is not installed: the land comes from the coarser Natural Earth files."""


@dataclass(frozen=True)
class LandParams:
    """How the coastline resolution follows the size of the area.

    The size of a box is its larger side, in km: ``max(lat span, lon span * cos(mid
    latitude)) * 111.2``. Each threshold is the largest size drawn at that resolution; the
    defaults keep the densest coasts measured (Norway, the Aegean, the Canadian Arctic) to
    about 40,000 vertices or fewer at every size (``docs/land.md``).

    Attributes
    ----------
    full_max_km : float
        Largest box drawn at full resolution (GSHHG f), km: a port and its approaches.
    high_max_km : float
        Largest box at high resolution (GSHHG h), km.
    intermediate_max_km : float
        Largest box at intermediate resolution (GSHHG i), km: a sea.
    low_max_km : float
        Largest box at low resolution (GSHHG l; Natural Earth 1:50m in the fallback), km.
        Anything larger is crude (GSHHG c; Natural Earth 1:110m).
    """

    full_max_km: float = 300.0
    high_max_km: float = 800.0
    intermediate_max_km: float = 2500.0
    low_max_km: float = 6000.0


# ---------------------------------------------------------------------------------------------
# The box


def check_bbox(bbox: Sequence[float]) -> Bbox:
    """Validate a box and return it as four floats.

    Parameters
    ----------
    bbox : sequence of 4 float
        ``(min_lon, min_lat, max_lon, max_lat)``, degrees; longitudes in -180..180, latitudes
        in -90..90, min < max (a box across the antimeridian is not supported: split it).

    Returns
    -------
    tuple of 4 float

    Raises
    ------
    ValueError
        With a one-line message saying what is wrong.
    """
    try:
        values = [float(v) for v in bbox]
    except (TypeError, ValueError):
        raise ValueError(
            f"bbox must be 4 numbers (min_lon, min_lat, max_lon, max_lat), got {bbox!r}"
        ) from None
    if len(values) != 4:
        raise ValueError(
            f"bbox must be 4 numbers (min_lon, min_lat, max_lon, max_lat), got {len(values)}"
        )
    min_lon, min_lat, max_lon, max_lat = values
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"bbox has a non-finite value: {tuple(values)}")
    for name, lat in (("min_lat", min_lat), ("max_lat", max_lat)):
        if not -90.0 <= lat <= 90.0:
            raise ValueError(f"bbox {name} {lat} is outside -90..90")
    for name, lon in (("min_lon", min_lon), ("max_lon", max_lon)):
        if not -180.0 <= lon <= 180.0:
            raise ValueError(f"bbox {name} {lon} is outside -180..180")
    if min_lon >= max_lon:
        raise ValueError(f"bbox min_lon {min_lon} is not less than max_lon {max_lon}")
    if min_lat >= max_lat:
        raise ValueError(f"bbox min_lat {min_lat} is not less than max_lat {max_lat}")
    return (min_lon, min_lat, max_lon, max_lat)


def _size_km(bbox: Bbox) -> float:
    min_lon, min_lat, max_lon, max_lat = bbox
    mid_lat = math.radians((min_lat + max_lat) / 2.0)
    return max(max_lat - min_lat, (max_lon - min_lon) * math.cos(mid_lat)) * _KM_PER_DEG


def resolution_for(bbox: Sequence[float], params: LandParams | None = None) -> str:
    """The GSHHG resolution code :func:`land_polygons` uses for a box by default.

    Parameters
    ----------
    bbox : sequence of 4 float
        ``(min_lon, min_lat, max_lon, max_lat)``, degrees.
    params : LandParams, optional
        Size thresholds.

    Returns
    -------
    str
        One of ``"f"``, ``"h"``, ``"i"``, ``"l"``, ``"c"`` (:data:`GSHHG_RESOLUTIONS`).
    """
    params = params or LandParams()
    size_km = _size_km(check_bbox(bbox))
    for code, limit_km in (
        ("f", params.full_max_km),
        ("h", params.high_max_km),
        ("i", params.intermediate_max_km),
        ("l", params.low_max_km),
    ):
        if size_km <= limit_km:
            return code
    return "c"


# ---------------------------------------------------------------------------------------------
# GSHHG through GMT


def _gmt() -> str | None:
    return shutil.which("gmt")


def _run_gmt(args: list[str], gmt: str) -> bytes:
    # GMT 6.4 writes a gmt.history file into the working directory whatever GMT_HISTORY says:
    # run it in a throw-away one.
    with tempfile.TemporaryDirectory(prefix="vesseltrack-gmt-") as tmp:
        proc = subprocess.run(
            [gmt, *args], capture_output=True, cwd=tmp, timeout=_GMT_TIMEOUT_S, check=False
        )
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise LandDataError(
            f"gmt {args[0]} failed: {message[-1] if message else f'exit {proc.returncode}'}"
        )
    return proc.stdout


def _region(bbox: Bbox) -> str:
    return f"-R{bbox[0]!r}/{bbox[2]!r}/{bbox[1]!r}/{bbox[3]!r}"


def _shore_lines(bbox: Bbox, res: str, gmt: str) -> np.ndarray:
    """The shoreline pieces of a box (all four GSHHG levels), as LineStrings."""
    # -A0+ai: keep every feature, Antarctica's ice front (shelves are not navigable);
    # -bo2d: binary doubles, a NaN row before each piece.
    raw = _run_gmt(["coast", _region(bbox), f"-D{res}", "-A0+ai", "-M", "-W", "-bo2d"], gmt)
    # Pieces of one shore meet at bin edges, where the two bins compute the edge coordinate
    # from different origins (they differ in the last bits); the edges are round numbers, so
    # rounding to 1e-9 degrees (0.1 mm) makes the ends meet exactly.
    xy = np.round(np.frombuffer(raw, dtype="<f8").reshape(-1, 2), 9)
    # ... and the ends GMT clipped at the box must lie on the box's edges exactly
    for axis, edge in ((0, bbox[0]), (0, bbox[2]), (1, bbox[1]), (1, bbox[3])):
        xy[np.abs(xy[:, axis] - edge) < 1e-8, axis] = edge
    header = np.isnan(xy[:, 0])
    piece = np.cumsum(header)[~header]
    xy = xy[~header]
    if len(xy) == 0:
        return np.empty(0, dtype=object)
    # pieces of fewer than two distinct points cannot bound anything
    starts = np.flatnonzero(np.r_[True, piece[1:] != piece[:-1]])
    counts = np.diff(np.r_[starts, len(piece)])
    keep = np.repeat(counts >= 2, counts)
    _, piece = np.unique(piece[keep], return_inverse=True)
    return shapely.linestrings(xy[keep], indices=piece)


def _gmt_is_land(lon: float, lat: float, bbox: Bbox, res: str, gmt: str) -> bool:
    """Whether one point is dry (levels 1 and 3), asked of ``gmt select``."""
    out = _run_gmt_stdin(
        ["select", _region(bbox), f"-D{res}", "-A0+ai", "-Ns/k/s/k/s"],
        f"{lon!r} {lat!r}\n".encode(),
        gmt,
    )
    return bool(out.strip())


def _run_gmt_stdin(args: list[str], data: bytes, gmt: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="vesseltrack-gmt-") as tmp:
        proc = subprocess.run(
            [gmt, *args], input=data, capture_output=True, cwd=tmp,
            timeout=_GMT_TIMEOUT_S, check=False,
        )  # fmt: skip
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise LandDataError(
            f"gmt {args[0]} failed: {message[-1] if message else f'exit {proc.returncode}'}"
        )
    return proc.stdout


def _side_probes(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two points per segment of every line, a hair to its left and to its right."""
    coords, idx = shapely.get_coordinates(lines, return_index=True)
    same = idx[1:] == idx[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    length = np.hypot(*(b - a).T)
    a, b, length = a[length > 0], b[length > 0], length[length > 0]
    mid = (a + b) / 2.0
    unit = (b - a) / length[:, None]
    offset = np.column_stack([-unit[:, 1], unit[:, 0]]) * (length * 1e-3)[:, None]
    return mid + offset, mid - offset


def _faces_from_lines(lines: np.ndarray, bbox: Bbox) -> tuple[np.ndarray, np.ndarray]:
    """Faces of the box cut by the shore lines, and their votes: > 0 land, < 0 water.

    A face's vote is the number of shore segments with the face on their left (dry) side minus
    those with it on their right. Every segment votes, so that a piece cut in several edges by
    the noding still reaches each of its faces, and the odd piece GSHHG runs the other way (a
    lake spike, a sliver at a bin edge) is outvoted.
    """
    frame = shapely.box(*bbox)
    network = shapely.union_all(np.r_[lines, [frame.boundary]])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(network)))
    left, right = _side_probes(lines)
    votes = np.zeros(len(faces), dtype=np.int64)
    for probes, sign in ((left, 1), (right, -1)):
        # faces as the query side: they are prepared once, the probes are points in a tree
        hit = shapely.STRtree(shapely.points(probes)).query(faces, predicate="contains")
        np.add.at(votes, hit[0], sign)
    return faces, votes


@functools.lru_cache(maxsize=64)
def _gshhg_land(bbox: Bbox, res: str, gmt: str) -> tuple[Any, ...]:
    lines = _shore_lines(bbox, res, gmt)
    if len(lines) == 0:  # no shore in the box: it is all land or all water
        lon, lat = (bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0
        return (shapely.box(*bbox),) if _gmt_is_land(lon, lat, bbox, res, gmt) else ()
    faces, votes = _faces_from_lines(lines, bbox)
    return tuple(faces[votes > 0])


# ---------------------------------------------------------------------------------------------
# Natural Earth (shipped)


@functools.lru_cache(maxsize=3)
def _natural_earth(scale: str) -> np.ndarray:
    blob = resources.files("vesseltrack").joinpath("data", NATURAL_EARTH_RESOLUTIONS[scale])
    raw = blob.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    collection = json.loads(raw)
    geoms = [shapely.from_geojson(json.dumps(f["geometry"])) for f in collection["features"]]
    return shapely.get_parts(np.asarray(geoms, dtype=object))


def _natural_earth_scale(bbox: Bbox, params: LandParams) -> str:
    ea = _EAST_ASIA_10M_BOX_DEG
    if ea[0] <= bbox[0] and ea[1] <= bbox[1] and bbox[2] <= ea[2] and bbox[3] <= ea[3]:
        return "10m"
    return "50m" if _size_km(bbox) <= params.low_max_km else "110m"


def _natural_earth_land(bbox: Bbox, scale: str) -> tuple[Any, ...]:
    parts = _natural_earth(scale)
    parts = parts[shapely.intersects(parts, shapely.box(*bbox))]
    clipped = shapely.get_parts(shapely.clip_by_rect(parts, *bbox))
    polys = clipped[shapely.get_type_id(clipped) == 3]  # Polygon
    return tuple(polys[~shapely.is_empty(polys)])


# ---------------------------------------------------------------------------------------------
# Public API


def _normalise_resolution(resolution: str) -> str:
    names = {v: k for k, v in GSHHG_RESOLUTIONS.items()}
    return names.get(resolution, resolution)


def land_polygons(
    bbox: Sequence[float],
    *,
    resolution: str = "auto",
    source: str = "auto",
    params: LandParams | None = None,
) -> gpd.GeoDataFrame:
    """Land polygons (EPSG:4326) of a box, anywhere on Earth, offline.

    Also callable as ``vesseltrack.land(bbox)``.

    Parameters
    ----------
    bbox : sequence of 4 float
        ``(min_lon, min_lat, max_lon, max_lat)``, degrees (see :func:`check_bbox`).
    resolution : str, default "auto"
        ``"auto"`` follows the size of the box (:class:`LandParams`); otherwise a GSHHG code or
        name (``"f"``/``"full"``, ``"h"``/``"high"``, ``"i"``/``"intermediate"``,
        ``"l"``/``"low"``, ``"c"``/``"crude"``), or, with ``source="natural-earth"``, one of
        ``"10m"``, ``"50m"``, ``"110m"``.
    source : {"auto", "gshhg", "natural-earth"}
        ``"auto"``: GSHHG through GMT when ``gmt`` is installed, else the shipped Natural
        Earth land with a :class:`LandFallbackWarning`. ``"gshhg"``: GSHHG or
        :class:`LandDataError`. ``"natural-earth"``: the shipped files only.
    params : LandParams, optional
        Size thresholds of ``resolution="auto"``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per land polygon clipped to the box, lakes as holes; column ``geometry``
        only. ``attrs``: ``source`` (e.g. ``"GSHHG 2.3.7"``), ``resolution`` (e.g.
        ``"full"``, ``"1:50m"``), ``bbox``.

    Raises
    ------
    ValueError
        A bad box, source or resolution (one-line message).
    LandDataError
        ``source="gshhg"`` on a machine without GMT, or GMT failing.
    """
    import geopandas as gpd

    box = check_bbox(bbox)
    params = params or LandParams()
    if source not in ("auto", "gshhg", "natural-earth"):
        raise ValueError(f"unknown land source {source!r} (auto, gshhg, natural-earth)")
    res = _normalise_resolution(resolution)
    if source != "natural-earth" and res not in ("auto", *GSHHG_RESOLUTIONS):
        if source == "gshhg" or res not in NATURAL_EARTH_RESOLUTIONS:
            raise ValueError(f"unknown GSHHG resolution {resolution!r} (f, h, i, l, c or auto)")
        source = "natural-earth"  # a Natural Earth scale asked for by name
    geoms: tuple[Any, ...] | None = None
    if source != "natural-earth":
        code = resolution_for(box, params) if res == "auto" else res
        gmt = _gmt()
        try:
            if gmt is None:
                raise LandDataError("GSHHG needs the gmt program (apt-get install gmt gmt-gshhg-full)")
            geoms = _gshhg_land(box, code, gmt)
        except LandDataError as exc:
            if source == "gshhg":
                raise
            warnings.warn(f"{exc}: using the coarser Natural Earth land", LandFallbackWarning, stacklevel=2)
        attrs = {"source": "GSHHG 2.3.7", "resolution": GSHHG_RESOLUTIONS[code]}
    if geoms is None:
        if res == "auto" or res in GSHHG_RESOLUTIONS:
            scale = _natural_earth_scale(box, params)
        elif res in NATURAL_EARTH_RESOLUTIONS:
            scale = res
        else:
            raise ValueError(f"unknown Natural Earth resolution {resolution!r} (10m, 50m, 110m)")
        if scale == "10m" and _natural_earth_scale(box, params) != "10m":
            raise ValueError("the shipped 1:10m land covers 124-136 E, 32-44 N only")
        geoms = _natural_earth_land(box, scale)
        attrs = {"source": "Natural Earth v4.1.0", "resolution": f"1:{scale}"}
    out = gpd.GeoDataFrame(geometry=list(geoms), crs="EPSG:4326")
    out.attrs.update(attrs, bbox=box)
    return out


def _as_geometries(land: Any) -> np.ndarray:
    geoms = getattr(land, "geometry", land)
    if isinstance(geoms, shapely.Geometry):
        geoms = [geoms]
    return shapely.get_parts(np.asarray(list(geoms), dtype=object))


def _aeqd(lon0: float, lat0: float) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={lat0!r} +lon_0={lon0!r} +datum=WGS84 +units=m",
        always_xy=True,
    )


def _project(geoms: np.ndarray, transformer: Any) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _shore_segments(polys: np.ndarray) -> np.ndarray:
    """Every edge of every ring of the polygons, as two-point LineStrings."""
    rings = shapely.get_rings(polys)
    coords, idx = shapely.get_coordinates(rings, return_index=True)
    same = idx[1:] == idx[:-1]
    return shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1))


_CELL_DEG: float = 1.0
"""Points are grouped in cells of this size; each cell has its own projection and land."""

_DENSIFY_DEG: float = 0.05
"""Land edges are cut to this length (about 5 km) before projecting, so that a long straight
edge in degrees (a crude coast, a box) follows its true curve in the projection."""

_NEAR_SHORE_NM: float = 25.0
"""Points nearer the shore than this (on the first, coarser land) are measured again on the
land of their cell widened by this much only, which is drawn at full resolution."""


def _margin_lat_deg(distance_nm: float) -> float:
    return distance_nm * METERS_PER_NM / (_KM_PER_DEG * 1000.0) * 1.05


def _cell_box(cx: float, cy: float, margin_lat_deg: float) -> Bbox:
    """The cell ``(cx, cy)`` (indices of :data:`_CELL_DEG` cells) widened by a margin."""
    lat_lo, lat_hi = cy * _CELL_DEG, (cy + 1) * _CELL_DEG
    top = min(89.9, max(abs(lat_lo), abs(lat_hi)) + margin_lat_deg)
    margin_lon_deg = min(360.0, margin_lat_deg / math.cos(math.radians(top)))
    return (
        max(-180.0, cx * _CELL_DEG - margin_lon_deg),
        max(-90.0, lat_lo - margin_lat_deg),
        min(180.0, (cx + 1) * _CELL_DEG + margin_lon_deg),
        min(90.0, lat_hi + margin_lat_deg),
    )


def _distance_in_cell_m(
    x: np.ndarray, y: np.ndarray, cx: float, cy: float, polys: np.ndarray, reach_lat_deg: float
) -> np.ndarray:
    """Distance, metres, from points of one cell to the land ``polys`` (inf when none near)."""
    out = np.full(len(x), np.inf)
    if len(polys) == 0:
        return out
    lon0, lat0 = float(cx + 0.5) * _CELL_DEG, float(cy + 0.5) * _CELL_DEG
    reach_lat = reach_lat_deg + _CELL_DEG
    top = min(89.9, abs(lat0) + reach_lat)
    reach_lon = min(360.0, reach_lat / math.cos(math.radians(top)))
    near = shapely.box(lon0 - reach_lon, lat0 - reach_lat, lon0 + reach_lon, lat0 + reach_lat)
    local = polys[shapely.STRtree(polys).query(near, predicate="intersects")]
    if len(local) == 0:
        return out
    local = shapely.clip_by_rect(local, *near.bounds)
    local = local[~shapely.is_empty(local)]
    if len(local) == 0:
        return out
    inside = np.zeros(len(x), dtype=bool)
    hit = shapely.STRtree(local).query(shapely.points(x, y), predicate="within")
    inside[hit[0]] = True
    transformer = _aeqd(lon0, lat0)
    shore = _project(shapely.segmentize(_shore_segments(local), _DENSIFY_DEG), transformer)
    px, py = transformer.transform(x, y)
    _, d = shapely.STRtree(shore).query_nearest(
        shapely.points(px, py), return_distance=True, all_matches=False
    )
    return np.where(inside, 0.0, d)


def _land_parts(land: Any) -> np.ndarray:
    polys = _as_geometries(land)
    return polys[~shapely.is_empty(polys)]


def distance_to_shore_nm(
    lon: Any,
    lat: Any,
    *,
    land: Any = None,
    max_distance_nm: float = 200.0,
    resolution: str = "auto",
) -> np.ndarray:
    """Distance from each point to the nearest land, nautical miles (0 on land).

    Points are grouped in 1° cells; each cell is projected to an azimuthal equidistant
    projection (WGS84) centred on it, where the distance from the cell's points to the land
    (edges densified to 0.05°) is a planar distance. The projection's distortion is at most
    ``c²/6`` of the distance (``c`` the angle from the cell's centre to the shore, radians):
    0.1% at 200 nm, against the coastline's own error (GSHHG full ~0.1 km, intermediate
    ~1 km, Natural Earth 1:50m several km). A loop runs per cell, never per point.

    Without ``land``, each cell gets its own land: that of the cell widened by
    ``max_distance_nm``, then, for the points found within 25 nm of it, that of the cell
    widened by 25 nm (drawn at full resolution). A point's distance therefore depends on its
    cell only, never on the other points asked about with it (one land for the box of all
    the points would be drawn coarser the wider they spread, and lose islands).

    Parameters
    ----------
    lon, lat : array_like of float
        Degrees, EPSG:4326; same shape. NaN gives NaN.
    land : GeoDataFrame, GeoSeries, shapely geometry or sequence of them, optional
        Land polygons (EPSG:4326) to measure to. Default: :func:`land_polygons` per cell, as
        above (its resolution follows the widened cell's size unless ``resolution`` is given).
    max_distance_nm : float, default 200
        Search radius, nautical miles: a point with no land within it gets ``inf``.
    resolution : str, default "auto"
        Passed to :func:`land_polygons` when ``land`` is None.

    Returns
    -------
    numpy.ndarray of float
        Distance in nautical miles, shape of ``lon``; 0 on (or in) land, ``inf`` beyond
        ``max_distance_nm``. Land across the antimeridian or beyond a pole is not seen.
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    if lon_a.shape != lat_a.shape:
        raise ValueError(f"lon and lat have different shapes: {lon_a.shape} and {lat_a.shape}")
    if not max_distance_nm > 0:
        raise ValueError(f"max_distance_nm must be positive, got {max_distance_nm}")
    x, y = lon_a.ravel(), lat_a.ravel()
    out = np.full(x.shape, np.nan)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return out.reshape(lon_a.shape)
    if ((np.abs(y[ok]) > 90) | (np.abs(x[ok]) > 180)).any():
        raise ValueError("lon must be in -180..180 and lat in -90..90")
    margin_lat_deg = _margin_lat_deg(max_distance_nm)
    given = None if land is None else _land_parts(land)
    dist_m = np.full(x.shape, np.inf)
    dist_m[~ok] = np.nan
    cell = np.floor(np.column_stack([x, y]) / _CELL_DEG)
    cell[~ok] = 0
    keys, inverse = np.unique(cell[ok], axis=0, return_inverse=True)
    rows = np.flatnonzero(ok)
    inverse = inverse.ravel()
    for k, (cx, cy) in enumerate(keys):
        sel = rows[inverse == k]
        if given is not None:
            dist_m[sel] = _distance_in_cell_m(x[sel], y[sel], cx, cy, given, margin_lat_deg)
            continue
        polys = _land_parts(land_polygons(_cell_box(cx, cy, margin_lat_deg), resolution=resolution))
        d = _distance_in_cell_m(x[sel], y[sel], cx, cy, polys, margin_lat_deg)
        near = d < _NEAR_SHORE_NM * METERS_PER_NM
        if resolution == "auto" and near.any() and _NEAR_SHORE_NM < max_distance_nm:
            near_margin = _margin_lat_deg(_NEAR_SHORE_NM)
            fine = _land_parts(land_polygons(_cell_box(cx, cy, near_margin)))
            d_fine = _distance_in_cell_m(x[sel][near], y[sel][near], cx, cy, fine, near_margin)
            # within 25 nm the fine land is complete (the widened cell holds all of it)
            d[near] = np.where(d_fine <= _NEAR_SHORE_NM * METERS_PER_NM, d_fine, d[near])
        dist_m[sel] = d
    dist_nm = dist_m / METERS_PER_NM
    dist_nm[dist_nm > max_distance_nm] = np.inf
    return dist_nm.reshape(lon_a.shape)


def water_fraction(polygon: Any, *, land: Any = None) -> float:
    """Share of a polygon's area that is water (not land), 0..1.

    Areas are taken in a Lambert azimuthal equal-area projection (WGS84) centred on the
    polygon, after cutting its edges to 0.001° so that they follow their true curve.

    Parameters
    ----------
    polygon : shapely Polygon or MultiPolygon
        EPSG:4326 degrees, e.g. a geofence.
    land : GeoDataFrame, GeoSeries, shapely geometry or sequence of them, optional
        Land polygons (EPSG:4326). Default: :func:`land_polygons` of the polygon's bounds
        (full GSHHG resolution for a port-sized fence).

    Returns
    -------
    float
        ``(area - area of land inside) / area``.
    """
    if not isinstance(polygon, shapely.Polygon | shapely.MultiPolygon) or polygon.is_empty:
        raise ValueError(f"water_fraction needs a non-empty polygon, got {type(polygon).__name__}")
    if land is None:
        land = land_polygons(polygon.bounds)
    polys = _as_geometries(land)
    on_land = shapely.union_all(shapely.intersection(polys, polygon)) if len(polys) else None
    centre = polygon.centroid
    from pyproj import Transformer

    laea = Transformer.from_crs(
        "EPSG:4326",
        f"+proj=laea +lat_0={float(centre.y)!r} +lon_0={float(centre.x)!r} +datum=WGS84 +units=m",
        always_xy=True,
    )
    area = _project(np.asarray([shapely.segmentize(polygon, 1e-3)]), laea)[0].area
    if on_land is None or on_land.is_empty:
        return 1.0
    land_area = _project(np.asarray([shapely.segmentize(on_land, 1e-3)]), laea)[0].area
    return float((area - land_area) / area)


class _CallableModule(types.ModuleType):
    """``vesseltrack.land(bbox, ...)`` calls :func:`land_polygons`."""

    def __call__(self, bbox: Sequence[float], **kwargs: Any) -> gpd.GeoDataFrame:
        return land_polygons(bbox, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
land = sys.modules[__name__]
"""This module (callable), so that the package's lazy export ``vesseltrack.land`` is the same
object whichever way it is reached first."""
