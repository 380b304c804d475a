"""vesseltrack: turn raw AIS ship-tracking data into evidence.

Decode AIS NMEA and the CSV exports people download into clean tables, then find port
calls, dark periods (AIS gaps) and loaded departures with cargo estimates.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
