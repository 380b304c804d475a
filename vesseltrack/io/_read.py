"""``read_ais``: any mix of AIS files, folders and globs into positions and statics tables.

The format of each file is detected from its content, never from its name: NMEA (plain or
gzip), NOAA MarineCadastre CSV, Danish Maritime Authority CSV, or vesseltrack's own Parquet.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import os
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from vesseltrack._schema import (
    POSITION_COLUMNS,
    POSITION_MSG_TYPES,
    STATIC_COLUMNS,
    STATIC_MSG_TYPES,
    STRING,
    UTC_NS,
    empty_frame,
    positions_frame,
    statics_frame,
)
from vesseltrack.ais import DecodeReport
from vesseltrack.ais._compiled import PositionArena, line_offsets
from vesseltrack.ais._decode import decode_batch
from vesseltrack.ais._nmea import FramingParams, Messages, NMEAFramer
from vesseltrack.io._csv import CORRUPT_ERRORS as _CORRUPT
from vesseltrack.io._csv import LayoutError

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
SNIFF_BYTES = 64 * 1024
CHUNK_BYTES = 16 * 1024 * 1024
"""Bytes of a file framed at a time (about 200,000 NMEA lines): peak memory is bounded by this.

Measured on the bench corpus, 16 MiB frames faster than 32 MiB: the chunk's temporaries stay
below glibc's largest mmap threshold (32 MiB), so their memory is reused instead of being
mapped and faulted in afresh for every array."""
MAX_LINE_BYTES = 64 * 1024
"""A 'line' longer than this is cut into pieces, each counted as malformed."""


class InputError(Exception):
    """A user mistake about inputs (missing file, folder without AIS, unreadable path)."""


@dataclass
class AISData:
    """What :func:`read_ais` returns.

    Attributes
    ----------
    positions : pandas.DataFrame
        The positions table (docs/contracts.md contract).
    statics : pandas.DataFrame
        The statics table.
    report : DecodeReport
        Counts of everything read.
    """

    positions: pd.DataFrame
    statics: pd.DataFrame
    report: DecodeReport


def _is_ais_nmea(head: bytes) -> bool:
    return b"VDM," in head or b"VDO," in head


def sniff_format(path: str | os.PathLike) -> str:
    """Return the format of a file from its first bytes.

    One of ``"parquet"``, ``"noaa"``, ``"dma"`` or ``"nmea"`` (anything else is read as NMEA,
    so junk shows up as malformed lines in the report).
    """
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if _compression(Path(path)):
        head = _decompressed_head(path)
        if head is None:
            return "nmea"  # reading it will fail and list it among the failed files
    csv_kind = _sniff_csv(head)
    return csv_kind or "nmea"


def _decompressed_head(path: str | os.PathLike) -> bytes | None:
    """The first bytes of a gzip, zip or zstd file's content (None if it cannot be read)."""
    from contextlib import ExitStack

    from vesseltrack.io._csv import open_decompressed

    try:
        with ExitStack() as stack:
            return open_decompressed(path, stack).read(SNIFF_BYTES)
    except (*_CORRUPT, ValueError):
        return None


def _sniff_csv(head: bytes) -> str | None:
    try:
        from vesseltrack.io._csv import sniff_csv
    except ImportError:  # pragma: no cover - the CSV module ships with the package
        return None
    return sniff_csv(head)


def expand_inputs(inputs: Iterable[str | os.PathLike]) -> list[Path]:
    """Expand files, folders and globs into a sorted, de-duplicated list of files.

    Files named explicitly (or matched by a glob) are always read. A folder contributes every
    file in it (recursively) whose content is AIS: NMEA with VDM/VDO sentences, a known CSV
    export, or Parquet.

    Raises
    ------
    InputError
        A path that does not exist, a glob that matches nothing, or a folder with no AIS file.
    """
    out: list[Path] = []
    for item in inputs:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            found = [p for p in sorted(path.rglob("*")) if p.is_file() and _looks_like_ais(p)]
            if not found:
                raise InputError(f"no AIS files in folder: {text}")
            out.extend(found)
        elif path.exists():
            if not path.is_file():
                raise InputError(f"not a regular file: {text}")
            out.append(path)
        elif glob.has_magic(text):
            matches = [Path(p) for p in sorted(glob.glob(text, recursive=True)) if Path(p).is_file()]
            if not matches:
                raise InputError(f"no files match: {text}")
            out.extend(matches)
        else:
            raise InputError(f"no such file or folder: {text}")
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _looks_like_ais(path: Path) -> bool:
    try:
        kind = sniff_format(path)
        if kind != "nmea":
            return True
        if _compression(path):
            head = _decompressed_head(path)
            return True if head is None else _is_ais_nmea(head)  # damaged: listed as failed
        with open(path, "rb") as fh:
            return _is_ais_nmea(fh.read(SNIFF_BYTES))
    except OSError:
        return False


