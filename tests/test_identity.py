"""Identity checks on the SYNTHETIC identity scenario, whose truth the generator states, and on
small hand-made frames."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vesseltrack.identity import IDENTITY_COLUMNS, check_identity, score_findings

ROOT = Path(__file__).resolve().parents[1]
FX = ROOT / "data" / "fixtures"
NMEA = FX / "identity_2024.nmea.gz"
WATCHLIST = ROOT / "data" / "watchlists" / "sample_watchlist.csv"
T0 = pd.Timestamp("2024-06-01", tz="UTC")

# The six background tankers of the scenario that carry one-off wild positions (the
# generator's ten background tankers are 273/445/352/412 × 1e6 + 610000 + k; k >= 4 are wild)
WILD = [int([273, 445, 352, 412][k % 4] * 1_000_000 + 610_000 + k) for k in range(4, 10)]


@pytest.fixture(scope="module")
def case():
    from vesseltrack.io import read_ais
    from vesseltrack.registry import read_registry
    from vesseltrack.watchlist import read_watchlist

    data = read_ais([NMEA], progress=False)
    findings = check_identity(data.positions, data.statics,
                              registry=read_registry(FX / "identity_2024_registry.csv"),
                              watchlist=read_watchlist(WATCHLIST))
    truth = pd.read_csv(FX / "identity_2024_truth.csv")
    return data, findings, truth


def test_columns(case):
    assert tuple(case[1].columns) == IDENTITY_COLUMNS


def test_every_planted_finding_is_found(case):
    score = score_findings(case[1], case[2])
    assert score["recall"].tolist() == [1.0] * len(score)


def test_no_finding_that_was_not_planted(case):
    score = score_findings(case[1], case[2])
    assert score["precision"].tolist() == [1.0] * len(score)


def test_one_finding_per_planted_row(case):
    # 21 truth rows, one finding each
    assert len(case[1]) == len(case[2]) == 21


def test_wild_positions_make_no_shared_mmsi(case):
    shared = case[1].loc[case[1]["kind"] == "shared-mmsi", "mmsi"].astype(int).tolist()
    assert (sorted(shared), set(WILD) & set(shared)) == ([273600002, 445600001], set())


def test_wild_vessels_have_no_finding_at_all(case):
    assert not case[1]["mmsi"].dropna().astype(int).isin(WILD).any()


def test_jamming_is_one_area_row_without_mmsi(case):
    f = case[1]
    area = f.loc[(f["kind"] == "spoofed-position") & f["mmsi"].isna()]
    assert area["evidence_count"].tolist() == [4]  # four tankers jammed at once


def test_jammed_tankers_are_not_flagged_one_by_one(case):
    jammed = [int([273, 445, 352, 412][k % 4] * 1_000_000 + 610_000 + k) for k in range(4)]
    assert not case[1]["mmsi"].dropna().astype(int).isin(jammed).any()


def test_mmsi_change_is_on_the_new_mmsi(case):
    f = case[1]
    row = f.loc[f["kind"] == "mmsi-change"].iloc[0]
    assert (int(row["mmsi"]), row["details"].split(": ")[1]) == (
        445600011, "MMSI 445600010 -> 445600011")


def test_swap_is_not_also_an_mmsi_change(case):
    f = case[1]
    assert f.loc[f["kind"] == "mmsi-change", "mmsi"].astype(int).tolist() == [445600011]


def test_invalid_imo_is_the_planted_number(case):
    # 1234568: 1×7 + 2×6 + 3×5 + 4×4 + 5×3 + 6×2 = 77, check digit 7, not 8
    f = case[1]
    assert f.loc[f["kind"] == "invalid-imo", "details"].tolist() == [
        "IMO 1234568 fails its check digit"]


def test_circle_spoofing_window(case):
    # planted: day 4 (2024-06-05) 00:00 to 12:00; reports every 15 min with a phase
    f = case[1]
    row = f.loc[(f["kind"] == "spoofed-position") & f["mmsi"].notna()].iloc[0]
    assert (row["start"] >= pd.Timestamp("2024-06-05T00:00Z"),
            row["end"] <= pd.Timestamp("2024-06-05T12:00Z")) == (True, True)


def test_params_recorded(case):
    assert case[1].attrs["params"]["identity"]["segments"]["split_speed_knots"] == 40.0


def test_name_change_needs_two_reports():
    # one garbled report between good ones is no new identity
    t = T0 + pd.to_timedelta([0, 1, 2, 3, 4], unit="h")
    statics = pd.DataFrame({"mmsi": 445000001, "timestamp": t, "imo": pd.array([pd.NA] * 5,
                            dtype="Int64"),
                            "name": ["SEA STAR"] * 2 + ["SEA STAX"] + ["SEA STAR"] * 2,
                            "callsign": ""})
    positions = pd.DataFrame({"mmsi": [445000001], "timestamp": [T0], "lon": [130.0],
                              "lat": [40.0], "sog_knots": [5.0]})
    assert len(check_identity(positions, statics)) == 0


def test_rename_is_a_name_change():
    t = T0 + pd.to_timedelta(np.arange(4), unit="h")
    statics = pd.DataFrame({"mmsi": 445000001, "timestamp": t, "imo": pd.array([pd.NA] * 4,
                            dtype="Int64"),
                            "name": ["SEA STAR", "SEA STAR", "OCEAN GLORY", "OCEAN GLORY"],
                            "callsign": ""})
    positions = pd.DataFrame({"mmsi": [445000001], "timestamp": [T0], "lon": [130.0],
                              "lat": [40.0], "sog_knots": [5.0]})
    f = check_identity(positions, statics)
    assert f[["kind", "details"]].values.tolist() == [["name-change", "SEA STAR -> OCEAN GLORY"]]


def test_default_mmsi_is_invalid():
    positions = pd.DataFrame({"mmsi": [0, 0], "timestamp": [T0, T0 + pd.Timedelta(hours=1)],
                              "lon": [130.0, 130.01], "lat": [40.0, 40.0],
                              "sog_knots": [5.0, 5.0]})
    f = check_identity(positions, None)
    assert f[["kind", "evidence_count"]].values.tolist() == [["invalid-mmsi", 2]]


def test_cli_identity_json(tmp_path, capsys):
    from vesseltrack.cli import main

    rc = main(["identity", str(NMEA), "--registry", str(FX / "identity_2024_registry.csv"),
               "--watchlist", str(WATCHLIST), "--json", "-q", "--out", str(tmp_path)])
    out = json.loads(capsys.readouterr().out)
    # 21 truth rows over 14 MMSIs: 2 shared, 1 new MMSI, 2 swapped, 1 renamed, 1 new IMO,
    # 1 new call sign, 123456789, bad IMO, flag, circle, 2 listed (the area has no MMSI)
    header = (tmp_path / "identity.csv").read_text().splitlines()[0]
    assert (rc, out["by_kind"]["shared-mmsi"], out["vessels_flagged"], header) == (
        0, 2, 14, "mmsi,kind,start,end,details,evidence_count")


def test_cli_missing_watchlist_is_one_line_error(capsys):
    from vesseltrack.cli import main

    rc = main(["identity", str(NMEA), "--watchlist", "/nonexistent/list.csv", "-q"])
    err = capsys.readouterr().err
    assert (rc, err.count("\n"), "no such file" in err) == (1, 1, True)


def test_fixture_regenerates_byte_for_byte(tmp_path):
    from vesseltrack.synth import write_identity_fixture

    paths = write_identity_fixture(tmp_path / "identity_2024.nmea.gz")
    same = [p.read_bytes() == (FX / p.name).read_bytes() for p in paths.values()]
    assert same == [True] * 5
