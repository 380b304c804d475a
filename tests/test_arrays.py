"""The column conversions and the stable sort of vesseltrack._arrays, with hand-worked values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vesseltrack._arrays import floats, ints, stable_sort


def test_floats_of_an_int_column_are_float64():
    out = floats(pd.Series([3, -2, 0], dtype="int64"))
    assert out.dtype == np.float64
    assert out.tolist() == [3.0, -2.0, 0.0]


def test_floats_of_objects_and_a_list():
    # an object column of Python numbers, and a plain list: 1 -> 1.0, 2.5 stays
    out = floats(pd.Series([1, 2.5], dtype=object))
    assert out.dtype == np.float64
    assert out.tolist() == [1.0, 2.5]
    assert floats([7]).dtype == np.float64


def test_floats_of_a_float64_array_is_the_array_itself():
    values = np.array([0.5, 1.5])
    assert floats(values) is values


def test_ints_of_a_float_column_are_int64_truncated():
    # 2.9 -> 2 and -1.7 -> -1: truncation toward zero, as astype
    out = ints(pd.Series([2.9, -1.7, 4.0]))
    assert out.dtype == np.int64
    assert out.tolist() == [2, -1, 4]


def test_ints_of_int32_and_objects_are_int64():
    assert ints(np.array([5, 6], dtype=np.int32)).dtype == np.int64
    out = ints(pd.Series([123456789, 7], dtype=object))
    assert out.dtype == np.int64
    assert out.tolist() == [123456789, 7]


def test_stable_sort_by_one_column_keeps_equal_rows_in_order():
    # 40 rows keyed 1, 0, 1, 0...: the 0s are rows 1, 3, ..., 39 in that order, then the 1s
    # rows 0, 2, ..., 38 (numpy's default quicksort shuffles equal keys of this many rows)
    frame = pd.DataFrame({"k": [1, 0] * 20, "row": range(40)})
    out = stable_sort(frame, ["k"])
    assert out["row"].tolist() == list(range(1, 40, 2)) + list(range(0, 40, 2))
    assert out.index.tolist() == out["row"].tolist()


def test_stable_sort_by_two_columns_first_key_first():
    # (b, a) keys (2, 1), (1, 2), (1, 1), (2, 1): by b then a -> rows 2, 1, 0, 3 (rows 0 and 3
    # tie on both keys and keep their order)
    frame = pd.DataFrame({"a": [1, 2, 1, 1], "b": [2, 1, 1, 2]})
    assert stable_sort(frame, ("b", "a")).index.tolist() == [2, 1, 0, 3]
