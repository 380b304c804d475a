"""``read_ais`` against real AIS corpora with independently known answers.

The corpora (copied into ``tests/data/``, provenance in ``tests/data/README.md``):

* gpsd's regression files: ``sample.aivdm`` with ``sample.aivdm.js.chk`` (``gpsdecode -j``,
  scaled JSON) and the ``daemon/*.log`` captures with their ``.log.chk`` (gpsd daemon JSON,
  unscaled: lat/lon in 1/600000 degree, speed in 0.1 knot, course in 0.1 degree, draught in
  0.1 m; type 27 lat/lon in 1/600 degree, speed in knots, course in degrees);
* libais's ``typeexamples``, ``tagblock`` and ``test_data.json`` (the expected values of
  libais's own unit tests);
* the Danish Maritime Authority AisLib test resources (``$PGHP`` timed streams and framing corner
  cases), for which the expected counts below were worked out by reading the files line by line.

Every value test runs twice: with the pyais decoder (``fast=False``) and with the vectorised
one (``fast=True``). Where gpsd or libais differ from us by design, the difference is named and
explained next to the assertion that covers it.
"""

from __future__ import annotations

import functools
import json
import math
import re
import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from vesseltrack._schema import POSITION_MSG_TYPES, STATIC_MSG_TYPES
from vesseltrack.ais._decode import decode_payload
from vesseltrack.io import AISData, read_ais

DATA = Path(__file__).parent / "data"
GPSD = DATA / "gpsd"
LIBAIS = DATA / "libais"
DMA = DATA / "dma-aislib"

FAST = pytest.mark.parametrize("fast", [False, True], ids=["pyais", "fast"])

POSITION_VALUE_COLUMNS = ("lon", "lat", "sog_knots", "cog_deg", "heading_deg")
STATIC_VALUE_COLUMNS = ("name", "callsign", "imo", "draught_m", "destination", "ship_type")

GPSD_TYPE24_QUEUE = 8
"""Slots of gpsd's circular queue of type 24 part A messages (``MAX_TYPE24_INTERLEAVE``)."""


# ---------------------------------------------------------------------------------------------
# Helpers


@functools.cache
def _read(path: Path, fast: bool) -> AISData:
    """``read_ais`` of one file, cached per (file, decoder): the frames must not be modified."""
    return read_ais(path, fast=fast, progress=False)


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def _unix_utc(seconds: int) -> pd.Timestamp:
    return pd.Timestamp(seconds, unit="s", tz="UTC")


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _sixbit(payload: str) -> int:
    """The payload's bits as one integer (ITU-R M.1371 armouring), for header checks."""
    bits = 0
    for char in payload:
        value = ord(char) - 48
        bits = (bits << 6) | (value - 8 if value > 40 else value)
    return bits


def _field(payload: str, start: int, width: int) -> int:
    """Unsigned field of ``width`` bits at bit ``start`` of an armoured payload."""
    total = 6 * len(payload)
    return (_sixbit(payload) >> (total - start - width)) & ((1 << width) - 1)


_SINGLE_TYPE24 = re.compile(r"^!..VD[MO],1,1,[^,]*,[^,]*,(H[^,]*),[0-5]\*")


def _type24_parts(path: Path) -> list[tuple[int, int]]:
    """(mmsi, part number) of every valid type 24 sentence of a file, read from the raw bits.

    Comment lines are not data. Part numbers 2 and 3 are reserved (ITU-R M.1371): such
    messages give no row, so they are left out here.
    """
    out = []
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("#"):
            continue
        match = _SINGLE_TYPE24.match(line.strip())
        if match:
            payload = match.group(1)
            part = _field(payload, 38, 2)
            if part in (0, 1):
                out.append((_field(payload, 8, 30), part))
    return out


def _type24_name(payload: str) -> str | None:
    """Ship name of a type 24 part A, decoded from the raw bits (not through pyais)."""
    chars = []
    for i in range(20):
        start = 40 + 6 * i
        if start + 6 > 6 * len(payload):
            break
        code = _field(payload, start, 6)
        chars.append(chr(code + 64) if code < 32 else chr(code))
    return "".join(chars).strip("@ ") or None


def _position_truth(msg_type: int, lon: float, lat: float, sog_knots: float, cog_deg: float,
                    heading_deg: float) -> tuple[float, float, float, float, float]:
    """Apply the AIS "not available" sentinels and range limits to decoded position values.

    ITU-R M.1371 sentinels: lon 181, lat 91, speed 102.3 kn (type 27: 63 kn), course 360
    (type 27: 511), heading 511. Values outside the field's range (e.g. lat -101.5) are not a
    position either: gpsd and libais pass them through, vesseltrack gives NaN. lon and lat are
    one position: when either is unusable, both are NaN.
    """
    if not (abs(lon) <= 180.0 and abs(lat) <= 90.0):
        lon = lat = math.nan
    sog_limit = 63.0 if msg_type == 27 else 102.3
    if sog_knots >= sog_limit - 1e-9:
        sog_knots = math.nan
    if cog_deg >= 360.0:
        cog_deg = math.nan
    if heading_deg >= 360.0:
        heading_deg = math.nan
    return lon, lat, sog_knots, cog_deg, heading_deg


