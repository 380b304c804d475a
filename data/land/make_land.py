"""Rebuild ``vesseltrack/data/land_east_asia_10m.geojson`` from the npm package ``world-atlas`` 2.0.2.

Usage (needs npm once, no other network)::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python data/land/make_land.py /tmp/package/land-10m.json vesseltrack/data/land_east_asia_10m.geojson

The TopoJSON arcs are decoded here (delta-encoded, quantized), the ``land`` polygons are
clipped to the box below and written as one GeoJSON MultiPolygon, coordinates rounded to
1e-4 degrees (about 10 m, finer than the 1:10m source).
"""

from __future__ import annotations

import json
import sys

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping

BOX_DEG = (124.0, 32.0, 136.0, 44.0)
"""Clip box: lon min, lat min, lon max, lat max (degrees)."""


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


def main(src: str, dst: str) -> None:
    topo = json.load(open(src))
    arcs = _decode_arcs(topo)
    clip = box(*BOX_DEG)
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
    land = shapely.set_precision(MultiPolygon(polys), 1e-4)
    feature = {
        "type": "Feature",
        "properties": {
            "name": "land",
            "source": "Natural Earth 1:10m land v4.1.0 via npm world-atlas 2.0.2 (public domain)",
            "clip_box_deg": list(BOX_DEG),
        },
        "geometry": mapping(land),
    }
    with open(dst, "w") as f:
        json.dump({"type": "FeatureCollection", "features": [feature]}, f, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
