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
from _builders import BERTH, SEA, T0, make_ports

from vesseltrack.dark import SIGHTING_AT_FENCE_COLUMNS, apply_sightings, sightings_at_fences
from vesseltrack.params import DarkCallParams
from vesseltrack.ports import fences_from_ports

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
