"""Sighting calls, sighting evidence and dark-call attribution, each figure worked out by hand.

The rules (vesseltrack.dark): a matched sighting inside a fence (within the exit margin)
from ``sighting_match_hours`` (12 h) before a call's arrival to 12 h after its departure, at
the same fence, confirms the call (``+sighting`` once); the sightings no call explains make
calls of their own, those of one vessel at one fence less than ``sighting_cluster_hours``
(24 h) apart being one call from the first to the last (confidence 2 when several, else 1).
"""

from __future__ import annotations

import pandas as pd
import pytest
from _builders import BERTH, SEA, T0, make_ports, track_rows, write_registry

from vesseltrack.dark import (
    PEERS_DEFERRED,
    SIGHTING_AT_FENCE_COLUMNS,
    PeersNeeded,
    apply_sightings,
    detect_dark_calls,
    peer_call_counts,
    sightings_at_fences,
)
from vesseltrack.params import CargoParams, CountParams, DarkCallParams
from vesseltrack.ports import fences_from_ports
from vesseltrack.registry import read_registry
from vesseltrack.statics import latest_identity
from vesseltrack.tracks import sorted_tracks

H = pd.Timedelta(hours=1)
S = pd.Timedelta(seconds=1)
TERM = "Vostochny oil terminal"
FENCES = fences_from_ports(make_ports(("terminal", "anchorage")))


def _at_fence(rows):
    """Sighting x fence rows ``(s, mmsi, port, time, state)``."""
    frame = pd.DataFrame(rows, columns=list(SIGHTING_AT_FENCE_COLUMNS))
    return frame.astype(SIGHTING_AT_FENCE_COLUMNS)


def _calls(rows):
    """Calls ``(mmsi, port, arrival, departure, evidence)``."""
    return pd.DataFrame(rows, columns=["mmsi", "port", "arrival", "departure", "evidence"])


CALL = (7, TERM, T0 + 24 * H, T0 + 48 * H, "ais")


@pytest.mark.parametrize(
    ("when", "evidence", "new_calls"),
    [
        (T0 + 12 * H, "ais+sighting", 0),        # 12 h before arrival: confirms
        (T0 + 12 * H - S, "ais", 1),             # 1 s earlier: a call of its own
        (T0 + 60 * H, "ais+sighting", 0),        # 12 h after departure: confirms
        (T0 + 60 * H + S, "ais", 1),             # 1 s later: a call of its own
    ],
)
def test_sighting_match_window_ends_inclusive(when, evidence, new_calls):
    calls, new = apply_sightings(_calls([CALL]), _at_fence([(0, 7, TERM, when, "laden")]),
                                 FENCES, DarkCallParams())
    assert (calls["evidence"].tolist(), len(new)) == ([evidence], new_calls)


def test_sighting_of_another_vessel_or_fence_confirms_nothing():
    at_fence = _at_fence([(0, 8, TERM, T0 + 30 * H, "laden"),
                          (1, 7, "Vostochny anchorage", T0 + 30 * H, "laden")])
    calls, new = apply_sightings(_calls([CALL]), at_fence, FENCES, DarkCallParams())
    assert (calls["evidence"].tolist(), sorted(zip(new["mmsi"], new["port"], new["kind"],
                                                   strict=True))) == (
        ["ais"], [(7, "Vostochny anchorage", "anchorage"), (8, TERM, "terminal")])


def test_two_sightings_confirm_a_call_once():
    at_fence = _at_fence([(0, 7, TERM, T0 + 30 * H, "laden"),
                          (1, 7, TERM, T0 + 40 * H, "laden")])
    calls, new = apply_sightings(_calls([CALL, (7, TERM, T0 + 90 * H, T0 + 99 * H,
                                                "ais-gap+sighting")]),
                                 at_fence, FENCES, DarkCallParams())
    assert (calls["evidence"].tolist(), len(new)) == (["ais+sighting", "ais-gap+sighting"], 0)


