"""Per-line NMEA parsing for the framer: what each line is, and the fields of AIS sentences.

Two paths give the same columns:

* the **byte path** handles the common strict form, ``[\\tag block*hh\\]!AIVDM,c,n,s,ch,payload,f*hh``
  (one tag block with a checksum, nothing before or after), straight from the byte buffer of
  the chunk in one compiled pass (:func:`vesseltrack.ais._compiled.scan_strict`): grammar, field
  positions, both checksums, tag-block ``c:`` time and ``s:`` source;
* the **regex path** (pyarrow RE2 with captures) handles every other line: trailing fields,
  leading time columns, several tag blocks, group tags, other NMEA, ``$PGHP``, junk.

Nothing here keeps state between chunks: the framer (:mod:`vesseltrack.ais._nmea`) does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.lib.stride_tricks import as_strided

from vesseltrack.ais._compiled import copy_spans, scan_strict

# ---------------------------------------------------------------------------------------------
# Regular expressions (RE2 syntax, applied to whole columns by pyarrow)

_TALKER_CLASS = r"[\x22\x23\x25-\x29\x2b\x2d-\x5b\x5d\x5f-\x7d]"
"""A talker character: printable ASCII but the NMEA reserved ``! $ * , \\ ^ ~`` (and space).
Real feeds use letters, digits, ``--`` and even ``=I`` (a satellite provider's ``!=IVDM``);
the checksum, not the talker, tells a sentence from noise."""
_AIS_RE = (
    r"^(?P<pre>[^\\!$#]*)"
    r"(?P<tags>(?:\\[^\\]*\\)*)"
    r"!(?P<body>(?P<addr>" + _TALKER_CLASS + r"{2}VD[MO]),(?P<count>[1-9]),(?P<num>[1-9]),(?P<seq>[0-9]?),"
    r"(?P<chan>[A-Za-z0-9]?),(?P<payload>[0-W`-w]*),(?P<fill>[0-5]))"
    r"\*(?P<cs>[0-9A-Fa-f]{2})(?P<trail>[^!]*)$"
)
_AIS_LOOSE_RE = r"!" + _TALKER_CLASS + r"{2}VD[MO]"
_OTHER_NMEA_RE = (
    r"^(?:\\[^\\]*\\)*[$!](?P<obody>[A-Za-z0-9]{3,6},[^*]*)\*(?P<ocs>[0-9A-Fa-f]{2})"
    r"(?:[,; \t][^!$\\]*)?$"
)
"""Another NMEA sentence, perhaps with fields after its checksum as receivers append them
(``$PGHP,...*hh,1700000000``: a receiver time)."""
_TAG_ONLY_RE = r"^(?:\\[^\\]*\\)+[ \t]*$"
_FIRST_TAG_RE = r"^\\(?P<tbody>[^\\*]*)\*(?P<tcs>[0-9A-Fa-f]{2})\\"
_TAG_TIME_RE = r"(?:^|[\\,])c:(?P<c>[0-9]{9,13})"
_TAG_SOURCE_RE = r"(?:^|[\\,])s:(?P<s>[^,*\\]*)"
_TAG_GROUP_RE = r"(?:^|[\\,])(?:g:(?P<gn>[0-9]+)-(?P<gc>[0-9]+)-(?P<gid>[0-9]+)|(?P<gn4>[0-9]+)G(?P<gc4>[0-9]+):(?P<gid4>[0-9]+))"
_TRAIL_TIME_RE = r",(?P<t>[0-9]{10}|[0-9]{13})(?:\.[0-9]*)?(?:,|[ \t]*$)"
_TRAIL_SOURCE_RE = r",r(?P<r>[A-Za-z0-9_.-]+)"
_PGHP_RE = (
    r"^\$PGHP,1,(?P<y>[0-9]{4}),(?P<mo>[0-9]{1,2}),(?P<d>[0-9]{1,2}),(?P<h>[0-9]{1,2}),"
    r"(?P<mi>[0-9]{1,2}),(?P<s>[0-9]{1,2}),(?P<ms>[0-9]{1,3}),(?P<cc>[^,]*),(?P<reg>[^,]*),"
    r"(?P<src>[^,]*),"
)

NAT = np.iinfo(np.int64).min
"""Missing time, as int64 nanoseconds."""

_HEX = np.full(256, -1, dtype=np.int16)
for _i, _c in enumerate(b"0123456789ABCDEF"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    _HEX[_c] = 10 + _i
_COMMA, _COLON, _BACKSLASH, _BANG = 44, 58, 92, 33

# Line classes (``LineTable.cls``).
BLANK, COMMENT, AIS_OK, AIS_BAD_CS, BAD_FRAG, OTHER_OK, OTHER_BAD_CS, TAG_ONLY, MALFORMED = range(9)


class SourceTable:
    """Receiver/station names of one chunk as small integer codes (-1: none)."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._codes: dict[str, int] = {}

    def code(self, value: str | None) -> int:
        if value is None:
            return -1
        code = self._codes.get(value)
        if code is None:
            code = len(self.values)
            self._codes[value] = code
            self.values.append(value)
        return code

    def codes(self, values: np.ndarray) -> np.ndarray:
        """Codes of an object array of str/None (one dictionary lookup per distinct value).

        The values are taken as they are: not through NumPy's fixed-width strings, which drop
        trailing NUL characters (the byte path keeps every byte of a source).
        """
        out = np.full(len(values), -1, dtype=np.int32)
        present = pd.notna(values)
        if present.any():
            inverse, uniq = pd.factorize(values[present])
            out[present] = np.asarray([self.code(str(v)) for v in uniq], dtype=np.int32)[inverse]
        return out

    def value(self, code: int) -> str | None:
        return None if code < 0 else self.values[code]


@dataclass
class LineTable:
    """Columns over the lines of one chunk (every array has one entry per line).

    ``pay_start``/``pay_len`` point into ``data``; ``src`` is the line's own source (tag block
    ``s:`` or trailing ``r`` field), ``carrier_*`` the time and source a ``$PGHP`` line or a
    lone tag block gives the next sentence. ``gid`` maps line index → group id for the few
    sentences with a group tag.
    """

    data: np.ndarray
    cls: np.ndarray
    count: np.ndarray
    num: np.ndarray
    seq: np.ndarray
    chan: np.ndarray
    addr: np.ndarray
    pay_start: np.ndarray
    pay_len: np.ndarray
    fill: np.ndarray
    time_ns: np.ndarray
    src: np.ndarray
    carrier_time: np.ndarray
    carrier_src: np.ndarray
    carrier: np.ndarray
    gid: dict[int, str]
    bad_tag_checksum: int


def binary_parts(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data) of a string array as NumPy views (large_binary layout)."""
    arr = pc.cast(strings, pa.large_binary())
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return offsets, data


def xor_spans(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """XOR of ``data[starts[i]:ends[i]]`` for each i (the NMEA checksum); -1 for empty spans.

    One ``reduceat`` pass over the buffer; spans in ascending order keep it a single pass.
    """
    n = len(starts)
    out = np.full(n, -1, dtype=np.int16)
    valid = ends > starts
    count = int(np.count_nonzero(valid))
    if count:
        if count < n:
            starts, ends = starts[valid], ends[valid]
        # reduceat over [start, end) pairs: every odd slot is a segment we discard.
        idx = np.empty(2 * count, dtype=np.int64)
        idx[0::2] = starts
        idx[1::2] = ends
        padded = data if ends.max() < len(data) else np.append(data, np.uint8(0))
        result = np.bitwise_xor.reduceat(padded, idx)[0::2]
        if count < n:
            out[valid] = result
        else:
            out[:] = result
    return out


def _xor_reduce(strings: pa.Array) -> np.ndarray:
    """XOR of the bytes of each string, vectorised; -1 for null/empty."""
    if len(strings) == 0:
        return np.zeros(0, dtype=np.int16)
    offsets, data = binary_parts(strings)
    out = xor_spans(data, offsets[:-1], offsets[1:])
    if strings.null_count:
        out[~np.asarray(strings.is_valid())] = -1
    return out


def _hex_pair(strings: pa.Array) -> np.ndarray:
    """Parse two-character hex strings to ints, vectorised; -1 where null or invalid."""
    n = len(strings)
    out = np.full(n, -1, dtype=np.int16)
    if n == 0:
        return out
    offsets, data = binary_parts(strings)
    ok = np.diff(offsets) == 2
    if strings.null_count:
        ok &= np.asarray(strings.is_valid())
    start = offsets[:-1][ok]
    hi = _HEX[data[start]]
    lo = _HEX[data[start + 1]]
    out[ok] = np.where((hi >= 0) & (lo >= 0), hi * 16 + lo, -1)
    return out


def _to_int(strings: pa.Array) -> np.ndarray:
    """Digits → int64 (0 where null)."""
    return np.asarray(pc.fill_null(pc.cast(pc.fill_null(strings, "0"), pa.int64()), 0))


def unix_to_ns(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Unix seconds or milliseconds (13 digits) → ns since epoch; NAT where absent."""
    out = np.full(len(values), NAT, dtype=np.int64)
    ms = present & (values >= 100_000_000_000)
    s = present & ~ms
    out[s] = values[s] * 1_000_000_000
    out[ms] = values[ms] * 1_000_000
    return out


def _window(data: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """``data[starts[i] : starts[i] + width]`` as rows of a matrix (zeros past the end)."""
    if len(data) < width + 1:
        data = np.concatenate((data, np.zeros(width + 1, dtype=np.uint8)))
    limit = len(data) - width
    late = starts > limit
    if late.any():
        data = np.concatenate((data, np.zeros(width, dtype=np.uint8)))
    view = as_strided(data, shape=(len(data) - width + 1, width),
                      strides=(data.strides[0], data.strides[0]), writeable=False)
    return view[starts]


def _pack(matrix: np.ndarray) -> np.ndarray:
    """Rows of up to 7 bytes → one int64 each (big-endian), as a key."""
    out = np.zeros(len(matrix), dtype=np.int64)
    for k in range(matrix.shape[1]):
        out = (out << 8) | matrix[:, k]
    return out


def pack_text(values: list[str]) -> np.ndarray:
    """Short ASCII strings (``addr``) → the int64 keys :func:`_pack` gives their bytes."""
    return np.asarray([int.from_bytes(v.encode("ascii", "replace"), "big") for v in values],
                      dtype=np.int64)


def unpack_text(code: int, width: int) -> str:
    """Inverse of :func:`pack_text` for one key of ``width`` bytes."""
    return int(code).to_bytes(width, "big").decode("ascii")


# ---------------------------------------------------------------------------------------------
# the byte path (the scan itself: vesseltrack.ais._compiled)


def _run_codes(data: np.ndarray, run: np.ndarray, run_start: np.ndarray, run_len: np.ndarray,
               sources: SourceTable) -> np.ndarray:
    """Source codes of lines from their run index (-1: none) and the runs' byte spans."""
    if len(run_start) == 0:
        return np.full(len(run), -1, dtype=np.int32)
    codes = np.append(_span_codes(data, run_start, run_len, sources), np.int32(-1))
    return codes[run]  # run -1 picks the appended -1


def _span_codes(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                sources: SourceTable) -> np.ndarray:
    """Source codes of byte spans, one hash lookup per distinct value (Arrow dictionary)."""
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    text = pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(offsets),
                                            pa.py_buffer(copy_spans(data, starts, lengths)))
    enc = pc.dictionary_encode(text)
    mapping = np.asarray([sources.code(v) for v in enc.dictionary.to_pylist()], dtype=np.int32)
    return mapping[np.asarray(enc.indices)]


# ---------------------------------------------------------------------------------------------
# the regex path


def _regex_fields(sub: pa.Array, line_start: np.ndarray, non_ascii: np.ndarray | None,
                  sources: SourceTable) -> dict:
    """Every field of arbitrary lines by regular expressions (the lines the byte path leaves)."""
    n = len(sub)
    stripped = pc.utf8_trim_whitespace(sub)
    blank = np.asarray(pc.equal(pc.utf8_length(stripped), 0))
    comment = np.asarray(pc.starts_with(stripped, "#"))
    ais = pc.extract_regex(stripped, _AIS_RE)
    is_ais = np.asarray(ais.is_valid())
    if non_ascii is not None:
        is_ais &= ~non_ascii

    rest = ~(blank | comment | is_ais)
    is_other = np.zeros(n, dtype=bool)
    other_ok = np.zeros(n, dtype=bool)
    tag_only = np.zeros(n, dtype=bool)
    rest_idx = np.flatnonzero(rest)
    if len(rest_idx):
        rsub = stripped.take(pa.array(rest_idx))
        other = pc.extract_regex(rsub, _OTHER_NMEA_RE)
        # A line that looks like a VDM/VDO but fails the strict grammar is malformed, even
        # if it would pass as "another NMEA sentence".
        o_valid = np.asarray(other.is_valid()) & ~np.asarray(
            pc.match_substring_regex(rsub, _AIS_LOOSE_RE))
        o_ok = o_valid & (_xor_reduce(pc.struct_field(other, "obody"))
                          == _hex_pair(pc.struct_field(other, "ocs")))
        t_only = np.asarray(pc.match_substring_regex(rsub, _TAG_ONLY_RE))
        if non_ascii is not None:
            clean = ~non_ascii[rest_idx]
            o_valid &= clean
            o_ok &= clean
            t_only &= clean
        is_other[rest_idx] = o_valid
        other_ok[rest_idx] = o_ok
        tag_only[rest_idx] = t_only
    malformed = rest & ~is_other & ~tag_only

    ais_ok = is_ais.copy()
    if is_ais.any():
        ais_ok = is_ais & (_xor_reduce(pc.struct_field(ais, "body"))
                           == _hex_pair(pc.struct_field(ais, "cs")))
    count = _to_int(pc.struct_field(ais, "count")).astype(np.int8)
    num = _to_int(pc.struct_field(ais, "num")).astype(np.int8)
    bad_frag = ais_ok & (num > count)
    ais_ok &= ~bad_frag

    cls = np.full(n, MALFORMED, dtype=np.int8)
    cls[blank] = BLANK
    cls[comment] = COMMENT
    cls[is_ais & ~ais_ok & ~bad_frag] = AIS_BAD_CS
    cls[bad_frag] = BAD_FRAG
    cls[ais_ok] = AIS_OK
    cls[is_other & ~other_ok] = OTHER_BAD_CS
    cls[other_ok] = OTHER_OK
    cls[tag_only] = TAG_ONLY
    cls[malformed] = MALFORMED

    # fields of AIS sentences, and where the payload lies in the chunk's bytes
    seq = np.full(n, -1, dtype=np.int8)
    chan = np.zeros(n, dtype=np.uint8)
    addr = np.zeros(n, dtype=np.int64)
    pay_start = np.zeros(n, dtype=np.int64)
    pay_len = np.zeros(n, dtype=np.int64)
    fill = np.zeros(n, dtype=np.int8)
    gid: dict[int, str] = {}
    ok_idx = np.flatnonzero(ais_ok)
    if len(ok_idx):
        ok = ais.filter(pa.array(ais_ok))
        seq_s = pc.struct_field(ok, "seq")
        has_seq = np.asarray(pc.greater(pc.binary_length(seq_s), 0))
        seq[ok_idx[has_seq]] = _to_int(seq_s.filter(pa.array(has_seq))).astype(np.int8)
        chan_off, chan_data = binary_parts(pc.struct_field(ok, "chan"))
        has_chan = np.diff(chan_off) > 0
        chan[ok_idx[has_chan]] = chan_data[chan_off[:-1][has_chan]]
        a_off, a_data = binary_parts(pc.struct_field(ok, "addr"))
        addr[ok_idx] = _pack(_window(a_data, a_off[:-1], 5))
        fill[ok_idx] = _to_int(pc.struct_field(ok, "fill")).astype(np.int8)
        # stripped end in the chunk = line start + leading blanks + stripped length
        full_len = np.asarray(pc.binary_length(sub.filter(pa.array(ais_ok))), dtype=np.int64)
        lead = full_len - np.asarray(
            pc.binary_length(pc.utf8_ltrim_whitespace(sub.filter(pa.array(ais_ok)))), dtype=np.int64)
        s_len = np.asarray(pc.binary_length(stripped.filter(pa.array(ais_ok))), dtype=np.int64)
        t_len = np.asarray(pc.binary_length(pc.struct_field(ok, "trail")), dtype=np.int64)
        p_len = np.asarray(pc.binary_length(pc.struct_field(ok, "payload")), dtype=np.int64)
        end = line_start[ok_idx] + lead + s_len - t_len - 5
        pay_start[ok_idx] = end - p_len
        pay_len[ok_idx] = p_len
        tags = pc.struct_field(ok, "tags")
        grouped = np.asarray(pc.match_substring_regex(tags, _TAG_GROUP_RE))
        if grouped.any():
            grp = pc.extract_regex(tags.filter(pa.array(grouped)), _TAG_GROUP_RE)
            g1 = pc.if_else(pc.equal(pc.struct_field(grp, "gid"), ""), None,
                            pc.struct_field(grp, "gid"))
            g2 = pc.if_else(pc.equal(pc.struct_field(grp, "gid4"), ""), None,
                            pc.struct_field(grp, "gid4"))
            for i, value in zip(ok_idx[grouped].tolist(), pc.coalesce(g1, g2).to_pylist(),
                                strict=True):
                if value is not None:
                    gid[i] = value

    time_ns, src, bad_tags = _regex_times(stripped, ais, ais_ok, tag_only, sources)

    # $PGHP lines and lone tag blocks carry the time (and source) of the next sentence
    carrier_time = np.full(n, NAT, dtype=np.int64)
    carrier_src = np.full(n, -1, dtype=np.int32)
    carrier_time[tag_only] = time_ns[tag_only]
    carrier_src[tag_only] = src[tag_only]
    time_ns[tag_only] = NAT
    src[tag_only] = -1
    is_pghp = np.zeros(n, dtype=bool)
    o_idx = np.flatnonzero(other_ok)
    if len(o_idx):
        pghp = pc.extract_regex(stripped.take(pa.array(o_idx)), _PGHP_RE)
        valid = np.asarray(pghp.is_valid())
        sel = o_idx[valid]
        is_pghp[sel] = True
        if len(sel):
            pghp = pghp.filter(pa.array(valid))
            parts = {k: _to_int(pc.struct_field(pghp, k))
                     for k in ("y", "mo", "d", "h", "mi", "s", "ms")}
            frame = pd.DataFrame({
                "year": parts["y"], "month": parts["mo"], "day": parts["d"],
                "hour": parts["h"], "minute": parts["mi"], "second": parts["s"],
                "millisecond": parts["ms"]})
            ts = pd.to_datetime(frame, errors="coerce", utc=True)
            carrier_time[sel] = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64)
            station = np.asarray(pc.struct_field(pghp, "src").to_pylist(), dtype=object)
            station[station == ""] = None  # the station; country/region is not one
            carrier_src[sel] = sources.codes(station)
    return {"cls": cls, "count": count, "num": num, "seq": seq, "chan": chan, "addr": addr,
            "pay_start": pay_start, "pay_len": pay_len, "fill": fill, "time_ns": time_ns,
            "src": src, "carrier_time": carrier_time, "carrier_src": carrier_src,
            "carrier": tag_only | is_pghp, "gid": gid, "bad_tags": bad_tags}


