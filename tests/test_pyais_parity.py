"""Every real corpus keeps every message pyais keeps.

For each NMEA file of the real corpora copied into ``tests/data/`` (gpsd, libais, Danish
Maritime Authority AisLib; provenance in ``tests/data/README.md``), the messages vesseltrack
frames and decodes are compared with those of pyais's own reader over the same file
(``pyais.stream.BinaryIOStream``: its own assembly of multi-sentence messages), in stream
order:

* every message: type and MMSI;
* the positions table (types 1, 2, 3, 18, 19, 27): MMSI, type, lon, lat, speed, course,
  heading;
* the statics table (types 5, 19, 24): MMSI, type, IMO, name, call sign, draught,
  destination.

What pyais is given, and why (each a difference by design, not a loss):

* Sentences whose checksum fails are left out: pyais yields them, vesseltrack counts them as
  bad lines and never decodes them (the checksum is worked out here, independently).
* Fields after a sentence's checksum (USCG/AMSA trailers such as ``,r003669935,1272435017``)
  are cut off: pyais reads the fill bits from the last comma-separated field, so with a
  trailer it decodes with fill 0 (one type 23 of libais's ``test.aivdm`` gets another MMSI).

And what is compared after pyais, with the "not available" rules of ITU-R M.1371 applied
here to its raw values: a position outside ±180°/±90° (lon 181 / lat 91 mean none) has no
coordinates at all; speed 102.3 kn (63 kn for type 27), course ≥ 360°, heading ≥ 360° are
missing; text is stripped of ``@`` padding and blanks at both ends; IMO 0 and draught 0 are
missing. Messages pyais cannot decode (type 24 with the reserved part number 3 in gpsd's
``ais-18-27.log``) and messages too short to hold a whole MMSI (a 33-bit type 23 in libais's
``test.aivdm``, to which pyais gives an MMSI made of the bits there are) are counted, as
vesseltrack counts them among its decode errors.
"""

from __future__ import annotations

import functools
import gzip
import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyais.stream import BinaryIOStream

from vesseltrack.ais import PayloadError, decode_payload
from vesseltrack.ais._nmea import NMEAFramer
from vesseltrack.io import DecodeReport, read_ais

DATA = Path(__file__).parent / "data"
CORPORA = sorted(
    p for p in DATA.rglob("*")
    if p.is_file() and p.parent.name in ("gpsd", "daemon", "libais", "dma-aislib")
    and p.suffix in (".aivdm", ".log", ".nmea", ".txt", ".gz") and p.name != "LICENSE.txt"
)
IDS = [str(p.relative_to(DATA)) for p in CORPORA]
_SENTENCE = re.compile(rb"!([^!*]*)\*([0-9A-Fa-f]{2})")
MMSI_END_BIT = 38
"""The MMSI is bits 8-37 of every message (ITU-R M.1371): a shorter message has none."""


def _raw(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


@functools.cache
def _pyais(path: Path) -> tuple[tuple[dict, ...], int]:
    """pyais's decoded messages (as dicts) over the file, and how many it could not decode."""
    kept = []
    for line in re.split(rb"\r\n|\r|\n", _raw(path)):
        match = _SENTENCE.search(line)
        if match:
            check = 0
            for byte in match.group(1):
                check ^= byte
            if check != int(match.group(2), 16):
                continue
            line = line[:match.end()]
        kept.append(line + b"\n")
    messages, failed = [], 0
    for msg in BinaryIOStream(io.BytesIO(b"".join(kept))):
        if 6 * len(msg.payload) - msg.fill_bits < MMSI_END_BIT:
            failed += 1  # no whole MMSI: pyais makes one of the bits there are
            continue
        try:
            messages.append(msg.decode().asdict())
        except Exception:  # pyais raises several types; counted, as vesseltrack does
            failed += 1
    return tuple(messages), failed


@functools.cache
def _read(path: Path):
    return read_ais(path, progress=False)


def _missing_if(value, is_missing) -> float:
    if value is None:
        return math.nan
    value = float(value)
    return math.nan if is_missing(value) else value


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip("@ ")
    return text or None


@pytest.mark.parametrize("path", CORPORA, ids=IDS)
def test_every_message_pyais_keeps_is_framed(path: Path) -> None:
    """Type and MMSI of every message, in stream order, and the undecodable ones counted."""
    reference, pyais_failed = _pyais(path)
    report = DecodeReport()
    framer = NMEAFramer(report)
    text = _raw(path).decode("latin-1")
    lines = re.split(r"\r\n|\r|\n", text)
    non_ascii = np.array([any(ord(c) > 127 for c in line) for line in lines])
    messages = [framer.feed(lines, non_ascii), framer.flush()]
    ours, failed = [], 0
    for msgs in messages:
        rows = np.arange(len(msgs))
        for payload, fill in zip(msgs.payload_strings(rows), msgs.fill_bits.tolist(), strict=True):
            try:
                values = decode_payload(payload, fill)
            except PayloadError:
                failed += 1
                continue
            ours.append((values["msg_type"], values["mmsi"]))
    assert ours == [(m["msg_type"], m["mmsi"]) for m in reference]
    assert failed == pyais_failed


@pytest.mark.parametrize("path", CORPORA, ids=IDS)
def test_positions_match_pyais(path: Path) -> None:
    reference, _ = _pyais(path)
    rows = []
    for m in reference:
        kind = m["msg_type"]
        if kind not in (1, 2, 3, 18, 19, 27):
            continue
        lon, lat = m.get("lon"), m.get("lat")
        on_earth = lon is not None and lat is not None and abs(lon) <= 180 and abs(lat) <= 90
        rows.append({
            "mmsi": m["mmsi"], "msg_type": kind,
            "lon": float(lon) if on_earth else math.nan,
            "lat": float(lat) if on_earth else math.nan,
            "sog_knots": _missing_if(m.get("speed"),
                                     lambda v, k=kind: v >= (63 if k == 27 else 102.25)),
            "cog_deg": _missing_if(m.get("course"), lambda v: v >= 360),
            "heading_deg": _missing_if(m.get("heading"), lambda v: v >= 360),
        })
    expected = pd.DataFrame(rows, columns=["mmsi", "msg_type", "lon", "lat", "sog_knots",
                                           "cog_deg", "heading_deg"])
    ours = _read(path).positions[expected.columns]
    assert len(ours) == len(expected)
    pd.testing.assert_frame_equal(
        ours.astype("float64").reset_index(drop=True), expected.astype("float64"),
        check_exact=False, atol=1e-5, rtol=0)


@pytest.mark.parametrize("path", CORPORA, ids=IDS)
def test_statics_match_pyais(path: Path) -> None:
    reference, _ = _pyais(path)
    expected = []
    for m in reference:
        if m["msg_type"] not in (5, 19, 24):
            continue
        draught = m.get("draught")
        expected.append((m["mmsi"], m["msg_type"], m.get("imo") or None,
                         _text(m.get("shipname")), _text(m.get("callsign")),
                         round(draught, 1) if draught else None, _text(m.get("destination"))))
    statics = _read(path).statics
    ours = [tuple(None if pd.isna(v) else v for v in row) for row in zip(
        statics["mmsi"].tolist(), statics["msg_type"].tolist(), statics["imo"].tolist(),
        statics["name"].tolist(), statics["callsign"].tolist(),
        statics["draught_m"].round(1).tolist(), statics["destination"].tolist(), strict=True)]
    assert ours == expected