@pytest.mark.parametrize(
    ("second_after", "calls"),
    [
        # 24 h apart: two calls of one sighting each (confidence 1, no duration)
        (24 * H, [(T0, T0, 1, 0.0), (T0 + 24 * H, T0 + 24 * H, 1, 0.0)]),
        # 1 s less: one call from the first to the last, confidence 2, 24 h - 1 s long
        (24 * H - S, [(T0, T0 + 24 * H - S, 2, 24 - 1 / 3600)]),
    ],
)
def test_sightings_less_than_the_cluster_time_apart_make_one_call(second_after, calls):
    at_fence = _at_fence([(0, 9, TERM, T0, "laden"), (1, 9, TERM, T0 + second_after, "laden")])
    _, new = apply_sightings(_calls([CALL]), at_fence, FENCES, DarkCallParams())
    got = list(zip(new["arrival"], new["departure"], new["confidence"],
                   new["duration_hours"].round(9), strict=True))
    assert got == [(a, d, c, pytest.approx(h)) for a, d, c, h in calls]


def test_sighting_calls_of_each_vessel_and_fence_apart():
    # the same hour at two fences, and two vessels at one fence: three calls
    at_fence = _at_fence([(0, 9, TERM, T0, "laden"), (1, 9, "Vostochny anchorage", T0, "laden"),
                          (2, 10, TERM, T0 + H, "laden")])
    _, new = apply_sightings(_calls([CALL]), at_fence, FENCES, DarkCallParams())
    got = list(zip(new["mmsi"], new["port"], new["evidence"], new["confidence"], strict=True))
    assert got == [(9, "Vostochny anchorage", "sighting", 1), (9, TERM, "sighting", 1),
                   (10, TERM, "sighting", 1)]


def test_sightings_at_fences_within_the_margin_only():
    # at the berth (inside), 0.48 nm = 890 m south of the terminal (beyond the 500 m margin),
    # at sea, and one without a matched vessel
    sightings = pd.DataFrame({
        "timestamp": pd.to_datetime([T0, T0 + H, T0 + 2 * H, T0 + 3 * H], utc=True),
        "lon": [BERTH[0], 133.069, SEA[0], BERTH[0]],
        "lat": [BERTH[1], 42.740, SEA[1], BERTH[1]],
        "state": ["laden", "ballast", "laden", "laden"],
        "matched_mmsi": pd.array([5, 5, 5, pd.NA], dtype="Int64"),
    })
    got = sightings_at_fences(sightings, FENCES)
    assert got.to_dict("records") == [
        {"s": 0, "mmsi": 5, "port": TERM, "ts": T0, "state": "laden"}]


# --------------------------------------------------------------------------------------------
# Dark calls from hand-made gap tables (detect_dark_calls), each figure worked out by hand.
#
# One vessel (KP flag) reports at 10 kn at T0 - 2 h, T0 - 1 h and T0 (row 2, the gap's start),
# then is silent until T0 + 40 h (row 3, the gap's end) and reports again at T0 + 41 h.
# Unless a test says otherwise: the draught rises 2.5 -> 3.5 m across the gap (+1.0 m, the
# `loaded_rise_m` threshold without a registry), the gap starts 20 nm and ends 30 nm from the
# terminal, which was reachable: arrival T0 + 20 / 10 h = T0 + 2 h, departure
# T0 + 40 h - 30 / 10 h = T0 + 37 h.

DPRK = 445000002
KOZ = "Kozmino"
PORT = "Vostochny port"
ANCH = "Vostochny anchorage"
ALL_FENCES = fences_from_ports(make_ports())  # terminal, port, anchorage, Kozmino


def _tracks(sog_knots=(10.0, 10.0, 10.0, 10.0, 10.0), gap_hours=40.0, first_lat=SEA[1],
            mmsi=DPRK):
    """Rows 0-4 of the vessel: T0 - 2 h, T0 - 1 h, T0 (gap start), T0 + gap, T0 + gap + 1 h."""
    seconds = [-7200.0, -3600.0, 0.0, gap_hours * 3600.0, gap_hours * 3600.0 + 3600.0]
    lats = [first_lat] + [SEA[1]] * 4
    return sorted_tracks(track_rows(mmsi, [(s, SEA[0], lat, v) for s, lat, v in
                                           zip(seconds, lats, sog_knots, strict=True)]))


def _gaps(before_m=2.5, after_m=3.5, gap_hours=40.0, mmsi=DPRK):
    return pd.DataFrame({"mmsi": [mmsi], "start_row": [2], "end_row": [3],
                         "start": [T0], "end": [T0 + gap_hours * H],
                         "draught_before_m": [before_m], "draught_after_m": [after_m]})


