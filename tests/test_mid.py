"""Tests for the MID -> flag table and MMSI parsing (vesseltrack.ais._mid)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais.constants import COUNTRY_MAPPING

from vesseltrack.ais._mid import MID_TO_FLAG, flag_from_mmsi, flags_from_mmsi, mid_from_mmsi

DATA = Path(__file__).parent / "data"


def _iso_alpha2_codes() -> set[str]:
    """ISO 3166-1 alpha-2 codes from the tz database's iso3166.tab (tests/data)."""
    lines = (DATA / "iso3166.tab").read_text(encoding="utf-8").splitlines()
    return {line.split("\t")[0] for line in lines if line and not line.startswith("#")}


# --- the table -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mid", "flag"),
    [
        # the case that defines the project, and its neighbours
        (445, "KP"),
        (273, "RU"),
        (440, "KR"),
        (441, "KR"),
        (412, "CN"),
        (413, "CN"),
        (414, "CN"),
        (431, "JP"),
        (432, "JP"),
        # territories with their own ISO code
        (477, "HK"),
        (453, "MO"),
        (416, "TW"),
        (307, "AW"),
        (208, "VA"),
        (331, "GL"),
        (231, "FO"),
        (236, "GI"),
        (358, "PR"),
        (559, "AS"),
        (536, "MP"),
        (660, "RE"),
        (745, "GF"),
        (329, "GP"),
        (347, "MQ"),
        (540, "NC"),
        (546, "PF"),
        (516, "CX"),
        (523, "CC"),
        (310, "BM"),
        (319, "KY"),
        (378, "VG"),
        (379, "VI"),
        # territories whose code pyais gets wrong or lacks
        (740, "FK"),
        (608, "SH"),
        (665, "SH"),
        (607, "TF"),
        (618, "TF"),
        (635, "TF"),
        (501, "AQ"),
        (550, "TL"),
        (638, "SS"),
        (306, "CW"),
        # no separate ISO code: the sovereign state's
        (204, "PT"),
        (255, "PT"),
        (263, "PT"),
        (303, "US"),
        # flags of convenience and large registers
        (636, "LR"),
        (637, "LR"),
        (538, "MH"),
        (215, "MT"),
        (229, "MT"),
        (248, "MT"),
        (249, "MT"),
        (256, "MT"),
        (308, "BS"),
        (309, "BS"),
        (311, "BS"),
        (209, "CY"),
        (210, "CY"),
        (212, "CY"),
        (563, "SG"),
        (566, "SG"),
        (312, "BZ"),
        (341, "KN"),
        (375, "VC"),
        (377, "VC"),
        (620, "KM"),
        (616, "KM"),
        (572, "TV"),
        (511, "PW"),
        (667, "SL"),
        (613, "CM"),
        # Europe
        (232, "GB"),
        (233, "GB"),
        (234, "GB"),
        (235, "GB"),
        (211, "DE"),
        (218, "DE"),
        (219, "DK"),
        (220, "DK"),
        (226, "FR"),
        (228, "FR"),
        (244, "NL"),
        (246, "NL"),
        (247, "IT"),
        (257, "NO"),
        (259, "NO"),
        (262, "ME"),
        (279, "RS"),
        (274, "MK"),
        (271, "TR"),
        (272, "UA"),
        (201, "AL"),
        # the Americas
        (338, "US"),
        (366, "US"),
        (367, "US"),
        (368, "US"),
        (369, "US"),
        (316, "CA"),
        (345, "MX"),
        (351, "PA"),
        (352, "PA"),
        (357, "PA"),
        (370, "PA"),
        (373, "PA"),
        (374, "PA"),
        (701, "AR"),
        (710, "BR"),
        (725, "CL"),
        (775, "VE"),
        # Asia, Middle East, Pacific, Africa
        (403, "SA"),
        (422, "IR"),
        (443, "PS"),
        (470, "AE"),
        (471, "AE"),
        (473, "YE"),
        (475, "YE"),
        (478, "BA"),
        (503, "AU"),
        (512, "NZ"),
        (518, "CK"),
        (525, "ID"),
        (548, "PH"),
        (574, "VN"),
        (601, "ZA"),
        (622, "EG"),
        (657, "NG"),
        (669, "SZ"),
        (674, "TZ"),
        (677, "TZ"),
        (676, "CD"),
        (615, "CG"),
    ],
)
def test_mid_to_flag_real_values(mid: int, flag: str) -> None:
    assert MID_TO_FLAG[mid] == flag
    assert flag_from_mmsi(mid * 1_000_000 + 123_456) == flag


def test_table_covers_the_itu_list() -> None:
    assert len(MID_TO_FLAG) == 292
    assert min(MID_TO_FLAG) == 201
    assert max(MID_TO_FLAG) == 775
    assert all(isinstance(mid, int) and 201 <= mid <= 775 for mid in MID_TO_FLAG)


def test_every_flag_is_an_iso_3166_alpha2_code() -> None:
    iso = _iso_alpha2_codes()
    assert len(iso) == 249
    for mid, flag in MID_TO_FLAG.items():
        assert len(flag) == 2 and flag.isascii() and flag.isupper(), (mid, flag)
        assert flag in iso, (mid, flag)
    assert "UK" not in MID_TO_FLAG.values()


