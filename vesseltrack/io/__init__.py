"""Readers and writers for AIS data files."""

from vesseltrack.ais import DecodeReport
from vesseltrack.io._read import (
           AISData,
           InputError,
           expand_inputs,
           iter_ais,
           join_leftovers,
           read_ais,
           sniff_format,
)
from vesseltrack.io._write import write_table, write_text

__all__ = ["AISData", "DecodeReport", "InputError", "expand_inputs", "iter_ais",
           "join_leftovers", "read_ais", "sniff_format", "write_table", "write_text"]
