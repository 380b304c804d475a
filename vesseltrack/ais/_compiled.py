"""The compiled kernels of the reader: the strict-line scan, the message merge, the triage
and decoding of the common reports.

Everything else in vesseltrack is NumPy, pandas and pyarrow column operations. These loops are
compiled with Numba because, measured, column operations cannot reach the reader's target
(four million sentences a second on one core) here: they need one pass over the bytes per
question asked.

* :func:`scan_strict`: almost every line of a real feed is
  ``[\\tag block*hh\\]!AIVDM,c,n,s,ch,payload,f*hh``. For those lines it checks the grammar,
  cuts out the fields, computes both checksums and reads the tag block's ``c:`` time and
  ``s:`` source (the NumPy version: an RE2 match plus about seventy column operations, 0.33 s
  per million lines; this: 0.07 s on the machine of 2026-12-07, where reading a byte at a
  time took 0.11 s). The line is read eight bytes at a time, as 64-bit words at any
  alignment: the tag block's body in one pass that stops only at the bytes that need a look
  (a field is read when a comma or the star closes it), the payload's armour check, both
  checksums and the comparison of a source with the previous line's. The sentence is cut
  from both ends (its last bytes are ``,f*hh``). Lines it does not accept, for any reason, go
  to the regular-expression path of :mod:`vesseltrack.ais._lines`, which is the reference:
  for every line accepted here the two give the same fields (``tests/test_framer_paths.py``
  checks it on every corpus, and on every byte value at every position of a line).
* :func:`merge_messages`: the framer's messages in stream order (single sentences and joined
  fragments), one pass instead of a gather and scatter per column.
* :func:`triage_messages`: one pass over the messages that sorts them (empty payload, bad fill
  bits, unknown type, type 24 part number; the checks of :mod:`vesseltrack.ais._fast`), gives
  each its row in the positions and statics tables, and decodes straight from the armoured
  bytes the position reports of types 1, 2, 3 and 18 (nine in ten messages) and the static
  reports of types 5 and 24 whose bit vector holds every field read, with the arithmetic of
  :mod:`vesseltrack.ais._fast` (which decodes every other message and is the reference: the
  tests compare both with pyais).

Two small ones serve them: :func:`line_offsets` splits a chunk into lines (eight bytes at a
time when the chunk has no CR) without the chunk-sized temporaries of a NumPy comparison and
``flatnonzero``, and :func:`copy_spans` joins byte spans (fragments' payloads, source names)
without an index per byte.

Each kernel has one signature, compiled (or loaded from Numba's on-disk cache, next to this
file) when the module is imported, so that no call pays for compilation. Bytes are indexed with
unsigned integers (``_u``): Numba then skips its check for negative indices, a quarter of the
scan's time; every index is bounded by the line's end before use. A word is read whole only
when its eight bytes lie within the chunk (past the chunk's end, bytes read as zero), and the
bytes of a word past the line's end are masked off.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba import uint64 as _u  # an unsigned index: no check for negative indices
from numba.extending import intrinsic

# byte classes (indexable by a byte value)
_HEX = np.full(256, -1, dtype=np.int16)
for _i, _c in enumerate(b"0123456789ABCDEF"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    _HEX[_c] = 10 + _i
_SPACE = np.zeros(256, dtype=np.bool_)  # RE2's \s
_SPACE[list(b" \t\n\f\r")] = True
_ALNUM = np.zeros(256, dtype=np.bool_)
_ALNUM[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")] = True
_TALKER = np.zeros(256, dtype=np.bool_)  # printable ASCII but ! $ * , \ ^ ~ (_lines._TALKER_CLASS)
_TALKER[0x21:0x7F] = True
_TALKER[list(b"!$*,\\^~")] = False
_TAG_CLASS = np.zeros(256, dtype=np.uint8)  # bytes of a tag block's body that need a look
_TAG_CLASS[list(b"*\\")] = 1  # the body's end
_TAG_CLASS[ord(",")] = 2  # a field's end
_TAG_CLASS[ord("G")] = 3  # perhaps the NMEA 4 group form (nGn:)
_TAG_CLASS[128:] = 4  # non-ASCII

for _table in (_HEX, _SPACE, _ALNUM, _TALKER, _TAG_CLASS):
    _table.flags.writeable = False
_BACKSLASH, _STAR, _BANG, _COMMA, _COLON = 92, 42, 33, 44, 58
_NAT = np.iinfo(np.int64).min  # missing time (as vesseltrack.ais._lines.NAT)


# ---------------------------------------------------------------------------------------------
# eight bytes at a time: a line's bytes are read as 64-bit words wherever a question can be
# asked of eight bytes at once (a byte among a few, a byte out of a range, an XOR, equality)

_ONES = np.uint64(0x0101_0101_0101_0101)
_HIGHS = np.uint64(0x8080_8080_8080_8080)
_LOWS = np.uint64(0x7F7F_7F7F_7F7F_7F7F)
_STARS = np.uint64(0x2A2A_2A2A_2A2A_2A2A)
_BACKSLASHES = np.uint64(0x5C5C_5C5C_5C5C_5C5C)
_COMMAS = np.uint64(0x2C2C_2C2C_2C2C_2C2C)
_GS = np.uint64(0x4747_4747_4747_4747)
# added to an ASCII byte, 0x80 - c sets the byte's high bit exactly when the byte is >= c
# (no carry into the next byte: the sum stays below 0x100)
_FROM_48 = np.uint64(0x5050_5050_5050_5050)
_FROM_88 = np.uint64(0x2828_2828_2828_2828)
_FROM_96 = np.uint64(0x2020_2020_2020_2020)
_FROM_120 = np.uint64(0x0808_0808_0808_0808)
_BYTE = np.uint64(0xFF)


@intrinsic
def _unaligned_word(typingctx, data, at):  # pragma: no cover (compiled)
    """The bytes ``data[at : at + 8]`` as a little-endian uint64, at any alignment (the
    caller keeps ``at + 8`` within ``data``)."""
    sig = types.uint64(data, at)

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        where = builder.gep(array.data, [args[1]])
        return builder.load(builder.bitcast(where, ir.IntType(64).as_pointer()), align=1)

    return sig, codegen


@intrinsic
def _trailing_zero_bits(typingctx, value):  # pragma: no cover (compiled)
    """Zero bits below the lowest set bit of a uint64 (LLVM's cttz; 64 for zero)."""
    sig = types.uint64(value)

    def codegen(context, builder, signature, args):
        return builder.cttz(args[0], ir.Constant(ir.IntType(1), 0))

    return sig, codegen


@njit(cache=True, nogil=True, inline="always")
def _word(data, at):  # pragma: no cover (compiled)
    # data[at : at + 8] as a uint64; bytes past the end of data read as zero
    n = len(data)
    if at + 8 <= n:
        return _unaligned_word(data, at)
    w = np.uint64(0)
    for k in range(n - at):  # (fewer than eight)
        w |= _u(data[_u(at + k)]) << _u(8 * k)
    return w


@njit(cache=True, nogil=True, inline="always")
def _below(r):  # pragma: no cover (compiled)
    # the low r bytes of a word (0 <= r < 8)
    return (np.uint64(1) << _u(8 * r)) - np.uint64(1)


@njit(cache=True, nogil=True, inline="always")
def _zero_bytes(v):  # pragma: no cover (compiled)
    # the high bit of every zero byte of v, and no other bit
    return ~(((v & _LOWS) + _LOWS) | v | _LOWS)


@njit(cache=True, nogil=True, inline="always")
def _xor_bytes(data, a, b):  # pragma: no cover (compiled)
    # the XOR of the bytes data[a:b]
    x = np.uint64(0)
    while a + 8 <= b:
        x ^= _word(data, a)
        a += 8
    if a < b:
        x ^= _word(data, a) & _below(b - a)
    x ^= x >> _u(32)
    x ^= x >> _u(16)
    x ^= x >> _u(8)
    return np.int64(x & _BYTE)


@njit(cache=True, nogil=True, inline="always")
def _armoured(data, a, b):  # pragma: no cover (compiled)
    # whether every byte of data[a:b] is an armour character, 0-W or `-w. A byte outside
    # ASCII fails the range tests too (0x80-0xF7 reads as >= 120, 0xF8-0xFF as < 48); its
    # carry can only disturb the flags of the bytes after it.
    bad = np.uint64(0)
    while a < b:
        v = _word(data, a)
        flag = (~(v + _FROM_48) | (v + _FROM_120) | ((v + _FROM_88) & ~(v + _FROM_96))) \
            & _HIGHS
        if b - a < 8:
            flag &= _below(b - a)
        bad |= flag
        a += 8
    return bad == 0


@njit(cache=True, nogil=True, inline="always")
def _same_bytes(data, a, b, n):  # pragma: no cover (compiled)
    # whether data[a : a + n] equals data[b : b + n]
    k = 0
    diff = np.uint64(0)
    while k + 8 <= n:
        diff |= _word(data, a + k) ^ _word(data, b + k)
        k += 8
    if k < n:
        diff |= (_word(data, a + k) ^ _word(data, b + k)) & _below(n - k)
    return diff == 0


def _readonly(dtype: type) -> types.Array:
    return types.Array(dtype, 1, "C", readonly=True)


_BYTES, _INTS, _FLAGS = _readonly(types.uint8), _readonly(types.int64), _readonly(types.bool_)
_SCAN_SIGNATURE = (_BYTES, _INTS, _INTS, _FLAGS, _readonly(types.int16), _FLAGS, _FLAGS,
                   _FLAGS, _BYTES)


# (every argument is passed as a read-only view: one signature serves every caller)
@njit([_SCAN_SIGNATURE], cache=True, nogil=True)
def _scan(data, starts, ends, skip, hexval, space, talker, alnum, tag_class):  # pragma: no cover
    # (compiled: coverage cannot see inside; the tests compare every output with the regex
    # path on every corpus)
    n = len(starts)
    accept = np.zeros(n, dtype=np.bool_)
    # the other columns are only read where accept is set
    count = np.empty(n, dtype=np.int8)
    num = np.empty(n, dtype=np.int8)
    seq = np.empty(n, dtype=np.int8)
    chan = np.empty(n, dtype=np.uint8)
    addr = np.empty(n, dtype=np.int64)
    pay_start = np.empty(n, dtype=np.int64)
    pay_len = np.empty(n, dtype=np.int64)
    fill = np.empty(n, dtype=np.int8)
    cs_ok = np.empty(n, dtype=np.bool_)
    tag_bad = np.empty(n, dtype=np.bool_)
    time_ns = np.empty(n, dtype=np.int64)
    src_run = np.empty(n, dtype=np.int32)
    run_start = np.empty(n, dtype=np.int64)
    run_len = np.empty(n, dtype=np.int64)
    runs = 0
    prev_s = 0
    prev_len = -1
    for i in range(n):
        if skip[i]:
            continue
        s = starts[i]
        e = ends[i]
        while e > s and space[data[_u(e - 1)]]:
            e -= 1
        p = s
        bad_tag = False
        c_val = -1
        s_at = -1
        s_len = 0
        if p < e and data[_u(p)] == _BACKSLASH:
            # one tag block, \body*hh\, with no backslash, star, group tag or non-ASCII in
            # the body; its fields read as the regex path does: the first c: with 9-13
            # digits, the first s:. One pass over the body: ordinary bytes (class 0) are
            # only XOR-ed, eight at a time; a comma or the end of the body closes a field,
            # read then.
            p += 1
            body = p
            field = p
            xw = np.uint64(0)
            fine = True
            while p < e:
                # eight bytes at a time up to the next byte that needs a look (star,
                # backslash, comma, G, non-ASCII); the bytes before it are only XOR-ed
                w = _word(data, p)
                m = (_zero_bytes(w ^ _STARS) | _zero_bytes(w ^ _BACKSLASHES)
                     | _zero_bytes(w ^ _COMMAS) | _zero_bytes(w ^ _GS) | (w & _HIGHS))
                if e - p < 8:
                    m &= _below(e - p)
                if m == 0:
                    if e - p <= 8:  # no end of the body in the line
                        p = e
                        break
                    xw ^= w
                    p += 8
                    continue
                ahead = np.int64(_trailing_zero_bits(m) >> _u(3))
                xw ^= w & _below(ahead)
                p += ahead
                b = data[_u(p)]
                k = tag_class[b]
                if k == 1:  # star or backslash: the end of the body
                    break
                if k == 3:  # G: NMEA 4 group form (nGn:) if between digits
                    if p > body and p + 1 < e and 48 <= data[_u(p - 1)] <= 57 \
                            and 48 <= data[_u(p + 1)] <= 57:
                        fine = False
                        break
                elif k == 4:  # non-ASCII: the regex path
                    fine = False
                    break
                else:  # a comma: the field it closes
                    if field + 1 < p and data[_u(field + 1)] == _COLON:
                        key = data[_u(field)]
                        if key == 99 and c_val < 0:  # c:
                            d = field + 2
                            v = 0
                            while d < p and d < field + 15 and 48 <= data[_u(d)] <= 57:
                                v = v * 10 + (data[_u(d)] - 48)
                                d += 1
                            if d - (field + 2) >= 9:
                                c_val = v
                        elif key == 115 and s_at < 0:  # s:
                            s_at = field + 2
                            s_len = p - s_at
                        elif key == 103:  # g: group tag: the regex path
                            fine = False
                            break
                    field = p + 1
                xw ^= _u(b)
                p += 1
            xw ^= xw >> _u(32)
            xw ^= xw >> _u(16)
            xw ^= xw >> _u(8)
            x = np.int64(xw & _BYTE)
            if not fine or p + 4 >= e or data[_u(p)] != _STAR or data[_u(p + 3)] != _BACKSLASH:
                continue
            # the last field, closed by the star
            if field + 1 < p and data[_u(field + 1)] == _COLON:
                key = data[_u(field)]
                if key == 99 and c_val < 0:
                    d = field + 2
                    v = 0
                    while d < p and d < field + 15 and 48 <= data[_u(d)] <= 57:
                        v = v * 10 + (data[_u(d)] - 48)
                        d += 1
                    if d - (field + 2) >= 9:
                        c_val = v
                elif key == 115 and s_at < 0:
                    s_at = field + 2
                    s_len = p - s_at
                elif key == 103:
                    continue
            h1 = hexval[data[_u(p + 1)]]
            h2 = hexval[data[_u(p + 2)]]
            if h1 < 0 or h2 < 0:
                continue
            # an empty block counts as bad, as in the regex path (no checksum of nothing)
            bad_tag = p == body or x != h1 * 16 + h2
            p += 4
        # the sentence: !ttVDM,c,n,s,ch,payload,f*hh (the line's last bytes: ,f*hh)
        if p + 18 > e or data[_u(p)] != _BANG:
            continue
        if not (talker[data[_u(p + 1)]] and talker[data[_u(p + 2)]] and data[_u(p + 3)] == 86
                and data[_u(p + 4)] == 68 and (data[_u(p + 5)] == 77 or data[_u(p + 5)] == 79)
                and data[_u(p + 6)] == _COMMA and 49 <= data[_u(p + 7)] <= 57
                and data[_u(p + 8)] == _COMMA and 49 <= data[_u(p + 9)] <= 57
                and data[_u(p + 10)] == _COMMA):
            continue
        q = p + 11
        sq = -1
        if 48 <= data[_u(q)] <= 57:
            sq = data[_u(q)] - 48
            q += 1
        if data[_u(q)] != _COMMA:
            continue
        q += 1
        ch = 0
        if q < e and alnum[data[_u(q)]]:
            ch = data[_u(q)]
            q += 1
        if q >= e or data[_u(q)] != _COMMA:
            continue
        ps = q + 1
        pe = e - 5  # the payload's end: ,f*hh follow it
        if pe < ps or data[_u(pe)] != _COMMA or not (48 <= data[_u(pe + 1)] <= 53) \
                or data[_u(pe + 2)] != _STAR:
            continue
        h1 = hexval[data[_u(pe + 3)]]
        h2 = hexval[data[_u(pe + 4)]]
        if h1 < 0 or h2 < 0:
            continue
        # every payload byte an armour character ([0-W`-w]); loops without a branch, which
        # the compiler vectorises
        if not _armoured(data, ps, pe):
            continue
        x = _xor_bytes(data, p + 1, pe + 2)
        accept[i] = True
        count[i] = data[_u(p + 7)] - 48
        num[i] = data[_u(p + 9)] - 48
        seq[i] = sq
        chan[i] = ch
        a = 0
        for k in range(p + 1, p + 6):
            a = (a << 8) | data[_u(k)]
        addr[i] = a
        pay_start[i] = ps
        pay_len[i] = pe - ps
        fill[i] = data[_u(pe + 1)] - 48
        cs_ok[i] = x == h1 * 16 + h2
        tag_bad[i] = bad_tag
        if c_val < 0:
            time_ns[i] = _NAT
        elif c_val >= 100_000_000_000:  # 12-13 digits: milliseconds (as _lines.unix_to_ns)
            time_ns[i] = c_val * 1_000_000
        else:
            time_ns[i] = c_val * 1_000_000_000
        if s_len > 0:
            same = s_len == prev_len and _same_bytes(data, s_at, prev_s, s_len)
            if not same:
                run_start[runs] = s_at
                run_len[runs] = s_len
                runs += 1
                prev_s = s_at
                prev_len = s_len
            src_run[i] = runs - 1
        else:
            src_run[i] = -1
    return (accept, count, num, seq, chan, addr, pay_start, pay_len, fill, cs_ok, tag_bad,
            time_ns, src_run, run_start[:runs], run_len[:runs])


def scan_strict(data: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                skip: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Fields of the lines of strict form, in one pass over ``data``.

    Parameters
    ----------
    data : ndarray of uint8
        The chunk's bytes.
    starts, ends : ndarray of int64
        Bounds of each line in ``data`` (terminator and surrounding blanks may be included).
    skip : ndarray of bool, optional
        Lines not to look at (those holding non-ASCII bytes).

    Returns
    -------
    dict of ndarray
        One entry per line: ``accept`` (strict form, fields valid), ``count``, ``num``,
        ``seq`` (-1: empty), ``chan`` (0: empty), ``addr`` (talker and type, packed),
        ``pay_start``/``pay_len`` (in ``data``), ``fill``, ``cs_ok``, ``tag_bad`` (tag-block
        checksum wrong), ``time_ns`` (tag-block ``c:`` time, Unix ns; int64 minimum: none;
        13 digits are milliseconds), ``src_run`` (index
        into ``run_start``/``run_len``: the spans of the ``s:`` values, one per run of equal
        values; -1: none).

    Examples
    --------
    >>> line = rb"\\s:X,c:1700000000*62\\!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F" + b"\\n"
    >>> data = np.frombuffer(line, dtype=np.uint8)
    >>> f = scan_strict(data, np.array([0]), np.array([len(line)]))
    >>> bool(f["accept"][0]), int(f["time_ns"][0]), int(f["pay_len"][0])
    (True, 1700000000000000000, 28)
    """
    if skip is None:
        skip = np.zeros(len(starts), dtype=np.bool_)
    names = ("accept", "count", "num", "seq", "chan", "addr", "pay_start", "pay_len", "fill",
             "cs_ok", "tag_bad", "time_ns", "src_run", "run_start", "run_len")
    out = _scan(_frozen(data, np.uint8), _frozen(starts, np.int64), _frozen(ends, np.int64),
                _frozen(skip, np.bool_), _HEX, _SPACE, _TALKER, _ALNUM, _TAG_CLASS)
    return dict(zip(names, out, strict=True))


def _frozen(values: np.ndarray, dtype: type) -> np.ndarray:
    """A contiguous read-only view (a copy only if the layout or type differs)."""
    view = np.ascontiguousarray(values, dtype=dtype).view()
    view.flags.writeable = False
    return view


_WORDS = _readonly(types.uint64)
_SEVEN = np.uint64(7)
_FIFTY_SIX = np.uint64(56)


@njit([(_BYTES, _WORDS, types.int64)], cache=True, nogil=True)
def _line_offsets(buf, words, head):  # pragma: no cover (compiled)
    # words: buf[head : head + 8 * len(words)] as 64-bit words
    n = len(buf)
    lf = 0
    cr = 0
    tail = head + 8 * len(words)
    for i in range(head):
        lf += buf[i] == 10
        cr += buf[i] == 13
    for i in range(tail, n):
        lf += buf[i] == 10
        cr += buf[i] == 13
    # the words: LF counted and CR looked for eight bytes at a time, without a branch (a
    # byte loop counting both is not vectorised by the compiler, and ten times slower)
    line_feeds = np.uint64(0x0A0A_0A0A_0A0A_0A0A)
    returns = np.uint64(0x0D0D_0D0D_0D0D_0D0D)
    lf_words = np.uint64(0)
    cr_bits = np.uint64(0)
    for j in range(len(words)):
        # the high bit of every zero byte of v, and no other bit (exact, unlike the test
        # below, whose borrows may also mark a 0x01 byte above a zero byte)
        v = words[j] ^ line_feeds
        zero = ~(((v & _LOWS) + _LOWS) | v | _LOWS)
        lf_words += (zero >> _SEVEN) * _ONES >> _FIFTY_SIX  # LF bytes in the word
        v = words[j] ^ returns
        cr_bits |= ~(((v & _LOWS) + _LOWS) | v | _LOWS)
    lf += np.int64(lf_words)
    cr += cr_bits != 0
    if cr == 0:  # LF only, the usual case: eight bytes at a time
        out = np.empty(lf + 2, dtype=np.int64)
        out[0] = 0
        k = 1
        for i in range(head):
            if buf[i] == 10:
                out[k] = i + 1
                k += 1
        for j in range(len(words)):
            v = words[j] ^ line_feeds  # a zero byte where buf holds LF
            if (v - _ONES) & ~v & _HIGHS:  # (no false negative; a false positive only costs)
                base = head + 8 * j
                for t in range(8):
                    if buf[_u(base + t)] == 10:
                        out[k] = base + t + 1
                        k += 1
        for i in range(head + 8 * len(words), n):
            if buf[i] == 10:
                out[k] = i + 1
                k += 1
        out[k] = n
        return out
    count = 0
    for i in range(n - 1):
        b = buf[i]
        count += (b == 10) | ((b == 13) & (buf[i + 1] != 10))
    if n and buf[n - 1] == 10:
        count += 1
    out = np.empty(count + 2, dtype=np.int64)
    out[0] = 0
    k = 1
    for i in range(n):
        b = buf[i]
        if b == 10 or (b == 13 and i + 1 < n and buf[i + 1] != 10):
            out[k] = i + 1
            k += 1
    out[k] = n
    return out


def _words(buf: np.ndarray) -> tuple[np.ndarray, int]:
    """The 8-byte-aligned middle of ``buf`` as read-only 64-bit words, and where it starts."""
    head = min(-buf.ctypes.data % 8, len(buf))
    words = buf[head:head + (len(buf) - head) // 8 * 8].view(np.uint64)
    words.flags.writeable = False
    return words, head


def line_offsets(buf: np.ndarray) -> np.ndarray:
    """Start of every line of ``buf`` and its end, as int64 offsets (one more than lines).

    Lines end at LF, CR LF or a lone CR and keep their terminator; a CR as the last byte is
    taken for the first half of a CR LF cut off by the chunk's end, not for a break.

    Examples
    --------
    >>> line_offsets(np.frombuffer(b"A\\nBC\\r\\nD\\rE", dtype=np.uint8)).tolist()
    [0, 2, 6, 8, 9]
    """
    buf = _frozen(buf, np.uint8)
    return _line_offsets(buf, *_words(buf))


@njit([(_BYTES, _INTS, _INTS)], cache=True, nogil=True)
def _copy_spans(data, starts, lengths):  # pragma: no cover (compiled)
    total = 0
    for i in range(len(starts)):
        total += lengths[i]
    out = np.empty(total, dtype=np.uint8)
    k = 0
    for i in range(len(starts)):
        start = starts[i]
        for j in range(lengths[i]):
            out[_u(k + j)] = data[_u(start + j)]
        k += lengths[i]
    return out


def copy_spans(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The bytes ``data[starts[i] : starts[i] + lengths[i]]`` of every span, one after another.

    Examples
    --------
    >>> data = np.frombuffer(b"ABCDEFG", dtype=np.uint8)
    >>> copy_spans(data, np.array([4, 0]), np.array([2, 3])).tobytes()
    b'EFABC'
    """
    return _copy_spans(_frozen(data, np.uint8), _frozen(starts, np.int64),
                       _frozen(lengths, np.int64))


_MERGE_SIGNATURE = (_INTS, _readonly(types.int8), _INTS, _INTS, _readonly(types.int8), _INTS,
                    _readonly(types.int32), _INTS, _INTS, _INTS, _INTS, _INTS,
                    _readonly(types.int32))


@njit([_MERGE_SIGNATURE], cache=True, nogil=True)
def _merge_messages(idx, cnt, pay_start, pay_len, fill, tns, src, end_ref, e_start, e_len,
                    e_fill, e_time, e_src):  # pragma: no cover (compiled)
    m = len(idx)
    total = len(e_start)
    for j in range(m):
        total += cnt[j] == 1
    out_start = np.empty(total, dtype=np.int64)
    out_len = np.empty(total, dtype=np.int64)
    out_fill = np.empty(total, dtype=np.int8)
    out_time = np.empty(total, dtype=np.int64)
    out_src = np.empty(total, dtype=np.int32)
    o = 0
    for j in range(m):
        if cnt[j] == 1:
            line = _u(idx[j])
            out_start[o] = pay_start[line]
            out_len[o] = pay_len[line]
            out_fill[o] = fill[line]
            out_time[o] = tns[j]
            out_src[o] = src[j]
            o += 1
        else:
            r = end_ref[j]
            if r >= 0:
                out_start[o] = e_start[r]
                out_len[o] = e_len[r]
                out_fill[o] = e_fill[r]
                out_time[o] = e_time[r]
                out_src[o] = e_src[r]
                o += 1
    return out_start, out_len, out_fill, out_time, out_src


def merge_messages(idx: np.ndarray, cnt: np.ndarray, pay_start: np.ndarray,
                   pay_len: np.ndarray, fill: np.ndarray, tns: np.ndarray, src: np.ndarray,
                   end_ref: np.ndarray, e_start: np.ndarray, e_len: np.ndarray,
                   e_fill: np.ndarray, e_time: np.ndarray,
                   e_src: np.ndarray) -> tuple[np.ndarray, ...]:
    """The messages of a chunk in stream order (by the place of their last sentence).

    Over the chunk's valid sentences (``idx``: their lines, ascending; ``cnt``, ``tns``,
    ``src``: their fragment count, time and source), a sentence with ``cnt`` 1 is a message
    of its own, whose payload span and fill bits are those of its line (``pay_start``,
    ``pay_len``, ``fill``: one entry per line); a fragment with ``end_ref`` ``r`` >= 0 ends
    message ``r`` of the ``e_*`` columns (joined fragments); other fragments give nothing.

    Returns
    -------
    tuple of ndarray
        ``starts``, ``lengths``, ``fill_bits`` (int8), ``time_ns`` and ``source`` (int32) of
        the messages.

    Examples
    --------
    >>> one = np.array([1], dtype=np.int64)
    >>> cols = merge_messages(np.array([0, 1, 2]), np.array([1, 2, 1], dtype=np.int8),
    ...                       np.array([5, 0, 9]), np.array([3, 0, 4]),
    ...                       np.zeros(3, dtype=np.int8), np.array([10, 11, 12]),
    ...                       np.array([-1, -1, 0], dtype=np.int32), np.array([-1, 0, -1]),
    ...                       np.array([100]), one * 7, one * 2, one * 11,
    ...                       np.array([3], dtype=np.int32))
    >>> cols[0].tolist(), cols[3].tolist()
    ([5, 100, 9], [10, 11, 12])
    """
    return _merge_messages(
        _frozen(idx, np.int64), _frozen(cnt, np.int8), _frozen(pay_start, np.int64),
        _frozen(pay_len, np.int64), _frozen(fill, np.int8), _frozen(tns, np.int64),
        _frozen(src, np.int32), _frozen(end_ref, np.int64), _frozen(e_start, np.int64),
        _frozen(e_len, np.int64), _frozen(e_fill, np.int64), _frozen(e_time, np.int64),
        _frozen(e_src, np.int32))


# ---------------------------------------------------------------------------------------------
# position reports of types 1, 2, 3 (class A) and 18 (class B) with every field present

CLASS_A_BITS = 137
"""Bits a class A report must hold for every field read (heading ends at bit 137)."""
CLASS_B_BITS = 133
"""The same for type 18 (heading ends at bit 133)."""



def armor_table() -> np.ndarray:
    """Armoured ASCII byte → six-bit value, as pyais maps it (outside '0'..'w' → 0)."""
    code = np.arange(256, dtype=np.int64) - 48
    value = np.where(code > 40, code - 8, code)
    value[(code < 0) | (code > 71)] = 0
    table = value.astype(np.uint8)
    table.flags.writeable = False
    return table


ARMOR = armor_table()


@njit(cache=True, nogil=True, inline="always")
def _field(data, start, armor, offset, width):  # pragma: no cover (compiled)
    first = offset // 6
    last = (offset + width - 1) // 6
    acc = np.int64(0)
    for k in range(first, last + 1):
        acc = (acc << 6) | armor[data[_u(start + k)]]
    acc >>= 6 * (last + 1) - (offset + width)
    return acc & ((np.int64(1) << width) - 1)


@njit(cache=True, nogil=True, inline="always")
def _signed(value, width):  # pragma: no cover (compiled)
    sign = np.int64(1) << (width - 1)
    return (value ^ sign) - sign


@njit(cache=True, nogil=True, inline="always")
def _degrees(raw):  # pragma: no cover (compiled)
    # round(raw / 600000, 6) exactly, as vesseltrack.ais._fast._lon_lat: (10·raw + 3) // 6 µ°
    return ((raw * 10 + 3) // 6) / 1e6


_WRITABLE_INTS = types.Array(types.int64, 1, "C")
_WRITABLE_FLOATS = types.Array(types.float64, 1, "C")
_WRITABLE_SMALL = types.Array(types.int8, 1, "C")
_WRITABLE_FLAGS = types.Array(types.bool_, 1, "C")
_WRITABLE_TEXT = types.Array(types.uint8, 2, "C")
_TRIAGE_SIGNATURE = (_BYTES, _BYTES, _INTS, _INTS, _readonly(types.int8), _FLAGS, _FLAGS,
                     _BYTES, _FLAGS, _FLAGS, _INTS, _INTS,
                     _WRITABLE_SMALL, _WRITABLE_INTS, _WRITABLE_SMALL, _WRITABLE_INTS,
                     _WRITABLE_FLOATS, _WRITABLE_FLOATS, _WRITABLE_FLOATS, _WRITABLE_FLOATS,
                     _WRITABLE_FLOATS, _WRITABLE_SMALL, _WRITABLE_FLAGS, _WRITABLE_INTS,
                     _WRITABLE_SMALL, _WRITABLE_INTS, _WRITABLE_SMALL, _WRITABLE_INTS,
                     _WRITABLE_INTS, _WRITABLE_FLAGS, _WRITABLE_INTS, _WRITABLE_INTS,
                     _WRITABLE_FLAGS, types.Array(types.int16, 1, "C"), _WRITABLE_FLAGS,
                     _WRITABLE_FLOATS, _WRITABLE_FLOATS, _WRITABLE_FLOATS, _WRITABLE_TEXT,
                     _WRITABLE_TEXT, _WRITABLE_TEXT)

# what became of each message (``triage_messages``'s ``code``)
UNHANDLED, EMPTY, BAD_FILL, UNKNOWN_TYPE, BAD_PART, DECODED = range(6)


_AT = 64  # '@': six-bit text code 0, AIS padding


@njit(cache=True, nogil=True, inline="always")
def _text(buf, s, armor, offset, out, row):  # pragma: no cover (compiled)
    # six-bit text (0-31 -> '@'..'_', 32-63 -> ' '..'?') of len(out[row]) characters
    for k in range(out.shape[1]):
        c = _field(buf, s, armor, offset + 6 * k, 6)
        out[row, k] = c + 64 if c < 32 else c


@njit(cache=True, nogil=True, inline="always")
def _static(buf, s, armor, t, part_b, slot, mmsi, imo, imo_na, ship_type, ship_type_na,
            draught, length, beam, name, callsign, destination):  # pragma: no cover
    # a type 5 or 24 report whose bits hold every field read (ITU-R M.1371, as _fast lays
    # them out); fields a report does not carry are "not available"
    value = _field(buf, s, armor, 8, 30)
    mmsi[slot] = value
    imo[slot] = 0
    imo_na[slot] = True
    ship_type[slot] = 0
    ship_type_na[slot] = True
    draught[slot] = np.nan
    length[slot] = np.nan
    beam[slot] = np.nan
    name[slot, :] = _AT
    callsign[slot, :] = _AT
    destination[slot, :] = _AT
    if t == 5:
        imo[slot] = _field(buf, s, armor, 40, 30)
        imo_na[slot] = False
        _text(buf, s, armor, 70, callsign, slot)
        _text(buf, s, armor, 112, name, slot)
        ship_type[slot] = _field(buf, s, armor, 232, 8)
        ship_type_na[slot] = False
        length[slot] = float(_field(buf, s, armor, 240, 9) + _field(buf, s, armor, 249, 9))
        beam[slot] = float(_field(buf, s, armor, 258, 6) + _field(buf, s, armor, 264, 6))
        draught[slot] = _field(buf, s, armor, 294, 8) / 10.0
        _text(buf, s, armor, 302, destination, slot)
    elif not part_b:  # type 24 part A
        _text(buf, s, armor, 40, name, slot)
    else:  # type 24 part B; an auxiliary craft (98XXXYYYY) gives a mothership, not sizes
        ship_type[slot] = _field(buf, s, armor, 40, 8)
        ship_type_na[slot] = False
        _text(buf, s, armor, 90, callsign, slot)
        if not 980_000_000 <= value <= 989_999_999:
            length[slot] = float(_field(buf, s, armor, 132, 9) + _field(buf, s, armor, 141, 9))
            beam[slot] = float(_field(buf, s, armor, 150, 6) + _field(buf, s, armor, 156, 6))


@njit([_TRIAGE_SIGNATURE], cache=True, nogil=True)
def _triage(data, extra, starts, lengths, fill, null, non_ascii, armor, fast, position,
            complete_bits, static_bits, code, pos_row, pos_type, mmsi, lon, lat, sog, cog, heading, status,
            status_na, sta_row, sta_type, rest, rest_type, rest_pos, rest_sta, rest_part_b,
            sta_mmsi, imo, imo_na, ship_type, ship_type_na, draught_m, length_m, beam_m, name,
            callsign, destination):  # pragma: no cover (compiled)
    size = len(data)
    has_null = len(null) > 0
    has_non_ascii = len(non_ascii) > 0
    n_pos = 0
    n_sta = 0
    n_rest = 0
    for i in range(len(starts)):
        length = lengths[i]
        if length == 0 or (has_null and null[i]):
            code[i] = EMPTY
            continue
        f = fill[i]
        if f < 0 or f > 5:
            code[i] = BAD_FILL
            continue
        if has_non_ascii and non_ascii[i]:
            code[i] = UNHANDLED
            continue
        s = starts[i]
        buf = data
        if s >= size:  # a joined message, in the bytes after the chunk's
            buf = extra
            s -= size
        t = armor[buf[_u(s)]]
        n_bits = length * 6 - f
        if n_bits >= 6 and t >= 29:
            code[i] = UNKNOWN_TYPE
            continue
        if n_bits < 38 or not fast[t]:
            code[i] = UNHANDLED
            continue
        part_b = False
        if t == 24:  # part number: bits 38-39, cut as pyais cuts a field
            part = (armor[buf[_u(s + 6)]] >> 2) & 3
            if n_bits < 40:
                part >>= 40 - n_bits
            if part >= 2:
                code[i] = BAD_PART
                continue
            part_b = part == 1
        code[i] = DECODED
        slot = -1
        if position[t]:
            slot = n_pos
            n_pos += 1
            pos_row[slot] = i
            pos_type[slot] = t
        sta_slot = -1
        if t == 5 or t == 19 or t == 24:
            sta_slot = n_sta
            n_sta += 1
            sta_row[sta_slot] = i
            sta_type[sta_slot] = t
            if (t == 5 and n_bits >= static_bits[0]) or (
                    t == 24 and n_bits >= static_bits[2 if part_b else 1]):
                # static reports with every field read: decoded here, masked by _fast
                _static(buf, s, armor, t, part_b, sta_slot, sta_mmsi, imo, imo_na,
                        ship_type, ship_type_na, draught_m, length_m, beam_m, name, callsign,
                        destination)
                continue
            # for the NumPy decoder, which fills what it reads
            sta_mmsi[sta_slot] = 0
            imo[sta_slot] = 0
            imo_na[sta_slot] = True
            ship_type[sta_slot] = 0
            ship_type_na[sta_slot] = True
            draught_m[sta_slot] = np.nan
            length_m[sta_slot] = np.nan
            beam_m[sta_slot] = np.nan
            name[sta_slot, :] = _AT
            callsign[sta_slot, :] = _AT
            destination[sta_slot, :] = _AT
        if slot >= 0 and n_bits >= complete_bits[t]:  # types 1-3 and 18 with every field
            mmsi[slot] = _field(buf, s, armor, 8, 30)
            if t == 18:  # ITU-R M.1371 type 18
                speed = _field(buf, s, armor, 46, 10) / 10.0
                x = _degrees(_signed(_field(buf, s, armor, 57, 28), 28))
                y = _degrees(_signed(_field(buf, s, armor, 85, 27), 27))
                course = _field(buf, s, armor, 112, 12) / 10.0
                head = float(_field(buf, s, armor, 124, 9))
                status[slot] = 0
                status_na[slot] = True
            else:  # types 1, 2, 3
                status[slot] = _field(buf, s, armor, 38, 4)
                status_na[slot] = False
                speed = _field(buf, s, armor, 50, 10) / 10.0
                x = _degrees(_signed(_field(buf, s, armor, 61, 28), 28))
                y = _degrees(_signed(_field(buf, s, armor, 89, 27), 27))
                course = _field(buf, s, armor, 116, 12) / 10.0
                head = float(_field(buf, s, armor, 128, 9))
            # "not available" and out of range -> NaN (as _fast._Positions.frame masks)
            if not (abs(x) <= 180.0 and abs(y) <= 90.0):
                x = np.nan
                y = np.nan
            lon[slot] = x
            lat[slot] = y
            sog[slot] = np.nan if speed >= 102.25 else speed
            cog[slot] = np.nan if course >= 360.0 else course
            heading[slot] = np.nan if head >= 360.0 else head
        else:  # for the NumPy decoder, which fills what it reads
            if slot >= 0:
                heading[slot] = np.nan
                status[slot] = 0
                status_na[slot] = True
            rest[n_rest] = i
            rest_type[n_rest] = t
            rest_pos[n_rest] = slot
            rest_sta[n_rest] = sta_slot
            rest_part_b[n_rest] = part_b
            n_rest += 1
    return n_pos, n_sta, n_rest


class Triage:
    """What :func:`triage_messages` found: one entry per message in ``code``; the position
    columns (rows ``0 .. n_positions - 1``; views of a :class:`PositionArena` when
    ``arena`` is set), the statics' message rows and types, and the
    messages left to the NumPy decoder (``rest*``), each with its position and statics row
    (-1: none).
    """

    def __init__(self, n: int, arena: PositionArena | None = None) -> None:
        self.code = np.empty(n, dtype=np.int8)
        self.pos_row = np.empty(n, dtype=np.int64)
        # the position columns: the arena's next n rows if it has room, else buffers of
        # their own
        self.arena = arena if arena is not None and arena.has_room(n) else None
        self.arena_start = self.arena.used if self.arena is not None else 0
        for name, dtype in PositionArena.COLUMNS.items():
            column = (self.arena.next_rows(name, n) if self.arena is not None
                      else np.empty(n, dtype=dtype))
            setattr(self, name, column)
        self.sta_row = np.empty(n, dtype=np.int64)
        self.sta_type = np.empty(n, dtype=np.int8)
        self.rest = np.empty(n, dtype=np.int64)
        self.rest_type = np.empty(n, dtype=np.int8)
        self.rest_pos = np.empty(n, dtype=np.int64)
        self.rest_sta = np.empty(n, dtype=np.int64)
        self.rest_part_b = np.empty(n, dtype=np.bool_)
        self.sta_mmsi = np.empty(n, dtype=np.int64)
        self.imo = np.empty(n, dtype=np.int64)
        self.imo_na = np.empty(n, dtype=np.bool_)
        self.ship_type = np.empty(n, dtype=np.int16)
        self.ship_type_na = np.empty(n, dtype=np.bool_)
        self.draught_m = np.empty(n)
        self.length_m = np.empty(n)
        self.beam_m = np.empty(n)
        self.name = np.empty((n, 20), dtype=np.uint8)
        self.callsign = np.empty((n, 7), dtype=np.uint8)
        self.destination = np.empty((n, 20), dtype=np.uint8)
        self.n_positions = self.n_statics = self.n_rest = 0


class PositionArena:
    """Position columns for every chunk of one read, filled in place chunk after chunk.

    The triage of a chunk of ``n`` messages writes its position rows into the arena's next
    ``n`` rows and keeps the first ``n_positions`` of them (:meth:`advance`); the tables of
    successive chunks are then consecutive slices of the same buffers, and the whole read's
    table is a view of them, with no concatenation (no copy, no fresh memory to fault in).
    The buffers are sized for ``capacity`` rows but only the rows written occupy memory
    (the untouched pages of a large ``numpy.empty`` are never mapped in). A chunk that does
    not fit gets buffers of its own, and the caller concatenates as before.

    Parameters
    ----------
    capacity : int
        Rows the arena can hold.
    """

    COLUMNS = {"pos_type": np.int8, "mmsi": np.int64, "lon_deg": np.float64,
               "lat_deg": np.float64, "sog_knots": np.float64, "cog_deg": np.float64,
               "heading_deg": np.float64, "status": np.int8, "status_na": np.bool_}
    """The columns (the triage's names) and their dtypes."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0
        self.columns = {name: np.empty(capacity, dtype=dtype)
                        for name, dtype in self.COLUMNS.items()}

    def has_room(self, n: int) -> bool:
        """Whether ``n`` more rows fit."""
        return self.used + n <= self.capacity

    def next_rows(self, name: str, n: int) -> np.ndarray:
        """A view of column ``name``'s next ``n`` rows (after the rows kept so far)."""
        return self.columns[name][self.used:self.used + n]

    def advance(self, n: int) -> None:
        """Keep ``n`` more rows (those just filled)."""
        self.used += n

    def head(self, name: str) -> np.ndarray:
        """A view of column ``name``'s rows kept so far."""
        return self.columns[name][:self.used]


_NO_FLAGS = np.zeros(0, dtype=np.bool_)
_NO_FLAGS.flags.writeable = False


def triage_messages(data: np.ndarray, extra: np.ndarray, starts: np.ndarray,
                    lengths: np.ndarray, fill: np.ndarray, null: np.ndarray | None,
                    non_ascii: np.ndarray | None, fast: np.ndarray, position: np.ndarray,
                    complete_bits: np.ndarray, static_bits: np.ndarray,
                    arena: PositionArena | None = None) -> Triage:
    """Sort messages by what becomes of them, and decode the common position reports.

    One pass over the messages: the type from the first character, the checks of
    :func:`vesseltrack.ais._fast.decode_spans` (empty payload, fill bits, unknown type, type
    24 part number), a row in the positions and/or statics table for each decoded message,
    the fields of the position reports of types 1, 2, 3 and 18 whose bit vector holds every
    field read (``n_bits >= complete_bits[type]``), masked ("not available" -> NaN), and those
    of the static reports of types 5 and 24 that hold every field read (unmasked: the statics
    are masked with the rows the NumPy decoder fills).

    Parameters
    ----------
    data, extra : ndarray of uint8
        Payload bytes; a start at ``len(data)`` or later lies in ``extra``.
    starts, lengths : ndarray of int64
        Each payload's span.
    fill : ndarray of int8
        Fill bits (values outside 0-5 are bad; clip larger ones to 6).
    null, non_ascii : ndarray of bool, optional
        Missing payloads (counted as empty); payloads left to pyais.
    fast, position : ndarray of bool
        Per message type: decoded by vesseltrack, and a position report.
    complete_bits : ndarray of int64
        Per message type: the bit length from which this kernel decodes a position report.
    static_bits : ndarray of int64
        The same for static reports: type 5, type 24 part A, type 24 part B.
    arena : PositionArena, optional
        Where to write the position rows (if it has room for every message; the rows kept
        advance it).

    Returns
    -------
    Triage
        ``code`` per message (:data:`UNHANDLED`, :data:`EMPTY`, :data:`BAD_FILL`,
        :data:`UNKNOWN_TYPE`, :data:`BAD_PART`, :data:`DECODED`) and the rows.
    """
    out = Triage(len(starts), arena)
    out.n_positions, out.n_statics, out.n_rest = _triage(
        _frozen(data, np.uint8), _frozen(extra, np.uint8), _frozen(starts, np.int64),
        _frozen(lengths, np.int64), _frozen(fill, np.int8),
        _NO_FLAGS if null is None else _frozen(null, np.bool_),
        _NO_FLAGS if non_ascii is None else _frozen(non_ascii, np.bool_), ARMOR,
        _frozen(fast, np.bool_), _frozen(position, np.bool_), _frozen(complete_bits, np.int64),
        _frozen(static_bits, np.int64), out.code, out.pos_row, out.pos_type, out.mmsi, out.lon_deg, out.lat_deg, out.sog_knots,
        out.cog_deg, out.heading_deg, out.status, out.status_na, out.sta_row, out.sta_type,
        out.rest, out.rest_type, out.rest_pos, out.rest_sta, out.rest_part_b, out.sta_mmsi,
        out.imo, out.imo_na, out.ship_type, out.ship_type_na, out.draught_m, out.length_m,
        out.beam_m, out.name, out.callsign, out.destination)
    if out.arena is not None:
        out.arena.advance(out.n_positions)
    return out
