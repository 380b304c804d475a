"""Identity checks on tiny hand-made frames, one finding kind at a time, each value worked out
by hand (both sides of every threshold).

The detectors behind :func:`vesseltrack.check_identity` are called one by one where a kind has
its own (``_circles``, ``_jamming``, ...): each test then runs in milliseconds and checks one
rule, which the scenario tests of ``test_identity.py`` check only all together.

Distances: haversine on a sphere of 6,371,008.8 m, so 1 deg of latitude is
6371.0088 x pi / 180 = 111.195 km.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vesseltrack._schema import positions_frame, statics_frame
from vesseltrack.identity import (
    IDENTITY_COLUMNS,
    IDENTITY_KINDS,
    _changes,
    _circles,
    _closest_km,
    _flag_mismatch,
    _invalid,
    _jamming,
    _mmsi_changes,
    _shared_and_jammed,
    _swaps,
    _vessels,
    _watchlisted,
    check_identity,
    identity_summary,
    score_findings,
)
from vesseltrack.params import IdentityParams, SegmentParams, WatchlistParams
from vesseltrack.segments import segment_ids

# The segmentation's Numba kernel loaded once, when the tests are collected: the mutation run
# (bench/mutate.py) forks one process per mutant from the collecting one, and each fork would
# otherwise import Numba and load the kernel from its cache again (about 0.45 CPU s a mutant
# whose tests split a track, against 0.03 s for the test itself). segments.py is not what
# these tests mutate.
segment_ids(np.array([1, 1]), np.array([0.0, 60.0]), np.array([130.0, 130.0]),
            np.array([40.0, 40.0]))

T0 = pd.Timestamp("2024-06-01", tz="UTC")  # a multiple of 3 h since the epoch
MIN = pd.Timedelta(minutes=1)
H = pd.Timedelta(hours=1)
RU, RU2, RU3 = 273000001, 273000002, 273000003
KP = 445000001
IMO_A, IMO_B = 9074729, 9176187  # valid: 9x7+0x6+7x5+4x4+7x3+2x2 = 139; ... = 147
IMO_BAD = 9074728                # check digit 9, not 8


def _positions(rows):
    """Positions from ``(mmsi, minutes after T0, lon, lat, sog_knots)``."""
    f = pd.DataFrame(rows, columns=["mmsi", "minutes", "lon", "lat", "sog_knots"])
    f["timestamp"] = T0 + pd.to_timedelta(f.pop("minutes"), unit="min")
    return positions_frame(f)


def _statics(rows):
    """Statics from ``(mmsi, minutes after T0, imo, name, callsign)``."""
    f = pd.DataFrame(rows, columns=["mmsi", "minutes", "imo", "name", "callsign"])
    f["timestamp"] = T0 + pd.to_timedelta(f.pop("minutes"), unit="min")
    f["imo"] = pd.array(f["imo"], dtype="Int64")
    return statics_frame(f)


NO_STATICS = _statics([])


def _values(frame):
    return frame[["mmsi", "kind", "start", "end", "details", "evidence_count"]].values.tolist()


# --------------------------------------------------------------------------------------------
# shared MMSI: two ships at (130, 40) and (130, 41), 111 km apart, on one MMSI


def _two_ships(mmsi, blocks, every_minutes=10, k0=0):
    """One MMSI whose reports come in blocks: ``("A", 5)`` = five reports of ship A."""
    rows, k = [], k0
    for ship, n in blocks:
        for _ in range(n):
            rows.append((mmsi, every_minutes * k, 130.0, 40.0 if ship == "A" else 41.0, 0.0))
            k += 1
    return rows


# A5 B5 A5 B5 A5: A (segment 1) 15 positions, B (segment 2) 10; four switches
ABABA = _two_ships(RU, [("A", 5), ("B", 5), ("A", 5), ("B", 5), ("A", 5)])


def test_shared_mmsi_record():
    # B is heard from report 5 (50 min) to report 19 (190 min), A from 0 to 240 min: the two
    # overlap from 50 to 190 min; median positions 1 deg of latitude apart = 111 km
    shared, _ = _shared_and_jammed(_positions(ABABA), IdentityParams())
    assert _values(shared) == [[RU, "shared-mmsi", T0 + 50 * MIN, T0 + 190 * MIN,
                                "two ships at once: segments 1 and 2 (15 and 10 positions, "
                                "median positions 111 km apart)", 4]]


@pytest.mark.parametrize(("switches", "found"), [(4, 1), (5, 0)])
def test_shared_mmsi_needs_min_shared_switches(switches, found):
    # ABABA switches four times
    shared, _ = _shared_and_jammed(_positions(ABABA),
                                   IdentityParams(min_shared_switches=switches))
    assert len(shared) == found


@pytest.mark.parametrize(("positions", "found"), [(10, 1), (11, 0)])
def test_shared_mmsi_needs_min_shared_positions_on_both_ships(positions, found):
    # A3 B5 A4 B5 A3: ten positions each, four switches
    rows = _two_ships(RU, [("A", 3), ("B", 5), ("A", 4), ("B", 5), ("A", 3)])
    shared, _ = _shared_and_jammed(_positions(rows),
                                   IdentityParams(min_shared_positions=positions))
    assert len(shared) == found


def test_a_shared_mmsi_after_another_vessel():
    # RU2 (ABABA) after RU, a lone track of 25 reports at 120 E
    rows = [(RU, 10 * k, 120.0, 30.0, 0.0) for k in range(25)] + _two_ships(
        RU2, [("A", 5), ("B", 5), ("A", 5), ("B", 5), ("A", 5)])
    shared, _ = _shared_and_jammed(_positions(rows), IdentityParams())
    assert shared[["mmsi", "evidence_count"]].values.tolist() == [[RU2, 4]]


def test_reports_alternating_one_by_one_between_two_ships():
    # A B A B ... 24 reports: 12 each, 23 switches between segments 1 and 2
    rows = _two_ships(RU, [("A", 1), ("B", 1)] * 12)
    shared, _ = _shared_and_jammed(_positions(rows), IdentityParams())
    assert shared["details"].tolist() == [
        "two ships at once: segments 1 and 2 (12 and 12 positions, median positions 111 km "
        "apart)"]


def test_switches_are_counted_within_one_mmsi():
    # two MMSIs, each A5 B5 A5 B5 (three switches): the first ends on its ship B, the second
    # starts on its ship A, which is no fourth switch of the second MMSI
    rows = (_two_ships(RU, [("A", 5), ("B", 5), ("A", 5), ("B", 5)])
            + _two_ships(RU2, [("A", 5), ("B", 5), ("A", 5), ("B", 5)]))
    shared, _ = _shared_and_jammed(_positions(rows), IdentityParams())
    assert len(shared) == 0


def test_shared_mmsi_uses_the_given_segment_parameters():
    # 111 km in 10 min is 360 kn: under a 400 kn split speed A and B are one track
    params = IdentityParams(segments=SegmentParams(split_speed_knots=400.0))
    shared, _ = _shared_and_jammed(_positions(ABABA), params)
    assert len(shared) == 0


# --------------------------------------------------------------------------------------------
# jamming, on hand-made segment summaries (segment_summary's columns)


def _summary(rows):
    """Segment summary from ``(mmsi, segment, start min, end min, positions, lon, lat)``."""
    f = pd.DataFrame(rows, columns=["mmsi", "segment", "start", "end", "positions", "lon",
                                    "lat"])
    f["start"] = T0 + pd.to_timedelta(f["start"], unit="min")
    f["end"] = T0 + pd.to_timedelta(f["end"], unit="min")
    f["switches"] = 0
    return f


def _jammed(starts=(80, 110, 140), lons=(135.1, 135.2, 135.3), lats=(38.1, 38.2, 38.3),
            excursion_minutes=20, excursion_positions=3):
    """Three vessels on their own tracks (20 positions each), each with an excursion of three
    positions (20 min) starting at ``starts``, to ``lons``/``lats``."""
    rows = []
    for i, (s, x, y) in enumerate(zip(starts, lons, lats, strict=True)):
        m = RU + i
        rows.append((m, 1, 30 * i, 30 * i + 220, 20, 130.0 + i, 40.0))
        rows.append((m, 2, s, s + excursion_minutes, excursion_positions, x, y))
    return _summary(rows)


def test_jamming_record():
    # start: the first excursion's start (80 min), end: the last one's end (140 + 20 min);
    # medians 135.2 E 38.2 N; box 135.1..135.3 E, 38.1..38.3 N; 3 x 3 positions
    assert _values(_jamming(_jammed(), set(), IdentityParams())) == [
        [pd.NA, "spoofed-position", T0 + 80 * MIN, T0 + 160 * MIN,
         "jamming area: positions of 3 vessels jumped at once to around 135.200 E 38.200 N "
         "(box 135.100,38.100,135.300,38.300; 9 positions)", 3]]


@pytest.mark.parametrize(("vessels", "found"), [(3, 1), (4, 0)])
def test_jamming_needs_jam_min_vessels(vessels, found):
    assert len(_jamming(_jammed(), set(), IdentityParams(jam_min_vessels=vessels))) == found


@pytest.mark.parametrize(("hours", "found"), [(0.5, 1), (0.49, 0)])
def test_jumps_within_jam_window_hours_of_each_other_are_one_area(hours, found):
    # the excursions start 30 min apart (80, 110, 140 min)
    jammed = _jamming(_jammed(), set(), IdentityParams(jam_window_hours=hours))
    assert len(jammed) == found


def test_the_jam_window_runs_from_jump_to_jump_in_time_order():
    # starts 140, 80, 110 min (not in time order in the table): 30 min apart once sorted
    jammed = _jamming(_jammed(starts=(140, 80, 110)), set(),
                      IdentityParams(jam_window_hours=0.5))
    assert jammed["evidence_count"].tolist() == [3]


@pytest.mark.parametrize(("hours", "found"), [(20 / 60, 1), (19 / 60, 0)])
def test_excursions_longer_than_jam_max_segment_hours_are_tracks(hours, found):
    # each excursion lasts 20 min
    jammed = _jamming(_jammed(), set(), IdentityParams(jam_max_segment_hours=hours))
    assert len(jammed) == found


def test_the_longest_segment_of_a_vessel_is_its_track_not_an_excursion():
    # the excursions (3 positions) are longer than the tracks (2): the tracks, at 130-132 E,
    # are the excursions now, each in a cell of its own
    assert len(_jamming(_jammed(excursion_positions=30), set(), IdentityParams())) == 0


def test_two_areas_jammed_at_once_are_two_findings():
    # three vessels jump into 135-135.5 E, three others (mmsi + 10) into 140-140.5 E
    other = _jammed(lons=(140.1, 140.2, 140.3)).assign(mmsi=lambda f: f["mmsi"] + 10)
    jammed = _jamming(pd.concat([_jammed(), other], ignore_index=True), set(),
                      IdentityParams())
    assert jammed["evidence_count"].tolist() == [3, 3]


def test_two_areas_jammed_at_once_one_north_of_the_other_are_two_findings():
    # three vessels jump into 38-38.5 N, three others (mmsi + 10) into 38.5-39 N, both in the
    # 135-135.5 E column: cells (270, 76) and (270, 77), each of three vessels
    other = _jammed(lats=(38.6, 38.7, 38.8)).assign(mmsi=lambda f: f["mmsi"] + 10)
    jammed = _jamming(pd.concat([_jammed(), other], ignore_index=True), set(),
                      IdentityParams())
    assert jammed["evidence_count"].tolist() == [3, 3]


def test_a_shared_mmsi_is_no_jammed_vessel():
    assert len(_jamming(_jammed(), {RU}, IdentityParams())) == 0


@pytest.mark.parametrize(
    ("lons", "lats"),
    [((135.1, 135.2, 135.6), (38.1, 38.2, 38.3)),   # 135.6 E: the next 0.5-degree column
     ((135.1, 135.2, 135.3), (38.1, 38.2, 38.6))],  # 38.6 N: the next row
)
def test_jumps_to_another_cell_are_another_area(lons, lats):
    assert len(_jamming(_jammed(lons=lons, lats=lats), set(), IdentityParams())) == 0


def test_jam_cell_deg_from_the_parameters():
    # 0.25-degree cells: 135.1 (cell 540) and 135.3 (cell 541) are apart, two vessels a cell
    assert len(_jamming(_jammed(), set(), IdentityParams(jam_cell_deg=0.25))) == 0


def test_no_excursion_no_jamming():
    only_tracks = _summary([(RU, 1, 0, 100, 10, 130.0, 40.0)])
    assert list(_jamming(only_tracks, set(), IdentityParams()).columns) == list(
        IDENTITY_COLUMNS)


def test_jamming_found_through_the_segments():
    # three vessels on their own tracks (0 kn, 20 reports every 10 min, 30 min apart), each
    # jumping for three reports (80-100 min after its start) to 135.2 E 38.2 N
    rows = []
    for i in range(3):
        for k in range(20):
            jam = 8 <= k < 11
            rows.append((RU + i, 10 * k + 30 * i, 135.2 if jam else 130.0 + i,
                         38.2 if jam else 40.0, 0.0))
    _, jammed = _shared_and_jammed(_positions(rows), IdentityParams())
    assert jammed[["start", "end", "evidence_count"]].values.tolist() == [
        [T0 + 80 * MIN, T0 + 160 * MIN, 3]]


# --------------------------------------------------------------------------------------------
# circle spoofing: 10 kn reported, positions that stay put


def _circle(n=6, every_minutes=12, t0_minutes=0, sog=10.0, lat_step=0.01, mmsi=RU):
    """``n`` reports every ``every_minutes``, alternating between 40.00 and 40.00 +
    ``lat_step`` N at 130 E, reporting ``sog`` knots."""
    return [(mmsi, t0_minutes + every_minutes * k, 130.0, 40.0 + lat_step * (k % 2), sog)
            for k in range(n)]


def test_circle_spoofing_record():
    # six reports 0-60 min: heard 1 h; centre 40.005 N, every position 0.005 deg = 0.556 km
    # from it; 10 kn for 1 h covers 18.52 km, 0.2 x 18.52 = 3.70 km > 0.556 km
    assert _values(_circles(_positions(_circle()), IdentityParams())) == [
        [RU, "spoofed-position", T0, T0 + H,
         "circle spoofing: reported speed 10.0 kn (median) while every position stays within "
         "0.56 km of the centre", 6]]


@pytest.mark.parametrize(("minimum", "found"), [(6, 1), (7, 0)])
def test_circle_needs_circle_min_positions(minimum, found):
    flagged = _circles(_positions(_circle()), IdentityParams(circle_min_positions=minimum))
    assert len(flagged) == found


@pytest.mark.parametrize(("hours", "found"), [(1.0, 1), (1.01, 0)])
def test_circle_needs_circle_min_hours_heard(hours, found):
    # heard from 0 to 60 min
    flagged = _circles(_positions(_circle()), IdentityParams(circle_min_hours=hours))
    assert len(flagged) == found


@pytest.mark.parametrize(("knots", "found"), [(10.0, 1), (10.1, 0)])
def test_circle_needs_circle_min_speed_knots(knots, found):
    flagged = _circles(_positions(_circle()), IdentityParams(circle_min_speed_knots=knots))
    assert len(flagged) == found


def test_the_speed_is_the_median_of_the_bin():
    # speeds 0, 10, 10, 10, 10, 30: median 10 kn, mean 11.7 kn
    rows = [(m, t, x, y, s) for (m, t, x, y, _), s in
            zip(_circle(), [0.0, 10.0, 10.0, 10.0, 10.0, 30.0], strict=True)]
    flagged = _circles(_positions(rows), IdentityParams(circle_min_speed_knots=10.5))
    assert len(flagged) == 0


@pytest.mark.parametrize(("km", "found"), [(0.56, 1), (0.55, 0)])
def test_circle_needs_every_position_within_circle_max_radius_km(km, found):
    # 0.005 deg of latitude = 0.556 km from the centre
    flagged = _circles(_positions(_circle()), IdentityParams(circle_max_radius_km=km))
    assert len(flagged) == found


@pytest.mark.parametrize(("share", "found"), [(0.031, 1), (0.029, 0)])
def test_circle_radius_must_be_under_circle_max_extent_share_of_the_distance_run(share, found):
    # 0.556 km of 10 kn x 1 h = 18.52 km is a share of 0.0300
    flagged = _circles(_positions(_circle()), IdentityParams(circle_max_extent_share=share))
    assert len(flagged) == found


@pytest.mark.parametrize(("share", "found"), [(0.016, 1), (0.014, 0)])
def test_the_distance_run_grows_with_the_time_heard(share, found):
    # six reports every 24 min: heard 2 h, 10 kn x 2 h = 37.04 km; 0.556 / 37.04 = 0.0150
    flagged = _circles(_positions(_circle(every_minutes=24)),
                       IdentityParams(circle_max_extent_share=share))
    assert len(flagged) == found


def test_three_bins_in_a_row_are_one_finding():
    rows = _circle() + _circle(t0_minutes=180) + _circle(t0_minutes=360)
    assert _circles(_positions(rows), IdentityParams())["evidence_count"].tolist() == [18]


def test_bins_in_a_row_of_a_second_vessel_are_one_finding():
    # RU one bin; RU2 the two bins after it
    rows = _circle() + _circle(t0_minutes=180, mmsi=RU2) + _circle(t0_minutes=360, mmsi=RU2)
    flagged = _circles(_positions(rows), IdentityParams())
    assert flagged[["mmsi", "evidence_count"]].values.tolist() == [[RU, 6], [RU2, 12]]


def test_circle_limits_are_inclusive():
    # positions all in one spot: a radius of 0 km, within 0 km and within 0 x 18.52 km
    params = IdentityParams(circle_max_radius_km=0.0, circle_max_extent_share=0.0)
    assert len(_circles(_positions(_circle(lat_step=0.0)), params)) == 1


@pytest.mark.parametrize("missing", ["lon", "lat"])
def test_circle_reports_without_a_position_are_left_out(missing):
    # a seventh report without longitude (latitude): six positions, as before
    rows = _circle() + [(RU, 30, 130.0, 40.0, 10.0)]
    p = _positions(rows)
    p.loc[6, missing] = float("nan")
    assert _circles(p, IdentityParams(circle_min_positions=7)).empty


def test_circle_bins_in_a_row_are_one_finding():
    # six reports in the bin 0-3 h, six in the next (180-240 min): one finding of 12
    rows = _circle() + _circle(t0_minutes=180)
    assert _values(_circles(_positions(rows), IdentityParams()))[0][2:] == [
        T0, T0 + 4 * H,
        "circle spoofing: reported speed 10.0 kn (median) while every position stays within "
        "0.56 km of the centre", 12]


def test_circle_bins_apart_are_two_findings():
    # bins 0 (0-1 h) and 2 (6-7 h)
    rows = _circle() + _circle(t0_minutes=360)
    flagged = _circles(_positions(rows), IdentityParams())
    assert flagged[["start", "end"]].values.tolist() == [[T0, T0 + H],
                                                         [T0 + 6 * H, T0 + 7 * H]]


def test_circle_bins_of_two_vessels_are_two_findings():
    rows = _circle() + _circle(t0_minutes=180, mmsi=RU2)
    assert _circles(_positions(rows), IdentityParams())["mmsi"].tolist() == [RU, RU2]


def test_circle_bin_hours_from_the_parameters():
    # 2 h bins: the reports at 0-60 min and 120-180 min are two bins of six, in a row
    rows = _circle() + _circle(t0_minutes=120)
    flagged = _circles(_positions(rows), IdentityParams(circle_bin_hours=2.0))
    assert flagged[["start", "end", "evidence_count"]].values.tolist() == [[T0, T0 + 3 * H, 12]]


def test_the_circle_is_measured_from_each_bins_own_centre():
    # bin 0 at 40.00/40.01 N, bin 1 at 41.00/41.01 N: each within 0.556 km of its centre
    rows = _circle() + [(m, t, x, y + 1.0, s) for m, t, x, y, s in _circle(t0_minutes=180)]
    assert _circles(_positions(rows), IdentityParams())["evidence_count"].tolist() == [12]


def test_circle_speeds_of_two_bins_are_the_median_of_their_medians():
    # bin medians 10 and 20 kn: the median of the two, 15.0
    rows = _circle() + _circle(t0_minutes=180, sog=20.0)
    detail = _circles(_positions(rows), IdentityParams())["details"].tolist()[0]
    assert detail.startswith("circle spoofing: reported speed 15.0 kn")


# --------------------------------------------------------------------------------------------
# changes of name, IMO and call sign


def _change_rows(kind, old, new, old_minutes=(0, 60), new_minutes=(120, 180, 240), mmsi=RU):
    col = {"name": 3, "imo": 2, "callsign": 4}[kind]

    def row(minutes, value):
        r = [mmsi, minutes, pd.NA, "", ""]
        r[col] = value
        return tuple(r)

    return [row(t, old) for t in old_minutes] + [row(t, new) for t in new_minutes]


@pytest.mark.parametrize(
    ("kind", "old", "new", "details"),
    [("name", "sea star", "Ocean-Glory No.1", ["SEA STAR", "OCEAN GLORY 1"]),
     ("imo", IMO_A, IMO_B, [str(IMO_A), str(IMO_B)]),
     ("callsign", " abc1", "XYZ2 ", ["ABC1", "XYZ2"])],
)
def test_a_change_runs_from_the_last_old_report_to_the_first_new_one(kind, old, new, details):
    # old at 0 and 60 min, new at 120, 180, 240 min: 60 -> 120 min, three reports of the new
    c = _changes(_statics(_change_rows(kind, old, new)), IdentityParams())[f"{kind}-change"]
    assert c.values.tolist() == [[RU, *details, T0 + 60 * MIN, T0 + 120 * MIN, 3]]


def test_names_the_same_once_normalised_are_no_change():
    rows = _change_rows("name", "Sea Star", "SEA-STAR")
    assert len(_changes(_statics(rows), IdentityParams())["name-change"]) == 0


@pytest.mark.parametrize(("kind", "old", "new"), [("name", "SEA STAR", "  "),
                                                  ("imo", IMO_A, 0), ("callsign", "ABC1", " ")])
def test_blank_values_and_imo_zero_are_no_identity(kind, old, new):
    # a blank name, IMO 0, a blank call sign after a real value: no change
    changes = _changes(_statics(_change_rows(kind, old, new)), IdentityParams())
    assert len(changes[f"{kind}-change"]) == 0


def test_imo_1_is_a_value():
    # the smallest positive number (its check digit is wrong: that is another finding)
    changes = _changes(_statics(_change_rows("imo", 1, IMO_A)), IdentityParams())
    assert changes["imo-change"][["old", "new"]].values.tolist() == [["1", str(IMO_A)]]


def test_three_values_in_turn_are_two_changes():
    # A at 0, 60; B at 120, 180, 240; C at 300, 360: A -> B (60 -> 120 min, 3 reports of B),
    # B -> C (240 -> 300 min, 2 reports of C)
    rows = _change_rows("name", "A", "B") + [(RU, t, pd.NA, "C", "") for t in (300, 360)]
    c = _changes(_statics(rows), IdentityParams())["name-change"]
    assert c.values.tolist() == [[RU, "A", "B", T0 + 60 * MIN, T0 + 120 * MIN, 3],
                                 [RU, "B", "C", T0 + 240 * MIN, T0 + 300 * MIN, 2]]


def test_a_value_overlapping_the_one_before_is_no_change_from_it():
    # A at 0, 60; B at 120-300; C at 200, 360 overlaps B: only A -> B
    rows = ([(RU, t, pd.NA, "A", "") for t in (0, 60)]
            + [(RU, t, pd.NA, "B", "") for t in (120, 300)]
            + [(RU, t, pd.NA, "C", "") for t in (200, 360)])
    c = _changes(_statics(rows), IdentityParams())["name-change"]
    assert c[["old", "new"]].values.tolist() == [["A", "B"]]


@pytest.mark.parametrize(("minimum", "found"), [(2, 1), (3, 0)])
def test_each_value_needs_min_reports(minimum, found):
    # two reports of the old name, three of the new
    c = _changes(_statics(_change_rows("name", "A", "B")), IdentityParams(min_reports=minimum))
    assert len(c["name-change"]) == found


@pytest.mark.parametrize(("first_new", "found"), [(60, 0), (61, 1)])
def test_a_new_value_must_follow_the_last_old_report(first_new, found):
    # old at 0 and 60 min; the new one first at 60 min (overlap) or 61 min
    rows = _change_rows("name", "A", "B", new_minutes=(first_new, 180))
    assert len(_changes(_statics(rows), IdentityParams())["name-change"]) == found


def test_changes_are_per_mmsi():
    # RU says A, RU2 says B later: no change of either
    rows = _change_rows("name", "A", "B")
    rows = [r for r in rows if r[3] == "A"] + [(RU2, *r[1:]) for r in rows if r[3] == "B"]
    assert len(_changes(_statics(rows), IdentityParams())["name-change"]) == 0


def test_changes_of_two_mmsis_are_each_their_own():
    # RU: A -> B (60 -> 120 min); RU2: C -> D at the same times, its first change the first
    # of its rows
    rows = _change_rows("name", "A", "B") + _change_rows("name", "C", "D", mmsi=RU2)
    c = _changes(_statics(rows), IdentityParams())["name-change"]
    assert c.values.tolist() == [[RU, "A", "B", T0 + 60 * MIN, T0 + 120 * MIN, 3],
                                 [RU2, "C", "D", T0 + 60 * MIN, T0 + 120 * MIN, 3]]


def test_statics_without_a_column_have_no_change_of_it():
    statics = _statics(_change_rows("name", "A", "B")).drop(columns=["callsign"])
    changes = _changes(statics, IdentityParams())
    assert (len(changes["name-change"]), list(changes["callsign-change"].columns)) == (
        1, ["mmsi", "old", "new", "start", "end", "count"])


def test_reports_without_time_are_no_evidence():
    # the old name's second report has no time: one report, under min_reports
    statics = _statics(_change_rows("name", "A", "B"))
    statics.loc[1, "timestamp"] = pd.NaT
    assert len(_changes(statics, IdentityParams())["name-change"]) == 0


# --------------------------------------------------------------------------------------------
# swaps and MMSI changes


def _swap_statics(b_minutes=(600, 660), field="imo"):
    """RU: IMO_A at 0 and 60 min then IMO_B at 600 and 660; RU2 the other way round, its new
    value from ``b_minutes``."""
    col = 2 if field == "imo" else 3
    a_old, a_new = (IMO_A, IMO_B) if field == "imo" else ("SEA STAR", "OCEAN GLORY")

    def row(m, t, v):
        r = [m, t, pd.NA, "", ""]
        r[col] = v
        return tuple(r)

    return ([row(RU, t, a_old) for t in (0, 60)] + [row(RU, t, a_new) for t in (600, 660)]
            + [row(RU2, t, a_new) for t in (0, 60)] + [row(RU2, t, a_old) for t in b_minutes])


def _side_by_side(lat_apart=0.01, b_offset_minutes=0, minutes=range(0, 661, 60)):
    """RU at 130 E 40 N and RU2 ``lat_apart`` deg north of it, reporting every hour."""
    return _positions([(RU, t, 130.0, 40.0, 0.0) for t in minutes]
                      + [(RU2, t + b_offset_minutes, 130.0, 40.0 + lat_apart, 0.0)
                         for t in minutes])


def _swap(statics_rows, positions, params=None):
    params = params or IdentityParams()
    return _swaps(_changes(_statics(statics_rows), params), positions, params)


def test_swap_record_one_row_per_vessel():
    # both changed between 60 and 600 min; 0.01 deg of latitude apart = 1.11 km
    rows, pairs = _swap(_swap_statics(), _side_by_side())
    assert (_values(rows), pairs) == (
        [[RU, "identity-swap", T0 + 60 * MIN, T0 + 600 * MIN,
          f"exchanged imo with MMSI {RU2} (closest approach 1.11 km)", 1],
         [RU2, "identity-swap", T0 + 60 * MIN, T0 + 600 * MIN,
          f"exchanged imo with MMSI {RU} (closest approach 1.11 km)", 1]],
        {(RU, RU2), (RU2, RU)})


def test_names_exchanged_are_a_swap():
    rows, _ = _swap(_swap_statics(field="name"), _side_by_side())
    assert rows["details"].tolist()[0] == (f"exchanged name with MMSI {RU2} "
                                           "(closest approach 1.11 km)")


def test_imo_and_name_exchanged_are_one_swap_of_two_fields():
    rows = _swap_statics() + [(m, t, pd.NA, n, "") for m, t, _, n, _ in
                              _swap_statics(field="name")]
    found, _ = _swap(rows, _side_by_side())
    assert found[["mmsi", "details", "evidence_count"]].values.tolist() == [
        [RU, f"exchanged imo/name with MMSI {RU2} (closest approach 1.11 km)", 2],
        [RU2, f"exchanged imo/name with MMSI {RU} (closest approach 1.11 km)", 2]]


@pytest.mark.parametrize(("name_times", "span"), [
    # names: RU's old at -120/-60, new at 700/760; RU2's old at -60/0, new at 650/710:
    # min(60, -60, 0) -> max(600, 700, 650) = -60 -> 700 min (the IMOs 60 -> 600 min)
    ((-120, -60, 700, 760, -60, 0, 650, 710), (-60, 700)),
    # names: RU 100/130 -> 500/560, RU2 140/160 -> 550/610: within the IMOs' 60 -> 600 min
    ((100, 130, 500, 560, 140, 160, 550, 610), (60, 600)),
])
def test_a_swap_of_two_fields_spans_both(name_times, span):
    a0, a1, a2, a3, b0, b1, b2, b3 = name_times
    names = ([(RU, t, pd.NA, "SEA STAR", "") for t in (a0, a1)]
             + [(RU, t, pd.NA, "OCEAN GLORY", "") for t in (a2, a3)]
             + [(RU2, t, pd.NA, "OCEAN GLORY", "") for t in (b0, b1)]
             + [(RU2, t, pd.NA, "SEA STAR", "") for t in (b2, b3)])
    found, _ = _swap(_swap_statics() + names, _side_by_side(minutes=range(-120, 761, 60)))
    assert found[["start", "end"]].values.tolist()[0] == [T0 + span[0] * MIN,
                                                          T0 + span[1] * MIN]


def test_a_swap_spans_both_vessels_changes():
    # RU changes 60 -> 600 min, RU2 from 0 (its old IMO at -60 and 0 min) to 700 min:
    # 0 -> 700 min
    rows = [r for r in _swap_statics(b_minutes=(700, 760)) if not (r[0] == RU2 and r[1] < 100)]
    rows += [(RU2, -60, IMO_B, "", ""), (RU2, 0, IMO_B, "", "")]
    found, _ = _swap(rows, _side_by_side(minutes=range(0, 761, 60)))
    assert found[["start", "end"]].values.tolist() == [[T0, T0 + 700 * MIN]] * 2


def test_callsigns_exchanged_are_a_swap():
    rows = [(m, t, pd.NA, "", {IMO_A: "ABC1", IMO_B: "XYZ2"}[v]) for m, t, v, _, _ in
            _swap_statics()]
    found, _ = _swap(rows, _side_by_side())
    assert found["details"].tolist()[0] == (f"exchanged callsign with MMSI {RU2} "
                                            "(closest approach 1.11 km)")


@pytest.mark.parametrize(("minutes", "found"), [
    (60 - 72 * 60, 2), (59 - 72 * 60, 0),     # the swap's start (60 min) - 72 h
    (600 + 72 * 60, 2), (601 + 72 * 60, 0),   # its end (600 min) + 72 h
])
def test_the_vessels_must_meet_within_swap_window_hours_of_the_swap(minutes, found):
    rows, _ = _swap(_swap_statics(), _side_by_side(minutes=[minutes]))
    assert len(rows) == found


def test_vessels_never_heard_together_made_no_swap():
    # RU2 heard 2 h after RU each time: never within 30 min
    rows, _ = _swap(_swap_statics(), _side_by_side(b_offset_minutes=120, minutes=[0]))
    assert len(rows) == 0


@pytest.mark.parametrize(("hours", "found"), [(2.0, 2), (1.99, 0)])
def test_a_swap_needs_both_changes_within_swap_window_hours(hours, found):
    # the changes end at 600 and 720 min: 2 h apart
    rows, _ = _swap(_swap_statics(b_minutes=(720, 780)),
                    _side_by_side(minutes=range(0, 781, 60)),
                    IdentityParams(swap_window_hours=hours))
    assert len(rows) == found


@pytest.mark.parametrize(("km", "found"), [(1.12, 2), (1.11, 0)])
def test_a_swap_needs_the_vessels_within_swap_meet_km(km, found):
    # 0.01 deg of latitude = 1.112 km apart
    rows, _ = _swap(_swap_statics(), _side_by_side(), IdentityParams(swap_meet_km=km))
    assert len(rows) == found


def test_swap_meet_distance_is_inclusive():
    rows, _ = _swap(_swap_statics(), _side_by_side(lat_apart=0.0),
                    IdentityParams(swap_meet_km=0.0))
    assert len(rows) == 2


def test_a_swap_after_an_imo_changed_on_one_side_only():
    # RU3 alone changes its IMO (one IMO change: no IMO swap); RU and RU2 exchange names
    imo_once = [(RU3, t, IMO_A, "", "") for t in (0, 60)] + [
        (RU3, t, IMO_B, "", "") for t in (600, 660)]
    found, pairs = _swap(_swap_statics(field="name") + imo_once, _side_by_side())
    assert (found["mmsi"].tolist(), pairs) == ([RU, RU2], {(RU, RU2), (RU2, RU)})


def test_a_pair_that_never_met_does_not_hide_the_next_pair():
    # RU and RU2 exchange IMOs 1 deg of latitude (111 km) apart: no swap; RU3 and KP
    # exchange names 0.01 deg (1.11 km) apart: a swap
    other = [(RU3 if m == RU else KP, t, v, n, c) for m, t, v, n, c in
             _swap_statics(field="name")]
    positions = pd.concat([_side_by_side(lat_apart=1.0),
                           _side_by_side().assign(mmsi=lambda f: f["mmsi"].map(
                               {RU: RU3, RU2: KP}))], ignore_index=True)
    found, _ = _swap(_swap_statics() + other, positions)
    assert found[["mmsi", "details"]].values.tolist() == [
        [RU3, f"exchanged name with MMSI {KP} (closest approach 1.11 km)"],
        [KP, f"exchanged name with MMSI {RU3} (closest approach 1.11 km)"]]


def test_a_one_sided_change_is_no_swap():
    rows = [r for r in _swap_statics() if r[0] == RU]
    found, pairs = _swap(rows, _side_by_side())
    assert (len(found), pairs) == (0, set())


@pytest.mark.parametrize(("offset", "meet"), [(30, 1.11195), (31, None)])
def test_closest_approach_pairs_positions_heard_within_30_minutes(offset, meet):
    positions = _side_by_side(b_offset_minutes=offset, minutes=[0])
    km = _closest_km(positions, RU, RU2, T0 - H, T0 + 2 * H)
    assert (None if km is None else round(km, 5)) == meet


def test_closest_approach_counts_only_positions_between_start_and_end():
    # together at 0 min (1.11 km), 100 km apart at 60 min; asked about 30-90 min
    positions = pd.concat([_side_by_side(minutes=[0]),
                           _positions([(RU, 60, 130.0, 40.0, 0.0),
                                       (RU2, 60, 130.0, 40.9, 0.0)])], ignore_index=True)
    km = _closest_km(positions, RU, RU2, T0 + 30 * MIN, T0 + 90 * MIN)
    assert round(km, 1) == 100.1  # 0.9 deg x 111.195 km


def test_closest_approach_is_the_smallest_distance():
    positions = pd.concat([_side_by_side(minutes=[0]),
                           _positions([(RU, 60, 130.0, 40.0, 0.0),
                                       (RU2, 60, 130.0, 40.9, 0.0)])], ignore_index=True)
    assert round(_closest_km(positions, RU, RU2, T0, T0 + H), 3) == 1.112


def test_closest_approach_skips_reports_without_a_position():
    # RU2 at 0 min without latitude, at 20 min 0.01 deg north of RU: 1.11 km
    positions = _positions([(RU, 0, 130.0, 40.0, 0.0), (RU2, 0, 130.0, float("nan"), 0.0),
                            (RU2, 20, 130.0, 40.01, 0.0)])
    assert round(_closest_km(positions, RU, RU2, T0, T0 + H), 2) == 1.11


def test_no_closest_approach_of_a_vessel_never_heard():
    assert _closest_km(_side_by_side(minutes=[0]), RU, RU3, T0 - H, T0 + H) is None


def test_mmsi_change_record():
    # IMO_A on RU at 0 and 60 min, then on RU2 at 120, 180, 240 min: on the new MMSI
    rows = [(RU, t, IMO_A, "", "") for t in (0, 60)] + [(RU2, t, IMO_A, "", "")
                                                        for t in (120, 180, 240)]
    assert _values(_mmsi_changes(_statics(rows), IdentityParams(), set())) == [
        [RU2, "mmsi-change", T0 + 60 * MIN, T0 + 120 * MIN,
         f"IMO {IMO_A}: MMSI {RU} -> {RU2}", 3]]


def test_an_invalid_imo_moving_between_mmsis_is_no_mmsi_change():
    rows = [(RU, t, IMO_BAD, "", "") for t in (0, 60)] + [(RU2, t, IMO_BAD, "", "")
                                                          for t in (120, 180)]
    assert len(_mmsi_changes(_statics(rows), IdentityParams(), set())) == 0


@pytest.mark.parametrize(("minimum", "found"), [(2, 1), (3, 0)])
def test_mmsi_change_needs_min_reports_on_each_mmsi(minimum, found):
    rows = [(RU, t, IMO_A, "", "") for t in (0, 60)] + [(RU2, t, IMO_A, "", "")
                                                        for t in (120, 180, 240)]
    changed = _mmsi_changes(_statics(rows), IdentityParams(min_reports=minimum), set())
    assert len(changed) == found


def test_a_swapped_pair_is_no_mmsi_change():
    rows = [(RU, t, IMO_A, "", "") for t in (0, 60)] + [(RU2, t, IMO_A, "", "")
                                                        for t in (120, 180)]
    assert len(_mmsi_changes(_statics(rows), IdentityParams(), {(RU, RU2)})) == 0


def test_only_the_swapped_pair_is_left_out():
    # IMO_A moves RU -> RU2 (a swap), IMO_B moves RU3 -> KP (reported)
    rows = ([(RU, t, IMO_A, "", "") for t in (0, 60)]
            + [(RU2, t, IMO_A, "", "") for t in (120, 180)]
            + [(RU3, t, IMO_B, "", "") for t in (0, 60)]
            + [(KP, t, IMO_B, "", "") for t in (120, 180)])
    changed = _mmsi_changes(_statics(rows), IdentityParams(), {(RU, RU2)})
    assert changed["mmsi"].tolist() == [KP]


# --------------------------------------------------------------------------------------------
# invalid numbers


def test_invalid_mmsi_record_counts_positions_and_statics():
    # MMSI 123456789 heard at 0 and 30 min (positions) and 90 min (statics)
    positions = _positions([(123456789, 0, 130.0, 40.0, 0.0), (123456789, 30, 130.0, 40.0, 0.0),
                            (RU, 0, 130.0, 40.0, 0.0)])
    statics = _statics([(123456789, 90, pd.NA, "X", "")])
    bad_mmsi, _ = _invalid(positions, statics)
    assert _values(bad_mmsi) == [
        [123456789, "invalid-mmsi", T0, T0 + 90 * MIN,
         "MMSI 123456789 is no station identity (a default or malformed number)", 3]]


def test_invalid_imo_record():
    # IMO_BAD reported at 0 and 60 min (one report is enough), IMO_A is valid
    statics = _statics([(RU, 0, IMO_BAD, "", ""), (RU, 60, IMO_BAD, "", ""),
                        (RU2, 0, IMO_A, "", ""), (RU3, 30, 1234568, "", "")])
    _, bad_imo = _invalid(_positions([]), statics)
    assert _values(bad_imo) == [[RU, "invalid-imo", T0, T0 + H,
                                 f"IMO {IMO_BAD} fails its check digit", 2],
                                [RU3, "invalid-imo", T0 + 30 * MIN, T0 + 30 * MIN,
                                 "IMO 1234568 fails its check digit", 1]]


# --------------------------------------------------------------------------------------------
# flags and watchlists


def _vessel_table():
    # RU (flag RU by its MID 273) heard at 0 and 60 min, IMO_A; KP (MID 445) at 30 min
    positions = _positions([(RU, 0, 130.0, 40.0, 0.0), (KP, 30, 130.0, 40.0, 0.0)])
    statics = _statics([(RU, 60, IMO_A, "Sea Star", "")])
    return positions, statics, _vessels(positions, statics)


def test_vessels_table():
    *_, v = _vessel_table()
    assert v[["mmsi", "start", "end", "n", "imo", "name"]].values.tolist() == [
        [RU, T0, T0 + H, 2, IMO_A, "Sea Star"], [KP, T0 + 30 * MIN, T0 + 30 * MIN, 1, pd.NA,
                                                 pd.NA]]


def _reference(rows):
    """A registry-like table from ``(mmsi, imo, flag)``."""
    return pd.DataFrame({"mmsi": pd.array([r[0] for r in rows], dtype="Int64"),
                         "imo": pd.array([r[1] for r in rows], dtype="Int64"),
                         "flag": [r[2] for r in rows]})


def test_flag_mismatch_record():
    *_, v = _vessel_table()
    bad = _flag_mismatch(v, _reference([(pd.NA, IMO_A, "pa")]), "registry")
    assert _values(bad) == [[RU, "flag-mismatch", T0, T0 + H,
                             "MMSI's MID flag RU, registry flag PA", 2]]


def test_flag_matched_by_mmsi_where_no_imo_matches():
    *_, v = _vessel_table()
    bad = _flag_mismatch(v, _reference([(KP, pd.NA, "CN")]), "registry")
    assert bad[["mmsi", "details"]].values.tolist() == [
        [KP, "MMSI's MID flag KP, registry flag CN"]]


def test_the_flag_of_the_imo_wins_over_that_of_the_mmsi():
    # by IMO: RU, as its MID says; by MMSI: PA
    *_, v = _vessel_table()
    assert len(_flag_mismatch(v, _reference([(RU, pd.NA, "PA"), (pd.NA, IMO_A, "RU")]),
                              "registry")) == 0


def test_an_mmsi_without_a_country_has_no_flag_mismatch():
    # MID 111 is no country (a SAR aircraft's prefix)
    positions = _positions([(111000001, 0, 130.0, 40.0, 0.0)])
    v = _vessels(positions, NO_STATICS)
    assert len(_flag_mismatch(v, _reference([(111000001, pd.NA, "PA")]), "registry")) == 0


def test_the_first_flag_given_for_an_imo_is_used():
    *_, v = _vessel_table()
    bad = _flag_mismatch(v, _reference([(pd.NA, IMO_A, "PA"), (pd.NA, IMO_A, "RU")]),
                         "registry")
    assert bad["details"].tolist() == ["MMSI's MID flag RU, registry flag PA"]


def test_a_row_without_flag_does_not_hide_a_flag_given_for_the_same_imo():
    *_, v = _vessel_table()
    bad = _flag_mismatch(v, _reference([(pd.NA, IMO_A, pd.NA), (pd.NA, IMO_A, "PA")]),
                         "registry")
    assert bad["details"].tolist() == ["MMSI's MID flag RU, registry flag PA"]


def test_blank_reference_flags_are_no_mismatch():
    *_, v = _vessel_table()
    assert len(_flag_mismatch(v, _reference([(RU, IMO_A, " "), (KP, pd.NA, pd.NA)]),
                              "registry")) == 0


def _watchlist(tmp_path, *rows):
    from vesseltrack.watchlist import read_watchlist

    path = tmp_path / "w.csv"
    path.write_text("imo,mmsi,name,flag,list,program\n" + "\n".join(rows) + "\n")
    return read_watchlist(path)


def test_watchlist_record(tmp_path):
    positions, statics, v = _vessel_table()
    w = _watchlist(tmp_path, f"{IMO_A},,LISTED STAR,PA,UN,DPRK")
    listed, hits = _watchlisted(v, statics, w, WatchlistParams())
    assert (_values(listed), len(hits)) == (
        [[RU, "watchlist", T0, T0 + H, "matched by imo: LISTED STAR (UN; DPRK)", 2]], 1)


def test_watchlist_detail_without_program(tmp_path):
    positions, statics, v = _vessel_table()
    w = _watchlist(tmp_path, f",{KP},LISTED,,OFAC,")
    listed, _ = _watchlisted(v, statics, w, WatchlistParams())
    assert listed["details"].tolist() == ["matched by mmsi: LISTED (OFAC)"]


def test_a_watchlist_match_by_imo_is_preferred_to_one_by_name(tmp_path):
    positions, statics, v = _vessel_table()
    w = _watchlist(tmp_path, ",,SEA STAR,,NAMES,", f"{IMO_A},,OTHER,,IMOS,")
    listed, _ = _watchlisted(v, statics, w, WatchlistParams())
    assert listed["details"].tolist() == ["matched by imo: OTHER (IMOS)"]


def test_a_listed_name_used_once_is_caught(tmp_path):
    # RU's latest name is SEA STAR; at 10 min it called itself DARK ONE
    positions, statics, _ = _vessel_table()
    statics = pd.concat([statics, _statics([(RU, 10, pd.NA, "DARK ONE", "")])],
                        ignore_index=True)
    v = _vessels(positions, statics)
    listed, _ = _watchlisted(v, statics, _watchlist(tmp_path, ",,DARK ONE,,NAMES,"),
                             WatchlistParams())
    assert listed["mmsi"].tolist() == [RU]


def test_a_vessel_listed_by_imo_and_by_a_name_it_used_is_listed_by_imo(tmp_path):
    # RU called itself LISTED NAME (no IMO) at 10 min, then Sea Star with IMO_A: matched
    # by name on the first report, by IMO on the second; the IMO match is reported
    positions, statics, _ = _vessel_table()
    statics = pd.concat([_statics([(RU, 10, pd.NA, "LISTED NAME", "")]), statics],
                        ignore_index=True)
    v = _vessels(positions, statics)
    w = _watchlist(tmp_path, ",,LISTED NAME,,NAMES,", f"{IMO_A},,OTHER,,IMOS,")
    listed, _ = _watchlisted(v, statics, w, WatchlistParams())
    assert listed["details"].tolist() == ["matched by imo: OTHER (IMOS)"]


def test_an_imo_match_on_an_older_report_wins_over_a_name_match_on_the_latest(tmp_path):
    # RU reported IMO_A at 10 min, IMO_B at 60 min, both as SEA STAR: its latest identity
    # (IMO_B, SEA STAR) is listed by name only, its older report by IMO_A
    positions = _positions([(RU, 0, 130.0, 40.0, 0.0)])
    statics = _statics([(RU, 10, IMO_A, "SEA STAR", ""), (RU, 60, IMO_B, "SEA STAR", "")])
    w = _watchlist(tmp_path, ",,SEA STAR,,NAMES,", f"{IMO_A},,OTHER,,IMOS,")
    listed, _ = _watchlisted(_vessels(positions, statics), statics, w, WatchlistParams())
    assert listed["details"].tolist() == ["matched by imo: OTHER (IMOS)"]


def test_an_imo_match_on_an_older_report_wins_over_an_mmsi_match(tmp_path):
    # RU reported IMO_A at 10 min, IMO_B at 60 min; its MMSI is listed, and IMO_A: the
    # latest identity and the IMO_B report match by MMSI (before them in the table), the
    # IMO_A report by IMO, which is reported
    positions = _positions([(RU, 0, 130.0, 40.0, 0.0)])
    statics = _statics([(RU, 10, IMO_A, "SEA STAR", ""), (RU, 60, IMO_B, "SEA STAR", "")])
    w = _watchlist(tmp_path, f",{RU},BY MMSI,,MMSIS,", f"{IMO_A},,BY IMO,,IMOS,")
    listed, _ = _watchlisted(_vessels(positions, statics), statics, w, WatchlistParams())
    assert listed["details"].tolist() == ["matched by imo: BY IMO (IMOS)"]


def test_watchlist_matched_with_the_parameters_given(tmp_path):
    positions, statics, v = _vessel_table()
    w = _watchlist(tmp_path, ",,SEA STAR,,NAMES,")
    listed, _ = _watchlisted(v, statics, w, WatchlistParams(match_names=False))
    assert len(listed) == 0


def test_no_watchlist_match(tmp_path):
    positions, statics, v = _vessel_table()
    listed, hits = _watchlisted(v, statics, _watchlist(tmp_path, ",,NOBODY,,X,"),
                                WatchlistParams())
    assert (len(listed), len(hits)) == (0, 0)


# --------------------------------------------------------------------------------------------
# the whole table


def test_findings_sorted_by_kind_then_mmsi_then_start():
    # 0 and 123456789 are invalid MMSIs (heard at 60 and 0 min); RU renamed A -> B
    positions = _positions([(123456789, 0, 130.0, 40.0, 0.0), (0, 60, 130.0, 40.0, 0.0)])
    statics = _statics(_change_rows("name", "A", "B"))
    f = check_identity(positions, statics)
    assert f[["mmsi", "kind"]].values.tolist() == [
        [RU, "name-change"], [0, "invalid-mmsi"], [123456789, "invalid-mmsi"]]


def test_registry_and_watchlist_flags_both_checked(tmp_path):
    positions, statics, _ = _vessel_table()
    f = check_identity(positions, statics, registry=_reference([(pd.NA, IMO_A, "PA")]),
                       watchlist=_watchlist(tmp_path, f",{KP},LISTED,CN,UN,"))
    assert f[["mmsi", "kind", "details"]].values.tolist() == [
        [RU, "flag-mismatch", "MMSI's MID flag RU, registry flag PA"],
        [KP, "flag-mismatch", "MMSI's MID flag KP, watchlist flag CN"],
        [KP, "watchlist", "matched by mmsi: LISTED (UN)"]]


def test_an_area_comes_after_the_vessels_of_its_kind():
    # three vessels jammed at once (as in test_jamming_found_through_the_segments) and a
    # fourth reporting 10 kn while staying put for an hour: a circle
    rows = []
    for i in range(3):
        for k in range(20):
            jam = 8 <= k < 11
            rows.append((RU + i, 10 * k + 30 * i, 135.2 if jam else 130.0 + i,
                         38.2 if jam else 40.0, 0.0))
    rows += _circle(mmsi=KP)
    f = check_identity(_positions(rows))
    assert f[["mmsi", "kind"]].values.tolist() == [[KP, "spoofed-position"],
                                                   [pd.NA, "spoofed-position"]]


def test_no_finding_is_an_empty_typed_table():
    f = check_identity(_positions([(RU, 0, 130.0, 40.0, 0.0)]))
    assert (len(f), [str(t) for t in f.dtypes]) == (
        0, ["Int64", "str", "datetime64[ns, UTC]", "datetime64[ns, UTC]", "string", "int64"])


def test_a_swap_in_the_whole_table_is_no_mmsi_change():
    f = check_identity(_side_by_side(), _statics(_swap_statics()))
    assert f[["mmsi", "kind"]].values.tolist() == [
        [RU, "imo-change"], [RU2, "imo-change"], [RU, "identity-swap"], [RU2, "identity-swap"]]


def test_watchlist_parameters_reach_the_match(tmp_path):
    positions, statics, _ = _vessel_table()
    f = check_identity(positions, statics, watchlist=_watchlist(tmp_path, ",,SEA STAR,,X,"),
                       watchlist_params=WatchlistParams(match_names=False))
    assert len(f) == 0


def test_identity_table_types_and_parameters():
    positions = _positions([(0, 0, 130.0, 40.0, 0.0)])
    f = check_identity(positions, params=IdentityParams(min_reports=5),
                       watchlist_params=WatchlistParams(min_name_score=90.0))
    assert ([str(t) for t in f.dtypes], f.attrs["params"]["identity"]["min_reports"],
            f.attrs["params"]["watchlist"]["min_name_score"]) == (
        ["Int64", "str", "datetime64[ns, UTC]", "datetime64[ns, UTC]", "string",
         "int64"], 5, 90.0)


def test_identity_summary_input_counters_and_no_parameters():
    f = pd.DataFrame({"mmsi": pd.array([], dtype="Int64"), "kind": []})
    report = {"files": 1, "lines": 2, "messages": 3, "bad_lines": 4, "positions": 5,
              "failed_files": ["a"], "statics": 6}
    s = identity_summary(f, report)
    assert (s["input"], s["params"], s["vessels_flagged"]) == (
        {"files": 1, "lines": 2, "messages": 3, "bad_lines": 4, "positions": 5,
         "failed_files": ["a"]}, {}, 0)


def test_identity_summary():
    # two findings of RU, one of MMSI 0, one area (no MMSI): two vessels flagged
    f = pd.DataFrame({"mmsi": pd.array([RU, RU, 0, pd.NA], dtype="Int64"),
                      "kind": ["name-change", "imo-change", "invalid-mmsi",
                               "spoofed-position"]})
    f.attrs["params"] = {"identity": {"min_reports": 2}}
    s = identity_summary(f, {"files": 2, "lines": 10, "engine": "local"})
    assert (s["by_kind"]["name-change"], s["by_kind"]["shared-mmsi"], s["vessels_flagged"],
            s["findings"], s["input"], s["params"], list(s["by_kind"])) == (
        1, 0, 2, 4, {"files": 2, "lines": 10}, {"identity": {"min_reports": 2}},
        list(IDENTITY_KINDS))


def test_scores_of_findings_against_truth():
    # name-change: found RU and RU2, planted RU and RU3: one true, precision and recall 1/2
    f = pd.DataFrame({"mmsi": pd.array([RU, RU2], dtype="Int64"),
                      "kind": ["name-change", "name-change"], "start": [T0, T0],
                      "end": [T0, T0]})
    truth = pd.DataFrame({"mmsi": [RU, RU3], "kind": ["name-change", "name-change"],
                          "start": [T0, T0], "end": [T0, T0]})
    assert score_findings(f, truth).loc["name-change"].to_dict() == {
        "truth": 2, "found": 2, "true_positives": 1, "precision": 0.5, "recall": 0.5}


def test_areas_match_by_overlapping_time_their_ends_included():
    # found areas 1-2 h and 10-11 h; planted 2-3 h (touching the first at 2 h) and 5-6 h
    # (overlapping neither): one found area of two is true, one planted area of two found.
    # Times as read from CSV text without an offset: UTC
    f = pd.DataFrame({"mmsi": pd.array([pd.NA, pd.NA], dtype="Int64"),
                      "kind": ["spoofed-position"] * 2,
                      "start": ["2024-06-01T01:00", "2024-06-01T10:00"],
                      "end": ["2024-06-01T02:00", "2024-06-01T11:00"]})
    truth = pd.DataFrame({"mmsi": [None, None], "kind": ["spoofed-position"] * 2,
                          "start": ["2024-06-01T02:00", "2024-06-01T05:00"],
                          "end": ["2024-06-01T03:00", "2024-06-01T06:00"]})
    assert score_findings(f, truth).loc["spoofed-position"].to_dict() == {
        "truth": 2, "found": 2, "true_positives": 1, "precision": 0.5, "recall": 0.5}


def test_an_area_touching_the_start_of_the_planted_one_matches():
    # found 1-2 h, planted 0-1 h: precision and recall 1
    f = pd.DataFrame({"mmsi": pd.array([pd.NA], dtype="Int64"), "kind": ["spoofed-position"],
                      "start": [T0 + H], "end": [T0 + 2 * H]})
    truth = pd.DataFrame({"mmsi": [None], "kind": ["spoofed-position"], "start": [T0],
                          "end": [T0 + H]})
    assert score_findings(f, truth).loc["spoofed-position", ["precision", "recall"]].tolist(
    ) == [1.0, 1.0]


def test_scores_of_a_kind_neither_found_nor_planted_are_undefined():
    f = pd.DataFrame({"mmsi": pd.array([], dtype="Int64"), "kind": [], "start": [], "end": []})
    s = score_findings(f, f)
    assert s.loc["watchlist"].tolist()[:3] + [s.loc["watchlist"].isna().sum()] == [0, 0, 0, 2]
