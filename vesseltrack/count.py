"""From positions and statics to port calls, gaps and the loaded-departure count.

The work is split so that a distributed engine can run it per partition:

* :func:`match_sightings` (global, small): attach an MMSI to every sighting;
* :func:`detect_vessels` (pure, per partition of *whole* vessels): clean tracks, AIS calls,
  gaps, dark calls, sighting calls, load state and cargo. It keeps no global state and its
  call ids are deterministic, so concatenating its output over any partition of the vessels
  gives the same table as running it on all of them;
* :func:`count_port_calls`: the local engine (one partition), plus the selection by port,
  flag and time window, and :class:`CountResult` with the summary of DESIGN.md
  ``count --json``.

Dark calls (``evidence`` ``ais-gap``)
-------------------------------------
For every AIS gap and every fence that is not an anchorage: the fence is reachable in the gap
(:mod:`vesseltrack.gaps`), the gap starts and ends within ``max_dark_approach_nm`` of it, and
the reported draught rises across the gap by the ``loaded`` threshold of
:mod:`vesseltrack.cargo` — or a matched sighting puts the vessel at the fence during the gap
(then no distance test). Gaps that belong to an AIS call at the fence (they start or end in
it: that call's arrival/departure is estimated instead) are skipped, and so are gaps that
start or end in a call at another, disjoint, non-anchorage fence (the draught change belongs
to that call).

Dark calls are attributed among the fences asked about (``count --port``, default the
terminals): one gap makes at most one dark call, at the fence with a sighting, else the one
the vessel called at most often, else the one its flag-mates called at most often (in
:func:`count_port_calls`), else one that does not contain another candidate, else the
nearest, else the smallest. Arrival and departure are estimated from the vessel's own speed
before and after the gap (``arrival_estimated`` / ``departure_estimated`` True).

Sightings
---------
A matched sighting inside a fence (within the exit margin) during a call at that fence, give
or take ``sighting_match_hours``, adds ``sighting`` to the call's evidence; the others inside
a fence become calls of their own (``evidence`` ``sighting``; sightings of one vessel at one
fence less than ``sighting_cluster_hours`` apart make one call). Sightings at sea create
nothing, but a ``laden`` one still settles the load state of the call before it
(:mod:`vesseltrack.cargo`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING, UTC_NS
from vesseltrack._units import SECONDS_PER_HOUR, UN_CAP_BBL
from vesseltrack.cargo import CargoParams, assess_load, registry_rows_for
from vesseltrack.gaps import GAP_COLUMNS, GapParams, _gaps_internal
from vesseltrack.ports import (
    Fence,
    PortCallParams,
    _detect_ais_calls,
    _sorted_tracks,
    _to_utc,
    _TrackArrays,
    call_ids,
    fences_from_ports,
)
from vesseltrack.registry import match_sightings
from vesseltrack.tracks import TrackParams, clean_tracks

__all__ = [
    "PORT_CALL_COLUMNS",
    "CountParams",
    "CountResult",
    "DarkCallParams",
    "count_port_calls",
    "detect_vessels",
    "format_summary",
    "match_sightings",
    "peer_call_counts",
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
"""port_calls columns: DESIGN.md's, then two flags saying whether arrival/departure were
estimated across an AIS gap rather than observed."""


@dataclass(frozen=True)
class DarkCallParams:
    """Parameters of dark calls and sighting calls.

    Attributes
    ----------
    max_dark_approach_nm : float
        A dark call needs the gap to start and end within this distance of the fence, nm.
    no_dark_call_kinds : tuple of str
        Fence kinds that never get a dark call (no cargo is worked at an anchorage).
    sighting_match_hours : float
        A sighting this close in time to a call at the same fence is evidence for it, hours.
    sighting_cluster_hours : float
        Sightings of one vessel at one fence less than this apart make one call, hours.
    """

    max_dark_approach_nm: float = 60.0
    no_dark_call_kinds: tuple[str, ...] = ("anchorage",)
    sighting_match_hours: float = 12.0
    sighting_cluster_hours: float = 24.0


@dataclass(frozen=True)
class CountParams:
    """All detector parameters of :func:`count_port_calls` (each a frozen dataclass)."""

    tracks: TrackParams = field(default_factory=TrackParams)
    port_calls: PortCallParams = field(default_factory=PortCallParams)
    gaps: GapParams = field(default_factory=GapParams)
    dark: DarkCallParams = field(default_factory=DarkCallParams)
    cargo: CargoParams = field(default_factory=CargoParams)


# --------------------------------------------------------------------------------------------
# helpers


def _vessel_ids(statics: pd.DataFrame | None, registry: pd.DataFrame | None) -> pd.DataFrame:
    """Per MMSI: the most recent non-null IMO and name in the statics, else the registry's."""
    parts = []
    if statics is not None and len(statics):
        s = statics.sort_values("timestamp", kind="stable")
        imo = s.loc[s["imo"].notna()].groupby("mmsi")["imo"].last()
        name = s.loc[s["name"].notna() & (s["name"].astype(STRING).str.strip() != "")]
        name = name.groupby("mmsi")["name"].last()
        parts.append(pd.DataFrame({"imo": imo, "name": name}))
    if registry is not None and len(registry):
        r = registry.loc[registry["mmsi"].notna()].drop_duplicates("mmsi")
        parts.append(
            pd.DataFrame(
                {"imo": r["imo"].to_numpy(), "name": r["name"].to_numpy()},
                index=r["mmsi"].to_numpy("int64"),
            )
        )
    if not parts:
        return pd.DataFrame(
            {"imo": pd.Series([], dtype="Int64"), "name": pd.Series([], dtype=STRING)},
            index=pd.Index([], dtype="int64", name="mmsi"),
        )
    ids = parts[0]
    for p in parts[1:]:
        ids = ids.combine_first(p)
    ids.index = ids.index.astype("int64")
    ids.index.name = "mmsi"
    return pd.DataFrame(
        {"imo": ids["imo"].astype("Int64"), "name": ids["name"].astype(STRING)}, index=ids.index
    )


