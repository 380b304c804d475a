"""Unit tests of vesseltrack.registry: registry and sightings readers, sighting matching."""

from __future__ import annotations

import re

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
    SIGHTING_COLUMNS,
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


@pytest.mark.parametrize(
    ("second_row", "message"),
    [
        (REG_ROWS[1].replace("1720", "many"), r"line 3: column 'dwt_t' is not a number: 'many'"),
        (REG_ROWS[1].replace("8106496", "81064.5"), r"column 'imo' must hold whole numbers"),
    ],
)
def test_registry_errors_name_the_line_and_column(tmp_path, second_row, message):
    # the header is line 1, the first row line 2: the bad second row is line 3
    with pytest.raises(ValueError, match=message):
        read_registry(write_registry(tmp_path / "r.csv", [REG_ROWS[0], second_row]))


@pytest.mark.parametrize(
    ("second_row", "message"),
    [
        (",133,42,1,,,laden,x", "line 3: timestamp is blank"),
        ("2024-03-07T00:00Z,133,95,1,,,laden,x", "line 3: lon/lat missing or out of range"),
        ("2024-03-07T00:00Z,,42,1,,,laden,x", "line 3: lon/lat missing or out of range"),
        ("2024-03-07T00:00Z,133,42,1,,,sunk,x", "line 3: state must be one of"),
        ("2024-03-07T00:00Z,133,42,,,,laden,x", "line 3: a sighting needs"),
        ("2024-03-07T00:00Z,133,42,one,,,laden,x", "line 3: column 'mmsi' is not a number"),
    ],
)
def test_sightings_errors_name_the_line(tmp_path, second_row, message):
    rows = ["2024-03-06T00:00Z,133,42,1,,,laden,x", second_row]
    with pytest.raises(ValueError, match=message):
        read_sightings(write_sightings(tmp_path / "s.csv", rows))


def test_registry_header_and_cells_are_trimmed_and_cased(tmp_path):
    header = " MMSI , IMO ,Name,Flag,DWT_T,length_m,beam_m,summer_draught_m,ballast_draught_m,Cargo"
    path = write_registry(tmp_path / "r.csv", [
        " 445103968 , 7389704 , RYE SONG GANG 1 , kp , 3003 ,84,13.0, 5.6 ,2.7, Diesel "],
        header=header)
    reg = read_registry(path)
    (r,) = reg.itertuples()
    assert (r.mmsi, r.imo, r.name, r.flag, r.dwt_t, r.summer_draught_m, r.cargo,
            r.bbl_per_t) == (445103968, 7389704, "RYE SONG GANG 1", "KP", 3003.0, 5.6,
                             "diesel", 7.46)
    assert (reg.attrs["source"], str(reg["mmsi"].dtype), str(reg["dwt_t"].dtype)) == (
        str(path), "Int64", "float64")


def test_blank_registry_cells_are_missing(tmp_path):
    reg = read_registry(write_registry(tmp_path / "r.csv", ["445000001,,,,,,,,,"]))
    assert reg.iloc[0].drop("mmsi").isna().all() and reg["mmsi"].tolist() == [445000001]


def test_sighting_without_a_state_is_unknown_and_keeps_its_source(tmp_path):
    path = write_sightings(tmp_path / "s.csv", ["2024-03-07T00:00Z,133.5,42.5,7,,,,patrol"])
    s = read_sightings(path)
    assert (s["state"].tolist(), s["source"].tolist(), s["lon"].tolist(), s["lat"].tolist(),
            s.attrs["source"]) == (["unknown"], ["patrol"], [133.5], [42.5], str(path))


def test_imo_in_the_registry_wins_over_the_statics(tmp_path):
    # IMO 8106496 is SAM MA 2 (445126805) in the registry and another MMSI in the statics
    reg = read_registry(write_registry(tmp_path / "r.csv", REG_ROWS))
    statics = make_statics([(445000009, "2024-03-01", 3.0)], name="OTHER", imo=8106496)
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        "2024-03-02T00:00Z,133,42,,8106496,,laden,b"]))
    assert match_sightings(s, reg, statics)["matched_mmsi"].tolist() == [445126805]


