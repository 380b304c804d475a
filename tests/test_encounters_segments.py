"""Encounters, dark encounters and loitering per segment (``AtSeaParams(segments=...)``,
``vesseltrack encounters --split-shared-mmsi``): two ships behind one MMSI stay two ships.

The scenario: MMSI 445000001 is broadcast by two ships at once. Ship X drifts at 124.0 E
34.0 N, reporting every 10 min from T0; ship Y drifts at 123.0 E 33.0 N, reporting every
10 min from T0 + 5 min. The two positions are about 145 km apart, so the MMSI's reports
alternate between two places 5 min apart (an implied ~1,560 kn). A third vessel, 413000002,
drifts 200 m east of X for 3 h from T0 (0.0021695 deg of longitude at 34 N, the geometry of
``tests/test_encounters.py``). Without splitting, every report of 445000001 but its first
and last is an impossible jump on both sides and is dropped by cleaning, so nothing is left to
meet. With splitting, X is segment 1 (first position at T0) and Y segment 2 (first at
T0 + 5 min).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests._builders import T0, dark_to, make_positions, make_statics, make_track, stay
from vesseltrack.cli import main
from vesseltrack.encounters import (
    ENCOUNTER_COLUMNS,
    SEGMENT_COLUMNS,
    detect_at_sea,
    find_encounters,
)
from vesseltrack.loitering import LOITERING_COLUMNS
from vesseltrack.params import AtSeaParams, EncounterParams, SegmentParams
from vesseltrack.resample import resample_tracks

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "data" / "fixtures" / "at_sea_2024.nmea.gz"
PORTS = ROOT / "data" / "fixtures" / "at_sea_2024_ports.geojson"
P = (124.0, 34.0)
FAR = (123.0, 33.0)
EAST_200M = 0.0021695
NM20_LON = 0.401797  # 20 nm of longitude at 34 N
SHARED, THIRD = 445000001, 413000002
SPLIT = AtSeaParams(segments=SegmentParams())
MIN5 = pd.Timedelta(minutes=5)


def shared_case(hours: float = 6.0) -> pd.DataFrame:
    """X and Y behind one MMSI for ``hours``; the third vessel beside X for 3 h."""
    x = make_track(SHARED, P, [stay(hours, 0.5)])
    y = make_track(SHARED, FAR, [stay(hours, 0.5)], t0=T0 + MIN5)
    third = make_track(THIRD, (P[0] + EAST_200M, P[1]), [stay(3.0, 0.5)])
    return make_positions(x, y, third)


def dark_case() -> pd.DataFrame:
    """X waits 10 h at P (Y far away on the same MMSI); the third vessel reports 30 min 20 nm
    west of P from T0 + 1 h, is dark 8 h, reappears 20 nm east of P."""
    x = make_track(SHARED, P, [stay(10.0, 0.3)])
    y = make_track(SHARED, FAR, [stay(10.0, 0.3)], t0=T0 + MIN5)
    west = (P[0] - NM20_LON, P[1])
    third = make_track(THIRD, west, [stay(0.5, 10.0), dark_to(P[0] + NM20_LON, P[1], 8.0),
                                     stay(0.5, 10.0)], t0=T0 + pd.Timedelta(hours=1))
    return make_positions(x, y, third)


# --------------------------------------------------------------------------------------------
# visible encounters


def test_without_splitting_the_shared_mmsi_meets_nobody():
    # the shared MMSI's alternating reports are jumps: cleaning keeps its first and last only
    assert len(detect_at_sea(shared_case()).encounters) == 0


def test_with_splitting_exactly_the_real_encounter_is_found():
    enc = detect_at_sea(shared_case(), params=SPLIT).encounters
    got = [(r.mmsi_a, r.segment_a, r.mmsi_b, r.segment_b, r.start, r.end, r.duration_hours)
           for r in enc.itertuples()]
    # sorted by MMSI: a = the third vessel (its only segment, 1), b = ship X (segment 1);
    # together T0 .. T0 + 3 h
    assert got == [(THIRD, 1, SHARED, 1, T0, T0 + pd.Timedelta(hours=3), 3.0)]


def test_split_encounter_keeps_the_distance_and_the_place():
    row = detect_at_sea(shared_case(), params=SPLIT).encounters.iloc[0]
    # 200 m apart; midpoint 124.0 + 0.0021695 / 2 = 124.0010848 E, 34.0 N (not Y's 123 E)
    assert (round(row["median_distance_m"]), round(row["lon"], 6), round(row["lat"], 6)) == (
        200, 124.001085, 34.0)


def test_split_encounter_takes_draughts_from_the_mmsi_statics():
    # the third vessel 3.0 -> 5.0 m, the shared MMSI 6.0 -> 4.0 m (statics are per MMSI and
    # go to every segment of it): changes +2.0 and -2.0
    statics = make_statics([(SHARED, T0 - pd.Timedelta(hours=1), 6.0),
                            (SHARED, T0 + pd.Timedelta(hours=4), 4.0),
                            (THIRD, T0 - pd.Timedelta(hours=1), 3.0),
                            (THIRD, T0 + pd.Timedelta(hours=5), 5.0)])
    enc = detect_at_sea(shared_case(), statics, params=SPLIT).encounters
    assert (enc["draught_change_a_m"].iloc[0], enc["draught_change_b_m"].iloc[0]) == (2.0, -2.0)


def test_with_splitting_a_single_static_report_reaches_the_dark_ship():
    # the third vessel (dark, b) reports 5.0 m once, an hour before T0, and nothing after:
    # in effect before and after its gap, 5.0 - 5.0 = 0.0 across it; X has no report: NaN
    statics = make_statics([(THIRD, T0 - pd.Timedelta(hours=1), 5.0)])
    enc = detect_at_sea(dark_case(), statics, params=SPLIT).encounters
    assert (enc["mmsi_b"].tolist(), np.isnan(enc["draught_change_a_m"]).tolist(),
            enc["draught_change_b_m"].tolist()) == ([THIRD], [True], [0.0])


def test_two_keys_of_one_mmsi_are_never_paired():
    # keys 0 and 1 drift 200 m apart for 3 h: an encounter when they are two MMSIs, none
    # when both are segments of one MMSI
    pos = make_positions(make_track(0, P, [stay(3.0, 0.5)]),
                         make_track(1, (P[0] + EAST_200M, P[1]), [stay(3.0, 0.5)]))
    grid = resample_tracks(pos)
    same = find_encounters(grid, [], EncounterParams(), owner=np.array([SHARED, SHARED]))
    apart = find_encounters(grid, [], EncounterParams(), owner=np.array([SHARED, THIRD]))
    assert (len(same), len(apart)) == (0, 1)


def test_two_ships_of_one_mmsi_side_by_side_are_no_encounter():
    # X and Y on one MMSI drift 200 m apart for 6 h, X reporting at T0, T0 + 10 min, ...,
    # Y 5 min later each time: with a 100 m, 1 kn split (200 m in 5 min is 1.3 kn) they are
    # segments 1 and 2 of the MMSI, which are two ships but never meet each other
    x = make_track(SHARED, P, [stay(6.0, 0.5)])
    y = make_track(SHARED, (P[0] + EAST_200M, P[1]), [stay(6.0, 0.5)], t0=T0 + MIN5)
    split = AtSeaParams(segments=SegmentParams(split_distance_m=100.0, split_speed_knots=1.0))
    out = detect_at_sea(make_positions(x, y), params=split)
    assert (len(out.encounters), out.loitering["segment"].tolist()) == (0, [1, 2])


# --------------------------------------------------------------------------------------------
# dark encounters and loitering


def test_with_splitting_a_dark_encounter_with_one_ship_of_a_shared_mmsi_is_found():
    enc = detect_at_sea(dark_case(), params=SPLIT).encounters
    got = [(r.evidence, r.mmsi_a, r.segment_a, r.mmsi_b, r.segment_b, r.start, r.end)
           for r in enc.itertuples()]
    # as the plain case of tests/test_encounters.py: gap 01:30-09:30, 20 nm + 20 nm at 12 kn
    # = 3.3 h + 2 h alongside <= 8 h; the waiting ship is X, segment 1
    assert got == [("ais-gap", SHARED, 1, THIRD, 1, T0 + pd.Timedelta(hours=1.5),
                    T0 + pd.Timedelta(hours=9.5))]


def test_a_dark_ship_reappearing_near_the_other_ship_of_its_mmsi_is_no_dark_encounter():
    # the dark case with the dark vessel on X's MMSI: Y reports 20 nm west of X, is dark 8 h
    # and reappears 20 nm east (as the third vessel of the case above, a dark encounter
    # with X), but X and Y are segments 1 and 2 of one MMSI: no encounter
    x = make_track(SHARED, P, [stay(10.0, 0.3)])
    y = make_track(SHARED, (P[0] - NM20_LON, P[1]), [stay(0.5, 10.0), dark_to(P[0] + NM20_LON, P[1], 8.0),
                                                   stay(0.5, 10.0)], t0=T0 + pd.Timedelta(hours=1))
    out = detect_at_sea(make_positions(x, y), params=SPLIT)
    assert (len(out.encounters), sorted(set(out.loitering["segment"]))) == (0, [1])


def test_without_splitting_the_dark_encounter_is_lost():
    assert len(detect_at_sea(dark_case()).encounters) == 0


def test_with_splitting_each_ship_of_the_shared_mmsi_loiters_on_its_own():
    lo = detect_at_sea(shared_case(), params=SPLIT).loitering
    got = [(r.mmsi, r.segment, r.start, r.end) for r in lo.itertuples()]
    # both > 20 nm from shore, slow for hours: X on the grid T0 .. T0 + 6 h; Y reports
    # T0 + 5 min .. T0 + 6 h 5 min, so on the 10-min grid T0 + 10 min .. T0 + 6 h; the third
    # vessel's 3 h is under the 4 h minimum
    assert got == [(SHARED, 1, T0, T0 + pd.Timedelta(hours=6)),
                   (SHARED, 2, T0 + pd.Timedelta(minutes=10), T0 + pd.Timedelta(hours=6))]


def test_without_splitting_the_shared_mmsi_does_not_loiter():
    assert len(detect_at_sea(shared_case()).loitering) == 0


# --------------------------------------------------------------------------------------------
# columns and parameters


def test_default_tables_have_no_segment_columns():
    result = detect_at_sea(shared_case())
    assert (tuple(result.encounters.columns), tuple(result.loitering.columns)) == (
        ENCOUNTER_COLUMNS, LOITERING_COLUMNS)


def test_split_tables_gain_the_segment_columns_last():
    result = detect_at_sea(shared_case(), params=SPLIT)
    assert (tuple(result.encounters.columns), tuple(result.loitering.columns)) == (
        ENCOUNTER_COLUMNS + SEGMENT_COLUMNS, LOITERING_COLUMNS + ("segment",))


def test_segment_params_are_recorded_only_when_splitting():
    plain = detect_at_sea(shared_case()).params
    split = detect_at_sea(shared_case(), params=SPLIT).params
    assert ("segments" in plain, split["segments"]["split_speed_knots"]) == (False, 40.0)


def test_no_positions_with_splitting_gives_empty_tables():
    result = detect_at_sea(shared_case().iloc[:0], params=SPLIT)
    assert (len(result.encounters), len(result.loitering),
            tuple(result.encounters.columns)[-2:]) == (0, 0, SEGMENT_COLUMNS)


# --------------------------------------------------------------------------------------------
# command line


def _write_csv(positions: pd.DataFrame, path: Path) -> Path:
    """Positions as a NOAA-style CSV export (the reader's CSV input)."""
    frame = pd.DataFrame({
        "MMSI": positions["mmsi"].to_numpy(),
        "BaseDateTime": positions["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy(),
        "LAT": positions["lat"].to_numpy(), "LON": positions["lon"].to_numpy(),
        "SOG": positions["sog_knots"].to_numpy(), "COG": 0.0, "Heading": 0.0,
        "VesselName": "",
    })
    frame.to_csv(path, index=False)
    return path


def test_cli_split_shared_mmsi_writes_the_segment_of_each_vessel(tmp_path):
    src = _write_csv(shared_case(), tmp_path / "shared.csv")
    assert main(["encounters", str(src), "-q", "--split-shared-mmsi",
                 "--out", str(tmp_path / "out")]) == 0
    enc = pd.read_csv(tmp_path / "out" / "encounters.csv")
    assert enc[["mmsi_a", "segment_a", "mmsi_b", "segment_b"]].values.tolist() == [
        [THIRD, 1, SHARED, 1]]


@pytest.fixture(scope="module")
def fixture_both():
    import vesseltrack as vt

    data = vt.read_ais([str(FIXTURE)], progress=False)
    ports = vt.read_ports(PORTS)
    return (detect_at_sea(data.positions, data.statics, ports),
            detect_at_sea(data.positions, data.statics, ports, params=SPLIT))


def test_split_changes_no_event_on_the_at_sea_fixture(fixture_both):
    # the SYNTHETIC at-sea fixture has one ship per MMSI: every vessel is its segment 1
    plain, split = fixture_both
    same_enc = split.encounters.loc[:, list(ENCOUNTER_COLUMNS)].equals(plain.encounters)
    same_lo = split.loitering.loc[:, list(LOITERING_COLUMNS)].equals(plain.loitering)
    assert (same_enc, same_lo, set(split.encounters["segment_a"]),
            set(split.loitering["segment"])) == (True, True, {1}, {1})


def test_cli_split_shared_mmsi_on_a_store_equals_the_files(tmp_path):
    # encounters hold the rows they read in memory, so the split works on a store as well
    src = _write_csv(shared_case(), tmp_path / "shared.csv")
    assert main(["ingest", str(src), "--store", str(tmp_path / "store"), "-q"]) == 0
    for args, name in (([str(src)], "files"), (["--store", str(tmp_path / "store")], "store")):
        assert main(["encounters", *args, "-q", "--split-shared-mmsi",
                     "--out", str(tmp_path / name)]) == 0
    files, store = (pd.read_csv(tmp_path / n / "encounters.csv") for n in ("files", "store"))
    assert files.equals(store)


def test_the_split_uses_the_segment_parameters_and_drops_noise():
    # segments of fewer than 20 positions are noise (segment 0) and dropped: the third vessel's
    # 3 h at 10 min (19 reports) is noise, so nobody is left to meet X (37 reports)
    params = AtSeaParams(segments=SegmentParams(min_segment_positions=20))
    assert len(detect_at_sea(shared_case(), params=params).encounters) == 0


def test_with_splitting_a_dark_vessel_draught_change_is_the_one_across_its_gap():
    # statics listed shared MMSI first: the third vessel 8.0 m before its gap (01:30) and
    # 12.0 m at its reappearance (09:30): +4.0 across the gap, read from its own key's statics
    statics = make_statics([(SHARED, T0 - pd.Timedelta(hours=1), 6.0),
                            (SHARED, T0 + pd.Timedelta(hours=2), 6.0),
                            (THIRD, T0 + pd.Timedelta(hours=1), 8.0),
                            (THIRD, T0 + pd.Timedelta(hours=9.5), 12.0)])
    enc = detect_at_sea(dark_case(), statics, params=SPLIT).encounters
    assert enc["draught_change_b_m"].tolist() == [4.0]


def test_with_splitting_each_key_takes_only_its_own_mmsis_statics():
    # keys in MMSI order: 211000001 -> 0, 311000001 -> 1, the third vessel -> 2, the shared
    # MMSI -> 3, 4. The 311000001 report of 20.0 m (T0 + 1 h 15 min) falls between the third
    # vessel's 8.0 m (01:00) and its gap (01:30): only the third vessel's own statics say
    # 8.0 before the gap and 12.0 at its reappearance, +4.0 (20.0 would give -8.0)
    others = [make_track(211000001, (120.0, 30.0), [stay(10.0, 0.3)]),
              make_track(311000001, (121.0, 31.0), [stay(10.0, 0.3)])]
    statics = make_statics([(311000001, T0 + pd.Timedelta(hours=1.25), 20.0),
                            (THIRD, T0 + pd.Timedelta(hours=1), 8.0),
                            (THIRD, T0 + pd.Timedelta(hours=9.5), 12.0)])
    enc = detect_at_sea(make_positions(dark_case(), *others), statics, params=SPLIT).encounters
    assert enc["draught_change_b_m"].tolist() == [4.0]
