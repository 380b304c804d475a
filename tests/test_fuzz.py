"""Fuzzing the readers with hostile input: nothing raises, memory stays flat, nothing valid is lost.

Hypothesis drives the NMEA reader (``read_ais`` on raw files) and the CSV readers (NOAA and DMA
exports through ``read_ais``) with random bytes, truncated sentences, wrong fill bits,
impossible fragment numbers, malformed tag blocks, NUL bytes, invalid UTF-8 and times out of
range, interleaved with known-good sentences or rows whose decoded values are checked.
A 10 MB line without a newline is read in a child process whose peak memory is measured.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict

from vesseltrack.io import InputError, read_ais
from vesseltrack.io._read import CHUNK_BYTES

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""Modest and reproducible (derandomised); no shrinking, so a failure costs no extra minutes."""
T0_S = 1_709_251_200  # 2024-03-01T00:00:00Z, seconds since the Unix epoch


# ----------------------------------------------------------------------------- NMEA builders


def cs(body: str | bytes) -> str:
    """NMEA checksum of ``body``, computed here independently of the library."""
    data = body.encode("latin-1") if isinstance(body, str) else body
    return f"{reduce(lambda a, b: a ^ b, data, 0):02X}"


def tag_block(time_s: int, source: str = "FUZZ") -> str:
    body = f"s:{source},c:{time_s}"
    return f"\\{body}*{cs(body)}\\"


def vdm(fields: dict, seq_id: int | None = None) -> list[str]:
    """``!AIVDM`` sentences (no tag block) for one message, encoded by pyais."""
    return encode_dict(fields, talker_id="AI", sentence_type="VDM", radio_channel="A",
                       seq_id=seq_id)


def _good_messages() -> tuple[list[list[str]], pd.DataFrame, pd.DataFrame]:
    """Known-good messages: lines of each (one, or two fragments) and their expected values."""
    rng = np.random.default_rng(7)
    groups: list[list[str]] = []
    pos_rows, sta_rows = [], []
    for k in range(24):
        mmsi = 273_000_000 + 1000 * k + int(rng.integers(0, 999))
        t = T0_S + 600 * k
        lon = round(float(rng.uniform(-179, 179)), 4)
        lat = round(float(rng.uniform(-89, 89)), 4)
        sog = round(float(rng.integers(0, 200)) / 10, 1)
        if k % 6 == 5:
            name = f"GOOD SHIP {k}"
            lines = [tag_block(t) + s for s in vdm(
                {"type": 5, "mmsi": mmsi, "shipname": name, "draught": 7.5, "destination": "PORT"},
                seq_id=k % 10)]
            sta_rows.append((mmsi, t, name))
        else:
            lines = [tag_block(t) + vdm({"type": 1, "mmsi": mmsi, "lon": lon, "lat": lat,
                                         "speed": sog, "course": 90.0})[0]]
            pos_rows.append((mmsi, t, lon, lat, sog))
        groups.append(lines)
    pos = pd.DataFrame(pos_rows, columns=["mmsi", "t_s", "lon", "lat", "sog_knots"])
    sta = pd.DataFrame(sta_rows, columns=["mmsi", "t_s", "name"])
    return groups, pos, sta


GOOD_GROUPS, GOOD_POS, GOOD_STA = _good_messages()
GOOD_SINGLE = [g[0] for g in GOOD_GROUPS if len(g) == 1]


def _split(line: str) -> tuple[str, str, str]:
    """(tag block, sentence body between ``!`` and ``*``, checksum) of a good line."""
    tags, rest = line.rsplit("\\", 1)
    body, _ = rest[1:].split("*")
    return tags + "\\", body, _


def _resign(tags: str, body: str) -> str:
    """A sentence with ``body`` and a *correct* checksum (so only its grammar can fail)."""
    return f"{tags}!{body}*{cs(body)}"


# Junk lines that are certainly bad (malformed or failed checksum), from a good line.


