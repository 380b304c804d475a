"""``vesseltrack encounters``: the contract's files and keys, the thresholds' help, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from vesseltrack.cli import AT_SEA_FLAGS, build_parser, main
from vesseltrack.encounters import ENCOUNTER_COLUMNS
from vesseltrack.loitering import LOITERING_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "data" / "fixtures" / "at_sea_2024.nmea.gz"
PORTS = ROOT / "data" / "fixtures" / "at_sea_2024_ports.geojson"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("encounters")
    assert main(["encounters", str(FIXTURE), "--ports", str(PORTS), "-q", "--out", str(out)]) == 0
    return out


def test_json_has_the_contract_keys(capsys):
    assert main(["encounters", str(FIXTURE), "--ports", str(PORTS), "-q", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    # the generator's truth: 12 visible, 8 + 3 dark, 29 loitering (+ up to 4 borderline)
    assert (summary["encounters"], summary["dark_encounters"]) == (12, 11)


def test_out_writes_the_contract_columns(out_dir):
    enc = pd.read_csv(out_dir / "encounters.csv")
    lo = pd.read_csv(out_dir / "loitering.csv")
    assert (tuple(enc.columns), tuple(lo.columns)) == (ENCOUNTER_COLUMNS, LOITERING_COLUMNS)


def test_map_marks_every_encounter(out_dir):
    html = (out_dir / "map.html").read_text()
    n = len(pd.read_csv(out_dir / "encounters.csv"))
    assert html.count("vt-encounter\"") + html.count("vt-encounter'") == n


def test_report_lists_every_encounter(out_dir):
    report = (out_dir / "report.md").read_text()
    enc = pd.read_csv(out_dir / "encounters.csv")
    assert all(f"{t[:16].replace('T', ' ')}" in report for t in enc["start"])


def test_help_gives_every_threshold_a_source():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["encounters"]
    helps = {a.option_strings[0]: a.help for a in sub._actions if a.option_strings}
    # every threshold's help ends "(default VALUE: SOURCE)"
    assert all(re.search(r"\(default [0-9.]+: [^)]+\)$", helps[f]) for f, *_ in AT_SEA_FLAGS)


def test_every_parameter_has_a_flag():
    from dataclasses import fields

    from vesseltrack.params import DarkEncounterParams, EncounterParams, GridParams, LoiteringParams

    covered = {(g, f) for _, g, f, _ in AT_SEA_FLAGS}
    wanted = {(g, f.name) for g, cls in (("encounters", EncounterParams), ("grid", GridParams),
                                         ("loitering", LoiteringParams),
                                         ("dark", DarkEncounterParams))
              for f in fields(cls) if f.name not in ("grid", "gaps", "speed")}
    # the dark encounters' gap rule and transit speed are the gap and speed concepts, held
    # by reference: the two fields dark encounters read from them have flags of their own
    wanted |= {("dark.gaps", "min_gap_hours"), ("dark.speed", "max_speed_knots")}
    assert wanted - covered == set()


def test_dark_flags_land_in_the_shared_gap_and_speed_concepts():
    from vesseltrack.cli import _at_sea_params, build_parser

    args = build_parser().parse_args(["encounters", "x.nmea", "--dark-min-gap-hours", "9",
                                      "--dark-speed", "10"])
    dark = _at_sea_params(args).dark
    assert (dark.gaps.min_gap_hours, dark.speed.max_speed_knots) == (9.0, 10.0)


def test_a_negative_threshold_is_a_one_line_error(capsys):
    code = main(["encounters", str(FIXTURE), "-q", "--min-hours", "-1"])
    err = capsys.readouterr().err
    assert (code, err.count("\n"), "--min-hours" in err) == (1, 1, True)


def test_the_same_fence_in_two_ports_files_is_an_error(capsys):
    code = main(["encounters", str(FIXTURE), "-q", "--ports", str(PORTS), "--ports", str(PORTS)])
    assert (code, "more than one file" in capsys.readouterr().err) == (1, True)


def test_flags_change_the_parameters_recorded(capsys):
    main(["encounters", str(FIXTURE), "-q", "--json", "--max-distance-m", "300"])
    assert json.loads(capsys.readouterr().out)["params"]["encounters"]["max_distance_m"] == 300.0


def test_a_zero_grid_step_is_a_one_line_error(capsys):
    code = main(["encounters", str(FIXTURE), "-q", "--grid-minutes", "0"])
    err = capsys.readouterr().err
    assert (code, err) == (1, "error: --grid-minutes: the grid step must be more than 0 "
                              "minutes, got 0.0\n")
