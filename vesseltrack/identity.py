"""Identity checks: shared MMSIs, changed names and numbers, swaps, spoofed positions, lists.

:func:`check_identity` returns one table, one row per finding, with the columns
:data:`IDENTITY_COLUMNS` (``mmsi, kind, start, end, details, evidence_count``). The kinds
(:data:`IDENTITY_KINDS`) and the rule behind each (method and sources: ``docs/identity.md``):

``shared-mmsi``
    Two ships on one MMSI at once: :func:`vesseltrack.segment_tracks` splits the MMSI into two
    segments with ``min_shared_positions`` each, and the reports switch between them at least
    ``min_shared_switches`` times (a jump away and back switches twice).
``mmsi-change``
    One IMO number under a new MMSI: the old MMSI's reports of the IMO all precede the new
    one's (spans that overlap are two ships claiming one number, not a change).
``name-change``, ``imo-change``, ``callsign-change``
    An MMSI's reports of one value all precede those of the next (normalised names; each value
    with ``min_reports`` reports or more, so one garbled report is no new identity).
``identity-swap``
    Two MMSIs take each other's IMO number (or name) within ``swap_window_hours`` of each other,
    having been within ``swap_meet_km`` of each other then; one row per MMSI. The IMO moving
    between them is not reported again as an ``mmsi-change``.
``invalid-mmsi``
    An MMSI that is no station identity (:func:`vesseltrack.mmsi_kind` ``"invalid"``: defaults
    such as 0 or 123456789, malformed values).
``invalid-imo``
    A reported IMO number whose check digit is wrong (:func:`vesseltrack.imo_is_valid`).
``flag-mismatch``
    The flag of the MMSI's MID differs from the flag the registry or the watchlist gives for
    the vessel (matched by IMO, then MMSI).
``spoofed-position``
    Circle spoofing: in a ``circle_bin_hours`` bin heard over ``circle_min_hours`` or more,
    the median reported speed is at least ``circle_min_speed_knots`` while every position
    stays within ``circle_max_radius_km`` of the bin's centre, and under
    ``circle_max_extent_share`` of the distance that speed covers in the time heard. Jamming: off-track excursions of ``jam_min_vessels`` or more vessels into one
    ``jam_cell_deg`` cell that begin within ``jam_window_hours`` of each other are one
    finding for the area, with a blank ``mmsi``, not one per vessel.
``watchlist``
    The vessel matches a watchlist entry (:func:`vesseltrack.match_watchlist`).

Everything is vectorised per table (group-bys, joins, one Numba pass for the segments); the
only loops run over findings, never over positions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING, UTC_NS
from vesseltrack._units import METERS_PER_NM, SECONDS_PER_HOUR
from vesseltrack.params import IdentityParams, WatchlistParams

__all__ = [
    "IDENTITY_COLUMNS",
    "IDENTITY_KINDS",
    "IdentityParams",
    "check_identity",
    "identity_summary",
    "score_findings",
]

IDENTITY_COLUMNS = ("mmsi", "kind", "start", "end", "details", "evidence_count")
"""Columns of the identity table (``identity.csv``)."""

IDENTITY_KINDS = (
    "shared-mmsi",
    "mmsi-change",
    "name-change",
    "imo-change",
    "callsign-change",
    "identity-swap",
    "invalid-mmsi",
    "invalid-imo",
    "flag-mismatch",
    "spoofed-position",
    "watchlist",
)
"""Every ``kind`` of the identity table."""


def _rows(
    mmsi: Iterable[Any], kind: str, start: Iterable[Any], end: Iterable[Any],
    details: Iterable[str], evidence: Iterable[Any],
) -> pd.DataFrame:
    return pd.DataFrame({
        "mmsi": pd.array(list(mmsi), dtype="Int64"),
        "kind": kind,
        "start": pd.to_datetime(pd.Series(list(start), dtype=object), utc=True),
        "end": pd.to_datetime(pd.Series(list(end), dtype=object), utc=True),
        "details": pd.array([str(d) for d in details], dtype=STRING),
        "evidence_count": np.asarray(list(evidence), dtype="int64"),
    })


def _empty() -> pd.DataFrame:
    return _rows([], "", [], [], [], [])


def _km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    from vesseltrack.tracks import haversine_m

    return haversine_m(lon1, lat1, lon2, lat2) / 1000.0


# --------------------------------------------------------------------------------------------
# positions: shared MMSIs, jamming, circle spoofing


def _shared_and_jammed(
    positions: pd.DataFrame, params: IdentityParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    from vesseltrack.segments import segment_summary, segment_tracks

    seg = segment_tracks(positions.loc[:, ["mmsi", "timestamp", "lon", "lat"]], params.segments)
    s = seg.loc[seg["segment"].to_numpy() > 0]
    summary = segment_summary(seg)
    m = s["mmsi"].to_numpy("int64")
    g = s["segment"].to_numpy("int64")
    switch = np.flatnonzero((m[1:] == m[:-1]) & (g[1:] != g[:-1])) + 1
    pairs = pd.DataFrame({"mmsi": m[switch], "a": np.minimum(g[switch], g[switch - 1]),
                          "b": np.maximum(g[switch], g[switch - 1])})
    pairs = pairs.groupby(["mmsi", "a", "b"]).size().rename("switches").reset_index()
    info = summary.set_index(["mmsi", "segment"])
    shared = _empty()
    shared_mmsi: set[int] = set()
    if len(pairs):
        ia = info.reindex(pd.MultiIndex.from_arrays([pairs["mmsi"], pairs["a"]]))
        ib = info.reindex(pd.MultiIndex.from_arrays([pairs["mmsi"], pairs["b"]]))
        ok = ((pairs["switches"].to_numpy() >= params.min_shared_switches)
              & (ia["positions"].to_numpy() >= params.min_shared_positions)
              & (ib["positions"].to_numpy() >= params.min_shared_positions))
        if ok.any():
            p, a, b = pairs.loc[ok], ia.loc[ok], ib.loc[ok]
            apart = _km(a["lon"].to_numpy(), a["lat"].to_numpy(),
                        b["lon"].to_numpy(), b["lat"].to_numpy())
            start = np.maximum(a["start"].to_numpy(), b["start"].to_numpy())
            end = np.minimum(a["end"].to_numpy(), b["end"].to_numpy())
            details = [
                f"two ships at once: segments {x} and {y} ({na} and {nb} positions, median "
                f"positions {d:.0f} km apart)"
                for x, y, na, nb, d in zip(p["a"], p["b"], a["positions"], b["positions"], apart,
                                           strict=True)
            ]
            shared = _rows(p["mmsi"], "shared-mmsi", start, end, details, p["switches"])
            shared_mmsi = set(int(x) for x in p["mmsi"])
    jammed = _jamming(summary, shared_mmsi, params)
    return shared, jammed


def _jamming(summary: pd.DataFrame, shared: set[int], params: IdentityParams) -> pd.DataFrame:
    """Off-track excursions shared by several vessels at once: one row per area."""
    if not len(summary):
        return _empty()
    main = summary.groupby("mmsi")["positions"].transform("max") == summary["positions"]
    hours = (summary["end"] - summary["start"]).dt.total_seconds() / SECONDS_PER_HOUR
    exc = summary.loc[~main & (hours <= params.jam_max_segment_hours)
                      & ~summary["mmsi"].isin(list(shared))].copy()
    if not len(exc):
        return _empty()
    cell = params.jam_cell_deg
    exc["cx"] = np.floor(exc["lon"].to_numpy() / cell).astype("int64")
    exc["cy"] = np.floor(exc["lat"].to_numpy() / cell).astype("int64")
    exc = exc.sort_values(["cx", "cy", "start"], kind="stable")
    t = exc["start"].astype(UTC_NS).to_numpy("datetime64[ns]").view("int64") / 1e9
    same_cell = (exc["cx"].to_numpy()[1:] == exc["cx"].to_numpy()[:-1]) & (
        exc["cy"].to_numpy()[1:] == exc["cy"].to_numpy()[:-1])
    new = np.r_[True, ~same_cell | (np.diff(t) > params.jam_window_hours * SECONDS_PER_HOUR)]
    exc["cluster"] = np.cumsum(new)
    agg = exc.groupby("cluster").agg(
        vessels=("mmsi", "nunique"), start=("start", "min"), end=("end", "max"),
        lon=("lon", "median"), lat=("lat", "median"), lon_min=("lon", "min"),
        lon_max=("lon", "max"), lat_min=("lat", "min"), lat_max=("lat", "max"),
        positions=("positions", "sum"),
    )
    agg = agg.loc[agg["vessels"] >= params.jam_min_vessels]
    details = [
        f"jamming area: positions of {v} vessels jumped at once to around {x:.3f} E "
        f"{y:.3f} N (box {x0:.3f},{y0:.3f},{x1:.3f},{y1:.3f}; {n} positions)"
        for v, x, y, x0, y0, x1, y1, n in zip(
            agg["vessels"], agg["lon"], agg["lat"], agg["lon_min"], agg["lat_min"],
            agg["lon_max"], agg["lat_max"], agg["positions"], strict=True)
    ]
    return _rows([pd.NA] * len(agg), "spoofed-position", agg["start"], agg["end"], details,
                 agg["vessels"])


def _circles(positions: pd.DataFrame, params: IdentityParams) -> pd.DataFrame:
    """Circle spoofing: moving by reported speed, still by position (per time bin)."""
    p = positions.loc[positions["lon"].notna() & positions["lat"].notna()
                      & positions["timestamp"].notna(), ["mmsi", "timestamp", "lon", "lat",
                                                         "sog_knots"]]
    if not len(p):
        return _empty()
    t_s = p["timestamp"].astype(UTC_NS).to_numpy("datetime64[ns]").view("int64") / 1e9
    bin_s = params.circle_bin_hours * SECONDS_PER_HOUR
    p = p.assign(_bin=np.floor(t_s / bin_s).astype("int64"))
    grp = p.groupby(["mmsi", "_bin"], sort=True)
    cx = grp["lon"].transform("mean").to_numpy()
    cy = grp["lat"].transform("mean").to_numpy()
    p = p.assign(_r_km=_km(p["lon"].to_numpy(), p["lat"].to_numpy(), cx, cy))
    agg = p.groupby(["mmsi", "_bin"], sort=True).agg(
        n=("lon", "size"), sog=("sog_knots", "median"), radius_km=("_r_km", "max"),
        start=("timestamp", "min"), end=("timestamp", "max"),
    ).reset_index()
    observed_h = (agg["end"] - agg["start"]).dt.total_seconds().to_numpy() / SECONDS_PER_HOUR
    covered_km = agg["sog"].to_numpy() * observed_h * METERS_PER_NM / 1000.0
    flag = ((agg["n"].to_numpy() >= params.circle_min_positions)
            & (observed_h >= params.circle_min_hours)
            & (agg["sog"].to_numpy() >= params.circle_min_speed_knots)
            & (agg["radius_km"].to_numpy() <= params.circle_max_radius_km)
            & (agg["radius_km"].to_numpy() <= params.circle_max_extent_share * covered_km))
    f = agg.loc[flag].copy()
    if not len(f):
        return _empty()
    m = f["mmsi"].to_numpy()
    b = f["_bin"].to_numpy()
    f["event"] = np.cumsum(np.r_[True, (m[1:] != m[:-1]) | (b[1:] != b[:-1] + 1)])
    ev = f.groupby("event").agg(mmsi=("mmsi", "first"), start=("start", "min"),
                                end=("end", "max"), n=("n", "sum"), sog=("sog", "median"),
                                radius_km=("radius_km", "max"))
    details = [f"circle spoofing: reported speed {s:.1f} kn (median) while every position "
               f"stays within {r:.2f} km of the centre" for s, r in
               zip(ev["sog"], ev["radius_km"], strict=True)]
    return _rows(ev["mmsi"], "spoofed-position", ev["start"], ev["end"], details, ev["n"])


# --------------------------------------------------------------------------------------------
# statics: changes of name, IMO, call sign, MMSI; swaps; invalid numbers


def _reports(statics: pd.DataFrame, column: str) -> pd.DataFrame:
    """``mmsi, timestamp, value`` of the non-blank reports of one statics field."""
    from vesseltrack.watchlist import name_key

    s = statics.loc[statics["timestamp"].notna() & statics[column].notna(),
                    ["mmsi", "timestamp", column]]
    if column == "imo":
        v = s["imo"].astype("Int64")
        keep = (v > 0).fillna(False).to_numpy(bool)
        s = s.loc[keep].assign(value=v[keep].astype("int64").astype(str).to_numpy())
    elif column == "name":
        s = s.assign(value=name_key(s["name"]).to_numpy())
    else:
        s = s.assign(value=s[column].astype(STRING).str.upper().str.strip().to_numpy())
    s = s.loc[s["value"].astype(str) != ""]
    return s.loc[:, ["mmsi", "timestamp", "value"]]


def _spans(reports: pd.DataFrame, by: list[str], min_reports: int) -> pd.DataFrame:
    spans = reports.groupby(by, sort=False).agg(
        first=("timestamp", "min"), last=("timestamp", "max"), count=("timestamp", "size"))
    spans = spans.loc[spans["count"] >= min_reports].reset_index()
    return spans


def _successions(spans: pd.DataFrame, key: str, value: str) -> pd.DataFrame:
    """Consecutive (by first report) values of one key whose spans do not overlap."""
    s = spans.sort_values([key, "first"], kind="stable").reset_index(drop=True)
    if len(s) < 2:
        return pd.DataFrame(columns=[key, "old", "new", "start", "end", "count"])
    same = s[key].to_numpy()[1:] == s[key].to_numpy()[:-1]
    after = s["first"].to_numpy()[1:] > s["last"].to_numpy()[:-1]
    ok = np.flatnonzero(same & after)
    return pd.DataFrame({
        key: s[key].to_numpy()[ok + 1],
        "old": s[value].to_numpy()[ok],
        "new": s[value].to_numpy()[ok + 1],
        "start": s["last"].to_numpy()[ok],
        "end": s["first"].to_numpy()[ok + 1],
        "count": s["count"].to_numpy()[ok + 1],
    })


def _changes(statics: pd.DataFrame, params: IdentityParams) -> dict[str, pd.DataFrame]:
    out = {}
    for column, kind in (("name", "name-change"), ("imo", "imo-change"),
                         ("callsign", "callsign-change")):
        if column not in statics:
            out[kind] = pd.DataFrame(columns=["mmsi", "old", "new", "start", "end", "count"])
            continue
        spans = _spans(_reports(statics, column), ["mmsi", "value"], params.min_reports)
        out[kind] = _successions(spans, "mmsi", "value")
    return out


def _swaps(
    changes: dict[str, pd.DataFrame], positions: pd.DataFrame, params: IdentityParams
) -> tuple[pd.DataFrame, set[tuple[int, int]]]:
    """Pairs of MMSIs that took each other's IMO (else name) at about the same time."""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    window = pd.Timedelta(hours=params.swap_window_hours)
    for kind in ("imo-change", "name-change", "callsign-change"):
        c = changes[kind]
        if len(c) < 2:
            continue
        pair = c.merge(c, left_on=["old", "new"], right_on=["new", "old"], suffixes=("", "_b"))
        pair = pair.loc[(pair["mmsi"] < pair["mmsi_b"])
                        & ((pair["end"] - pair["end_b"]).abs() <= window)]
        for row in pair.itertuples(index=False):
            key = (int(row.mmsi), int(row.mmsi_b))
            entry = found.setdefault(key, {"fields": [], "start": row.start, "end": row.end})
            entry["fields"].append(kind.removesuffix("-change"))
            entry["start"] = min(entry["start"], row.start, row.start_b)
            entry["end"] = max(entry["end"], row.end, row.end_b)
    rows = []
    for (a, b), e in found.items():
        meet_km = _closest_km(positions, a, b, e["start"] - window, e["end"] + window)
        if meet_km is None or meet_km > params.swap_meet_km:
            continue
        fields = "/".join(e["fields"])
        for me, other in ((a, b), (b, a)):
            rows.append((me, e["start"], e["end"],
                         f"exchanged {fields} with MMSI {other} (closest approach "
                         f"{meet_km:.2f} km)", len(e["fields"])))
    if not rows:
        return _empty(), set()
    mm, st, en, de, ev = zip(*rows, strict=True)
    pairs = {(a, b) for a, b in found} | {(b, a) for a, b in found}
    return _rows(mm, "identity-swap", st, en, de, ev), pairs