def _gpsd_positions(records: Iterable[dict], *, scaled: bool,
                    float32: bool = False) -> pd.DataFrame:
    """Expected position rows from gpsd JSON reports (types 1, 2, 3, 18, 19, 27).

    ``scaled``: degrees, knots and degrees (``gpsdecode -j``) rather than transmitted units;
    ``float32``: scaled values that went through float32 (libais's JSON), compared with a
    tolerance instead of being rounded back to the transmitted integers.
    """
    rows = []
    for rec in records:
        msg_type = rec["type"]
        if msg_type not in POSITION_MSG_TYPES:
            continue
        lon, lat = float(rec["lon"]), float(rec["lat"])
        sog_knots, cog_deg = float(rec["speed"]), float(rec["course"])
        heading_deg = float(rec.get("heading", 511))  # type 27 has no heading
        # Transmitted units: 1/10000 minute (type 27: 1/10 minute, speed in knots, course in
        # degrees), 0.1 kn, 0.1 degree.
        per_deg = 600.0 if msg_type == 27 else 600000.0
        if scaled:
            if not float32:
                # gpsd prints degrees rounded to 7 decimals (type 27: 4): the transmitted
                # integer is recovered exactly by rounding.
                lon, lat = round(lon * per_deg) / per_deg, round(lat * per_deg) / per_deg
        else:
            lon, lat = lon / per_deg, lat / per_deg
            if msg_type != 27:
                sog_knots, cog_deg = sog_knots / 10.0, cog_deg / 10.0
        rows.append((rec["mmsi"], msg_type)
                    + _position_truth(msg_type, lon, lat, sog_knots, cog_deg, heading_deg))
    return pd.DataFrame(rows, columns=["mmsi", "msg_type", *POSITION_VALUE_COLUMNS])


def _gpsd_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip(" ")
    return text or None


def _gpsd_statics(records: Iterable[dict], *, scaled: bool) -> pd.DataFrame:
    """Expected static rows from gpsd JSON reports (types 5, 19, 24); n/a (0, "") → missing."""
    rows = []
    for rec in records:
        msg_type = rec["type"]
        if msg_type not in STATIC_MSG_TYPES:
            continue
        imo = int(rec.get("imo") or 0)  # libais's JSON gives it as a string
        draught_m = float(rec.get("draught") or 0.0)
        if not scaled:
            draught_m /= 10.0  # transmitted in 0.1 m
        ship_type = int(rec.get("shiptype") or 0)
        rows.append((
            rec["mmsi"], msg_type,
            _gpsd_text(rec.get("shipname")),
            _gpsd_text(rec.get("callsign")),
            imo if imo > 0 else None,
            draught_m if draught_m > 0 else math.nan,
            _gpsd_text(rec.get("destination")),
            ship_type if ship_type > 0 else None,
        ))
    return pd.DataFrame(rows, columns=["mmsi", "msg_type", *STATIC_VALUE_COLUMNS])


def _merge_type24_like_gpsd(statics: pd.DataFrame, parts: list[tuple[int, int]]) -> pd.DataFrame:
    """Our statics as gpsd reports them: type 24 parts A and B merged, lone parts dropped.

    gpsd keeps the last 8 part A messages (MMSI + name) in a circular queue and reports
    nothing for them; a part B whose MMSI is in the queue is reported once, with the queued
    name, and frees the slot; a part B without a queued part A is not reported. vesseltrack
    keeps one row per type 24 message instead (a part A row has the name, a part B row the
    call sign, type and dimensions), so the rows are merged here the way gpsd does.
    """
    is24 = statics["msg_type"].to_numpy() == 24
    assert [int(m) for m in statics.loc[is24, "mmsi"]] == [m for m, _ in parts], (
        "type 24 rows do not match the file's valid type 24 sentences")
    ring: list[tuple[int, Any] | None] = [None] * GPSD_TYPE24_QUEUE
    index = 0
    part_of = iter(p for _, p in parts)
    rows = []
    for row in statics.to_dict("records"):
        if row["msg_type"] != 24:
            rows.append(row)
            continue
        if next(part_of) == 0:
            ring[index] = (row["mmsi"], row["name"])
            index = (index + 1) % GPSD_TYPE24_QUEUE
            continue
        for slot, queued in enumerate(ring):
            if queued is not None and queued[0] == row["mmsi"]:
                rows.append({**row, "name": queued[1]})
                ring[slot] = None
                break
    return pd.DataFrame(rows, columns=statics.columns)