def _gap_fences(**by_fence):
    """Rows ``port=(d_in_nm, d_out_nm[, reachable])`` of gap 0."""
    names = {"term": TERM, "koz": KOZ, "port": PORT, "anch": ANCH}
    rows = [(0, names[k], *v, True)[:5] for k, v in by_fence.items()]
    return pd.DataFrame(rows, columns=["gap", "port", "d_in_nm", "d_out_nm", "reachable"])


def _ais_calls(rows=()):
    """AIS calls ``(mmsi, port, run_start_row, run_end_row)``."""
    frame = pd.DataFrame(list(rows), columns=["mmsi", "port", "run_start_row", "run_end_row"])
    return frame.astype({"mmsi": "int64", "port": "string", "run_start_row": "int64",
                         "run_end_row": "int64"}).assign(evidence="ais")


def _dark(gap_fences=None, *, gaps=None, tracks=None, calls=(), sightings=(), ports=(TERM,),
          identity=None, **kw):
    return detect_dark_calls(
        _tracks() if tracks is None else tracks,
        _gaps() if gaps is None else gaps,
        _gap_fences(term=(20.0, 30.0)) if gap_fences is None else gap_fences,
        _ais_calls(calls), ALL_FENCES, _at_fence(list(sightings)),
        identity=latest_identity(None) if identity is None else identity,
        dark_call_ports=None if ports is None else list(ports), **kw)


def _times(dark_calls):
    return list(zip(dark_calls["arrival"], dark_calls["departure"], strict=True))


def test_dark_call_record_with_times_from_the_vessels_own_speed():
    (got,) = _dark(params=CountParams()).to_dict("records")
    assert got == {
        "mmsi": DPRK, "port": TERM, "kind": "terminal", "evidence": "ais-gap",
        "confidence": 2,  # 1 + 1 for the draught rise
        "arrival_estimated": True, "departure_estimated": True,
        "first_row": 2, "last_row": 3, "run_start_row": 2, "run_end_row": 3,
        "arrival": T0 + 2 * H, "departure": T0 + 37 * H,
        "duration_hours": 35.0, "gap": 0,
    }


def test_dark_calls_default_to_count_params():
    assert _times(_dark()) == [(T0 + 2 * H, T0 + 37 * H)]


@pytest.mark.parametrize(("after_m", "n_calls"), [(3.5, 1), (3.25, 0)])
def test_draught_rise_at_the_loaded_threshold_makes_a_dark_call(after_m, n_calls):
    # 3.5 - 2.5 = 1.0 m = loaded_rise_m: a call; 3.25 - 2.5 = 0.75 m: none
    assert len(_dark(gaps=_gaps(after_m=after_m))) == n_calls


def test_dark_call_threshold_from_cargo_params():
    # loaded_rise_m 2.0: the +1.0 m rise is not enough
    params = CountParams(cargo=CargoParams(loaded_rise_m=2.0))
    assert len(_dark(params=params)) == 0


def _registry(tmp_path, mmsi):
    # summer 5.6 - ballast 2.7 = 2.9 m range; loaded at 0.3 x 2.9 = 0.87 m
    return read_registry(write_registry(tmp_path / "r.csv", [
        f"{mmsi},9000001,DARK ONE,KP,3003,84,13.0,5.6,2.7,diesel"]))


def test_dark_call_threshold_from_the_registry_range(tmp_path):
    # +0.9 m (2.5 -> 3.4): over the registry's 0.87 m, under the 1.0 m without a registry
    assert len(_dark(gaps=_gaps(after_m=3.4), registry=_registry(tmp_path, DPRK))) == 1


def test_dark_call_registry_row_found_by_the_identitys_imo(tmp_path):
    # the registry lists the vessel under another MMSI; the statics' IMO finds its row, whose
    # 0.87 m threshold makes the +0.9 m rise a call
    identity = pd.DataFrame({"imo": pd.array([9000001], dtype="Int64"),
                             "name": pd.array(["X"], dtype="string")},
                            index=pd.Index([DPRK], name="mmsi"))
    assert len(_dark(gaps=_gaps(after_m=3.4), registry=_registry(tmp_path, 445000099),
                     identity=identity)) == 1


