"""Positions tables of every layout: recognised ones, any other through a column mapping,
compressed ones read by content, tables in memory, and the files that are not AIS at all.

The files are small and written here (invented vessels); every expected value is the value
written in the row, converted by hand where a unit or a zone is involved.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import zstandard

import vesseltrack as vt
from vesseltrack.cli import main
from vesseltrack.io import InputError, read_ais

PORTS = str(Path(__file__).resolve().parents[1] / "data" / "ports" / "vostochny.geojson")
T0 = pd.Timestamp("2024-03-01T12:00:00Z")
T1 = pd.Timestamp("2024-03-01T12:03:00Z")

NOAA_LEGACY = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass\n"
    "445123456,2024-03-01T12:00:00,42.75,133.07,0.1,12.5,45,CHON MA SAN,IMO8910457,HMXX,80,5,"
    "106,16,6.2,80,A\n"
    "445123456,2024-03-01T12:03:00,42.76,133.08,3.4,200.0,511,CHON MA SAN,IMO8910457,HMXX,80,0,"
    "106,16,6.2,80,A\n"
)
NOAA_2024 = (
    "mmsi,base_date_time,longitude,latitude,sog,cog,heading,vessel_name,imo,call_sign,"
    "vessel_type,status,length,width,draft,cargo,transceiver\n"
    "445123456,2024-03-01 12:00:00,133.07,42.75,0.1,12.5,45,CHON MA SAN,IMO8910457,HMXX,80,5,"
    "106,16,6.2,80,A\n"
    "445123456,2024-03-01 12:03:00,133.08,42.76,3.4,200.0,511,CHON MA SAN,IMO8910457,HMXX,80,0,"
    "106,16,6.2,80,A\n"
)
MOVINGPANDAS = (
    "id,timestamp,longitude,latitude\n"
    "445123456,2024-03-01 12:00:00,133.07,42.75\n"
    "445123456,2024-03-01 12:03:00,133.08,42.76\n"
)
GFW = (
    "ssvid,timestamp,lat,lon,speed_knots,course\n"
    "445123456,2024-03-01 12:00:00 UTC,42.75,133.07,0.1,12.5\n"
    "445123456,2024-03-01 12:03:00 UTC,42.76,133.08,3.4,200.0\n"
)
# Global Fishing Watch's training data: Unix seconds (1709294400 = 2024-03-01 12:00:00 UTC)
GFW_TRAINING = (
    "mmsi,timestamp,distance_from_shore,distance_from_port,speed,course,lat,lon,is_fishing,"
    "source\n"
    "445123456,1709294400.0,1000.0,2000.0,0.1,12.5,42.75,133.07,-1.0,dalhousie_longliner\n"
    "445123456,1709294580.0,1000.0,2000.0,3.4,200.0,42.76,133.08,-1.0,dalhousie_longliner\n"
)
LAYOUTS = {"noaa-legacy": NOAA_LEGACY, "noaa-2024": NOAA_2024, "movingpandas": MOVINGPANDAS,
           "gfw": GFW, "gfw-training": GFW_TRAINING}
MAPPING = {"mmsi": "ID", "timestamp": "ais_pos_timestamp", "lon": "longitude",
           "lat": "latitude"}
OTHER = (
    "ID,ais_pos_timestamp,longitude,latitude,speed\n"
    "445123456,01/03/2024 12:00,133.07,42.75,0.1\n"
    "445123456,01/03/2024 12:03,133.08,42.76,3.4\n"
)


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def _track(data) -> list[tuple]:
    pos = data.positions
    return list(zip(pos["mmsi"].tolist(), pos["timestamp"].tolist(), pos["lon"].tolist(),
                    pos["lat"].tolist(), strict=True))


EXPECTED_TRACK = [(445123456, T0, 133.07, 42.75), (445123456, T1, 133.08, 42.76)]


# ------------------------------------------------------------------------ recognised layouts


@pytest.mark.parametrize("layout", LAYOUTS, ids=LAYOUTS.keys())
def test_layout_is_recognised_without_a_mapping(tmp_path, layout):
    data = read_ais(_write(tmp_path, "export.csv", LAYOUTS[layout]), progress=False)
    assert _track(data) == EXPECTED_TRACK


@pytest.mark.parametrize("layout", ["noaa-legacy", "noaa-2024", "gfw", "gfw-training"])
def test_speed_and_course_columns_are_read(tmp_path, layout):
    data = read_ais(_write(tmp_path, "export.csv", LAYOUTS[layout]), progress=False)
    assert data.positions["sog_knots"].tolist() == [0.1, 3.4]
    assert data.positions["cog_deg"].tolist() == [12.5, 200.0]


def test_movingpandas_table_has_no_speed(tmp_path):
    data = read_ais(_write(tmp_path, "track.csv", MOVINGPANDAS), progress=False)
    assert data.positions[["sog_knots", "cog_deg", "heading_deg"]].isna().all().all()


# ------------------------------------------------------------------------ compressed, by content

def _zip(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("AIS_2023_01_01.csv", text)
    return buf.getvalue()


COMPRESSED = {
    "noaa-2015-2023-zip": (lambda: _zip(NOAA_LEGACY), "AIS_2023_01_01.zip"),
    "noaa-2024-zst": (lambda: zstandard.ZstdCompressor().compress(NOAA_2024.encode()),
                      "ais-2024-03-01.csv.zst"),
    "noaa-gzip": (lambda: gzip.compress(NOAA_LEGACY.encode()), "AIS_2023_01_01.csv.gz"),
}


@pytest.mark.parametrize("name", COMPRESSED, ids=COMPRESSED.keys())
@pytest.mark.parametrize("disguise", [False, True], ids=["named", "misnamed"])
def test_compressed_exports_are_read_directly(tmp_path, name, disguise):
    make, filename = COMPRESSED[name]
    path = tmp_path / ("download.dat" if disguise else filename)
    path.write_bytes(make())
    assert _track(read_ais(path, progress=False)) == EXPECTED_TRACK


def test_zstd_written_as_one_frame_larger_than_the_sniff_is_read(tmp_path):
    """A .csv.zst whose first block is far larger than the bytes looked at for sniffing."""
    rows = [f"445123456,2024-03-01 {h:02d}:{m:02d}:{s:02d},133.07,42.75,0.1,12.5,45,X,,,80,5,"
            "106,16,6.2,80,A\n" for h in range(24) for m in range(60) for s in (0, 30)]
    text = NOAA_2024.split("\n", 1)[0] + "\n" + "".join(rows)
    path = tmp_path / "big.csv.zst"
    path.write_bytes(zstandard.ZstdCompressor(level=1).compress(text.encode()))
    assert len(read_ais(path, progress=False).positions) == 24 * 60 * 2


def test_nmea_in_a_zstd_file_is_read(tmp_path):
    sentence = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n"  # gpsd sample: 371798000
    path = tmp_path / "feed.nmea.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(sentence.encode()))
    assert read_ais(path, progress=False).positions["mmsi"].tolist() == [371798000]


# ------------------------------------------------------------------------ any other layout


def test_column_mapping_reads_any_table(tmp_path):
    data = read_ais(_write(tmp_path, "other.csv", OTHER), columns=MAPPING, dayfirst=True,
                    progress=False)
    assert _track(data) == EXPECTED_TRACK


def test_unmapped_optional_columns_stay_missing(tmp_path):
    """The file has a speed column, but the mapping does not name it."""
    data = read_ais(_write(tmp_path, "other.csv", OTHER), columns=MAPPING, dayfirst=True,
                    progress=False)
    assert data.positions["sog_knots"].isna().all()


def test_mapped_optional_column_is_read(tmp_path):
    data = read_ais(_write(tmp_path, "other.csv", OTHER), columns=MAPPING | {"sog_knots": "speed"},
                    dayfirst=True, progress=False)
    assert data.positions["sog_knots"].tolist() == [0.1, 3.4]


@pytest.mark.parametrize(("dayfirst", "expected"), [
    (True, pd.Timestamp("2024-03-01T12:00:00Z")),   # 01/03 = 1 March
    (False, pd.Timestamp("2024-01-03T12:00:00Z")),  # 01/03 = 3 January
])
def test_dayfirst_decides_ambiguous_dates(tmp_path, dayfirst, expected):
    data = read_ais(_write(tmp_path, "other.csv", OTHER), columns=MAPPING, dayfirst=dayfirst,
                    progress=False)
    assert data.positions["timestamp"].iloc[0] == expected


def test_mapping_also_reads_nmea_files_as_nmea(tmp_path):
    nmea = _write(tmp_path, "feed.nmea", "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
    table = _write(tmp_path, "other.csv", OTHER)
    data = read_ais([nmea, table], columns=MAPPING, dayfirst=True, progress=False)
    assert sorted(data.positions["mmsi"].tolist()) == [371798000, 445123456, 445123456]


# ------------------------------------------------------------------------ statics from rows


def test_statics_keep_every_draught_change_and_not_the_repeats(tmp_path):
    """Five NOAA rows of one vessel: draught 6.2, 6.2, 6.2, 9.8, 9.8 -> two statics rows
    (the first report and the change); the draught as each row gives it."""
    header = NOAA_LEGACY.split("\n", 1)[0]
    rows = [f"445123456,2024-03-01T12:0{k}:00,42.75,133.07,0.1,12.5,45,CHON MA SAN,IMO8910457,"
            f"HMXX,80,5,106,16,{d},80,A" for k, d in enumerate([6.2, 6.2, 6.2, 9.8, 9.8])]
    data = read_ais(_write(tmp_path, "noaa.csv", "\n".join([header, *rows]) + "\n"),
                    progress=False)
    assert data.statics["draught_m"].tolist() == [6.2, 9.8]
    assert data.statics["timestamp"].tolist() == [T0, pd.Timestamp("2024-03-01T12:03:00Z")]


# ------------------------------------------------------------------------ frames in memory


def test_positions_from_frame_recognises_a_layout():
    frame = pd.read_csv(io.StringIO(GFW))
    pos = vt.positions_from_frame(frame)
    assert list(zip(pos["mmsi"], pos["timestamp"], pos["lon"], pos["lat"], strict=True)) == \
        EXPECTED_TRACK


def test_positions_from_frame_with_a_mapping_and_datetime_column():
    frame = pd.DataFrame({"ID": [445123456, 445123456],
                          "when": pd.to_datetime(["2024-03-01 12:00", "2024-03-01 12:03"]),
                          "x": [133.07, 133.08], "y": [42.75, 42.76]})
    pos = vt.positions_from_frame(frame, {"mmsi": "ID", "timestamp": "when", "lon": "x",
                                          "lat": "y"})
    assert pos["timestamp"].tolist() == [T0, T1]  # naive times are UTC
    assert str(pos["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_positions_from_frame_drops_and_counts_unparseable_rows():
    frame = pd.DataFrame({"mmsi": [445123456, "not a number"], "timestamp": ["2024-03-01 12:00"] * 2,
                          "lon": [133.07, 1.0], "lat": [42.75, 1.0]})
    report = vt.DecodeReport()
    pos = vt.positions_from_frame(frame, report=report)
    assert (len(pos), report.lines, report.malformed) == (1, 2, 1)


def test_statics_from_frame_keeps_the_draught_changes():
    frame = pd.read_csv(io.StringIO(NOAA_LEGACY))
    frame.loc[1, "Draft"] = 9.8
    assert vt.statics_from_frame(frame)["draught_m"].tolist() == [6.2, 9.8]


def test_positions_from_frame_refuses_an_unknown_layout():
    frame = pd.DataFrame({"a": [1], "b": [2], "c": [3], "d": [4]})
    with pytest.raises(InputError, match=r"^DataFrame: columns match no known layout"):
        vt.positions_from_frame(frame)


def test_own_sightings_file_is_not_taken_for_positions(tmp_path):
    sightings = _write(tmp_path, "sightings.csv", "timestamp,lon,lat,mmsi,imo,name,state,source\n"
                       "2024-03-01T12:00:00Z,133.07,42.75,445123456,,,laden,imagery\n")
    with pytest.raises(InputError, match="not AIS data"):
        read_ais(sightings, progress=False)


# ------------------------------------------------------------------------ not AIS: exit 1


def _run(capsys, argv):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err


def test_cli_unknown_layout_names_the_file_and_the_layouts_tried(tmp_path, capsys):
    path = _write(tmp_path, "positions.csv", "vessel,when,x,y\n1,2024-03-01,133.07,42.75\n")
    code, err = _run(capsys, ["decode", str(path), "-o", str(tmp_path / "p.parquet"), "-q"])
    assert code == 1
    assert err == (
        f"error: {path}: not AIS data: no AIS sentence (!AIVDM/!AIVDO) and a header in no known "
        "CSV layout (delimiters tried: comma, semicolon, tab, pipe; layouts tried: NOAA "
        "MarineCadastre (MMSI,BaseDateTime,LAT,LON,... or mmsi,"
        "base_date_time,latitude,longitude,...), Danish Maritime Authority (# Timestamp,Type of "
        "mobile,MMSI,...), Global Fishing Watch (ssvid,timestamp,lat,lon,...), MovingPandas-style "
        "(id or mmsi,timestamp,longitude,latitude)); map its columns with --columns "
        "(first line: 'vessel,when,x,y')\n")


def test_cli_columns_read_the_same_file(tmp_path, capsys):
    path = _write(tmp_path, "positions.csv", "vessel,when,x,y\n445123456,2024-03-01,133.07,42.75\n")
    out = tmp_path / "p.csv"
    code, _ = _run(capsys, ["decode", str(path), "-o", str(out), "-q",
                            "--columns", "mmsi=vessel,timestamp=when,lon=x,lat=y"])
    assert code == 0
    assert pd.read_csv(out)["mmsi"].tolist() == [445123456]


def test_cli_dayfirst(tmp_path, capsys):
    path = _write(tmp_path, "other.csv", OTHER)
    out = tmp_path / "p.parquet"
    code, _ = _run(capsys, ["decode", str(path), "-o", str(out), "-q", "--dayfirst",
                            "--columns", "mmsi=ID,timestamp=ais_pos_timestamp,lon=longitude,"
                                         "lat=latitude"])
    assert code == 0
    assert pd.read_parquet(out)["timestamp"].tolist() == [T0, T1]


@pytest.mark.parametrize(("columns", "message"), [
    ("mmsi=ID,timestamp=ais_pos_timestamp,lon=longitude",
     "--columns mmsi=ID,timestamp=ais_pos_timestamp,lon=longitude: the column mapping must "
     "name mmsi, timestamp, lon, lat (missing: lat)"),
    ("mmsi=ID,timestamp=t,lon=x,lat=y,speed=s",
     "--columns mmsi=ID,timestamp=t,lon=x,lat=y,speed=s: unknown column 'speed' in the column "
     "mapping; map any of: mmsi, timestamp, lon, lat, sog_knots, cog_deg, heading_deg, "
     "nav_status, imo, name, callsign, ship_type, draught_m, destination, length_m, beam_m"),
    ("mmsi:ID", "--columns mmsi:ID: expected ours=theirs pairs separated by commas, got "
                "'mmsi:ID'"),
])
def test_cli_bad_column_mapping(tmp_path, capsys, columns, message):
    path = _write(tmp_path, "other.csv", OTHER)
    code, err = _run(capsys, ["decode", str(path), "-o", str(tmp_path / "p.csv"), "-q",
                              "--columns", columns])
    assert (code, err) == (1, f"error: {message}\n")


def test_cli_mapping_names_a_column_the_file_lacks(tmp_path, capsys):
    path = _write(tmp_path, "other.csv", OTHER)
    code, err = _run(capsys, ["decode", str(path), "-o", str(tmp_path / "p.csv"), "-q",
                              "--columns", "mmsi=IDX,timestamp=ais_pos_timestamp,lon=longitude,"
                                           "lat=latitude"])
    assert code == 1
    assert err == (f"error: {path}: no column 'IDX' (mapped to mmsi); the columns are: "
                   "ID,ais_pos_timestamp,longitude,latitude,speed\n")


@pytest.mark.parametrize("command", [
    ["gaps", "--min-hours", "6"],
    ["port-calls", "--ports", PORTS],
    ["count", "--ports", PORTS, "--json"],
    ["map", "--ports", PORTS],
])
def test_every_reading_command_takes_columns_and_dayfirst(tmp_path, capsys, command):
    """The same mapped table read by every command that reads INPUT: exit 0."""
    path = _write(tmp_path, "other.csv", OTHER)
    argv = [command[0], str(path), *command[1:], "-q", "--dayfirst", "--columns",
            "mmsi=ID,timestamp=ais_pos_timestamp,lon=longitude,lat=latitude"]
    if command[0] != "count":
        argv += ["-o", str(tmp_path / ("out.html" if command[0] == "map" else "out.csv"))]
    code, err = _run(capsys, argv)
    assert code == 0, err


def test_binary_file_is_an_input_error(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(InputError) as info:
        read_ais(path, progress=False)
    assert str(info.value) == f"{path}: a binary file, not AIS data (tried NMEA, CSV and Parquet)"


def test_empty_file_is_not_an_error(tmp_path):
    """An empty capture (a receiver that heard nothing) holds no line to judge."""
    data = read_ais(_write(tmp_path, "empty.nmea", ""), progress=False)
    assert (len(data.positions), data.report.lines) == (0, 0)


def test_parquet_in_another_layout_is_read(tmp_path):
    path = tmp_path / "export.parquet"
    pd.read_csv(io.StringIO(NOAA_2024)).to_parquet(path)
    assert _track(read_ais(path, progress=False)) == EXPECTED_TRACK


def test_lon_lat_are_the_values_written():
    """Guard against a silent swap: lon 133.07 / lat 42.75 as written (EPSG:4326)."""
    pos = vt.positions_from_frame(pd.read_csv(io.StringIO(MOVINGPANDAS)))
    np.testing.assert_array_equal(pos[["lon", "lat"]].to_numpy()[0], [133.07, 42.75])


def test_zstd_magic_bytes_without_a_zstd_frame_are_read_as_they_are(tmp_path):
    """Junk that happens to start with the zstd magic bytes, then a good sentence: the junk is
    one malformed line and the sentence is read (not a failed 'corrupt zstd' file)."""
    path = tmp_path / "feed.nmea"
    path.write_bytes(b"(\xb5/\xfd\x90`\xff\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
    data = read_ais(path, progress=False)
    assert (data.positions["mmsi"].tolist(), data.report.malformed) == ([371798000], 1)


def test_cli_columns_with_the_dask_engine_is_refused(tmp_path, capsys):
    path = _write(tmp_path, "other.csv", OTHER)
    code, err = _run(capsys, ["count", str(path), "--ports", PORTS, "--engine", "dask", "-q",
                              "--columns", "mmsi=ID,timestamp=ais_pos_timestamp,lon=longitude,"
                                           "lat=latitude"])
    assert (code, err) == (1, "error: --columns and --dayfirst need --engine local\n")
