"""Calls AIS did not see: dark calls (across an AIS gap) and sighting calls.

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
the vessel called at most often, else the one its flag-mates called at most often
(:func:`peer_call_counts`), else one that does not contain another candidate, else the
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

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING, UTC_NS
from vesseltrack._units import SECONDS_PER_HOUR
from vesseltrack.cargo import loaded_threshold_m
from vesseltrack.params import CountParams, DarkCallParams, SpeedParams
from vesseltrack.ports import Fence
from vesseltrack.statics import flags_of
from vesseltrack.tracks import TrackArrays, seconds_to_utc

__all__ = [
    "PEERS_DEFERRED",
    "PeerCalls",
    "SIGHTING_AT_FENCE_COLUMNS",
    "PeersNeeded",
    "apply_sightings",
    "detect_dark_calls",
    "peer_call_counts",
    "sightings_at_fences",
]

SIGHTING_AT_FENCE_COLUMNS = {"s": "int64", "mmsi": "int64", "port": STRING, "ts": UTC_NS,
                             "state": STRING}
"""The sighting × fence table: ``s`` (row of the sightings frame), ``mmsi`` (matched),
``port`` (fence name), ``ts`` (sighting time, UTC), ``state``."""

_CANDIDATE_ORDER = (
    ["gap", "sighted", "history", "peers", "container", "dist_nm", "area_m2"],
    [True, False, False, False, True, True, True],
)
"""How one fence is picked among a gap's candidates: sighted first, then the vessel's own
call history, its flag-mates', a fence not containing another candidate, nearest, smallest."""


class _PeersDeferred:
    """Type of :data:`PEERS_DEFERRED`."""


PEERS_DEFERRED = _PeersDeferred()
"""Passed as ``peer_calls`` to :func:`detect_dark_calls` before the flag-mates' calls of every
partition are known: the dark calls come out as with the full table whenever it cannot change
them (no gap has two candidate fences alike in sighting and own call history, the only case
where flag-mates decide), and :class:`PeersNeeded` is raised otherwise. A partition can then
finish in one pass, without waiting for the others."""


PeerCalls = pd.Series | _PeersDeferred | None
"""What ``peer_calls`` may be: :func:`peer_call_counts`, :data:`PEERS_DEFERRED` or None."""


class PeersNeeded(Exception):
    """Raised by :func:`detect_dark_calls` given :data:`PEERS_DEFERRED` when the choice of a
    gap's fence depends on where the vessel's flag-mates call."""


def sightings_at_fences(sightings: pd.DataFrame | None, fences: list[Fence]) -> pd.DataFrame:
    """Matched sightings inside a fence's exit margin, one row per (sighting, fence).

    Parameters
    ----------
    sightings : DataFrame or None
        Sightings with ``matched_mmsi`` (:func:`vesseltrack.registry.match_sightings`).
    fences : list of Fence
        :func:`vesseltrack.ports.fences_from_ports`.

    Returns
    -------
    DataFrame
        :data:`SIGHTING_AT_FENCE_COLUMNS`, by fence then sighting.
    """
    cols = SIGHTING_AT_FENCE_COLUMNS
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
    return pd.concat(parts, ignore_index=True).astype(cols)


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
    flags = flags_of(calls["mmsi"]).fillna("").to_numpy(object)
    return pd.Series(1.0, index=pd.MultiIndex.from_arrays(
        [flags, calls["port"].astype(str).to_numpy()])).groupby(level=[0, 1]).sum()


# --------------------------------------------------------------------------------------------
# dark calls, step by step


