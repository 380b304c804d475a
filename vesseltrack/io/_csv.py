"""Readers for AIS positions tables: the CSV exports people download (NOAA MarineCadastre, the
Danish Maritime Authority (DMA), Global Fishing Watch), MovingPandas-style tables, and any
other table through a column mapping.

Both exports are one row per received report, with the vessel's static data (name, IMO,
draught, ...) repeated on the position rows. :func:`iter_csv` turns them into the positions
and statics tables of docs/contracts.md, chunk by chunk and with vectorised parsing throughout.

Layouts recognised (from the header line, never from the file name; column order is free,
names are matched case-insensitively ignoring spaces, underscores and punctuation):

* NOAA MarineCadastre, 2015-2024 (``AIS_2023_01_01.csv``)::

      MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,
      Length,Width,Draft,Cargo,TransceiverClass

  (files before 2018 lack ``TransceiverClass``). ``BaseDateTime`` is ISO 8601 UTC.
* NOAA MarineCadastre, 2025 on (``ais-2025-01-01.csv.zst``)::

      mmsi,base_date_time,longitude,latitude,sog,cog,heading,vessel_name,imo,call_sign,
      vessel_type,status,length,width,draft,cargo,transceiver

* DMA (``aisdk-2024-01-01.csv``)::

      # Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,
      Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,
      Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D

  ``# Timestamp`` is day-first UTC (``31/12/2015 23:59:59``); navigational status, ship type
  and cargo type are text.

* Other tables (kind ``"table"``), with the names of :data:`_TABLE_FIELDS`: Global Fishing
  Watch (``ssvid,timestamp,lat,lon,speed_knots,course,...``; its training data
  ``mmsi,timestamp,...,speed,course,lat,lon,...`` with Unix-second times) and MovingPandas-style
  tables (an id such as ``mmsi``/``id``/``trajectory_id``, ``timestamp``, ``longitude``,
  ``latitude``). Times may be ISO 8601 (a trailing ``UTC`` allowed), Unix seconds or
  milliseconds, or other dates (``dayfirst`` decides ``01/02/2024``); times without a zone are
  UTC. The id must be an integer (an MMSI). vesseltrack's own sightings (``state``) and
  registry files are not taken for positions tables.
* Any table through a mapping (kind ``"mapped"``, :data:`COLUMN_NAMES`): vesseltrack's column
  -> the file's, e.g. ``{"mmsi": "ID", "timestamp": "ais_pos_timestamp", "lon": "longitude",
  "lat": "latitude"}``; unmapped optional columns stay NaN. :func:`frame_tables` does the same
  for a DataFrame in memory.

Files may be plain, gzip, zip (one member) or zstd (the ``zstandard`` package), detected by
their magic bytes. A field may be quoted (``"A, B"``) but not span lines.

Delimiters: fields are separated by commas, semicolons (European locales, spreadsheet
exports), tabs (database dumps, ``.tsv``) or pipes, whichever splits the header line into the
columns of a known layout (or of the mapping): :data:`DELIMITERS` are tried in order, comma
first, and the first that fits reads the whole file. A header that fits under several (say
``mmsi;<tab>timestamp;<tab>...``) is read with the earliest of them. In a semicolon file a
number may carry a decimal comma (``55,123`` is 55.123); a point there is still the decimal
point (``55.123`` is 55.123 too), never digit grouping, so ``1.234,5`` is not a number (nor is
``1,2,3``): in the MMSI, time or a coordinate that makes the row malformed. Rows whose number
of fields differs from the header's are malformed, whatever the delimiter.

Mapping and masking rules
-------------------------
* positions: rows of vessels. DMA ``Type of mobile`` ``Base Station`` (message 4), ``AtoN``
  (message 21) and ``SAR Airborne`` (message 9, an aircraft) are not vessels and stay out, as
  they do from the NMEA path; ``Class A``, ``Class B``, ``Search and Rescue Transponder``,
  ``Man Overboard Device``, ``EPIRB``, ... are kept. A row with no kinematic data at all (no
  position, SOG, COG or heading: DMA writes such rows for static reports, message 5/24) is not a
  position report and feeds only ``statics``. ``msg_type`` is 0 and ``source`` empty.
* "not available" becomes NaN (docs/contracts.md): latitude outside -90..90 (91 = n/a) or longitude
  outside -180..180 (181 = n/a) masks *both* coordinates, since half a position is no position
  (DMA writes ``91,0`` for an unknown position); SOG outside 0..102.2 kn (102.3 = n/a); COG and
  heading outside 0..<360 deg (360 and 511 = n/a); draught, length and beam that are 0 or less.
* ``nav_status``: NOAA codes 0-15 pass through; DMA text maps to the AIS code with
  :data:`NAV_STATUS_CODES` (``Unknown value`` -> 15, the code AIS itself sends for "not
  defined").
* ``ship_type``: NOAA ``VesselType`` passes through (including the NAIS 1001-1025 codes
  MarineCadastre uses for some US vessels); 0 means not available. DMA text maps to a
  representative AIS code with :data:`SHIP_TYPE_CODES` (``Tanker`` -> 80, ``Cargo`` -> 70,
  ...); for WIG, HSC, passenger, cargo and tanker the DMA ``Cargo type`` refines the second
  digit (``Category X`` -> 1, ``Y`` -> 2, ``Z`` -> 3, ``OS`` -> 4, so ``Tanker`` +
  ``Category X`` -> 81). ``Undefined`` -> NA.
* ``imo``: ``IMO9301718`` or ``9301718`` -> 9301718; 0, ``Unknown`` or text -> NA.
* ``name``, ``callsign``, ``destination``: blanks and AIS ``@`` padding stripped from both ends;
  empty or DMA's ``Unknown`` placeholder -> NA (AIS text has no lower case, so ``Unknown`` can
  only be DMA's).
* statics (the cadence: one row per change): a vessel row with any static field present feeds
  ``statics`` only when that vessel's static content (imo, name, callsign, ship_type,
  draught_m, destination, length_m, beam_m) differs from its previous static-bearing row in
  the file, or is its first; rows are compared in file order, across chunks. The draught is
  the row's own (every change survives; a vessel repeating the same draught on every row gives
  one statics row per file).

Counting (:class:`~vesseltrack.io._report.DecodeReport`): ``lines`` += every line after the
header (blank ones also go to ``blank``); ``malformed`` += rows with the wrong number of
fields or an unparseable MMSI, timestamp, latitude or longitude (an empty coordinate is "not
available", not malformed). Malformed rows are dropped; every other row is kept.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from itertools import compress, islice, repeat
from typing import BinaryIO

import numpy as np
import pandas as pd
import zstandard

from vesseltrack._schema import STRING, positions_frame, statics_frame
from vesseltrack.io._report import DecodeReport

__all__ = [
    "CARGO_TYPE_DIGITS",
    "DMA",
    "NAV_STATUS_CODES",
    "NOAA",
    "NON_VESSEL_MOBILE_TYPES",
    "SHIP_TYPE_CODES",
    "iter_csv",
    "sniff_csv",
    "sniff_csv_path",
]

NOAA = "noaa"
"""Kind string of NOAA MarineCadastre CSV exports."""
DMA = "dma"
"""Kind string of Danish Maritime Authority CSV exports."""
TABLE = "table"
"""Kind string of other positions tables recognised by their column names (MovingPandas-style
``id,timestamp,longitude,latitude``, Global Fishing Watch ``ssvid,timestamp,lat,lon,...``)."""
MAPPED = "mapped"
"""Kind string of a table read through a user's column mapping."""
CSV_KINDS = (NOAA, DMA, TABLE)

