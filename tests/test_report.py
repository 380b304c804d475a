"""The report: Markdown text, escaping, coverage figures and the four PNG charts."""

from __future__ import annotations

import json
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


TRUTH = ROOT / "data" / "fixtures" / "vostochny_2024_truth.csv"
COUNTS = ROOT / "data" / "fixtures" / "vostochny_2024_counts.json"
UN_CAP_BBL = 500_000  # UN Security Council resolution 2397 (2017): refined products per year


def _truth() -> pd.DataFrame:
    return pd.read_csv(TRUTH)


def _row(text: str, label: str) -> str:
    """The value cell of the Markdown table row ``| label | value |``."""
    (line,) = [ln for ln in text.splitlines() if ln.startswith(f"| {label} | ")]
    return line[len(f"| {label} | "):].rsplit(" |", 1)[0]


def test_report_says_it_is_no_legal_finding(fixture_report):
    _, text, _, _, _ = fixture_report
    assert "not a legal finding" in text.split("## Summary")[0]


def test_report_summary_counts_are_the_truth(fixture_report):
    # the generator's truth: 43 loaded departures by 12 vessels
    _, text, _, _, _ = fixture_report
    truth = _truth()
    got = (_row(text, "loaded departures"), _row(text, "vessels with a loaded departure"))
    assert got == (f"{len(truth):,}", f"{truth['mmsi'].nunique():,}")


def test_report_estimated_cargo_within_one_percent_of_the_truth(fixture_report):
    _, text, _, _, _ = fixture_report
    bbl = int(_row(text, "estimated cargo").split(" bbl")[0].replace(",", ""))
    true_bbl = _truth()["cargo_bbl"].sum()
    assert abs(bbl - true_bbl) / true_bbl < 0.01


def test_report_estimate_over_the_un_cap(fixture_report):
    _, text, _, _, _ = fixture_report
    bbl = int(_row(text, "estimated cargo").split(" bbl")[0].replace(",", ""))
    assert _row(text, "estimate / cap") == f"{bbl / UN_CAP_BBL:.2f} ×"


def test_report_evidence_counts_are_the_truth(fixture_report):
    # evidence follows from the truth: AIS at the terminal or an AIS gap, plus a sighting
    _, text, _, _, _ = fixture_report
    truth = _truth()
    kind = (truth["ais_at_terminal"].map({True: "ais", False: "ais-gap"})
            + truth["sighted"].map({True: "+sighting", False: ""}))
    got = {ev: _row(text, f"loaded departures with evidence {ev}") for ev in kind.unique()}
    assert got == {ev: f"{n:,}" for ev, n in kind.value_counts().items()}


def test_report_input_lines_are_the_generators(fixture_report):
    _, text, _, _, _ = fixture_report
    counts = json.loads(COUNTS.read_text())
    got = (_row(text, "lines"), _row(text, "bad lines"))
    assert got == (f"{counts['lines']:,}", f"{counts['bad_lines']:,}")


def test_report_coverage_counts_are_the_truth(fixture_report):
    _, text, _, _, _ = fixture_report
    truth = _truth()
    n = len(truth)  # the terminal's KP calls are exactly the truth's loaded departures
    dark = int((~truth["ais_at_terminal"]).sum())
    sighted = int(truth["sighted"].sum())
    usable = int(truth["draught_updated"].sum())
    stale = n - usable  # those rest on a laden sighting's assumed fill
    got = (
        _row(text, "calls that rest on an AIS gap (vessel dark at the fence)"),
        _row(text, "calls confirmed or found by a sighting").split(" (")[0],
        _row(text, "calls with a usable draught (it changed during the call)").split(" (")[0],
        _row(text, "loaded departures, cargo by method draught"),
        _row(text, "loaded departures, cargo by method laden-sighting-fill"),
    )
    assert got == (f"{dark} of {n} ({dark / n:.0%})", f"{sighted} of {n}", f"{usable} of {n}",
                   f"{usable} of {n}", f"{stale} of {n}")


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


# --------------------------------------------------------------------------------------------
# any case: no registry, another flag, a cap given or none, many vessels


def _count_fixture(case, **kw):
    from vesseltrack.count import count_port_calls

    return count_port_calls(case.data.positions, case.data.statics, case.ports,
                            sightings=case.sightings, port="Vostochny oil terminal", **kw)


@pytest.fixture(scope="module")
def no_registry_report(tmp_path_factory, vostochny_case):
    result = _count_fixture(vostochny_case, flag="KP")  # no registry given
    summary = result.summary(vostochny_case.data.report.to_dict())
    out = tmp_path_factory.mktemp("noreg")
    path = write_report(result, summary, None, vostochny_case.data.statics, out)
    return path.read_text(encoding="utf-8"), result, summary