def junk_truncated(line: str, cut: int) -> str:
    """A sentence cut off after its ``!`` and before its checksum."""
    bang = line.rindex("!")
    star = line.rindex("*")
    return line[: bang + 1 + cut % (star - bang)]


def junk_bad_checksum(line: str, flip: int) -> str:
    tags, body, check = _split(line)
    wrong = f"{(int(check, 16) ^ (1 + flip % 255)):02X}"
    return f"{tags}!{body}*{wrong}"


def junk_wrong_fill(line: str, fill: str) -> str:
    tags, body, _ = _split(line)
    return _resign(tags, body[: body.rindex(",") + 1] + fill)


def junk_fragment_numbers(line: str, count: int, num: int) -> str:
    """A sentence whose fragment numbers are impossible (0, or num > count), checksum right."""
    tags, body, _ = _split(line)
    parts = body.split(",")
    parts[1], parts[2] = str(count), str(num)
    return _resign(tags, ",".join(parts))


def junk_tag_block(line: str, variant: int) -> str:
    """A good sentence behind a tag block that is not closed or not a tag block at all."""
    tags, body, check = _split(line)
    inner = tags.strip("\\")
    sentence = f"!{body}*{check}"
    return (f"\\{inner}{sentence}",          # never closed
            f"{inner}\\{sentence}",          # never opened
            f"\\{inner}\\\\{sentence}",      # a second block never closed
            f"\\{inner}\\x{sentence}")[variant % 4]  # text between the block and the sentence


def junk_nul(line: str, where: int) -> str:
    """A NUL byte inside the sentence body (the checksum then fails or the grammar does)."""
    star = line.rindex("*")
    bang = line.rindex("!")
    at = bang + 1 + where % (star - bang - 1)
    return line[:at] + "\x00" + line[at:]


def junk_high_bytes(line: str, where: int) -> str:
    """Bytes outside ASCII (invalid UTF-8 on disk: lines are written as latin-1)."""
    bang = line.rindex("!")
    star = line.rindex("*")
    at = bang + 1 + where % (star - bang - 1)
    return line[:at] + "\xff\xfe" + line[at:]


good_line = st.sampled_from(GOOD_SINGLE)
certain_junk = st.one_of(
    st.builds(junk_truncated, good_line, st.integers(1, 200)),
    st.builds(junk_bad_checksum, good_line, st.integers(0, 254)),
    st.builds(junk_wrong_fill, good_line, st.sampled_from(["6", "7", "9", "x", "", "00", "-1"])),
    st.builds(junk_fragment_numbers, good_line, st.integers(1, 4), st.integers(5, 9)),
    st.builds(junk_fragment_numbers, good_line, st.just(0), st.integers(0, 9)),
    st.builds(junk_tag_block, good_line, st.integers(0, 3)),
    st.builds(junk_nul, good_line, st.integers(0, 200)),
    st.builds(junk_high_bytes, good_line, st.integers(0, 200)),
    # printable garbage that cannot be blank, a comment or a tag block
    st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="#\\$!"),
            min_size=1, max_size=80),
)


def _read_bytes(payload: bytes, suffix: str = ".nmea", **kwargs):
    """Write ``payload`` to a temporary file, read it with ``read_ais``, remove the file."""
    fd, name = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
    try:
        return read_ais(name, progress=False, **kwargs)
    finally:
        os.unlink(name)


def _read_lines(lines: list[str], eol: str = "\n", **kwargs):
    """``lines`` (Latin-1 text) joined by ``eol``, read through a temporary file."""
    return _read_bytes(eol.join(lines).encode("latin-1") + eol.encode(), **kwargs)


def _balanced(report) -> bool:
    """Every physical line is accounted for exactly once."""
    return report.lines == (report.blank + report.comments + report.other_nmea
                            + report.sentences + report.bad_checksum + report.malformed)


