"""Folium maps of port calls, AIS gaps, sightings and tracks that work with no network.

:func:`build_map` draws, in layers a reader can switch on and off:

* land from :func:`vesseltrack.land.land_polygons` (GSHHG: full detail around the view,
  coarser over the whole area the tracks cover; any sea of the world);
* the geofences (the ones under investigation outlined in red);
* the vessels' tracks, thinned (:func:`thin_tracks`): one layer per watched vessel (one with a
  call at a selected fence), the remaining traffic grouped per flag (hidden at first);
* port calls as circle markers whose popup gives name, IMO, MMSI, flag, arrival, departure,
  duration, draughts, load state, cargo and evidence; loaded departures in a layer of their
  own, in red;
* AIS gaps as dashed lines from where the vessel went dark to where it reappeared;
* sightings (satellite imagery, patrol photos, ...);
* optionally, a time slider over the watched vessels' tracks (a dark period shows as the
  vessel vanishing);
* a legend, a title and ONE layer control, collapsed, whose tree groups the watched vessels
  (one toggle each) and the other traffic (one toggle per flag). The view fits the calls at
  the fences investigated (else the watched vessels' tracks), never every fence of the file.

Offline by design
-----------------
folium's default page loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, so with no
network it would show nothing. The map here is an :class:`OfflineMap`: its only resources are
Leaflet 1.9.4 (BSD-2-Clause), jQuery 3.7.1 slim (MIT; folium's popups call ``$``) and the
plugins' scripts (Leaflet.Control.Layers.Tree 1.1.0, BSD-3-Clause; with the time slider,
Leaflet.TimeDimension 1.1.1, MIT, iso8601-js-period 0.2.1, Apache-2.0, and Moment.js 2.18.1,
MIT), shipped in ``vesseltrack/data/`` with their licences and inlined into the page, the
CSS's images as ``data:`` URIs. Online tiles are an optional layer, off at first.

Escaping
--------
Every text that came from data (AIS names and destinations, CSV cells, sightings, fence names,
the title) goes through :func:`escape_text`: HTML-escaped, and the three characters that are
special inside the JavaScript template literals folium writes popups and tooltips into
(backtick, ``$`` and backslash) replaced by character references, so a vessel named
``<SVG/ONLOAD=ALERT()>`` or ``${alert(1)}`` shows as that text and runs nothing.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import is_missing

__all__ = [
    "build_map",
    "encounter_layer",
    "escape_text",
    "land_geojson",
    "map_html",
    "thin_tracks",
    "write_encounter_map",
    "write_map",
]

LOADED_COLOR = "#c0152f"
CALL_COLOR = "#1f5fa8"
OTHER_CALL_COLOR = "#7a7a7a"
LISTED_COLOR = "#7b1fa2"
"""Ring around the marker of a call by a vessel on the watchlist (``--watchlist``)."""
GAP_COLOR = "#111111"
SIGHTING_COLORS = {"laden": "#8b0000", "ballast": "#1e7b34", "unknown": "#a0522d"}
FENCE_COLOR = "#555555"
SELECTED_FENCE_COLOR = "#c0152f"
SEA_COLOR = "#d7e6f2"
LAND_COLOR = "#efe9dc"
TRACK_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
)
OTHER_TRACK_COLOR = "#8a8a8a"
COORD_DECIMALS = 4
"""Coordinates are written with this many decimals of a degree (about 10 m)."""


# --------------------------------------------------------------------------------------------
# escaping and formatting


def escape_text(value: Any) -> str:
    """Return ``value`` as text safe inside HTML and inside a JavaScript template literal.

    Parameters
    ----------
    value : object
        Any value; ``None`` and missing values (NaN, NA, NaT) give ``"–"``.

    Returns
    -------
    str
        ``html.escape(str(value))`` with backtick, ``$`` and backslash also replaced by HTML
        character references (``&#96;``, ``&#36;``, ``&#92;``): a browser shows the original
        characters, and neither HTML nor JavaScript ever sees them as syntax.
    """
    if is_missing(value):
        return "–"
    text = html.escape(str(value), quote=True)
    return text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _fmt_time(ts: Any) -> str:
    if ts is None or pd.isna(ts):
        return "–"
    return pd.Timestamp(ts).tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")


def _fmt_num(value: Any, unit: str, digits: int = 1) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):,.{digits}f} {unit}".strip()


def _table(rows: list[tuple[str, str]]) -> str:
    """An HTML table of (label, already-escaped value) rows; labels are our own text."""
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:8px'>{escape_text(k)}</th><td>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table style='font-size:12px'>{body}</table>"


def _popup(content_html: str, max_width_px: int = 360):
    import folium

    return folium.Popup(folium.Html(content_html, script=True), max_width=max_width_px)


# --------------------------------------------------------------------------------------------
# offline assets


@cache
def _asset_bytes(name: str) -> bytes:
    return resources.files("vesseltrack").joinpath("data", name).read_bytes()


def _asset_text(name: str) -> str:
    return _asset_bytes(name).decode("utf-8")


def land_geojson(bbox: tuple[float, float, float, float] = (124.0, 32.0, 136.0, 44.0),
                 *, hole: tuple[float, float, float, float] | None = None) -> dict:
    """Land of a box as a GeoJSON FeatureCollection, from :func:`vesseltrack.land.land_polygons`.

    Parameters
    ----------
    bbox : tuple of 4 float
        ``(min_lon, min_lat, max_lon, max_lat)``, degrees; the coastline's resolution follows
        the size of the box (full GSHHG detail for a port, coarser for a sea).
    hole : tuple of 4 float, optional
        A box left out (where a finer land layer is drawn: coarse land would cover its
        water).

    Returns
    -------
    dict
        One feature per land polygon, coordinates rounded to :data:`COORD_DECIMALS`;
        ``properties`` give the source and resolution.
    """
    import shapely

    from vesseltrack.land import land_polygons

    gdf = land_polygons(bbox)
    geoms = gdf.geometry.to_numpy()
    if hole is not None:
        geoms = shapely.difference(geoms, shapely.box(*hole))
    geoms = shapely.set_precision(geoms, 10.0 ** -COORD_DECIMALS)
    props = {"source": gdf.attrs.get("source"), "resolution": gdf.attrs.get("resolution")}
    features = [
        {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(g)}
        for g in geoms if not g.is_empty
    ]
    return json.loads(json.dumps({"type": "FeatureCollection", "features": features}))


def _leaflet_css() -> str:
    css = _asset_text("leaflet.css")
    for image in ("layers.png", "layers-2x.png"):
        uri = "data:image/png;base64," + base64.b64encode(
            _asset_bytes(f"leaflet-{image}")
        ).decode("ascii")
        css = css.replace(f"url(images/{image})", f"url({uri})")
    return css


def _script_safe(js: str) -> str:
    """Guard inline code against an early ``</script>`` (none in the shipped files)."""
    return js.replace("</script", "<\\/script")


def _raw_element(text: str):
    """A branca Element that renders ``text`` verbatim (no Jinja parsing of data)."""
    from branca.element import Element

    class _Raw(Element):
        def render(self, **kwargs: Any) -> str:
            return text

    return _Raw()


_INLINE_ASSETS: dict[str, tuple[str, str]] = {
    "leaflet": ("js", "leaflet.js"),
    "jquery": ("js", "jquery.slim.min.js"),
    "leaflet_css": ("css", "leaflet.css"),
    "layers_tree": ("js", "leaflet-layers-tree.js"),
    "layers_tree_css": ("css", "leaflet-layers-tree.css"),
    "iso8601": ("js", "iso8601.js"),
    "timedimension": ("js", "leaflet.timedimension.min.js"),
    "moment": ("js", "moment.min.js"),
    "timedimension_css": ("css", "leaflet.timedimension.control.css"),
}
"""Header entries (folium's ``default_js``/``default_css`` names) → kind and package file
inlined in their place (``vesseltrack/data/``, licences beside them)."""


def _inline(name: str) -> tuple[str, str]:
    """``(name, placeholder URL)`` of a shipped asset, for a folium ``default_js`` list."""
    return name, f"vesseltrack-inline:{_INLINE_ASSETS[name][1]}"


def _inline_text(name: str) -> str:
    kind, file = _INLINE_ASSETS[name]
    if kind == "js":
        return "<script>" + _script_safe(_asset_text(file)) + "</script>"
    css = _leaflet_css() if file == "leaflet.css" else _asset_text(file)
    return "<style>" + css + "</style>"


@cache
def _offline_map_class():
    import folium

    class _OfflineMap(folium.Map):
        """A folium Map whose scripts and styles are inlined, not loaded from CDNs."""

        default_js = [_inline("leaflet"), _inline("jquery")]
        default_css = [_inline("leaflet_css")]

        def render(self, **kwargs: Any) -> None:
            super().render(**kwargs)
            header = self.get_root().header
            for name in _INLINE_ASSETS:
                if name in header._children:
                    header._children[name] = _raw_element(_inline_text(name))

    _OfflineMap.__name__ = "OfflineMap"
    _OfflineMap.__qualname__ = "OfflineMap"
    return _OfflineMap


@cache
def _plugin_classes() -> tuple[type, type]:
    """folium's tree layer control and timestamped GeoJSON with their scripts inlined."""
    from folium.plugins import TimestampedGeoJson, TreeLayerControl

    class _TreeLayerControl(TreeLayerControl):
        default_js = [_inline("layers_tree")]
        default_css = [_inline("layers_tree_css")]

    class _TimestampedGeoJson(TimestampedGeoJson):
        default_js = [_inline("iso8601"), _inline("timedimension"), _inline("moment")]
        default_css = [_inline("timedimension_css")]

    return _TreeLayerControl, _TimestampedGeoJson


def __getattr__(name: str):  # OfflineMap built lazily: folium is an optional dependency
    if name == "OfflineMap":
        return _offline_map_class()
    raise AttributeError(name)


# --------------------------------------------------------------------------------------------
# tracks


def thin_tracks(
    positions: pd.DataFrame,
    *,
    every_minutes: float = 15.0,
    break_hours: float = 6.0,
    tolerance_deg: float = 0.002,
) -> pd.DataFrame:
    """Thin tracks for drawing: one position per time bin, split at silences, simplified.

    Parameters
    ----------
    positions : DataFrame
        Positions (``mmsi``, ``timestamp``, ``lon``, ``lat``), cleaned or not; rows without a
        valid position are ignored.
    every_minutes : float
        Keep the first position of each vessel in each bin of this length, minutes.
    break_hours : float
        A silence this long or longer between kept positions starts a new segment (the gap is
        drawn separately, dashed), hours.
    tolerance_deg : float
        Douglas–Peucker tolerance (shapely ``simplify``) per segment, degrees.

    Returns
    -------
    DataFrame
        ``mmsi`` (int64), ``segment`` (int64, global id, increasing along each vessel), ``lon``,
        ``lat`` (degrees, rounded to :data:`COORD_DECIMALS`); segments of fewer than two
        points are dropped.
    """
    import shapely

    cols = {"mmsi": "int64", "segment": "int64", "lon": "float64", "lat": "float64"}
    empty = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in cols.items()})
    ok = positions["lon"].notna() & positions["lat"].notna() & positions["timestamp"].notna()
    p = positions.loc[ok.to_numpy(bool), ["mmsi", "timestamp", "lon", "lat"]]
    if p.empty:
        return empty
    p = p.sort_values(["mmsi", "timestamp"], kind="stable")
    t_ns = p["timestamp"].to_numpy("datetime64[ns]").astype("int64")
    bin_ns = int(every_minutes * 60e9)
    mmsi = p["mmsi"].to_numpy("int64")
    bins = t_ns // bin_ns
    keep = np.r_[True, (mmsi[1:] != mmsi[:-1]) | (bins[1:] != bins[:-1])]
    mmsi, t_ns = mmsi[keep], t_ns[keep]
    lon, lat = p["lon"].to_numpy("float64")[keep], p["lat"].to_numpy("float64")[keep]
    new_seg = np.r_[True, (mmsi[1:] != mmsi[:-1]) | (np.diff(t_ns) >= break_hours * 3600e9)]
    seg = np.cumsum(new_seg) - 1
    counts = np.bincount(seg)
    long_enough = counts[seg] >= 2
    mmsi, seg, lon, lat = mmsi[long_enough], seg[long_enough], lon[long_enough], lat[long_enough]
    if len(seg) == 0:
        return empty
    _, seg = np.unique(seg, return_inverse=True)
    seg_mmsi = mmsi[np.r_[True, seg[1:] != seg[:-1]]]
    lines = shapely.linestrings(np.column_stack([lon, lat]), indices=seg)
    if tolerance_deg > 0:
        lines = shapely.simplify(lines, tolerance_deg, preserve_topology=False)
    coords, index = shapely.get_coordinates(lines, return_index=True)
    return pd.DataFrame(
        {
            "mmsi": seg_mmsi[index],
            "segment": index.astype("int64"),
            "lon": np.round(coords[:, 0], COORD_DECIMALS),
            "lat": np.round(coords[:, 1], COORD_DECIMALS),
        }
    )


