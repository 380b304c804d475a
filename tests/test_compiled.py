"""The compiled kernels (vesseltrack.ais._compiled) against their references.

The strict-line scan is also compared with the regular-expression path on every corpus in
tests/test_framer_paths.py; here are its fields on hand-made lines. The triage's position
decoding is compared with the NumPy decoder and with pyais on every byte value at every
position of a report, and on hypothesis-generated reports; its static decoding likewise on
hand-checked and generated reports of types 5 and 24. The message merge is checked through
the framer (tests/test_framer_paths.py) and by its example.
"""

from __future__ import annotations

import ctypes
import mmap
from functools import reduce

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais import encode_dict

from vesseltrack.ais import _compiled, _fast
from vesseltrack.ais._compiled import scan_strict
from vesseltrack.ais._decode import decode_batch
from vesseltrack.ais._fast import decode_batch_fast


def _cs(text: str) -> str:
    x = 0
    for ch in text:
        x ^= ord(ch)
    return f"{x:02X}"


def _line(tag: str | None, body: str) -> str:
    head = "" if tag is None else f"\\{tag}*{_cs(tag)}\\"
    return f"{head}!{body}*{_cs(body)}"


def _scan(lines: list[str]) -> dict[str, np.ndarray]:
    raw = "".join(line + "\n" for line in lines).encode("latin-1")
    ends = np.cumsum([len(line) + 1 for line in lines])
    starts = np.concatenate(([0], ends[:-1]))
    return scan_strict(np.frombuffer(raw, dtype=np.uint8), starts, ends)


PAYLOAD = "15M67FC000G?ufbE`FepT@3n00Sa"


def test_scan_fields_of_a_fragment_with_tag_block():
    line = _line("s:STATION-7,c:1700000000123", "AIVDM,2,1,3,B,53nFBv01SJ<thHp6220H4heHTf2222,0")
    f = _scan([line])
    assert f["accept"][0] and f["cs_ok"][0] and not f["tag_bad"][0]
    assert (f["count"][0], f["num"][0], f["seq"][0], f["chan"][0]) == (2, 1, 3, ord("B"))
    assert f["addr"][0] == int.from_bytes(b"AIVDM", "big")
    start = int(f["pay_start"][0])
    assert line.encode()[start:start + int(f["pay_len"][0])] == b"53nFBv01SJ<thHp6220H4heHTf2222"
    assert f["fill"][0] == 0 and f["time_ns"][0] == 1700000000123 * 10**6
    run = int(f["src_run"][0])
    s0, n0 = int(f["run_start"][run]), int(f["run_len"][run])
    assert line.encode()[s0:s0 + n0] == b"STATION-7"


def test_scan_plain_sentence_and_trailing_blanks():
    f = _scan([_line(None, f"BSVDO,1,1,,,{PAYLOAD},5") + " \t\r"])
    assert f["accept"][0] and f["cs_ok"][0]
    assert (f["seq"][0], f["chan"][0], f["fill"][0], f["time_ns"][0], f["src_run"][0]) == (
        -1, 0, 5, np.iinfo(np.int64).min, -1)


@pytest.mark.parametrize("talker", ["=I", "--", "12", "#@", "_}"])
def test_scan_takes_any_printable_talker(talker):
    """Any two printable characters but the NMEA reserved ones are a talker (a satellite
    provider sends ``!=IVDM``): the strict line is taken from the bytes, checksum valid, and
    ``addr`` holds the talker's bytes."""
    f = _scan([_line(None, f"{talker}VDM,1,1,,A,{PAYLOAD},0")])
    assert f["accept"][0] and f["cs_ok"][0]
    assert int(f["addr"][0]).to_bytes(5, "big") == f"{talker}VDM".encode()


def test_scan_source_runs_share_one_span_per_run():
    lines = [_line(f"s:{s},c:17000000{k:02d}", f"AIVDM,1,1,,A,{PAYLOAD},0")
             for k, s in enumerate(["A", "A", "BB", "BB", "A", "", "A"])]
    lines.insert(2, _line(None, f"AIVDM,1,1,,A,{PAYLOAD},0"))  # no tag block: no source
    f = _scan(lines)
    assert f["accept"].all()
    # runs: A | BB | A | A (the empty s: and the untagged line break nothing but are -1)
    assert f["src_run"].tolist() == [0, 0, -1, 1, 1, 2, -1, 2]
    assert f["run_len"].tolist() == [1, 2, 1]


