"""The report: Markdown text, escaping, coverage figures and the four PNG charts."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd
import pytest
from test_maps import HOSTILE_DESTINATION, HOSTILE_NAME, hostile_case

from vesseltrack.report import CHART_FILES, md_text, render_report, write_report

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (HOSTILE_NAME, "&lt;SVG/ONLOAD=ALERT()&gt;"),
        (HOSTILE_DESTINATION, "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a|b", "a\\|b"),
        ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),
        ("**bold** _it_ `code` ~x~ #h", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~x\\~ \\#h"),
        ("two\nlines\r\n  here", "two lines here"),
        ("back\\slash & co", "back\\\\slash &amp; co"),
        (None, "–"),
        (float("nan"), "–"),
        ("SAM MA 2", "SAM MA 2"),
    ],
)
def test_md_text(raw, text):
    assert md_text(raw) == text


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory, vostochny_case):
    data, registry, result = vostochny_case.data, vostochny_case.registry, vostochny_case.result
    summary = result.summary(data.report.to_dict())
    out = tmp_path_factory.mktemp("report") / "out"
    path = write_report(result, summary, data.positions, data.statics, out, registry=registry)
    return path, path.read_text(encoding="utf-8"), result, summary, registry


def test_report_states_it_is_no_legal_finding_and_gives_the_summary(fixture_report):
    path, text, result, summary, _ = fixture_report
    assert path.name == "report.md"
    assert "not a legal finding" in text.split("## Summary")[0]
    bbl = int(round(result.loaded["cargo_bbl"].sum()))
    assert bbl == summary["estimated_bbl"] > 1_000_000
    assert f"| estimated cargo | {bbl:,} bbl (" in text
    assert f"| loaded departures | {len(result.loaded):,} |" in text
    assert f"| vessels with a loaded departure | {result.loaded['mmsi'].nunique():,} |" in text
    assert f"| estimate / cap | {bbl / 500_000:.2f} × |" in text
    for ev, n in result.loaded["evidence"].value_counts().items():
        assert f"| loaded departures with evidence {ev} | {n:,} |" in text
    assert f"| lines | {summary['input']['lines']:,} |" in text
    assert f"| bad lines | {summary['input']['bad_lines']:,} |" in text


def test_report_coverage_counts_match_the_calls(fixture_report):
    _, text, result, _, _ = fixture_report
    calls = result.port_calls
    n = len(calls)
    ev = calls["evidence"].astype(str)
    on_gap = int(ev.str.contains("ais-gap", regex=False).sum())
    on_sighting = int(ev.str.contains("sighting", regex=False).sum())
    draught = int((calls["arrival_draught_m"].notna()
                   & calls["departure_draught_m"].notna()).sum())
    assert 0 < on_gap < n and 0 < on_sighting < n
    assert (f"| calls that rest on an AIS gap (vessel dark at the fence) | {on_gap} of {n} "
            f"({on_gap / n:.0%}) |") in text
    assert f"| calls confirmed or found by a sighting | {on_sighting} of {n} (" in text
    assert f"| calls with an arrival and a departure draught reported | {draught} of {n} (" in text
    # the fixture's stale-draught calls are reported but not usable: the truth says how many
    truth = pd.read_csv(ROOT / "data" / "fixtures" / "vostochny_2024_truth.csv")
    usable = int(truth["draught_updated"].sum())
    assert usable < n
    assert f"| calls with a usable draught (it changed during the call) | {usable} of {n} (" in text
    for method, k in result.loaded["cargo_method"].value_counts().items():
        assert f"cargo by method {method} | {k} of {len(result.loaded)} |" in text


def test_report_lists_every_loaded_departure_and_the_parameters(fixture_report):
    _, text, result, summary, registry = fixture_report
    table = text.split("## Loaded departures")[1]
    rows = [ln for ln in table.splitlines() if ln.startswith("| ") and "---" not in ln]
    assert len(rows) == len(result.loaded) + 1  # header + one row per departure
    first = result.loaded.sort_values("departure").iloc[0]
    dwt = registry.set_index("mmsi").loc[first["mmsi"], "dwt_t"]
    imo = "–" if pd.isna(first["imo"]) else first["imo"]  # no IMO published for this one
    assert rows[1].startswith(f"| {first['name']} | {imo} | {first['mmsi']} | KP | "
                              f"{int(dwt):,} | {first['arrival']:%Y-%m-%d %H:%M} |")
    assert all(r.count(" | ") == 11 for r in rows)  # 12 columns, none broken by data
    assert "| port\\_calls | min\\_dwell\\_hours | 2.0 |" in text
    assert f"| gaps | min\\_gap\\_hours | {summary['params']['gaps']['min_gap_hours']} |" in text


def test_report_charts_are_pngs_of_the_expected_size(fixture_report):
    path, text, _, _, _ = fixture_report
    for name in CHART_FILES.values():
        png = path.parent / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        image = mpimg.imread(png)
        assert image.shape[0] >= 300 and image.shape[1] >= 800  # 110 dpi, 8-9 in wide
        assert image[..., :3].std() > 0.05  # something drawn, not a blank canvas
        assert f"]({name})" in text


def test_report_neutralises_hostile_text(tmp_path):
    result, positions, statics, ports, sightings = hostile_case()
    summary = result.summary({"files": 1, "failed_files": ["<img src=x onerror=alert(7)>.nmea"]})
    path = write_report(result, summary, positions, statics, tmp_path)
    text = path.read_text(encoding="utf-8")
    for raw in (HOSTILE_NAME, HOSTILE_DESTINATION, "<script", "<img", "<b ", "`<b"):
        assert raw not in text
    assert "| &lt;SVG/ONLOAD=ALERT()&gt; | 9999999 | 445000123 | KP |" in text
    assert "Terminal \\`&lt;b onmouseover=\"alert(5)\"&gt;x&lt;/b&gt;\\` \\\\" in text
    assert "- failed: &lt;img src=x onerror=alert(7)&gt;.nmea" in text


def test_render_report_without_loaded_departures(tmp_path):
    result, positions, statics, ports, _ = hostile_case()
    result.port_calls = result.port_calls.iloc[0:0]
    text = render_report(result, result.summary(), charts={})
    assert "| loaded departures | 0 |" in text
    assert "![" not in text
    paths = write_report(result, result.summary(), positions, statics, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*CHART_FILES.values(),
                                                                  paths.name])