def _compression(path: Path) -> bool:
    """Whether the file starts with gzip, zip or zstd magic bytes."""
    from vesseltrack.io._csv import is_zstd_frame

    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    magic = head[:4]
    if magic == b"\x28\xb5\x2f\xfd":
        return is_zstd_frame(head)
    return magic.startswith(GZIP_MAGIC) or magic == b"PK\x03\x04"


def _not_ais(path: Path, head: bytes) -> InputError:
    """The error for a file in which nothing could be read as AIS."""
    from vesseltrack.io._csv import LAYOUTS_TRIED

    if b"\x00" in head or sum(b >= 0x80 for b in head[:4096]) > len(head[:4096]) // 10:
        what = "a binary file, not AIS data (tried NMEA, CSV and Parquet)"
    else:
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        what = ("not AIS data: no AIS sentence (!AIVDM/!AIVDO) and a header in no known CSV "
                f"layout (delimiters tried: comma, semicolon, tab, pipe; layouts tried: "
                f"{LAYOUTS_TRIED}); map its columns with --columns "
                f"(first line: {first[:80]!r})")
    return InputError(f"{path}: {what}")


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(SNIFF_BYTES)


def _iter_line_chunks(
    fh: io.BufferedIOBase, chunk_bytes: int, report: DecodeReport
) -> Iterator[tuple[pa.Array, np.ndarray | None]]:
    """Yield ``(lines, non_ascii)`` chunks of about ``chunk_bytes`` (see :func:`lines_array`).

    Lines end at LF, CR LF or a lone CR; a UTF-8 byte-order mark at the start is dropped.
    Each chunk is read into a buffer of its own, with the unfinished last line of the previous
    read in front; the lines point into it (no copy). The buffer is not zero-filled first: a
    small file touches only the memory its bytes need.
    """
    rest = b""
    first = True
    spare: np.ndarray | None = None
    while True:
        if len(rest) <= _SHORT_REST:  # the usual case: part of one line left over
            buf = spare if spare is not None else np.empty(_SHORT_REST + chunk_bytes,
                                                          dtype=np.uint8)
            spare = None
            buf[:len(rest)] = np.frombuffer(rest, dtype=np.uint8)
            try:
                got = fh.readinto(memoryview(buf)[len(rest):len(rest) + chunk_bytes])
            except _CORRUPT:
                _count_cut_line(rest, report)
                raise
        else:  # a very long line: no big buffer before knowing more bytes come
            spare = None
            try:
                block = fh.read(chunk_bytes)
            except _CORRUPT:
                _count_cut_line(rest, report)
                raise
            got = len(block)
            buf = np.frombuffer(rest + block, dtype=np.uint8)
            del block
        if not got:
            break
        end = len(rest) + got
        begin = 0
        if first:
            head = buf[:min(end, len(_BOM))].tobytes()
            if end < len(_BOM) and _BOM.startswith(head):
                rest = head
                continue
            if head == _BOM:
                begin = len(_BOM)
            first = False
        cut = _last_break(buf, begin, end)
        if cut < 0:
            if end - begin > MAX_LINE_BYTES:
                # A huge line without a newline: count pieces as malformed, keep memory flat.
                pieces = (end - begin + MAX_LINE_BYTES - 1) // MAX_LINE_BYTES
                report.lines += pieces
                report.malformed += pieces
                rest = b""
            else:
                rest = buf[begin:end].tobytes()
            continue
        rest = buf[cut + 1:end].tobytes()
        yield lines_array(buf[begin:cut])
        # Back here, the consumer is done with the chunk; if nothing points into the buffer
        # any more (no view of it is alive), the next read reuses it: fresh memory is slow.
        if len(buf) == _SHORT_REST + chunk_bytes and _unreferenced(buf):
            spare = buf
        del buf
    if first and rest.startswith(_BOM):
        rest = rest[len(_BOM):]
    if rest.endswith(b"\r"):
        rest = rest[:-1]
    if rest:
        yield lines_array(rest)


