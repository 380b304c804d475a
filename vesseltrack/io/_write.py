"""Writers: Parquet and CSV, written atomically (temporary file, then rename)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    """Write ``frame`` to ``path`` as Parquet, or CSV when the name ends in ``.csv``.

    The file appears complete or not at all: data goes to a temporary file in the same folder
    that is renamed over ``path`` once written. CSV cells that could act as spreadsheet
    formulas are neutralised.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table to write.
    path : path-like
        Destination; ``.csv`` gives CSV (UTC timestamps in ISO-8601), anything else Parquet.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".csv":
            neutralise_formulas(frame).to_csv(tmp, index=False, date_format="%Y-%m-%dT%H:%M:%S.%fZ")
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
