"""The count's two stages on tiny tracks: what each argument changes, worked out by hand.

detect_vessels runs stage 1 (clean tracks, AIS calls, gaps) and stage 2 (dark calls,
sightings, load state, cargo); each test changes one input or parameter and checks the one
figure it moves.
"""

from __future__ import annotations

import pandas as pd
import pytest
from _builders import (
    BERTH,
    SEA,
    T0,
    dark_to,
    hourly_draught,
    make_ports,
    make_statics,
    make_track,
    sail,
    stay,
    write_registry,
)

from vesseltrack.count import count_port_calls, detect_vessels
from vesseltrack.params import CargoParams, CountParams, PortCallParams
from vesseltrack.ports import fences_from_ports
from vesseltrack.registry import read_registry

H = pd.Timedelta(hours=1)
TERM, KOZ = "Vostochny oil terminal", "Kozmino"
RU = 273000007
DPRK = 445000002
SIGHTED = 445000003
OFF = (133.20, 42.55)  # ~13.1 nm south of the terminal: where AIS goes off
TERMINAL_ONLY = make_ports(("terminal",))
# an AIS call at the terminal: 8 kn in, 20 h stopped at the berth, 8 kn out
TRIP = make_track(RU, SEA, [sail(*BERTH, 8), stay(20), sail(*SEA, 8)])
AT_SEA = make_track(RU, SEA, [stay(2, knots=10.0)])


def _registry(tmp_path, *rows):
    return read_registry(write_registry(tmp_path / "r.csv", list(rows)))


def _dark_trip(rise_to=5.3):
    """AIS off at OFF for 40 h; the draught 2.7 m before, ``rise_to`` after."""
    trk = make_track(DPRK, SEA, [sail(*OFF, 6), dark_to(OFF[0], OFF[1], 40.0), sail(*SEA, 6)])
    i_on = int(trk["timestamp"].diff().idxmax())
    t_off, t_on = trk.loc[i_on - 1, "timestamp"], trk.loc[i_on, "timestamp"]
    st = hourly_draught(DPRK, T0, trk["timestamp"].max(), [(T0, 2.7), (t_off + 20 * H, rise_to)])
    return trk, st.loc[(st["timestamp"] <= t_off) | (st["timestamp"] >= t_on)]


def _sighting(lon=BERTH[0], lat=BERTH[1], when=T0 + 5 * H):
    return pd.DataFrame({"timestamp": pd.to_datetime([when], utc=True), "lon": [lon],
                         "lat": [lat], "mmsi": pd.array([SIGHTED], dtype="Int64"),
                         "imo": pd.array([pd.NA], dtype="Int64"),
                         "name": pd.array([pd.NA], dtype="string"),
                         "state": ["laden"], "source": ["img"],
                         "matched_mmsi": pd.array([SIGHTED], dtype="Int64")})


def test_a_call_is_named_from_the_registry_where_the_statics_say_nothing(tmp_path):
    reg = _registry(tmp_path, f"{RU},9000007,REG NAME,RU,3003,84,13.0,5.6,2.7,diesel")
    calls, _ = detect_vessels(TRIP, None, TERMINAL_ONLY, registry=reg)
    assert calls["name"].tolist() == ["REG NAME"]


def test_a_vessel_only_sighted_is_named_from_its_statics():
    statics = make_statics([(SIGHTED, T0, 3.0)], name="SEEN ONCE")
    calls, _ = detect_vessels(AT_SEA, statics, TERMINAL_ONLY, sightings=_sighting())
    assert calls["name"].tolist() == ["SEEN ONCE"]


def test_call_id_is_mmsi_port_arrival_to_the_minute_and_evidence():
    calls, _ = detect_vessels(AT_SEA, None, TERMINAL_ONLY, sightings=_sighting())
    assert calls["call_id"].tolist() == [f"{SIGHTED}/{TERM}/20240301T0500Z/sighting"]


def test_sightings_within_the_exit_margin_from_the_parameters():
    # 42.740 N is 0.008 deg = 890 m south of the terminal's edge: inside a 1000 m margin
    params = CountParams(port_calls=PortCallParams(exit_margin_m=1000.0))
    calls, _ = detect_vessels(AT_SEA, None, TERMINAL_ONLY, params=params,
                              sightings=_sighting(lat=42.740))
    assert calls["port"].tolist() == [TERM]


def test_prebuilt_fences_are_used_as_given():
    calls, _ = detect_vessels(TRIP, None, fences_from_ports(TERMINAL_ONLY))
    assert calls["port"].tolist() == [TERM]


def test_dark_calls_go_only_to_the_fences_asked_about():
    trk, st = _dark_trip()
    calls, _ = detect_vessels(trk, st, make_ports(), dark_call_ports=[KOZ])
    assert list(zip(calls["port"], calls["evidence"], strict=True)) == [(KOZ, "ais-gap")]


