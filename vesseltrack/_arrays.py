"""Column conversions and sorts shared by the analysis modules.

Each conversion is a function of its own, so a call site reads ``floats(grid["speed_knots"])``
and keeps its column name and comparison under mutation testing, while the dtype lives here,
checked once by its own tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd
    from numpy.typing import ArrayLike


def floats(values: ArrayLike) -> np.ndarray:
    """Values as a float64 array.

    Parameters
    ----------
    values : array_like
        A column, index level or sequence of numbers.

    Returns
    -------
    numpy.ndarray
        float64; no copy when ``values`` already is a float64 array.
    """
    return np.asarray(values, dtype=np.float64)


def ints(values: ArrayLike) -> np.ndarray:
    """Values as an int64 array (floats are truncated toward zero).

    Parameters
    ----------
    values : array_like
        A column, index level or sequence of whole numbers (MMSIs, steps, row numbers).

    Returns
    -------
    numpy.ndarray
        int64; no copy when ``values`` already is an int64 array.
    """
    return np.asarray(values, dtype=np.int64)


def stable_sort(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Rows sorted by ``keys``, rows with equal keys in their order in ``frame``.

    pandas sorts by several columns stably whatever the kind asked; by one column, only a
    stable kind keeps equal rows in order.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to sort.
    keys : sequence of str
        The columns to sort by, the first one first.

    Returns
    -------
    pandas.DataFrame
        The rows in order, with their index.
    """
    return frame.sort_values(list(keys), kind="stable")
