"""Decode AIS payloads into table rows through pyais, correcting its known faults.

This is the full-coverage path (message types 1-27). Every message goes through
:func:`decode_payload`, which never raises: an undecodable payload becomes a reason
string that the caller counts.

Known pyais faults handled here
-------------------------------
* Type 17 (DGNSS broadcast): pyais scales lon/lat as unsigned tenths (giving minutes), so the
  position is re-read here as signed 1/10 arc-minutes and converted to degrees.
* Type 24 with part number 2 or 3 (reserved by ITU-R M.1371): pyais raises
  ``UnknownPartNoException``. The message is counted as ``type24_invalid_part`` and the
  decoding of every other message goes on.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import POSITION_MSG_TYPES, STATIC_MSG_TYPES

POSITION_FIELDS = ("mmsi", "msg_type", "lon", "lat", "sog_knots", "cog_deg", "heading_deg",
                   "nav_status")
STATIC_FIELDS = ("mmsi", "msg_type", "imo", "name", "callsign", "ship_type", "draught_m",
                 "destination", "length_m", "beam_m")


@functools.cache
def _pyais() -> tuple[Any, Any, Any]:
    """pyais's ``bit_vector``, ``UnknownPartNoException`` and ``MSG_CLASS``, imported on first
    use: most files never need pyais (the vectorised decoder handles the bulk types), and
    importing it costs a command about a quarter of a second."""
    from pyais.bit_vector import bit_vector
    from pyais.exceptions import UnknownPartNoException
    from pyais.messages import MSG_CLASS

    return bit_vector, UnknownPartNoException, MSG_CLASS


class PayloadError(ValueError):
    """A payload that cannot be decoded; ``reason`` is a short machine-readable tag."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def decode_payload(payload: bytes | str, fill_bits: int = 0) -> dict[str, Any]:
    """Decode one armoured AIS payload into a dict of pyais field values.

    Parameters
    ----------
    payload : bytes or str
        The six-bit armoured payload (the 6th field of a VDM/VDO sentence, all fragments joined).
    fill_bits : int
        Fill bits of the last fragment (0-5).

    Returns
    -------
    dict
        pyais field names and values (enums as ints), with type 17 ``lon``/``lat`` corrected
        to signed degrees and navigational status / ship type as their raw codes (pyais maps
        reserved codes to other members of its enums).

    Raises
    ------
    PayloadError
        With ``reason`` one of ``empty_payload``, ``bad_fill_bits``, ``unknown_type``,
        ``type24_invalid_part``, ``too_short`` (no MMSI), ``decode_failed``.

    Examples
    --------
    >>> decode_payload("15RTgt0PAso;90TKcjM8h6g208CQ")["mmsi"]
    371798000
    """
    if isinstance(payload, str):
        payload = payload.encode("ascii", "replace")
    if not payload:
        raise PayloadError("empty_payload")
    if not 0 <= fill_bits <= 5:
        raise PayloadError("bad_fill_bits", str(fill_bits))
    bit_vector, UnknownPartNoException, MSG_CLASS = _pyais()  # noqa: N806 - imported names
    try:
        bv = bit_vector(payload, fill_bits)
        msg_type = bv.get(0, 6)
        cls = MSG_CLASS.get(msg_type)
        if cls is None:
            raise PayloadError("unknown_type", str(msg_type))
        msg = cls.from_vector(bv)
        values = msg.asdict(enum_as_int=True)
    except PayloadError:
        raise
    except UnknownPartNoException as exc:
        raise PayloadError("type24_invalid_part", str(exc)) from exc
    except Exception as exc:  # pyais raises many types on malformed payloads
        raise PayloadError("decode_failed", f"{type(exc).__name__}: {exc}") from exc
    if values.get("mmsi") is None or len(bv) < 38:
        # pyais decodes a cut field from the bits present: a partial MMSI is a wrong MMSI.
        raise PayloadError("too_short", f"{len(bv)} bits")
    n_bits = len(bv)
    # pyais folds reserved codes into its enums (ship type 86 → 85, 1–19 → 0): keep raw bits.
    raw = _RAW_CODES.get((msg_type, values.get("partno")) if msg_type == 24 else msg_type, ())
    for name, offset, width in raw:
        if n_bits >= offset + width:
            values[name] = bv.get(offset, width)
    if msg_type == 17:
        if n_bits >= 75:
            values["lon"] = _signed(bv.get(40, 18), 18) / 600.0
            values["lat"] = _signed(bv.get(58, 17), 17) / 600.0
    return values


_RAW_CODES: dict[object, tuple[tuple[str, int, int], ...]] = {
    1: (("status", 38, 4),),
    2: (("status", 38, 4),),
    3: (("status", 38, 4),),
    27: (("status", 40, 4),),
    5: (("ship_type", 232, 8),),
    19: (("ship_type", 263, 8),),
    (24, 1): (("ship_type", 40, 8),),
}
"""Enumerated fields re-read as raw bits: (name, bit offset, width) per message type."""


def clean_text(value: Any) -> str | None:
    """Strip AIS ``@`` padding and blanks from both ends of a text field; empty → None.

    ``@`` is six-bit code 0, the padding character of ITU-R M.1371; some transmitters pad on
    the left (``@@J130B``), so padding is removed at both ends.

    Examples
    --------
    >>> clean_text("@@J130B  @@@")
    'J130B'
    """
    if value is None:
        return None
    text = str(value).strip("@ \t\r\n\x00")
    return text or None