def _regex_times(stripped: pa.Array, ais: pa.StructArray, ais_ok: np.ndarray,
                 tag_only: np.ndarray, sources: SourceTable) -> tuple[np.ndarray, np.ndarray, int]:
    """Own time and source of each line: tag block, trailing fields, leading column."""
    n = len(stripped)
    time_ns = np.full(n, NAT, dtype=np.int64)
    source: np.ndarray = np.full(n, None, dtype=object)
    bad_tags = 0
    has_tags = ais_ok | tag_only
    if has_tags.any():
        tags = pc.if_else(pa.array(tag_only), stripped, pc.struct_field(ais, "tags"))
        tlen = np.asarray(pc.fill_null(pc.utf8_length(tags), 0))
        with_tags = has_tags & (tlen > 0)
        if with_tags.any():
            first = pc.extract_regex(tags, _FIRST_TAG_RE)
            tb_present = np.asarray(first.is_valid()) & with_tags
            tb_ok = _xor_reduce(pc.struct_field(first, "tbody")) == _hex_pair(
                pc.struct_field(first, "tcs"))
            bad_tags = int((tb_present & ~tb_ok).sum())
            c = pc.struct_field(pc.extract_regex(tags, _TAG_TIME_RE), "c")
            c_present = np.asarray(c.is_valid()) & with_tags
            time_ns = np.where(c_present, unix_to_ns(_to_int(c), c_present), time_ns)
            s = pc.struct_field(pc.extract_regex(tags, _TAG_SOURCE_RE), "s")
            s_list = np.asarray(s.to_pylist(), dtype=object)
            s_present = np.asarray(s.is_valid()) & with_tags & (s_list != "")
            source[s_present] = s_list[s_present]

    if ais_ok.any():
        trail = pc.struct_field(ais, "trail")
        tt = pc.struct_field(pc.extract_regex(trail, _TRAIL_TIME_RE), "t")
        tt_present = np.asarray(tt.is_valid()) & ais_ok & (time_ns == NAT)
        if tt_present.any():
            time_ns = np.where(tt_present, unix_to_ns(_to_int(tt), tt_present), time_ns)
        rr = pc.struct_field(pc.extract_regex(trail, _TRAIL_SOURCE_RE), "r")
        rr_present = np.asarray(rr.is_valid()) & ais_ok & pd.isna(source)
        if rr_present.any():
            source[rr_present] = np.asarray(rr.to_pylist(), dtype=object)[rr_present]
        pre = pc.utf8_rtrim(pc.struct_field(ais, "pre"), characters=",; \t")
        plen = np.asarray(pc.fill_null(pc.utf8_length(pre), 0))
        lead = ais_ok & (plen > 0) & (time_ns == NAT)
        if lead.any():
            time_ns = np.where(lead, _parse_leading_times(pre, lead), time_ns)
    return time_ns, sources.codes(source), bad_tags


