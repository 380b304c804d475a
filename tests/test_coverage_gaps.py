"""Paths of the reading, framing, port-call, gap and cargo code that the other tests miss.

Each test states a behaviour and checks values; together they lift line coverage of
``vesseltrack/ais/_nmea.py``, ``io/_read.py``, ``io/_csv.py``, ``ports.py``, ``gaps.py`` and
``cargo.py``.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from functools import reduce

import numpy as np
import pandas as pd
import pytest
from _builders import (
    BERTH,
    SEA,
    TERMINAL,
    dark_to,
    make_ports,
    make_positions,
    make_statics,
    make_track,
    polygon_feature,
    sail,
    stay,
    write_ports_geojson,
)
from pyais.encode import encode_dict

from vesseltrack.cargo import CargoParams, assess_load
from vesseltrack.gaps import detect_gaps
from vesseltrack.io import InputError, read_ais
from vesseltrack.io._csv import sniff_csv
from vesseltrack.io._read import MAX_LINE_BYTES, expand_inputs, sniff_format
from vesseltrack.params import DraughtParams
from vesseltrack.ports import (
    PortCallParams,
    detect_port_calls,
    read_ports,
    speed_before_after_knots,
)
from vesseltrack.tracks import clean_tracks

TERM = "Vostochny oil terminal"
T0_S = 1_709_251_200  # 2024-03-01T00:00:00Z


def cs(body: str) -> str:
    return f"{reduce(lambda a, b: a ^ b, body.encode(), 0):02X}"


def tag(body: str) -> str:
    return f"\\{body}*{cs(body)}\\"


def type1(mmsi: int, lon: float = 133.0, lat: float = 42.0) -> str:
    return encode_dict({"type": 1, "mmsi": mmsi, "lon": lon, "lat": lat, "speed": 5.0},
                       talker_id="AI", sentence_type="VDM")[0]


def fragments(mmsi: int, name: str, seq_id: int = 4) -> list[str]:
    return encode_dict({"type": 5, "mmsi": mmsi, "shipname": name, "draught": 6.0},
                       talker_id="AI", sentence_type="VDM", seq_id=seq_id)


def write(tmp_path, lines: list[str], name: str = "in.nmea"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


# ------------------------------------------------------------------------------- io/_read.py


def test_input_errors_name_the_problem(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(InputError, match="not a regular file"):
        expand_inputs([tmp_path / "pipe"])
    with pytest.raises(InputError, match="no files match"):
        expand_inputs([str(tmp_path / "*.nmea")])
    with pytest.raises(InputError, match="no such file or folder"):
        expand_inputs([tmp_path / "missing.nmea"])


def test_globs_folders_and_duplicates_expand_once(tmp_path):
    a = write(tmp_path, [type1(273_000_001)], "a.nmea")
    b = write(tmp_path, [type1(273_000_002)], "b.nmea")
    (tmp_path / "notes.txt").write_text("not AIS\n")
    got = expand_inputs([str(tmp_path / "*.nmea"), tmp_path, a])
    assert got == [a, b]  # the folder adds nothing new and skips the notes


def test_folder_picks_csv_exports_by_content(tmp_path):
    csv = tmp_path / "export.dat"
    csv.write_text("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName\n"
                   "273000009,2024-03-01T00:00:00,42.0,133.0,1.0,2.0,3.0,X\n")
    assert expand_inputs([tmp_path]) == [csv]
    data = read_ais(tmp_path, progress=False)
    assert data.positions["mmsi"].tolist() == [273_000_009]
    assert data.report.positions == 1


def test_gzip_with_an_unknown_method_is_nmea_junk_not_a_crash(tmp_path):
    """gzip magic with compression method 9 (unknown): sniffing says NMEA; in a folder, as
    named explicitly, it is a damaged compressed file: listed as failed, the rest read."""
    odd = tmp_path / "odd.gz"
    odd.write_bytes(b"\x1f\x8b\x09\x00" + b"\x00" * 64)
    assert sniff_format(odd) == "nmea"
    write(tmp_path, [type1(273_000_003)], "good.nmea")
    assert [p.name for p in expand_inputs([tmp_path])] == ["good.nmea", "odd.gz"]
    data = read_ais([odd, tmp_path / "good.nmea"], progress=False)
    assert [f["path"] for f in data.report.failed_files] == [str(odd)]
    assert data.positions["mmsi"].tolist() == [273_000_003]


def test_line_longer_than_the_cap_is_cut_into_malformed_pieces(tmp_path):
    """A 100 KiB line read 40 KiB at a time: two 64 KiB pieces dropped, the rest of the line
    malformed, the next sentence decoded."""
    path = tmp_path / "long.nmea"
    good = type1(273_000_004)
    path.write_bytes(b"X" * (100 * 1024) + b"\n" + good.encode() + b"\n")
    data = read_ais(path, progress=False, chunk_bytes=40 * 1024)
    rep = data.report
    assert 80 * 1024 > MAX_LINE_BYTES
    assert rep.malformed == 3 and rep.lines == 4
    assert data.positions["mmsi"].tolist() == [273_000_004]


def test_without_the_fast_decoder_the_tables_are_the_same(tmp_path, monkeypatch):
    lines = [tag(f"c:{T0_S + 60 * k}") + type1(273_000_100 + k, 133 + k / 10, 42 + k / 10)
             for k in range(5)]
    lines += [tag(f"c:{T0_S + 900}") + s for s in fragments(273_000_100, "SLOW PATH")]
    path = write(tmp_path, lines)
    fast = read_ais(path, progress=False)
    monkeypatch.setitem(sys.modules, "vesseltrack.ais._fast", None)  # import fails
    slow = read_ais(path, progress=False)
    pd.testing.assert_frame_equal(slow.positions, fast.positions)
    pd.testing.assert_frame_equal(slow.statics, fast.statics)
    assert slow.statics["name"].tolist() == ["SLOW PATH"]


def test_parquet_in_no_known_layout_is_an_input_error(tmp_path):
    """A Parquet file whose columns are no positions table: nothing in it is AIS, an error
    naming the file (not a silent 0 positions)."""
    odd = tmp_path / "other.parquet"
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_parquet(odd)
    good = write(tmp_path, [type1(273_000_005)], "good.nmea")
    with pytest.raises(InputError) as info:
        read_ais([odd, good], progress=False)
    assert str(info.value).startswith(f"{odd}: columns match no known layout (tried NOAA")


def test_statics_parquet_round_trip(tmp_path):
    lines = [tag(f"c:{T0_S}") + s for s in fragments(273_000_006, "ROUND TRIP")]
    data = read_ais(write(tmp_path, lines), progress=False)
    out = tmp_path / "statics.parquet"
    data.statics.to_parquet(out)
    again = read_ais(out, progress=False)
    assert again.positions.empty
    pd.testing.assert_frame_equal(again.statics, data.statics)
    assert again.report.statics == 1


# ----------------------------------------------------------------------------- ais/_nmea.py


def test_empty_file_and_only_blank_lines(tmp_path):
    empty = tmp_path / "empty.nmea"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.nmea"
    blank.write_bytes(b"\n\n  \n")
    data = read_ais([empty, blank], progress=False)
    assert (data.report.files, data.report.lines, data.report.blank) == (2, 3, 3)
    assert data.positions.empty and data.statics.empty


def test_fragment_out_of_sequence_orphans_both(tmp_path):
    """Fragments 1 and 3 of a 3-sentence message (2 missing): nothing decoded, both orphans."""
    body1 = "AIVDM,3,1,7,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0"
    body3 = "AIVDM,3,3,7,A,88888888880,2"
    lines = [f"!{body1}*{cs(body1)}", f"!{body3}*{cs(body3)}"]
    data = read_ais(write(tmp_path, lines), progress=False)
    assert data.report.messages == 0
    assert data.report.orphan_fragments == 2


def test_message_time_from_a_later_fragment(tmp_path):
    """The first fragment carries no time, the second a tag-block time: the message has it."""
    first, second = fragments(273_000_008, "LATE TIME")
    data = read_ais(write(tmp_path, [first, tag(f"c:{T0_S}") + second]), progress=False)
    assert data.statics["timestamp"].tolist() == [pd.Timestamp(T0_S, unit="s", tz="UTC")]
    assert data.report.untimed == 0


def test_lone_tag_block_times_the_sentence_in_the_next_chunk(tmp_path):
    """A lone tag block ends one chunk; the untimed sentence starting the next chunk takes its
    time and source."""
    carrier = tag(f"s:CHUNKY,c:{T0_S + 42}")
    path = write(tmp_path, [carrier, type1(273_000_010)])
    data = read_ais(path, progress=False, chunk_bytes=len(carrier) + 1)
    assert data.positions["timestamp"].tolist() == [pd.Timestamp(T0_S + 42, unit="s", tz="UTC")]
    assert data.positions["source"].tolist() == ["CHUNKY"]
    assert data.report.other_nmea == 1


# ------------------------------------------------------------------------------- io/_csv.py


HEADER = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName"
ROW = "273000011,2024-03-01T00:00:00,42.0,133.0,1.0,2.0,3.0,X"


def _zip(text: str, method: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        archive.writestr("a.csv", text)
    return buffer.getvalue()


def test_sniff_stored_and_unknown_zip_members():
    stored = _zip(HEADER + "\n" + ROW + "\n", zipfile.ZIP_STORED)
    assert sniff_csv(stored) == "noaa"
    bz = _zip(HEADER + "\n" + ROW + "\n", zipfile.ZIP_BZIP2)
    assert sniff_csv(bz) is None  # a member the sniffer cannot open is not a CSV it knows
    assert sniff_csv(b"\x1f\x8b\x08\x00garbage") is None


def test_stored_zip_csv_reads(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(_zip(HEADER + "\n" + ROW + "\n", zipfile.ZIP_STORED))
    data = read_ais(path, progress=False)
    assert data.positions[["mmsi", "lat", "lon"]].values.tolist() == [[273_000_011, 42.0, 133.0]]


# ------------------------------------------------------------------------------- ports.py


def test_invalid_geometry_is_refused_and_a_bow_tie_repaired(tmp_path):
    bad = write_ports_geojson(tmp_path / "bad.geojson", [{
        "type": "Feature", "properties": {"name": "B"},
        "geometry": {"type": "Polygon", "coordinates": "not coordinates"}}])
    with pytest.raises(ValueError, match="invalid geometry"):
        read_ports(bad)
    bow = write_ports_geojson(tmp_path / "bow.geojson", [polygon_feature(
        "Bow", [(133.0, 42.0), (133.1, 42.1), (133.1, 42.0), (133.0, 42.1)])])
    ports = read_ports(bow)
    geom = ports.geometry.iloc[0]
    assert geom.is_valid
    assert geom.area == pytest.approx(0.005, rel=1e-6)  # two triangles of 0.0025 deg²


def test_no_positions_no_calls():
    empty = make_positions(make_track(273_000_012, SEA, [])).iloc[0:0]
    calls = detect_port_calls(clean_tracks(empty), make_ports(("terminal",)))
    assert calls.empty
    assert {"arrival", "departure", "arrival_estimated"} <= set(calls.columns)


def test_single_position_vessel_makes_no_call_and_no_gap():
    track = make_track(273_000_013, SEA, [])
    assert len(track) == 1
    calls = detect_port_calls(clean_tracks(track), make_ports(("terminal",)))
    assert calls.empty
    assert detect_gaps(clean_tracks(track)).empty


def test_arrival_estimated_across_a_dark_approach():
    """AIS off 5 nm out, on again at the berth 3 h later: arrival estimated from the vessel's
    own speed before the gap (10 kn), so 0.5 h after it went dark."""
    near = (133.069, 42.835)  # about 5 nm north of the berth
    track = make_track(273_000_014, (133.069, 43.2), [
        sail(*near, knots=10.0), dark_to(*BERTH, hours=7.0), stay(10.0), sail(*SEA, knots=10.0)])
    calls = detect_port_calls(clean_tracks(track), make_ports(("terminal",)))
    call = calls.loc[calls["port"] == TERM].iloc[0]
    assert bool(call["arrival_estimated"]) and not bool(call["departure_estimated"])
    went_dark = track.loc[track["lat"] == near[1], "timestamp"].iloc[0]
    hours = (call["arrival"] - went_dark) / pd.Timedelta(hours=1)
    assert 0.3 < hours < 0.6


def test_speed_from_positions_when_speeds_are_missing():
    """No usable reported speed: the speed before a row comes from distance over time."""
    track = make_track(273_000_015, SEA, [sail(*BERTH, knots=8.0)])
    track["sog_knots"] = np.nan
    tracks = clean_tracks(track)
    last = np.array([len(tracks) - 1])
    params = PortCallParams()
    v = speed_before_after_knots(tracks, last, True, params)
    assert v[0] == pytest.approx(8.0, rel=0.05)
    assert speed_before_after_knots(tracks, np.array([], dtype=int), True, params).size == 0


def test_unsorted_tracks_give_the_same_calls():
    a = make_track(273_000_016, SEA, [sail(*BERTH), stay(6.0), sail(*SEA)])
    b = make_track(273_000_017, SEA, [stay(3.0), sail(*BERTH), stay(8.0), sail(*SEA)])
    tracks = clean_tracks(make_positions(a, b))
    shuffled = tracks.sample(frac=1.0, random_state=3)
    ports = make_ports(("terminal",))
    want = detect_port_calls(tracks, ports)
    got = detect_port_calls(shuffled, ports)
    assert len(want) == 2
    pd.testing.assert_frame_equal(got, want)


# ------------------------------------------------------------------------------- cargo.py


def test_draught_reported_long_after_departure_is_not_used():
    """A draught first reported 2 days after a call without reports is past the 24 h
    look-ahead: the 5.0 m in effect stays (unchanged); a 72 h look-ahead takes it (loaded)."""
    track = make_track(273_000_018, SEA, [sail(*BERTH), stay(12.0), sail(*SEA), stay(60.0)])
    calls = detect_port_calls(clean_tracks(track), make_ports(("terminal",)))
    call = calls.loc[calls["port"] == TERM].reset_index(drop=True)
    arrival, departure = call["arrival"].iloc[0], call["departure"].iloc[0]
    statics = make_statics([(273_000_018, arrival - pd.Timedelta(hours=1), 5.0),
                            (273_000_018, departure + pd.Timedelta(hours=48), 9.0)])
    strict = assess_load(call, statics)
    loose = assess_load(call, statics,
                        params=CargoParams(draught=DraughtParams(lookahead_hours=72.0)))
    assert loose["load_state"].tolist() == ["loaded"]
    assert loose["draught_change_m"].tolist() == [4.0]
    assert strict["load_state"].tolist() == ["unchanged"]
    assert strict["departure_draught_m"].tolist() == [5.0]


def test_terminal_fence_constant_matches_the_domain_file():
    """The builders' terminal fence is the one shipped in data/ports (docs/method.md [est])."""
    from pathlib import Path

    ports = read_ports(Path(__file__).resolve().parent.parent / "data" / "ports"
                       / "vostochny.geojson")
    geom = ports.loc[ports["name"] == TERM].geometry.iloc[0]
    assert list(geom.exterior.coords)[:4] == TERMINAL
