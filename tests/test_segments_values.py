"""Segmentation by identity on hand-made tracks: each rule on both sides of its threshold.

Written from the surviving mutants of ``vesseltrack/segments.py``: "continues" (the
displacement under ``split_distance_m``, the implied speed at most ``split_speed_knots``,
positions in one second taken 1 s apart), wild positions at a track's ends and beside
another vessel, partners within ``isolation_lags``, the minimum segment size, the numbering
per vessel, rows without time or position, the summary's counts and gaps per segment.

Distances are closed forms: along a meridian, ``EARTH_RADIUS_M * radians(dlat)``; 1° of
latitude is 111,195 m = 60.04 nm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry import box

from vesseltrack._units import EARTH_RADIUS_M, METERS_PER_NM
from vesseltrack.params import GapParams, SegmentParams
from vesseltrack.segments import (
    detect_gaps_by_segment,
    isolated_positions,
    segment_ids,
    segment_summary,
    segment_tracks,
)

T0 = pd.Timestamp("2024-01-01", tz="UTC")
ONE_DEGREE_KNOTS_IN_AN_HOUR = EARTH_RADIUS_M * np.radians(1.0) / METERS_PER_NM  # 60.04 kn


def fits(t1: float, lat1: float, t2: float, lat2: float, params: SegmentParams) -> bool:
    """Whether the second position continues the first (along the meridian 130° E)."""
    rows = np.array([t1, t2]), np.full(2, 130.0), np.array([lat1, lat2])
    # two rows of one vessel: neither is wild, and segment_ids says whether they are one
    # segment (1, 1) or two (then both below three positions: noise)
    return segment_ids(np.ones(2, dtype=np.int64), *rows,
                       SegmentParams(**{**params.__dict__, "min_segment_positions": 1})).tolist() == [1, 1]


def frame(lon: list[float], lat: float | list[float] = 40.0, mmsi: int = 445000001,
          minutes: float = 10.0) -> pd.DataFrame:
    n = len(lon)
    return pd.DataFrame({"mmsi": mmsi, "timestamp": T0 + pd.to_timedelta(
        np.arange(n) * minutes, unit="min"), "lon": lon, "lat": lat})


def wild(lon: list[float], mmsi: list[int] | None = None, params: SegmentParams | None = None,
         seconds: float = 600.0) -> list[bool]:
    """isolated_positions along 40° N, a report every ``seconds``."""
    n = len(lon)
    m = np.ones(n, dtype=np.int64) if mmsi is None else np.asarray(mmsi, dtype=np.int64)
    return isolated_positions(m, np.arange(n) * seconds, np.asarray(lon, dtype=float),
                              np.full(n, 40.0), params).tolist()


# --- continues: speed and distance --------------------------------------------------------

def test_an_implied_speed_of_exactly_the_limit_continues():
    # 1° of latitude in 1 h: 60.04 kn = split_speed_knots (inclusive)
    p = SegmentParams(split_speed_knots=ONE_DEGREE_KNOTS_IN_AN_HOUR)
    assert fits(0.0, 0.0, 3600.0, 1.0, p)


def test_an_implied_speed_just_over_the_limit_breaks():
    p = SegmentParams(split_speed_knots=np.nextafter(ONE_DEGREE_KNOTS_IN_AN_HOUR, 0.0))
    assert not fits(0.0, 0.0, 3600.0, 1.0, p)


def test_a_displacement_just_under_the_distance_continues_at_any_speed():
    # 0.004° = 444.78 m in 1 s (864 kn): under split_distance_m just above 444.78 m
    d_m = EARTH_RADIUS_M * np.radians(0.004)
    assert fits(0.0, 0.0, 1.0, 0.004, SegmentParams(split_distance_m=np.nextafter(d_m, np.inf)))


def test_a_displacement_of_exactly_the_distance_does_not_continue_by_distance():
    d_m = EARTH_RADIUS_M * np.radians(0.004)
    assert not fits(0.0, 0.0, 1.0, 0.004, SegmentParams(split_distance_m=d_m))


def test_the_default_distance_is_500_m():
    # 0.004° = 444.78 m < 500 m in 1 s: continues; 0.0046° = 511.5 m in 1 s (994 kn): breaks
    assert (fits(0.0, 0.0, 1.0, 0.004, SegmentParams()),
            fits(0.0, 0.0, 1.0, 0.0046, SegmentParams())) == (True, False)


def test_the_default_speed_is_40_knots():
    # 0.66° in 1 h = 39.6 kn continues; 0.67° in 1 h = 40.2 kn breaks
    assert (fits(0.0, 0.0, 3600.0, 0.66, SegmentParams()),
            fits(0.0, 0.0, 3600.0, 0.67, SegmentParams())) == (True, False)


def test_positions_in_one_second_are_taken_one_second_apart():
    # 0.005° = 556 m in no time: taken over 1 s it is 1081 kn, under a 1100 kn limit;
    # (over no time the speed would be infinite)
    assert fits(0.0, 0.0, 0.0, 0.005, SegmentParams(split_speed_knots=1100.0))


def test_positions_in_one_second_over_the_speed_of_one_second():
    # the same 556 m in no time, over a 1000 kn limit: 1081 kn breaks
    assert not fits(0.0, 0.0, 0.0, 0.005, SegmentParams(split_speed_knots=1000.0))


# --- wild positions -----------------------------------------------------------------------

def test_a_wild_last_position_is_noise():
    assert wild([130.0, 130.01, 130.02, 135.0]) == [False, False, False, True]


def test_two_far_positions_alone_are_not_wild():
    assert wild([130.0, 135.0]) == [False, False]


def test_one_position_is_not_wild():
    assert wild([130.0]) == [False]


def test_no_position_none_wild():
    assert wild([]) == []


def test_three_positions_with_a_wild_middle():
    assert wild([130.0, 135.0, 130.01]) == [False, True, False]


def test_a_wild_first_position_of_three():
    # 135.0 breaks from both next reports, which continue each other
    assert wild([135.0, 130.0, 130.01]) == [True, False, False]


def test_a_vessels_first_and_last_reports_beside_other_vessels():
    # vessel 2's first report (135.0) is wild, vessel 1's last (131.0) too; the other
    # vessels' reports around them are not their track
    assert wild([130.0, 130.01, 130.02, 131.0, 135.0, 140.0, 140.01, 140.02],
                [1, 1, 1, 1, 2, 2, 2, 2]) == [False, False, False, True, True, False, False, False]


def test_a_vessel_after_a_two_report_vessel_is_not_wild():
    # vessel 1 has two reports, vessel 2 starts far away: no one is wild
    assert wild([130.0, 130.01, 140.0, 140.01, 140.02], [1, 1, 2, 2, 2]) == [False] * 5


def test_a_two_report_vessel_far_apart_between_others_is_not_wild():
    # vessel 2's two reports are 5° apart; fewer than three reports: never off track
    assert wild([130.0, 130.01, 130.02, 140.0, 145.0, 150.0, 150.01, 150.02],
                [1, 1, 1, 2, 2, 3, 3, 3]) == [False] * 8


def test_a_ship_switching_tracks_is_not_off_track():
    # the reports before and after 131.0 (130.02 and 131.01) do not continue each other:
    # it begins the second track, it is no wild point
    assert wild([130.0, 130.01, 130.02, 131.0, 131.01, 131.02]) == [False] * 6


def test_an_off_track_pair_two_reports_apart_are_partners_and_the_report_between_is_wild():
    # rows 2 and 4 (135.0) are off the track and continue each other (same place): partners,
    # a second ship. Row 3 (130.03) breaks from both its neighbours, which continue each
    # other: off track, and its off-track partners would be rows 1 or 5, which are on track:
    # wild
    assert wild([130.0, 130.01, 135.0, 130.03, 135.0, 130.05, 130.06]) == [
        False, False, False, True, False, False, False]


def test_a_partner_at_exactly_isolation_lags_counts():
    # rows 2 and 5 are 3 apart, isolation_lags 3: partners
    lon = [130.0, 130.01, 135.0, 130.03, 130.04, 135.0, 130.06, 130.07]
    assert wild(lon, params=SegmentParams(isolation_lags=3)) == [False] * 8


def test_a_partner_beyond_isolation_lags_does_not_count():
    # rows 2 and 5 are 3 apart, isolation_lags 2: both wild
    lon = [130.0, 130.01, 135.0, 130.03, 130.04, 135.0, 130.06, 130.07]
    assert wild(lon, params=SegmentParams(isolation_lags=2)) == [
        False, False, True, False, False, True, False, False]


def test_an_off_track_position_of_another_vessel_is_no_partner():
    # vessel 1's 135.0 (row 2) and vessel 2's 135.0 (row 5) are both off their tracks
    lon = [130.0, 130.01, 135.0, 130.03, 130.0, 135.0, 130.02, 130.03]
    assert wild(lon, [1, 1, 1, 1, 2, 2, 2, 2]) == [
        False, False, True, False, False, True, False, False]


def test_an_off_track_position_that_does_not_continue_is_no_partner():
    # rows 2 and 4 are both off track but 5° apart from each other
    assert wild([130.0, 130.01, 135.0, 130.03, 140.0, 130.05, 130.06]) == [
        False, False, True, False, True, False, False]


# --- segment ids --------------------------------------------------------------------------

def test_a_segment_of_exactly_the_minimum_size_is_a_segment():
    # three reports 1° off (≈ 85 km) 10 min apart from the track: 3 = min_segment_positions
    lon = [130.0, 130.01, 131.0, 131.0, 131.0, 130.05, 130.06]
    seg = segment_tracks(frame(lon), SegmentParams(min_segment_positions=3))["segment"]
    assert seg.tolist() == [1, 1, 2, 2, 2, 1, 1]


def test_a_noise_segment_takes_no_number():
    # the 2-report excursion at 131° is noise (2 < 3); the later excursion at 132° is
    # segment 2, not 3
    lon = [130.0, 130.01, 131.0, 131.0, 130.04, 130.05, 132.0, 132.0, 132.0, 130.09, 130.1]
    assert segment_tracks(frame(lon))["segment"].tolist() == [1, 1, 0, 0, 1, 1, 2, 2, 2, 1, 1]


def test_segments_are_numbered_per_vessel():
    a = frame([130.0, 130.01, 131.0, 131.0, 131.0, 130.05, 130.06], mmsi=1)
    b = frame([140.0, 140.01, 140.02], mmsi=2)
    s = segment_tracks(pd.concat([a, b], ignore_index=True))
    assert s["segment"].tolist() == [1, 1, 2, 2, 2, 1, 1, 1, 1, 1]


def test_a_vessel_whose_reports_are_all_noise_then_a_vessel_with_segments():
    # vessel 1: two reports only (a segment of 2 < 3: noise); vessel 2 numbered from 1
    a = frame([130.0, 130.01], mmsi=1)
    b = frame([140.0, 140.01, 140.02], mmsi=2)
    s = segment_tracks(pd.concat([a, b], ignore_index=True))
    assert s["segment"].tolist() == [0, 0, 1, 1, 1]


def test_no_rows_no_segments():
    out = segment_ids(np.array([], dtype=np.int64), np.array([]), np.array([]), np.array([]))
    assert (out.tolist(), out.dtype) == ([], np.dtype("int64"))


def test_segment_ids_of_plain_lists_are_int64():
    out = segment_ids([1, 1, 1], [0, 600, 1200], [130.0, 130.01, 130.02], [40, 40, 40])
    assert (out.tolist(), out.dtype) == ([1, 1, 1], np.dtype("int64"))


def test_the_speed_limit_comes_from_the_parameters():
    # alternating tracks 1° apart every 10 min (≈ 275 kn at 40° N): one ship under a 300 kn limit
    k = np.arange(8)
    lon = np.where(k % 2 == 0, 130.0, 131.0)
    seg = segment_tracks(frame(lon), SegmentParams(split_speed_knots=300.0))["segment"]
    assert seg.tolist() == [1] * 8


def test_the_distance_limit_comes_from_the_parameters():
    # alternating tracks 0.05° (4.26 km at 40° N) apart every minute (138 kn): one ship when
    # any displacement under 5 km continues
    k = np.arange(8)
    lon = np.where(k % 2 == 0, 130.0, 130.05)
    seg = segment_tracks(frame(lon, minutes=1.0), SegmentParams(split_distance_m=5000.0))["segment"]
    assert seg.tolist() == [1] * 8


def test_alternating_tracks_4_km_apart_a_minute_apart_are_two_ships():
    k = np.arange(8)
    lon = np.where(k % 2 == 0, 130.0, 130.05)
    assert segment_tracks(frame(lon, minutes=1.0))["segment"].tolist() == [1, 2] * 4


def test_one_open_segment_makes_alternating_ships_noise():
    # with one segment open, each report of the other ship replaces it: every segment has
    # one report, all noise
    k = np.arange(8)
    lon = np.where(k % 2 == 0, 130.0, 131.0)
    seg = segment_tracks(frame(lon), SegmentParams(max_open_segments=1))["segment"]
    assert seg.tolist() == [0] * 8


# --- segment_tracks: rows -----------------------------------------------------------------

def test_rows_without_time_are_dropped_and_the_rest_sorted():
    p = frame([130.02, 130.0, 130.01, 130.5])
    p["timestamp"] = [T0 + pd.Timedelta(minutes=20), T0, T0 + pd.Timedelta(minutes=10), pd.NaT]
    s = segment_tracks(p)
    assert (s["lon"].tolist(), s.index.tolist()) == ([130.0, 130.01, 130.02], [0, 1, 2])


def test_rows_are_sorted_by_vessel_then_time():
    p = pd.concat([frame([140.0, 140.01, 140.02], mmsi=2), frame([130.0, 130.01, 130.02], mmsi=1)],
                  ignore_index=True)
    p = p.iloc[[5, 0, 4, 1, 3, 2]]
    assert segment_tracks(p)["lon"].tolist() == [130.0, 130.01, 130.02, 140.0, 140.01, 140.02]


def test_rows_without_a_valid_position_get_0_and_do_not_break_the_track():
    # lon 181, lat 91 and a missing lat are invalid: segment 0; the others form one track
    p = frame([130.0, 181.0, 130.01, 130.02, 130.03, 130.04],
              lat=[40.0, 40.0, 91.0, 40.0, np.nan, 40.0])
    assert segment_tracks(p)["segment"].tolist() == [1, 0, 0, 1, 0, 1]


def test_positions_on_the_range_ends_are_valid():
    # lon -180 and 180 and lat 90 are valid positions (a track at the pole's edge):
    # 180° E and 180° W are one place
    p = frame([180.0, -180.0, 180.0], lat=[89.999, 89.999, 89.999])
    q = frame([10.0, 10.0, 10.0], lat=[90.0, 90.0, 90.0], mmsi=2)
    s = segment_tracks(pd.concat([p, q], ignore_index=True))
    assert s["segment"].tolist() == [1, 1, 1, 1, 1, 1]


def test_nullable_positions_missing_get_0():
    p = frame([130.0, 130.01, 130.02, 130.03])
    p["lon"] = pd.array([130.0, pd.NA, 130.02, 130.03], dtype="Float64")
    assert segment_tracks(p)["segment"].tolist() == [1, 0, 1, 1]


def test_times_are_taken_in_seconds():
    # 0.2° of latitude (12.0 nm) between the reports at 20 and 40 min: 36 kn, one track;
    # at 20 and 27 min: 103 kn (and 42 kn from the report at 10 min): a second segment
    lat = [0.0, 0.0, 0.0, 0.2, 0.2, 0.2]
    p = pd.DataFrame({"mmsi": 1, "timestamp": T0 + pd.to_timedelta([0, 10, 20, 40, 41, 42],
                                                                  unit="min"),
                      "lon": 130.0, "lat": lat})
    q = p.assign(timestamp=T0 + pd.to_timedelta([0, 10, 20, 27, 28, 29], unit="min"))
    assert (segment_tracks(p)["segment"].tolist(), segment_tracks(q)["segment"].tolist()) == (
        [1] * 6, [1, 1, 1, 2, 2, 2])


def test_other_columns_follow_their_rows():
    p = frame([130.02, 130.0, 130.01]).assign(sog_knots=[3.0, 1.0, 2.0])
    p["timestamp"] = [T0 + pd.Timedelta(minutes=20), T0, T0 + pd.Timedelta(minutes=10)]
    assert segment_tracks(p)["sog_knots"].tolist() == [1.0, 2.0, 3.0]


def test_default_parameters_are_recorded():
    s = segment_tracks(frame([130.0, 130.01, 130.02]))
    assert s.attrs["params"] == {"split_speed_knots": 40.0, "split_distance_m": 500.0,
                                 "max_open_segments": 8, "min_segment_positions": 3,
                                 "isolation_lags": 8}


def test_segment_column_is_int64():
    assert segment_tracks(frame([130.0, 130.01, 130.02]))["segment"].dtype == np.int64


# --- summary ------------------------------------------------------------------------------

def test_summary_of_an_excursion():
    # 2 track reports, 3 at 131° (20, 30, 40 min), 2 back: segment 1 of 4 reports (0 .. 60 min,
    # median lon of 130.0, 130.01, 130.05, 130.06 = 130.03), segment 2 of 3 (median 131.0)
    s = segment_tracks(frame([130.0, 130.01, 131.0, 131.0, 131.0, 130.05, 130.06]))
    out = segment_summary(s)
    assert (out[["mmsi", "segment", "positions", "switches"]].values.tolist(),
            out["start"].tolist(), out["end"].tolist(), out["lon"].round(6).tolist(),
            out["lat"].tolist()) == (
        [[445000001, 1, 4, 1], [445000001, 2, 3, 1]],
        [T0, T0 + pd.Timedelta(minutes=20)],
        [T0 + pd.Timedelta(minutes=60), T0 + pd.Timedelta(minutes=40)],
        [130.03, 131.0], [40.0, 40.0])


def test_summary_leaves_noise_out_and_counts_no_switch_across_it():
    # the wild point at 135° (noise) sits in segment 1's track: no switch
    s = segment_tracks(frame([130.0, 130.01, 135.0, 130.03, 130.04]))
    out = segment_summary(s)
    assert out[["segment", "positions", "switches"]].values.tolist() == [[1, 4, 0]]


def test_summary_counts_no_switch_between_vessels():
    a = frame([130.0, 130.01, 130.02], mmsi=1)
    b = frame([140.0, 140.01, 140.02], mmsi=2)
    out = segment_summary(segment_tracks(pd.concat([a, b], ignore_index=True)))
    assert out[["mmsi", "segment", "switches"]].values.tolist() == [[1, 1, 0], [2, 1, 0]]


def test_summary_of_a_single_row():
    s = pd.DataFrame({"mmsi": [1], "segment": [1], "timestamp": [T0], "lon": [130.0],
                      "lat": [40.0]})
    out = segment_summary(s)
    assert out[["mmsi", "segment", "positions", "switches"]].values.tolist() == [[1, 1, 1, 0]]


def test_summary_of_alternating_ships_counts_every_switch():
    # [1, 2] * 4: segment 1 is entered 3 times (after each 2 but the first report),
    # segment 2 four times
    k = np.arange(8)
    lon = np.where(k % 2 == 0, 130.0 + k * 0.0005, 131.0 - k * 0.0005)
    out = segment_summary(segment_tracks(frame(lon)))
    assert out["switches"].tolist() == [3, 4]


# --- gaps per segment ---------------------------------------------------------------------

def test_gaps_per_segment_find_each_ships_own_silence():
    # ship A (segment 1) reports at 130° every 30 min for 2 h, is silent 8 h, reports 2 h
    # more; ship B on the same MMSI at 131° (≈ 85 km away) every 30 min throughout (12 h):
    # one MMSI never silent 6 h, but ship A's segment has an 8 h gap
    a_min = [0, 30, 60, 90, 120, 600, 630, 660, 690, 720]
    b_min = list(range(15, 735, 30))
    p = pd.DataFrame({"mmsi": 445000001,
                      "timestamp": T0 + pd.to_timedelta(a_min + b_min, unit="min"),
                      "lon": [130.0 + 0.001 * k for k in range(len(a_min))]
                      + [131.0 + 0.001 * k for k in range(len(b_min))], "lat": 40.0})
    gaps = detect_gaps_by_segment(p, gap_params=GapParams(min_gap_hours=6.0))
    assert gaps[["mmsi", "segment", "start", "end"]].values.tolist() == [
        [445000001, 1, T0 + pd.Timedelta(minutes=120), T0 + pd.Timedelta(minutes=600)]]


def _two_ships_one_silent() -> pd.DataFrame:
    """Ship A at 130° every 30 min, silent from 120 to 600 min (8 h); ship B on the same MMSI
    at 131° (≈ 85 km away) every 30 min from 15 to 705 min: the MMSI is never silent 6 h."""
    a_min = [0, 30, 60, 90, 120, 600, 630, 660, 690, 720]
    b_min = list(range(15, 735, 30))
    return pd.DataFrame({"mmsi": 445000001,
                         "timestamp": T0 + pd.to_timedelta(a_min + b_min, unit="min"),
                         "lon": [130.0 + 0.001 * k for k in range(len(a_min))]
                         + [131.0 + 0.001 * k for k in range(len(b_min))], "lat": 40.0})


def test_gaps_per_segment_take_the_gap_parameters():
    # ship A's silence is 8 h: no gap of at least 9 h
    gaps = detect_gaps_by_segment(_two_ships_one_silent(), gap_params=GapParams(min_gap_hours=9.0))
    assert len(gaps) == 0


def test_gaps_per_segment_record_both_parameter_sets():
    p = frame([130.0, 130.01, 130.02])
    gaps = detect_gaps_by_segment(p, params=SegmentParams(split_speed_knots=30.0))
    assert (gaps.attrs["params"]["segments"]["split_speed_knots"],
            gaps.attrs["params"]["min_gap_hours"]) == (30.0, 6.0)


def test_gaps_per_segment_record_the_default_segment_parameters():
    gaps = detect_gaps_by_segment(frame([130.0, 130.01, 130.02]))
    assert gaps.attrs["params"]["segments"]["min_segment_positions"] == 3


def test_gaps_per_segment_of_noise_only_is_an_empty_table():
    # two reports make no segment (2 < 3): an empty gaps table, with its segment column
    gaps = detect_gaps_by_segment(frame([130.0, 130.01]))
    assert (len(gaps), gaps.columns[-1], gaps.columns[0]) == (0, "segment", "mmsi")


def test_gaps_per_segment_are_sorted_by_vessel_and_start():
    # vessel 445000001: segment 1 is three reports at 131° (0, 10, 20 min), segment 2 the
    # track at 130° (30, 40, 50, then 470, 480, 490 min: a 7 h gap from 50 min);
    # vessel 445000002: one segment with a 7 h gap from 20 to 440 min. Gaps are found
    # segment by segment (vessel 2's segment 1 first) and given in vessel order
    x = pd.DataFrame({"mmsi": 445000001,
                      "timestamp": T0 + pd.to_timedelta([0, 10, 20, 30, 40, 50, 470, 480, 490],
                                                        unit="min"),
                      "lon": [131.0, 131.001, 131.002, 130.0, 130.001, 130.002, 130.003,
                              130.004, 130.005], "lat": 40.0})
    y = frame([100.0, 100.001, 100.002, 100.003, 100.004, 100.005], mmsi=445000002).assign(
        timestamp=T0 + pd.to_timedelta([0, 10, 20, 440, 450, 460], unit="min"))
    gaps = detect_gaps_by_segment(pd.concat([y, x], ignore_index=True))
    assert gaps[["mmsi", "segment", "start"]].values.tolist() == [
        [445000001, 2, T0 + pd.Timedelta(minutes=50)],
        [445000002, 1, T0 + pd.Timedelta(minutes=20)]]


def _wild_along_meridian(t_s: list[float], lat: list[float], params: SegmentParams) -> list[bool]:
    n = len(t_s)
    return isolated_positions(np.ones(n, dtype=np.int64), np.asarray(t_s, dtype=float),
                              np.full(n, 130.0), np.asarray(lat, dtype=float), params).tolist()


def test_a_wild_point_at_exactly_the_distance_limit_breaks_the_track():
    # 0.004° = 444.78 m out and back in 1 s steps (864 kn): off the track when the distance
    # limit is exactly 444.78 m (not under it), on it just above
    d_m = EARTH_RADIUS_M * np.radians(0.004)
    at = _wild_along_meridian([0, 1, 2], [0.0, 0.004, 0.0], SegmentParams(split_distance_m=d_m))
    above = _wild_along_meridian([0, 1, 2], [0.0, 0.004, 0.0],
                                 SegmentParams(split_distance_m=np.nextafter(d_m, np.inf)))
    assert (at, above) == ([False, True, False], [False, False, False])


def test_a_point_at_exactly_the_speed_limit_stays_on_the_track():
    # 1° of meridian out and back in 1 h steps: 60.04 kn each way; on the track at a limit of
    # exactly that speed, wild just under it
    v = ONE_DEGREE_KNOTS_IN_AN_HOUR
    at = _wild_along_meridian([0, 3600, 7200], [0.0, 1.0, 0.0], SegmentParams(split_speed_knots=v))
    under = _wild_along_meridian([0, 3600, 7200], [0.0, 1.0, 0.0],
                                 SegmentParams(split_speed_knots=np.nextafter(v, 0.0)))
    assert (at, under) == ([False, False, False], [False, True, False])


# --- "continues" through isolated_positions (the vectorised test, not the Numba kernel) ---

EPOCH_S = 1_704_067_200.0  # 2024-01-01 in seconds: times far from 0, as real reports


def _out_and_back(dt_s: float, lon: tuple[float, float], lat: tuple[float, float],
                  params: SegmentParams) -> list[bool]:
    """isolated_positions of A, B, A (one vessel, ``dt_s`` apart, from 2024-01-01): the two A
    reports continue each other (same place), so B is wild exactly when it does not continue
    A (out) or A does not continue it (back)."""
    t = EPOCH_S + np.array([0.0, dt_s, 2 * dt_s])
    return isolated_positions(np.ones(3, dtype=np.int64), t, np.array([lon[0], lon[1], lon[0]]),
                              np.array([lat[0], lat[1], lat[0]]), params).tolist()


def test_a_degree_of_meridian_at_60_north_in_two_hours_is_30_knots():
    # 60° N to 61° N along 10° E: R * pi / 180 = 6,371,008.8 * 0.0174533 = 111,194.9 m
    # = 60.0405 nm, in 2 h: 30.020 kn; on the track under a 30.03 kn limit, wild under 30.01
    on = _out_and_back(7200.0, (10.0, 10.0), (60.0, 61.0), SegmentParams(split_speed_knots=30.03))
    off = _out_and_back(7200.0, (10.0, 10.0), (60.0, 61.0), SegmentParams(split_speed_knots=30.01))
    assert (on, off) == ([False, False, False], [False, True, False])


def test_a_degree_of_the_60th_parallel_in_an_hour_is_30_knots():
    # 10° E to 11° E along 60° N: haversine h = cos²(60°) sin²(0.5°) = (0.5 * 0.0087265)²,
    # d = 2R asin(0.00436327) = 12,742,017.6 * 0.00436328 = 55,597.0 m = 30.020 nm in 1 h
    # (half a degree of meridian: the parallel shrinks by cos 60° = 0.5)
    on = _out_and_back(3600.0, (10.0, 11.0), (60.0, 60.0), SegmentParams(split_speed_knots=30.03))
    off = _out_and_back(3600.0, (10.0, 11.0), (60.0, 60.0), SegmentParams(split_speed_knots=30.01))
    assert (on, off) == ([False, False, False], [False, True, False])


def test_a_wild_point_in_no_time_is_taken_one_second_away():
    # 0.005° of meridian = 555.97 m = 0.30020 nm, three reports in the same second: taken
    # over 1 s it is 1080.7 kn: wild under a 1000 kn limit, on the track under 1100 kn
    # (over 2 s it would be 540 kn: on the track under both)
    off = _out_and_back(0.0, (10.0, 10.0), (60.0, 60.005), SegmentParams(split_speed_knots=1000.0))
    on = _out_and_back(0.0, (10.0, 10.0), (60.0, 60.005), SegmentParams(split_speed_knots=1100.0))
    assert (off, on) == ([False, True, False], [False, False, False])


def test_a_second_ship_found_from_its_later_report_looking_back():
    # track at 40° N every 10 min (0.01° = 852 m: 2.8 kn); rows 2 and 5 are a second ship at
    # 40.5° N (55 km north): each off the track. Row 5 finds row 2 three rows back: 0.05° of
    # the 40.5° parallel = 5,559.7 * cos 40.5° = 4,228 m = 2.28 nm in 30 min (4.6 kn), so
    # they continue each other (over 1 s it would be 8,200 kn): partners, nobody wild
    lon = [130.0, 130.01, 130.0, 130.03, 130.04, 130.05, 130.06, 130.07]
    lat = [40.0, 40.0, 40.5, 40.0, 40.0, 40.5, 40.0, 40.0]
    t = EPOCH_S + 600.0 * np.arange(8)
    out = isolated_positions(np.ones(8, dtype=np.int64), t, np.array(lon), np.array(lat))
    assert out.tolist() == [False] * 8


def test_a_second_ship_whose_first_report_is_the_vessels_first():
    # row 0 (135° E) is off the track: neither of the next two reports continues it; row 3
    # (135° E again, 30 min later) is off the track between rows 2 and 4: the two continue
    # each other (same place), so each is the other's partner, row 3 finding row 0 three
    # rows back
    lon = [135.0, 130.01, 130.02, 135.0, 130.04, 130.05]
    t = EPOCH_S + 600.0 * np.arange(6)
    out = isolated_positions(np.ones(6, dtype=np.int64), t, np.array(lon), np.full(6, 40.0))
    assert out.tolist() == [False] * 6


def test_positions_just_beyond_the_range_are_not_a_segment():
    # three reports at 180.5° E and three at 90.5° N are not positions: segment 0, not a
    # second track (vessel 2 sorts first)
    p = frame([130.0, 130.01, 180.5, 180.5, 180.5, 130.05, 130.06, 130.07])
    q = frame([130.0, 130.01, 130.02, 130.03, 130.04, 130.05, 130.06],
              lat=[40.0, 40.0, 90.5, 90.5, 90.5, 40.0, 40.0], mmsi=2)
    s = segment_tracks(pd.concat([p, q], ignore_index=True))
    assert s["segment"].tolist() == [1, 1, 0, 0, 0, 1, 1] + [1, 1, 0, 0, 0, 1, 1, 1]


# --- from the last run's survivors ----------------------------------------------------------

def test_segment_tracks_adds_only_the_segment_column():
    p = frame([130.0, 130.01, 130.02])
    assert list(segment_tracks(p).columns) == [*p.columns, "segment"]


def test_one_row_is_noise_and_segment_ids_stay_int64():
    # one report: not wild (bool), a segment of 1 < 3 (noise, 0); two reports: noise too
    one = isolated_positions(np.array([1]), np.array([0.0]), np.array([130.0]), np.array([40.0]))
    two = segment_ids(np.array([1, 1]), np.array([0.0, 600.0]), np.array([130.0, 130.01]),
                      np.array([40.0, 40.0]))
    seg = segment_tracks(frame([130.0]))["segment"]
    assert ((one.tolist(), one.dtype), (two.tolist(), two.dtype), seg.tolist()) == (
        ([False], np.dtype(bool)), ([0, 0], np.dtype("int64")), [0])


def test_wild_points_are_judged_with_the_given_speed_limit():
    # 0.5° of longitude at 40° N = 42.6 km in 10 min (138 kn) out and back: under a 300 kn
    # limit the report continues the track (one segment), under the default 40 kn it is wild
    lon = [130.0, 130.01, 130.52, 130.03, 130.04]
    fast = segment_tracks(frame(lon), SegmentParams(split_speed_knots=300.0))["segment"]
    assert (fast.tolist(), segment_tracks(frame(lon))["segment"].tolist()) == (
        [1, 1, 1, 1, 1], [1, 1, 0, 1, 1])


def test_a_wild_point_beside_a_second_segment_stays_noise():
    # the track at 130° (segment 1), a wild report at 135° (noise), three reports at 131°
    # (85 km off, segment 2): the wild report joins neither
    lon = [130.0, 130.01, 135.0, 130.03, 131.0, 131.0, 131.0, 130.07, 130.08]
    assert segment_tracks(frame(lon))["segment"].tolist() == [1, 1, 0, 1, 2, 2, 2, 1, 1]


def test_segments_of_many_vessels_stay_apart():
    # vessel 1: its track and a three-report excursion (segments 1 and 2); vessels 2 to 4:
    # one track each (segment 1 of their own)
    a = frame([130.0, 130.01, 131.0, 131.0, 131.0, 130.05, 130.06], mmsi=1)
    others = [frame([100.0 + 10 * v, 100.01 + 10 * v, 100.02 + 10 * v], mmsi=v) for v in (2, 3, 4)]
    s = segment_tracks(pd.concat([a, *others], ignore_index=True))
    assert s["segment"].tolist() == [1, 1, 2, 2, 2, 1, 1] + [1] * 9


def test_summary_counts_switches_of_a_second_vessel():
    # vessel 1 one track; vessel 2 alternates between two tracks 1° apart: its segment 1 is
    # entered 3 times, segment 2 four times (as for one vessel); switches are int64
    a = frame([140.0, 140.01, 140.02], mmsi=1)
    k = np.arange(8)
    b = frame(np.where(k % 2 == 0, 130.0 + k * 0.0005, 131.0 - k * 0.0005), mmsi=2)
    out = segment_summary(segment_tracks(pd.concat([a, b], ignore_index=True)))
    assert (out[["mmsi", "segment", "switches"]].values.tolist(), out["switches"].dtype) == (
        [[1, 1, 0], [2, 1, 3], [2, 2, 4]], np.dtype("int64"))


def test_summary_of_two_rows_in_two_segments_counts_one_switch():
    s = pd.DataFrame({"mmsi": [1, 1], "segment": [1, 2], "timestamp": [T0, T0 + pd.Timedelta(minutes=10)],
                      "lon": [130.0, 131.0], "lat": [40.0, 40.0]})
    assert segment_summary(s)["switches"].tolist() == [0, 1]


def test_gaps_per_segment_use_the_segment_parameters():
    # ship B's reports 85 km from ship A are one ship with A under a 1000 kn limit: no
    # segment of A alone, so no 8 h gap (the MMSI reports every 15 min)
    gaps = detect_gaps_by_segment(_two_ships_one_silent(),
                                  gap_params=GapParams(min_gap_hours=6.0),
                                  params=SegmentParams(split_speed_knots=1000.0))
    assert len(gaps) == 0


def test_gaps_per_segment_leave_noise_out():
    # two wild reports (135°, 136°) 8 h apart on a track reported every 30 min: noise, no
    # segment, so no gap between them
    t_min = list(range(0, 720, 30))
    lon = [130.0 + 0.001 * k for k in range(len(t_min))]
    lon[3], lon[19] = 135.0, 136.0
    p = pd.DataFrame({"mmsi": 445000001, "timestamp": T0 + pd.to_timedelta(t_min, unit="min"),
                      "lon": lon, "lat": 40.0})
    assert len(detect_gaps_by_segment(p, gap_params=GapParams(min_gap_hours=6.0))) == 0


def test_gaps_per_segment_take_the_statics_and_the_ports():
    # ship A's 8 h gap (02:00-10:00 at 130.004 and 130.005° E, 40° N): draught 5.0 m reported
    # an hour before T0, 7.5 m during the gap (in effect at its end); the pier 0.046° and
    # 0.045° east of its ends (3.9 and 3.8 km, 2.12 + 2.07 nm at 12 kn = 0.35 h, + 2 h
    # dwell <= 8 h) was reachable
    statics = pd.DataFrame({"mmsi": [445000001, 445000001],
                            "timestamp": [T0 - pd.Timedelta(hours=1), T0 + pd.Timedelta(hours=9)],
                            "draught_m": [5.0, 7.5]})
    ports = pd.DataFrame({"name": ["Pier"], "kind": ["port"],
                          "geometry": [box(130.05, 40.0, 130.06, 40.01)]})
    gaps = detect_gaps_by_segment(_two_ships_one_silent(), statics, ports,
                                  gap_params=GapParams(min_gap_hours=6.0))
    assert gaps[["draught_before_m", "draught_after_m", "reachable_ports"]].values.tolist() == [
        [5.0, 7.5, "Pier"]]
