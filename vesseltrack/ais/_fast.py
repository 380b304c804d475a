"""Vectorised decoder for the bulk AIS message types (1, 2, 3, 5, 18, 19, 24 and 27).

:func:`decode_batch_fast` has the contract of :func:`vesseltrack.ais._decode.decode_batch`
(the pyais path) and gives field-for-field the same rows, but decodes whole columns at once
with NumPy instead of one message at a time. Messages it cannot decode exactly as pyais would
are left to the pyais path: the returned ``handled`` mask says which ones it took.

How it works
------------
1. The payloads are laid out as one ``uint8`` buffer with start offsets (pyarrow string and
   binary arrays already are; Python sequences are converted once).
2. Messages are grouped by type. For each group a character-major matrix of six-bit values
   ``(n_chars, n_messages)`` is gathered from the buffer and de-armoured through a 256-entry
   lookup table identical to pyais's (every byte outside ``'0'..'w'`` maps to 0).
3. Each field is assembled from the characters it spans with shifts and masks, one vector
   operation per character; signed fields use two's complement; text fields are decoded to
   fixed-width ASCII matrices and trimmed of ``@`` and blanks at both ends, empty → NA.

pyais semantics reproduced exactly
----------------------------------
* Fill bits are dropped from the end of the bit vector (length = 6 × characters − fill bits).
* A field that starts at or beyond the end of the vector is ``None`` (NaN/NA here). A field cut
  by the end of the vector is the integer formed by the bits that are there (right-aligned,
  *not* zero-padded on the right) and, if signed, is sign-extended from that shorter width.
  Text characters beyond the end read as ``@`` and a cut last character as its available bits.
* lon/lat rounding: ``round(raw / 600000, 6)`` (``raw / 600`` for type 27), computed as pyais
  does with integer arithmetic: ``((10·raw + 3) // 6) / 1e6``.
* ``ship_type`` and ``nav_status`` are the raw codes (the pyais path re-reads them from the
  bits), except a ship type of type 5 or 19 cut by the end of the vector, which keeps pyais's
  ``ShipType`` conversion (reserved codes fold onto the range's ``*_Reserved`` member,
  unknown codes onto 0). Type 24 part numbers 2 and 3 are counted as ``type24_invalid_part``;
  part B of an auxiliary craft (MMSI 98XXXYYYY) carries a mothership MMSI, not dimensions.

Left to pyais (``handled`` False): types other than the bulk ones (except type ids 29–63,
counted as ``unknown_type`` like pyais does), vectors of 8 bits or fewer (no MMSI: the pyais
path cannot build a row for them), and text payloads holding non-ASCII characters (pyais
replaces each by ``?``, which changes the length).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.lib.stride_tricks import as_strided

from vesseltrack._schema import STRING
from vesseltrack.ais._compiled import (
    BAD_FILL,
    BAD_PART,
    CLASS_A_BITS,
    CLASS_B_BITS,
    DECODED,
    EMPTY,
    UNKNOWN_TYPE,
    PositionArena,
    triage_messages,
)
from vesseltrack.ais._decode import POSITION_FIELDS, STATIC_FIELDS, DecodedBatch

__all__ = ["FAST_TYPES", "decode_batch_fast"]

FAST_TYPES = frozenset({1, 2, 3, 5, 18, 19, 24, 27})
"""Message types decoded by :func:`decode_batch_fast`."""

_CHUNK_MESSAGES = 1 << 16
"""Messages decoded per vector pass (keeps temporaries in cache and memory bounded)."""

_MIN_BITS = 38
"""Shortest bit vector decoded here: the whole MMSI (bits 8-37). Shorter ones go to the
pyais path, which counts them as ``too_short`` (pyais would return a partial MMSI)."""


def _text_table() -> np.ndarray:
    """Six-bit value → ASCII byte of AIS text (0-31 → '@'..'_', 32-63 → ' '..'?')."""
    value = np.arange(64, dtype=np.uint8)
    return np.where(value < 32, value + 64, value).astype(np.uint8)


def _ship_type_table() -> np.ndarray:
    """Raw 8-bit ship type → value of pyais's ``ShipType`` enum conversion."""
    known = {0, 29, 49, 58, 59, 69, 79, 89, 99}
    for low, high in ((20, 25), (30, 37), (40, 45), (50, 56), (60, 65), (70, 75), (80, 85),
                      (90, 95)):
        known.update(range(low, high + 1))
    table = np.zeros(256, dtype=np.int16)
    table[sorted(known)] = sorted(known)
    # Unknown codes inside a decade's reserved span fold onto that span's first code.
    for reserved, low, high in ((25, 25, 29), (45, 45, 49), (56, 56, 58), (65, 65, 69),
                                (75, 75, 79), (85, 85, 89), (95, 95, 99)):
        span = np.arange(low + 1, high)
        table[span[~np.isin(span, sorted(known))]] = reserved
    return table


