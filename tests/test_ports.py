"""Unit tests of vesseltrack.ports: reading geofences and the port-call state machine."""

from __future__ import annotations

import pandas as pd
import pytest
from _builders import (
    ANCHOR_SPOT,
    ANCHORAGE,
    BERTH,
    SEA,
    TERMINAL,
    dark,
    dark_to,
    make_ports,
    make_positions,
    make_track,
    polygon_feature,
    sail,
    stay,
    write_ports_geojson,
)

from vesseltrack.ports import PortCallParams, detect_port_calls, fences_from_ports, read_ports
from vesseltrack.tracks import clean_tracks

TERM = "Vostochny oil terminal"


def _terminal_calls(track, params=None):
    calls = detect_port_calls(clean_tracks(make_positions(track)), make_ports(("terminal",)),
                              params)
    return calls.loc[calls["port"] == TERM].reset_index(drop=True)


# ---------------------------------------------------------------- read_ports


def test_read_ports_reads_names_kinds_and_polygons(tmp_path):
    path = write_ports_geojson(tmp_path / "p.geojson", [
        polygon_feature("T", TERMINAL, "terminal"), polygon_feature("A", ANCHORAGE),
    ])
    ports = read_ports(path)
    assert ports["name"].tolist() == ["T", "A"]
    assert ports["kind"].tolist()[0] == "terminal" and pd.isna(ports["kind"].iloc[1])
    assert ports.geometry.iloc[0].contains(__import__("shapely").Point(*BERTH))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not a readable GeoJSON"),
        ('{"type": "Feature"}', "FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "no features"),
        ("NONAME", "no 'name'"),
        ("POINT", "not a Polygon"),
        ("DUP", "unique"),
        ("KIND", "unknown kind"),
    ],
)
def test_read_ports_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    if content == "NONAME":
        write_ports_geojson(path, [polygon_feature(None, TERMINAL)])
    elif content == "POINT":
        write_ports_geojson(path, [{"type": "Feature", "properties": {"name": "x"},
                                    "geometry": {"type": "Point", "coordinates": [1, 2]}}])
    elif content == "DUP":
        write_ports_geojson(path, [polygon_feature("x", TERMINAL), polygon_feature("x", TERMINAL)])
    elif content == "KIND":
        write_ports_geojson(path, [polygon_feature("x", TERMINAL, "harbour")])
    else:
        path.write_text(content)
    with pytest.raises(ValueError, match=message):
        read_ports(path)


def test_fence_distance_and_margin():
    (fence,) = fences_from_ports(make_ports(("terminal",)), exit_margin_m=500.0)
    # 0.005 deg of latitude north of the fence is ~556 m: beyond the margin; 0.004 is inside it
    assert fence.distance_nm([133.07], [42.761]) == pytest.approx(556 / 1852, rel=0.01)
    assert fence.near([133.07, 133.07], [42.7595, 42.761]).tolist() == [True, False]
    assert fence.contains([133.07], [42.7595]).tolist() == [False]


# ---------------------------------------------------------------- the state machine


@pytest.mark.parametrize(
    ("legs", "n_calls"),
    [
        ([sail(*BERTH, 8), stay(30), sail(*SEA, 8)], 1),                  # a normal call
        ([sail(*BERTH, 8), stay(1.0), sail(*SEA, 8)], 1),                 # short, but stopped
        ([sail(*BERTH, 8), stay(3.0, knots=0.4), sail(*SEA, 8)], 1),      # no stop, 3 h dwell
        ([sail(*BERTH, 8), stay(1.0, knots=0.4), sail(*SEA, 8)], 0),      # no stop, 1 h
        ([sail(133.069, 42.80, 10)], 0),                                  # crossing at speed
        ([sail(133.069, 42.74, 6), stay(5.0, knots=0.0)], 0),             # waits just outside
    ],
)
def test_call_or_no_call(legs, n_calls):
    assert len(_terminal_calls(make_track(273_000_001, SEA, legs))) == n_calls


def test_arrival_departure_duration_and_confidence():
    calls = _terminal_calls(make_track(273_000_001, SEA, [sail(*BERTH, 8), stay(30), sail(*SEA, 8)]))
    (c,) = calls.itertuples()
    assert c.duration_hours == pytest.approx(30.0, abs=0.3)
    assert c.evidence == "ais" and c.confidence == 4  # entry + exit + stop
    assert not c.arrival_estimated and not c.departure_estimated
    assert calls.attrs["params"]["exit_margin_m"] == 500.0