def _parse_leading_times(pre: pa.Array, lead: np.ndarray) -> np.ndarray:
    """Leading time column → ns (Unix seconds/milliseconds or ISO-8601); NAT otherwise."""
    out = np.full(len(pre), NAT, dtype=np.int64)
    values = np.asarray(pre.to_pylist(), dtype=object)[lead]
    s = pd.Series(values, dtype="string")
    numeric = s.str.fullmatch(r"[0-9]{10}(?:\.[0-9]+)?|[0-9]{13}").fillna(False).to_numpy(bool)
    res = np.full(len(values), NAT, dtype=np.int64)
    if numeric.any():
        # integer arithmetic: float seconds would lose nanoseconds at today's epochs
        parts = s[numeric].str.split(".", n=1, expand=True).reindex(columns=[0, 1])
        whole = parts[0].astype("int64").to_numpy()
        frac = parts[1].astype("string").fillna("").str.ljust(9, "0").str.slice(0, 9)
        frac_ns = pd.to_numeric(frac.replace("", "0")).to_numpy(dtype=np.int64)
        ms = whole >= 100_000_000_000
        res[numeric] = np.where(ms, whole * 1_000_000, whole * 1_000_000_000 + frac_ns)
    iso = ~numeric
    if iso.any():
        ts = pd.to_datetime(s[iso], errors="coerce", utc=True, format="ISO8601")
        res[iso] = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    out[lead] = res
    return out