@pytest.mark.parametrize(
    ("d_in_nm", "d_out_nm", "n_calls"),
    [(60.0, 20.0, 1), (20.0, 60.0, 1), (60.5, 20.0, 0), (20.0, 60.5, 0)],
)
def test_gap_ends_within_the_dark_approach_distance(d_in_nm, d_out_nm, n_calls):
    # max_dark_approach_nm = 60: both ends must lie within it, 60.0 itself included
    assert len(_dark(_gap_fences(term=(d_in_nm, d_out_nm)))) == n_calls


def test_unreachable_fence_gets_no_dark_call():
    assert len(_dark(_gap_fences(term=(20.0, 30.0, False)))) == 0


@pytest.mark.parametrize(("run_start_row", "run_end_row"), [(0, 2), (3, 4)])
def test_gap_starting_or_ending_in_an_ais_call_at_the_fence_is_no_dark_call(
        run_start_row, run_end_row):
    # the call's last report is the gap's start (rows 0-2), or its first is the gap's end
    # (rows 3-4): that call's own arrival/departure covers the silence
    calls = [(DPRK, TERM, run_start_row, run_end_row)]
    assert len(_dark(calls=calls)) == 0


def test_gap_starting_in_a_call_at_another_terminal_is_no_dark_call():
    assert len(_dark(calls=[(DPRK, KOZ, 0, 2)])) == 0


@pytest.mark.parametrize("other", [ANCH, PORT])
def test_gap_starting_in_an_anchorage_or_surrounding_port_call_is_still_a_dark_call(other):
    # no cargo is worked at an anchorage, and the port contains the terminal
    assert _dark(calls=[(DPRK, other, 0, 2)])["port"].tolist() == [TERM]


@pytest.mark.parametrize(
    ("when", "n_calls"),
    [(T0 - S, 0), (T0, 1), (T0 + 40 * H, 1), (T0 + 40 * H + S, 0)],
)
def test_sighting_at_the_fence_within_the_gap_makes_a_dark_call(when, n_calls):
    # no draught rise: only a sighting from the gap's start to its end, both included
    got = _dark(gaps=_gaps(after_m=2.5), sightings=[(0, DPRK, TERM, when, "laden")])
    assert len(got) == n_calls


def test_sighting_at_another_fence_makes_no_dark_call_here():
    got = _dark(gaps=_gaps(after_m=2.5), sightings=[(0, DPRK, KOZ, T0 + 9 * H, "laden")])
    assert len(got) == 0


def test_sighted_dark_call_with_a_draught_rise_has_confidence_three():
    got = _dark(sightings=[(0, DPRK, TERM, T0 + 9 * H, "laden")])
    # 1 + 1 (rise) + 1 (sighting)
    assert list(zip(got["evidence"], got["confidence"], strict=True)) == [
        ("ais-gap+sighting", 3)]


def test_sighted_dark_call_without_a_draught_rise_has_confidence_two():
    got = _dark(gaps=_gaps(after_m=2.5), sightings=[(0, DPRK, TERM, T0 + 9 * H, "laden")])
    # 1 + 0 (no rise) + 1 (sighting)
    assert got["confidence"].tolist() == [2]


def test_dark_call_goes_to_the_fence_of_the_vessels_one_earlier_call():
    # Kozmino is farther (20 + 20 nm against 10 + 10 nm) but the vessel called there once
    got = _dark(_gap_fences(term=(10.0, 10.0), koz=(20.0, 20.0)), ports=(TERM, KOZ),
                calls=[(DPRK, KOZ, 0, 0)])
    assert got["port"].tolist() == [KOZ]


def test_dark_call_goes_to_the_fence_of_one_flag_mates_call():
    peers = pd.Series([1.0], index=pd.MultiIndex.from_tuples([("KP", KOZ)]))
    got = _dark(_gap_fences(term=(10.0, 10.0), koz=(20.0, 20.0)), ports=(TERM, KOZ),
                peer_calls=peers)
    assert got["port"].tolist() == [KOZ]


# Deferred flag-mates' table (PEERS_DEFERRED): flag-mates rank a gap's candidate fences only
# after a sighting and the vessel's own calls, so they can change the choice only when the
# gap's two best candidates are alike in both. Then PeersNeeded; else the same dark calls as
# with any table.
KOZ_PEERS = pd.Series([1.0], index=pd.MultiIndex.from_tuples([("KP", KOZ)]))
TERM_PEERS = pd.Series([1.0], index=pd.MultiIndex.from_tuples([("KP", TERM)]))


