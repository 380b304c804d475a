"""What a vessel reported, as of a time: timelines, lookups and identities by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vesseltrack._schema import statics_frame
from vesseltrack.params import DraughtParams
from vesseltrack.registry import REGISTRY_COLUMNS
from vesseltrack.statics import (
    asof_rows,
    draught_in_effect,
    flags_of,
    latest_identity,
    reported_at,
    timeline,
)

T = pd.Timestamp("2024-03-01T00:00Z")
H = pd.Timedelta(hours=1)


def _statics(rows):
    """Statics from ``(mmsi, hours after T, draught_m, name, imo)`` rows."""
    frame = pd.DataFrame(rows, columns=["mmsi", "hours", "draught_m", "name", "imo"])
    frame["timestamp"] = T + pd.to_timedelta(frame.pop("hours"), unit="h")
    frame["msg_type"] = 5
    return statics_frame(frame)


STATICS = _statics([
    (7, 0.0, 2.5, "SEA STAR", 9000001),
    (7, 2.0, np.nan, "  ", None),          # no draught, blank name: no report of either
    (7, 4.0, 5.0, "SEA STAR II", 9000002),
    (7, 4.0, 5.5, None, None),             # same time, later row: the one in effect
    (8, 1.0, 3.0, "OTHER", None),
])


def test_draught_timeline_drops_missing_values_and_keeps_order_of_ties():
    tl = timeline(STATICS, "draught_m")
    assert list(zip(tl["mmsi"], (tl["timestamp"] - T) / H, tl["draught_m"], strict=True)) == [
        (7, 0.0, 2.5), (8, 1.0, 3.0), (7, 4.0, 5.0), (7, 4.0, 5.5)]
    assert (str(tl["mmsi"].dtype), str(tl["draught_m"].dtype)) == ("int64", "float64")


def test_name_timeline_drops_blank_names():
    assert timeline(STATICS, "name")["name"].tolist() == ["SEA STAR", "OTHER", "SEA STAR II"]


@pytest.mark.parametrize(("column", "dtype"),
                         [("draught_m", "float64"), ("imo", "Int64"), ("name", "string")])
def test_timeline_of_no_statics_is_empty_and_typed(column, dtype):
    tl = timeline(None, column)
    assert (len(tl), list(tl.columns), str(tl[column].dtype), str(tl["timestamp"].dtype)) == (
        0, ["mmsi", "timestamp", column], dtype, "datetime64[ns, UTC]")


@pytest.mark.parametrize(
    ("hours", "direction", "allow_exact", "value", "at_hours"),
    [
        (4.0, "backward", True, 5.5, 4.0),     # the later of two reports at 4 h
        (4.0, "backward", False, 2.5, 0.0),    # not exactly at the time: the one at 0 h
        (3.0, "backward", True, 2.5, 0.0),
        (1.0, "forward", True, 5.0, 4.0),      # first of the two at 4 h going forward
        (4.0, "forward", False, None, None),   # nothing after 4 h
    ],
)
def test_draught_as_of_a_time(hours, direction, allow_exact, value, at_hours):
    values, when = reported_at(STATICS, "draught_m", [7], pd.Series([T + hours * H]),
                               direction, allow_exact=allow_exact, with_time=True)
    got = (None if np.isnan(values[0]) else values[0],
           None if pd.isna(when.iloc[0]) else (when.iloc[0] - T) / H)
    assert got == (value, at_hours)


def test_lookups_keep_the_order_of_the_queries_and_skip_missing_times():
    # queries out of time order, one without a time, one of a vessel that never reported
    times = pd.Series([T + 5 * H, pd.NaT, T + 0.5 * H, T + 5 * H], dtype="datetime64[ns, UTC]")
    got = reported_at(STATICS, "draught_m", [7, 7, 7, 9], times, "backward")
    assert [None if np.isnan(v) else v for v in got] == [5.5, None, 2.5, None]


def test_latest_identity_is_the_last_imo_and_name_else_the_registry():
    registry = pd.DataFrame({
        "mmsi": pd.array([8, 10, pd.NA], dtype="Int64"),
        "imo": pd.array([9000008, 9000010, 9000011], dtype="Int64"),
        "name": pd.array(["OTHER REG", "ONLY REG", "NO MMSI"], dtype="string"),
    }).astype({c: REGISTRY_COLUMNS[c] for c in ("mmsi", "imo", "name")})
    ids = latest_identity(STATICS, registry)
    # 7: IMO and name of its last reports (4 h); 8: its own name, the registry's IMO;
    # 10: the registry's only; the registry row without MMSI is nobody
    assert ids.index.tolist() == [7, 8, 10]
    assert ids["imo"].tolist() == [9000002, 9000008, 9000010]
    assert ids["name"].tolist() == ["SEA STAR II", "OTHER", "ONLY REG"]
    assert (str(ids["imo"].dtype), str(ids["name"].dtype), ids.index.name) == (
        "Int64", "string", "mmsi")


def test_latest_identity_of_nothing_is_an_empty_typed_table():
    ids = latest_identity(None, None)
    assert (len(ids), str(ids["imo"].dtype), str(ids["name"].dtype), str(ids.index.dtype),
            ids.index.name) == (0, "Int64", "string", "int64", "mmsi")


def test_flags_from_the_maritime_identification_digits():
    # MID 445 is North Korea, 273 Russia; 111 is no country (search and rescue aircraft)
    got = flags_of(pd.Series([445000001, 273000001, 111000001], index=[5, 6, 7]))
    assert (got.tolist()[:2], pd.isna(got.iloc[2]), got.index.tolist()) == (
        ["KP", "RU"], True, [0, 1, 2])


def test_lookups_default_to_the_last_report_at_or_before_the_time():
    from vesseltrack.statics import draught_at

    at_4h = pd.Series([T + 4 * H])
    assert (reported_at(STATICS, "draught_m", [7], at_4h).tolist(),
            draught_at(STATICS, [7], at_4h, "backward").tolist(),
            draught_at(STATICS, [7], at_4h, "backward", allow_exact=False).tolist()) == (
        [5.5], [5.5], [2.5])


def test_name_as_of_a_time_and_missing_where_nothing_was_reported():
    got = reported_at(STATICS, "name", [7, 9, 8], pd.Series([T + 3 * H] * 3), "backward")
    assert (got.dtype, [None if pd.isna(v) else v for v in got]) == (
        np.dtype(object), ["SEA STAR", None, "OTHER"])


def test_lookups_without_any_report_find_nothing():
    got = reported_at(None, "draught_m", [7, 8], pd.Series([T, T + H]), "forward")
    assert np.isnan(got).tolist() == [True, True]


def test_an_untimed_report_gives_way_to_timed_ones():
    """A static report without a time (an untimed NMEA line) is not "the latest": it names a
    vessel only when no timed report does, whichever order the rows come in."""
    statics = _statics([(7, 0.0, 2.5, "SEA STAR", 9000001), (7, np.nan, 2.5, "FAKE", 9999993),
                        (9, np.nan, 2.5, "ONLY UNTIMED", 9000019)])
    for rows in (statics, statics.iloc[::-1]):
        ids = latest_identity(rows)
        assert (ids.index.tolist(), ids["name"].tolist(), ids["imo"].tolist()) == (
            [7, 9], ["SEA STAR", "ONLY UNTIMED"], [9000001, 9000019])


def test_a_blank_last_name_keeps_the_name_reported_before():
    statics = _statics([(7, 0.0, 2.5, "SEA STAR", None), (7, 1.0, 2.5, " ", None)])
    assert latest_identity(statics)["name"].tolist() == ["SEA STAR"]


def test_timeline_of_a_single_report_holds_it():
    tl = timeline(_statics([(7, 1.0, 3.0, None, None)]), "draught_m")
    assert list(zip(tl["mmsi"], (tl["timestamp"] - T) / H, tl["draught_m"], strict=True)) == [
        (7, 1.0, 3.0)]


@pytest.mark.parametrize("column", ["draught_m", "name"])
def test_timeline_has_only_the_vessel_time_and_value_columns(column):
    assert list(timeline(STATICS, column).columns) == ["mmsi", "timestamp", column]


def test_name_timeline_drops_a_report_without_a_time():
    # the second report has a name but no time (NaN hours -> NaT)
    statics = _statics([(7, 0.0, 2.5, "SEA STAR", None), (7, np.nan, 2.5, "GHOST", None)])
    assert timeline(statics, "name")["name"].tolist() == ["SEA STAR"]


def test_registry_listing_an_mmsi_twice_gives_one_identity():
    registry = pd.DataFrame({
        "mmsi": pd.array([8, 8], dtype="Int64"),
        "imo": pd.array([9000008, 9000009], dtype="Int64"),
        "name": pd.array(["FIRST", "SECOND"], dtype="string"),
    }).astype({c: REGISTRY_COLUMNS[c] for c in ("mmsi", "imo", "name")})
    assert latest_identity(None, registry).index.tolist() == [8]


# draught_in_effect: the draught of a call's departure (`since` = its arrival), with the
# look-ahead (24 h by default, before the next arrival) where the call has no report.
CALL_STATICS = _statics([
    (7, 0.0, 2.5, None, None),    # before the call
    (7, 10.0, 5.0, None, None),   # at the call's arrival (10 h)
    (7, 13.0, 6.0, None, None),   # after its departure (11 h)
])


def test_draught_reported_at_the_arrival_counts_within_the_call():
    got = draught_in_effect(CALL_STATICS, [7], pd.Series([T + 11 * H]),
                            since=pd.Series([T + 10 * H]))
    assert got.tolist() == [5.0]


@pytest.mark.parametrize(("next_arrival", "value"),
                         [(T + 13 * H, 5.0), (T + 13 * H + pd.Timedelta(seconds=1), 6.0)])
def test_look_ahead_stops_at_the_next_arrival(next_arrival, value):
    # no report in [10.5 h, 11 h]: the one at 13 h (2 h after departure) stands in, unless
    # the next arrival is at or before it; then the draught in effect at 11 h (5.0 m) is kept
    got = draught_in_effect(CALL_STATICS, [7], pd.Series([T + 11 * H]),
                            since=pd.Series([T + 10.5 * H]), before=pd.Series([next_arrival]))
    assert got.tolist() == [value]


@pytest.mark.parametrize(("lookahead_hours", "value"), [(2.0, 6.0), (1.999, 5.0)])
def test_look_ahead_ends_at_lookahead_hours_inclusive(lookahead_hours, value):
    got = draught_in_effect(CALL_STATICS, [7], pd.Series([T + 11 * H]),
                            since=pd.Series([T + 10.5 * H]),
                            params=DraughtParams(lookahead_hours=lookahead_hours))
    assert got.tolist() == [value]


def test_draught_in_effect_gives_the_time_of_the_look_ahead_report():
    value, when = draught_in_effect(CALL_STATICS, [7], pd.Series([T + 11 * H]),
                                    since=pd.Series([T + 10.5 * H]), with_time=True)
    assert (value.tolist(), when.tolist()) == ([6.0], [T + 13 * H])


def test_timeline_of_no_statics_has_int64_vessels():
    assert str(timeline(None, "draught_m")["mmsi"].dtype) == "int64"


def test_draught_in_effect_gives_the_time_of_the_report_without_a_call():
    value, when = draught_in_effect(CALL_STATICS, [7], pd.Series([T + 11 * H]), with_time=True)
    assert (value.tolist(), when.tolist()) == ([5.0], [T + 10 * H])


def test_draught_in_effect_times_of_a_call_with_and_one_without_a_report():
    # the first call (since 10 h) has the report at 10 h; the second (since 10.5 h) has none
    # and takes the one at 13 h
    value, when = draught_in_effect(CALL_STATICS, [7, 7], pd.Series([T + 11 * H] * 2),
                                    since=pd.Series([T + 10 * H, T + 10.5 * H]),
                                    with_time=True)
    assert (value.tolist(), when.tolist()) == ([5.0, 6.0], [T + 10 * H, T + 13 * H])


def test_draught_in_effect_uses_the_timeline_given_instead_of_the_statics():
    # no statics passed, only their timeline: the report at 10 h (5.0 m) is in effect at 11 h
    tl = timeline(CALL_STATICS, "draught_m")
    assert draught_in_effect(None, [7], pd.Series([T + 11 * H]), timeline=tl).tolist() == [5.0]


def test_draught_in_effect_without_since_gives_the_values_alone():
    # the draught in effect at 11 h: the 5.0 m reported at 10 h (an array, not a pair)
    got = draught_in_effect(CALL_STATICS, [7], pd.Series([T + 11 * H]))
    assert (type(got), got.tolist()) == (np.ndarray, [5.0])


def test_a_later_next_arrival_does_not_lift_the_look_ahead_bound():
    # since 10.5 h: no report in [10.5 h, 11 h]; the one at 13 h is 2 h after departure,
    # beyond a 1.999 h look-ahead (11 + 1.999 = 12.999 h), though before the next arrival at
    # 100 h: the 5.0 m in effect at 11 h is kept
    got = draught_in_effect(CALL_STATICS, [7], pd.Series([T + 11 * H]),
                            since=pd.Series([T + 10.5 * H]), before=pd.Series([T + 100 * H]),
                            params=DraughtParams(lookahead_hours=1.999))
    assert got.tolist() == [5.0]


def test_as_of_rows_of_reports_by_hand():
    # reports (key, hour): row 0 (7, 4), row 1 (7, 1), row 2 (8, 2), row 3 (7, 4)
    # queries: 7 at 4 h backward -> the later of the two at 4 h (row 3); 7 at 3 h forward
    # -> the first at 4 h (row 0); 7 at 4 h forward, not exact -> none; 8 at 1 h backward
    # -> none; 9 at 5 h -> none (no report of 9)
    reports = pd.Series([T + 4 * H, T + H, T + 2 * H, T + 4 * H])
    keys = np.array([7, 7, 8, 7])
    assert asof_rows([7, 8, 9], pd.Series([T + 4 * H, T + H, T + 5 * H]), keys, reports,
                     "backward").tolist() == [3, -1, -1]
    assert asof_rows([7, 7], pd.Series([T + 3 * H, T + 4 * H]), keys, reports, "forward",
                     allow_exact=False).tolist() == [0, -1]


def test_as_of_rows_without_reports_find_nothing():
    empty = pd.Series([], dtype="datetime64[ns, UTC]")
    assert asof_rows([7], pd.Series([T]), np.array([], "int64"), empty).tolist() == [-1]


def test_as_of_rows_defaults_and_the_ends_of_the_reports():
    # reports: row 0 (7, 1 h), row 1 (8, 2 h)
    reports, keys = pd.Series([T + H, T + 2 * H]), np.array([7, 8])
    # 7 at 1 h, defaults (backward, exact counts) -> row 0; 7 at 0 h backward -> none (the
    # first report of the first key is later); 8 at 3 h forward -> none (past the last
    # report); 8 at 2 h forward, exact -> row 1
    assert asof_rows([7, 7], pd.Series([T + H, T]), keys, reports).tolist() == [0, -1]
    assert asof_rows([8, 8], pd.Series([T + 3 * H, T + 2 * H]), keys, reports,
                     "forward").tolist() == [-1, 1]
    # one report (7 at 1 h): 7 at 0 h backward finds none, 7 at 2 h finds row 0
    assert asof_rows([7, 7], pd.Series([T, T + 2 * H]), np.array([7]), pd.Series([T + H])
                     ).tolist() == [-1, 0]


def test_as_of_rows_take_the_last_of_many_reports_at_one_time():
    # 20 reports at 1 h, vessels 7 and 8 in turn (7 on the even rows): the last report of 7
    # in table order is row 18, the first of 8 row 1
    keys = np.array([7, 8] * 10)
    reports = pd.Series([T + H] * 20)
    assert asof_rows([7], pd.Series([T + H]), keys, reports).tolist() == [18]
    assert asof_rows([8], pd.Series([T]), keys, reports, "forward").tolist() == [1]


def test_a_name_looked_up_where_none_was_reported_is_nan():
    # vessel 8 reported only at 1 h: at 0 h it has no name yet (NaN, as documented); a
    # missing time gives None
    got = reported_at(STATICS, "name", [8, 8], pd.Series([T, pd.NaT]))
    assert (isinstance(got[0], float) and np.isnan(got[0]), got[1]) == (True, None)
