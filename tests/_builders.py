"""Tiny builders of positions, statics, fences, registries and sightings for unit tests.

A track is described as a list of legs, each producing reports every ``step_minutes``:

* ``sail(to_lon, to_lat, knots)`` — sail in a straight line (lon/lat interpolation);
* ``stay(hours, knots=0.0)`` — stay put, reporting speed ``knots``;
* ``dark(hours)`` — no reports (AIS off) and no movement;
* ``dark_to(to_lon, to_lat, hours)`` — no reports while moving to a point.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry import Polygon

from vesseltrack._schema import positions_frame, statics_frame
from vesseltrack._units import METERS_PER_NM
from vesseltrack.tracks import haversine_m

T0 = pd.Timestamp("2024-03-01T00:00:00Z")

# docs/method.md fences [est]
TERMINAL = [(133.062, 42.748), (133.076, 42.748), (133.076, 42.756), (133.062, 42.756)]
WIDER_PORT = [(133.030, 42.700), (133.120, 42.700), (133.120, 42.775), (133.060, 42.780),
              (133.030, 42.745)]
ANCHORAGE = [(133.045, 42.655), (133.115, 42.655), (133.115, 42.690), (133.045, 42.690)]
KOZMINO = [(132.985, 42.715), (133.020, 42.715), (133.020, 42.737), (132.985, 42.737)]
BERTH = (133.069, 42.752)          # inside the terminal
KOZMINO_BERTH = (133.000, 42.725)  # inside Kozmino
ANCHOR_SPOT = (133.080, 42.670)    # inside the anchorage
SEA = (133.30, 42.40)              # open sea, ~23 nm SE of the terminal
FAR_SEA = (131.50, 40.50)          # ~140 nm away


@dataclass(frozen=True)
class Leg:
    kind: str
    to: tuple[float, float] | None = None
    knots: float = 0.0
    hours: float = 0.0


def sail(to_lon: float, to_lat: float, knots: float = 10.0) -> Leg:
    return Leg("sail", (to_lon, to_lat), knots=knots)


def stay(hours: float, knots: float = 0.0) -> Leg:
    return Leg("stay", knots=knots, hours=hours)


def dark(hours: float) -> Leg:
    return Leg("dark", hours=hours)


def dark_to(to_lon: float, to_lat: float, hours: float) -> Leg:
    return Leg("dark_to", (to_lon, to_lat), hours=hours)


def make_track(
    mmsi: int,
    start: tuple[float, float],
    legs: list[Leg],
    t0: pd.Timestamp = T0,
    step_minutes: float = 10.0,
) -> pd.DataFrame:
    """Positions (contract frame) of one vessel following ``legs`` from ``start``."""
    t = t0
    lon, lat = start
    rows = [(t, lon, lat, 0.0)]
    step = pd.Timedelta(minutes=step_minutes)
    for leg in legs:
        if leg.kind == "sail":
            d_nm = float(haversine_m(lon, lat, leg.to[0], leg.to[1])) / METERS_PER_NM
            hours = d_nm / leg.knots
            n = max(int(np.ceil(hours * 60 / step_minutes)), 1)
            for k in range(1, n + 1):
                f = k / n
                rows.append((t + (hours * f) * pd.Timedelta(hours=1),
                             lon + f * (leg.to[0] - lon), lat + f * (leg.to[1] - lat), leg.knots))
            t = t + hours * pd.Timedelta(hours=1)
            lon, lat = leg.to
        elif leg.kind == "stay":
            n = max(int(round(leg.hours * 60 / step_minutes)), 1)
            for k in range(1, n + 1):
                rows.append((t + k * step, lon, lat, leg.knots))
            t = t + n * step
        elif leg.kind == "dark":
            t = t + leg.hours * pd.Timedelta(hours=1)
            rows.append((t, lon, lat, 0.0))
        elif leg.kind == "dark_to":
            t = t + leg.hours * pd.Timedelta(hours=1)
            lon, lat = leg.to
            rows.append((t, lon, lat, 10.0))
        else:  # pragma: no cover
            raise ValueError(leg.kind)
    frame = pd.DataFrame(rows, columns=["timestamp", "lon", "lat", "sog_knots"])
    frame["mmsi"] = mmsi
    frame["msg_type"] = 1
    frame["source"] = ""
    return positions_frame(frame)


def make_positions(*tracks: pd.DataFrame) -> pd.DataFrame:
    """Concatenate tracks into one positions frame."""
    return positions_frame(pd.concat(tracks, ignore_index=True))


def make_statics(rows: list[tuple[int, pd.Timestamp | str, float]], name: str | None = None,
                 imo: int | None = None) -> pd.DataFrame:
    """Statics frame from ``(mmsi, time, draught_m)`` rows (draught NaN = not available)."""
    frame = pd.DataFrame(rows, columns=["mmsi", "timestamp", "draught_m"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame["name"] = name
    frame["imo"] = imo
    frame["msg_type"] = 5
    return statics_frame(frame)


def hourly_draught(mmsi: int, t_start: pd.Timestamp, t_end: pd.Timestamp,
                   changes: list[tuple[pd.Timestamp, float]], every_hours: float = 1.0,
                   name: str | None = None, imo: int | None = None) -> pd.DataFrame:
    """Statics every ``every_hours`` from t_start to t_end; draught steps at given times."""
    times = pd.date_range(t_start, t_end, freq=pd.Timedelta(hours=every_hours))
    values = np.full(len(times), np.nan)
    for when, value in sorted(changes):
        values[times >= when] = value
    return make_statics([(mmsi, t, v) for t, v in zip(times, values, strict=True)],
                        name=name, imo=imo)


def make_ports(include: tuple[str, ...] = ("terminal", "port", "anchorage", "kozmino")):
    """Ports frame (as :func:`vesseltrack.ports.read_ports` returns) with docs/method.md fences."""
    import geopandas as gpd

    table = {
        "terminal": ("Vostochny oil terminal", "terminal", TERMINAL),
        "port": ("Vostochny port", "port", WIDER_PORT),
        "anchorage": ("Vostochny anchorage", "anchorage", ANCHORAGE),
        "kozmino": ("Kozmino", "terminal", KOZMINO),
    }
    rows = [table[k] for k in include]
    return gpd.GeoDataFrame(
        {"name": pd.array([r[0] for r in rows], dtype="string"),
         "kind": pd.array([r[1] for r in rows], dtype="string")},
        geometry=[Polygon(r[2]) for r in rows], crs="EPSG:4326",
    )


def write_ports_geojson(path: Path, features: list[dict]) -> Path:
    """Write a FeatureCollection of the given features to ``path``."""
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def polygon_feature(name: str | None, coords: list[tuple[float, float]],
                    kind: str | None = None) -> dict:
    props = {} if name is None else {"name": name}
    if kind is not None:
        props["kind"] = kind
    ring = [list(c) for c in coords] + [list(coords[0])]
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


REGISTRY_HEADER = ("mmsi,imo,name,flag,dwt_t,length_m,beam_m,summer_draught_m,"
                   "ballast_draught_m,cargo")


def write_registry(path: Path, rows: list[str], header: str = REGISTRY_HEADER) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


SIGHTINGS_HEADER = "timestamp,lon,lat,mmsi,imo,name,state,source"


def write_sightings(path: Path, rows: list[str], header: str = SIGHTINGS_HEADER) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def track_rows(mmsi: int, rows: list[tuple[float, float, float, float]],
               t0: pd.Timestamp = T0) -> pd.DataFrame:
    """Positions of one vessel from ``(seconds after t0, lon, lat, sog_knots)`` rows: for
    tracks whose times and speeds must sit exactly on a threshold."""
    frame = pd.DataFrame(rows, columns=["seconds", "lon", "lat", "sog_knots"])
    frame["timestamp"] = t0 + pd.to_timedelta(frame.pop("seconds"), unit="s")
    frame["mmsi"] = mmsi
    frame["msg_type"] = 1
    frame["source"] = ""
    return positions_frame(frame)
