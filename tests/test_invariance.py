"""The same evidence whatever the packaging: junk inserted, files split, reordered or a folder.

On the SYNTHETIC Vostochny 2024 fixture (the main job's input):

* garbage invariance: 5% truly bad lines inserted at random give identical port calls, gaps and
  summary, and the report counts exactly the inserted lines as bad on top of the fixture's own
  225 (135 failed checksums + 90 truncated sentences, ``vostochny_2024_counts.json``);
* split and order invariance: the fixture cut into files at random lines, with cuts between
  the fragments of multi-sentence messages, read in shuffled or reversed order or as a folder,
  gives identical port calls, gaps and summary (only ``input.files`` differs).
"""

from __future__ import annotations

import gzip
import json
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict

from vesseltrack.count import count_port_calls
from vesseltrack.io import read_ais
from vesseltrack.ports import read_ports
from vesseltrack.registry import read_registry, read_sightings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "data" / "fixtures" / "vostochny_2024.nmea.gz"
COUNTS = json.loads((ROOT / "data" / "fixtures" / "vostochny_2024_counts.json").read_text())
PORTS = ROOT / "data" / "ports" / "vostochny.geojson"
REGISTRY = ROOT / "data" / "vessels" / "dprk_tankers.csv"
SIGHTINGS = ROOT / "data" / "fixtures" / "vostochny_2024_sightings.csv"
JOB = {"port": "Vostochny oil terminal", "flag": "KP"}


def _count(paths) -> tuple[dict, object, dict]:
    """Read ``paths`` and run the main job; (report dict, CountResult, summary)."""
    data = read_ais(paths, progress=False)
    result = count_port_calls(data.positions, data.statics, read_ports(PORTS),
                              registry=read_registry(REGISTRY),
                              sightings=read_sightings(SIGHTINGS), **JOB)
    report = data.report.to_dict()
    return report, result, result.summary(report)


@pytest.fixture(scope="module")
def fixture_lines() -> list[bytes]:
    with gzip.open(FIXTURE, "rb") as fh:
        return fh.read().split(b"\n")[:-1]  # the file ends with a newline


@pytest.fixture(scope="module")
def baseline():
    return _count(FIXTURE)


def test_baseline_matches_the_fixture_counts(baseline):
    report, result, summary = baseline
    assert report["lines"] == COUNTS["lines"]
    assert report["bad_lines"] == COUNTS["bad_lines"] == 225
    assert (report["bad_checksum"], report["malformed"]) == (135, 90)
    assert report["messages"] == COUNTS["messages"]
    assert report["orphan_fragments"] == 0
    assert summary["loaded_departures"] == 43 and summary["vessels"] == 12


def _assert_same_evidence(got, want, *, files: int) -> None:
    """Identical port calls, gaps and summary; only the file count may differ."""
    _, res_got, sum_got = got
    _, res_want, sum_want = want
    pd.testing.assert_frame_equal(res_got.port_calls, res_want.port_calls)
    pd.testing.assert_frame_equal(res_got.all_calls, res_want.all_calls)
    pd.testing.assert_frame_equal(res_got.gaps, res_want.gaps)
    assert sum_got["input"]["files"] == files
    assert _plain(sum_got, drop=("files",)) == _plain(sum_want, drop=("files",))


def _plain(summary: dict, drop: tuple[str, ...]) -> dict:
    """The summary as JSON would write it, without the ``input`` keys in ``drop``."""
    out = json.loads(json.dumps(summary, default=str))
    for key in drop:
        out["input"].pop(key)
    return out


# ------------------------------------------------------------------------ garbage invariance


def _cs(body: bytes) -> str:
    return f"{reduce(lambda a, b: a ^ b, body, 0):02X}"