def _mismatches(ours: pd.DataFrame, expected: pd.DataFrame, columns: Iterable[str],
                atol: dict[str, float]) -> list[str]:
    """Row-aligned differences between two frames (NaN/NA equal to NaN/NA)."""
    assert len(ours) == len(expected), (len(ours), len(expected))
    keys_ours = list(zip(ours["msg_type"].astype(int), ours["mmsi"].astype(int), strict=True))
    keys_expected = list(zip(expected["msg_type"].astype(int), expected["mmsi"].astype(int),
                             strict=True))
    assert keys_ours == keys_expected, "messages out of step (type, mmsi)"
    out = []
    for col in columns:
        for i, (got, want) in enumerate(zip(ours[col].tolist(), expected[col].tolist(),
                                            strict=True)):
            if _missing(got) and _missing(want):
                continue
            if _missing(got) or _missing(want):
                ok = False
            elif col in atol:
                ok = abs(float(got) - float(want)) <= atol[col]
            else:
                ok = got == want
            if not ok:
                out.append(f"row {i} {keys_ours[i]} {col}: got {got!r}, expected {want!r}")
    return out


# gpsd's lon/lat are taken back to the transmitted integers (see _gpsd_positions); pyais, which
# our fast decoder matches, rounds degrees to 6 decimals: agreement within 5e-7 degree (6 cm).
GPSD_ATOL = {"lon": 1e-6, "lat": 1e-6, "sog_knots": 1e-9, "cog_deg": 1e-9, "heading_deg": 0.0,
             "draught_m": 1e-9}


# ---------------------------------------------------------------------------------------------
# gpsd test/sample.aivdm against sample.aivdm.js.chk


def _gpsd_sample_records() -> list[dict]:
    text = (GPSD / "sample.aivdm.js.chk").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@FAST
def test_gpsd_sample_report_counts(fast: bool) -> None:
    """sample.aivdm, counted by hand: 1121 lines = 1001 comments + 1 blank + 118 sentences +
    1 malformed line (line 978, ``AIVDM,2,2,1,B,...`` without its ``!``).

    The 118 sentences make 102 messages: 88 single-sentence ones, 11 two-part and 2 three-part
    ones (the pairs at lines 1011-1014 are interleaved, sequence ids 6 and 2). Lines 1080-1081
    carry the literal text ``\\x0d\\x0a`` after their checksum; gpsd decodes them (its type 21
    report is in the .chk file) and so do we. The ``# Unhandled`` block at the end holds 15
    commented-out sentences (bad types, broken multipart sequences): a comment is not data, so
    none of them may be counted or decoded.
    """
    rep = _read(GPSD / "sample.aivdm", fast).report
    assert rep.lines == 1121
    assert rep.comments == 1001
    assert rep.blank == 1
    assert rep.malformed == 1
    assert rep.bad_checksum == 0
    assert rep.sentences == 118
    assert rep.messages == 102
    assert rep.orphan_fragments == 0
    assert rep.decode_errors == 0
    # Only lines 526, 649 and 697 (types 11, 15, 17) end with a USCG-style Unix time
    # (e.g. ``,r09SCHA1,1272422678``): every other message is untimed.
    assert rep.untimed == 99


@FAST
def test_gpsd_sample_positions_match_gpsd(fast: bool) -> None:
    """Every type 1, 2, 3, 18, 19 and 27 report of gpsd agrees with our positions table.

    gpsd reports heading 511 and, for type 27, the raw speed/course; those sentinels are NaN
    here. Type 27 has no heading field: NaN.
    """
    expected = _gpsd_positions(_gpsd_sample_records(), scaled=True)
    assert Counter(expected["msg_type"]) == {1: 4, 2: 1, 3: 1, 18: 3, 19: 1, 27: 2}
    positions = _read(GPSD / "sample.aivdm", fast).positions
    assert _mismatches(positions, expected, POSITION_VALUE_COLUMNS, GPSD_ATOL) == []
    # Two known rows, to make the comparison's meaning visible.
    first = positions.iloc[0]
    assert (first["mmsi"], first["msg_type"]) == (371798000, 1)
    assert first["lon"] == pytest.approx(-123.3953833, abs=1e-6)
    assert first["lat"] == pytest.approx(48.3816333, abs=1e-6)
    assert (first["sog_knots"], first["cog_deg"], first["heading_deg"]) == (12.3, 224.0, 215.0)
    t27 = positions[positions["msg_type"] == 27].iloc[1]
    assert t27["mmsi"] == 206914217
    assert (t27["lon"], t27["lat"]) == pytest.approx((137.0233333, 4.84), abs=1e-6)
    assert (t27["sog_knots"], t27["cog_deg"]) == (57.0, 167.0)
    assert np.isnan(t27["heading_deg"])


