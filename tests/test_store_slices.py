"""Counting a store in slices of whole vessels (buckets larger than ``slice_rows``), and the
store's sighting-matching keys read one bucket at a time: the same answers as the files."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import vesseltrack.bucketed as bucketed
from vesseltrack.bucketed import slice_bounds, slice_of
from vesseltrack.cli import main
from vesseltrack.params import StoreParams
from vesseltrack.store import ingest, open_store

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "data" / "fixtures" / "vostochny_2024.nmea.gz"
SIDE = ["--ports", str(REPO / "data" / "ports" / "vostochny.geojson"),
        "--port", "Vostochny oil terminal", "--flag", "KP",
        "--registry", str(REPO / "data" / "vessels" / "dprk_tankers.csv"),
        "--sightings", str(REPO / "data" / "fixtures" / "vostochny_2024_sightings.csv")]


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixture") / "store"
    ingest([FIXTURE], root, progress=False)
    return root


def _run(capsys, *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_slices_are_filled_with_whole_vessels_up_to_the_limit():
    # vessels 5, 7, 9 with 2 positions each, at most 4 a slice: 5 and 7 fill the first
    # slice (4 positions), 9 would make it 6, so the second slice starts at vessel 9
    assert slice_bounds(np.array([5, 9, 7, 5, 9, 7]), 4).tolist() == [9]
    # at most 3 a slice: a second vessel never fits, each vessel is a slice
    assert slice_bounds(np.array([5, 9, 7, 5, 9, 7]), 3).tolist() == [7, 9]


def test_a_vessel_is_never_split():
    # vessel 1 has 5 positions, vessel 2 one; at most 2 a slice: vessel 1 alone is more
    # than the limit and makes a slice of its own, vessel 2 the next
    bounds = slice_bounds(np.array([1, 1, 1, 1, 1, 2]), 2)
    assert slice_of(np.array([1, 2]), bounds).tolist() == [0, 1]


@pytest.mark.parametrize("seed", range(40))
def test_no_slice_is_over_the_limit_unless_one_vessel_is(seed):
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 60, size=rng.integers(1, 40))
    mmsi = rng.permutation(np.repeat(rng.choice(10**9, size=len(counts), replace=False),
                                     counts))
    max_rows = int(rng.integers(1, 200))
    bounds = slice_bounds(mmsi, max_rows)
    assert np.all(np.diff(bounds) > 0)
    vessels, per_vessel = np.unique(mmsi, return_counts=True)
    sid = slice_of(vessels, bounds)
    # every slice holds some vessel, in MMSI order
    assert np.array_equal(np.unique(sid), np.arange(len(bounds) + 1))
    assert np.all(np.diff(sid) >= 0)
    rows = np.bincount(sid, weights=per_vessel).astype(int)
    members = np.bincount(sid)
    assert np.all((rows <= max_rows) | (members == 1))
    # filled as far as the next vessel allows: a slice and the first vessel of the next
    # are more than the limit together
    first_of_next = per_vessel[np.searchsorted(vessels, bounds)]
    assert np.all(rows[:-1] + first_of_next > max_rows)
    assert (len(bounds) == 0) == (len(mmsi) <= max_rows)


def test_a_bucket_within_the_limit_is_one_slice():
    assert len(slice_bounds(np.array([3, 4, 5]), 3)) == 0


@pytest.mark.parametrize("merge_slices", [2, bucketed.MERGE_SLICES])
def test_count_store_in_slices_identical_to_counting_the_files(fixture_store, tmp_path,
                                                               capsys, monkeypatch,
                                                               merge_slices):
    # the fixture's buckets hold 2,413 to 23,188 positions: at 3,000 most are cut in slices;
    # the slices' results are merged as they come, every few slices
    monkeypatch.setattr(bucketed, "StoreParams", functools.partial(StoreParams,
                                                                   slice_rows=3_000))
    monkeypatch.setattr(bucketed, "MERGE_SLICES", merge_slices)
    merged = []
    real_merge = bucketed.merge_outs
    monkeypatch.setattr(bucketed, "merge_outs",
                        lambda outs: merged.append(len(outs)) or real_merge(outs))
    slices = []
    real = bucketed.bucket_slices

    def spy(*args, **kwargs):
        for item in real(*args, **kwargs):
            slices.append(item[1])
            yield item

    monkeypatch.setattr(bucketed, "bucket_slices", spy)
    direct = _run(capsys, "count", str(FIXTURE), *SIDE, "--json", "-q", "--out",
                  str(tmp_path / "direct"))
    stored = _run(capsys, "count", "--store", str(fixture_store), *SIDE, "--json", "-q",
                  "--out", str(tmp_path / "store"))
    same = [stored == direct] + [
        (tmp_path / "store" / f).read_bytes() == (tmp_path / "direct" / f).read_bytes()
        for f in ("port_calls.csv", "gaps.csv")]
    assert (len(slices) > 16, same) == (True, [True, True, True])
    # no slice waits here (one port): a merge each time merge_slices results have gathered
    # (the merged one and merge_slices - 1 new)
    assert len(merged) == (len(slices) - 1) // (merge_slices - 1)


# real feeds of other shapes: many vessels of a few positions each, statics sent on change,
# tag-block groups, untimed sentences, both CSV layouts (provenance in tests/data/README.md)
REAL = [REPO / "tests" / "data" / p for p in (
    "dma-aislib/stream_example.txt", "dma-aislib/replay_dump.txt",
    "dma-aislib/small_cb_example.txt", "dma-aislib/ais250.txt", "gpsd/sample.aivdm",
    "libais/test.aivdm", "libais/tagblock.nmea", "libais/typeexamples.nmea",
    "noaa_sample.csv", "dma_sample.csv")]


def test_real_feeds_counted_in_slices_as_from_the_files(tmp_path, capsys, monkeypatch):
    # slices of at most 20 positions over 1,600 vessels: most slices hold several vessels,
    # a vessel of more than 20 positions (one has 24) is one of its own; the tables and the
    # summary are those of the files read directly
    files = [str(p) for p in REAL]
    ports = ["--ports", str(REPO / "data" / "ports" / "vostochny.geojson")]
    ingest(files, tmp_path / "store", progress=False)
    monkeypatch.setattr(bucketed, "StoreParams", functools.partial(StoreParams,
                                                                   slice_rows=20))
    sizes = []
    real = bucketed.bucket_track_stage
    monkeypatch.setattr(bucketed, "bucket_track_stage",
                        lambda pos, sta, *a, **k: sizes.append(
                            (len(pos), pos["mmsi"].nunique())) or real(pos, sta, *a, **k))
    direct = _run(capsys, "count", *files, *ports, "--json", "-q", "--out",
                  str(tmp_path / "direct"))
    stored = _run(capsys, "count", "--store", str(tmp_path / "store"), *ports, "--json",
                  "-q", "--out", str(tmp_path / "store_out"))
    gaps = (tmp_path / "direct" / "gaps.csv").read_text().splitlines()
    same = [stored == direct] + [
        (tmp_path / "store_out" / f).read_bytes() == (tmp_path / "direct" / f).read_bytes()
        for f in ("port_calls.csv", "gaps.csv", "summary.json")]
    rows, vessels = np.array(sizes).T
    assert same == [True, True, True, True]
    assert len(gaps) - 1 == 13  # gaps of the real feeds, compared above
    assert len(sizes) > 16 and np.all((rows <= 20) | (vessels == 1))
    assert rows.max() > 20 and np.median(vessels) > 1
    assert json.loads(direct)["input"]["positions"] == 3326


def test_store_ids_are_the_distinct_keys_of_all_statics_in_first_seen_order(fixture_store):
    store = open_store(fixture_store)
    whole = store.read("statics", columns=["mmsi", "imo", "name"]).drop_duplicates(
        ignore_index=True)
    pd.testing.assert_frame_equal(store.ids(), whole)


def test_dask_on_a_store_in_slices_writes_the_local_tables(fixture_store, tmp_path, capsys,
                                                           monkeypatch):
    import json

    import vesseltrack.distributed as distributed

    # slices of at most 3,000 positions: more tasks than the 16 buckets
    monkeypatch.setattr(distributed, "StoreParams", functools.partial(StoreParams,
                                                                      slice_rows=3_000))
    _run(capsys, "count", str(FIXTURE), *SIDE, "-q", "--json", "--out", str(tmp_path / "local"))
    summary = json.loads(_run(capsys, "count", "--store", str(fixture_store), *SIDE, "-q",
                              "--json", "--engine", "dask", "--workers", "2", "--out",
                              str(tmp_path / "dask")))
    same = [(tmp_path / "dask" / f).read_bytes() == (tmp_path / "local" / f).read_bytes()
            for f in ("port_calls.csv", "gaps.csv")]
    assert (summary["engine"]["partitions"] > 16, same) == (True, [True, True])


def test_store_reads_use_a_pool_that_returns_memory(monkeypatch):
    import pyarrow as pa

    from vesseltrack.store import use_releasing_memory_pool

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool()
    try:
        backend = use_releasing_memory_pool()
    finally:
        pa.set_memory_pool(before)
    assert backend in ("jemalloc", "system")


def test_store_in_slices_plus_files_counts_both(tmp_path, capsys, monkeypatch):
    import gzip

    # the fixture cut in two files between whole messages: the first in a store, the
    # second given beside it; slices of at most 3,000 positions take rows of both
    with gzip.open(FIXTURE, "rb") as fh:
        lines = fh.read().splitlines(keepends=True)
    cut = len(lines) // 2
    while b",2,1," in lines[cut - 1]:  # not after the first sentence of a 2-sentence message
        cut += 1
    first, second = tmp_path / "a.nmea", tmp_path / "b.nmea"
    first.write_bytes(b"".join(lines[:cut]))
    second.write_bytes(b"".join(lines[cut:]))
    ingest([first], tmp_path / "store", progress=False)
    monkeypatch.setattr(bucketed, "StoreParams", functools.partial(StoreParams,
                                                                   slice_rows=3_000))
    both = _run(capsys, "count", str(first), str(second), *SIDE, "--json", "-q")
    mixed = _run(capsys, "count", str(second), "--store", str(tmp_path / "store"), *SIDE,
                 "--json", "-q")
    assert mixed == both
