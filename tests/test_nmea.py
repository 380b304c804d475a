"""NMEA framing and decoding: verbatim sentences, crafted corner cases and properties."""

from __future__ import annotations

import gzip
from functools import reduce

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais.constants import ShipType
from pyais.encode import encode_dict

from vesseltrack.ais._nmea import FramingParams
from vesseltrack.io import read_ais

# Verbatim sentences (gpsd test/sample.aivdm, BSD-2-Clause; libais typeexamples, Apache-2.0).
TYPE1 = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"  # mmsi 371798000
TYPE5_1 = "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C"
TYPE5_2 = "!AIVDM,2,2,1,A,88888888880,2*25"  # mmsi 351759000 EVER DIADEM


def cs(body: str) -> str:
    """NMEA checksum of ``body`` (independent of the implementation)."""
    return f"{reduce(lambda a, b: a ^ b, body.encode(), 0):02X}"


def tag(body: str) -> str:
    return f"\\{body}*{cs(body)}\\"


def sentence(body: str) -> str:
    return f"!{body}*{cs(body)}"


def read_lines(tmp_path, lines, name="in.nmea", **kwargs):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return read_ais(path, progress=False, **kwargs)


def test_verbatim_type1_values(tmp_path):
    data = read_lines(tmp_path, [TYPE1])
    row = data.positions.iloc[0]
    assert row["mmsi"] == 371798000
    assert row["lon"] == pytest.approx(-123.39538333, abs=1e-6)
    assert row["lat"] == pytest.approx(48.38163333, abs=1e-6)
    assert row["sog_knots"] == pytest.approx(12.3)
    assert row["cog_deg"] == pytest.approx(224.0)
    assert row["heading_deg"] == 215
    assert row["nav_status"] == 0
    assert row["msg_type"] == 1
    assert pd.isna(row["timestamp"])
    assert data.report.untimed == 1
    assert str(data.positions["timestamp"].dtype) == "datetime64[ns, UTC]"


@pytest.mark.parametrize("talker", ["AI", "AB", "BS", "SA", "--"])
@pytest.mark.parametrize("kind", ["VDM", "VDO"])
def test_any_talker_and_vdo(tmp_path, talker, kind):
    body = TYPE1[1:TYPE1.index("*")].replace("AIVDM", talker + kind)
    data = read_lines(tmp_path, [sentence(body)])
    assert data.report.sentences == 1
    assert data.positions["mmsi"].tolist() == [371798000]


def test_bad_checksum_counted_neighbours_kept(tmp_path):
    bad = TYPE1[:-2] + ("00" if TYPE1[-2:] != "00" else "01")
    data = read_lines(tmp_path, [TYPE1, bad, TYPE1])
    assert data.report.bad_checksum == 1
    assert data.report.sentences == 2
    assert len(data.positions) == 2
    assert data.report.bad_lines == 1


def test_skipped_and_malformed_lines(tmp_path):
    gprmc = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A"
    lines = [
        "# a comment",
        "",
        "   ",
        gprmc,
        gprmc[:-2] + "00",  # other NMEA with a failed checksum: bad
        TYPE1[:30],  # truncated AIS sentence: malformed
        "junk that is not NMEA",
        "$PFOO,INVALID",  # no checksum
        TYPE1,
    ]
    data = read_lines(tmp_path, lines)
    r = data.report
    assert (r.lines, r.comments, r.blank, r.other_nmea) == (9, 1, 2, 1)
    assert (r.bad_checksum, r.malformed, r.bad_lines) == (1, 3, 4)
    assert (r.sentences, r.messages, r.positions) == (1, 1, 1)


def test_crlf_gzip_and_no_trailing_newline_agree(tmp_path):
    lines = [TYPE1, TYPE5_1, TYPE5_2]
    plain = read_lines(tmp_path, lines, "a.nmea")
    crlf_path = tmp_path / "b.nmea"
    crlf_path.write_bytes("\r\n".join(lines).encode())  # no trailing newline either
    gz_path = tmp_path / "c.txt"  # gzip detected by content, not by name
    gz_path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    for path in (crlf_path, gz_path):
        other = read_ais(path, progress=False)
        pd.testing.assert_frame_equal(plain.positions, other.positions)
        pd.testing.assert_frame_equal(plain.statics, other.statics)
        assert other.report.messages == 2
    sta = plain.statics.iloc[0]
    assert (sta["mmsi"], sta["name"], sta["callsign"], sta["imo"]) == (351759000, "EVER DIADEM", "3FOF8", 9134270)
    assert sta["draught_m"] == pytest.approx(12.2)
    assert sta["destination"] == "NEW YORK"
    assert (sta["length_m"], sta["beam_m"]) == (295.0, 32.0)