def _flags(mmsi: pd.Series) -> pd.Series:
    from vesseltrack.ais._mid import flags_from_mmsi  # lazy: the MID table is large

    return pd.Series(flags_from_mmsi(pd.Series(mmsi, dtype="int64")).to_numpy()).astype(STRING)


def _in_interval(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For each row, the index of the interval [start, end] containing it, else -1.

    Intervals must be disjoint and sorted by start.
    """
    if len(starts) == 0:
        return np.full(len(rows), -1)
    k = np.searchsorted(starts, rows, side="right") - 1
    ok = (k >= 0) & (rows <= ends[np.maximum(k, 0)])
    return np.where(ok, k, -1)


def _loaded_threshold_m(
    frame: pd.DataFrame, registry: pd.DataFrame | None, params: CargoParams
) -> np.ndarray:
    reg = registry_rows_for(frame, registry)
    rng = (reg["summer_draught_m"] - reg["ballast_draught_m"]).to_numpy("float64")
    ok = np.isfinite(rng) & (rng > 0)
    return np.where(ok, params.loaded_fraction_of_range * rng, params.loaded_rise_m)


def _sightings_at_fences(sightings: pd.DataFrame | None, fences: list[Fence]) -> pd.DataFrame:
    """Matched sightings inside a fence's exit margin, one row per (sighting, fence)."""
    cols = {"s": "int64", "mmsi": "int64", "port": STRING, "ts": UTC_NS, "state": STRING}
    if sightings is None or len(sightings) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in cols.items()})
    s = sightings.reset_index(drop=True)
    s = s.loc[s["matched_mmsi"].notna()]
    parts = []
    for fence in fences:
        hit = fence.near(s["lon"].to_numpy(), s["lat"].to_numpy())
        if hit.any():
            h = s.loc[hit]
            parts.append(
                pd.DataFrame(
                    {
                        "s": h.index.to_numpy("int64"),
                        "mmsi": h["matched_mmsi"].to_numpy("int64"),
                        "port": fence.name,
                        "ts": h["timestamp"].to_numpy(),
                        "state": h["state"].to_numpy(),
                    }
                )
            )
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in cols.items()})
    out = pd.concat(parts, ignore_index=True)
    return out.astype(cols)