_TEXT = _text_table()
_SHIP_TYPE = _ship_type_table()
_AT = 64  # '@'
_BLANK = 32  # ' '

_COMPLETE_BITS = np.full(64, np.iinfo(np.int64).max, dtype=np.int64)
_COMPLETE_BITS[[1, 2, 3]] = CLASS_A_BITS
_COMPLETE_BITS[18] = CLASS_B_BITS
"""Bit length from which a message goes to the compiled kernel (types 1-3 and 18 only)."""
_POSITION_TYPES = np.zeros(64, dtype=bool)
_POSITION_TYPES[[1, 2, 3, 18, 19, 27]] = True
_FAST = np.zeros(64, dtype=bool)
_FAST[sorted(FAST_TYPES)] = True

# Bit layouts (offset, width) of the fields read, ITU-R M.1371 as laid out by pyais.
_MMSI = (8, 30)
_CLASS_A = {"status": (38, 4), "speed": (50, 10), "lon": (61, 28), "lat": (89, 27),
            "course": (116, 12), "heading": (128, 9)}
_CLASS_B = {"speed": (46, 10), "lon": (57, 28), "lat": (85, 27), "course": (112, 12),
            "heading": (124, 9)}
_TYPE19 = {"shipname": (143, 120), "ship_type": (263, 8), "to_bow": (271, 9),
           "to_stern": (280, 9), "to_port": (289, 6), "to_starboard": (295, 6)}
_TYPE27 = {"status": (40, 4), "lon": (44, 18), "lat": (62, 17), "speed": (79, 6),
           "course": (85, 9)}
_TYPE5 = {"imo": (40, 30), "callsign": (70, 42), "shipname": (112, 120), "ship_type": (232, 8),
          "to_bow": (240, 9), "to_stern": (249, 9), "to_port": (258, 6),
          "to_starboard": (264, 6), "draught": (294, 8), "destination": (302, 120)}
_TYPE24A = {"shipname": (40, 120)}
_TYPE24B = {"ship_type": (40, 8), "callsign": (90, 42), "to_bow": (132, 9),
            "to_stern": (141, 9), "to_port": (150, 6), "to_starboard": (156, 6)}

_POSITION_LAYOUT = {1: _CLASS_A, 2: _CLASS_A, 3: _CLASS_A, 18: _CLASS_B, 19: _CLASS_B,
                    27: _TYPE27}

_STATIC_BITS = np.array([max(o + w for o, w in layout.values())
                         for layout in (_TYPE5, _TYPE24A, _TYPE24B)], dtype=np.int64)
"""Bit length from which types 5, 24 part A and 24 part B go to the compiled kernel (every
field read is whole: 422, 160, 162)."""

_NAME_CHARS = 20
_CALLSIGN_CHARS = 7
_DESTINATION_CHARS = 20
_IMO_MAX = 999_999_999  # larger values are masked as not an IMO number (mask_statics)
_AUX_MMSI_MIN = 980_000_000
_AUX_MMSI_MAX = 989_999_999


def _chars_needed(*layouts: dict[str, tuple[int, int]]) -> int:
    """Characters to gather so that every field (and its next character) is in the matrix."""
    end_bit = max(o + w for layout in layouts for o, w in layout.values())
    return end_bit // 6 + 2


# --------------------------------------------------------------------------- input buffer


