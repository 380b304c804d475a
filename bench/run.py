"""``make bench``: vesseltrack's throughput and memory against pyais, gpsd and MovingPandas.

Run ``python bench/run.py`` from the repository root (``make bench``). It

1. builds (once; cached under ``bench/.cache/``) two SYNTHETIC corpora of mixed AIS lines with
   tag-block times (:mod:`corpus`): 1 million lines, and 10 million lines (also written as 10
   consecutive part files, one Dask decode task each);
2. runs every measured job in its own subprocess (``python bench/run.py --job NAME ...``), so
   that each job's peak memory (``resource.getrusage``: ``ru_maxrss`` of the job, and of its
   children for external programs and Dask workers) is its own;
3. ingests the 10-million-line parts into a store (``vesseltrack ingest``) and counts it with
   the local engine (one MMSI bucket at a time) and the Dask engine at 1 and 2 workers, each
   a whole process tree whose peak memory (all its processes together) is sampled;
4. prints the figures and writes ``bench/RESULTS.md`` (machine, commands, figures, targets),
   among them encounters at sea on the 10 M-line corpus against a naive all-pairs baseline on
   a subset, and the precision and recall on the SYNTHETIC at-sea fixture.

Options: ``--quick`` (100k/1M-line corpora, a smoke run), ``--skip NAME`` (repeatable),
``--no-install`` (do not apt/pip-install gpsd-clients or movingpandas when missing),
``--repeat N`` (runs of each short job, the fastest reported; default 3), ``--repeat-dask N``
(runs of the Dask engine with 1 and 2 workers, alternating; default 5; the fastest of each
is reported), ``--skip store`` (no store jobs), ``--huge`` (also a 100-million-line corpus:
100 files, 7.4 GB, built once; its store counted locally and with Dask at 1 and 2 workers,
``--repeat-huge-dask N`` times each, default 2).

No timed test lives in the test suite: this script is the only place figures are produced.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
PORTS = REPO / "data" / "ports" / "vostochny.geojson"
PYAIS_LINES = 200_000
MPD_POSITIONS = 100_000
NAIVE_VESSELS = 120
CORPUS_VERSION = 2  # bump when corpus.py changes what it writes
HUGE_BUCKETS = 160
"""MMSI buckets of the 100 M-line store (16 per 10 M lines, as the 10 M-line store)."""

TARGETS = {
    "decode_vs_pyais": 25.0,
    "decode_vs_gpsdecode": 3.0,
    "sentences_per_s": 2_000_000,
    "detect_vs_movingpandas": 100.0,
    "count_10m_s": 30.0,
    "peak_gb_10m": 3.0,
}


# --------------------------------------------------------------------------------------------
# jobs (each runs in its own process and prints one JSON line)


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: KiB


def _touch_s(n_bytes: int) -> float:
    """Seconds to allocate ``n_bytes`` and write every page of it once."""
    import numpy as np

    t = time.perf_counter()
    block = np.empty(n_bytes, dtype=np.uint8)
    block[::4096] = 1
    dt = time.perf_counter() - t
    del block
    return dt


def job_decode(path: str) -> dict:
    """read_ais on ``path``: the first call in a fresh process (the figure the target is read
    from), then (files of up to 2 M lines) the fastest of two more calls in the same process. Also how long this process
    takes to write to 80 MB of memory it never used, then to 80 MB it used and freed: on a
    virtual machine that hands freed memory back to its host, the first can cost ten times
    the second, and the first call of read_ais writes such memory for its tables."""
    fresh_s = _touch_s(80 * 2**20)
    recycled_s = _touch_s(80 * 2**20)
    t = time.perf_counter()
    from vesseltrack.io import read_ais  # pandas, pyarrow, numba and the compiled kernels

    import_s = time.perf_counter() - t
    t = time.perf_counter()
    data = read_ais(path, progress=False)
    dt = time.perf_counter() - t
    rep = data.report
    out = {"seconds": dt, "lines": rep.lines, "sentences": rep.sentences,
           "messages": rep.messages, "positions": len(data.positions),
           "statics": len(data.statics), "bad_lines": rep.bad_lines,
           "orphan_fragments": rep.orphan_fragments, "rss_mb": _rss_mb(), "import_s": import_s,
           "touch_80mb_fresh_s": fresh_s, "touch_80mb_recycled_s": recycled_s}
    del data
    if rep.lines <= 2_000_000:  # (the 10 M-line corpus: only its first call and peak)
        again = []
        for _ in range(2):
            t = time.perf_counter()
            read_ais(path, progress=False)
            again.append(time.perf_counter() - t)
        out["again_seconds"] = min(again)
    return out


def job_profile_decode(path: str) -> dict:
    """Where read_ais spends its time (framing vs decoding), one pass."""
    from vesseltrack.ais import DecodeReport
    from vesseltrack.ais._nmea import NMEAFramer
    from vesseltrack.io._read import CHUNK_BYTES, _decode_messages, _iter_line_chunks

    rep = DecodeReport()
    framer = NMEAFramer(rep)
    t_read = t_frame = t_decode = 0.0
    with open(path, "rb") as fh:
        chunks = _iter_line_chunks(fh, CHUNK_BYTES, rep)
        while True:
            t = time.perf_counter()
            item = next(chunks, None)
            t_read += time.perf_counter() - t
            if item is None:
                break
            t = time.perf_counter()
            # chunks are line arrays, or (lines, non-ASCII mask) pairs in newer readers
            msgs = framer.feed(*item) if isinstance(item, tuple) else framer.feed(item)
            t_frame += time.perf_counter() - t
            t = time.perf_counter()
            _decode_messages(msgs, framer, True)
            t_decode += time.perf_counter() - t
    return {"read_split_s": t_read, "frame_s": t_frame, "decode_table_s": t_decode,
            "lines": rep.lines, "rss_mb": _rss_mb()}


def job_pyais(path: str, n_lines: int) -> dict:
    """pyais → DataFrame on the first ``n_lines`` lines: decode every message, keep its dict
    and tag-block time, build one DataFrame (the usual pyais workflow)."""
    import itertools

    import pandas as pd
    from pyais.stream import ByteStream

    with open(path, "rb") as fh:
        raw = list(itertools.islice(fh, n_lines))
    t = time.perf_counter()
    rows = []
    for msg in ByteStream(raw):
        row = msg.decode().asdict()
        tb = msg.tag_block
        if tb is not None:
            tb.init()
            row["time"] = tb.receiver_timestamp
        rows.append(row)
    frame = pd.DataFrame(rows)
    if "time" in frame:
        frame["time"] = pd.to_datetime(pd.to_numeric(frame["time"]), unit="s", utc=True)
    dt = time.perf_counter() - t
    return {"seconds": dt, "lines": len(raw), "messages": len(frame), "rss_mb": _rss_mb()}


def job_gpsdecode(path: str) -> dict:
    exe = shutil.which("gpsdecode")
    t = time.perf_counter()
    with open(path, "rb") as src:
        proc = subprocess.run([exe, "-c", "-s"], stdin=src, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, check=False)
    dt = time.perf_counter() - t
    return {"seconds": dt, "rows": proc.stdout.count(b"\n"), "returncode": proc.returncode,
            "rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}


def job_decode_cli(path: str) -> dict:
    """The whole ``vesseltrack decode FILE -o positions.parquet -q`` process (interpreter start,
    imports, decoding, writing), to compare with the whole ``gpsdecode`` process."""
    import tempfile

    exe = Path(sys.executable).with_name("vesseltrack")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(exe), "decode", path, "-o", str(Path(tmp) / "positions.parquet"), "-q"]
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        dt = time.perf_counter() - t
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import vesseltrack.cli as c; "
         "c.build_parser(); import vesseltrack.io"], capture_output=True, text=True, check=True)
    mods = {line.split("|")[-1].strip() for line in probe.stderr.splitlines()}
    return {"seconds": dt, "rss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
            "imports": sorted(m for m in ("pandas", "pyarrow", "numba", "pyais", "dask",
                                          "folium", "shapely", "distributed") if m in mods)}


def job_count(path: str) -> dict:
    exe = Path(sys.executable).with_name("vesseltrack")
    cmd = [str(exe), "count", path, "--ports", str(PORTS), "--json"]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=True, text=True)
    dt = time.perf_counter() - t
    summary = json.loads(proc.stdout)
    return {"seconds": dt, "lines": summary["input"]["lines"],
            "positions": summary["input"]["positions"], "port_calls": summary["port_calls"],
            "vessels_seen": summary["input"]["vessels_seen"],
            "rss_mb": _rss_mb(resource.RUSAGE_CHILDREN), "command": " ".join(cmd)}


def _positions_for_detection(path: str):
    from vesseltrack.io import read_ais

    data = read_ais(path, progress=False)
    return data.positions, data.statics


def job_detect(path: str, n_positions: int) -> dict:
    """vesseltrack's clean + port-call + gap detection: all positions, and the subset that
    MovingPandas gets (whole vessels, callers first, about ``n_positions`` positions)."""
    from vesseltrack.gaps import detect_gaps
    from vesseltrack.ports import detect_port_calls, read_ports
    from vesseltrack.tracks import clean_tracks

    positions, statics = _positions_for_detection(path)
    ports = read_ports(PORTS)
    out = {}
    for label, pos in (("all", positions), ("subset", _subset(positions, n_positions))):
        t = time.perf_counter()
        tracks = clean_tracks(pos)
        calls = detect_port_calls(tracks, ports)
        gaps = detect_gaps(tracks, statics, ports)
        dt = time.perf_counter() - t
        out[label] = {"seconds": dt, "positions": len(pos), "port_calls": len(calls),
                      "gaps": len(gaps), "vessels": int(pos["mmsi"].nunique())}
    out["rss_mb"] = _rss_mb()
    return out


def job_encounters(path: str) -> dict:
    """Encounters on every position of a corpus: the grid, then candidate pairs by
    spatial-temporal binning; again with the speed pre-filter off (every instant binned), so
    that the binning alone is timed on all the traffic."""
    from dataclasses import replace

    from vesseltrack.encounters import fences_of, find_encounters
    from vesseltrack.params import EncounterParams
    from vesseltrack.ports import read_ports
    from vesseltrack.resample import resample_tracks
    from vesseltrack.tracks import clean_tracks

    positions, _ = _positions_for_detection(path)
    fences = fences_of(read_ports(PORTS))
    params = EncounterParams()
    t = time.perf_counter()
    tracks = clean_tracks(positions)
    t_clean = time.perf_counter() - t
    t = time.perf_counter()
    grid = resample_tracks(tracks, params.grid)
    t_grid = time.perf_counter() - t
    t = time.perf_counter()
    found = find_encounters(grid, fences, params)
    t_find = time.perf_counter() - t
    t = time.perf_counter()
    every = find_encounters(grid, fences, replace(params, max_point_speed_knots=float("inf")))
    t_every = time.perf_counter() - t
    return {"positions": len(positions), "vessels": int(positions["mmsi"].nunique()),
            "grid_instants": len(grid), "clean_s": t_clean, "grid_s": t_grid,
            "find_s": t_find, "encounters": len(found), "find_unfiltered_s": t_every,
            "encounters_unfiltered": len(every), "seconds": t_clean + t_grid + t_find,
            "rss_mb": _rss_mb()}


def job_encounters_naive(path: str, n_vessels: int) -> dict:
    """The naive baseline: every pair of ``n_vessels`` vessels compared at every common grid
    instant (a join on the instant per pair), the same rule applied after; and the binned
    detector with the speed pre-filter off on the same vessels, for the same answer."""
    from dataclasses import replace
    from itertools import combinations

    import numpy as np

    from vesseltrack.encounters import find_encounters
    from vesseltrack.params import EncounterParams
    from vesseltrack.resample import resample_tracks
    from vesseltrack.tracks import clean_tracks, haversine_m

    positions, _ = _positions_for_detection(path)
    keep = positions["mmsi"].drop_duplicates().iloc[:n_vessels]
    positions = positions.loc[positions["mmsi"].isin(keep)]
    params = replace(EncounterParams(), max_point_speed_knots=float("inf"))
    grid = resample_tracks(clean_tracks(positions), params.grid)
    t = time.perf_counter()
    binned = find_encounters(grid, [], params)
    t_binned = time.perf_counter() - t
    t = time.perf_counter()
    per = {m: g for m, g in grid.groupby("mmsi")}
    close_instants = 0
    for a, b in combinations(sorted(per), 2):
        j = per[a].merge(per[b], on="step")
        d = haversine_m(j["lon_x"].to_numpy(), j["lat_x"].to_numpy(), j["lon_y"].to_numpy(),
                        j["lat_y"].to_numpy())
        close_instants += int(np.count_nonzero(d <= params.max_distance_m))
    t_naive = time.perf_counter() - t
    n = len(per)
    return {"vessels": n, "pairs": n * (n - 1) // 2, "grid_instants": len(grid),
            "naive_s": t_naive, "binned_s": t_binned, "close_instants": close_instants,
            "binned_encounters": len(binned), "seconds": t_naive, "rss_mb": _rss_mb()}


def job_at_sea_scores() -> dict:
    """Precision and recall on the SYNTHETIC at-sea fixture against its generator's truth."""
    import pandas as pd

    from vesseltrack.encounters import detect_at_sea
    from vesseltrack.io import read_ais
    from vesseltrack.ports import read_ports
    from vesseltrack.synth import score_at_sea

    fx = REPO / "data" / "fixtures" / "at_sea_2024.nmea.gz"
    data = read_ais([str(fx)], progress=False)
    t = time.perf_counter()
    res = detect_at_sea(data.positions, data.statics,
                        read_ports(fx.with_name("at_sea_2024_ports.geojson")))
    dt = time.perf_counter() - t
    truth = pd.read_csv(fx.with_name("at_sea_2024_truth.csv"), parse_dates=["start", "end"])
    truth["mmsi_b"] = truth["mmsi_b"].astype("Int64")
    return {"seconds": dt, **score_at_sea(res.encounters, res.loitering, truth)}