LAYOUTS_TRIED = ("NOAA MarineCadastre (MMSI,BaseDateTime,LAT,LON,... or mmsi,base_date_time,"
                 "latitude,longitude,...), Danish Maritime Authority (# Timestamp,Type of mobile,"
                 "MMSI,...), Global Fishing Watch (ssvid,timestamp,lat,lon,...), MovingPandas-style "
                 "(id or mmsi,timestamp,longitude,latitude)")
"""The CSV layouts recognised without a mapping, as error messages name them."""

COLUMN_NAMES: dict[str, str] = {
    "mmsi": "mmsi", "timestamp": "time", "lon": "lon", "lat": "lat", "sog_knots": "sog",
    "cog_deg": "cog", "heading_deg": "heading", "nav_status": "status", "imo": "imo",
    "name": "name", "callsign": "callsign", "ship_type": "ship_type", "draught_m": "draught",
    "destination": "destination", "length_m": "length", "beam_m": "width",
}
"""Columns a mapping (``columns=``, ``--columns``) may name: vesseltrack's table columns ->
the reader's field. ``mmsi``, ``timestamp``, ``lon`` and ``lat`` are required."""
REQUIRED_COLUMNS = ("mmsi", "timestamp", "lon", "lat")

DELIMITERS = (",", ";", "\t", "|")
"""Field delimiters tried on a header line, in this order (the first that splits it into a
known layout, or the mapping's columns, reads the file). A semicolon file's numbers may use a
decimal comma."""

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
CORRUPT_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, zstandard.ZstdError)
"""What damaged or truncated compressed files raise when read."""
SNIFF_BYTES = 64 * 1024
MAX_MMSI = 999_999_999
SOG_NA_KNOTS = 102.3
"""AIS "speed not available"; anything at or above it (or negative) is masked."""

NAV_STATUS_CODES: dict[str, int] = {
    "Under way using engine": 0,
    "At anchor": 1,
    "Not under command": 2,
    "Restricted maneuverability": 3,
    "Restricted manoeuvrability": 3,
    "Restricted manoeuverability": 3,
    "Constrained by her draught": 4,
    "Moored": 5,
    "Aground": 6,
    "Engaged in fishing": 7,
    "Under way sailing": 8,
    "Reserved for future amendment [HSC]": 9,
    "Reserved for future amendment [WIG]": 10,
    "Reserved for future use [11]": 11,
    "Power-driven vessel towing astern": 11,
    "Reserved for future use [12]": 12,
    "Power-driven vessel pushing ahead or towing alongside": 12,
    "Reserved for future use [13]": 13,
    "AIS-SART": 14,
    "AIS-SART is active": 14,
    "Unknown value": 15,
    "Unknown": 15,
    "Undefined": 15,
    "Not defined": 15,
}
"""Navigational-status text (DMA; also older NOAA files) -> AIS code (ITU-R M.1371 table 45).

Matched case-insensitively ignoring spaces and punctuation, so ``[11]`` and ``(11)`` agree.
"""

SHIP_TYPE_CODES: dict[str, int] = {
    "WIG": 20,
    "Fishing": 30,
    "Towing": 31,
    "Towing long/wide": 32,
    "Dredging": 33,
    "Diving": 34,
    "Military": 35,
    "Sailing": 36,
    "Pleasure": 37,
    "Reserved": 38,
    "HSC": 40,
    "Pilot": 50,
    "SAR": 51,
    "Tug": 52,
    "Port tender": 53,
    "Anti-pollution": 54,
    "Law enforcement": 55,
    "Spare 1": 56,
    "Spare 2": 57,
    "Medical": 58,
    "Not party to conflict": 59,
    "Passenger": 60,
    "Cargo": 70,
    "Tanker": 80,
    "Other": 90,
}
"""DMA ``Ship type`` text -> representative AIS ship-type code (ITU-R M.1371 table 53).

Types that span a decade (WIG 2x, HSC 4x, passenger 6x, cargo 7x, tanker 8x, other 9x) map to
the decade's base code, refined by DMA ``Cargo type`` (see :data:`CARGO_TYPE_DIGITS`).
``Undefined`` and unknown text map to NA.
"""

CARGO_TYPE_DIGITS: dict[str, int] = {
    "Category X": 1,
    "Category Y": 2,
    "Category Z": 3,
    "Category OS": 4,
}
"""DMA ``Cargo type`` -> second digit of the AIS ship type (hazard category of the cargo)."""

NON_VESSEL_MOBILE_TYPES: frozenset[str] = frozenset({"Base Station", "AtoN", "SAR Airborne"})
"""DMA ``Type of mobile`` values that are not vessels (compared ignoring case and spaces)."""

_CARGO_DIGIT_BASES = (20, 40, 60, 70, 80, 90)

