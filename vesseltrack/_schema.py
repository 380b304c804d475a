"""Column contracts of the tables vesseltrack produces (see docs/contracts.md).

Every reader returns frames with exactly these columns and dtypes, so that tables from
NMEA, CSV and Parquet inputs concatenate cleanly and read back losslessly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

UTC_NS = pd.DatetimeTZDtype(unit="ns", tz="UTC")
STRING = pd.StringDtype()

POSITION_COLUMNS: dict[str, object] = {
    "mmsi": np.dtype("int64"),
    "timestamp": UTC_NS,
    "lon": np.dtype("float64"),
    "lat": np.dtype("float64"),
    "sog_knots": np.dtype("float64"),
    "cog_deg": np.dtype("float64"),
    "heading_deg": np.dtype("float64"),
    "nav_status": pd.Int8Dtype(),
    "msg_type": np.dtype("int8"),
    "source": STRING,
}
"""positions: one row per vessel position report (types 1, 2, 3, 18, 19, 27)."""

STATIC_COLUMNS: dict[str, object] = {
    "mmsi": np.dtype("int64"),
    "timestamp": UTC_NS,
    "imo": pd.Int64Dtype(),
    "name": STRING,
    "callsign": STRING,
    "ship_type": pd.Int16Dtype(),
    "draught_m": np.dtype("float64"),
    "destination": STRING,
    "length_m": np.dtype("float64"),
    "beam_m": np.dtype("float64"),
    "msg_type": np.dtype("int8"),
    "source": STRING,
}
"""statics: one row per static/voyage report (types 5, 19, 24, and CSV rows with static data).

``msg_type`` and ``source`` are kept beyond the docs/contracts.md minimum so that a row can be traced
back to its message; CSV-derived rows carry ``msg_type`` 0.
"""

POSITION_MSG_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_MSG_TYPES = frozenset({5, 19, 24})


def is_missing(value: object) -> bool:
    """True for ``None`` and pandas' missing scalars (NaN, NA, NaT); False for anything else,
    including values ``pd.isna`` cannot judge as a scalar (lists, arrays).

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(pd.NaT), is_missing("NaN")
    (True, True, True, False)
    """
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def empty_frame(columns: dict[str, object]) -> pd.DataFrame:
    """Return an empty DataFrame with the given column contract."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})


def conform(frame: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
    """Return ``frame`` with exactly ``columns`` in order and dtype.

    Missing columns are added as all-null; extra columns are dropped.
    """
    n = len(frame)
    if (isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
            and frame.index.step == 1
            and all(name in frame.columns and frame[name].dtype == dtype
                    for name, dtype in columns.items())):
        return frame[list(columns)]  # already conforming: select, don't convert
    out = {}
    for name, dtype in columns.items():
        if name in frame.columns:
            col = frame[name]
            if dtype == UTC_NS:
                col = pd.to_datetime(col, utc=True).astype(UTC_NS)
            elif dtype == STRING:
                col = col.astype(STRING)
            else:
                col = col.astype(dtype)
            out[name] = col.reset_index(drop=True)
        else:
            if dtype == UTC_NS:
                out[name] = pd.Series(pd.NaT, index=range(n), dtype=UTC_NS)
            elif isinstance(dtype, np.dtype) and dtype.kind == "f":
                out[name] = pd.Series(np.nan, index=range(n), dtype=dtype)
            elif isinstance(dtype, np.dtype):
                # Non-nullable integers (msg_type): 0 means "not from an AIS message".
                out[name] = pd.Series(0, index=range(n), dtype=dtype)
            else:
                out[name] = pd.Series(pd.NA, index=range(n), dtype=dtype)
    return pd.DataFrame(out)


def positions_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Conform ``frame`` to the positions contract."""
    return conform(frame, POSITION_COLUMNS)


def statics_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Conform ``frame`` to the statics contract."""
    return conform(frame, STATIC_COLUMNS)


def utc_time(value: Any, end_of_day: bool = False) -> pd.Timestamp | None:
    """A ``--since``/``--until`` value as a UTC timestamp: naive times are UTC; with
    ``end_of_day`` a date-only value (``YYYY-MM-DD``) means the last nanosecond of that day;
    None stays None. Raises ValueError for text that is no time."""
    if value is None:
        return None
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    if end_of_day and isinstance(value, str) and len(value.strip()) <= 10:
        ts = ts + pd.Timedelta(days=1) - pd.Timedelta(nanoseconds=1)
    return ts


def utc_bounds(since: Any, until: Any) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """``[since, until]`` as UTC timestamps, by the rules of :func:`utc_time` (a date-only
    ``until`` includes that whole day).

    Examples
    --------
    >>> utc_bounds("2024-05-01", "2024-05-31")[1]
    Timestamp('2024-05-31 23:59:59.999999999+0000', tz='UTC')
    """
    return utc_time(since), utc_time(until, end_of_day=True)