def _deferred_or_raised(**kw):
    try:
        return _dark(peer_calls=PEERS_DEFERRED, **kw)
    except PeersNeeded:
        return "peers needed"


@pytest.mark.parametrize(
    ("case", "kw", "port"),
    [
        # one candidate: the terminal, whatever flag-mates do
        ("one fence", {"gap_fences": _gap_fences(term=(10.0, 10.0)), "ports": (TERM,)}, TERM),
        # Kozmino is not reachable: the terminal is the only candidate
        ("one reachable", {"gap_fences": _gap_fences(term=(10.0, 10.0),
                                                     koz=(20.0, 20.0, False))}, TERM),
        # the vessel called at Kozmino once, at the terminal never: 1 > 0 decides
        ("own call", {"calls": [(DPRK, KOZ, 0, 0)]}, KOZ),
        # sighted at the terminal during the gap, not at Kozmino: the sighting decides
        ("sighted", {"sightings": [(0, DPRK, TERM, T0 + 9 * H, "laden")]}, TERM),
        # own calls 1 (Kozmino), 0 (terminal), 0 (port): the best is alone even though the
        # two others tie
        ("tie behind", {"calls": [(DPRK, KOZ, 0, 0)], "ports": (TERM, KOZ, PORT),
                        "gap_fences": _gap_fences(term=(10.0, 10.0), koz=(20.0, 20.0),
                                                  port=(5.0, 5.0))}, KOZ),
        # sighted at the terminal (inside the port), the port and Kozmino not: alone on top
        ("sighted of three", {"sightings": [(0, DPRK, TERM, T0 + 9 * H, "laden")],
                              "ports": (TERM, KOZ, PORT),
                              "gap_fences": _gap_fences(term=(10.0, 10.0), koz=(20.0, 20.0),
                                                        port=(5.0, 5.0))}, TERM),
    ],
)
def test_deferred_flag_mates_give_the_same_dark_call_when_they_cannot_decide(case, kw, port):
    kw = {"gap_fences": _gap_fences(term=(10.0, 10.0), koz=(20.0, 20.0)), "ports": (TERM, KOZ),
          **kw}
    deferred = _deferred_or_raised(**kw)
    assert deferred["port"].tolist() == [port]
    for peers in (None, KOZ_PEERS, TERM_PEERS):
        pd.testing.assert_frame_equal(deferred, _dark(peer_calls=peers, **kw))


@pytest.mark.parametrize(
    ("case", "kw"),
    [
        # terminal and Kozmino both candidates, neither sighted, no own call at either
        ("no call at either", {}),
        # one own call at each
        ("one call at each", {"calls": [(DPRK, KOZ, 0, 0), (DPRK, TERM, 0, 0)]}),
        # sighted at both
        ("sighted at both", {"sightings": [(0, DPRK, TERM, T0 + 9 * H, "laden"),
                                           (1, DPRK, KOZ, T0 + 19 * H, "laden")]}),
    ],
)
def test_deferred_flag_mates_needed_when_the_two_best_fences_tie(case, kw):
    kw = {"gap_fences": _gap_fences(term=(10.0, 10.0), koz=(20.0, 20.0)), "ports": (TERM, KOZ),
          **kw}
    assert _deferred_or_raised(**kw) == "peers needed"
    # and indeed flag-mates decide it: nearer terminal without them, Kozmino with a call there
    assert [_dark(peer_calls=p, **kw)["port"].tolist() for p in (None, KOZ_PEERS)] == [
        [TERM], [KOZ]]


def _two_gaps(koz_reachable_in_gap_1):
    """Gap 0 (rows 2-3) and gap 1 (rows 3-4); the terminal reachable in both, Kozmino in gap 0
    never, in gap 1 as given."""
    gaps = pd.DataFrame({"mmsi": [DPRK, DPRK], "start_row": [2, 3], "end_row": [3, 4],
                         "start": [T0, T0 + 40 * H], "end": [T0 + 40 * H, T0 + 41 * H],
                         "draught_before_m": [2.5, 2.5], "draught_after_m": [3.5, 3.5]})
    rows = [(0, TERM, 10.0, 10.0, True), (0, KOZ, 20.0, 20.0, False),
            (1, TERM, 1.0, 1.0, True), (1, KOZ, 2.0, 2.0, koz_reachable_in_gap_1)]
    fences = pd.DataFrame(rows, columns=["gap", "port", "d_in_nm", "d_out_nm", "reachable"])
    return {"gaps": gaps, "gap_fences": fences, "ports": (TERM, KOZ)}


