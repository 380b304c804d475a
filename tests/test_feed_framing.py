"""Framing of the shapes real feeds take: NMEA 4 tag-block groups, unusual talkers,
proprietary sentences with trailing fields, and what counts as a bad line.

* Tag-block groups: in real feeds only the first sentence of a group carries ``s:`` and
  ``c:`` (``\\g:1-2-3454,s:41925,c:...*hh\\!AIVDM,2,1,...`` then ``\\g:2-2-3454*hh\\!AIVDM,2,2,...``).
  The group id ties the sentences together, in any order, and the message takes the first
  sentence's time and source.
* A satellite provider sends ``!=IVDM``: any two printable characters but the NMEA reserved
  ones are a talker when the checksum holds.
* ``$PGHP`` lines followed by a receiver time after the checksum are other NMEA, and still
  time the sentence after them.
* ``bad_lines``: lines that are neither usable AIS, a comment, a blank line nor a well-formed
  sentence of another NMEA type.
"""

from __future__ import annotations

import itertools
from functools import reduce

import pandas as pd
import pytest
from pyais.stream import FileReaderStream

from vesseltrack.io import read_ais

# Verbatim sentences from gpsd's test/sample.aivdm (BSD-2-Clause), values from gpsd's own
# decode of them (sample.aivdm.js.chk): TYPE1 is mmsi 371798000; TYPE5 is mmsi 351759000,
# EVER DIADEM, draught 12.2 m.
TYPE1 = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
TYPE5_1 = "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C"
TYPE5_2 = "!AIVDM,2,2,1,A,88888888880,2*25"
TYPE5_MMSI, TYPE5_DRAUGHT_M = 351759000, 12.2
T_GROUP = 1_700_000_000  # 2023-11-14 22:13:20 UTC
T_GROUP_UTC = pd.Timestamp("2023-11-14T22:13:20Z")


def cs(body: str) -> str:
    """NMEA checksum of ``body`` (XOR of its bytes, written here independently)."""
    return f"{reduce(lambda a, b: a ^ b, body.encode(), 0):02X}"


def tag(body: str) -> str:
    return f"\\{body}*{cs(body)}\\"


def with_talker(line: str, talker: str) -> str:
    """``line`` with another talker and its checksum recomputed."""
    body = talker + line[3:line.index("*")]
    return f"!{body}*{cs(body)}"


def read_lines(tmp_path, lines, name="feed.nmea"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return read_ais(path, progress=False)


def group_lines(gid: int, t: int = T_GROUP, source: str = "41925", form: str = "g") -> list[str]:
    """The two sentences of TYPE5 as an NMEA 4 group, ``s:``/``c:`` on the first only."""
    if form == "g":
        first, second = f"g:1-2-{gid},s:{source},c:{t}", f"g:2-2-{gid}"
    else:  # the other NMEA 4 form: nGm:id
        first, second = f"1G2:{gid},s:{source},c:{t}", f"2G2:{gid}"
    return [tag(first) + TYPE5_1, tag(second) + TYPE5_2]


# ------------------------------------------------------------------------ tag-block groups


@pytest.mark.parametrize("form", ["g", "nGm"])
@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["in-order", "second-first"])
def test_group_takes_the_first_sentences_time_and_source(tmp_path, form, order):
    lines = group_lines(3454, form=form)
    data = read_lines(tmp_path, [lines[k] for k in order])
    assert (data.report.messages, data.report.orphan_fragments) == (1, 0)
    row = data.statics.iloc[0]
    assert (row["mmsi"], row["draught_m"]) == (TYPE5_MMSI, TYPE5_DRAUGHT_M)
    assert (row["timestamp"], row["source"]) == (T_GROUP_UTC, "41925")


def test_interleaved_groups_keep_their_own_times(tmp_path):
    """Two groups of the same sentence sequence id, interleaved and each out of order: the
    group ids keep them apart; each message has its own first sentence's time and source."""
    a = group_lines(11, t=T_GROUP, source="A")
    b = group_lines(12, t=T_GROUP + 60, source="B")
    data = read_lines(tmp_path, [a[1], b[1], b[0], TYPE1, a[0]])
    assert (data.report.messages, data.report.orphan_fragments) == (3, 0)
    assert data.statics["source"].tolist() == ["B", "A"]  # in the order they completed
    assert data.statics["timestamp"].tolist() == [T_GROUP_UTC + pd.Timedelta(60, "s"),
                                                  T_GROUP_UTC]