def test_unallocated_mids_are_absent() -> None:
    for mid in (200, 217, 221, 222, 223, 260, 280, 300, 302, 400, 500, 600, 700, 776, 799):
        assert mid not in MID_TO_FLAG
    # no MID begins with 0, 1, 8 or 9
    assert all(str(mid)[0] in "234567" for mid in MID_TO_FLAG)


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        MID_TO_FLAG[445] = "XX"  # type: ignore[index]
    with pytest.raises(TypeError):
        del MID_TO_FLAG[445]  # type: ignore[attr-defined]
    assert MID_TO_FLAG[445] == "KP"


def test_cross_check_against_pyais_country_mapping() -> None:
    """pyais ships an independent copy of the ITU list; we differ only where it is wrong."""
    theirs = {mid: code for mid, (code, _name) in COUNTRY_MAPPING.items()}
    assert set(MID_TO_FLAG) - set(theirs) == {550, 638}  # Timor-Leste, South Sudan
    assert set(theirs) <= set(MID_TO_FLAG)
    differing = {
        mid: (theirs[mid], MID_TO_FLAG[mid]) for mid in theirs if theirs[mid] != MID_TO_FLAG[mid]
    }
    assert differing == {
        608: ("IO", "SH"),  # Ascension Island is not the British Indian Ocean Territory
        618: ("AQ", "TF"),  # Crozet Archipelago
        635: ("AQ", "TF"),  # Kerguelen Islands
        740: ("UK", "FK"),  # Falkland Islands; "UK" is not an ISO 3166-1 code
    }


# --- MMSI formats (ITU-R M.585) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("mmsi", "mid", "flag"),
    [
        (445123456, 445, "KP"),  # ship station MIDxxxxxx
        (273456789, 273, "RU"),
        (636019825, 636, "LR"),
        (775000000, 775, "VE"),
        (201000001, 201, "AL"),
        (44512345, 445, "KP"),  # group 0MIDxxxxx (044512345)
        (36612345, 366, "US"),  # group 036612345
        (2734567, 273, "RU"),  # coast station 00MIDxxxx (002734567)
        (4771234, 477, "HK"),  # coast station 004771234
        (111273123, 273, "RU"),  # SAR aircraft 111MIDxxx
        (111232001, 232, "GB"),
        (844512345, 445, "KP"),  # handheld VHF 8MIDxxxxx
        (823512345, 235, "GB"),
        (982731234, 273, "RU"),  # craft associated with a parent ship 98MIDxxxx
        (984451234, 445, "KP"),
        (992731234, 273, "RU"),  # aid to navigation 99MIDxxxx
        (993669999, 366, "US"),
        (217123456, 217, None),  # well-formed but unallocated MID
        (29912345, 299, None),  # group with an unallocated MID
    ],
)
def test_mmsi_formats(mmsi: int, mid: int, flag: str | None) -> None:
    assert mid_from_mmsi(mmsi) == mid
    assert flag_from_mmsi(mmsi) == flag
    vectorised = flags_from_mmsi(np.array([mmsi]))[0]
    if flag is None:
        assert vectorised is pd.NA
    else:
        assert vectorised == flag


@pytest.mark.parametrize(
    "mmsi",
    [
        970123456,  # AIS-SART
        972123456,  # man overboard
        974123456,  # EPIRB-AIS
        970445123,
        -1,  # negative
        -445123456,
        1_000_000_000,  # ten digits
        4_451_234_567,
        2**63 - 1,
        0,  # 000000000
        123456,  # 000123456: too many leading zeros for any format
        999_999,
        1234567,  # 001234567: coast station format, but "123" is not a MID
        12345678,  # 012345678: group format, "123" is not a MID
        123456789,  # first digit 1 other than 111MIDxxx
        112345678,
        110273123,
        111123456,  # SAR aircraft with "123" as MID
        812345678,  # handheld with "123" as MID
        901234567,  # 9 other than 98/99/970/972/974
        961234567,
        975123456,
        980123456,  # 98 with "012" as MID
        999991234,  # 99 with "999" as MID
    ],
)
def test_mmsis_without_a_mid(mmsi: int) -> None:
    assert mid_from_mmsi(mmsi) is None
    assert flag_from_mmsi(mmsi) is None
    assert flags_from_mmsi(np.array([mmsi], dtype=np.int64)).isna().all()


@pytest.mark.parametrize(
    "value",
    [None, pd.NA, math.nan, np.nan, math.inf, -math.inf, 445123456.5, True, False, "445123456"],
)
def test_non_integer_inputs_give_none(value: object) -> None:
    assert mid_from_mmsi(value) is None  # type: ignore[arg-type]
    assert flag_from_mmsi(value) is None  # type: ignore[arg-type]


