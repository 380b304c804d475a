"""The framer's byte path against its regex path, and its fragment pairing against an
independent reference written here.

``NMEAFramer(byte_path=False)`` sends every line through the regular expressions instead of
the byte parser; it does NOT change the fragment pairing (both paths pair fragments the same
way: vectorised clean runs, then the one-by-one state machine). So ``_same`` compares line
parsing only: messages, times, sources and counts on the real corpora and on generated mixes
(tag blocks the byte path must hand back to the regex path, chunk boundaries anywhere).

The pairing itself is checked against ``reference_frame`` below: a small one-by-one pairing
written from the documented rules, sharing no code with the package, on generated mixes of
interleaved, missing, repeated and far-apart fragments; and by absolute message and orphan
counts worked out by hand.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from functools import reduce
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vesseltrack.ais._nmea import FramingParams, NMEAFramer
from vesseltrack.io import _read as read_module
from vesseltrack.io import read_ais
from vesseltrack.io._report import DecodeReport

DATA = Path(__file__).parent / "data"
NOW_NS = 1_900_000_000 * 10**9

PAYLOAD_1 = "15RTgt0PAso;90TKcjM8h6g208CQ"
PAYLOAD_18 = "B52K>;h00Fc>jpUlNV@ikwpUoP06"
PAYLOAD_5A = "55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8"
PAYLOAD_5B = "88888888880"


def _cs(body: str) -> str:
    return f"{reduce(lambda a, b: a ^ b, body.encode(), 0):02X}"


def _tag(body: str, good: bool = True) -> str:
    check = _cs(body) if good else f"{(int(_cs(body), 16) ^ 0x55):02X}"
    return f"\\{body}*{check}\\"


def _sentence(count: int, num: int, seq: str, chan: str, payload: str, fill: int,
              good: bool = True, addr: str = "AIVDM") -> str:
    body = f"{addr},{count},{num},{seq},{chan},{payload},{fill}"
    check = _cs(body) if good else f"{(int(_cs(body), 16) ^ 0x0F):02X}"
    return f"!{body}*{check}"


def _frame(lines: list[str], cuts: list[int], byte_path: bool,
           params: FramingParams | None = None) -> tuple[list[tuple], dict]:
    """Feed ``lines`` in chunks cut at ``cuts``; messages as tuples, and the report."""
    report = DecodeReport()
    framer = NMEAFramer(report, params, now_ns=NOW_NS, byte_path=byte_path)
    out: list[tuple] = []
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(lines)), len(lines)]
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        chunk = [line + "\n" for line in lines[lo:hi]]
        if not chunk:
            continue
        msgs = framer.feed(chunk)
        payloads = msgs.payload_strings(np.arange(len(msgs)))
        out.extend(zip(payloads, msgs.fill_bits.tolist(), msgs.time_ns.tolist(),
                       msgs.source_strings().tolist(), strict=True))
    late = framer.flush()
    out.extend(zip(late.payload_strings(np.arange(len(late))), late.fill_bits.tolist(),
                   late.time_ns.tolist(), late.source_strings().tolist(), strict=True))
    return out, asdict(report)


def _same(lines: list[str], cuts: list[int] = (), params: FramingParams | None = None):
    fast = _frame(lines, list(cuts), True, params)
    slow = _frame(lines, list(cuts), False, params)
    assert fast[1] == slow[1]
    assert fast[0] == slow[0]
    return fast


# ------------------------------------------------------------------------ verbatim edge cases


def test_strict_lines_take_tag_block_time_and_source():
    lines = [_tag("s:ALPHA,c:1700000000") + _sentence(1, 1, "", "A", PAYLOAD_1, 0),
             _tag("c:1700000005123,s:BETA") + _sentence(1, 1, "", "B", PAYLOAD_18, 0),
             _sentence(1, 1, "", "", PAYLOAD_1, 0)]
    messages, report = _same(lines)
    assert [m[2] for m in messages] == [1_700_000_000 * 10**9, 1_700_000_005_123 * 10**6,
                                        np.iinfo(np.int64).min]
    assert [m[3] for m in messages] == ["ALPHA", "BETA", None]
    assert report["sentences"] == 3 and report["bad_tag_checksum"] == 0


@pytest.mark.parametrize("tag_body", [
    "xc:1700000000,c:1700000001",      # c: not at a field start, a later one is
    "c:12345,c:1700000002",            # first c: too short: the regex takes the next
    "c:17000000001234",                # 14 digits: the first 13 count
    "s:,c:1700000000",                 # empty source
    "ts:X,s:REAL,c:1700000000",        # s: inside another field name
    "g:1-2-77,c:1700000000",           # group tag
    "1G2:77,c:1700000000",             # NMEA 4 group form
    "s:GATEHOUSE,c:1700000000",        # a G that is no group
    "s:" + "L" * 200 + ",c:1700000000",  # longer than the byte path reads
    "",                                # empty tag block
    "c:1700000000",
])
@pytest.mark.parametrize("good", [True, False])
def test_tag_block_variants(tag_body, good):
    line = _tag(tag_body, good) + _sentence(1, 1, "", "A", PAYLOAD_1, 0)
    _same([line, line.replace("!AIVDM", "!AIVDO")])


@pytest.mark.parametrize("line", [
    "  " + _sentence(1, 1, "", "A", PAYLOAD_1, 0),                  # leading blanks
    _sentence(1, 1, "", "A", PAYLOAD_1, 0) + " \t\r",               # trailing blanks
    _sentence(1, 1, "", "A", PAYLOAD_1, 0) + ",1700000000",          # trailing time
    "1700000000," + _sentence(1, 1, "", "A", PAYLOAD_1, 0),          # leading time
    _tag("c:1700000000") + _tag("s:X") + _sentence(1, 1, "", "A", PAYLOAD_1, 0),
    _sentence(1, 1, "", "A", PAYLOAD_1, 0, good=False),
    _sentence(2, 3, "1", "A", PAYLOAD_1, 0),                        # num > count
    _sentence(1, 1, "", "A", PAYLOAD_1 + "x", 0),                   # bad armour char
    _sentence(1, 1, "", "A", "", 0),                                # empty payload
    _sentence(1, 1, "9", "Z", PAYLOAD_1, 5, addr="ABVDO"),
    _sentence(1, 1, "", "A", PAYLOAD_1, 0, addr="=IVDM"),          # satellite talker
    _sentence(1, 1, "", "A", PAYLOAD_1, 0, addr="--VDO"),
    _sentence(1, 1, "", "A", PAYLOAD_1, 0, addr="*IVDM"),          # reserved character
    _sentence(1, 1, "", "A", PAYLOAD_1, 0, addr="I VDM"),          # space
])
def test_line_variants(line):
    _same([line, _sentence(1, 1, "", "A", PAYLOAD_1, 0), line])


def test_pghp_and_lone_tag_blocks_give_the_next_sentence_its_time():
    pghp = "$PGHP,1,2024,3,1,12,0,0,0,RU,25,STATION7,0*"
    pghp += _cs(pghp[1:-1])
    lines = [pghp, _sentence(2, 1, "3", "A", PAYLOAD_5A, 0), _sentence(2, 2, "3", "A", PAYLOAD_5B, 2),
             _tag("c:1700000000,s:LONE"), _sentence(1, 1, "", "A", PAYLOAD_1, 0)]
    messages, _ = _same(lines, cuts=[1, 4])
    assert [m[3] for m in messages] == ["STATION7", "LONE"]


def test_fragments_interleaved_missing_and_repeated():
    a1 = _sentence(2, 1, "1", "A", PAYLOAD_5A, 0)
    a2 = _sentence(2, 2, "1", "A", PAYLOAD_5B, 2)
    b1 = _sentence(2, 1, "2", "A", PAYLOAD_5A, 0)
    b2 = _sentence(2, 2, "2", "A", PAYLOAD_5B, 2)
    single = _sentence(1, 1, "", "A", PAYLOAD_1, 0)
    lines = [a1, a2, a1, b1, a2, b2, a1, a1, a2, b2, single, b1, single, b2, a2, a1, a2]
    messages, report = _same(lines)
    # a1 a2 | a1 b1 a2 b2 | [a1] a1 a2 | b2? | single | b1 single b2 | a2? | a1 a2
    assert len(messages) == 8
    assert sum(m[0] == PAYLOAD_5A + PAYLOAD_5B for m in messages) == 6
    assert report["orphan_fragments"] == 3  # the repeated a1, and two unmatched second halves


def test_fragments_far_apart_in_time_or_stream():
    def tagged(t: int, line: str) -> str:
        return _tag(f"c:{t}") + line

    a1 = _sentence(2, 1, "1", "A", PAYLOAD_5A, 0)
    a2 = _sentence(2, 2, "1", "A", PAYLOAD_5B, 2)
    single = _sentence(1, 1, "", "A", PAYLOAD_1, 0)
    lines = [tagged(1_700_000_000, a1), tagged(1_700_000_900, a2),   # too far in time
             tagged(1_700_000_000, a1), a2,                          # second untimed
             a1, tagged(1_700_000_000, a2),                          # first untimed
             a1, *[single] * 6, a2]                                  # far in the stream
    _same(lines, params=FramingParams(max_fragment_sentences=4))
    _same(lines, params=FramingParams(max_fragment_sentences=6))


# ------------------------------------------------------------------------ generated mixes

_SINGLES = [_sentence(1, 1, "", "A", PAYLOAD_1, 0), _sentence(1, 1, "", "B", PAYLOAD_18, 0)]


@st.composite
def _mixes(draw) -> tuple[list[str], list[int]]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["single", "run", "run", "piece", "noise", "carrier"]))
        t = 1_700_000_000 + draw(st.integers(0, 2000))
        tag = draw(st.sampled_from(["", f"s:R{draw(st.integers(0, 2))},c:{t}", f"c:{t}",
                                    f"g:1-2-{draw(st.integers(1, 3))},c:{t}"]))
        group = draw(st.integers(1, 3))
        good_tag = draw(st.booleans()) or not tag
        prefix = _tag(tag, good_tag) if tag else ""
        if kind == "single":
            lines.append(prefix + draw(st.sampled_from(_SINGLES)))
        elif kind in ("run", "piece"):
            count = draw(st.integers(2, 3))
            seq = draw(st.sampled_from(["", "1", "2"]))
            chan = draw(st.sampled_from(["A", "B", ""]))
            nums = list(range(1, count + 1))
            if kind == "piece":
                nums = draw(st.lists(st.integers(1, count), min_size=1, max_size=3))
            grouped = draw(st.integers(0, 3)) == 0  # an NMEA 4 group, perhaps out of order
            if grouped:
                nums = draw(st.permutations(nums))
            for num in nums:
                payload = PAYLOAD_5A if num == 1 else PAYLOAD_5B
                good = draw(st.integers(0, 9)) > 0
                if grouped:  # only the first sentence carries s: and c:
                    first = f",s:R{group},c:{t}" if num == 1 else ""
                    prefix = _tag(f"g:{num}-{count}-{group}{first}")
                elif draw(st.integers(0, 4)) == 0:  # now and then a fragment's own tag block
                    prefix = draw(st.sampled_from(["", _tag(f"c:{t + 600}"), _tag("s:R1"),
                                                   _tag(f"c:{t},s:R0")]))
                lines.append(prefix + _sentence(count, num, seq, chan, payload, 2 if num == count else 0,
                                                good))
        elif kind == "carrier":
            lines.append(_tag(f"c:{t},s:LONE"))
        else:
            lines.append(draw(st.sampled_from(["", "# comment", "junk", "$GPGGA,1*00"])))
    cuts = draw(st.lists(st.integers(0, len(lines)), max_size=4))
    return lines, cuts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mixes(), st.sampled_from([2, 5, 1000]))
def test_generated_mixes_frame_the_same(mix, max_sentences):
    lines, cuts = mix
    _same(lines, cuts, FramingParams(max_fragment_sentences=max_sentences))


# ------------------------------------------------------------------------ every byte changed

_MUTATED = [
    _tag("s:STATION-12,c:1700000000") + _sentence(1, 1, "", "A", PAYLOAD_1, 0),
    _tag("c:1700000000123,s:B") + _sentence(2, 1, "7", "B", PAYLOAD_5A, 0),
    _sentence(1, 1, "", "A", PAYLOAD_18, 0),
]


@pytest.mark.parametrize("pad", [0, 1])
@pytest.mark.parametrize("base", _MUTATED, ids=["tagged", "fragment", "plain"])
def test_every_byte_changed_at_every_position_frames_the_same(base, pad):
    """One byte of a strict line replaced by each ASCII value (and two beyond), at each
    position: the byte path reads eight bytes at a time, at every alignment (the lines
    after a padding line of ``pad`` bytes start at all eight offsets modulo 8), and must
    classify and cut every such line exactly as the regex path does. The last line of the
    chunk ends one byte before the data does."""
    lines = ["#" * (pad + 1)]
    for at in range(len(base)):
        for value in [*range(128), 0x80, 0xFF]:
            lines.append(base[:at] + chr(value) + base[at + 1:])
    lines.append(base)
    messages, report = _same(lines)
    assert report["sentences"] > len(base)  # many changes keep a valid sentence...
    assert report["bad_checksum"] > len(base)  # ... many others only break its checksum
    assert report["malformed"] > len(base)


# ------------------------------------------------------------------------ real corpora


def _corpus_files() -> list[Path]:
    files = [p for p in sorted(DATA.rglob("*")) if p.is_file()
             and p.suffix not in (".csv", ".md", ".tab", ".chk", ".json")]
    return [p for p in files if b"VDM" in p.read_bytes()[:200_000] or b"VDO" in p.read_bytes()[:200_000]]


FIXTURE = Path(__file__).parents[1] / "data" / "fixtures" / "vostochny_2024.nmea.gz"


@pytest.mark.parametrize("path", [*_corpus_files(), FIXTURE],
                         ids=lambda p: p.name if p == FIXTURE else str(p.relative_to(DATA)))
def test_corpora_read_the_same_through_both_paths(path, monkeypatch):
    chunk = 1 << 20 if path == FIXTURE else 4096
    fast = read_ais(path, progress=False, chunk_bytes=chunk)

    class SlowFramer(NMEAFramer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs, byte_path=False)

    monkeypatch.setattr(read_module, "NMEAFramer", SlowFramer)
    slow = read_ais(path, progress=False, chunk_bytes=chunk)
    assert fast.report.to_dict() == slow.report.to_dict()
    assert fast.positions.equals(slow.positions)
    assert fast.statics.equals(slow.statics)
    assert fast.report.sentences > 0


# ------------------------------------------------------------------------ the byte path is taken

_COMMON = [
    _sentence(1, 1, "", "A", PAYLOAD_1, 0),
    _sentence(1, 1, "", "B", PAYLOAD_18, 0) + "\r",
    _tag("s:ALPHA,c:1700000000") + _sentence(2, 1, "7", "B", PAYLOAD_5A, 0),
    _tag("c:1700000000123,s:B-2") + _sentence(2, 2, "7", "B", PAYLOAD_5B, 2),
    _tag("c:1700000001") + _sentence(1, 1, "", "", PAYLOAD_1, 0, addr="BSVDO"),
    _tag("s:GATEHOUSE,c:1700000001") + _sentence(1, 1, "", "A", PAYLOAD_1, 0),
    _tag("") + _sentence(1, 1, "3", "1", PAYLOAD_1, 0) + "  ",
]


def test_common_forms_never_reach_the_regex_path(monkeypatch):
    """Plain sentences and NMEA 4 tag blocks are framed from the bytes alone: the regex path
    (a correct but five times slower fallback) is not called for any of them."""
    import pyarrow as pa

    from vesseltrack.ais import _lines

    def no_regex(*args, **kwargs):
        raise AssertionError("regex path used")

    monkeypatch.setattr(_lines, "_regex_fields", no_regex)
    lines = pa.array([line + "\n" for line in _COMMON * 3], type=pa.large_string())
    table = _lines.parse_lines(lines, None, _lines.SourceTable())
    assert (table.cls == _lines.AIS_OK).all()
    assert table.time_ns[2] == 1_700_000_000 * 10**9
    assert table.time_ns[3] == 1_700_000_000_123 * 10**6


# ------------------------------------------------------------------------ independent pairing

NAT = np.iinfo(np.int64).min
_REF_LINE = re.compile(
    r"(?:\\(?P<tag>[^*\\]*)\*(?P<tag_cs>[0-9A-F]{2})\\)?"
    r"!(?P<body>(?P<addr>AIVD[MO]),(?P<count>\d),(?P<num>\d),(?P<seq>\d?),(?P<chan>[AB]?),"
    r"(?P<payload>[^,]*),(?P<fill>\d))\*(?P<cs>[0-9A-F]{2})"
)


def reference_frame(lines: list[str], max_sentences: int = 1000,
                    window_s: float = 300.0) -> tuple[list[tuple], int]:
    """Pair fragments one sentence at a time, from the documented rules only.

    Lines are sentences with an optional tag block (``c:`` seconds, ``s:`` source) and good
    tag checksums; anything else is skipped. A fragment joins the message pending under its
    key (source, talker, channel, sequence id, fragment count) when it is the next part, is
    within ``window_s`` of the message's time (either untimed always is) and at most
    ``max_sentences`` valid sentences came between it and part 1. A part 1 under a pending
    key orphans the pending fragments; a part that cannot join is an orphan, and so are the
    fragments of a message that cannot complete any more; whatever is pending at the end
    is orphaned. Returns messages (payload, fill, time ns, source) in the order of their
    last sentence, and the orphan count.
    """
    messages: list[tuple] = []
    orphans = 0
    pending: dict[tuple, dict] = {}
    i = -1
    for line in lines:
        m = _REF_LINE.fullmatch(line)
        if m is None or _cs(m["body"]) != m["cs"]:
            continue
        i += 1
        tags = dict(f.split(":", 1) for f in (m["tag"] or "").split(",") if ":" in f)
        t = int(tags["c"]) * 10**9 if "c" in tags else NAT
        source = tags.get("s")
        count, num, fill = int(m["count"]), int(m["num"]), int(m["fill"])
        for key in [k for k, p in pending.items() if i - p["first"] > max_sentences + 1]:
            orphans += pending.pop(key)["n"]  # more than max_sentences came between
        if count == 1:
            messages.append((m["payload"], fill, t, source))
            continue
        key = (source, m["addr"], m["chan"], m["seq"], count)
        p = pending.get(key)
        if num == 1:
            if p is not None:
                orphans += pending.pop(key)["n"]
            pending[key] = {"first": i, "t": t, "next": 2, "parts": [m["payload"]], "n": 1,
                            "source": source}
            continue
        if p is not None and (p["next"] != num or (
                NAT not in (t, p["t"]) and abs(t - p["t"]) > window_s * 10**9)):
            orphans += pending.pop(key)["n"]
            p = None
        if p is None:
            orphans += 1
            continue
        p["parts"].append(m["payload"])
        p["n"] += 1
        p["next"] += 1
        if p["t"] == NAT:
            p["t"] = t
        if p["next"] > count:
            del pending[key]
            messages.append(("".join(p["parts"]), fill, p["t"] if p["t"] != NAT else t,
                             p["source"]))
    orphans += sum(p["n"] for p in pending.values())
    return messages, orphans


@st.composite
def _pairing_mixes(draw) -> tuple[list[str], list[int]]:
    """Interleaved, missing, repeated and far-apart fragments under a few keys."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["single", "run", "run", "piece", "noise"]))
        t = 1_700_000_000 + draw(st.integers(0, 2000))
        tag = draw(st.sampled_from(["", f"c:{t}", f"s:R{draw(st.integers(0, 1))},c:{t}"]))
        prefix = _tag(tag) if tag else ""
        if kind == "single":
            lines.append(prefix + draw(st.sampled_from(_SINGLES)))
        elif kind in ("run", "piece"):
            count = draw(st.integers(2, 3))
            seq = draw(st.sampled_from(["", "1", "2"]))
            chan = draw(st.sampled_from(["A", "B", ""]))
            nums = range(1, count + 1)
            if kind == "piece":
                nums = draw(st.lists(st.integers(1, count), min_size=1, max_size=3))
            for num in nums:
                payload = PAYLOAD_5A if num == 1 else PAYLOAD_5B
                if draw(st.integers(0, 4)) == 0:
                    prefix = draw(st.sampled_from(["", _tag(f"c:{t + 600}"), _tag(f"c:{t}")]))
                lines.append(prefix + _sentence(count, num, seq, chan, payload,
                                                2 if num == count else 0,
                                                good=draw(st.integers(0, 9)) > 0))
        else:
            lines.append(draw(st.sampled_from(["", "# comment", "junk"])))
    cuts = draw(st.lists(st.integers(0, len(lines)), max_size=4))
    return lines, cuts


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pairing_mixes(), st.sampled_from([1, 2, 5, 1000]))
def test_generated_mixes_pair_as_the_reference_does(mix, max_sentences):
    lines, cuts = mix
    messages, report = _frame(lines, cuts, True, FramingParams(max_fragment_sentences=max_sentences))
    assert (messages, report["orphan_fragments"]) == reference_frame(lines, max_sentences)