def _segments(thin: pd.DataFrame) -> dict[int, list[list[list[float]]]]:
    """Per MMSI, its segments as lists of [lat, lon] (one Python list per vessel to draw)."""
    out: dict[int, list[list[list[float]]]] = {}
    if thin.empty:
        return out
    latlon = np.column_stack([thin["lat"].to_numpy(), thin["lon"].to_numpy()]).tolist()
    seg = thin["segment"].to_numpy()
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    ends = np.r_[starts[1:], len(seg)]
    seg_mmsi = thin["mmsi"].to_numpy()[starts]
    for m, a, b in zip(seg_mmsi, starts, ends, strict=True):
        out.setdefault(int(m), []).append(latlon[a:b])
    return out


# --------------------------------------------------------------------------------------------
# pieces of the map


def _vessel_names(
    statics: pd.DataFrame | None, calls: pd.DataFrame
) -> dict[int, str]:
    """Per MMSI, the name on its calls, else its latest reported name."""
    from vesseltrack.statics import latest_identity

    latest = latest_identity(statics)["name"].dropna()
    names: dict[int, str] = {int(k): str(v) for k, v in latest.items()}
    if len(calls):
        c = calls.loc[calls["name"].notna(), ["mmsi", "name"]].drop_duplicates("mmsi", keep="last")
        names.update({int(m): str(n) for m, n in zip(c["mmsi"], c["name"], strict=True)})
    return names