def test_ambiguous_imo_and_unmatched_sightings_have_no_mmsi_and_no_method(tmp_path):
    statics = pd.concat([
        make_statics([(445000001, "2024-03-01", 2.1)], name="ONE", imo=9000001),
        make_statics([(445000002, "2024-03-01", 2.1)], name="TWO", imo=9000001),
    ])
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        "2024-03-02T00:00Z,133,42,,9000001,,laden,b",      # IMO of two vessels
        "2024-03-03T00:00Z,133,42,,,NOBODY,laden,c",       # unknown name
        "2024-03-04T00:00Z,133,42,,,one,laden,d"]))        # name of one vessel
    m = match_sightings(s, None, statics)
    assert (m["matched_mmsi"].tolist()[2], m["matched_by"].tolist()[2]) == (445000001, "name")
    assert m["matched_mmsi"].iloc[:2].isna().all() and m["matched_by"].iloc[:2].isna().all()


def test_registry_rows_without_mmsi_match_nothing(tmp_path):
    # CHON MA SAN (IMO 8660313) is in the registry without an MMSI, and nowhere else
    reg = read_registry(write_registry(tmp_path / "r.csv", REG_ROWS))
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        "2024-03-02T00:00Z,133,42,,8660313,,laden,b",
        "2024-03-03T00:00Z,133,42,,,Chon Ma San,laden,c"]))
    assert match_sightings(s, reg)["matched_mmsi"].isna().tolist() == [True, True]


def test_errors_name_the_file(tmp_path):
    path = write_registry(tmp_path / "r.csv", [REG_ROWS[1].replace("1720", "many")])
    with pytest.raises(ValueError, match=re.escape(f"{path}: line 2: column 'dwt_t'")):
        read_registry(path)
    path = write_sightings(tmp_path / "s.csv", ["2024-03-07T00:00Z,133,x,1,,,laden,x"])
    with pytest.raises(ValueError, match=re.escape(f"{path}: line 2: column 'lat'")):
        read_sightings(path)


def test_only_blank_cells_are_missing(tmp_path):
    # "NA" and "null" are names here, not missing values
    reg = read_registry(write_registry(tmp_path / "r.csv", [
        "445000001,,NA,KP,,,,,,", "445000002,,null,KP,,,,,,"]))
    assert reg["name"].tolist() == ["NA", "null"]


def test_sightings_at_the_ends_of_the_position_range_and_their_columns(tmp_path):
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        "2024-03-07T00:00Z,180,90,1,,,laden,x", "2024-03-07T01:00Z,-180,-90,1,,,laden,x"]))
    assert (s["lon"].tolist(), s["lat"].tolist(), list(s.columns)) == (
        [180.0, -180.0], [90.0, -90.0], list(SIGHTING_COLUMNS))


def test_a_one_row_registry_matches_by_imo(tmp_path):
    reg = read_registry(write_registry(tmp_path / "r.csv", [REG_ROWS[1]]))
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        "2024-03-02T00:00Z,133,42,,8106496,,laden,b"]))
    assert match_sightings(s, reg)["matched_mmsi"].tolist() == [445126805]


def test_statics_are_searched_when_the_registry_has_no_imo(tmp_path):
    reg = read_registry(write_registry(tmp_path / "r.csv", ["445000001,,ONE,KP,,,,,,"]))
    statics = make_statics([(445000009, "2024-03-01", 3.0)], name="OTHER", imo=9000009)
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        "2024-03-02T00:00Z,133,42,,9000009,,laden,b"]))
    assert match_sightings(s, reg, statics)["matched_mmsi"].tolist() == [445000009]


def test_a_sighting_with_an_imo_is_never_matched_by_name(tmp_path):
    # IMO unknown, name of a registry vessel: no match, and no method
    reg = read_registry(write_registry(tmp_path / "r.csv", REG_ROWS))
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        "2024-03-07T00:00Z,133,42,,1234567,Sam Ma 2,laden,g"]))
    m = match_sightings(s, reg)
    assert (m["matched_mmsi"].isna().tolist(), m["matched_by"].isna().tolist()) == (
        [True], [True])


@pytest.mark.parametrize("lon_lat", ["180.5,42", "133,-90.5"])
def test_sightings_just_beyond_the_position_range_are_refused(tmp_path, lon_lat):
    path = write_sightings(tmp_path / "s.csv", [f"2024-03-07T00:00Z,{lon_lat},1,,,laden,x"])
    with pytest.raises(ValueError, match="line 2: lon/lat missing or out of range"):
        read_sightings(path)