def _closest_km(
    positions: pd.DataFrame, a: int, b: int, start: pd.Timestamp, end: pd.Timestamp
) -> float | None:
    """Closest distance, km, between two vessels' positions heard within 30 min of each other
    between ``start`` and ``end`` (None when they never were)."""
    p = positions.loc[positions["timestamp"].between(start, end)
                      & positions["lon"].notna() & positions["lat"].notna()]
    pa = p.loc[p["mmsi"] == a, ["timestamp", "lon", "lat"]].sort_values("timestamp")
    pb = p.loc[p["mmsi"] == b, ["timestamp", "lon", "lat"]].sort_values("timestamp")
    if not len(pa) or not len(pb):
        return None
    j = pd.merge_asof(pa, pb, on="timestamp", direction="nearest",
                      tolerance=pd.Timedelta(minutes=30), suffixes=("", "_b")).dropna()
    if not len(j):
        return None
    return float(_km(j["lon"].to_numpy(), j["lat"].to_numpy(), j["lon_b"].to_numpy(),
                     j["lat_b"].to_numpy()).min())


def _mmsi_changes(statics: pd.DataFrame, params: IdentityParams,
                  swapped: set[tuple[int, int]]) -> pd.DataFrame:
    from vesseltrack.ais import imo_is_valid

    r = _reports(statics, "imo")
    r = r.loc[imo_is_valid(r["value"].astype("int64").to_numpy())]
    spans = _spans(r, ["value", "mmsi"], params.min_reports)
    c = _successions(spans, "value", "mmsi")
    if not len(c):
        return _empty()
    keep = [(int(o), int(n)) not in swapped for o, n in zip(c["old"], c["new"], strict=True)]
    c = c.loc[keep]
    details = [f"IMO {i}: MMSI {o} -> {n}" for i, o, n in
               zip(c["value"], c["old"], c["new"], strict=True)]
    return _rows(c["new"], "mmsi-change", c["start"], c["end"], details, c["count"])