def _subset(positions, n_positions: int):
    """Whole vessels, those that call at the terminal first, until ``n_positions``."""
    import numpy as np

    slow = positions.loc[positions["sog_knots"] < 0.5, "mmsi"].unique()
    order = list(slow) + [m for m in positions["mmsi"].unique() if m not in set(slow)]
    sizes = positions["mmsi"].value_counts()
    cum = np.cumsum([sizes[m] for m in order])
    keep = order[: int(np.searchsorted(cum, n_positions)) + 1]
    return positions.loc[positions["mmsi"].isin(keep)].reset_index(drop=True)


def job_movingpandas(path: str, n_positions: int) -> dict:
    """MovingPandas' stop detector (2 h, 1 km: a port call) on the same subset."""
    from datetime import timedelta

    import geopandas as gpd
    import movingpandas as mpd

    positions, _ = _positions_for_detection(path)
    pos = _subset(positions, n_positions)
    t = time.perf_counter()
    frame = pos.assign(t=pos["timestamp"].dt.tz_localize(None)).dropna(subset=["lon", "lat"])
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
                           crs="EPSG:4326")
    tc = mpd.TrajectoryCollection(gdf, traj_id_col="mmsi", t="t")
    stops = mpd.TrajectoryStopDetector(tc).get_stop_segments(
        min_duration=timedelta(hours=2), max_diameter=1000)
    dt = time.perf_counter() - t
    return {"seconds": dt, "positions": len(pos), "stops": len(stops),
            "vessels": int(pos["mmsi"].nunique()), "version": mpd.__version__,
            "rss_mb": _rss_mb()}