# ---------------------------------------------------------------------------------------------


def parse_lines(lines: pa.Array, non_ascii: np.ndarray | None, sources: SourceTable,
                byte_path: bool = True) -> LineTable:
    """Classify every line of a chunk and cut out the fields of its AIS sentences.

    Parameters
    ----------
    lines : pyarrow.LargeStringArray
        The chunk's lines (terminators may be included; whitespace around a line is ignored).
    non_ascii : ndarray of bool, optional
        Lines that held bytes outside ASCII: never valid sentences.
    sources : SourceTable
        Receives the chunk's source names.
    byte_path : bool
        Use the byte path for strict lines (False: the regex path for every line; the two
        give identical tables, which the tests check).
    """
    n = len(lines)
    offsets, data = binary_parts(lines)
    starts = offsets[:-1]
    cols: dict[str, np.ndarray] | None = None
    gid: dict[int, str] = {}
    bad_tags = 0
    slow = np.ones(n, dtype=bool)
    if byte_path and n:
        f = scan_strict(data, starts, offsets[1:], non_ascii)
        accept = f.pop("accept")
        idx = np.flatnonzero(accept)
        if len(idx):
            if len(idx) < n:
                f = {name: column[accept] for name, column in f.items()
                     if name not in ("run_start", "run_len")} | {
                    "run_start": f["run_start"], "run_len": f["run_len"]}
            slow[idx] = False
            ok = f["cs_ok"]
            bad_frag = ok & (f["num"] > f["count"])
            ok &= ~bad_frag
            f["cls"] = np.where(ok, AIS_OK, np.where(bad_frag, BAD_FRAG, AIS_BAD_CS)).astype(np.int8)
            bad_tags += int(np.count_nonzero(f["tag_bad"] & ok))
            f["src"] = _run_codes(data, f["src_run"], f["run_start"], f["run_len"], sources)
            if len(idx) == n:  # every line strict: the columns as they are
                cols = {name: f[name] for name in _LINE_COLUMNS if name in f}
            else:
                cols = _empty_columns(n)
                for name in _LINE_COLUMNS:
                    if name in f:
                        cols[name][idx] = f[name]
    slow_idx = np.flatnonzero(slow)
    if len(slow_idx):
        cols = _empty_columns(n) if cols is None else cols
        cols.setdefault("carrier_time", np.full(n, NAT, dtype=np.int64))
        cols.setdefault("carrier_src", np.full(n, -1, dtype=np.int32))
        sub = lines if len(slow_idx) == n else lines.take(pa.array(slow_idx))
        r = _regex_fields(sub, starts[slow_idx],
                          None if non_ascii is None else non_ascii[slow_idx], sources)
        for name in _LINE_COLUMNS:
            cols[name][slow_idx] = r[name]
        gid = {int(slow_idx[i]): g for i, g in r["gid"].items()}
        bad_tags += r["bad_tags"]
    if cols is None:
        cols = _empty_columns(n)
    if "carrier_time" not in cols:  # no regex line: no carrier, never read
        cols["carrier_time"] = np.zeros(n, dtype=np.int64)
        cols["carrier_src"] = np.zeros(n, dtype=np.int32)
        cols["carrier"] = np.zeros(n, dtype=bool)
    return LineTable(data, gid=gid, bad_tag_checksum=bad_tags, **cols)


_LINE_COLUMNS = ("cls", "count", "num", "seq", "chan", "addr", "pay_start", "pay_len", "fill",
                 "time_ns", "src", "carrier_time", "carrier_src", "carrier")


def _empty_columns(n: int) -> dict[str, np.ndarray]:
    """Line columns for ``n`` lines, as for malformed lines (carriers: see parse_lines)."""
    return {"cls": np.full(n, MALFORMED, dtype=np.int8), "count": np.zeros(n, dtype=np.int8),
            "num": np.zeros(n, dtype=np.int8), "seq": np.full(n, -1, dtype=np.int8),
            "chan": np.zeros(n, dtype=np.uint8), "addr": np.zeros(n, dtype=np.int64),
            "pay_start": np.zeros(n, dtype=np.int64), "pay_len": np.zeros(n, dtype=np.int64),
            "fill": np.zeros(n, dtype=np.int8), "time_ns": np.full(n, NAT, dtype=np.int64),
            "src": np.full(n, -1, dtype=np.int32), "carrier": np.zeros(n, dtype=bool)}