# Logical field -> accepted normalised header names, per layout.
_NOAA_FIELDS: dict[str, tuple[str, ...]] = {
    "mmsi": ("mmsi",),
    "time": ("basedatetime",),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "longitude"),
    "sog": ("sog",),
    "cog": ("cog",),
    "heading": ("heading",),
    "name": ("vesselname",),
    "imo": ("imo",),
    "callsign": ("callsign",),
    "ship_type": ("vesseltype",),
    "status": ("status",),
    "length": ("length",),
    "width": ("width",),
    "draught": ("draft", "draught"),
}
_DMA_FIELDS: dict[str, tuple[str, ...]] = {
    "time": ("timestamp",),
    "mobile": ("typeofmobile",),
    "mmsi": ("mmsi",),
    "lat": ("latitude",),
    "lon": ("longitude",),
    "status": ("navigationalstatus",),
    "sog": ("sog",),
    "cog": ("cog",),
    "heading": ("heading",),
    "imo": ("imo",),
    "callsign": ("callsign",),
    "name": ("name",),
    "ship_type": ("shiptype",),
    "cargo_type": ("cargotype",),
    "width": ("width",),
    "length": ("length",),
    "draught": ("draught",),
    "destination": ("destination",),
}
_TABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "mmsi": ("mmsi", "ssvid", "id", "vesselid", "shipid", "trajectoryid", "trajid", "trackid"),
    "time": ("timestamp", "basedatetime", "datetime", "time", "t", "timestamputc"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "longitude", "lng"),
    "sog": ("sog", "sogknots", "speedknots", "speed"),
    "cog": ("cog", "cogdeg", "course"),
    "heading": ("heading", "headingdeg", "trueheading"),
    "status": ("navstatus", "navigationalstatus", "status"),
    "imo": ("imo",),
    "name": ("shipname", "vesselname", "name"),
    "callsign": ("callsign",),
    "ship_type": ("shiptype", "vesseltype"),
    "draught": ("draughtm", "draught", "draft"),
    "destination": ("destination",),
    "length": ("lengthm", "length"),
    "width": ("beamm", "beam", "width"),
}
"""Other positions tables (MovingPandas-style, Global Fishing Watch): accepted names per field,
first match wins (normalised: lower case, letters and digits only)."""
_REQUIRED = ("mmsi", "time", "lat", "lon")
_NOT_POSITIONS = frozenset({"state", "dwtt", "summerdraughtm", "ballastdraughtm"})
"""Columns of vesseltrack's sightings (``state``) and registry files: such a table is not
taken for a positions table."""
_NUMERIC = ("mmsi", "lat", "lon", "sog", "cog", "heading", "length", "width", "draught")
_STATIC_FIELDS = ("imo", "name", "callsign", "ship_type", "draught_m", "destination",
                  "length_m", "beam_m")

_NUMBER_RE = r"^\s*[-+]?((\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[nN][aA][nN]|[iI][nN][fF])\s*$"


class LayoutError(ValueError):
    """A table whose columns match no known layout, or lack a column a mapping names."""


@dataclass(frozen=True)
class _Layout:
    kind: str
    time_format: str  # a strptime format, "ISO8601", or "any" (see _parse_times)
    columns: dict[str, int]  # logical field -> column position in the file
    ncols: int
    dayfirst: bool = False
    delimiter: str = ","

    @property
    def decimal_comma(self) -> bool:
        """Whether numbers may carry a decimal comma (semicolon-delimited files)."""
        return self.delimiter == ";"