def _interval_containing(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For each row, the index of the interval [start, end] containing it, else -1.

    Intervals must be disjoint and sorted by start.
    """
    if len(starts) == 0:
        return np.full(len(rows), -1)
    k = np.searchsorted(starts, rows, side="right") - 1
    ok = (k >= 0) & (rows <= ends[np.maximum(k, 0)])
    return np.where(ok, k, -1)


def _gaps_in_ais_calls(
    gaps: pd.DataFrame, calls: pd.DataFrame, fences: list[Fence]
) -> dict[str, np.ndarray]:
    """Per fence name: whether each gap starts or ends within an AIS call there (its run
    inside the exit margin)."""
    start_row = gaps["start_row"].to_numpy()
    end_row = gaps["end_row"].to_numpy()
    in_call = {}
    for fence in fences:
        at_fence = calls.loc[calls["port"] == fence.name].sort_values("run_start_row")
        starts = at_fence["run_start_row"].to_numpy()
        ends = at_fence["run_end_row"].to_numpy()
        in_call[fence.name] = (_interval_containing(start_row, starts, ends) >= 0) | (
            _interval_containing(end_row, starts, ends) >= 0
        )
    return in_call


def _blocked_gaps(
    fence: Fence, fences: list[Fence], in_call: dict[str, np.ndarray], params: DarkCallParams
) -> np.ndarray:
    """Gaps that cannot be a dark call at ``fence`` on draught evidence: they start or end in
    an AIS call at this fence, or at another non-anchorage fence disjoint from it."""
    blocked = in_call[fence.name].copy()
    for other in fences:
        if other.name == fence.name or other.kind in params.no_dark_call_kinds:
            continue
        if other.geometry.intersects(fence.geometry):
            continue
        blocked |= in_call[other.name]
    return blocked


def _sighted_in_gap(gaps: pd.DataFrame, at_fence: pd.DataFrame, port: str) -> np.ndarray:
    """Whether a matched sighting puts each gap's vessel at ``port`` during the gap."""
    n_gaps = len(gaps)
    sighted = np.zeros(n_gaps, dtype=bool)
    here = at_fence.loc[at_fence["port"] == port]
    if len(here) == 0:
        return sighted
    pairs = pd.DataFrame({
        "gap": np.arange(n_gaps),
        "mmsi": gaps["mmsi"].to_numpy("int64"),
        "start": gaps["start"].to_numpy("datetime64[ns]"),
        "end": gaps["end"].to_numpy("datetime64[ns]"),
    }).merge(
        pd.DataFrame({"mmsi": here["mmsi"].to_numpy(), "ts": here["ts"].to_numpy("datetime64[ns]")}),
        on="mmsi",
    )
    during = (pairs["ts"] >= pairs["start"]) & (pairs["ts"] <= pairs["end"])
    sighted[np.unique(pairs.loc[during, "gap"].to_numpy())] = True
    return sighted


def _call_counts(index_a: np.ndarray, port: str, counts: pd.Series | None) -> np.ndarray:
    """``counts`` (indexed by (key, port)) looked up for each key of ``index_a`` at ``port``;
    0 where absent."""
    if counts is None or len(counts) == 0:
        return np.zeros(len(index_a))
    idx = pd.MultiIndex.from_arrays([index_a, np.full(len(index_a), port)])
    return counts.reindex(idx).fillna(0).to_numpy("float64")


def _candidates(
    gaps: pd.DataFrame,
    gap_fences: pd.DataFrame,
    calls: pd.DataFrame,
    fences: list[Fence],
    eligible: list[Fence],
    at_fence: pd.DataFrame,
    draught_rises: np.ndarray,
    peer_calls: pd.Series | None,
    params: CountParams,
) -> pd.DataFrame:
    """One row per (gap, eligible fence) that could be a dark call, with what ranks them."""
    n_gaps = len(gaps)
    gap_mmsi = gaps["mmsi"].to_numpy("int64")
    gap_flags = flags_of(pd.Series(gap_mmsi)).fillna("").to_numpy(object)
    own_history = calls.groupby(["mmsi", "port"]).size()
    in_call = _gaps_in_ais_calls(gaps, calls, fences)
    max_nm = params.port_calls.max_dark_approach_nm
    per_fence = []
    for fence in eligible:
        rel = gap_fences.loc[gap_fences["port"] == fence.name].sort_values("gap", kind="stable")
        d_in = rel["d_in_nm"].to_numpy()
        d_out = rel["d_out_nm"].to_numpy()
        near = (d_in <= max_nm) & (d_out <= max_nm)
        by_draught = rel["reachable"].to_numpy(bool) & near & draught_rises
        sighted = _sighted_in_gap(gaps, at_fence, fence.name)
        blocked = _blocked_gaps(fence, fences, in_call, params.dark)
        per_fence.append(pd.DataFrame({
            "gap": np.arange(n_gaps),
            "port": fence.name,
            "ok": (by_draught & ~blocked) | (sighted & ~in_call[fence.name]),
            "sighted": sighted,
            "rise": draught_rises,
            "history": _call_counts(gap_mmsi, fence.name, own_history),
            "peers": _call_counts(gap_flags, fence.name, peer_calls),
            "dist_nm": d_in + d_out,
            "area_m2": float(fence.poly_m.area),
        }))
    # A fence that contains another candidate fence of the same gap is less specific (the
    # vessel must have gone to the inner one to work cargo): it loses to it.
    ok = np.column_stack([c["ok"].to_numpy() for c in per_fence])
    contains = np.array(
        [[a is not b and a.geometry.contains(b.geometry) for b in eligible] for a in eligible]
    )
    container = (ok.astype(int) @ contains.T.astype(int)) > 0
    for k, c in enumerate(per_fence):
        c["container"] = container[:, k]
    table = pd.concat(per_fence, ignore_index=True)
    return table.loc[table["ok"]]


def _peers_decide(candidates: pd.DataFrame) -> bool:
    """Whether flag-mates' calls can change a choice: some gap's best candidate is not alone
    in what ranks above them (sighted, own call history)."""
    best = candidates.sort_values(["sighted", "history"], ascending=False).drop_duplicates("gap")
    alike = candidates.merge(best[["gap", "sighted", "history"]])
    return bool(alike["gap"].duplicated().any())


def _one_fence_per_gap(candidates: pd.DataFrame) -> pd.DataFrame:
    """The likeliest fence of each gap (:data:`_CANDIDATE_ORDER`), sorted by gap."""
    by, ascending = _CANDIDATE_ORDER
    return candidates.sort_values(by, ascending=ascending, kind="stable").drop_duplicates("gap")


def _estimated_times_s(
    tracks: pd.DataFrame,
    start_row: np.ndarray,
    end_row: np.ndarray,
    d_in_nm: np.ndarray,
    d_out_nm: np.ndarray,
    speed: SpeedParams,
) -> tuple[np.ndarray, np.ndarray]:
    """Arrival and departure, seconds since the epoch, of dark calls: the gap's start plus
    the sailing time to the fence at the vessel's own speed before the gap, its end minus the
    sailing time from the fence at its speed after; both within the gap, and met in the
    middle if they cross."""
    arrays = TrackArrays.of(tracks, valid_only=False)
    t_s = arrays.t_s
    v_before = arrays.speed_around_knots(start_row, True, speed)
    v_after = arrays.speed_around_knots(end_row, False, speed)
    t_start, t_end = t_s[start_row], t_s[end_row]
    del arrays
    arrival = np.clip(t_start + d_in_nm / v_before * SECONDS_PER_HOUR, t_start, t_end)
    departure = np.clip(t_end - d_out_nm / v_after * SECONDS_PER_HOUR, t_start, t_end)
    middle = (arrival + departure) / 2.0
    crossed = arrival > departure
    return np.where(crossed, middle, arrival), np.where(crossed, middle, departure)


def detect_dark_calls(
    tracks: pd.DataFrame,
    gaps: pd.DataFrame,
    gap_fences: pd.DataFrame,
    calls: pd.DataFrame,
    fences: list[Fence],
    at_fence: pd.DataFrame,
    *,
    identity: pd.DataFrame,
    registry: pd.DataFrame | None = None,
    params: CountParams | None = None,
    dark_call_ports: list[str] | None = None,
    peer_calls: PeerCalls = None,
) -> pd.DataFrame:
    """Dark calls (see the module docstring).

    Parameters
    ----------
    tracks : DataFrame
        Tracks (:func:`vesseltrack.tracks.sorted_tracks`).
    gaps, gap_fences : DataFrame
        :func:`vesseltrack.gaps.find_gaps` of these tracks.
    calls : DataFrame
        AIS calls (:func:`vesseltrack.ports.detect_calls_at_fences`).
    fences : list of Fence
        Every fence.
    at_fence : DataFrame
        :func:`sightings_at_fences`.
    identity : DataFrame
        :func:`vesseltrack.statics.latest_identity` (IMO and name for the registry match).
    registry : DataFrame, optional
        Vessel registry (the draught range that makes a rise ``loaded``).
    params : CountParams, optional
        Parameters (``dark``, ``port_calls``, ``cargo``).
    dark_call_ports : list of str, optional
        Fences a dark call may be attributed to (default: every fence whose kind allows one).
    peer_calls : Series or PEERS_DEFERRED, optional
        :func:`peer_call_counts` over all vessels, or :data:`PEERS_DEFERRED` (not known yet).

    Returns
    -------
    DataFrame
        Same columns as ``calls`` (``evidence`` ``ais-gap`` or ``ais-gap+sighting``; rows of
        ``tracks`` are the gap's ends) plus ``gap`` (row of ``gaps``).

    Raises
    ------
    PeersNeeded
        With ``peer_calls`` :data:`PEERS_DEFERRED`, when flag-mates' calls decide a gap's fence.
    """
    params = params or CountParams()
    eligible = [
        f for f in fences
        if f.kind not in params.dark.no_dark_call_kinds
        and (dark_call_ports is None or f.name in dark_call_ports)
    ]
    if len(gaps) == 0 or not eligible:
        return calls.iloc[0:0].copy()

    threshold = loaded_threshold_m(gaps[["mmsi"]].join(identity, on="mmsi"), registry,
                                   params.cargo)
    rises = (gaps["draught_after_m"] - gaps["draught_before_m"]).to_numpy("float64") >= threshold
    deferred = peer_calls is PEERS_DEFERRED
    candidates = _candidates(gaps, gap_fences, calls, fences, eligible, at_fence, rises,
                             None if deferred else peer_calls, params)
    if candidates.empty:
        return calls.iloc[0:0].copy()
    if deferred and _peers_decide(candidates):
        raise PeersNeeded
    chosen = _one_fence_per_gap(candidates)
    chosen = chosen.merge(gap_fences[["gap", "port", "d_in_nm", "d_out_nm"]].astype(
        {"port": object}), on=["gap", "port"], how="left")

    gap = chosen["gap"].to_numpy()
    start_row = gaps["start_row"].to_numpy()[gap]
    end_row = gaps["end_row"].to_numpy()[gap]
    arrival_s, departure_s = _estimated_times_s(
        tracks, start_row, end_row, chosen["d_in_nm"].to_numpy(), chosen["d_out_nm"].to_numpy(),
        params.port_calls.speed)
    kinds = {f.name: f.kind for f in fences}
    sighted = chosen["sighted"].to_numpy()
    return pd.DataFrame(
        {
            "mmsi": gaps["mmsi"].to_numpy("int64")[gap],
            "port": pd.array(chosen["port"].to_numpy(), dtype=STRING),
            "kind": pd.array([kinds[p] for p in chosen["port"]], dtype=STRING),
            "evidence": pd.array(np.where(sighted, "ais-gap+sighting", "ais-gap"), dtype=STRING),
            "confidence": 1 + chosen["rise"].to_numpy().astype(int) + sighted.astype(int),
            "arrival_estimated": True,
            "departure_estimated": True,
            "first_row": start_row,
            "last_row": end_row,
            "run_start_row": start_row,
            "run_end_row": end_row,
            "arrival": seconds_to_utc(arrival_s),
            "departure": seconds_to_utc(departure_s),
            "duration_hours": (departure_s - arrival_s) / SECONDS_PER_HOUR,
            "gap": gap,
        }
    )


# --------------------------------------------------------------------------------------------
# sighting calls


def apply_sightings(
    calls: pd.DataFrame, at_fence: pd.DataFrame, fences: list[Fence], params: DarkCallParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mark calls confirmed by a sighting; make calls of the sightings no call explains.

    Parameters
    ----------
    calls : DataFrame
        Calls (AIS and dark) with ``mmsi``, ``port``, ``arrival``, ``departure``,
        ``evidence``.
    at_fence : DataFrame
        :func:`sightings_at_fences`.
    fences : list of Fence
        Every fence (for the kind of new calls).
    params : DarkCallParams
        ``sighting_match_hours``, ``sighting_cluster_hours``.

    Returns
    -------
    calls : DataFrame
        A copy of ``calls``, ``+sighting`` added to the evidence of confirmed ones.
    new_calls : DataFrame
        Calls made of sightings alone (``evidence`` ``sighting``).
    """
    tol = pd.Timedelta(hours=params.sighting_match_hours)
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
    covered = set()
    if len(pairs):
        hit = (pairs["ts"] >= pairs["a"] - tol) & (pairs["ts"] <= pairs["d"] + tol)
        confirmed = np.unique(pairs.loc[hit, "i"].to_numpy())
        evidence = c["evidence"].astype(str).to_numpy().copy()
        for i in confirmed:
            if "sighting" not in evidence[i].split("+"):
                evidence[i] = evidence[i] + "+sighting"
        calls["evidence"] = pd.array(evidence, dtype=STRING)
        covered = set(zip(pairs.loc[hit, "s"], pairs.loc[hit, "port"], strict=True))
    left = at_fence.loc[
        [(s, str(p)) not in covered for s, p in zip(at_fence["s"], at_fence["port"], strict=True)]
    ]
    if left.empty:
        return calls, calls.iloc[0:0].copy()
    return calls, _calls_of_sightings(left, kinds, params)


def _calls_of_sightings(
    left: pd.DataFrame, kinds: dict[str, str], params: DarkCallParams
) -> pd.DataFrame:
    """Sightings of one vessel at one fence less than ``sighting_cluster_hours`` apart make
    one call, from the first sighting to the last."""
    left = left.sort_values(["mmsi", "port", "ts"], kind="stable").reset_index(drop=True)
    ts_s = left["ts"].to_numpy("datetime64[ns]").astype("int64") / 1e9
    mmsi = left["mmsi"].to_numpy()
    port = left["port"].to_numpy()
    new = np.r_[True, (mmsi[1:] != mmsi[:-1]) | (port[1:] != port[:-1])
                | (np.diff(ts_s) >= params.sighting_cluster_hours * SECONDS_PER_HOUR)]
    cluster = np.cumsum(new) - 1
    grp = left.assign(cluster=cluster, ts_s=ts_s).groupby("cluster", sort=True)
    agg = grp.agg(mmsi=("mmsi", "first"), port=("port", "first"), a=("ts_s", "min"),
                  d=("ts_s", "max"), n=("s", "size"))
    return pd.DataFrame(
        {
            "mmsi": agg["mmsi"].to_numpy("int64"),
            "port": pd.array(agg["port"].astype(str).to_numpy(), dtype=STRING),
            "kind": pd.array([kinds[p] for p in agg["port"].astype(str)], dtype=STRING),
            "evidence": pd.array(["sighting"] * len(agg), dtype=STRING),
            "confidence": np.where(agg["n"].to_numpy() > 1, 2, 1),
            "arrival_estimated": False,
            "departure_estimated": False,
            "arrival": seconds_to_utc(agg["a"].to_numpy()),
            "departure": seconds_to_utc(agg["d"].to_numpy()),
            "duration_hours": (agg["d"] - agg["a"]).to_numpy() / SECONDS_PER_HOUR,
        }
    )