@FAST
def test_gpsd_sample_statics_match_gpsd(fast: bool) -> None:
    """Every type 5, 19 and 24 report of gpsd agrees with our statics table.

    gpsd merges type 24 parts A and B into one report and drops lone parts (see
    :func:`_merge_type24_like_gpsd`): of the 6 type 24 messages here, 2 become gpsd reports.
    """
    path = GPSD / "sample.aivdm"
    expected = _gpsd_statics(_gpsd_sample_records(), scaled=True)
    assert Counter(expected["msg_type"]) == {5: 3, 19: 1, 24: 2}
    statics = _read(path, fast).statics
    parts = _type24_parts(path)
    assert parts == [(271041815, 0), (271041815, 1), (271041815, 1), (271041511, 0),
                     (271040660, 0), (271020195, 1), (271040660, 1)]
    merged = _merge_type24_like_gpsd(statics, parts)
    assert _mismatches(merged, expected, STATIC_VALUE_COLUMNS, GPSD_ATOL) == []
    t24 = merged[merged["msg_type"] == 24]
    assert t24[["mmsi", "name", "callsign", "ship_type"]].values.tolist() == [
        [271041815, "PROGUY", "TC6163", 60], [271040660, "GOZDEM-1", "YM5504", 37]]


# ---------------------------------------------------------------------------------------------
# gpsd test/daemon/*.log against their .log.chk


def _gpsd_daemon_records(log: Path) -> list[dict]:
    """AIS reports of a daemon .chk file, one per completed message, in order.

    The .chk echoes each input line followed by the daemon's JSON. After a GPS sentence the
    daemon re-emits the last AIS report, so only AIS JSON directly after a VDM/VDO line counts.
    """
    chk = log.with_name(log.name + ".chk")
    records = []
    after_ais = False
    for line in chk.read_text(encoding="utf-8").splitlines():
        if after_ais and line.startswith('{"class":"AIS"'):
            records.append(json.loads(line))
        after_ais = line.startswith("!") and ("VDM," in line or "VDO," in line)
    return records


# log: (lines, comments, blank, other NMEA, AIS sentences, messages), counted from the files:
# every "!" line is an AIS sentence with a valid checksum; other lines are "#" comments, blank
# lines or GPS/proprietary NMEA ($GPRMC, $PFEC, ...); messages = sentences that complete one.
DAEMON_LOGS = {
    "ais-18-27.log": (280, 4, 0, 0, 276, 276),
    "ais-nmea-type6-fid55.log": (1487, 7, 0, 0, 1480, 1326),
    "ais-nmea.log": (1500, 4, 0, 1313, 183, 171),
    "ais-raw-messages.log": (121, 7, 0, 0, 114, 109),
    "ais_unpack_sixbit.log": (28, 7, 1, 0, 20, 13),
    "ait250.log": (155, 13, 0, 67, 75, 74),
    "saab-r4.log": (127, 4, 1, 108, 14, 14),
}


@FAST
@pytest.mark.parametrize("log_name", sorted(DAEMON_LOGS))
def test_gpsd_daemon_log(log_name: str, fast: bool) -> None:
    """Counts and every position/static value agree with the gpsd daemon's reports.

    Known difference, by design: in ais-nmea-type6-fid55.log, MMSI 244710865 (PRINSES
    CHRISTINA) sends its call sign as ``@@J130B``: left-padded with ``@``, the six-bit
    padding character. gpsd cuts text at the first ``@`` and reports ``""``; vesseltrack
    strips ``@`` padding at both ends and keeps ``J130B``.
    """
    log = GPSD / "daemon" / log_name
    lines, comments, blank, other, sentences, messages = DAEMON_LOGS[log_name]
    data = _read(log, fast)
    rep = data.report
    assert (rep.lines, rep.comments, rep.blank, rep.other_nmea) == (lines, comments, blank, other)
    assert (rep.sentences, rep.messages) == (sentences, messages)
    assert (rep.malformed, rep.bad_checksum, rep.orphan_fragments) == (0, 0, 0)

    records = _gpsd_daemon_records(log)
    expected_pos = _gpsd_positions(records, scaled=False)
    assert _mismatches(data.positions, expected_pos, POSITION_VALUE_COLUMNS, GPSD_ATOL) == []

    expected_sta = _gpsd_statics(records, scaled=False)
    merged = _merge_type24_like_gpsd(data.statics, _type24_parts(log))
    assert len(merged) == len(expected_sta)
    j130b = (merged["mmsi"] == 244710865).to_numpy()
    if j130b.any():
        assert log_name == "ais-nmea-type6-fid55.log"
        assert j130b.sum() == 3
        assert (expected_sta.loc[j130b, "callsign"].isna()).all()  # gpsd: ""
        assert merged.loc[j130b, "callsign"].tolist() == ["J130B"] * 3
        expected_sta.loc[j130b, "callsign"] = "J130B"
    assert _mismatches(merged, expected_sta, STATIC_VALUE_COLUMNS, GPSD_ATOL) == []


# (log, mmsi, ship type code sent) for type 5 reports whose code is reserved or unassigned by
# ITU-R M.1371; gpsd reports the code as sent.
RESERVED_SHIP_TYPES = [
    ("ais_unpack_sixbit.log", 244538000, 38),  # ARCTIC SUNRISE
    ("ais-nmea-type6-fid55.log", 356068000, 9),
    ("ais-nmea-type6-fid55.log", 316012721, 38),
    ("ais-nmea-type6-fid55.log", 244660839, 66),
    ("ais-nmea-type6-fid55.log", 636013457, 77),
]


