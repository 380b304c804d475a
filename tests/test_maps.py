"""Maps: escaping, thinning, offline assets, size and content of the fixture's map."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _builders import (
    BERTH,
    SEA,
    T0,
    dark_to,
    hourly_draught,
    make_ports,
    make_positions,
    make_track,
    sail,
    stay,
)

from vesseltrack._schema import statics_frame
from vesseltrack.count import count_port_calls
from vesseltrack.maps import build_map, escape_text, map_html, thin_tracks, write_map

ROOT = Path(__file__).resolve().parents[1]

HOSTILE_NAME = "<SVG/ONLOAD=ALERT()>"
HOSTILE_DESTINATION = "<script>alert(1)</script>"
HOSTILE_SIGHTING_NAME = "${alert(2)}"
HOSTILE_FENCE = 'Terminal `<b onmouseover="alert(5)">x</b>` \\'
MMSI = 445000123


def hostile_case():
    """A DPRK-flagged vessel with a hostile name and destination that loads at a fence with a
    hostile name, goes dark, and is sighted under a hostile name: a real CountResult."""
    legs = [sail(*BERTH, knots=8.0), stay(30.0), sail(*SEA, knots=8.0),
            dark_to(131.0, 41.0, 20.0), sail(130.5, 40.5, knots=8.0)]
    positions = make_positions(make_track(MMSI, SEA, legs, step_minutes=5.0))
    t_arr = T0 + pd.Timedelta(hours=4)
    statics = hourly_draught(MMSI, T0, T0 + pd.Timedelta(days=4),
                             [(T0, 2.5), (t_arr + pd.Timedelta(hours=20), 6.0)],
                             name=HOSTILE_NAME, imo=9999999)
    statics = statics_frame(statics.assign(destination=HOSTILE_DESTINATION))
    ports = make_ports(("terminal", "port"))
    ports["name"] = pd.array([HOSTILE_FENCE, "Vostochny port"], dtype="string")
    sightings = pd.DataFrame({
        "timestamp": pd.to_datetime([T0 + pd.Timedelta(hours=20)], utc=True),
        "lon": [BERTH[0]], "lat": [BERTH[1]], "mmsi": pd.array([pd.NA], dtype="Int64"),
        "imo": pd.array([pd.NA], dtype="Int64"),
        "name": pd.array([HOSTILE_SIGHTING_NAME], dtype="string"),
        "state": pd.array(["laden"], dtype="string"),
        "source": pd.array([HOSTILE_DESTINATION], dtype="string"),
    })
    result = count_port_calls(positions, statics, ports, port=HOSTILE_FENCE, flag="KP")
    return result, positions, statics, ports, sightings


# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        (HOSTILE_NAME, "&lt;SVG/ONLOAD=ALERT()&gt;"),
        ("${alert(2)}", "&#36;{alert(2)}"),
        ("a`b\\c", "a&#96;b&#92;c"),
        ("O'Neil & \"Sons\"", "O&#x27;Neil &amp; &quot;Sons&quot;"),
        (None, "–"),
        (float("nan"), "–"),
        (pd.NA, "–"),
        (445000123, "445000123"),
    ],
)
def test_escape_text(raw, escaped):
    assert escape_text(raw) == escaped


def test_hostile_text_is_escaped_in_the_page():
    result, positions, statics, ports, sightings = hostile_case()
    assert len(result.loaded) == 1  # the scenario really produces a loaded call to draw
    assert len(result.gaps) == 1
    page = map_html(build_map(result, positions, statics, ports, sightings=sightings,
                              title="{{ 7*7 }} <i>title</i>"))
    for raw in (HOSTILE_NAME, HOSTILE_DESTINATION, HOSTILE_SIGHTING_NAME, HOSTILE_FENCE,
                "<i>title</i>"):
        assert raw not in page
    assert page.count("&lt;SVG/ONLOAD=ALERT()&gt;") >= 3  # call popup, tooltip, track label
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # destination and sighting source
    assert "&#36;{alert(2)}" in page
    assert "Terminal &#96;&lt;b onmouseover=&quot;alert(5)&quot;&gt;x&lt;/b&gt;&#96; &#92;" in page
    assert "{{ 7*7 }} &lt;i&gt;title&lt;/i&gt;" in page  # not run as a Jinja template
    # the only <script> tags are ours: Leaflet, jQuery, the layer tree, folium's switches and
    # the map script
    assert len(re.findall(r"<script[\s>/]", page, flags=re.IGNORECASE)) == 5


def test_thin_tracks_bins_splits_and_simplifies():
    t = pd.date_range("2024-01-01", periods=121, freq="1min", tz="UTC")
    lon = np.linspace(133.0, 133.2, 121)
    a = pd.DataFrame({"mmsi": 1, "timestamp": t, "lon": lon, "lat": 42.0})
    later = a.assign(timestamp=a["timestamp"] + pd.Timedelta(hours=10))  # after a 8 h silence
    two = pd.concat([a, later, a.assign(mmsi=2)], ignore_index=True)
    raw = thin_tracks(two, every_minutes=15, break_hours=6, tolerance_deg=0)
    # 121 one-minute reports span 2 h: bins :00 :15 ... 2:00 -> 9 points per segment
    assert raw.groupby("segment").size().tolist() == [9, 9, 9]
    assert raw.groupby("mmsi")["segment"].nunique().to_dict() == {1: 2, 2: 1}
    assert raw["lon"].iloc[:9].tolist() == pytest.approx(list(lon[::15]), abs=1e-4)
    straight = thin_tracks(two, every_minutes=15, break_hours=6, tolerance_deg=0.001)
    assert straight.groupby("segment").size().tolist() == [2, 2, 2]  # straight line: its ends
    lonely = pd.DataFrame({"mmsi": [3], "timestamp": t[:1], "lon": [133.0], "lat": [42.0]})
    assert thin_tracks(lonely).empty  # one point is no line
    assert thin_tracks(a.assign(lon=np.nan)).empty


@pytest.fixture(scope="module")
def fixture_page(tmp_path_factory, vostochny_case):
    case = vostochny_case
    data, ports, sightings, result = case.data, case.ports, case.sightings, case.result
    path = write_map(result, data.positions, data.statics, ports,
                     tmp_path_factory.mktemp("map") / "sub" / "vostochny_2024.html",
                     sightings=sightings)
    return path, path.read_text(encoding="utf-8"), result, sightings


def test_fixture_map_is_small_offline_and_complete(fixture_page):
    path, page, result, sightings = fixture_page
    size_mb = path.stat().st_size / 1e6
    assert 0.3 < size_mb < 10.0
    # offline: nothing loaded from elsewhere (the one https link is Leaflet's attribution)
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=", page, flags=re.IGNORECASE)
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page
    assert 'version="1.9.4"' in page  # Leaflet inlined
    assert "jQuery v3.7.1" in page
    assert "data:image/png;base64," in page  # layer-control icon from the inlined CSS
    # layers: the optional online tiles are off at first, the land base is shipped
    assert "OpenStreetMap tiles (online)" in page
    # land from vesseltrack.land: GSHHG at full resolution around the terminal, coarser
    # (intermediate) over the whole area the tracks cover (Nampo to Vostochny, ~1,200 km)
    assert "Land (GSHHG 2.3.7 full, GSHHG 2.3.7 intermediate)" in page
    # markers: one per call at every fence; 43 loaded departures in their own class
    assert page.count('"className": "vt-call vt-loaded"') == len(result.loaded) == 43
    n_calls = page.count('"className": "vt-call')
    assert n_calls == len(result.all_calls)
    assert page.count('"className": "vt-gap"') == len(result.gaps)
    assert page.count('"className": "vt-sighting"') == len(sightings)
    assert page.count('"dashArray": "6 6"') == len(result.gaps)
    # one visible layer per tanker with a loaded departure
    for name in result.loaded["name"].dropna().unique():
        assert f"Track: {name} (" in page
    assert "Loaded departures (43)" in page
    # popups carry the evidence fields
    first = result.loaded.sort_values("arrival").iloc[0]
    assert f"<td>{first['mmsi']}</td>" in page
    assert "Cargo method" in page and "Departure draught" in page


def _fit_bounds(page: str) -> tuple[float, float, float, float]:
    # the map script's call comes last (Leaflet's own code has one for the whole world)
    found = re.findall(r"\.fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\],\s*\[([-\d.]+),\s*"
                       r"([-\d.]+)\]\]", page)
    assert found
    south, west, north, east = map(float, found[-1])
    return south, west, north, east


def test_fixture_map_is_fitted_to_the_terminal(fixture_page):
    _, page, result, _ = fixture_page
    south, west, north, east = _fit_bounds(page)
    # the calls at the terminal and the terminal fence (133.062-133.076 E, 42.748-42.756 N),
    # padded by a quarter of their size but at least 0.04 deg: not the tracks to Nampo
    assert west < 133.062 - 0.039 and east > 133.076 + 0.039
    assert south < 42.748 - 0.039 and north > 42.756 + 0.039
    assert east - west < 0.15 and north - south < 0.15


def test_view_fits_the_calls_not_fences_far_away():
    from shapely.geometry import box

    result, positions, statics, ports, sightings = hostile_case()
    far = ports.iloc[[0]].copy()
    far["name"] = pd.array(["Far away fence"], dtype="string")
    far["geometry"] = [box(-10.0, 50.0, -9.9, 50.1)]  # off Ireland, 8,500 km away
    with_far = pd.concat([ports, far], ignore_index=True)
    page = map_html(build_map(result, positions, statics, with_far, sightings=sightings))
    south, west, north, east = _fit_bounds(page)
    assert west > 130.0 and south > 40.0  # still the call at the terminal and its tracks
    assert east - west < 5.0


def test_one_collapsed_layer_tree_with_vessels_and_flags_grouped(fixture_page):
    _, page, result, _ = fixture_page
    assert page.count("L.control.layers.tree(") == 1
    assert "L.control.layers(" not in page  # no second, flat control
    tree = page[page.index("L.control.layers.tree("):]
    tree = tree[: tree.index(".addTo(")]
    assert '"collapsed": true' in tree
    assert '"label": "Watched vessels (12)"' in tree
    # each of the 12 vessels with a loaded departure has its own toggle under that entry
    watched = tree[tree.index("Watched vessels (12)"):tree.index("Other traffic by flag")]
    for mmsi in result.loaded["mmsi"].unique():
        assert f"({mmsi})" in watched
    assert watched.count('"layer":') == 12
    # the rest of the traffic by flag, hidden at first, e.g. the Russian vessels
    other = tree[tree.index("Other traffic by flag"):tree.index("Geofences")]
    assert '"label": "flag RU (' in other
    assert "L.Control.Layers.Tree" in page  # the plugin's script is in the page itself
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page


def test_time_slider_is_offline_and_draws_the_watched_vessels(vostochny_case, tmp_path):
    case = vostochny_case
    path = write_map(case.result, case.data.positions, case.data.statics, case.ports,
                     tmp_path / "slider.html", sightings=case.sightings, time_slider=True)
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=", page, flags=re.IGNORECASE)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert "L.TimeDimension" in page and "nezasa" in page and "moment" in page
    assert page.count('"className":"vt-slider-track"') == 12  # one line per watched vessel
    assert path.stat().st_size < 3_000_000


def test_map_html_is_deterministic():
    result, positions, statics, ports, sightings = hostile_case()
    pages = [map_html(build_map(result, positions, statics, ports, sightings=sightings))
             for _ in range(2)]
    assert pages[0] == pages[1]
    assert re.search(r"map_000000\b", pages[0])
    assert not re.search(r"_[0-9a-f]{32}(?![0-9A-Za-z])", pages[0])


def test_write_map_is_atomic_and_creates_folders(tmp_path):
    result, positions, statics, ports, sightings = hostile_case()
    out = write_map(result, positions, statics, ports, tmp_path / "a" / "b" / "m.html",
                    online_tiles=False)
    assert out.exists()
    assert [p.name for p in out.parent.iterdir()] == ["m.html"]  # no temporary left behind
    assert "OpenStreetMap" not in out.read_text(encoding="utf-8")


def test_map_without_calls_or_positions_still_renders():
    _, positions, statics, ports, _ = hostile_case()
    nothing = count_port_calls(positions, statics, ports, flag="ZZ")
    assert len(nothing.port_calls) == 0 and len(nothing.gaps) == 0
    page = map_html(build_map(nothing, positions, statics, ports))
    assert "Loaded departures (0)" in page
    assert '"className": "vt-call vt-loaded"' not in page
    # the vessel's calls at both fences are still drawn, greyed, in the hidden layer
    assert page.count('"className": "vt-call vt-other"') == len(nothing.all_calls) > 0
    empty = positions.iloc[0:0]
    none_at_all = count_port_calls(empty, statics.iloc[0:0], ports)
    page = map_html(build_map(none_at_all, empty, None, ports, title="empty"))
    assert "vt-track" not in page and "fitBounds" in page