def _payload_buffer(
    payloads: pa.Array | pa.ChunkedArray | Sequence[bytes | str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """Lay payloads out as one byte buffer.

    Returns
    -------
    data : ndarray of uint8
        Concatenated payload bytes.
    starts, lengths : ndarray of int64
        Start offset into ``data`` and length in characters of each payload.
    null : ndarray of bool
        Missing payloads (decoded like an empty one).
    is_text : bool
        True when the payloads are text (str / arrow string): non-ASCII characters then
        change the length pyais sees, so such payloads are not handled here.
    """
    arr = payloads
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not isinstance(arr, pa.Array):
        items = list(payloads)
        try:
            arr = pa.array(items)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # Mixed str/bytes: encode text as the pyais path does.
            arr = pa.array([p.encode("ascii", "replace") if isinstance(p, str) else p
                            for p in items], type=pa.binary())
        if pa.types.is_null(arr.type):
            arr = arr.cast(pa.binary())
    kind = arr.type
    is_text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
    if pa.types.is_string(kind) or pa.types.is_binary(kind):
        offset_dtype = np.int32
    elif pa.types.is_large_string(kind) or pa.types.is_large_binary(kind):
        offset_dtype = np.int64
    else:
        is_text = is_text or pa.types.is_string_view(kind)
        arr = arr.cast(pa.large_binary())
        offset_dtype = np.int64
    n = len(arr)
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], dtype=offset_dtype)[arr.offset:arr.offset + n + 1]
    offsets = offsets.astype(np.int64)
    data = (np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None
            else np.zeros(0, dtype=np.uint8))
    if arr.null_count:
        null = arr.is_null().to_numpy(zero_copy_only=False)
    else:
        null = np.zeros(n, dtype=bool)
    return data, offsets[:-1], np.diff(offsets), null, is_text


