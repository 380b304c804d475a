"""Writers: Parquet and CSV, written atomically (temporary file, then rename)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

TABLE_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet",
                 ".geoparquet": "parquet"}
"""Output table formats by file name extension."""

CSV_DECIMALS = (("_bbl", 0), ("_knots", 1), ("_t", 1), ("_deg", 6), ("lon", 6), ("lat", 6),
                ("_nm", 3), ("_m", 2), ("_hours", 4))
"""Decimals kept in CSV per column-name ending (the unit's meaningful precision: whole
barrels, 0.1 kn as AIS reports speed, 6 decimals of a degree ≈ 0.1 m)."""


def table_format(path: str | os.PathLike) -> str:
    """``"csv"`` or ``"parquet"`` from the file name's extension.

    Raises
    ------
    ValueError
        For any other extension (a table is never silently written as Parquet under a name
        that says otherwise).
    """
    suffix = Path(path).suffix.lower()
    try:
        return TABLE_FORMATS[suffix]
    except KeyError:
        raise ValueError(f"{path}: unsupported output extension {suffix or '(none)'!r} "
                         f"(use .csv or .parquet)") from None


def round_for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns rounded to the precision their unit means (:data:`CSV_DECIMALS`)."""
    out = frame
    for col in frame.columns:
        if not pd.api.types.is_float_dtype(frame[col].dtype):
            continue
        for ending, decimals in CSV_DECIMALS:
            if str(col) == ending or str(col).endswith(ending):
                if out is frame:
                    out = frame.copy()
                out[col] = frame[col].round(decimals)
                break
    return out


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where text cells that a spreadsheet would run as a formula are defused.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    apostrophe (OWASP CSV-injection advice). Only text columns are touched; numbers stay numbers.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
            text = series.astype("string")
            risky = text.str.startswith(_FORMULA_START).fillna(False).astype(bool)
            if risky.any():
                out[col] = text.mask(risky, "'" + text)
    return out


def _atomic_target(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    # mkstemp makes 0600 files; outputs are ordinary files (0644 less the user's umask)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    return Path(tmp)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed over ``path``.

    On any exception (including KeyboardInterrupt) the temporary file is removed and ``path``
    is left as it was, so a half-written file never looks complete.

    Examples
    --------
    >>> with atomic_path("out/chart.png") as tmp:        # doctest: +SKIP
    ...     fig.savefig(tmp, format="png")
    """
    path = Path(path)
    tmp = _atomic_target(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_table(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``frame`` to ``path`` as CSV (``.csv``) or Parquet (``.parquet``, ``.pq``).

    The file appears complete or not at all: data goes to a temporary file in the same folder
    that is renamed over ``path`` once written. CSV cells that could act as spreadsheet
    formulas are neutralised, and CSV floats are rounded to what their unit means
    (:func:`round_for_csv`; Parquet keeps every digit).

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to write.
    path : path-like
        Destination; ``.csv`` gives CSV (UTC timestamps in ISO-8601), ``.parquet`` or
        ``.pq`` Parquet.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        For any other extension (:func:`table_format`).
    """
    path = Path(path)
    kind = table_format(path)
    with atomic_path(path) as tmp:
        if kind == "csv":
            neutralise_formulas(round_for_csv(frame)).to_csv(
                tmp, index=False, date_format="%Y-%m-%dT%H:%M:%S.%fZ")
        else:
            frame.to_parquet(tmp, index=False, engine="pyarrow")
    return path


def write_text(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def write_bytes(data: bytes, path: str | os.PathLike) -> Path:
    """Write ``data`` to ``path`` atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path
