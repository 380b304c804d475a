"""Watchlists: both formats, and the match order IMO, MMSI, name."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from vesseltrack.watchlist import match_watchlist, name_key, read_watchlist

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "data" / "watchlists" / "sample_watchlist.csv"
FTM = ROOT / "data" / "watchlists" / "sample_watchlist.ftm.jsonl"


def test_csv_sample_has_the_eight_verified_imos():
    w = read_watchlist(CSV)
    assert sorted(w["imo"].astype(int)) == [7303803, 7389704, 8106496, 8312497, 8660313,
                                            8691702, 8705539, 8916293]


def test_ftm_rows_per_name_and_alias():
    # 8 entities, one with a previous name: 9 rows
    w = read_watchlist(FTM)
    assert (len(w), w.loc[w["name"] == "New Regent", "imo"].tolist()) == (9, [8312497])


def test_ftm_skips_other_schemas_and_parses_imo_prefix(tmp_path):
    path = tmp_path / "list.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in [
        {"schema": "Person", "properties": {"name": ["Someone"]}},
        {"schema": "Vessel", "properties": {"name": ["Sea Star"], "imoNumber": ["IMO 9074729"],
                                            "mmsi": ["273123456"], "flag": ["ru"]},
         "datasets": ["demo"]},
    ]) + "\n")
    w = read_watchlist(path)
    assert w[["imo", "mmsi", "flag", "list"]].astype(str).values.tolist() == [
        ["9074729", "273123456", "RU", "demo"]]


def test_name_key():
    assert name_key(pd.Series(["Kum Un San No.3", "paek-yang-san 1", None])).tolist() == [
        "KUM UN SAN 3", "PAEK YANG SAN 1", ""]


def test_match_order_imo_then_mmsi_then_name():
    w = pd.DataFrame({"imo": pd.array([8106496, pd.NA, pd.NA], dtype="Int64"),
                      "mmsi": pd.array([pd.NA, 445000002, pd.NA], dtype="Int64"),
                      "name": ["SAM MA 2", "LISTED BY MMSI", "KUM UN SAN 3"],
                      "flag": "KP", "list": "demo", "program": ""})
    w["name_key"] = name_key(w["name"])
    v = pd.DataFrame({"mmsi": [445000001, 445000002, 445000003, 445000004],
                      "imo": pd.array([8106496, pd.NA, pd.NA, pd.NA], dtype="Int64"),
                      "name": ["OTHER", "OTHER", "KUMUNSAN 3", "KUM UN SAN 4"]})
    hits = match_watchlist(v, w)
    assert hits[["mmsi", "matched_by"]].values.tolist() == [
        [445000001, "imo"], [445000002, "mmsi"], [445000003, "name"]]


def test_different_number_is_a_different_ship():
    w = read_watchlist(CSV)
    v = pd.DataFrame({"mmsi": [1], "name": ["SAM MA 3"]})
    assert len(match_watchlist(v, w)) == 0


def test_csv_without_identifier_columns_is_an_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("flag,list\nKP,x\n")
    try:
        read_watchlist(path)
    except ValueError as exc:
        assert "imo, mmsi or name" in str(exc)
    else:
        raise AssertionError("no error")


def test_count_marks_calls_of_listed_vessels(vostochny_case):
    from vesseltrack.watchlist import mark_listed_calls

    c = vostochny_case
    marked = mark_listed_calls(c.result, read_watchlist(CSV), c.data.statics)
    listed = set(marked.port_calls.loc[marked.port_calls["watchlist"] != "", "mmsi"])
    # independently: the registry's MMSIs whose IMO is on the sample list, among the callers
    imos = set(read_watchlist(CSV)["imo"].astype(int))
    reg = c.registry.loc[c.registry["imo"].notna()]
    expected = set(reg.loc[reg["imo"].astype(int).isin(imos), "mmsi"].astype(int))
    assert listed == expected & set(c.result.port_calls["mmsi"])


def test_summary_counts_marked_calls(vostochny_case):
    from vesseltrack.watchlist import mark_listed_calls

    c = vostochny_case
    marked = mark_listed_calls(c.result, read_watchlist(CSV), c.data.statics)
    n = int((marked.port_calls["watchlist"] != "").sum())
    assert marked.summary()["watchlist"]["calls"] == n


def test_cli_count_watchlist_json(capsys):
    from vesseltrack.cli import main

    fx = ROOT / "data" / "fixtures"
    rc = main(["count", str(fx / "identity_2024.nmea.gz"), "--ports",
               str(fx / "identity_2024_ports.geojson"), "--watchlist", str(CSV), "--json",
               "-q"])
    out = json.loads(capsys.readouterr().out)
    # the listed tankers (445600050, 445600051) call at no berth: no marked call
    assert (rc, out["watchlist"]) == (0, {"calls": 0, "loaded_departures": 0, "vessels": 0})


def test_readable_summary_names_watchlisted_calls():
    from vesseltrack.report import format_summary

    summary = {"port_calls": 5, "loaded_departures": 3, "vessels": 2, "estimated_bbl": 0,
               "un_cap_bbl": 500000, "watchlist": {"calls": 4, "loaded_departures": 2,
                                                   "vessels": 1}}
    line = [x for x in format_summary(summary).splitlines() if x.startswith("watchlisted")]
    # keys padded to the longest, "  not ships (MMSI left out)" (27 characters), then two
    # spaces: "watchlisted calls" (17) + 10 + 2 = 12 spaces before the figure
    assert line == ["watchlisted calls" + " " * 12 + "4 (2 loaded departures) by 1 vessels"]


def test_map_rings_calls_of_listed_vessels(vostochny_case, tmp_path):
    from vesseltrack.maps import write_map
    from vesseltrack.watchlist import mark_listed_calls

    c = vostochny_case
    marked = mark_listed_calls(c.result, read_watchlist(CSV), c.data.statics)
    out = tmp_path / "map.html"
    write_map(marked, c.data.positions, c.data.statics, c.ports, out)
    html = out.read_text()
    assert ("vt-listed" in html, "call by a vessel on the watchlist" in html) == (True, True)
