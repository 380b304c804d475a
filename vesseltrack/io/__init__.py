"""Readers and writers for AIS data files."""

from vesseltrack.io._read import (
           AISData,
           InputError,
           expand_inputs,
           iter_ais,
           positions_from_frame,
           read_ais,
           sniff_format,
           statics_from_frame,
)
from vesseltrack.io._report import DecodeReport

__all__ = ["AISData", "DecodeReport", "InputError", "expand_inputs", "iter_ais",
           "positions_from_frame", "read_ais", "sniff_format", "statics_from_frame"]
