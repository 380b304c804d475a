"""Watchlists: read lists of vessels of interest and match the vessels seen against them.

Two formats are read (``docs/identity.md``):

* CSV with columns ``imo,mmsi,name,flag,list,program`` (any may be blank);
* OpenSanctions / FollowTheMoney entities as JSON lines: entities of schema ``Vessel`` with
  properties ``imoNumber``, ``mmsi``, ``name`` (and aliases), ``flag``; other schemas are
  skipped.

Matching follows the order investigators use: IMO number first (a hull's number for life),
then MMSI, then the normalised name. Names are normalised (upper case, punctuation and "NO."
dropped) and compared in two parts: the numbers in the name must be equal ("SAM MA 2" is not
"SAM MA 3"), and the letters, spaces removed, must score at least ``min_name_score`` with
rapidfuzz's ``ratio`` ("PAEKYANGSAN 1" is "PAEK YANG SAN 1"). All matching is vectorised
(pandas joins, rapidfuzz's ``cdist``).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING
from vesseltrack.params import WatchlistParams

__all__ = [
    "WATCHLIST_COLUMNS",
    "WatchlistParams",
    "label_calls",
    "listed_labels",
    "mark_listed_calls",
    "match_watchlist",
    "name_key",
    "read_watchlist",
]

WATCHLIST_COLUMNS = ("imo", "mmsi", "name", "flag", "list", "program")
"""Columns of a watchlist table (as :func:`read_watchlist` returns it)."""


_DECIMAL = re.compile(r"\s*\d+\.\d*\s*")


def _digits(value: object) -> float:
    """The integer in an identifier such as ``"IMO 8916293"`` (NaN when none).

    A decimal number such as ``"8916293.0"`` (a float column written out, a JSON number) is
    read as the number it is, not as the digits of its text (89162930); one with a fraction
    is no identifier (NaN).
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    text = str(value)
    if _DECIMAL.fullmatch(text):
        number = float(text)
        return number if number.is_integer() else np.nan
    found = re.sub(r"\D", "", text)
    return float(found) if found else np.nan


def _as_text(values: object) -> list[str]:
    if values is None:
        return []
    if isinstance(values, list | tuple):
        return [str(v) for v in values if v is not None and str(v).strip()]
    return [str(values)] if str(values).strip() else []


def _read_ftm(path: Path) -> pd.DataFrame:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                entity = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number}: not JSON ({exc.msg})") from None
            if not isinstance(entity, dict) or entity.get("schema") != "Vessel":
                continue
            props = entity.get("properties") or {}
            imos = _as_text(props.get("imoNumber"))
            mmsis = _as_text(props.get("mmsi"))
            names = _as_text(props.get("name")) + _as_text(props.get("alias")) + _as_text(
                props.get("previousName"))
            flags = _as_text(props.get("flag"))
            lists = ";".join(_as_text(entity.get("datasets")))
            program = ";".join(_as_text(props.get("programId")) or _as_text(
                props.get("topics")))
            for name in names or [""]:
                rows.append({
                    "imo": _digits(imos[0]) if imos else np.nan,
                    "mmsi": _digits(mmsis[0]) if mmsis else np.nan,
                    "name": name,
                    "flag": flags[0].upper() if flags else "",
                    "list": lists,
                    "program": program,
                })
    return pd.DataFrame(rows, columns=list(WATCHLIST_COLUMNS))


def read_watchlist(path: str | Path) -> pd.DataFrame:
    """Read a watchlist: CSV (``imo,mmsi,name,flag,list,program``) or FollowTheMoney JSON
    lines (OpenSanctions ``Vessel`` entities; one row per name and alias).

    Parameters
    ----------
    path : str or Path
        The file. JSON lines are recognised by a first non-blank character ``{``.

    Returns
    -------
    DataFrame
        :data:`WATCHLIST_COLUMNS` (``imo``, ``mmsi`` Int64; the rest strings, blank as
        empty) plus ``name_key`` (:func:`name_key`).

    Raises
    ------
    ValueError
        If the file is neither format, or a CSV lacks every identifier column.
    """
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        head = fh.read(4096).lstrip()
    if head.startswith("{"):
        table = _read_ftm(path)
    else:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        table.columns = [str(c).strip().lower() for c in table.columns]
        if not {"imo", "mmsi", "name"} & set(table.columns):
            raise ValueError(f"{path.name}: a watchlist needs an imo, mmsi or name column "
                             f"(have: {', '.join(table.columns)})")
        for col in WATCHLIST_COLUMNS:
            if col not in table:
                table[col] = ""
        table["imo"] = table["imo"].map(_digits)
        table["mmsi"] = table["mmsi"].map(_digits)
    out = pd.DataFrame({
        "imo": pd.array(table["imo"].to_numpy("float64", na_value=np.nan), dtype="Int64")
        if len(table) else pd.array([], dtype="Int64"),
        "mmsi": pd.array(table["mmsi"].to_numpy("float64", na_value=np.nan), dtype="Int64")
        if len(table) else pd.array([], dtype="Int64"),
    })
    for col in ("name", "flag", "list", "program"):
        out[col] = table[col].fillna("").astype(str).str.strip().to_numpy()
        out[col] = out[col].astype(STRING)
    out["flag"] = out["flag"].str.upper()
    out["name_key"] = name_key(out["name"])
    return out