def test_drifting_inside_the_exit_margin_does_not_end_the_call():
    north_edge_out = (133.069, 42.7585)  # ~280 m outside the fence: within the 500 m margin
    legs = [sail(*BERTH, 8), stay(5), sail(*north_edge_out, 1), stay(1, knots=0.1),
            sail(*BERTH, 1), stay(5), sail(*SEA, 8)]
    assert len(_terminal_calls(make_track(273_000_001, SEA, legs))) == 1
    # with no margin the same track makes two calls
    assert len(_terminal_calls(make_track(273_000_001, SEA, legs), PortCallParams(exit_margin_m=0.0))) == 2


def test_leaving_beyond_the_margin_ends_the_call():
    outside = (133.069, 42.775)  # ~2 km north
    legs = [sail(*BERTH, 8), stay(5), sail(*outside, 6), stay(3), sail(*BERTH, 6), stay(5),
            sail(*SEA, 8)]
    assert len(_terminal_calls(make_track(273_000_001, SEA, legs))) == 2


def test_silence_in_port_does_not_end_the_call():
    legs = [sail(*BERTH, 8), stay(2), dark(20), stay(2), sail(*SEA, 8)]
    (c,) = _terminal_calls(make_track(273_000_001, SEA, legs)).itertuples()
    assert c.duration_hours == pytest.approx(24.0, abs=0.3)
    assert c.confidence == 4


def test_first_position_inside_means_no_observed_entry():
    calls = _terminal_calls(make_track(273_000_001, BERTH, [stay(10), sail(*SEA, 8)]))
    assert calls["confidence"].tolist() == [3]


def test_ais_off_after_docking_estimates_departure_from_own_speed():
    # 10 h at the pier, AIS off, reappears ~20 nm south (2.5 h out at 8 kn) 20 h later
    legs = [sail(*BERTH, 8), stay(10), dark_to(133.069, 42.42, 20), sail(133.069, 42.2, 8)]
    trk = make_track(273_000_001, SEA, legs)
    (c,) = _terminal_calls(trk).itertuples()
    assert c.departure_estimated and not c.arrival_estimated
    # departure estimated about 17.5 h after the last report at the pier (±1 h)
    last_at_pier = trk.loc[trk["lat"] > 42.75, "timestamp"].max()
    gap_end = trk.loc[trk["timestamp"] > last_at_pier, "timestamp"].iloc[0]
    assert gap_end - last_at_pier > pd.Timedelta(hours=17)
    assert abs((c.departure - last_at_pier) - pd.Timedelta(hours=17.5)) < pd.Timedelta(hours=1)
    assert c.confidence == 3  # 1 + entry + stop; the exit was not observed


def test_several_vessels_and_fences_at_once():
    a = make_track(273_000_001, SEA, [sail(*BERTH, 8), stay(30), sail(*SEA, 8)])
    b = make_track(273_000_002, SEA, [sail(*ANCHOR_SPOT, 8), stay(12), sail(*SEA, 8)])  # anchorage
    calls = detect_port_calls(clean_tracks(make_positions(a, b)), make_ports())
    got = set(zip(calls["mmsi"], calls["port"], strict=True))
    assert got == {(273_000_001, TERM), (273_000_001, "Vostochny port"),
                   (273_000_002, "Vostochny anchorage")}
    assert calls["call_id"].is_unique


@pytest.mark.parametrize(
    ("stop_before", "stop_end_knots", "n_calls"),
    [
        (True, 0.5, 1),    # stopped outside at 0.1 kn; creeping in at 0.3 kn keeps the stop
        (True, 0.25, 0),   # ... unless 0.3 kn is enough to end a stop
        (False, 0.5, 0),   # never stopped: 0.3 kn does not begin a stop
    ],
)
def test_stop_hysteresis(stop_before, stop_end_knots, n_calls):
    south = (133.069, 42.742)  # ~670 m south of the fence: beyond the margin
    legs = [sail(*south, 8)] + ([stay(1, 0.1)] if stop_before else []) + [
        sail(*BERTH, 0.3), sail(133.069, 42.80, 8)]
    params = PortCallParams(stop_end_knots=stop_end_knots)
    calls = _terminal_calls(make_track(273_000_001, SEA, legs, step_minutes=5), params)
    assert len(calls) == n_calls
    if n_calls:
        assert calls["duration_hours"].iloc[0] < 2.0  # a call by the stop, not by the dwell


@pytest.mark.parametrize(
    ("start", "legs", "truncated"),
    [
        (SEA, [sail(*BERTH, 8), stay(10), sail(*SEA, 8)], False),   # in and out: whole
        (BERTH, [stay(10), sail(*SEA, 8)], True),                  # data begins at the pier
        (SEA, [sail(*BERTH, 8), stay(10)], True),                  # data ends at the pier
    ],
)
def test_call_cut_by_the_edge_of_the_data_is_truncated(start, legs, truncated):
    calls = _terminal_calls(make_track(273_000_001, start, legs))
    assert calls["truncated"].tolist() == [truncated]