@FAST
@pytest.mark.parametrize(("log_name", "mmsi", "code"), RESERVED_SHIP_TYPES)
def test_ship_type_is_the_code_sent(log_name: str, mmsi: int, code: int, fast: bool) -> None:
    """``ship_type`` is the 8-bit code the vessel sent, also when ITU-R M.1371 reserves it.

    Folding it onto a category (pyais's ``ShipType`` enum turns 66 into 65, 77 into 75 and
    9 or 38 into 0) loses what was transmitted, and 0 would then read as "not available".
    """
    log = GPSD / "daemon" / log_name
    statics = _read(log, fast).statics
    got = statics.loc[(statics["mmsi"] == mmsi) & (statics["msg_type"] == 5), "ship_type"]
    reports = [r for r in _gpsd_daemon_records(log) if r["type"] == 5 and r["mmsi"] == mmsi]
    assert len(got) == len(reports) >= 1
    assert {r["shiptype"] for r in reports} == {code}
    assert got.tolist() == [code] * len(got)
    if log_name == "ais_unpack_sixbit.log":
        # the same code read straight from the bits (232-239) of lines 10-11
        payload = ("53a=JT41haoI0GKSG6058=@T>1=Dq8U<F222220V1pR847<:0<hCDm1DQ0CH8888"
                   "8888882")
        assert (_field(payload, 8, 30), _field(payload, 232, 8)) == (mmsi, code)


@FAST
def test_gpsd_ais_18_27_reserved_type24_part(fast: bool) -> None:
    """ais-18-27.log: 69 vessels each send type 18, type 24 part A, a type 24 with the
    reserved part number 3, and type 27. The 69 part-3 messages are counted as decode errors
    (``type24_invalid_part``) and break nothing: all 69 type 18, 69 type 27 and 69 part A
    messages come out, part A names as decoded from the raw bits.
    """
    log = GPSD / "daemon" / "ais-18-27.log"
    data = _read(log, fast)
    rep = data.report
    assert rep.decode_errors == 69
    assert dict(rep.decode_errors_by_reason) == {"type24_invalid_part": 69}
    assert Counter(data.positions["msg_type"]) == {18: 69, 27: 69}
    assert Counter(data.statics["msg_type"]) == {24: 69}
    assert rep.positions == 138 and rep.statics == 69

    payloads = []
    parts = []
    for line in log.read_text(encoding="latin-1").splitlines():
        match = _SINGLE_TYPE24.match(line)
        if match:
            parts.append(_field(match.group(1), 38, 2))
            if parts[-1] == 0:
                payloads.append(match.group(1))
    assert Counter(parts) == {0: 69, 3: 69}
    assert data.statics["mmsi"].tolist() == [_field(p, 8, 30) for p in payloads]
    names = [None if pd.isna(n) else n for n in data.statics["name"]]
    assert names == [_type24_name(p) for p in payloads]
    assert names[0] == "SUOKKI" and names.count(None) == 2  # two part As with an empty name
    # Each vessel's type 18 and type 24 come in the same order.
    t18 = data.positions[data.positions["msg_type"] == 18]
    assert t18["mmsi"].tolist() == data.statics["mmsi"].tolist()


# ---------------------------------------------------------------------------------------------
# libais


@FAST
def test_libais_typeexamples(fast: bool) -> None:
    """typeexamples.nmea against typeexamples.json (gpsd JSON keys, scaled, float32 values).

    The JSON holds two impossible positions, which are NaN here by design: type 27 MMSI
    974291422 at lon 200.23 and type 2 MMSI 277315048 at lat -101.55 (its heading 472 is
    out of range too). float32 values carry ~1e-5 degree of noise at these latitudes.
    """
    records = [json.loads(line) for line in
               (LIBAIS / "typeexamples.json").read_text(encoding="utf-8").splitlines()]
    data = _read(LIBAIS / "typeexamples.nmea", fast)
    assert data.report.sentences == 26 and data.report.messages == 26
    atol = {"lon": 2e-5, "lat": 2e-5, "sog_knots": 1e-5, "cog_deg": 1e-5, "heading_deg": 0.0,
            "draught_m": 1e-6}
    expected_pos = _gpsd_positions(records, scaled=True, float32=True)
    assert _mismatches(data.positions, expected_pos, POSITION_VALUE_COLUMNS, atol) == []
    bad = data.positions.set_index("mmsi").loc[[974291422, 277315048]]
    assert bad[["lon", "lat", "heading_deg"]].isna().all().all()
    assert bad["sog_knots"].tolist() == [16.0, 67.0]
    # Here gpsd reported the lone type 24 part A by itself: nothing to merge.
    expected_sta = _gpsd_statics(records, scaled=True)
    assert _mismatches(data.statics, expected_sta, STATIC_VALUE_COLUMNS, atol) == []
    assert data.statics[["mmsi", "name", "imo", "draught_m", "destination"]].values.tolist()[0] == [
        249190000, "RUTH THERESA", 9383663, 7.8, "BOSTON,USA"]


