"""Tests of vesseltrack.count on small built scenarios (the fixture scoring is in
test_count_fixture.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from _builders import (
    BERTH,
    KOZMINO_BERTH,
    SEA,
    T0,
    dark,
    dark_to,
    hourly_draught,
    make_ports,
    make_positions,
    make_track,
    sail,
    stay,
    write_registry,
    write_sightings,
)

from vesseltrack.count import (
    PORT_CALL_COLUMNS,
    CountParams,
    count_port_calls,
    detect_vessels,
    match_sightings,
    peer_call_counts,
)
from vesseltrack.ports import fences_from_ports
from vesseltrack.registry import read_registry, read_sightings
from vesseltrack.report import format_summary

H = pd.Timedelta(hours=1)
TERM = "Vostochny oil terminal"
KOZ = "Kozmino"
DPRK = 445000002
OFF = (133.20, 42.55)  # ~10 nm south of the terminal: where AIS goes off


@pytest.fixture
def registry(tmp_path):
    return read_registry(write_registry(tmp_path / "r.csv", [
        f"{DPRK},,DARK ONE,KP,3003,84,13.0,5.6,2.7,diesel",
        "445000003,,SIGHTED ONLY,KP,1720,70,11.0,4.7,2.3,gasoline",
    ]))


def _dark_trip(mmsi=DPRK, off=OFF, dark_hours=40.0, rise=True, start=SEA):
    """Sail towards the port, AIS off at ``off`` for ``dark_hours``, back on at ``off``."""
    trk = make_track(mmsi, start, [sail(*off, 6), dark_to(off[0], off[1], dark_hours),
                                   sail(*start, 6)])
    i_on = int(trk["timestamp"].diff().idxmax())
    t_off, t_on = trk.loc[i_on - 1, "timestamp"], trk.loc[i_on, "timestamp"]
    changes = [(T0, 2.7)] + ([(t_off + 20 * H, 5.3)] if rise else [])
    st = hourly_draught(mmsi, T0, trk["timestamp"].max(), changes, name="DARK ONE")
    st = st.loc[(st["timestamp"] <= t_off) | (st["timestamp"] >= t_on)]
    return trk, st, t_off, t_on


def _count(positions, statics, **kw):
    return count_port_calls(positions, statics, make_ports(), **kw)


def test_dark_call_from_a_gap_with_a_draught_rise(registry):
    trk, st, t_off, t_on = _dark_trip()
    res = _count(trk, st, registry=registry, port=TERM)
    (c,) = res.port_calls.itertuples()
    assert (c.mmsi, c.port, c.evidence, c.load_state) == (DPRK, TERM, "ais-gap", "loaded")
    assert c.arrival_estimated and c.departure_estimated
    # OFF is ~13.1 nm from the fence: at the vessel's 6 kn, arrival ~2.2 h after AIS off,
    # departure ~2.2 h before it came back on
    (fence,) = fences_from_ports(make_ports(("terminal",)))
    d_nm = float(fence.distance_nm([OFF[0]], [OFF[1]])[0])
    assert d_nm == pytest.approx(13.1, abs=0.1)
    assert abs(c.arrival - t_off - d_nm / 6.0 * H) < 0.1 * H
    assert abs(t_on - c.departure - d_nm / 6.0 * H) < 0.1 * H
    assert (c.arrival_draught_m, c.departure_draught_m) == (2.7, 5.3)
    assert c.cargo_t == pytest.approx((5.3 - 2.7) / 2.9 * 0.93 * 3003)
    assert c.cargo_method == "draught" and c.flag == "KP" and c.name == "DARK ONE"


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"rise": False}, "no draught rise"),
        ({"dark_hours": 5.0}, "silence too short to be a gap"),
        ({"off": (132.0, 41.5), "start": (131.5, 41.0)}, "gap starts > 60 nm away"),
    ],
)
def test_no_dark_call(registry, kwargs, why):
    trk, st, _, _ = _dark_trip(**kwargs)
    res = _count(trk, st, registry=registry)
    assert res.all_calls.empty, why


def test_sighting_confirms_a_dark_call_without_draught_change(registry, tmp_path):
    trk, st, t_off, _ = _dark_trip(rise=False)
    when = (t_off + 15 * H).isoformat()
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        f"{when},{BERTH[0]},{BERTH[1]},,,Dark One,laden,synthetic"]))
    res = _count(trk, st, registry=registry, sightings=s, port=TERM)
    (c,) = res.port_calls.itertuples()
    assert c.evidence == "ais-gap+sighting" and c.load_state == "loaded"
    assert c.cargo_method == "laden-sighting-fill"
    assert c.cargo_t == pytest.approx(0.9 * 0.93 * 3003)


def test_sighting_without_ais_creates_a_call_and_at_sea_creates_nothing(registry, tmp_path):
    trk, st, _, _ = _dark_trip()  # another vessel, so that there is AIS data at all
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        f"{(T0 + 30 * H).isoformat()},{BERTH[0]},{BERTH[1]},445000003,,,laden,img",
        f"{(T0 + 40 * H).isoformat()},{BERTH[0]},{BERTH[1]},445000003,,,laden,img",
        f"{(T0 + 90 * H).isoformat()},{SEA[0]},{SEA[1]},445000003,,,laden,img",
    ]))
    res = _count(trk, st, registry=registry, sightings=s, port=TERM)
    c = res.port_calls.loc[res.port_calls["mmsi"] == 445000003]
    assert len(c) == 1
    (c,) = c.itertuples()
    assert c.evidence == "sighting" and c.confidence == 2
    assert (c.arrival, c.departure) == (T0 + 30 * H, T0 + 40 * H)
    assert c.load_state == "loaded" and c.cargo_bbl == pytest.approx(0.9 * 0.93 * 1720 * 8.35)


def test_ais_call_with_sighting_evidence(tmp_path):
    trk = make_track(273_000_007, SEA, [sail(*BERTH, 8), stay(30), sail(*SEA, 8)])
    s = read_sightings(write_sightings(tmp_path / "s.csv", [
        f"{(T0 + 12 * H).isoformat()},{BERTH[0]},{BERTH[1]},273000007,,,unknown,img"]))
    res = _count(trk, None, sightings=s, port=TERM)
    assert res.port_calls["evidence"].tolist() == ["ais+sighting"]
    assert res.port_calls["load_state"].tolist() == ["unknown"]


def test_kozmino_in_port_silence_with_rising_draught_is_no_terminal_call():
    trk = make_track(273000001, SEA, [sail(*KOZMINO_BERTH, 10), stay(3), dark(20), stay(3),
                                      sail(*SEA, 10)])
    st = hourly_draught(273000001, T0, trk["timestamp"].max(),
                        [(T0, 7.0), (T0 + 15 * H, 14.0)])
    res = _count(trk, st)
    # The berth (133.017 E) lies west of the wider port's 133.030 E edge and the route in
    # never enters it; the silence is inside the Kozmino call, and dark calls go only to the
    # fences asked about (by default the two terminals): one call, at Kozmino, loaded
    # (draught 7.0 -> 14.0 m, +7.0 m >= the 1.0 m rise without a registry entry).
    got = list(zip(res.all_calls["port"], res.all_calls["load_state"], strict=True))
    assert got == [(KOZ, "loaded")]


def test_dark_call_attribution_depends_on_the_fences_asked_about(registry):
    trk, st, _, _ = _dark_trip()
    both = _count(trk, st, registry=registry)  # default: the two terminals
    assert len(both.port_calls) == 1
    for port in (TERM, KOZ):
        assert _count(trk, st, registry=registry, port=port).port_calls["port"].tolist() == [port]


def test_dark_call_goes_where_the_vessel_called_before(registry):
    # an AIS call at the terminal first, then a dark trip: the dark call goes there too
    first = make_track(DPRK, SEA, [sail(*BERTH, 8), stay(20), sail(*SEA, 8)])
    later = T0 + 10 * 24 * H
    trk2, st2, _, _ = _dark_trip()
    trk2 = trk2.assign(timestamp=trk2["timestamp"] + (later - T0))
    st2 = st2.assign(timestamp=st2["timestamp"] + (later - T0))
    res = _count(make_positions(first, trk2), st2, registry=registry)
    assert res.port_calls["port"].tolist() == [TERM, TERM]
    assert res.port_calls["evidence"].tolist() == ["ais", "ais-gap"]


def test_dark_call_of_a_vessel_without_history_goes_where_its_flag_mates_call(registry):
    mate = make_track(445000077, SEA, [sail(*BERTH, 8), stay(20), sail(*SEA, 8)])
    trk, st, _, _ = _dark_trip()
    alone = _count(trk, st, registry=registry)
    with_mate = _count(make_positions(mate, trk), st, registry=registry)
    dark_calls = with_mate.port_calls.loc[with_mate.port_calls["mmsi"] == DPRK]
    assert dark_calls["port"].tolist() == [TERM]
    # a Russian vessel calling at the terminal is no flag-mate of a KP vessel
    ru = make_track(273000077, SEA, [sail(*BERTH, 8), stay(20), sail(*SEA, 8)])
    with_ru = _count(make_positions(ru, trk), st, registry=registry)
    assert (with_ru.port_calls.loc[with_ru.port_calls["mmsi"] == DPRK, "port"].tolist()
            == alone.port_calls["port"].tolist())


def test_two_pass_partitions_reproduce_the_local_engine(registry):
    mate = make_track(445000077, SEA, [sail(*BERTH, 8), stay(20), sail(*SEA, 8)])
    trk, st, _, _ = _dark_trip()
    positions, ports = make_positions(mate, trk), make_ports()
    local = _count(positions, st, registry=registry).all_calls

    def partitions(peers):
        return pd.concat([
            detect_vessels(positions.loc[positions["mmsi"] == m], st, ports, registry=registry,
                           dark_call_ports=[TERM, KOZ], peer_calls=peers)[0]
            for m in positions["mmsi"].unique()
        ]).sort_values(["mmsi", "arrival", "port"]).reset_index(drop=True)

    first = partitions(None)
    second = partitions(peer_call_counts(first))
    assert peer_call_counts(first).to_dict() == {("KP", TERM): 1.0, ("KP", "Vostochny port"): 1.0}
    pd.testing.assert_frame_equal(second, local.reset_index(drop=True), check_dtype=False)
    assert second.attrs["params"]["port_calls"]["max_dark_approach_nm"] == 60.0


@pytest.mark.parametrize(
    ("kw", "n"),
    [
        ({}, 2),
        ({"flag": "KP"}, 1),
        ({"flag": "ru"}, 1),
        ({"since": "2024-03-05"}, 1),
        ({"until": "2024-03-02"}, 1),   # date-only until: the whole day
        ({"until": "2024-03-01"}, 0),
    ],
)
def test_selection_by_flag_and_window(kw, n):
    # departs on 2 March about 09:00
    kp = make_track(445000009, SEA, [sail(*BERTH, 8), stay(30), sail(*SEA, 8)])
    ru = make_track(273000009, SEA, [sail(*BERTH, 8), stay(20), sail(*SEA, 8)],
                    t0=T0 + 5 * 24 * H)
    res = _count(make_positions(kp, ru), None, port=TERM, **kw)
    assert len(res.port_calls) == n


def test_unknown_port_is_a_clear_error():
    trk = make_track(273_000_001, SEA, [sail(*BERTH, 8)])
    with pytest.raises(ValueError, match="no geofence named 'Nowhere'"):
        _count(trk, None, port="Nowhere")


def test_summary_json_and_table(registry, tmp_path):
    trk, st, _, _ = _dark_trip()
    other = make_track(273000009, SEA, [sail(*BERTH, 8), stay(20), sail(*SEA, 8)])
    res = _count(make_positions(trk, other), st, registry=registry, port=TERM)
    report = {"files": 1, "lines": 100, "messages": 90, "bad_lines": 3, "orphan_fragments": 1,
              "positions": 80, "failed_files": []}
    summary = res.summary(report)
    json.dumps(summary)  # serialisable
    cargo = (5.3 - 2.7) / 2.9 * 0.93 * 3003 * 7.46
    assert summary["port_calls"] == 2 and summary["loaded_departures"] == 1
    assert summary["vessels"] == 1 and summary["estimated_bbl"] == round(cargo)
    assert summary["by_evidence"] == {"ais-gap": 1}
    assert summary["un_cap_bbl"] is None and summary["un_cap_multiple"] is None  # no flag, no cap
    assert summary["window"]["start"] == T0.isoformat()
    assert summary["input"] == {**report, "vessels_seen": 2, "non_ship_mmsi": 0,
                                "untimed_positions": 0}
    assert summary["params"]["port_calls"]["exit_margin_m"] == 500.0
    table = format_summary(summary)
    assert f"{round(cargo):,} bbl" in table and "loaded departures" in table


def test_columns_and_partition_invariance(registry, tmp_path):
    trk, st, _, _ = _dark_trip()
    b = make_track(445000005, SEA, [sail(*BERTH, 8), stay(20), sail(*SEA, 8)])
    c = make_track(273000001, SEA, [sail(*KOZMINO_BERTH, 10), stay(20), sail(*SEA, 10)])
    positions = make_positions(trk, b, c)
    ports = make_ports()
    s = match_sightings(read_sightings(write_sightings(tmp_path / "s.csv", [
        f"{(T0 + 12 * H).isoformat()},{BERTH[0]},{BERTH[1]},445000005,,,laden,img"])))
    whole, gaps = detect_vessels(positions, st, ports, registry=registry, sightings=s)
    assert tuple(whole.columns) == PORT_CALL_COLUMNS
    parts = [detect_vessels(positions.loc[positions["mmsi"] == m], st, ports,
                            registry=registry, sightings=s.loc[s["matched_mmsi"] == m],
                            params=CountParams())
             for m in positions["mmsi"].unique()]
    joined = pd.concat([p[0] for p in parts]).sort_values(["mmsi", "arrival", "port"])
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), joined.reset_index(drop=True),
                                  check_dtype=False)
    assert len(gaps) == sum(len(p[1]) for p in parts)
    assert np.all(whole["call_id"].str.count("/") == 3)


# --------------------------------------------------------------------------------------------
# Accuracy on the synthetic scenario: a scorer matches detections to the truth.

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]
FIXTURES = REPO / "data" / "fixtures"
TOL = pd.Timedelta(hours=12)


def score(detected: pd.DataFrame, truth: pd.DataFrame, tol: pd.Timedelta = TOL):
    """Match detections to truth one-to-one: same MMSI, arrival and departure each within
    ``tol``; nearest pairs first. Returns (matched pairs, precision, recall)."""
    d = detected.reset_index(drop=True).assign(i_d=lambda f: np.arange(len(f)))
    t = truth.reset_index(drop=True).assign(i_t=lambda f: np.arange(len(f)))
    pairs = d[["i_d", "mmsi", "arrival", "departure"]].merge(
        t[["i_t", "mmsi", "arrival", "departure"]], on="mmsi", suffixes=("_d", "_t"))
    da = (pairs["arrival_d"] - pairs["arrival_t"]).abs()
    dd = (pairs["departure_d"] - pairs["departure_t"]).abs()
    pairs = pairs.loc[(da <= tol) & (dd <= tol)].assign(cost=(da + dd)[(da <= tol) & (dd <= tol)])
    used_d, used_t, keep = set(), set(), []
    for row in pairs.sort_values("cost").itertuples():
        if row.i_d not in used_d and row.i_t not in used_t:
            used_d.add(row.i_d)
            used_t.add(row.i_t)
            keep.append((row.i_d, row.i_t))
    matched = pd.DataFrame(keep, columns=["i_d", "i_t"])
    precision = len(keep) / len(d) if len(d) else 1.0
    recall = len(keep) / len(t) if len(t) else 1.0
    return matched, precision, recall


def test_scorer_on_a_toy_case():
    t = pd.DataFrame({"mmsi": [1, 1, 2], "arrival": [T0, T0 + 100 * H, T0],
                      "departure": [T0 + 30 * H, T0 + 130 * H, T0 + 30 * H]})
    d = pd.DataFrame({"mmsi": [1, 1, 3], "arrival": [T0 + 11 * H, T0 + 100 * H, T0],
                      "departure": [T0 + 30 * H, T0 + 143 * H, T0 + 30 * H]})
    matched, p, r = score(d, t)
    assert matched.values.tolist() == [[0, 0]]  # 13 h off and another vessel do not match
    assert (p, r) == (pytest.approx(1 / 3), pytest.approx(1 / 3))


def _read_truth(path) -> pd.DataFrame:
    truth = pd.read_csv(path)
    for col in ("arrival", "departure"):
        truth[col] = pd.to_datetime(truth[col], utc=True)
    return truth


def _load_scenario(nmea, ports_path, registry_path, terminal: str):
    from types import SimpleNamespace

    from vesseltrack.io import read_ais
    from vesseltrack.ports import read_ports
    from vesseltrack.synth import fixture_paths

    paths = fixture_paths(nmea)
    return SimpleNamespace(
        data=read_ais(nmea),
        ports=read_ports(ports_path),
        registry=read_registry(registry_path),
        sightings=read_sightings(paths["sightings"]),
        truth=_read_truth(paths["truth"]),
        background=_read_truth(paths["background_truth"]),
        terminal=terminal,
    )


def _run(sc, sightings=True, **kw):
    return count_port_calls(
        sc.data.positions, sc.data.statics, sc.ports, registry=sc.registry,
        sightings=sc.sightings if sightings else None, **kw,
    )


@pytest.fixture(scope="module")
def committed():
    return _load_scenario(FIXTURES / "vostochny_2024.nmea.gz",
                          REPO / "data" / "ports" / "vostochny.geojson",
                          REPO / "data" / "vessels" / "dprk_tankers.csv",
                          "Vostochny oil terminal")


def test_committed_fixture_43_loaded_departures_by_12_kp_vessels(committed):
    res = _run(committed, port=committed.terminal, flag="KP")
    loaded, truth = res.loaded, committed.truth
    assert len(truth) == 43
    assert len(loaded) == 43 and loaded["mmsi"].nunique() == 12
    matched, precision, recall = score(loaded, truth)
    assert (precision, recall) == (1.0, 1.0)
    bbl, true_bbl = loaded["cargo_bbl"].sum(), truth["cargo_bbl"].sum()
    assert abs(bbl - true_bbl) / true_bbl < 0.01
    summary = res.summary(committed.data.report.to_dict())
    assert summary["loaded_departures"] == 43 and summary["vessels"] == 12
    assert summary["estimated_bbl"] > 2 * summary["un_cap_bbl"]  # about twice the UN cap
    assert summary["input"]["lines"] == committed.data.report.lines
    # every evidence kind of the scenario shows up: AIS, dark calls, sightings
    assert {"ais", "ais-gap", "ais-gap+sighting", "ais+sighting"} <= set(summary["by_evidence"])


def test_committed_fixture_without_sightings_finds_the_ais_detectable_subset(committed):
    res = _run(committed, sightings=False, port=committed.terminal, flag="KP")
    detectable = committed.truth.loc[committed.truth["draught_updated"]]
    assert 0 < len(detectable) < 43
    assert len(res.loaded) == len(detectable)
    _, precision, recall = score(res.loaded, detectable)
    assert (precision, recall) == (1.0, 1.0)
    assert set(res.loaded["evidence"]) == {"ais", "ais-gap"}


def test_committed_fixture_default_ports_attribute_dark_calls_to_the_oil_terminal(committed):
    res = _run(committed, flag="KP")  # default: both terminals, Kozmino included
    assert set(res.ports) == {"Vostochny oil terminal", "Kozmino crude terminal"}
    assert res.loaded["port"].value_counts().to_dict() == {"Vostochny oil terminal": 43}


def test_committed_fixture_no_terminal_call_for_other_traffic(committed):
    res = _run(committed, port=committed.terminal)
    bg = committed.background
    terminal_callers = set(bg.loc[bg["port"] == committed.terminal, "mmsi"])
    others = set(bg["mmsi"]) - terminal_callers            # Kozmino, coal berths, anchorage
    kozmino = set(bg.loc[bg["port"] == "Kozmino crude terminal", "mmsi"]) - terminal_callers
    no_calls = (set(committed.data.positions["mmsi"]) - set(bg["mmsi"])
                - set(committed.truth["mmsi"]))            # passing traffic, craft, decoys
    assert len(kozmino) >= 10 and len(no_calls) >= 40      # the test is not vacuous
    called = set(res.port_calls["mmsi"])
    assert called & (others | no_calls) == set()


def test_committed_fixture_background_terminal_calls(committed):
    res = _run(committed, port=committed.terminal)
    bg = committed.background.loc[committed.background["port"] == committed.terminal]
    detected = res.port_calls.loc[~res.port_calls["mmsi"].isin(committed.truth["mmsi"])]
    _, precision, recall = score(detected, bg)
    assert len(bg) > 30
    assert precision >= 0.97 and recall >= 0.97


OTHER_SCENARIOS = [("vostochny-2024", 1), ("vostochny-2024", 2), ("vostochny-2024", 3),
                   ("fictional-cove-2024", 7)]


@pytest.fixture(scope="session")
def other_scenarios(tmp_path_factory):
    """Generate (lazily, once per session) the other seeds and the other-port scenario."""
    from vesseltrack.synth import SCENARIOS, write_fixture, write_ports
    from vesseltrack.synth import write_registry as write_fleet

    cache = {}

    def get(key: str, seed: int):
        if (key, seed) not in cache:
            root = tmp_path_factory.mktemp(f"{key}-{seed}")
            paths = write_fixture(root / "scenario.nmea.gz", scenario=key, seed=seed)
            scn = SCENARIOS[key]
            cache[key, seed] = _load_scenario(
                paths["nmea"], write_ports(root / "ports.geojson", key),
                write_fleet(root / "registry.csv", key),
                scn.facility(scn.pattern.terminal).fence,
            )
        return cache[key, seed]

    return get


@pytest.mark.parametrize(("key", "seed"), OTHER_SCENARIOS)
def test_other_seeds_and_port_loaded_departures(other_scenarios, key, seed):
    sc = other_scenarios(key, seed)
    res = _run(sc, port=sc.terminal, flag="KP")
    _, precision, recall = score(res.loaded, sc.truth)
    assert len(sc.truth) >= 8
    assert precision >= 0.97 and recall >= 0.97
    bbl, true_bbl = res.loaded["cargo_bbl"].sum(), sc.truth["cargo_bbl"].sum()
    # measured errors: -0.24 %, +0.004 %, -0.02 % (seeds 1-3), +0.38 % (the other port)
    assert abs(bbl - true_bbl) / true_bbl < 0.01
    # without sightings: the AIS-detectable subset
    blind = _run(sc, sightings=False, port=sc.terminal, flag="KP")
    _, p2, r2 = score(blind.loaded, sc.truth.loc[sc.truth["draught_updated"]])
    assert p2 >= 0.97 and r2 >= 0.97