def _invalid(positions: pd.DataFrame, statics: pd.DataFrame) -> list[pd.DataFrame]:
    from vesseltrack.ais import imo_is_valid, mmsi_kind

    seen = pd.concat([positions.loc[:, ["mmsi", "timestamp"]],
                      statics.loc[:, ["mmsi", "timestamp"]]], ignore_index=True)
    per = seen.groupby("mmsi").agg(start=("timestamp", "min"), end=("timestamp", "max"),
                                   n=("timestamp", "size")).reset_index()
    bad = per.loc[(mmsi_kind(per["mmsi"]) == "invalid").to_numpy(bool)]
    mmsi_rows = _rows(bad["mmsi"], "invalid-mmsi", bad["start"], bad["end"],
                      [f"MMSI {m} is no station identity (a default or malformed number)"
                       for m in bad["mmsi"]], bad["n"])
    r = _reports(statics, "imo")
    r = r.loc[~imo_is_valid(r["value"].astype("int64").to_numpy())]
    spans = _spans(r, ["mmsi", "value"], 1)
    imo_rows = _rows(spans["mmsi"], "invalid-imo", spans["first"], spans["last"],
                     [f"IMO {v} fails its check digit" for v in spans["value"]], spans["count"])
    return [mmsi_rows, imo_rows]


