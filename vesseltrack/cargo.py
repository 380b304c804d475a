"""Draught timeline, load state per port call, and cargo in tonnes and barrels.

Rules (the arithmetic and its sources: ``docs/method.md``, "Cargo"):

Draughts are looked up in :mod:`vesseltrack.statics` (what a vessel reported, as of a time);
which lookups make a call's draughts is decided here:

* **arrival draught**: the draught in effect at arrival (the last reported at or before it);
* **departure draught**: the last draught reported in port (from arrival to departure); where
  the call has none (AIS off in port), the first one reported within
  ``draught.lookahead_hours`` after departure and before the vessel's next call at any fence;
  else the draught in effect at departure (:func:`vesseltrack.statics.draught_in_effect`:
  the same draughts whatever the feed's statics cadence);
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

from dataclasses import asdict

import numpy as np
import pandas as pd

from vesseltrack._arrays import floats, stable_sort
from vesseltrack._schema import STRING, UTC_NS
from vesseltrack.params import CargoParams
from vesseltrack.registry import normalise_name
from vesseltrack.statics import asof_rows, draught_at, draught_in_effect, draught_timeline

__all__ = [
    "CargoParams",
    "LOAD_STATES",
    "assess_load",
    "loaded_threshold_m",
    "draught_at",
    "draught_timeline",
    "registry_rows_for",
]

LOAD_STATES = ("loaded", "discharged", "unchanged", "unknown")


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


def _next_arrival(mmsi: np.ndarray, arrival: pd.Series, departure: pd.Series) -> pd.Series:
    """Per call, the vessel's first arrival (at any fence) after the call's departure."""
    n = len(mmsi)
    out = pd.Series(pd.NaT, index=range(n), dtype=UTC_NS)
    ok = departure.notna().to_numpy()
    has = arrival.notna().to_numpy()
    if not ok.any() or not has.any():
        return out
    row = asof_rows(mmsi[ok], departure[ok], mmsi[has], arrival[has], "forward",
                    allow_exact=False)
    hit = row >= 0
    out.iloc[np.flatnonzero(ok)[hit]] = arrival[has].array[row[hit]]
    return out


def loaded_threshold_m(
    frame: pd.DataFrame, registry: pd.DataFrame | None, params: CargoParams | None = None
) -> np.ndarray:
    """Draught rise, metres, that makes each row's vessel ``loaded``.

    ``loaded_fraction_of_range`` of the vessel's range (registry summer − ballast draught),
    else ``loaded_rise_m``. ``frame`` needs ``mmsi`` (and optionally ``imo``, ``name``) for
    the registry match (:func:`registry_rows_for`).
    """
    params = params or CargoParams()
    reg = registry_rows_for(frame, registry)
    rng = (reg["summer_draught_m"] - reg["ballast_draught_m"]).to_numpy("float64")
    ok = np.isfinite(rng) & (rng > 0)
    return np.where(ok, params.loaded_fraction_of_range * rng, params.loaded_rise_m)


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

    # The draught in effect at arrival; at departure, the last reported in port, else the
    # first reported soon after departure and before the vessel's next call anywhere.
    arr_d = draught_in_effect(None, mmsi, arrival, timeline=tl)
    dep_d = draught_in_effect(None, mmsi, departure, since=arrival,
                              before=_next_arrival(mmsi, arrival, departure),
                              params=params.draught, timeline=tl)
    # (laden sightings below are bounded by the next call at the same fence)
    fresh = out.reset_index(drop=True)  # pragma: no mutate (the old index as a column is never read)
    order = stable_sort(fresh, ["mmsi", "port", "arrival"])
    # a shift keeps each row's index whatever the order of the groups
    by_fence = order.groupby(["mmsi", "port"])
    nxt = by_fence["arrival"].shift(-1)
    next_arrival = nxt.reindex(range(n)).astype(UTC_NS)

    change = dep_d - arr_d
    reg = registry_rows_for(out, registry)
    range_m = floats(reg["summer_draught_m"] - reg["ballast_draught_m"])
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

    dwt = floats(reg["dwt_t"])
    ballast = floats(reg["ballast_draught_m"])
    fill = np.clip((dep_d - ballast) / np.where(usable_range, range_m, np.nan), 0.0, 1.0)
    fill = np.where(by_sighting, params.sighting_fill, fill)
    is_loaded = state == "loaded"
    cargo_t = np.where(is_loaded, fill * params.cargo_share_of_dwt * dwt, np.nan)
    bbl_per_t = floats(reg["bbl_per_t"])
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
