"""Voyages: each port call's next call, dark arrivals (discharges) included.

For every call, the vessel's next call anywhere in the ports file is

- the first of its calls that *arrives after this one departs* (a call at a fence that
  contains this one began before it and is not "next"), of any evidence (``ais``,
  ``ais-gap``, ``sighting``); or, if earlier,
- a *dark arrival*: the first AIS gap of the vessel starting after the departure during which
  a fence (of a kind that can work cargo: not an anchorage) was reachable
  (:func:`vesseltrack.gaps.find_gaps`) and across which the reported draught fell by at least
  :attr:`VoyageParams.min_discharge_drop_m`: the vessel discharged somewhere it could have
  reached unseen. The fence is the likeliest reachable one: the one the AIS destination in
  effect at the gap's start names (crews type where they are bound; names compared without
  case, either containing the other), else the shortest detour
  ``d(start, fence) + d(fence, end)``; a destination that names none of the reachable fences
  means the vessel went somewhere outside the ports files, and no dark arrival is made. Evidence ``ais-gap``; the arrival is estimated by
  sharing the gap's time in proportion to the two distances.

Columns added: ``next_port``, ``next_arrival``, ``next_evidence`` (NA where none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING, UTC_NS
from vesseltrack.params import VoyageParams
from vesseltrack.ports import Fence
from vesseltrack.statics import reported_at

__all__ = ["VOYAGE_COLUMNS", "VoyageParams", "add_next_calls"]

VOYAGE_COLUMNS = ("next_port", "next_arrival", "next_evidence")
"""Columns :func:`add_next_calls` adds to the port calls."""

_BIG = 10**11
"""Per-vessel offset of the composite (vessel rank, seconds) search key."""


def _ns(series: pd.Series) -> np.ndarray:
    return series.astype(UTC_NS).to_numpy("datetime64[ns]").view("int64")


def add_next_calls(
    calls: pd.DataFrame,
    gaps: pd.DataFrame,
    gap_fences: pd.DataFrame,
    fences: list[Fence],
    params: VoyageParams | None = None,
    statics: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add each call's next call (:data:`VOYAGE_COLUMNS`).

    Parameters
    ----------
    calls : DataFrame
        Port calls of some vessels (``mmsi``, ``port``, ``arrival``, ``departure``,
        ``evidence``), every fence.
    gaps, gap_fences : DataFrame
        :func:`vesseltrack.gaps.find_gaps` of the same vessels over the same fences.
    fences : list of Fence
        The fences ``gap_fences`` indexes.
    params : VoyageParams, optional
        The discharge threshold and the fence kinds never arrived at dark.
    statics : DataFrame, optional
        Statics (the AIS destination picks among reachable fences).

    Returns
    -------
    DataFrame
        ``calls`` with the three columns (same row order).
    """
    params = params or VoyageParams()
    out = calls.copy()
    n = len(out)
    port = np.full(n, None, dtype=object)
    when = np.full(n, np.iinfo("int64").min, dtype="int64")
    evidence = np.full(n, None, dtype=object)
    if n:
        mmsi = out["mmsi"].to_numpy("int64")
        vessels = np.unique(np.r_[mmsi, gaps["mmsi"].to_numpy("int64")])
        rank = np.searchsorted(vessels, mmsi)
        arr_s = _ns(out["arrival"]) // 10**9
        dep_ns = _ns(out["departure"])
        dep_s = np.where(dep_ns == np.iinfo("int64").min, arr_s, dep_ns // 10**9)
        # next call: first arrival strictly after this departure, same vessel
        key = rank * _BIG + arr_s
        order = np.argsort(key, kind="stable")
        j = np.searchsorted(key[order], rank * _BIG + dep_s, side="right")
        has = j < n
        jj = order[np.minimum(j, n - 1)]
        has &= mmsi[jj] == mmsi
        next_s = np.where(has, arr_s[jj], np.iinfo("int64").max)
        port[has] = out["port"].astype(object).to_numpy()[jj[has]]
        when[has] = _ns(out["arrival"])[jj[has]]
        evidence[has] = out["evidence"].astype(object).to_numpy()[jj[has]]

        # dark arrivals: qualifying gaps, and the likeliest reachable fence of each
        drop = (gaps["draught_before_m"].to_numpy(float) - gaps["draught_after_m"].to_numpy(float))
        ok_kind = np.array([f.kind not in params.no_next_call_kinds for f in fences], dtype=bool)
        gf = gap_fences.loc[gap_fences["reachable"].to_numpy(bool)]
        if len(gf):
            gf = gf.loc[ok_kind[gf["fence"].to_numpy("int64")]]
        named = np.zeros(len(gf), dtype=bool)
        has_dest = np.zeros(len(gf), dtype=bool)
        if statics is not None and len(gf) and "destination" in statics:
            gap_rows = gf["gap"].to_numpy("int64")
            dest = reported_at(statics, "destination", gaps["mmsi"].iloc[gap_rows].reset_index(drop=True),
                               gaps["start"].iloc[gap_rows].reset_index(drop=True), "backward")
            names = gf["port"].astype(str).str.upper().to_numpy()
            named = np.array([isinstance(d, str) and len(d.strip()) > 2
                              and (d.strip().upper() in n or n in d.strip().upper())
                              for d, n in zip(dest, names, strict=True)], dtype=bool)
            has_dest = np.array([isinstance(d, str) and len(d.strip()) > 2 for d in dest], dtype=bool)
        gf = gf.assign(detour=gf["d_in_nm"] + gf["d_out_nm"], unnamed=~named, has_dest=has_dest)
        # a destination naming none of the reachable fences: the vessel went elsewhere
        any_named = gf.groupby("gap")["unnamed"].transform("min") == 0
        gf = gf.loc[~gf["has_dest"] | any_named]
        gf = gf.sort_values(["gap", "unnamed", "detour", "fence"], kind="stable").drop_duplicates("gap")
        q = gf["gap"].to_numpy("int64")
        q_ok = drop[q] >= params.min_discharge_drop_m
        gf, q = gf.loc[q_ok], q[q_ok]
        if len(q):
            g_mmsi = gaps["mmsi"].to_numpy("int64")[q]
            g0_ns = _ns(gaps["start"])[q]
            g1_ns = _ns(gaps["end"])[q]
            d_in = gf["d_in_nm"].to_numpy(float)
            d_out = gf["d_out_nm"].to_numpy(float)
            share = np.divide(d_in, d_in + d_out, out=np.full(len(q), 0.5), where=(d_in + d_out) > 0)
            est_ns = g0_ns + (share * (g1_ns - g0_ns)).astype("int64")
            g_rank = np.searchsorted(vessels, g_mmsi)
            g_key = g_rank * _BIG + g0_ns // 10**9
            g_order = np.argsort(g_key, kind="stable")
            k = np.searchsorted(g_key[g_order], rank * _BIG + dep_s, side="left")
            got = k < len(q)
            kk = g_order[np.minimum(k, len(q) - 1)]
            got &= (g_mmsi[kk] == mmsi) & (g0_ns[kk] // 10**9 < next_s)
            names = gf["port"].astype(object).to_numpy()
            port[got] = names[kk[got]]
            when[got] = est_ns[kk[got]]
            evidence[got] = "ais-gap"
    out["next_port"] = pd.array(port.tolist(), dtype=STRING)
    nat = when == np.iinfo("int64").min
    out["next_arrival"] = pd.Series(
        pd.to_datetime(np.where(nat, 0, when), utc=True), index=out.index).astype(UTC_NS).where(~nat)
    out["next_evidence"] = pd.array(evidence.tolist(), dtype=STRING)
    return out