# --------------------------------------------------------------------------------------------
# registry and watchlist


def _vessels(positions: pd.DataFrame, statics: pd.DataFrame) -> pd.DataFrame:
    """Per MMSI: first and last message, messages, latest IMO and name."""
    from vesseltrack.statics import latest_identity

    seen = pd.concat([positions.loc[:, ["mmsi", "timestamp"]],
                      statics.loc[:, ["mmsi", "timestamp"]]], ignore_index=True)
    per = seen.groupby("mmsi").agg(start=("timestamp", "min"), end=("timestamp", "max"),
                                   n=("timestamp", "size"))
    ident = latest_identity(statics if len(statics) else None)
    per = per.join(ident, how="left")
    per.index.name = "mmsi"
    return per.reset_index()


def _flag_mismatch(vessels: pd.DataFrame, reference: pd.DataFrame, source: str) -> pd.DataFrame:
    """Vessels whose MID flag differs from ``reference``'s flag (matched by IMO, then MMSI)."""
    from vesseltrack.statics import flags_of

    ref = reference.loc[reference["flag"].fillna("").astype(str).str.strip() != ""]
    if not len(ref) or not len(vessels):
        return _empty()
    v = vessels.assign(_mid_flag=flags_of(vessels["mmsi"]).to_numpy(), _ref_flag=pd.NA)
    for key in ("imo", "mmsi"):
        r = ref.loc[ref[key].notna()].drop_duplicates(key)
        lut = pd.Series(r["flag"].astype(str).str.upper().to_numpy(),
                        index=r[key].astype("int64").to_numpy())
        todo = v["_ref_flag"].isna() & v[key].notna()
        v.loc[todo, "_ref_flag"] = v.loc[todo, key].astype("int64").map(lut).to_numpy()
    bad = v.loc[v["_ref_flag"].notna() & v["_mid_flag"].notna()
                & (v["_ref_flag"].astype(str) != v["_mid_flag"].astype(str))]
    return _rows(bad["mmsi"], "flag-mismatch", bad["start"], bad["end"],
                 [f"MMSI's MID flag {a}, {source} flag {b}" for a, b in
                  zip(bad["_mid_flag"], bad["_ref_flag"], strict=True)], bad["n"])