def _assert_all_good_decoded(data, statics: bool = True) -> None:
    pos = data.positions
    got = pd.DataFrame({
        "mmsi": pos["mmsi"].to_numpy("int64"),
        "t_s": pos["timestamp"].to_numpy("datetime64[s]").astype("int64"),
        "lon": pos["lon"].to_numpy("float64").round(4),
        "lat": pos["lat"].to_numpy("float64").round(4),
        "sog_knots": pos["sog_knots"].to_numpy("float64").round(1),
    })
    found = GOOD_POS.merge(got, how="left", indicator=True)
    missing = found.loc[found["_merge"] != "both"]
    assert missing.empty, f"good positions lost:\n{missing}"
    if not statics:
        return
    sta = data.statics
    got_sta = pd.DataFrame({
        "mmsi": sta["mmsi"].to_numpy("int64"),
        "t_s": sta["timestamp"].to_numpy("datetime64[s]").astype("int64"),
        "name": sta["name"].astype(object).to_numpy(),
    })
    found = GOOD_STA.merge(got_sta, how="left", indicator=True)
    missing = found.loc[found["_merge"] != "both"]
    assert missing.empty, f"good statics lost:\n{missing}"


# ------------------------------------------------------------------------------- NMEA fuzzing


def test_good_messages_alone_decode_exactly():
    """The reference: the good messages on their own give exactly the expected rows."""
    data = _read_lines([line for g in GOOD_GROUPS for line in g])
    assert (data.report.bad_lines, data.report.orphan_fragments) == (0, 0)
    assert len(data.positions) == len(GOOD_POS) == 20
    assert len(data.statics) == len(GOOD_STA) == 4
    _assert_all_good_decoded(data)


@SETTINGS
@given(junk=st.lists(st.tuples(st.integers(0, len(GOOD_GROUPS)), certain_junk), max_size=40),
       eol=st.sampled_from(["\n", "\r\n"]), fast=st.booleans(),
       chunk_bytes=st.sampled_from([700, 1 << 20]))
def test_junk_never_costs_a_good_message(junk, eol, fast, chunk_bytes):
    """Good messages with junk lines anywhere between (and between fragments) all decode,
    and each junk line is counted bad exactly once."""
    before: dict[int, list[str]] = {}
    for where, line in junk:
        before.setdefault(where, []).append(line)
    lines: list[str] = []
    for i, group in enumerate(GOOD_GROUPS):
        lines.extend(before.get(i, []))
        if len(group) == 2 and i + 1 in before:  # junk between the two fragments too
            lines.extend([group[0], *before.pop(i + 1), group[1]])
        else:
            lines.extend(group)
    lines.extend(before.get(len(GOOD_GROUPS), []))
    data = _read_lines(lines, eol, fast=fast, chunk_bytes=chunk_bytes)
    rep = data.report
    assert rep.failed_files == []
    assert _balanced(rep)
    assert rep.bad_lines == len(junk)
    assert rep.orphan_fragments == 0
    _assert_all_good_decoded(data)


@SETTINGS
@given(blob=st.binary(max_size=3000), fast=st.booleans())
@example(blob=b"\r\x1f)\x86\xdd[!\x1b;\x82", fast=True)  # a bare CR in the first line
def test_random_bytes_never_raise(blob, fast):
    """Any bytes at all: no exception but the one-line refusal of a file in which nothing
    could be read as AIS; else no failed file, every line accounted for."""
    try:
        data = _read_bytes(blob, fast=fast)
    except InputError as exc:
        assert str(exc).count("\n") == 0 and "not AIS data" in str(exc)
        return
    rep = data.report
    assert rep.failed_files == []
    assert _balanced(rep)
    # lines end at LF, CR LF or a lone CR
    text = blob.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    assert rep.lines == text.count(b"\n") + (0 if text.endswith(b"\n") or not text else 1)


@SETTINGS
@given(data=st.data())
def test_random_bytes_between_good_lines(data):
    """Random binary lines (NUL, invalid UTF-8, control bytes) between good messages."""
    lines: list[bytes] = []
    for group in GOOD_GROUPS:
        blob = data.draw(st.binary(max_size=120).map(lambda b: b.replace(b"\n", b"")))
        lines.append(blob)
        lines.extend(s.encode() for s in group)
    result = _read_bytes(b"\n".join(lines) + b"\n")
    assert result.report.failed_files == []
    assert _balanced(result.report)
    _assert_all_good_decoded(result)


