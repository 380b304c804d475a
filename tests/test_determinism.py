"""Determinism: the same input gives byte-identical CSV, JSON and Parquet output.

Runs are separate processes with different ``PYTHONHASHSEED`` values and local time zones,
so that any output depending on set or dict-of-str iteration order, on local time (or on the
wall clock) shows up as a byte difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "data" / "fixtures" / "vostochny_2024.nmea.gz"
PORTS = ROOT / "data" / "ports" / "vostochny.geojson"
REGISTRY = ROOT / "data" / "vessels" / "dprk_tankers.csv"
SIGHTINGS = ROOT / "data" / "fixtures" / "vostochny_2024_sightings.csv"
STREAM = Path(__file__).parent / "data" / "dma-aislib" / "stream_example.txt"


def _run(args: list[str], hash_seed: int, cwd: Path) -> subprocess.CompletedProcess:
    """Run the CLI; odd seeds also run in a far-away local time zone (outputs are UTC)."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    if hash_seed % 2:
        env["TZ"] = "Pacific/Kiritimati"  # UTC+14
    proc = subprocess.run([sys.executable, "-m", "vesseltrack.cli", *args], capture_output=True,
                          env=env, cwd=cwd, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def two_count_runs(tmp_path_factory):
    """The main job run twice (``count --out`` and ``--json``), different hash seeds."""
    runs = []
    for seed in (1, 2024):
        folder = tmp_path_factory.mktemp(f"run{seed}")
        proc = _run(["count", str(FIXTURE), "--ports", str(PORTS), "--port",
                     "Vostochny oil terminal", "--flag", "KP", "--registry", str(REGISTRY),
                     "--sightings", str(SIGHTINGS), "--out", str(folder / "out"), "--json", "-q"],
                    seed, folder)
        runs.append((proc.stdout, _files(folder / "out")))
    return runs


@pytest.mark.parametrize("name", ["port_calls.csv", "gaps.csv", "summary.json"])
def test_count_out_files_are_byte_identical(two_count_runs, name):
    (_, first), (_, second) = two_count_runs
    assert name in first
    assert len(first[name]) > 100
    assert first[name] == second[name]


def test_count_out_writes_the_same_set_of_files(two_count_runs):
    (_, first), (_, second) = two_count_runs
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], name


def test_count_json_stdout_is_byte_identical(two_count_runs):
    (out1, _), (out2, _) = two_count_runs
    assert b'"loaded_departures": 43' in out1
    assert out1 == out2


def test_decode_tables_are_byte_identical(tmp_path):
    outputs = []
    for seed in (7, 98):
        folder = tmp_path / f"d{seed}"
        folder.mkdir()
        _run(["decode", str(STREAM), "-o", str(folder / "p.csv"), "--statics",
              str(folder / "s.csv"), "-q"], seed, folder)
        _run(["decode", str(STREAM), "-o", str(folder / "p.parquet"), "--statics",
              str(folder / "s.parquet"), "-q"], seed, folder)
        outputs.append(_files(folder))
    assert sorted(outputs[0]) == ["p.csv", "p.parquet", "s.csv", "s.parquet"]
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], name