def test_scan_bad_checksums_are_flagged_not_rejected():
    good = _line("c:1700000000", f"AIVDM,1,1,,A,{PAYLOAD},0")
    bad_sentence = good[:-2] + ("00" if good[-2:] != "00" else "01")
    bad_tag = good.replace("c:1700000000*", "c:1700000001*")
    f = _scan([good, bad_sentence, bad_tag])
    assert f["accept"].all()
    assert f["cs_ok"].tolist() == [True, False, True]
    assert f["tag_bad"].tolist() == [False, False, True]
    assert f["time_ns"].tolist() == [1700000000 * 10**9, 1700000000 * 10**9,
                                     1700000001 * 10**9]


@pytest.mark.parametrize("line", [
    _line(None, f"AIVDM,1,1,,A,{PAYLOAD}!,0"),                 # not an armour character
    _line(None, f"AIVDM,1,1,,A,{PAYLOAD},6"),                  # fill bits out of range
    _line(None, f"AIVDM,0,1,,A,{PAYLOAD},0"),                  # count 0
    _line(None, f"AIVDM,1,1,12,A,{PAYLOAD},0"),                # two-digit sequence id
    _line(None, f"AIVDM,1,1,,AB,{PAYLOAD},0"),                 # two-character channel
    _line(None, f"AIXDM,1,1,,A,{PAYLOAD},0"),                  # not VDM/VDO
    " " + _line(None, f"AIVDM,1,1,,A,{PAYLOAD},0"),            # leading blank
    _line(None, f"AIVDM,1,1,,A,{PAYLOAD},0") + ",1700000000",  # trailing field
    _line(None, f"AIVDM,1,1,,A,{PAYLOAD},0")[:-1],             # one checksum digit
    _line("g:1-2-77,c:1700000000", f"AIVDM,1,1,,A,{PAYLOAD},0"),  # group tag
    _line("1G2:77,c:1700000000", f"AIVDM,1,1,,A,{PAYLOAD},0"),     # NMEA 4 group form
    "\\c:1700000000\\" + _line(None, f"AIVDM,1,1,,A,{PAYLOAD},0"),  # block without checksum
    _line("c:1", "") + _line(None, f"AIVDM,1,1,,A,{PAYLOAD},0"),  # two tag blocks
    _line(None, f"A*VDM,1,1,,A,{PAYLOAD},0"),                  # reserved talker character
    _line(None, f"A VDM,1,1,,A,{PAYLOAD},0"),                  # space in the talker
    "",
    "!",
])
def test_scan_leaves_other_forms_to_the_regex_path(line):
    assert not _scan([line])["accept"][0]


