"""Counting a store in slices of whole vessels (buckets larger than ``slice_rows``), and the
store's sighting-matching keys read one bucket at a time: the same answers as the files."""

from __future__ import annotations

import functools
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


def test_slices_cut_vessels_into_equal_parts():
    # vessels 5, 7, 9 with 2 positions each, at most 4 a slice: 6 positions need 2 slices;
    # the vessels start at positions 0, 2, 4 -> slice 0*2//6 = 0, 2*2//6 = 0, 4*2//6 = 1,
    # so the second slice starts at vessel 9
    assert slice_bounds(np.array([5, 9, 7, 5, 9, 7]), 4).tolist() == [9]


def test_a_vessel_is_never_split():
    # vessel 1 has 5 positions, vessel 2 one; at most 2 a slice: 3 slices wanted, vessel 1
    # starts at 0 (slice 0), vessel 2 at 5 (5*3//6 = 2): two slices, the first of 5 rows
    bounds = slice_bounds(np.array([1, 1, 1, 1, 1, 2]), 2)
    assert slice_of(np.array([1, 2]), bounds).tolist() == [0, 1]


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
