"""Unit tests of vesseltrack.registry: registry and sightings readers, sighting matching."""

from __future__ import annotations

import pandas as pd
import pytest
from _builders import (
    REGISTRY_HEADER,
    SIGHTINGS_HEADER,
    make_statics,
    write_registry,
    write_sightings,
)

from vesseltrack.registry import (
    match_sightings,
    normalise_name,
    read_registry,
    read_sightings,
)

REG_ROWS = [
    "445103968,7389704,RYE SONG GANG 1,KP,3003,84,13.0,5.6,2.7,diesel",
    "445126805,8106496,Sam Ma 2,kp,1720,70,11.0,4.7,2.3,gasoline",
    ",8660313,CHON MA SAN,KP,8600,114,17.6,7.3,3.6,",
]


def test_read_registry_values_and_barrel_factors(tmp_path):
    reg = read_registry(write_registry(tmp_path / "r.csv", REG_ROWS))
    assert reg["mmsi"].tolist()[:2] == [445103968, 445126805] and pd.isna(reg["mmsi"].iloc[2])
    assert reg["imo"].tolist() == [7389704, 8106496, 8660313]
    assert reg["dwt_t"].tolist() == [3003.0, 1720.0, 8600.0]
    assert reg["flag"].tolist() == ["KP", "KP", "KP"]
    # diesel 7.46, gasoline 8.35 (BP); no cargo: NaN (the cargo step applies its default)
    assert reg["bbl_per_t"].tolist()[:2] == [7.46, 8.35] and pd.isna(reg["bbl_per_t"].iloc[2])


def test_bbl_per_t_column_overrides_cargo(tmp_path):
    path = write_registry(tmp_path / "r.csv", [REG_ROWS[0] + ",7.5", REG_ROWS[1] + ","],
                          header=REGISTRY_HEADER + ",bbl_per_t")
    assert read_registry(path)["bbl_per_t"].tolist() == [7.5, 8.35]


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (["2024-01-01T00:00:00Z,133,42,1,,,laden,x"], SIGHTINGS_HEADER, "not a registry file"),
        ([REG_ROWS[0].replace("3003", "three")], REGISTRY_HEADER, "not a number"),
        ([REG_ROWS[0].replace("diesel", "jet")], REGISTRY_HEADER, "unknown cargo"),
        ([REG_ROWS[0].replace("445103968", "445.5")], REGISTRY_HEADER, "whole numbers"),
    ],
)
def test_read_registry_rejects_bad_files(tmp_path, rows, header, message):
    with pytest.raises(ValueError, match=message):
        read_registry(write_registry(tmp_path / "r.csv", rows, header=header))


def test_read_registry_rejects_unreadable(tmp_path):
    with pytest.raises(ValueError, match="not a readable registry"):
        read_registry(tmp_path / "missing.csv")


def test_read_sightings(tmp_path):
    path = write_sightings(tmp_path / "s.csv", [
        "2024-10-21T05:00:00Z,133.0685,42.7522,445118452,,,laden,synthetic: SAR",
        "2024-03-07 12:00,133.07,42.75,,7389704,,ballast,patrol",
        "2024-03-08T00:00:00+09:00,133.07,42.75,,,Wol Bong San,Unknown,",
    ])
    s = read_sightings(path)
    assert str(s["timestamp"].dtype) == "datetime64[ns, UTC]"
    # sorted by time; +09:00 converted; naive taken as UTC
    assert s["timestamp"].tolist() == [pd.Timestamp("2024-03-07T12:00Z"),
                                       pd.Timestamp("2024-03-07T15:00Z"),
                                       pd.Timestamp("2024-10-21T05:00Z")]
    assert s["state"].tolist() == ["ballast", "unknown", "laden"]
    assert s["mmsi"].iloc[2] == 445118452 and s["imo"].iloc[0] == 7389704


@pytest.mark.parametrize(
    ("row", "header", "message"),
    [
        (REG_ROWS[0], REGISTRY_HEADER, "not a sightings file"),
        ("2024-03-07T00:00Z,133,42,1,,,full,x", SIGHTINGS_HEADER, "state must be"),
        ("2024-03-07T00:00Z,200,42,1,,,laden,x", SIGHTINGS_HEADER, "out of range"),
        ("2024-03-07T00:00Z,133,42,,,,laden,x", SIGHTINGS_HEADER, "needs an mmsi"),
        ("yesterday,133,42,1,,,laden,x", SIGHTINGS_HEADER, "bad timestamp"),
    ],
)
def test_read_sightings_rejects_bad_rows(tmp_path, row, header, message):
    with pytest.raises(ValueError, match=message):
        read_sightings(write_sightings(tmp_path / "s.csv", [row], header=header))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Chon  Ma-San", "CHON MA SAN"), (" sam ma 2 ", "SAM MA 2"), ("", None)],
)
def test_normalise_name(raw, expected):
    got = normalise_name(pd.Series([raw], dtype="string")).iloc[0]
    assert (pd.isna(got) and expected is None) or got == expected


def test_match_sightings_by_mmsi_imo_and_name(tmp_path):
    reg = read_registry(write_registry(tmp_path / "r.csv", REG_ROWS))
    statics = pd.concat([
        make_statics([(445118452, "2024-03-01", 3.6)], name="CHON MA SAN", imo=8660313),
        make_statics([(445165938, "2024-03-01", 2.1)], name="WOL BONG SAN"),
        make_statics([(445000001, "2024-03-01", 2.1)], name="TWIN"),
        make_statics([(445000002, "2024-03-01", 2.1)], name="TWIN"),
    ])
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        "2024-03-01T00:00Z,133,42,445999999,8106496,CHON MA SAN,laden,a",  # mmsi wins
        "2024-03-02T00:00Z,133,42,,8106496,,laden,b",                      # imo via registry
        "2024-03-03T00:00Z,133,42,,8660313,,laden,c",                      # imo via statics
        "2024-03-04T00:00Z,133,42,,,wol bong-san,laden,d",                 # name via statics
        "2024-03-05T00:00Z,133,42,,,Rye Song Gang 1,laden,e",              # name via registry
        "2024-03-06T00:00Z,133,42,,,Twin,laden,f",                         # ambiguous name
        "2024-03-07T00:00Z,133,42,,1234567,Sam Ma 2,laden,g",              # imo first: unknown
    ]))
    m = match_sightings(s, reg, statics)
    assert m["matched_mmsi"].tolist()[:5] == [445999999, 445126805, 445118452, 445165938,
                                               445103968]
    assert m["matched_mmsi"].iloc[5:].isna().all()
    assert m["matched_by"].tolist()[:5] == ["mmsi", "imo", "imo", "name", "name"]
