"""What a vessel reported, as of a time: draught, name, IMO, call sign, destination.

Every detector that needs a vessel's static or voyage data (cargo, gaps, the count, the map)
asks here, so that "the value in effect" has one meaning:

* :func:`timeline`: the reports of one field (missing and blank values dropped), by time;
* :func:`reported_at`: per query (vessel, time), the last report at or before the time
  (``direction="backward"``) or the first at or after it (``"forward"``), one vectorised
  search for all queries (:func:`asof_rows`);
* :func:`draught_timeline` / :func:`draught_at`: the same for ``draught_m``;
* :func:`draught_in_effect`: *the* draught at an event: the one in effect then (the last
  report at or before it); for a call's departure, the last report within the call, and only
  where the call has none a bounded look-ahead (:class:`vesseltrack.params.DraughtParams`).
  Feeds differ in how often they carry statics (class A repeats them every six minutes, CSV
  exports repeat the draught on every position row, archives keep a static only when it
  changes); this rule gives one voyage the same draughts from all of them;
* :func:`latest_identity`: per vessel, the most recent IMO and name (the registry's where
  the vessel never reported one); :func:`flags_of`: the flag its MMSI declares.

The cargo rules choose which of these lookups make a call's arrival and departure draught
(:func:`vesseltrack.cargo.assess_load`): a rule about *which* report counts goes into that
choice, a rule about *how* reports are looked up goes here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vesseltrack._arrays import ints
from vesseltrack._schema import STRING, UTC_NS
from vesseltrack.params import DraughtParams

__all__ = [
    "REPORTED_FIELDS",
    "asof_rows",
    "draught_at",
    "draught_in_effect",
    "draught_timeline",
    "flags_of",
    "latest_identity",
    "reported_at",
    "timeline",
]

REPORTED_FIELDS = ("draught_m", "name", "imo", "callsign", "destination")
"""Statics fields that can be looked up as of a time."""


def timeline(statics: pd.DataFrame | None, column: str) -> pd.DataFrame:
    """The reports of one field: ``mmsi``, ``timestamp`` and ``column``, sorted by time.

    Rows without a time or without a value (NaN, NA; for text fields also blank text) are
    dropped. Ties in time keep the table's order, so the later row of two reports at the
    same time is the one in effect.

    Parameters
    ----------
    statics : DataFrame or None
        Statics table (:data:`vesseltrack._schema.STATIC_COLUMNS`).
    column : str
        One of :data:`REPORTED_FIELDS`.

    Returns
    -------
    DataFrame
        Columns ``mmsi`` (int64), ``timestamp`` (UTC), ``column`` (float64 for
        ``draught_m``, else the column's dtype); sorted by ``timestamp`` then ``mmsi``.
    """
    if column not in REPORTED_FIELDS:
        raise ValueError(f"not a reported field: {column!r} (have: {', '.join(REPORTED_FIELDS)})")
    if statics is None or len(statics) == 0:
        dtype = "float64" if column == "draught_m" else (
            "Int64" if column == "imo" else STRING)
        return pd.DataFrame(
            {
                "mmsi": np.array([], "int64"),
                "timestamp": pd.Series([], dtype=UTC_NS),
                column: pd.Series([], dtype=dtype),
            }
        )
    keep = statics[column].notna() & statics["timestamp"].notna()
    if column not in ("draught_m", "imo"):
        keep &= statics[column].astype(STRING).str.strip() != ""
    tl = statics.loc[keep.fillna(False).to_numpy(bool), ["mmsi", "timestamp", column]]
    tl = tl.astype({"mmsi": "int64"})
    if column == "draught_m":
        tl = tl.astype({"draught_m": "float64"})
    tl["timestamp"] = tl["timestamp"].astype(UTC_NS)
    return tl.sort_values(["timestamp", "mmsi"], kind="stable").reset_index(drop=True)


def asof_rows(
    key: np.ndarray,
    times: pd.Series,
    report_key: np.ndarray,
    report_times: pd.Series,
    direction: str = "backward",
    *,
    allow_exact: bool = True,
) -> np.ndarray:
    """Per query (key, time), the row of the report of the same key nearest before or after.

    What ``pandas.merge_asof(..., by=key)`` finds, without its fixed cost on small tables
    (a few milliseconds a call, paid several times by every port call's draughts). Of
    several reports of one key at the same time, the last in table order is the one found
    backward, the first the one found forward.

    Parameters
    ----------
    key : ndarray of int
        Key of each query (the vessel's MMSI).
    times : Series of UTC timestamps
        Time of each query (no NaT).
    report_key : ndarray of int
        Key of each report.
    report_times : Series of UTC timestamps
        Time of each report (no NaT); the reports in any order.
    direction : {"backward", "forward"}
        Last report at or before, or first report at or after, each time.
    allow_exact : bool
        Whether a report exactly at the query time counts.

    Returns
    -------
    ndarray of int64
        Row of ``report_key`` for each query; -1 where there is none.
    """
    key = ints(key)
    report_key = ints(report_key)
    if len(report_key) == 0:
        return np.full(len(key), -1, dtype="int64")
    t_ns = _ns(times)
    report_t_ns = _ns(report_times)
    keys = np.sort(np.concatenate([report_key, key]))
    times = np.sort(np.concatenate([report_t_ns, t_ns]))
    # one sortable integer per (key, time): the key's rank, then the time's rank (the
    # position of its first occurrence among all keys or times: equal values, equal ranks)
    span = len(times)
    reports = np.searchsorted(keys, report_key) * span + np.searchsorted(times, report_t_ns)
    order = np.argsort(reports, kind="stable")  # stable: ties keep the table's order
    reports = reports[order]
    queries = np.searchsorted(keys, key) * span + np.searchsorted(times, t_ns)
    if direction == "backward":
        i = np.searchsorted(reports, queries, side="right" if allow_exact else "left") - 1
    else:
        i = np.searchsorted(reports, queries, side="left" if allow_exact else "right")
    found = (i >= 0) & (i < len(order))
    i = np.where(found, i, 0)
    found &= report_key[order][i] == key
    return np.where(found, order[i], -1)


def reported_at(
    statics: pd.DataFrame | None,
    column: str,
    mmsi: pd.Series | np.ndarray,
    times: pd.Series,
    direction: str = "backward",
    *,
    allow_exact: bool = True,
    with_time: bool = False,
    reports: pd.DataFrame | None = None,
) -> np.ndarray | tuple[np.ndarray, pd.Series]:
    """The value of ``column`` a vessel reported nearest before or after given times.

    Parameters
    ----------
    statics : DataFrame or None
        Statics table (ignored when ``reports`` is given).
    column : str
        One of :data:`REPORTED_FIELDS`.
    mmsi : array-like of int
        Vessel of each query.
    times : Series of UTC timestamps
        Query times (NaT finds nothing).
    direction : {"backward", "forward"}
        Last report at or before, or first report at or after, each time.
    allow_exact : bool
        Whether a report exactly at the query time counts.
    with_time : bool
        Also return the time of the report used.
    reports : DataFrame, optional
        A precomputed :func:`timeline` of ``column`` (to look up several times at once).

    Returns
    -------
    ndarray
        One value per query: float64 (NaN where none) for ``draught_m``, else an object
        array (NaN where none).
    Series of UTC times
        When ``with_time``: the time of each report used (NaT where none).
    """
    tl = reports if reports is not None else timeline(statics, column)
    n = len(times)
    values = np.full(n, np.nan) if column == "draught_m" else np.full(n, None, dtype=object)
    when = pd.Series(pd.NaT, dtype=UTC_NS,  # pragma: no mutate (NaT either way)
                     index=range(n))
    times = pd.Series(times).astype(UTC_NS).reset_index(drop=True)
    ok = times.notna().to_numpy()
    if n and ok.any() and len(tl):
        pos = np.flatnonzero(ok)
        row = asof_rows(np.asarray(mmsi, dtype="int64")[ok], times[ok], tl["mmsi"].to_numpy(),
                        tl["timestamp"], direction, allow_exact=allow_exact)
        if column != "draught_m":
            values[pos] = np.nan  # a time without a report (NaT finds None)
        hit = row >= 0
        pos, row = pos[hit], row[hit]
        if column == "draught_m":
            values[pos] = tl[column].to_numpy("float64")[row]
        else:
            values[pos] = tl[column].to_numpy(object)[row]
        when.iloc[pos] = tl["timestamp"].array[row]
    return (values, when) if with_time else values


def _ns(times: pd.Series) -> np.ndarray:
    """UTC times (no NaT) as int64 nanoseconds since the epoch."""
    return pd.Series(times).astype(UTC_NS).dt.tz_convert(None).to_numpy("datetime64[ns]").view(
        "int64")


def draught_timeline(statics: pd.DataFrame | None) -> pd.DataFrame:
    """Reported draughts: ``mmsi``, ``timestamp``, ``draught_m``, sorted by time
    (:func:`timeline` of ``draught_m``)."""
    return timeline(statics, "draught_m")


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
    """Draught, metres, reported nearest before (``"backward"``) or after (``"forward"``)
    given times: :func:`reported_at` of ``draught_m`` (``timeline``: a precomputed
    :func:`draught_timeline`)."""
    return reported_at(statics, "draught_m", mmsi, times, direction, allow_exact=allow_exact,
                       with_time=with_time, reports=timeline)


def draught_in_effect(
    statics: pd.DataFrame | None,
    mmsi: pd.Series | np.ndarray,
    times: pd.Series,
    *,
    since: pd.Series | None = None,
    before: pd.Series | None = None,
    params: DraughtParams | None = None,
    timeline: pd.DataFrame | None = None,
    with_time: bool = False,
) -> np.ndarray | tuple[np.ndarray, pd.Series]:
    """The draught in effect at each time: the last report at or before it.

    With ``since`` (a call's arrival, for its departure draught), a report counts only from
    ``since`` on: where the vessel reported no draught in ``[since, time]``, the first report
    after ``time`` and up to ``params.lookahead_hours`` later (and before ``before``, the
    vessel's next call) stands in; where there is none either, the draught in effect at
    ``time`` is kept (nothing says it changed).

    The answer does not depend on how often a feed repeats the draught: a report repeated
    every six minutes, one on every position row and one kept only when it changed give the
    same draught at every time.

    Parameters
    ----------
    statics : DataFrame or None
        Statics table (ignored when ``timeline`` is given).
    mmsi : array-like of int
        Vessel of each query.
    times : Series of UTC timestamps
        The events (NaT finds nothing).
    since : Series of UTC timestamps, optional
        Start of the span a report must fall in before the look-ahead is used (NaT: none).
    before : Series of UTC timestamps, optional
        End (exclusive) of the look-ahead, e.g. the vessel's next arrival (NaT: none).
    params : DraughtParams, optional
        Look-ahead bound; defaults to ``DraughtParams()``.
    timeline : DataFrame, optional
        A precomputed :func:`draught_timeline`.
    with_time : bool
        Also return the time of the report used.

    Returns
    -------
    ndarray of float64
        Draught, metres (NaN where the vessel had reported none).
    Series of UTC times
        When ``with_time``: the time of each report used (NaT where none).
    """
    params = params or DraughtParams()
    tl = timeline if timeline is not None else draught_timeline(statics)
    times = pd.Series(times).astype(UTC_NS).reset_index(drop=True)
    value, when = draught_at(None, mmsi, times, "backward", with_time=True, timeline=tl)
    if since is None:
        return (value, when) if with_time else value
    since = pd.Series(since).astype(UTC_NS).reset_index(drop=True)
    stale = ~(when >= since).fillna(False).to_numpy(bool)
    if stale.any():
        ahead, ahead_t = draught_at(None, mmsi, times, "forward", allow_exact=False,
                                    with_time=True, timeline=tl)
        limit = times + pd.Timedelta(hours=params.lookahead_hours)
        ok = (ahead_t <= limit).fillna(False).to_numpy(bool).copy()
        if before is not None:
            before = pd.Series(before).astype(UTC_NS).reset_index(drop=True)
            ok &= ~(ahead_t >= before).fillna(False).to_numpy(bool)
        take = stale & ok
        value = np.where(take, ahead, value)
        when = when.mask(pd.Series(take), ahead_t)
    return (value, when) if with_time else value


def latest_identity(
    statics: pd.DataFrame | None, registry: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per MMSI, the most recent non-missing IMO and non-blank name in the statics, else the
    registry's. A report without a time is taken only where the vessel has no timed one.

    Parameters
    ----------
    statics : DataFrame or None
        Statics table.
    registry : DataFrame, optional
        Vessel registry (:func:`vesseltrack.registry.read_registry`): fills vessels, or
        fields, the statics never gave.

    Returns
    -------
    DataFrame
        Index ``mmsi`` (int64); columns ``imo`` (Int64) and ``name`` (string).
    """
    parts = []
    if statics is not None and len(statics):
        # untimed reports first: one counts only for a vessel with no timed report of it
        s = statics.sort_values("timestamp", kind="stable", na_position="first")
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


def flags_of(mmsi: pd.Series | np.ndarray) -> pd.Series:
    """ISO 3166 alpha-2 flag of each MMSI (from its MID; NA where none), as a string Series
    with a fresh RangeIndex."""
    from vesseltrack.ais import flags_from_mmsi  # lazy: the MID table is large

    return pd.Series(flags_from_mmsi(pd.Series(mmsi, dtype="int64")).to_numpy()).astype(STRING)