def _has_non_ascii(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per payload: does it hold a byte ≥ 128?"""
    n = len(starts)
    whole = len(data) // 8 * 8
    # OR-reduce the buffer as 64-bit words first: no temporary, and almost always ASCII.
    top_bits = int(np.bitwise_or.reduce(data[:whole].view(np.uint64))) if whole else 0
    if not (top_bits & 0x8080_8080_8080_8080 or (data[whole:] >= 128).any()):
        return np.zeros(n, dtype=bool)
    cum = np.concatenate(([0], np.cumsum(data >= 128, dtype=np.int64)))
    return cum[starts + lengths] > cum[starts]


def _gather_window(data: np.ndarray, starts: np.ndarray, n_chars: int) -> np.ndarray:
    """Six-bit values of ``n_chars`` characters from each start, char-major ``(n_chars, m)``.

    Every ``start + n_chars`` must lie within ``data``. The rows are read through a sliding
    window view of the buffer (one fancy index, a short copy per message) and de-armoured and
    transposed in one pass.
    """
    if len(starts) == 0:
        return np.zeros((n_chars, 0), dtype=np.uint8)
    window = as_strided(data, shape=(len(data) - n_chars + 1, n_chars),
                        strides=(data.strides[0], data.strides[0]), writeable=False)
    # De-armour with arithmetic (as ARMOR of vesseltrack.ais._compiled maps it, invalid bytes → 0), transposing into a
    # C-ordered matrix in the same pass: cheaper than a table lookup.
    six = np.subtract(window[starts].T, np.uint8(48), order="C")
    six -= (six > 40).view(np.uint8) << np.uint8(3)
    six *= (six < 64).view(np.uint8)
    return six


def _gather(data: np.ndarray, starts: np.ndarray, n_chars: int) -> np.ndarray:
    """Six-bit values of the first ``n_chars`` characters of each message, ``(n_chars, m)``.

    Characters past a payload's end read whatever follows in the buffer (zeros past its end);
    every reader of the matrix shifts out the bits past the message's bit length, so their
    value never matters.
    """
    limit = len(data) - n_chars  # starts up to here have n_chars bytes in the buffer
    late = starts > limit
    if not late.any():
        return _gather_window(data, starts, n_chars)
    # A few messages sit too close to the buffer's end: read them from a padded copy of the
    # tail.
    out = np.empty((n_chars, len(starts)), dtype=np.uint8)
    out[:, ~late] = _gather_window(data, starts[~late], n_chars)
    base = int(starts[late].min())
    tail = np.concatenate((data[base:], np.zeros(n_chars, dtype=np.uint8)))
    out[:, late] = _gather_window(tail, starts[late] - base, n_chars)
    return out


class _Spans:
    """Payload bytes: ``data``, and from ``len(data)`` on, ``extra`` (see :func:`decode_spans`)."""

    def __init__(self, data: np.ndarray, extra: np.ndarray | None) -> None:
        if not len(data) and extra is not None:
            data, extra = extra, None
        self.data = data
        self.size = len(data)
        self.extra = extra if extra is not None and len(extra) else None

    def gather(self, starts: np.ndarray, n_chars: int) -> np.ndarray:
        """:func:`_gather` over both buffers."""
        inside = starts < self.size if self.extra is not None else None
        if inside is None or inside.all():
            return _gather(self.data, starts, n_chars)
        out = np.empty((n_chars, len(starts)), dtype=np.uint8)
        out[:, inside] = _gather(self.data, starts[inside], n_chars)
        out[:, ~inside] = _gather(self.extra, starts[~inside] - self.size, n_chars)
        return out


# --------------------------------------------------------------------------- bit fields


class _Bits:
    """Field reader over a group of messages: six-bit matrix plus bit lengths."""

    def __init__(self, six: np.ndarray, n_bits: np.ndarray) -> None:
        self.six = six
        self.n_bits = n_bits
        self.min_bits = int(n_bits.min()) if len(n_bits) else 0

    def _raw(self, offset: int, width: int) -> np.ndarray:
        """Bits ``[offset, offset + width)`` as int64, ignoring the vector's end."""
        first, last = offset // 6, (offset + width - 1) // 6
        acc = self.six[first].astype(np.int64)
        for k in range(first + 1, last + 1):
            acc <<= 6
            acc |= self.six[k]
        acc >>= 6 * (last + 1) - (offset + width)
        acc &= (1 << width) - 1
        return acc

    def uint(self, offset: int, width: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Unsigned field and where it is present (None: complete in every vector)."""
        value = self._raw(offset, width)
        if self.min_bits >= offset + width:
            return value, None
        shift = np.clip(offset + width - self.n_bits, 0, width)
        value >>= shift
        return value, self.n_bits > offset

    def sint(self, offset: int, width: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Two's-complement field, sign-extended from the bits present (as pyais)."""
        value = self._raw(offset, width)
        if self.min_bits >= offset + width:
            sign = 1 << (width - 1)
            value ^= sign
            value -= sign
            return value, None
        shift = np.clip(offset + width - self.n_bits, 0, width)
        value >>= shift
        avail = width - shift
        negative = (avail > 0) & (((value >> np.maximum(avail - 1, 0)) & 1) == 1)
        value -= np.where(negative, np.int64(1) << avail, 0)
        return value, self.n_bits > offset

    def text(self, offset: int, n_chars: int) -> np.ndarray:
        """ASCII bytes of a six-bit text field, message-major ``(m, n_chars)``."""
        first, bit = divmod(offset, 6)
        head = self.six[first:first + n_chars]
        if bit:
            tail = self.six[first + 1:first + n_chars + 1]
            codes = (head << bit) | (tail >> (6 - bit))
            codes &= 63
        else:
            codes = head.copy()
        if self.min_bits < offset + 6 * n_chars:
            char_bit = offset + 6 * np.arange(n_chars, dtype=np.int64)
            shift = np.clip(char_bit[:, None] + 6 - self.n_bits[None, :], 0, 6)
            codes >>= shift.astype(np.uint8)
        return np.take(_TEXT, codes.T)


def _scaled(value: np.ndarray, present: np.ndarray | None, divisor: float) -> np.ndarray:
    out = value / divisor
    if present is not None:
        out[~present] = np.nan
    return out


def _lon_lat(value: np.ndarray, present: np.ndarray | None, per_degree: int) -> np.ndarray:
    """Degrees from 1/10000 min (``per_degree`` 600000) or 1/10 min (600), rounded as pyais.

    ``round(raw / per_degree, 6)`` done exactly in integers: ``per_degree`` 600000 →
    ``(10·raw + 3) // 6``, 600 → ``(10000·raw + 3) // 6`` micro-degrees.
    """
    factor = 6_000_000 // per_degree  # 10 or 10000: raw * factor / 6 = micro-degrees
    micro = (value * factor + 3) // 6
    return _scaled(micro, present, 1e6)


def _ship_type(bits: _Bits, field: tuple[int, int]) -> tuple[np.ndarray, np.ndarray | None]:
    """Ship type of types 5 and 19 as the pyais path gives it.

    A complete 8-bit code is kept raw (the pyais path re-reads it so that reserved codes
    survive); a code cut by the end of the vector keeps pyais's ``ShipType`` conversion.
    """
    value, present = bits.uint(*field)
    offset, width = field
    if bits.min_bits < offset + width:
        value = np.where(bits.n_bits < offset + width, _SHIP_TYPE[value], value)
    return value, present


def _dimension(bits: _Bits, a: tuple[int, int], b: tuple[int, int]) -> np.ndarray:
    """Sum of two dimension fields in metres; NaN unless both are present."""
    va, pa_ = bits.uint(*a)
    vb, pb = bits.uint(*b)
    out = (va + vb).astype(np.float64)
    for present in (pa_, pb):
        if present is not None:
            out[~present] = np.nan
    return out


# --------------------------------------------------------------------------- output tables


def _trim(n: int, size: int):
    """The first ``n`` entries of a buffer of ``size``: a view if that is most of it, else a
    copy (a table must not keep a mostly unused buffer alive)."""
    if 2 * n >= size:
        return lambda buffer: buffer[:n]
    return lambda buffer: buffer[:n].copy()


class _Positions:
    """Column buffers of the positions table, indexed by output row: the first ``n`` rows
    of the triage's columns (which the compiled triage fills or initialises)."""

    def __init__(self, triage, n: int) -> None:
        self.rows = triage.pos_row[:n]
        # the arena the columns are rows of (None: buffers of their own), and where they start
        self.arena = triage.arena
        self.arena_start = triage.arena_start
        # the table keeps these columns: views while they hold most of the buffers (sized
        # for every message) or lie in an arena, copies otherwise
        own = _trim(n, n if self.arena is not None else len(triage.code))
        self.msg_type = own(triage.pos_type)
        self.mmsi = own(triage.mmsi)
        self.lon_deg = own(triage.lon_deg)
        self.lat_deg = own(triage.lat_deg)
        self.sog_knots = own(triage.sog_knots)
        self.cog_deg = own(triage.cog_deg)
        self.heading_deg = own(triage.heading_deg)
        self.status = own(triage.status)
        self.status_na = own(triage.status_na)

    def mask(self, slots: np.ndarray) -> None:
        """Mask rows ``slots`` as :func:`~vesseltrack.ais._decode.mask_positions` (the
        compiled triage masks the rows it decodes itself)."""
        if not len(slots):
            return
        lon_deg, lat_deg = self.lon_deg[slots], self.lat_deg[slots]
        sog_knots = self.sog_knots[slots]
        with np.errstate(invalid="ignore"):
            bad_pos = ~((np.abs(lon_deg) <= 180.0) & (np.abs(lat_deg) <= 90.0))
            lon_deg[bad_pos] = np.nan
            lat_deg[bad_pos] = np.nan
            is27 = self.msg_type[slots] == 27
            sog_knots[np.where(is27, sog_knots >= 63.0, sog_knots >= 102.25)
                      | (sog_knots < 0)] = np.nan
            self.lon_deg[slots], self.lat_deg[slots] = lon_deg, lat_deg
            self.sog_knots[slots] = sog_knots
            for angle_deg in (self.cog_deg, self.heading_deg):
                values = angle_deg[slots]
                values[(values >= 360.0) | (values < 0)] = np.nan
                angle_deg[slots] = values

    def columns(self) -> dict:
        """The positions table's columns (masked: see :meth:`mask`), no copy."""
        columns = dict.fromkeys(POSITION_FIELDS)
        columns.update(mmsi=self.mmsi, msg_type=self.msg_type, lon=self.lon_deg,
                       lat=self.lat_deg, sog_knots=self.sog_knots, cog_deg=self.cog_deg,
                       heading_deg=self.heading_deg,
                       nav_status=pd.arrays.IntegerArray(self.status, self.status_na))
        return columns

    def frame(self) -> pd.DataFrame:
        """The positions table with its ``row`` column."""
        return pd.DataFrame({"row": self.rows, **self.columns()}, copy=False)


class _Statics:
    """Column buffers of the statics table, indexed by output row: the first ``n`` rows of
    the triage's columns (which the compiled triage fills or initialises)."""

    def __init__(self, triage, n: int) -> None:
        self.rows = triage.sta_row[:n]
        own = _trim(n, len(triage.code))  # (as _Positions; the text becomes Arrow strings)
        self.msg_type = own(triage.sta_type)
        self.mmsi = own(triage.sta_mmsi)
        self.imo = own(triage.imo)
        self.imo_na = own(triage.imo_na)
        self.ship_type = own(triage.ship_type)
        self.ship_type_na = own(triage.ship_type_na)
        self.draught_m = own(triage.draught_m)
        self.length_m = own(triage.length_m)
        self.beam_m = own(triage.beam_m)
        self.name = triage.name[:n]
        self.callsign = triage.callsign[:n]
        self.destination = triage.destination[:n]

    def set_ship_type(self, slot: np.ndarray, value: np.ndarray,
                      present: np.ndarray | None) -> None:
        self.ship_type[slot] = value
        self.ship_type_na[slot] = False if present is None else ~present

    def frame(self) -> pd.DataFrame:
        """The statics table with its ``row`` column."""
        return pd.DataFrame({"row": self.rows, **self.columns()}, copy=False)

    def columns(self) -> dict:
        """The statics table's columns, masked as :func:`~vesseltrack.ais._decode.mask_statics`."""
        imo_na = self.imo_na | (self.imo <= 0) | (self.imo > _IMO_MAX)
        ship_type_na = self.ship_type_na | (self.ship_type <= 0)
        with np.errstate(invalid="ignore"):
            for size_m in (self.draught_m, self.length_m, self.beam_m):
                size_m[size_m <= 0] = np.nan
        columns = dict.fromkeys(STATIC_FIELDS)
        columns.update(
            mmsi=self.mmsi, msg_type=self.msg_type,
            imo=pd.arrays.IntegerArray(self.imo, imo_na),
            name=_strings(self.name).array, callsign=_strings(self.callsign).array,
            ship_type=pd.arrays.IntegerArray(self.ship_type, ship_type_na),
            draught_m=self.draught_m, destination=_strings(self.destination).array,
            length_m=self.length_m, beam_m=self.beam_m)
        return columns


def _strings(text: np.ndarray) -> pd.Series:
    """Fixed-width ASCII rows → ``string`` column, ``@``/blanks trimmed at both ends, empty → NA.

    Same result as :func:`~vesseltrack.ais._decode.clean_text` on pyais's text (six-bit text
    holds no other blank than the space).
    """
    n, width = text.shape
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), n,
                                                 [None, pa.py_buffer(text)])
    trimmed = pc.utf8_trim(fixed.cast(pa.binary()).cast(pa.string()), characters="@ ")
    cleaned = pc.if_else(pc.equal(pc.binary_length(trimmed), 0),
                         pa.scalar(None, type=pa.string()), trimmed)
    return pd.Series(pd.arrays.ArrowStringArray(cleaned)).astype(STRING)