A1 = _sentence(2, 1, "1", "A", PAYLOAD_5A, 0)
A2 = _sentence(2, 2, "1", "A", PAYLOAD_5B, 2)
JOINED = PAYLOAD_5A + PAYLOAD_5B


@pytest.mark.parametrize(
    ("lines", "messages", "orphans"),
    [
        # a part 1 repeated before its part 2: the first one is an orphan
        ([A1, A1, A2], 1, 1),
        # a part 1 repeated outside any clean run (the one-by-one path): both orphans
        ([A1, A1], 0, 2),
        ([A1, _SINGLES[0], A1, _SINGLES[1]], 0, 2),
        # a repeated part 1 after a complete message: its own orphan at the end
        ([A1, A2, A1], 1, 1),
        # part 1 on channel B, part 2 on channel A: no message, two orphans
        ([_sentence(2, 1, "1", "B", PAYLOAD_5A, 0), A2], 0, 2),
        # part 1 with sequence id 2, part 2 with id 1: no message, two orphans
        ([_sentence(2, 1, "2", "A", PAYLOAD_5A, 0), A2], 0, 2),
        # two messages interleaved under different sequence ids: both complete
        ([A1, _sentence(2, 1, "2", "A", PAYLOAD_5A, 0), A2,
          _sentence(2, 2, "2", "A", PAYLOAD_5B, 2)], 2, 0),
        # part 2 alone, then a clean pair: one orphan
        ([A2, A1, A2], 1, 1),
        # part 1 then, 301 s later by the receiver's clock, part 2: out of the 300 s window
        ([_tag("c:1700000000") + A1, _tag("c:1700000301") + A2], 0, 2),
        # 300 s exactly: within the window
        ([_tag("c:1700000000") + A1, _tag("c:1700000300") + A2], 1, 0),
    ],
)
def test_repeated_and_out_of_window_fragments_counted(lines, messages, orphans):
    got, report = _frame(lines, [], True)
    assert (sum(m[0] == JOINED for m in got), report["orphan_fragments"]) == (messages, orphans)