_NUMBER_WORDS = re.compile(r"\b(NO|NR|NUMBER)\b\.?")


def name_key(names: pd.Series) -> pd.Series:
    """Normalised ship names: upper case, ``NO.`` dropped, only letters, digits and single
    spaces (blank for a missing name).

    Examples
    --------
    >>> import pandas as pd
    >>> name_key(pd.Series(["Kum Un San No.3", " paek-yang-san 1"])).tolist()
    ['KUM UN SAN 3', 'PAEK YANG SAN 1']
    """
    s = names.astype(STRING).fillna("").str.upper()
    s = s.str.replace(_NUMBER_WORDS, " ", regex=True)
    s = s.str.replace(r"[^A-Z0-9]+", " ", regex=True).str.strip()
    return s.astype(STRING)


def _split_key(keys: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    letters = keys.str.replace(r"[^A-Z]", "", regex=True).to_numpy(object)
    numbers = keys.str.findall(r"\d+").map(" ".join).to_numpy(object)
    return letters, numbers


def match_watchlist(
    vessels: pd.DataFrame, watchlist: pd.DataFrame, params: WatchlistParams | None = None
) -> pd.DataFrame:
    """Match vessels against a watchlist: by IMO, then MMSI, then normalised name.

    Parameters
    ----------
    vessels : DataFrame
        One row per vessel: ``mmsi`` and optional ``imo``, ``name``.
    watchlist : DataFrame
        :func:`read_watchlist`.
    params : WatchlistParams, optional
        Matching parameters.

    Returns
    -------
    DataFrame
        One row per matched vessel row: ``mmsi``, ``imo``, ``name`` (the vessel's),
        ``matched_by`` (``imo`` | ``mmsi`` | ``name``), ``listed_name``, ``listed_flag``,
        ``list``, ``program``, ``name_score`` (100 for an identifier match). The first
        method that matches wins; ``attrs["params"]`` records the parameters.
    """
    params = params or WatchlistParams()
    cols = ["mmsi", "imo", "name", "matched_by", "listed_name", "listed_flag", "list",
            "program", "name_score"]
    v = vessels.reset_index(drop=True).copy()
    for col in ("imo", "name"):
        if col not in v:
            v[col] = pd.NA
    v["_row"] = np.arange(len(v))
    w = watchlist.reset_index(drop=True)
    found = []
    done = np.zeros(len(v), dtype=bool)
    for key in ("imo", "mmsi"):
        left = v.loc[~done & v[key].notna().to_numpy(bool), ["_row", key]]
        left = left.astype({key: "int64"})
        right = w.loc[w[key].notna(), [key, "name", "flag", "list", "program"]]
        right = right.astype({key: "int64"}).drop_duplicates(key)
        hit = left.merge(right, on=key, how="inner")
        if len(hit):
            hit = hit.assign(matched_by=key, name_score=100.0)
            found.append(hit.loc[:, ["_row", "matched_by", "name", "flag", "list", "program",
                                     "name_score"]])
            done[hit["_row"].to_numpy()] = True
    if params.match_names and len(w) and (~done).any():
        from rapidfuzz import fuzz, process

        todo = v.loc[~done].copy()
        todo["_key"] = name_key(todo["name"]).to_numpy()
        todo = todo.loc[todo["_key"].fillna("").to_numpy(object) != ""]
        wl = w.loc[w["name_key"].fillna("") != ""].reset_index(drop=True)
        if len(todo) and len(wl):
            q_letters, q_numbers = _split_key(todo["_key"].astype(STRING))
            w_letters, w_numbers = _split_key(wl["name_key"])
            scores = process.cdist(list(q_letters), list(w_letters), scorer=fuzz.ratio,
                                   dtype=np.float32, workers=1)
            scores[np.asarray(q_numbers)[:, None] != np.asarray(w_numbers)[None, :]] = 0.0
            best = scores.argmax(axis=1)
            best_score = scores[np.arange(len(todo)), best]
            ok = best_score >= params.min_name_score
            if ok.any():
                hit = wl.iloc[best[ok]].reset_index(drop=True)
                found.append(pd.DataFrame({
                    "_row": todo["_row"].to_numpy()[ok],
                    "matched_by": "name",
                    "name": hit["name"].to_numpy(),
                    "flag": hit["flag"].to_numpy(),
                    "list": hit["list"].to_numpy(),
                    "program": hit["program"].to_numpy(),
                    "name_score": best_score[ok].astype("float64"),
                }))
    if not found:
        out = pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    else:
        hits = pd.concat(found, ignore_index=True).rename(
            columns={"name": "listed_name", "flag": "listed_flag"})
        out = v.loc[:, ["_row", "mmsi", "imo", "name"]].merge(hits, on="_row")
        out = out.sort_values("_row", kind="stable").loc[:, cols].reset_index(drop=True)
    out.attrs["params"] = asdict(params)
    return out


def listed_labels(
    calls: pd.DataFrame,
    statics: pd.DataFrame | None,
    watchlist: pd.DataFrame,
    params: WatchlistParams | None = None,
) -> pd.Series:
    """The watchlist label of each listed vessel among the callers.

    Each MMSI is matched with every IMO and name it used (the calls' and the statics'); a
    vessel's label depends on its own rows only, so labels computed over any partition of
    the vessels (the buckets of a store, the Dask partitions) concatenate to those of one run.

    Parameters
    ----------
    calls : DataFrame
        Port calls (``mmsi``, ``imo``, ``name``).
    statics : DataFrame, optional
        Static reports (``mmsi``, ``imo``, ``name`` at least) of the callers, in stream
        order; others are ignored.
    watchlist : DataFrame
        :func:`read_watchlist`.
    params : WatchlistParams, optional
        Matching parameters.

    Returns
    -------
    Series
        ``"<listed name> (<list>; matched by <imo|mmsi|name>)"`` indexed by MMSI (int64),
        listed vessels only.
    """
    params = params or WatchlistParams()
    combos = calls.loc[:, ["mmsi", "imo", "name"]]
    if statics is not None and len(statics):
        seen = statics.loc[statics["mmsi"].isin(calls["mmsi"].unique()), ["mmsi", "imo", "name"]]
        combos = pd.concat([combos, seen.drop_duplicates()], ignore_index=True)
    combos = combos.drop_duplicates().reset_index(drop=True)
    hits = match_watchlist(combos, watchlist, params)
    if not len(hits):
        return pd.Series([], index=pd.Index([], dtype="int64"), dtype=object)
    order = hits["matched_by"].map({"imo": 0, "mmsi": 1, "name": 2})
    hits = hits.assign(_o=order).sort_values(["mmsi", "_o"], kind="stable")
    hits = hits.drop_duplicates("mmsi")
    return pd.Series(
        [f"{n} ({lst}; matched by {by})" for n, lst, by in
         zip(hits["listed_name"], hits["list"], hits["matched_by"], strict=True)],
        index=hits["mmsi"].astype("int64").to_numpy(), dtype=object)


def label_calls(result: Any, labels: pd.Series) -> Any:
    """A copy of a :class:`vesseltrack.CountResult` whose ``port_calls`` and ``all_calls``
    gain a ``watchlist`` column from ``labels`` (:func:`listed_labels`, or several of them
    concatenated); blank for vessels not listed."""

    def mark(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.assign(watchlist=pd.array(
            # object before the fill: with no label the map gives float64 NaN, which pandas
            # will no longer fill with text
            frame["mmsi"].astype("int64").map(labels).astype(object).fillna("").to_numpy(object),
            dtype=STRING))
        out.attrs = dict(frame.attrs)
        return out

    return replace(result, port_calls=mark(result.port_calls), all_calls=mark(result.all_calls))


def mark_listed_calls(
    result: Any,
    watchlist: pd.DataFrame,
    statics: pd.DataFrame | None = None,
    params: WatchlistParams | None = None,
) -> Any:
    """Mark the calls of listed vessels: a copy of a :class:`vesseltrack.CountResult` whose
    ``port_calls`` and ``all_calls`` gain a ``watchlist`` column (blank for vessels not
    listed; else ``"<listed name> (<list>; matched by <imo|mmsi|name>)"``).

    Each MMSI is matched with every IMO and name it used (the calls' and the statics'):
    :func:`listed_labels` then :func:`label_calls`.
    """
    return label_calls(result, listed_labels(result.all_calls, statics, watchlist, params))