@SETTINGS
@given(times=st.lists(st.one_of(
    st.integers(100_000_000, 946_684_799),             # 1973 to 1999 (seconds)
    st.integers(4_102_444_800, 9_999_999_999),         # 2100 onwards (seconds)
    st.integers(4_102_444_800_000, 9_999_999_999_999),  # 2100 onwards (milliseconds)
), min_size=1, max_size=10))
def test_times_out_of_range_are_nulled_not_fatal(times):
    """Receiver times before 2000 or in the future: the message stays, its time is null."""
    line = GOOD_SINGLE[0]
    _, body, check = _split(line)
    bad = [tag_block(t) + f"!{body}*{check}" for t in times]
    data = _read_lines(bad + GOOD_SINGLE)
    rep = data.report
    assert rep.bad_time == len(times) and rep.untimed == len(times)
    assert rep.bad_lines == 0
    assert data.positions["timestamp"].isna().sum() == len(times)
    assert len(data.positions) == len(times) + len(GOOD_SINGLE)
    _assert_all_good_decoded(data, statics=False)


def test_bytes_outside_ascii_never_make_a_sentence_valid():
    """Two bytes outside ASCII inserted into a payload: the raw checksum fails (0xFF ^ 0xFE is
    not 0), so the line is bad and yields no message. Replacing each such byte by the same
    ASCII character (``?``, a payload character) would cancel them out in the XOR and decode a
    shifted, corrupted payload as if valid."""
    corrupted = junk_high_bytes(GOOD_SINGLE[0], 13)
    data = _read_lines([corrupted, GOOD_SINGLE[1]])
    assert data.report.bad_lines == 1
    assert data.report.messages == 1
    assert data.positions["mmsi"].tolist() == [GOOD_POS["mmsi"].iloc[1]]


def test_bare_carriage_return_in_first_line_is_not_fatal():
    """A first line holding a bare CR (old Mac line ends, or junk) must not crash the format
    sniffer (the csv module refuses a CR inside an unquoted field); the sentences after it
    are read. A lone CR ends a line, so the junk is two malformed lines."""
    data = _read_lines(["junk\rmore junk", GOOD_SINGLE[0], GOOD_SINGLE[1]])
    assert data.report.failed_files == []
    assert (data.report.lines, data.report.malformed) == (4, 2)
    assert data.positions["mmsi"].tolist() == GOOD_POS["mmsi"].iloc[:2].tolist()


def test_flood_of_first_fragments_that_never_complete():
    """10,000 first fragments, each of a different message (tag-block group ids), then the good
    messages: every flood fragment is an orphan and every good message decodes."""
    tags, body, _ = _split(next(g for g in GOOD_GROUPS if len(g) == 2)[0])
    flood = []
    for k in range(10_000):
        tb = f"g:1-2-{k},c:{T0_S + k}"
        flood.append(f"\\{tb}*{cs(tb)}\\!{body}*{cs(body)}")
    data = _read_lines(flood + [line for g in GOOD_GROUPS for line in g])
    assert data.report.orphan_fragments == 10_000
    assert data.report.messages == len(GOOD_GROUPS)
    _assert_all_good_decoded(data)


@pytest.mark.parametrize("eol", [b"\r", b"\r\r\n", b"\n\r"])
def test_every_line_end_convention_keeps_every_sentence(eol):
    """NMEA 0183 ends sentences with CR LF, but files with CR alone (classic Mac, some
    loggers) or doubled CRs exist: no sentence may be lost to the line-end convention, and a
    CR must not crash the format sniffer."""
    lines = [line for g in GOOD_GROUPS for line in g]
    data = _read_bytes(eol.join(line.encode() for line in lines) + eol)
    assert data.report.failed_files == []
    assert data.report.bad_lines == 0
    _assert_all_good_decoded(data)


