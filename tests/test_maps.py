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
    # the only <script> tags are ours: Leaflet, jQuery, folium's switches and map script
    assert len(re.findall(r"<script[\s>/]", page, flags=re.IGNORECASE)) == 4


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
    assert "Land (Natural Earth 1:10m, offline)" in page
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


def test_fixture_map_is_fitted_to_the_terminal(fixture_page):
    _, page, _, _ = fixture_page
    m = re.search(r"\.fitBounds\(\s*\[\[([\d.]+),\s*([\d.]+)\],\s*\[([\d.]+),\s*([\d.]+)\]\]",
                  page)
    assert m is not None
    south, west, north, east = map(float, m.groups())
    # terminal fence 133.062-133.076 E, 42.748-42.756 N (docs/method.md), padded by 1.5 x 0.014 deg
    assert south == pytest.approx(42.748 - 0.021, abs=1e-6)
    assert east == pytest.approx(133.076 + 0.021, abs=1e-6)
    assert west < 133.062 and north > 42.756


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