def _at_the_end_of_a_page(raw: bytes) -> tuple[np.ndarray, mmap.mmap]:
    """``raw`` as the last bytes of a readable page whose next page cannot be read: a read
    past its end stops the process instead of going unnoticed."""
    page = mmap.PAGESIZE
    region = mmap.mmap(-1, 2 * page, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    base = ctypes.addressof(ctypes.c_char.from_buffer(region))
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.mprotect(ctypes.c_void_p(base + page), ctypes.c_size_t(page), 0) == 0
    data = np.frombuffer(region, dtype=np.uint8, count=page)[page - len(raw):]
    data[:] = np.frombuffer(raw, dtype=np.uint8)
    return data, region


@pytest.mark.parametrize("lines", [
    [_line("s:STATION-10,c:1700000000", f"AIVDM,1,1,,A,{PAYLOAD},0")],
    [_line("c:1700000000,s:A", f"AIVDM,1,1,,A,{PAYLOAD},0"), _line(None, "AIVDM,1,1,,A,1,0")],
    [_line(None, f"AIVDM,1,1,,A,{PAYLOAD},0"), "!AIVDM", "\\s:"],
    [_line(None, f"AIVDM,1,1,,A,{PAYLOAD},0"), "\\s:ABCDEF"],
])
def test_scan_lines_at_the_very_end_of_the_data(lines):
    """Words are read up to the data's last byte and no further (the data ends where a page
    that cannot be read begins): lines that end exactly where the data ends (no terminator,
    a last line shorter than a word) give the fields they give with a terminator after
    them."""
    raw = "\n".join(lines).encode()
    ends = np.cumsum([len(line) + 1 for line in lines]) - 1
    starts = np.concatenate(([0], ends[:-1] + 1))
    data, region = _at_the_end_of_a_page(raw)
    cut = scan_strict(data, starts, ends)
    whole = _scan(lines)
    assert cut["accept"].tolist() == whole["accept"].tolist()
    assert cut["accept"][0]
    accepted = cut["accept"]
    for name in ("count", "num", "seq", "chan", "addr", "pay_start", "pay_len", "fill",
                 "cs_ok", "tag_bad", "time_ns", "src_run"):
        assert cut[name][accepted].tolist() == whole[name][accepted].tolist(), name
    assert cut["cs_ok"][accepted].all()
    del data


def test_word_helpers_against_the_bytes():
    """The scan's eight-byte helpers, for every span of a buffer that ends where an unreadable
    page begins: a word is the bytes from ``at`` (zero past the data's end, never read), the
    XOR, the armour check and the comparison are those of the bytes themselves."""
    raw = b"0Ww`@X_a!w\x7fx9\x80\xffv" + bytes(range(40, 60))
    data, region = _at_the_end_of_a_page(raw)
    n = len(raw)
    for at in range(n):
        assert int(_compiled._word(data, at)) == int.from_bytes(raw[at:at + 8].ljust(8, b"\0"),
                                                                "little")
    for a in range(n + 1):
        for b in range(a, n + 1):
            span = raw[a:b]
            assert _compiled._xor_bytes(data, a, b) == reduce(lambda x, y: x ^ y, span, 0)
            armour = all(48 <= c <= 87 or 96 <= c <= 119 for c in span)
            assert _compiled._armoured(data, a, b) == armour, (a, b)
            for c in range(n - (b - a) + 1):
                assert _compiled._same_bytes(data, a, c, b - a) == (span == raw[c:c + b - a])
    for value in range(256):  # every byte value, in every place of a word
        for place in range(8):
            word = bytearray(b"0Ww`0Ww`")
            word[place] = value
            armour = np.frombuffer(bytes(word), dtype=np.uint8)
            assert _compiled._armoured(armour, 0, 8) == (48 <= value <= 87 or 96 <= value <= 119)
    del data


def test_scan_sources_longer_than_a_word_compared_whole():
    """A source is compared with the previous line's eight bytes at a time: names that
    differ only after the eighth byte, or only in length, start new runs."""
    names = ["STATION-10", "STATION-11", "STATION-11", "STATION-1", "STATION-1X",
             "ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOPR", "ABCDEFGH", "ABCDEFGH"]
    # (each line's time differs in its first digits: the bytes right after a name are never
    # the previous line's)
    lines = [_line(f"s:{name},c:{10 + k}00000000", f"AIVDM,1,1,,A,{PAYLOAD},0")
             for k, name in enumerate(names)]
    f = _scan(lines)
    assert f["accept"].all()
    assert f["src_run"].tolist() == [0, 1, 1, 2, 3, 4, 5, 6, 6]
    raw = "".join(line + "\n" for line in lines).encode()
    spans = [raw[s:s + n].decode() for s, n in zip(f["run_start"], f["run_len"], strict=True)]
    assert spans == ["STATION-10", "STATION-11", "STATION-1", "STATION-1X",
                     "ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOPR", "ABCDEFGH"]


def test_scan_skips_flagged_lines():
    line = _line(None, f"AIVDM,1,1,,A,{PAYLOAD},0")
    raw = (line + "\n") * 2
    data = np.frombuffer(raw.encode(), dtype=np.uint8)
    n = len(line) + 1
    f = scan_strict(data, np.array([0, n]), np.array([n, 2 * n]), np.array([True, False]))
    assert f["accept"].tolist() == [False, True]


# ------------------------------------------------------------------------ positions


def _both_paths(payloads: list[str], fills: list[int]) -> pd.DataFrame:
    """Positions by the kernel, asserted equal to the NumPy decoder's and to pyais's."""
    kernel, handled = decode_batch_fast(payloads, np.asarray(fills))
    with pytest.MonkeyPatch.context() as m:  # every message through the NumPy decoder
        m.setattr(_fast, "_COMPLETE_BITS", np.full(64, np.iinfo(np.int64).max, dtype=np.int64))
        numpy_path, handled_np = decode_batch_fast(payloads, np.asarray(fills))
    pd.testing.assert_frame_equal(kernel.positions, numpy_path.positions)
    assert (handled == handled_np).all()
    ref = decode_batch([payloads[i] for i in np.flatnonzero(handled)],
                       np.asarray(fills)[handled])
    expected = ref.positions.assign(row=np.flatnonzero(handled)[ref.positions["row"]])
    pd.testing.assert_frame_equal(kernel.positions, expected)
    return kernel.positions


def _encode(message: dict) -> tuple[str, int]:
    sentence = encode_dict(message)[0]
    fields = sentence.split("*")[0].split(",")
    return fields[5], int(fields[6])


@pytest.mark.parametrize("msg_type", [1, 18])
def test_every_byte_at_every_position_of_a_complete_report(msg_type):
    """Invalid characters decode as pyais decodes them (as 0, or by its arithmetic)."""
    payload, fill = _encode({"type": msg_type, "mmsi": 273000943, "lon": 131.5, "lat": 42.7,
                             "speed": 12.3, "course": 181.2, "heading": 180})
    payloads = [payload[:k] + chr(b) + payload[k + 1:]
                for k in range(1, len(payload)) for b in range(32, 127)]
    positions = _both_paths(payloads, [fill] * len(payloads))
    assert len(positions) == len(payloads)


def test_kernel_takes_complete_reports_only(monkeypatch):
    payload, fill = _encode({"type": 1, "mmsi": 273000943, "lon": 131.5, "lat": 42.7,
                             "heading": 200})
    taken = []

    def spy(*args):
        # the messages the kernel decoded itself: position rows not left to NumPy
        triage = _compiled.triage_messages(*args)
        rest = set(triage.rest[:triage.n_rest].tolist())
        taken.extend(row for row in triage.pos_row[:triage.n_positions].tolist()
                     if row not in rest)
        return triage

    monkeypatch.setattr(_fast, "triage_messages", spy)
    cut = payload[:22]  # 132 bits: the heading is missing
    positions = _both_paths([payload, cut, payload], [fill, 0, fill])
    assert taken == [0, 2]
    assert positions["lon"].tolist() == [131.5, 131.5, 131.5]
    # heading 200 = 0b011001000 at bits 128-136; the cut report holds its first four: 0b0110
    assert positions["heading_deg"].tolist() == [200.0, 6.0, 200.0]


def test_reports_in_the_joined_bytes_decode_as_in_the_chunk():
    """The framer hands joined fragments over as bytes after the chunk's (``extra``): the
    kernel reads complete reports there too, with the values pyais gives."""
    a, fill_a = _encode({"type": 1, "mmsi": 273000943, "lon": 131.5, "lat": 42.7,
                         "speed": 12.3, "course": 181.2, "heading": 180, "status": 5})
    b, fill_b = _encode({"type": 18, "mmsi": 412000001, "lon": -70.25, "lat": -33.5,
                         "speed": 0.4, "course": 359.9, "heading": 511})
    data = np.frombuffer(a.encode(), dtype=np.uint8)
    extra = np.frombuffer((b + a).encode(), dtype=np.uint8)
    size = len(data)
    starts = np.array([size + len(b), 0, size])  # a (in extra), a (in data), b (in extra)
    lengths = np.array([len(a), len(a), len(b)])
    batch, handled = _fast.decode_spans(data, starts, lengths, np.array([fill_a, fill_a, fill_b]),
                                        extra=extra)
    assert handled.all()
    ref = decode_batch([a, a, b], [fill_a, fill_a, fill_b]).positions
    pd.testing.assert_frame_equal(batch.positions, ref)
    # hand check of the type 18: heading 511 is "not available"
    assert batch.positions["lon"].tolist() == [131.5, 131.5, -70.25]
    assert np.isnan(batch.positions["heading_deg"].iloc[2])


reports = st.fixed_dictionaries({
    "type": st.sampled_from([1, 2, 3, 18]), "mmsi": st.integers(0, 2**30 - 1),
    "status": st.integers(0, 15), "speed": st.integers(0, 1023).map(lambda r: r / 10),
    "lon": st.floats(-223.6, 223.6), "lat": st.floats(-111.8, 111.8),
    "course": st.integers(0, 4095).map(lambda r: r / 10), "heading": st.integers(0, 511)})


@settings(max_examples=40, deadline=None)
@given(st.lists(reports, min_size=1, max_size=30))
def test_generated_reports_same_as_numpy_path_and_pyais(messages):
    payloads, fills = zip(*(_encode(m) for m in messages), strict=True)
    positions = _both_paths(list(payloads), list(fills))
    assert positions["mmsi"].tolist() == [m["mmsi"] for m in messages]


# ------------------------------------------------------------------------ statics


def _statics_both_paths(payloads: list[str], fills: list[int]) -> pd.DataFrame:
    """Statics by the kernel, asserted equal to the NumPy decoder's and to pyais's."""
    kernel, handled = decode_batch_fast(payloads, np.asarray(fills))
    with pytest.MonkeyPatch.context() as m:  # every static report through the NumPy decoder
        m.setattr(_fast, "_STATIC_BITS", np.full(3, np.iinfo(np.int64).max, dtype=np.int64))
        numpy_path, _ = decode_batch_fast(payloads, np.asarray(fills))
    pd.testing.assert_frame_equal(kernel.statics, numpy_path.statics)
    ref = decode_batch([payloads[i] for i in np.flatnonzero(handled)],
                       np.asarray(fills)[handled])
    expected = ref.statics.assign(row=np.flatnonzero(handled)[ref.statics["row"]])
    pd.testing.assert_frame_equal(kernel.statics, expected)
    return kernel.statics


def _encode_all(message: dict) -> tuple[str, int]:
    """The whole payload of a message pyais may split over several sentences."""
    sentences = encode_dict(message)
    fields = [sentence.split("*")[0].split(",") for sentence in sentences]
    return "".join(f[5] for f in fields), int(fields[-1][6])


def test_static_reports_by_the_kernel_hand_checked():
    type5 = {"type": 5, "mmsi": 273000943, "imo": 9123456, "callsign": "UBCD7",
             "shipname": "SEA STAR", "ship_type": 80, "to_bow": 150, "to_stern": 33,
             "to_port": 12, "to_starboard": 20, "draught": 11.4, "destination": "NAKHODKA"}
    part_a = {"type": 24, "mmsi": 412000001, "partno": 0, "shipname": "LITTLE ONE"}
    part_b = {"type": 24, "mmsi": 412000001, "partno": 1, "ship_type": 37,
              "callsign": "BX12", "to_bow": 7, "to_stern": 3, "to_port": 2, "to_starboard": 1}
    aux = dict(part_b, mmsi=981234567, mothership_mmsi=412000001)  # no sizes: a mothership
    payloads, fills = zip(*(_encode_all(m) for m in (type5, part_a, part_b, aux)), strict=True)
    statics = _statics_both_paths(list(payloads), list(fills))
    assert statics["name"].tolist()[:2] == ["SEA STAR", "LITTLE ONE"]
    assert statics["callsign"].tolist() == ["UBCD7", pd.NA, "BX12", "BX12"]
    assert statics["destination"].tolist()[0] == "NAKHODKA"
    # 150 + 33 = 183 m long, 12 + 20 = 32 m wide; 7 + 3 = 10 m, 2 + 1 = 3 m
    assert statics["length_m"].tolist()[0] == 183.0 and statics["beam_m"].tolist()[0] == 32.0
    assert statics["length_m"].tolist()[2] == 10.0 and statics["beam_m"].tolist()[2] == 3.0
    assert np.isnan(statics["length_m"].iloc[3]) and np.isnan(statics["beam_m"].iloc[3])
    assert statics["draught_m"].tolist()[0] == 11.4
    assert statics["imo"].tolist()[0] == 9123456
    assert statics["ship_type"].tolist() == [80, pd.NA, 37, 37]


statics_reports = st.one_of(
    st.fixed_dictionaries({
        "type": st.just(5), "mmsi": st.integers(0, 2**30 - 1), "imo": st.integers(0, 2**30 - 1),
        "callsign": st.text("ABC XYZ@019", max_size=7), "shipname": st.text("AB @Z-9", max_size=20),
        "ship_type": st.integers(0, 255), "to_bow": st.integers(0, 511),
        "to_stern": st.integers(0, 511), "to_port": st.integers(0, 63),
        "to_starboard": st.integers(0, 63), "draught": st.integers(0, 255).map(lambda r: r / 10),
        "destination": st.text("AB @Z-9", max_size=20)}),
    st.fixed_dictionaries({
        "type": st.just(24), "mmsi": st.integers(0, 2**30 - 1), "partno": st.just(0),
        "shipname": st.text("AB @Z-9", max_size=20)}),
    st.fixed_dictionaries({
        "type": st.just(24), "mmsi": st.sampled_from([412000001, 980000000, 989999999, 990000000]),
        "partno": st.just(1), "ship_type": st.integers(0, 255),
        "callsign": st.text("ABC XYZ@019", max_size=7), "to_bow": st.integers(0, 511),
        "to_stern": st.integers(0, 511), "to_port": st.integers(0, 63),
        "to_starboard": st.integers(0, 63), "mothership_mmsi": st.integers(0, 2**30 - 1)}))


@settings(max_examples=40, deadline=None)
@given(st.lists(statics_reports, min_size=1, max_size=20), st.integers(0, 12))
def test_generated_static_reports_same_as_numpy_path_and_pyais(messages, cut):
    """Whole reports go to the kernel; ones cut by up to 12 characters (below the kernel's
    bit lengths) to the NumPy decoder: both as pyais decodes them."""
    payloads, fills = zip(*(_encode_all(m) for m in messages), strict=True)
    payloads = [p[:len(p) - cut] if k % 2 else p for k, p in enumerate(payloads)]
    fills = [0 if k % 2 and cut else f for k, f in enumerate(fills)]
    statics = _statics_both_paths(payloads, fills)
    assert statics["msg_type"].tolist() == [m["type"] for m in messages]


# ------------------------------------------------------------------------ line split


def _reference_offsets(raw: bytes) -> list[int]:
    """Line bounds by the rule, byte by byte: a break after LF, and after a CR not followed
    by LF and not the last byte (the first half of a CR LF cut off by the chunk's end)."""
    out = [0]
    for i, b in enumerate(raw):
        if b == 10 or (b == 13 and i + 1 < len(raw) and raw[i + 1] != 10):
            out.append(i + 1)
    return [*out, len(raw)]


@pytest.mark.parametrize("raw", [b"", b"\n", b"\r", b"\r\n", b"A", b"A\nB", b"A\r\nB\rC\r",
                                 b"\n\n\r\r\n", b"AB\r\r\n\rC\n"])
def test_line_offsets_cases(raw):
    assert _compiled.line_offsets(np.frombuffer(raw, dtype=np.uint8)).tolist() == (
        _reference_offsets(raw))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"\n", b"\r", b"A", b"\xff", b"\r\n"]), max_size=80)
       .map(b"".join))
