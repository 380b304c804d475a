"""Tests for MMSI kinds and IMO check digits (vesseltrack.ais.mmsi_kind, imo_is_valid)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vesseltrack.ais import MMSI_KINDS, imo_is_valid, is_ship_mmsi, mmsi_kind


@pytest.mark.parametrize(
    ("mmsi", "kind"),
    [
        (445123456, "ship"),  # DPRK ship station, MID 445
        (273456789, "ship"),  # Russia, MID 273
        (201000001, "ship"),  # lowest ship MID
        (775999998, "ship"),  # highest ship MID
        (200123456, "invalid"),  # MID 200 is not allocated to ships
        (776123456, "invalid"),  # nor 776
        (2734500, "coast-station"),  # 00 273 4500
        (1193046, "coast-station"),  # 00 119 3046: a base-station pattern, not a ship
        (27345678, "group"),  # 0 273 45678
        (111273123, "sar-aircraft"),
        (970123456, "sart"),
        (972123456, "mob"),
        (974123456, "epirb"),
        (982731234, "craft-associated"),
        (992731234, "aid-to-navigation"),
        (827312345, "handheld"),
        (0, "invalid"),
        (123456789, "invalid"),  # installer default
        (111111111, "invalid"),  # installer default
        (999999999, "invalid"),  # installer default
        (1_000_000_000, "invalid"),  # ten digits
        (-445123456, "invalid"),
    ],
)
def test_mmsi_kind_of_each_format(mmsi: int, kind: str) -> None:
    assert mmsi_kind(mmsi) == kind


def test_mmsi_kind_column_keeps_index_and_reads_missing_as_invalid() -> None:
    column = pd.Series([445123456.0, np.nan, 992731234.0], index=[7, 8, 9], name="mmsi")
    kinds = mmsi_kind(column)
    assert kinds.tolist() == ["ship", "invalid", "aid-to-navigation"]
    assert kinds.index.tolist() == [7, 8, 9]


def test_every_kind_returned_is_declared() -> None:
    sample = np.arange(0, 1_000_000_000, 999_983, dtype=np.int64)
    assert set(mmsi_kind(sample).unique()) <= set(MMSI_KINDS)


def test_is_ship_mmsi_vector_matches_kind() -> None:
    values = np.array([445123456, 0, 1193046, 1_000_000_000, 636012345, 970123456])
    assert is_ship_mmsi(values).tolist() == [True, False, False, False, True, False]


@pytest.mark.parametrize(
    ("imo", "valid"),
    [
        (7389704, True),  # 7*7+3*6+8*5+9*4+7*3+0*2 = 164 -> 4
        (8312497, True),  # 56+18+5+8+12+18 = 117 -> 7
        (9074729, True),  # 63+0+35+16+21+4 = 139 -> 9
        (9074728, False),  # check digit off by one
        (7389705, False),
        (123456, False),  # six digits
        (10000000, False),  # eight digits
        (0, False),
        (1000000, False),  # 1*7 = 7, check digit 0 != 7
    ],
)
def test_imo_check_digit(imo: int, valid: bool) -> None:
    assert imo_is_valid(imo) is valid


def test_imo_column_with_missing_and_text() -> None:
    assert imo_is_valid(pd.Series([7389704.0, np.nan, "8312497", "IMO"])).tolist() == [
        True,
        False,
        True,
        False,
    ]
