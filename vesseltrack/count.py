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
:func:`count_port_calls` is the local engine (one partition), plus the selection by port,
flag and time window (:func:`select_result`, shared with the Dask engine) and
:class:`CountResult` with the summary of ``count --json`` (``docs/contracts.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING, UTC_NS
from vesseltrack._units import UN_CAP_BBL
from vesseltrack.cargo import assess_load
from vesseltrack.dark import (
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

__all__ = [
    "PORT_CALL_COLUMNS",
    "CountParams",
    "CountResult",
    "DarkCallParams",
    "TrackStage",
    "count_port_calls",
    "detect_vessels",
    "match_sightings",
    "peer_call_counts",
    "run_call_stage",
    "run_track_stage",
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
)
"""port_calls columns: those of ``docs/contracts.md``, then two flags saying whether
arrival/departure were estimated across an AIS gap rather than observed."""


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


_DETECTED_COLUMNS = ("mmsi", "timestamp", "lon", "lat", "sog_knots")
"""Position columns the detectors read (stage 1 cleans only these)."""


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
    """

    fences: list[Fence]
    tracks: pd.DataFrame
    statics: pd.DataFrame | None
    identity: pd.DataFrame
    ais_calls: pd.DataFrame
    gaps: pd.DataFrame
    gap_fences: pd.DataFrame
    vessels_seen: int


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
    tracks = sorted_tracks(clean_tracks(positions, params.tracks, columns=_DETECTED_COLUMNS))
    if statics is not None and len(statics):
        statics = statics.loc[statics["mmsi"].isin(tracks["mmsi"].unique())
                              | statics["mmsi"].isin(_sighted_mmsi(sightings))]
    identity = latest_identity(statics, registry)
    ais_calls = detect_calls_at_fences(tracks, fences, params.port_calls)
    gaps, gap_fences = find_gaps(tracks, statics, fences, params.gaps, params.port_calls)
    return TrackStage(fences, tracks, statics, identity, ais_calls, gaps, gap_fences,
                      int(positions["mmsi"].nunique()))


def run_call_stage(
    stage: TrackStage,
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
    dark_call_ports: list[str] | None,
    peer_calls: pd.Series | None,
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
    }
    out = pd.DataFrame(index=calls.index)
    for col in PORT_CALL_COLUMNS:
        out[col] = calls[col].astype(dtypes[col]) if col in calls else pd.Series(
            pd.NA, index=calls.index
        ).astype(dtypes[col])
    return out


# --------------------------------------------------------------------------------------------
# the local engine and the summary


def _as_utc(value: Any, end_of_day: bool = False) -> pd.Timestamp | None:
    if value is None:
        return None
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    date_only = isinstance(value, str) and len(value.strip()) <= 10
    if end_of_day and date_only:
        ts = ts + pd.Timedelta(days=1) - pd.Timedelta(nanoseconds=1)
    return ts


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
            ``estimated_t``, ``un_cap_bbl``, ``un_cap_multiple``, ``by_evidence``,
            ``cargo_methods``, ``draught_coverage``, ``ports``, ``flag``, ``window``,
            ``input`` and ``params``.
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
        return {
            "port_calls": int(len(calls)),
            "loaded_departures": int(len(loaded)),
            "vessels": int(loaded["mmsi"].nunique()),
            "estimated_bbl": int(round(bbl)),
            "estimated_t": int(round(tonnes)),
            "un_cap_bbl": int(UN_CAP_BBL),
            "un_cap_multiple": round(bbl / UN_CAP_BBL, 2),
            "by_evidence": {
                str(k): int(v) for k, v in loaded["evidence"].value_counts().sort_index().items()
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
                "failed_files": failed,
            },
            "params": self.params,
        }


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

    Returns
    -------
    CountResult

    Raises
    ------
    ValueError
        If ``port`` names no geofence.
    """
    params = params or CountParams()
    selected = select_ports(ports, port)
    matched = match_sightings(sightings, registry, statics) if sightings is not None else None
    # Two stages so that dark calls can use where flag-mates call (a small global table); a
    # distributed engine runs each stage per partition and reduces the table in between.
    stage = run_track_stage(positions, statics, ports, registry, matched, params)
    calls, gaps = run_call_stage(
        stage, registry, matched, params, selected, peer_call_counts(stage.ais_calls)
    )
    ts = positions["timestamp"]
    return select_result(calls, gaps, selected, flag=flag, since=since, until=until,
                         params=params, data_start=ts.min() if len(ts) else None,
                         data_end=ts.max() if len(ts) else None,
                         vessels_seen=int(positions["mmsi"].nunique()))


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
) -> CountResult:
    """Select the calls (by fence, flag, departure window) and gaps a count reports.

    Shared by the local and the Dask engine, so both select alike. ``data_start`` and
    ``data_end`` (the data's time span) stand in for a window not given; ``input_report``
    becomes :attr:`CountResult.input_report`.
    """
    start = _as_utc(since)
    end = _as_utc(until, end_of_day=True)
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
    )