@dataclass
class DecodedBatch:
    """Rows decoded from a batch of messages.

    ``positions`` and ``statics`` carry a ``row`` column: the index of the message in the
    input batch, so the caller can attach receiver time and source. Values are already
    masked ("not available" → NaN/NA) by :func:`mask_positions` / :func:`mask_statics`.
    """

    positions: pd.DataFrame
    statics: pd.DataFrame
    errors: Counter = field(default_factory=Counter)


def _position_row(v: dict[str, Any], msg_type: int) -> tuple:
    status = v.get("status")
    return (
        v.get("mmsi"),
        msg_type,
        v.get("lon"),
        v.get("lat"),
        v.get("speed"),
        v.get("course"),
        v.get("heading"),
        status if msg_type in (1, 2, 3, 27) else None,
    )


def _dimension(a: Any, b: Any) -> float:
    if a is None or b is None:
        return np.nan
    return float(a) + float(b)


def _static_row(v: dict[str, Any], msg_type: int) -> tuple:
    return (
        v.get("mmsi"),
        msg_type,
        v.get("imo"),
        clean_text(v.get("shipname")),
        clean_text(v.get("callsign")),
        v.get("ship_type"),
        v.get("draught") if msg_type == 5 else None,
        clean_text(v.get("destination")),
        _dimension(v.get("to_bow"), v.get("to_stern")),
        _dimension(v.get("to_port"), v.get("to_starboard")),
    )


def mask_positions(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace AIS "not available" and out-of-range values by NaN (new frame).

    lon 181 / lat 91 (and anything outside ±180/±90), speed 102.3 kn (63 kn for type 27),
    course ≥ 360° (511 for type 27), heading ≥ 360° (511 = n/a).
    """
    out = frame.copy()
    lon = out["lon"].astype("float64")
    lat = out["lat"].astype("float64")
    bad_pos = ~((lon.abs() <= 180.0) & (lat.abs() <= 90.0))
    out["lon"] = lon.mask(bad_pos)
    out["lat"] = lat.mask(bad_pos)
    is27 = out["msg_type"] == 27
    sog = out["sog_knots"].astype("float64")
    out["sog_knots"] = sog.mask((~is27 & (sog >= 102.25)) | (is27 & (sog >= 63)) | (sog < 0))
    cog = out["cog_deg"].astype("float64")
    out["cog_deg"] = cog.mask((cog >= 360.0) | (cog < 0))
    hdg = out["heading_deg"].astype("float64")
    out["heading_deg"] = hdg.mask((hdg >= 360.0) | (hdg < 0))
    return out


def mask_statics(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace AIS "not available" values of static reports by NaN/NA (new frame).

    IMO 0 (and anything above 9,999,999 that is not an IMO number), ship type 0, draught 0,
    zero dimensions.
    """
    out = frame.copy()
    imo = pd.to_numeric(out["imo"], errors="coerce").astype("Int64")
    out["imo"] = imo.mask((imo <= 0) | (imo > 999_999_999))
    st = pd.to_numeric(out["ship_type"], errors="coerce").astype("Int16")
    out["ship_type"] = st.mask(st <= 0)
    for col in ("draught_m", "length_m", "beam_m"):
        values = pd.to_numeric(out[col], errors="coerce").astype("float64")
        out[col] = values.mask(values <= 0)
    return out


def decode_batch(payloads: Sequence[bytes | str], fill_bits: Sequence[int]) -> DecodedBatch:
    """Decode many payloads through pyais into positions and statics rows.

    Parameters
    ----------
    payloads : sequence of bytes or str
        Armoured payloads, one per complete message.
    fill_bits : sequence of int
        Fill bits per payload.

    Returns
    -------
    DecodedBatch
        Positions rows (types 1, 2, 3, 18, 19, 27) and statics rows (5, 19, 24), each with a
        ``row`` column indexing ``payloads``; ``errors`` counts failures by reason.

    Examples
    --------
    >>> batch = decode_batch(["15RTgt0PAso;90TKcjM8h6g208CQ"], [0])
    >>> int(batch.positions.loc[0, "mmsi"])
    371798000
    """
    pos_rows: list[tuple] = []
    pos_idx: list[int] = []
    sta_rows: list[tuple] = []
    sta_idx: list[int] = []
    errors: Counter = Counter()
    for i, (payload, fill) in enumerate(zip(payloads, fill_bits, strict=True)):
        try:
            values = decode_payload(payload, int(fill))
        except PayloadError as exc:
            errors[exc.reason] += 1
            continue
        msg_type = int(values.get("msg_type", -1))
        if msg_type in POSITION_MSG_TYPES:
            pos_rows.append(_position_row(values, msg_type))
            pos_idx.append(i)
        if msg_type in STATIC_MSG_TYPES:
            sta_rows.append(_static_row(values, msg_type))
            sta_idx.append(i)
    positions = pd.DataFrame.from_records(pos_rows, columns=list(POSITION_FIELDS))
    positions.insert(0, "row", np.asarray(pos_idx, dtype=np.int64))
    positions = positions.astype({"mmsi": "int64", "msg_type": "int8", "lon": "float64",
                                  "lat": "float64", "sog_knots": "float64", "cog_deg": "float64",
                                  "heading_deg": "float64", "nav_status": "Int8"})
    statics = pd.DataFrame.from_records(sta_rows, columns=list(STATIC_FIELDS))
    statics.insert(0, "row", np.asarray(sta_idx, dtype=np.int64))
    statics = statics.astype({"mmsi": "int64", "msg_type": "int8", "name": "string",
                              "callsign": "string", "destination": "string"})
    return DecodedBatch(mask_positions(positions), mask_statics(statics), errors)