# --------------------------------------------------------------------------- decoders per type


def _decode_position(bits: _Bits, out: _Positions, slot: np.ndarray,
                     layout: dict[str, tuple[int, int]], *, type27: bool = False) -> None:
    """Fill the position columns of one group (types 1-3, 18, 19 or 27)."""
    per_degree = 600 if type27 else 600_000
    out.lon_deg[slot] = _lon_lat(*bits.sint(*layout["lon"]), per_degree)
    out.lat_deg[slot] = _lon_lat(*bits.sint(*layout["lat"]), per_degree)
    out.sog_knots[slot] = _scaled(*bits.uint(*layout["speed"]), 1.0 if type27 else 10.0)
    out.cog_deg[slot] = _scaled(*bits.uint(*layout["course"]), 1.0 if type27 else 10.0)
    if "heading" in layout:
        out.heading_deg[slot] = _scaled(*bits.uint(*layout["heading"]), 1.0)
    if "status" in layout:
        status, present = bits.uint(*layout["status"])
        out.status[slot] = status
        out.status_na[slot] = False if present is None else ~present


def _decode_group(msg_type: int, bits: _Bits, pos_slot: np.ndarray, sta_slot: np.ndarray,
                  positions: _Positions, statics: _Statics, part_b: np.ndarray) -> None:
    """Decode one chunk of one message group into the output buffers.

    ``part_b`` flags type-24 part B messages (ignored for the other types).
    """
    mmsi = bits.uint(*_MMSI)[0]
    if msg_type in (1, 2, 3, 18, 19, 27):
        positions.mmsi[pos_slot] = mmsi
        layout = _POSITION_LAYOUT[msg_type]
        _decode_position(bits, positions, pos_slot, layout, type27=msg_type == 27)
    if msg_type in (5, 19, 24):
        statics.mmsi[sta_slot] = mmsi
    if msg_type == 19:
        f = _TYPE19
        statics.name[sta_slot] = bits.text(f["shipname"][0], _NAME_CHARS)
        statics.set_ship_type(sta_slot, *_ship_type(bits, f["ship_type"]))
        statics.length_m[sta_slot] = _dimension(bits, f["to_bow"], f["to_stern"])
        statics.beam_m[sta_slot] = _dimension(bits, f["to_port"], f["to_starboard"])
    elif msg_type == 5:
        f = _TYPE5
        imo, present = bits.uint(*f["imo"])
        statics.imo[sta_slot] = imo
        statics.imo_na[sta_slot] = False if present is None else ~present
        statics.callsign[sta_slot] = bits.text(f["callsign"][0], _CALLSIGN_CHARS)
        statics.name[sta_slot] = bits.text(f["shipname"][0], _NAME_CHARS)
        statics.destination[sta_slot] = bits.text(f["destination"][0], _DESTINATION_CHARS)
        statics.set_ship_type(sta_slot, *_ship_type(bits, f["ship_type"]))
        statics.draught_m[sta_slot] = _scaled(*bits.uint(*f["draught"]), 10.0)
        statics.length_m[sta_slot] = _dimension(bits, f["to_bow"], f["to_stern"])
        statics.beam_m[sta_slot] = _dimension(bits, f["to_port"], f["to_starboard"])
    elif msg_type == 24:
        part_a = ~part_b
        if part_a.any():
            name = bits.text(_TYPE24A["shipname"][0], _NAME_CHARS)
            statics.name[sta_slot[part_a]] = name[part_a]
        if part_b.any():
            f = _TYPE24B
            ship_type, present = bits.uint(*f["ship_type"])
            sel = sta_slot[part_b]
            statics.set_ship_type(sel, ship_type[part_b],
                                  None if present is None else present[part_b])
            callsign = bits.text(f["callsign"][0], _CALLSIGN_CHARS)
            statics.callsign[sel] = callsign[part_b]
            dims = part_b & ~((mmsi >= _AUX_MMSI_MIN) & (mmsi <= _AUX_MMSI_MAX))
            statics.length_m[sta_slot[dims]] = _dimension(bits, f["to_bow"], f["to_stern"])[dims]
            statics.beam_m[sta_slot[dims]] = _dimension(bits, f["to_port"],
                                                      f["to_starboard"])[dims]