@FAST
def test_libais_tagblock(fast: bool) -> None:
    """NMEA 4 tag blocks: ``c:`` gives the receiver time, ``s:`` the station, ``g:`` groups
    the two sentences of a type 5 that arrive with another message between them."""
    data = _read(LIBAIS / "tagblock.nmea", fast)
    rep = data.report
    assert (rep.lines, rep.sentences, rep.messages, rep.orphan_fragments) == (5, 5, 4, 0)
    assert (rep.untimed, rep.bad_tag_checksum, rep.malformed) == (0, 0, 0)
    pos = data.positions
    assert pos["mmsi"].tolist() == [224651000] * 3
    assert pos["timestamp"].tolist() == [_utc("2014-12-10 00:41:53"), _utc("2014-12-10 00:35:22"),
                                         _utc("2014-12-10 00:32:41")]
    assert pos["source"].tolist() == ["rORBCOMM104", "rORBCOMM007", "rORBCOMM007"]
    sta = data.statics
    assert len(sta) == 1
    row = sta.iloc[0]
    assert (row["mmsi"], row["msg_type"], row["name"], row["callsign"]) == (
        219005012, 5, "ROSINANTE", "XPD5019")
    assert row["timestamp"] == _utc("2014-12-10 00:00:01")
    assert row["source"] == "rORBCOMM008"
    assert (row["length_m"], row["beam_m"]) == (12.0, 3.0)  # to_bow 9 + to_stern 3, 3 + 0

    records = [json.loads(line) for line in
               (LIBAIS / "tagblock.json").read_text(encoding="utf-8").splitlines()]
    for rec in records:
        assert rec["tagblock_timestamp"].endswith(".000000Z")
    expected_pos = _gpsd_positions(records, scaled=True, float32=True)
    atol = {"lon": 2e-5, "lat": 2e-5, "sog_knots": 1e-5, "cog_deg": 1e-5, "heading_deg": 0.0}
    assert _mismatches(pos, expected_pos, POSITION_VALUE_COLUMNS, atol) == []
    want_times = [_utc(r["tagblock_timestamp"][:-1]) for r in records if r["type"] == 1]
    assert pos["timestamp"].tolist() == want_times
    expected_sta = _gpsd_statics(records, scaled=True)
    assert _mismatches(sta, expected_sta, STATIC_VALUE_COLUMNS, {"draught_m": 1e-9}) == []


def _libais_test_data() -> list[dict]:
    return json.loads((LIBAIS / "test_data.json").read_text(encoding="utf-8"))


def test_libais_type17_position_fixes_pyais() -> None:
    """Type 17 lon/lat are signed 1/10 minutes: libais gives x -54.6133, y 35.0333; pyais on
    its own gives 22937.6 / 2102.0 (unsigned tenths of minutes)."""
    entry = next(e for e in _libais_test_data() if e["result"]["id"] == 17)
    assert entry["nmea"][0].startswith("!AIVDM,1,1,,A,A6WWW6gP00a3PDlEKLrarOwUr8Mg,0*03")
    values = decode_payload("A6WWW6gP00a3PDlEKLrarOwUr8Mg", 0)
    assert values["msg_type"] == 17 and values["mmsi"] == entry["result"]["mmsi"] == 444196634
    assert values["lon"] == pytest.approx(entry["result"]["x"], abs=1e-9)
    assert values["lat"] == pytest.approx(entry["result"]["y"], abs=1e-9)
    assert (round(values["lon"], 4), round(values["lat"], 4)) == (-54.6133, 35.0333)


@FAST
def test_libais_test_data_positions(fast: bool, tmp_path: Path) -> None:
    """Types 1, 2, 3, 18, 19 and 27 of libais's unit-test table agree with libais's x, y,
    sog, cog and true_heading; the trailing ``,raishub,<unix>`` field is the receiver time.

    libais keeps the type 3 entry's impossible lat -93.989 (and its lon): NaN here.
    """
    entries = [e for e in _libais_test_data() if e["result"]["id"] in POSITION_MSG_TYPES]
    assert sorted(e["result"]["id"] for e in entries) == [1, 2, 3, 18, 19, 27]
    path = tmp_path / "libais_positions.nmea"
    path.write_text("".join(s + "\n" for e in entries for s in e["nmea"]), encoding="ascii")
    data = read_ais(path, fast=fast, progress=False)
    assert data.report.messages == len(entries)
    rows = []
    for e in entries:
        r = e["result"]
        heading_deg = r.get("true_heading")
        rows.append((r["mmsi"], r["id"]) + _position_truth(
            r["id"], r["x"], r["y"], r["sog"], r["cog"], 511 if heading_deg is None else heading_deg))
    expected = pd.DataFrame(rows, columns=["mmsi", "msg_type", *POSITION_VALUE_COLUMNS])
    atol = {"lon": 1e-6, "lat": 1e-6, "sog_knots": 1e-6, "cog_deg": 1e-5, "heading_deg": 0.0}
    assert _mismatches(data.positions, expected, POSITION_VALUE_COLUMNS, atol) == []
    assert data.positions.loc[data.positions["msg_type"] == 3, ["lon", "lat"]].isna().all().all()
    want_times = [_unix_utc(int(e["nmea"][-1].rsplit(",", 1)[1])) for e in entries]
    assert data.positions["timestamp"].tolist() == want_times