# --------------------------------------------------------------------------------------------
# dark calls


def _dark_calls(
    tracks: pd.DataFrame,
    gaps: pd.DataFrame,
    ais: pd.DataFrame,
    fences: list[Fence],
    at_fence: pd.DataFrame,
    registry: pd.DataFrame | None,
    ids: pd.DataFrame,
    params: CountParams,
    dark_ports: list[str] | None = None,
    peer_calls: pd.Series | None = None,
) -> pd.DataFrame:
    """Dark calls (see the module docstring); same columns as the AIS calls frame."""
    dp = params.dark
    ng = len(gaps)
    by_name = {f.name: f for f in fences}
    eligible = [
        f for f in fences
        if f.kind not in dp.no_dark_call_kinds and (dark_ports is None or f.name in dark_ports)
    ]
    if ng == 0 or not eligible:
        return ais.iloc[0:0].copy()

    # attachment of gap ends to AIS calls, per fence
    start_row = gaps["start_row"].to_numpy()
    end_row = gaps["end_row"].to_numpy()
    attached: dict[str, np.ndarray] = {}
    for fence in fences:
        c = ais.loc[ais["port"] == fence.name].sort_values("run_start_row")
        rs, re_ = c["run_start_row"].to_numpy(), c["run_end_row"].to_numpy()
        attached[fence.name] = (_in_interval(start_row, rs, re_) >= 0) | (
            _in_interval(end_row, rs, re_) >= 0
        )

    gap_frame = gaps[["mmsi"]].join(ids, on="mmsi")
    threshold = _loaded_threshold_m(gap_frame, registry, params.cargo)
    rise = (gaps["draught_after_m"] - gaps["draught_before_m"]).to_numpy("float64") >= threshold

    # sightings during gaps, per fence
    t0 = gaps["start"].to_numpy("datetime64[ns]")
    t1 = gaps["end"].to_numpy("datetime64[ns]")
    gmmsi = gaps["mmsi"].to_numpy("int64")
    history = ais.groupby(["mmsi", "port"]).size()
    gap_flags = _flags(pd.Series(gmmsi)).fillna("").to_numpy(object) if ng else np.array([])

    score_cols = []
    for fence in eligible:
        name = fence.name
        d_in = gaps[f"d_in_nm::{name}"].to_numpy()
        d_out = gaps[f"d_out_nm::{name}"].to_numpy()
        near = (d_in <= dp.max_dark_approach_nm) & (d_out <= dp.max_dark_approach_nm)
        cand = gaps[f"reach::{name}"].to_numpy() & near & rise
        sighted = np.zeros(ng, dtype=bool)
        sf = at_fence.loc[at_fence["port"] == name]
        if len(sf):
            pairs = pd.DataFrame({"g": np.arange(ng), "mmsi": gmmsi, "t0": t0, "t1": t1}).merge(
                pd.DataFrame({"mmsi": sf["mmsi"].to_numpy(), "ts": sf["ts"].to_numpy("datetime64[ns]")}),
                on="mmsi",
            )
            inside = (pairs["ts"] >= pairs["t0"]) & (pairs["ts"] <= pairs["t1"])
            sighted[np.unique(pairs.loc[inside, "g"].to_numpy())] = True
        blocked = attached[name].copy()
        for other in fences:
            if other.name == name or other.kind in dp.no_dark_call_kinds:
                continue
            if other.geometry.intersects(fence.geometry):
                continue
            blocked |= attached[other.name]
        ok = (cand & ~blocked) | (sighted & ~attached[name])
        hist = pd.MultiIndex.from_arrays([gmmsi, np.full(ng, name)])
        n_calls = history.reindex(hist).fillna(0).to_numpy("float64")
        if peer_calls is not None and len(peer_calls):
            peer_idx = pd.MultiIndex.from_arrays([gap_flags, np.full(ng, name)])
            n_peer = peer_calls.reindex(peer_idx).fillna(0).to_numpy("float64")
        else:
            n_peer = np.zeros(ng)
        score_cols.append(
            pd.DataFrame(
                {
                    "g": np.arange(ng),
                    "port": name,
                    "ok": ok,
                    "sighted": sighted,
                    "rise": rise,
                    "history": n_calls,
                    "peers": n_peer,
                    "dist": d_in + d_out,
                    "area": float(fence.poly_m.area),
                }
            )
        )
    # A fence that contains another candidate fence of the same gap is less specific (the
    # vessel must have gone to the inner one to work cargo): it loses to it.
    ok_mat = np.column_stack([c["ok"].to_numpy() for c in score_cols])
    contains = np.array(
        [[a is not b and a.geometry.contains(b.geometry) for b in eligible] for a in eligible]
    )
    container = (ok_mat.astype(int) @ contains.T.astype(int)) > 0
    for k, c in enumerate(score_cols):
        c["container"] = container[:, k]
    sc = pd.concat(score_cols, ignore_index=True)
    sc = sc.loc[sc["ok"]]
    if sc.empty:
        return ais.iloc[0:0].copy()
    sc = sc.sort_values(
        ["g", "sighted", "history", "peers", "container", "dist", "area"],
        ascending=[True, False, False, False, True, True, True],
        kind="stable",
    ).drop_duplicates("g")
    g = sc["g"].to_numpy()
    arrays = _TrackArrays.of(tracks, valid_only=False)
    t_s = arrays.t_s
    rows_start = start_row[g]
    rows_end = end_row[g]
    d_in = np.array([gaps[f"d_in_nm::{p}"].to_numpy()[k] for k, p in zip(g, sc["port"], strict=True)])
    d_out = np.array([gaps[f"d_out_nm::{p}"].to_numpy()[k] for k, p in zip(g, sc["port"], strict=True)])
    pp = params.port_calls
    # speed_before_after_knots at rows of tracks, with the arrays read once for both
    v_before = arrays.speed_around_knots(rows_start, True, pp)
    v_after = arrays.speed_around_knots(rows_end, False, pp)
    del arrays
    a = t_s[rows_start] + d_in / v_before * SECONDS_PER_HOUR
    d = t_s[rows_end] - d_out / v_after * SECONDS_PER_HOUR
    a = np.clip(a, t_s[rows_start], t_s[rows_end])
    d = np.clip(d, t_s[rows_start], t_s[rows_end])
    mid = (a + d) / 2.0
    swap = a > d
    a = np.where(swap, mid, a)
    d = np.where(swap, mid, d)
    sighted = sc["sighted"].to_numpy()
    evidence = np.where(sighted, "ais-gap+sighting", "ais-gap")
    out = pd.DataFrame(
        {
            "mmsi": gmmsi[g],
            "port": pd.array(sc["port"].to_numpy(), dtype=STRING),
            "kind": pd.array([by_name[p].kind for p in sc["port"]], dtype=STRING),
            "evidence": pd.array(evidence, dtype=STRING),
            "confidence": 1 + sc["rise"].to_numpy().astype(int) + sighted.astype(int),
            "arrival_estimated": True,
            "departure_estimated": True,
            "first_row": rows_start,
            "last_row": rows_end,
            "run_start_row": rows_start,
            "run_end_row": rows_end,
            "arrival": _to_utc(a),
            "departure": _to_utc(d),
            "duration_hours": (d - a) / SECONDS_PER_HOUR,
            "gap": g,
        }
    )
    return out