_GROUP_CHARS = {
    1: _chars_needed(_CLASS_A), 2: _chars_needed(_CLASS_A), 3: _chars_needed(_CLASS_A),
    18: _chars_needed(_CLASS_B), 19: _chars_needed(_CLASS_B, _TYPE19),
    27: _chars_needed(_TYPE27), 5: _chars_needed(_TYPE5),
    24: _chars_needed(_TYPE24A, _TYPE24B),
}


# --------------------------------------------------------------------------- public API


def decode_batch_fast(
    payloads: pa.Array | pa.ChunkedArray | Sequence[bytes | str],
    fill_bits: np.ndarray | Sequence[int],
) -> tuple[DecodedBatch, np.ndarray]:
    """Decode the bulk AIS types of a batch of payloads with vector operations.

    Same contract as :func:`vesseltrack.ais._decode.decode_batch` for the messages it
    handles; the caller decodes the others with that function and concatenates.

    Parameters
    ----------
    payloads : pyarrow.Array (string or binary) or sequence of bytes or str
        Armoured payloads, one per complete message (all fragments joined). A null payload
        counts as empty.
    fill_bits : array of int
        Fill bits of each payload (0-5), same length as ``payloads``.

    Returns
    -------
    batch : DecodedBatch
        ``positions`` (types 1, 2, 3, 18, 19, 27) and ``statics`` (5, 19, 24) rows of the
        handled messages, with the columns, dtypes and masking of the pyais path and a ``row``
        column (index into ``payloads``, ascending); ``errors`` counts the handled messages
        that failed, by the pyais path's reasons (``empty_payload``, ``bad_fill_bits``,
        ``unknown_type``, ``type24_invalid_part``).
    handled : ndarray of bool
        True for every message accounted for here (decoded or counted as an error); pass the
        others to ``decode_batch``.

    Raises
    ------
    ValueError
        If ``payloads`` and ``fill_bits`` differ in length.

    Examples
    --------
    >>> import numpy as np
    >>> batch, handled = decode_batch_fast(["15RTgt0PAso;90TKcjM8h6g208CQ"], np.array([0]))
    >>> int(batch.positions.loc[0, "mmsi"]), bool(handled[0])
    (371798000, True)
    """
    data, starts, lengths, null, is_text = _payload_buffer(payloads)
    return decode_spans(data, starts, lengths, fill_bits, null=null, is_text=is_text)


