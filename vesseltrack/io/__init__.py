"""Readers and writers for AIS data files."""

from vesseltrack.ais import DecodeReport
from vesseltrack.io._read import (
           AISData,
           InputError,
           expand_inputs,
           iter_ais,
           join_leftovers,
           positions_from_frame,
           read_ais,
           sniff_format,
           statics_from_frame,
)
from vesseltrack.io._write import table_format, write_table, write_text

__all__ = ["AISData", "DecodeReport", "InputError", "expand_inputs", "iter_ais",
           "join_leftovers", "positions_from_frame", "read_ais", "sniff_format",
           "statics_from_frame", "table_format", "write_table", "write_text"]