def job_dask(parts: list[str], n_workers: int) -> dict:
    from vesseltrack.distributed import count_port_calls_dask
    from vesseltrack.ports import read_ports

    t = time.perf_counter()
    res = count_port_calls_dask(parts, read_ports(PORTS), n_workers=n_workers)
    rep = res.input_report
    dt = time.perf_counter() - t
    return {"seconds": dt, "lines": rep["lines"], "port_calls": len(res.port_calls),
            "engine": rep["engine"], "rss_mb": _rss_mb(),
            "children_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}


def job_identity(path: str) -> dict:
    """Identity checks on a corpus: decode (not timed), then ``check_identity`` timed, with
    its segmentation apart."""
    from vesseltrack.identity import check_identity
    from vesseltrack.io import read_ais
    from vesseltrack.segments import segment_tracks

    data = read_ais(path, progress=False)
    t = time.perf_counter()
    segment_tracks(data.positions.loc[:, ["mmsi", "timestamp", "lon", "lat"]])
    seg_s = time.perf_counter() - t
    t = time.perf_counter()
    findings = check_identity(data.positions, data.statics)
    dt = time.perf_counter() - t
    return {"seconds": dt, "segments_s": seg_s, "positions": len(data.positions),
            "statics": len(data.statics), "vessels": int(data.positions["mmsi"].nunique()),
            "findings": {str(k): int(v) for k, v in findings["kind"].value_counts().items()},
            "rss_mb": _rss_mb()}


def job_identity_score() -> dict:
    """Precision and recall per kind on the SYNTHETIC identity scenario (its stated truth)."""
    import pandas as pd

    from vesseltrack.identity import check_identity, score_findings
    from vesseltrack.io import read_ais
    from vesseltrack.registry import read_registry
    from vesseltrack.watchlist import read_watchlist

    fx = REPO / "data" / "fixtures"
    data = read_ais([fx / "identity_2024.nmea.gz"], progress=False)
    t = time.perf_counter()
    findings = check_identity(data.positions, data.statics,
                              registry=read_registry(fx / "identity_2024_registry.csv"),
                              watchlist=read_watchlist(REPO / "data" / "watchlists"
                                                       / "sample_watchlist.csv"))
    dt = time.perf_counter() - t
    score = score_findings(findings, pd.read_csv(fx / "identity_2024_truth.csv"))
    return {"seconds": dt, "positions": len(data.positions),
            "score": json.loads(score.reset_index().to_json(orient="records"))}



def _tree_peak(cmd: list[str], **kwargs) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``cmd``; its result (with ``cpu_s``: CPU seconds of the process and the
    descendants it waited for), wall seconds and the peak RSS (MB) of its whole process tree
    (the process and every descendant, e.g. Dask workers), sampled every 50 ms with psutil."""
    import psutil

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0 = usage.ru_utime + usage.ru_stime
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kwargs)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        peak = max(peak, total)
        time.sleep(0.05)
    out, err = proc.communicate()
    dt = time.perf_counter() - t
    done = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.cpu_s = usage.ru_utime + usage.ru_stime - cpu0  # type: ignore[attr-defined]
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}: {err.strip()[-300:]}")
    return done, dt, peak / 1024**2


def job_ingest(parts: list[str], store: str, buckets: int = 0) -> dict:
    """``vesseltrack ingest PARTS --store STORE`` into a fresh store, the whole process
    (``--buckets BUCKETS`` unless 0)."""
    shutil.rmtree(store, ignore_errors=True)
    exe = Path(sys.executable).with_name("vesseltrack")
    cmd = [str(exe), "ingest", *parts, "--store", store, "--json", "-q"]
    if buckets:
        cmd += ["--buckets", str(buckets)]
    proc, dt, peak = _tree_peak(cmd)
    done = json.loads(proc.stdout)
    size = sum(p.stat().st_size for p in Path(store).rglob("*") if p.is_file())
    return {"seconds": dt, "lines": done["report"]["lines"], "positions": done["positions"],
            "statics": done["statics"], "inner_s": done["seconds"], "tree_peak_mb": peak,
            "cpu_s": proc.cpu_s,
            "store_mb": size / 1e6, "files": len(done["added"]),
            "buckets": buckets or 16,
            "command": " ".join(cmd[:2] + ["PARTS..."] + cmd[2 + len(parts):])}


def job_count_store(store: str, n_workers: int) -> dict:
    """``vesseltrack count --store STORE`` (local engine when ``n_workers`` is 0, else the
    Dask engine with that many workers), the whole process tree."""
    exe = Path(sys.executable).with_name("vesseltrack")
    cmd = [str(exe), "count", "--store", store, "--ports", str(PORTS), "--json", "-q"]
    if n_workers:
        cmd += ["--engine", "dask", "--workers", str(n_workers)]
    proc, dt, peak = _tree_peak(cmd)
    summary = json.loads(proc.stdout)
    return {"seconds": dt, "lines": summary["input"]["lines"],
            "port_calls": summary["port_calls"], "vessels_seen": summary["input"]["vessels_seen"],
            "engine": summary.get("engine"), "tree_peak_mb": peak, "cpu_s": proc.cpu_s,
            "command": " ".join(cmd[:2] + cmd[2:4] + ["..."] + cmd[6:])}


def job_count_store_cluster(store: str, n_workers: int, default_config: bool = False) -> dict:
    """``vesseltrack count --store STORE --engine dask --scheduler ADDRESS`` against a
    LocalCluster of ``n_workers`` started (and idle) before the timing: the client process
    alone, as with a real cluster that exists before the job, set up as README advises
    (``vesseltrack.cluster.CLUSTER_CONFIG``; Dask's defaults when ``default_config``)."""
    import dask
    from distributed import LocalCluster

    from vesseltrack.cluster import CLUSTER_CONFIG

    exe = Path(sys.executable).with_name("vesseltrack")
    with dask.config.set({} if default_config else CLUSTER_CONFIG), \
            LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                         host="127.0.0.1", dashboard_address=None) as cluster:
        cmd = [str(exe), "count", "--store", store, "--ports", str(PORTS), "--json", "-q",
               "--engine", "dask", "--scheduler", cluster.scheduler_address]
        proc, dt, peak = _tree_peak(cmd)
    summary = json.loads(proc.stdout)
    return {"seconds": dt, "lines": summary["input"]["lines"],
            "port_calls": summary["port_calls"], "engine": summary.get("engine"),
            "client_peak_mb": peak, "client_cpu_s": proc.cpu_s, "workers": n_workers,
            "command": " ".join(cmd[:2] + cmd[2:4] + ["..."] + cmd[6:-1] + ["ADDRESS"])}



JOBS = {
    "identity": lambda a: job_identity(a.path),
    "identity_score": lambda a: job_identity_score(),
    "ingest": lambda a: job_ingest(a.parts, a.path, a.n),
    "count_store": lambda a: job_count_store(a.path, a.n),
    "count_store_cluster": lambda a: job_count_store_cluster(a.path, a.n),
    "count_store_cluster_default": lambda a: job_count_store_cluster(a.path, a.n, True),
    "decode": lambda a: job_decode(a.path),
    "profile": lambda a: job_profile_decode(a.path),
    "pyais": lambda a: job_pyais(a.path, a.n),
    "gpsdecode": lambda a: job_gpsdecode(a.path),
    "count": lambda a: job_count(a.path),
    "decode_cli": lambda a: job_decode_cli(a.path),
    "detect": lambda a: job_detect(a.path, a.n),
    "movingpandas": lambda a: job_movingpandas(a.path, a.n),
    "dask": lambda a: job_dask(a.parts, a.n),
    "corpus": lambda a: job_corpus(a.path, a.n, int(a.parts[0])),
    "encounters": lambda a: job_encounters(a.path),
    "encounters_naive": lambda a: job_encounters_naive(a.path, a.n),
    "at_sea_scores": lambda a: job_at_sea_scores(),
}


# --------------------------------------------------------------------------------------------
# the driver


def _alternate(job: str, args: list[str], key: str, repeat: int) -> dict:
    """``job`` with ``args`` and 1 and 2 workers, alternating, ``repeat`` times each (other
    processes come and go on a shared machine): ``{key}_{w}w``, the fastest run of each, with
    every run's seconds and the load before it."""
    got: dict[int, list[dict]] = {1: [], 2: []}
    for k in range(repeat):
        for w in (1, 2):
            print(f"- {key}_{w}w (run {k + 1}) ...", flush=True)
            got[w].append(run_job(job, *args, "-n", str(w)))
            print(f"  {json.dumps(got[w][-1], default=str)[:300]}", flush=True)
    out = {}
    for w, runs_w in got.items():
        good = [x for x in runs_w if "error" not in x]
        if good:
            out[f"{key}_{w}w"] = min(good, key=_seconds_of)
            out[f"{key}_{w}w"]["all_seconds"] = [round(x["seconds"], 2) for x in good]
            out[f"{key}_{w}w"]["all_loads"] = [x["load_1min_before"] for x in good]
    return out


def run_job(name: str, *args: str, timeout: float = 2400) -> dict:
    """Run one job in a fresh interpreter; its JSON result plus the process wall time."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--job", name, *args]
    load = round(os.getloadavg()[0], 2)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO,
                          check=False)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        print(f"  job {name} failed: {' | '.join(tail)}", file=sys.stderr)
        return {"error": tail, "wall_s": wall}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_s"] = wall
    out["load_1min_before"] = load
    return out


def job_corpus(path: str, n_lines: int, parts: int) -> dict:
    """Build one corpus (a job of its own, so the driver's peak memory stays small: a
    forked child inherits its parent's ``ru_maxrss``)."""
    sys.path.insert(0, str(HERE))
    from corpus import write_corpus

    t = time.perf_counter()
    meta = write_corpus(Path(path), n_lines, parts=parts)
    meta["build_s"] = round(time.perf_counter() - t, 1)
    return meta


def build_corpora(quick: bool) -> dict:
    sizes = {"small": 100_000, "large": 1_000_000} if quick else {
        "small": 1_000_000, "large": 10_000_000}
    CACHE.mkdir(parents=True, exist_ok=True)
    info = {}
    for key, n in sizes.items():
        path = CACHE / f"mixed_{n}.nmea"
        meta_path = path.with_suffix(".json")
        parts = 10 if key == "large" else 1
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        ok = (meta.get("version") == CORPUS_VERSION and path.exists()
              and all(Path(p).exists() for p in meta.get("part_paths", [])))
        if not ok:
            meta = run_job("corpus", "--path", str(path), "-n", str(n), "--parts", str(parts))
            if "error" in meta:
                raise SystemExit(f"could not build {path}")
            meta["version"] = CORPUS_VERSION
            meta_path.write_text(json.dumps(meta, indent=1))
            print(f"built {path.name}: {meta['lines']:,} lines in {meta['build_s']} s")
        meta["path"] = str(path)
        meta["bytes"] = path.stat().st_size
        info[key] = meta
    return info


def _huge_corpus() -> list[str]:
    """The 100-million-line corpus (100 part files of a million lines; 7.4 GB on disk)."""
    path = CACHE / "mixed_100000000.nmea"
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if not (meta.get("version") == CORPUS_VERSION
            and all(Path(p).exists() for p in meta.get("part_paths", []))):
        meta = run_job("corpus", "--path", str(path), "-n", "100000000", "--parts", "100")
        if "error" in meta:
            raise SystemExit(f"could not build {path}")
        meta["version"] = CORPUS_VERSION
        meta_path.write_text(json.dumps(meta, indent=1))
    return list(meta["part_paths"])


def ensure_gpsdecode(install: bool) -> str | None:
    if shutil.which("gpsdecode") is None and install and os.geteuid() == 0 and shutil.which(
            "apt-get"):
        print("installing gpsd-clients (apt-get) ...")
        subprocess.run(["apt-get", "install", "-y", "-q", "gpsd-clients"],
                       capture_output=True, check=False)
    exe = shutil.which("gpsdecode")
    if exe is None:
        return None
    proc = subprocess.run([exe, "-V"], capture_output=True, text=True, check=False)
    return (proc.stdout or proc.stderr).strip()


def ensure_movingpandas(install: bool) -> bool:
    probe = [sys.executable, "-c", "import movingpandas"]
    if subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        return True
    if install:
        print("installing movingpandas into the venv (pip) ...")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "movingpandas"],
                       capture_output=True, check=False)
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def _seconds_of(result: dict) -> float:
    if "seconds" in result:
        return result["seconds"]
    return result.get("subset", {}).get("seconds", float("inf"))


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    import dask
    import numpy
    import pandas
    import pyais
    import pyarrow

    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_gb, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "versions": {"numpy": numpy.__version__, "pandas": pandas.__version__,
                         "pyarrow": pyarrow.__version__, "pyais": pyais.__version__,
                         "dask": dask.__version__},
            "load_avg_at_start": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--job", choices=sorted(JOBS))
    ap.add_argument("--path")
    ap.add_argument("--parts", nargs="*")
    ap.add_argument("-n", type=int, default=0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip", action="append", default=[])
    ap.add_argument("--no-install", action="store_true")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each short job (1M-line decode, pyais, gpsdecode, "
                         "detection); the fastest is reported")
    ap.add_argument("--repeat-dask", type=int, default=5,
                    help="runs of the Dask engine with 1 and with 2 workers (alternating)")
    ap.add_argument("--repeat-huge-dask", type=int, default=2,
                    help="the same over the 100 M-line store (with --huge)")
    ap.add_argument("--keep-previous", action="store_true",
                    help="start from the figures of the last run (bench/.cache/results.json): "
                         "jobs skipped now keep their previous figures")
    ap.add_argument("--huge", action="store_true",
                    help="also ingest and count a 100-million-line corpus (7.4 GB on disk)")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    a = ap.parse_args(argv)
    if a.job:
        print(json.dumps(JOBS[a.job](a), default=str))
        return 0

    t_all = time.perf_counter()
    mach = machine()
    print(f"machine: {mach['nproc']} CPUs, {mach['cpu']}, {mach['memory_gb']} GB")
    corpora = build_corpora(a.quick)
    small, large = corpora["small"]["path"], corpora["large"]["path"]
    gpsd = None if "gpsdecode" in a.skip else ensure_gpsdecode(not a.no_install)
    have_mpd = "movingpandas" not in a.skip and ensure_movingpandas(not a.no_install)
    r: dict = {}
    previous = CACHE / "results.json"
    if a.keep_previous and previous.exists():
        r.update(json.loads(previous.read_text()))
    r.update({"machine": mach, "corpora": corpora, "gpsdecode_version": gpsd
              or r.get("gpsdecode_version")})

    def step(key: str, name: str, *args: str, repeat: int = 1) -> None:
        """Run a job ``repeat`` times and keep the fastest run (a shared, noisy machine)."""
        if key in a.skip or name in a.skip:
            return
        print(f"- {key} ...", flush=True)
        runs = [run_job(name, *args) for _ in range(repeat)]
        good = [x for x in runs if "error" not in x]
        best = min(good, key=_seconds_of) if good else runs[-1]
        if repeat > 1 and good:
            best["all_seconds"] = [round(_seconds_of(x), 3) for x in good]
        r[key] = best
        print(f"  {json.dumps(r[key], default=str)[:300]}", flush=True)

    rep = a.repeat
    step("decode_small", "decode", "--path", small, repeat=rep)
    step("profile_small", "profile", "--path", small)
    step("pyais", "pyais", "--path", small, "-n", str(PYAIS_LINES if not a.quick else 20_000),
         repeat=rep)
    if gpsd:
        step("gpsdecode_small", "gpsdecode", "--path", small, repeat=rep)
    step("decode_cli_small", "decode_cli", "--path", small, repeat=rep)
    step("decode_large", "decode", "--path", large)
    step("count_large", "count", "--path", large)
    step("identity_large", "identity", "--path", large)
    step("identity_score", "identity_score")
    step("detect", "detect", "--path", small, "-n", str(MPD_POSITIONS), repeat=rep)
    if have_mpd:
        step("movingpandas", "movingpandas", "--path", small, "-n", str(MPD_POSITIONS))
    step("encounters_large", "encounters", "--path", large)
    step("encounters_naive", "encounters_naive", "--path", small, "-n", str(NAIVE_VESSELS))
    step("at_sea_scores", "at_sea_scores")
    parts = corpora["large"]["part_paths"]
    if "dask" not in a.skip:
        r.update(_alternate("dask", ["--parts", *parts], "dask", a.repeat_dask))
    if "store" not in a.skip:
        store = str(CACHE / f"store_{corpora['large']['lines']}")
        step("ingest_large", "ingest", "--path", store, "--parts", *parts)
        step("count_store_large", "count_store", "--path", store, "-n", "0")
        # Dask on the store, 1 and 2 workers alternating (the fastest of --repeat-dask runs
        # each): the whole process tree (cluster start included), and the client alone
        # against a cluster started before the timing
        for job, key in (("count_store", "dask_store"), ("count_store_cluster",
                                                          "dask_store_cluster")):
            if key in a.skip:
                continue
            r.update(_alternate(job, ["--path", store], key, a.repeat_dask))
    if a.huge:
        corpus_huge = _huge_corpus()
        store_huge = str(CACHE / "store_100000000")
        # ten times the lines of the 10 M-line store in ten times its 16 buckets: the same
        # bucket size, so that the two counts' peak memory compare like for like
        step("ingest_huge", "ingest", "--path", store_huge, "-n", str(HUGE_BUCKETS),
             "--parts", *corpus_huge)
        step("count_store_huge", "count_store", "--path", store_huge, "-n", "0")
        if "dask_store" not in a.skip and "dask_store_huge" not in a.skip:
            # the Dask engine over the same 100 M lines, 1 and 2 workers alternating: the
            # start-up, the same few seconds as at 10 M, is a small part of it here
            got = _alternate("count_store", ["--path", store_huge], "dask_store_huge",
                             a.repeat_huge_dask)
            r.update(got)
    r["total_s"] = time.perf_counter() - t_all
    # the raw figures first: a report that fails to format loses none of them
    (CACHE / "results.json").write_text(json.dumps(r, indent=1, default=str))
    text = report(r, a)
    print(text)
    a.out.write_text(text)
    print(f"wrote {a.out} (raw figures: {CACHE / 'results.json'})")
    return 0


# --------------------------------------------------------------------------------------------
# the report


def _ok(value: float | None, target: float, higher_is_better: bool = True) -> str:
    if value is None:
        return "n/a"
    good = value >= target if higher_is_better else value <= target
    return "met" if good else "**not met**"


def identity_report(r: dict, large: dict) -> str:
    """The identity section of RESULTS.md: time on the large corpus, precision and recall
    per kind on the SYNTHETIC identity scenario."""
    lines = []
    il, sc = r.get("identity_large", {}), r.get("identity_score", {})
    if "seconds" in il or "score" in sc:
        lines.append("## Identity checks\n")
    if "seconds" in il:
        lines.append(
            f"- `check_identity` on the {large['lines']:,}-line corpus "
            f"({il['positions']:,} positions, {il['statics']:,} static reports, "
            f"{il['vessels']:,} vessels; decoding not timed): **{il['seconds']:.1f} s**, of "
            f"which segmentation {il['segments_s']:.1f} s; peak {il['rss_mb'] / 1024:.2f} GB "
            f"(with the decoded tables); findings: "
            + (", ".join(f"{k} {v:,}" for k, v in il["findings"].items()) or "none")
            + f"; 1-minute load before {il.get('load_1min_before')}.")
    if "score" in sc:
        lines.append(
            f"- Precision and recall per kind on the SYNTHETIC identity scenario "
            f"(`data/fixtures/identity_2024*`, {sc['positions']:,} positions; truth stated by "
            f"its generator; a finding counts per MMSI and kind, an area by overlapping time; "
            f"checks took {sc['seconds']:.2f} s):\n")
        lines.append("| kind | planted | found | precision | recall |")
        lines.append("|---|---|---|---|---|")
        for row in sc["score"]:
            p = "n/a" if row["precision"] is None else f"{row['precision']:.2f}"
            q = "n/a" if row["recall"] is None else f"{row['recall']:.2f}"
            lines.append(f"| {row['kind']} | {row['truth']} | {row['found']} | {p} | {q} |")
    if lines:
        lines.append("")
    return "\n".join(lines)


def report(r: dict, a: argparse.Namespace) -> str:
    m, c = r["machine"], r["corpora"]
    small, large = c["small"], c["large"]
    lines: list[str] = []
    add = lines.append
    add("# vesseltrack benchmark results\n")
    add("Written by `make bench` (`python bench/run.py`"
        + (" --quick" if a.quick else "") + f") on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f"; the whole run took {r['total_s'] / 60:.1f} min"
        + (" (`--keep-previous`: the jobs it skipped keep the figures of the run before)"
           if getattr(a, "keep_previous", False) else "") + ".\n")
    add("## Machine\n")
    add(f"- {m['nproc']} CPUs: {m['cpu']}; {m['memory_gb']} GB memory; {m['os']}")
    add(f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    add(f"- load average when the run started: {m['load_avg_at_start']} (a shared machine: "
        "other processes may have competed for the 2 cores)")
    if r.get("gpsdecode_version"):
        add(f"- {r['gpsdecode_version']} (Debian gpsd-clients)")
    add("")
    add("## Corpora (SYNTHETIC, `bench/corpus.py`, cached in `bench/.cache/`)\n")
    for info in (small, large):
        mix = info["messages_by_kind"]
        total = sum(mix.values())
        shares = ", ".join(f"type {k} {100 * v / total:.1f} %" for k, v in mix.items())
        add(f"- `{Path(info['path']).name}`: {info['lines']:,} lines, {info['messages']:,} "
            f"messages ({shares}), {info['bytes'] / 1e6:.0f} MB, {info['span_hours']} h of "
            "tag-block times" + (f"; also as {len(info['part_paths'])} part files"
                                 if info.get("part_paths") else ""))
    add("\nEvery line carries a tag block `\\s:BENCH,c:<unix s>*hh\\`; type 5 is two sentences. "
        "Pyais encoded about 35,000 distinct messages once; the corpus tiles them with rising "
        "times, each vessel replaying its own loop of positions in order.\n")

    add("## Figures\n")
    add("| measure | figure | target | |")
    add("|---|---|---|---|")
    ds = r.get("decode_small", {})
    vt_rate = ds["sentences"] / ds["seconds"] if "seconds" in ds else None
    py = r.get("pyais", {})
    py_rate = py["lines"] / py["seconds"] if "seconds" in py else None
    gd = r.get("gpsdecode_small", {})
    gd_rate = small["lines"] / gd["seconds"] if "seconds" in gd else None
    if vt_rate:
        add(f"| read_ais decode → tables, {small['lines']:,} lines | {ds['seconds']:.2f} s, "
            f"**{vt_rate:,.0f} sentences/s** (process wall {ds['wall_s']:.1f} s, of which "
            f"importing vesseltrack {ds.get('import_s', float('nan')):.1f} s; peak "
            f"{ds['rss_mb']:,.0f} MB) | ≥ 2,000,000/s on one core | "
            f"{_ok(vt_rate, TARGETS['sentences_per_s'])} |")
    if py_rate:
        add(f"| pyais → DataFrame, first {py['lines']:,} lines (scaled) | {py['seconds']:.2f} s, "
            f"{py_rate:,.0f} sentences/s → {small['lines'] / py_rate:.1f} s per "
            f"{small['lines']:,} lines | | |")
    if vt_rate and py_rate:
        add(f"| read_ais / pyais | **{vt_rate / py_rate:.1f}×** | ≥ 25× | "
            f"{_ok(vt_rate / py_rate, TARGETS['decode_vs_pyais'])} |")
    if gd_rate:
        add(f"| `gpsdecode -c -s < file`, {small['lines']:,} lines | {gd['seconds']:.2f} s, "
            f"{gd_rate:,.0f} lines/s (peak {gd['rss_mb']:,.0f} MB) | | |")
    if vt_rate and gd_rate:
        add(f"| read_ais / gpsdecode | **{vt_rate / gd_rate:.2f}×** | ≥ 3× | "
            f"{_ok(vt_rate / gd_rate, TARGETS['decode_vs_gpsdecode'])} |")
    dc = r.get("decode_cli_small", {})
    if "seconds" in dc:
        add(f"| `vesseltrack decode FILE -o positions.parquet`, {small['lines']:,} lines, whole "
            f"process | {dc['seconds']:.2f} s (imports: {', '.join(dc['imports'])}) | | |")
        if gd_rate:
            ratio = gd["seconds"] / dc["seconds"]
            add(f"| `vesseltrack decode` process / `gpsdecode -c -s` process | **{ratio:.2f}×** "
                f"faster | ≥ 2.5× | {_ok(ratio, 2.5)} |")
    if vt_rate:
        add(f"| decoding in process, one core | {vt_rate / 1e6:.2f} M sentences/s | ≥ 4 M/s | "
            f"{_ok(vt_rate, 4_000_000)} |")
    if "again_seconds" in ds:
        add(f"| same, read_ais called again in that process (fastest of two) | "
            f"{ds['again_seconds']:.2f} s, {ds['sentences'] / ds['again_seconds'] / 1e6:.2f} M "
            f"sentences/s (that process wrote 80 MB of never-used memory in "
            f"{ds['touch_80mb_fresh_s'] * 1e3:.0f} ms, 80 MB it had freed in "
            f"{ds['touch_80mb_recycled_s'] * 1e3:.0f} ms) | | |")
    dl = r.get("decode_large", {})
    if "seconds" in dl:
        add(f"| read_ais decode → tables, {large['lines']:,} lines | {dl['seconds']:.1f} s, "
            f"{dl['sentences'] / dl['seconds']:,.0f} sentences/s, **peak "
            f"{dl['rss_mb'] / 1024:.2f} GB** | peak < 3 GB | "
            f"{_ok(dl['rss_mb'] / 1024, TARGETS['peak_gb_10m'], False)} |")
    cl = r.get("count_large", {})
    if "seconds" in cl:
        add(f"| `vesseltrack count` end to end, {large['lines']:,} lines | **{cl['seconds']:.1f} s** "
            f"({cl['lines'] / cl['seconds']:,.0f} lines/s; {cl['port_calls']:,} port calls, "
            f"{cl['vessels_seen']:,} vessels), peak {cl['rss_mb'] / 1024:.2f} GB | < 30 s, "
            f"< 3 GB | {_ok(cl['seconds'], TARGETS['count_10m_s'], False)}, "
            f"{_ok(cl['rss_mb'] / 1024, TARGETS['peak_gb_10m'], False)} |")
    de, mp = r.get("detect", {}), r.get("movingpandas", {})
    if "all" in de:
        al, sb = de["all"], de["subset"]
        add(f"| clean + port calls + gaps, all {al['positions']:,} positions | "
            f"{al['seconds']:.2f} s, {al['positions'] / al['seconds']:,.0f} positions/s "
            f"({al['port_calls']:,} calls, {al['gaps']:,} gaps) | | |")
        add(f"| same, MovingPandas' subset ({sb['positions']:,} positions, {sb['vessels']} "
            f"vessels) | {sb['seconds']:.3f} s, {sb['positions'] / sb['seconds']:,.0f} "
            f"positions/s ({sb['port_calls']} calls) | | |")
    if "seconds" in mp:
        mp_rate = mp["positions"] / mp["seconds"]
        add(f"| MovingPandas {mp['version']} TrajectoryStopDetector (2 h, 1 km) on the subset | "
            f"{mp['seconds']:.2f} s, {mp_rate:,.0f} positions/s ({mp['stops']} stops) | | |")
        if "all" in de:
            ratio_all = de["all"]["positions"] / de["all"]["seconds"] / mp_rate
            ratio_sub = de["subset"]["positions"] / de["subset"]["seconds"] / mp_rate
            add(f"| detection / MovingPandas (positions/s) | **{ratio_all:,.0f}×** (all "
                f"positions vs subset rate); {ratio_sub:,.0f}× on the identical subset | ≥ 100× | "
                f"{_ok(ratio_sub, TARGETS['detect_vs_movingpandas'])} |")
    for w in (1, 2):
        dk = r.get(f"dask_{w}w", {})
        if "seconds" in dk:
            e = dk["engine"]
            add(f"| Dask engine, {w} worker{'s' if w > 1 else ''}, {large['lines']:,} lines in "
                f"{e['files']} files | **{dk['seconds']:.1f} s** (cluster start {e['startup_s']:.1f} s, "
                f"decode {e['decode_s']:.1f} s, "
                f"detect {e['detect_s']:.1f} s; {e['partitions']} partitions; "
                f"{dk['port_calls']:,} calls; all runs {dk.get('all_seconds')} s, load before "
                f"them {dk.get('all_loads')}) | | |")
    d1, d2 = r.get("dask_1w", {}), r.get("dask_2w", {})
    if "seconds" in d1 and "seconds" in d2:
        add(f"| Dask 2 workers vs 1 | {d1['seconds'] / d2['seconds']:.2f}× faster | | |")
    for key, label in (("ingest_large", large["lines"]), ("ingest_huge", 100_000_000)):
        ig = r.get(key, {})
        if "seconds" in ig:
            add(f"| `vesseltrack ingest` into a store, {label:,} lines in {ig['files']} files | "
                f"**{ig['seconds']:.1f} s, {ig['lines'] / ig['seconds']:,.0f} lines/s** (whole "
                f"process; {ig['lines'] / ig['cpu_s']:,.0f} lines per CPU-second; peak "
                f"{ig['tree_peak_mb'] / 1024:.2f} GB; store {ig['store_mb']:,.0f} MB) | "
                f"≥ 1,000,000 lines/s per core | "
                f"{_ok(ig['lines'] / ig['cpu_s'], 1_000_000)} (per CPU-second) |")
    for key, label in (("count_store_large", large["lines"]), ("count_store_huge", 100_000_000)):
        cs = r.get(key, {})
        if "seconds" in cs:
            buckets = r.get(key.replace("count_store", "ingest"), {}).get("buckets", 16)
            add(f"| `vesseltrack count --store`, {label:,} lines ({buckets} buckets) | "
                f"**{cs['seconds']:.1f} s** ({cs['cpu_s']:.1f} CPU-s), "
                f"peak of the process tree **{cs['tree_peak_mb'] / 1024:.2f} GB** "
                f"({cs['port_calls']:,} port calls) | 100 M lines: < 180 s, < 2.5 GB | "
                + (f"{_ok(cs['seconds'], 180, False)}, "
                   f"{_ok(cs['tree_peak_mb'] / 1024, 2.5, False)}" if key.endswith("huge")
                   else "") + " |")
    c10, c100 = r.get("count_store_large", {}), r.get("count_store_huge", {})
    if "tree_peak_mb" in c10 and "tree_peak_mb" in c100:
        flat = c100["tree_peak_mb"] / c10["tree_peak_mb"]
        add(f"| Memory of `count --store`, 100 M lines against {large['lines']:,} (the same "
            f"bucket size) | peak {flat:.2f}× | within 20 % (≤ 1.20×) | "
            f"{_ok(flat, 1.2, False)} |")
    for key, what, n_lines in (
            ("dask_store", "whole process tree, cluster start included", large["lines"]),
            ("dask_store_cluster", "the client process alone, against a cluster started "
                                   "before the timing with README's settings", large["lines"]),
            ("dask_store_huge", "whole process tree, cluster start included", 100_000_000)):
        for w in (1, 2):
            ds_ = r.get(f"{key}_{w}w", {})
            if "seconds" in ds_:
                e = ds_.get("engine") or {}
                cpu = ds_.get("cpu_s", ds_.get("client_cpu_s", float("nan")))
                peak = ds_.get("tree_peak_mb", ds_.get("client_peak_mb", float("nan")))
                add(f"| `count --store --engine dask`, {w} worker{'s' if w > 1 else ''}, "
                    f"{n_lines:,} lines, {what} | **{ds_['seconds']:.2f} s**, "
                    f"{cpu:.1f} CPU-s (start-up {e.get('startup_s', float('nan')):.2f} s, "
                    f"detect {e.get('detect_s', float('nan')):.2f} s, "
                    f"{e.get('partitions', '?')} tasks), peak {peak / 1024:.2f} GB; all runs "
                    f"{ds_.get('all_seconds')} s at load {ds_.get('all_loads')} | | |")
        s1, s2 = r.get(f"{key}_1w", {}), r.get(f"{key}_2w", {})
        if "seconds" in s1 and "seconds" in s2:
            ratio = s1["seconds"] / s2["seconds"]
            e1, e2 = s1.get("engine") or {}, s2.get("engine") or {}
            detect = (e1["detect_s"] / e2["detect_s"] if e1.get("detect_s")
                      and e2.get("detect_s") else float("nan"))
            add(f"| Dask on the store, 2 workers vs 1, {n_lines:,} lines ({what}) | "
                f"**{ratio:.2f}× faster** "
                f"(detect phase {detect:.2f}×) | ≥ 1.6× | {_ok(ratio, 1.6)} |")
    add("")
    loads = {k: v["load_1min_before"] for k, v in r.items()
             if isinstance(v, dict) and "load_1min_before" in v}
    if loads:
        add("1-minute load average just before each job (2 CPUs; above 2 means the job "
            "shared the cores): " + ", ".join(f"{k} {v}" for k, v in loads.items()) + ".\n")
    add(identity_report(r, large))
    pf = r.get("profile_small", {})
    if "frame_s" in pf:
        add("## Where read_ais spends its time (small corpus, one pass)\n")
        add(f"- reading and splitting lines: {pf['read_split_s']:.2f} s")
        add(f"- framing (`NMEAFramer.feed`: line scan, checksums, tag blocks, reassembly): "
            f"{pf['frame_s']:.2f} s")
        add(f"- decoding payloads and building the tables: {pf['decode_table_s']:.2f} s\n")
    add("## Method\n")
    add(f"- The short jobs (1M-line decode, pyais, gpsdecode, detection) run {a.repeat} times "
        "each and the fastest run is reported (all times are in `bench/.cache/results.json`); "
        "the 10M-line jobs run once (the Dask runs: below).")
    add("- Each job runs in a fresh `python bench/run.py --job NAME` process; times are "
        "`time.perf_counter()` around the measured call (imports and interpreter start "
        "excluded; the process wall time is in `bench/.cache/results.json`). Importing "
        "vesseltrack loads its two Numba kernels from the on-disk cache (compiled there on the "
        "first import after an install): a fixed cost per process, shown apart for the 1M-line "
        "decode. Peak memory is "
        "`resource.getrusage(RUSAGE_SELF).ru_maxrss` of the job (RUSAGE_CHILDREN for external "
        "commands: `gpsdecode`, `vesseltrack count`).")
    add(f"- pyais: `pyais.stream.ByteStream` over the first {PYAIS_LINES:,} lines (not timed: "
        "reading them), `msg.decode().asdict()` plus the tag-block time per message, then one "
        "`pandas.DataFrame`; its rate is scaled to the full corpus.")
    add("- gpsdecode: `gpsdecode -c -s < corpus > pipe`, the whole process.")
    add(f"- `vesseltrack count CORPUS --ports {PORTS.relative_to(REPO)} --json`, the whole "
        "process (interpreter start included).")
    add("- Detection: `clean_tracks` + `detect_port_calls` + `detect_gaps` on the decoded "
        "positions; MovingPandas: GeoDataFrame + `TrajectoryCollection` + "
        "`TrajectoryStopDetector.get_stop_segments(min_duration=2 h, max_diameter=1 km)`, "
        f"timed on about {MPD_POSITIONS:,} positions (whole vessels, terminal callers first) "
        "because it is slow; vesseltrack is timed on that same subset and on all positions.")
    add("- Dask: `count_port_calls_dask(parts, ports, n_workers=N)`: a LocalCluster of N "
        "single-threaded worker processes on 127.0.0.1, started inside the timing (under "
        f"2 s), one decode task per part file; 1 and 2 workers alternate, {a.repeat_dask} runs "
        "each, the fastest kept. Two workers can only beat one when no other process holds a "
        "core: see the load averages.")
    add("- Store: `vesseltrack ingest PARTS --store DIR --json -q` into a fresh store, then "
        "`vesseltrack count --store DIR --ports ... --json -q` (local engine: one MMSI bucket "
        "at a time) and the same with `--engine dask --workers N`; each is one process "
        "(tree), timed from outside, its peak memory the largest sum of the RSS of the "
        "process and all its descendants (Dask workers included), sampled every 50 ms "
        "(psutil). `--huge` adds a 100-million-line corpus (100 part files) ingested into "
        f"{HUGE_BUCKETS} buckets (the bucket size of the 10 M-line store in 16), so that the "
        "two counts' peak memory compare like for like. Dask on the store runs "
        f"{a.repeat_dask} times per worker count (1 and 2 alternating, the fastest kept; over "
        "the 100 M-line store `--repeat-huge-dask` times): the whole process tree with "
        "the LocalCluster started inside the timing, and (10 M lines) the client process "
        "alone against a LocalCluster with the settings README gives for a real cluster "
        "(`vesseltrack.cluster.CLUSTER_CONFIG`) started (and idle) before the timing, as a "
        "real cluster would be; start-up is starting the cluster (or "
        "connecting), with the planning of the slices overlapped.")
    add("")
    lines += at_sea_lines(r)
    return "\n".join(lines)


def at_sea_lines(r: dict) -> list[str]:
    """The at-sea section of RESULTS.md: encounter timing and the fixture's scores."""
    out: list[str] = []
    enc, nv, sc = r.get("encounters_large", {}), r.get("encounters_naive", {}), r.get("at_sea_scores", {})
    if not (enc or nv or sc):
        return out
    out += ["", "## At sea: encounters", "", "| measure | figure |", "|---|---|"]
    if "grid_s" in enc:
        out.append(f"| encounters on all {enc['positions']:,} positions ({enc['vessels']:,} vessels) "
                   f"of the 10 M-line corpus: clean {enc['clean_s']:.1f} s, grid "
                   f"({enc['grid_instants']:,} instants) {enc['grid_s']:.1f} s, binned pairs + "
                   f"rule **{enc['find_s']:.2f} s** ({enc['encounters']} encounters) | speed "
                   f"pre-filter off (every instant binned): {enc['find_unfiltered_s']:.1f} s |")
    if "naive_s" in nv:
        per_pair = nv["naive_s"] / nv["pairs"]
        out.append(f"| naive baseline: every pair of {nv['vessels']} vessels joined on the grid "
                   f"({nv['pairs']:,} pairs) | {nv['naive_s']:.1f} s ({per_pair * 1e3:.2f} ms per "
                   f"pair); binned, pre-filter off, same vessels: {nv['binned_s']:.2f} s "
                   f"(**{nv['naive_s'] / max(nv['binned_s'], 1e-9):,.0f}×**) |")
        if "vessels" in enc:
            pairs = enc["vessels"] * (enc["vessels"] - 1) // 2
            out.append(f"| naive, extrapolated to all {enc['vessels']:,} vessels ({pairs:,} pairs) "
                       f"| about {per_pair * pairs / 60:,.0f} min |")
    for key, label in (("visible", "visible transfers"), ("dark", "dark transfers"),
                       ("loitering", "loitering")):
        if key in sc:
            v = sc[key]
            out.append(f"| SYNTHETIC at-sea fixture, {label}: precision / recall | "
                       f"**{v['precision']} / {v['recall']}** ({v['matched']} of {v['true']} "
                       f"true, {v['detected']} detected) |")
    if "lookalikes" in sc:
        out.append(f"| look-alikes (crossings, convoys, anchorage neighbours) reported | "
                   f"**{sc['lookalike_false_positives']} of {sc['lookalikes']}** |")
    out += ["", *AT_SEA_METHOD]
    return out


AT_SEA_METHOD = ['- Encounters: `clean_tracks`, `resample_tracks` (10-minute grid) and `find_encounters` (binned candidate pairs, then the rule) on every position of the 10 M-line corpus. Its vessels circle at 12 kn or lie in the terminal fence, so no encounter exists and the speed pre-filter leaves little to bin; the run with the pre-filter off bins every one of the 2.6 M grid instants and so times the binning itself on all the traffic.', "- Naive baseline: for every pair of the first 120 vessels of the 1 M-line corpus, a pandas join of the two grids on the instant and a haversine distance on each common instant (the obvious implementation); the binned detector, pre-filter off, on the same 120 vessels' grid for comparison. Its per-pair cost times the 1.8 M pairs of the 1,900 vessels gives the extrapolation.", "- Scores: `detect_at_sea` on the SYNTHETIC at-sea fixture against its generator's truth (`score_at_sea`; `docs/at-sea.md`)."]
"""How the at-sea rows are measured (written under their table)."""


if __name__ == "__main__":
    sys.exit(main())