def test_interleaved_fragments_reassemble(tmp_path):
    other5 = encode_dict({"msg_type": 5, "mmsi": 445000001, "shipname": "SONG WON 2", "draught": 3.1},
                         seq_id=2, radio_channel="B", talker_id="AI", sentence_type="VDM")
    lines = [TYPE5_1, other5[0], TYPE1, TYPE5_2, TYPE1, other5[1]]
    data = read_lines(tmp_path, lines)
    assert data.report.orphan_fragments == 0
    assert data.report.messages == 4
    assert sorted(data.statics["name"].tolist()) == ["EVER DIADEM", "SONG WON 2"]
    assert data.statics.set_index("mmsi").loc[445000001, "draught_m"] == pytest.approx(3.1)


def test_orphans_by_sentence_bound_and_restart(tmp_path):
    # part 1 then 3 other sentences (bound 2): dropped; its late part 2 is an orphan too.
    lines = [TYPE5_1, TYPE1, TYPE1, TYPE1, TYPE5_2]
    data = read_lines(tmp_path, lines, framing=FramingParams(max_fragment_sentences=2))
    assert data.report.orphan_fragments == 2
    assert data.report.messages == 3
    # a part 1 repeated before its part 2: the first is an orphan, the second completes
    data = read_lines(tmp_path, [TYPE5_1, TYPE5_1, TYPE5_2])
    assert (data.report.orphan_fragments, data.report.messages) == (1, 1)
    # stream ends with a pending part 1
    data = read_lines(tmp_path, [TYPE1, TYPE5_1])
    assert (data.report.orphan_fragments, data.report.messages) == (1, 1)


def test_fragment_time_window(tmp_path):
    p1 = tag("c:1700000000") + TYPE5_1
    p2_late = tag("c:1700003600") + TYPE5_2
    data = read_lines(tmp_path, [p1, p2_late], framing=FramingParams(max_fragment_seconds=300))
    assert (data.report.orphan_fragments, data.report.messages) == (2, 0)
    p2_soon = tag("c:1700000001") + TYPE5_2
    data = read_lines(tmp_path, [p1, p2_soon])
    assert (data.report.orphan_fragments, data.report.messages) == (0, 1)
    assert data.statics["timestamp"].iloc[0] == pd.Timestamp("2023-11-14T22:13:20Z")


def test_impossible_fragment_numbers_malformed(tmp_path):
    body = TYPE5_2[1:TYPE5_2.index("*")].replace("2,2,1", "2,3,1")
    data = read_lines(tmp_path, [sentence(body), TYPE1])
    assert data.report.malformed == 1
    assert data.report.messages == 1


@pytest.mark.parametrize(
    ("tag_body", "expected"),
    [
        ("c:1709812800", "2024-03-07T12:00:00Z"),
        ("c:1709812800123", "2024-03-07T12:00:00.123Z"),
        ("s:rSAT01,c:1709812800", "2024-03-07T12:00:00Z"),
        ("g:1-1-42,c:1709812800", "2024-03-07T12:00:00Z"),
    ],
)
def test_tag_block_times(tmp_path, tag_body, expected):
    data = read_lines(tmp_path, [tag(tag_body) + TYPE1])
    assert data.positions["timestamp"].iloc[0] == pd.Timestamp(expected)
    assert data.report.untimed == 0


def test_tag_block_source_and_bad_tag_checksum_still_timed(tmp_path):
    bad_tag = "\\s:rSAT01,c:1709812800*00\\"
    data = read_lines(tmp_path, [tag("s:ground7,c:1709812801") + TYPE1, bad_tag + TYPE1])
    assert data.positions["source"].tolist() == ["ground7", "rSAT01"]
    assert data.positions["timestamp"].tolist() == [pd.Timestamp("2024-03-07T12:00:01Z"),
                                                    pd.Timestamp("2024-03-07T12:00:00Z")]
    assert data.report.bad_tag_checksum == 1
    assert data.report.bad_lines == 0