# ---------------------------------------------------------------------------------------------
# Danish Maritime Authority AisLib resources


@FAST
def test_dma_stream_example_pghp_times(fast: bool) -> None:
    """stream_example.txt: a ``$PGHP`` line before every message (28 s of the DMA network).

    8551 lines = 4051 ``$PGHP`` lines + 4500 sentences (18 with the ``!--VDM`` talker);
    3602 single-sentence messages + 449 two-part ones = 4051 messages, each timed.
    """
    data = _read(DMA / "stream_example.txt", fast)
    rep = data.report
    assert (rep.lines, rep.other_nmea, rep.sentences, rep.messages) == (8551, 4051, 4500, 4051)
    assert (rep.malformed, rep.bad_checksum, rep.orphan_fragments) == (0, 0, 0)
    assert (rep.untimed, rep.bad_time) == (0, 0)
    for table in (data.positions, data.statics):
        assert table["timestamp"].notna().all()
        assert table["timestamp"].min() >= _utc("2010-06-11 11:46:10")
        assert table["timestamp"].max() <= _utc("2010-06-11 11:46:38.873")
    pos = data.positions
    # lines 5-6: $PGHP,1,2010,6,11,11,46,12,451,219,1,992190917,1,58*14 + a type 3
    assert (pos.loc[0, "mmsi"], pos.loc[0, "msg_type"]) == (258902000, 3)
    assert pos.loc[0, "timestamp"] == _utc("2010-06-11 11:46:12.451")
    assert pos.loc[0, "source"] == "992190917"
    # last two lines: $PGHP,1,2010,6,11,11,46,38,873,219,,2190072,1,4D*56 + a type 1
    assert (pos.iloc[-1]["mmsi"], pos.iloc[-1]["timestamp"]) == (
        220241000, _utc("2010-06-11 11:46:38.873"))
    assert pos.iloc[-1]["source"] == "2190072"
    # lines 776-777: a millisecond field of "0"
    at_776 = pos[pos["mmsi"] == 261482000].iloc[0]
    assert at_776["timestamp"] == _utc("2010-06-11 11:46:10.000")
    # lines 15-17: $PGHP,1,2010,6,11,11,46,11,929,244,0,,1,72*21 then a two-part type 5;
    # no station id in the $PGHP line, so no source.
    first = data.statics.iloc[0]
    assert (first["mmsi"], first["name"], first["destination"]) == (
        246901005, "PASSAAT", "WEST TERSCHELLING")
    assert first["timestamp"] == _utc("2010-06-11 11:46:11.929")
    assert pd.isna(first["source"])


@FAST
def test_dma_small_cb_example_corner_cases(fast: bool) -> None:
    """small_cb_example.txt, line by line (27 lines):

    * 1: trailing Unix time 1357134218; 2: trailing garbage ``1daasd4218``, empty field,
      then Unix time 1357134222 (still found).
    * 3, 5, 7, 11, 27: blank.
    * 4: tag block ``\\s:b:2,c:1364272372*57\\``; 6: tag block with an empty key
      ``\\:,c:1364272372*4E\\``.
    * 8, 12, 20, 22: ``$PGHP`` (other NMEA), each timing the sentence after it.
    * 9-10, 23-24: two-part type 5 after a ``$PGHP`` of 2012-12-06 09:53:48.612.
    * 13-14: NMEA 4 grouping ``\\1G2:0125,c:1354719387*0D\\``: the tag ``c:`` beats the
      ``$PGHP`` on line 12.
    * 15: a tag block alone (other NMEA) timing line 16, a type 1.
    * 17: type 20 with ``c:``; 18-19: ``g:`` grouped type 5; 21: type 8 from ``!--VDM``.
    * 25: ``$PFOO,INVALID`` has no checksum: malformed.
    * 26: ``!BSVDO,2,2,...`` alone: an orphan fragment.

    Sentences 16 (lines 1, 2, 4, 6, 9, 10, 13, 14, 16-19, 21, 23, 24, 26), messages 11,
    positions 5 (type 1 on lines 1, 2, 4, 6, 16), statics 4 (the four type 5).
    """
    data = _read(DMA / "small_cb_example.txt", fast)
    rep = data.report
    assert rep.lines == 27
    assert rep.blank == 5
    assert rep.comments == 0
    assert rep.sentences == 16
    assert rep.messages == 11
    assert rep.malformed == 1
    assert rep.bad_checksum == 0
    assert rep.other_nmea == 5
    assert rep.orphan_fragments == 1
    assert rep.positions == 5 and len(data.positions) == 5
    assert rep.statics == 4 and len(data.statics) == 4
    assert (rep.untimed, rep.bad_time, rep.decode_errors) == (0, 0, 0)
    assert rep.bad_tag_checksum == 0  # all eight tag blocks check out (XOR computed by hand)
    assert rep.bad_lines == 1

    assert data.positions["mmsi"].tolist() == [327801000, 327801000, 538002398, 538002398,
                                               304010366]
    assert data.positions["timestamp"].tolist() == [
        _unix_utc(1357134218),  # line 1: trailing Unix field
        _unix_utc(1357134222),  # line 2: after a garbage field
        _unix_utc(1364272372),  # line 4: tag c:
        _unix_utc(1364272372),  # line 6: tag c: after an empty key
        _unix_utc(1354719388),  # line 16: from the lone tag block on line 15
    ]
    assert data.positions["timestamp"].iloc[0] == _utc("2013-01-02 13:43:38")
    assert data.statics["mmsi"].tolist() == [220449000, 211235170, 220431000, 220449000]
    assert data.statics["timestamp"].tolist() == [
        _utc("2012-12-06 09:53:48.612"),  # lines 9-10: $PGHP on line 8
        _unix_utc(1354719387),  # lines 13-14: tag c: beats the $PGHP on line 12
        _unix_utc(1354725824),  # lines 18-19: tag c: on the first fragment
        _utc("2012-12-06 09:53:48.612"),  # lines 23-24: $PGHP on line 22
    ]
    assert data.statics["name"].tolist() == ["KING SEAWAYS", "CONTI SINGA", "DIANA",
                                             "KING SEAWAYS"]


