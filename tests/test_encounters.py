"""Encounters, dark encounters and loitering: hand-built tracks with worked numbers, and the
SYNTHETIC at-sea fixture against the truth its generator states (vesseltrack/synth/_atsea.py).

Geometry used below: on the sphere of radius 6,371,008.8 m one degree of longitude at 34 N is
6,371,008.8 * pi / 180 * cos(34 deg) = 111,195.08 * 0.829038 = 92,185.8 m, so 200 m east is
0.0021695 deg and 20 nm (37,040 m) is 0.401797 deg; one degree of latitude is 111,195.1 m, so
300 m north is 0.0026980 deg.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from tests._builders import T0, dark_to, make_positions, make_statics, make_track, sail, stay
from vesseltrack.encounters import detect_at_sea, detect_encounters
from vesseltrack.params import AtSeaParams, EncounterParams, GridParams
from vesseltrack.resample import cell_pairs, resample_tracks
from vesseltrack.synth import score_at_sea

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "data" / "fixtures" / "at_sea_2024.nmea.gz"
P = (124.0, 34.0)
EAST_200M = 0.0021695
NM20_LON = 0.401797
NORTH_300M = 0.0026980


def pair_at(p, hours, t0=T0, offset=EAST_200M, knots=0.5, a=445000001, b=413000002):
    """Two vessels drifting ``offset`` degrees of longitude apart for ``hours``."""
    return make_positions(make_track(a, p, [stay(hours, knots)], t0=t0),
                          make_track(b, (p[0] + offset, p[1]), [stay(hours, knots)], t0=t0))


# --------------------------------------------------------------------------------------------
# the time grid


def test_grid_interpolates_between_reports():
    # reports at 00:00 (lon 124.00) and 00:20 (lon 124.02): the 00:10 instant lies halfway
    pos = make_positions(make_track(1, (124.0, 34.0), [sail(124.02, 34.0, 10.0)],
                                    step_minutes=20.0 * 60))
    pos = pos.iloc[[0, -1]].assign(timestamp=[T0, T0 + pd.Timedelta(minutes=20)])
    grid = resample_tracks(pos, GridParams(step_minutes=10))
    assert grid["lon"].round(6).tolist() == [124.0, 124.01, 124.02]


def test_grid_does_not_bridge_a_silence():
    # 3 h of silence between two reports: longer than the 1 h interpolated across
    pos = make_positions(make_track(1, P, [stay(1.0), dark_to(124.1, 34.0, 3.0), stay(1.0)]))
    grid = resample_tracks(pos)
    t = grid["step"].to_numpy() * 600
    assert np.diff(t).max() == 3 * 3600


def test_cell_pairs_find_every_pair_within_the_cell_size():
    rng = np.random.default_rng(1)
    lon = 124.0 + rng.uniform(0, 0.05, 400)
    lat = 60.0 + rng.uniform(0, 0.05, 400)  # far north: longitude cells must widen
    t = rng.integers(0, 3, 400)
    ia, ib = cell_pairs(t, lon, lat, None, None, None, 500.0)
    from vesseltrack.tracks import haversine_m

    found = {(min(i, j), max(i, j)) for i, j in zip(ia, ib, strict=True)
             if haversine_m(lon[i], lat[i], lon[j], lat[j]) <= 500.0}
    i, j = np.triu_indices(400, 1)
    near = (t[i] == t[j]) & (haversine_m(lon[i], lat[i], lon[j], lat[j]) <= 500.0)
    assert found == set(zip(i[near].tolist(), j[near].tolist(), strict=True))


# --------------------------------------------------------------------------------------------
# visible encounters


def test_two_ships_drifting_200_m_apart_for_3_hours_meet_once():
    enc = detect_encounters(pair_at(P, 3.0))
    row = enc.iloc[0]
    assert (len(enc), row["start"], row["end"], row["duration_hours"],
            round(row["median_distance_m"])) == (1, T0, T0 + pd.Timedelta(hours=3), 3.0, 200)


def test_ninety_minutes_together_is_not_an_encounter():
    assert len(detect_encounters(pair_at(P, 1.5))) == 0


def test_an_encounter_across_midnight_is_one_encounter():
    t0 = pd.Timestamp("2024-03-01T22:30:00Z")
    enc = detect_encounters(pair_at(P, 3.0, t0=t0))
    assert (len(enc), enc["start"].iloc[0], enc["end"].iloc[0]) == (
        1, t0, pd.Timestamp("2024-03-02T01:30:00Z"))


def test_a_convoy_at_ten_knots_is_not_an_encounter():
    end = (P[0] + 0.8, P[1])
    pos = make_positions(
        make_track(1, P, [sail(*end, knots=10.0)]),
        make_track(2, (P[0], P[1] + NORTH_300M), [sail(end[0], end[1] + NORTH_300M, knots=10.0)]))
    assert len(detect_encounters(pos)) == 0


def test_a_crossing_at_speed_is_not_an_encounter():
    pos = make_positions(make_track(1, (P[0] - 0.3, P[1]), [sail(P[0] + 0.3, P[1], 12.0)],
                                    step_minutes=2),
                         make_track(2, (P[0], P[1] - 0.25), [sail(P[0], P[1] + 0.25, 12.0)],
                                    step_minutes=2))
    assert len(detect_encounters(pos)) == 0


def test_neighbours_at_an_anchorage_fence_are_not_an_encounter():
    ports = pd.DataFrame({"name": ["anchorage"], "kind": ["anchorage"],
                          "geometry": [box(P[0] - 0.02, P[1] - 0.02, P[0] + 0.02, P[1] + 0.02)]})
    assert len(detect_encounters(pair_at(P, 6.0), ports=ports)) == 0


def test_one_ship_meets_two_others_in_turn():
    hub = make_track(445000001, P, [stay(8.0, 0.5)])
    b = make_track(413000002, (P[0] + EAST_200M, P[1]), [stay(3.0, 0.5)])
    c = make_track(352000003, (P[0] - EAST_200M, P[1]), [stay(3.0, 0.5)],
                   t0=T0 + pd.Timedelta(hours=4))
    enc = detect_encounters(make_positions(hub, b, c))
    assert sorted(zip(enc["mmsi_a"], enc["mmsi_b"], strict=True)) == [
        (352000003, 445000001), (413000002, 445000001)]


def test_draught_changes_of_a_transfer_have_opposite_signs():
    statics = make_statics([(445000001, T0 - pd.Timedelta(hours=1), 6.0),
                            (445000001, T0 + pd.Timedelta(hours=4), 4.0),
                            (413000002, T0 - pd.Timedelta(hours=1), 3.0),
                            (413000002, T0 + pd.Timedelta(hours=5), 5.0)])
    enc = detect_encounters(pair_at(P, 3.0), statics)
    # sorted by MMSI: a = 413000002 (3.0 -> 5.0), b = 445000001 (6.0 -> 4.0)
    assert (enc["draught_change_a_m"].iloc[0], enc["draught_change_b_m"].iloc[0]) == (2.0, -2.0)


def test_encounter_threshold_is_a_parameter():
    # 200 m apart is beyond a 150 m limit
    assert len(detect_encounters(pair_at(P, 3.0), params=EncounterParams(max_distance_m=150))) == 0


# --------------------------------------------------------------------------------------------
# dark encounters


def _waiting_and_dark(end_nm_lon: float) -> pd.DataFrame:
    """L drifts 10 h at P; D reports 30 min 20 nm west of P, is dark 8 h, reappears."""
    waiting = make_track(445000001, P, [stay(10.0, 0.3)])
    west = (P[0] - NM20_LON, P[1])
    dark_one = make_track(413000002, west,
                          [stay(0.5, 10.0), dark_to(P[0] + end_nm_lon, P[1], 8.0), stay(0.5, 10.0)],
                          t0=T0 + pd.Timedelta(hours=1))
    return make_positions(waiting, dark_one)


def test_a_gap_that_could_bring_a_ship_alongside_a_waiting_one_is_a_dark_encounter():
    # gap 01:30-09:30 from 20 nm west to 20 nm east: (20 + 20) nm / 12 kn = 3.3 h of sailing
    # + 2 h alongside <= 8 h; both ends within 30 nm; overlap with the wait 01:30-09:30
    enc = detect_at_sea(_waiting_and_dark(NM20_LON)).encounters
    row = enc.iloc[0]
    assert (len(enc), row["evidence"], row["mmsi_a"], row["mmsi_b"], row["start"], row["end"]) == (
        1, "ais-gap", 445000001, 413000002, T0 + pd.Timedelta(hours=1.5),
        T0 + pd.Timedelta(hours=9.5))


def test_a_gap_ending_40_nm_away_is_not_a_dark_encounter():
    assert len(detect_at_sea(_waiting_and_dark(2 * NM20_LON)).encounters) == 0


def test_two_gaps_starting_and_ending_near_each_other_are_a_both_dark_encounter():
    tracks = [make_track(m, (P[0] - NM20_LON, P[1] + dy),
                         [stay(0.5, 8.0), dark_to(P[0] + NM20_LON, P[1] + dy, 9.0), stay(0.5, 8.0)])
              for m, dy in ((445000001, 0.0), (413000002, 0.05))]  # 3 nm apart
    enc = detect_at_sea(make_positions(*tracks)).encounters
    assert (len(enc), enc["dark_vessels"].iloc[0], enc["evidence"].iloc[0]) == (1, 2, "ais-gap")


# --------------------------------------------------------------------------------------------
# the SYNTHETIC at-sea fixture: its generator's stated truth


@pytest.fixture(scope="module")
def at_sea():
    import vesseltrack as vt

    data = vt.read_ais([str(FIXTURE)], progress=False)
    ports = vt.read_ports(FIXTURE.with_name("at_sea_2024_ports.geojson"))
    result = detect_at_sea(data.positions, data.statics, ports)
    truth = pd.read_csv(FIXTURE.with_name("at_sea_2024_truth.csv"), parse_dates=["start", "end"])
    truth["mmsi_b"] = truth["mmsi_b"].astype("Int64")
    return result, score_at_sea(result.encounters, result.loitering, truth)


def test_fixture_visible_transfers_precision_and_recall(at_sea):
    # truth: 12 visible transfers; every detection with evidence ais must be one of them
    v = at_sea[1]["visible"]
    assert (v["detected"], v["matched"], v["true"]) == (12, 12, 12)


def test_fixture_dark_transfers_are_reported_as_dark(at_sea):
    # truth: 8 with one ship dark + 3 with both dark, all found with evidence ais-gap
    d = at_sea[1]["dark"]
    assert (d["detected"], d["matched"], d["true"]) == (11, 11, 11)


def test_fixture_lookalikes_are_not_encounters(at_sea):
    # truth: 8 crossings, 6 convoys, 8 anchorage neighbours
    s = at_sea[1]
    assert (s["lookalikes"], s["lookalike_false_positives"]) == (22, 0)


def test_fixture_loitering(at_sea):
    lo = at_sea[1]["loitering"]
    assert (lo["detected"], lo["matched"], lo["true"]) == (29, 29, 29)


def test_fixture_transfers_show_opposite_draught_changes(at_sea):
    enc = at_sea[0].encounters
    opposite = np.sign(enc["draught_change_a_m"]) * np.sign(enc["draught_change_b_m"]) < 0
    assert bool(opposite.all())


def test_results_record_their_parameters(at_sea):
    assert at_sea[0].encounters.attrs["params"] == AtSeaParams().record()


# --------------------------------------------------------------------------------------------
# loitering


def test_six_hours_drifting_far_from_shore_is_loitering():
    from vesseltrack.loitering import detect_loitering

    # 124 E 34 N is over 60 nm from any shore (GSHHG)
    lo = detect_loitering(make_positions(make_track(1, P, [stay(6.0, 0.5)])))
    assert (len(lo), lo["duration_hours"].iloc[0], bool(lo["distance_to_shore_nm"].iloc[0] > 20)) == (
        1, 6.0, True)


def test_three_hours_drifting_is_not_loitering():
    from vesseltrack.loitering import detect_loitering

    assert len(detect_loitering(make_positions(make_track(1, P, [stay(3.0, 0.5)])))) == 0


def test_drifting_near_the_shore_is_not_loitering():
    from vesseltrack.loitering import detect_loitering

    # 34.62 N 125.43 E lies 0.9 nm off a Korean island (GSHHG full)
    near = make_positions(make_track(1, (125.43, 34.62), [stay(6.0, 0.5)]))
    assert len(detect_loitering(near)) == 0


def test_at_sea_fixture_is_what_the_generator_writes(tmp_path):
    import gzip

    from vesseltrack.synth import write_at_sea_fixture

    paths = write_at_sea_fixture(tmp_path / "at_sea_2024.nmea.gz")
    fresh = gzip.decompress(paths["nmea"].read_bytes())
    assert (fresh, paths["truth"].read_bytes()) == (
        gzip.decompress(FIXTURE.read_bytes()), FIXTURE.with_name("at_sea_2024_truth.csv").read_bytes())


def test_ship_names_are_escaped_in_the_encounter_map_and_report(tmp_path):
    from vesseltrack.maps import write_encounter_map
    from vesseltrack.report import render_encounter_report

    evil = "<img src=x onerror=alert(1)>|"
    statics = make_statics([(445000001, T0, 6.0), (413000002, T0, 3.0)], name=evil)
    pos = pair_at(P, 3.0)
    result = detect_at_sea(pos, statics)
    html = write_encounter_map(result, pos, None, tmp_path / "map.html").read_text()
    report = render_encounter_report(result, result.summary())
    assert ("<img src=x" in html, "<img src=x" in report) == (False, False)
