"""Rebuild the shipped Natural Earth land files from the npm package ``world-atlas`` 2.0.2.

Usage (needs npm once, no other network)::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    # the maps' East Asia base layer (1:10m, clipped, 1e-4 degrees)
    python data/land/make_land.py /tmp/package/land-10m.json vesseltrack/data/land_east_asia_10m.geojson
    # the world fallback layers of vesseltrack.land (whole globe, 1e-3 degrees, gzip)
    python data/land/make_land.py /tmp/package/land-50m.json vesseltrack/data/land_world_50m.geojson.gz --world
    python data/land/make_land.py /tmp/package/land-110m.json vesseltrack/data/land_world_110m.geojson.gz --world

The TopoJSON arcs are decoded here (delta-encoded, quantized), the ``land`` polygons are
clipped to the box (``--world``: not clipped) and written as one GeoJSON MultiPolygon,
coordinates rounded to 1e-4 degrees (about 10 m, finer than the 1:10m source) or, for the
world files, 1e-3 degrees (about 100 m, far finer than the 1:50m and 1:110m generalisation of
several kilometres). A destination ending in ``.gz`` is written gzip-compressed
(deterministically: no file name or time stamp in the gzip header).
"""

from __future__ import annotations

import argparse
import gzip
import json

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping

BOX_DEG = (124.0, 32.0, 136.0, 44.0)
"""Clip box of the East Asia file: lon min, lat min, lon max, lat max (degrees)."""

WORLD_DEG = (-180.0, -90.0, 180.0, 90.0)


def _decode_arcs(topo: dict) -> list[np.ndarray]:
    scale = np.asarray(topo["transform"]["scale"], dtype=float)
    translate = np.asarray(topo["transform"]["translate"], dtype=float)
    return [np.cumsum(np.asarray(a, dtype=float), axis=0) * scale + translate for a in topo["arcs"]]


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    parts = []
    for k, i in enumerate(indices):
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(pts if k == 0 else pts[1:])
    return np.concatenate(parts)


def main(src: str, dst: str, world: bool = False) -> None:
    topo = json.load(open(src))
    arcs = _decode_arcs(topo)
    clip_deg = WORLD_DEG if world else BOX_DEG
    precision_deg = 1e-3 if world else 1e-4
    clip = box(*clip_deg)
    polys = []
    for geom in topo["objects"]["land"]["geometries"]:
        groups = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        for rings in groups:
            shell, *holes = (_ring(arcs, r) for r in rings)
            poly = Polygon(shell, holes)
            if not poly.intersects(clip):
                continue
            part = shapely.make_valid(poly).intersection(clip)
            polys.extend(getattr(part, "geoms", [part]))
    polys = [p for p in polys if isinstance(p, Polygon) and not p.is_empty]
    # the world's polygons touch at the antimeridian and at the clip-free edges: merge them first
    merged = shapely.union_all(polys) if world else MultiPolygon(polys)
    land = shapely.set_precision(merged, precision_deg)
    scale = src.rsplit("land-", 1)[-1].removesuffix(".json")
    feature = {
        "type": "Feature",
        "properties": {
            "name": "land",
            "source": f"Natural Earth 1:{scale} land v4.1.0 via npm world-atlas 2.0.2 (public domain)",
            "clip_box_deg": list(clip_deg),
        },
        "geometry": mapping(land),
    }
    text = json.dumps({"type": "FeatureCollection", "features": [feature]}, separators=(",", ":"))
    if dst.endswith(".gz"):
        with open(dst, "wb") as f:
            f.write(gzip.compress(text.encode(), compresslevel=9, mtime=0))
    else:
        with open(dst, "w") as f:
            f.write(text)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src", help="world-atlas land-*.json (TopoJSON)")
    parser.add_argument("dst", help="GeoJSON to write (.gz: gzip-compressed)")
    parser.add_argument("--world", action="store_true", help="whole globe, 1e-3 degrees")
    args = parser.parse_args()
    main(args.src, args.dst, world=args.world)
