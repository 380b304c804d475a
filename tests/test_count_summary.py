"""The ``count --json`` summary's cargo figures, note and cap, on hand-made call tables.

Each figure worked out by hand: where loaded departures have no cargo estimate at all, the
summary says so (no barrel figures, a note saying why); a cap is echoed only where one
applies.
"""

from __future__ import annotations

import pandas as pd
import pytest

from vesseltrack.count import CountResult

T = pd.Timestamp("2024-03-02T00:00:00Z")
H = pd.Timedelta(hours=1)
NO_REGISTRY = ("no vessel registry given: cargo needs each vessel's dead-weight and ballast "
               "and summer draughts")
NOT_IN_REGISTRY = ("no loaded departure's vessel is in the registry with dead-weight and "
                   "draughts")


def _result(rows, *, cap_bbl=500_000, registry_given=True, change_dtype="float64"):
    """A result of calls ``(mmsi, load_state, draught change, cargo_t, cargo_bbl)``."""
    calls = pd.DataFrame(rows, columns=["mmsi", "load_state", "draught_change_m", "cargo_t",
                                        "cargo_bbl"])
    calls = calls.astype({"draught_change_m": change_dtype, "cargo_t": "float64",
                          "cargo_bbl": "float64"})
    calls["evidence"] = "ais"
    calls["cargo_method"] = pd.NA
    calls["arrival_draught_m"] = 3.0
    calls["departure_draught_m"] = 3.0 + calls["draught_change_m"]
    return CountResult(port_calls=calls, gaps=pd.DataFrame(), all_calls=calls, ports=["T"],
                       flag="KP", window_start=T, window_end=T + H, vessels_seen=1,
                       params={}, cap_bbl=cap_bbl, registry_given=registry_given)


LOADED_NO_CARGO = [(1, "loaded", 2.0, None, None)]


@pytest.mark.parametrize(("registry_given", "note"),
                         [(False, NO_REGISTRY), (True, NOT_IN_REGISTRY)])
def test_loaded_departures_without_any_cargo_figure_say_why(registry_given, note):
    s = _result(LOADED_NO_CARGO, registry_given=registry_given).summary()
    assert (s["estimated_bbl"], s["estimated_t"], s["un_cap_multiple"], s["cargo_note"]) == (
        None, None, None, note)


def test_estimated_cargo_has_no_note():
    # one loaded departure of 2,000 t, 15,000 bbl: 15,000 / 500,000 = 0.03 of the cap
    s = _result([(1, "loaded", 2.0, 2000.0, 15000.0)]).summary()
    assert (s["estimated_bbl"], s["estimated_t"], s["un_cap_multiple"], s["cargo_note"]) == (
        15000, 2000, 0.03, None)


def test_one_estimate_among_loaded_departures_is_an_estimate():
    # 15,000 bbl on one of two loaded departures; the other has none (NaN, not summed)
    s = _result([(1, "loaded", 2.0, 2000.0, 15000.0),
                 (2, "loaded", 2.0, None, None)]).summary()
    assert (s["estimated_bbl"], s["cargo_note"]) == (15000, None)


@pytest.mark.parametrize(("cap", "echoed"), [(500_000, 500_000), (None, None)])
def test_the_cap_is_echoed_only_where_one_applies(cap, echoed):
    s = _result([(1, "loaded", 2.0, 2000.0, 15000.0)], cap_bbl=cap).summary()
    assert (s["un_cap_bbl"], s["un_cap_multiple"] is None) == (echoed, cap is None)


def test_a_missing_draught_change_is_no_change():
    # nullable changes +0.5 m and missing: one call with a change of at least 0.1 m
    res = _result([(1, "unchanged", 0.5, None, None), (2, "unknown", None, None, None)],
                  change_dtype="Float64")
    assert res.summary()["draught_coverage"]["calls_with_draught_change"] == 1
