"""From positions and statics to port calls, gaps and the loaded-departure count.

The pipeline, per partition of *whole* vessels (:func:`detect_vessels`), in two stages so
that a distributed engine can reduce one small global table in between:

1. :func:`run_track_stage`: clean tracks (:mod:`vesseltrack.tracks`), AIS port calls
   (:mod:`vesseltrack.ports`), gaps and the gap × fence table (:mod:`vesseltrack.gaps`),
   and each vessel's identity (:mod:`vesseltrack.statics`) -> a :class:`TrackStage`;
2. :func:`peer_call_counts` over all partitions (where flag-mates call; a small table);
3. :func:`run_call_stage`: dark calls and sighting calls (:mod:`vesseltrack.dark`), load
   state and cargo (:mod:`vesseltrack.cargo`), call ids, the port_calls columns.

Each stage keeps no global state and call ids are deterministic, so concatenating the output
over any partition of the vessels gives the same table as running it on all of them.
With ``params.segments`` (each ship behind a shared MMSI apart) both stages run per segment
(:func:`run_segment_track_stage`, :func:`run_segment_call_stage`): still a pure function of
whole vessels, so it partitions alike.
:func:`count_port_calls` is the local engine (one partition), plus the selection by port,
flag and time window (:func:`select_result`, shared with the Dask engine) and
:class:`CountResult` with the summary of ``count --json`` (``docs/contracts.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING, UTC_NS, utc_bounds
from vesseltrack._units import UN_CAP_BBL
from vesseltrack.ais import is_ship_mmsi
from vesseltrack.cargo import assess_load
from vesseltrack.dark import (
    PeerCalls,
    apply_sightings,
    detect_dark_calls,
    peer_call_counts,
    sightings_at_fences,
)
from vesseltrack.gaps import GAP_COLUMNS, find_gaps
from vesseltrack.params import CountParams, DarkCallParams
from vesseltrack.ports import Fence, call_ids, detect_calls_at_fences, fences_from_ports
from vesseltrack.registry import match_sightings
from vesseltrack.statics import flags_of, latest_identity
from vesseltrack.tracks import clean_tracks, sorted_tracks
from vesseltrack.voyages import add_next_calls

__all__ = [
    "PORT_CALL_COLUMNS",
    "CountParams",
    "CountResult",
    "DETECTED_COLUMNS",
    "DarkCallParams",
    "cap_for",
    "TrackStage",
    "count_port_calls",
    "departure_window",
    "detect_vessels",
    "match_sightings",
    "peer_call_counts",
    "run_call_stage",
    "run_segment_call_stage",
    "run_segment_track_stage",
    "run_track_stage",
    "SegmentStage",
    "select_ports",
    "select_result",
]

PORT_CALL_COLUMNS = (
    "call_id",
    "mmsi",
    "imo",
    "name",
    "flag",
    "port",
    "arrival",
    "departure",
    "duration_hours",
    "evidence",
    "confidence",
    "arrival_draught_m",
    "departure_draught_m",
    "draught_change_m",
    "load_state",
    "cargo_t",
    "cargo_bbl",
    "cargo_method",
    "arrival_estimated",
    "departure_estimated",
    "truncated",
    "next_port",
    "next_arrival",
    "next_evidence",
)
"""port_calls columns: those of ``docs/contracts.md``, then two flags saying whether
arrival/departure were estimated across an AIS gap rather than observed, ``truncated``: the
call is cut by the edge of the data (the vessel's first or last position is in the fence), so
its arrival or departure is where the data begins or ends, not the vessel's; then the vessel's
next call (:mod:`vesseltrack.voyages`)."""


# --------------------------------------------------------------------------------------------
# the per-partition engine


def detect_vessels(
    positions: pd.DataFrame,
    statics: pd.DataFrame | None,
    ports: pd.DataFrame | list[Fence],
    *,
    registry: pd.DataFrame | None = None,
    sightings: pd.DataFrame | None = None,
    params: CountParams | None = None,
    dark_call_ports: list[str] | None = None,
    peer_calls: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Port calls (every fence) and gaps of the vessels in ``positions``.

    A pure function of whole vessels: give it every position and static report of the vessels
    of one partition (e.g. after shuffling by ``mmsi``) and the global small tables; results
    concatenate across partitions.

    Parameters
    ----------
    positions, statics : DataFrame
        Positions and statics (contracts of :mod:`vesseltrack._schema`) of some vessels.
    ports : DataFrame or list of Fence
        Geofences (:func:`vesseltrack.ports.read_ports`) or prebuilt fences.
    registry : DataFrame, optional
        Vessel registry (:func:`vesseltrack.registry.read_registry`).
    sightings : DataFrame, optional
        Sightings already matched by :func:`match_sightings` (``matched_mmsi``), those of the
        partition's vessels (partition them by ``matched_mmsi`` like the positions by
        ``mmsi``, so that a vessel seen only in imagery lands in exactly one partition).
    params : CountParams, optional
        Detector parameters.
    dark_call_ports : list of str, optional
        Fences a dark call may be attributed to (default: every fence whose kind allows
        one). A dark call is an inference ("the vessel could have been there"): asked about
        one fence, every gap that qualifies for it is a call there; asked about several, a
        gap makes at most one call, at the likeliest of them.
    peer_calls : Series, optional
        AIS calls per (flag, fence) over all vessels (:func:`peer_call_counts` of a first
        pass): breaks ties when attributing the dark call of a vessel with no call history.
        :func:`count_port_calls` computes it itself; a distributed engine runs a first pass,
        reduces this small table and passes it to the second.

    Returns
    -------
    calls : DataFrame
        :data:`PORT_CALL_COLUMNS`, every fence, sorted by mmsi, arrival and port.
    gaps : DataFrame
        :data:`vesseltrack.gaps.GAP_COLUMNS`.
    """
    params = params or CountParams()
    stage = run_track_stage(positions, statics, ports, registry, sightings, params)
    return run_call_stage(stage, registry, sightings, params, dark_call_ports, peer_calls)


DETECTED_COLUMNS = ("mmsi", "timestamp", "lon", "lat", "sog_knots")
"""Position columns the detectors read (stage 1 cleans only these, so a reader may read only
these)."""


@dataclass
class TrackStage:
    """What the first stage (:func:`run_track_stage`) leaves for the second.

    Attributes
    ----------
    fences : list of Fence
        Every geofence.
    tracks : DataFrame
        Clean tracks, sorted (:func:`vesseltrack.tracks.sorted_tracks`).
    statics : DataFrame or None
        The statics of the partition's vessels.
    identity : DataFrame
        :func:`vesseltrack.statics.latest_identity` of the partition's vessels.
    ais_calls : DataFrame
        :func:`vesseltrack.ports.detect_calls_at_fences`.
    gaps : DataFrame
        :func:`vesseltrack.gaps.find_gaps` (with ``start_row``/``end_row``).
    gap_fences : DataFrame
        The gap × fence table of :func:`vesseltrack.gaps.find_gaps`.
    vessels_seen : int
        Distinct MMSIs in the partition's positions.
    non_ship_mmsi : int
        Distinct MMSIs in the partition's positions that are no ship station (left out).
    untimed_positions : int
        Positions without a time (left out).
    """

    fences: list[Fence]
    tracks: pd.DataFrame
    statics: pd.DataFrame | None
    identity: pd.DataFrame
    ais_calls: pd.DataFrame
    gaps: pd.DataFrame
    gap_fences: pd.DataFrame
    vessels_seen: int
    non_ship_mmsi: int = 0
    untimed_positions: int = 0


def run_track_stage(
    positions: pd.DataFrame,
    statics: pd.DataFrame | None,
    ports: pd.DataFrame | list[Fence],
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
) -> TrackStage:
    """Stage 1 (per partition of whole vessels): clean tracks, AIS calls and gaps.

    Arguments as for :func:`detect_vessels`.
    """
    fences = (
        ports if isinstance(ports, list)
        else fences_from_ports(ports, params.port_calls.exit_margin_m)
    )
    # the detectors read these columns only: cleaning copies no others
    tracks = sorted_tracks(clean_tracks(positions, params.tracks, columns=DETECTED_COLUMNS))
    if statics is not None and len(statics):
        statics = statics.loc[statics["mmsi"].isin(tracks["mmsi"].unique())
                              | statics["mmsi"].isin(_sighted_mmsi(sightings))]
    identity = latest_identity(statics, registry)
    ais_calls = detect_calls_at_fences(tracks, fences, params.port_calls)
    gaps, gap_fences = find_gaps(tracks, statics, fences, params.gaps, params.port_calls,
                                 params.draught)
    return TrackStage(fences, tracks, statics, identity, ais_calls, gaps, gap_fences,
                      int(positions["mmsi"].nunique()),
                      non_ship_mmsi=int(tracks.attrs.get("non_ship_mmsi", 0)),
                      untimed_positions=int(tracks.attrs.get("dropped", {}).get("no_time", 0)))


def run_call_stage(
    stage: TrackStage,
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
    dark_call_ports: list[str] | None,
    peer_calls: PeerCalls,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stage 2 (per partition): dark calls, sightings, load state and cargo.

    Arguments as for :func:`detect_vessels`; returns its ``(calls, gaps)``.
    """
    fences = stage.fences
    at_fence = sightings_at_fences(sightings, fences)
    dark = detect_dark_calls(
        stage.tracks, stage.gaps, stage.gap_fences, stage.ais_calls, fences, at_fence,
        identity=stage.identity, registry=registry, params=params,
        dark_call_ports=dark_call_ports, peer_calls=peer_calls,
    )
    calls = pd.concat([stage.ais_calls, dark.drop(columns=["gap"], errors="ignore")],
                      ignore_index=True)
    calls, sighted = apply_sightings(calls, at_fence, fences, params.dark)
    calls = pd.concat([calls, sighted], ignore_index=True)
    calls = calls.join(stage.identity, on="mmsi")
    calls["flag"] = flags_of(calls["mmsi"]).to_numpy() if len(calls) else pd.array([], dtype=STRING)
    calls = assess_load(calls, stage.statics, registry, sightings, params.cargo)
    calls["call_id"] = pd.array(
        call_ids(calls["mmsi"].to_numpy(), calls["port"].astype(str).to_numpy(),
                 calls["arrival"], calls["evidence"].astype(str).to_numpy()),
        dtype=STRING,
    )
    calls = calls.sort_values(["mmsi", "arrival", "port"], kind="stable").reset_index(drop=True)
    calls = add_next_calls(calls, stage.gaps, stage.gap_fences, fences, params.voyages,
                           stage.statics)
    out = _conform_calls(calls)
    gaps_out = stage.gaps.loc[:, list(GAP_COLUMNS)].reset_index(drop=True)
    record = params.record()
    out.attrs["params"] = record
    gaps_out.attrs["params"] = record["gaps"]
    return out, gaps_out


def _sighted_mmsi(sightings: pd.DataFrame | None) -> np.ndarray:
    if sightings is None or "matched_mmsi" not in sightings:
        return np.array([], dtype="int64")
    return sightings["matched_mmsi"].dropna().to_numpy("int64")


def _conform_calls(calls: pd.DataFrame) -> pd.DataFrame:
    dtypes: dict[str, Any] = {
        "call_id": STRING, "mmsi": "int64", "imo": "Int64", "name": STRING, "flag": STRING,
        "port": STRING, "arrival": UTC_NS, "departure": UTC_NS, "duration_hours": "float64",
        "evidence": STRING, "confidence": "int64", "arrival_draught_m": "float64",
        "departure_draught_m": "float64", "draught_change_m": "float64",
        "load_state": STRING, "cargo_t": "float64", "cargo_bbl": "float64",
        "cargo_method": STRING, "arrival_estimated": "bool", "departure_estimated": "bool",
        "truncated": "bool",
        "next_port": STRING, "next_arrival": UTC_NS, "next_evidence": STRING,
    }
    out = pd.DataFrame(index=calls.index)
    if "truncated" in calls:  # dark and sighting calls are never cut by the data's edge
        calls = calls.assign(truncated=calls["truncated"].astype("boolean").fillna(False))
    for col in PORT_CALL_COLUMNS:
        out[col] = calls[col].astype(dtypes[col]) if col in calls else pd.Series(
            pd.NA, index=calls.index
        ).astype(dtypes[col])
    return out


# --------------------------------------------------------------------------------------------
# the local engine and the summary


def departure_window(since: Any, until: Any) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The departure window [since, until] as UTC times (a date-only ``until`` includes that
    whole day; naive times are UTC; None where not given).

    Raises
    ------
    ValueError
        If a time cannot be read, or ``since`` is after ``until`` (no call could be kept).
    """
    start, end = utc_bounds(since, until)
    if start is not None and end is not None and start > end:
        raise ValueError(f"since {since} is after until {until}: no call can depart in "
                         "that window")
    return start, end


@dataclass
class CountResult:
    """Result of :func:`count_port_calls`.

    Attributes
    ----------
    port_calls : DataFrame
        Selected calls, :data:`PORT_CALL_COLUMNS`.
    gaps : DataFrame
        Gaps of the selected vessels in the window, :data:`vesseltrack.gaps.GAP_COLUMNS`.
    all_calls : DataFrame
        Calls at every fence before selection (for maps and reports).
    ports : list of str
        Fence names selected.
    flag : str or None
        Flag selected.
    window_start, window_end : Timestamp
        Window used (the data's time span where not given).
    vessels_seen : int
        Distinct MMSIs in the positions.
    params : dict
        Every parameter used (:meth:`vesseltrack.params.CountParams.record`).
    input_report : dict or None
        The reader's report (:meth:`vesseltrack.ais.DecodeReport.to_dict`) where the engine
        read the files itself (the Dask engine; it adds ``engine``); None otherwise.
    non_ship_mmsi : int
        Distinct MMSIs of the positions that are no ship station (defaults, base stations,
        aids to navigation, ...): kept in the decoded tables, left out of the analysis.
    untimed_positions : int
        Positions without a receiver time: they cannot be placed in a track.
    cap_bbl : int or None
        The cap the estimate is compared with, barrels per 12 months (:func:`cap_for`); None:
        no cap applies and the summary and report say nothing of one.
    registry_given : bool
        Whether a vessel registry was given (without one no cargo can be estimated, and the
        summary says so instead of printing 0 barrels).
    map_inputs : vesseltrack.bucketed.MapInputs or None
        Thinned tracks and the statics the map and the report need, where an engine that
        never holds all positions at once was asked for them; None otherwise.
    """

    port_calls: pd.DataFrame
    gaps: pd.DataFrame
    all_calls: pd.DataFrame
    ports: list[str]
    flag: str | None
    window_start: pd.Timestamp | None
    window_end: pd.Timestamp | None
    vessels_seen: int
    params: dict[str, Any]
    input_report: dict[str, Any] | None = None
    non_ship_mmsi: int = 0
    untimed_positions: int = 0
    cap_bbl: int | None = None
    registry_given: bool = True
    map_inputs: Any = None

    @property
    def loaded(self) -> pd.DataFrame:
        """The selected calls whose load state is ``loaded`` (loaded departures)."""
        return self.port_calls.loc[self.port_calls["load_state"] == "loaded"]

    def summary(self, input_report: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON object of ``count --json`` (``docs/contracts.md``).

        Parameters
        ----------
        input_report : dict, optional
            The reader's report (:meth:`vesseltrack.ais.DecodeReport.to_dict`); its
            counters fill the ``input`` key. Default :attr:`input_report`.

        Returns
        -------
        dict
            ``port_calls``, ``loaded_departures``, ``vessels``, ``estimated_bbl``,
            ``estimated_t``, ``cargo_note``, ``un_cap_bbl``, ``un_cap_multiple``,
            ``by_evidence``, ``discharge_ports`` (next port of each loaded
            departure → departures), ``cargo_methods``, ``draught_coverage``, ``ports``, ``flag``,
            ``window``, ``input`` and ``params``. ``estimated_bbl`` and ``estimated_t`` are
            None when there were loaded departures but no cargo could be estimated for any of
            them (``cargo_note`` says why); ``un_cap_bbl`` and ``un_cap_multiple`` are None
            when no cap applies (:attr:`cap_bbl`).
        """
        rep = dict(input_report if input_report is not None else self.input_report or {})
        calls = self.port_calls
        loaded = self.loaded
        bbl = float(np.nansum(loaded["cargo_bbl"].to_numpy("float64")))
        tonnes = float(np.nansum(loaded["cargo_t"].to_numpy("float64")))
        with_draught = int(
            (calls["arrival_draught_m"].notna() & calls["departure_draught_m"].notna()).sum()
        )
        # a reported draught that never changes (stale) tells nothing: count real changes
        with_change = int((calls["draught_change_m"].abs() >= 0.1).fillna(False).sum())
        failed = rep.get("failed_files", [])
        estimated = len(loaded) == 0 or bool(loaded["cargo_bbl"].notna().any())
        note = None
        if not estimated:
            note = ("no vessel registry given: cargo needs each vessel's dead-weight and "
                    "ballast and summer draughts" if not self.registry_given else
                    "no loaded departure's vessel is in the registry with dead-weight and "
                    "draughts")
        cap = self.cap_bbl
        return {
            "port_calls": int(len(calls)),
            "loaded_departures": int(len(loaded)),
            "vessels": int(loaded["mmsi"].nunique()),
            "estimated_bbl": int(round(bbl)) if estimated else None,
            "estimated_t": int(round(tonnes)) if estimated else None,
            "cargo_note": note,
            "un_cap_bbl": int(cap) if cap else None,
            "un_cap_multiple": round(bbl / cap, 2) if cap and estimated else None,
            "by_evidence": {
                str(k): int(v) for k, v in loaded["evidence"].value_counts().sort_index().items()
            },
            "discharge_ports": {  # a table made before voyages has no next_port: none known
                str(k): int(v)
                for k, v in loaded.get("next_port", pd.Series(dtype=STRING))
                .value_counts().sort_index().items()
            },
            "cargo_methods": {
                str(k): int(v)
                for k, v in loaded["cargo_method"].value_counts().sort_index().items()
            },
            "draught_coverage": {
                "calls_with_draught": with_draught,
                "calls_with_draught_change": with_change,
                "calls": int(len(calls)),
                "share": round(with_draught / len(calls), 3) if len(calls) else None,
            },
            "ports": list(self.ports),
            "flag": self.flag,
            "window": {
                "start": self.window_start.isoformat() if self.window_start is not None else None,
                "end": self.window_end.isoformat() if self.window_end is not None else None,
            },
            "input": {
                "files": int(rep.get("files", 0)),
                "lines": int(rep.get("lines", 0)),
                "messages": int(rep.get("messages", 0)),
                "bad_lines": int(rep.get("bad_lines", 0)),
                "orphan_fragments": int(rep.get("orphan_fragments", 0)),
                "positions": int(rep.get("positions", 0)),
                "vessels_seen": int(self.vessels_seen),
                "non_ship_mmsi": int(self.non_ship_mmsi),
                "untimed_positions": int(self.untimed_positions),
                "failed_files": failed,
            },
            "params": self.params,
        } | self._watchlist_summary()

    def _watchlist_summary(self) -> dict[str, Any]:
        """``watchlist`` key of the summary, only when calls were marked (``--watchlist``)."""
        calls = self.port_calls
        if "watchlist" not in calls:
            return {}
        listed = (calls["watchlist"].fillna("") != "").to_numpy(bool)
        loaded = listed & (calls["load_state"] == "loaded").fillna(False).to_numpy(bool)
        return {"watchlist": {"calls": int(listed.sum()), "loaded_departures": int(loaded.sum()),
                              "vessels": int(calls.loc[listed, "mmsi"].nunique())}}


def count_port_calls(
    positions: pd.DataFrame,
    statics: pd.DataFrame | None,
    ports: pd.DataFrame,
    *,
    registry: pd.DataFrame | None = None,
    sightings: pd.DataFrame | None = None,
    port: str | None = None,
    flag: str | None = None,
    since: Any = None,
    until: Any = None,
    params: CountParams | None = None,
    cap_bbl: int | None = None,
) -> CountResult:
    """Count port calls and loaded departures (the ``vesseltrack count`` job).

    Parameters
    ----------
    positions, statics : DataFrame
        Tables in the :mod:`vesseltrack._schema` contracts (``read_ais(...).positions`` /
        ``.statics``).
    ports : DataFrame
        Geofences (:func:`vesseltrack.ports.read_ports`).
    registry : DataFrame, optional
        Vessel registry (:func:`vesseltrack.registry.read_registry`): cargo figures need it.
    sightings : DataFrame, optional
        Sightings (:func:`vesseltrack.registry.read_sightings`), matched here.
    port : str, optional
        One geofence by name; default every fence of kind ``terminal``, else every fence.
    flag : str, optional
        ISO 3166 alpha-2 flag (from the MMSI's MID), e.g. ``"KP"``.
    since, until : str or Timestamp, optional
        Keep calls whose departure falls in [since, until]; a date-only ``until`` includes
        that whole day. Naive times are UTC.
    params : CountParams, optional
        Detector parameters.
    cap_bbl : int, optional
        A cap to compare the estimate with, barrels per 12 months (:func:`cap_for`): by
        default the UN resolution 2397 cap when ``flag`` is ``"KP"``, else none; 0 for none.

    Returns
    -------
    CountResult

    Raises
    ------
    ValueError
        If ``port`` names no geofence, or ``cap_bbl`` is negative.
    """
    cap = cap_for(flag, cap_bbl)
    params = params or CountParams()
    departure_window(since, until)  # a bad window fails before the work, not after
    selected = select_ports(ports, port)
    matched = match_sightings(sightings, registry, statics) if sightings is not None else None
    if params.segments is not None:
        # each ship behind an MMSI apart: the same two stages, per segment
        sstage = run_segment_track_stage(positions, statics, ports, registry, matched, params)
        calls, gaps = run_segment_call_stage(sstage, registry, matched, params, selected,
                                             peer_call_counts(sstage.ais_calls))
        non_ship_mmsi, untimed_positions = sstage.non_ship_mmsi, sstage.untimed_positions
    else:
        # Two stages so that dark calls can use where flag-mates call (a small global table);
        # a distributed engine runs each stage per partition and reduces the table between.
        stage = run_track_stage(positions, statics, ports, registry, matched, params)
        calls, gaps = run_call_stage(
            stage, registry, matched, params, selected, peer_call_counts(stage.ais_calls)
        )
        non_ship_mmsi, untimed_positions = stage.non_ship_mmsi, stage.untimed_positions
    ts = positions["timestamp"]
    result = select_result(calls, gaps, selected, flag=flag, since=since, until=until,
                           params=params, data_start=ts.min() if len(ts) else None,
                           data_end=ts.max() if len(ts) else None,
                           vessels_seen=int(positions["mmsi"].nunique()),
                           non_ship_mmsi=non_ship_mmsi,
                           untimed_positions=untimed_positions)
    return replace(result, cap_bbl=cap, registry_given=registry is not None)


@dataclass
class SegmentStage:
    """Stage 1 per segment (``params.segments``): what :func:`run_segment_track_stage` leaves
    for :func:`run_segment_call_stage`.

    Run ``k`` holds segment ``k`` of every MMSI of the partition, so that within one run an
    MMSI is one ship. Like :class:`TrackStage`, it holds whole vessels only: its output
    concatenates across partitions (the MMSI buckets of a store, the Dask partitions).

    Attributes
    ----------
    runs : list of int
        The segment numbers, ascending (``[1]`` when no position has a segment).
    stages : list of TrackStage
        :func:`run_track_stage` of each run.
    sighting_run : ndarray of int64 or None
        The run each matched sighting goes to (None without sightings).
    all_statics : DataFrame or None
        The statics of the partition's vessels (with their original index).
    vessels_seen : int
        Distinct MMSIs in the partition's positions.
    non_ship_mmsi : int
        Distinct MMSIs of the positions that are no ship station.
    untimed_positions : int
        Positions without a time.
    """

    runs: list[int]
    stages: list[TrackStage]
    sighting_run: np.ndarray | None
    all_statics: pd.DataFrame | None
    vessels_seen: int
    non_ship_mmsi: int = 0
    untimed_positions: int = 0

    @property
    def ais_calls(self) -> pd.DataFrame:
        """The AIS calls of every run (for :func:`peer_call_counts`)."""
        return pd.concat([s.ais_calls for s in self.stages], ignore_index=True)

    @property
    def tracks(self) -> pd.DataFrame:
        """The clean tracks of every run (for maps)."""
        return pd.concat([s.tracks for s in self.stages], ignore_index=True)

    @property
    def statics(self) -> pd.DataFrame | None:
        """The statics of the partition's vessels (for maps)."""
        return self.all_statics


def run_segment_track_stage(
    positions: pd.DataFrame,
    statics: pd.DataFrame | None,
    ports: pd.DataFrame | list[Fence],
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
) -> SegmentStage:
    """Stage 1 per segment (``params.segments``) of a partition of whole vessels.

    The positions are split by :func:`vesseltrack.segments.segment_tracks` (noise dropped).
    Run ``k`` takes segment ``k`` of every MMSI, so that within one run an MMSI is one ship
    and :func:`run_track_stage` applies unchanged; a static report (or a sighting) goes to
    the run of the MMSI's position nearest to it in time. Arguments as for
    :func:`detect_vessels`.
    """
    from vesseltrack.segments import segment_tracks

    seg = segment_tracks(positions, params.segments)
    seg = seg.loc[seg["segment"].to_numpy() > 0]
    runs = sorted(int(k) for k in seg["segment"].unique()) or [1]

    def assigned(table: pd.DataFrame | None, key: str) -> np.ndarray | None:
        if table is None:
            return None
        out = np.ones(len(table), dtype="int64")
        ok = table[key].notna().to_numpy(bool) & table["timestamp"].notna().to_numpy(bool)
        if not ok.any() or not len(seg):
            return out
        q = pd.DataFrame({"mmsi": table[key].to_numpy("float64", na_value=np.nan)[ok]
                          .astype("int64"),
                          "timestamp": table["timestamp"].astype(UTC_NS).to_numpy()[ok],
                          "_row": np.flatnonzero(ok)}).sort_values("timestamp", kind="stable")
        ref = seg.loc[:, ["mmsi", "timestamp", "segment"]].astype(
            {"mmsi": "int64", "timestamp": UTC_NS}).sort_values("timestamp", kind="stable")
        hit = pd.merge_asof(q, ref, on="timestamp", by="mmsi", direction="nearest")
        out[hit["_row"].to_numpy()] = hit["segment"].fillna(1).to_numpy("int64")
        return out

    static_run = assigned(statics, "mmsi")
    sighting_run = assigned(sightings, "matched_mmsi")
    stages = [
        run_track_stage(
            seg.loc[seg["segment"].to_numpy() == k, list(positions.columns)],
            None if statics is None else statics.loc[static_run == k],
            ports, registry,
            None if sightings is None else sightings.loc[sighting_run == k], params,
        )
        for k in runs
    ]
    if statics is not None and len(statics):
        statics = statics.loc[statics["mmsi"].isin(seg["mmsi"].unique())
                              | statics["mmsi"].isin(_sighted_mmsi(sightings))]
    # what the per-run cleaning would count, counted once over all the positions
    mmsi = positions["mmsi"].drop_duplicates()
    return SegmentStage(
        runs, stages, sighting_run, statics, int(positions["mmsi"].nunique()),
        non_ship_mmsi=int((~np.asarray(is_ship_mmsi(mmsi), dtype=bool)).sum()),
        untimed_positions=int(positions["timestamp"].isna().sum()))


def run_segment_call_stage(
    stage: SegmentStage,
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
    dark_call_ports: list[str] | None,
    peer_calls: PeerCalls,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stage 2 per segment: :func:`run_call_stage` of each run of
    :func:`run_segment_track_stage`. ``sightings`` are those given to stage 1; other
    arguments as for :func:`detect_vessels`. Calls and gaps gain a ``segment`` column;
    calls come sorted by mmsi, arrival and port, gaps by mmsi and start.
    """
    calls_parts, gap_parts = [], []
    for k, track_stage in zip(stage.runs, stage.stages, strict=True):
        c, g = run_call_stage(
            track_stage, registry,
            None if sightings is None else sightings.loc[stage.sighting_run == k],
            params, dark_call_ports, peer_calls)
        calls_parts.append(c.assign(segment=np.int64(k)))
        gap_parts.append(g.assign(segment=np.int64(k)))
    calls = pd.concat(calls_parts, ignore_index=True).sort_values(
        ["mmsi", "arrival", "port"], kind="stable").reset_index(drop=True)
    gaps = pd.concat(gap_parts, ignore_index=True).sort_values(
        ["mmsi", "start"], kind="stable").reset_index(drop=True)
    record = params.record()
    calls.attrs["params"] = record
    gaps.attrs["params"] = record["gaps"]
    return calls, gaps


def cap_for(flag: str | None, cap_bbl: int | None = None) -> int | None:
    """The cap a count's estimate is compared with, barrels per 12 months, or None.

    Parameters
    ----------
    flag : str or None
        The flag counted (ISO 3166 alpha-2).
    cap_bbl : int, optional
        An explicit cap (``--cap-bbl``); 0 means no cap.

    Returns
    -------
    int or None
        ``cap_bbl`` when given (None for 0); else the UN Security Council resolution 2397
        cap on refined petroleum to the DPRK (:data:`vesseltrack._units.UN_CAP_BBL`) when
        ``flag`` is ``"KP"``; else None.
    """
    if cap_bbl is not None:
        if cap_bbl < 0:
            raise ValueError(f"a cap must be 0 (none) or a positive number of barrels: {cap_bbl}")
        return int(cap_bbl) or None
    return int(UN_CAP_BBL) if flag is not None and flag.upper() == "KP" else None


def select_ports(ports: pd.DataFrame, port: str | None) -> list[str]:
    """The geofences a count is about: ``port`` by name, else every ``terminal``, else all.

    Raises
    ------
    ValueError
        If ``port`` names no geofence.
    """
    names = [str(n) for n in ports["name"]]
    if port is not None:
        if port not in names:
            raise ValueError(f"no geofence named {port!r} (have: {', '.join(names)})")
        return [port]
    kinds = ports["kind"].astype(STRING).fillna("")
    return [n for n, k in zip(names, kinds, strict=True) if k == "terminal"] or names


def select_result(
    calls: pd.DataFrame,
    gaps: pd.DataFrame,
    selected: list[str],
    *,
    flag: str | None,
    since: Any,
    until: Any,
    params: CountParams,
    data_start: pd.Timestamp | None,
    data_end: pd.Timestamp | None,
    vessels_seen: int,
    input_report: dict[str, Any] | None = None,
    non_ship_mmsi: int = 0,
    untimed_positions: int = 0,
) -> CountResult:
    """Select the calls (by fence, flag, departure window) and gaps a count reports.

    Shared by the local and the Dask engine, so both select alike. ``data_start`` and
    ``data_end`` (the data's time span) stand in for a window not given; ``input_report``,
    ``non_ship_mmsi`` and ``untimed_positions`` become those of :class:`CountResult`.

    Raises
    ------
    ValueError
        If ``since`` is after ``until``.
    """
    start, end = departure_window(since, until)
    sel = calls["port"].isin(selected)
    gsel = pd.Series(True, index=gaps.index)
    if flag is not None:
        flag = flag.upper()
        sel &= (calls["flag"] == flag).fillna(False)
        gsel &= (flags_of(gaps["mmsi"]) == flag).fillna(False).to_numpy(bool)
    if start is not None:
        sel &= calls["departure"] >= start
        gsel &= gaps["end"] >= start
    if end is not None:
        sel &= calls["departure"] <= end
        gsel &= gaps["start"] <= end
    window_start = start if start is not None else data_start
    window_end = end if end is not None else data_end
    all_params = params.record()
    out_calls = calls.loc[sel.to_numpy(bool)].reset_index(drop=True)
    out_gaps = gaps.loc[gsel.to_numpy(bool)].reset_index(drop=True)
    calls.attrs["params"] = all_params
    out_calls.attrs["params"] = all_params
    out_gaps.attrs["params"] = all_params["gaps"]
    return CountResult(
        port_calls=out_calls,
        gaps=out_gaps,
        all_calls=calls,
        ports=selected,
        flag=flag,
        window_start=None if window_start is None or pd.isna(window_start) else window_start,
        window_end=None if window_end is None or pd.isna(window_end) else window_end,
        vessels_seen=vessels_seen,
        params=all_params,
        input_report=input_report,
        non_ship_mmsi=int(non_ship_mmsi),
        untimed_positions=int(untimed_positions),
    )