def test_dark_call_approach_distance_from_the_parameters():
    # the gap starts and ends ~13.1 nm from the terminal: beyond a 10 nm approach
    trk, st = _dark_trip()
    params = CountParams(port_calls=PortCallParams(max_dark_approach_nm=10.0))
    calls, _ = detect_vessels(trk, st, make_ports(), params=params, dark_call_ports=[TERM])
    assert len(calls) == 0


def test_dark_call_rise_threshold_from_the_registry(tmp_path):
    # +0.9 m (2.7 -> 3.6): under the 1.0 m without a registry, over the registry's
    # 0.3 x (5.6 - 2.7) = 0.87 m
    trk, st = _dark_trip(rise_to=3.6)
    reg = _registry(tmp_path, f"{DPRK},,DARK ONE,KP,3003,84,13.0,5.6,2.7,diesel")
    calls, _ = detect_vessels(trk, st, make_ports(), registry=reg, dark_call_ports=[TERM])
    assert calls["evidence"].tolist() == ["ais-gap"]


def test_load_state_threshold_from_the_cargo_parameters():
    # +1.5 m over the call (2.7 -> 4.2): loaded at the default 1.0 m, unchanged at 2.0 m
    statics = hourly_draught(RU, T0, TRIP["timestamp"].max(), [(T0, 2.7), (T0 + 10 * H, 4.2)])
    params = CountParams(cargo=CargoParams(loaded_rise_m=2.0))
    calls, _ = detect_vessels(TRIP, statics, TERMINAL_ONLY, params=params)
    assert calls["load_state"].tolist() == ["unchanged"]


def test_gaps_table_carries_the_gap_parameters():
    trk, st = _dark_trip()
    _, gaps = detect_vessels(trk, st, make_ports())
    assert gaps.attrs["params"] == {"min_gap_hours": 6.0, "observed_silence_hours": 6.0}


def test_calls_table_carries_the_count_parameters():
    # the record of the parameters given: here a 10 nm approach, the rest the defaults
    params = CountParams(port_calls=PortCallParams(max_dark_approach_nm=10.0))
    calls, _ = detect_vessels(TRIP, None, TERMINAL_ONLY, params=params)
    assert (calls.attrs["params"], calls.attrs["params"]["port_calls"]["max_dark_approach_nm"]) == (
        params.record(), 10.0)


def test_count_window_is_the_span_of_the_positions_where_not_given():
    res = count_port_calls(AT_SEA, None, TERMINAL_ONLY)
    # 2 h at sea, a report every 10 minutes: T0 to T0 + 2 h
    assert (res.window_start, res.window_end) == (T0, T0 + 2 * H)


@pytest.mark.parametrize(("flag", "cap_bbl", "cap"), [("KP", None, 500_000), ("kp", 1_000, 1_000),
                                                      ("RU", None, None)])
def test_count_carries_the_cap_of_the_flag_counted_or_the_one_given(flag, cap_bbl, cap):
    # KP: the UN resolution 2397 cap, 500,000 bbl a year; a cap given wins
    assert count_port_calls(AT_SEA, None, TERMINAL_ONLY, flag=flag, cap_bbl=cap_bbl).cap_bbl == cap


def test_count_says_whether_a_registry_was_given(tmp_path):
    reg = _registry(tmp_path, f"{RU},9000007,REG NAME,RU,3003,84,13.0,5.6,2.7,diesel")
    given = [count_port_calls(AT_SEA, None, TERMINAL_ONLY, registry=r).registry_given
             for r in (None, reg)]
    assert given == [False, True]


def _sightings(tmp_path, imo="", name=""):
    """One sighting at the berth at T0 + 5 h, laden, without MMSI: an IMO or a name."""
    from _builders import write_sightings

    from vesseltrack.registry import read_sightings

    row = f"{(T0 + 5 * H).isoformat()},{BERTH[0]},{BERTH[1]},,{imo},{name},laden,img"
    return read_sightings(write_sightings(tmp_path / "s.csv", [row]))


def test_count_matches_a_sighting_by_imo_through_the_registry(tmp_path):
    reg = _registry(tmp_path, f"{SIGHTED},9000007,REG NAME,KP,3003,84,13.0,5.6,2.7,diesel")
    res = count_port_calls(AT_SEA, None, TERMINAL_ONLY, registry=reg,
                           sightings=_sightings(tmp_path, imo="9000007"))
    assert res.port_calls[["mmsi", "name", "evidence"]].values.tolist() == [
        [SIGHTED, "REG NAME", "sighting"]]