def test_numpy_and_float_scalars_are_accepted() -> None:
    assert flag_from_mmsi(np.int64(445123456)) == "KP"
    assert flag_from_mmsi(np.uint32(273123456)) == "RU"
    assert flag_from_mmsi(445123456.0) == "KP"  # MMSI columns with gaps are float
    assert mid_from_mmsi(np.float64(2734567.0)) == 273


# --- the vectorised path ---------------------------------------------------------------------


def test_flags_from_mmsi_series_keeps_index_and_name() -> None:
    mmsi = pd.Series(
        [445123456, 273000001, 970123456, 2734567, 992731234, -5, 10**12, 477123456, 111366123],
        index=[10, 11, 12, 13, 14, 15, 16, 17, 18],
        name="mmsi",
    )
    flags = flags_from_mmsi(mmsi)
    assert isinstance(flags.dtype, pd.StringDtype)
    assert flags.dtype.na_value is pd.NA
    assert flags.index.tolist() == [10, 11, 12, 13, 14, 15, 16, 17, 18]
    assert flags.name == "mmsi"
    assert flags.tolist() == ["KP", "RU", pd.NA, "RU", "RU", pd.NA, pd.NA, "HK", "US"]


def test_flags_from_mmsi_nullable_and_float_columns() -> None:
    nullable = pd.Series([445123456, None, 636012345], dtype="Int64")
    assert flags_from_mmsi(nullable).tolist() == ["KP", pd.NA, "LR"]
    floats = np.array([445123456.0, np.nan, 445123456.5, 1e18, -273123456.0, 538123456.0])
    assert flags_from_mmsi(floats).tolist() == ["KP", pd.NA, pd.NA, pd.NA, pd.NA, "MH"]
    unsigned = np.array([2**64 - 1, 412123456, 1_000_000_000], dtype=np.uint64)
    assert flags_from_mmsi(unsigned).tolist() == [pd.NA, "CN", pd.NA]
    as_text = pd.Series(["445123456", "junk", None, "002734567"], dtype="string")
    assert flags_from_mmsi(as_text).tolist() == ["KP", pd.NA, pd.NA, "RU"]


def test_flags_from_mmsi_empty() -> None:
    flags = flags_from_mmsi(np.array([], dtype=np.int64))
    assert len(flags) == 0
    assert isinstance(flags.dtype, pd.StringDtype)


_FORMATS = {
    "ship MIDxxxxxx": lambda x: x * 1_000_000 + 123_456,
    "group 0MIDxxxxx": lambda x: x * 100_000 + 12_345,
    "coast 00MIDxxxx": lambda x: x * 10_000 + 1_234,
    "SAR aircraft 111MIDxxx": lambda x: 111_000_000 + x * 1000 + 999,
    "handheld 8MIDxxxxx": lambda x: 800_000_000 + x * 100_000,
    "craft of parent ship 98MIDxxxx": lambda x: 980_000_000 + x * 10_000 + 9_999,
    "aid to navigation 99MIDxxxx": lambda x: 990_000_000 + x * 10_000,
}


def test_vectorised_matches_scalar_on_every_three_digits_in_every_format() -> None:
    x = np.arange(1000, dtype=np.int64)
    no_mid = [970_000_000 + x * 1000, 972_000_000 + x * 1000, 974_000_000 + x * 1000]
    mmsis = np.concatenate([make(x) for make in _FORMATS.values()] + no_mid)
    vectorised = flags_from_mmsi(mmsis)
    scalar = [flag_from_mmsi(int(m)) for m in mmsis]
    assert [None if pd.isna(f) else f for f in vectorised] == scalar
    assert vectorised[-3000:].isna().all()


@pytest.mark.parametrize("fmt", list(_FORMATS))
def test_every_allocated_mid_is_read_in_every_format(fmt: str) -> None:
    mids = np.array(sorted(MID_TO_FLAG), dtype=np.int64)
    mmsis = _FORMATS[fmt](mids)
    assert [mid_from_mmsi(int(m)) for m in mmsis] == mids.tolist()
    assert flags_from_mmsi(mmsis).tolist() == [MID_TO_FLAG[int(m)] for m in mids]


# Integers biased towards the interesting boundaries as well as arbitrary int64 values.
_mmsi_like = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-10, max_value=1_000_000_010),
    st.builds(
        lambda prefix, body: prefix + body,
        st.sampled_from(
            [
                0,
                100_000_000,
                110_000_000,
                111_000_000,
                800_000_000,
                970_000_000,
                980_000_000,
                990_000_000,
            ]
        ),
        st.integers(min_value=0, max_value=9_999_999),
    ),
    st.sampled_from(
        [-1, 0, 999_999_999, 1_000_000_000, 99_999_999, 100_000_000, 9_999_999, 999_999]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_mmsi_like, max_size=50))
def test_vectorised_agrees_with_scalar_on_arbitrary_int64(values: list[int]) -> None:
    column = np.array(values, dtype=np.int64)
    vectorised = flags_from_mmsi(pd.Series(column))
    expected = [flag_from_mmsi(int(v)) for v in column]
    assert len(vectorised) == len(expected)
    for got, want in zip(vectorised, expected, strict=True):
        if want is None:
            assert got is pd.NA
        else:
            assert got == want
