"""vesseltrack: turn raw AIS ship-tracking data into evidence.

Decode AIS NMEA and the CSV exports people download into clean tables, then find port
calls, dark periods (AIS gaps) and loaded departures with cargo estimates.

The public API is listed in ``__all__``; names are imported on first use, so that
``import vesseltrack`` (and the command line) start fast.

Examples
--------
>>> import vesseltrack as vt
>>> vt.flag_from_mmsi(445123456)
'KP'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "BBL_PER_T": "vesseltrack._units",
    "METERS_PER_NM": "vesseltrack._units",
    "UN_CAP_BBL": "vesseltrack._units",
    "MID_TO_FLAG": "vesseltrack.ais",
    "FramingParams": "vesseltrack.ais",
    "decode_payload": "vesseltrack.ais",
    "flag_from_mmsi": "vesseltrack.ais",
    "flags_from_mmsi": "vesseltrack.ais",
    "AISData": "vesseltrack.io",
    "DecodeReport": "vesseltrack.io",
    "InputError": "vesseltrack.io",
    "iter_ais": "vesseltrack.io",
    "read_ais": "vesseltrack.io",
    "write_table": "vesseltrack.io._write",
    "land": "vesseltrack.land",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vesseltrack' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
