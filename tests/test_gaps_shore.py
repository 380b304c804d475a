"""Distance to shore of a gap's two ends, and Global Fishing Watch's offshore-gap rule.

The real-shore tests use the GSHHG shoreline through GMT, which `make test` provisions
(scripts/provision.sh), as tests/test_land.py does; the threshold tests use a synthetic coast
whose distances have a closed form.
"""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest
from _builders import BERTH, T0, dark_to, make_positions, make_track, track_rows
from shapely.geometry import box

import vesseltrack as vt
from vesseltrack.cli import main
from vesseltrack.gaps import GAP_COLUMNS, SHORE_COLUMNS, add_distance_to_shore, detect_gaps
from vesseltrack.params import GapParams, OffshoreGapParams

WGS84_A_M = 6_378_137.0  # WGS84 semi-major axis: the equator's radius

# A straight coast along the meridian 10 E (land to the west), as in tests/test_land.py. The
# equator is a geodesic perpendicular to every meridian, so a point at (10 + d) E on the
# equator lies a * d * pi / 180 metres from that coast: 1 nm is 1852 / 111,319.49 deg.
STRAIGHT_COAST = box(0.0, -20.0, 10.0, 20.0)


def _lon_off_coast(distance_nm: float) -> float:
    return 10.0 + math.degrees(distance_nm * 1852.0 / WGS84_A_M)


def _gap_off_straight_coast(start_nm: float, end_nm: float, hours: float) -> pd.DataFrame:
    """One gap of ``hours`` between points ``start_nm`` and ``end_nm`` off the coast."""
    seconds = hours * 3600.0
    track = track_rows(1, [(0.0, _lon_off_coast(start_nm), 0.0, 5.0),
                           (seconds, _lon_off_coast(end_nm), 0.0, 5.0)])
    return detect_gaps(track)


# --- the real shoreline --------------------------------------------------------------------------

# Minami-Torishima (Marcus Island), an isolated islet: on GSHHG full it spans 24.2812-24.2987 N,
# 153.9696-153.9871 E, and no other land lies within 500 nm. A point on 153.98 E one degree
# of latitude north of 24.29 N lies 0.9913 deg of meridian north of the islet's northern tip:
# the WGS84 meridian arc at 24.8 N is 111132.954 - 559.822 cos(2 phi) + 1.175 cos(4 phi) =
# 110,770 m per degree, so 0.9913 * 110,770 / 1852 = 59.29 nm; the point one degree south
# lies the same 0.9912 deg from the southern tip. The nearest vertex need not sit due south
# or north, so the distance lies between 59.29 nm and the 59.81 nm of a whole degree: 59.2-59.9.
ISLET_NORTH = (153.98, 25.29)
ISLET_SOUTH = (153.98, 23.29)


def test_gap_from_a_berth_to_the_open_ocean():
    # From the terminal berth (inside the fence at the shore of a bay: under 1 nm from land,
    # 0.22 nm measured) dark for 5 days to 150 E 40 N in the Pacific: the nearest land is the
    # Kuril island Shikotan (~146.7 E 43.8 N), about 260 nm away (3.8 deg of latitude alone is
    # 228 nm), Honshu's easternmost cape (142.07 E 39.55 N) about 365 nm: beyond the 200 nm
    # search radius, so inf. One end near shore: not offshore.
    track = make_track(1, BERTH, [dark_to(150.0, 40.0, 120.0)])
    got = add_distance_to_shore(detect_gaps(track))
    start_nm = got["start_distance_to_shore_nm"].iloc[0]
    assert (len(got), bool(0.0 < start_nm < 1.0), got["end_distance_to_shore_nm"].iloc[0],
            bool(got["offshore"].iloc[0])) == (1, True, np.inf, False)


def test_gap_off_an_isolated_islet_is_offshore():
    # 12 h dark from 59.3 nm north of Minami-Torishima to 59.3 nm south of it: both ends
    # more than 50 nm from shore and a gap of 12 h: offshore
    track = make_track(1, ISLET_NORTH, [dark_to(*ISLET_SOUTH, 12.0)])
    got = add_distance_to_shore(detect_gaps(track))
    start_nm, end_nm = got["start_distance_to_shore_nm"].iloc[0], got["end_distance_to_shore_nm"].iloc[0]
    assert (bool(59.2 < start_nm < 59.9), bool(59.2 < end_nm < 59.9), bool(got["offshore"].iloc[0])) == (
        True, True, True)