@FAST
def test_dma_retry_example_broken_multipart(fast: bool) -> None:
    """retry_example.txt (11 lines, 11 sentences): complete pairs on lines 1-2, 3-4 and 6-7;
    line 5 (``!ABVDM,2,1,8,B``) never gets its part 2 (lines 3-4 share its sequence id and
    channel but come from another talker); line 10 repeats the part 2 of line 2 when part 1
    is long gone. Messages: 3 reassembled + 3 single = 6; orphan fragments: lines 5 and 10.
    """
    data = _read(DMA / "retry_example.txt", fast)
    rep = data.report
    assert (rep.lines, rep.sentences, rep.messages, rep.orphan_fragments) == (11, 11, 6, 2)
    assert (rep.malformed, rep.bad_checksum, rep.blank, rep.other_nmea) == (0, 0, 0, 0)
    assert rep.untimed == 6  # no times in this file
    assert data.positions["mmsi"].tolist() == [246250000, 205634000, 211462260]
    assert data.statics["name"].tolist() == ["MAERSK RESOLUTE", "THEO FISCHER"]
    assert data.statics["destination"].tolist() == ["SOUTH ARNE FIELD", "SAR ON DUTY"]


@FAST
def test_dma_replay_dump_gzip_by_content(fast: bool, tmp_path: Path) -> None:
    """replay_dump.txt.gz gives the same tables as replay_dump.txt, also under a name
    without ``.gz`` (gzip is recognised by content)."""
    plain = _read(DMA / "replay_dump.txt", fast)
    disguised = tmp_path / "replay_dump_copy.txt"
    shutil.copyfile(DMA / "replay_dump.txt.gz", disguised)
    for path in (DMA / "replay_dump.txt.gz", disguised):
        packed = read_ais(path, fast=fast, progress=False)
        pd.testing.assert_frame_equal(packed.positions, plain.positions)
        pd.testing.assert_frame_equal(packed.statics, plain.statics)
        assert packed.report.to_dict() == plain.report.to_dict()
    rep = plain.report
    # 108 lines = 57 $PGHP + 51 sentences; one two-part message: 50 messages, all timed.
    assert (rep.lines, rep.other_nmea, rep.sentences, rep.messages) == (108, 57, 51, 50)
    assert (rep.untimed, rep.positions, rep.statics) == (0, 45, 3)
    assert plain.positions["timestamp"].min() >= _utc("2013-03-18 09:19:09")
    assert plain.positions["timestamp"].max() < _utc("2013-03-18 09:19:31")


@FAST
def test_dma_ais250_joined_sentences_are_malformed(fast: bool) -> None:
    """ais250.txt: 243 lines (the last one without a newline). 8 of them hold two fragments
    joined by the literal text ``\\r\\n`` (e.g. line 27:
    ``!AIVDM,2,1,2,B,...,0*4B\\r\\n!AIVDM,2,2,2,B,...,2*25``): such a line is not a sentence
    but junk, counted malformed. The other 235 lines are single-sentence messages.
    """
    path = DMA / "ais250.txt"
    joined = [ln for ln in path.read_text(encoding="latin-1").splitlines() if "\\r\\n" in ln]
    assert len(joined) == 8
    data = _read(path, fast)
    rep = data.report
    assert rep.lines == 243
    assert rep.malformed == 8
    assert rep.bad_lines == 8
    assert rep.sentences == 235
    assert rep.messages == 235
    assert rep.orphan_fragments == 0