def test_byte_order_mark_does_not_cost_the_first_time():
    """A UTF-8 byte-order mark (Windows editors) before a leading ISO time column: the first
    sentence keeps its time, as every other line does."""
    sentence = GOOD_SINGLE[0].rsplit("\\", 1)[1]
    data = _read_bytes(b"\xef\xbb\xbf2024-03-01T00:00:00Z," + sentence.encode() + b"\n"
                       + b"2024-03-01T00:10:00Z," + sentence.encode() + b"\n")
    assert data.report.untimed == 0
    assert data.positions["timestamp"].tolist() == [
        pd.Timestamp("2024-03-01T00:00:00Z"), pd.Timestamp("2024-03-01T00:10:00Z")]


def test_impossible_fragment_numbers_are_malformed_and_do_not_disturb_fragments():
    group = next(g for g in GOOD_GROUPS if len(g) == 2)
    junk = [junk_fragment_numbers(group[0], 2, 3), junk_fragment_numbers(group[1], 0, 1),
            junk_fragment_numbers(group[1], 9, 0)]
    data = _read_lines([group[0], *junk, group[1]])
    assert data.report.malformed == 3
    assert data.report.orphan_fragments == 0
    assert data.statics["name"].tolist() == [GOOD_STA["name"].iloc[0]]


# ------------------------------------------------------------------------ 10 MB line, memory

_MEMORY_PROBE = textwrap.dedent("""
    import json, sys, tracemalloc
    import pyarrow as pa
    from vesseltrack.io import read_ais
    path, chunk, warm = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    read_ais(warm, progress=False)  # lazy imports and caches before measuring
    pool = pa.default_memory_pool()
    arrow_before = pool.max_memory()
    tracemalloc.start()
    data = read_ais(path, progress=False, **({"chunk_bytes": chunk} if chunk else {}))
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"python_peak": python_peak, "arrow_peak": pool.max_memory() - arrow_before,
                      "positions": len(data.positions), "mmsi": data.positions["mmsi"].tolist(),
                      "malformed": data.report.malformed, "failed": data.report.failed_files}))
""")



def _probe(path: Path, chunk_bytes: int = 0) -> dict:
    """Peak memory (Python and NumPy allocations traced by tracemalloc; Arrow's pool) of
    reading ``path`` in a fresh interpreter, after a warm-up read of small NMEA and CSV files."""
    warm_nmea = path.parent / "warm.nmea"
    warm_nmea.write_text(GOOD_SINGLE[2] + "\n")
    warm_csv = path.parent / "warm.csv"
    warm_csv.write_text(NOAA_HEADER + "\n" + NOAA_GOOD[2] + "\n")
    proc = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, str(path), str(chunk_bytes),
                           str(warm_nmea), str(warm_csv)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


TEN_MB = 10 * 1024 * 1024


def _peak(out: dict) -> int:
    return out["python_peak"] + out["arrow_peak"]