def test_ends_on_land_are_zero():
    # Wrangel Bay's shore at Nakhodka (133.1 E 42.8 N) is land (tests/test_land.py); a "gap"
    # between two positions there has both ends at 0 nm
    track = make_track(1, (133.1, 42.8), [dark_to(133.1, 42.8, 8.0)])
    got = add_distance_to_shore(detect_gaps(track))
    assert got[["start_distance_to_shore_nm", "end_distance_to_shore_nm"]].iloc[0].tolist() == [0.0, 0.0]


# --- the rule, on both sides of each threshold ------------------------------------------------


def test_distances_follow_the_closed_form():
    # 30 nm and 70 nm off the straight coast: the land layer's error there is 0.1% (test_land)
    got = add_distance_to_shore(_gap_off_straight_coast(30.0, 70.0, 12.0), land=STRAIGHT_COAST)
    assert got[["start_distance_to_shore_nm", "end_distance_to_shore_nm"]].iloc[0].tolist() == (
        pytest.approx([30.0, 70.0], rel=1e-3))


@pytest.mark.parametrize(
    ("start_nm", "end_nm", "hours", "offshore"),
    [
        (50.5, 50.5, 12.0, True),    # 12 h exactly (>= 12 h), both ends beyond 50 nm
        (50.5, 50.5, 11.9, False),   # 6 min short of 12 h
        (49.5, 50.5, 12.0, False),   # the start 0.5 nm inside 50 nm
        (50.5, 49.5, 12.0, False),   # the end 0.5 nm inside 50 nm
        (120.0, 150.0, 30.0, True),  # far out, long
    ],
)
def test_offshore_rule(start_nm, end_nm, hours, offshore):
    # 0.5 nm is 1% of 50 nm, ten times the distance's 0.1% error on this coast
    got = add_distance_to_shore(_gap_off_straight_coast(start_nm, end_nm, hours), land=STRAIGHT_COAST)
    assert bool(got["offshore"].iloc[0]) is offshore


def test_offshore_beyond_the_search_radius():
    # 250 nm off the coast: no land within the 200 nm search radius, inf, and farther than 50 nm
    got = add_distance_to_shore(_gap_off_straight_coast(250.0, 250.0, 12.0), land=STRAIGHT_COAST)
    assert (got["start_distance_to_shore_nm"].iloc[0], bool(got["offshore"].iloc[0])) == (np.inf, True)


@pytest.mark.parametrize(("min_shore_nm", "offshore"), [(40.0, True), (50.0, False)])
def test_thresholds_come_from_the_params(min_shore_nm, offshore):
    # both ends 45 nm off: offshore for a 40 nm threshold, not for the default 50 nm
    params = OffshoreGapParams(min_shore_distance_nm=min_shore_nm)
    got = add_distance_to_shore(_gap_off_straight_coast(45.0, 45.0, 12.0), params, land=STRAIGHT_COAST)
    assert bool(got["offshore"].iloc[0]) is offshore


def test_unknown_distance_is_not_offshore(monkeypatch):
    # without any land data the distances are NaN (unknown), and unknown is not far
    import vesseltrack.land

    def no_land(*args, **kwargs):
        raise OSError("no coastline")

    monkeypatch.setattr(vesseltrack.land, "distance_to_shore_nm", no_land)
    with pytest.warns(UserWarning, match="no land data"):
        got = add_distance_to_shore(_gap_off_straight_coast(100.0, 100.0, 24.0))
    assert (bool(np.isnan(got["start_distance_to_shore_nm"].iloc[0])), bool(got["offshore"].iloc[0])) == (
        True, False)


# --- the table ---------------------------------------------------------------------------------


def test_columns_are_appended_at_the_end():
    got = add_distance_to_shore(_gap_off_straight_coast(60.0, 60.0, 12.0), land=STRAIGHT_COAST)
    assert list(got.columns) == [*GAP_COLUMNS, *SHORE_COLUMNS]


def test_input_frame_is_not_changed():
    gaps = _gap_off_straight_coast(60.0, 60.0, 12.0)
    add_distance_to_shore(gaps, land=STRAIGHT_COAST)
    assert list(gaps.columns) == list(GAP_COLUMNS)


def test_params_are_recorded():
    gaps = _gap_off_straight_coast(60.0, 60.0, 12.0)
    got = add_distance_to_shore(gaps, land=STRAIGHT_COAST)
    assert got.attrs["params"] == {**gaps.attrs["params"], "offshore": asdict(OffshoreGapParams())}


def test_no_gaps_gives_the_empty_columns():
    gaps = detect_gaps(make_positions(make_track(1, (60.0, 0.0), [])))
    got = add_distance_to_shore(gaps)
    assert (len(got), list(got.columns)[-3:], str(got["offshore"].dtype)) == (0, list(SHORE_COLUMNS), "bool")


