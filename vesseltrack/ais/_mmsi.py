"""What an MMSI or IMO number denotes: ship station or not, valid or not (vectorised).

An AIS identifier is nine decimal digits whose leading digits say what kind of station sent the
message (ITU-R M.585): a ship station is ``MIDxxxxxx`` with a Maritime Identification Digits
value of 201-775; ``00MIDxxxx`` is a coast (base) station, ``111MIDxxx`` a search-and-rescue
aircraft, ``970``/``972``/``974`` + six digits an AIS-SART, man-overboard or EPIRB-AIS device,
``98MIDxxxx`` a craft associated with a parent ship, ``99MIDxxxx`` an aid to navigation,
``0MIDxxxxx`` a group call and ``8MIDxxxxx`` a handheld VHF. Only ship stations are vessels for
port calls, gaps and cargo. Some values are defaults typed by installers rather than
identities: 0, 123456789, 111111111 and every nine-times-repeated digit are reported as
``"invalid"``.

The IMO ship identification number is seven digits whose last is a check digit: the first six
multiplied by 7, 6, 5, 4, 3 and 2, summed, modulo 10 (IMO Resolution A.1078(28)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vesseltrack.ais._mid import mmsi_values

__all__ = ["MMSI_KINDS", "imo_is_valid", "is_ship_mmsi", "mmsi_kind"]

#: Every value :func:`mmsi_kind` returns.
MMSI_KINDS: tuple[str, ...] = (
    "ship",
    "group",
    "coast-station",
    "sar-aircraft",
    "handheld",
    "sart",
    "mob",
    "epirb",
    "craft-associated",
    "aid-to-navigation",
    "invalid",
)

_FIRST_SHIP_MID = 201
_LAST_SHIP_MID = 775
#: Defaults seen in feeds: installers leave these in the transponder.
_DEFAULT_MMSIS = np.array(
    [0, 123_456_789] + [d * 111_111_111 for d in range(1, 10)], dtype=np.int64
)


def _as_values(mmsi: object) -> tuple[np.ndarray, np.ndarray, bool]:
    scalar = np.ndim(mmsi) == 0 and not isinstance(mmsi, pd.Series)
    column = pd.Series([mmsi]) if scalar else mmsi
    values, valid = mmsi_values(column)
    valid = valid & ~np.isin(values, _DEFAULT_MMSIS)
    return values, valid, scalar


def _kind_codes(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Index into :data:`MMSI_KINDS` for every value (vectorised integer arithmetic)."""
    v = np.where(valid, values, 0)
    first3 = v // 1_000_000
    first2 = v // 10_000_000
    first1 = v // 100_000_000
    mid_ship = first3
    conditions = [
        ~valid,
        (first1 >= 2)
        & (first1 <= 7)
        & (mid_ship >= _FIRST_SHIP_MID)
        & (mid_ship <= _LAST_SHIP_MID),
        (first1 >= 2) & (first1 <= 7),  # ship-station pattern with a MID outside 201-775
        first3 == 970,
        first3 == 972,
        first3 == 974,
        first3 == 111,
        first2 == 98,
        first2 == 99,
        first1 == 8,
        (first2 == 0) & (v >= 100_000),  # 00MIDxxxx
        (first1 == 0) & (first2 >= 1),  # 0MIDxxxxx
    ]
    choices = [10, 0, 10, 5, 6, 7, 3, 8, 9, 4, 2, 1]
    return np.select(conditions, choices, default=10).astype(np.int8)


def mmsi_kind(mmsi: pd.Series | np.ndarray | int) -> pd.Series | str:
    """Return the kind of station each MMSI denotes (one of :data:`MMSI_KINDS`).

    Parameters
    ----------
    mmsi : pandas.Series, numpy.ndarray or int
        MMSIs (dimensionless identifiers) of any numeric dtype; strings are parsed, and
        unparsable, missing, negative or longer-than-nine-digit values are ``"invalid"``.

    Returns
    -------
    pandas.Series or str
        The kind per value (a Series keeping a Series input's index), or one string for a
        scalar input.

    Examples
    --------
    >>> mmsi_kind(445123456), mmsi_kind(2734500), mmsi_kind(992731234), mmsi_kind(0)
    ('ship', 'coast-station', 'aid-to-navigation', 'invalid')
    """
    values, valid, scalar = _as_values(mmsi)
    kinds = np.asarray(MMSI_KINDS, dtype=object)[_kind_codes(values, valid)]
    if scalar:
        return str(kinds[0])
    index = mmsi.index if isinstance(mmsi, pd.Series) else None
    name = mmsi.name if isinstance(mmsi, pd.Series) else "mmsi_kind"
    return pd.Series(kinds, index=index, name=name, dtype="string")


def is_ship_mmsi(mmsi: pd.Series | np.ndarray | int) -> np.ndarray | bool:
    """Return True where an MMSI is a ship station (``MIDxxxxxx`` with MID 201-775).

    Parameters
    ----------
    mmsi : pandas.Series, numpy.ndarray or int
        MMSIs (dimensionless identifiers), as for :func:`mmsi_kind`.

    Returns
    -------
    numpy.ndarray of bool or bool

    Examples
    --------
    >>> is_ship_mmsi(445123456), is_ship_mmsi(1193046), is_ship_mmsi(1_000_000_000)
    (True, False, False)
    """
    values, valid, scalar = _as_values(mmsi)
    ship = _kind_codes(values, valid) == 0
    return bool(ship[0]) if scalar else ship


_IMO_WEIGHTS = np.array([7, 6, 5, 4, 3, 2], dtype=np.int64)


def imo_is_valid(imo: pd.Series | np.ndarray | int) -> np.ndarray | bool:
    """Return True where a value is a seven-digit IMO number with a correct check digit.

    Parameters
    ----------
    imo : pandas.Series, numpy.ndarray or int
        IMO numbers (dimensionless). Missing, non-integral or non-numeric values are invalid.

    Returns
    -------
    numpy.ndarray of bool or bool

    Examples
    --------
    >>> imo_is_valid(9074729), imo_is_valid(9074728), imo_is_valid(0)
    (True, False, False)
    """
    scalar = np.ndim(imo) == 0 and not isinstance(imo, pd.Series)
    column = (
        pd.Series([imo])
        if scalar
        else pd.Series(np.asarray(imo))
        if not isinstance(imo, pd.Series)
        else imo
    )
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = np.isfinite(numbers) & (numbers >= 1_000_000) & (numbers <= 9_999_999)
    ok &= np.floor(np.where(ok, numbers, 0.0)) == np.where(ok, numbers, 0.0)
    v = np.where(ok, numbers, 0).astype(np.int64)
    digits = (v[:, None] // (10 ** np.arange(6, 0, -1, dtype=np.int64))) % 10
    check = (digits @ _IMO_WEIGHTS) % 10
    result = ok & (check == v % 10)
    return bool(result[0]) if scalar else result