def test_deferred_flag_mates_not_needed_for_two_gaps_with_one_fence_each():
    # one candidate per gap, alike in everything: nothing for flag-mates to decide
    kw = _two_gaps(koz_reachable_in_gap_1=False)
    got = _deferred_or_raised(**kw)
    assert got[["gap", "port"]].to_dict("records") == [{"gap": 0, "port": TERM},
                                                        {"gap": 1, "port": TERM}]
    pd.testing.assert_frame_equal(got, _dark(peer_calls=KOZ_PEERS, **kw))


def test_deferred_flag_mates_needed_for_a_tie_in_the_second_gap():
    assert _deferred_or_raised(**_two_gaps(koz_reachable_in_gap_1=True)) == "peers needed"


def test_deferred_flag_mates_without_candidates_is_no_dark_call():
    got = _deferred_or_raised(gaps=_gaps(after_m=2.5))  # no rise, no sighting
    assert len(got) == 0


# MID 100 and 111 belong to no country: vessels of no known flag
NO_FLAG_A, NO_FLAG_B = 100000001, 111000001


def test_peer_counts_key_vessels_of_no_known_flag_together():
    calls = pd.DataFrame({"mmsi": [NO_FLAG_A, NO_FLAG_B, DPRK], "port": [KOZ, KOZ, TERM],
                          "evidence": ["ais"] * 3})
    assert peer_call_counts(calls).to_dict() == {("", KOZ): 2.0, ("KP", TERM): 1.0}


def test_vessels_of_no_known_flag_are_flag_mates_of_one_another():
    # the rule as it stands: the flag key of a vessel with no known flag is empty, the same for
    # all of them. Kozmino is farther (20 + 20 nm against 10 + 10 nm) but another vessel of no
    # known flag called there once; a KP vessel's calls at the terminal do not count.
    peers = peer_call_counts(pd.DataFrame({
        "mmsi": [NO_FLAG_B, DPRK, DPRK], "port": [KOZ, TERM, TERM], "evidence": ["ais"] * 3}))
    got = _dark(_gap_fences(term=(10.0, 10.0), koz=(20.0, 20.0)), ports=(TERM, KOZ),
                tracks=_tracks(mmsi=NO_FLAG_A), gaps=_gaps(mmsi=NO_FLAG_A), peer_calls=peers)
    assert got[["mmsi", "port"]].to_dict("records") == [{"mmsi": NO_FLAG_A, "port": KOZ}]


def test_dark_call_goes_to_the_fence_nearest_by_both_distances():
    # terminal 10 + 10 = 20 nm, Kozmino 5 + 25 = 30 nm: the terminal
    got = _dark(_gap_fences(term=(10.0, 10.0), koz=(5.0, 25.0)), ports=(TERM, KOZ))
    assert got["port"].tolist() == [TERM]


def test_dark_call_goes_to_the_terminal_not_the_nearer_port_around_it():
    got = _dark(_gap_fences(term=(10.0, 10.0), port=(5.0, 5.0)), ports=(TERM, PORT))
    assert got["port"].tolist() == [TERM]


def test_no_dark_call_at_an_anchorage():
    assert len(_dark(_gap_fences(anch=(1.0, 1.0)), ports=(ANCH,))) == 0


@pytest.mark.parametrize(
    ("d_in_nm", "d_out_nm", "met_at"),
    [
        # gap of 8 h at 5 kn: arrival 50 / 5 = 10 h (clipped to 8 h), departure 8 - 10 / 5
        # = 6 h; crossed: both at (8 + 6) / 2 = 7 h
        (50.0, 10.0, 7 * H),
        # arrival 10 / 5 = 2 h, departure 8 - 50 / 5 = -2 h (clipped to 0 h): (2 + 0) / 2 = 1 h
        (10.0, 50.0, 1 * H),
    ],
)
def test_crossing_arrival_and_departure_meet_in_the_middle(d_in_nm, d_out_nm, met_at):
    got = _dark(_gap_fences(term=(d_in_nm, d_out_nm)), tracks=_tracks((5.0,) * 5, 8.0),
                gaps=_gaps(gap_hours=8.0))
    assert _times(got) == [(T0 + met_at, T0 + met_at)]