def _junk_line(rng: np.random.Generator, lines: list[bytes]) -> bytes:
    """One line that is certainly bad (failed checksum or malformed), never a comment, a blank
    line, a lone tag block or a well-formed sentence of another type."""
    src = lines[int(rng.integers(len(lines)))]
    # a whole sentence: its checksum after the "!" (a truncated one has only its tag block's)
    while b"!AIVDM" not in src or src.rindex(b"*") < src.index(b"!"):
        src = lines[int(rng.integers(len(lines)))]
    bang = src.index(b"!")
    star = src.rindex(b"*")
    kind = int(rng.integers(8))
    if kind == 0:  # truncated inside the sentence, before its checksum
        return src[: bang + 1 + int(rng.integers(star - bang))]
    if kind == 1:  # failed checksum
        wrong = int(src[star + 1: star + 3], 16) ^ int(rng.integers(1, 256))
        return src[: star + 1] + f"{wrong:02X}".encode()
    if kind == 2:  # fill bits out of range, checksum right
        body = src[bang + 1: src.rindex(b",") + 1] + str(int(rng.integers(6, 10))).encode()
        return src[:bang] + b"!" + body + b"*" + _cs(body).encode()
    if kind == 3:  # impossible fragment numbers (num > count), checksum right
        fields = src[bang + 1: star].split(b",")
        fields[1], fields[2] = b"1", b"2"
        body = b",".join(fields)
        return src[:bang] + b"!" + body + b"*" + _cs(body).encode()
    if kind == 4:  # tag block never closed
        return src[:bang].rstrip(b"\\") + src[bang:]
    if kind == 5:  # NUL bytes inside the payload
        return src[: star - 3] + b"\x00\x00" + src[star - 3:]
    if kind == 6:  # random printable garbage (no #, \, $ or ! so it is nothing else)
        alphabet = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.*:;-_ ", dtype=np.uint8)
        return bytes(rng.choice(alphabet, size=int(rng.integers(1, 90)))).strip() or b"X"
    # invalid UTF-8 and control bytes, newline-free and not blank
    blob = bytes(rng.integers(0, 256, size=int(rng.integers(1, 60)), dtype=np.uint8))
    # (CR ends a line too: a bare CR would make two lines of one)
    blob = blob.replace(b"\n", b"\xff").replace(b"\r", b"\xfb").replace(b"\\", b"\xfe")
    blob = blob.replace(b"#", b"\xfd")
    return b"\xfc" + blob


def test_five_percent_junk_changes_nothing_but_the_bad_line_count(tmp_path, fixture_lines,
                                                                 baseline):
    rng = np.random.default_rng(20240707)
    n = len(fixture_lines)
    n_junk = n // 20
    junk = [_junk_line(rng, fixture_lines) for _ in range(n_junk)]
    where = np.sort(rng.integers(0, n + 1, size=n_junk))
    out: list[bytes] = []
    prev = 0
    for at, line in zip(where.tolist(), junk, strict=True):
        out.extend(fixture_lines[prev:at])
        out.append(line)
        prev = at
    out.extend(fixture_lines[prev:])
    path = tmp_path / "junky.nmea"
    path.write_bytes(b"\n".join(out) + b"\n")

    got = _count(path)
    report, _, summary = got
    want_report, _, want_summary = baseline
    assert report["bad_lines"] == 225 + n_junk
    assert report["lines"] == want_report["lines"] + n_junk
    for key in ("sentences", "messages", "positions", "statics", "orphan_fragments",
                "decode_errors", "untimed", "comments", "blank", "other_nmea"):
        assert report[key] == want_report[key], key
    _, res, _ = got
    _, res_want, _ = baseline
    pd.testing.assert_frame_equal(res.port_calls, res_want.port_calls)
    pd.testing.assert_frame_equal(res.all_calls, res_want.all_calls)
    pd.testing.assert_frame_equal(res.gaps, res_want.gaps)
    assert summary["input"]["bad_lines"] == 225 + n_junk
    assert _plain(summary, drop=("files", "lines", "bad_lines")) == _plain(
        want_summary, drop=("files", "lines", "bad_lines"))
    assert summary["loaded_departures"] == 43


# -------------------------------------------------------------------- split and order invariance


def _cut_points(lines: list[bytes], rng: np.random.Generator, n_files: int) -> list[int]:
    """Cut line indices: half between the two fragments of a message, half anywhere."""
    first_frags = [i for i, line in enumerate(lines[:-1])
                   if b"!AIVDM,2,1," in line and b"!AIVDM,2,2," in lines[i + 1]]
    n_frag_cuts = (n_files - 1) // 2
    cuts = {i + 1 for i in rng.choice(first_frags, size=n_frag_cuts, replace=False).tolist()}
    while len(cuts) < n_files - 1:
        cuts.add(int(rng.integers(1, len(lines))))
    return sorted(cuts)


@pytest.fixture(scope="module")
def split_files(tmp_path_factory, fixture_lines):
    """The fixture cut into 7 files (3 cuts between fragments), some gzip, some plain."""
    rng = np.random.default_rng(77)
    cuts = _cut_points(fixture_lines, rng, 7)
    bounds = [0, *cuts, len(fixture_lines)]
    folder = tmp_path_factory.mktemp("split")
    paths = []
    # names in an order unrelated to the content's order
    names = ["m", "c", "x", "a", "q", "f", "k"]
    for k in range(len(bounds) - 1):
        chunk = b"\n".join(fixture_lines[bounds[k]: bounds[k + 1]]) + b"\n"
        if k % 2:
            path = folder / f"{names[k]}_part.nmea.gz"
            path.write_bytes(gzip.compress(chunk, compresslevel=1))
        else:
            path = folder / f"{names[k]}_part.nmea"
            path.write_bytes(chunk)
        paths.append(path)
    split_across = [c for c in cuts if b"!AIVDM,2,2," in fixture_lines[c]]
    assert len(split_across) >= 3  # fragments of a message really are in different files
    return folder, paths