def decode_span_columns(
    data: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    fill_bits: np.ndarray | Sequence[int],
    *,
    null: np.ndarray | None = None,
    is_text: bool = False,
    extra: np.ndarray | None = None,
    arena: PositionArena | None = None,
) -> tuple[_Positions, _Statics, Counter, np.ndarray]:
    """:func:`decode_spans` without building DataFrames: the positions and statics column
    buffers (``rows``, ``columns()``), the error counts and the ``handled`` mask.

    With an ``arena``, the position columns are its next rows when they fit (see
    :class:`vesseltrack.ais._compiled.PositionArena`)."""
    n = len(starts)
    fill = np.asarray(fill_bits)
    if fill.shape != (n,):
        raise ValueError(f"{n} payloads but fill_bits has shape {fill.shape}")
    if fill.dtype != np.int8:  # out of range stays out of range
        fill = np.clip(fill.astype(np.int64), -1, 6).astype(np.int8)
    lengths = np.asarray(lengths, dtype=np.int64)
    non_ascii = _has_non_ascii(data, starts, lengths) if is_text else None
    spans = _Spans(data, extra)
    triage = triage_messages(data, extra if extra is not None else _NO_BYTES, starts, lengths,
                             fill, null, non_ascii, _FAST, _POSITION_TYPES, _COMPLETE_BITS,
                             _STATIC_BITS, arena)
    positions = _Positions(triage, triage.n_positions)
    statics = _Statics(triage, triage.n_statics)

    # the rest (statics, types 19 and 27, reports cut short): vector passes per type
    k = triage.n_rest
    rest, rest_type = triage.rest[:k], triage.rest_type[:k]
    rest_pos, rest_sta = triage.rest_pos[:k], triage.rest_sta[:k]
    n_bits = lengths[rest] * 6 - fill[rest]
    for group in sorted(FAST_TYPES):
        members = np.flatnonzero(rest_type == group)
        for lo in range(0, len(members), _CHUNK_MESSAGES):
            sel = members[lo:lo + _CHUNK_MESSAGES]
            idx = rest[sel]
            bits = _Bits(spans.gather(starts[idx], _GROUP_CHARS[group]), n_bits[sel])
            _decode_group(group, bits, rest_pos[sel], rest_sta[sel], positions, statics,
                          triage.rest_part_b[sel])
    positions.mask(rest_pos[rest_pos >= 0])

    errors: Counter = Counter()
    tally = np.bincount(triage.code, minlength=DECODED + 1)
    for reason, code in _REASONS.items():
        if tally[code]:
            errors[reason] += int(tally[code])
    handled = triage.code != 0
    return positions, statics, errors, handled


def decode_spans(
    data: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    fill_bits: np.ndarray | Sequence[int],
    *,
    null: np.ndarray | None = None,
    is_text: bool = False,
    extra: np.ndarray | None = None,
) -> tuple[DecodedBatch, np.ndarray]:
    """:func:`decode_batch_fast` over payloads given as byte spans of one buffer.

    Payload ``i`` is ``data[starts[i] : starts[i] + lengths[i]]`` (spans in any order, as the
    framer hands them over without copying); ``null`` marks missing payloads; ``is_text``
    asks for the non-ASCII check that text input needs (the framer only passes armour
    characters). Spans starting at ``len(data)`` or later lie in ``extra``, as if it
    followed ``data`` (the framer's joined fragments: the chunk's bytes are not copied).
    """
    positions, statics, errors, handled = decode_span_columns(
        data, starts, lengths, fill_bits, null=null, is_text=is_text, extra=extra)
    return DecodedBatch(positions.frame(), statics.frame(), errors), handled


_REASONS = {"empty_payload": EMPTY, "bad_fill_bits": BAD_FILL, "unknown_type": UNKNOWN_TYPE,
            "type24_invalid_part": BAD_PART}
_NO_BYTES = np.zeros(0, dtype=np.uint8)
