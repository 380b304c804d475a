"""The decode report lives in :mod:`vesseltrack.ais` (the framer fills it); re-exported here
for the readers of this package."""

from vesseltrack.ais import DecodeReport

__all__ = ["DecodeReport"]
