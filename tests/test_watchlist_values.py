"""Watchlists on hand-made lists and vessels: reading, name keys, matching and marking calls.

Written from the surviving mutants of ``vesseltrack/watchlist.py``: identifiers read from
text, FollowTheMoney entities (names, aliases, datasets, programmes), CSV headers and blanks,
the name key, the match order and the name score threshold on both sides, the labels of
listed callers and the ``watchlist`` column of a count's calls (``mark_listed_calls``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vesseltrack.params import WatchlistParams
from vesseltrack.watchlist import (
    label_calls,
    listed_labels,
    mark_listed_calls,
    match_watchlist,
    name_key,
    read_watchlist,
)


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(text)
    return path


def write_ftm(tmp_path: Path, entities: list[object], before: str = "") -> Path:
    path = tmp_path / "list.jsonl"
    path.write_text(before + "\n".join(json.dumps(e) for e in entities) + "\n")
    return path


def vessel(props: dict, **extra: object) -> dict:
    return {"schema": "Vessel", "properties": props, **extra}


def watchlist(rows: list[tuple]) -> pd.DataFrame:
    """A watchlist from ``(imo, mmsi, name)`` rows, as ``read_watchlist`` returns it."""
    w = pd.DataFrame({
        "imo": pd.array([r[0] for r in rows], dtype="Int64"),
        "mmsi": pd.array([r[1] for r in rows], dtype="Int64"),
        "name": pd.array([r[2] for r in rows], dtype="string"),
        "flag": pd.array(["KP"] * len(rows), dtype="string"),
        "list": pd.array([f"list{k}" for k in range(len(rows))], dtype="string"),
        "program": pd.array([""] * len(rows), dtype="string"),
    })
    w["name_key"] = name_key(w["name"])
    return w


def vessels(rows: list[tuple]) -> pd.DataFrame:
    """Vessels from ``(mmsi, imo, name)`` rows."""
    return pd.DataFrame({"mmsi": [r[0] for r in rows],
                         "imo": pd.array([r[1] for r in rows], dtype="Int64"),
                         "name": pd.array([r[2] for r in rows], dtype="string")})


# --- reading: CSV -------------------------------------------------------------------------

def test_csv_headers_are_trimmed_and_lower_cased(tmp_path):
    w = read_watchlist(write_csv(tmp_path, " IMO , Name ,FLAG\n8106496,SAM MA 2,kp\n"))
    assert w[["imo", "name", "flag"]].astype(object).values.tolist() == [[8106496, "SAM MA 2", "KP"]]


def test_csv_identifiers_are_the_digits_of_their_text(tmp_path):
    # "IMO 8106496" -> 8106496; "mmsi: 445-000-001" -> 445000001; "none" has no digit -> NA
    w = read_watchlist(write_csv(tmp_path, "imo,mmsi,name\nIMO 8106496,mmsi: 445-000-001,A\n"
                                           "none,,B\n"))
    assert (w["imo"].tolist(), w["mmsi"].tolist()) == (
        [8106496, pd.NA], [445000001, pd.NA])


def test_csv_identifiers_written_as_decimals_are_their_value(tmp_path):
    # a float column written out: "8106496.0" is 8106496, " 445000001. " is 445000001
    w = read_watchlist(write_csv(tmp_path, "imo,mmsi,name\n8106496.0, 445000001. ,A\n"))
    assert w[["imo", "mmsi"]].astype(object).values.tolist() == [[8106496, 445000001]]


def test_csv_identifiers_are_nullable_integers(tmp_path):
    w = read_watchlist(write_csv(tmp_path, "imo,mmsi,name\n8106496,,A\n"))
    assert (str(w["imo"].dtype), str(w["mmsi"].dtype)) == ("Int64", "Int64")


def test_csv_missing_columns_are_blank_text(tmp_path):
    w = read_watchlist(write_csv(tmp_path, "name\nSAM MA 2\n"))
    assert (w["imo"].isna().tolist(), w[["flag", "list", "program"]].values.tolist()) == (
        [True], [["", "", ""]])


def test_csv_text_that_pandas_would_read_as_missing_is_kept(tmp_path):
    # "NA" is Namibia's flag and "None" a name as any other: not missing values
    w = read_watchlist(write_csv(tmp_path, "name,flag,list\nNone,NA,x\n"))
    assert w[["name", "flag"]].values.tolist() == [["None", "NA"]]


def test_csv_cells_are_stripped_and_the_flag_upper_cased(tmp_path):
    w = read_watchlist(write_csv(tmp_path, "name,flag,list,program\n  Sam Ma 2 , kp , un ,  x \n"))
    assert w[["name", "flag", "list", "program", "name_key"]].values.tolist() == [
        ["Sam Ma 2", "KP", "un", "x", "SAM MA 2"]]


def test_csv_text_columns_are_strings(tmp_path):
    w = read_watchlist(write_csv(tmp_path, "name\nA\n"))
    assert [str(w[c].dtype) for c in ("name", "flag", "list", "program", "name_key")] == [
        "string"] * 5


def test_csv_with_only_a_header_is_an_empty_watchlist(tmp_path):
    w = read_watchlist(write_csv(tmp_path, "imo,mmsi,name\n"))
    assert (len(w), str(w["imo"].dtype), str(w["mmsi"].dtype), list(w.columns)) == (
        0, "Int64", "Int64", ["imo", "mmsi", "name", "flag", "list", "program", "name_key"])


def test_csv_with_an_mmsi_column_only_is_a_watchlist(tmp_path):
    w = read_watchlist(write_csv(tmp_path, "mmsi\n445000001\n"))
    assert w["mmsi"].tolist() == [445000001]


def test_csv_with_an_imo_column_only_is_a_watchlist(tmp_path):
    w = read_watchlist(write_csv(tmp_path, "imo\n8106496\n"))
    assert w["imo"].tolist() == [8106496]


# --- reading: FollowTheMoney JSON lines ---------------------------------------------------

def test_ftm_after_blank_lines_and_spaces_is_recognised(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": ["Sea Star"]})], before="\n  \n ")
    assert read_watchlist(path)["name"].tolist() == ["Sea Star"]


def test_ftm_blank_lines_between_entities_are_skipped(tmp_path):
    path = tmp_path / "list.jsonl"
    path.write_text(json.dumps(vessel({"name": ["A"]})) + "\n\n   \n"
                    + json.dumps(vessel({"name": ["B"]})) + "\n")
    assert read_watchlist(path)["name"].tolist() == ["A", "B"]


def test_ftm_line_that_is_not_json_is_an_error_naming_its_line(tmp_path):
    # blank line 2 is counted: the broken entity is on line 3
    path = tmp_path / "list.jsonl"
    path.write_text(json.dumps(vessel({"name": ["A"]})) + "\n\n{broken\n")
    with pytest.raises(ValueError, match="^line 3: not JSON"):
        read_watchlist(path)


def test_ftm_lines_that_are_not_objects_are_skipped(tmp_path):
    path = write_ftm(tmp_path, [{"name": "x"}, vessel({"name": ["A"]}), [1, 2],
                                {"schema": "vessel", "properties": {"name": ["B"]}}])
    assert read_watchlist(path)["name"].tolist() == ["A"]


def test_ftm_one_row_per_name_alias_and_previous_name(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": ["A"], "alias": ["B", "C"],
                                        "previousName": ["D"], "imoNumber": ["8106496"]})])
    w = read_watchlist(path)
    assert (w["name"].tolist(), w["imo"].tolist()) == (["A", "B", "C", "D"], [8106496] * 4)


def test_ftm_vessel_without_a_name_is_one_row(tmp_path):
    path = write_ftm(tmp_path, [vessel({"imoNumber": "IMO 8106496", "mmsi": 445000001})])
    w = read_watchlist(path)
    assert w[["imo", "mmsi", "name"]].astype(object).values.tolist() == [
        [8106496, 445000001, ""]]


def test_ftm_vessel_without_properties_is_one_blank_row(tmp_path):
    path = write_ftm(tmp_path, [{"schema": "Vessel", "properties": None}])
    w = read_watchlist(path)
    assert (w["imo"].isna().tolist(), w[["name", "flag", "list", "program"]].values.tolist()) == (
        [True], [["", "", "", ""]])


def test_ftm_takes_the_first_identifiers_and_flag(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": ["A"], "imoNumber": ["", "IMO 8106496", "7303803"],
                                        "mmsi": [None, "445000001", "445000002"],
                                        "flag": [" ", "kp", "ru"]})])
    w = read_watchlist(path)
    assert w[["imo", "mmsi", "flag"]].astype(object).values.tolist() == [
        [8106496, 445000001, "KP"]]


def test_ftm_identifier_without_digits_is_missing(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": ["A"], "imoNumber": ["unknown"]})])
    assert read_watchlist(path)["imo"].isna().tolist() == [True]


def test_ftm_datasets_are_joined_into_the_list(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": ["A"]}, datasets=["us_ofac", "", "un_sc"])])
    assert read_watchlist(path)["list"].tolist() == ["us_ofac;un_sc"]


def test_ftm_program_from_the_programme_ids(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": ["A"], "programId": ["P1", "P2"],
                                        "topics": ["sanction"]})])
    assert read_watchlist(path)["program"].tolist() == ["P1;P2"]


def test_ftm_program_from_the_topics_without_programme_ids(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": ["A"], "topics": ["sanction", "poi"]})])
    assert read_watchlist(path)["program"].tolist() == ["sanction;poi"]


def test_ftm_properties_given_as_single_text(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": "A", "flag": "kp", "topics": "sanction"},
                                       datasets="demo")])
    assert read_watchlist(path)[["name", "flag", "list", "program"]].values.tolist() == [
        ["A", "KP", "demo", "sanction"]]


def test_ftm_blank_single_text_is_no_value(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": "  ", "flag": " "})])
    assert read_watchlist(path)[["name", "flag"]].values.tolist() == [["", ""]]


def test_ftm_numbers_as_identifiers_are_their_value(tmp_path):
    # a JSON number 8106496.0 is IMO 8106496 (not the digits of "8106496.0": 81064960);
    # the integer 445000001 is MMSI 445000001
    path = write_ftm(tmp_path, [vessel({"name": ["A"], "imoNumber": [8106496.0],
                                        "mmsi": 445000001})])
    assert read_watchlist(path)[["imo", "mmsi"]].astype(object).values.tolist() == [
        [8106496, 445000001]]


def test_identifier_text_of_a_missing_value_is_missing():
    from vesseltrack.watchlist import _digits

    assert [np.isnan(_digits(v)) for v in (None, float("nan"), "", "IMO", "12")] == [
        True, True, True, True, False]


def test_csv_identifier_with_a_fraction_is_no_identifier(tmp_path):
    # "8106496.5" is no hull number (its digits would be 81064965)
    w = read_watchlist(write_csv(tmp_path, "imo,name\n8106496.5,A\n"))
    assert w["imo"].isna().tolist() == [True]


def test_ftm_number_with_a_fraction_is_no_identifier(tmp_path):
    path = write_ftm(tmp_path, [vessel({"name": ["A"], "imoNumber": [8106496.5]})])
    assert read_watchlist(path)["imo"].isna().tolist() == [True]


def test_ftm_file_with_no_vessel_is_an_empty_watchlist(tmp_path):
    path = write_ftm(tmp_path, [{"schema": "Person", "properties": {"name": ["X"]}}])
    w = read_watchlist(path)
    assert (len(w), str(w["imo"].dtype), list(w.columns)) == (
        0, "Int64", ["imo", "mmsi", "name", "flag", "list", "program", "name_key"])


# --- name keys ----------------------------------------------------------------------------

def test_name_key_drops_number_words_but_not_words_starting_with_them():
    # "NO." "NR" and "NUMBER" go; "NOVA" and "NUMBERS" stay (word boundaries)
    s = pd.Series(["Nova No.7", "Sea nr 2", "Star Number 3", "Numbers 4"])
    assert name_key(s).tolist() == ["NOVA 7", "SEA 2", "STAR 3", "NUMBERS 4"]


def test_name_key_collapses_punctuation_to_single_spaces():
    assert name_key(pd.Series(["  --Sea__Star,, 2!! "])).tolist() == ["SEA STAR 2"]


def test_name_key_is_a_string_column():
    assert str(name_key(pd.Series(["a", None], dtype=object)).dtype) == "string"


# --- matching -----------------------------------------------------------------------------

def test_an_imo_match_wins_over_an_mmsi_match_of_another_row():
    w = watchlist([(8106496, None, "BY IMO"), (None, 445000001, "BY MMSI")])
    hits = match_watchlist(vessels([(445000001, 8106496, "X")]), w)
    assert hits[["matched_by", "listed_name", "list"]].values.tolist() == [["imo", "BY IMO", "list0"]]


def test_an_identifier_match_scores_100():
    w = watchlist([(None, 445000001, "BY MMSI")])
    hits = match_watchlist(vessels([(445000001, None, "X")]), w)
    assert (hits["matched_by"].tolist(), hits["name_score"].tolist()) == (["mmsi"], [100.0])


def test_an_mmsi_match_wins_over_a_name_match():
    w = watchlist([(None, None, "SEA STAR"), (None, 445000001, "BY MMSI")])
    hits = match_watchlist(vessels([(445000001, None, "SEA STAR")]), w)
    assert hits[["matched_by", "listed_name"]].values.tolist() == [["mmsi", "BY MMSI"]]


def test_an_identifier_listed_twice_matches_the_first_row_once():
    w = watchlist([(8106496, None, "FIRST"), (8106496, None, "SECOND")])
    hits = match_watchlist(vessels([(1, 8106496, "X")]), w)
    assert hits["listed_name"].tolist() == ["FIRST"]


def test_vessels_without_imo_or_name_columns_match_by_mmsi():
    w = watchlist([(8106496, None, "A"), (None, 445000002, "B")])
    hits = match_watchlist(pd.DataFrame({"mmsi": [445000001, 445000002]}), w)
    assert hits[["mmsi", "matched_by", "listed_name"]].values.tolist() == [
        [445000002, "mmsi", "B"]]


def test_hits_keep_the_vessels_order_and_own_identity():
    # vessel rows 0 (by name), 1 (none), 2 (by IMO): hits in row order, the vessel's own name
    w = watchlist([(8106496, None, "LISTED"), (None, None, "SEA STAR")])
    v = vessels([(3, None, "Sea-Star"), (2, None, "OTHER"), (1, 8106496, "RENAMED")])
    hits = match_watchlist(v, w)
    assert hits[["mmsi", "imo", "name", "matched_by", "listed_name"]].astype(object).values.tolist() == [
        [3, pd.NA, "Sea-Star", "name", "SEA STAR"], [1, 8106496, "RENAMED", "imo", "LISTED"]]


def test_hits_columns():
    hits = match_watchlist(vessels([(1, 8106496, "X")]), watchlist([(8106496, None, "A")]))
    assert list(hits.columns) == ["mmsi", "imo", "name", "matched_by", "listed_name",
                                  "listed_flag", "list", "program", "name_score"]


def test_no_hit_gives_the_empty_table_with_its_columns():
    hits = match_watchlist(vessels([(1, None, "X")]), watchlist([(8106496, None, "A")]))
    assert (len(hits), list(hits.columns)) == (0, [
        "mmsi", "imo", "name", "matched_by", "listed_name", "listed_flag", "list", "program",
        "name_score"])


def test_matching_records_its_parameters():
    hits = match_watchlist(vessels([(1, None, "X")]), watchlist([(8106496, None, "A")]),
                           WatchlistParams(min_name_score=80.0))
    assert hits.attrs["params"] == {"min_name_score": 80.0, "match_names": True}


def test_a_name_score_of_exactly_the_minimum_matches():
    # letters ABCDEFGHIJ vs ABCDEFGHIK: indel distance 2 over 20 letters, ratio
    # 100 * (1 - 2 / 20) = 90 = min_name_score
    hits = match_watchlist(vessels([(1, None, "ABCDEFGHIK")]), watchlist([(None, None, "ABCDEFGHIJ")]))
    assert (hits["matched_by"].tolist(), hits["name_score"].tolist()) == (["name"], [90.0])


def test_a_name_score_just_under_the_minimum_does_not_match():
    # ABCDEFGHI vs ABCDEFGHJ: 100 * (1 - 2 / 18) = 88.9 < 90
    hits = match_watchlist(vessels([(1, None, "ABCDEFGHJ")]), watchlist([(None, None, "ABCDEFGHI")]))
    assert len(hits) == 0


def test_the_minimum_name_score_comes_from_the_parameters():
    # 88.9 >= 88
    hits = match_watchlist(vessels([(1, None, "ABCDEFGHJ")]), watchlist([(None, None, "ABCDEFGHI")]),
                           WatchlistParams(min_name_score=88.0))
    assert hits["name_score"].round(2).tolist() == [88.89]


def test_name_score_is_float64():
    hits = match_watchlist(vessels([(1, None, "ABCDEFGHIK")]), watchlist([(None, None, "ABCDEFGHIJ")]))
    assert hits["name_score"].dtype == np.float64


def test_names_are_not_matched_when_the_parameters_say_so():
    hits = match_watchlist(vessels([(1, None, "SEA STAR")]), watchlist([(None, None, "SEA STAR")]),
                           WatchlistParams(match_names=False))
    assert len(hits) == 0


def test_names_compare_their_letters_without_spaces():
    # "PAEKYANGSAN 1" and "PAEK YANG SAN 1": the same letters, the same number
    hits = match_watchlist(vessels([(1, None, "PAEKYANGSAN 1")]),
                           watchlist([(None, None, "PAEK YANG SAN 1")]))
    assert hits["name_score"].tolist() == [100.0]


def test_names_with_numbers_in_another_order_differ():
    # numbers "1 2" and "2 1" are compared as written: not the same ship
    hits = match_watchlist(vessels([(1, None, "SEA STAR 1 2")]),
                           watchlist([(None, None, "SEA STAR 2 1")]))
    assert len(hits) == 0


def test_the_best_scoring_listed_name_is_the_match():
    # SEASTARS vs SEASTAR: 100 * (1 - 1 / 15) = 93.3; vs SEASTARS: 100
    w = watchlist([(None, None, "SEA STAR"), (None, None, "SEA STARS")])
    hits = match_watchlist(vessels([(1, None, "SEA STARS")]), w)
    assert hits[["listed_name", "list", "name_score"]].values.tolist() == [["SEA STARS", "list1", 100.0]]


def test_a_vessel_matched_by_an_identifier_is_not_matched_by_name_again():
    w = watchlist([(None, 445000001, "BY MMSI"), (None, None, "SEA STAR")])
    hits = match_watchlist(vessels([(445000001, None, "SEA STAR"), (2, None, "SEA STAR")]), w)
    assert hits[["mmsi", "matched_by"]].values.tolist() == [[445000001, "mmsi"], [2, "name"]]


def test_blank_names_never_match_by_name():
    # a vessel without a name and a listed row without a name have equal (empty) keys
    w = watchlist([(None, None, ""), (None, None, "SEA STAR")])
    hits = match_watchlist(vessels([(1, None, None), (2, None, "--")]), w)
    assert len(hits) == 0


def test_an_empty_watchlist_matches_nothing():
    hits = match_watchlist(vessels([(1, 8106496, "A")]), watchlist([]))
    assert len(hits) == 0


def test_the_vessels_frame_is_not_modified():
    v = pd.DataFrame({"mmsi": [1]})
    match_watchlist(v, watchlist([(None, 1, "A")]))
    assert list(v.columns) == ["mmsi"]


def test_vessels_with_any_index_match_by_row():
    v = vessels([(1, None, "X"), (2, None, "Y")])
    v.index = [5, 3]
    hits = match_watchlist(v, watchlist([(None, 2, "B")]))
    assert hits["mmsi"].tolist() == [2]


def test_name_match_listed_details_are_the_listed_rows():
    w = watchlist([(None, None, "OTHER"), (None, None, "SEA STAR")])
    w.loc[1, ["flag", "program"]] = ["PA", "prog"]
    hits = match_watchlist(vessels([(1, None, "SEA STAR")]), w)
    assert hits[["listed_name", "listed_flag", "list", "program"]].values.tolist() == [
        ["SEA STAR", "PA", "list1", "prog"]]


def test_identifier_match_listed_details_are_the_listed_rows():
    w = watchlist([(None, 1, "OTHER"), (None, 2, "MMSI TWO")])
    w.loc[1, ["flag", "program"]] = ["PA", "prog"]
    hits = match_watchlist(vessels([(2, None, "X")]), w)
    assert hits[["listed_name", "listed_flag", "list", "program"]].values.tolist() == [
        ["MMSI TWO", "PA", "list1", "prog"]]


def test_name_match_after_listed_rows_without_a_name():
    # the watchlist's row 0 has no name: the name match is row 1 ("SEA STAR", list1)
    w = watchlist([(8106496, None, ""), (None, None, "SEA STAR")])
    hits = match_watchlist(vessels([(1, None, "SEA STAR")]), w)
    assert hits[["listed_name", "list"]].values.tolist() == [["SEA STAR", "list1"]]


# --- labels and marked calls --------------------------------------------------------------

def calls(rows: list[tuple]) -> pd.DataFrame:
    """Calls from ``(mmsi, imo, name)`` rows."""
    return vessels(rows)


STATICS_COLUMNS = ["mmsi", "imo", "name"]


def test_a_label_names_the_listed_name_the_list_and_the_method():
    labels = listed_labels(calls([(1, 8106496, "X")]), None, watchlist([(8106496, None, "SAM MA 2")]))
    assert labels.to_dict() == {1: "SAM MA 2 (list0; matched by imo)"}


def test_labels_are_indexed_by_int64_mmsi():
    labels = listed_labels(calls([(1, 8106496, "X")]), None, watchlist([(8106496, None, "A")]))
    assert (labels.index.dtype, labels.dtype) == (np.dtype("int64"), np.dtype(object))


def test_no_listed_caller_gives_no_labels():
    labels = listed_labels(calls([(1, None, "X")]), None, watchlist([(8106496, None, "A")]))
    assert (len(labels), labels.index.dtype) == (0, np.dtype("int64"))


def test_a_callers_imo_from_its_statics_makes_the_label():
    st = pd.DataFrame({"mmsi": [1, 1], "imo": pd.array([pd.NA, 8106496], dtype="Int64"),
                       "name": ["X", "X"], "draught_m": [5.0, 6.0]})
    labels = listed_labels(calls([(1, None, "X")]), st, watchlist([(8106496, None, "A")]))
    assert labels.to_dict() == {1: "A (list0; matched by imo)"}


def test_statics_of_vessels_that_did_not_call_are_ignored():
    st = pd.DataFrame({"mmsi": [2], "imo": pd.array([8106496], dtype="Int64"), "name": ["X"]})
    labels = listed_labels(calls([(1, None, "X")]), st, watchlist([(8106496, None, "A")]))
    assert len(labels) == 0


def test_empty_statics_leave_the_calls_identity():
    st = pd.DataFrame({"mmsi": pd.Series([], dtype="int64"), "imo": pd.array([], dtype="Int64"),
                       "name": pd.Series([], dtype=object)})
    labels = listed_labels(calls([(1, 8106496, "X")]), st, watchlist([(8106496, None, "A")]))
    assert labels.to_dict() == {1: "A (list0; matched by imo)"}


def test_a_vessels_label_is_its_strongest_match():
    # MMSI 1 called as "SEA STAR" (a name match) and reported IMO 8106496 (an IMO match) in
    # its statics: the IMO match labels it, whatever the rows' order
    st = pd.DataFrame({"mmsi": [1], "imo": pd.array([8106496], dtype="Int64"), "name": ["Y"]})
    w = watchlist([(None, None, "SEA STAR"), (None, 1, "BY MMSI"), (8106496, None, "BY IMO")])
    labels = listed_labels(calls([(1, None, "SEA STAR")]), st, w)
    assert labels.to_dict() == {1: "BY IMO (list2; matched by imo)"}


def test_an_mmsi_match_labels_over_a_name_match():
    # rows (1, NA, "SEA STAR") and (1, 7303803, "Z"): both match by MMSI first
    # (the MMSI is listed), so the label is the MMSI row's
    w = watchlist([(None, None, "SEA STAR"), (None, 1, "BY MMSI")])
    labels = listed_labels(calls([(1, None, "SEA STAR"), (1, 7303803, "Z")]), None, w)
    assert labels.to_dict() == {1: "BY MMSI (list1; matched by mmsi)"}


def test_a_name_match_of_one_row_and_an_mmsi_match_of_another():
    # vessel 2 is matched by name only; vessel 1 by MMSI: one label each
    w = watchlist([(None, None, "SEA STAR"), (None, 1, "BY MMSI")])
    labels = listed_labels(calls([(2, None, "SEA STAR"), (1, None, "OTHER")]), None, w)
    assert labels.sort_index().to_dict() == {1: "BY MMSI (list1; matched by mmsi)",
                                             2: "SEA STAR (list0; matched by name)"}


def test_the_strongest_match_wins_over_earlier_weaker_rows():
    # vessel 1's rows: first a name match ("SEA STAR"), then an MMSI match is impossible,
    # then its IMO: labels by IMO although the name row comes first
    w = watchlist([(None, None, "SEA STAR"), (8106496, None, "BY IMO")])
    labels = listed_labels(calls([(1, None, "SEA STAR"), (1, 8106496, "OTHER")]), None, w)
    assert labels.to_dict() == {1: "BY IMO (list1; matched by imo)"}


def test_the_label_parameters_are_used():
    w = watchlist([(None, None, "SEA STAR")])
    labels = listed_labels(calls([(1, None, "SEA STAR")]), None, w, WatchlistParams(match_names=False))
    assert len(labels) == 0


@dataclass(frozen=True)
class Result:
    """The two call tables of a count result (``label_calls`` replaces them)."""

    port_calls: pd.DataFrame
    all_calls: pd.DataFrame


def test_label_calls_marks_listed_vessels_and_leaves_others_blank():
    c = calls([(1, None, "A"), (2, None, "B"), (1, None, "A")])
    marked = label_calls(Result(c, c), pd.Series(["L (x; matched by mmsi)"], index=[1]))
    assert marked.port_calls["watchlist"].tolist() == ["L (x; matched by mmsi)", "",
                                                       "L (x; matched by mmsi)"]


def test_label_calls_marks_both_tables_as_strings():
    c = calls([(1, None, "A")])
    allc = calls([(2, None, "B"), (1, None, "A")])
    marked = label_calls(Result(c, allc), pd.Series(["L"], index=[1]))
    assert (marked.all_calls["watchlist"].tolist(), str(marked.all_calls["watchlist"].dtype),
            str(marked.port_calls["watchlist"].dtype)) == (["", "L"], "string", "string")


def test_label_calls_keeps_the_tables_attrs_and_leaves_the_input():
    c = calls([(1, None, "A")])
    c.attrs["params"] = {"x": 1}
    result = Result(c, c)
    marked = label_calls(result, pd.Series(["L"], index=[1]))
    assert (marked.port_calls.attrs, marked.all_calls.attrs, "watchlist" in result.port_calls) == (
        {"params": {"x": 1}}, {"params": {"x": 1}}, False)


def test_label_calls_with_no_labels_leaves_every_call_blank():
    c = calls([(1, None, "A")])
    no_labels = pd.Series([], index=pd.Index([], dtype="int64"), dtype=object)
    assert label_calls(Result(c, c), no_labels).port_calls["watchlist"].tolist() == [""]


def test_mark_listed_calls_labels_the_calls_of_listed_vessels():
    # vessel 1 listed by IMO (in its statics), vessel 2 by name; vessel 3 not listed;
    # vessel 2 called only before the selection (all_calls): its labels come from all_calls
    port = calls([(1, None, "X"), (3, None, "Z")])
    allc = calls([(1, None, "X"), (2, None, "Sea Star"), (3, None, "Z")])
    st = pd.DataFrame({"mmsi": [1], "imo": pd.array([8106496], dtype="Int64"), "name": ["X"]})
    w = watchlist([(8106496, None, "LISTED"), (None, None, "SEA STAR")])
    marked = mark_listed_calls(Result(port, allc), w, st)
    assert (marked.port_calls["watchlist"].tolist(), marked.all_calls["watchlist"].tolist()) == (
        ["LISTED (list0; matched by imo)", ""],
        ["LISTED (list0; matched by imo)", "SEA STAR (list1; matched by name)", ""])


def test_mark_listed_calls_without_statics():
    c = calls([(1, 8106496, "X")])
    marked = mark_listed_calls(Result(c, c), watchlist([(8106496, None, "LISTED")]))
    assert marked.port_calls["watchlist"].tolist() == ["LISTED (list0; matched by imo)"]


def test_mark_listed_calls_uses_the_parameters():
    c = calls([(1, None, "SEA STAR")])
    marked = mark_listed_calls(Result(c, c), watchlist([(None, None, "SEA STAR")]), None,
                               WatchlistParams(match_names=False))
    assert marked.port_calls["watchlist"].tolist() == [""]


def test_names_with_other_numbers_score_zero():
    # "SEA STAR 1" and "SEA STAR 2": the letters are equal (100) but the numbers differ:
    # score 0, under even a minimum of 1
    hits = match_watchlist(vessels([(1, None, "SEA STAR 1")]), watchlist([(None, None, "SEA STAR 2")]),
                           WatchlistParams(min_name_score=1.0))
    assert len(hits) == 0