def _sighting_calls(
    calls: pd.DataFrame, at_fence: pd.DataFrame, fences: list[Fence], params: CountParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mark calls confirmed by a sighting; make calls of the sightings no call explains."""
    dp = params.dark
    tol = pd.Timedelta(hours=dp.sighting_match_hours)
    calls = calls.copy()
    kinds = {f.name: f.kind for f in fences}
    if at_fence.empty:
        return calls, calls.iloc[0:0].copy()
    c = calls.reset_index(drop=True)
    pairs = pd.DataFrame(
        {"i": np.arange(len(c)), "mmsi": c["mmsi"].to_numpy("int64"),
         "port": c["port"].astype(str).to_numpy(), "a": c["arrival"], "d": c["departure"]}
    ).merge(
        at_fence.assign(port=at_fence["port"].astype(str)), on=["mmsi", "port"]
    )
    covered_s = set()
    if len(pairs):
        hit = (pairs["ts"] >= pairs["a"] - tol) & (pairs["ts"] <= pairs["d"] + tol)
        confirmed = np.unique(pairs.loc[hit, "i"].to_numpy())
        ev = c["evidence"].astype(str).to_numpy().copy()
        for i in confirmed:
            if "sighting" not in ev[i].split("+"):
                ev[i] = ev[i] + "+sighting"
        calls["evidence"] = pd.array(ev, dtype=STRING)
        covered_s = set(zip(pairs.loc[hit, "s"], pairs.loc[hit, "port"], strict=True))
    left = at_fence.loc[
        [(s, str(p)) not in covered_s for s, p in zip(at_fence["s"], at_fence["port"], strict=True)]
    ]
    if left.empty:
        return calls, calls.iloc[0:0].copy()
    left = left.sort_values(["mmsi", "port", "ts"], kind="stable").reset_index(drop=True)
    ts_s = left["ts"].to_numpy("datetime64[ns]").astype("int64") / 1e9
    new = np.r_[True, (left["mmsi"].to_numpy()[1:] != left["mmsi"].to_numpy()[:-1])
                | (left["port"].to_numpy()[1:] != left["port"].to_numpy()[:-1])
                | (np.diff(ts_s) >= dp.sighting_cluster_hours * SECONDS_PER_HOUR)]
    cluster = np.cumsum(new) - 1
    grp = left.assign(cluster=cluster, ts_s=ts_s).groupby("cluster", sort=True)
    agg = grp.agg(mmsi=("mmsi", "first"), port=("port", "first"), a=("ts_s", "min"),
                  d=("ts_s", "max"), n=("s", "size"))
    new_calls = pd.DataFrame(
        {
            "mmsi": agg["mmsi"].to_numpy("int64"),
            "port": pd.array(agg["port"].astype(str).to_numpy(), dtype=STRING),
            "kind": pd.array([kinds[p] for p in agg["port"].astype(str)], dtype=STRING),
            "evidence": pd.array(["sighting"] * len(agg), dtype=STRING),
            "confidence": np.where(agg["n"].to_numpy() > 1, 2, 1),
            "arrival_estimated": False,
            "departure_estimated": False,
            "arrival": _to_utc(agg["a"].to_numpy()),
            "departure": _to_utc(agg["d"].to_numpy()),
            "duration_hours": (agg["d"] - agg["a"]).to_numpy() / SECONDS_PER_HOUR,
        }
    )
    return calls, new_calls


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
    stage = _stage_tracks(positions, statics, ports, registry, sightings, params)
    return _stage_calls(stage, registry, sightings, params, dark_call_ports, peer_calls)


_DETECTED_COLUMNS = ("mmsi", "timestamp", "lon", "lat", "sog_knots")
"""Position columns the detectors read (stage 1 cleans only these)."""


@dataclass
class _Stage:
    """What the first stage of :func:`detect_vessels` leaves for the second."""

    fences: list[Fence]
    tracks: pd.DataFrame
    statics: pd.DataFrame | None
    ids: pd.DataFrame
    ais: pd.DataFrame
    gaps: pd.DataFrame


def _stage_tracks(
    positions: pd.DataFrame,
    statics: pd.DataFrame | None,
    ports: pd.DataFrame | list[Fence],
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
) -> _Stage:
    """Stage 1 (per partition): clean tracks, AIS calls and gaps."""
    fences = (
        ports if isinstance(ports, list)
        else fences_from_ports(ports, params.port_calls.exit_margin_m)
    )
    # the detectors read these columns only: cleaning copies no others
    tracks = _sorted_tracks(clean_tracks(positions, params.tracks, columns=_DETECTED_COLUMNS))
    if statics is not None and len(statics):
        statics = statics.loc[statics["mmsi"].isin(tracks["mmsi"].unique())
                              | statics["mmsi"].isin(_sighted_mmsi(sightings))]
    ids = _vessel_ids(statics, registry)
    ais = _detect_ais_calls(tracks, fences, params.port_calls)
    gaps = _gaps_internal(tracks, statics, fences, params.gaps)
    return _Stage(fences, tracks, statics, ids, ais, gaps)


def peer_call_counts(calls: pd.DataFrame) -> pd.Series:
    """AIS calls per (flag, fence): where a vessel's flag-mates call.

    Parameters
    ----------
    calls : DataFrame
        Port calls with ``mmsi`` and ``port`` (and ``evidence``: only calls seen on AIS at
        the fence, ``ais`` or ``ais+sighting``, count).

    Returns
    -------
    Series
        Float counts indexed by (flag, port); a small table, global across partitions.
    """
    if "evidence" in calls:
        calls = calls.loc[calls["evidence"].astype(str).isin(["ais", "ais+sighting"])]
    if calls.empty:
        return pd.Series([], dtype="float64")
    flags = _flags(calls["mmsi"]).fillna("").to_numpy(object)
    return pd.Series(1.0, index=pd.MultiIndex.from_arrays(
        [flags, calls["port"].astype(str).to_numpy()])).groupby(level=[0, 1]).sum()


def _stage_calls(
    stage: _Stage,
    registry: pd.DataFrame | None,
    sightings: pd.DataFrame | None,
    params: CountParams,
    dark_call_ports: list[str] | None,
    peer_calls: pd.Series | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stage 2 (per partition): dark calls, sightings, load state and cargo."""
    fences, tracks, statics, ids, ais, gaps = (
        stage.fences, stage.tracks, stage.statics, stage.ids, stage.ais, stage.gaps
    )
    at_fence = _sightings_at_fences(sightings, fences)
    dark = _dark_calls(
        tracks, gaps, ais, fences, at_fence, registry, ids, params, dark_call_ports, peer_calls
    )
    calls = pd.concat([ais, dark.drop(columns=["gap"], errors="ignore")], ignore_index=True)
    calls, sighted = _sighting_calls(calls, at_fence, fences, params)
    calls = pd.concat([calls, sighted], ignore_index=True)
    calls = calls.join(ids, on="mmsi")
    calls["flag"] = _flags(calls["mmsi"]).to_numpy() if len(calls) else pd.array([], dtype=STRING)
    calls = assess_load(calls, statics, registry, sightings, params.cargo)
    calls["call_id"] = pd.array(
        call_ids(calls["mmsi"].to_numpy(), calls["port"].astype(str).to_numpy(),
                 calls["arrival"], calls["evidence"].astype(str).to_numpy()),
        dtype=STRING,
    )
    calls = calls.sort_values(["mmsi", "arrival", "port"], kind="stable").reset_index(drop=True)
    out = _conform_calls(calls)
    gaps_out = gaps.loc[:, list(GAP_COLUMNS)].reset_index(drop=True)
    out.attrs["params"] = {k: asdict(v) for k, v in vars(params).items()}
    gaps_out.attrs["params"] = asdict(params.gaps)
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
        Every parameter used.
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

    @property
    def loaded(self) -> pd.DataFrame:
        """The selected calls whose load state is ``loaded`` (loaded departures)."""
        return self.port_calls.loc[self.port_calls["load_state"] == "loaded"]

    def summary(self, input_report: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON object of ``count --json`` (DESIGN.md).

        Parameters
        ----------
        input_report : dict, optional
            The reader's report (:meth:`vesseltrack.io._report.DecodeReport.to_dict`); its
            counters fill the ``input`` key.

        Returns
        -------
        dict
            ``port_calls``, ``loaded_departures``, ``vessels``, ``estimated_bbl``,
            ``estimated_t``, ``un_cap_bbl``, ``un_cap_multiple``, ``by_evidence``,
            ``cargo_methods``, ``draught_coverage``, ``ports``, ``flag``, ``window``,
            ``input`` and ``params``.
        """
        rep = dict(input_report or {})
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
    stage = _stage_tracks(positions, statics, ports, registry, matched, params)
    calls, gaps = _stage_calls(
        stage, registry, matched, params, selected, peer_call_counts(stage.ais)
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
) -> CountResult:
    """Select the calls (by fence, flag, departure window) and gaps a count reports.

    Shared by the local and the Dask engine, so both select alike. ``data_start`` and
    ``data_end`` (the data's time span) stand in for a window not given.
    """
    start = _as_utc(since)
    end = _as_utc(until, end_of_day=True)
    sel = calls["port"].isin(selected)
    gsel = pd.Series(True, index=gaps.index)
    if flag is not None:
        flag = flag.upper()
        sel &= (calls["flag"] == flag).fillna(False)
        gsel &= (_flags(gaps["mmsi"]) == flag).fillna(False).to_numpy(bool)
    if start is not None:
        sel &= calls["departure"] >= start
        gsel &= gaps["end"] >= start
    if end is not None:
        sel &= calls["departure"] <= end
        gsel &= gaps["start"] <= end
    window_start = start if start is not None else data_start
    window_end = end if end is not None else data_end
    all_params = {k: asdict(v) for k, v in vars(params).items()}
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
    )


def format_summary(summary: dict[str, Any]) -> str:
    """A readable table of a :meth:`CountResult.summary` dict (the default CLI output)."""
    inp = summary.get("input", {})
    window = summary.get("window", {})
    rows = [
        ("ports", ", ".join(summary.get("ports", [])) or "-"),
        ("flag", summary.get("flag") or "any"),
        ("window", f"{window.get('start') or '-'} .. {window.get('end') or '-'}"),
        ("port calls", f"{summary['port_calls']:,}"),
        ("loaded departures", f"{summary['loaded_departures']:,}"),
        ("vessels (loaded)", f"{summary['vessels']:,}"),
        ("estimated cargo", f"{summary['estimated_bbl']:,} bbl ({summary.get('estimated_t', 0):,} t)"),
        ("UN cap (res. 2397)", f"{summary['un_cap_bbl']:,} bbl/year"
                               f" -> x{summary.get('un_cap_multiple', 0):.2f}"),
    ]
    for ev, n in summary.get("by_evidence", {}).items():
        rows.append((f"  by evidence: {ev}", f"{n:,}"))
    for m, n in summary.get("cargo_methods", {}).items():
        rows.append((f"  cargo method: {m}", f"{n:,}"))
    cov = summary.get("draught_coverage", {})
    if cov:
        share = cov.get("share")
        rows.append(("calls with both draughts", f"{cov.get('calls_with_draught', 0):,} of "
                     f"{cov.get('calls', 0):,}" + (f" ({share:.0%})" if share is not None else "")))
        rows.append(("  ... with a draught change", f"{cov.get('calls_with_draught_change', 0):,}"))
    rows += [
        ("input files", f"{inp.get('files', 0):,}"),
        ("lines", f"{inp.get('lines', 0):,}"),
        ("messages", f"{inp.get('messages', 0):,}"),
        ("bad lines", f"{inp.get('bad_lines', 0):,}"),
        ("orphan fragments", f"{inp.get('orphan_fragments', 0):,}"),
        ("positions", f"{inp.get('positions', 0):,}"),
        ("vessels seen", f"{inp.get('vessels_seen', 0):,}"),
        ("failed files", f"{len(inp.get('failed_files') or []):,}"
         if isinstance(inp.get("failed_files"), list) else str(inp.get("failed_files", 0))),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)
