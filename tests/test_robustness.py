"""Batch robustness, untrusted text in CSV outputs, and atomic outputs, through the CLI.

A tiny NMEA file is crafted here: vessels whose AIS names start with spreadsheet-formula
characters (``=``, ``+``, ``-``: AIS six-bit text has them; ``@`` is padding and never
survives decoding) sail into a small terminal geofence written by the test, stay 12 hours and
leave with a different draught.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from functools import reduce
from pathlib import Path

import pandas as pd
import pytest
from _builders import BERTH, SEA, TERMINAL, dark, make_track, polygon_feature, sail, stay
from _builders import write_ports_geojson as _write_ports
from pyais.encode import encode_dict

import vesseltrack.io._write as writer
from vesseltrack.cli import main
from vesseltrack.io import read_ais
from vesseltrack.io._write import write_table, write_text

TERM = "Test terminal"
# (mmsi, AIS name, arrival draught m, departure draught m)
VESSELS = [
    (445_000_101, '=HYPERLINK("X")', 9.0, 5.0),   # discharges: draught change -4.0 m
    (445_000_102, "+SUM(A1)", 5.0, 9.0),           # loads
    (445_000_103, "-2+3", 6.0, 6.0),
    (445_000_104, "PLAIN NAME", 6.0, 8.5),
]


def _cs(body: str) -> str:
    return f"{reduce(lambda a, b: a ^ b, body.encode(), 0):02X}"


def _tagged(sentence: str, time_s: int) -> str:
    body = f"s:TEST,c:{time_s}"
    return f"\\{body}*{_cs(body)}\\{sentence}"


def _vessel_lines(mmsi: int, name: str, arrival_draught_m: float, departure_draught_m: float,
                  start_hour: int, legs=None) -> list[tuple[int, str]]:
    t0 = pd.Timestamp("2024-03-01T00:00:00Z") + pd.Timedelta(hours=start_hour)
    legs = legs or [sail(*BERTH, knots=10.0), stay(12.0), sail(*SEA, knots=10.0)]
    track = make_track(mmsi, SEA, legs, t0=t0, step_minutes=15.0)
    out: list[tuple[int, str]] = []
    for row in track.itertuples():
        t = int(row.timestamp.timestamp())
        sentence = encode_dict({"type": 1, "mmsi": mmsi, "lon": row.lon, "lat": row.lat,
                                "speed": row.sog_knots, "course": 0.0, "status": 0},
                               talker_id="AI", sentence_type="VDM")[0]
        out.append((t, _tagged(sentence, t)))
    # voyage reports: one on the way in (arrival draught), one after departure
    times = track["timestamp"]
    for when, draught in ((times.iloc[2], arrival_draught_m), (times.iloc[-3], departure_draught_m)):
        t = int(when.timestamp()) + 1
        for s in encode_dict({"type": 5, "mmsi": mmsi, "shipname": name, "callsign": "-CALL",
                              "destination": "=DEST", "draught": draught, "ship_type": 80},
                             talker_id="AI", sentence_type="VDM", seq_id=mmsi % 10):
            out.append((t, _tagged(s, t)))
    return out


def craft_nmea(path: Path) -> Path:
    lines = []
    for k, vessel in enumerate(VESSELS):
        lines.extend(_vessel_lines(*vessel, start_hour=30 * k))
    lines.sort(key=lambda item: item[0])  # stable: fragments stay in order
    path.write_text("\n".join(line for _, line in lines) + "\n")
    return path


@pytest.fixture()
def inputs(tmp_path):
    nmea = craft_nmea(tmp_path / "crafted.nmea")
    ports = _write_ports(tmp_path / "ports.geojson", [polygon_feature(TERM, TERMINAL, "terminal")])
    return nmea, ports


def test_crafted_input_gives_the_intended_calls(inputs):
    """The premise of the tests below: four calls, with the formula names as decoded."""
    nmea, _ = inputs
    data = read_ais(nmea, progress=False)
    assert data.report.bad_lines == 0 and data.report.orphan_fragments == 0
    names = set(data.statics["name"].dropna())
    assert names == {v[1] for v in VESSELS}


# ------------------------------------------------------------------ untrusted text in CSV


def _read_csv_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("command", ["port-calls", "count"])
def test_formula_names_are_neutralised_in_csv(tmp_path, inputs, command, capsys):
    nmea, ports = inputs
    if command == "port-calls":
        target = tmp_path / "calls.csv"
        argv = ["port-calls", str(nmea), "--ports", str(ports), "-o", str(target), "-q"]
    else:
        target = tmp_path / "out" / "port_calls.csv"
        argv = ["count", str(nmea), "--ports", str(ports), "--out", str(target.parent), "-q",
                "--json"]
    assert main(argv) == 0, capsys.readouterr().err
    calls = _read_csv_text(target).set_index("mmsi")
    assert len(calls) == 4
    assert calls.loc["445000101", "name"] == "'" + '=HYPERLINK("X")'
    assert calls.loc["445000102", "name"] == "'+SUM(A1)"
    assert calls.loc["445000103", "name"] == "'-2+3"
    assert calls.loc["445000104", "name"] == "PLAIN NAME"
    # numbers stay numbers: a negative draught change is not text to defuse
    assert float(calls.loc["445000101", "draught_change_m"]) == pytest.approx(-4.0)
    assert calls.loc["445000101", "draught_change_m"].startswith("-")
    assert calls.loc["445000102", "load_state"] == "loaded"
    # no cell of the raw text starts a formula
    raw = target.read_text()
    for line in raw.splitlines()[1:]:
        for cell in next(iter(__import__("csv").reader([line]))):
            assert not cell.startswith(("=", "+", "@")), line
            assert not cell.startswith("-") or _is_number(cell), line


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_formula_text_in_decoded_statics_csv(tmp_path, inputs, capsys):
    """``decode --statics x.csv``: names, call signs and destinations from AIS are defused."""
    nmea, _ = inputs
    pos = tmp_path / "p.parquet"
    sta = tmp_path / "s.csv"
    assert main(["decode", str(nmea), "-o", str(pos), "--statics", str(sta), "-q"]) == 0
    statics = _read_csv_text(sta)
    assert set(statics["name"]) == {"'" + '=HYPERLINK("X")', "'+SUM(A1)", "'-2+3", "PLAIN NAME"}
    assert set(statics["callsign"]) == {"'-CALL"}
    assert set(statics["destination"]) == {"'=DEST"}
    # Parquet keeps the true text: neutralising is for spreadsheets only
    assert set(pd.read_parquet(pos)["mmsi"]) == {v[0] for v in VESSELS}


def test_formula_fence_names_are_neutralised_in_calls_and_gaps(tmp_path, capsys):
    """Geofence names come from a user's GeoJSON, as untrusted as AIS text: in
    ``port_calls.csv`` (``port``) and ``gaps.csv`` (``reachable_ports``) they are defused."""
    fence = "=1+2 cove"
    lines = _vessel_lines(445_000_105, "DARK ONE", 5.0, 9.0, 0, legs=[
        stay(2.0, knots=8.0), dark(8.0), sail(*BERTH, knots=10.0), stay(12.0),
        sail(*SEA, knots=10.0)])
    nmea = tmp_path / "dark.nmea"
    nmea.write_text("\n".join(line for _, line in sorted(lines, key=lambda x: x[0])) + "\n")
    ports = _write_ports(tmp_path / "p.geojson", [polygon_feature(fence, TERMINAL, "terminal")])
    out = tmp_path / "out"
    assert main(["count", str(nmea), "--ports", str(ports), "--out", str(out), "-q"]) == 0
    calls = _read_csv_text(out / "port_calls.csv")
    assert len(calls) >= 1 and set(calls["port"]) == {"'" + fence}
    gaps = _read_csv_text(out / "gaps.csv")
    assert len(gaps) == 1
    assert gaps["reachable_ports"].tolist() == ["'" + fence]
    capsys.readouterr()


# ------------------------------------------------------------------------ batch robustness


def _corrupt_gzip(path: Path) -> Path:
    """gzip magic bytes, then garbage: unreadable from the first byte."""
    path.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)
    return path


def _truncated_gzip(path: Path, source: Path) -> Path:
    data = gzip.compress(source.read_bytes())
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize("command", ["count", "port-calls", "gaps", "decode"])
def test_batch_with_an_unreadable_and_an_empty_file(tmp_path, inputs, command, capsys):
    nmea, ports = inputs
    bad = _corrupt_gzip(tmp_path / "broken.nmea.gz")
    empty = tmp_path / "empty.nmea"
    empty.write_bytes(b"")
    files = [str(bad), str(nmea), str(empty)]
    out = tmp_path / "o.csv"
    argv = {
        "count": ["count", *files, "--ports", str(ports), "--json", "-q"],
        "port-calls": ["port-calls", *files, "--ports", str(ports), "-o", str(out), "-q"],
        "gaps": ["gaps", *files, "-o", str(out), "-q", "--min-hours", "1"],
        "decode": ["decode", *files, "-o", str(out), "--json", "-q"],
    }[command]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert f"could not read {bad}" in captured.err
    assert str(nmea) not in captured.err and f"could not read {empty}" not in captured.err
    if command == "count":
        summary = json.loads(captured.out)
        assert summary["input"]["files"] == 3
        assert [f["path"] for f in summary["input"]["failed_files"]] == [str(bad)]
        assert summary["port_calls"] == 4
    elif command == "decode":
        report = json.loads(captured.out)
        assert report["files"] == 3
        assert [f["path"] for f in report["failed_files"]] == [str(bad)]
        assert set(pd.read_csv(out)["mmsi"]) == {v[0] for v in VESSELS}
    elif command == "port-calls":
        assert len(pd.read_csv(out)) == 4
    # --strict: the same batch is a failure
    assert main([*argv, "--strict"]) == 1
    err = capsys.readouterr().err
    assert "1 input file(s) could not be read (--strict)" in err


def test_read_ais_batch_lists_failed_files_and_keeps_the_rest(tmp_path, inputs):
    nmea, _ = inputs
    alone = read_ais(nmea, progress=False)
    bad = _corrupt_gzip(tmp_path / "a_broken.nmea.gz")
    cut = _truncated_gzip(tmp_path / "b_cut.nmea.gz", nmea)
    empty = tmp_path / "c_empty.nmea"
    empty.write_bytes(b"")
    data = read_ais([bad, empty, nmea, cut], progress=False)
    rep = data.report
    assert rep.files == 4
    assert [f["path"] for f in rep.failed_files] == [str(bad), str(cut)]
    assert all(f["error"] and "\n" not in f["error"] for f in rep.failed_files)
    # everything in the intact file is there (the truncated copy may add rows read before the
    # cut, all of them duplicates of the intact file's)
    got = data.positions.drop(columns="source").drop_duplicates().reset_index(drop=True)
    want = alone.positions.drop(columns="source").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_folder_batch_with_corrupt_and_truncated_gzip(tmp_path, inputs, capsys):
    """A folder holding a corrupt gzip, a truncated gzip and an empty file besides the good
    one: no traceback, the good file is processed, and both gzip files, which cannot be read
    (so cannot be shown not to be AIS), are listed as failed rather than silently dropped."""
    nmea, ports = inputs
    folder = tmp_path / "batch"
    folder.mkdir()
    good = folder / "good.nmea"
    good.write_bytes(nmea.read_bytes())
    broken = _corrupt_gzip(folder / "broken.nmea.gz")
    cut = _truncated_gzip(folder / "cut.nmea.gz", nmea)
    (folder / "empty.nmea").write_bytes(b"")
    argv = ["count", str(folder), "--ports", str(ports), "--json", "-q"]
    assert main(argv) == 0, capsys.readouterr().err
    summary = json.loads(capsys.readouterr().out)
    assert summary["port_calls"] == 4
    assert sorted(f["path"] for f in summary["input"]["failed_files"]) == [str(broken), str(cut)]
    assert main([*argv, "--strict"]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_truncated_zip_csv_is_a_failed_file_not_a_crash(tmp_path, inputs):
    """A NOAA CSV export in a zip archive cut short (a half-finished download): its first
    bytes look like a NOAA CSV, but the archive has no central directory. The file is listed
    as failed; the other file of the batch is read."""
    import zipfile

    nmea, _ = inputs
    buffer = io.BytesIO()
    header = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,"
              "Status,Length,Width,Draft,Cargo,TransceiverClass")
    row = "273100001,2024-03-01T00:00:07,40.00000,-70.00000,1.5,0.0,0.0,SHIP,,,70,0,180,30,6.5,70,A"
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("AIS_2024_03_01.csv", header + "\n" + row + "\n")
    cut = tmp_path / "AIS_2024_03_01.zip"
    cut.write_bytes(buffer.getvalue()[:-40])
    data = read_ais([cut, nmea], progress=False)
    assert [f["path"] for f in data.report.failed_files] == [str(cut)]
    assert set(data.positions["mmsi"]) == {v[0] for v in VESSELS}


def test_strict_passes_when_every_file_reads(tmp_path, inputs, capsys):
    nmea, ports = inputs
    assert main(["count", str(nmea), "--ports", str(ports), "--json", "-q", "--strict"]) == 0
    assert json.loads(capsys.readouterr().out)["input"]["failed_files"] == []


# ------------------------------------------------------------------------ atomic outputs


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _half_then_fail(real):
    """A writer that writes half of the real output to the target, then fails (disk full)."""

    def fake(self, path=None, *args, **kwargs):
        buffer = io.StringIO()
        real(self, buffer, *args, **kwargs)
        text = buffer.getvalue()
        with open(path, "w") as fh:
            fh.write(text[: len(text) // 2])
        raise OSError(28, "No space left on device")

    return fake


def test_interrupted_csv_write_leaves_previous_file_untouched(tmp_path, monkeypatch):
    target = tmp_path / "table.csv"
    frame = pd.DataFrame({"mmsi": [1, 2, 3], "name": ["A", "B", "C"]})
    write_table(frame, target)
    before = target.read_bytes()
    monkeypatch.setattr(pd.DataFrame, "to_csv", _half_then_fail(pd.DataFrame.to_csv))
    with pytest.raises(OSError, match="No space left"):
        write_table(frame.assign(name=["X", "Y", "Z"]), target)
    assert target.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_interrupted_first_write_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "new.csv"
    monkeypatch.setattr(pd.DataFrame, "to_csv", _half_then_fail(pd.DataFrame.to_csv))
    with pytest.raises(OSError):
        write_table(pd.DataFrame({"a": range(1000)}), target)
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_interrupted_parquet_and_text_writes(tmp_path, monkeypatch):
    table = tmp_path / "t.parquet"
    text = tmp_path / "summary.json"
    write_table(pd.DataFrame({"a": [1, 2]}), table)
    write_text('{"ok": true}\n', text)
    before = (table.read_bytes(), text.read_bytes())

    def parquet_fails(self, path, *args, **kwargs):
        Path(path).write_bytes(b"PAR1 half")
        raise KeyboardInterrupt

    def text_fails(self, data, *args, **kwargs):
        os.write(os.open(self, os.O_WRONLY), data[:3].encode())
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", parquet_fails)
    monkeypatch.setattr(Path, "write_text", text_fails)
    with pytest.raises(KeyboardInterrupt):
        write_table(pd.DataFrame({"a": [9]}), table)
    with pytest.raises(OSError):
        write_text('{"ok": false, "longer": 1}\n', text)
    assert (table.read_bytes(), text.read_bytes()) == before
    assert _leftovers(tmp_path) == []


def test_interrupted_count_out_keeps_previous_outputs(tmp_path, inputs, monkeypatch, capsys):
    """``count --out``: a run that fails while writing leaves the previous run's complete
    files byte for byte, and no temporary file, and exits 1 with one line."""
    nmea, ports = inputs
    out = tmp_path / "out"
    argv = ["count", str(nmea), "--ports", str(ports), "--out", str(out), "-q"]
    assert main(argv) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {"port_calls.csv", "gaps.csv", "summary.json"} <= set(before)
    capsys.readouterr()
    monkeypatch.setattr(pd.DataFrame, "to_csv", _half_then_fail(pd.DataFrame.to_csv))
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot write output")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    monkeypatch.undo()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer.os, "replace", interrupted)
    assert main(argv) == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_interrupted_chart_write_keeps_previous_charts(tmp_path, inputs, monkeypatch, capsys):
    """``count --out`` also renders PNG charts: a chart write that fails half-way must leave the
    previous run's chart (and every other output) byte for byte, and no partial file."""
    from matplotlib.figure import Figure

    nmea, ports = inputs
    out = tmp_path / "out"
    argv = ["count", str(nmea), "--ports", str(ports), "--out", str(out), "-q"]
    assert main(argv) == 0
    before = _snapshot(out)
    assert any(name.endswith(".png") for name in before)
    real = Figure.savefig

    def half_then_fail(self, fname, *args, **kwargs):
        buffer = io.BytesIO()
        real(self, buffer, *args, **{**kwargs, "format": "png"})
        data = buffer.getvalue()
        if hasattr(fname, "write"):
            fname.write(data[: len(data) // 2])
        else:
            Path(fname).write_bytes(data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", half_then_fail)
    assert main(argv) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert _snapshot(out) == before


def test_interrupted_synth_keeps_previous_fixture(tmp_path, monkeypatch, capsys):
    """``synth`` writes the NMEA file and its truth files: a write that fails half-way leaves
    the previous complete files untouched and no partial or temporary file."""
    target = tmp_path / "cove.nmea"
    argv = ["synth", "-o", str(target), "--scenario", "fictional-cove-2024"]
    assert main(argv) == 0
    before = _snapshot(tmp_path)
    assert len(before) == 5
    real_text, real_bytes = Path.write_text, Path.write_bytes

    def text_half(self, data, *args, **kwargs):
        real_text(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    def bytes_half(self, data):
        real_bytes(self, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", text_half)
    monkeypatch.setattr(Path, "write_bytes", bytes_half)
    assert main([*argv, "--seed", "7"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("chunk_bytes", [16 * 1024 * 1024, 64 * 1024], ids=["one-chunk",
                                                                             "many-chunks"])
def test_truncated_gzip_keeps_every_whole_line_before_the_cut(tmp_path, chunk_bytes):
    """Cut in the middle, the file is listed as failed, its unfinished last line counted
    malformed, and every whole line decompressed before the cut is read: the same positions
    and statics as those lines in a plain file (worked out here with zlib's streaming
    decompressor, which stops at the cut without an error)."""
    import zlib

    source = Path(__file__).parent / "data" / "dma-aislib" / "stream_example.txt"
    packed = gzip.compress(source.read_bytes())
    cut = tmp_path / "cut.nmea.gz"
    cut.write_bytes(packed[:len(packed) * 3 // 5])
    prefix = zlib.decompressobj(wbits=31).decompress(cut.read_bytes())
    whole_lines = prefix[:prefix.rindex(b"\n") + 1]
    expected_file = tmp_path / "prefix.txt"
    expected_file.write_bytes(whole_lines)
    expected = read_ais(expected_file, progress=False)
    got = read_ais(cut, progress=False, chunk_bytes=chunk_bytes)
    assert len(expected.positions) > 1000  # of the file's 2,988
    pd.testing.assert_frame_equal(got.positions, expected.positions)
    pd.testing.assert_frame_equal(got.statics, expected.statics)
    assert got.report.lines == expected.report.lines + 1
    assert got.report.malformed == expected.report.malformed + 1
    assert [f["path"] for f in got.report.failed_files] == [str(cut)]


@pytest.mark.parametrize("chunk_bytes", [16 * 1024 * 1024, 64 * 1024], ids=["one-chunk",
                                                                             "many-chunks"])
def test_truncated_zstd_is_listed_failed_and_keeps_every_whole_line(tmp_path, chunk_bytes):
    """A zstd file cut short (zstandard's own stream reader ends it silently, as if whole):
    listed as failed, its unfinished last line counted malformed, every whole line before
    the cut read (as zstandard's streaming decompressor gives them)."""
    import zstandard

    source = Path(__file__).parent / "data" / "dma-aislib" / "stream_example.txt"
    packed = zstandard.ZstdCompressor().compress(source.read_bytes())
    cut = tmp_path / "cut.nmea.zst"
    cut.write_bytes(packed[:len(packed) * 3 // 5])
    prefix = zstandard.ZstdDecompressor().decompressobj().decompress(cut.read_bytes())
    whole_lines = prefix[:prefix.rindex(b"\n") + 1]
    expected_file = tmp_path / "prefix.txt"
    expected_file.write_bytes(whole_lines)
    expected = read_ais(expected_file, progress=False)
    got = read_ais(cut, progress=False, chunk_bytes=chunk_bytes)
    assert len(expected.positions) > 500  # of the file's 2,988 (whole 128 kB blocks)
    pd.testing.assert_frame_equal(got.positions, expected.positions)
    pd.testing.assert_frame_equal(got.statics, expected.statics)
    assert got.report.lines == expected.report.lines + 1
    assert got.report.malformed == expected.report.malformed + 1
    assert [f["path"] for f in got.report.failed_files] == [str(cut)]
    assert "cut short" in got.report.failed_files[0]["error"]


def test_zstd_of_several_frames_is_read_whole(tmp_path):
    """Frames one after another (``cat a.zst b.zst``, or a parallel compressor's output),
    the second starting mid-line: read as the plain concatenation, nothing listed."""
    import zstandard

    text = (Path(__file__).parent / "data" / "dma-aislib" / "stream_example.txt").read_bytes()
    third = len(text) // 3 + 7  # not at a line's end
    frames = tmp_path / "frames.nmea.zst"
    frames.write_bytes(b"".join(zstandard.ZstdCompressor().compress(part) for part in
                                (text[:third], text[third:2 * third], text[2 * third:])))
    plain = tmp_path / "plain.nmea"
    plain.write_bytes(text)
    got = read_ais(frames, progress=False, chunk_bytes=64 * 1024)
    expected = read_ais(plain, progress=False)
    assert len(expected.positions) == 2988
    pd.testing.assert_frame_equal(got.positions, expected.positions)
    pd.testing.assert_frame_equal(got.statics, expected.statics)
    assert got.report.failed_files == []
    assert got.report.lines == expected.report.lines


def test_truncated_zstd_csv_is_listed_failed(tmp_path):
    """A zstd CSV export cut short is listed as failed, not read as if whole."""
    import zstandard

    source = Path(__file__).parent / "data" / "dma_sample.csv"
    packed = zstandard.ZstdCompressor().compress(source.read_bytes())
    cut = tmp_path / "aisdk-2024-01-01.csv.zst"
    cut.write_bytes(packed[:len(packed) * 3 // 5])
    got = read_ais(cut, progress=False)
    assert [f["path"] for f in got.report.failed_files] == [str(cut)]
    assert "cut short" in got.report.failed_files[0]["error"]


def test_zstd_with_bytes_after_its_last_frame_keeps_every_line(tmp_path):
    """Junk after the last frame (a bad concatenation, a partial second download): every line
    of the frames before it read, the file listed as failed."""
    import zstandard

    text = (Path(__file__).parent / "data" / "dma-aislib" / "stream_example.txt").read_bytes()
    junk = tmp_path / "junk.nmea.zst"
    junk.write_bytes(zstandard.ZstdCompressor().compress(text) + b"not a zstd frame\n")
    plain = tmp_path / "plain.nmea"
    plain.write_bytes(text)
    got = read_ais(junk, progress=False)
    expected = read_ais(plain, progress=False)
    pd.testing.assert_frame_equal(got.positions, expected.positions)
    pd.testing.assert_frame_equal(got.statics, expected.statics)
    assert got.report.lines == expected.report.lines
    assert [f["path"] for f in got.report.failed_files] == [str(junk)]


@pytest.mark.parametrize("compress", ["gzip", "zstd"])
def test_truncated_csv_keeps_every_whole_row_before_the_cut(tmp_path, compress):
    """A compressed CSV export cut short: listed as failed, and every whole row the
    decompressor gives before the cut is read (the reader lost the chunk it was reading: a
    60,000-row file gave nothing)."""
    import zlib

    import zstandard

    sample = (Path(__file__).parent / "data" / "dma_sample.csv").read_bytes().splitlines(True)
    text = sample[0] + b"".join(sample[1:]) * 3000
    if compress == "gzip":
        packed = gzip.compress(text)
        cut_bytes = packed[:len(packed) * 3 // 5]
        prefix = zlib.decompressobj(wbits=31).decompress(cut_bytes)
    else:
        packed = zstandard.ZstdCompressor().compress(text)
        cut_bytes = packed[:len(packed) * 3 // 5]
        prefix = zstandard.ZstdDecompressor().decompressobj().decompress(cut_bytes)
    cut = tmp_path / f"aisdk-2024-01-01.csv.{'gz' if compress == 'gzip' else 'zst'}"
    cut.write_bytes(cut_bytes)
    expected_file = tmp_path / "aisdk-prefix.csv"
    expected_file.write_bytes(prefix[:prefix.rindex(b"\n") + 1])
    expected = read_ais(expected_file, progress=False)
    got = read_ais(cut, progress=False)
    assert len(expected.positions) > 1000  # (zstd: whole 128 kB blocks only)
    pd.testing.assert_frame_equal(got.positions, expected.positions)
    pd.testing.assert_frame_equal(got.statics, expected.statics)
    assert (got.report.lines, got.report.malformed) == (expected.report.lines,
                                                         expected.report.malformed)
    assert [f["path"] for f in got.report.failed_files] == [str(cut)]