def test_no_registry_gives_na_and_why_not_zero(no_registry_report):
    from vesseltrack.report import format_summary

    text, result, summary = no_registry_report
    assert len(result.loaded) == 43  # draughts still tell loaded from ballast
    assert summary["estimated_bbl"] is None and summary["estimated_t"] is None
    assert "no vessel registry" in summary["cargo_note"]
    assert _row(text, "estimated cargo").startswith("n/a (no vessel registry given")
    assert "| 0 bbl" not in text
    table = format_summary(summary)
    assert "n/a (no vessel registry given" in table and " 0 bbl" not in table
    # the UN cap still applies to a DPRK count, but there is no estimate to divide
    assert _row(text, "UN cap (res. 2397, refined petroleum)") == "500,000 bbl per 12 months"
    assert summary["un_cap_multiple"] is None
    assert not [ln for ln in text.splitlines() if ln.startswith("| estimate / cap |")]


@pytest.fixture(scope="module")
def russian_report(tmp_path_factory, vostochny_case):
    case = vostochny_case
    result = _count_fixture(case, flag="RU", registry=case.registry)
    summary = result.summary(case.data.report.to_dict())
    out = tmp_path_factory.mktemp("ru")
    path = write_report(result, summary, None, case.data.statics, out, registry=case.registry)
    return path, path.read_text(encoding="utf-8"), result, summary


def test_non_kp_run_has_no_cap(russian_report):
    from vesseltrack.report import format_summary

    _, text, result, summary = russian_report
    # background Russian product tankers load at the terminal: 60 true calls, of which the
    # Russian-flagged ones are counted here (fixture background truth)
    bg = pd.read_csv(ROOT / "data" / "fixtures" / "vostochny_2024_background_truth.csv")
    ru = bg[(bg["port"] == "Vostochny oil terminal") & bg["mmsi"].astype(str).str.startswith("273")]
    assert len(result.port_calls) == len(ru) > 0
    assert summary["un_cap_bbl"] is None and summary["un_cap_multiple"] is None
    assert "cap" not in text.lower() and "2397" not in text
    assert "cap" not in format_summary(summary).lower()
    # the registry lists DPRK tankers only: no Russian tanker's cargo can be estimated
    assert summary["estimated_bbl"] is None
    assert _row(text, "estimated cargo").startswith("n/a (no loaded departure's vessel is in "
                                                    "the registry")


def test_wording_is_neutral(fixture_report, russian_report, no_registry_report):
    for text in (fixture_report[1], russian_report[1], no_registry_report[0]):
        low = text.lower()
        assert "refined products" not in low and "busiest" not in low
    assert "Draught timeline of the vessel with most loaded departures" in fixture_report[1]


def test_cap_given_for_another_flag(vostochny_case):
    result = _count_fixture(vostochny_case, flag="RU", registry=vostochny_case.registry,
                            cap_bbl=750_000)
    summary = result.summary()
    assert summary["un_cap_bbl"] == 750_000
    text = render_report(result, summary, charts={})
    assert _row(text, "cap (given with --cap-bbl)") == "750,000 bbl per 12 months"
    assert "2397" not in text


def test_calls_per_vessel_top_20_and_others():
    from vesseltrack.report import calls_per_vessel

    # 1,000 vessels: vessel k (k = 0..999) has k % 7 + 1 calls, the first of them loaded
    mmsi = [273_000_000 + k for k in range(1000) for _ in range(k % 7 + 1)]
    first = [j == 0 for k in range(1000) for j in range(k % 7 + 1)]
    calls = pd.DataFrame({"mmsi": mmsi,
                          "load_state": ["loaded" if f else "ballast" for f in first]})
    per = calls_per_vessel(calls)
    assert len(per) == 21
    assert per.index[-1] == "others (980 vessels)"
    assert (per["all"].iloc[:20] == 7).all()  # 142 vessels have 7 calls; the first 20 shown
    assert per["all"].sum() == len(calls) and per["loaded"].sum() == 1000
    small = calls_per_vessel(calls[calls["mmsi"] < 273_000_010])
    assert len(small) == 10 and not any(isinstance(i, str) for i in small.index)


def test_calls_per_vessel_chart_stays_a_sane_height(tmp_path):
    from types import SimpleNamespace

    from vesseltrack.report import plot_charts

    n = 1000
    t = pd.Timestamp("2024-05-01T00:00:00Z") + pd.to_timedelta(range(n), unit="h")
    calls = pd.DataFrame({
        "mmsi": range(273_000_000, 273_000_000 + n), "name": [f"V{k}" for k in range(n)],
        "load_state": "loaded", "arrival": t, "departure": t + pd.Timedelta(hours=20),
        "evidence": "ais", "cargo_bbl": 1000.0,
    })
    result = SimpleNamespace(port_calls=calls, loaded=calls, ports=["Somewhere"], flag=None,
                             cap_bbl=None, registry_given=True)
    paths = plot_charts(result, None, tmp_path)
    height_px = mpimg.imread(paths["per_vessel"]).shape[0]
    # 21 bars: max(3, 0.35 x 21 + 1.2) = 8.55 in at 110 dpi = 940 px (it was 0.35 in a bar
    # for every vessel: 351 in, 38,600 px, for 1,000 vessels)
    assert height_px == 940