def _watchlisted(vessels: pd.DataFrame, statics: pd.DataFrame, watchlist: pd.DataFrame,
                 params: WatchlistParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    from vesseltrack.watchlist import match_watchlist

    # every (mmsi, imo, name) the vessel used, so a listed name used once is caught
    combos = vessels.loc[:, ["mmsi", "imo", "name"]]
    if len(statics):
        used = statics.loc[:, ["mmsi", "imo", "name"]].drop_duplicates()
        combos = pd.concat([combos, used], ignore_index=True).drop_duplicates()
    hits = match_watchlist(combos, watchlist, params)
    if not len(hits):
        return _empty(), hits
    order = {"imo": 0, "mmsi": 1, "name": 2}
    hits = hits.assign(_o=hits["matched_by"].map(order)).sort_values(
        ["mmsi", "_o"], kind="stable").drop_duplicates("mmsi")
    v = vessels.set_index("mmsi").loc[hits["mmsi"].to_numpy()]
    details = [
        f"matched by {by}: {ln} ({lst}{'; ' + pr if pr else ''})"
        for by, ln, lst, pr in zip(hits["matched_by"], hits["listed_name"], hits["list"],
                                   hits["program"].fillna(""), strict=True)
    ]
    return _rows(hits["mmsi"], "watchlist", v["start"], v["end"], details, v["n"]), hits


# --------------------------------------------------------------------------------------------


def check_identity(
    positions: pd.DataFrame,
    statics: pd.DataFrame | None = None,
    *,
    registry: pd.DataFrame | None = None,
    watchlist: pd.DataFrame | None = None,
    params: IdentityParams | None = None,
    watchlist_params: WatchlistParams | None = None,
) -> pd.DataFrame:
    """Run every identity check (the ``vesseltrack identity`` job).

    Parameters
    ----------
    positions, statics : DataFrame
        Tables in the :mod:`vesseltrack._schema` contracts (``read_ais(...).positions`` and
        ``.statics``).
    registry : DataFrame, optional
        Vessel registry (:func:`vesseltrack.read_registry`), for ``flag-mismatch``.
    watchlist : DataFrame, optional
        :func:`vesseltrack.read_watchlist`, for ``watchlist`` and ``flag-mismatch``.
    params : IdentityParams, optional
        Thresholds (default ``IdentityParams()``).
    watchlist_params : WatchlistParams, optional
        How watchlist entries are matched.

    Returns
    -------
    DataFrame
        :data:`IDENTITY_COLUMNS`: ``mmsi`` (Int64; blank for a jamming area), ``kind`` (one
        of :data:`IDENTITY_KINDS`), ``start``/``end`` (UTC), ``details``, ``evidence_count``
        (switches, reports, positions or vessels, as ``details`` says); sorted by kind, mmsi
        and start. ``attrs["params"]`` records the parameters.
    """
    params = params or IdentityParams()
    watchlist_params = watchlist_params or WatchlistParams()
    if statics is None:
        from vesseltrack._schema import STATIC_COLUMNS

        statics = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in STATIC_COLUMNS.items()})
    parts = []
    shared, jammed = _shared_and_jammed(positions, params)
    parts += [shared, _circles(positions, params), jammed]
    changes = _changes(statics, params)
    swaps, swapped = _swaps(changes, positions, params)
    parts.append(_mmsi_changes(statics, params, swapped))
    for kind, c in changes.items():
        if len(c):
            parts.append(_rows(c["mmsi"], kind, c["start"], c["end"],
                               [f"{o} -> {n}" for o, n in zip(c["old"], c["new"], strict=True)],
                               c["count"]))
    parts.append(swaps)
    parts += _invalid(positions, statics)
    vessels = _vessels(positions, statics)
    if registry is not None and len(registry):
        parts.append(_flag_mismatch(vessels, registry, "registry"))
    if watchlist is not None and len(watchlist):
        listed, hits = _watchlisted(vessels, statics, watchlist, watchlist_params)
        parts.append(listed)
        if len(hits):
            ref = pd.DataFrame({"mmsi": hits["mmsi"].to_numpy("int64"),
                                "imo": pd.array([pd.NA] * len(hits), dtype="Int64"),
                                "flag": hits["listed_flag"].to_numpy()})
            mism = _flag_mismatch(vessels, ref, "watchlist")
            parts.append(mism)
    parts = [p for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else _empty()
    rank = {k: i for i, k in enumerate(IDENTITY_KINDS)}
    out = out.assign(_k=out["kind"].map(rank)).sort_values(
        ["_k", "mmsi", "start"], kind="stable", na_position="last")
    out = out.drop(columns="_k").drop_duplicates(
        ["mmsi", "kind", "start", "end", "details"]).reset_index(drop=True)
    out["start"] = out["start"].astype(UTC_NS)
    out["end"] = out["end"].astype(UTC_NS)
    out = out.loc[:, list(IDENTITY_COLUMNS)]
    out.attrs["params"] = {"identity": params.record(),
                           "watchlist": asdict(watchlist_params)}
    return out


def identity_summary(findings: pd.DataFrame, input_report: dict[str, Any] | None = None
                     ) -> dict[str, Any]:
    """The JSON object of ``identity --json``: ``by_kind`` (kind -> findings),
    ``vessels_flagged`` (distinct MMSIs with a finding), ``input`` (the reader's counters)
    and ``params``."""
    rep = dict(input_report or {})
    return {
        "by_kind": {k: int((findings["kind"] == k).sum()) for k in IDENTITY_KINDS},
        "vessels_flagged": int(findings["mmsi"].dropna().nunique()),
        "findings": int(len(findings)),
        "input": {k: rep.get(k) for k in ("files", "lines", "messages", "bad_lines",
                                          "positions", "failed_files") if k in rep},
        "params": findings.attrs.get("params", {}),
    }


def score_findings(findings: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall per kind of findings against planted truth.

    A finding is true when the truth has a row of the same kind for the same MMSI; findings
    and truth rows with a blank MMSI (areas) match by kind and overlapping time.

    Parameters
    ----------
    findings : DataFrame
        :func:`check_identity` output.
    truth : DataFrame
        ``mmsi`` (blank for areas), ``kind``, ``start``, ``end`` (e.g. the identity fixture's
        ``_truth.csv``).

    Returns
    -------
    DataFrame
        Index kind; columns ``truth``, ``found``, ``true_positives``, ``precision``,
        ``recall`` (NaN where undefined).
    """
    f = findings.assign(start=pd.to_datetime(findings["start"], utc=True),
                        end=pd.to_datetime(findings["end"], utc=True))
    t = truth.assign(start=pd.to_datetime(truth["start"], utc=True),
                     end=pd.to_datetime(truth["end"], utc=True),
                     mmsi=truth["mmsi"].astype("Int64"))
    rows = []
    for kind in IDENTITY_KINDS:
        fk, tk = f.loc[f["kind"] == kind], t.loc[t["kind"] == kind]
        fm = set(fk["mmsi"].dropna().astype(int))
        tm = set(tk["mmsi"].dropna().astype(int))
        tp_vessel = len(fm & tm)
        fa, ta = fk.loc[fk["mmsi"].isna()], tk.loc[tk["mmsi"].isna()]
        hit_f = sum(bool(((ta["start"] <= e) & (ta["end"] >= s)).any())
                    for s, e in zip(fa["start"], fa["end"], strict=True))
        hit_t = sum(bool(((fa["start"] <= e) & (fa["end"] >= s)).any())
                    for s, e in zip(ta["start"], ta["end"], strict=True))
        found = len(fm) + len(fa)
        n_truth = len(tm) + len(ta)
        rows.append({
            "kind": kind, "truth": n_truth, "found": found,
            "true_positives": tp_vessel + hit_t,
            "precision": (tp_vessel + hit_f) / found if found else np.nan,
            "recall": (tp_vessel + hit_t) / n_truth if n_truth else np.nan,
        })
    return pd.DataFrame(rows).set_index("kind")
