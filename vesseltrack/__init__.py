"""vesseltrack: turn raw AIS ship-tracking data into evidence.

Decode AIS NMEA and the CSV exports people download into clean tables, then find port
calls, dark periods (AIS gaps) and loaded departures with cargo estimates.

The public API is listed in ``__all__``; names are imported on first use, so that
``import vesseltrack`` (and the command line) start fast.

The analysis in five calls (see ``docs/architecture.md`` for the pipeline)::

    import vesseltrack as vt
    data = vt.read_ais(["positions.nmea.gz"])
    ports = vt.read_ports("ports.geojson")
    tracks = vt.clean_tracks(data.positions)
    calls = vt.detect_port_calls(tracks, ports)
    gaps = vt.detect_gaps(tracks, data.statics, ports)
    # or the whole job, with dark calls, sightings and cargo:
    result = vt.count_port_calls(data.positions, data.statics, ports, flag="KP")

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
    # constants
    "BBL_PER_T": "vesseltrack._units",
    "METERS_PER_NM": "vesseltrack._units",
    "UN_CAP_BBL": "vesseltrack._units",
    # AIS messages
    "MID_TO_FLAG": "vesseltrack.ais",
    "FramingParams": "vesseltrack.ais",
    "decode_payload": "vesseltrack.ais",
    "flag_from_mmsi": "vesseltrack.ais",
    "flags_from_mmsi": "vesseltrack.ais",
    "imo_is_valid": "vesseltrack.ais",
    "is_ship_mmsi": "vesseltrack.ais",
    "mmsi_kind": "vesseltrack.ais",
    "DecodeReport": "vesseltrack.ais",
    # reading and writing
    "AISData": "vesseltrack.io",
    "InputError": "vesseltrack.io",
    "iter_ais": "vesseltrack.io",
    "read_ais": "vesseltrack.io",
    "write_table": "vesseltrack.io",
    "positions_from_frame": "vesseltrack.io",
    "statics_from_frame": "vesseltrack.io",
    # the on-disk store
    "Store": "vesseltrack.store",
    "bucket_of_mmsi": "vesseltrack.store",
    "ingest": "vesseltrack.store",
    "open_store": "vesseltrack.store",
    # user-made inputs
    "read_ports": "vesseltrack.ports",
    "read_registry": "vesseltrack.registry",
    "read_sightings": "vesseltrack.registry",
    "match_sightings": "vesseltrack.registry",
    # parameters
    "CargoParams": "vesseltrack.params",
    "CountParams": "vesseltrack.params",
    "DarkCallParams": "vesseltrack.params",
    "DraughtParams": "vesseltrack.params",
    "GapParams": "vesseltrack.params",
    "IdentityParams": "vesseltrack.params",
    "PortCallParams": "vesseltrack.params",
    "SegmentParams": "vesseltrack.params",
    "SpeedParams": "vesseltrack.params",
    "StoreParams": "vesseltrack.params",
    "TrackParams": "vesseltrack.params",
    "GridParams": "vesseltrack.params",
    "EncounterParams": "vesseltrack.params",
    "LoiteringParams": "vesseltrack.params",
    "DarkEncounterParams": "vesseltrack.params",
    "VoyageParams": "vesseltrack.params",
    "AtSeaParams": "vesseltrack.params",
    "WatchlistParams": "vesseltrack.params",
    "OffshoreGapParams": "vesseltrack.params",
    # the analysis, stage by stage
    "clean_tracks": "vesseltrack.tracks",
    "detect_port_calls": "vesseltrack.ports",
    "detect_gaps": "vesseltrack.gaps",
    "add_distance_to_shore": "vesseltrack.gaps",
    "assess_load": "vesseltrack.cargo",
    "reported_at": "vesseltrack.statics",
    "draught_in_effect": "vesseltrack.statics",
    "count_port_calls": "vesseltrack.count",
    "CountResult": "vesseltrack.count",
    # at sea and voyages
    "resample_tracks": "vesseltrack.resample",
    "detect_encounters": "vesseltrack.encounters",
    "detect_loitering": "vesseltrack.loitering",
    "detect_at_sea": "vesseltrack.encounters",
    "AtSeaResult": "vesseltrack.encounters",
    "add_next_calls": "vesseltrack.voyages",
    # identity
    "segment_tracks": "vesseltrack.segments",
    "detect_gaps_by_segment": "vesseltrack.segments",
    "check_identity": "vesseltrack.identity",
    "score_findings": "vesseltrack.identity",
    "read_watchlist": "vesseltrack.watchlist",
    "match_watchlist": "vesseltrack.watchlist",
    "mark_listed_calls": "vesseltrack.watchlist",
    # presentation
    "build_map": "vesseltrack.maps",
    "write_map": "vesseltrack.maps",
    "format_summary": "vesseltrack.report",
    "plot_charts": "vesseltrack.report",
    "write_report": "vesseltrack.report",
    # land and coast
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