def test_count_matches_a_sighting_by_name_through_the_statics_and_names_it(tmp_path):
    # SIGHTED is never heard by position: its statics are kept for the sighting's call
    statics = make_statics([(SIGHTED, T0, 3.0)], name="SEEN ONCE")
    res = count_port_calls(AT_SEA, statics, TERMINAL_ONLY,
                           sightings=_sightings(tmp_path, name="SEEN ONCE"))
    assert res.port_calls[["mmsi", "name", "evidence"]].values.tolist() == [
        [SIGHTED, "SEEN ONCE", "sighting"]]


def test_count_names_a_call_from_the_registry(tmp_path):
    reg = _registry(tmp_path, f"{RU},9000007,REG NAME,RU,3003,84,13.0,5.6,2.7,diesel")
    res = count_port_calls(TRIP, None, TERMINAL_ONLY, registry=reg)
    assert res.port_calls["name"].tolist() == ["REG NAME"]


def test_count_reports_non_ship_stations_and_positions_without_time():
    # MMSI 0 is no ship station; one report of the vessel has no time
    odd = make_track(0, SEA, [stay(0.5)])
    untimed = AT_SEA.iloc[:1].assign(timestamp=pd.Series([pd.NaT], dtype=AT_SEA["timestamp"].dtype))
    res = count_port_calls(pd.concat([AT_SEA, odd, untimed], ignore_index=True), None,
                           TERMINAL_ONLY)
    assert (res.non_ship_mmsi, res.untimed_positions, res.vessels_seen) == (1, 1, 2)


def test_track_cleaning_parameters_from_the_count_parameters():
    # 4 h stopped at sea; the report at 2 h is at the berth, ~23 nm away and back within
    # 10 min each way (~140 kn): a jump dropped under the default 50 kn, a one-report call
    # at the terminal when any speed is allowed
    from vesseltrack.params import TrackParams

    trk = make_track(RU, SEA, [stay(4)])
    trk.loc[12, ["lon", "lat"]] = BERTH
    found = [len(detect_vessels(trk, None, TERMINAL_ONLY, params=p)[0]) for p in
             (CountParams(), CountParams(tracks=TrackParams(max_implied_speed_knots=1e6)))]
    assert found == [0, 1]


def test_the_track_stage_counts_every_mmsi_heard():
    # RU and MMSI 0 (no ship station, left out of the tracks): two MMSIs seen
    from vesseltrack.count import run_track_stage

    positions = pd.concat([AT_SEA, make_track(0, SEA, [stay(0.5)])], ignore_index=True)
    stage = run_track_stage(positions, None, TERMINAL_ONLY, None, None, CountParams())
    assert (stage.vessels_seen, stage.non_ship_mmsi) == (2, 1)


def test_a_dark_call_is_never_cut_by_the_edge_of_the_data():
    # the ports detector flags AIS calls; a dark call (from a gap) gets False, not missing
    trk, st = _dark_trip()
    calls, _ = detect_vessels(trk, st, make_ports(), dark_call_ports=[TERM])
    assert calls[["evidence", "truncated"]].values.tolist() == [["ais-gap", False]]


def test_an_ais_call_cut_by_the_data_keeps_its_flag_beside_a_dark_call():
    # RU's data start at the berth (the call's start is not observed: truncated); DPRK's dark
    # call comes from a gap, never cut
    trk, st = _dark_trip()
    cut = make_track(RU, BERTH, [stay(20), sail(*SEA, 8)])
    calls, _ = detect_vessels(pd.concat([cut, trk], ignore_index=True), st, TERMINAL_ONLY,
                              dark_call_ports=[TERM])
    assert calls[["mmsi", "evidence", "truncated"]].values.tolist() == [
        [RU, "ais", True], [DPRK, "ais-gap", False]]


def _discharge_trip(destination=None):
    """RU calls at the terminal laden (2.7 m, 5.3 m from 10 h), sails to OFF and goes dark
    for 40 h there; the draught after the gap is 2.7 m: a 2.6 m drop."""
    trk = make_track(RU, SEA, [sail(*BERTH, 8), stay(20), sail(*OFF, 8),
                               dark_to(OFF[0], OFF[1], 40.0), sail(*SEA, 8)])
    i_on = int(trk["timestamp"].diff().idxmax())
    t_off, t_on = trk.loc[i_on - 1, "timestamp"], trk.loc[i_on, "timestamp"]
    st = hourly_draught(RU, T0, trk["timestamp"].max(),
                        [(T0, 2.7), (T0 + 10 * H, 5.3), (t_off + 20 * H, 2.7)])
    st = st.loc[(st["timestamp"] <= t_off) | (st["timestamp"] >= t_on)]
    if destination is not None:
        st = st.assign(destination=pd.array([destination] * len(st), dtype="string"))
    return trk, st, t_off


