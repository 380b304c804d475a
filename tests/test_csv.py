"""Tests for the NOAA MarineCadastre and Danish Maritime Authority CSV readers.

The samples in tests/data (noaa_sample.csv, dma_sample.csv) are hand-written; every expected
value below was worked out by hand from those rows and the rules in docs/contracts.md, not by running
the reader.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vesseltrack._schema import POSITION_COLUMNS, STATIC_COLUMNS
from vesseltrack.io._csv import iter_csv, sniff_csv, sniff_csv_path
from vesseltrack.io._report import DecodeReport

DATA = Path(__file__).parent / "data"
NOAA = DATA / "noaa_sample.csv"
DMA = DATA / "dma_sample.csv"
NOAA_HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,"
               "Status,Length,Width,Draft,Cargo,TransceiverClass")
DMA_HEADER = ("# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,"
              "Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,"
              "Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D")


def read(path: Path, kind: str, chunk_rows: int = 1_000_000) -> tuple[pd.DataFrame, pd.DataFrame, DecodeReport]:
    report = DecodeReport()
    chunks = list(iter_csv(path, kind, report, chunk_rows=chunk_rows))
    pos = pd.concat([c[0] for c in chunks], ignore_index=True)
    sta = pd.concat([c[1] for c in chunks], ignore_index=True)
    return pos, sta, report


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def assert_same_tables(a, b):
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    ra, rb = a[2], b[2]
    assert (ra.lines, ra.blank, ra.malformed) == (rb.lines, rb.blank, rb.malformed)


# ------------------------------------------------------------------------------ sniffing


def test_sniff_recognises_both_headers():
    assert sniff_csv(NOAA.read_bytes()[:1024]) == "noaa"
    assert sniff_csv(DMA.read_bytes()[:1024]) == "dma"


def test_sniff_tolerates_bom_and_crlf():
    head = b"\xef\xbb\xbf" + NOAA_HEADER.encode() + b"\r\n538009563,2023-01-01T00:00:04,1,2\r\n"
    assert sniff_csv(head) == "noaa"
    assert sniff_csv(b"\xef\xbb\xbf" + DMA_HEADER.encode() + b"\r\n") == "dma"


def test_sniff_noaa_2025_lower_case_layout():
    head = (b"mmsi,base_date_time,longitude,latitude,sog,cog,heading,vessel_name,imo,call_sign,"
            b"vessel_type,status,length,width,draft,cargo,transceiver\n")
    assert sniff_csv(head) == "noaa"


def test_sniff_rejects_other_content():
    assert sniff_csv(b"") is None
    assert sniff_csv(b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\n") is None
    assert sniff_csv(b"timestamp,lon,lat,mmsi,imo,name,state,source\n") is None
    # DMA columns without "Type of mobile" are not the DMA export, but a positions table of
    # another layout (id, timestamp, latitude, longitude).
    assert sniff_csv(b"# Timestamp,MMSI,Latitude,Longitude\n") == "table"


def test_sniff_decompresses_gzip_and_zip_heads(tmp_path):
    assert sniff_csv(gzip.compress(DMA.read_bytes())[:400]) == "dma"
    archive = tmp_path / "aisdk-2024-01-02.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(NOAA, "AIS_2023_01_01.csv")
    assert sniff_csv(archive.read_bytes()[:512]) == "noaa"
    assert sniff_csv_path(archive) == "noaa"
    assert sniff_csv_path(DMA) == "dma"
    assert sniff_csv_path(tmp_path / "missing.csv") is None


# ------------------------------------------------------------------------------ NOAA sample


def test_noaa_counts():
    pos, sta, report = read(NOAA, "noaa")
    # 22 lines after the header: one blank, five malformed (MMSI with a letter O, hour 25,
    # 16 fields, LAT "N/A", 18 fields), sixteen good vessel rows.
    assert report.lines == 22
    assert report.blank == 1
    assert report.malformed == 5
    assert len(pos) == 16
    assert report.positions == 0 and report.statics == 0  # the caller counts those


def test_noaa_positions_values():
    pos, _, _ = read(NOAA, "noaa")
    assert list(pos.columns) == list(POSITION_COLUMNS)
    assert {c: pos[c].dtype for c in pos.columns} == POSITION_COLUMNS
    assert pos["mmsi"].tolist() == [
        538009563, 367481660, 636019825, 368123450, 538009563, 367481660, 636019825, 368123450,
        366999711, 538009563, 636019825, 368704580, 636019825, 538009563, 367481660, 368123450,
    ]
    first = pos.iloc[0]
    assert first["timestamp"] == utc("2023-01-01 00:00:04")
    assert (first["lon"], first["lat"]) == (-116.63519, 29.23668)
    assert (first["sog_knots"], first["cog_deg"], first["heading_deg"]) == (20.4, 149.9, 152.0)
    assert first["nav_status"] == 0
    # Tug at a dock: COG 360 and heading 511 are "not available".
    tug = pos.iloc[1]
    assert tug["sog_knots"] == 0.0
    assert np.isnan(tug["cog_deg"]) and np.isnan(tug["heading_deg"])
    assert tug["nav_status"] == 12
    # Class B with SOG 102.3 (not available).
    assert np.isnan(pos.iloc[7]["sog_knots"])
    assert pos.iloc[7]["lat"] == 27.76410
    # LAT 91 / LON 181: both NaN, the row stays (SOG 0.0 is real).
    nopos = pos.iloc[8]
    assert np.isnan(nopos["lat"]) and np.isnan(nopos["lon"]) and nopos["sog_knots"] == 0.0
    assert pos["heading_deg"].isna().sum() == 7  # 511 on 3 tug, 3 Class B, 1 no-position rows
    assert pos["sog_knots"].isna().sum() == 1
    assert pos["lat"].isna().sum() == 1
    assert (pos["msg_type"] == 0).all()
    assert pos["source"].isna().all()
    assert pos["timestamp"].iloc[-1] == utc("2023-01-01 00:04:19")


def test_noaa_statics_only_changes():
    _, sta, _ = read(NOAA, "noaa")
    assert list(sta.columns) == list(STATIC_COLUMNS)
    assert {c: sta[c].dtype for c in sta.columns} == STATIC_COLUMNS
    # First row of each vessel, plus NORDIC AURORA's draught change 8.4 -> 11.9 m.
    assert sta["mmsi"].tolist() == [538009563, 367481660, 636019825, 368123450, 366999711,
                                    636019825, 368704580]
    assert sta["timestamp"].tolist() == [utc(f"2023-01-01 {t}") for t in (
        "00:00:04", "00:00:05", "00:00:06", "00:00:09", "00:02:10", "00:03:12", "00:03:15")]
    np.testing.assert_array_equal(sta["draught_m"].to_numpy(),
                                  [7.6, np.nan, 8.4, np.nan, np.nan, 11.9, 4.1])
    assert sta["imo"].tolist() == [9869693, pd.NA, 9301718, pd.NA, pd.NA, 9301718, 8971102]
    assert sta["name"].tolist() == ["DEL MONTE PRIDE", "MISS JEAN", "NORDIC AURORA", "SEA BREEZE",
                                    "ATLANTIC FREEDOM", "NORDIC AURORA", "CAPE FLATTERY, II"]
    assert sta["callsign"].tolist() == ["V7A4893", "WDC8133", "D5EV4", pd.NA, "WDD7294", "D5EV4",
                                        "WDG5561"]
    assert sta["ship_type"].tolist() == [70, 31, 80, 37, 52, 80, 30]
    np.testing.assert_array_equal(sta["length_m"].to_numpy(),
                                  [192, 24, 183, np.nan, 32, 183, 41])
    np.testing.assert_array_equal(sta["beam_m"].to_numpy(), [30, 9, 32, np.nan, 10, 32, 11])
    assert sta["destination"].isna().all()  # NOAA has no destination column
    assert (sta["msg_type"] == 0).all() and sta["source"].isna().all()


# ------------------------------------------------------------------------------ DMA sample


def test_dma_counts():
    pos, sta, report = read(DMA, "dma")
    # 20 rows: MMSI "2190X4421", day 32 and a 10-field row are malformed; base station, AtoN
    # and SAR aircraft are not vessels; the 91,0 static report is not a position.
    assert report.lines == 20
    assert report.blank == 0
    assert report.malformed == 3
    assert len(pos) == 13
    assert len(sta) == 9


def test_dma_positions_values():
    pos, _, _ = read(DMA, "dma")
    assert {c: pos[c].dtype for c in pos.columns} == POSITION_COLUMNS
    assert pos["mmsi"].tolist() == [
        219018671, 257043000, 219024893, 219018671, 257043000, 219000606, 220417000, 219018671,
        219000606, 970010123, 219018671, 219024893, 257043000,
    ]
    assert not set(pos["mmsi"]) & {2190064, 992191409, 111219503, 219472000}
    # Day-first: 02/01/2024 is the 2nd of January.
    assert pos["timestamp"].iloc[0] == utc("2024-01-02 00:00:00")
    assert pos["timestamp"].iloc[-1] == utc("2024-01-02 00:00:09")
    assert pos["nav_status"].tolist() == [5, 0, 15, 5, 0, 1, 7, 5, 3, 14, 0, 15, 11]
    tanker = pos.iloc[0]
    assert (tanker["lon"], tanker["lat"]) == (8.395628, 55.476385)
    assert (tanker["sog_knots"], tanker["cog_deg"], tanker["heading_deg"]) == (0.0, 261.2, 171.0)
    # Class B with an empty heading.
    assert np.isnan(pos.iloc[2]["heading_deg"]) and pos.iloc[2]["sog_knots"] == 5.3
    # 91 / 181 with COG 360 and heading 511: only SOG is real.
    fisher = pos.iloc[6]
    assert np.isnan(fisher["lat"]) and np.isnan(fisher["lon"])
    assert np.isnan(fisher["cog_deg"]) and np.isnan(fisher["heading_deg"])
    assert fisher["sog_knots"] == 0.0
    assert (pos["msg_type"] == 0).all() and pos["source"].isna().all()


def test_dma_statics_values():
    _, sta, _ = read(DMA, "dma")
    assert {c: sta[c].dtype for c in sta.columns} == STATIC_COLUMNS
    assert sta["mmsi"].tolist() == [219018671, 257043000, 219024893, 219472000, 219000606,
                                    220417000, 219018671, 970010123, 257043000]
    # Tanker + Category X -> 81; Cargo + "No additional information" -> 70; Sailing 36;
    # Other 90; Fishing 30; Undefined -> NA; Cargo + Category Y -> 72.
    assert sta["ship_type"].tolist() == [81, 70, 36, 90, 70, 30, 81, pd.NA, 72]
    np.testing.assert_array_equal(sta["draught_m"].to_numpy(),
                                  [6.4, 5.2, np.nan, 1.9, 4.8, 3.1, 8.9, np.nan, 5.2])
    assert sta["imo"].tolist() == [9304587, 9226815, pd.NA, 9686429, 9143879, pd.NA, 9304587,
                                   pd.NA, 9226815]
    assert sta["callsign"].tolist() == ["OZDZ2", "LAKZ7", "OU6741", "OWMI2", "OYKF2", "OXNF",
                                        "OZDZ2", pd.NA, "LAKZ7"]
    assert sta["destination"].tolist() == ["ESBJERG", "SKAGEN", pd.NA, "GUARD VESSEL FEMARN",
                                           "AARHUS", pd.NA, "ESBJERG", pd.NA, "SKAGEN"]
    assert sta["name"].iloc[3] == "GUARDVESSEL ADVANCER"
    np.testing.assert_array_equal(sta["length_m"].to_numpy(),
                                  [114, 100, 12, 23, 88, 24, 114, np.nan, 100])
    np.testing.assert_array_equal(sta["beam_m"].to_numpy(),
                                  [20, 16, 4, 8, 14, 7, 20, np.nan, 16])
    assert sta["timestamp"].iloc[6] == utc("2024-01-02 00:00:06")  # the draught change


def dma_row(status: str = "Under way using engine", ship: str = "Cargo", cargo: str = "",
            mobile: str = "Class A", mmsi: int = 219000001, imo: str = "9000001") -> str:
    return (f"05/03/2024 10:00:00,{mobile},{mmsi},55.5,10.5,{status},0.0,1.0,10.0,10,{imo},OXAB1,"
            f"SHIP,{ship},{cargo},10,50,GPS,3.0,AARHUS,,AIS,40,10,5,5")


def write_lines(path: Path, header: str, rows: list[str], newline: str = "\n") -> Path:
    path.write_bytes((newline.join([header, *rows]) + newline).encode())
    return path


def test_dma_nav_status_vocabulary(tmp_path):
    # ITU-R M.1371 navigational status codes for the texts DMA writes.
    expected = {
        "Under way using engine": 0, "At anchor": 1, "Not under command": 2,
        "Restricted maneuverability": 3, "Constrained by her draught": 4, "Moored": 5,
        "Aground": 6, "Engaged in fishing": 7, "Under way sailing": 8,
        "Reserved for future amendment [HSC]": 9, "Reserved for future amendment [WIG]": 10,
        "Reserved for future use [11]": 11, "Reserved for future use [12]": 12,
        "Reserved for future use [13]": 13, "AIS-SART": 14, "Unknown value": 15,
        "something new": None,
    }
    rows = [dma_row(status=s, mmsi=219000001 + i) for i, s in enumerate(expected)]
    pos, _, _ = read(write_lines(tmp_path / "nav.csv", DMA_HEADER, rows), "dma")
    got = [None if v is pd.NA else v for v in pos["nav_status"].tolist()]
    assert got == list(expected.values())


def test_dma_ship_type_vocabulary(tmp_path):
    # Representative ITU-R M.1371 ship-type codes (first digit, or the whole code).
    expected = {
        "WIG": 20, "Fishing": 30, "Towing": 31, "Towing long/wide": 32, "Dredging": 33,
        "Diving": 34, "Military": 35, "Sailing": 36, "Pleasure": 37, "Reserved": 38, "HSC": 40,
        "Pilot": 50, "SAR": 51, "Tug": 52, "Port tender": 53, "Anti-pollution": 54,
        "Law enforcement": 55, "Spare 1": 56, "Spare 2": 57, "Medical": 58, "Passenger": 60,
        "Cargo": 70, "Tanker": 80, "Other": 90, "Undefined": None,
    }
    rows = [dma_row(ship=s, mmsi=219000001 + i) for i, s in enumerate(expected)]
    rows += [dma_row(ship="Tanker", cargo=c, mmsi=219100001 + i)
             for i, c in enumerate(["Category X", "Category Y", "Category Z", "Category OS",
                                    "No additional information", "Reserved for future use"])]
    rows.append(dma_row(ship="Fishing", cargo="Category X", mmsi=219200001))  # not refined
    _, sta, _ = read(write_lines(tmp_path / "ship.csv", DMA_HEADER, rows), "dma")
    got = [None if v is pd.NA else v for v in sta["ship_type"].tolist()]
    assert got == [*expected.values(), 81, 82, 83, 84, 80, 80, 30]


def test_dma_mobile_types(tmp_path):
    mobiles = ["Class A", "Class B", "Base Station", "AtoN", "SAR Airborne",
               "Search and Rescue Transponder", "Man Overboard Device", "base station"]
    rows = [dma_row(mobile=m, mmsi=219000001 + i) for i, m in enumerate(mobiles)]
    pos, sta, _ = read(write_lines(tmp_path / "mob.csv", DMA_HEADER, rows), "dma")
    assert pos["mmsi"].tolist() == [219000001, 219000002, 219000006, 219000007]
    assert sta["mmsi"].tolist() == [219000001, 219000002, 219000006, 219000007]


def test_imo_and_text_cleaning(tmp_path):
    rows = [
        "366000001,2023-06-01T12:00:00,40.0,-70.0,1.0,90.0,90.0,  SEA HAWK@@@ ,IMO0000000,@@,70,0,50,10,2.5,70,A",
        "366000002,2023-06-01T12:00:00,40.0,-70.0,1.0,90.0,90.0,@@@@@@@@,IMO 9123456,WXY12@@,70,0,50,10,2.5,70,A",
        "366000003,2023-06-01T12:00:00,40.0,-70.0,1.0,90.0,90.0,OCEAN,9123457,WXY13,1024,0,50,10,2.5,70,A",
        "366000004,2023-06-01T12:00:00,40.0,-70.0,1.0,90.0,90.0,OCEAN,IMOABC,WXY14,0,0,50,10,2.5,70,A",
    ]
    _, sta, _ = read(write_lines(tmp_path / "t.csv", NOAA_HEADER, rows), "noaa")
    assert sta["name"].tolist() == ["SEA HAWK", pd.NA, "OCEAN", "OCEAN"]
    assert sta["callsign"].tolist() == [pd.NA, "WXY12", "WXY13", "WXY14"]
    assert sta["imo"].tolist() == [pd.NA, 9123456, 9123457, pd.NA]
    # NOAA codes pass through (1024 is a NAIS code); 0 is "not available".
    assert sta["ship_type"].tolist() == [70, 70, 1024, pd.NA]


def test_out_of_range_values_are_masked(tmp_path):
    rows = [
        "366000001,2023-06-01T12:00:00,40.0,-70.0,-0.5,-49.6,360.0,A,,,70,0,0,0,0,70,A",
        "366000001,2023-06-01T12:01:00,95.0,-70.0,102.2,359.9,359.0,A,,,70,0,0,0,0,70,A",
        "366000001,2023-06-01T12:02:00,,,,,,A,,,70,16,,,,70,A",
    ]
    pos, sta, report = read(write_lines(tmp_path / "t.csv", NOAA_HEADER, rows), "noaa")
    assert report.malformed == 0
    assert np.isnan(pos["sog_knots"].iloc[0]) and pos["sog_knots"].iloc[1] == 102.2
    assert np.isnan(pos["cog_deg"].iloc[0]) and pos["cog_deg"].iloc[1] == 359.9
    assert np.isnan(pos["heading_deg"].iloc[0]) and pos["heading_deg"].iloc[1] == 359.0
    assert np.isnan(pos["lat"].iloc[1]) and np.isnan(pos["lon"].iloc[1])  # lat 95: pair masked
    assert len(pos) == 2  # the third row has no position, speed, course or heading
    assert pos["nav_status"].tolist() == [0, 0]
    assert sta["draught_m"].isna().all() and sta["length_m"].isna().all()
    assert sta["beam_m"].isna().all()


def test_older_noaa_layout_with_text_status(tmp_path):
    header = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo"
    rows = [
        "367000001,2016-03-01T00:00:00,30.0,-88.0,0.1,12.0,511.0,GULF BELLE,,WDA1,52,moored,30,9,3.2,52",
        "367000001,2016-03-01T00:01:00,30.0,-88.0,7.0,12.0,13.0,GULF BELLE,,WDA1,52,under way using engine,30,9,3.2,52",
        "367000001,2016-03-01T00:02:00,30.0,-88.0,7.0,12.0,13.0,GULF BELLE,,WDA1,52,power-driven vessel towing astern,30,9,3.2,52",
        "367000001,2016-03-01T00:03:00,30.0,-88.0,7.0,12.0,13.0,GULF BELLE,,WDA1,52,undefined,30,9,3.2,52",
    ]
    pos, sta, _ = read(write_lines(tmp_path / "old.csv", header, rows), "noaa")
    assert pos["nav_status"].tolist() == [5, 0, 11, 15]
    assert len(sta) == 1


# ------------------------------------------------------------------------------ file forms


def test_gzip_zip_and_zstd_give_the_same_tables(tmp_path):
    plain = read(NOAA, "noaa")
    gz = tmp_path / "noaa.csv.gz"
    gz.write_bytes(gzip.compress(NOAA.read_bytes()))
    assert_same_tables(read(gz, "noaa"), plain)
    # The name does not matter, the magic bytes do.
    disguised = tmp_path / "noaa.csv"
    disguised.write_bytes(gzip.compress(NOAA.read_bytes()))
    assert_same_tables(read(disguised, "noaa"), plain)
    archive = tmp_path / "AIS_2023_01_01.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(NOAA, "AIS_2023_01_01.csv")
    assert_same_tables(read(archive, "noaa"), plain)

    import pyarrow as pa

    zst = tmp_path / "ais-2023-01-01.csv.zst"
    with pa.CompressedOutputStream(str(zst), "zstd") as out:
        out.write(DMA.read_bytes())
    assert_same_tables(read(zst, "dma"), read(DMA, "dma"))
    assert sniff_csv(zst.read_bytes()) == "dma"
    assert sniff_csv_path(zst) == "dma"
    assert sniff_csv(zst.read_bytes()[:20]) is None  # too little to decompress a block


def test_zip_with_several_members_is_refused(tmp_path):
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(NOAA, "a.csv")
        zf.write(DMA, "b.csv")
    with pytest.raises(ValueError, match="zip archive holds 2 files"):
        list(iter_csv(archive, "noaa", DecodeReport()))


def test_crlf_and_bom(tmp_path):
    text = DMA.read_bytes().replace(b"\n", b"\r\n")
    path = tmp_path / "dma_crlf.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text)
    assert_same_tables(read(path, "dma"), read(DMA, "dma"))


def test_column_order_and_2025_layout(tmp_path):
    with NOAA.open(newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    good = [r for r in body if len(r) == len(header)]
    perm = list(reversed(range(len(header))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header[i] for i in perm])
    writer.writerows([[r[i] for i in perm] for r in good])
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text(out.getvalue())
    expected_pos, expected_sta, _ = read(NOAA, "noaa")
    pos, sta, report = read(shuffled, "noaa")
    assert report.malformed == 3  # bad MMSI, hour 25, LAT "N/A"
    pd.testing.assert_frame_equal(pos, expected_pos)
    pd.testing.assert_frame_equal(sta, expected_sta)

    # 2025 layout: snake_case names, longitude before latitude, space-separated time.
    new_names = ["mmsi", "base_date_time", "latitude", "longitude", "sog", "cog", "heading",
                 "vessel_name", "imo", "call_sign", "vessel_type", "status", "length", "width",
                 "draft", "cargo", "transceiver"]
    order = [0, 1, 3, 2] + list(range(4, len(header)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([new_names[i] for i in order])
    writer.writerows([[(r[i].replace("T", " ") if i == 1 else r[i]) for i in order] for r in good])
    new = tmp_path / "ais-2025-01-01.csv"
    new.write_text(out.getvalue())
    pos, sta, _ = read(new, "noaa")
    pd.testing.assert_frame_equal(pos, expected_pos)
    pd.testing.assert_frame_equal(sta, expected_sta)


def test_wrong_format_raises(tmp_path):
    nmea = tmp_path / "feed.nmea"
    nmea.write_text("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\n")
    with pytest.raises(ValueError, match="not a NOAA MarineCadastre AIS CSV"):
        list(iter_csv(nmea, "noaa", DecodeReport()))
    with pytest.raises(ValueError, match="not a Danish Maritime Authority AIS CSV"):
        list(iter_csv(NOAA, "dma", DecodeReport()))
    with pytest.raises(ValueError, match="unknown CSV kind"):
        list(iter_csv(NOAA, "marinetraffic", DecodeReport()))
    with pytest.raises(ValueError, match="chunk_rows must be at least 1"):
        list(iter_csv(NOAA, "noaa", DecodeReport(), chunk_rows=0))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="not a NOAA"):
        list(iter_csv(empty, "noaa", DecodeReport()))


def test_header_only_file(tmp_path):
    path = write_lines(tmp_path / "h.csv", NOAA_HEADER, [])
    report = DecodeReport()
    assert list(iter_csv(path, "noaa", report)) == []
    assert report.lines == 0


def test_junk_never_costs_good_rows(tmp_path):
    good = [f"3660000{i:02d},2023-06-01T12:{i:02d}:00,40.{i},-70.0,5.0,90.0,90.0,"
            f"SHIP{i},,,70,0,50,10,2.5,70,A" for i in range(10)]
    junk = ["garbage", ",,,,,,,,,,,,,,,,", '"unterminated,quote', "\x00\x01\x02", "a,b,c,d"]
    rows = [r for pair in zip(good, junk * 2, strict=True) for r in pair]
    pos, sta, report = read(write_lines(tmp_path / "j.csv", NOAA_HEADER, rows), "noaa")
    assert report.lines == 20 and report.malformed == 10
    assert pos["mmsi"].tolist() == [366000000 + i for i in range(10)]
    assert pos["lat"].tolist() == [float(f"40.{i}") for i in range(10)]
    assert len(sta) == 10


def test_slow_path_matches_fast_path(tmp_path, monkeypatch):
    # A chunk with a non-numeric LAT goes through the all-strings path; the other rows must
    # come out exactly as the typed fast path gives them.
    rng = np.random.default_rng(7)
    rows = []
    for i in range(300):
        mmsi = 366000000 + i % 17
        rows.append(f"{mmsi},2023-06-01T{i // 60:02d}:{i % 60:02d}:00,{rng.uniform(20, 50):.5f},"
                    f"{rng.uniform(-130, -60):.5f},{rng.uniform(0, 20):.1f},{rng.uniform(0, 360):.1f},"
                    f"{rng.integers(0, 360)}.0,SHIP {mmsi % 5},IMO{9000000 + mmsi % 5},,70,0,"
                    f"{100 + i % 3},20,{(i // 50) * 1.5:.1f},70,A")
    clean = write_lines(tmp_path / "clean.csv", NOAA_HEADER, rows)
    dirty_rows = list(rows)
    dirty_rows.insert(150, "366000999,2023-06-01T02:30:00,abc,-70.0,1.0,1.0,1.0,X,,,70,0,1,1,1,70,A")
    dirty = write_lines(tmp_path / "dirty.csv", NOAA_HEADER, dirty_rows)
    import vesseltrack.io._csv as csv_module

    calls = []
    arrow_reader = csv_module._read_arrow_strings
    monkeypatch.setattr(csv_module, "_read_arrow_strings",
                        lambda *args: calls.append(1) or arrow_reader(*args))
    a = read(clean, "noaa")
    assert calls == []  # clean chunk: typed fast path only
    b = read(dirty, "noaa")
    assert calls == [1]
    assert b[2].malformed == 1 and b[2].lines == 301
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    # draught changes every 50 rows and length cycles: statics pick up every change.
    assert len(a[1]) > 17


# ------------------------------------------------------------------------------ chunking


@pytest.mark.parametrize("path,kind", [(NOAA, "noaa"), (DMA, "dma")])
def test_chunk_rows_3_equals_one_chunk(path, kind):
    assert_same_tables(read(path, kind, chunk_rows=3), read(path, kind))


@settings(max_examples=30, deadline=None)
@given(chunk_rows=st.integers(min_value=1, max_value=25), which=st.sampled_from(["noaa", "dma"]))
def test_chunking_invariance(chunk_rows, which):
    path = NOAA if which == "noaa" else DMA
    assert_same_tables(read(path, which, chunk_rows=chunk_rows), read(path, which))


def test_invalid_utf8_with_junk_number(tmp_path):
    # Invalid UTF-8 defeats the Arrow string reader; with a junk LAT in the same chunk the
    # reader falls back to pandas' string parser. Bytes that are not UTF-8 become U+FFFD.
    rows = [
        b"366000001,2023-06-01T12:00:00,40.0,-70.0,1.0,90.0,90.0,\xffSEA HAWK,,,70,0,50,10,2.5,70,A",
        b"366000002,2023-06-01T12:00:00,abc,-70.0,1.0,90.0,90.0,OCEAN,,,70,0,50,10,2.5,70,A",
        b"366000003,2023-06-01T12:01:00,41.0,-71.0,2.0,91.0,91.0,OCEAN,,,70,0,50,10,2.5,70,A",
    ]
    path = tmp_path / "latin.csv"
    path.write_bytes(b"\n".join([NOAA_HEADER.encode(), *rows]) + b"\n")
    pos, sta, report = read(path, "noaa")
    assert report.malformed == 1
    assert pos["mmsi"].tolist() == [366000001, 366000003]
    assert pos["lat"].tolist() == [40.0, 41.0]
    assert sta["name"].tolist() == ["\ufffdSEA HAWK", "OCEAN"]
    clean = tmp_path / "latin_clean.csv"
    clean.write_bytes(b"\n".join([NOAA_HEADER.encode(), rows[0], rows[2]]) + b"\n")
    pos2, sta2, _ = read(clean, "noaa")
    pd.testing.assert_frame_equal(pos, pos2)
    pd.testing.assert_frame_equal(sta, sta2)
