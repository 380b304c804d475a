"""Readers for the user-made vessel registry and sightings files (docs/contracts.md), and matching.

Registry CSV: ``mmsi,imo,name,flag,dwt_t,length_m,beam_m,summer_draught_m,ballast_draught_m,
cargo`` with an optional ``bbl_per_t`` column; blank cells allowed.

Sightings CSV: ``timestamp,lon,lat,mmsi,imo,name,state,source``; ``state`` is ``laden``,
``ballast`` or ``unknown``; any of ``mmsi``, ``imo``, ``name`` may be blank and a sighting is
matched on the first one present, in that order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from vesseltrack._schema import STRING, UTC_NS
from vesseltrack._units import BBL_PER_T

__all__ = [
    "REGISTRY_COLUMNS",
    "SIGHTING_COLUMNS",
    "SIGHTING_STATES",
    "match_sightings",
    "normalise_name",
    "read_registry",
    "read_sightings",
]

REGISTRY_COLUMNS: dict[str, object] = {
    "mmsi": pd.Int64Dtype(),
    "imo": pd.Int64Dtype(),
    "name": STRING,
    "flag": STRING,
    "dwt_t": np.dtype("float64"),
    "length_m": np.dtype("float64"),
    "beam_m": np.dtype("float64"),
    "summer_draught_m": np.dtype("float64"),
    "ballast_draught_m": np.dtype("float64"),
    "cargo": STRING,
    "bbl_per_t": np.dtype("float64"),
}
"""Registry table as returned by :func:`read_registry` (``bbl_per_t`` always present)."""

SIGHTING_COLUMNS: dict[str, object] = {
    "timestamp": UTC_NS,
    "lon": np.dtype("float64"),
    "lat": np.dtype("float64"),
    "mmsi": pd.Int64Dtype(),
    "imo": pd.Int64Dtype(),
    "name": STRING,
    "state": STRING,
    "source": STRING,
}
"""Sightings table as returned by :func:`read_sightings`."""

SIGHTING_STATES = ("laden", "ballast", "unknown")

_REQUIRED_REGISTRY = tuple(c for c in REGISTRY_COLUMNS if c != "bbl_per_t")
_REQUIRED_SIGHTINGS = tuple(SIGHTING_COLUMNS)


def normalise_name(names: pd.Series) -> pd.Series:
    """Vessel names for matching: upper case, punctuation dropped, single spaces.

    ``"Chon  Ma-San"`` and ``"CHON MA SAN"`` become ``"CHON MA SAN"``; blanks become NA.
    """
    s = names.astype(STRING).str.upper()
    s = s.str.replace(r"[^0-9A-Z ]+", " ", regex=True).str.replace(r"\s+", " ", regex=True)
    s = s.str.strip()
    return s.mask(s == "")


def _read_csv(path: str | Path, required: tuple[str, ...], what: str) -> pd.DataFrame:
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"{path}: not a readable {what} CSV ({exc})") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path}: not a {what} file: missing column(s) {', '.join(missing)} "
            f"(expected {','.join(required)})"
        )
    return frame.apply(lambda col: col.str.strip()).replace("", pd.NA)


def _numeric(frame: pd.DataFrame, column: str, path: Path, dtype: object) -> pd.Series:
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    bad = raw.notna() & values.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise ValueError(f"{path}: line {row}: column {column!r} is not a number: {raw[bad].iloc[0]!r}")
    if dtype == pd.Int64Dtype():
        if (values.dropna() % 1 != 0).any():
            raise ValueError(f"{path}: column {column!r} must hold whole numbers")
        return values.astype("Float64").astype(pd.Int64Dtype())
    return values.astype("float64")


def read_registry(path: str | Path) -> pd.DataFrame:
    """Read a vessel registry CSV (docs/contracts.md "registry").

    Parameters
    ----------
    path : str or Path
        CSV with the columns ``mmsi,imo,name,flag,dwt_t,length_m,beam_m,summer_draught_m,
        ballast_draught_m,cargo`` and optionally ``bbl_per_t``. Blank cells are allowed.

    Returns
    -------
    DataFrame
        Columns :data:`REGISTRY_COLUMNS`. ``bbl_per_t`` is the file's value where given, else
        the BP factor for ``cargo`` (diesel 7.46, gasoline 8.35, fuel_oil 6.35, crude 7.33),
        else NaN. ``attrs["source"]`` is the path.

    Raises
    ------
    ValueError
        If the file is unreadable, lacks a column, has a non-numeric number or an unknown
        ``cargo``.
    """
    path = Path(path)
    raw = _read_csv(path, _REQUIRED_REGISTRY, "registry")
    out = {}
    for col, dtype in REGISTRY_COLUMNS.items():
        if col == "bbl_per_t" and col not in raw.columns:
            out[col] = pd.Series(np.nan, index=raw.index)
        elif dtype == STRING:
            out[col] = raw[col].astype(STRING)
        else:
            out[col] = _numeric(raw, col, path, dtype)
    reg = pd.DataFrame(out)
    reg["cargo"] = reg["cargo"].str.lower()
    unknown = reg["cargo"].notna() & ~reg["cargo"].isin(list(BBL_PER_T))
    if unknown.any():
        raise ValueError(
            f"{path}: unknown cargo {reg.loc[unknown, 'cargo'].iloc[0]!r} "
            f"(expected one of {', '.join(BBL_PER_T)})"
        )
    factor = reg["cargo"].map(BBL_PER_T).astype("float64")
    reg["bbl_per_t"] = reg["bbl_per_t"].fillna(factor)
    reg["flag"] = reg["flag"].str.upper()
    reg.attrs["source"] = str(path)
    return reg


def read_sightings(path: str | Path) -> pd.DataFrame:
    """Read a sightings CSV (docs/contracts.md "sightings").

    Parameters
    ----------
    path : str or Path
        CSV with ``timestamp,lon,lat,mmsi,imo,name,state,source``. Timestamps are ISO 8601;
        without an offset they are taken as UTC.

    Returns
    -------
    DataFrame
        Columns :data:`SIGHTING_COLUMNS`, sorted by time; ``state`` lower case.

    Raises
    ------
    ValueError
        If the file is unreadable, lacks a column, or a row has a bad time, position or
        state, or names no vessel at all.
    """
    path = Path(path)
    raw = _read_csv(path, _REQUIRED_SIGHTINGS, "sightings")
    try:
        ts = pd.to_datetime(raw["timestamp"], utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path}: bad timestamp ({exc})") from exc
    if ts.isna().any():
        row = int(np.flatnonzero(ts.isna().to_numpy())[0]) + 2
        raise ValueError(f"{path}: line {row}: timestamp is blank")
    out = pd.DataFrame(
        {
            "timestamp": ts.astype(UTC_NS),
            "lon": _numeric(raw, "lon", path, np.dtype("float64")),
            "lat": _numeric(raw, "lat", path, np.dtype("float64")),
            "mmsi": _numeric(raw, "mmsi", path, pd.Int64Dtype()),
            "imo": _numeric(raw, "imo", path, pd.Int64Dtype()),
            "name": raw["name"].astype(STRING),
            "state": raw["state"].astype(STRING).str.lower().fillna("unknown"),
            "source": raw["source"].astype(STRING),
        }
    )
    bad_pos = ~((out["lon"].abs() <= 180) & (out["lat"].abs() <= 90))
    if bad_pos.any():
        row = int(np.flatnonzero(bad_pos.to_numpy())[0]) + 2
        raise ValueError(f"{path}: line {row}: lon/lat missing or out of range")
    bad_state = ~out["state"].isin(list(SIGHTING_STATES))
    if bad_state.any():
        row = int(np.flatnonzero(bad_state.to_numpy())[0]) + 2
        raise ValueError(
            f"{path}: line {row}: state must be one of {', '.join(SIGHTING_STATES)}"
        )
    anonymous = out["mmsi"].isna() & out["imo"].isna() & out["name"].isna()
    if anonymous.any():
        row = int(np.flatnonzero(anonymous.to_numpy())[0]) + 2
        raise ValueError(f"{path}: line {row}: a sighting needs an mmsi, imo or name")
    out = out.sort_values("timestamp", kind="stable").reset_index(drop=True)
    out.attrs["source"] = str(path)
    return out


def _unique_lookup(keys: pd.Series, mmsis: pd.Series) -> pd.Series:
    """key → mmsi where the key points at exactly one MMSI (ambiguous keys are dropped)."""
    pairs = pd.DataFrame({"key": keys, "mmsi": mmsis}).dropna().drop_duplicates()
    counts = pairs["key"].value_counts()
    pairs = pairs.loc[pairs["key"].map(counts) == 1]
    return pd.Series(pairs["mmsi"].to_numpy("int64"), index=pairs["key"].to_numpy())


def match_sightings(
    sightings: pd.DataFrame,
    registry: pd.DataFrame | None = None,
    statics: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Attach an MMSI to every sighting that can be matched to a vessel.

    The sighting's own ``mmsi`` is used when present; else its ``imo``, looked up in the
    registry then in the statics; else its ``name`` (normalised, :func:`normalise_name`),
    likewise. A key that points at more than one MMSI matches nothing.

    Parameters
    ----------
    sightings : DataFrame
        From :func:`read_sightings`.
    registry, statics : DataFrame, optional
        From :func:`read_registry` and the statics table.

    Returns
    -------
    DataFrame
        The sightings with ``matched_mmsi`` (Int64, NA when unmatched) and ``matched_by``
        (``mmsi``, ``imo``, ``name`` or NA).
    """
    out = sightings.copy()
    imo_map: list[pd.Series] = []
    name_map: list[pd.Series] = []
    for table in (registry, statics):
        if table is None or len(table) == 0:
            continue
        t = table.loc[table["mmsi"].notna()]
        imo_map.append(_unique_lookup(t["imo"].astype("Int64"), t["mmsi"]))
        name_map.append(_unique_lookup(normalise_name(t["name"]), t["mmsi"]))

    def lookup(keys: pd.Series, maps: list[pd.Series]) -> pd.Series:
        found = pd.Series(pd.NA, index=keys.index, dtype="Int64")
        for m in maps:  # registry first, then statics
            if m.empty:
                continue
            hit = keys.map(m.groupby(level=0).first()).astype("Int64")
            found = found.fillna(hit)
        return found

    by_mmsi = out["mmsi"].astype("Int64")
    by_imo = lookup(out["imo"].astype("Int64"), imo_map)
    by_name = lookup(normalise_name(out["name"]), name_map)
    has_mmsi = by_mmsi.notna()
    use_imo = ~has_mmsi & out["imo"].notna()
    use_name = ~has_mmsi & out["imo"].isna() & out["name"].notna()
    matched = by_mmsi.where(has_mmsi, by_imo.where(use_imo, by_name.where(use_name)))
    how = pd.Series(pd.NA, index=out.index, dtype=STRING)
    how = how.mask(has_mmsi, "mmsi").mask(use_imo & by_imo.notna(), "imo")
    how = how.mask(use_name & by_name.notna(), "name")
    out["matched_mmsi"] = matched.astype("Int64")
    out["matched_by"] = how.astype(STRING)
    return out