def test_search_radius_must_exceed_the_shore_distance():
    with pytest.raises(ValueError, match="must exceed"):
        add_distance_to_shore(_gap_off_straight_coast(60.0, 60.0, 12.0),
                              OffshoreGapParams(min_shore_distance_nm=50.0, search_radius_nm=50.0))


def test_exported_once():
    assert (vt.add_distance_to_shore, vt.OffshoreGapParams) == (add_distance_to_shore, OffshoreGapParams)


# --- the command line --------------------------------------------------------------------------


def _write_csv(path):
    """Two vessels in NOAA's CSV layout: the berth-to-ocean gap and the islet gap above."""
    rows = [
        (273000001, T0, BERTH[1], BERTH[0]),
        (273000001, T0 + pd.Timedelta(hours=120), 40.0, 150.0),
        (273000002, T0, ISLET_NORTH[1], ISLET_NORTH[0]),
        (273000002, T0 + pd.Timedelta(hours=12), ISLET_SOUTH[1], ISLET_SOUTH[0]),
    ]
    lines = ["MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading"]
    lines += [f"{m},{t.strftime('%Y-%m-%dT%H:%M:%S')},{la},{lo},5.0,0,0" for m, t, la, lo in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def _gaps_cli(capsys, *args):
    code = main(["gaps", *args, "-q"])
    out = capsys.readouterr()
    assert code == 0, out.err


def test_cli_shore_adds_the_columns(tmp_path, capsys):
    src = _write_csv(tmp_path / "ais.csv")
    _gaps_cli(capsys, str(src), "--shore", "-o", str(tmp_path / "gaps.csv"))
    got = pd.read_csv(tmp_path / "gaps.csv")
    assert (list(got.columns), got["offshore"].tolist(), got["end_distance_to_shore_nm"].iloc[0]) == (
        [*GAP_COLUMNS, *SHORE_COLUMNS], [False, True], np.inf)


def test_cli_without_shore_has_no_shore_columns(tmp_path, capsys):
    src = _write_csv(tmp_path / "ais.csv")
    _gaps_cli(capsys, str(src), "-o", str(tmp_path / "gaps.csv"))
    assert list(pd.read_csv(tmp_path / "gaps.csv").columns) == list(GAP_COLUMNS)


def test_cli_shore_on_a_store_is_the_same_as_on_the_files(tmp_path, capsys):
    src = _write_csv(tmp_path / "ais.csv")
    vt.ingest([src], tmp_path / "store", progress=False)
    _gaps_cli(capsys, str(src), "--shore", "-o", str(tmp_path / "direct.csv"))
    _gaps_cli(capsys, "--store", str(tmp_path / "store"), "--shore", "-o", str(tmp_path / "store.csv"))
    direct = (tmp_path / "direct.csv").read_bytes()
    assert (direct.splitlines()[0].endswith(b",offshore"), (tmp_path / "store.csv").read_bytes()) == (
        True, direct)


def test_cli_shore_keeps_the_min_hours(tmp_path, capsys):
    # --min-hours 13 drops the 12 h islet gap: only the 120 h gap is left, not offshore
    src = _write_csv(tmp_path / "ais.csv")
    _gaps_cli(capsys, str(src), "--shore", "--min-hours", "13", "-o", str(tmp_path / "gaps.csv"))
    got = pd.read_csv(tmp_path / "gaps.csv")
    assert (got["mmsi"].tolist(), got["offshore"].tolist()) == ([273000001], [False])


def test_gap_params_unchanged_by_shore():
    # the gaps' own threshold stays 6 h: an 8 h gap is reported, just not offshore
    got = add_distance_to_shore(_gap_off_straight_coast(60.0, 60.0, 8.0), land=STRAIGHT_COAST)
    assert (len(got), got.attrs["params"]["min_gap_hours"], bool(got["offshore"].iloc[0])) == (
        1, GapParams().min_gap_hours, False)


def test_cli_shore_says_how_many_are_offshore(tmp_path, capsys):
    # of the two gaps only the islet's is offshore
    src = _write_csv(tmp_path / "ais.csv")
    assert main(["gaps", str(src), "--shore", "-o", str(tmp_path / "gaps.csv")]) == 0
    assert "1 offshore (12 h or more, both ends beyond 50 nm from shore)" in capsys.readouterr().err


def test_a_table_without_positions_is_refused():
    gaps = _gap_off_straight_coast(60.0, 60.0, 12.0).drop(columns=["end_lat"])
    with pytest.raises(ValueError, match="lacks column"):
        add_distance_to_shore(gaps, land=STRAIGHT_COAST)