def test_line_offsets_match_the_rule(raw):
    assert _compiled.line_offsets(np.frombuffer(raw, dtype=np.uint8)).tolist() == (
        _reference_offsets(raw))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"\n", b"A", b"\x09", b"\x0b", b"\x8a", b"\xff"]), max_size=80)
       .map(b"".join), st.integers(0, 7))
def test_line_offsets_without_cr_at_any_alignment(raw, shift):
    """Files without CR are split eight bytes at a time from an 8-byte boundary: bytes next
    to LF's value (09, 0B, 8A) and every start in a word give the rule's lines."""
    buf = np.frombuffer(b"x" * shift + raw, dtype=np.uint8)[shift:]
    assert _compiled.line_offsets(buf).tolist() == _reference_offsets(raw)


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=60).flatmap(
    lambda raw: st.tuples(st.just(raw), st.lists(
        st.tuples(st.integers(0, len(raw)), st.integers(0, len(raw))), max_size=12))))
def test_copy_spans_joins_slices(case):
    raw, spans = case
    spans = [(a, min(b, len(raw) - a)) for a, b in spans]
    data = np.frombuffer(raw, dtype=np.uint8)
    starts = np.array([a for a, _ in spans], dtype=np.int64)
    lengths = np.array([n for _, n in spans], dtype=np.int64)
    assert _compiled.copy_spans(data, starts, lengths).tobytes() == b"".join(
        raw[a:a + n] for a, n in spans)
