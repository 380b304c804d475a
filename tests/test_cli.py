"""The command line: exit codes, one-line errors, outputs and the decode report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from vesseltrack.cli import main

DATA = Path(__file__).parent / "data"
STREAM = DATA / "dma-aislib" / "stream_example.txt"
PORTS = Path(__file__).parents[1] / "data" / "ports" / "vostochny.geojson"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run the installed command in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "vesseltrack.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_decode_writes_tables_and_json_report(tmp_path):
    out = tmp_path / "positions.parquet"
    sta = tmp_path / "statics.csv"
    proc = run_cli("decode", str(STREAM), "-o", str(out), "--statics", str(sta), "--json", "-q")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert (report["lines"], report["sentences"], report["messages"]) == (8551, 4500, 4051)
    assert report["untimed"] == 0 and report["bad_lines"] == 0
    positions = pd.read_parquet(out)
    assert len(positions) == report["positions"] == 2988
    statics = pd.read_csv(sta)
    assert len(statics) == report["statics"] == 498
    assert str(positions["timestamp"].dtype) == "datetime64[ns, UTC]"
    # line 776: $PGHP,1,2010,6,11,11,46,10,0,... (0 ms) before a type 1 report
    assert positions["timestamp"].min() == pd.Timestamp("2010-06-11 11:46:10", tz="UTC")


def test_decode_readable_report_on_stderr(tmp_path):
    proc = run_cli("decode", str(DATA / "dma-aislib" / "retry_example.txt"), "-o",
                   str(tmp_path / "p.parquet"))
    assert proc.returncode == 0
    assert proc.stdout == ""
    lines = dict(line.split(None, 1) for line in proc.stderr.splitlines() if line and not line.startswith("wrote"))
    assert lines["orphan_fragments"].strip() == "2"
    assert lines["messages"].strip() == "6"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decode", "no/such/file.nmea", "-o", "x.parquet"], "no such file or folder: no/such/file.nmea"),
        (["decode", "nomatch-*.nmea", "-o", "x.parquet"], "no files match: nomatch-*.nmea"),
        (["decode", str(STREAM)], "the following arguments are required: -o/--output"),
        (["decode", str(STREAM), "-o", "x.parquet", "--bogus"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["synth", "-o", "x.nmea.gz", "--scenario", "atlantis"], "unknown scenario 'atlantis'"),
        (["count", str(STREAM), "--engine", "dask", "--workers", "0"],
         "argument --workers: must be at least 1, not 0"),
        (["count", str(STREAM), "--engine", "dask", "--workers", "two"],
         "argument --workers: not a whole number: 'two'"),
        # "." (the test's folder) is a folder, so a cluster would start first: the port is
        # refused before it, and before the folder is found to be no store
        (["count", "--store", ".", "--ports", str(PORTS), "--port", "Atlantis", "--engine",
          "dask"], "no geofence named 'Atlantis' (have: Vostochny oil terminal, Vostochny "
                   "port, Vostochny anchorage, Kozmino crude terminal)"),
    ],
)
def test_user_mistakes_one_line_exit_1(tmp_path, args, message):
    proc = subprocess.run([sys.executable, "-m", "vesseltrack.cli", *args], capture_output=True,
                          text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 1
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1, proc.stderr
    assert err[0].startswith("error: ")
    assert message in err[0]
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("port", "started"), [("Atlantis", []), ("Vostochny port", [(None, 2)])])
def test_dask_store_cluster_starts_only_for_a_known_port(tmp_path, monkeypatch, capsys, port,
                                                        started):
    """A Dask count over a store starts its cluster before its heavy imports, except when
    --port names no geofence of --ports: then the one-line error comes first, no cluster."""
    import vesseltrack.cluster

    calls = []
    monkeypatch.setattr(vesseltrack.cluster, "connect_in_background",
                        lambda *args: calls.append(args))  # no cluster: None, "connecting"
    assert main(["count", "--store", str(tmp_path), "--ports", str(PORTS), "--port", port,
                 "--engine", "dask", "-q"]) == 1
    assert calls == started
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    # the empty folder is no store: that is the error once the port is known
    assert ("no geofence named 'Atlantis'" in err[0]) == (port == "Atlantis")


def test_folder_without_ais_is_an_error(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("nothing to see\n")
    assert main(["decode", str(tmp_path), "-o", str(tmp_path / "p.parquet")]) == 1
    assert capsys.readouterr().err.strip() == f"error: no AIS files in folder: {tmp_path}"


def test_binary_file_is_refused_not_read_as_zero_positions(tmp_path, capsys):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 40 + b"\n\x00\xff\xfe\n")
    assert main(["decode", str(junk), "-o", str(tmp_path / "p.parquet"), "--json", "-q"]) == 1
    captured = capsys.readouterr()
    assert captured.err == (f"error: {junk}: a binary file, not AIS data "
                            "(tried NMEA, CSV and Parquet)\n")
    assert captured.out == ""
    assert not (tmp_path / "p.parquet").exists()


def test_folder_and_glob_inputs(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.log").write_bytes((DATA / "dma-aislib" / "retry_example.txt").read_bytes())
    (tmp_path / "a" / "readme.txt").write_text("not AIS\n")  # skipped when scanning a folder
    (tmp_path / "b.nmea").write_bytes((DATA / "libais" / "tagblock.nmea").read_bytes())
    assert main(["decode", str(tmp_path / "a"), str(tmp_path / "*.nmea"), "-o",
                 str(tmp_path / "p.parquet"), "--json", "-q"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == 2
    assert report["positions"] == 3 + 3


def test_unwritable_output_is_one_line(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    code = main(["decode", str(STREAM), "-o", str(target / "sub" / "p.parquet"), "-q"])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot write output")


def test_unreadable_file_in_batch_is_listed(tmp_path, capsys):
    if os.geteuid() == 0:
        # root reads anything: make the file unreadable another way (a broken gzip stream)
        bad = tmp_path / "broken.nmea.gz"
        bad.write_bytes(b"\x1f\x8b\x08\x00" + b"\x00" * 20)
    else:  # pragma: no cover - CI runs as root
        bad = tmp_path / "locked.nmea"
        bad.write_text("!AIVDM\n")
        bad.chmod(0)
    assert main(["decode", str(STREAM), str(bad), "-o", str(tmp_path / "p.parquet"), "--json", "-q"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [f["path"] for f in report["failed_files"]] == [str(bad)]
    assert report["positions"] == 2988


def test_strict_turns_a_failed_file_into_exit_1(tmp_path, capsys):
    bad = tmp_path / "broken.nmea.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00" + b"\x00" * 20)
    args = ["decode", str(STREAM), str(bad), "-o", str(tmp_path / "p.parquet"), "-q"]
    assert main(args) == 0
    assert f"warning: could not read {bad}" in capsys.readouterr().err
    assert main([*args, "--strict"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "error: 1 input file(s) could not be read (--strict)"


FIXTURE = Path(__file__).parents[1] / "data" / "fixtures"
REGISTRY = Path(__file__).parents[1] / "data" / "vessels" / "dprk_tankers.csv"


def test_count_json_and_out_dir(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["count", str(FIXTURE / "vostochny_2024.nmea.gz"), "--ports", str(PORTS),
                 "--port", "Vostochny oil terminal", "--flag", "KP", "--registry", str(REGISTRY),
                 "--sightings", str(FIXTURE / "vostochny_2024_sightings.csv"), "--json", "-q",
                 "--out", str(out)])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    truth = pd.read_csv(FIXTURE / "vostochny_2024_truth.csv")
    assert summary["loaded_departures"] == len(truth) == 43
    assert summary["vessels"] == truth["mmsi"].nunique() == 12
    assert summary["un_cap_bbl"] == 500_000
    assert abs(summary["estimated_bbl"] - truth["cargo_bbl"].sum()) <= 0.05 * truth["cargo_bbl"].sum()
    counts = json.loads((FIXTURE / "vostochny_2024_counts.json").read_text())
    assert summary["input"]["lines"] == counts["lines"]
    assert summary["input"]["bad_lines"] == counts["bad_lines"] == 225
    # stale draughts (the crew never updated them) are not usable draught data
    assert summary["draught_coverage"]["calls_with_draught_change"] == int(truth["draught_updated"].sum())
    assert set(summary["by_evidence"]) <= {"ais", "ais+sighting", "ais-gap", "ais-gap+sighting", "sighting"}
    assert json.loads((out / "summary.json").read_text()) == summary
    calls = pd.read_csv(out / "port_calls.csv")
    assert (calls["load_state"] == "loaded").sum() == 43
    report = (out / "report.md").read_text()
    assert "not a legal finding" in report
    for png in ("loaded_departures_per_month.png", "cumulative_barrels.png",
                "calls_per_vessel.png", "draught_timeline.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (out / "map.html").read_text()
    assert html.count("vt-loaded") >= 43
    gaps = pd.read_csv(out / "gaps.csv")
    assert len(gaps) > 0 and (gaps["mmsi"] // 1_000_000 == 445).all()  # --flag KP


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--port", "Atlantis"], "no geofence named 'Atlantis'"),
        (["--registry", "missing.csv"], "--registry missing.csv: no such file"),
        (["--since", "not-a-date"], "not-a-date"),
    ],
)
def test_count_bad_inputs_one_line(tmp_path, capsys, extra, message):
    code = main(["count", str(DATA / "libais" / "tagblock.nmea"), "--ports", str(PORTS), "-q", *extra])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


def _independent_gaps(path: Path, min_hours: float) -> pd.DataFrame:
    """``mmsi``, ``start``, ``end`` of every silence of at least ``min_hours`` between a
    vessel's consecutive raw positions, by a plain pandas diff (not the package's gap
    detector, and without its track cleaning)."""
    from vesseltrack.io import read_ais

    p = read_ais([path], progress=False).positions
    p = p.loc[p["lon"].notna() & p["lat"].notna()].sort_values(["mmsi", "timestamp"],
                                                                 kind="stable")
    prev = p.groupby("mmsi")["timestamp"].shift(1)
    long = (p["timestamp"] - prev) >= pd.Timedelta(hours=min_hours)
    return pd.DataFrame({"mmsi": p.loc[long, "mmsi"].astype("int64").to_numpy(),
                         "start": prev[long].to_numpy(), "end": p.loc[long, "timestamp"].to_numpy()})


def test_gaps_command_writes_every_silence_of_min_hours(tmp_path, capsys):
    fixture = FIXTURE / "vostochny_2024.nmea.gz"
    assert main(["gaps", str(fixture), "--ports", str(PORTS), "--min-hours", "12", "-o",
                 str(tmp_path / "gaps.csv"), "-q"]) == 0
    got = pd.read_csv(tmp_path / "gaps.csv")
    got["end"] = pd.to_datetime(got["end"], utc=True)
    want = _independent_gaps(fixture, 12.0)
    want["end"] = pd.to_datetime(want["end"], utc=True)
    both = got.merge(want, on=["mmsi", "end"], suffixes=("", "_raw"))
    # the same gaps (vessel and end); the start may be a few seconds earlier in the CLI's
    # table where track cleaning dropped a duplicate report of another receiver
    lag_s = (pd.to_datetime(both["start_raw"], utc=True)
             - pd.to_datetime(both["start"], utc=True)).dt.total_seconds()
    assert (len(got), len(both), lag_s.between(0, 10).all()) == (len(want), len(want), True)


def test_port_calls_command_finds_the_truth_loaded_departures(tmp_path, capsys):
    fixture = FIXTURE / "vostochny_2024.nmea.gz"
    assert main(["port-calls", str(fixture), "--ports", str(PORTS),
                 "--port", "Vostochny oil terminal", "--flag", "KP",
                 "--registry", str(REGISTRY),
                 "--sightings", str(FIXTURE / "vostochny_2024_sightings.csv"),
                 "-o", str(tmp_path / "calls.csv"), "-q"]) == 0
    calls = pd.read_csv(tmp_path / "calls.csv")
    truth = pd.read_csv(FIXTURE / "vostochny_2024_truth.csv")
    loaded = calls.loc[calls["load_state"] == "loaded"]
    # loaded departures per vessel: the generator's truth (43 by 12 vessels)
    assert loaded["mmsi"].value_counts().to_dict() == truth["mmsi"].value_counts().to_dict()


def test_synth_command_writes_fixture_and_truth(tmp_path, capsys):
    out = tmp_path / "fx" / "cove.nmea.gz"
    assert main(["synth", "--scenario", "fictional-cove-2024", "--seed", "3", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    for name in ("cove.nmea.gz", "cove_truth.csv", "cove_background_truth.csv", "cove_sightings.csv"):
        assert (tmp_path / "fx" / name).is_file()
        assert name in err
    truth = pd.read_csv(tmp_path / "fx" / "cove_truth.csv")
    assert len(truth) > 0 and (truth["mmsi"] // 1_000_000 == 445).all()
    data_report = json.loads((tmp_path / "fx" / "cove_counts.json").read_text())
    assert data_report["lines"] > 0


def test_map_command(tmp_path, capsys):
    target = tmp_path / "maps" / "m.html"
    assert main(["map", str(DATA / "libais" / "tagblock.nmea"), "--ports", str(PORTS),
                 "--title", "<b>x</b>", "-o", str(target)]) == 0
    html = target.read_text()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert "map of 0 port calls" in capsys.readouterr().err
    assert "L.TimeDimension" not in html  # the slider only when asked for


def test_map_command_time_slider(tmp_path, capsys):
    target = tmp_path / "slider.html"
    assert main(["map", str(FIXTURE / "vostochny_2024.nmea.gz"), "--ports", str(PORTS),
                 "--port", "Vostochny oil terminal", "--flag", "KP", "--time-slider",
                 "-o", str(target)]) == 0
    html = target.read_text()
    assert "L.TimeDimension" in html and "timeDimensionControl" in html
    assert html.count('"className":"vt-slider-track"') == 12  # the 12 watched tankers
    assert "map of 43 port calls" in capsys.readouterr().err


def test_count_engine_dask_matches_local(tmp_path, capsys):
    args = ["count", str(FIXTURE / "vostochny_2024.nmea.gz"), "--ports", str(PORTS),
            "--port", "Vostochny oil terminal", "--flag", "KP", "--registry", str(REGISTRY),
            "--sightings", str(FIXTURE / "vostochny_2024_sightings.csv"), "--json", "-q"]
    assert main(args) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*args, "--engine", "dask", "--workers", "2"]) == 0
    dask = json.loads(capsys.readouterr().out)
    engine = dask.pop("engine")
    assert engine["name"] == "dask" and engine["workers"] == 2
    assert dask == local


def test_count_engine_dask_out_writes_the_local_tables(tmp_path, capsys):
    args = ["count", str(FIXTURE / "vostochny_2024.nmea.gz"), "--ports", str(PORTS),
            "--port", "Vostochny oil terminal", "--flag", "KP", "--registry", str(REGISTRY),
            "--sightings", str(FIXTURE / "vostochny_2024_sightings.csv"), "--json", "-q"]
    assert main([*args, "--out", str(tmp_path / "local")]) == 0
    assert main([*args, "--engine", "dask", "--out", str(tmp_path / "dask")]) == 0
    capsys.readouterr()
    same = [(tmp_path / "dask" / f).read_bytes() == (tmp_path / "local" / f).read_bytes()
            for f in ("port_calls.csv", "gaps.csv")]
    assert same == [True, True]


def test_cap_bbl(capsys):
    base = ["count", str(DATA / "libais" / "tagblock.nmea"), "--ports", str(PORTS), "-q",
            "--json"]
    assert main([*base, "--flag", "RU"]) == 0
    assert json.loads(capsys.readouterr().out)["un_cap_bbl"] is None  # no cap for Russia
    assert main([*base, "--flag", "KP"]) == 0
    assert json.loads(capsys.readouterr().out)["un_cap_bbl"] == 500_000  # UN res. 2397
    assert main([*base, "--cap-bbl", "120000"]) == 0
    assert json.loads(capsys.readouterr().out)["un_cap_bbl"] == 120_000
    assert main([*base, "--flag", "KP", "--cap-bbl", "0"]) == 0
    assert json.loads(capsys.readouterr().out)["un_cap_bbl"] is None
    assert main([*base, "--cap-bbl", "-5"]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: a cap must be 0") and "\n" not in err


def test_console_script_is_main_then_a_frozen_heap(monkeypatch):
    """``vesseltrack`` runs :func:`main` and returns its status; the objects left are frozen
    out of the garbage collector's reach for a quick exit."""
    import gc
    from importlib.metadata import entry_points

    import vesseltrack.cli as cli

    [script] = entry_points(group="console_scripts", name="vesseltrack")
    assert script.value == "vesseltrack.cli:run"
    seen = []
    monkeypatch.setattr(cli, "main", lambda argv=None: seen.append(argv) or 3)
    try:
        assert cli.run(["count", "x"]) == 3
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert seen == [["count", "x"]]
