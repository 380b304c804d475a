"""Draught timeline, load state per port call, and cargo in tonnes and barrels.

Rules (issue 4; arithmetic from DOMAIN.md "Cargo arithmetic"):

* **arrival draught**: the last draught reported at or before arrival;
* **departure draught**: the first draught reported after departure (and before the vessel's
  next call at the same fence, and within ``max_draught_lag_hours`` if set), else the last one
  reported in port (between arrival and departure), else NaN;
* **load state**: ``loaded`` when the draught rose by at least ``loaded_fraction_of_range`` of
  the vessel's range (registry summer − ballast draught), or by ``loaded_rise_m`` without a
  usable registry entry; ``discharged`` for a fall of the same size; ``unchanged`` otherwise;
  ``unknown`` when either draught is missing;
* a ``laden`` sighting of the vessel from arrival to ``sighting_window_hours`` after
  departure settles the load state as ``loaded`` where the draught is stale (``unchanged``)
  or missing (``unknown``);
* **cargo** (loaded calls of vessels in the registry only):
  ``fill = clip((T_dep − T_ballast) / (T_summer − T_ballast), 0, 1)``,
  ``cargo_t = fill × cargo_share_of_dwt × dwt_t`` (``cargo_method`` ``draught``); a laden
  sighting without a usable draught assumes ``fill = sighting_fill``
  (``cargo_method`` ``laden-sighting-fill``). ``cargo_bbl = cargo_t × bbl_per_t`` (registry
  ``bbl_per_t``, else the BP factor of its ``cargo``, else ``default_bbl_per_t``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING, UTC_NS
from vesseltrack.registry import normalise_name

__all__ = [
    "CargoParams",
    "LOAD_STATES",
    "assess_load",
    "draught_at",
    "draught_timeline",
    "registry_rows_for",
]

LOAD_STATES = ("loaded", "discharged", "unchanged", "unknown")


@dataclass(frozen=True)
class CargoParams:
    """Parameters of :func:`assess_load`.

    Attributes
    ----------
    loaded_fraction_of_range : float
        Draught rise, as a fraction of (summer − ballast) draught, that makes a call
        ``loaded`` (a fall of the same size makes it ``discharged``).
    loaded_rise_m : float
        The same threshold in metres for vessels without summer and ballast draught.
    cargo_share_of_dwt : float
        Share of deadweight that is cargo at full load (the rest is bunkers and stores).
    sighting_fill : float
        Fill assumed for a loaded call known only from a laden sighting.
    default_bbl_per_t : float
        Barrels per tonne when the registry gives neither ``bbl_per_t`` nor ``cargo`` (the UN
        1718 Committee's conversion, about 7.5).
    sighting_window_hours : float
        A laden sighting up to this long after departure still settles the load state, hours.
    max_draught_lag_hours : float or None
        Ignore a departure draught reported more than this long after departure, hours
        (None: no limit other than the next call at the same fence).
    """

    loaded_fraction_of_range: float = 0.3
    loaded_rise_m: float = 1.0
    cargo_share_of_dwt: float = 0.93
    sighting_fill: float = 0.9
    default_bbl_per_t: float = 7.5
    sighting_window_hours: float = 72.0
    max_draught_lag_hours: float | None = None


def draught_timeline(statics: pd.DataFrame | None) -> pd.DataFrame:
    """Reported draughts: ``mmsi``, ``timestamp``, ``draught_m``, sorted by time.

    Rows without a draught (NaN, "not available") or without a time are dropped.
    """
    if statics is None or len(statics) == 0:
        return pd.DataFrame(
            {
                "mmsi": np.array([], "int64"),
                "timestamp": pd.Series([], dtype=UTC_NS),
                "draught_m": np.array([], float),
            }
        )
    tl = statics.loc[
        statics["draught_m"].notna() & statics["timestamp"].notna(),
        ["mmsi", "timestamp", "draught_m"],
    ]
    tl = tl.astype({"mmsi": "int64", "draught_m": "float64"})
    tl["timestamp"] = tl["timestamp"].astype(UTC_NS)
    return tl.sort_values(["timestamp", "mmsi"], kind="stable").reset_index(drop=True)


def draught_at(
    statics: pd.DataFrame | None,
    mmsi: pd.Series | np.ndarray,
    times: pd.Series,
    direction: str,
    *,
    allow_exact: bool = True,
    with_time: bool = False,
    timeline: pd.DataFrame | None = None,
) -> np.ndarray | tuple[np.ndarray, pd.Series]:
    """Draught reported nearest before (``"backward"``) or after (``"forward"``) given times.

    Parameters
    ----------
    statics : DataFrame or None
        Statics table (ignored when ``timeline`` is given).
    mmsi : array-like of int
        Vessel of each query.
    times : Series of UTC timestamps
        Query times (NaT gives NaN).
    direction : {"backward", "forward"}
        Last report at or before, or first report at or after, each time.
    allow_exact : bool
        Whether a report exactly at the query time counts.
    with_time : bool
        Also return the time of the report used.
    timeline : DataFrame, optional
        A precomputed :func:`draught_timeline`.

    Returns
    -------
    ndarray of float (metres), and a Series of UTC times when ``with_time``.
    """
    tl = timeline if timeline is not None else draught_timeline(statics)
    n = len(times)
    values = np.full(n, np.nan)
    when = pd.Series(pd.NaT, index=range(n), dtype=UTC_NS)
    times = pd.Series(times).astype(UTC_NS).reset_index(drop=True)
    ok = times.notna().to_numpy()
    if n and ok.any() and len(tl):
        left = pd.DataFrame(
            {"mmsi": np.asarray(mmsi, dtype="int64")[ok], "t": times[ok].to_numpy(),
             "pos": np.flatnonzero(ok)}
        ).sort_values("t", kind="stable")
        left["t"] = left["t"].astype(UTC_NS)
        right = tl.rename(columns={"timestamp": "t"}).assign(t_report=lambda d: d["t"])
        m = pd.merge_asof(
            left, right, on="t", by="mmsi", direction=direction, allow_exact_matches=allow_exact
        )
        pos = m["pos"].to_numpy()
        values[pos] = m["draught_m"].to_numpy("float64")
        when.iloc[pos] = m["t_report"].to_numpy()
    return (values, when) if with_time else values


def registry_rows_for(
    calls: pd.DataFrame, registry: pd.DataFrame | None
) -> pd.DataFrame:
    """The registry row of each call's vessel (by MMSI, else IMO, else name); NaN rows where
    none. Index aligned with ``calls``."""
    cols = ["dwt_t", "summer_draught_m", "ballast_draught_m", "bbl_per_t", "cargo"]
    out = pd.DataFrame(index=calls.index, columns=cols, dtype="float64")
    out["cargo"] = pd.Series(pd.NA, index=calls.index, dtype=STRING)
    out["registry_row"] = -1
    if registry is None or len(registry) == 0 or len(calls) == 0:
        return out
    reg = registry.reset_index(drop=True)
    found = np.full(len(calls), -1)
    keys = [
        (calls["mmsi"].astype("Int64"), reg["mmsi"].astype("Int64")),
    ]
    if "imo" in calls:
        keys.append((calls["imo"].astype("Int64"), reg["imo"].astype("Int64")))
    if "name" in calls:
        keys.append((normalise_name(calls["name"]), normalise_name(reg["name"])))
    for call_key, reg_key in keys:
        lookup = pd.Series(np.arange(len(reg)), index=reg_key)
        lookup = lookup[lookup.index.notna()]
        lookup = lookup[~lookup.index.duplicated(keep=False)]
        hit = call_key.reset_index(drop=True).map(lookup).to_numpy("float64", na_value=np.nan)
        take = (found < 0) & np.isfinite(hit)
        found[take] = hit[take].astype(int)
    have = found >= 0
    out["registry_row"] = found
    for c in cols:
        vals = reg[c].to_numpy(object)[np.maximum(found, 0)]
        out[c] = pd.Series(np.where(have, vals, None), index=calls.index)
    for c in cols[:-1]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    out["cargo"] = out["cargo"].astype(STRING)
    return out


def assess_load(
    calls: pd.DataFrame,
    statics: pd.DataFrame | None,
    registry: pd.DataFrame | None = None,
    sightings: pd.DataFrame | None = None,
    params: CargoParams | None = None,
) -> pd.DataFrame:
    """Add draughts, load state and cargo to port calls.

    Parameters
    ----------
    calls : DataFrame
        Port calls with at least ``mmsi``, ``port``, ``arrival``, ``departure`` (and
        optionally ``imo`` and ``name`` for the registry match).
    statics : DataFrame or None
        Statics table (draught reports).
    registry : DataFrame, optional
        From :func:`vesseltrack.registry.read_registry`.
    sightings : DataFrame, optional
        Sightings with ``matched_mmsi`` (:func:`vesseltrack.registry.match_sightings`).
    params : CargoParams, optional
        Defaults to ``CargoParams()``.

    Returns
    -------
    DataFrame
        ``calls`` with ``arrival_draught_m``, ``departure_draught_m``, ``draught_change_m``
        (metres), ``load_state``, ``cargo_t`` (tonnes), ``cargo_bbl`` (barrels) and
        ``cargo_method``. ``attrs["params"]`` holds the parameters used.
    """
    params = params or CargoParams()
    out = calls.copy()
    n = len(out)
    tl = draught_timeline(statics)
    mmsi = out["mmsi"].to_numpy("int64")
    arrival = out["arrival"].astype(UTC_NS).reset_index(drop=True)
    departure = out["departure"].astype(UTC_NS).reset_index(drop=True)

    arr_d = draught_at(None, mmsi, arrival, "backward", timeline=tl)
    dep_d, dep_t = draught_at(
        None, mmsi, departure, "forward", allow_exact=False, with_time=True, timeline=tl
    )
    # Bound the departure draught by the vessel's next call at the same fence.
    order = out.reset_index(drop=True).sort_values(["mmsi", "port", "arrival"], kind="stable")
    nxt = order.groupby(["mmsi", "port"], sort=False)["arrival"].shift(-1)
    next_arrival = nxt.reindex(range(n)).astype(UTC_NS)
    too_late = (dep_t >= next_arrival).fillna(False).to_numpy(bool).copy()  # written below
    if params.max_draught_lag_hours is not None:
        lag = (dep_t - departure) > pd.Timedelta(hours=params.max_draught_lag_hours)
        too_late |= lag.fillna(False).to_numpy(bool)
    dep_d[too_late] = np.nan
    # ... else the last one reported in port.
    last_in, last_in_t = draught_at(None, mmsi, departure, "backward", with_time=True, timeline=tl)
    in_port = (last_in_t >= arrival).fillna(False).to_numpy(bool)
    dep_d = np.where(np.isnan(dep_d) & in_port, last_in, dep_d)

    change = dep_d - arr_d
    reg = registry_rows_for(out, registry)
    range_m = (reg["summer_draught_m"] - reg["ballast_draught_m"]).to_numpy("float64")
    usable_range = np.isfinite(range_m) & (range_m > 0)
    threshold = np.where(usable_range, params.loaded_fraction_of_range * range_m,
                         params.loaded_rise_m)
    state = np.where(
        np.isnan(change),
        "unknown",
        np.where(change >= threshold, "loaded",
                 np.where(change <= -threshold, "discharged", "unchanged")),
    )

    # Laden sightings settle stale or missing draughts.
    laden = np.zeros(n, dtype=bool)
    if sightings is not None and len(sightings) and n:
        s = sightings.loc[
            sightings["matched_mmsi"].notna() & (sightings["state"] == "laden"),
            ["matched_mmsi", "timestamp"],
        ]
        if len(s):
            pairs = pd.DataFrame(
                {"i": np.arange(n), "mmsi": mmsi, "a": arrival, "d": departure,
                 "nxt": next_arrival}
            ).merge(
                pd.DataFrame({"mmsi": s["matched_mmsi"].to_numpy("int64"),
                              "ts": s["timestamp"].to_numpy()}),
                on="mmsi",
            )
            if len(pairs):
                ts = pairs["ts"].astype(UTC_NS)
                window_end = pairs["d"] + pd.Timedelta(hours=params.sighting_window_hours)
                ok = (ts >= pairs["a"]) & (ts <= window_end)
                ok &= (ts < pairs["nxt"]) | pairs["nxt"].isna()
                laden[np.unique(pairs.loc[ok.to_numpy(bool), "i"].to_numpy())] = True
    by_sighting = laden & np.isin(state, ["unchanged", "unknown"])
    state = np.where(by_sighting, "loaded", state)

    dwt = reg["dwt_t"].to_numpy("float64")
    ballast = reg["ballast_draught_m"].to_numpy("float64")
    fill = np.clip((dep_d - ballast) / np.where(usable_range, range_m, np.nan), 0.0, 1.0)
    fill = np.where(by_sighting, params.sighting_fill, fill)
    is_loaded = state == "loaded"
    cargo_t = np.where(is_loaded, fill * params.cargo_share_of_dwt * dwt, np.nan)
    bbl_per_t = reg["bbl_per_t"].to_numpy("float64")
    in_registry = reg["registry_row"].to_numpy() >= 0
    bbl_per_t = np.where(np.isnan(bbl_per_t) & in_registry, params.default_bbl_per_t, bbl_per_t)
    cargo_bbl = cargo_t * bbl_per_t
    method = np.where(
        np.isfinite(cargo_t), np.where(by_sighting, "laden-sighting-fill", "draught"), None
    )

    out["arrival_draught_m"] = arr_d
    out["departure_draught_m"] = dep_d
    out["draught_change_m"] = change
    out["load_state"] = pd.array(state.tolist(), dtype=STRING)
    out["cargo_t"] = cargo_t
    out["cargo_bbl"] = cargo_bbl
    out["cargo_method"] = pd.array(method.tolist(), dtype=STRING)
    out.attrs["params"] = asdict(params)
    return out