@pytest.mark.parametrize("where", ["middle", "end"])
def test_ten_megabyte_line_streams_with_bounded_memory(tmp_path, where):
    """A 10 MB line with no newline (in the middle, or ending the file) costs no good sentence
    and, read 1 MiB at a time, needs less memory than the line itself (measured: 5 MiB)."""
    first, last = GOOD_SINGLE[0], GOOD_SINGLE[1]
    junk = (b"A,B!" * (TEN_MB // 4))  # no newline, no sentence
    path = tmp_path / "long.nmea"
    with open(path, "wb") as fh:
        fh.write(first.encode() + b"\n")
        if where == "middle":
            fh.write(junk + b"\n" + last.encode() + b"\n")
        else:
            fh.write(last.encode() + b"\n" + junk)
    out = _probe(path, chunk_bytes=1 << 20)
    assert out["failed"] == []
    assert out["mmsi"] == GOOD_POS["mmsi"].iloc[:2].tolist()
    assert out["malformed"] == TEN_MB // (1 << 20) * 16 + 1  # 64 KiB pieces, then the rest
    assert _peak(out) < TEN_MB, out


def test_ten_megabyte_line_with_default_chunks(tmp_path):
    """With the default chunks (16 MiB) a 10 MB newline-free tail of NUL and 0xFF bytes is one
    malformed line; peak memory is bounded by a small multiple of the chunk size, whatever
    the file size (measured: 72 MiB, then 82 MiB after the framer change of b853f79, with
    32 MiB chunks; 60 MiB with 16 MiB chunks and the reader dropping spent buffers; 50 MiB
    with lines split in place in the read buffer)."""
    path = tmp_path / "tail.nmea"
    with open(path, "wb") as fh:
        fh.write(GOOD_SINGLE[0].encode() + b"\n" + b"\x00\xff" * (TEN_MB // 2))
    out = _probe(path)
    assert out["failed"] == [] and out["mmsi"] == [GOOD_POS["mmsi"].iloc[0]]
    assert out["malformed"] == 1
    assert _peak(out) < 4 * CHUNK_BYTES, out


def test_ten_megabyte_csv_rows_cost_no_good_row(tmp_path):
    """NOAA CSV: a 10 MB row, then a good row, then a 10 MB last row without newline."""
    path = tmp_path / "noaa.csv"
    with open(path, "wb") as fh:
        fh.write((NOAA_HEADER + "\n" + NOAA_GOOD[0] + "\n").encode())
        fh.write(b"9" * TEN_MB + b"\n")
        fh.write((NOAA_GOOD[1] + "\n").encode())
        fh.write(b"1," * (TEN_MB // 2))
    out = _probe(path)
    assert out["failed"] == []
    assert out["mmsi"] == [273_100_000, 273_100_001]
    assert out["malformed"] == 2
    assert _peak(out) < 6 * TEN_MB, out  # measured: 40 MiB


# ------------------------------------------------------------------------------- CSV fuzzing

NOAA_HEADER = ("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,"
               "Status,Length,Width,Draft,Cargo,TransceiverClass")
NOAA_GOOD = [
    f"{273_100_000 + k},2024-03-01T{k % 24:02d}:{k % 60:02d}:07,{40 + k / 100:.5f},"
    f"{-70 - k / 100:.5f},{k % 20}.5,{(k * 37) % 360}.0,{(k * 37) % 360}.0,SHIP {k},"
    f"IMO{9_000_000 + k},CALL{k},70,0,180,30,{6 + k % 5}.5,70,A"
    for k in range(12)
]
DMA_HEADER = ("# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,"
              "COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,"
              "Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D")
DMA_GOOD = [
    f"01/03/2024 {k % 24:02d}:{k % 60:02d}:07,Class A,{219_000_000 + k},{55 + k / 100:.6f},"
    f"{10 + k / 100:.6f},Under way using engine,0.0,{k % 20}.5,{(k * 37) % 360}.0,"
    f"{(k * 37) % 360},{9_100_000 + k},OZ{k},SHIP {k},Tanker,,20,114,GPS,{6 + k % 5}.5,"
    f"ESBJERG,01/03/2024 14:00:00,AIS,96,18,10,10"
    for k in range(12)
]


def _expected_csv(kind: str) -> pd.DataFrame:
    if kind == "noaa":
        frame = pd.read_csv(io.StringIO("\n".join([NOAA_HEADER, *NOAA_GOOD])))
        times = pd.to_datetime(frame["BaseDateTime"], utc=True)
        return pd.DataFrame({"mmsi": frame["MMSI"], "timestamp": times,
                             "lat": frame["LAT"], "lon": frame["LON"]})
    frame = pd.read_csv(io.StringIO("\n".join([DMA_HEADER, *DMA_GOOD])))
    times = pd.to_datetime(frame["# Timestamp"], format="%d/%m/%Y %H:%M:%S", utc=True)
    return pd.DataFrame({"mmsi": frame["MMSI"], "timestamp": times,
                         "lat": frame["Latitude"], "lon": frame["Longitude"]})


def _csv_junk(good: list[str]) -> st.SearchStrategy[bytes]:
    row = st.sampled_from(good)
    return st.one_of(
        # wrong number of fields
        st.builds(lambda r, k: r.rsplit(",", k % 5 + 1)[0].encode(), row, st.integers(0, 9)),
        st.builds(lambda r, k: (r + "," * (k % 4 + 1)).encode(), row, st.integers(0, 9)),
        # unparseable MMSI / time / coordinates with the right field count
        st.builds(lambda r, i, v: _replace_field(r, i, v).encode(), row,
                  st.sampled_from([0, 1, 2, 3, 4]),
                  st.sampled_from(["x", "NaN?", "1e999999", "--3", "2024-13-45T99:99:99",
                                   "99/99/9999 99:99:99", "\x00", "12:00", "1.2.3"])),
        # unbalanced quotes, NUL bytes and invalid UTF-8
        st.builds(lambda r: ('"' + r).encode(), row),
        st.builds(lambda r, k: r.encode()[:k] + b"\x00\xff\xfe" + r.encode()[k:], row,
                  st.integers(0, 60)),
        st.binary(min_size=1, max_size=200).filter(
            lambda b: b"\n" not in b and b.strip() and b.count(b",") != good[0].count(",")),
    )


def _replace_field(row: str, index: int, value: str) -> str:
    parts = row.split(",")
    return ",".join(parts[:index] + [value] + parts[index + 1:])


def _coordinate_fields(kind: str) -> tuple[int, ...]:
    return (0, 1, 2, 3) if kind == "noaa" else (0, 2, 3, 4)


@SETTINGS
@given(data=st.data(), kind=st.sampled_from(["noaa", "dma"]), gz=st.booleans())
def test_csv_junk_never_costs_a_good_row(data, kind, gz):
    header, good = (NOAA_HEADER, NOAA_GOOD) if kind == "noaa" else (DMA_HEADER, DMA_GOOD)
    junk_strategy = _csv_junk(good)
    lines: list[bytes] = [header.encode()]
    n_junk = 0
    for row in good:
        for blob in data.draw(st.lists(junk_strategy, max_size=3)):
            lines.append(blob.replace(b"\r", b""))
            n_junk += 1
        lines.append(row.encode())
    payload = b"\n".join(lines) + b"\n"
    if gz:
        import gzip

        payload = gzip.compress(payload, compresslevel=1)
    result = _read_bytes(payload, suffix=".csv.gz" if gz else ".csv")
    rep = result.report
    assert rep.failed_files == []
    assert rep.lines == len(lines) - 1
    expected = _expected_csv(kind)
    pos = result.positions
    got = pd.DataFrame({"mmsi": pos["mmsi"].to_numpy("int64"), "timestamp": pos["timestamp"],
                        "lat": pos["lat"].round(6), "lon": pos["lon"].round(6)})
    merged = expected.assign(lat=expected["lat"].round(6), lon=expected["lon"].round(6)).merge(
        got, how="left", indicator=True)
    assert (merged["_merge"] == "both").all(), merged
    # every junk line is either dropped as malformed or (a field we did not break) kept
    assert rep.malformed <= n_junk
    assert len(pos) <= len(good) + n_junk - rep.malformed


@SETTINGS
@given(blob=st.binary(max_size=2000), kind=st.sampled_from(["noaa", "dma"]))
def test_csv_header_then_random_bytes_never_raise(blob, kind):
    header = NOAA_HEADER if kind == "noaa" else DMA_HEADER
    result = _read_bytes(header.encode() + b"\n" + blob, suffix=".csv")
    rep = result.report
    assert rep.failed_files == []
    # lines end at LF, CR LF or a lone CR
    text = blob.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    assert rep.lines == text.count(b"\n") + (0 if text.endswith(b"\n") or not text else 1)
    assert rep.malformed + rep.blank <= rep.lines