def test_pghp_time_and_source_apply_to_next_sentence(tmp_path):
    pghp_body = "PGHP,1,2024,3,7,12,0,5,250,273,1,2190047,1,4A"
    lines = ["$" + pghp_body + "*" + cs(pghp_body), TYPE1, TYPE1]
    data = read_lines(tmp_path, lines)
    ts = data.positions["timestamp"]
    assert ts.iloc[0] == pd.Timestamp("2024-03-07T12:00:05.250Z")
    assert pd.isna(ts.iloc[1])  # the $PGHP time belongs to the next sentence only
    assert data.positions["source"].iloc[0] == "2190047"
    assert data.report.other_nmea == 1


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_pghp_at_the_end_of_a_file_times_no_sentence_of_the_next(tmp_path, order):
    """A file ending with a $PGHP line: the sentence that starts the next file keeps no time
    (counted untimed), in either order, as a read of each file alone gives."""
    pghp_body = "PGHP,1,2024,3,7,12,0,5,250,273,1,2190047,1,4A"
    (tmp_path / "a.nmea").write_text("\n".join([tag("c:1709812801") + TYPE1,
                                                "$" + pghp_body + "*" + cs(pghp_body)]) + "\n")
    (tmp_path / "b.nmea").write_text(TYPE1 + "\n")
    paths = [tmp_path / f"{k}.nmea" for k in order]
    data = read_ais(paths, progress=False)
    alone = [read_ais(p, progress=False) for p in paths]
    assert data.positions["timestamp"].isna().tolist() == (
        [False, True] if order == "ab" else [True, False])
    assert data.report.untimed == 1 == sum(a.report.untimed for a in alone)
    assert data.positions["source"].isna().all()


@pytest.mark.parametrize(
    ("suffix", "expected", "source"),
    [
        (",1709812800", "2024-03-07T12:00:00Z", None),
        (",1709812800123", "2024-03-07T12:00:00.123Z", None),
        (",d-109,S2105,t050056.00,T56.137,r003669946,1709812800,1709812790", "2024-03-07T12:00:00Z", "003669946"),
        (",1daasd4218,,1709812800", "2024-03-07T12:00:00Z", None),
    ],
)
def test_trailing_epoch_fields(tmp_path, suffix, expected, source):
    data = read_lines(tmp_path, [TYPE1 + suffix])
    assert data.positions["timestamp"].iloc[0] == pd.Timestamp(expected)
    got = data.positions["source"].iloc[0]
    assert (pd.isna(got) and source is None) or got == source


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("2024-03-07T12:00:00Z,", "2024-03-07T12:00:00Z"),
        ("2024-03-07 12:00:00.500;", "2024-03-07T12:00:00.5Z"),
        ("1709812800 ", "2024-03-07T12:00:00Z"),
        ("1709812800.25,", "2024-03-07T12:00:00.25Z"),
    ],
)
def test_leading_time_column(tmp_path, prefix, expected):
    data = read_lines(tmp_path, [prefix + TYPE1])
    assert data.positions["timestamp"].iloc[0] == pd.Timestamp(expected)


def test_times_out_of_range_are_nulled_and_counted(tmp_path):
    lines = [tag("c:946684799") + TYPE1,  # 1999-12-31T23:59:59
             tag("c:4102444800") + TYPE1,  # 2100
             tag("c:1709812800") + TYPE1]
    data = read_lines(tmp_path, lines)
    assert data.report.bad_time == 2
    assert data.report.untimed == 2
    assert data.positions["timestamp"].isna().tolist() == [True, True, False]