class _Salvaging:
    """A decompressing stream whose damaged or truncated end costs only the damage.

    Read as the stream itself (one ``readinto`` per chunk, the fast path). When a read fails,
    the decompressed bytes that read had gathered are lost with it (the buffered reader drops
    them: up to a whole chunk of good lines before a truncation); so the stream is opened
    again (``reopen``), the bytes already delivered are skipped, and the rest is read in the
    decompressor's own small steps until the error: what came before it is returned, and the
    error is raised by the next read, which reports the file as failed. Undamaged files never
    take the slow path.
    """

    def __init__(self, reopen) -> None:
        self._reopen = reopen
        self._fh = reopen()
        self._delivered = 0
        self._error: BaseException | None = None

    def readinto(self, view) -> int:
        if self._error is not None:
            raise self._error
        try:
            n = self._fh.readinto(view)
        except _CORRUPT as exc:
            n = self._salvage(view, exc)
        self._delivered += n
        return n

    def _salvage(self, view, exc: BaseException) -> int:
        fh = self._reopen()
        left = self._delivered
        while left:
            left -= len(fh.read(min(left, CHUNK_BYTES)))
        n = 0
        try:
            while n < len(view):
                piece = fh.read1(len(view) - n)
                if not piece:
                    break
                view[n:n + len(piece)] = piece
                n += len(piece)
        except _CORRUPT as again:
            exc = again
        self._error = exc
        if not n:
            raise exc
        return n

    def read(self, size: int) -> bytes:
        buf = bytearray(size)
        return bytes(buf[:self.readinto(memoryview(buf))])


def _count_cut_line(rest: bytes, report: DecodeReport) -> None:
    """The unfinished line a damaged stream ends with: a line, malformed."""
    if rest.strip():
        report.lines += 1
        report.malformed += 1


_BOM = b"\xef\xbb\xbf"
_SHORT_REST = 1 << 16
_HAS_REFCOUNT = hasattr(sys, "getrefcount") and sys.implementation.name == "cpython"


def _unreferenced(buf: np.ndarray) -> bool:
    """Whether nothing but the caller's name (and the argument) refers to ``buf``, so that it
    may be overwritten.

    On CPython the reference count says so exactly (2: the caller's variable and this
    argument). Other interpreters (PyPy, GraalPy) have no reliable reference count: there
    the answer is always False, every chunk gets a fresh buffer, and reading is as correct
    but somewhat slower (fresh memory costs a page fault per page).
    """
    if not _HAS_REFCOUNT:
        return False
    return sys.getrefcount(buf) <= 3  # the caller's name, this argument, getrefcount's own


def _last_break(buf: np.ndarray, begin: int, end: int) -> int:
    """Index of the last line break in ``buf[begin:end]`` (LF, or a CR not at the very end),
    or -1.

    A CR as the last byte may be the first half of a CR LF split across reads: it stays for
    the next read. The search goes backwards in growing windows (lines are short).
    """
    stop, width = end, 4096
    while stop > begin:
        lo = max(begin, stop - width)
        window = buf[lo:stop]
        hits = np.flatnonzero((window == 0x0A) | (window == 0x0D))
        if len(hits) and lo + hits[-1] == end - 1 and buf[end - 1] == 0x0D:
            hits = hits[:-1]
        if len(hits):
            return lo + int(hits[-1])
        stop, width = lo, width * 4
    return -1


def _all_ascii(buf: np.ndarray) -> bool:
    """Whether every byte is below 128 (the bulk OR-ed eight bytes at a time, no temporary)."""
    whole = len(buf) // 8 * 8
    top = int(np.bitwise_or.reduce(buf[:whole].view(np.uint64))) if whole else 0
    return not (top & 0x8080_8080_8080_8080 or (buf[whole:] >= 0x80).any())


def lines_array(data: bytes | np.ndarray) -> tuple[pa.Array, np.ndarray | None]:
    """Split ``data`` into an Arrow string array of lines, without a Python object per line
    and without copying the bytes (the array points into ``data``).

    ``data`` (bytes, or a uint8 array) holds whole lines without the last terminator
    (``b"A\\nB"`` gives two lines). Lines end at LF, CR LF or a lone CR; each keeps its
    terminator, which the framer trims.

    Returns
    -------
    lines : pyarrow.LargeStringArray
        One string per line. Bytes outside ASCII never occur in valid NMEA; they are replaced
        by ``?`` so that the array is valid UTF-8...
    non_ascii : numpy.ndarray of bool or None
        ... and such lines are flagged here (None when the data is pure ASCII), so that the
        replacement can never make a damaged sentence look valid.
    """
    buf = data if isinstance(data, np.ndarray) else np.frombuffer(data, dtype=np.uint8)
    non_ascii = None
    is_ascii = _all_ascii(buf)
    if not is_ascii:
        bad = buf >= 0x80
        buf = np.where(bad, np.uint8(ord("?")), buf)
    offsets = line_offsets(buf)
    if not is_ascii:
        # per line: any byte outside ASCII (memory in lines, not bytes)
        starts = offsets[:-1]
        nonempty = offsets[1:] > starts
        any_bad = np.zeros(len(starts), dtype=bool)
        if nonempty.any():
            any_bad[nonempty] = np.logical_or.reduceat(bad, starts[nonempty])
        non_ascii = any_bad
        del bad
    arr = pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets),
                                           pa.py_buffer(buf))
    return arr, non_ascii


