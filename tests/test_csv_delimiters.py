"""CSV exports delimited by commas, semicolons (with decimal commas), tabs and pipes.

The files are small and written here (invented vessels, hand-chosen values): the same rows in
every delimiter must give the same tables, and every expected value is the value written in the
row (times without a zone are UTC; 511 is AIS "heading not available").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vesseltrack.cli import main
from vesseltrack.io import _csv as csvmod
from vesseltrack.io import read_ais
from vesseltrack.io._csv import _detect_layout, iter_csv, sniff_csv
from vesseltrack.io._report import DecodeReport
from vesseltrack.store import ingest, open_store

NOAA_HEADER = ("MMSI{d}BaseDateTime{d}LAT{d}LON{d}SOG{d}COG{d}Heading{d}VesselName{d}IMO{d}"
               "CallSign{d}VesselType{d}Status{d}Length{d}Width{d}Draft{d}Cargo{d}"
               "TransceiverClass\n")
NOAA_ROWS = {
    ",": (
        "219012345,2024-03-01T12:00:00,55.123,12.5,10.2,45.5,44,NORD STAR,IMO9301718,OXAB2,70,0,"
        "120,20,6.5,70,A\n"
        "265000111,2024-03-01T12:01:30,57.7,11.905,0.1,,511,SKAGERRAK,,SFAB,30,7,24,7,3.2,,B\n"
        "219012345,2024-03-01T12:03:00,55.1285,12.506,10.4,46.25,45,NORD STAR,IMO9301718,OXAB2,"
        "70,0,120,20,6.6,70,A\n"),
    ";": (
        "219012345;2024-03-01T12:00:00;55,123;12,5;10,2;45,5;44;NORD STAR;IMO9301718;OXAB2;70;0;"
        "120;20;6,5;70;A\n"
        "265000111;2024-03-01T12:01:30;57,7;11,905;0,1;;511;SKAGERRAK;;SFAB;30;7;24;7;3,2;;B\n"
        "219012345;2024-03-01T12:03:00;55,1285;12,506;10,4;46,25;45;NORD STAR;IMO9301718;OXAB2;"
        "70;0;120;20;6,6;70;A\n"),
    "\t": (
        "219012345\t2024-03-01T12:00:00\t55.123\t12.5\t10.2\t45.5\t44\tNORD STAR\tIMO9301718\t"
        "OXAB2\t70\t0\t120\t20\t6.5\t70\tA\n"
        "265000111\t2024-03-01T12:01:30\t57.7\t11.905\t0.1\t\t511\tSKAGERRAK\t\tSFAB\t30\t7\t24\t"
        "7\t3.2\t\tB\n"
        "219012345\t2024-03-01T12:03:00\t55.1285\t12.506\t10.4\t46.25\t45\tNORD STAR\tIMO9301718"
        "\tOXAB2\t70\t0\t120\t20\t6.6\t70\tA\n"),
    "|": (
        "219012345|2024-03-01T12:00:00|55.123|12.5|10.2|45.5|44|NORD STAR|IMO9301718|OXAB2|70|0|"
        "120|20|6.5|70|A\n"
        "265000111|2024-03-01T12:01:30|57.7|11.905|0.1||511|SKAGERRAK||SFAB|30|7|24|7|3.2||B\n"
        "219012345|2024-03-01T12:03:00|55.1285|12.506|10.4|46.25|45|NORD STAR|IMO9301718|OXAB2|"
        "70|0|120|20|6.6|70|A\n"),
}
# A positions table (kind "table") with Unix seconds: 1709294400 = 2024-03-01 12:00:00 UTC
# (19783 days * 86400 s + 12 h * 3600 s), so +90 s = 12:01:30 and +180 s = 12:03:00.
TABLE_HEADER = "mmsi{d}timestamp{d}lon{d}lat{d}sog{d}cog{d}heading{d}draught{d}name\n"
TABLE_ROWS = {
    ",": ("219012345,1709294400,12.5,55.123,10.2,45.5,44,6.5,NORD STAR\n"
          "265000111,1709294490.0,11.905,57.7,0.1,,511,3.2,SKAGERRAK\n"
          "219012345,1709294580,12.506,55.1285,10.4,46.25,45,6.6,NORD STAR\n"),
    ";": ("219012345;1709294400;12,5;55,123;10,2;45,5;44;6,5;NORD STAR\n"
          "265000111;1709294490,0;11,905;57,7;0,1;;511;3,2;SKAGERRAK\n"
          "219012345;1709294580;12,506;55,1285;10,4;46,25;45;6,6;NORD STAR\n"),
    "\t": ("219012345\t1709294400\t12.5\t55.123\t10.2\t45.5\t44\t6.5\tNORD STAR\n"
           "265000111\t1709294490.0\t11.905\t57.7\t0.1\t\t511\t3.2\tSKAGERRAK\n"
           "219012345\t1709294580\t12.506\t55.1285\t10.4\t46.25\t45\t6.6\tNORD STAR\n"),
    "|": ("219012345|1709294400|12.5|55.123|10.2|45.5|44|6.5|NORD STAR\n"
          "265000111|1709294490.0|11.905|57.7|0.1||511|3.2|SKAGERRAK\n"
          "219012345|1709294580|12.506|55.1285|10.4|46.25|45|6.6|NORD STAR\n"),
}
LAYOUTS = {"noaa": (NOAA_HEADER, NOAA_ROWS), "table": (TABLE_HEADER, TABLE_ROWS)}
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}

T0 = pd.Timestamp("2024-03-01T12:00:00Z")
T1 = pd.Timestamp("2024-03-01T12:01:30Z")
T2 = pd.Timestamp("2024-03-01T12:03:00Z")
NAN = float("nan")
# (mmsi, timestamp, lon, lat, sog_knots, cog_deg, heading_deg): the values of the rows, in file
# order; the empty COG and heading 511 of the second row are "not available".
EXPECTED_POSITIONS = [
    (219012345, T0, 12.5, 55.123, 10.2, 45.5, 44.0),
    (265000111, T1, 11.905, 57.7, 0.1, NAN, NAN),
    (219012345, T2, 12.506, 55.1285, 10.4, 46.25, 45.0),
]
# (mmsi, timestamp, draught_m, name): each vessel's first row, then 219012345's draught change
# 6.5 -> 6.6 m (its other static fields are the same on both rows).
EXPECTED_STATICS = [
    (219012345, T0, 6.5, "NORD STAR"),
    (265000111, T1, 3.2, "SKAGERRAK"),
    (219012345, T2, 6.6, "NORD STAR"),
]


def _text(layout: str, d: str, rows: str | None = None) -> str:
    header, body = LAYOUTS[layout]
    return header.format(d=d) + (body[d] if rows is None else rows)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def _positions(data) -> list[tuple]:
    pos = data.positions
    return list(zip(pos["mmsi"].tolist(), pos["timestamp"].tolist(), pos["lon"].tolist(),
                    pos["lat"].tolist(), pos["sog_knots"].tolist(), pos["cog_deg"].tolist(),
                    pos["heading_deg"].tolist(), strict=True))


def _statics(data) -> list[tuple]:
    sta = data.statics
    return list(zip(sta["mmsi"].tolist(), sta["timestamp"].tolist(), sta["draught_m"].tolist(),
                    sta["name"].tolist(), strict=True))


def _same(got: list[tuple], expected: list[tuple]) -> None:
    """Equal row by row, NaN equal to NaN (floats compared exactly)."""
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert len(g) == len(e)
        for a, b in zip(g, e, strict=True):
            assert (a == b) or (isinstance(a, float) and isinstance(b, float)
                                and np.isnan(a) and np.isnan(b)), (g, e)


# ------------------------------------------------------------------------------ detection


@pytest.mark.parametrize("layout,kind", [("noaa", "noaa"), ("table", "table")])
@pytest.mark.parametrize("name", DELIMITERS)
def test_sniff_finds_the_layout_under_every_delimiter(layout, kind, name):
    d = DELIMITERS[name]
    head = _text(layout, d).encode()
    assert sniff_csv(head) == kind
    assert _detect_layout(head.split(b"\n")[0]).delimiter == d


def test_comma_wins_when_the_header_fits_several_delimiters():
    # split on ',' -> "mmsi", ";timestamp", ";lat", ";lon"; on ';' -> "mmsi,", "timestamp,",
    # "lat,", "lon": both normalise to mmsi, timestamp, lat, lon
    assert _detect_layout(b"mmsi,;timestamp,;lat,;lon\n").delimiter == ","
    # tab and semicolon both fit: the earlier of DELIMITERS (semicolon) reads the file
    assert _detect_layout(b"mmsi;\ttimestamp;\tlat;\tlon\n").delimiter == ";"


def test_a_comma_header_is_read_as_comma_even_if_other_delimiters_appear_in_it():
    # a semicolon inside the last column name: still 5 comma fields (the ';' split has 2)
    layout = _detect_layout(b"mmsi,timestamp,lon,lat,note;remark\n")
    assert (layout.delimiter, layout.ncols) == (",", 5)


# --------------------------------------------------------------------------------- values


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", DELIMITERS)
def test_every_delimiter_gives_the_same_positions_and_statics(tmp_path, layout, name):
    path = _write(tmp_path, f"{layout}.csv", _text(layout, DELIMITERS[name]))
    data = read_ais(path, progress=False)
    _same(_positions(data), EXPECTED_POSITIONS)
    _same(_statics(data), EXPECTED_STATICS)
    assert data.positions["nav_status"].tolist() == (
        [0, 7, 0] if layout == "noaa" else [pd.NA, pd.NA, pd.NA])
    assert (data.report.lines, data.report.malformed, data.report.blank) == (3, 0, 0)


@pytest.mark.parametrize("name", DELIMITERS)
def test_quoted_lines_are_split_on_the_files_delimiter(tmp_path, name):
    """A quoted name holding the delimiter (the csv-module path): one field, the row kept."""
    d = DELIMITERS[name]
    rows = NOAA_ROWS[d].replace("SKAGERRAK", f'"SKAG{d} ERRAK"')
    data = read_ais(_write(tmp_path, "quoted.csv", _text("noaa", d, rows)), progress=False)
    _same(_positions(data), EXPECTED_POSITIONS)
    assert data.statics["name"].tolist() == ["NORD STAR", f"SKAG{d} ERRAK", "NORD STAR"]
    assert data.report.malformed == 0


@pytest.mark.parametrize("name", DELIMITERS)
def test_bad_rows_in_the_middle_are_counted_and_their_neighbours_kept(tmp_path, name):
    d = DELIMITERS[name]
    first, second, third = NOAA_ROWS[d].splitlines(keepends=True)
    too_many = first.replace("NORD STAR", f"NORD{d}STAR", 1)  # 18 fields, not 17
    bad_lat = second.replace("57", "5x7", 1)  # not a number
    rows = first + too_many + second + bad_lat + third
    data = read_ais(_write(tmp_path, "bad.csv", _text("noaa", d, rows)), progress=False)
    _same(_positions(data), EXPECTED_POSITIONS)
    assert (data.report.lines, data.report.malformed) == (5, 2)


def test_a_comma_row_in_a_semicolon_file_is_malformed(tmp_path):
    first, second, third = NOAA_ROWS[";"].splitlines(keepends=True)
    rows = first + NOAA_ROWS[","].splitlines(keepends=True)[1] + second + third
    data = read_ais(_write(tmp_path, "mixed.csv", _text("noaa", ";", rows)), progress=False)
    _same(_positions(data), EXPECTED_POSITIONS)
    assert (data.report.lines, data.report.malformed) == (4, 1)


def test_semicolon_file_reads_decimal_points_too(tmp_path):
    """A semicolon file written with decimal points (a database dump): the same values."""
    rows = NOAA_ROWS["|"].replace("|", ";")
    data = read_ais(_write(tmp_path, "points.csv", _text("noaa", ";", rows)), progress=False)
    _same(_positions(data), EXPECTED_POSITIONS)
    _same(_statics(data), EXPECTED_STATICS)


@pytest.mark.parametrize("lat", ["55.123,4", "55,12,3", "1.234,5"])
def test_semicolon_number_with_both_separators_is_malformed_not_misread(tmp_path, lat):
    """Neither ``55.123`` nor ``55`` nor NaN: the row is counted malformed and dropped."""
    first, second, third = NOAA_ROWS[";"].splitlines(keepends=True)
    rows = first + second + third.replace("55,1285", lat)
    data = read_ais(_write(tmp_path, "odd.csv", _text("noaa", ";", rows)), progress=False)
    _same(_positions(data), EXPECTED_POSITIONS[:2])
    assert (data.report.lines, data.report.malformed) == (3, 1)


_ROW = st.tuples(
    st.integers(min_value=100_000_000, max_value=999_999_999),
    st.integers(min_value=-90_000_000, max_value=90_000_000),  # micro-degrees of latitude
    st.integers(min_value=-180_000_000, max_value=180_000_000),  # of longitude
    st.integers(min_value=0, max_value=1022),  # tenths of a knot, below 102.3 (n/a)
)


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(_ROW, min_size=1, max_size=12), name=st.sampled_from(sorted(DELIMITERS)))
def test_any_delimiter_reads_the_numbers_written(tmp_path_factory, rows, name):
    """Each value reads back as Python's float of its decimal text ("-12.345678" ->
    -12.345678), whatever the delimiter, with a decimal comma in semicolon files."""
    d = DELIMITERS[name]
    point = "," if d == ";" else "."
    texts = [(str(m), f"{lat / 1e6:.6f}", f"{lon / 1e6:.6f}", f"{sog / 10:.1f}")
             for m, lat, lon, sog in rows]
    body = "".join(d.join((m, "2024-03-01 12:00:00", lon.replace(".", point),
                           lat.replace(".", point), sog.replace(".", point))) + "\n"
                   for m, lat, lon, sog in texts)
    path = tmp_path_factory.mktemp("numbers") / "t.csv"
    path.write_text(d.join(("mmsi", "timestamp", "lon", "lat", "sog")) + "\n" + body)
    data = read_ais(path, progress=False)
    assert data.positions["mmsi"].tolist() == [int(t[0]) for t in texts]
    assert data.positions["lat"].tolist() == [float(t[1]) for t in texts]
    assert data.positions["lon"].tolist() == [float(t[2]) for t in texts]
    assert data.positions["sog_knots"].tolist() == [float(t[3]) for t in texts]
    assert data.report.malformed == 0


def test_decimal_commas_stay_on_the_typed_fast_path(tmp_path, monkeypatch):
    """A semicolon file of decimal commas is converted by the C parser, not the string paths."""
    def refuse(*args, **kwargs):
        raise AssertionError("string path taken")

    monkeypatch.setattr(csvmod, "_read_arrow_strings", refuse)
    monkeypatch.setattr(csvmod, "_read_strings", refuse)
    report = DecodeReport()
    chunks = list(iter_csv(_write(tmp_path, "semi.csv", _text("noaa", ";")), "noaa", report))
    pos = pd.concat([c[0] for c in chunks], ignore_index=True)
    assert pos["lat"].tolist() == [55.123, 57.7, 55.1285]
    assert pos["sog_knots"].tolist() == [10.2, 0.1, 10.4]


@pytest.mark.parametrize("chunk_rows", [1, 2])
def test_chunks_of_a_semicolon_file_give_the_same_tables(tmp_path, chunk_rows):
    path = _write(tmp_path, "semi.csv", _text("noaa", ";"))
    report = DecodeReport()
    chunks = list(iter_csv(path, "noaa", report, chunk_rows=chunk_rows))
    pos = pd.concat([c[0] for c in chunks], ignore_index=True)
    assert pos["lat"].tolist() == [55.123, 57.7, 55.1285]
    assert pos["timestamp"].tolist() == [T0, T1, T2]
    assert (report.lines, report.malformed) == (3, 0)


def test_store_ingests_a_semicolon_file(tmp_path):
    path = _write(tmp_path, "semi.csv", _text("noaa", ";"))
    root = tmp_path / "store"
    ingest([path], root, progress=False)
    store = open_store(root)
    pos = store.read("positions").sort_values("timestamp", ignore_index=True)
    assert pos["lat"].tolist() == [55.123, 57.7, 55.1285]
    assert pos["lon"].tolist() == [12.5, 11.905, 12.506]
    assert store.report().malformed == 0


def test_dask_decode_task_reads_a_semicolon_file(tmp_path):
    """The Dask engine's per-file task reads through the same reader (no cluster needed)."""
    from vesseltrack.distributed import _decode_file

    path = _write(tmp_path, "semi.csv", _text("noaa", ";"))
    decoded = _decode_file(str(path), 0, 1, False)
    pos = decoded["positions"][0]
    assert pos["lat"].tolist() == [55.123, 57.7, 55.1285]
    assert pos["sog_knots"].tolist() == [10.2, 0.1, 10.4]
    assert decoded["report"].malformed == 0