def test_not_available_values_masked(tmp_path):
    lines = encode_dict({"msg_type": 1, "mmsi": 273111222, "lon": 181, "lat": 91, "speed": 102.3,
                         "course": 360, "heading": 511, "status": 15}, talker_id="AI", sentence_type="VDM")
    lines += encode_dict({"msg_type": 5, "mmsi": 445000009, "imo": 0, "shipname": "@@SAM MA 2@@",
                          "callsign": "@@J130B", "draught": 0, "ship_type": 0,
                          "destination": "NAMPO   @@@@"}, talker_id="AI", sentence_type="VDM")
    data = read_lines(tmp_path, lines)
    pos = data.positions.iloc[0]
    for col in ("lon", "lat", "sog_knots", "cog_deg", "heading_deg"):
        assert np.isnan(pos[col]), col
    sta = data.statics.iloc[0]
    assert (sta["name"], sta["callsign"], sta["destination"]) == ("SAM MA 2", "J130B", "NAMPO")
    assert pd.isna(sta["imo"]) and pd.isna(sta["ship_type"]) and np.isnan(sta["draught_m"])
    assert np.isnan(sta["length_m"]) and np.isnan(sta["beam_m"])


def test_type27_and_class_b(tmp_path):
    lines = [
        "!AIVDM,1,1,,A,K3KLehP0rPTJ10Qr,0*2A",  # gpsd ais-18-27.log
        "!AIVDM,1,1,,A,B3KLehP0B@LTN6`Vl;rrBE063P06,0*5A",
        "!AIVDM,1,1,,A,H3KLehdt00000000?6ekkjm000000,0*2C",  # type 24 part number 3
        "!AIVDM,1,1,,A,H39LOOQUQPD0000000000000000,4*6D",  # type 24 part A
    ]
    data = read_lines(tmp_path, lines)
    pos = data.positions
    assert pos["msg_type"].tolist() == [27, 18]
    assert pos["lon"].tolist() == pytest.approx([24.963333, 24.964715], abs=1e-6)
    assert pos["lat"].tolist() == pytest.approx([60.163333, 60.16373], abs=1e-6)
    assert pos["sog_knots"].tolist() == pytest.approx([1.0, 7.3])
    assert pd.isna(pos["nav_status"].iloc[1])
    assert data.report.decode_errors_by_reason == {"type24_invalid_part": 1}
    assert data.statics["name"].tolist() == ["YXXE"]


def test_type17_position_fixed():
    from vesseltrack.ais._decode import decode_payload

    values = decode_payload("A6WWW6gP00a3PDlEKLrarOwUr8Mg", 0)  # libais test_data.py
    assert values["lon"] == pytest.approx(-54.6133, abs=1e-4)
    assert values["lat"] == pytest.approx(35.0333, abs=1e-4)


def test_base_stations_are_not_positions(tmp_path):
    data = read_lines(tmp_path, ["!AIVDM,1,1,,A,403OviQuMGCqWrRO9>E6fE700@GO,0*4D", TYPE1])
    assert data.report.messages == 2
    assert data.positions["msg_type"].tolist() == [1]


def test_parquet_round_trip(tmp_path):
    from vesseltrack.io._write import write_table

    lines = [tag("s:a,c:1709812800") + TYPE1, TYPE5_1, TYPE5_2,
             tag("c:1709812900") + encode_dict({"msg_type": 1, "mmsi": 445000001, "lon": 181,
                                                "lat": 91}, talker_id="AI", sentence_type="VDM")[0]]
    data = read_lines(tmp_path, lines)
    write_table(data.positions, tmp_path / "p.parquet")
    write_table(data.statics, tmp_path / "s.parquet")
    back = read_ais([tmp_path / "p.parquet", tmp_path / "s.parquet"], progress=False)
    pd.testing.assert_frame_equal(back.positions, data.positions)
    pd.testing.assert_frame_equal(back.statics, data.statics)


# ---- properties ---------------------------------------------------------------------------