@pytest.mark.parametrize(("between", "messages", "orphans"), [(4, 1, 0), (5, 0, 2)])
def test_fragments_too_far_apart_in_the_stream(between, messages, orphans):
    # max_fragment_sentences=4: up to 4 sentences may come between part 1 and part 2
    lines = [A1, *[_SINGLES[0]] * between, A2]
    got, report = _frame(lines, [], True, FramingParams(max_fragment_sentences=4))
    assert (sum(m[0] == JOINED for m in got), report["orphan_fragments"]) == (messages, orphans)


C1 = _sentence(3, 1, "3", "B", PAYLOAD_5A, 0)
C2 = _sentence(3, 2, "3", "B", PAYLOAD_5B, 0)
C3 = _sentence(3, 3, "3", "B", "0", 2)


@pytest.mark.parametrize("cut", ["none", "after part 1", "before part 3"])
@pytest.mark.parametrize(
    ("singles", "messages", "orphans"),
    [
        # max_fragment_sentences=4: part 2 and 3 singles = 4 sentences between part 1 and 3
        (3, 1, 0),
        # 5 between: parts 1 and 2 dropped (2 orphans), then part 3 alone (1 orphan)
        (4, 0, 3),
    ],
)
def test_sentences_between_first_and_last_fragment_bound(singles, messages, orphans, cut):
    # the cuts send the fragments through the one-by-one path instead of the clean runs
    lines = [C1, C2, *[_SINGLES[0]] * singles, C3]
    cuts = {"none": [], "after part 1": [1], "before part 3": [len(lines) - 1]}[cut]
    got, report = _frame(lines, cuts, True, FramingParams(max_fragment_sentences=4))
    joined = PAYLOAD_5A + PAYLOAD_5B + "0"
    assert (sum(m[0] == joined for m in got), report["orphan_fragments"]) == (messages, orphans)
