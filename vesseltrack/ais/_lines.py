"""Per-line NMEA parsing for the framer: what each line is, and the fields of AIS sentences.

Two paths give the same columns:

* the **byte path** handles the common strict form, ``[\\tag block*hh\\]!AIVDM,c,n,s,ch,payload,f*hh``
  (one tag block with a checksum, nothing before or after), straight from the byte buffer of
  the chunk: one RE2 match without captures to validate the grammar, then field positions by
  arithmetic, checksums by XOR ``reduceat``, and tag-block ``c:``/``s:`` fields from a small
  matrix of the tag-block bytes;
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

# ---------------------------------------------------------------------------------------------
# Regular expressions (RE2 syntax, applied to whole columns by pyarrow)

_STRICT_RE = (
    r"^(?:\\[^\\*]*\*[0-9A-Fa-f]{2}\\)?![A-Za-z0-9-]{2}VD[MO],[1-9],[1-9],[0-9]?,[A-Za-z0-9]?,"
    r"[0-W`-w]*,[0-5]\*[0-9A-Fa-f]{2}\s*$"
)
_AIS_RE = (
    r"^(?P<pre>[^\\!$#]*)"
    r"(?P<tags>(?:\\[^\\]*\\)*)"
    r"!(?P<body>(?P<addr>[A-Za-z0-9-]{2}VD[MO]),(?P<count>[1-9]),(?P<num>[1-9]),(?P<seq>[0-9]?),"
    r"(?P<chan>[A-Za-z0-9]?),(?P<payload>[0-W`-w]*),(?P<fill>[0-5]))"
    r"\*(?P<cs>[0-9A-Fa-f]{2})(?P<trail>[^!]*)$"
)
_AIS_LOOSE_RE = r"![A-Za-z0-9-]{2}VD[MO]"
_OTHER_NMEA_RE = (
    r"^(?:\\[^\\]*\\)*[$!](?P<obody>[A-Za-z0-9]{3,6},[^*]*)\*(?P<ocs>[0-9A-Fa-f]{2})[ \t]*$"
)
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
_RE2_SPACE = np.zeros(256, dtype=bool)  # RE2's \s
_RE2_SPACE[list(b" \t\n\f\r")] = True
_MAX_TAG_BODY = 160
"""Tag blocks longer than this take the regex path (keeps the byte matrix small)."""
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
        """Codes of an object array of str/None (one dictionary lookup per distinct value)."""
        out = np.full(len(values), -1, dtype=np.int32)
        present = pd.notna(values)
        if present.any():
            uniq, inverse = np.unique(values[present].astype(str), return_inverse=True)
            out[present] = np.asarray([self.code(v) for v in uniq], dtype=np.int32)[inverse]
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
# the byte path


def _strict_fields(data: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                   sources: SourceTable) -> dict[str, np.ndarray]:
    """Fields of lines known to match ``_STRICT_RE``; ``reject`` marks those to re-do by regex.

    ``starts``/``ends`` bound each line in ``data`` (terminator included).
    """
    m = len(starts)
    # trailing \s*: the LF first (almost always the only one), then anything else
    e = ends - (data[ends - 1] == 10)
    while True:
        trim = _RE2_SPACE[data[e - 1]]
        if not trim.any():
            break
        e[trim] -= 1
    has_tag = data[starts] == _BACKSLASH
    bang = starts.copy()
    tagged = np.flatnonzero(has_tag)
    if len(tagged):
        bang[tagged] = _bang_after_tag(data, starts[tagged], e[tagged])

    head = _window(data, bang, 14)
    count = head[:, 7].astype(np.int8) - 48
    num = head[:, 9].astype(np.int8) - 48
    seq_empty = head[:, 11] == _COMMA
    chan_col = np.where(seq_empty, 12, 13)
    chan_byte = head[np.arange(m), chan_col]
    chan_empty = chan_byte == _COMMA
    pay_start = bang + chan_col + np.where(chan_empty, 1, 2)
    # the key of a fragment (talker/type, sequence id, channel) matters only for fragments
    addr = np.zeros(m, dtype=np.int64)
    seq = np.full(m, -1, dtype=np.int8)
    chan = np.zeros(m, dtype=np.uint8)
    frag = np.flatnonzero(count > 1)
    if len(frag):
        addr[frag] = _pack(head[frag, 1:6])
        seq[frag] = np.where(seq_empty[frag], -1, head[frag, 11].astype(np.int8) - 48)
        chan[frag] = np.where(chan_empty[frag], 0, chan_byte[frag])
    pay_end = e - 5
    fill = (data[e - 4].astype(np.int8) - 48)
    cs = _HEX[data[e - 2]] * 16 + _HEX[data[e - 1]]
    # checksums of the sentences and of their tag blocks, in one pass in stream order
    slot = np.arange(m) + np.cumsum(has_tag)
    span_start = np.empty(m + len(tagged), dtype=np.int64)
    span_end = np.empty_like(span_start)
    span_start[slot] = bang + 1
    span_end[slot] = e - 3
    span_start[slot[tagged] - 1] = starts[tagged] + 1
    span_end[slot[tagged] - 1] = bang[tagged] - 4
    xor = xor_spans(data, span_start, span_end)
    cs_ok = xor[slot] == cs

    time_ns = np.full(m, NAT, dtype=np.int64)
    src = np.full(m, -1, dtype=np.int32)
    tag_bad = np.zeros(m, dtype=bool)
    reject = np.zeros(m, dtype=bool)
    if len(tagged):
        t_time, t_src, t_bad, t_reject = _tag_fields(data, starts[tagged] + 1, bang[tagged] - 4,
                                                     sources, xor[slot[tagged] - 1])
        time_ns[tagged] = t_time
        src[tagged] = t_src
        tag_bad[tagged] = t_bad
        reject[tagged] = t_reject
    return {"count": count, "num": num, "seq": seq, "chan": chan, "addr": addr,
            "pay_start": pay_start, "pay_len": pay_end - pay_start, "fill": fill,
            "cs_ok": cs_ok, "time_ns": time_ns, "src": src, "tag_bad": tag_bad,
            "reject": reject}


def _bang_after_tag(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Position of the ``!`` after the one tag block of strict lines.

    Such a line holds exactly two backslashes, so a backslash right before a ``!`` at a
    guessed offset settles it; tag blocks of one feed mostly share a length, so a few guesses
    usually cover a chunk, and a search over the backslashes does the rest.
    """
    out = np.full(len(starts), -1, dtype=np.int64)
    todo = np.arange(len(starts))
    for _ in range(4):
        if len(todo) == 0:
            return out
        s = starts[todo]
        first = int(todo[0])
        guess = _first_backslash(data, int(starts[first]) + 1, int(ends[first])) + 1 - int(starts[first])
        pos = s + guess
        ok = (pos < ends[todo]) & (data[np.minimum(pos, len(data) - 1)] == _BANG) & (
            data[pos - 1] == _BACKSLASH)
        out[todo[ok]] = pos[ok]
        todo = todo[~ok]
    if len(todo):
        lo, hi = int(starts[todo].min()), int(ends[todo].max())
        slashes = lo + np.flatnonzero(data[lo:hi] == _BACKSLASH)
        closing = slashes[np.searchsorted(slashes, starts[todo], side="right")]
        out[todo] = closing + 1
    return out