def test_every_group_of_a_feed_completes(tmp_path):
    """A tag-block feed in the real shape: 18 two-sentence groups among single sentences,
    no group lost (a real feed of this shape once lost 18 of its 18 groups)."""
    lines = []
    for k in range(18):
        lines += [tag(f"s:41925,c:{T_GROUP + 10 * k}") + TYPE1, *group_lines(1000 + k, T_GROUP + 10 * k)]
    data = read_lines(tmp_path, lines)
    assert (data.report.messages, data.report.orphan_fragments) == (36, 0)
    assert len(data.statics) == 18
    assert data.statics["timestamp"].tolist() == [T_GROUP_UTC + pd.Timedelta(10 * k, "s")
                                                  for k in range(18)]


def test_group_feed_keeps_every_message_pyais_keeps(tmp_path):
    """The same feed through pyais's own reader: the same messages (type, MMSI), in order."""
    lines = []
    for k in range(18):
        lines += [tag(f"s:41925,c:{T_GROUP + 10 * k}") + TYPE1, *group_lines(1000 + k, T_GROUP + 10 * k)]
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(lines) + "\n")
    expected = [(m.decode().msg_type, m.decode().mmsi) for m in FileReaderStream(str(path))]
    data = read_ais(path, progress=False)
    ours = sorted([(1, m) for m in data.positions["mmsi"]] + [(5, m) for m in data.statics["mmsi"]])
    assert ours == sorted(expected)


def test_group_id_reused_before_completion_orphans_the_first(tmp_path):
    """A first sentence repeated under the same group id: the earlier one never completed
    (one orphan); the later one joins the second sentence and takes its time."""
    first_a = group_lines(5, t=T_GROUP)[0]
    first_b, second = group_lines(5, t=T_GROUP + 30)
    data = read_lines(tmp_path, [first_a, first_b, second])
    assert (data.report.messages, data.report.orphan_fragments) == (1, 1)
    assert data.statics["timestamp"].tolist() == [T_GROUP_UTC + pd.Timedelta(30, "s")]


def test_group_sentences_too_far_apart_in_time_do_not_join(tmp_path):
    """Both sentences timed, 301 s apart (the window is 300 s): two orphans, no message."""
    first = tag(f"g:1-2-9,c:{T_GROUP}") + TYPE5_1
    second = tag(f"g:2-2-9,c:{T_GROUP + 301}") + TYPE5_2
    data = read_lines(tmp_path, [first, second])
    assert (data.report.messages, data.report.orphan_fragments) == (0, 2)


@pytest.mark.parametrize("after", [1, 1200], ids=["short", "long"])
@pytest.mark.parametrize("file_order", [(0, 1), (1, 0)], ids=["a-b", "b-a"])
def test_group_split_across_files_in_any_order(tmp_path, file_order, after):
    """The first sentence ends one file, the second starts the next: they join whichever
    file is read first, and the message has the first sentence's time; also when the second
    file goes on for more than ``max_fragment_sentences`` (1000) sentences after it."""
    first, second = group_lines(77)
    paths = [tmp_path / "a.nmea", tmp_path / "b.nmea"]
    paths[0].write_text(f"{TYPE1}\n{first}\n")
    paths[1].write_text(f"{second}\n" + f"{TYPE1}\n" * after)
    data = read_ais([paths[k] for k in file_order], progress=False)
    assert (data.report.messages, data.report.orphan_fragments) == (2 + after, 0)
    assert data.statics["timestamp"].tolist() == [T_GROUP_UTC]
    # the store (each file framed on its own, the rest joined at the end) reads back the same
    from vesseltrack.store import ingest, open_store

    ingest([paths[k] for k in file_order], tmp_path / "store", progress=False)
    stored = open_store(tmp_path / "store")
    pd.testing.assert_frame_equal(stored.read("statics"), data.statics)
    pd.testing.assert_frame_equal(stored.read("positions"), data.positions)
    assert stored.report().to_dict() == data.report.to_dict()


# ------------------------------------------------------------------------ talkers


@pytest.mark.parametrize("talker", ["=I", "AI", "AB", "BS", "SA", "--", "1A", "#x"])
def test_printable_talker_with_valid_checksum_is_read(tmp_path, talker):
    data = read_lines(tmp_path, [with_talker(TYPE1, talker)])
    assert data.positions["mmsi"].tolist() == [371798000]
    assert data.report.bad_lines == 0


def test_printable_talker_with_failed_checksum_is_a_bad_checksum(tmp_path):
    line = with_talker(TYPE1, "=I")
    broken = line[:-2] + ("00" if line[-2:] != "00" else "01")
    data = read_lines(tmp_path, [broken])
    assert (data.report.bad_checksum, data.report.bad_lines, len(data.positions)) == (1, 1, 0)