def _flags_of(mmsi: np.ndarray) -> np.ndarray:
    from vesseltrack.ais import flags_from_mmsi

    if len(mmsi) == 0:
        return np.array([], dtype=object)
    return flags_from_mmsi(pd.Series(mmsi, dtype="int64")).astype("string").fillna("??").to_numpy(
        object
    )


def _call_locations(
    calls: pd.DataFrame, tracks: pd.DataFrame, fences: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where to draw each call: the vessel's position nearest the call's middle when that
    position was reported during the call, else a point inside the fence (spread out).

    Returns lat, lon (degrees) and a boolean "position observed on AIS".
    """
    n = len(calls)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    if n == 0:
        return lat, lon, np.zeros(0, dtype=bool)
    a = calls["arrival"]
    d = calls["departure"]
    mid = a + (d - a) / 2
    left = pd.DataFrame({"i": np.arange(n), "mmsi": calls["mmsi"].to_numpy("int64"),
                         "mid": mid.to_numpy("datetime64[ns]")})
    left = left.loc[left["mid"].notna()].sort_values("mid", kind="stable")
    right = tracks.loc[tracks["lon"].notna() & tracks["lat"].notna(),
                       ["mmsi", "timestamp", "lon", "lat"]]
    right = pd.DataFrame({"mmsi": right["mmsi"].to_numpy("int64"),
                          "ts": right["timestamp"].to_numpy("datetime64[ns]"),
                          "lon": right["lon"].to_numpy(), "lat": right["lat"].to_numpy()})
    right = right.sort_values("ts", kind="stable")
    if len(left) and len(right):
        m = pd.merge_asof(left, right, left_on="mid", right_on="ts", by="mmsi",
                          direction="nearest")
        a_ns = a.to_numpy("datetime64[ns]")[m["i"].to_numpy()]
        d_ns = d.to_numpy("datetime64[ns]")[m["i"].to_numpy()]
        ts = m["ts"].to_numpy("datetime64[ns]")
        inside = ~pd.isna(ts) & (ts >= a_ns) & (ts <= d_ns)
        idx = m["i"].to_numpy()[inside]
        lat[idx] = m["lat"].to_numpy()[inside]
        lon[idx] = m["lon"].to_numpy()[inside]
    observed = np.isfinite(lat)
    # Calls with no position during the call (dark calls, sighting calls): spread them on a
    # small sunflower spiral around a point inside their fence so that each can be clicked.
    ports = calls["port"].astype(str).to_numpy()
    rank = pd.Series(~observed).groupby(ports).cumsum().to_numpy() - 1
    golden = math.pi * (3 - math.sqrt(5))
    for port_name, geom in fences.items():
        sel = (~observed) & (ports == port_name)
        if not sel.any():
            continue
        pt = geom.representative_point()
        minx, miny, maxx, maxy = geom.bounds
        r_deg = 0.12 * min(maxx - minx, maxy - miny)
        k = rank[sel].astype(float)
        radius = r_deg * np.sqrt((k + 0.5) / max(sel.sum(), 1))
        lat[sel] = pt.y + radius * np.sin(k * golden)
        lon[sel] = pt.x + radius * np.cos(k * golden)
    return np.round(lat, COORD_DECIMALS), np.round(lon, COORD_DECIMALS), observed


def _last_destinations(calls: pd.DataFrame, statics: pd.DataFrame | None) -> np.ndarray:
    """Per call, the last AIS destination the vessel reported up to its departure (or NA)."""
    from vesseltrack.statics import reported_at

    if statics is None or len(statics) == 0 or len(calls) == 0:
        return np.full(len(calls), None, dtype=object)
    return reported_at(statics, "destination", calls["mmsi"].to_numpy("int64"),
                       calls["departure"], "backward")


def _call_popup(row: Any, observed: bool, destination: Any = None) -> str:
    evidence = escape_text(row.evidence)
    est = []
    if bool(row.arrival_estimated):
        est.append("arrival")
    if bool(row.departure_estimated):
        est.append("departure")
    head = (f"<b>{escape_text(row.name)}</b><br>"
            f"<span style='color:#666'>{escape_text(row.port)}</span>")
    rows = [
        ("Name", escape_text(row.name)),
        ("IMO", escape_text(row.imo)),
        ("MMSI", escape_text(row.mmsi)),
        ("Flag", escape_text(row.flag)),
        ("Arrival", escape_text(_fmt_time(row.arrival))),
        ("Departure", escape_text(_fmt_time(row.departure))),
        ("Duration", escape_text(_fmt_num(row.duration_hours, "h"))),
        ("Arrival draught", escape_text(_fmt_num(row.arrival_draught_m, "m"))),
        ("Departure draught", escape_text(_fmt_num(row.departure_draught_m, "m"))),
        ("Draught change", escape_text(_fmt_num(row.draught_change_m, "m"))),
        ("Load state", escape_text(row.load_state)),
        ("Cargo", escape_text(_fmt_num(row.cargo_bbl, "bbl", 0))
         + " (" + escape_text(_fmt_num(row.cargo_t, "t", 0)) + ")"),
        ("Cargo method", escape_text(row.cargo_method)),
        ("Evidence", evidence),
        ("Confidence", escape_text(row.confidence) + " of 4"),
        ("AIS destination", escape_text(destination)),
    ]
    listed = getattr(row, "watchlist", None)
    if isinstance(listed, str) and listed:
        rows.insert(4, ("Watchlist", escape_text(listed)))
    if getattr(row, "segment", None) is not None:
        rows.insert(3, ("Segment", escape_text(row.segment) + " (ships on this MMSI apart)"))
    if est:
        rows.append(("Estimated", escape_text(" and ".join(est) + " (vessel dark)")))
    if not observed:
        rows.append(("Marker", "placed inside the fence: no AIS position during the call"))
    rows.append(("Call id", escape_text(row.call_id)))
    return head + _table(rows)


def _gap_popup(row: Any, name: str) -> str:
    rows = [
        ("Vessel", escape_text(name)),
        ("MMSI", escape_text(row.mmsi)),
        ("Went dark", escape_text(_fmt_time(row.start))),
        ("Reappeared", escape_text(_fmt_time(row.end))),
        ("Duration", escape_text(_fmt_num(row.duration_hours, "h"))),
        ("Distance", escape_text(_fmt_num(row.distance_nm, "nm"))),
        ("Implied speed", escape_text(_fmt_num(row.implied_speed_knots, "kn"))),
        ("Draught before", escape_text(_fmt_num(row.draught_before_m, "m"))),
        ("Draught after", escape_text(_fmt_num(row.draught_after_m, "m"))),
        ("Could have reached", escape_text(str(row.reachable_ports).replace(";", ", ")
                                           if isinstance(row.reachable_ports, str) else None)),
    ]
    return "<b>AIS gap (dark period)</b>" + _table(rows)


def _sighting_popup(row: Any) -> str:
    rows = [
        ("Time", escape_text(_fmt_time(row.timestamp))),
        ("Name", escape_text(getattr(row, "name", None))),
        ("MMSI", escape_text(getattr(row, "mmsi", None))),
        ("IMO", escape_text(getattr(row, "imo", None))),
        ("State", escape_text(getattr(row, "state", None))),
        ("Source", escape_text(getattr(row, "source", None))),
    ]
    matched = getattr(row, "matched_mmsi", None)
    if matched is not None and not pd.isna(matched):
        rows.append(("Matched MMSI", escape_text(matched)))
    return "<b>Sighting</b>" + _table(rows)


def _legend_html(listed: bool = False) -> str:
    """The legend; ``listed`` adds the ring of calls by watchlisted vessels."""

    def swatch(color: str, kind: str) -> str:
        if kind == "dot":
            return (f"<span style='display:inline-block;width:11px;height:11px;border-radius:50%;"
                    f"background:{color};border:1px solid #333;margin-right:6px'></span>")
        if kind == "dash":
            return (f"<span style='display:inline-block;width:22px;border-top:2px dashed {color};"
                    f"margin-right:6px;vertical-align:middle'></span>")
        if kind == "box":
            return (f"<span style='display:inline-block;width:14px;height:10px;"
                    f"border:2px solid {color};margin-right:6px'></span>")
        return (f"<span style='display:inline-block;width:22px;border-top:3px solid {color};"
                f"margin-right:6px;vertical-align:middle'></span>")

    items = [
        (swatch(LOADED_COLOR, "dot"), "loaded departure"),
        (swatch(CALL_COLOR, "dot"), "other call at the fence(s) investigated"),
        (swatch(OTHER_CALL_COLOR, "dot"), "call at another fence"),
        (swatch(GAP_COLOR, "dash"), "AIS gap: dark to reappearance"),
        (swatch(SIGHTING_COLORS["laden"], "dot"), "sighting, laden"),
        (swatch(SIGHTING_COLORS["ballast"], "dot"), "sighting, in ballast"),
        (swatch(SIGHTING_COLORS["unknown"], "dot"), "sighting, state unknown"),
        (swatch(TRACK_PALETTE[0], "line"), "AIS track (thinned), one colour per vessel"),
        (swatch(SELECTED_FENCE_COLOR, "box"), "geofence investigated (approximate)"),
        (swatch(FENCE_COLOR, "box"), "other geofence (approximate)"),
    ]
    if listed:
        ring = (f"<span style='display:inline-block;width:9px;height:9px;border-radius:50%;"
                f"border:3px solid {LISTED_COLOR};margin-right:6px'></span>")
        items.insert(3, (ring, "call by a vessel on the watchlist"))
    lines = "".join(f"<div>{s}{escape_text(t)}</div>" for s, t in items)
    return (
        "<div id='vt-legend' style='position:fixed;bottom:64px;left:10px;z-index:1000;"
        "background:rgba(255,255,255,0.92);padding:8px 10px;border:1px solid #999;"
        "border-radius:4px;font:12px sans-serif;line-height:18px'>"
        f"<b>Legend</b>{lines}"
        "<div style='margin-top:4px;color:#555;max-width:300px'>An analysis of AIS and other "
        "data, not a legal finding. Geofences and markers of dark calls are approximate.</div>"
        "</div>"
    )


def _title_html(title: str) -> str:
    return (
        "<div id='vt-title' style='position:fixed;top:10px;left:60px;z-index:1000;"
        "background:rgba(255,255,255,0.92);padding:6px 12px;border:1px solid #999;"
        "border-radius:4px;font:bold 15px sans-serif;max-width:60%'>"
        f"{escape_text(title)}</div>"
    )


def _default_title(result: Any) -> str:
    ports = ", ".join(result.ports) or "all fences"
    flag = f", flag {result.flag}" if result.flag else ""
    start = result.window_start.strftime("%Y-%m-%d") if result.window_start is not None else "…"
    end = result.window_end.strftime("%Y-%m-%d") if result.window_end is not None else "…"
    n_loaded = len(result.loaded)
    return (f"{ports}{flag}, {start} to {end}: {n_loaded} loaded departures, "
            f"{len(result.port_calls)} calls, {len(result.gaps)} AIS gaps")


def _fences(ports: pd.DataFrame) -> dict[str, Any]:
    """Fence name → lon/lat geometry, of the fences :func:`vesseltrack.ports.fences_from_ports`
    builds (the one fence representation of the package)."""
    from vesseltrack.ports import fences_from_ports

    return {fence.name: fence.geometry for fence in fences_from_ports(ports)}


def _geometry_geojson(geom: Any) -> dict:
    from shapely.geometry import mapping

    g = mapping(geom)
    return {"type": "Feature", "properties": {}, "geometry": json.loads(json.dumps(g))}


# --------------------------------------------------------------------------------------------
# the map


def build_map(
    result: Any,
    positions: pd.DataFrame,
    statics: pd.DataFrame | None,
    ports: pd.DataFrame,
    *,
    sightings: pd.DataFrame | None = None,
    title: str | None = None,
    every_minutes: float = 15.0,
    tolerance_deg: float = 0.002,
    online_tiles: bool = True,
    time_slider: bool = False,
    slider_every_minutes: float = 60.0,
):
    """Build the investigation map (a folium Map that needs no network).

    Parameters
    ----------
    result : vesseltrack.count.CountResult
        The count (calls, gaps, fences investigated, flag, window).
    positions : DataFrame
        Positions (:data:`vesseltrack._schema.POSITION_COLUMNS`); cleaned here with
        :func:`vesseltrack.tracks.clean_tracks` and thinned with :func:`thin_tracks`.
    statics : DataFrame or None
        Statics, for the names of vessels without a call.
    ports : DataFrame
        Geofences (:func:`vesseltrack.ports.read_ports`).
    sightings : DataFrame, optional
        Sightings (:func:`vesseltrack.registry.read_sightings`, matched or not).
    title : str, optional
        Title shown on the map (escaped); default: fences, flag, window and counts.
    every_minutes : float
        Track thinning: at most one position per vessel per this many minutes.
    tolerance_deg : float
        Track simplification tolerance, degrees.
    online_tiles : bool
        Add OpenStreetMap tiles as an optional layer, off at first (they need the network).
    time_slider : bool
        Add the watched vessels' tracks as a timestamped layer with a time slider (folium's
        ``TimestampedGeoJson``; its scripts are shipped and inlined like Leaflet's).
    slider_every_minutes : float
        Time-slider tracks: at most one position per vessel per this many minutes.

    Returns
    -------
    folium.Map
        An :class:`OfflineMap`; render it with :func:`map_html` or save it with
        :func:`write_map`.
    """
    import folium

    from vesseltrack.tracks import clean_tracks

    tree_control_cls, timed_cls = _plugin_classes()
    calls_all = result.all_calls
    selected_calls = result.port_calls
    selected_ids = set(selected_calls["call_id"].astype(str))
    fences = _fences(ports)
    m = _offline_map_class()(location=[0.0, 0.0], zoom_start=2, tiles=None, control_scale=True,
                             prefer_canvas=False)
    root = m.get_root()
    root.header.add_child(_raw_element(
        f"<style>html body .leaflet-container{{background:{SEA_COLOR};}}</style>"), name="vt_style")
    root.html.add_child(_raw_element(_title_html(title or _default_title(result))),
                        name="vt_title")
    listed = "watchlist" in calls_all and bool((calls_all["watchlist"].fillna("") != "").any())
    root.html.add_child(_raw_element(_legend_html(listed)), name="vt_legend")

    # tracks (needed first: they and the calls decide the view and the land drawn)
    tracks = clean_tracks(positions)
    break_h = float(result.params.get("gaps", {}).get("min_gap_hours", 6.0))
    thin = thin_tracks(tracks, every_minutes=every_minutes, break_hours=break_h,
                       tolerance_deg=tolerance_deg)
    segs = _segments(thin)
    names = _vessel_names(statics, calls_all)
    focus = list(dict.fromkeys(selected_calls["mmsi"].astype("int64").tolist()))
    focus_set = set(focus)
    lat, lon, observed = _call_locations(calls_all, tracks, fences)
    is_selected = calls_all["call_id"].astype(str).isin(selected_ids).to_numpy(bool)

    view = _view_bounds(lat[is_selected], lon[is_selected], thin, tracks, focus_set,
                        [fences[n] for n in result.ports if n in fences])
    region = _core_bounds(tracks["lon"].to_numpy("float64"), tracks["lat"].to_numpy("float64"))
    region = region or view
    view = view or region

    # land: full detail around the view, coarser over everything the tracks cover
    land_layer = folium.FeatureGroup(name="Land", show=True)
    sources = set()
    boxes: list[tuple[Any, Any]] = []
    if view is not None:  # nothing to place the map on: no positions and no fence
        detail = _pad(view, 0.5, 0.05)
        boxes.append((detail, None))
        if region is not None and _wider(region, detail):
            boxes.insert(0, (_pad(region, 0.05, 0.5), detail))
    for bbox, hole in boxes:
        gj = land_geojson(bbox, hole=hole)
        if not gj["features"]:
            continue
        sources.add(f"{gj['features'][0]['properties']['source']} "
                    f"{gj['features'][0]['properties']['resolution']}")
        folium.GeoJson(
            gj,
            style_function=lambda _f: {"fillColor": LAND_COLOR, "color": "#b5a98f",
                                       "weight": 0.8, "fillOpacity": 1.0},
            interactive=False, class_name="vt-land",
        ).add_to(land_layer)
    land_layer.add_to(m)
    land_label = "Land (" + (", ".join(sorted(sources)) or "none in this area") + ")"
    tiles = None
    if online_tiles:
        tiles = folium.TileLayer("OpenStreetMap", name="OpenStreetMap tiles (online)",
                                 overlay=True, control=False, show=False)
        tiles.add_to(m)

    # geofences
    fence_layer = folium.FeatureGroup(name="Geofences (approximate)", show=True)
    for name, geom in fences.items():
        chosen = name in result.ports
        color = SELECTED_FENCE_COLOR if chosen else FENCE_COLOR
        gj = folium.GeoJson(
            _geometry_geojson(geom),
            style_function=lambda _f, c=color, w=(2.5 if chosen else 1.2): {
                "color": c, "weight": w, "fillOpacity": 0.08, "fillColor": c},
        )
        folium.Tooltip(escape_text(name) + (" (investigated)" if chosen else "")).add_to(gj)
        gj.add_to(fence_layer)
    fence_layer.add_to(m)

    # tracks: the watched vessels one by one, the rest of the traffic by flag
    watched_nodes = []
    for k, mmsi in enumerate(focus):
        label = f"{names.get(mmsi, 'unnamed')} ({mmsi})"
        group = folium.FeatureGroup(name=escape_text(label), show=True)
        if mmsi in segs:
            line = folium.PolyLine(segs[mmsi], color=TRACK_PALETTE[k % len(TRACK_PALETTE)],
                                   weight=2, opacity=0.8, class_name="vt-track")
            folium.Tooltip(escape_text("Track: " + label)).add_to(line)
            line.add_to(group)
        group.add_to(m)
        watched_nodes.append({"label": escape_text(label), "layer": group})
    # vessels heard too briefly for a line are drawn as a dot at their last position
    last = tracks.loc[tracks["lon"].notna() & tracks["lat"].notna()].drop_duplicates(
        "mmsi", keep="last")
    dots = {int(mm): (round(float(y), COORD_DECIMALS), round(float(x), COORD_DECIMALS))
            for mm, x, y in zip(last["mmsi"], last["lon"], last["lat"], strict=True)
            if int(mm) not in segs and int(mm) not in focus_set}
    others = [mm for mm in segs if mm not in focus_set] + list(dots)
    flag_nodes = []
    if others:
        flags = _flags_of(np.asarray(others, dtype="int64"))
        for flag in sorted(set(flags)):
            members = [mm for mm, f in zip(others, flags, strict=True) if f == flag]
            label = f"flag {flag} ({len(members)} vessels)"
            group = folium.FeatureGroup(name=escape_text(label), show=False)
            for mm in members:
                tip = escape_text(f"{names.get(mm, 'unnamed')} ({mm})")
                if mm in segs:
                    shape = folium.PolyLine(segs[mm], color=OTHER_TRACK_COLOR, weight=1,
                                            opacity=0.6, class_name="vt-track vt-other-track")
                else:
                    shape = folium.CircleMarker(dots[mm], radius=2, color=OTHER_TRACK_COLOR,
                                                weight=1, fill=True, fill_opacity=0.8,
                                                class_name="vt-position")
                folium.Tooltip(tip).add_to(shape)
                shape.add_to(group)
            group.add_to(m)
            flag_nodes.append({"label": escape_text(label), "layer": group})

    # gaps
    gaps = result.gaps
    gap_layer = folium.FeatureGroup(name=f"AIS gaps ({len(gaps)})", show=True)
    for row in gaps.itertuples(index=False):
        if any(pd.isna(v) for v in (row.start_lat, row.start_lon, row.end_lat, row.end_lon)):
            continue
        name = names.get(int(row.mmsi), "unnamed")
        line = folium.PolyLine(
            [[round(row.start_lat, COORD_DECIMALS), round(row.start_lon, COORD_DECIMALS)],
             [round(row.end_lat, COORD_DECIMALS), round(row.end_lon, COORD_DECIMALS)]],
            color=GAP_COLOR, weight=2, opacity=0.75, dash_array="6 6", class_name="vt-gap")
        _popup(_gap_popup(row, name)).add_to(line)
        folium.Tooltip(escape_text(f"{name}: dark {row.duration_hours:,.0f} h")).add_to(line)
        line.add_to(gap_layer)
    gap_layer.add_to(m)

    # calls
    destinations = _last_destinations(calls_all, statics)
    is_loaded = is_selected & (calls_all["load_state"] == "loaded").fillna(False).to_numpy(bool)
    n_loaded = int(is_loaded.sum())
    loaded_layer = folium.FeatureGroup(name=f"Loaded departures ({n_loaded})", show=True)
    sel_label = (f"Other calls at {', '.join(result.ports)} "
                 f"({int(is_selected.sum()) - n_loaded})")
    sel_layer = folium.FeatureGroup(name=escape_text(sel_label), show=True)
    other_label = f"Calls at other fences ({int((~is_selected).sum())})"
    other_layer = folium.FeatureGroup(name=other_label, show=False)
    for i, row in enumerate(calls_all.itertuples(index=False)):
        if not (np.isfinite(lat[i]) and np.isfinite(lon[i])):
            continue
        if is_loaded[i]:
            color, radius, layer, cls = LOADED_COLOR, 7, loaded_layer, "vt-call vt-loaded"
        elif is_selected[i]:
            color, radius, layer, cls = CALL_COLOR, 6, sel_layer, "vt-call"
        else:
            color, radius, layer, cls = OTHER_CALL_COLOR, 4, other_layer, "vt-call vt-other"
        listed = getattr(row, "watchlist", None)
        listed = isinstance(listed, str) and bool(listed)  # a call by a watchlisted vessel
        marker = folium.CircleMarker(
            [float(lat[i]), float(lon[i])], radius=radius + (2 if listed else 0),
            color=LISTED_COLOR if listed else "#222", weight=3 if listed else 1,
            fill=True, fill_color=color, fill_opacity=0.9,
            class_name=cls + (" vt-listed" if listed else ""))
        _popup(_call_popup(row, bool(observed[i]), destinations[i])).add_to(marker)
        folium.Tooltip(escape_text(f"{row.name if not pd.isna(row.name) else row.mmsi}: "
                                   f"{_fmt_time(row.departure)} ({row.load_state})")
                       ).add_to(marker)
        marker.add_to(layer)
    other_layer.add_to(m)
    sel_layer.add_to(m)
    loaded_layer.add_to(m)

    # sightings
    sight_node = []
    if sightings is not None and len(sightings):
        sight_layer = folium.FeatureGroup(name=f"Sightings ({len(sightings)})", show=True)
        for row in sightings.itertuples(index=False):
            if pd.isna(row.lat) or pd.isna(row.lon):
                continue
            state = str(row.state).lower() if not pd.isna(row.state) else "unknown"
            marker = folium.CircleMarker(
                [round(float(row.lat), COORD_DECIMALS), round(float(row.lon), COORD_DECIMALS)],
                radius=5, color="#000", weight=2,
                fill=True, fill_color=SIGHTING_COLORS.get(state, SIGHTING_COLORS["unknown"]),
                fill_opacity=0.9, class_name="vt-sighting")
            _popup(_sighting_popup(row)).add_to(marker)
            who = getattr(row, "name", None)
            who = "" if who is None or pd.isna(who) else str(who)
            folium.Tooltip(escape_text(f"sighting: {who} {_fmt_time(row.timestamp)} ({state})")
                           ).add_to(marker)
            marker.add_to(sight_layer)
        sight_layer.add_to(m)
        sight_node = [{"label": f"Sightings ({len(sightings)})", "layer": sight_layer}]

    if time_slider and focus:
        _add_time_slider(m, tracks, focus, names, timed_cls, slider_every_minutes)

    # one layer control, collapsed: the watched vessels and the other traffic as sub-trees
    children: list[dict] = [
        {"label": f"Loaded departures ({n_loaded})", "layer": loaded_layer},
        {"label": escape_text(sel_label), "layer": sel_layer},
        {"label": other_label, "layer": other_layer},
        {"label": f"AIS gaps ({len(gaps)})", "layer": gap_layer},
        *sight_node,
    ]
    if watched_nodes:
        children.append({"label": f"Watched vessels ({len(watched_nodes)})",
                         "selectAllCheckbox": True, "collapsed": True,
                         "children": watched_nodes})
    if flag_nodes:
        children.append({"label": f"Other traffic by flag ({len(others)} vessels)",
                         "selectAllCheckbox": True, "collapsed": True,
                         "children": flag_nodes})
    children += [
        {"label": "Geofences (approximate)", "layer": fence_layer},
        {"label": escape_text(land_label), "layer": land_layer},
    ]
    if tiles is not None:
        children.append({"label": "OpenStreetMap tiles (online)", "layer": tiles})
    tree_control_cls(overlay_tree={"label": "Layers", "children": children},
                     collapsed=True).add_to(m)

    if view is not None:
        m.fit_bounds([[view[1], view[0]], [view[3], view[2]]])
    return m


def _bounds_of(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float] | None:
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return None
    return (float(lon[ok].min()), float(lat[ok].min()), float(lon[ok].max()),
            float(lat[ok].max()))


def _pad(bbox: tuple[float, float, float, float], share: float,
         at_least_deg: float) -> tuple[float, float, float, float]:
    """``bbox`` grown by ``share`` of its size (at least ``at_least_deg``) on every side,
    clipped to the globe."""
    x0, y0, x1, y1 = bbox
    dx = max((x1 - x0) * share, at_least_deg)
    dy = max((y1 - y0) * share, at_least_deg)
    return (max(x0 - dx, -180.0), max(y0 - dy, -90.0), min(x1 + dx, 180.0),
            min(y1 + dy, 90.0))


def _wider(outer: tuple[float, ...], inner: tuple[float, ...]) -> bool:
    """Whether ``outer`` reaches beyond ``inner`` (so that a coarser land layer adds land)."""
    return outer[0] < inner[0] or outer[1] < inner[1] or outer[2] > inner[2] or outer[3] > inner[3]


def _core_bounds(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float] | None:
    """Bounds of the middle 98 % of the positions in each axis (a few wild positions must
    not stretch a map over half the globe)."""
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    if not ok.any():
        return None
    x0, x1 = np.quantile(lon[ok], [0.01, 0.99])
    y0, y1 = np.quantile(lat[ok], [0.01, 0.99])
    return float(x0), float(y0), float(x1), float(y1)


def _view_bounds(
    call_lat: np.ndarray, call_lon: np.ndarray, thin: pd.DataFrame, tracks: pd.DataFrame,
    focus: set[int], chosen_fences: list[Any],
) -> tuple[float, float, float, float] | None:
    """What the map opens on: the calls of interest (at the fences investigated) with those
    fences; without such calls, the tracks of the vessels of interest, else all tracks, else
    the positions; else the fences investigated. Never every fence of the file (they may lie
    oceans apart)."""
    lons, lats = list(call_lon[np.isfinite(call_lon)]), list(call_lat[np.isfinite(call_lat)])
    if lons:
        for g in chosen_fences:
            x0, y0, x1, y1 = g.bounds
            lons += [x0, x1]
            lats += [y0, y1]
        return _pad(_bounds_of(np.asarray(lons), np.asarray(lats)), 0.25, 0.04)
    mine = thin.loc[thin["mmsi"].isin(focus)] if focus else thin
    if mine.empty:
        mine = thin
    box = _core_bounds(mine["lon"].to_numpy("float64"), mine["lat"].to_numpy("float64"))
    if box is None:
        box = _core_bounds(tracks["lon"].to_numpy("float64"), tracks["lat"].to_numpy("float64"))
    if box is None and chosen_fences:
        b = np.array([g.bounds for g in chosen_fences])
        box = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    return None if box is None else _pad(box, 0.1, 0.01)


def _add_time_slider(m: Any, tracks: pd.DataFrame, focus: list[int], names: dict[int, str],
                     timed_cls: type, every_minutes: float) -> None:
    """The watched vessels' tracks as a timestamped GeoJSON layer with a time slider: each
    vessel shows its last day of positions up to the slider's time, so a vessel that goes dark
    vanishes and reappears where it was next heard."""
    p = tracks.loc[tracks["mmsi"].isin(focus) & tracks["lon"].notna() & tracks["lat"].notna(),
                   ["mmsi", "timestamp", "lon", "lat"]].sort_values(["mmsi", "timestamp"],
                                                                      kind="stable")
    t_ns = p["timestamp"].to_numpy("datetime64[ns]").astype("int64")
    mmsi = p["mmsi"].to_numpy("int64")
    bins = t_ns // int(every_minutes * 60e9)
    keep = np.r_[True, (mmsi[1:] != mmsi[:-1]) | (bins[1:] != bins[:-1])] if len(p) else []
    p = p.loc[np.asarray(keep, dtype=bool)]
    features = []
    for k, mm in enumerate(focus):
        v = p.loc[p["mmsi"] == mm]
        if len(v) < 2:
            continue
        coords = np.round(v[["lon", "lat"]].to_numpy("float64"), COORD_DECIMALS).tolist()
        times = (v["timestamp"].to_numpy("datetime64[ms]").astype("int64")).tolist()
        label = escape_text(f"{names.get(mm, 'unnamed')} ({mm})")
        features.append({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {"times": times, "tooltip": label,
                           "style": {"color": TRACK_PALETTE[k % len(TRACK_PALETTE)],
                                     "weight": 3, "className": "vt-slider-track"},
                           # the vessel's latest position: a circle (Leaflet's default
                           # marker would load an image file)
                           "icon": "circle",
                           "iconstyle": {"radius": 5, "color": "#222", "weight": 1,
                                         "fillColor": TRACK_PALETTE[k % len(TRACK_PALETTE)],
                                         "fillOpacity": 1.0}},
        })
    if not features:
        return
    data = json.dumps({"type": "FeatureCollection", "features": features},
                      separators=(",", ":")).replace("</", "<\\/")
    timed_cls(data, period="PT6H", duration="P1D", add_last_point=True, auto_play=False,
              loop=False, date_options="YYYY-MM-DD HH:mm [UTC]", time_slider_drag_update=True
              ).add_to(m)


_ELEMENT_ID = re.compile(r"\b([A-Za-z][A-Za-z0-9]*_(?:[A-Za-z0-9]+_)*)([0-9a-f]{32})(?![0-9A-Za-z])")


def map_html(m: Any) -> str:
    """Render a map built by :func:`build_map` to one self-contained HTML page.

    folium names every element with a random 32-hex-digit id; they are renumbered here in
    order of appearance, so the same inputs give the same bytes (a committed map changes only
    when its content does).
    """
    page = m.get_root().render()
    numbers: dict[str, str] = {}

    def renumber(match: re.Match) -> str:
        key = match.group(2)
        if key not in numbers:
            numbers[key] = f"{len(numbers):06d}"
        return match.group(1) + numbers[key]

    return _ELEMENT_ID.sub(renumber, page)


def write_map(
    result: Any,
    positions: pd.DataFrame,
    statics: pd.DataFrame | None,
    ports: pd.DataFrame,
    path: str | os.PathLike,
    *,
    sightings: pd.DataFrame | None = None,
    title: str | None = None,
    **kwargs: Any,
) -> Path:
    """Build the map (:func:`build_map`) and write it atomically as one HTML file.

    Parameters
    ----------
    result, positions, statics, ports, sightings, title
        As for :func:`build_map`.
    path : path-like
        Destination ``.html``; folders are created.
    **kwargs
        Passed to :func:`build_map` (``every_minutes``, ``tolerance_deg``, ``online_tiles``).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    from vesseltrack.io import write_text

    m = build_map(result, positions, statics, ports, sightings=sightings, title=title, **kwargs)
    return write_text(map_html(m), path)


# --------------------------------------------------------------------------------------------
# encounters at sea

ENCOUNTER_COLOR = "#d46a00"
DARK_ENCOUNTER_COLOR = "#6a1b9a"
LOITERING_COLOR = "#2e7d32"


def _encounter_popup(row: Any) -> str:
    def who(name: Any, mmsi: Any, flag: Any) -> str:
        label = "" if name is None or pd.isna(name) else str(name)
        fl = "" if flag is None or pd.isna(flag) else f" ({flag})"
        return escape_text(f"{label} {mmsi}{fl}".strip())

    rows = [
        ("vessel A", who(row.name_a, row.mmsi_a, row.flag_a)),
        ("vessel B", who(row.name_b, row.mmsi_b, row.flag_b)),
        ("start", escape_text(_fmt_time(row.start))),
        ("end", escape_text(_fmt_time(row.end))),
        ("duration", escape_text(_fmt_num(row.duration_hours, "h"))),
        ("median distance", escape_text(_fmt_num(row.median_distance_m, "m", 0))),
        ("median speed", escape_text(_fmt_num(row.median_speed_knots, "kn"))),
        ("evidence", escape_text(row.evidence)),
        ("draught change A", escape_text(_fmt_num(row.draught_change_a_m, "m"))),
        ("draught change B", escape_text(_fmt_num(row.draught_change_b_m, "m"))),
    ]
    return _table(rows)


def encounter_layer(encounters: pd.DataFrame, positions: pd.DataFrame | None,
                    hours_around: float = 12.0):
    """A folium layer of encounters: a marker each, and both ships' tracks around it.

    Parameters
    ----------
    encounters : DataFrame
        :data:`vesseltrack.encounters.ENCOUNTER_COLUMNS`.
    positions : DataFrame or None
        Positions; each ship's track from ``hours_around`` before the encounter to as long
        after it is drawn (at most one point per 10 minutes).
    hours_around : float
        Hours of track drawn on each side.

    Returns
    -------
    folium.FeatureGroup
    """
    import folium

    layer = folium.FeatureGroup(name=f"Encounters at sea ({len(encounters)})", show=True)
    pos = None
    if positions is not None and len(positions) and len(encounters):
        keep = positions["mmsi"].isin(np.r_[encounters["mmsi_a"].to_numpy("int64"),
                                            encounters["mmsi_b"].to_numpy("int64")])
        pos = positions.loc[keep & positions["lon"].notna() & positions["lat"].notna(),
                            ["mmsi", "timestamp", "lon", "lat"]]
        pos = pos.assign(slot=pos["timestamp"].dt.floor("10min")).drop_duplicates(["mmsi", "slot"])
        pos = pos.sort_values(["mmsi", "timestamp"], kind="stable")
    around = pd.Timedelta(hours=hours_around)
    for row in encounters.itertuples(index=False):
        dark = str(row.evidence) != "ais"
        color = DARK_ENCOUNTER_COLOR if dark else ENCOUNTER_COLOR
        if pos is not None:
            for mmsi, dash in ((row.mmsi_a, None), (row.mmsi_b, "6 4")):
                t = pos.loc[(pos["mmsi"] == mmsi) & (pos["timestamp"] >= row.start - around)
                            & (pos["timestamp"] <= row.end + around)]
                if len(t) >= 2:
                    coords = np.round(t[["lat", "lon"]].to_numpy(float), COORD_DECIMALS).tolist()
                    folium.PolyLine(coords, color=color, weight=2, opacity=0.8,
                                    dash_array=dash, class_name="vt-encounter-track").add_to(layer)
        marker = folium.CircleMarker(
            [round(float(row.lat), COORD_DECIMALS), round(float(row.lon), COORD_DECIMALS)],
            radius=7, color="#000", weight=2, fill=True, fill_color=color, fill_opacity=0.9,
            class_name="vt-encounter")
        _popup(_encounter_popup(row)).add_to(marker)
        folium.Tooltip(escape_text(
            f"{'dark ' if dark else ''}encounter {row.mmsi_a} / {row.mmsi_b} "
            f"{_fmt_time(row.start)}")).add_to(marker)
        marker.add_to(layer)
    return layer


def _encounter_land(lon: np.ndarray, lat: np.ndarray) -> tuple[Any, str]:
    """Land of the events' box widened by 6 degrees of longitude and 4 of latitude
    (:func:`vesseltrack.land.land_polygons`: GSHHG, or the shipped Natural Earth), else the
    map's East Asia land."""
    import warnings

    from vesseltrack.land import LandFallbackWarning, land_polygons

    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return land_geojson(), "Land (Natural Earth 1:10m, offline)"
    bbox = (max(-180.0, float(lon[ok].min()) - 6), max(-90.0, float(lat[ok].min()) - 4),
            min(180.0, float(lon[ok].max()) + 6), min(90.0, float(lat[ok].max()) + 4))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LandFallbackWarning)
            gdf = land_polygons(bbox)
    except (OSError, RuntimeError, ValueError):
        return land_geojson(), "Land (Natural Earth 1:10m, offline)"
    gdf = gdf.set_geometry(gdf.geometry.simplify(0.005))
    return json.loads(gdf.to_json()), f"Land ({gdf.attrs['source']}, {gdf.attrs['resolution']})"