# ------------------------------------------------------------------------------------ CLI


def _run(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def test_cli_columns_mapping_reads_a_semicolon_file(tmp_path, capsys):
    # 01/03/2024 day first is 1 March 2024; 133,07 is 133.07
    path = _write(tmp_path, "other.csv",
                  "ID;ais_pos_timestamp;longitude;latitude;speed\n"
                  "445123456;01/03/2024 12:00;133,07;42,75;0,1\n"
                  "445123456;01/03/2024 12:03;133,08;42,76;3,4\n")
    out = tmp_path / "p.parquet"
    code, err = _run(capsys, ["decode", str(path), "-o", str(out), "-q", "--dayfirst",
                              "--columns", "mmsi=ID,timestamp=ais_pos_timestamp,lon=longitude,"
                                           "lat=latitude,sog_knots=speed"])
    assert code == 0, err
    pos = pd.read_parquet(out)
    assert pos["mmsi"].tolist() == [445123456, 445123456]
    assert pos["timestamp"].tolist() == [T0, T2]
    assert pos["lon"].tolist() == [133.07, 133.08]
    assert pos["lat"].tolist() == [42.75, 42.76]
    assert pos["sog_knots"].tolist() == [0.1, 3.4]


def test_cli_mapping_error_lists_the_fields_of_a_semicolon_header(tmp_path, capsys):
    path = _write(tmp_path, "other.csv", "ID;when;x;y\n445123456;2024-03-01;133,07;42,75\n")
    code, err = _run(capsys, ["decode", str(path), "-o", str(tmp_path / "p.csv"), "-q",
                              "--columns", "mmsi=ID,timestamp=when,lon=x,lat=latitude"])
    assert (code, err) == (1, f"error: {path}: no column 'latitude' (mapped to lat); the "
                              "columns are: ID,when,x,y\n")


@pytest.mark.parametrize("name", DELIMITERS)
def test_cli_header_in_no_layout_under_any_delimiter_is_one_line(tmp_path, capsys, name):
    d = DELIMITERS[name]
    path = _write(tmp_path, "other.csv", f"vessel{d}when{d}x{d}y\n1{d}2024-03-01{d}133{d}42\n")
    code, err = _run(capsys, ["decode", str(path), "-o", str(tmp_path / "p.parquet"), "-q"])
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {path}: not AIS data: no AIS sentence (!AIVDM/!AIVDO) and a "
                          "header in no known CSV layout (delimiters tried: comma, semicolon, "
                          "tab, pipe; layouts tried: NOAA MarineCadastre")
    assert err.endswith(f"map its columns with --columns (first line: "
                        f"{f'vessel{d}when{d}x{d}y'!r})\n")