def _norm(text: str) -> str:
    """Lower-case ``text`` and drop everything but letters and digits."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


_NAV_NORM = {_norm(k): v for k, v in NAV_STATUS_CODES.items()}
_SHIP_NORM = {_norm(k): v for k, v in SHIP_TYPE_CODES.items()}
_CARGO_NORM = {_norm(k): v for k, v in CARGO_TYPE_DIGITS.items()}
_NON_VESSEL_NORM = frozenset(_norm(k) for k in NON_VESSEL_MOBILE_TYPES)


# --------------------------------------------------------------------------------- sniffing


def _header_fields(line: bytes, delimiter: str = ",") -> list[str]:
    text = line.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:  # e.g. a bare CR inside the line: not a CSV header we know
        return []


def _detect_layout(header: bytes, columns: dict[str, str] | None = None, dayfirst: bool = False,
                   where: str = "") -> _Layout | None:
    """The layout and delimiter of a header line: the first of :data:`DELIMITERS` that splits
    it into a known layout, or (with ``columns``) into fields holding every mapped column.

    Returns None when no delimiter gives a known layout (no mapping).

    Raises
    ------
    LayoutError
        With ``columns``: no delimiter gives fields holding every mapped column (the message
        lists the fields of the split with the most of them, comma on a tie).
    """
    if columns is None:
        for delimiter in DELIMITERS:
            layout = _layout_from_fields(_header_fields(header, delimiter), dayfirst)
            if layout is not None:
                return replace(layout, delimiter=delimiter)
        return None
    errors: list[tuple[int, LayoutError]] = []
    for delimiter in DELIMITERS:
        fields = _header_fields(header, delimiter)
        try:
            return replace(_mapped_layout(fields, columns, dayfirst, where), delimiter=delimiter)
        except LayoutError as exc:
            errors.append((len(fields), exc))
    raise max(errors, key=lambda e: e[0])[1]  # max keeps the first (comma) on a tie


def _layout_from_fields(fields: list[str], dayfirst: bool = False) -> _Layout | None:
    names = [_norm(f) for f in fields]
    if len(names) < 4:
        return None
    for kind, table, time_format in (
        (DMA, _DMA_FIELDS, "%d/%m/%Y %H:%M:%S"),
        (NOAA, _NOAA_FIELDS, "ISO8601"),
        (TABLE, _TABLE_FIELDS, "any"),
    ):
        columns: dict[str, int] = {}
        for field, accepted in table.items():
            for name in accepted:  # the first accepted name present wins
                if name in names and names.index(name) not in columns.values():
                    columns[field] = names.index(name)
                    break
        required = _REQUIRED + (("mobile",) if kind == DMA else ())
        if kind == TABLE and _NOT_POSITIONS & set(names):
            continue  # vesseltrack's own sightings and registry files are not positions
        if all(f in columns for f in required):
            return _Layout(kind, time_format, columns, len(names), dayfirst)
    return None


def check_columns(columns: dict[str, str]) -> dict[str, str]:
    """Validate a column mapping (vesseltrack column -> the file's column name).

    Raises
    ------
    ValueError
        A key that is not a vesseltrack column, a required column left out, or an empty name.
    """
    unknown = sorted(set(columns) - set(COLUMN_NAMES))
    if unknown:
        raise ValueError(f"unknown column {unknown[0]!r} in the column mapping; map any of: "
                         + ", ".join(COLUMN_NAMES))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ValueError("the column mapping must name " + ", ".join(REQUIRED_COLUMNS)
                         + f" (missing: {', '.join(missing)})")
    for ours, theirs in columns.items():
        if not isinstance(theirs, str) or not theirs.strip():
            raise ValueError(f"the column mapping gives no file column for {ours!r}")
    return dict(columns)


def parse_columns(text: str) -> dict[str, str]:
    """``"mmsi=ID,timestamp=ais_pos_timestamp,lon=longitude,lat=latitude"`` -> a mapping.

    Examples
    --------
    >>> parse_columns("mmsi=ID, timestamp=t,lon=x,lat=y")
    {'mmsi': 'ID', 'timestamp': 't', 'lon': 'x', 'lat': 'y'}
    """
    out: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        ours, sep, theirs = item.partition("=")
        if not sep:
            raise ValueError(f"expected ours=theirs pairs separated by commas, got {item.strip()!r}")
        out[ours.strip()] = theirs.strip()
    return check_columns(out)


def _mapped_layout(fields: list[str], columns: dict[str, str], dayfirst: bool,
                   where: str) -> _Layout:
    """The layout of a header read through a column mapping (exact names first, then names
    compared ignoring case, blanks and punctuation)."""
    normed = [_norm(f) for f in fields]
    stripped = [f.strip() for f in fields]
    positions: dict[str, int] = {}
    for ours, theirs in columns.items():
        if theirs.strip() in stripped:
            positions[COLUMN_NAMES[ours]] = stripped.index(theirs.strip())
        elif _norm(theirs) and _norm(theirs) in normed:
            positions[COLUMN_NAMES[ours]] = normed.index(_norm(theirs))
        else:
            shown = ",".join(stripped)
            shown = shown if len(shown) <= 120 else shown[:117] + "..."
            raise LayoutError(f"{where}: no column {theirs!r} (mapped to {ours}); the columns "
                             f"are: {shown}")
    return _Layout(MAPPED, "any", positions, len(fields), dayfirst)


def _decompress_head(head: bytes) -> bytes:
    """Best-effort decompression of the first bytes of a gzip, zip or zstd file."""
    try:
        if head.startswith(GZIP_MAGIC):
            return zlib.decompressobj(wbits=31).decompress(head)
        if head.startswith(ZIP_MAGIC) and len(head) >= 30:
            method = int.from_bytes(head[8:10], "little")
            start = 30 + int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little")
            body = head[start:]
            if method == 0:
                return body
            if method == 8:
                return zlib.decompressobj(wbits=-15).decompress(body)
            return b""
        if head.startswith(ZSTD_MAGIC) and is_zstd_frame(head):
            try:
                return zstandard.ZstdDecompressor().decompressobj().decompress(head)
            except zstandard.ZstdError:
                return b""
    except (zlib.error, OSError, ImportError, ValueError):
        return b""
    return head


def sniff_csv(head: bytes) -> str | None:
    """Tell a NOAA MarineCadastre or DMA CSV export from its first bytes.

    Parameters
    ----------
    head : bytes
        The first bytes of the file (1 KiB is plenty for a plain file). A UTF-8 byte-order
        mark and CRLF line ends are tolerated; a head that starts with gzip, zip or zstd magic
        bytes is decompressed as far as it goes (zstd needs a whole block, about 64 KiB). The
        header's fields may be separated by any of :data:`DELIMITERS`.

    Returns
    -------
    str or None
        ``"noaa"``, ``"dma"``, or None when the header line is neither.
    """
    if not head:
        return None
    text = _decompress_head(head)
    first = text.split(b"\n", 1)[0]
    layout = _detect_layout(first)
    return layout.kind if layout is not None else None


def sniff_csv_path(path: str | os.PathLike) -> str | None:
    """Like :func:`sniff_csv`, for a file path: reads (and decompresses) the header line.

    Returns None for a file that is not a NOAA or DMA CSV or cannot be read.
    """
    try:
        with ExitStack() as stack:
            fh = _open_binary(path, stack)
            return sniff_csv(fh.readline(SNIFF_BYTES))
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None


# --------------------------------------------------------------------------------- reading


def _open_binary(path: str | os.PathLike, stack: ExitStack) -> BinaryIO:
    """Open ``path`` for binary reading, decompressing by magic bytes (not by name)."""
    raw = stack.enter_context(open(path, "rb"))
    magic = raw.read(4)
    raw.seek(0)
    if magic == ZSTD_MAGIC and not is_zstd_frame(raw.read(SNIFF_BYTES)):
        magic = b""  # not a zstd frame after all: the bytes as they are
    raw.seek(0)
    if magic.startswith(GZIP_MAGIC):
        return stack.enter_context(gzip.GzipFile(fileobj=raw))
    if magic == ZIP_MAGIC:
        archive = stack.enter_context(zipfile.ZipFile(raw))
        members = [m for m in archive.infolist()
                   if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
        if len(members) != 1:
            raise ValueError(f"zip archive holds {len(members)} files; expected one CSV")
        return stack.enter_context(archive.open(members[0]))
    if magic == ZSTD_MAGIC:
        return stack.enter_context(io.BufferedReader(_ZstdFrames(raw)))
    return raw


class _ZstdFrames(io.RawIOBase):
    """The decompressed bytes of a zstd file, every frame in turn; a file that ends inside a
    frame (cut short) raises ``zstandard.ZstdError`` once the bytes before the cut are read.

    zstandard's own ``stream_reader`` ends such a file silently, as if it were whole, so a
    truncated download would be read without a word. A damaged frame, or bytes after the last
    frame that are none, raise too, after what was decompressed before them: the compressed
    bytes are fed in small steps, so at most one step's output (some 100 kB of text) before a
    damage inside a frame is lost with it.
    """

    _READ_BYTES = 1 << 14  # compressed bytes per step (about 100 kB of AIS text)

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._context = zstandard.ZstdDecompressor()
        self._frame = self._context.decompressobj()
        self._in_frame = False  # input given to a frame that has not ended
        self._out = memoryview(b"")
        self._error: Exception | None = None  # raised once the bytes before it are read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._out:
            if self._error is not None:
                raise self._error
            data = self._raw.read(self._READ_BYTES)
            if not data:
                if self._in_frame:
                    raise zstandard.ZstdError("the file ends inside a zstd frame (cut short)")
                return 0
            self._out = memoryview(self._decompress(data))
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _decompress(self, data: bytes) -> bytes:
        pieces = []
        try:
            while data:
                pieces.append(self._frame.decompress(data))
                if not self._frame.eof:
                    self._in_frame = True
                    break
                data = self._frame.unused_data  # the next frame's first bytes, if any
                self._frame = self._context.decompressobj()
                self._in_frame = False
        except zstandard.ZstdError as exc:
            self._error = exc
        return b"".join(pieces) if len(pieces) != 1 else pieces[0]


def is_zstd_frame(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) starts a zstd frame that decompresses: the
    magic bytes alone can begin any binary junk."""
    try:
        zstandard.get_frame_parameters(head)
        zstandard.ZstdDecompressor().decompressobj().decompress(head)
    except zstandard.ZstdError:
        return False
    return True


def open_decompressed(path: str | os.PathLike, stack: ExitStack) -> BinaryIO:
    """``path`` opened for binary reading, gzip, zip (one member) or zstd decompressed as its
    magic bytes say (the name does not matter)."""
    return _open_binary(path, stack)


def iter_csv(
    path: str | os.PathLike,
    kind: str,
    report: DecodeReport,
    chunk_rows: int = 1_000_000,
    *,
    columns: dict[str, str] | None = None,
    dayfirst: bool = False,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Read a NOAA MarineCadastre or DMA AIS CSV export as positions and statics chunks.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file: plain, gzip, zip (one member) or zstd, detected by magic bytes; its
        delimiter (one of :data:`DELIMITERS`) is the one its header line is read with.
    kind : {"noaa", "dma", "table", "mapped"}
        The layout, as returned by :func:`sniff_csv` ("mapped": read through ``columns``).
    report : DecodeReport
        Updated in place: ``lines`` (every line after the header), ``blank`` and
        ``malformed``. ``positions`` and ``statics`` are left to the caller.
    chunk_rows : int, default 1_000_000
        Lines read per chunk; memory is bounded by it. The concatenated output does not
        depend on it.
    columns : dict, optional
        A column mapping (vesseltrack column -> the file's column; see :data:`COLUMN_NAMES`):
        the header is read through it whatever its layout; unmapped optional columns stay
        NaN.
    dayfirst : bool
        Read ambiguous dates such as ``01/02/2024`` day first (tables without a fixed time
        format: mapped, MovingPandas-style, Global Fishing Watch).

    Yields
    ------
    positions : pandas.DataFrame
        Conformed with :func:`vesseltrack._schema.positions_frame` (``lon``/``lat`` in degrees
        EPSG:4326, ``sog_knots``, ``cog_deg``, ``heading_deg``; ``timestamp`` UTC).
    statics : pandas.DataFrame
        Conformed with :func:`vesseltrack._schema.statics_frame` (``draught_m``,
        ``length_m``, ``beam_m`` in metres): one row per change of a vessel's static content.

    One pair is yielded per chunk read (none for a file with a header and no rows).

    Raises
    ------
    ValueError
        ``kind`` is not ``"noaa"``/``"dma"``, or the file's header is not that format.
    """
    if kind not in (*CSV_KINDS, MAPPED):
        raise ValueError(f"unknown CSV kind {kind!r}; expected one of {(*CSV_KINDS, MAPPED)}")
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, got {chunk_rows}")
    label = {NOAA: "NOAA MarineCadastre", DMA: "Danish Maritime Authority"}.get(kind, "known")
    with ExitStack() as stack:
        fh = _open_binary(path, stack)
        header = fh.readline()
        layout = _detect_layout(header, None if columns is None else check_columns(columns),
                                dayfirst, os.fspath(path))
        if layout is None or (columns is None and layout.kind != kind):
            shown = header[:80].decode("utf-8", errors="replace").strip()
            raise ValueError(f"{os.fspath(path)}: not a {label} AIS CSV (header: {shown!r})")
        tracker = _StaticsTracker()
        damage: BaseException | None = None
        while damage is None:
            lines, damage = _take_lines(fh, chunk_rows)
            if not lines:
                break
            parts, malformed, blank = _split_rows(lines, layout)
            report.lines += len(lines)
            report.blank += blank
            report.malformed += malformed
            rows = _convert_parts(parts, layout, report)
            positions = _positions(rows)
            statics = tracker.select(_static_candidates(rows))
            yield positions_frame(positions), statics_frame(statics)
        if damage is not None:  # the rows before it are read: now the file is listed failed
            raise damage


def _take_lines(fh: BinaryIO, n: int) -> tuple[list[bytes], BaseException | None]:
    """Up to ``n`` lines of ``fh``, and the error that stopped the reading early, if any (a
    compressed file cut short or damaged): the whole lines read before it are kept."""
    lines: list[bytes] = []
    try:
        lines.extend(islice(fh, n))
    except CORRUPT_ERRORS as exc:
        return lines, exc
    return lines, None


def _convert_parts(parts: list[tuple[pd.DataFrame, np.ndarray]], layout: _Layout,
                   report: DecodeReport) -> pd.DataFrame:
    """Convert each part, drop (and count) unparseable rows, and restore file order."""
    frames, order = [], []
    for raw, line_idx in parts:
        rows, bad = _convert(raw, layout)
        report.malformed += int(bad.sum())
        frames.append(rows[~bad])
        order.append(line_idx[~bad])
    if not frames:
        return _convert(pd.DataFrame({f: pd.Series([], dtype=object) for f in layout.columns}),
                        layout)[0]
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    rows = pd.concat(frames, ignore_index=True)
    return rows.iloc[np.argsort(np.concatenate(order), kind="stable")].reset_index(drop=True)


# ------------------------------------------------------------------------- splitting rows


def _split_rows(lines: list[bytes], layout: _Layout) -> tuple[list[tuple[pd.DataFrame, np.ndarray]], int, int]:
    """Parse a chunk of raw lines into frames of the needed columns.

    Field counts (delimiters, ``layout.delimiter``) are checked for every line at C speed
    (``bytes.count`` mapped over the lines, NumPy for the rest); the lines with the right count
    go to pandas' C parser in one call. Lines containing a quote character (rare in these
    exports) are split by :mod:`csv`.

    Returns
    -------
    parts : list of (pandas.DataFrame, numpy.ndarray)
        Frames of well-formed rows with the index of each row's line in the chunk. A frame's
        numeric columns are float64 when ``frame.attrs["typed"]`` (the fast path), else every
        column holds strings.
    malformed : int
        Lines with the wrong number of fields.
    blank : int
        Empty lines.
    """
    n = len(lines)
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    data = b"".join(lines)
    buf = np.frombuffer(data, dtype=np.uint8)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    # bytes.count mapped over the lines: C-level iteration, no Python bytecode per line.
    delimiters = np.fromiter(map(bytes.count, lines, repeat(layout.delimiter.encode())),
                             dtype=np.int64, count=n)
    if b'"' in data:
        quotes = np.fromiter(map(bytes.count, lines, repeat(b'"')), dtype=np.int64, count=n)
    else:
        quotes = np.zeros(n, dtype=np.int64)
    content = lengths - (buf[starts + lengths - 1] == ord("\n"))
    content = content - ((content > 0) & (buf[np.maximum(starts + content - 1, 0)] == ord("\r")))
    blank = content == 0
    quoted = ~blank & (quotes > 0)
    good = ~blank & ~quoted & (delimiters == layout.ncols - 1)
    malformed = int((~blank & ~quoted & ~good).sum())

    names = [f"c{i}" for i in range(layout.ncols)]
    rename = {f"c{i}": field for field, i in sorted(layout.columns.items(), key=lambda kv: kv[1])}
    parts: list[tuple[pd.DataFrame, np.ndarray]] = []
    good_idx = np.flatnonzero(good)
    if len(good_idx):
        payload = data if len(good_idx) == n else b"".join(compress(lines, good.tolist()))
        if b"\r" in payload:
            payload = payload.replace(b"\r\n", b"\n")
        frame = _read_typed(payload, names, rename, len(good_idx), layout)
        if frame is None:
            frame = _read_arrow_strings(payload, names, rename, len(good_idx), layout.delimiter)
        if frame is None:
            frame = _read_strings(payload, names, rename, len(good_idx), layout.delimiter)
        if frame is None:  # the C parser disagreed with the count (never seen): use csv
            frame, _ = _csv_rows([lines[i] for i in good_idx], layout, rename)
        parts.append((frame, good_idx))
    if quoted.any():
        q_idx = np.flatnonzero(quoted)
        q_frame, q_ok = _csv_rows([lines[i] for i in q_idx], layout, rename)
        malformed += int((~q_ok).sum())
        parts.append((q_frame, q_idx[q_ok]))
    return parts, malformed, int(blank.sum())


def _read_typed(payload: bytes, names: list[str], rename: dict[str, str], n_rows: int,
                layout: _Layout) -> pd.DataFrame | None:
    """Fast path: let the C parser convert the numeric columns; None if any value is not a number.

    In a semicolon file the C parser reads decimal commas; a chunk holding a decimal point
    there (or any other value it cannot convert) takes the string path.
    """
    numeric = {c for c, f in rename.items() if f in _NUMERIC}
    dtypes = {c: ("float64" if c in numeric else object) for c in rename}
    try:
        frame = pd.read_csv(
            io.BytesIO(payload), header=None, names=names, usecols=list(rename), dtype=dtypes,
            sep=layout.delimiter, decimal="," if layout.decimal_comma else ".",
            keep_default_na=False, na_values=[""], quoting=csv.QUOTE_NONE, lineterminator="\n",
            engine="c", index_col=False, encoding="utf-8", encoding_errors="replace",
        )
    except (ValueError, OverflowError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if len(frame) != n_rows:
        return None
    frame = frame.rename(columns=rename)
    frame.attrs["typed"] = True
    return frame


def _read_arrow_strings(payload: bytes, names: list[str], rename: dict[str, str],
                        n_rows: int, delimiter: str = ",") -> pd.DataFrame | None:
    """Every needed column as Arrow-backed strings, with pyarrow's CSV reader.

    The path for a chunk holding a value the fast path cannot convert: numbers are then
    validated and cast column by column in Arrow (:func:`_to_float`). None if pyarrow cannot
    read the payload (invalid UTF-8, say) or counts rows differently.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            io.BytesIO(payload),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False,
                                             newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(rename), column_types={c: pa.string() for c in rename},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows != n_rows:
        return None
    frame = pd.DataFrame({rename[c]: pd.Series(pd.arrays.ArrowStringArray(table[c]))
                          for c in rename})
    frame.attrs["typed"] = False
    return frame


def _read_strings(payload: bytes, names: list[str], rename: dict[str, str], n_rows: int,
                  delimiter: str = ",") -> pd.DataFrame | None:
    """Every needed column as strings (empty fields as ``""``); None on a row-count mismatch."""
    try:
        frame = pd.read_csv(
            io.BytesIO(payload), header=None, names=names, usecols=list(rename), dtype=object,
            sep=delimiter,
            keep_default_na=False, na_filter=False, quoting=csv.QUOTE_NONE, lineterminator="\n",
            engine="c", index_col=False, encoding="utf-8", encoding_errors="replace",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if len(frame) != n_rows:
        return None
    frame = frame.rename(columns=rename)
    frame.attrs["typed"] = False
    return frame


def _csv_split(text: str, delimiter: str = ",") -> list[str]:
    """Fields of one line; an unterminated quote or NUL gives no fields (so: malformed)."""
    try:
        return next(csv.reader([text], delimiter=delimiter, strict=True), [])
    except csv.Error:
        return []


def _csv_rows(lines: list[bytes], layout: _Layout, rename: dict[str, str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Split ``lines`` with :mod:`csv` (quote-aware); rows of the wrong length are flagged.

    A Python loop over these lines only: the quoted lines of a chunk, which are rare.
    """
    rows = [_csv_split(ln.decode("utf-8", errors="replace").rstrip("\r\n"), layout.delimiter)
            for ln in lines]
    ok = np.fromiter((len(r) == layout.ncols for r in rows), dtype=bool, count=len(rows))
    kept = [r for r, k in zip(rows, ok, strict=True) if k]
    cols = {f: [r[int(c[1:])] for r in kept] for c, f in rename.items()}
    frame = pd.DataFrame({f: pd.Series(v, dtype=object) for f, v in cols.items()})
    return frame, ok


# ------------------------------------------------------------------------- converting values


def _to_float(col: pd.Series, typed: bool,
              decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Float values of a column, and a mask of non-empty values that are not numbers.

    With ``decimal_comma`` (text from a semicolon file) a comma reads as the decimal point
    (``55,123`` -> 55.123), and a point still does; a value with both is not a number.
    """
    if typed or (pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, np.zeros(len(values), dtype=bool)
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(col.array, pd.arrays.ArrowStringArray):
        arr = pa.array(col.array)
    else:
        arr = pa.array(col.to_numpy(dtype=object), type=pa.string())
    if decimal_comma:
        arr = pc.if_else(pc.match_substring(arr, "."), arr,
                         pc.replace_substring(arr, ",", ".", max_replacements=1))
    empty = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(arr)), 0)
    number = pc.match_substring_regex(arr, _NUMBER_RE)
    values = pc.cast(pc.if_else(number, arr, pa.scalar(None, pa.string())), pa.float64())
    bad = pc.and_not(pc.invert(number), empty)
    return (values.to_numpy(zero_copy_only=False).astype(np.float64, copy=False),
            np.asarray(bad.to_numpy(zero_copy_only=False), dtype=bool))


class _Distinct:
    """A text column as codes into its distinct values, so per-value work runs once per value.

    ``texts`` holds each distinct value stripped of surrounding blanks, with ``""`` last for
    missing cells; ``codes`` indexes it, one per row.
    """

    def __init__(self, col: pd.Series) -> None:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        self.codes = np.where(codes < 0, len(uniques), codes)
        self.texts = [str(u).strip() for u in uniques] + [""]

    def map(self, func: Callable[[str], object]) -> list:
        """``func`` of each distinct non-empty text (None for empty ones)."""
        return [func(t) if t else None for t in self.texts]

    def ints(self, func: Callable[[str], int | None], dtype: str) -> pd.api.extensions.ExtensionArray:
        """Nullable integer array of ``func`` over the rows."""
        mapped = self.map(func)
        mask = np.array([v is None for v in mapped], dtype=bool)
        values = np.array([0 if v is None else v for v in mapped], dtype=np.int64)
        return pd.arrays.IntegerArray(values[self.codes].astype(dtype.lower()), mask[self.codes])

    def strings(self, func: Callable[[str], str | None]) -> pd.api.extensions.ExtensionArray:
        """String array of ``func`` over the rows."""
        return pd.array(self.map(func), dtype=STRING).take(self.codes)

    def flags(self, func: Callable[[str], bool]) -> np.ndarray:
        """Boolean array of ``func`` over the rows (False for empty cells)."""
        return np.array([bool(v) for v in self.map(func)], dtype=bool)[self.codes]


def _int_or_none(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not np.isfinite(value) or value != int(value):
        return None
    return int(value)


def _nav_status(text: str) -> int | None:
    value = _int_or_none(text)
    if value is not None:
        return value if 0 <= value <= 15 else None
    return _NAV_NORM.get(_norm(text))


def _ship_type(text: str) -> int | None:
    value = _int_or_none(text)
    if value is not None:
        return value if 0 < value <= np.iinfo(np.int16).max else None
    return _SHIP_NORM.get(_norm(text))


def _imo(text: str) -> int | None:
    digits = text[3:] if text[:3].upper() == "IMO" else text
    value = _int_or_none(digits.strip())
    return value if value is not None and 0 < value <= MAX_MMSI else None


def _clean_text(text: str) -> str | None:
    text = text.strip(" @\t\r\n")
    return text if text and text != "Unknown" else None


def _parse_times(col: pd.Series, time_format: str, dayfirst: bool = False,
                 decimal_comma: bool = False) -> pd.api.extensions.ExtensionArray:
    """UTC timestamps of a column, parsing each distinct text once; NaT where unparseable.

    ``time_format`` "any" (tables without a fixed format) reads Unix seconds (9-10 digits,
    fractions allowed) or milliseconds (12-13 digits), ISO 8601 (``T`` or a blank between date
    and time; ``Z``, an offset or a trailing ``UTC``), and other dates as pandas reads them,
    ``dayfirst`` deciding ``01/02/2024``. Times without a zone are UTC. A column that already
    holds datetimes is taken as it is (naive ones as UTC). With ``decimal_comma`` (semicolon
    files) Unix times may carry a decimal comma (``1709294400,5``).
    """
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        values = pd.DatetimeIndex(col)
        values = values.tz_localize("UTC") if values.tz is None else values.tz_convert("UTC")
        return pd.array(values.as_unit("ns"))
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    texts = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if time_format != "any":
        parsed = pd.to_datetime(texts, format=time_format, errors="coerce", utc=True, cache=False)
    else:
        parsed = _parse_any_times(texts.astype(str).str.strip(), dayfirst, decimal_comma)
    return parsed.array.take(codes, allow_fill=True)


def _parse_any_times(texts: pd.Series, dayfirst: bool, decimal_comma: bool = False) -> pd.Series:
    out = pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns, UTC]")
    if not len(texts):
        return out
    if decimal_comma:  # Unix seconds or milliseconds with a decimal comma
        texts = texts.str.replace(r"^([0-9]{9,13}),([0-9]*)$", r"\1.\2", regex=True)
    seconds = texts.str.fullmatch(r"[0-9]{9,10}(?:\.[0-9]*)?")
    millis = texts.str.fullmatch(r"[0-9]{12,13}(?:\.0*)?")
    if seconds.any():
        out[seconds] = pd.to_datetime(pd.to_numeric(texts[seconds]) * 1e9, utc=True)
    if millis.any():
        out[millis] = pd.to_datetime(pd.to_numeric(texts[millis]).astype("int64"), unit="ms",
                                     utc=True)
    rest = ~(seconds | millis)
    if rest.any():
        text = texts[rest].str.replace(r"\s*UTC$", "", regex=True)
        iso = text.str.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
        if iso.any():
            out[text.index[iso]] = pd.to_datetime(text[iso], format="ISO8601", errors="coerce",
                                                  utc=True)
        other = ~iso
        if other.any():
            out[text.index[other]] = pd.to_datetime(text[other], format="mixed", dayfirst=dayfirst,
                                                    errors="coerce", utc=True)
    return out


def _convert(raw: pd.DataFrame, layout: _Layout) -> tuple[pd.DataFrame, np.ndarray]:
    """Typed, masked columns from a raw chunk, and the mask of rows that cannot be parsed."""
    typed = bool(raw.attrs.get("typed", False))
    n = len(raw)
    out: dict[str, object] = {}

    comma = layout.decimal_comma
    mmsi, bad_mmsi = _to_float(raw["mmsi"], typed, comma)
    bad_mmsi = bad_mmsi | ~np.isfinite(mmsi) | (mmsi != np.floor(mmsi)) | (mmsi < 0) | (mmsi > MAX_MMSI)
    out["mmsi"] = np.where(bad_mmsi, 0, mmsi).astype(np.int64)

    ts = _parse_times(raw["time"], layout.time_format, layout.dayfirst, comma)
    bad_time = np.asarray(ts.isna())
    out["timestamp"] = ts

    lat, bad_lat = _to_float(raw["lat"], typed, comma)
    lon, bad_lon = _to_float(raw["lon"], typed, comma)
    with np.errstate(invalid="ignore"):
        no_position = ~((np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0))
    out["lat"] = np.where(no_position, np.nan, lat)
    out["lon"] = np.where(no_position, np.nan, lon)
    bad = bad_mmsi | bad_time | bad_lat | bad_lon

    with np.errstate(invalid="ignore"):
        for field, name, lo, hi in (
            ("sog", "sog_knots", 0.0, SOG_NA_KNOTS - 0.05),
            ("cog", "cog_deg", 0.0, 360.0 - 1e-9),
            ("heading", "heading_deg", 0.0, 360.0 - 1e-9),
        ):
            values = (_to_float(raw[field], typed, comma)[0] if field in raw
                      else np.full(n, np.nan))
            out[name] = np.where((values >= lo) & (values <= hi), values, np.nan)
        for field, name in (("draught", "draught_m"), ("length", "length_m"), ("width", "beam_m")):
            values = (_to_float(raw[field], typed, comma)[0] if field in raw
                      else np.full(n, np.nan))
            out[name] = np.where(values > 0, values, np.nan)

    def distinct(field: str) -> _Distinct:
        return _Distinct(raw[field] if field in raw else pd.Series([None] * n, dtype=object))

    out["nav_status"] = distinct("status").ints(_nav_status, "Int8")
    ship = distinct("ship_type").ints(_ship_type, "Int16")
    if layout.kind == DMA and "cargo_type" in raw:
        digit = distinct("cargo_type").ints(lambda t: _CARGO_NORM.get(_norm(t)), "Int16")
        ship = _refine_ship_type(ship, digit)
    out["ship_type"] = ship
    out["imo"] = distinct("imo").ints(_imo, "Int64")
    for field in ("name", "callsign", "destination"):
        out[field] = distinct(field).strings(_clean_text)
    if "mobile" in raw:
        out["vessel"] = ~distinct("mobile").flags(lambda t: _norm(t) in _NON_VESSEL_NORM)
    else:
        out["vessel"] = np.ones(n, dtype=bool)
    frame = pd.DataFrame(out)
    return frame, bad


def _refine_ship_type(ship: pd.api.extensions.ExtensionArray,
                      digit: pd.api.extensions.ExtensionArray) -> pd.api.extensions.ExtensionArray:
    """Add DMA's cargo-type digit to decade-base ship types (70 + ``Category X`` -> 71)."""
    base = ship.to_numpy(dtype=np.int64, na_value=0)
    add = digit.to_numpy(dtype=np.int64, na_value=0)
    refine = np.isin(base, _CARGO_DIGIT_BASES) & (add > 0)
    if not refine.any():
        return ship
    out = ship.copy()
    out[refine] = (base + add)[refine]
    return out


# ------------------------------------------------------------------------- building tables


def _positions(rows: pd.DataFrame) -> pd.DataFrame:
    kinematic = rows[["lat", "lon", "sog_knots", "cog_deg", "heading_deg"]].notna().any(axis=1)
    keep = rows["vessel"].to_numpy() & kinematic.to_numpy()
    pos = rows.loc[keep, ["mmsi", "timestamp", "lon", "lat", "sog_knots", "cog_deg",
                          "heading_deg", "nav_status"]]
    return pos.reset_index(drop=True)


def _static_candidates(rows: pd.DataFrame) -> pd.DataFrame:
    """Vessel rows that carry any static field."""
    present = rows[list(_STATIC_FIELDS)].notna().any(axis=1).to_numpy()
    keep = rows["vessel"].to_numpy() & present
    return rows.loc[keep, ["mmsi", "timestamp", *_STATIC_FIELDS]].reset_index(drop=True)


class _StaticsTracker:
    """Keep, across chunks, each vessel's last static content; select the rows that change it."""

    def __init__(self) -> None:
        self._last: pd.DataFrame | None = None  # index: mmsi; columns: _STATIC_FIELDS

    def select(self, cand: pd.DataFrame) -> pd.DataFrame:
        """Rows of ``cand`` (file order) that are a vessel's first or differ from its previous."""
        if cand.empty:
            return cand
        mmsi = cand["mmsi"].to_numpy()
        order = np.argsort(mmsi, kind="stable")
        s = cand.iloc[order].reset_index(drop=True)
        m = mmsi[order]
        first = np.empty(len(m), dtype=bool)
        first[0] = True
        np.not_equal(m[1:], m[:-1], out=first[1:])
        last = np.empty(len(m), dtype=bool)
        last[-1] = True
        last[:-1] = first[1:]

        has_prev = ~first
        first_idx = np.flatnonzero(first)
        if self._last is not None and len(self._last):
            pos_in_state = pd.Index(self._last.index).get_indexer(m[first_idx])
        else:
            pos_in_state = np.full(len(first_idx), -1)
        seen = pos_in_state >= 0
        has_prev[first_idx[seen]] = True

        same = np.ones(len(m), dtype=bool)
        for field in _STATIC_FIELDS:
            cur = s[field]
            prev = cur.shift(1)
            if seen.any():
                prev = prev.copy()
                prev.iloc[first_idx[seen]] = self._last[field].to_numpy()[pos_in_state[seen]]
            eq = (cur == prev).fillna(False).to_numpy(dtype=bool) if cur.dtype != np.float64 \
                else (cur.to_numpy() == prev.to_numpy())
            both_na = cur.isna().to_numpy() & prev.isna().to_numpy()
            same &= eq | both_na
        changed = ~has_prev | ~same

        latest = s.loc[last, ["mmsi", *_STATIC_FIELDS]].set_index("mmsi")
        if self._last is None:
            self._last = latest
        else:
            self._last = pd.concat([self._last[~self._last.index.isin(latest.index)], latest])

        picked = np.flatnonzero(changed)
        picked = picked[np.argsort(order[picked], kind="stable")]
        return s.iloc[picked].reset_index(drop=True)


# ------------------------------------------------------------------------- frames in memory


def frame_tables(frame: pd.DataFrame, columns: dict[str, str] | None = None, *,
                 dayfirst: bool = False, report: DecodeReport | None = None,
                 where: str = "DataFrame") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The positions and statics tables of a positions table in memory (any layout
    :func:`iter_csv` reads, or any other through ``columns``).

    Rows that cannot be parsed (MMSI, time, latitude or longitude) are dropped and counted in
    ``report.malformed``; ``report.lines`` counts the rows.

    Raises
    ------
    ValueError
        The columns match no known layout and no mapping is given, or the mapping names a
        column the frame does not have.
    """
    fields = [str(c) for c in frame.columns]
    if columns is not None:
        layout = _mapped_layout(fields, check_columns(columns), dayfirst, where)
    else:
        layout = _layout_from_fields(fields, dayfirst)
        if layout is None:
            shown = ",".join(fields)
            shown = shown if len(shown) <= 120 else shown[:117] + "..."
            raise LayoutError(f"{where}: columns match no known layout (tried {LAYOUTS_TRIED}); "
                             f"map them with columns= (columns: {shown})")
    raw = pd.DataFrame({field: frame.iloc[:, i].reset_index(drop=True)
                        for field, i in layout.columns.items()})
    for field in raw.columns:
        numeric = pd.api.types.is_numeric_dtype(raw[field].dtype)
        if field in _NUMERIC and not numeric:  # text or mixed values: checked as text
            raw[field] = raw[field].astype("string[pyarrow]")
        elif field not in _NUMERIC and field != "time" and raw[field].dtype != object:
            raw[field] = raw[field].astype(object)
    raw.attrs["typed"] = False
    rows, bad = _convert(raw, layout)
    if report is not None:
        report.lines += len(frame)
        report.malformed += int(bad.sum())
    rows = rows[~bad].reset_index(drop=True)
    positions = positions_frame(_positions(rows))
    statics = statics_frame(_StaticsTracker().select(_static_candidates(rows)))
    if report is not None:
        report.positions += len(positions)
        report.statics += len(statics)
    return positions, statics