def _first_backslash(data: np.ndarray, lo: int, hi: int) -> int:
    found = np.flatnonzero(data[lo:hi] == _BACKSLASH)
    return lo + int(found[0])


def _tag_fields(data: np.ndarray, body_start: np.ndarray, body_end: np.ndarray,
                sources: SourceTable, body_xor: np.ndarray | None = None,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``c:`` time, ``s:`` source code, bad checksum and regex-needed flags of tag blocks.

    The body is ``[body_start, body_end)``, then ``*hh``; ``body_xor`` is its XOR if the
    caller has it. Lines whose tag block the regex
    path would read differently (a ``c:``/``s:`` not at a field start, a ``c:`` with fewer
    than 9 digits, group tags, very long blocks) are flagged to take that path.

    The tag blocks of one feed mostly differ only in the digits of ``c:``: lines equal to a
    template line outside those digits take the template's reading and only their digits
    are read; the others are read field by field.
    """
    m = len(body_start)
    length = body_end - body_start
    tcs = _HEX[data[body_end + 1]] * 16 + _HEX[data[body_end + 2]]
    if body_xor is None:
        body_xor = xor_spans(data, body_start, body_end)
    bad = body_xor != tcs
    time_ns = np.full(m, NAT, dtype=np.int64)
    src = np.full(m, -1, dtype=np.int32)
    reject = np.zeros(m, dtype=bool)
    todo = np.arange(m)
    for _ in range(4):
        if len(todo) == 0:
            break
        first = int(todo[0])
        template = data[body_start[first]:body_end[first]].tobytes()
        c_at, run = _template_time(template)
        if run == 0 or len(template) > _MAX_TAG_BODY:
            break
        cand = todo[length[todo] == len(template)]
        hit, value = _match_template(data, body_start[cand], template, c_at + 2, run)
        hit = cand[hit]
        time_ns[hit] = unix_to_ns(value, np.ones(len(hit), dtype=bool))
        t_src = _tag_fields_general(data, body_start[[first]], body_end[[first]], sources)[1]
        src[hit] = t_src[0]
        matched = np.zeros(m, dtype=bool)
        matched[hit] = True
        todo = todo[~matched[todo]]
    if len(todo):
        t_time, t_src, t_reject = _tag_fields_general(data, body_start[todo], body_end[todo],
                                                      sources)
        time_ns[todo] = t_time
        src[todo] = t_src
        reject[todo] = t_reject
    return time_ns, src, bad, reject


def _match_template(data: np.ndarray, starts: np.ndarray, template: bytes, digits_at: int,
                    run: int) -> tuple[np.ndarray, np.ndarray]:
    """Which spans equal ``template`` except for ``run`` digits at ``digits_at``, and the
    value of those digits.

    The spans are compared eight bytes at a time (as uint64 words, with the digits masked),
    and the digits read eight at a time (two overlapping words: 9 to 16 digits).
    """
    width = -(-len(template) // 8) * 8
    rows = _window(data, starts, width)
    words = rows.view(np.uint64)
    pattern = np.zeros(width, dtype=np.uint8)
    pattern[:len(template)] = np.frombuffer(template, dtype=np.uint8)
    mask = np.zeros(width, dtype=np.uint8)
    mask[:len(template)] = 0xFF
    mask[digits_at:digits_at + run] = 0
    pattern_words = pattern.view(np.uint64)
    mask_words = mask.view(np.uint64)
    match = np.ones(len(starts), dtype=bool)
    for w in range(width // 8):
        match &= ((words[:, w] ^ pattern_words[w]) & mask_words[w]) == 0
    first = _digit_word(rows, digits_at)
    last = _digit_word(rows, digits_at + run - 8)
    match &= _all_digits(first) & _all_digits(last)
    scale = 10 ** (run - 8)
    value = (_eight_digits(first).astype(np.int64) * scale
             + _eight_digits(last).astype(np.int64) % scale)
    return np.flatnonzero(match), value[match]


_U = np.uint64


def _digit_word(rows: np.ndarray, column: int) -> np.ndarray:
    """Bytes ``column .. column + 7`` of each row of a C-ordered byte matrix, as uint64."""
    return np.ndarray(shape=(rows.shape[0],), dtype="<u8", buffer=rows, offset=column,
                      strides=(rows.strides[0],))


def _all_digits(word: np.ndarray) -> np.ndarray:
    """Are all eight bytes ASCII digits? (high nibble 3, low nibble at most 9)"""
    high = _U(0xF0F0F0F0F0F0F0F0)
    threes = _U(0x3030303030303030)
    return ((word & high) == threes) & (((word + _U(0x0606060606060606)) & high) == threes)


def _eight_digits(word: np.ndarray) -> np.ndarray:
    """Value of eight ASCII digits held in a little-endian word (first digit lowest byte)."""
    x = word - _U(0x3030303030303030)
    x = (x * _U(10) + (x >> _U(8))) & _U(0x00FF00FF00FF00FF)
    x = (x * _U(100) + (x >> _U(16))) & _U(0x0000FFFF0000FFFF)
    return (x * _U(10000) + (x >> _U(32))) & _U(0xFFFFFFFF)


def _template_time(body: bytes) -> tuple[int, int]:
    """Where the ``c:`` digits of a tag block body lie: (position of ``c``, digits 9-13).

    ``run`` is 0 when the block is no template: no ``c:``, one the regex path would read
    differently, or group tags.
    """
    at = body.find(b"c:")
    if at < 0 or (at > 0 and body[at - 1] != _COMMA) or b"g:" in body or b"G" in body:
        return 0, 0
    s_at = body.find(b"s:")
    if s_at > 0 and body[s_at - 1] != _COMMA:
        return 0, 0
    run = 0
    while run < 13 and at + 2 + run < len(body) and 48 <= body[at + 2 + run] <= 57:
        run += 1
    return (at, run) if run >= 9 else (0, 0)


def _tag_fields_general(data: np.ndarray, body_start: np.ndarray, body_end: np.ndarray,
                        sources: SourceTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_tag_fields` field by field, over a byte matrix of the tag blocks."""
    m = len(body_start)
    length = body_end - body_start
    reject = length > _MAX_TAG_BODY
    width = int(min(length.max(initial=0), _MAX_TAG_BODY)) + 2
    body = _window(data, body_start, width)
    col = np.arange(width)
    inside = col[None, :] < length[:, None]
    body = np.where(inside, body, 0).astype(np.uint8)
    rows = np.arange(m)

    def field_at(letter: int) -> tuple[np.ndarray, np.ndarray]:
        hit = (body[:, :-1] == letter) & (body[:, 1:] == _COLON)
        first = hit.argmax(axis=1)
        found = hit[rows, first]
        at_field = (first == 0) | (body[rows, np.maximum(first - 1, 0)] == _COMMA)
        return found & at_field, first, found & ~at_field

    c_found, c_at, c_odd = field_at(ord("c"))
    s_found, s_at, s_odd = field_at(ord("s"))
    reject |= c_odd | s_odd
    # group tags (g:n-n-id, or NMEA 4 "nGn:id") are read by the regex path
    g = (body[:, :-1] == ord("g")) & (body[:, 1:] == _COLON)
    digit = (body >= 48) & (body <= 57)
    big_g = (body[:, 1:-1] == ord("G")) & digit[:, :-2] & digit[:, 2:]
    reject |= g.any(axis=1) | big_g.any(axis=1)

    # c: digits (9 to 13 taken; fewer: the regex would look for another c: field)
    time_ns = np.full(m, NAT, dtype=np.int64)
    if c_found.any():
        cols = np.minimum(c_at[:, None] + 2 + np.arange(13)[None, :], width - 1)
        digits = np.take_along_axis(body, cols, axis=1).astype(np.int64) - 48
        is_digit = (digits >= 0) & (digits <= 9) & (cols < length[:, None])
        run = np.cumprod(is_digit, axis=1).sum(axis=1)
        short = c_found & (run < 9)
        reject |= short
        good = c_found & ~short
        value = np.zeros(m, dtype=np.int64)
        for k in range(13):
            value = np.where(k < run, value * 10 + np.where(is_digit[:, k], digits[:, k], 0), value)
        time_ns = unix_to_ns(value, good)

    src = np.full(m, -1, dtype=np.int32)
    if s_found.any():
        start = s_at + 2
        stop = np.where((body == _COMMA) & (col[None, :] >= start[:, None]) & inside,
                        col[None, :], length[:, None]).min(axis=1)
        named = s_found & (stop > start)
        if named.any():
            src[named] = _span_codes(data, body_start[named] + start[named], stop[named] - start[named],
                                     sources)
    return time_ns, src, reject


def _span_codes(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                sources: SourceTable) -> np.ndarray:
    """Source codes of byte spans, one hash lookup per distinct value (Arrow dictionary)."""
    offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    gather = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
    text = pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(offsets),
                                            pa.py_buffer(np.ascontiguousarray(data[gather])))
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
        strict = np.asarray(pc.match_substring_regex(lines, _STRICT_RE))
        if non_ascii is not None:
            strict &= ~non_ascii
        idx = np.flatnonzero(strict)
        if len(idx):
            f = _strict_fields(data, starts[idx], offsets[idx + 1], sources)
            keep = ~f["reject"]
            if not keep.all():
                idx = idx[keep]
                f = {name: column[keep] for name, column in f.items()}
            slow[idx] = False
            ok = f["cs_ok"]
            bad_frag = ok & (f["num"] > f["count"])
            ok &= ~bad_frag
            f["cls"] = np.where(ok, AIS_OK, np.where(bad_frag, BAD_FRAG, AIS_BAD_CS)).astype(np.int8)
            bad_tags += int((f["tag_bad"] & ok).sum())
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
