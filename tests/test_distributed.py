"""The Dask engine gives the local engine's answer (a two-worker LocalCluster on loopback)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import distributed
import numpy as np
import pandas as pd
import pytest

from vesseltrack.count import count_port_calls
from vesseltrack.distributed import count_port_calls_dask, partition_of_mmsi
from vesseltrack.io import read_ais
from vesseltrack.ports import read_ports
from vesseltrack.registry import read_registry, read_sightings

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "data" / "fixtures" / "vostochny_2024.nmea.gz"
TERM = "Vostochny oil terminal"


def _split_fixture(folder: Path, n_files: int) -> list[Path]:
    """Cut the fixture into ``n_files`` gzip files, every cut right after the first fragment
    of a two-sentence message (so that message is split across two files)."""
    with gzip.open(FIXTURE, "rb") as fh:
        lines = fh.read().splitlines(keepends=True)
    firsts = [i + 1 for i, ln in enumerate(lines) if b"VDM,2,1," in ln]
    cuts = [0] + [firsts[int(np.searchsorted(firsts, k * len(lines) // n_files))]
                  for k in range(1, n_files)] + [len(lines)]
    paths = []
    for k in range(n_files):
        path = folder / f"part{k}.nmea.gz"
        with gzip.open(path, "wb") as fh:
            fh.writelines(lines[cuts[k]:cuts[k + 1]])
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def side():
    return {
        "ports": read_ports(REPO / "data" / "ports" / "vostochny.geojson"),
        "registry": read_registry(REPO / "data" / "vessels" / "dprk_tankers.csv"),
        "sightings": read_sightings(REPO / "data" / "fixtures" / "vostochny_2024_sightings.csv"),
    }


@pytest.fixture(scope="module")
def split_files(tmp_path_factory):
    return _split_fixture(tmp_path_factory.mktemp("split"), 4)


@pytest.fixture(scope="module")
def cluster():
    import warnings

    with warnings.catch_warnings():  # another test worker's cluster may hold the HTTP port
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        c = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     host="127.0.0.1", dashboard_address=None)
    with c:
        yield c


def _local(files, side, **kw):
    data = read_ais(files, progress=False)
    res = count_port_calls(data.positions, data.statics, side["ports"],
                           registry=side["registry"], sightings=side["sightings"], **kw)
    return res, data.report.to_dict()


def test_partition_of_mmsi_is_a_fixed_function_of_the_mmsi():
    mmsi = np.array([445000002, 273000001, 445000002, 1, 999999999], dtype="int64")
    parts = partition_of_mmsi(mmsi, 4)
    assert parts.dtype == np.int64 and parts.min() >= 0 and parts.max() < 4
    assert parts[0] == parts[2]
    assert np.array_equal(parts, partition_of_mmsi(pd.Series(mmsi), 4))
    many = partition_of_mmsi(np.arange(200_000_000, 200_010_000), 4)
    assert np.all(np.bincount(many, minlength=4) > 2_000)  # no empty or tiny partition


def test_two_worker_cluster_reproduces_the_local_engine(split_files, side, cluster):
    kw = {"port": TERM, "flag": "KP"}
    local, local_report = _local(split_files, side, **kw)
    res = count_port_calls_dask(
        split_files, side["ports"], registry=side["registry"], sightings=side["sightings"],
        scheduler=cluster.scheduler_address, partitions=5, **kw)
    report = dict(res.input_report)

    engine = report.pop("engine")
    assert engine["name"] == "dask" and engine["workers"] == 2 and engine["files"] == 4
    assert engine["partitions"] == 5
    assert engine["scheduler"] == cluster.scheduler_address
    assert report == local_report  # decode counts summed over the files
    # the three messages cut between files were joined, not lost
    assert report["orphan_fragments"] == 0

    pd.testing.assert_frame_equal(res.port_calls, local.port_calls)
    pd.testing.assert_frame_equal(res.gaps, local.gaps)
    pd.testing.assert_frame_equal(res.all_calls, local.all_calls)
    assert res.summary(report) == local.summary(local_report)
    summary = res.summary(report)
    assert summary["loaded_departures"] == 43 and summary["vessels"] == 12
    assert summary["input"]["files"] == 4 and summary["input"]["lines"] == 224_843
    assert len(res.gaps) > 0 and res.gaps["mmsi"].nunique() > 1
    assert res.port_calls.attrs["params"] == local.port_calls.attrs["params"]


def test_own_local_cluster_and_window_selection(split_files, side):
    kw = {"since": "2024-06-01", "until": "2024-08-31"}
    local, local_report = _local(split_files[:2], side, **kw)
    res = count_port_calls_dask(
        split_files[:2], side["ports"], registry=side["registry"], sightings=side["sightings"],
        n_workers=1, **kw)
    report = dict(res.input_report)
    assert report.pop("engine")["workers"] == 1
    pd.testing.assert_frame_equal(res.port_calls, local.port_calls)
    pd.testing.assert_frame_equal(res.gaps, local.gaps)
    assert res.summary(report) == local.summary(local_report)
    assert len(res.port_calls) > 0
    assert res.port_calls["departure"].min() >= pd.Timestamp("2024-06-01", tz="UTC")


def test_unknown_port_is_refused_before_any_work(split_files, side):
    with pytest.raises(ValueError, match="no geofence named 'Nowhere'"):
        count_port_calls_dask(split_files, side["ports"], port="Nowhere",
                              scheduler="tcp://127.0.0.1:1")


def test_a_stage_counts_the_bytes_of_its_tables_for_dask():
    """Dask places and moves tasks by the bytes their inputs hold: a stage of 100,000 float
    positions holds 100,000 x 8 = 800,000 bytes of tracks (the other fields are empty: Dask
    counts an empty table at about 2 KB, so four of them under 10 KB), not the few dozen bytes
    of the object itself."""
    from dask.sizeof import sizeof

    from vesseltrack.bucketed import BucketStage
    from vesseltrack.count import TrackStage

    empty = pd.DataFrame({"mmsi": pd.Series([], dtype="int64")})
    tracks = pd.DataFrame({"lat": np.zeros(100_000)})
    stage = BucketStage(TrackStage(fences=[], tracks=tracks, statics=None, identity=empty,
                                   ais_calls=empty, gaps=empty, gap_fences=empty,
                                   vessels_seen=0, non_ship_mmsi=0, untimed_positions=0),
                        None, None)
    assert 800_000 <= sizeof(stage) < 820_000
    assert 800_000 <= sizeof([(stage, None)]) < 820_000  # what a stage-1 task returns




def test_own_cluster_fork_server_gets_one_native_thread(monkeypatch):
    """The workers of the LocalCluster the engine starts are forked from a fork server
    started early, and a forked worker keeps the fork server's environment from the start
    (numpy's BLAS reads it when it loads): the fork server gets one thread for the numeric
    libraries, as Dask sets it for the workers it spawns; the calling process's environment
    is left as it was."""
    from multiprocessing import forkserver

    from vesseltrack import cluster as vc

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert vc._start_forkserver()
    assert "OMP_NUM_THREADS" not in os.environ and "OPENBLAS_NUM_THREADS" not in os.environ
    pid = forkserver._forkserver._forkserver_pid
    env = dict(kv.split(b"=", 1) for kv in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
               if b"=" in kv)
    assert {k: env.get(k.encode()) for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                              "OPENBLAS_NUM_THREADS")} == dict.fromkeys(
        ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"), b"1")


def test_fork_server_that_cannot_start_is_reported_through_the_connection(monkeypatch):
    """Starting the fork server early never raises in the caller: the error comes back from
    the connection's result, which the command line turns into its one-line message."""
    from multiprocessing import forkserver

    from vesseltrack import cluster as vc

    def refuse():
        raise OSError("no more processes")

    monkeypatch.setattr(forkserver, "ensure_running", refuse)
    connecting = vc.connect_in_background(None, 1)
    with pytest.raises(OSError, match="no more processes"):
        connecting.result(timeout=60)


def test_local_cluster_that_cannot_start_is_one_line(monkeypatch, tmp_path, capsys):
    from multiprocessing import forkserver

    from vesseltrack.cli import main
    from vesseltrack.store import ingest

    def refuse():
        raise OSError("no more processes")

    store = tmp_path / "store"
    ingest([FIXTURE], store, progress=False)
    monkeypatch.setattr(forkserver, "ensure_running", refuse)
    assert main(["count", "--store", str(store), "--ports",
                 str(REPO / "data" / "ports" / "vostochny.geojson"), "--engine", "dask",
                 "-q"]) == 1
    captured = capsys.readouterr()
    assert captured.err == "error: cannot start a local Dask cluster: no more processes\n"
    assert captured.out == ""


def test_readme_dask_settings_are_the_engines_own(tmp_path):
    """The YAML README gives for a real cluster, read by Dask's own config loader from a
    config folder, sets every value of the LocalCluster's settings, and nothing else."""
    import re

    import dask

    from vesseltrack.cluster import CLUSTER_CONFIG

    text = (REPO / "README.md").read_text()
    block = re.search(r"<!-- dask-config -->\n```yaml\n(.*?)```", text, re.S).group(1)
    (tmp_path / "vesseltrack.yaml").write_text(block)
    loaded = dask.config.collect(paths=[str(tmp_path)], env={})

    def leaves(tree: dict, prefix: str = "") -> dict:
        out = {}
        for key, value in tree.items():
            if isinstance(value, dict) and value:
                out.update(leaves(value, f"{prefix}{key}."))
            else:
                out[f"{prefix}{key}"] = value
        return out

    assert leaves(loaded) == CLUSTER_CONFIG
    for key, value in CLUSTER_CONFIG.items():
        assert dask.config.get(key, config=loaded) == value