def test_arrival_from_the_speed_before_the_gap_departure_from_the_speed_after():
    # before the start (6 h window): median of 10, 10, 4 kn = 10 kn -> 20 / 10 = 2 h after
    # the start; after the end: median of 4, 8 kn = 6 kn -> 30 / 6 = 5 h before the end
    # (T0 + 35 h); the 4 kn at the start alone, or at the end alone, would give other times
    got = _dark(tracks=_tracks((10.0, 10.0, 4.0, 4.0, 8.0)))
    assert _times(got) == [(T0 + 2 * H, T0 + 35 * H)]


def test_dark_call_times_counted_over_rows_without_position():
    # the first row has no position: rows keep their numbers (start row 2 is still T0)
    got = _dark(tracks=_tracks(first_lat=float("nan")))
    assert _times(got) == [(T0 + 2 * H, T0 + 37 * H)]


def test_peer_counts_count_ais_calls_with_or_without_a_sighting():
    calls = pd.DataFrame({"mmsi": [DPRK] * 4, "port": [TERM] * 4,
                          "evidence": ["ais", "ais+sighting", "ais-gap", "sighting"]})
    assert peer_call_counts(calls).to_dict() == {("KP", TERM): 2.0}


def test_sighting_call_record():
    at_fence = _at_fence([(0, 9, TERM, T0, "laden"), (1, 9, TERM, T0 + 6 * H, "laden")])
    _, new = apply_sightings(_calls([CALL]), at_fence, FENCES, DarkCallParams())
    assert new.to_dict("records") == [{
        "mmsi": 9, "port": TERM, "kind": "terminal", "evidence": "sighting", "confidence": 2,
        "arrival_estimated": False, "departure_estimated": False,
        "arrival": T0, "departure": T0 + 6 * H, "duration_hours": 6.0}]


def test_sightings_of_a_vessel_after_another_vessels_make_one_call():
    # vessel 9 once, then vessel 10 twice 1 h apart: two calls, the second of two sightings
    at_fence = _at_fence([(0, 9, TERM, T0, "laden"), (1, 10, TERM, T0 + H, "laden"),
                          (2, 10, TERM, T0 + 2 * H, "laden")])
    _, new = apply_sightings(_calls([CALL]), at_fence, FENCES, DarkCallParams())
    assert list(zip(new["mmsi"], new["confidence"], strict=True)) == [(9, 1), (10, 2)]


def test_sightings_at_a_fence_after_another_fence_make_one_call():
    # vessel 9 at the anchorage, then twice at the terminal 1 h apart: two calls
    at_fence = _at_fence([(0, 9, "Vostochny anchorage", T0, "laden"),
                          (1, 9, TERM, T0 + H, "laden"), (2, 9, TERM, T0 + 2 * H, "laden")])
    _, new = apply_sightings(_calls([CALL]), at_fence, FENCES, DarkCallParams())
    assert list(zip(new["port"], new["confidence"], strict=True)) == [
        ("Vostochny anchorage", 1), (TERM, 2)]


def test_sighting_confirming_a_call_already_sighted_adds_nothing():
    calls, _ = apply_sightings(_calls([(7, TERM, T0 + 24 * H, T0 + 48 * H, "ais-gap+sighting")]),
                               _at_fence([(0, 7, TERM, T0 + 30 * H, "laden")]), FENCES,
                               DarkCallParams())
    assert calls["evidence"].tolist() == ["ais-gap+sighting"]


def test_no_sightings_at_fences_without_sightings():
    got = sightings_at_fences(None, FENCES)
    assert (len(got), list(got.columns)) == (0, list(SIGHTING_AT_FENCE_COLUMNS))


def test_a_single_sighting_at_a_fence():
    sightings = pd.DataFrame({
        "timestamp": pd.to_datetime([T0], utc=True), "lon": [BERTH[0]], "lat": [BERTH[1]],
        "state": ["laden"], "matched_mmsi": pd.array([5], dtype="Int64")})
    got = sightings_at_fences(sightings, FENCES)
    assert got.to_dict("records") == [
        {"s": 0, "mmsi": 5, "port": TERM, "ts": T0, "state": "laden"}]