_ROW_TYPES = np.array(sorted(POSITION_MSG_TYPES | STATIC_MSG_TYPES))


def _payload_types(msgs: Messages, rows: np.ndarray) -> np.ndarray:
    """Message type of the armoured payloads ``rows``, from their first character (-1 if
    empty)."""
    out = np.full(len(rows), -1, dtype=np.int16)
    has = msgs.lengths[rows] > 0
    six = msgs.first_bytes(rows[has]).astype(np.int16) - 48
    out[has] = np.where(six > 40, six - 8, six)
    return out


def _decode_messages(msgs: Messages, framer: NMEAFramer, fast: bool,
                     whole: WholePositions | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The positions and statics tables of a chunk's messages (``whole``: see
    :class:`WholePositions`)."""
    report = framer.report
    report.messages += len(msgs)
    time_ns = framer.validate_times(np.asarray(msgs.time_ns, dtype=np.int64))
    fills = np.asarray(msgs.fill_bits, dtype=np.int8)
    parts_pos = []
    parts_sta = []
    remaining = np.arange(len(msgs))
    decoded = None
    if fast and len(msgs):
        try:
            from vesseltrack.ais._fast import decode_span_columns
        except ImportError:
            decode_span_columns = None
        if decode_span_columns is not None:
            positions, statics, errors, handled = decode_span_columns(
                msgs.data, msgs.starts, msgs.lengths, fills, extra=msgs.extra,
                arena=None if whole is None else whole.arena_for(len(msgs), len(msgs.data)))
            decoded = (positions, statics)
            for reason, n in errors.items():
                report.add_decode_error(reason, n)
            remaining = np.flatnonzero(~np.asarray(handled, dtype=bool))
    if len(remaining):
        # Only messages that can become rows are worth pyais's time (base stations, binary
        # and safety messages are framed and counted, not decoded).
        remaining = remaining[np.isin(_payload_types(msgs, remaining), _ROW_TYPES)]
    if decoded is not None and not len(remaining):
        # every row from the vectorised decoder, in stream order: the tables straight from
        # its columns (no frame to conform, nothing to sort)
        pos, sta = (_table(part.rows, part.columns(), contract, time_ns, msgs)
                    for part, contract in zip(decoded, (POSITION_COLUMNS, STATIC_COLUMNS),
                                              strict=True))
        if whole is not None and decoded[0].arena is not None and len(pos):
            whole.tables.append(pos)
        return pos, sta
    if decoded is not None:
        parts_pos.append(decoded[0].frame())
        parts_sta.append(decoded[1].frame())
    if len(remaining):
        batch = decode_batch(msgs.payload_strings(remaining), fills[remaining])
        pos = batch.positions
        sta = batch.statics
        pos["row"] = remaining[pos["row"].to_numpy()]
        sta["row"] = remaining[sta["row"].to_numpy()]
        parts_pos.append(pos)
        parts_sta.append(sta)
        for reason, n in batch.errors.items():
            report.add_decode_error(reason, n)
    tables = []
    for parts, conform in ((parts_pos, positions_frame), (parts_sta, statics_frame)):
        parts = [p for p in parts if len(p)]
        if not parts:
            tables.append(None)
            continue
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        rows = frame["row"].to_numpy()
        if len(rows) > 1 and not (rows[1:] > rows[:-1]).all():
            frame = frame.sort_values("row", kind="stable").reset_index(drop=True)
            rows = frame["row"].to_numpy()
        frame["timestamp"] = _timestamps(time_ns, rows)
        frame["source"] = _source_column(msgs, rows)
        tables.append(conform(frame))
    pos = tables[0] if tables[0] is not None else empty_frame(POSITION_COLUMNS)
    sta = tables[1] if tables[1] is not None else empty_frame(STATIC_COLUMNS)
    return pos, sta


class WholePositions:
    """The positions of a whole :func:`read_ais` call, written chunk after chunk into one
    :class:`~vesseltrack.ais._compiled.PositionArena`, so that the whole table's numeric
    columns are views of it instead of a concatenation of the chunks' tables (a copy of every
    column into fresh memory).

    Attributes
    ----------
    arena : PositionArena or None
        The columns (None until the first chunk, or when not worth one).
    tables : list of pandas.DataFrame
        The chunks' positions tables built on the arena, in order.
    """

    def __init__(self) -> None:
        self.arena: PositionArena | None = None
        self.tables: list[pd.DataFrame] = []
        self._bytes = 0
        self._sized = False

    def reserve(self, paths: list[Path]) -> None:
        """Note the bytes of the plain NMEA files among ``paths`` (those the arena is for)."""
        for path in paths:
            try:
                if sniff_format(path) == "nmea" and not _compression(path):
                    self._bytes += _size(path)
            except OSError:
                continue

    def arena_for(self, n_messages: int, chunk_bytes: int) -> PositionArena | None:
        """The arena, made at the first chunk (``n_messages`` in ``chunk_bytes``): sized for
        the messages of all the files at the first chunk's rate, plus a tenth and a chunk's
        worth; at most a row per 32 bytes (a position report's line is longer) and
        :data:`MAX_ARENA_ROWS`. None if there are no such files, if the first chunk is
        shorter than :data:`MIN_ARENA_CHUNK_BYTES` (too few bytes to tell a rate: a small
        read, or a very long line) or if the address space is refused: the chunks' tables
        are then concatenated."""
        if not self._sized:
            self._sized = True
            rate = n_messages / max(chunk_bytes, 1)
            rows = min(int(self._bytes * rate * 1.1) + n_messages, self._bytes // 32)
            if chunk_bytes >= MIN_ARENA_CHUNK_BYTES and 0 < rows <= MAX_ARENA_ROWS:
                try:
                    self.arena = PositionArena(rows)
                except MemoryError:
                    self.arena = None
        return self.arena

    def table(self, parts: list[pd.DataFrame]) -> pd.DataFrame | None:
        """The concatenation of ``parts`` (as ``pd.concat(parts, ignore_index=True)``), its
        numeric columns views of the arena; None unless ``parts`` are exactly the tables
        built on it (a chunk decoded otherwise, or a table read from another format)."""
        if self.arena is None or not parts or len(parts) != len(self.tables) or any(
                a is not b for a, b in zip(parts, self.tables, strict=True)):
            return None
        if sum(len(p) for p in parts) != self.arena.used:
            return None
        head = self.arena.head
        columns = {
            "mmsi": head("mmsi"), "lon": head("lon_deg"), "lat": head("lat_deg"),
            "sog_knots": head("sog_knots"), "cog_deg": head("cog_deg"),
            "heading_deg": head("heading_deg"),
            "nav_status": pd.arrays.IntegerArray(head("status"), head("status_na")),
            "msg_type": head("pos_type"),
        }
        for name in ("timestamp", "source"):  # (no numeric buffer to share)
            columns[name] = pd.concat([p[name] for p in parts], ignore_index=True).array
        return pd.DataFrame({name: columns[name] for name in POSITION_COLUMNS}, copy=False)


MAX_ARENA_ROWS = 1 << 26
"""Largest arena (rows) that :func:`read_ais` reserves (address space only: 3.4 GB)."""
MIN_ARENA_CHUNK_BYTES = 1 << 19
"""A first chunk shorter than this gives no arena (see :meth:`WholePositions.arena_for`)."""


def _timestamps(time_ns: np.ndarray, rows: np.ndarray) -> pd.DatetimeIndex:
    """Receiver times of ``rows``: int64 nanoseconds (NaT as its int64 sentinel) viewed as
    UTC times, no conversion."""
    return pd.DatetimeIndex(time_ns[rows].view("datetime64[ns]")).tz_localize("UTC")


def _table(rows: np.ndarray, columns: dict, contract: dict[str, object], time_ns: np.ndarray,
           msgs: Messages) -> pd.DataFrame:
    """A positions or statics table from the vectorised decoder's columns of ``rows``
    (ascending), with receiver time and source, in the contract's order and dtypes."""
    if not len(rows):
        return empty_frame(contract)
    columns = dict(columns, timestamp=_timestamps(time_ns, rows).array,
                   source=_source_column(msgs, rows))
    return pd.DataFrame({name: columns[name] for name in contract}, copy=False)


def _source_column(msgs: Messages, rows: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The ``source`` strings of ``rows``, built from the codes without a Python loop.

    The codes index ``msgs.source_values`` by construction (-1: none), so Arrow is not asked
    to check them, and a chunk without a line lacking a source needs no validity mask.
    """
    codes = msgs.source[rows]
    values = pa.array(msgs.source_values, type=pa.large_string())
    missing = codes < 0
    indices = pa.array(codes, mask=missing if missing.any() else None, type=pa.int32())
    arr = pa.DictionaryArray.from_arrays(indices, values, safe=False)
    return pd.array(arr.cast(pa.large_string()), dtype=STRING)


def iter_ais(
    inputs: Iterable[str | os.PathLike] | str | os.PathLike,
    *,
    report: DecodeReport | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    framing: FramingParams | None = None,
    fast: bool = True,
    progress: bool | None = None,
    leftovers: list | None = None,
    first_file_index: int = 1,
    columns: dict[str, str] | None = None,
    dayfirst: bool = False,
    whole: WholePositions | None = None,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Stream ``(positions, statics)`` chunks from AIS files, with bounded memory.

    Parameters are those of :func:`read_ais`; ``report`` (updated in place) collects the counts.
    Fragments reassemble across chunk and file boundaries, whatever the order of the files.

    For engines that read files in separate processes: with a list as ``leftovers``, the
    fragments kept at file boundaries are appended to it (a
    :class:`vesseltrack.ais._nmea.Leftovers`) instead of being joined and counted, to be
    joined across all files with :func:`join_leftovers`; ``first_file_index`` numbers the
    files read here (give each process distinct numbers).

    For a caller that keeps every chunk (:func:`read_ais`), ``whole`` (a
    :class:`WholePositions`) receives the position columns of every chunk in one arena.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    report = report if report is not None else DecodeReport()
    if columns is not None:
        from vesseltrack.io._csv import check_columns

        try:
            columns = check_columns(columns)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    files = expand_inputs(inputs)
    if whole is not None:
        whole.reserve(files)
    framer = NMEAFramer(report, framing)
    total = sum(_size(p) for p in files)
    bar = _progress(total, progress)
    try:
        for k, path in enumerate(files):
            report.files += 1
            framer.start_file(first_file_index + k)
            positions_before, failed_before = report.positions, len(report.failed_files)
            try:
                kind = sniff_format(path)
                head = (_decompressed_head(path) or b"") if _compression(path) else _head(path)
                if kind == "nmea" and columns is not None and not _is_ais_nmea(head) \
                        and head.strip():
                    kind = "mapped"  # a table read through the user's mapping
                if kind == "parquet":
                    yield from _read_parquet(path, report, columns, dayfirst)
                    bar.update(_size(path))
                elif kind != "nmea":
                    from vesseltrack.io._csv import iter_csv

                    for pos, sta in iter_csv(path, kind, report, columns=columns,
                                             dayfirst=dayfirst):
                        report.positions += len(pos)
                        report.statics += len(sta)
                        yield pos, sta
                    bar.update(_size(path))
                else:
                    before = (report.sentences, report.bad_checksum, report.lines,
                              report.blank + report.comments)
                    from contextlib import ExitStack

                    from vesseltrack.io._csv import open_decompressed

                    with ExitStack() as stack:
                        raw = stack.enter_context(open(path, "rb"))
                        fh = (_Salvaging(partial(open_decompressed, path, stack))
                              if _compression(path) else raw)
                        last = 0
                        for lines, non_ascii in _iter_line_chunks(fh, chunk_bytes, report):
                            msgs = framer.feed(lines, non_ascii)
                            pos, sta = _decode_messages(msgs, framer, fast, whole)
                            del lines, non_ascii, msgs  # the chunk's buffer can go
                            report.positions += len(pos)
                            report.statics += len(sta)
                            now = raw.tell()
                            bar.update(now - last)
                            last = now
                            yield pos, sta
                        if fh is not raw:  # compressed: the raw position is not followed
                            bar.update(_size(path))
                    ais = report.sentences - before[0] + report.bad_checksum - before[1]
                    skipped = report.blank + report.comments - before[3]
                    if ais == 0 and report.lines - before[2] > skipped:
                        raise _not_ais(path, head)
            except LayoutError as exc:
                raise InputError(str(exc)) from None
            except (*_CORRUPT, ValueError, csv.Error) as exc:
                report.failed_files.append({"path": str(path), "error": _one_line(exc)})
            if report.positions == positions_before and len(report.failed_files) == failed_before:
                report.files_without_positions.append(str(path))
        if leftovers is not None:
            leftovers.append(framer.take_leftovers())
            return
        late = framer.flush()
        if len(late):
            pos, sta = _decode_messages(late, framer, fast, whole)
            report.positions += len(pos)
            report.statics += len(sta)
            yield pos, sta
    finally:
        bar.close()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    if isinstance(exc, (zlib.error, EOFError, zipfile.BadZipFile, gzip.BadGzipFile)):
        return f"corrupt or truncated compressed file ({first or type(exc).__name__})"
    return f"{type(exc).__name__}: {first}".rstrip(": ")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _NoProgress:
    """Stands in for the progress bar when none is wanted (tqdm is not even imported)."""

    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, progress: bool | None):
    if progress is False:
        return _NoProgress()
    from tqdm.auto import tqdm

    # None: tqdm shows the bar only when stderr is a terminal
    disable = None if progress is None else False
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="reading AIS",
                disable=disable, delay=2.0, leave=False)


def _read_parquet(path: Path, report: DecodeReport, columns: dict[str, str] | None = None,
                  dayfirst: bool = False) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    frame = pd.read_parquet(path)
    cols = set(frame.columns)
    if columns is not None or not (set(POSITION_COLUMNS) <= cols
                                   or set(STATIC_COLUMNS) - {"msg_type", "source"} <= cols):
        from vesseltrack.io._csv import frame_tables

        yield frame_tables(frame, columns, dayfirst=dayfirst, report=report, where=str(path))
        return
    if set(POSITION_COLUMNS) <= cols:
        pos = positions_frame(frame)
        report.positions += len(pos)
        yield pos, empty_frame(STATIC_COLUMNS)
    elif set(STATIC_COLUMNS) - {"msg_type", "source"} <= cols:
        sta = statics_frame(frame)
        report.statics += len(sta)
        yield empty_frame(POSITION_COLUMNS), sta
    else:
        raise ValueError("Parquet file is neither a vesseltrack positions nor statics table")


def join_leftovers(
    parts: list, report: DecodeReport, *, framing: FramingParams | None = None, fast: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join the fragments that :func:`iter_ais` kept at file boundaries (``leftovers=``).

    Returns the ``(positions, statics)`` of the messages completed across files; ``report``
    counts them and every fragment left over as an orphan.
    """
    framer = NMEAFramer(report, framing)
    msgs = framer.join_leftovers(parts)
    pos, sta = _decode_messages(msgs, framer, fast)
    report.positions += len(pos)
    report.statics += len(sta)
    return pos, sta


def read_ais(
    inputs: Iterable[str | os.PathLike] | str | os.PathLike,
    *,
    chunk_bytes: int = CHUNK_BYTES,
    framing: FramingParams | None = None,
    fast: bool = True,
    progress: bool | None = None,
    leftovers: list | None = None,
    first_file_index: int = 1,
    columns: dict[str, str] | None = None,
    dayfirst: bool = False,
) -> AISData:
    """Read AIS files into the positions and statics tables, with a decode report.

    Parameters
    ----------
    inputs : path, or iterable of paths, folders and globs
        NMEA (plain or gzip), NOAA or DMA CSV exports, vesseltrack Parquet; any mix. The
        format of each file is detected from its content.
    chunk_bytes : int
        Bytes framed at a time; bounds peak memory.
    framing : FramingParams, optional
        Fragment reassembly bounds.
    fast : bool
        Use the vectorised decoder for the bulk message types (pyais for the rest).
    progress : bool, optional
        ``False`` silences the progress bar; by default it appears on stderr for reads that
        take more than two seconds.
    leftovers, first_file_index
        For engines that read files in separate processes (see :func:`iter_ais`).
    columns : dict, optional
        Read positions tables in any other layout: vesseltrack's column names (``mmsi``,
        ``timestamp``, ``lon``, ``lat`` required; ``sog_knots``, ``cog_deg``, ``heading_deg``,
        ``nav_status``, ``imo``, ``name``, ``callsign``, ``ship_type``, ``draught_m``,
        ``destination``, ``length_m``, ``beam_m`` optional) mapped to the file's, e.g.
        ``{"mmsi": "ID", "timestamp": "ais_pos_timestamp", "lon": "longitude",
        "lat": "latitude"}``. Unmapped optional columns stay NaN. NMEA files in the same
        call are read as NMEA.
    dayfirst : bool
        Read ambiguous dates (``01/02/2024``) of tables without a fixed time format day first.

    Returns
    -------
    AISData
        ``positions``, ``statics`` (in stream order; a message whose sentences lie in two
        files comes after the rest, as every engine gives it) and ``report``.

    Raises
    ------
    InputError
        A missing path, a glob matching nothing, a folder without AIS files, a bad column
        mapping, or a file in which nothing could be read as AIS (neither NMEA with AIS
        sentences nor a table in a known layout, or a binary file).

    Examples
    --------
    >>> data = read_ais("data/samples/")                  # doctest: +SKIP
    >>> data.report.bad_lines, len(data.positions)        # doctest: +SKIP
    (0, 4210)
    """
    report = DecodeReport()
    pos_parts = []
    sta_parts = []
    whole = WholePositions()
    for pos, sta in iter_ais(inputs, report=report, chunk_bytes=chunk_bytes, framing=framing,
                             fast=fast, progress=progress, leftovers=leftovers,
                             first_file_index=first_file_index, columns=columns,
                             dayfirst=dayfirst, whole=whole):
        if len(pos):
            pos_parts.append(pos)
        if len(sta):
            sta_parts.append(sta)
    positions = whole.table(pos_parts)
    if positions is None:
        positions = (pd.concat(pos_parts, ignore_index=True) if pos_parts
                     else empty_frame(POSITION_COLUMNS))
    statics = pd.concat(sta_parts, ignore_index=True) if sta_parts else empty_frame(STATIC_COLUMNS)
    positions["timestamp"] = positions["timestamp"].astype(UTC_NS)
    statics["timestamp"] = statics["timestamp"].astype(UTC_NS)
    return AISData(positions, statics, report)


def positions_from_frame(
    frame: pd.DataFrame,
    columns: dict[str, str] | None = None,
    *,
    dayfirst: bool = False,
    report: DecodeReport | None = None,
) -> pd.DataFrame:
    """The positions table of a DataFrame of AIS positions already in memory.

    The frame's layout is recognised as :func:`read_ais` recognises a CSV file's header
    (NOAA MarineCadastre, Danish Maritime Authority, Global Fishing Watch, MovingPandas-style
    ``id``/``timestamp``/``longitude``/``latitude``), or read through ``columns``. Values are
    checked and masked as in the files ("not available" -> NaN; times UTC, naive ones taken as
    UTC); rows whose MMSI, time or coordinates cannot be parsed are dropped (counted in
    ``report.malformed``). The static columns of the frame, if any, go to
    :func:`statics_from_frame`.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per position report.
    columns : dict, optional
        vesseltrack column -> the frame's column, as for :func:`read_ais`; unmapped optional
        columns stay NaN.
    dayfirst : bool
        Read ambiguous text dates (``01/02/2024``) day first.
    report : DecodeReport, optional
        Updated with ``lines`` (rows), ``malformed``, ``positions`` and ``statics``.

    Returns
    -------
    pandas.DataFrame
        A new positions table (``msg_type`` 0, ``source`` empty).

    Raises
    ------
    InputError
        The columns match no known layout and no mapping is given, or the mapping is wrong.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"ID": [445123456], "t": ["2024-03-01 12:00"],
    ...                    "x": [133.07], "y": [42.75]})
    >>> pos = positions_from_frame(df, {"mmsi": "ID", "timestamp": "t", "lon": "x", "lat": "y"})
    >>> pos[["mmsi", "timestamp", "lon", "lat"]].to_dict("records")
    [{'mmsi': 445123456, 'timestamp': Timestamp('2024-03-01 12:00:00+0000', tz='UTC'), 'lon': 133.07, 'lat': 42.75}]
    """
    return _frame_tables(frame, columns, dayfirst, report)[0]


def statics_from_frame(
    frame: pd.DataFrame,
    columns: dict[str, str] | None = None,
    *,
    dayfirst: bool = False,
    report: DecodeReport | None = None,
) -> pd.DataFrame:
    """The statics table of a DataFrame of AIS rows in memory (see :func:`positions_from_frame`).

    Static columns (``imo``, ``name``, ``callsign``, ``ship_type``, ``draught_m``,
    ``destination``, ``length_m``, ``beam_m``, recognised or mapped) give one statics row per
    change of a vessel's static content, in row order: every draught change is kept, and rows
    repeating the same values add nothing. Empty when the frame has no static column.
    """
    return _frame_tables(frame, columns, dayfirst, report)[1]


def _frame_tables(frame, columns, dayfirst, report):
    from vesseltrack.io._csv import frame_tables

    try:
        return frame_tables(frame, columns, dayfirst=dayfirst, report=report)
    except ValueError as exc:
        raise InputError(str(exc)) from None