def write_encounter_map(result: Any, positions: pd.DataFrame | None, ports: pd.DataFrame | None,
                        path: str | os.PathLike, *, title: str | None = None) -> Path:
    """Write a map of encounters (both ships' tracks around each) and loitering, offline.

    Parameters
    ----------
    result : vesseltrack.encounters.AtSeaResult
        Encounters and loitering.
    positions : DataFrame or None
        Positions, for the tracks.
    ports : DataFrame or None
        Geofences drawn (where nothing counts).
    path : path-like
        Destination ``.html``.
    title : str, optional
        Title (escaped); default the counts.

    Returns
    -------
    pathlib.Path
    """
    import folium

    from vesseltrack.io import write_text

    enc, loit = result.encounters, result.loitering
    lat = np.r_[enc["lat"].to_numpy(float), loit["lat"].to_numpy(float)]
    lon = np.r_[enc["lon"].to_numpy(float), loit["lon"].to_numpy(float)]
    centre = [float(np.nanmean(lat)), float(np.nanmean(lon))] if len(lat) else [35.0, 125.0]
    m = _offline_map_class()(location=centre, zoom_start=7, tiles=None, control_scale=True)
    root = m.get_root()
    root.header.add_child(_raw_element(
        f"<style>html body .leaflet-container{{background:{SEA_COLOR};}}</style>"), name="vt_style")
    n_vis = int((enc["evidence"] == "ais").sum())
    root.html.add_child(_raw_element(_title_html(title or (
        f"Encounters at sea: {n_vis} seen on AIS, {len(enc) - n_vis} dark; "
        f"{len(loit)} loitering"))), name="vt_title")
    land_data, land_name = _encounter_land(lon, lat)
    land = folium.FeatureGroup(name=escape_text(land_name), show=True)
    folium.GeoJson(land_data, style_function=lambda _f: {
        "fillColor": LAND_COLOR, "color": "#b5a98f", "weight": 0.8, "fillOpacity": 1.0}
    ).add_to(land)
    land.add_to(m)
    if ports is not None and len(ports):
        fence_layer = folium.FeatureGroup(name="Geofences (approximate)", show=True)
        for name, geom in _fences(ports).items():
            gj = folium.GeoJson(_geometry_geojson(geom), style_function=lambda _f: {
                "color": FENCE_COLOR, "weight": 1, "fillOpacity": 0.1})
            folium.Tooltip(escape_text(name)).add_to(gj)
            gj.add_to(fence_layer)
        fence_layer.add_to(m)
    loit_layer = folium.FeatureGroup(name=f"Loitering ({len(loit)})", show=True)
    for row in loit.itertuples(index=False):
        marker = folium.CircleMarker(
            [round(float(row.lat), COORD_DECIMALS), round(float(row.lon), COORD_DECIMALS)],
            radius=4, color=LOITERING_COLOR, fill=True, fill_opacity=0.7,
            class_name="vt-loitering")
        folium.Tooltip(escape_text(
            f"loitering {row.mmsi} {_fmt_time(row.start)}, {row.duration_hours:.1f} h, "
            f"{row.distance_to_shore_nm:.0f} nm from shore")).add_to(marker)
        marker.add_to(loit_layer)
    loit_layer.add_to(m)
    encounter_layer(enc, positions).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    if len(lat):
        pad = 0.3
        m.fit_bounds([[float(np.nanmin(lat)) - pad, float(np.nanmin(lon)) - pad],
                      [float(np.nanmax(lat)) + pad, float(np.nanmax(lon)) + pad]])
    return write_text(map_html(m), path)