def test_the_next_call_is_a_dark_arrival_at_the_shortest_detour_by_default():
    # from OFF (133.20 E 42.55 N): Kozmino's corner (133.020, 42.715) is
    # hypot(0.18 * cos 42.6 * 60, 0.165 * 60) = hypot(7.95, 9.90) = 12.7 nm away, the
    # terminal's (133.076, 42.748) hypot(5.47, 11.88) = 13.1 nm; in = out, so the arrival is
    # the gap's middle: 20 h after AIS went off
    trk, st, t_off = _discharge_trip()
    calls, _ = detect_vessels(trk, st, make_ports(("terminal", "kozmino")))
    # (the track's times are floats of hours: compared to the millisecond)
    calls = calls.assign(next_arrival=calls["next_arrival"].dt.round("ms"))
    assert calls[["port", "next_port", "next_arrival", "next_evidence"]].values.tolist() == [
        [TERM, KOZ, (t_off + 20 * H).round("ms"), "ais-gap"]]


def test_the_discharge_threshold_of_the_next_call_from_the_count_parameters():
    # a 2.6 m drop: under a 3.0 m threshold, no dark arrival and no next call
    from vesseltrack.params import VoyageParams

    trk, st, _ = _discharge_trip()
    params = CountParams(voyages=VoyageParams(min_discharge_drop_m=3.0))
    calls, _ = detect_vessels(trk, st, make_ports(("terminal", "kozmino")), params=params)
    assert calls["next_port"].isna().tolist() == [True]


def test_the_next_call_follows_the_destination_in_the_statics():
    # "VOSTOCHNY" is inside the terminal's name: it wins over Kozmino's shorter detour
    trk, st, t_off = _discharge_trip(destination="VOSTOCHNY")
    calls, _ = detect_vessels(trk, st, make_ports(("terminal", "kozmino")))
    assert calls["next_port"].tolist() == [TERM]
    assert calls["next_arrival"].dt.round("ms").tolist() == [(t_off + 20 * H).round("ms")]


def test_a_dark_call_goes_where_the_peer_calls_given_say_flag_mates_call():
    # from OFF, Kozmino is the nearer of the two terminals (12.7 against 13.1 nm): the dark
    # call goes there alone, to the oil terminal where one KP call was counted
    trk, st = _dark_trip()
    ports = make_ports(("terminal", "kozmino"))
    found = [detect_vessels(trk, st, ports, dark_call_ports=[TERM, KOZ],
                            peer_calls=peers)[0]["port"].tolist()
             for peers in (None, pd.Series({("KP", TERM): 1.0}))]
    assert found == [[KOZ], [TERM]]


def test_a_count_attributes_a_dark_call_by_the_flag_mates_calls_it_counted():
    # a KP flag-mate calls at the oil terminal by AIS: DPRK's dark call goes there, not to
    # the nearer Kozmino
    mate = make_track(445000077, SEA, [sail(*BERTH, 8), stay(20), sail(*SEA, 8)])
    trk, st = _dark_trip()
    res = count_port_calls(pd.concat([mate, trk], ignore_index=True), st,
                           make_ports(("terminal", "kozmino")))
    assert res.all_calls[["mmsi", "port", "evidence"]].values.tolist() == [
        [DPRK, TERM, "ais-gap"], [445000077, TERM, "ais"]]


def test_a_count_without_segment_parameters_has_no_segment_column():
    from vesseltrack.count import GAP_COLUMNS, PORT_CALL_COLUMNS

    trk, st = _dark_trip()
    res = count_port_calls(trk, st, TERMINAL_ONLY)
    assert (tuple(res.all_calls.columns), tuple(res.gaps.columns)) == (
        PORT_CALL_COLUMNS, GAP_COLUMNS)


def test_the_draught_after_a_gap_looks_ahead_as_the_count_parameters_say():
    # AIS is back at 17:40:22 on 2 March; the hourly reports from 18:00 are dropped but the
    # one at 19:00 (5.3 m), 1 h 20 min later: within the default 24 h look-ahead, beyond a
    # 1 h one, where the draught in effect (2.7 m) is kept. The rule is the cargo's
    # (CountParams.draught)
    from vesseltrack.params import DraughtParams

    trk, st = _dark_trip()
    i_on = int(trk["timestamp"].diff().idxmax())
    t_off, t_on = trk.loc[i_on - 1, "timestamp"], trk.loc[i_on, "timestamp"]
    st = st.loc[(st["timestamp"] <= t_off) | (st["timestamp"] >= t_on + H)]
    lookahead_1h = CountParams(cargo=CargoParams(draught=DraughtParams(lookahead_hours=1.0)))
    after = [detect_vessels(trk, st, make_ports(), params=p)[1]["draught_after_m"].tolist()
             for p in (CountParams(), lookahead_1h)]
    assert after == [[5.3], [2.7]]
