"""AIS message handling: NMEA framing, payload decoding, MID → flag, MMSI kinds and IMO check digits, the decode report."""

from vesseltrack.ais._decode import PayloadError, clean_text, decode_payload
from vesseltrack.ais._mid import MID_TO_FLAG, flag_from_mmsi, flags_from_mmsi, mid_from_mmsi
from vesseltrack.ais._mmsi import MMSI_KINDS, imo_is_valid, is_ship_mmsi, mmsi_kind
from vesseltrack.ais._report import DecodeReport

__all__ = [
    "MID_TO_FLAG",
    "MMSI_KINDS",
    "DecodeReport",
    "FramingParams",
    "PayloadError",
    "clean_text",
    "decode_payload",
    "flag_from_mmsi",
    "flags_from_mmsi",
    "imo_is_valid",
    "is_ship_mmsi",
    "mid_from_mmsi",
    "mmsi_kind",
]


def __getattr__(name: str) -> object:
    """``FramingParams`` on first use: its module loads the compiled NMEA kernels (Numba),
    which the analyses of decoded tables and of a store (and so every Dask worker counting a
    store) never run."""
    if name == "FramingParams":
        from vesseltrack.ais._nmea import FramingParams

        return FramingParams
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