position_msgs = st.fixed_dictionaries({
    "msg_type": st.sampled_from([1, 2, 3]),
    "mmsi": st.integers(200_000_000, 799_999_999),
    "lon": st.floats(-180, 180).map(lambda v: round(v, 4)),
    "lat": st.floats(-90, 90).map(lambda v: round(v, 4)),
    "speed": st.integers(0, 1022).map(lambda v: v / 10),
    "course": st.integers(0, 3599).map(lambda v: v / 10),
    "heading": st.integers(0, 359),
    "status": st.integers(0, 14),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(msgs=st.lists(position_msgs, min_size=1, max_size=20))
def test_property_encode_decode_positions(tmp_path, msgs):
    lines = [encode_dict(m, talker_id="AI", sentence_type="VDM")[0] for m in msgs]
    data = read_lines(tmp_path, lines)
    pos = data.positions
    assert len(pos) == len(msgs)
    for (_, row), m in zip(pos.iterrows(), msgs, strict=True):
        assert row["mmsi"] == m["mmsi"] and row["msg_type"] == m["msg_type"]
        assert row["lon"] == pytest.approx(m["lon"], abs=1e-5)
        assert row["lat"] == pytest.approx(m["lat"], abs=1e-5)
        assert row["sog_knots"] == pytest.approx(m["speed"], abs=1e-6)
        assert row["cog_deg"] == pytest.approx(m["course"], abs=1e-6)
        assert row["heading_deg"] == m["heading"]
        assert row["nav_status"] == m["status"]


_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/", min_size=1, max_size=20).map(str.strip).filter(bool)

static_msgs = st.fixed_dictionaries({
    "msg_type": st.just(5),
    "mmsi": st.integers(200_000_000, 799_999_999),
    "imo": st.integers(1_000_000, 9_999_999),
    "shipname": _TEXT,
    "callsign": _TEXT.map(lambda s: s[:7]).map(str.strip).filter(bool),
    "destination": _TEXT,
    # pyais's encoder folds reserved ship types into its enum, so draw defined codes only
    "ship_type": st.sampled_from([v for v in range(20, 100) if v in ShipType._value2member_map_]),
    "draught": st.integers(1, 255).map(lambda v: v / 10),
    "to_bow": st.integers(1, 511),
    "to_stern": st.integers(1, 511),
    "to_port": st.integers(1, 63),
    "to_starboard": st.integers(1, 63),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(msgs=st.lists(static_msgs, min_size=1, max_size=8), seqs=st.lists(st.integers(0, 9), min_size=8, max_size=8))
def test_property_encode_decode_statics(tmp_path, msgs, seqs):
    lines = []
    for m, seq in zip(msgs, seqs, strict=False):
        lines += encode_dict(m, talker_id="AI", sentence_type="VDM", seq_id=seq)
    data = read_lines(tmp_path, lines)
    sta = data.statics
    assert len(sta) == len(msgs)
    for (_, row), m in zip(sta.iterrows(), msgs, strict=True):
        assert (row["mmsi"], row["imo"], row["ship_type"]) == (m["mmsi"], m["imo"], m["ship_type"])
        assert (row["name"], row["callsign"], row["destination"]) == (
            m["shipname"], m["callsign"], m["destination"])
        assert row["draught_m"] == pytest.approx(m["draught"])
        assert row["length_m"] == m["to_bow"] + m["to_stern"]
        assert row["beam_m"] == m["to_port"] + m["to_starboard"]


def _mixed_corpus() -> list[str]:
    rng = np.random.default_rng(7)
    lines = []
    for i in range(120):
        t = 1709812800 + 10 * i
        if i % 9 == 0:
            frags = encode_dict({"msg_type": 5, "mmsi": 445000000 + i, "shipname": f"SHIP {i}",
                                 "draught": 2.5 + (i % 30) / 10}, talker_id="AI", sentence_type="VDM", seq_id=i % 10)
            lines += [tag(f"s:r{i % 3},c:{t}") + f for f in frags]
        else:
            m = {"msg_type": 1, "mmsi": 445000000 + int(rng.integers(0, 20)),
                 "lon": 133.0 + float(rng.random()), "lat": 42.7 + float(rng.random()) / 10,
                 "speed": 5.0}
            lines.append(tag(f"c:{t}") + encode_dict(m, talker_id="AI", sentence_type="VDM")[0])
        if i % 17 == 0:
            lines.append("# comment")
        if i % 23 == 0:
            lines.append(TYPE1[:25])
    return lines


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.integers(min_value=1, max_value=4000))
def test_property_chunking_invariance(tmp_path, chunk):
    """Reading with any chunk size gives the same tables and report as reading whole."""
    lines = _mixed_corpus()
    whole = read_lines(tmp_path, lines)
    chunked = read_ais(tmp_path / "in.nmea", progress=False, chunk_bytes=chunk)
    pd.testing.assert_frame_equal(whole.positions, chunked.positions)
    pd.testing.assert_frame_equal(whole.statics, chunked.statics)
    assert whole.report.to_dict() == chunked.report.to_dict()
    assert whole.report.malformed == 6 and whole.report.messages == 120


def test_split_files_reassemble_across_boundary(tmp_path):
    (tmp_path / "a.nmea").write_text(TYPE1 + "\n" + TYPE5_1 + "\n")
    (tmp_path / "b.nmea").write_text(TYPE5_2 + "\n")
    data = read_ais([tmp_path / "a.nmea", tmp_path / "b.nmea"], progress=False)
    assert data.report.files == 2
    assert data.statics["name"].tolist() == ["EVER DIADEM"]


@pytest.mark.parametrize("fast", [True, False])
def test_short_payload_is_a_counted_decode_error(tmp_path, fast):
    lines = [sentence("AIVDM,1,1,,A,1,0"), sentence("AIVDM,1,1,,A,15RT,0"), TYPE1]
    data = read_lines(tmp_path, lines, fast=fast)
    # 6 and 24 bits: the MMSI (bits 8-37) is cut, so neither is a message (pyais would give
    # MMSI 22692 for the second)
    assert data.report.decode_errors_by_reason == {"too_short": 2}
    assert data.positions["mmsi"].tolist() == [371798000]


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_fragments_split_across_files_in_any_order(tmp_path, order):
    three = encode_dict({"msg_type": 5, "mmsi": 445000002, "shipname": "KUM UN SAN 3",
                         "destination": "RAJIN", "draught": 4.9}, talker_id="AI",
                         sentence_type="VDM", seq_id=4)
    (tmp_path / "a.nmea").write_text("\n".join([TYPE1, TYPE5_1]) + "\n")
    (tmp_path / "b.nmea").write_text("\n".join([TYPE5_2, TYPE1, three[0]]) + "\n")
    (tmp_path / "c.nmea").write_text(three[1] + "\n")
    files = {"a": tmp_path / "a.nmea", "b": tmp_path / "b.nmea"}
    paths = [files[k] for k in order] + [tmp_path / "c.nmea"]
    if order == "ba":
        paths = [tmp_path / "c.nmea", *paths]
    data = read_ais(paths, progress=False)
    assert data.report.orphan_fragments == 0
    assert sorted(data.statics["name"].tolist()) == ["EVER DIADEM", "KUM UN SAN 3"]
    assert data.report.messages == 4


def test_fragments_of_different_messages_across_files_are_orphans(tmp_path):
    other_part1 = sentence(TYPE5_1[1:TYPE5_1.index("*")].replace(",2,1,1,", ",2,1,7,"))
    (tmp_path / "a.nmea").write_text(TYPE5_2 + "\n")  # part 2 of sequence 1
    (tmp_path / "c.nmea").write_text(other_part1 + "\n" + TYPE1 + "\n")  # part 1 of sequence 7
    data = read_ais([tmp_path / "c.nmea", tmp_path / "a.nmea"], progress=False)
    assert data.report.orphan_fragments == 2
    assert data.report.messages == 1
    assert data.statics.empty


def test_leftovers_join_across_separate_reads(tmp_path):
    """Files read by separate processes (as the Dask engine does) hand over their boundary
    fragments; joined, they give what one read of all files gives."""
    from vesseltrack.io import DecodeReport
    from vesseltrack.io._read import join_leftovers

    (tmp_path / "a.nmea").write_text("\n".join([TYPE1, TYPE5_1]) + "\n")
    (tmp_path / "b.nmea").write_text("\n".join([TYPE5_2, TYPE1, TYPE5_1]) + "\n")  # last: orphan
    together = read_ais([tmp_path / "a.nmea", tmp_path / "b.nmea"], progress=False)
    parts, reports, statics = [], [], []
    for k, name in enumerate(["b.nmea", "a.nmea"]):  # any order, one read per file
        lo: list = []
        data = read_ais(tmp_path / name, progress=False, leftovers=lo, first_file_index=10 + k)
        parts += lo
        reports.append(data.report)
        statics.append(data.statics)
    joined = DecodeReport()
    _, late_statics = join_leftovers(parts, joined)
    assert late_statics["name"].tolist() == ["EVER DIADEM"]
    assert joined.orphan_fragments == together.report.orphan_fragments == 1
    assert sum(r.messages for r in reports) + joined.messages == together.report.messages == 3
    assert all(s.empty for s in statics)