@pytest.mark.parametrize("talker", ["*I", "~I", "^I", "I$", " I"])
def test_reserved_character_in_talker_is_malformed(tmp_path, talker):
    """(A good sentence after it: a file with no AIS sentence at all is refused.)"""
    data = read_lines(tmp_path, [with_talker(TYPE1, talker), TYPE1])
    assert (data.report.malformed, data.report.bad_lines, len(data.positions)) == (1, 1, 1)


def test_satellite_talker_joins_multi_sentence_messages(tmp_path):
    data = read_lines(tmp_path, [with_talker(TYPE5_1, "=I"), with_talker(TYPE5_2, "=I")])
    assert data.statics["mmsi"].tolist() == [TYPE5_MMSI]


# ------------------------------------------------------------------------ proprietary sentences

PGHP_BODY = "PGHP,1,2024,3,7,12,0,5,250,273,1,2190047,1,4A"
PGHP = f"${PGHP_BODY}*{cs(PGHP_BODY)}"


@pytest.mark.parametrize("trailer", ["", ",1709812805", ",1709812805123", "\t1709812805",
                                     ",1709812805,rSTATION"])
def test_pghp_with_trailing_receiver_time_is_other_nmea(tmp_path, trailer):
    data = read_lines(tmp_path, [PGHP + trailer, TYPE1])
    assert (data.report.other_nmea, data.report.bad_lines) == (1, 0)
    # the $PGHP still times the sentence after it: 2024-03-07 12:00:05.250
    assert data.positions["timestamp"].tolist() == [pd.Timestamp("2024-03-07T12:00:05.250Z")]


def test_other_nmea_with_trailing_field_and_failed_checksum_is_bad(tmp_path):
    data = read_lines(tmp_path, [f"${PGHP_BODY}*00,1709812805", TYPE1])
    assert (data.report.bad_checksum, data.report.bad_lines) == (1, 1)


# ------------------------------------------------------------------------ bad_lines

GPRMC_BODY = "GPRMC,120005,A,4238.000,N,13304.000,E,0.0,0.0,070324,,"
LINES = {
    "blank": ("", 0),
    "comment": ("# receiver log", 0),
    "AIS sentence": (TYPE1, 0),
    "AIS with a trailing time": (TYPE1 + ",1709812805", 0),
    "AIS with a tag block": (tag("s:R1,c:1709812805") + TYPE1, 0),
    "AIS with a failed tag-block checksum (time still used)": ("\\c:1709812805*00\\" + TYPE1, 0),
    "GPS sentence": (f"${GPRMC_BODY}*{cs(GPRMC_BODY)}", 0),
    "$PGHP with a trailing time": (PGHP + ",1709812805", 0),
    "tag block alone": (tag("c:1709812805"), 0),
    "first sentence of a group never completed (an orphan, not bad)": (group_lines(1)[0], 0),
    "AIS with a failed checksum": (TYPE1[:-2] + "00", 1),
    "GPS sentence with a failed checksum": (f"${GPRMC_BODY}*00", 1),
    "truncated AIS sentence": (TYPE1[:30], 1),
    "fragment number above count": (with_talker(TYPE5_2.replace(",2,2,", ",2,3,"), "AI"), 1),
    "junk": ("hello world", 1),
    "proprietary sentence without checksum": ("$PFOO,INVALID", 1),
}


@pytest.mark.parametrize("line,bad", LINES.values(), ids=LINES.keys())
def test_bad_lines_count_what_the_contract_says(tmp_path, line, bad):
    """Each line after a good sentence (a file with no AIS sentence at all is refused)."""
    data = read_lines(tmp_path, [TYPE1, line])
    assert data.report.bad_lines == bad


def test_bad_lines_add_up_over_a_mixed_file(tmp_path):
    lines = [line for line, _ in LINES.values()]
    data = read_lines(tmp_path, lines)
    assert data.report.bad_lines == 6  # the six lines marked 1 above



def test_group_order_does_not_matter_for_every_permutation(tmp_path):
    """Three groups of two, every sentence order among the six: always three messages."""
    lines = [*group_lines(1, T_GROUP), *group_lines(2, T_GROUP + 1), *group_lines(3, T_GROUP + 2)]
    for k, order in enumerate(itertools.islice(itertools.permutations(range(6)), 0, 720, 37)):
        data = read_lines(tmp_path, [lines[i] for i in order], name=f"p{k}.nmea")
        assert (data.report.messages, data.report.orphan_fragments) == (3, 0)
        assert sorted(data.statics["timestamp"]) == [T_GROUP_UTC + pd.Timedelta(i, "s")
                                                     for i in range(3)]