def test_split_files_in_stream_order(split_files, baseline):
    _, paths = split_files
    got = _count(paths)
    assert got[0]["orphan_fragments"] == 0
    _assert_same_evidence(got, baseline, files=len(paths))


def test_split_files_in_reverse_order(split_files, baseline):
    _, paths = split_files
    got = _count(list(reversed(paths)))
    assert got[0]["orphan_fragments"] == 0
    assert got[0]["messages"] == COUNTS["messages"]
    _assert_same_evidence(got, baseline, files=len(paths))


def test_split_files_shuffled_as_a_folder(split_files, baseline):
    folder, paths = split_files
    got = _count([folder])  # the folder lists files by name: a shuffled order
    assert got[0]["orphan_fragments"] == 0
    assert got[0]["messages"] == COUNTS["messages"]
    _assert_same_evidence(got, baseline, files=len(paths))


def test_the_same_file_twice_under_two_names(tmp_path, baseline):
    """Overlapping downloads: the fixture and a copy of it give the same evidence (duplicate
    reports are removed), with twice the lines, messages and bad lines counted."""
    copy = tmp_path / "copy_of_fixture.nmea.gz"
    copy.write_bytes(FIXTURE.read_bytes())
    got = _count([FIXTURE, copy])
    report, res, summary = got
    want_report, res_want, want_summary = baseline
    for key in ("lines", "messages", "bad_lines", "positions"):
        assert report[key] == 2 * want_report[key], key
    pd.testing.assert_frame_equal(res.port_calls, res_want.port_calls)
    pd.testing.assert_frame_equal(res.gaps, res_want.gaps)
    drop = ("files", "lines", "messages", "bad_lines", "positions")
    assert _plain(summary, drop=drop) == _plain(want_summary, drop=drop)


# ------------------------------------------------- split and order invariance, small and random


def _small_stream() -> list[str]:
    """Positions and two-sentence voyage reports of 8 vessels, 2 receivers, 60 s apart."""
    lines = []
    for k in range(40):
        mmsi = 273_200_000 + k % 8
        t = 1_709_251_200 + 60 * k
        source = f"RX{k % 2}"
        if k % 3 == 0:
            sentences = encode_dict({"type": 5, "mmsi": mmsi, "shipname": f"SPLIT {k}",
                                     "draught": 5.0 + k / 10}, talker_id="AI",
                                    sentence_type="VDM", seq_id=k % 10)
        else:
            sentences = encode_dict({"type": 1, "mmsi": mmsi, "lon": 130 + k / 10,
                                     "lat": 40 + k / 20, "speed": 5.0}, talker_id="AI",
                                    sentence_type="VDM")
        for sentence in sentences:
            body = f"s:{source},c:{t}"
            lines.append(f"\\{body}*{_cs(body.encode())}\\{sentence}")
    return lines


SMALL = _small_stream()


def _sorted_tables(data) -> tuple[pd.DataFrame, pd.DataFrame]:
    pos = data.positions.sort_values(["mmsi", "timestamp"]).reset_index(drop=True)
    sta = data.statics.sort_values(["mmsi", "timestamp"]).reset_index(drop=True)
    return pos, sta


@settings(max_examples=25, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.sets(st.integers(1, len(SMALL) - 1), min_size=1, max_size=8),
       order=st.randoms(use_true_random=False), gz=st.booleans())
def test_any_split_any_order_same_tables(tmp_path, cuts, order, gz):
    whole = tmp_path / "whole.nmea"
    whole.write_text("\n".join(SMALL) + "\n")
    want = _sorted_tables(read_ais(whole, progress=False))
    folder = tmp_path / f"split_{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    bounds = [0, *sorted(cuts), len(SMALL)]
    paths = []
    for k in range(len(bounds) - 1):
        text = ("\n".join(SMALL[bounds[k]: bounds[k + 1]]) + "\n").encode()
        path = folder / f"part{k}.nmea{'.gz' if gz and k % 2 else ''}"
        path.write_bytes(gzip.compress(text) if path.suffix == ".gz" else text)
        paths.append(path)
    order.shuffle(paths)
    data = read_ais(paths, progress=False)
    assert data.report.orphan_fragments == 0
    assert data.report.messages == 40
    got = _sorted_tables(data)
    pd.testing.assert_frame_equal(got[0], want[0])
    pd.testing.assert_frame_equal(got[1], want[1])
